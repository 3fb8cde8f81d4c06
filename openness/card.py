"""Parse a model card: YAML front matter, sections by heading, and the links it contains."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from openness.models import Link, Section
from openness.yamlio import SAFE_LOADER


MAX_CARD_CHARS = 1_000_000
MAX_FRONT_MATTER_CHARS = 200_000

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$\r?\n?", re.S | re.M)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>", re.I)
_TAG = re.compile(r"<[^>]+>")

_URL = re.compile(r"https?://[^\s<>\"'`\])}]+", re.I)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})", re.I)
_ARXIV_TEXT = re.compile(r"\barxiv[:\s]\s*(\d{4}\.\d{4,5})|\beprint\s*=\s*[{\"](\d{4}\.\d{4,5})[}\"]", re.I)
_HF_PAPERS = re.compile(r"huggingface\.co/papers/(\d{4}\.\d{4,5})", re.I)
_CODE_HOST = re.compile(r"(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/([\w.\-]+)/([\w.\-]+)", re.I)
_HF_DATASET = re.compile(r"huggingface\.co/datasets/([\w.\-]+(?:/[\w.\-]+)?)", re.I)
_HF_MODEL = re.compile(r"huggingface\.co/(?!datasets/|spaces/|papers/|docs/|blog/|models\b)([\w.\-]+/[\w.\-]+)", re.I)
_PAPER_HOSTS = re.compile(
    r"(openreview\.net|aclanthology\.org|proceedings\.|papers\.nips\.cc|neurips\.cc|semanticscholar\.org|"
    r"doi\.org|ieeexplore|dl\.acm\.org|jmlr\.org|\.pdf(?:$|[?#]))",
    re.I,
)
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


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int, list[str]]:
    """Return (metadata, body, 1-based body start line, warnings). Malformed YAML never raises."""
    warnings: list[str] = []
    match = _FRONT.match(text)
    if not match:
        return {}, text, 1, warnings
    raw = match.group(1)
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        warnings.append(f"front matter larger than {MAX_FRONT_MATTER_CHARS} characters; ignored")
        return {}, body, body_line, warnings
    try:
        data = yaml.load(raw, Loader=SAFE_LOADER)  # noqa: S506 - safe loader only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        warnings.append(f"malformed YAML front matter{where}: {problem}; metadata ignored")
        return {}, body, body_line, warnings
    if data is None:
        return {}, body, body_line, warnings
    if not isinstance(data, dict):
        warnings.append(f"front matter is a {type(data).__name__}, not a mapping; metadata ignored")
        return {}, body, body_line, warnings
    return {str(k): v for k, v in data.items()}, body, body_line, warnings


def split_sections(body: str, first_line: int = 1) -> list[Section]:
    """Split markdown into sections by ATX (and HTML) headings, ignoring fenced code."""
    sections: list[Section] = []
    heading, level, start = "", 0, first_line
    buf: list[str] = []
    in_fence = False
    for offset, line in enumerate(body.splitlines()):
        head = line.lstrip()[:4]
        if head.startswith(("```", "~~~")):
            in_fence = not in_fence
        found = None
        if not in_fence and head[:1] in ("#", "<"):
            found = _HEADING.match(line) or _HTML_HEADING.match(line)
        if found:
            if buf or heading:
                sections.append(Section(heading=heading, level=level, start_line=start, text="\n".join(buf)))
            heading = _TAG.sub("", found.group(2)).strip().strip("*_ ")
            level = len(found.group(1)) if found.group(1).startswith("#") else int(found.group(1))
            start = first_line + offset
            buf = []
        else:
            buf.append(line)
    if buf or heading:
        sections.append(Section(heading=heading, level=level, start_line=start, text="\n".join(buf)))
    return sections


def find_links(body: str, first_line: int = 1) -> list[Link]:
    """Classify every link in the card text: arXiv, paper, code repository, dataset, model, other."""
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: LinkKind, url: str, target: str, line: int) -> None:
        key = (kind, target.lower())
        if key not in seen:
            seen.add(key)
            links.append(Link(kind=kind, url=url, target=target, line=line))

    for offset, line in enumerate(body.splitlines()):
        lineno = first_line + offset
        if "arxiv" in line.lower() or "eprint" in line:
            for m in _ARXIV_TEXT.finditer(line):
                arxiv_id = m.group(1) or m.group(2)
                add("arxiv", f"https://arxiv.org/abs/{arxiv_id}", arxiv_id, lineno)
        if "http" not in line:
            continue
        for m in _URL.finditer(line):
            url = _MD_ESCAPE.sub(r"\1", m.group(0)).rstrip(".,;:!*_")
            if a := (_ARXIV_URL.search(url) or _HF_PAPERS.search(url)):
                add("arxiv", url, a.group(1), lineno)
            elif c := _CODE_HOST.search(url):
                owner, repo = c.group(1), c.group(2).removesuffix(".git")
                if owner.lower() not in _NOT_REPOS:
                    add("code", url, f"{owner}/{repo}", lineno)
            elif d := _HF_DATASET.search(url):
                add("dataset", url, d.group(1), lineno)
            elif h := _HF_MODEL.search(url):
                add("model", url, h.group(1), lineno)
            elif _PAPER_HOSTS.search(url):
                add("paper", url, url, lineno)
            else:
                add("other", url, url, lineno)
    return links


def parse_card(text: str) -> ParsedCard:
    """Parse a whole card. Oversized cards are truncated with a warning, never rejected."""
    warnings: list[str] = []
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_CARD_CHARS:
        warnings.append(f"card is {len(text):,} characters; only the first {MAX_CARD_CHARS:,} were read")
        text = text[:MAX_CARD_CHARS]
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
