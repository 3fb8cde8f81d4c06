"""The curated catalogue of technical reports (``registry/papers/*.yaml``).

Facts about papers a card links to: does the paper describe how the training data was built and
the training procedure in detail (GUIDE: technical_report open), or only architecture and
evaluation with a high-level line on data (partial)? Method and dataset papers are catalogued
as such so that citing them is not mistaken for a model report.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.engine.scan import Candidates, NameFinder
from openness.memo import Memo
from openness.models import Link, Status
from openness.resources import data_dir
from openness.yamlio import load_models

_ARXIV_VERSION = re.compile(r"v\d+$")
LINK_CACHE = 4_096  # links whose paper for_link remembers (per catalogue, so per worker)
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")
# One paper, many addresses: the ACL Anthology's (aclanthology.org/ID, ID.pdf, ID/, the older
# aclweb.org/anthology/[X/X00/]ID and the ACL DOI 10.18653/v1/ID: 620 corpus cards link the
# Anthology), OpenReview's forum and pdf pages (61), and any DOI however it is written.
_ACL = re.compile(
    r"(?:aclanthology\.org|aclweb\.org/anthology|10\.18653/v1)/(?:[a-z]/[a-z]\d{2}/)?([a-z]\d{2}-\d{4}|\d{4}\.[a-z\d]+(?:-[a-z\d]+)*\.\d+)",
    re.I,
)
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([\w\-]+)", re.I)
_DOI = re.compile(r"(?:dx\.)?doi\.org/(10\.\d{4,9}/[^\s?#]+)", re.I)
_SCHEME_WWW = re.compile(r"^(?:https?://)?(?:www\.)?")


BIB_TITLE = re.compile(r"^\s*title\s*=\s*[{\"]+(.{8,300}?)[}\"]+\s*,?\s*$", re.I | re.M)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise_title(title: str) -> str:
    """A title as a comparison key: lower case, runs of anything but letters and digits as one space."""
    return _NOT_WORD.sub(" ", title.replace("{", "").replace("}", "").lower()).strip()


def bibtex_titles(text: str) -> list[tuple[str, int]]:
    """The BibTeX ``title = {...}`` fields of a card, normalised, with their character offsets."""
    return [(normalise_title(m.group(1)), m.start(1)) for m in BIB_TITLE.finditer(text)]


@lru_cache(maxsize=8192)  # the same paper addresses recur across cards
def canonical_paper_url(url: str) -> str:
    """The one address a paper's variants share (lower case), e.g. ``https://aclanthology.org/2021.acl-long.68``
    for ``.../2021.acl-long.68.pdf``, ``aclweb.org/anthology/2021.acl-long.68/`` and its ACL DOI; any other
    address as https, without ``www.`` or a trailing slash."""
    if m := _ACL.search(url):
        return f"https://aclanthology.org/{m.group(1).lower()}"
    if m := _OPENREVIEW.search(url):
        return f"https://openreview.net/forum?id={m.group(1).lower()}"
    if m := _DOI.search(url):
        return f"https://doi.org/{m.group(1).lower().rstrip('/')}"
    return "https://" + _SCHEME_WWW.sub("", url.lower()).rstrip("/")


class Paper(BaseModel):
    """One paper and what a careful reader found in it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="arXiv id, or a short slug for papers outside arXiv")
    title: str
    kind: Literal["model-report", "dataset", "method", "other"]
    training_detail: Status = Field(
        default=Status.UNKNOWN, description="model reports: open = data construction and procedure described in detail"
    )
    data_mixture: bool = Field(default=False, description="gives the training datasets with proportions or token counts")
    urls: list[str] = Field(default_factory=list, description="other addresses of the same paper (matched as URL prefixes)")
    aliases: list[str] = Field(default_factory=list, description="how cards name it without a link, e.g. 'the Pythia paper'")
    covers: list[str] = Field(
        default_factory=list,
        description="model id globs the paper documents; for other releases that link it, it is only a related report",
    )
    note: str = Field(default="", description="what the reader found, quoted briefly")
    source: str = Field(default="", description="public URL of the paper (default for an arXiv id: its abs page)")
    verified: bool = Field(default=False, description="true: facts checked against the source; false: written from general knowledge")

    @property
    def source_url(self) -> str:
        """Where a reader can check the facts: ``source``, else the arXiv abs page of an arXiv id."""
        if self.source:
            return self.source
        return f"https://arxiv.org/abs/{self.id}" if ARXIV_ID.fullmatch(self.id) else ""

    def evidence(self) -> str:
        """The evidence line: what the entry says, and whether anyone checked it against the paper."""
        said = f"{self.title}: {self.note}" if self.note else self.title
        return said if self.verified else f"catalogued from general knowledge, not verified: {said}"

    def covers_release(self, release_id: str) -> bool:
        """Whether this paper documents ``release_id`` itself (no ``covers``: every release that links it)."""
        return not self.covers or any(fnmatch.fnmatch(release_id.lower(), g.lower()) for g in self.covers)

    def mixture_for(self, release_id: str) -> bool:
        """Whether the paper gives the data mixture *of this release* (a related model's mixture is not)."""
        return self.data_mixture and self.covers_release(release_id)

    def detail_for(self, release_id: str) -> Status:
        """How well this paper documents training *of this release* (a related model's paper: partial)."""
        if not self.covers_release(release_id):
            return Status.PARTIAL if self.training_detail == Status.OPEN else self.training_detail
        return self.training_detail


