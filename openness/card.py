"""Parse a model card: YAML front matter, sections by heading, and the links it contains."""

from __future__ import annotations

import datetime
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import yaml

from openness.models import Link, Section
from openness.yamlio import YamlLimitError, safe_load

MAX_CARD_CHARS = 1_000_000
MAX_FRONT_MATTER_CHARS = 200_000

# As the Hub reads it (leading whitespace and blank lines allowed, huggingface_hub's REGEX_YAML_BLOCK),
# and also with BOMs and trailing spaces after the dashes.
_FRONT_OPEN = re.compile(r"\ufeff*\s*---[ \t]*\n")
# Every line end as one "\n": CRLF, CR alone, and CRCRLF (a CRLF file converted again on Windows).
_LINE_END = re.compile(r"\r*\n|\r")


def normalize_line_ends(text: str) -> str:
    """``\r\n``, ``\r\r\n`` and ``\r`` become ``\n`` (a card's front matter is lost otherwise)."""
    return _LINE_END.sub("\n", text) if "\r" in text else text


_TAG = re.compile(r"<[^>]+>")

URL_PATTERN = r"https?://[^\s<>\"'`\])}]+"  # case-insensitive, on the card text
_URL = re.compile(URL_PATTERN, re.I)
# The same over the lower-cased text, when lower-casing keeps every offset: the same spans (only 's'
# of "https" has a non-ASCII case twin, the long s, which lower() keeps), found in one C-level pass
# that skips ahead to each literal "http".
_URL_LOWERED = re.compile(r"http[s\u017f]?://[^\s<>\"'`\])}]+")
# arXiv's abs/pdf/html pages (a .pdf suffix or a vN version after the id is left out), and arXiv's
# own DOIs (10.48550/arXiv.ID: 51 of the 24,860 Parquet corpus cards cite a paper that way).
_ARXIV_URL = re.compile(r"(?:arxiv\.org/(?:abs|pdf|html)/|10\.48550/arxiv\.)(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})", re.I)
_ARXIV_TEXT = re.compile(
    r"\barxiv(?::|[^\S\n])[^\S\n]*(\d{4}\.\d{4,5})|\beprint[^\S\n]*=[^\S\n]*[{\"](\d{4}\.\d{4,5})[}\"]"
    r"|(?<=10\.48550/)arxiv\.(\d{4}\.\d{4,5})",
    re.I,
)
# Links on paper hosts that are not papers: Zenodo DOIs archive software and data (23 corpus cards),
# Semantic Scholar author pages (7), licence agreements as PDF (3).
_NOT_PAPER = re.compile(r"10\.5281/zenodo\.|semanticscholar\.org/author/|/licen[sc]e[^?#]*\.pdf|agreement[^/?#]*\.pdf", re.I)
_HF_PAPERS = re.compile(r"huggingface\.co/papers/(\d{4}\.\d{4,5})", re.I)
_CODE_HOSTS = ("github.com/", "gitlab.com/", "bitbucket.org/", "codeberg.org/")
_CODE_HOST = re.compile(r"(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/([\w.\-]+)/([\w.\-]+)", re.I)
_HF_DATASET = re.compile(r"huggingface\.co/datasets/([\w.\-]+(?:/[\w.\-]+)?)", re.I)
_HF_MODEL = re.compile(r"huggingface\.co/(?!datasets/|spaces/|papers/|docs/|blog/|models\b)([\w.\-]+/[\w.\-]+)", re.I)
_PAPER_HOSTS = (
    "openreview.net",
    "aclanthology.org",
    "proceedings.",
    "papers.nips.cc",
    "neurips.cc",
    "semanticscholar.org",
    "doi.org",
    "ieeexplore",
    "dl.acm.org",
    "jmlr.org",
)
_MEDIA_FILE = re.compile(
    r"/(?:resolve|blob|raw)/[^?#]*\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?|mp4|webm|mov|wav|mp3|flac|ogg|pdf|html?)(?:$|[?#])", re.I
)
_PDF = re.compile(r"\.pdf(?:$|[?#])", re.I)
LinkKind = Literal["arxiv", "paper", "code", "dataset", "model", "other"]
_MD_ESCAPE = re.compile(r"\\([_*\[\]()#~`])")  # Markdown escapes inside a URL written as text: llama3\_3
_NOT_REPOS = {"features", "topics", "orgs", "sponsors", "marketplace", "settings", "about", "collections", "apps"}


@dataclass
class ParsedCard:
    metadata: dict[str, Any]
    body: str
    body_line: int
    sections: list[Section]
    links: list[Link]
    warnings: list[str] = field(default_factory=list)


