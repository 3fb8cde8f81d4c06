"""One scan per card tells which of many text patterns may match, and where the first match may end.

Patterns register with a :class:`PatternIndex` once, when rules and catalogues load (the rule set
has one index for the card text, one for section headings and one for links; each catalogue one for
its names). On first use an index is translated into a single Hyperscan database. Per card, one
scan answers for every pattern at once: "can it match, and at what offset does the first candidate
match end?" Python's ``re`` then runs only for the patterns that may match, starting near that
offset, so results are always Python's own: the prefilter only skips work.

No match is ever skipped, by construction:

* The card is scanned as its ASCII *view* (:mod:`.views`), one byte per character, so offsets
  carry over; each non-ASCII character is a stand-in of its regex class there.
* Each single-character atom of a pattern (literal, class, category, ``.``) becomes the explicit
  set of view bytes whose originals it can match, found by asking Python's ``re`` itself.
* Assertions that do not carry over (look-arounds, ``\\A``, ``\\Z``) are dropped and long bounded
  repeats are opened up; both only widen what matches.

Python's search then starts where the first match can start at the earliest: the first candidate end
minus the pattern's longest match, or, for a pattern without a length limit (``\\s+``), the leftmost
start of any candidate, from a second, start-of-match scan for that pattern alone.

Patterns that cannot be translated (back-references, conditional groups, scoped inline flags,
non-ASCII literals, patterns that match the empty string) are never filtered: they always run.
Without Hyperscan (an unsupported platform), every pattern always runs.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sized
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from openness.engine.scan.views import FOLDS, OTHER, SPACE, WORD
from openness.resources import user_cache_dir

_hs: Any
try:
    _hs = importlib.import_module("hyperscan")
except ImportError:  # pragma: no cover - platforms without a Hyperscan wheel
    _hs = None

try:  # the standard library's regex parser: re._parser since 3.11, sre_parse before
    _sre: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _sre = importlib.import_module("sre_parse")

TEXT_FLAGS = re.I | re.M
Subject = Literal["text", "headings", "links"]  # what an index's patterns are matched against
UNBOUNDED = 1 << 16  # a width at or above this is treated as unbounded
# {m,n} with n above this is scanned as {m,}. Exact bounds make fewer false candidates at the same
# scan speed; start-of-match databases cannot hold long bounded repeats, so they open them sooner.
OPEN_REPEATS_ABOVE = 100
SOM_OPEN_REPEATS_ABOVE = 8

# Characters probed to find an atom's view bytes: every ASCII byte as itself, and one representative
# of each class of non-ASCII character under its stand-in (members of a class match the same atoms
# when the atom names only ASCII characters, which translation requires).
_PROBES: tuple[tuple[int, str], ...] = (
    *((b, chr(b)) for b in range(128)),
    (WORD, "\u00e9"),  # é: a word character
    (WORD, "\u0663"),  # ٣: a word character and a digit
    (SPACE, "\u00a0"),  # no-break space
    (OTHER, "\u2014"),  # em dash: neither word nor space
    *((ord(letter), ch) for ch, letter in FOLDS.items()),
)


class _Untranslatable(Exception):
    """The pattern uses a construct the prefilter cannot carry over exactly."""


def _char(code: int) -> str:
    if code >= 128:
        raise _Untranslatable("non-ASCII character")
    return f"\\x{code:02x}"


_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _atom_source(op: Any, av: Any) -> str:
    """Python regex source for one single-character atom of the parse tree."""
    name = op.name
    if name == "LITERAL":
        return _char(av)
    if name == "NOT_LITERAL":
        return f"[^{_char(av)}]"
    if name == "ANY":
        return "."
    parts: list[str] = []
    for item_op, item_av in av:
        item = item_op.name
        if item == "NEGATE":
            parts.insert(0, "^")
        elif item == "LITERAL":
            parts.append(_char(item_av))
        elif item == "RANGE":
            parts.append(f"{_char(item_av[0])}-{_char(item_av[1])}")
        elif item == "CATEGORY" and item_av.name in _CATEGORIES:
            parts.append(_CATEGORIES[item_av.name])
        else:
            raise _Untranslatable(f"class item {item}")
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=4096)
def _view_class(atom: str, flags: int) -> str:
    """The Hyperscan class of view bytes whose original characters ``atom`` can match."""
    rx = re.compile(atom, flags)
    accepted = sorted({b for b, ch in _PROBES if rx.fullmatch(ch)})
    if not accepted:
        raise _Untranslatable("an atom that matches nothing")
    runs: list[str] = []
    start = prev = accepted[0]
    for b in [*accepted[1:], -1]:
        if b == prev + 1:
            prev = b
            continue
        runs.append(f"\\x{start:02x}" if start == prev else f"\\x{start:02x}-\\x{prev:02x}")
        start = prev = b
    return "[" + "".join(runs) + "]"


def _repeat(lo: int, hi: int, open_above: int) -> str:
    lo = min(lo, open_above)
    if hi >= UNBOUNDED or hi > open_above:
        return "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
    return f"{{{lo},{hi}}}"


def _emit(items: Any, flags: int, open_above: int) -> str:
    out: list[str] = []
    for op, av in items:
        name = op.name
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            out.append(_view_class(_atom_source(op, av), flags))
        elif name == "BRANCH":
            out.append("(?:" + "|".join(_emit(b, flags, open_above) for b in av[1]) + ")")
        elif name == "SUBPATTERN":
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Untranslatable("scoped inline flags")
            out.append("(?:" + _emit(sub, flags, open_above) + ")")
        elif name == "ATOMIC_GROUP":
            out.append("(?:" + _emit(av, flags, open_above) + ")")
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            out.append("(?:" + _emit(sub, flags, open_above) + ")" + _repeat(lo, hi, open_above))
        elif name == "AT":
            at = av.name
            if at == "AT_BOUNDARY":
                out.append(r"\b")
            elif at == "AT_NON_BOUNDARY":
                out.append(r"\B")
            elif at == "AT_BEGINNING" and flags & re.M:
                out.append("^")
            elif at == "AT_END" and flags & re.M:
                out.append("$")
            # \A, \Z and single-line ^/$ differ between a section and the whole card: dropped.
        elif name in ("ASSERT", "ASSERT_NOT"):
            continue  # dropping a look-around only widens the match
        else:
            raise _Untranslatable(name)
    return "".join(out)


class Translation(NamedTuple):
    """A pattern as a Hyperscan expression over the ASCII view; ``unbounded``: its matches have no length limit."""

    expression: str
    unbounded: bool


def translate(pattern: str, flags: int = TEXT_FLAGS, open_above: int = OPEN_REPEATS_ABOVE) -> Translation | None:
    """The prefilter form of ``pattern``, or None when it cannot be carried over exactly.

    ``open_above``: bounded repeats with a larger upper bound are scanned as unbounded.
    """
    try:
        parsed = _sre.parse(pattern, flags)
        all_flags = parsed.state.flags
        if all_flags & (re.S | re.X | re.A | re.L) != (flags & (re.S | re.X | re.A | re.L)):
            return None  # a global inline flag changes what atoms mean beyond what we probe with
        lo, hi = parsed.getwidth()
        if lo == 0:
            return None  # matches the empty string: it always "matches"
        return Translation(_emit(parsed, all_flags & (re.I | re.M | re.S | re.A), open_above), hi >= UNBOUNDED)
    except (_Untranslatable, re.error, RecursionError, OverflowError, ValueError):
        return None


def row_starts(rows: Iterable[Sized]) -> list[int]:
    """Where each row starts once short texts (headings, links, lines) are joined by newlines into
    one subject to scan (see :meth:`Candidates.rows`)."""
    starts, pos = [], 0
    for row in rows:
        starts.append(pos)
        pos += len(row) + 1
    return starts


class Candidates:
    """The outcome of one scan: for each pattern, whether it may match and where to start looking."""

    __slots__ = ("_ends", "_every", "_index", "_view")

    def __init__(self, index: PatternIndex, view: bytes, ends: dict[int, int], every: dict[int, list[int]] | None = None) -> None:
        self._index = index
        self._view = view
        self._ends = ends
        self._every = every

    def every_end(self, slot: int) -> list[int] | None:
        """Every candidate match end of pattern ``slot``, for an index built with ``every_match``;
        None when they are not known (a pattern not covered, or one with too many to list)."""
        if self._every is None or slot not in self._index.filtered_slots:
            return None
        ends = self._every.get(slot, [])
        return None if len(ends) >= EVERY_MATCH_LIMIT else ends

    def rows(self, slot: int, starts: list[int]) -> set[int] | None:
        """Which rows pattern ``slot`` may match, when the subject is rows joined by newlines
        (``starts``: where each row starts, see :func:`row_starts`). None when it cannot be told."""
        ends = self.every_end(slot)
        if ends is None:
            return None
        return {bisect_right(starts, end - 1) - 1 for end in ends}

    def possible(self) -> list[int]:
        """The slots of the patterns that may match, in increasing order (those not covered included)."""
        return sorted(self.possible_set())

    def possible_set(self) -> frozenset[int]:
        """The slots of the patterns that may match (those not covered included)."""
        return self._index.unfiltered_slots.union(self._ends)

    def first_end(self, slot: int) -> int | None:
        """No match of pattern ``slot`` ends before this offset; None: it cannot match at all.

        0 for a pattern the prefilter does not cover.
        """
        if slot not in self._index.filtered_slots:
            return 0
        return self._ends.get(slot)

    def search_start(self, slot: int, width: int | None) -> int:
        """An offset no match of pattern ``slot`` starts before (0 when nothing is known).

        With the pattern's longest match ``width``, it is the first end minus that width; for a
        pattern without a length limit, a second scan finds the leftmost start of any candidate.
        """
        end = self.first_end(slot)
        if not end:
            return 0
        if width is not None:
            return max(0, end - width)
        return self._index.leftmost_start(slot, self._view)


class PatternIndex:
    """Patterns registered at load time; one Hyperscan database over all of them, built on first scan.

    ``every_match``: a scan lists every candidate match end, not only the first (for short subjects
    made of many strings, such as the headings, to tell which strings can match).
    Thread-safe: databases are built once under a lock and each thread scans with its own scratch.
    """

    def __init__(self, flags: int = TEXT_FLAGS, enabled: bool = True, subject: Subject = "text", every_match: bool = False) -> None:
        self.flags = flags
        self.enabled = enabled and _hs is not None
        self.subject = subject  # what the patterns are matched against, for callers that hold several indexes
        self.every_match = every_match
        self._patterns: dict[str, int] = {}  # pattern -> slot
        self._translations: list[Translation | None] = []
        self._db: Any = None
        self.filtered_slots: frozenset[int] = frozenset()
        self.unfiltered_slots: frozenset[int] = frozenset()  # patterns every scan says may match
        self._built = False
        self._starts: dict[int, Any] = {}  # slot -> start-of-match database, built on first need
        self._lock = threading.Lock()
        self._local = threading.local()

    def add(self, pattern: str) -> int:
        """Register a pattern (once per distinct pattern); returns its slot."""
        slot = self._patterns.get(pattern)
        if slot is None:
            if self._built:
                raise RuntimeError("PatternIndex: patterns are added before the first scan")
            slot = self._patterns[pattern] = len(self._translations)
            self._translations.append(translate(pattern, self.flags))
        return slot

    @property
    def filtered(self) -> int:
        """How many patterns the prefilter covers (the rest always run)."""
        self._build()
        return len(self.filtered_slots)

    def __len__(self) -> int:
        return len(self._translations)

    def _build(self) -> None:
        _once(self, self._compile)

    def _compile(self) -> None:
        expressions = {slot: t.expression for slot, t in enumerate(self._translations) if t and self.enabled}
        self._db, accepted = _database(expressions, _EVERY_FLAGS if self.every_match else _FLAGS)
        self.filtered_slots = frozenset(accepted)
        self.unfiltered_slots = frozenset(range(len(self._translations))) - self.filtered_slots

    def _scratch(self, db: Any) -> Any:
        return _thread_scratch(self._local, db)

    def scan(self, view: bytes) -> Candidates:
        """Scan a text's :func:`~.views.ascii_view` once for every pattern."""
        self._build()
        ends: dict[int, int] = {}
        if self._db is None:
            return Candidates(self, view, ends)
        if not self.every_match:

            def on_match(slot: int, _start: int, end: int, _flags: int, _context: object) -> None:
                if slot not in ends:
                    ends[slot] = end

            self._db.scan(view, match_event_handler=on_match, scratch=self._scratch(self._db))
            return Candidates(self, view, ends)
        every: dict[int, list[int]] = {}

        def on_every_match(slot: int, _start: int, end: int, _flags: int, _context: object) -> None:
            found = every.get(slot)
            if found is None:
                every[slot] = [end]
            elif len(found) < EVERY_MATCH_LIMIT:
                found.append(end)

        self._db.scan(view, match_event_handler=on_every_match, scratch=self._scratch(self._db))
        return Candidates(self, view, {slot: min(found) for slot, found in every.items()}, every)

    def leftmost_start(self, slot: int, view: bytes) -> int:
        """The leftmost start of any candidate match of pattern ``slot`` (0 when it cannot be told)."""
        spans = self.match_spans(slot, view)
        return 0 if spans is None else min((start for start, _ in spans), default=0)

    def match_spans(self, slot: int, view: bytes) -> list[tuple[int, int]] | None:
        """Every candidate match end of pattern ``slot``, with the leftmost start of a match ending there.

        A second scan, with a start-of-match database for this pattern alone (built on first need);
        None when the pattern is not covered.
        """
        self._build()
        if slot not in self.filtered_slots:
            return None
        db = self._starts.get(slot, False)
        if db is False:
            with self._lock:
                if slot not in self._starts:
                    pattern = next(p for p, s in self._patterns.items() if s == slot)
                    t = translate(pattern, self.flags, SOM_OPEN_REPEATS_ABOVE)
                    self._starts[slot] = _database({slot: t.expression}, _SOM_FLAGS)[0] if t else None
                db = self._starts[slot]
        if db is None:
            return None
        spans: list[tuple[int, int]] = []

        def on_match(_slot: int, start: int, end: int, _flags: int, _context: object) -> None:
            spans.append((start, end))

        db.scan(view, match_event_handler=on_match, scratch=self._scratch(db))
        return spans


