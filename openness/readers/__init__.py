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

from typing import TYPE_CHECKING

from openness.readers.base import EvidenceReader
from openness.settings import AuditSettings

if TYPE_CHECKING:
    from openness.engine.facts import Catalogues as CatalogueSet


def readers_for(settings: AuditSettings, catalogues: CatalogueSet | None = None) -> list[EvidenceReader]:
    """The evidence readers an audit with these settings runs: none offline (nothing can be read) or
    with ``read_links`` off; otherwise the arXiv paper reader and the GitHub repository reader, which
    skip what ``catalogues`` (the pipeline's, loaded once) already know."""
    if settings.offline or not settings.read_links:
        return []
    from openness.engine.facts import Catalogues
    from openness.readers.arxiv import ArxivOptions, ArxivReader
    from openness.readers.github import GitHubOptions, GitHubReader
    from openness.readers.linked import PaperEvidence, RepoEvidence
    from openness.readers.papers import load_paper_rules
    from openness.readers.store import ReaderStore, default_store_path
    from openness.redact import register_secret

    register_secret(settings.github_token)
    store = ReaderStore(settings.readers_cache or default_store_path())
    catalogues = catalogues or Catalogues.load()
    arxiv = ArxivReader(store=store, options=ArxivOptions(settings.arxiv_api, settings.arxiv_html, settings.ar5iv, settings.arxiv_pacing))
    github = GitHubReader(store=store, options=GitHubOptions(api=settings.github_api, token=settings.github_token))
    return [PaperEvidence(arxiv, load_paper_rules(), catalogues), RepoEvidence(github, catalogues)]
