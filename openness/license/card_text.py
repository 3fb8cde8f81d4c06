"""The licence a card names in its text: under a licence heading, in a "License:" bullet, in a sentence.

Many cards say their licence only in the body (a copy of a GitHub README, ``license: other`` with a
"License" section, a sentence in another language). Each place a licence word occurs gives a
context; a licence name, id or link of a database entry in that context is a mention, with the
line, a short quote and a confidence set by where it stood (a bullet or heading beats a sentence;
a sentence about the code, a dataset or a base model counts less than one about the weights).
Names are matched as normalised word sequences, so "Apache License, Version 2.0", "Apache-2.0",
"Apache许可证 2.0" and "CC BY-NC 4.0" all find their entry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from openness.license.database import LicenseDatabase, LicenseEntry

MentionKind = Literal["label", "heading", "sentence"]
CONFIDENCE: dict[MentionKind, float] = {"label": 0.75, "heading": 0.7, "sentence": 0.55}
MIN_CONFIDENCE = 0.4
SECTION_CHARS = 800
SENTENCE_CHARS = 300
NEAR_TOKENS = 8  # in a sentence, a name counts only this close to the licence word

# A licence word, in the languages cards are written in.
_LICENCE_WORDS = r"licen[cs]|lizenz|licença|лиценз|许可|許可|授权|授權|协议|協議|ライセンス|라이선스|라이센스"
_LICENCE_WORD = re.compile(_LICENCE_WORDS, re.I)
# The same words for a plain substring search of the lower-cased text (much faster than the regex).
_LATIN_STEMS = ("licen", "lizenz")
_OTHER_STEMS = ("лиценз", "许可", "許可", "授权", "授權", "协议", "協議", "ライセンス", "라이선스", "라이센스")


def _licence_words(body: str, folded: bytes | None = None) -> list[tuple[int, int]]:
    """(start, end) of each licence word in ``body``, in order.

    ``folded`` is the body's lower-cased one-byte-per-character view (``Facts.folded``), where
    the Latin stems are found with a bytes search; the other scripts are looked for only when the
    body has non-ASCII text.
    """
    if folded is None or len(folded) != len(body):
        lowered = body.lower()
        if len(lowered) != len(body):  # a character whose lower case is longer: positions would shift
            return [m.span() for m in _LICENCE_WORD.finditer(body)]
        folded = lowered.encode("ascii", "replace")
    spans = []
    for stem in _LATIN_STEMS:
        needle = stem.encode()
        at = folded.find(needle)
        while at != -1:
            end = at + len(needle)
            if stem != "licen" or folded[end : end + 1] in (b"c", b"s") or body[end : end + 1] in ("ç", "Ç"):
                spans.append((at, end + (stem == "licen")))
            at = folded.find(needle, end)
    if not body.isascii():
        for stem in _OTHER_STEMS:
            at = body.find(stem)
            while at != -1:
                spans.append((at, at + len(stem)))
                at = body.find(stem, at + len(stem))
    return sorted(spans)


_HEADING = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]|<h[1-6])")
# "License:", "- **License:**", "| License | ... |", "**License** ...", "许可证：" at the start of a line.
_LABEL = re.compile(
    r"^[ \t>]*(?:[-*+]|\d+\.)?[ \t]*(?:\*\*|__|\|)?[ \t]*(?:model[ \t]+|weights?[ \t]+)?"
    r"(?:licen[cs]e[sd]?|licensing|lizenz|licencia|licença|licenza|许可证?|許可證?|协议|ライセンス|라이선스)"
    r"[ \t]*(?:\*\*|__)?[ \t]*(?:[:：|]|\*\*|__|[ \t]+(?=\S))",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?。])\s+(?=[A-Z*\[(])")
_URL = re.compile(r"https?://[^\s<>\"'`\])}]+")
# What is cut before names are read: URLs, with or without a scheme (github.com/deepseek-ai/...).
_ADDRESS = re.compile(r"(?:https?://|www\.|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|ai|co|dev|edu|cn)/)[^\s<>\"'`\])}]*")
_MODEL_WORDS = re.compile(r"\bweights?\b|\bmodels?\b|\bcheckpoints?\b|模型|modell|modelo|modèle|modello", re.I)
_OTHER_SUBJECT = re.compile(r"\bcode\b|\brepositor|\brepo\b|\bsoftware\b|\bdatasets?\b|\bdata\b|代码|数据", re.I)
_DERIVED = re.compile(
    r"derived from|based on|originally|base model|fine-?tuned (?:from|on)|built (?:on|upon)|inherit|subject to the (?:original|base)",
    re.I,
)

_SYNONYMS = (
    ("creative commons", "cc"),
    ("attribution", "by"),
    ("non commercial", "nc"),
    ("noncommercial", "nc"),
    ("share alike", "sa"),
    ("sharealike", "sa"),
    ("no derivatives", "nd"),
    ("noderivatives", "nd"),
    ("noderivs", "nd"),
    ("gnu lesser general public", "lgpl"),
    ("gnu affero general public", "agpl"),
    ("gnu general public", "gpl"),
    ("lesser general public", "lgpl"),
    ("affero general public", "agpl"),
    ("general public", "gpl"),
    ("gplv", "gpl"),
    ("lgplv", "lgpl"),
    ("agplv", "agpl"),
    ("mozilla public", "mpl"),
    ("open rail", "openrail"),
)
_STOP = frozenset(
    "license licence licenses licences licensed licensing agreement version v the international unported generic "
    "community terms of use md txt".split()
)
_WORD = re.compile(r"[a-z]+|\d+")


def name_tokens(text: str) -> list[str]:
    """A licence name as the word sequence names are matched in: 'Apache License, Version 2.0' -> ['apache', '2']."""
    s = unicodedata.normalize("NFKC", text).lower().replace("++", " plusplus ")
    words = _WORD.findall(s)
    joined = " " + " ".join(words) + " "
    for old, new in _SYNONYMS:
        if f" {old} " in joined:
            joined = joined.replace(f" {old} ", f" {new} ")
    out: list[str] = []
    for w in joined.split():
        if w in _STOP or (w == "0" and out and out[-1].isdigit()):
            continue
        out.append(w)
    return out


@dataclass(frozen=True)
class Mention:
    """A licence named in the card text."""

    entry: LicenseEntry
    kind: MentionKind
    line: int
    quote: str
    confidence: float
    how: str  # "name 'apache 2'" or "link https://..."


@lru_cache(maxsize=4)
def _name_index(db: LicenseDatabase) -> dict[str, list[tuple[tuple[str, ...], LicenseEntry]]]:
    """Every name of every entry as a token tuple, indexed by its first token, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], LicenseEntry]]] = {}
    seen: set[tuple[str, ...]] = set()
    for entry in db.all():
        if entry.id in ("other",):
            continue
        for name in (entry.id, *entry.hub_ids, *entry.license_names, entry.spdx.removeprefix("LicenseRef-"), entry.name):
            toks = tuple(name_tokens(name))
            if toks and toks not in seen:
                seen.add(toks)
                index.setdefault(toks[0], []).append((toks, entry))
    for keys in index.values():
        keys.sort(key=lambda k: -len(k[0]))
    return index