class ScanGroup:
    """Indexes of patterns over the same text (the rules', the catalogues' names), scanned as one
    database: one pass over the card instead of one per index, with the same answers.

    Members list only their first match (not ``every_match``). When the joint database cannot hold
    every pattern its members cover, the members are scanned one by one.
    """

    def __init__(self, members: tuple[PatternIndex, ...]) -> None:
        if any(m.every_match for m in members):
            raise ValueError("ScanGroup: members list only their first match")
        self.members = members
        self._db: Any = None
        self._ranges: list[tuple[int, int]] = []  # (first id, past the last) of each member's slots
        self._built = False
        self._lock = threading.Lock()
        self._local = threading.local()

    def _build(self) -> None:
        _once(self, self._compile)

    def _compile(self) -> None:
        expressions: dict[int, str] = {}
        base = 0
        for m in self.members:
            m._build()
            for slot in m.filtered_slots:
                t = m._translations[slot]
                assert t is not None
                expressions[base + slot] = t.expression
            self._ranges.append((base, base + len(m)))
            base += len(m)
        db, accepted = _database(expressions, _FLAGS)
        self._db = db if len(accepted) == len(expressions) else None

    def scan(self, view: bytes) -> tuple[Candidates, ...]:
        """Each member's :meth:`PatternIndex.scan` of ``view``, from one pass."""
        self._build()
        if self._db is None:
            return tuple(m.scan(view) for m in self.members)
        ends: dict[int, int] = {}

        def on_match(slot: int, _start: int, end: int, _flags: int, _context: object) -> None:
            if slot not in ends:
                ends[slot] = end

        self._db.scan(view, match_event_handler=on_match, scratch=_thread_scratch(self._local, self._db))
        split: list[dict[int, int]] = [{} for _ in self.members]
        for slot, end in ends.items():
            for i, (lo, hi) in enumerate(self._ranges):
                if lo <= slot < hi:
                    split[i][slot - lo] = end
                    break
        return tuple(Candidates(m, view, e) for m, e in zip(self.members, split))