def _closing_line(text: str, start: int) -> tuple[int, int] | None:
    """(start, end) of the first line at or after ``start`` that is ``---`` or ``...`` (closing front matter)."""
    best: tuple[int, int] | None = None
    for marker in ("---", "..."):
        pos = text.find(marker, start)
        while pos != -1 and (best is None or pos < best[0]):
            if pos == start or text[pos - 1] == "\n":
                eol = text.find("\n", pos)
                eol = len(text) if eol == -1 else eol
                if not text[pos + 3 : eol].strip(" \t"):
                    best = (pos, eol)
                    break
            pos = text.find(marker, pos + 1)
    return best


def _front_matter_cut(text: str) -> tuple[str, int] | None:
    """The front matter's YAML source and where its closing line ends, in line-normalised ``text``."""
    opening = _FRONT_OPEN.match(text)
    closing = _closing_line(text, opening.end()) if opening else None
    if not opening or not closing:
        return None
    return text[opening.end() : max(opening.end(), closing[0] - 1)], closing[1]


def front_matter_source(text: str) -> str | None:
    """The YAML source of a card's front matter, as :func:`split_front_matter` parses it (None: no front matter)."""
    cut = _front_matter_cut(normalize_line_ends(text))
    return cut[0] if cut else None


# Front matter read before, by its YAML source: 38% of the 24,892 Parquet cards repeat another's
# (templates: "tags: [translation], license: apache-2.0" 962 times), so a process keeps the last
# FRONT_MATTER_CACHE documents it read (short ones, without warnings) and hands out copies.
FRONT_MATTER_CACHE = 2_048
FRONT_MATTER_CACHE_CHARS = 2_000
_FRONT_MATTER: dict[str, dict[str, Any]] = {}
_IMMUTABLE = (str, int, float, bool, type(None), datetime.date, datetime.datetime)  # what YAML scalars build (bool is an int)


class _Uncopied(Exception):
    """A value :func:`_tree_copy` does not know to be plain data: the document is not cached."""


def _tree_copy(value: Any) -> Any:
    """A copy of a tree of dicts and lists, sharing only immutable scalars (and keys, which are hashable)."""
    kind = type(value)
    if kind is dict:
        return {k: _tree_copy(v) for k, v in value.items()}
    if kind is list:
        return [_tree_copy(v) for v in value]
    if kind in _IMMUTABLE:
        return value
    raise _Uncopied


def _remember_front_matter(raw: str, metadata: dict[str, Any]) -> None:
    try:
        copy = _tree_copy(metadata)
    except _Uncopied:
        return
    try:
        if len(_FRONT_MATTER) >= FRONT_MATTER_CACHE:
            del _FRONT_MATTER[next(iter(_FRONT_MATTER))]  # the oldest
    except (KeyError, RuntimeError, StopIteration):  # another thread got there first
        pass
    _FRONT_MATTER[raw] = copy


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int, list[str]]:
    """Return (metadata, body, 1-based body start line, warnings). Malformed YAML never raises."""
    warnings: list[str] = []
    text = normalize_line_ends(text)
    cut = _front_matter_cut(text)
    if cut is None:
        return {}, text, 1, warnings
    raw, closing_end = cut
    body = text[closing_end + 1 :]
    body_line = text.count("\n", 0, closing_end + 1) + 1
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        warnings.append(f"front matter larger than {MAX_FRONT_MATTER_CHARS} characters; ignored")
        return {}, body, body_line, warnings
    cacheable = len(raw) <= FRONT_MATTER_CACHE_CHARS
    if cacheable and (known := _FRONT_MATTER.get(raw)) is not None:
        return _tree_copy(known), body, body_line, warnings
    duplicates: list[str] = []
    try:
        data = safe_load(raw, duplicates, first_line=2)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        kind = "YAML front matter refused" if isinstance(exc, YamlLimitError) else "malformed YAML front matter"
        warnings.append(f"{kind}{where}: {problem}; metadata ignored")
        return {}, body, body_line, warnings
    warnings += [f"front matter: {d} (the Hub rejects duplicate keys)" for d in duplicates]
    if data is None:
        return {}, body, body_line, warnings
    if not isinstance(data, dict):
        warnings.append(f"front matter is a {type(data).__name__}, not a mapping; metadata ignored")
        return {}, body, body_line, warnings
    metadata = {str(k): v for k, v in data.items()}
    if cacheable and not warnings:
        _remember_front_matter(raw, metadata)
    return metadata, body, body_line, warnings


