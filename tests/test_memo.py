"""The bounded memory catalogue lookups share: answers computed once, memory bounded."""

from __future__ import annotations

from openness.memo import Memo


def test_an_answer_is_computed_once_and_none_is_remembered_too() -> None:
    calls: list[str] = []

    def compute(key: str) -> str | None:
        calls.append(key)
        return None if key == "unknown" else key.upper()

    memo: Memo[str, str | None] = Memo(compute, size=8)
    assert [memo("a"), memo("a"), memo("unknown"), memo("unknown")] == ["A", "A", None, None]
    assert calls == ["a", "unknown"]


def test_the_memory_starts_again_when_full() -> None:
    calls: list[int] = []

    def double(key: int) -> int:
        calls.append(key)
        return key * 2

    memo: Memo[int, int] = Memo(double, size=3)
    assert [memo(k) for k in (1, 2, 3, 4, 1)] == [2, 4, 6, 8, 2]
    assert calls == [1, 2, 3, 4, 1]  # 4 did not fit: the memory was cleared, so 1 is computed again
    assert memo(4) == 8 and calls[-1] == 1  # 4 stayed after the clear
