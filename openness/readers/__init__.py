"""Readers of the sources a card links to: papers (arXiv), code repositories (GitHub).

Two layers. Per source: :class:`~openness.readers.arxiv.ArxivReader` and
:class:`~openness.readers.github.GitHubReader` answer for one linked source, online, through
:class:`openness.readers.fetch.Fetcher` (allow-listed hosts, size caps, deadlines, pacing), and
cache what they learnt (:class:`openness.readers.store.ReaderStore`). Per release: an
:class:`~openness.readers.base.EvidenceReader` turns a parsed release's links into
:class:`~openness.readers.base.LinkedSource` facts for the rules; the audit's EVIDENCE stage runs
the ones :func:`readers_for` lists. Offline it runs none, and what could not be read is reported
as such.
"""

from __future__ import annotations

from openness.readers.base import EvidenceReader
from openness.settings import AuditSettings


def readers_for(settings: AuditSettings) -> list[EvidenceReader]:
    """The evidence readers an audit with these settings runs: none offline (nothing can be read),
    and none registered yet online (add each one here, built from ``settings``)."""
    if settings.offline:
        return []
    return []
