"""A bounded memory of answers, for catalogue lookups that recur across the cards one worker audits
(template links, dataset names, BibTeX titles)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """``compute(key)``, remembered for up to ``size`` keys; when full, the memory starts again.

    Cheaper per call than an LRU's bookkeeping, and the keys that recur come straight back. Per
    instance, so a catalogue's memory lives and dies with it (no ``lru_cache`` on a method, which
    would keep every catalogue alive).
    """

    __slots__ = ("_answers", "_compute", "_size")

    def __init__(self, compute: Callable[[K], V], size: int) -> None:
        self._compute = compute
        self._size = size
        self._answers: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        try:
            return self._answers[key]
        except KeyError:
            pass
        value = self._compute(key)
        if len(self._answers) >= self._size:
            self._answers.clear()
        self._answers[key] = value
        return value
