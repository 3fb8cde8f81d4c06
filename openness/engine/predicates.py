"""The operator leaves of a rule's ``definition`` tree.

Each operator is compiled once, when the rule set loads, into a function
``Facts -> list[Hit]`` (empty list: the leaf is false). A hit says where the evidence is and
quotes a short excerpt. Adding an operator means adding one compile function to ``OPERATORS``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import Any

from openness.engine.facts import DatasetMention, Facts, leading_space, stripped_length
from openness.engine.scan import PatternIndex, TextPattern
from openness.models import EXCERPT_MAX, Section, Status

Hit = tuple[str, str]  # (where, excerpt)
Predicate = Callable[[Facts], list[Hit]]


class OperatorError(ValueError):
    """A leaf's arguments are wrong; the message names the key."""


class CompileContext:
    """Shared by every leaf of a rule set as it compiles: the prefilter indexes patterns register with,
    one per subject (card text, section headings, links). ``prefilter=False``: every pattern runs as
    plain ``re`` over the whole subject, with no prefilter and no literal gates (the oracle)."""

    def __init__(self, prefilter: bool = True) -> None:
        self.plain = not prefilter
        self.texts = PatternIndex(subject="text", enabled=prefilter)
        self.headings = PatternIndex(subject="headings", enabled=prefilter, every_match=True)
        self.links = PatternIndex(subject="links", enabled=prefilter, every_match=True)


class HeadingPattern:
    """A section-heading pattern; sections are matched only when the headings' prefilter scan allows."""

    __slots__ = ("index", "regex", "slot")

    def __init__(self, value: Any, key: str, ctx: CompileContext) -> None:
        self.regex = _regex(value, key)
        self.index = ctx.headings
        self.slot = ctx.headings.add(value)

    def sections(self, f: Facts) -> list[Section]:
        return f.sections_matching(self.regex, self.index, self.slot)


class LinePattern:
    """A ``near`` / ``not_near`` pattern, read against a card line and its neighbours. These patterns
    hold many alternatives, which ``re`` tries at every offset (~34 µs a line for the training-code
    one), so each is tried only where its literals say a match can start (:meth:`TextPattern.found_in`)."""

    __slots__ = ("pattern",)

    def __init__(self, value: Any, key: str, ctx: CompileContext) -> None:
        _regex(value, key)  # validate, with a clear error
        self.pattern = TextPattern(value, plain=ctx.plain)

    def search(self, text: str) -> bool:
        return self.pattern.found_in(text)


def excerpt(text: str, start: int = 0, end: int | None = None, width: int = EXCERPT_MAX) -> str:
    """A one-line excerpt around ``text[start:end]``, at most ``width`` characters."""
    end = len(text) if end is None else end
    pad = max(0, (width - (end - start)) // 2)
    lo, hi = max(0, start - pad), min(len(text), end + pad)
    # cut at word boundaries (never inside the match), an ellipsis where the text goes on
    if lo > 0 and not text[lo - 1].isspace():
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text) and not text[hi].isspace():
        space = text.rfind(" ", max(end, lo), hi)
        hi = space if space != -1 else hi
    # Runs of white space become one space. Of a long span (a metadata value such as model-index,
    # whole) only the start can show: the same joining over a prefix gives a prefix of the result,
    # and when that is already longer than ``width`` the rest is cut anyway.
    body = " ".join(text[lo : min(hi, lo + 4 * width)].split()) if hi - lo > 4 * width else ""
    if len(body) <= width:
        body = " ".join(text[lo:hi].split())
    if lo > 0 and body:
        body = "… " + body
    if hi < len(text) and body and len(body) < width:
        body += " …"
    return clip(body, width)


