"""Read a paper from arXiv: its metadata from the export API, its full text from the HTML rendering.

One paper costs at most three requests (metadata, ``/html/<id>``, else ar5iv), paced as arXiv asks
(a few seconds apart), and is cached by id and version, a missing paper too. The full text is split
into sections (LaTeXML's ``h1``–``h6`` titles) and rendered as Markdown, tables as pipe rows, so the
paper rules (``rules/papers/``) read it with the same engine and operators as cards.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

from pydantic import BaseModel, Field

from openness.errors import NotFoundError
from openness.readers.fetch import Fetcher, FetchError
from openness.readers.store import ReaderStore

ARXIV_ID = re.compile(r"^(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?P<version>v\d+)?$", re.I)
_ATOM = {"a": "http://www.w3.org/2005/Atom"}
_GITHUB = re.compile(r"https?://(?:www\.)?github\.com/[\w.\-]+/[\w.\-]+", re.I)


@dataclass(frozen=True)
class ArxivOptions:
    api: str = "https://export.arxiv.org/api/query"
    html: str = "https://arxiv.org/html"
    ar5iv: str = "https://ar5iv.labs.arxiv.org/html"
    pacing: float = 3.0  # arXiv's published guidance: no more than one request every three seconds

    def bases(self) -> tuple[str, ...]:
        return (self.api, self.html, self.ar5iv)


class PaperSection(BaseModel):
    heading: str
    level: int = Field(ge=1, le=6)
    text: str


class PaperText(BaseModel):
    """A paper as read: where it came from, and its sections in order."""

    id: str = Field(description="arXiv id without version")
    version: str | None = None
    title: str
    abstract: str = ""
    url: str = Field(description="the page the full text was read from, or the abstract page")
    full_text: bool = Field(default=False, description="False when only the metadata could be read")
    sections: list[PaperSection] = Field(default_factory=list)
    code_links: list[str] = Field(default_factory=list, description="GitHub repositories the paper links")

    def markdown(self) -> str:
        parts = [f"# {self.title}", "", "## Abstract", "", self.abstract, ""]
        for s in self.sections:
            parts += [f"{'#' * max(2, s.level)} {s.heading}", "", s.text, ""]
        return "\n".join(parts)


def normalise_id(arxiv_id: str) -> tuple[str, str | None]:
    """(id, version) of an arXiv id; :class:`ValueError` for anything else (never sent anywhere)."""
    m = ARXIV_ID.match(arxiv_id.strip())
    if not m:
        raise ValueError(f"not an arXiv id: {arxiv_id!r}")
    return m.group("id").lower(), m.group("version")


class ArxivReader:
    def __init__(self, fetcher: Fetcher | None = None, store: ReaderStore | None = None, options: ArxivOptions | None = None) -> None:
        self.options = options or ArxivOptions()
        self.fetcher = fetcher or Fetcher(allowed=self.options.bases())
        for base in self.options.bases():
            host = base.split("//", 1)[-1].split("/", 1)[0]
            self.fetcher.pacing = {**self.fetcher.pacing, host: self.options.pacing}
        self.store = store or ReaderStore(None)

    def read(self, arxiv_id: str) -> PaperText:
        """The paper, from the cache when it was read before; :class:`NotFoundError` when arXiv has no such paper."""
        pid, version = normalise_id(arxiv_id)
        key = pid + (version or "")
        cached = self.store.get("arxiv", key)
        if cached is not None:
            answer, _ = cached
            if answer is None:
                raise NotFoundError(f"arXiv has no paper {pid}")
            return PaperText.model_validate(answer)
        try:
            paper = self._read(pid, version)
        except NotFoundError:
            self.store.put("arxiv", key, None)
            raise
        self.store.put("arxiv", key, paper.model_dump(mode="json"))
        return paper

    def _read(self, pid: str, version: str | None) -> PaperText:
        meta = self.fetcher.get(f"{self.options.api}?id_list={pid}{version or ''}&max_results=1")
        if meta.status != 200:
            raise FetchError(f"arXiv API answered HTTP {meta.status}", meta.status)
        title, abstract, got_version = parse_atom(meta.body, pid)
        versioned = pid + (version or got_version or "")
        for base in (self.options.html, self.options.ar5iv):
            page = self.fetcher.get(f"{base}/{versioned if base == self.options.html else pid}")
            if page.status == 200:
                sections, links = parse_paper_html(page.text())
                if sections:
                    return PaperText(
                        id=pid, version=version or got_version, title=title, abstract=abstract, url=page.url,
                        full_text=True, sections=sections, code_links=links,
                    )  # fmt: skip
            elif page.status not in (404, 410):
                raise FetchError(f"{base}: HTTP {page.status}", page.status)
        return PaperText(id=pid, version=version or got_version, title=title, abstract=abstract, url=f"https://arxiv.org/abs/{pid}")


def parse_atom(body: bytes, pid: str) -> tuple[str, str, str | None]:
    """(title, abstract, version) of the one entry of an export-API answer."""
    try:
        root = ET.fromstring(body)  # noqa: S314 - see the import
    except ET.ParseError:
        raise FetchError("arXiv API: malformed answer") from None
    entry = root.find("a:entry", _ATOM)
    if entry is None:
        raise NotFoundError(f"arXiv has no paper {pid}")
    entry_id = (entry.findtext("a:id", "", _ATOM) or "").strip()
    title = " ".join((entry.findtext("a:title", "", _ATOM) or "").split())
    if "/api/errors" in entry_id or title.lower() == "error" or not title:
        raise NotFoundError(f"arXiv has no paper {pid}")
    abstract = " ".join((entry.findtext("a:summary", "", _ATOM) or "").split())
    m = re.search(r"(v\d+)$", entry_id)
    return title, abstract, m.group(1) if m else None


_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_SKIP = {"script", "style", "nav", "header", "footer", "button", "annotation", "annotation-xml"}
_BLOCKS = {"p", "div", "li", "figcaption", "caption", "br", "section", "tr"}


class _PaperHTML(HTMLParser):
    """LaTeXML/ar5iv HTML → sections: titles from h1–h6, text and table rows in between."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[PaperSection] = []
        self.links: list[str] = []
        self._skip = 0
        self._math = 0
        self._heading: tuple[int, list[str]] | None = None
        self._current: tuple[str, int] = ("Front matter", 2)
        self._text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in _SKIP:
            self._skip += 1
        elif tag == "math":
            self._math += 1
            if a.get("alttext"):
                self._emit(f" {a['alttext']} ")
        elif tag in _HEADINGS:
            self._flush()
            self._heading = (_HEADINGS[tag], [])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and a.get("href") and _GITHUB.match(a["href"] or ""):
            m = _GITHUB.match(a["href"] or "")
            if m and m.group(0) not in self.links:
                self.links.append(m.group(0))
        if tag in _BLOCKS:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "math":
            self._math = max(0, self._math - 1)
        elif tag in _HEADINGS and self._heading is not None:
            level, words = self._heading
            self._heading = None
            self._current = (" ".join("".join(words).split()) or "Untitled", level)
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            row, self._row = self._row, None
            if any(row):
                self._text.append("\n| " + " | ".join(c.replace("|", "/") for c in row) + " |\n")
        if tag in _BLOCKS:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if self._skip or self._math:
            return
        self._emit(data)

    def _emit(self, data: str) -> None:
        if self._heading is not None:
            self._heading[1].append(data)
        elif self._cell is not None:
            self._cell.append(data)
        elif self._row is None:
            self._text.append(data)

    def _flush(self) -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self._text))
        text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
        if text:
            heading, level = self._current
            self.sections.append(PaperSection(heading=heading, level=level, text=text))
        self._text = []

    def close(self) -> None:
        super().close()
        self._flush()


def parse_paper_html(html: str) -> tuple[list[PaperSection], list[str]]:
    """Sections (the title page and bibliography included, as such) and GitHub links of a paper's HTML."""
    parser = _PaperHTML()
    parser.feed(html)
    parser.close()
    return parser.sections, parser.links