class PaperCatalogue:
    def __init__(self, papers: list[Paper]) -> None:
        self.papers = papers
        self._by_id = {p.id.lower(): p for p in papers}
        # Every address in its canonical form: a link matches an entry's address or a longer one under it.
        self._by_prefix = {canonical_paper_url(u): p for p in reversed(papers) for u in reversed(p.urls)}
        self._prefixes = tuple(self._by_prefix)
        self._linked: Memo[tuple[str, str, str], Paper | None] = Memo(self._for_key, LINK_CACHE)
        self._titled: Memo[str, Paper | None] = Memo(lambda title: self._by_title.get(normalise_title(title)), LINK_CACHE)

    @classmethod
    def load(cls, directory: Path | None = None) -> PaperCatalogue:
        return cls(load_models(directory or data_dir("registry") / "papers", Paper))

    def for_link(self, link: Link) -> Paper | None:
        """The catalogued paper a link points to (arXiv id, or a known URL); answers are remembered
        by (kind, target, URL), up to ``LINK_CACHE`` of them (links recur across cards)."""
        return self._linked((link.kind, link.target, link.url))

    def _for_key(self, key: tuple[str, str, str]) -> Paper | None:
        kind, target, url = key
        if kind == "arxiv":
            return self._by_id.get(_ARXIV_VERSION.sub("", target).lower())
        if kind not in ("paper", "other"):
            return None
        url = canonical_paper_url(url)
        if (exact := self._by_prefix.get(url)) is not None:
            return exact
        if not url.startswith(self._prefixes):  # one C-level test against every known URL
            return None
        return next(self._by_prefix[prefix] for prefix in self._prefixes if url.startswith(prefix))

    @cached_property
    def _by_title(self) -> dict[str, Paper]:
        return {normalise_title(t): p for p in reversed(self.papers) for t in (*reversed(p.aliases), p.title)}

    def for_title(self, title: str) -> Paper | None:
        """The catalogued paper with this title or alias (compared as :func:`normalise_title` keys);
        answers are remembered by title, up to ``LINK_CACHE`` of them (BibTeX blocks recur across cards)."""
        return self._titled(title)

    @cached_property
    def names(self) -> NameFinder[Paper]:
        """Finds the catalogue's names in text (its pattern index can join a card's shared scan)."""
        return NameFinder({a.lower(): p for p in self.papers for a in p.aliases})

    def mentioned_in(
        self, text: str, view: bytes | None = None, folded: bytes | None = None, scanned: Candidates | None = None
    ) -> list[tuple[Paper, int]]:
        """Papers named (not linked) in ``text``: (paper, character offset), first mention each."""
        found: dict[str, tuple[Paper, int]] = {}
        for paper, _words, offset in self.names.find(text, view, folded, scanned):
            found.setdefault(paper.id, (paper, offset))
        return list(found.values())


def validate_papers(papers: list[Paper]) -> list[str]:
    """Semantic problems of a catalogue (the schema is checked on load): each "id: message"."""
    problems: list[str] = []
    owners: dict[str, str] = {}
    for p in papers:
        if not p.source_url.startswith("https://"):
            problems.append(f"{p.id}: no public source URL (an arXiv id, or source: https://...)")
        if p.kind != "model-report" and (p.covers or p.training_detail != Status.UNKNOWN or p.data_mixture):
            problems.append(f"{p.id}: covers, training_detail and data_mixture describe model reports only (kind is {p.kind})")
        if p.kind == "model-report" and p.training_detail == Status.UNKNOWN:
            problems.append(f"{p.id}: a model report needs training_detail (open or partial)")
        for key in (p.id.lower(), *(u.lower().rstrip("/") for u in p.urls), *(a.lower() for a in p.aliases)):
            if key in owners and owners[key] != p.id:
                problems.append(f"{p.id}: {key!r} already belongs to {owners[key]}")
            owners.setdefault(key, p.id)
    return problems
