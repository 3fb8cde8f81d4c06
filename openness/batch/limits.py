"""Per-card limits for batch work, so a hostile card becomes an error row, not a dead worker.

Size and YAML aliases are checked before anything is parsed. Time is enforced while the card is
audited: on a process's main thread (the embedded engine's workers) by a ``SIGALRM`` timer, which
also interrupts a long regular-expression match; on any other thread (a Dask worker's task
threads) by a watchdog thread that raises :class:`CardTimeout` in the auditing thread at its next
Python instruction.
"""

from __future__ import annotations

import ctypes
import heapq
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

import yaml

from openness.errors import OpennessError


@dataclass(frozen=True)
class CardLimits:
    """``max_chars``: card length; ``max_aliases``: YAML aliases in the front matter; ``seconds``: audit time."""

    max_chars: int = 1_000_000
    max_aliases: int = 100
    seconds: float = 10.0


class CardLimitError(OpennessError):
    """A card over one of the :class:`CardLimits`."""


class CardTimeout(CardLimitError):
    """A card whose audit ran past its time limit (raised by class, from the watchdog: the message is built in)."""

    def __init__(self, message: str = "the card's audit ran past its time limit") -> None:
        super().__init__(message)


_FRONT = re.compile(r"\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_card(card: str, limits: CardLimits) -> None:
    """Raise :class:`CardLimitError` for a card too long or whose front matter holds too many aliases."""
    if len(card) > limits.max_chars:
        raise CardLimitError(f"card is {len(card):,} characters, over the limit of {limits.max_chars:,}")
    if "&" not in card[:200_000]:
        return  # no anchor, so no alias can refer to one
    m = _FRONT.match(card, 0, 200_001)
    if m is None or "&" not in m.group(1):
        return
    aliases = 0
    try:
        for event in yaml.parse(m.group(1), Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > limits.max_aliases:
                    raise CardLimitError(f"the front matter holds more than {limits.max_aliases} YAML aliases")
    except yaml.YAMLError:
        return  # malformed front matter: the parser reports it as a warning


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`CardTimeout` in this thread if the block runs longer than ``seconds``."""
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            yield
        return
    token = _WATCHDOG.arm(seconds)
    try:
        yield
    finally:
        _WATCHDOG.disarm(token)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise CardTimeout


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """The handler stays installed between cards (it fires only while a timer runs): one system call each way."""
    if signal.getsignal(signal.SIGALRM) is not _on_alarm:
        if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
            raise RuntimeError("SIGALRM is already handled in this process; run with a card time limit of 0")
        signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


class _Watchdog:
    """One daemon thread per process that raises :class:`CardTimeout` in threads past their deadline."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, int]] = []  # (deadline, token, thread id)
        self._live: set[int] = set()
        self._next = 0
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> int:
        with self._cond:
            self._next += 1
            token = self._next
            heapq.heappush(self._heap, (time.monotonic() + seconds, token, threading.get_ident()))
            self._live.add(token)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="openness-card-deadline", daemon=True)
                self._thread.start()
            self._cond.notify()
            return token

    def disarm(self, token: int) -> None:
        with self._cond:
            self._live.discard(token)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                when, token, ident = self._heap[0]
                wait = when - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                self._live.discard(token)
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(CardTimeout))


_WATCHDOG = _Watchdog()