_BLOCK_LINE = re.compile(
    r"^(?:[^\S\n]*(?P<fence>```|~~~)"
    r"|(?P<hashes>#{1,6})[ \t]+(?P<title>[^\n]+)"  # the rest of the line: closing #s are cut in Python
    r"|[^\S\n]*<h(?P<level>[1-6])[^>\n]*>(?P<html>[^\n]*?)</h(?P=level)>)",
    re.M | re.I,
)


_BLOCK_START = re.compile(r"\n[^\S\n]*(?:```|~~~|<[hH]|#)")  # a line _BLOCK_LINE may match


def _block_line_starts(body: str) -> list[int]:
    """Offsets of the lines that may open a fence or a heading, in order (the first line always:
    :data:`_BLOCK_LINE` tells)."""
    return [0, *(m.start() + 1 for m in _BLOCK_START.finditer(body))]


class Lines:
    """1-based card line numbers of body offsets, counted from the nearest known line start before
    them: a section start, or the offset asked for last (offsets asked in order cost one pass).

    ``sections``: from :func:`split_sections` on the same body (their offsets and lines are the checkpoints).
    """

    def __init__(self, body: str, first_line: int, sections: list[Section]) -> None:
        self.body = body
        self.offsets, self.lines = [0], [first_line]
        for s in sections:
            if s.level and s.offset is not None and s.offset > self.offsets[-1]:
                self.offsets.append(s.offset)
                self.lines.append(s.start_line + 1)  # a section's text starts on the line after its heading
        self.last = (0, first_line)

    def __call__(self, pos: int) -> int:
        i = bisect_right(self.offsets, pos) - 1
        start, line = self.offsets[i], self.lines[i]
        if start <= self.last[0] <= pos:
            start, line = self.last
        line += self.body.count("\n", start, pos)
        self.last = (pos, line)
        return line


def split_sections(body: str, first_line: int = 1) -> list[Section]:
    """Split markdown into sections by ATX (and HTML) headings, ignoring fenced code.

    Section texts are slices of ``body`` between heading lines.
    """
    sections: list[Section] = []
    heading, level, start_line = "", 0, first_line
    content = 0  # where the current section's text starts
    counted, line = 0, first_line  # the line at offset ``counted``: headings come in order, one counting pass
    in_fence = False
    for pos in _block_line_starts(body):
        m = _BLOCK_LINE.match(body, pos)
        if m is None:
            continue
        fence, hashes, title, html_level, html_title = m.groups()
        if fence:
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if heading or pos > content:  # the text before the first heading, when there is any
            sections.append(Section(heading, level, start_line, body[content : max(content, pos - 1)], content))
        # ATX: the title without closing hashes; at least one character, as in "#{1,6}[ \t]+(.+?)[ \t#]*$"
        title = (title.rstrip(" \t#") or title[:1]) if hashes else html_title
        heading = (_TAG.sub("", title) if "<" in title else title).strip().strip("*_ ")
        level = len(hashes) if hashes else int(html_level)
        line += body.count("\n", counted, pos)
        start_line, counted = line, pos
        end = body.find("\n", m.end())
        content = len(body) + 1 if end == -1 else end + 1
    if content < len(body) or heading:
        content = min(content, len(body))
        sections.append(Section(heading, level, start_line, body[content:].removesuffix("\n"), content))
    return sections


def _occurrences(text: str, needle: str) -> Iterator[int]:
    pos = text.find(needle)
    while pos != -1:
        yield pos
        pos = text.find(needle, pos + len(needle))


# Where an arXiv id written as text (_ARXIV_TEXT) can start: "arx" or "epr" in any case (no other
# character is case-insensitively one of these letters).
_ARXIV_START = re.compile(r"[aA][rR][xX]|[eE][pP][rR]")


