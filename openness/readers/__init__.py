"""Readers of the sources a card links to: papers (arXiv), code repositories (GitHub), Hub dataset cards.

Two layers. Per source: :class:`~openness.readers.arxiv.ArxivReader` and
:class:`~openness.readers.github.GitHubReader`, :class:`~openness.readers.datasets.HubDatasetReader` answer for one linked source, online, through
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
    with ``read_links`` off; otherwise the arXiv paper reader, the GitHub repository reader and the
    Hub dataset-card reader, which skip what ``catalogues`` (the pipeline's, loaded once) already know."""
    if settings.offline or not settings.read_links:
        return []
    from openness.engine.facts import Catalogues
    from openness.readers.arxiv import ArxivOptions, ArxivReader
    from openness.readers.datasets import HubDatasetOptions, HubDatasetReader
    from openness.readers.github import GitHubOptions, GitHubReader
    from openness.readers.linked import DatasetEvidence, PaperEvidence, RepoEvidence
    from openness.readers.papers import load_paper_rules
    from openness.readers.store import ReaderStore, default_store_path
    from openness.redact import register_secret
    from openness.settings import DEFAULT_ENDPOINT

    register_secret(settings.github_token)
    register_secret(settings.token)
    store = ReaderStore(settings.readers_cache or default_store_path())
    catalogues = catalogues or Catalogues.load()
    arxiv = ArxivReader(store=store, options=ArxivOptions(settings.arxiv_api, settings.arxiv_html, settings.ar5iv, settings.arxiv_pacing))
    github = GitHubReader(store=store, options=GitHubOptions(api=settings.github_api, token=settings.github_token))
    hub = HubDatasetReader(store=store, options=HubDatasetOptions(endpoint=settings.endpoint or DEFAULT_ENDPOINT, token=settings.token))
    return [PaperEvidence(arxiv, load_paper_rules(), catalogues), RepoEvidence(github, catalogues), DatasetEvidence(hub, catalogues)]


def not_read_reason(settings: AuditSettings) -> str:
    """Why an audit with these settings reads no linked source at all ("" when it reads them)."""
    if settings.offline:
        return "offline"
    return "" if settings.read_links else "reading linked sources is off (--no-read-links)"
