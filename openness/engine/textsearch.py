"""Fast regex search over card text: a required-literal prefilter in front of Python's ``re``.

Scanning a 15 kB card with sixty case-insensitive alternations costs tens of milliseconds. Most
patterns need one of a few literal words to match ("learning rate", "tokens", ...). We derive that
set from the parsed pattern once, find the literals in the lower-cased text with ``str.find``
(C speed), and run the regex only in windows around them. A match is found when it lies within
``WINDOW`` characters of a required literal — every pattern in the shipped rules is far shorter.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

try:  # the standard library's regex parser: re._parser since 3.11, sre_parse before
    sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    sre_parse = importlib.import_module("sre_parse")

WINDOW = 240
MIN_LITERAL = 2

_LITERAL = sre_parse.LITERAL
_SUBPATTERN = sre_parse.SUBPATTERN
_BRANCH = sre_parse.BRANCH
_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)


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


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-cased literals one of which any match must contain, or None when there is no useful set."""
    try:
        found = _required(sre_parse.parse(pattern))
    except (re.error, RecursionError, ValueError):
        return None
    if not found:
        return None
    lowered = {x.lower() for x in found}
    # A literal that contains another is redundant: keep the shorter, more general one.
    return tuple(sorted(x for x in lowered if not any(y != x and y in x for y in lowered)))


class TextPattern:
    """A compiled, case-insensitive, multi-line pattern with a literal prefilter."""

    __slots__ = ("regex", "literals")

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern, re.I | re.M)
        self.literals = required_literals(pattern)

    def finditer(self, text: str, lower: str) -> Iterator[re.Match[str]]:
        """Matches in ``text`` (``lower`` is ``text.lower()``, computed once by the caller)."""
        if self.literals is None:
            yield from self.regex.finditer(text)
            return
        present = [lit for lit in self.literals if lit in lower]
        if not present:
            return
        if len(text) <= 4 * WINDOW:  # a short text: the windows would cover it anyway
            yield from self.regex.finditer(text)
            return
        windows: list[tuple[int, int]] = []
        for lit in present:
            pos = lower.find(lit)
            while pos != -1:
                windows.append((max(0, pos - WINDOW), min(len(text), pos + len(lit) + WINDOW)))
                pos = lower.find(lit, pos + 1)
        if not windows:
            return
        windows.sort()
        merged = [windows[0]]
        for lo, hi in windows[1:]:
            if lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        for lo, hi in merged:
            # Start at a line boundary so that '^' and '\b' behave as in a whole-text search.
            start = text.rfind("\n", 0, lo) + 1 if lo else 0
            yield from self.regex.finditer(text, start, hi)


def find_names(text: str, lower: str, names: Iterable[str]) -> list[tuple[str, int]]:
    """Whole-word occurrences of the lower-cased ``names`` in ``text``: (name as written, offset).

    First occurrence of each name only. A name matches where it is not glued to a word character
    or a hyphen on either side ('C4' in 'trained on C4.', not in 'c4ai').
    """
    found: list[tuple[str, int]] = []
    for name in names:
        pos = lower.find(name)
        while pos != -1:
            end = pos + len(name)
            before = lower[pos - 1] if pos else " "
            after = lower[end] if end < len(lower) else " "
            if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
                found.append((text[pos:end], pos))
                break
            pos = lower.find(name, pos + 1)
    return sorted(found, key=lambda f: f[1])
