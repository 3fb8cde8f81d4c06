"""A total deadline per target for every network wait, and word of what is being waited for.

Per-request timeouts alone do not bound an audit: a server that drips one byte every two seconds
never trips a read timeout, and retries, secondary lookups (datasets, base models, links) add up.
:func:`deadline` sets the time by which this thread's target must be done; every request takes
``min(timeout, remaining())`` and every streamed body calls :func:`check` as it reads. A wait longer
than a few seconds is reported through the function given to :func:`set_reporter` (the CLI's
stderr), so a slow run says what it is waiting for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from openness.errors import SourceError
from openness.settings import DEFAULT_DEADLINE as DEFAULT_DEADLINE  # seconds per target, all requests together

REPORT_AFTER = 5.0  # a wait this long is reported, and again every REPORT_EVERY seconds
REPORT_EVERY = 15.0

_local = threading.local()
_reporter: Callable[[str], None] | None = None
_report_after = REPORT_AFTER


class DeadlineError(SourceError):
    """The target's total deadline passed while waiting on the network."""


def set_reporter(reporter: Callable[[str], None] | None, after: float = REPORT_AFTER) -> None:
    """Where "waiting for ..." lines go (``None``: nowhere), for waits longer than ``after`` seconds."""
    global _reporter, _report_after
    _reporter, _report_after = reporter, after


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Within the block, this thread's network waits end ``seconds`` from now (nested: the earlier wins)."""
    previous = getattr(_local, "at", None), getattr(_local, "total", None)
    if seconds is not None and seconds > 0:
        at = time.monotonic() + seconds
        if previous[0] is None or at < previous[0]:
            _local.at, _local.total = at, seconds
    try:
        yield
    finally:
        _local.at, _local.total = previous


def remaining() -> float | None:
    """Seconds left for this thread's target, or ``None`` when no deadline is set."""
    at = getattr(_local, "at", None)
    return None if at is None else at - time.monotonic()


def timeout(default: float) -> float:
    """The timeout for one request: ``default``, or less when the deadline is nearer (at least 0.05 s)."""
    left = remaining()
    return default if left is None else max(0.05, min(default, left))


def check(what: str) -> None:
    """Raise :class:`DeadlineError` naming ``what`` once the deadline has passed."""
    left = remaining()
    if left is not None and left <= 0:
        raise DeadlineError(f"{what}: gave up, the deadline of {getattr(_local, 'total', 0):.0f}s for this target passed")


@contextmanager
def waiting(what: str) -> Iterator[None]:
    """Report ``what`` through the reporter if the block is still running after ``REPORT_AFTER`` seconds."""
    reporter = _reporter
    if reporter is None:
        yield
        return
    started = time.monotonic()
    left = remaining()
    done = threading.Event()

    def watch() -> None:
        delay = _report_after
        while not done.wait(delay):
            elapsed = time.monotonic() - started
            until = "" if left is None else f"; gives up in {max(0.0, left - elapsed):.0f}s"
            reporter(f"waiting for {what} ({elapsed:.0f}s{until})")
            delay = REPORT_EVERY

    watcher = threading.Thread(target=watch, name="openness-waiting", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
