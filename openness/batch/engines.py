"""Where a sweep's tasks run: this process, local worker processes, or a Dask cluster.

Every engine is a ``concurrent.futures.Executor``, so the sweep has one code path: the embedded
default is a process pool sized to the cores; Dask's ``Client.get_executor()`` is the same
interface over a cluster (tasks carry Arrow tables; each worker builds its pipeline once).
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, Literal

from openness.batch.audit import BatchOptions, audit_table
from openness.errors import InputError
from openness.models import ChainLink

Engine = Literal["serial", "processes", "dask"]


@dataclass(frozen=True)
class TaskStats:
    """What one task cost on its worker (for progress and the benchmark)."""

    rows: int
    cpu_seconds: float
    wall_seconds: float
    max_rss_mb: float
    worker: str


def run_chunk(table: Any, options: BatchOptions, bases: Mapping[str, ChainLink] | None = None) -> tuple[Any, TaskStats]:
    """The task every engine runs: audit one chunk; returns the rows and what it cost."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = audit_table(table, options, bases)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)
    stats = TaskStats(out.num_rows, time.process_time() - cpu, time.perf_counter() - wall, rss, f"{os.uname().nodename}:{os.getpid()}")
    return out, stats


class InlineExecutor(Executor):
    """Runs each task at once in this process (``--workers 1``, and tests of the pure path)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


class _ScatteringExecutor(Executor):
    """Dask's ``concurrent.futures`` executor, with each task's Arrow table sent straight to a worker
    (``scatter``) rather than inside the task graph through the scheduler."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.inner: Executor = client.get_executor(pure=False)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        sent = tuple(self.client.scatter(a, hash=False) if hasattr(a, "num_rows") and hasattr(a, "schema") else a for a in args)
        return self.inner.submit(fn, *sent, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


@contextmanager
def open_executor(engine: Engine, workers: int | None = None, address: str | None = None) -> Iterator[tuple[Executor, int]]:
    """(executor, how many tasks it runs at once) for ``engine``; closed on exit."""
    if engine == "serial":
        yield InlineExecutor(), 1
        return
    if engine == "processes":
        n = workers or default_workers()
        with ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn")) as pool:
            yield pool, n
        return
    if engine != "dask":
        raise InputError(f"unknown engine {engine!r}: serial, processes or dask")
    try:
        distributed: Any = importlib.import_module("distributed")  # untyped calls: kept behind Any
    except ImportError:
        raise InputError("the dask engine needs the 'sweep' extra: pip install 'openness[sweep]'") from None
    cluster = None
    try:
        if address:
            client = distributed.Client(address, timeout="30s")
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            )
            client = distributed.Client(cluster)
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise InputError(f"cannot reach the Dask scheduler {address or 'local'}: {exc}") from None
    try:
        threads = sum(client.nthreads().values()) or 1
        yield _ScatteringExecutor(client), threads
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