def _arxiv_and_url_spans(body: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Where an arXiv id written as text can start, and the span of each URL (:data:`URL_PATTERN`).

    Searched in the lower-cased body with ``str.find`` and a literal-led regex when lower-casing keeps
    every offset (one character for one: all but U+0130); otherwise case-insensitively in the body.
    """
    lowered = body.lower()
    if len(lowered) == len(body):
        starts = sorted([*_occurrences(lowered, "arx"), *_occurrences(lowered, "epr")])
        return starts, [m.span() for m in _URL_LOWERED.finditer(lowered)]
    return [m.start() for m in _ARXIV_START.finditer(body)], [m.span() for m in _URL.finditer(body)]


_SCRIPT_FILE = re.compile(r"/blob/\S+\.(?:py|sh|ipynb)$", re.I)


def find_links(body: str, first_line: int = 1) -> list[Link]:
    """Classify every link in the card text: arXiv, paper, code repository, dataset, model, other.

    Links come in line order; on a line, arXiv ids written as text come before URLs. One link per
    target, except that a later link to a script of a repository already linked is kept too
    (``.../run_glue.py`` after a link to the examples folder is the script the model was trained with).
    """
    found: list[tuple[int, int, LinkKind, str, str]] = []  # (offset, text-before-URL, kind, url, target)
    arxiv_starts, url_spans = _arxiv_and_url_spans(body)
    for pos in arxiv_starts:
        if m := _ARXIV_TEXT.match(body, pos):
            arxiv_id = m.group(1) or m.group(2) or m.group(3)
            found.append((pos, 0, "arxiv", f"https://arxiv.org/abs/{arxiv_id}", arxiv_id))
    for pos, end in url_spans:
        url = body[pos:end]
        if "\\" in url:
            url = _MD_ESCAPE.sub(r"\1", url)
        url = url.rstrip(".,;:!*_")
        kind, target = classify_url(url)
        if kind is not None:
            found.append((pos, 1, kind, url, target))
    found.sort()
    ordered: list[tuple[int, int, int, LinkKind, str, str]] = []
    line, counted = first_line, 0  # the line at offset ``counted``: one counting pass, in offset order
    for pos, before, kind, url, target in found:
        line += body.count("\n", counted, pos)
        counted = pos
        ordered.append((line, before, pos, kind, url, target))
    ordered.sort()
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for lineno, _, _, kind, url, target in ordered:
        key = (kind, target.lower())
        if key in seen and kind == "code" and _SCRIPT_FILE.search(url):
            key = (kind, url.lower())  # a script in a repository already linked: what the model was trained with
        if key not in seen:
            seen.add(key)
            links.append(Link(kind, url, target, lineno))
    return links


@lru_cache(maxsize=8192)  # badges, licence and docs links recur across cards
def classify_url(url: str) -> tuple[LinkKind | None, str]:
    """What a URL points to and its target (arXiv id, owner/repo, dataset or model id, or the URL);
    kind None for a URL that is not worth keeping (a GitHub feature page)."""
    low = url.lower()
    if "arxiv.org/" in low or "huggingface.co/papers/" in low or "10.48550/arxiv." in low:
        if a := (_ARXIV_URL.search(url) or _HF_PAPERS.search(url)):
            return "arxiv", a.group(1)
    if any(host in low for host in _CODE_HOSTS):
        if c := _CODE_HOST.search(url):
            owner, repo = c.group(1), c.group(2).removesuffix(".git")
            return (None, url) if owner.lower() in _NOT_REPOS else ("code", f"{owner}/{repo}")
    if "huggingface.co/" in low:
        if d := _HF_DATASET.search(url):
            # A file the card only shows (an image under /resolve/main/...) is not training data.
            return ("other", url) if _MEDIA_FILE.search(url, d.end()) else ("dataset", d.group(1))
        if h := _HF_MODEL.search(url):
            return "model", h.group(1)
    if any(host in low for host in _PAPER_HOSTS) or (".pdf" in low and _PDF.search(url)):
        return ("other", url) if _NOT_PAPER.search(url) else ("paper", url)
    return "other", url


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def strip_control(text: str) -> str:
    """``text`` without C0 control characters other than tab, newline and carriage return (and DEL).

    Done on UTF-8 bytes, where these never occur inside a multi-byte character: a C-speed pass.
    """
    raw = text.encode("utf-8", "surrogatepass")
    kept = raw.translate(None, _CONTROL_BYTES)
    return text if len(kept) == len(raw) else kept.decode("utf-8", "surrogatepass")


def parse_card(text: str) -> ParsedCard:
    """Parse a whole card. Oversized cards are truncated with a warning, never rejected; control
    characters (other than tab and newline) are removed."""
    warnings: list[str] = []
    text = normalize_line_ends(text)
    if len(text) > MAX_CARD_CHARS:
        warnings.append(f"card is {len(text):,} characters; only the first {MAX_CARD_CHARS:,} were read")
        text = text[:MAX_CARD_CHARS]
    text = strip_control(text)
    metadata, body, body_line, fm_warnings = split_front_matter(text)
    warnings.extend(fm_warnings)
    return ParsedCard(
        metadata=metadata,
        body=body,
        body_line=body_line,
        sections=split_sections(body, body_line),
        links=find_links(body, body_line),
        warnings=warnings,
    )


def as_list(value: Any) -> list[str]:
    """Metadata values that may be a string or a list, as a list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    text = str(value).strip()
    return [text] if text else []