def _once(owner: PatternIndex | ScanGroup, compile_: Callable[[], None]) -> None:
    """Run ``compile_`` the first time ``owner`` is used, once, whichever thread gets there first."""
    if owner._built:
        return
    with owner._lock:
        if not owner._built:
            compile_()
            owner._built = True


def _thread_scratch(local: threading.local, db: Any) -> Any:
    """This thread's Hyperscan scratch space for ``db``."""
    scratches: dict[int, Any] = local.__dict__.setdefault("scratches", {})
    scratch = scratches.get(id(db))
    if scratch is None:
        scratch = scratches[id(db)] = _hs.Scratch(db)
    return scratch


_FLAGS = (_hs.HS_FLAG_MULTILINE | _hs.HS_FLAG_SINGLEMATCH) if _hs else 0
_EVERY_FLAGS = _hs.HS_FLAG_MULTILINE if _hs else 0
EVERY_MATCH_LIMIT = 256  # more candidate ends than this for one pattern: treated as "may match anywhere"
_SOM_FLAGS = (_hs.HS_FLAG_MULTILINE | _hs.HS_FLAG_SOM_LEFTMOST) if _hs else 0
_DATABASES: dict[str, tuple[Any, list[int]]] = {}  # built once per process for each set of expressions
_DATABASES_LOCK = threading.Lock()


