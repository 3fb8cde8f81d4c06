"""Searching card text with Python's ``re``, fast: where to look, and names of catalogue entries.

The prefilter (:mod:`.prefilter`) says whether a pattern can match a card and where
its first match can start; :class:`TextPattern` then searches from there with Python's ``re``, to the
end of the text, so it finds exactly what ``re`` finds. Two exact gates skip work: a pattern none of
whose required literals occurs in the card's folded view (lower-cased ASCII, one byte per character,
searched with ``bytes.find``) cannot match and is not run; a pattern whose matches all begin with
known literals is tried only where one of them occurs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

from openness.engine.scan.prefilter import TEXT_FLAGS, UNBOUNDED, Candidates, PatternIndex
from openness.engine.scan.views import ascii_view, folded_view

try:  # the standard library's regex parser: re._parser since 3.11, sre_parse before
    sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    sre_parse = importlib.import_module("sre_parse")

SHORT_TEXT = 960  # a text this short is searched directly: making its folded view costs more than it saves
MIN_LITERAL = 2
MIN_START = 3  # shorter start literals ('|' of a table row) occur too often to try each

_LITERAL = sre_parse.LITERAL
_SUBPATTERN = sre_parse.SUBPATTERN
_BRANCH = sre_parse.BRANCH
_AT = sre_parse.AT
_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)


T = TypeVar("T")

_COMMON = set(" \t\n.,;:-_()[]{}'\"/*")


def _selective(literal: str) -> bool:
    """Long enough to be rare: two characters, or one uncommon symbol such as '%' or '|'."""
    return len(literal) >= MIN_LITERAL or (len(literal) == 1 and not literal.isalnum() and literal not in _COMMON)


def _best(candidates: list[set[str]]) -> set[str] | None:
    usable = [c for c in candidates if c and all(_selective(x) for x in c)]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(len(x) for x in c), -len(c)))


def _required(items: Any) -> set[str] | None:
    """A set of literals one of which every match of the sequence ``items`` must contain."""
    candidates: list[set[str]] = []
    run = ""
    for op, av in items:
        if op is _LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append({run})
            run = ""
        sub: set[str] | None = None
        if op is _SUBPATTERN:
            sub = _required(av[-1])
        elif op is _BRANCH:
            branches = [_required(b) for b in av[1]]
            sub = None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            sub = _required(av[2])
        if sub:
            candidates.append(sub)
    if run:
        candidates.append({run})
    return _best(candidates)


def required_literals(pattern: str) -> tuple[bytes, ...] | None:
    """Lower-cased ASCII literals one of which any match must contain, or None when there is no useful set.

    They are looked for in the card's folded view (:func:`folded_view`).
    """
    try:
        found = _required(sre_parse.parse(pattern))
    except (re.error, RecursionError, ValueError):
        return None
    if not found:
        return None
    lowered = {x.lower() for x in found}
    if not all(x.isascii() for x in lowered):
        return None
    # A literal that contains another is redundant: keep the shorter, more general one.
    return tuple(sorted(x.encode("ascii") for x in lowered if not any(y != x and y in x for y in lowered)))


def _starts(items: list[Any]) -> set[str] | None:
    """Literals one of which every match of the sequence ``items`` starts with; None when unknown."""
    run = ""
    for i, (op, av) in enumerate(items):
        if op is _LITERAL:
            run += chr(av)
            continue
        if run:
            # "\[(source )?code\]\(": the run goes on into what may follow it ("[source code](", "[code](").
            if op is _SUBPATTERN or op is _BRANCH or (op in _REPEATS and av[0] == 0 and av[1] == 1):
                rest = _starts(items[i:])
                if rest is not None:
                    return {run + r for r in rest}
            break
        if op is _AT:
            continue  # \b, ^: they take no characters
        if op is _SUBPATTERN and not (av[1] or av[2]):  # a group without inline flags
            return _starts([*av[-1], *items[i + 1 :]])
        if op is _BRANCH:
            branches = [_starts([*b, *items[i + 1 :]]) for b in av[1]]
            return None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
        if op in _REPEATS and av[0] == 0 and av[1] == 1:  # optional: it is there or it is not
            with_it, without = _starts([*av[2], *items[i + 1 :]]), _starts(items[i + 1 :])
            return None if with_it is None or without is None else with_it | without
        return None
    return {run} if run else None


def start_literals(pattern: str) -> tuple[bytes, ...] | None:
    """Lower-cased ASCII literals one of which every match of ``pattern`` starts with, each at least
    ``MIN_START`` characters long; None when there is no such set.

    Where they occur in a text's :func:`folded_view` is the only place a match can start.
    """
    try:
        found = _starts(list(sre_parse.parse(pattern, TEXT_FLAGS)))
    except (re.error, RecursionError, ValueError):
        return None
    if not found or not all(x.isascii() and len(x) >= MIN_START for x in found):
        return None
    return tuple(sorted({x.lower().encode("ascii") for x in found}))


def max_width(pattern: str, flags: int = TEXT_FLAGS) -> int | None:
    """The longest text a match of ``pattern`` can span, or None when unbounded."""
    try:
        width = int(sre_parse.parse(pattern, flags).getwidth()[1])
    except (re.error, RecursionError, ValueError, OverflowError):
        return None
    return width if width < UNBOUNDED else None


class TextPattern:
    """A compiled, case-insensitive, multi-line pattern of the card text.

    Searches start where the card's prefilter scan says the first match can start at the earliest
    (see :mod:`.prefilter`) and go on to the end of the text.
    """

    __slots__ = ("literals", "regex", "slot", "starts", "width")

    def __init__(self, pattern: str, index: PatternIndex | None = None, *, plain: bool = False) -> None:
        """``plain``: no literal gates, every search is ``re``'s own over the whole text (the oracle)."""
        self.regex = re.compile(pattern, TEXT_FLAGS)
        self.literals = None if plain else required_literals(pattern)
        self.starts = None if plain else start_literals(pattern)
        self.width = max_width(pattern)
        self.slot = index.add(pattern) if index is not None else -1

    def search(self, text: str) -> re.Match[str] | None:
        """The first match in a text with no views made yet (made only when the text is long)."""
        if self.literals is None or len(text) <= SHORT_TEXT:
            return self.regex.search(text)
        return next(self.finditer(text, folded_view(text)), None)

    def found_in(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text``, through the literal gates however short the
        text: for a pattern of many alternatives, which ``re`` tries at every offset (a line's context)."""
        if self.literals is None and self.starts is None:
            return self.regex.search(text) is not None
        return next(self.finditer(text, folded_view(text)), None) is not None

    def finditer(self, text: str, folded: bytes, start: int = 0) -> Iterator[re.Match[str]]:
        """Matches in ``text`` that start at or after ``start``, in order (``folded``: its :func:`folded_view`).

        Exactly ``regex.finditer(text, start)``'s, minus the work: none when no required literal
        occurs at or after ``start`` (every match contains one).
        """
        if self.literals is not None and all(folded.find(literal, start) == -1 for literal in self.literals):
            return
        yield from self._finditer(text, folded, start, len(text))

    def _finditer(self, text: str, folded: bytes, pos: int, endpos: int) -> Iterator[re.Match[str]]:
        """``regex.finditer(text, pos, endpos)``; where the pattern's start literals are known, a match
        is tried only where one of them occurs (``match`` and ``finditer`` read ``pos`` and ``endpos``
        alike; ``pos`` keeps '^', '\\b' and look-behinds as in a whole-text search)."""
        if self.starts is None:
            yield from self.regex.finditer(text, pos, endpos)
            return
        at_least = pos
        for at in _positions(folded, self.starts, pos, endpos):
            if at < at_least:
                continue  # inside the previous match
            m = self.regex.match(text, at, endpos)
            if m is not None:
                yield m
                at_least = max(m.end(), at + 1)


def finditer_near(
    regex: re.Pattern[str], text: str, folded: bytes, literals: tuple[bytes, ...], lead: int, firsts: bytes | None = None
) -> Iterator[re.Match[str]]:
    """Exactly ``regex.finditer(text)``, for a pattern every match of which starts at most ``lead``
    characters before an occurrence of one of the lower-cased ``literals`` (``folded``: the text's
    :func:`folded_view`): a match is tried only there, not at every offset of the text.

    ``firsts``: the folded-view bytes every match starts with, when known (lower-case ASCII letters
    that no non-ASCII character matches case-insensitively, i.e. not i, k or s): offsets holding
    another byte are not tried.
    """
    at_least = 0
    near = (at for p in _positions(folded, literals, 0, len(folded)) for at in range(max(0, p - lead), p + 1))
    starts = set(near) if firsts is None else {at for at in near if folded[at] in firsts}
    for at in sorted(starts):
        if at < at_least:
            continue  # inside the previous match
        m = regex.match(text, at)
        if m is not None:
            yield m
            at_least = max(m.end(), at + 1)


def _positions(folded: bytes, literals: tuple[bytes, ...], pos: int, endpos: int) -> list[int]:
    """Where any of the literals occurs whole in ``folded[pos:endpos]``, in increasing order."""
    found: set[int] = set()
    for literal in literals:
        at = folded.find(literal, pos, endpos)
        while at != -1:
            found.add(at)
            at = folded.find(literal, at + 1, endpos)
    return sorted(found)


class NameFinder(Generic[T]):
    """Catalogue entries by the names cards write them with; one prefiltered scan per text.

    ``names`` maps lower-cased names to entries; several names may share an entry.
    """

    def __init__(self, names: dict[str, T]) -> None:
        self.names = names
        self.index = PatternIndex(flags=re.I)
        self._by_slot = {self.index.add(re.escape(name)): name for name in names}

    def find(
        self, text: str, view: bytes | None = None, folded: bytes | None = None, scanned: Candidates | None = None
    ) -> list[tuple[T, str, int]]:
        """(entry, name as written, offset) for each name in ``text`` (see :func:`find_names`), in text order.

        ``view`` and ``folded``: the text's :func:`ascii_view` and :func:`folded_view`, when already made;
        ``scanned``: this finder's index scanned over the view, when already done (in a shared scan).
        """
        view = ascii_view(text) if view is None else view
        scanned = self.index.scan(view) if scanned is None else scanned
        present = [self._by_slot[slot] for slot in scanned.possible()]
        if not present:
            return []
        found = find_names(text, view.lower() if folded is None else folded, present)
        return [(self.names[words.lower()], words, offset) for words, offset in found]


def _glued(ch: int | str) -> bool:
    """A word character or a hyphen (``ch``: a character, or a byte of the folded view)."""
    c = chr(ch) if isinstance(ch, int) else ch
    return c.isalnum() or c in "_-"


def find_names(text: str, folded: bytes, names: Iterable[str]) -> list[tuple[str, int]]:
    """Whole-word occurrences of the lower-cased ``names`` in ``text``: (name as written, offset).

    First occurrence of each name only. A name matches where it is not glued to a word character
    or a hyphen on either side ('C4' in 'trained on C4.', not in 'c4ai'). ``folded`` is the text's
    :func:`folded_view`, searched with C-speed ``bytes.find`` (a non-ASCII name is looked for in the
    lower-cased text); every hit is confirmed on the text.
    """
    found: list[tuple[str, int]] = []
    lowered: str | None = None
    for name in names:
        hay: Any
        needle: Any
        if name.isascii():
            hay, needle = folded, name.encode("ascii")
        else:
            hay = lowered = text.lower() if lowered is None else lowered
            needle = name
        pos = hay.find(needle)
        while pos != -1:
            end = pos + len(needle)
            clear = not (pos and _glued(hay[pos - 1])) and not (end < len(hay) and _glued(hay[end]))
            if clear and text[pos:end].lower() == name:
                found.append((text[pos:end], pos))
                break
            pos = hay.find(needle, pos + 1)
    return sorted(found, key=lambda f: f[1])
