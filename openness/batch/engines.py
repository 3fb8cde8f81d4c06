"""Where a sweep's tasks run: this process, local worker processes, or a Dask cluster.

Every engine is a ``concurrent.futures.Executor``, so the sweep has one code path: the embedded
default is a process pool sized to the cores; Dask's ``Client.get_executor()`` is the same
interface over a cluster. A task is a small description (:class:`Task`): for Parquet input the
worker reads its own rows from the file or URL, audits them with its process's pipeline (built
once), writes its own partition and hands back only its figures; the driver plans and keeps the
manifest. Only input a worker cannot open (JSONL, a folder of cards) travels with the task.
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
from openness.batch.inputs import Source, read_source
from openness.batch.rows import COMPONENTS, arrow_schema
from openness.batch.store import Store
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
    errors: int = 0


def partition_name(key: int) -> str:
    return f"part-{key:05d}.parquet"


LINK_COLUMNS = ["id", "error", "level", "upper_bound", "license_id", "base_unresolved"]  # and each component: what pass 2 reads


@dataclass(frozen=True)
class Task:
    """One chunk's work, small and picklable. Rows: ``source`` (the worker reads them) or a table
    sent beside the task; ``take``: only these rows of the chunk (pass 2). ``output``: the worker
    writes partition ``key`` there (with ``merge``, replacing rows ``take`` of the partition) and
    hands back no rows (pass 2: only the re-audited rows' chain columns); without it, the rows come back."""

    key: int
    options: BatchOptions
    source: Source | None = None
    take: tuple[int, ...] | None = None
    bases: Mapping[str, ChainLink] | None = None
    output: str | None = None
    merge: bool = False

    def split(self, table: Any) -> list[tuple[Task, Any]]:
        """Two halves, each handing its rows back (for isolating a row that kills its worker)."""
        from dataclasses import replace

        if self.take is not None:
            half = len(self.take) // 2
            return [(replace(self, take=t, output=None), table) for t in (self.take[:half], self.take[half:])]
        if table is not None:
            half = table.num_rows // 2
            return [(replace(self, output=None), t) for t in (table.slice(0, half), table.slice(half))]
        assert self.source is not None
        return [(replace(self, source=s, output=None), None) for s in self.source.halves()]

    def rows(self, table: Any) -> int:
        if self.take is not None:
            return len(self.take)
        return int(table.num_rows) if table is not None else self.source.rows if self.source else 0


def store_rows(store: Store, key: int, out: Any, take: tuple[int, ...] | None) -> None:
    """Write partition ``key``: ``out`` whole, or (``take``) as replacements for those rows of the partition."""
    import pyarrow as pa

    name = partition_name(key)
    if take is None:
        store.write_table(name, out)
        return
    table = store.read_table(name, schema=arrow_schema())
    indices = list(range(table.num_rows))
    for j, idx in enumerate(take):
        indices[idx] = table.num_rows + j
    merged = pa.concat_tables([table, out.cast(table.schema)])
    store.write_table(name, merged.take(pa.array(indices, pa.int64())).combine_chunks())


def second_pass_rows(out: Any) -> Any:
    """Rows re-audited in pass 2, marked so."""
    import pyarrow as pa

    i = out.schema.get_field_index("pass")
    return out.set_column(i, out.schema.field(i), pa.array([2] * out.num_rows, out.schema.field(i).type))


_POOL_SET = False


def _system_memory_pool() -> None:
    """Arrow's allocations in a worker go to the system allocator: decoding a row group through the
    default mimalloc pool peaks ~20 MB higher per task and the arena stays (measured: 52 against 32
    MB for one 5,000-card chunk), and the worker's peak memory is what limits cores per machine."""
    global _POOL_SET
    if not _POOL_SET:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
        _POOL_SET = True


def run_task(task: Task, table: Any = None) -> tuple[Any, TaskStats]:
    """The task every engine runs: read the rows (unless sent), audit them, write the partition
    (when told where); returns the rows it did not write (or pass 2's chain columns) and what it cost."""
    wall, cpu = time.perf_counter(), time.process_time()
    _system_memory_pool()
    if table is None:
        assert task.source is not None, "a task needs its rows or where to read them"
        table = read_source(task.source)
    if task.take is not None:
        import pyarrow as pa

        table = table.take(pa.array(task.take, pa.int64()))
    out = audit_table(table, task.options, task.bases)
    if task.merge:
        out = second_pass_rows(out)
    errors = out.num_rows - out.column("error").null_count
    result: Any = out
    if task.output is not None:
        store_rows(Store(task.output), task.key, out, task.take if task.merge else None)
        result = out.select([*LINK_COLUMNS, *COMPONENTS]) if task.merge else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)
    stats = TaskStats(
        out.num_rows, time.process_time() - cpu, time.perf_counter() - wall, rss, f"{os.uname().nodename}:{os.getpid()}", errors
    )
    return result, stats


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


# A local worker process is replaced after this many tasks: its resident memory grows by
# fragmentation, not by live objects (idle RSS 114 -> 218 MB over 9 tasks of 5,000 cards while
# tracemalloc saw ~2 MB more), and a fresh one costs ~1 s of start-up, ~2% of 16 tasks' audit time.
TASKS_PER_WORKER = 16


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
        pool = ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn"), max_tasks_per_child=TASKS_PER_WORKER)
        with pool:
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