def clip(text: str, width: int = EXCERPT_MAX) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _regex(value: Any, key: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise OperatorError(f"{key}: expected a regular expression string")
    try:
        return re.compile(value, re.I | re.M)
    except re.error as exc:
        raise OperatorError(f"{key}: invalid regular expression: {exc}") from None


def _strings(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise OperatorError(f"{key}: expected a string or a non-empty list of strings")


def _mapping(value: Any, key: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise OperatorError(f"{key}: expected a mapping with keys {sorted(required | optional)}")
    missing = required - value.keys()
    unknown = value.keys() - required - optional
    if missing:
        raise OperatorError(f"{key}: missing key {sorted(missing)[0]!r}")
    if unknown:
        raise OperatorError(f"{key}: unknown key {sorted(unknown)[0]!r}")
    return value


def _meta_exists(arg: Any, ctx: CompileContext) -> Predicate:
    path = _strings(arg, "meta_exists")[0]

    def run(f: Facts) -> list[Hit]:
        values = [v for v in f.metadata_values(path) if v != "" and v != []]
        return [(f"metadata:{path}", excerpt(str(values[0])))] if values else []

    return run


def _meta_matches(arg: Any, ctx: CompileContext) -> Predicate:
    spec = _mapping(arg, "meta_matches", {"key", "pattern"}, set())
    path = spec["key"]
    _regex(spec["pattern"], "meta_matches.pattern")  # validate, with a clear error
    pattern = TextPattern(spec["pattern"], plain=ctx.plain)  # values can be long (a licence in a gating prompt)

    def run(f: Facts) -> list[Hit]:
        for v in f.metadata_values(path):
            if pattern.search(str(v)):
                return [(f"metadata:{path}", excerpt(str(v)))]
        return []

    return run


def _meta_equals(arg: Any, ctx: CompileContext) -> Predicate:
    spec = _mapping(arg, "meta_equals", {"key", "value"}, set())
    path = spec["key"]
    wanted = {str(v).lower() for v in (spec["value"] if isinstance(spec["value"], list) else [spec["value"]])}

    def run(f: Facts) -> list[Hit]:
        for v in f.metadata_values(path):
            if str(v).lower() in wanted:
                return [(f"metadata:{path}", excerpt(str(v)))]
        return []

    return run


def _tag(arg: Any, ctx: CompileContext) -> Predicate:
    pattern = _regex(arg, "tag") if isinstance(arg, str) else None
    if pattern is None:
        raise OperatorError("tag: expected a regular expression string")

    def run(f: Facts) -> list[Hit]:
        for t in f.release.tags:
            if pattern.fullmatch(t):
                return [("metadata:tags", t)]
        return []

    return run


def _file(arg: Any, ctx: CompileContext) -> Predicate:
    globs = [g.lower() for g in _strings(arg, "file")]

    def run(f: Facts) -> list[Hit]:
        hits = [
            (f"file:{path}", path)
            for path, base in f.file_basenames
            if any(fnmatch.fnmatchcase(base.lower(), g) or fnmatch.fnmatchcase(path.lower(), g) for g in globs)
        ]
        return hits[:3]

    return run


def _files_known(arg: Any, ctx: CompileContext) -> Predicate:
    if not isinstance(arg, bool):
        raise OperatorError("files_known: expected true or false")

    def run(f: Facts) -> list[Hit]:
        return [("files", f"{len(f.release.files)} files listed")] if f.release.files_known == arg else []

    return run


def _text(arg: Any, ctx: CompileContext) -> Predicate:
    spec = {"pattern": arg} if isinstance(arg, str) else _mapping(arg, "text", {"pattern"}, {"section", "min_matches"})
    _regex(spec["pattern"], "text.pattern")  # validate, with a clear error
    pattern = TextPattern(spec["pattern"], ctx.texts, plain=ctx.plain)
    section = HeadingPattern(spec["section"], "text.section", ctx) if "section" in spec else None
    need = spec.get("min_matches", 1)
    if not isinstance(need, int) or need < 1:
        raise OperatorError("text.min_matches: expected a positive integer")
    index = ctx.texts

    def run(f: Facts) -> list[Hit]:
        scanned = f.scan(index)
        first_end = scanned.first_end(pattern.slot)
        if first_end is None:  # the prefilter rules out a match anywhere in the card
            return []
        hits: list[Hit] = []
        if section is None:
            start = scanned.search_start(pattern.slot, pattern.width)
            for m in pattern.finditer(f.text, f.folded, start):
                hits.append((f"card:line {f.line_of(m.start())}", excerpt(f.text, m.start(), m.end())))
                if len(hits) >= need:
                    return hits
            return []
        # No match starts before the first candidate end less the pattern's width: in a section that
        # lies in the card text, the search starts there too (for a bounded pattern, known for free).
        earliest = first_end - pattern.width if pattern.width is not None and first_end else 0
        for s in section.sections(f):
            begin = 0
            if s.offset is not None:
                if s.offset + len(s.text) < first_end and f.in_text(s):
                    continue  # the section ends before any match can
                if earliest > s.offset and f.in_text(s):
                    begin = earliest - s.offset
            for m in pattern.finditer(s.text, f.folded_of(s), begin):
                line = s.start_line + 1 + s.text.count("\n", 0, m.start())
                hits.append((f"card:{s.heading} (line {line})", excerpt(s.text, m.start(), m.end())))
                if len(hits) >= need:
                    return hits
        return []

    setattr(run, "text_slot", (index, pattern.slot))  # noqa: B010 - read by the rule compiler (see rules.compile_condition)
    return run


def _section(arg: Any, ctx: CompileContext) -> Predicate:
    spec = {"heading": arg} if isinstance(arg, str) else _mapping(arg, "section", {"heading"}, {"min_chars"})
    heading = HeadingPattern(spec["heading"], "section.heading", ctx)
    min_chars = spec.get("min_chars", 1)
    if not isinstance(min_chars, int) or min_chars < 0:
        raise OperatorError("section.min_chars: expected a non-negative integer")

    def run(f: Facts) -> list[Hit]:
        matched = heading.sections(f)
        size = sum(stripped_length(s.text) for s in matched)
        if matched and size >= min_chars:
            s = matched[0]
            start = leading_space(s.text)  # the excerpt is the start of the text, stripped
            return [(f"card:{s.heading} (line {s.start_line})", excerpt(s.text[start : start + EXCERPT_MAX] or s.heading, 0, 0))]
        return []

    return run


def _lines_before(spec: dict[str, Any], op: str) -> int:
    """The ``lines_before`` option: how many lines above a link its ``near``/``not_near`` patterns read too."""
    before = spec.get("lines_before", 0)
    if not isinstance(before, int) or isinstance(before, bool) or not 0 <= before <= 5:
        raise OperatorError(f"{op}.lines_before: expected an integer from 0 to 5")
    return before


def _line_context(f: Facts, line: int, before: int) -> str:
    """Card line ``line`` and the ``before`` lines above it (prose hard-wrapped before a link)."""
    return "\n".join(f.card_lines_around(n, 0) for n in range(max(1, line - before), line + 1))


def _link(arg: Any, ctx: CompileContext) -> Predicate:
    """Links of a kind, whose URL or target matches ``pattern``; ``not_near``: a pattern the link's
    line must not match (e.g. a line that names the link as a dataset, not as code), read with the
    ``lines_before`` lines above it for prose hard-wrapped before the link."""
    spec = {"kind": arg} if isinstance(arg, str) else _mapping(arg, "link", set(), {"kind", "pattern", "not_near", "lines_before"})
    kinds = set(_strings(spec["kind"], "link.kind")) if "kind" in spec else None
    valid = {"arxiv", "paper", "code", "dataset", "model", "other"}
    if kinds and not kinds <= valid:
        raise OperatorError(f"link.kind: expected one of {sorted(valid)}")
    pattern = _regex(spec["pattern"], "link.pattern") if "pattern" in spec else None
    not_near = LinePattern(spec["not_near"], "link.not_near", ctx) if "not_near" in spec else None
    slot = ctx.links.add(spec["pattern"]) if pattern else -1
    before = _lines_before(spec, "link")

    def run(f: Facts) -> list[Hit]:
        rows = f.rows(ctx.links, slot) if pattern else None  # the links the pattern may match
        if rows is not None and not rows:
            return []
        hits: list[Hit] = []
        for i, link in enumerate(f.release.links):
            if (kinds and link.kind not in kinds) or (rows is not None and i not in rows):
                continue
            if pattern and not (pattern.search(link.url) or pattern.search(link.target)):
                continue
            if not_near is not None and link.line is not None and not_near.search(_line_context(f, link.line, before)):
                continue
            where = f"link:{link.url}" + (f" (line {link.line})" if link.line else "")
            hits.append((where, link.target))
        return hits[:3]

    return run


_STATUSES = {s.value for s in Status}


def _status_filters(spec: dict[str, Any], op: str, keys: tuple[str, ...]) -> dict[str, set[str]]:
    """``{key: statuses}`` for the status-valued keys of an operator's spec, each checked."""
    wanted: dict[str, set[str]] = {}
    for key in keys:
        if key in spec:
            values = set(_strings(spec[key], f"{op}.{key}"))
            if not values <= _STATUSES:
                raise OperatorError(f"{op}.{key}: expected statuses from {sorted(_STATUSES)}")
            wanted[key] = values
    return wanted


def _quantifier(spec: dict[str, Any], op: str) -> str:
    quantifier = str(spec.get("quantifier", "any"))
    if quantifier not in ("any", "all"):
        raise OperatorError(f"{op}.quantifier: expected 'any' or 'all'")
    return quantifier


def _dataset(arg: Any, ctx: CompileContext) -> Predicate:
    """Training datasets the release names, by what the catalogue (or their Hub card, read online)
    says; ``unread: true``: those whose Hub card could not be read (offline, unreachable)."""
    spec = _mapping(
        arg, "dataset", set(), {"availability", "construction_code", "quantifier", "known", "max_count", "unread", "not_availability"}
    )
    max_count = spec.get("max_count")
    quantifier = _quantifier(spec, "dataset")
    wanted = _status_filters(spec, "dataset", ("availability", "construction_code"))
    # not_availability: datasets whose availability is not one of these, uncatalogued ones included
    # (a single source that is not an unreleased one).
    excluded = _status_filters(spec, "dataset", ("not_availability",)).get("not_availability", set())
    known = spec.get("known")
    unread = spec.get("unread")
    if unread is not None and not isinstance(unread, bool):
        raise OperatorError("dataset.unread: expected true or false")

    def ok(m: Any) -> bool:
        if known is not None and (m.entry is not None) != known:
            return False
        if unread is not None and bool(m.note) != unread:
            return False
        if excluded and m.entry is not None and m.entry.availability._value_ in excluded:
            return False
        if wanted and m.entry is None:
            return False
        return all(getattr(m.entry, k)._value_ in v for k, v in wanted.items())

    def run(f: Facts) -> list[Hit]:
        mentions = f.datasets
        if max_count is not None and len(mentions) > max_count:
            return []
        good = [m for m in mentions if ok(m)]
        if not good or (quantifier == "all" and len(good) != len(mentions)):
            return []
        return [(m.where, _dataset_excerpt(m)) for m in good[:3]]

    return run


def _dataset_excerpt(m: DatasetMention) -> str:
    """How evidence shows a named dataset: the entry's label, after the name the card text used when the
    entry is a broader one ("tf_flowers: TensorFlow Datasets catalogue dataset"); metadata and links
    already show the name in their place."""
    if m.entry is None:
        return f"{m.name} ({m.note})" if m.note else m.name
    named = m.name.strip()
    if m.where.startswith("card:") and re.sub(r"[\W_]+", "", named.lower()) not in re.sub(r"[\W_]+", "", m.entry.name.lower()):
        return f"{named}: {m.entry.label}"
    return m.entry.label


_HUB_DATASET_STATUSES = {"public", "gated", "private", "not_found", "unknown"}


def _hub_dataset(arg: Any, ctx: CompileContext) -> Predicate:
    """Named datasets as the Hub source found them (``Release.dataset_status``), e.g. ``{status: public}``."""
    spec = _mapping(arg, "hub_dataset", {"status"}, {"quantifier"})
    statuses = set(_strings(spec["status"], "hub_dataset.status"))
    if not statuses <= _HUB_DATASET_STATUSES:
        raise OperatorError(f"hub_dataset.status: expected values from {sorted(_HUB_DATASET_STATUSES)}")
    quantifier = _quantifier(spec, "hub_dataset")

    def run(f: Facts) -> list[Hit]:
        looked_up = f.release.dataset_status
        good = [(name, d) for name, d in looked_up.items() if d.status in statuses]
        if not good or (quantifier == "all" and len(good) != len(looked_up)):
            return []
        return [(f"hub:datasets/{name}", f"{d.status}" + (f", licence {d.license}" if d.license else "")) for name, d in good[:3]]

    return run


def _base_model(arg: Any, ctx: CompileContext) -> Predicate:
    if not isinstance(arg, bool):
        raise OperatorError("base_model: expected true or false")

    def run(f: Facts) -> list[Hit]:
        bases = f.release.base_models
        if bool(bases) != arg:
            return []
        return [("metadata:base_model", ", ".join(bases) or "none")]

    return run


def _card_chars(arg: Any, ctx: CompileContext) -> Predicate:
    spec = _mapping(arg, "card_chars", set(), {"min", "max"})
    lo, hi = spec.get("min", 0), spec.get("max")

    def run(f: Facts) -> list[Hit]:
        n = f.text_chars
        if n >= lo and (hi is None or n <= hi):
            return [("card", f"{n} characters of card text")]
        return []

    return run


def _gated(arg: Any, ctx: CompileContext) -> Predicate:
    if not isinstance(arg, bool):
        raise OperatorError("gated: expected true or false")

    def run(f: Facts) -> list[Hit]:
        g = f.release.gated
        is_gated = bool(g) and g not in ("false", "False")
        return [("metadata:gated", str(g))] if is_gated == arg else []

    return run


def _paper(arg: Any, ctx: CompileContext) -> Predicate:
    """Papers the card links or names, by what the paper catalogue (registry/papers) knows of them.

    ``not_near``: a pattern the paper's card line must not match (e.g. "the architecture was introduced
    in [this paper]", which cites a method, not the model's own report).
    """
    spec = _mapping(arg, "paper", set(), {"kind", "training_detail", "data_mixture", "catalogued", "not_near"})
    kinds = set(_strings(spec["kind"], "paper.kind")) if "kind" in spec else None
    detail = set(_strings(spec["training_detail"], "paper.training_detail")) if "training_detail" in spec else None
    if detail and not detail <= _STATUSES:
        raise OperatorError(f"paper.training_detail: expected statuses from {sorted(_STATUSES)}")
    mixture = spec.get("data_mixture")
    catalogued = spec.get("catalogued")
    not_near = LinePattern(spec["not_near"], "paper.not_near", ctx) if "not_near" in spec else None

    def run(f: Facts) -> list[Hit]:
        hits: list[Hit] = []
        for where, what, paper, line in ((m.where, m.what, m.entry, m.line) for m in f.papers):
            if catalogued is not None and (paper is not None) != catalogued:
                continue
            if not_near is not None and line is not None and not_near.search(f.card_lines_around(line, 0)):
                continue
            if (kinds or detail or mixture is not None) and paper is None:
                continue
            if paper is not None:
                if kinds and paper.kind not in kinds:
                    continue
                if detail and paper.detail_for(f.release.id).value not in detail:
                    continue
                if mixture is not None and paper.mixture_for(f.release.id) != mixture:
                    continue
            hits.append((where, excerpt(paper.evidence() if paper else what)))
        return hits[:3]

    return run


def _repo_said(name: str, entry: Any) -> str:
    """The evidence line for a repository: what the catalogue or the reading says, and how it knows."""
    if entry is None:
        return name
    return f"{name} ({entry.kind}; {entry.provenance})" + (f": {entry.note}" if entry.note else "")


def _code_repo(arg: Any, ctx: CompileContext) -> Predicate:
    """Code repositories the card points to, by what the code catalogue (registry/code) knows of them.

    ``via``: ``link`` (the default: repositories the card links), ``tag`` (toolkits its library_name
    or tags name) or ``any``; ``near``: a pattern the link's line must match, which ties a linked
    repository to how the model was made rather than to a citation or a demo; ``not_near``: one it
    must not match (e.g. "first released in", which names where the architecture came from);
    ``lines_before``: how many lines before the link's line ``near`` and ``not_near`` also read, for
    prose hard-wrapped so that a link starts the line its sentence continues on.
    """
    spec = _mapping(
        arg,
        "code_repo",
        set(),
        {"kind", "training_code", "data_pipeline", "catalogued", "quantifier", "via", "near", "not_near", "lines_before"},
    )
    kinds = set(_strings(spec["kind"], "code_repo.kind")) if "kind" in spec else None
    wanted = _status_filters(spec, "code_repo", ("training_code", "data_pipeline"))
    catalogued = spec.get("catalogued")
    quantifier = _quantifier(spec, "code_repo")
    via = spec.get("via", "link")
    if via not in ("link", "tag", "any"):
        raise OperatorError("code_repo.via: expected 'link', 'tag' or 'any'")
    near = LinePattern(spec["near"], "code_repo.near", ctx) if "near" in spec else None
    not_near = LinePattern(spec["not_near"], "code_repo.not_near", ctx) if "not_near" in spec else None
    before = _lines_before(spec, "code_repo")

    def ok(f: Facts, m: Any) -> bool:
        entry = m.entry
        if catalogued is not None and (entry is not None) != catalogued:
            return False
        if (kinds or wanted) and entry is None:
            return False
        if kinds and entry.kind not in kinds:
            return False
        if not all(getattr(entry, k)._value_ in v for k, v in wanted.items()):
            return False  # before the line's patterns: the catalogue's answer is the cheaper test
        if near is not None and (m.line is None or not near.search(_line_context(f, m.line, before))):
            return False
        return not_near is None or m.line is None or not not_near.search(_line_context(f, m.line, before))

    def run(f: Facts) -> list[Hit]:
        repos = [m for m in f.code_repos if via in ("any", m.via)]
        good = [m for m in repos if ok(f, m)]
        if not good or (quantifier == "all" and len(good) != len(repos)):
            return []
        return [(m.where, _repo_said(m.name, m.entry)) for m in good[:3]]

    return run


OPERATORS: dict[str, Callable[[Any, CompileContext], Predicate]] = {
    "meta_exists": _meta_exists,
    "meta_equals": _meta_equals,
    "meta_matches": _meta_matches,
    "tag": _tag,
    "file": _file,
    "files_known": _files_known,
    "text": _text,
    "section": _section,
    "link": _link,
    "dataset": _dataset,
    "hub_dataset": _hub_dataset,
    "base_model": _base_model,
    "card_chars": _card_chars,
    "gated": _gated,
    "paper": _paper,
    "code_repo": _code_repo,
}