def _database(expressions: dict[int, str], flags: int) -> tuple[Any, list[int]]:
    """A database over ``expressions`` (id -> expression) and the ids it covers.

    Compiling takes a tenth of a second, so a database is kept for the process and serialised to the
    user cache; a cached file from another Hyperscan version or CPU is rejected by Hyperscan and rebuilt.
    """
    if not expressions or _hs is None:
        return None, []
    key = hashlib.sha256(repr((_hs.__version__, flags, sorted(expressions.items()))).encode()).hexdigest()[:24]
    with _DATABASES_LOCK:
        if key not in _DATABASES:
            _DATABASES[key] = _load(key, expressions) or _compile(key, expressions, flags)
        return _DATABASES[key]


def _cache_file(key: str) -> Path:
    return user_cache_dir() / "prefilter" / f"{key}.hsdb"


def _load(key: str, expressions: dict[int, str]) -> tuple[Any, list[int]] | None:
    try:
        raw = _cache_file(key).read_bytes()
        header, blob = raw.split(b"\n", 1)
        accepted = [int(x) for x in header.split(b",") if x]
        if not set(accepted) <= expressions.keys():
            return None
        return _hs.loadb(blob, _hs.HS_MODE_BLOCK), accepted
    except (OSError, ValueError, _hs.error):
        return None


def _compile(key: str, expressions: dict[int, str], flags: int) -> tuple[Any, list[int]]:
    """Compile; a pattern Hyperscan rejects is left out (it then always runs)."""

    def build(members: list[int]) -> Any:
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        encoded = [expressions[i].encode("ascii") for i in members]
        db.compile(expressions=encoded, ids=members, elements=len(members), flags=flags)
        return db

    accepted = sorted(expressions)
    try:
        db = build(accepted)
    except _hs.error:
        accepted = [slot for slot in accepted if _compiles(build, slot)]
        try:
            db = build(accepted) if accepted else None
        except _hs.error:  # pragma: no cover - each compiles alone but not together
            db, accepted = None, []
    if db is not None:
        _store(key, accepted, _hs.dumpb(db))
    return db, accepted


def _compiles(build: Any, slot: int) -> bool:
    try:
        build([slot])
        return True
    except _hs.error:
        return False


def _store(key: str, accepted: list[int], blob: bytes) -> None:
    """Best effort: an unwritable cache only costs the next process a compile."""
    path = _cache_file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_bytes(",".join(map(str, accepted)).encode() + b"\n" + blob)
        tmp.replace(path)
    except OSError:
        return