def _names_in(context: str, db: LicenseDatabase) -> list[tuple[int, LicenseEntry, str]]:
    """(token position, entry, name) of each licence name in ``context``: the longest at each place, no overlaps."""
    index = _name_index(db)
    toks = name_tokens(context)
    found = []
    i = 0
    while i < len(toks):
        for key, entry in index.get(toks[i], ()):
            if tuple(toks[i : i + len(key)]) != key:
                continue
            word = " ".join(key)
            # A short one-word name (MIT, ISC, BSD, GPL) counts only when written in capitals.
            if len(key) == 1 and len(word) <= 4 and not re.search(rf"\b{re.escape(word.upper())}\b", context):
                continue
            found.append((i, entry, word))
            i += len(key) - 1
            break
        i += 1
    return found


def _licence_word_positions(context: str) -> list[int]:
    """Token positions (in :func:`name_tokens` of the context) just after each licence word."""
    out = []
    for m in _LICENCE_WORD.finditer(context):
        out.append(len(name_tokens(context[: m.start()])))
    return out


def _quote(text: str) -> str:
    s = " ".join(text.split())
    return s if len(s) <= 160 else s[:157] + "..."


def _weight(context: str, kind: MentionKind) -> float:
    """``context`` without its URLs: words inside a URL (".../llama-models/...") say nothing about the subject."""
    conf = CONFIDENCE[kind]
    if _DERIVED.search(context):
        conf -= 0.25
    if _MODEL_WORDS.search(context):
        conf += 0.05
    elif _OTHER_SUBJECT.search(context):
        conf -= 0.2
    return round(conf, 2)


