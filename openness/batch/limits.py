"""Per-card limits for batch work, so a hostile card becomes an error row, not a dead worker.

Size and YAML aliases are checked before anything is parsed. Time is enforced while the card is
audited: on a process's main thread (the embedded engine's workers) by a ``SIGALRM`` timer, which
also interrupts a long regular-expression match; on any other thread (a Dask worker's task
threads) by a watchdog thread that raises :class:`CardTimeout` in the auditing thread at its next
Python instruction.
"""

from __future__ import annotations

import ctypes
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
    """One daemon thread per process that raises :class:`CardTimeout` in threads past their deadline.

    Each thread has one slot (its current deadline). The watchdog sleeps until the earliest deadline
    it knows and is woken only when a thread sets an earlier one; a card's later deadline replaces
    the slot silently, so a card costs no thread switch (waking it on every card cost a Dask worker
    two context switches and a GIL hand-over per card)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._slots: dict[int, tuple[float, int]] = {}  # thread id -> (deadline, token)
        self._wake_at = float("inf")  # when the watchdog next looks
        self._next = 0
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> int:
        with self._cond:
            self._next += 1
            token, when = self._next, time.monotonic() + seconds
            self._slots[threading.get_ident()] = (when, token)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="openness-card-deadline", daemon=True)
                self._thread.start()
            if when < self._wake_at:
                self._wake_at = when
                self._cond.notify()
            return token

    def disarm(self, token: int) -> None:
        with self._cond:
            ident = threading.get_ident()
            if self._slots.get(ident, (0.0, -1))[1] == token:
                del self._slots[ident]

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                for ident, (when, _token) in list(self._slots.items()):
                    if when <= now:
                        del self._slots[ident]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(CardTimeout))
                self._wake_at = min((when for when, _ in self._slots.values()), default=float("inf"))
                self._cond.wait(None if self._wake_at == float("inf") else self._wake_at - now)


_WATCHDOG = _Watchdog()
