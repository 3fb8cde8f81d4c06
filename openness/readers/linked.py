"""The evidence readers the audit runs online: the papers and code repositories a card links.

Each turns a parsed release's links into :class:`~openness.readers.base.LinkedSource` facts, which
the rules see through ``Facts`` (a paper read here stands beside the curated catalogue, which wins;
a repository read here stands beside the code catalogue, which wins). A source that cannot be read
is still reported, with the reason, so the verdict can say ``unknown`` honestly. After a host fails
to answer, the reader stops asking it for the rest of the run (a circuit breaker), so a batch on a
machine without network costs one failure, not one per card.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from openness.datasets import declared_names
from openness.engine.facts import Catalogues, is_evaluation_line
from openness.engine.rules import RuleSet
from openness.errors import NotFoundError, OpennessError
from openness.models import Release
from openness.readers.arxiv import ARXIV_ID, ArxivReader
from openness.readers.base import LinkedSource, SourceKind
from openness.readers.datasets import HubDatasetReader
from openness.readers.fetch import FetchError
from openness.readers.github import GitHubReader
from openness.readers.papers import read_paper
from openness.sources.ids import dataset_repo_id

MAX_PAPERS = 3  # per release: arXiv asks for pacing, so a card citing twenty papers must not cost a minute
MAX_REPOS = 3
MAX_DATASETS = 8
# The line that links a paper says it reports this model (not a method, dataset or bias paper).
_REPORT_LINE = re.compile(
    r"\b(introduced|presented|proposed|described|released|detailed|reported) in\b|\b(our|the|this|accompanying|technical) (paper|report)\b"
    r"|\bpaper\s*[:\]]|\btech(nical)? report\b|\bfor (more )?details\b|\bfrom the paper\b",
    re.I,
)


@dataclass
class _Breaker:
    """Hosts that failed to answer in this run; asked no more."""

    down: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reason(self, host: str) -> str | None:
        with self.lock:
            return self.down.get(host)

    def trip(self, host: str, reason: str) -> None:
        with self.lock:
            self.down.setdefault(host, reason)

    def guarded(
        self, host: str, kind: SourceKind, ref: str, url: str, reader: str, missing: str, read: Callable[[], LinkedSource]
    ) -> LinkedSource:
        """``read()``, or the source as not read: the host is down, the source is missing, or reading failed.

        A failure without an HTTP status (no connection, a deadline, a spent rate limit) trips the breaker.
        """
        failed = partial(LinkedSource, kind=kind, ref=ref, url=url, reader=reader)
        down = self.reason(host)
        if down is not None:
            return failed(status="unreachable", note=f"not read: {down}")
        try:
            return read()
        except ValueError:
            return failed(status="skipped", note="not an id this reader can look up")
        except NotFoundError:
            return failed(status="not_found", note=missing)
        except OpennessError as exc:
            reason = getattr(exc, "reason", str(exc))
            if not isinstance(exc, FetchError) or exc.status is None or "rate limit" in reason:
                self.trip(host, reason)
            return failed(status="unreachable", note=f"not read: {reason}")


def _line(release: Release, line: int | None) -> str:
    if line is None:
        return ""
    lines = release.card_text.splitlines()
    i = line - release.card_body_line
    return lines[i] if 0 <= i < len(lines) else ""


# Words of model names that say nothing about which model it is.
_GENERIC = frozenset(
    "base large small tiny mini medium huge model models cased uncased finetuned fine tuned tune multilingual "
    "english chat instruct pretrained trained version with from open language vision speech text".split()
)


def _stem_words(name: str) -> set[str]:
    """The distinctive words of a model id or a paper title (e.g. {'acme'} for 'acme-ai/acme-7b-base')."""
    name = name.rsplit("/", 1)[-1].lower()
    return {w for w in re.split(r"[^a-z0-9]+", name) if len(w) >= 4 and not w.isdigit() and w not in _GENERIC}


class PaperEvidence:
    """Reads the arXiv papers a card links that the curated catalogue does not know."""

    name = "arxiv"

    def __init__(self, reader: ArxivReader, rules: RuleSet, catalogues: Catalogues) -> None:
        self.reader, self.rules, self.catalogues = reader, rules, catalogues
        self.breaker = _Breaker()

    def read(self, release: Release) -> list[LinkedSource]:
        sources: list[LinkedSource] = []
        seen: set[str] = set()
        for link in release.links:
            if link.kind != "arxiv" or not ARXIV_ID.match(link.target) or self.catalogues.papers.for_link(link) is not None:
                continue
            pid = link.target.lower()
            if pid in seen or len(seen) >= MAX_PAPERS:
                continue
            seen.add(pid)
            sources.append(self._one(release, pid, link.url, _line(release, link.line)))
        return sources

    def _one(self, release: Release, pid: str, url: str, line: str) -> LinkedSource:
        return self.breaker.guarded(
            "arxiv", "paper", pid, url, self.name, "arXiv has no such paper", lambda: self._read(release, pid, line)
        )

    def _read(self, release: Release, pid: str, line: str) -> LinkedSource:
        paper = self.reader.read(pid)
        reading = read_paper(paper, self.rules, self.catalogues)
        own = bool(_REPORT_LINE.search(line)) or bool(_stem_words(release.id) & _stem_words(paper.title.replace(" ", "-")))
        quotes = [f"{e.where}: {e.excerpt}" for e in reading.evidence.get("technical_report", [])[:2] if e.excerpt]
        quotes += [f"{e.where}: {e.excerpt}" for e in reading.evidence.get("data_mixture", [])[:1] if e.excerpt]
        return LinkedSource(
            kind="paper",
            ref=pid,
            url=reading.url,
            reader=self.name,
            facts={
                "title": reading.title,
                "own_report": own,
                "full_text": reading.full_text,
                "training_detail": reading.training_detail.value,
                "data_mixture": reading.data_mixture,
                "training_code": reading.training_code.value,
            },
            quotes=[q[:300] for q in quotes],
            note="read from its full text" if reading.full_text else "only the abstract could be read",
        )


class RepoEvidence:
    """Reads the GitHub repositories a card links that the code catalogue does not know."""

    name = "github"

    def __init__(self, reader: GitHubReader, catalogues: Catalogues) -> None:
        self.reader, self.catalogues = reader, catalogues
        self.breaker = _Breaker()

    def read(self, release: Release) -> list[LinkedSource]:
        sources: list[LinkedSource] = []
        seen: set[str] = set()
        for link in release.links:
            if link.kind != "code" or self.catalogues.code.for_link(link) is not None:
                continue
            repo = link.target.lower().removesuffix(".git")
            if repo in seen or len(seen) >= MAX_REPOS:
                continue
            seen.add(repo)
            sources.append(self._one(repo, link.url))
        return sources

    def _one(self, repo: str, url: str) -> LinkedSource:
        return self.breaker.guarded("github", "code", repo, url, self.name, "no such GitHub repository", lambda: self._read(repo))

    def _read(self, repo: str) -> LinkedSource:
        r = self.reader.read(repo)
        return LinkedSource(
            kind="code",
            ref=r.repo,
            url=r.url,
            reader=self.name,
            facts={"training_code": r.training_code.value, "data_pipeline": r.data_pipeline.value, "license": r.license},
            quotes=[f"file:{path}" for path in r.files],
            note=r.reason,
        )


def training_dataset_links(release: Release) -> list[tuple[str, str, int | None]]:
    """(dataset id, URL, card line) of the Hub dataset pages the card body links as data it used:
    not images it shows (the card parser keeps those apart) nor datasets it was only evaluated on."""
    found: list[tuple[str, str, int | None]] = []
    for link in release.links:
        if link.kind != "dataset" or (dataset := dataset_repo_id(link.target)) is None:
            continue
        if is_evaluation_line(_line(release, link.line)):
            continue
        found.append((dataset, link.url, link.line))
    return found


class DatasetEvidence:
    """Reads the Hub dataset cards of the datasets a release names (metadata ``datasets`` and dataset
    links in the card body) that the curated dataset catalogue does not know."""

    name = "hub-datasets"

    def __init__(self, reader: HubDatasetReader, catalogues: Catalogues) -> None:
        self.reader, self.catalogues = reader, catalogues
        self.breaker = _Breaker()

    def read(self, release: Release) -> list[LinkedSource]:
        named = [
            (d, f"{self.reader.endpoint}/datasets/{d}")
            for n in declared_names(release.metadata.get("datasets"))
            if (d := dataset_repo_id(n))
        ]
        named += [(d, url) for d, url, _ in training_dataset_links(release)]
        sources: list[LinkedSource] = []
        seen: set[str] = set()
        for dataset, url in named:
            key = dataset.lower()
            if key in seen or self.catalogues.datasets.lookup(dataset) is not None or len(seen) >= MAX_DATASETS:
                continue
            seen.add(key)
            sources.append(
                self.breaker.guarded(
                    "hub", "dataset", key, url, self.name, "no public Hub dataset of this id (missing or private)", partial(self._read, key)
                )
            )
        return sources

    def _read(self, dataset: str) -> LinkedSource:
        r = self.reader.read(dataset)
        quotes = [f"{r.card_url or r.url} (line {r.construction_line}): {r.construction_quote}"] if r.construction_line else []
        return LinkedSource(
            kind="dataset",
            ref=dataset,
            url=r.url,
            reader=self.name,
            facts={
                "access": r.access,
                "availability": r.availability.value,
                "license": r.license,
                "construction_code": r.construction_code.value,
                "construction_code_url": r.construction_code_url,
                "construction_line": r.construction_line,
                "assets_only": r.assets_only,
                "card_read": r.card_read,
                "card_url": r.card_url,
            },
            quotes=[q[:300] for q in quotes],
            note=r.note,
        )