def _contexts(body: str, first_line: int, sentences: bool = True, folded: bytes | None = None) -> list[tuple[MentionKind, int, str]]:
    """(kind, line, text) of every place in the body where a licence word stands (sentences only if asked)."""
    out: list[tuple[MentionKind, int, str]] = []
    seen_lines: set[int] = set()
    counted_to, counted_line = 0, first_line  # line numbers counted incrementally
    for m_start, m_end in _licence_words(body, folded):
        line_start = body.rfind("\n", 0, m_start) + 1
        line_end = body.find("\n", m_end)
        line_end = len(body) if line_end == -1 else line_end
        line_no = counted_line + body.count("\n", counted_to, line_start)
        counted_to, counted_line = line_start, line_no
        if line_no in seen_lines:
            continue
        seen_lines.add(line_no)
        line = body[line_start:line_end]
        if _HEADING.match(line):
            nxt = re.search(r"\n[ \t]{0,3}(?:#{1,6}[ \t]|<h[1-6])", body[line_end : line_end + SECTION_CHARS])
            end = line_end + (nxt.start() if nxt else SECTION_CHARS)
            at_line = line_no
            for part in body[line_end:end].split("\n"):
                for sentence in _SENTENCE.split(part):
                    if sentence.strip():
                        out.append(("heading", at_line, sentence))
                at_line += 1
            seen_lines.update(range(line_no, at_line))
        elif _LABEL.match(line):
            label = _LABEL.match(line)
            assert label is not None
            out.append(("label", line_no, line[label.end() :]))
        elif sentences:
            at = m_start - line_start
            begin = max(line.rfind(". ", 0, max(0, at - SENTENCE_CHARS // 3)), at - SENTENCE_CHARS, 0)
            out.append(("sentence", line_no, line[begin : at + SENTENCE_CHARS]))
    return out


def licence_mentions(
    body: str, db: LicenseDatabase, first_line: int = 1, sentences: bool = True, folded: bytes | None = None
) -> list[Mention]:
    """Every licence the card body names, in the order found; without ``sentences``, headings and bullets only.

    ``folded``: the body's lower-cased view when the caller has it (a faster search for licence words).
    """
    mentions: list[Mention] = []
    for kind, line, context in _contexts(body, first_line, sentences, folded):
        stripped = _ADDRESS.sub(" ", context) if ("/" in context or "www." in context) else context
        names = _names_in(stripped, db)  # a name inside a URL (github.com/deepseek-ai/...) is not a licence
        if kind == "sentence" and names:
            near = _licence_word_positions(stripped)
            names = [n for n in names if any(abs(n[0] - w) <= NEAR_TOKENS for w in near)]
        linked = [(url, e) for url in _URL.findall(context) if (e := db.by_link(url)) is not None] if "http" in context else []
        if not names and not linked:
            continue
        conf = _weight(stripped, kind)
        if conf < MIN_CONFIDENCE:
            continue
        for url, entry in linked:
            mentions.append(Mention(entry, kind, line, _quote(context), round(min(1.0, conf + 0.05), 2), f"link {url}"))
        for _, entry, key in names:
            mentions.append(Mention(entry, kind, line, _quote(context), conf, f"name {key!r}"))
    return mentions


def best_mention(mentions: list[Mention]) -> Mention | None:
    """The most confident mention; the earliest among equals."""
    return max(mentions, key=lambda m: (m.confidence, -m.line), default=None)
