"""A sweep: every card of a dump audited, written as a Parquet dataset, resumable.

Pass 1 audits each chunk (bases from the curated registry) and writes it as one zstd Parquet
partition, ``part-NNNNN.parquet``, recorded in ``_manifest.json``; a rerun skips the partitions the
manifest lists. The driver only plans tasks and keeps the manifest: for Parquet input each worker
reads its own rows and writes its own partition (see :mod:`openness.batch.engines`), so the driver's
cost per card is a few microseconds and a cluster scales. Pass 2 resolves base models from the
dump itself: a derived card whose base the registry does not know, but which is in the same dump,
is audited again with that base's own first-pass result as its chain link (bases before the models
derived from them, round by round), and its partition rewritten. What stays unresolved stays an
upper bound. No network either way. The output may be a folder or an fsspec URL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from openness import __version__
from openness.batch.audit import BatchOptions, pipeline
from openness.batch.engines import LINK_COLUMNS, Task, TaskStats, partition_name, run_task, second_pass_rows, store_rows
from openness.batch.inputs import Chunk, SweepInput, read_source
from openness.batch.rows import COMPONENTS, ROW_SCHEMA_VERSION, arrow_schema, report_row
from openness.batch.store import Store
from openness.errors import InputError, OpennessError
from openness.models import AuditError, ChainLink, Status

MANIFEST = "_manifest.json"
FORMAT = "openness-sweep"
Progress = Callable[[int, int | None], None]


class SweepInterrupted(OpennessError):
    """The engine itself failed (a pool that broke, a cluster lost); what was written stays, a rerun resumes."""


@dataclass
class SweepStats:
    """What a sweep did, for the summary line and the benchmark."""

    rows: int = 0
    errors: int = 0
    partitions_written: int = 0
    partitions_skipped: int = 0
    second_pass_rows: int = 0
    upper_bounds_removed: int = 0
    second_pass_rounds: int = 0
    wall_seconds: float = 0.0
    task_cpu_seconds: float = 0.0
    max_worker_rss_mb: float = 0.0
    workers: set[str] = field(default_factory=set)
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)  # each worker process's peak, over its tasks
    worker_cpu_seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stats: TaskStats) -> None:
        self.task_cpu_seconds += stats.cpu_seconds
        self.max_worker_rss_mb = max(self.max_worker_rss_mb, stats.max_rss_mb)
        self.workers.add(stats.worker)
        self.worker_peak_rss_mb[stats.worker] = max(self.worker_peak_rss_mb.get(stats.worker, 0.0), stats.max_rss_mb)
        self.worker_cpu_seconds[stats.worker] = self.worker_cpu_seconds.get(stats.worker, 0.0) + stats.cpu_seconds


class Manifest:
    """``_manifest.json``: what was read, with which rules, and which partitions are written."""

    def __init__(self, store: Store, data: dict[str, Any]) -> None:
        self.store = store
        self.data = data
        self._parts = set(store.parts())

    @classmethod
    def open(cls, store: Store, identity: dict[str, Any], fresh: bool) -> Manifest:
        output = store.location
        if store.exists() and not store.is_dir():
            raise InputError(f"{output}: exists and is not a folder")
        names = store.names()
        if fresh and MANIFEST in names:
            for part in store.parts():
                store.remove(part)
            store.remove(MANIFEST)
            names = store.names()
        if MANIFEST in names:
            try:
                data = json.loads(store.read_text(MANIFEST))
            except (OSError, ValueError) as exc:
                raise InputError(f"{store.path(MANIFEST)}: unreadable manifest ({exc}); rerun with --fresh") from None
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise InputError(f"{store.path(MANIFEST)}: not an openness sweep manifest")
            if {k: data.get(k) for k in identity} != identity:
                raise InputError(f"{output} holds a sweep of other input, options or rules; rerun with --fresh or choose another folder")
            return cls(store, data)
        if names:
            raise InputError(f"{output}: not empty and not a sweep output; choose an empty or new folder")
        store.makedirs()
        manifest = cls(store, {"format": FORMAT, **identity, "partitions": {}, "second_pass": None, "complete": False})
        manifest.save()
        return manifest

    @property
    def partitions(self) -> dict[str, Any]:
        parts: dict[str, Any] = self.data["partitions"]
        return parts

    def done(self, key: int) -> bool:
        return str(key) in self.partitions and partition_name(key) in self._parts

    def save(self) -> None:
        self.store.write_text(MANIFEST, json.dumps(self.data, indent=1, sort_keys=True))


def _error_table(task: Task, table: Any, message: str) -> Any:
    """Error rows for rows no worker could finish (the rows' ids and dump columns kept, when at hand)."""
    import pyarrow as pa

    from openness.batch.audit import table_rows

    if table is None and task.source is not None:
        try:
            table = read_source(task.source)
        except Exception:  # noqa: BLE001 - unreadable here too: the row still gets its error row
            table = pa.table({"modelId": pa.array([None] * task.source.rows, pa.string())})
    if task.take is not None:
        table = table.take(pa.array(task.take, pa.int64()))
    rows = [report_row(AuditError(id=str(i), error=message, kind="WorkerError"), e) for i, _c, _t, e in table_rows(table)]
    out = pa.Table.from_pylist(rows, schema=arrow_schema())
    return second_pass_rows(out) if task.merge else out


Job = tuple[Any, Task, Any]  # (the caller's tag, the task, the rows sent with it or None)


class _Runner:
    """Runs tasks on an executor, at most ``limit`` in flight; a failed task is retried in halves
    down to single rows (the driver then writes what the halves hand back), and a row that still
    kills its worker becomes an error row."""

    def __init__(self, executor: Executor, limit: int, stats: SweepStats) -> None:
        self.executor = executor
        self.limit = max(1, limit)
        self.stats = stats

    def map(self, jobs: Iterator[Job]) -> Iterator[tuple[Any, Any, TaskStats | None]]:
        """(tag, what the task handed back, its figures) for each job, in completion order."""
        in_flight: dict[Future[Any], Job] = {}
        jobs = iter(jobs)
        exhausted = False
        while in_flight or not exhausted:
            while not exhausted and len(in_flight) < self.limit:
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                    break
                in_flight[self.executor.submit(run_task, job[1], job[2])] = job
            if not in_flight:
                break
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                tag, task, table = in_flight.pop(future)
                yield (tag, *self._result(future, task, table))

    def _result(self, future: Future[Any], task: Task, table: Any) -> tuple[Any, TaskStats | None]:
        try:
            out, stats = future.result()
        except BrokenExecutor as exc:
            raise SweepInterrupted(
                f"the worker pool broke ({type(exc).__name__}: {exc}); rerun to resume from the partitions written"
            ) from None
        except Exception as exc:  # noqa: BLE001 - a worker lost: isolate the rows that did it
            out = self._isolate(task, table, f"{type(exc).__name__}: {exc}")
            if task.output is not None:  # the worker did not write it: the driver does
                store_rows(Store(task.output), task.key, out, task.take if task.merge else None)
            return out, None
        self.stats.add(stats)
        return out, stats

    def _isolate(self, task: Task, table: Any, message: str) -> Any:
        import pyarrow as pa

        if task.rows(table) <= 1:
            return _error_table(task, table, f"the worker failed on this card: {message}"[:500])
        parts = []
        for piece, rows in task.split(table):
            out, _ = self._result(self.executor.submit(run_task, piece, rows), piece, rows)
            parts.append(out)
        return pa.concat_tables(parts)


def identity(inp: SweepInput, options: BatchOptions) -> dict[str, Any]:
    """What must match for a rerun to resume: the input, the options, the tool and rule versions."""
    return {
        "row_schema": ROW_SCHEMA_VERSION,
        "tool_version": __version__,
        "rules_version": pipeline(options.rules_dirs).rules_version,
        "input": inp.describe(),
        "options": {"rules_dirs": list(options.rules_dirs), "limits": asdict(options.limits)},
    }


def run_sweep(
    inp: SweepInput,
    output: Path | str,
    executor: Executor,
    slots: int,
    options: BatchOptions | None = None,
    *,
    fresh: bool = False,
    second_pass: bool = True,
    progress: Progress | None = None,
) -> SweepStats:
    """Audit every card of ``inp`` into the dataset at ``output``, a folder or an fsspec URL (see the module docstring)."""
    options = options or BatchOptions()
    started = time.perf_counter()
    store = Store.at(output)
    manifest = Manifest.open(store, identity(inp, options), fresh)
    stats = SweepStats()
    total = inp.total_rows()
    done_rows = 0
    skipped: list[Chunk] = []

    def jobs() -> Iterator[Job]:
        for chunk in inp.plan(want=lambda key: not manifest.done(key)):
            if chunk.table is None and chunk.source is None:
                skipped.append(chunk)
                if progress:
                    progress(done_rows + sum(c.rows for c in skipped), total)
                continue
            yield chunk, Task(chunk.key, options, source=chunk.source, output=store.location), chunk.table

    runner = _Runner(executor, 2 * slots, stats)
    for chunk, out, task_stats in runner.map(jobs()):
        if task_stats is not None:
            rows, errors = task_stats.rows, task_stats.errors
        else:  # isolated, and written by the driver
            rows, errors = out.num_rows, out.num_rows - out.column("error").null_count
        manifest.partitions[str(chunk.key)] = {"where": chunk.where, "rows": rows, "errors": errors}
        manifest.save()
        stats.partitions_written += 1
        done_rows += rows
        if progress:
            progress(done_rows + sum(c.rows for c in skipped), total)
    stats.partitions_skipped = len(skipped)
    if second_pass and manifest.data.get("second_pass") is None:
        manifest.data["second_pass"] = resolve_in_dump(inp, store, runner, options, stats)
    manifest.data["complete"] = True
    manifest.save()
    for part in manifest.partitions.values():
        stats.rows += part["rows"]
        stats.errors += part["errors"]
    stats.wall_seconds = time.perf_counter() - started
    return stats


# -- pass 2: base models from the dump itself ---------------------------------------------------

_LINK_COLUMNS = [*LINK_COLUMNS, *COMPONENTS]


def _partitions(store: Store) -> list[tuple[int, str]]:
    return sorted((int(name[5:10]), name) for name in store.parts())


def _link(row: dict[str, Any]) -> ChainLink:
    return ChainLink(
        id=row["id"],
        source="hub",
        level=row["level"],
        components={c: Status(row[c]) for c in COMPONENTS if row.get(c)},
        license=row["license_id"],
        upper_bound=bool(row["upper_bound"]),
        note="audited from the same dump (second pass)" + ("; upper bound" if row["upper_bound"] else ""),
    )


def resolve_in_dump(inp: SweepInput, store: Store, runner: _Runner, options: BatchOptions, stats: SweepStats) -> dict[str, Any]:
    """Pass 2 (see the module docstring); returns what it did, for the manifest. The driver reads
    only the partitions' chain columns (no card text); the workers re-read their rows and rewrite their partitions."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # Rows with bases nothing resolved, and which of those bases the dump holds (filtered in Arrow:
    # only those rows become Python objects).
    waiting: dict[tuple[int, int], dict[str, Any]] = {}
    for key, name in _partitions(store):
        table = store.read_table(name, columns=_LINK_COLUMNS)
        table = table.append_column("_idx", pa.array(range(table.num_rows), pa.int64()))
        table = table.filter(pc.greater(pc.fill_null(pc.list_value_length(table.column("base_unresolved")), 0), 0))
        for row in table.to_pylist():
            waiting[(key, row.pop("_idx"))] = row
    wanted = sorted({b.lower() for row in waiting.values() for b in row["base_unresolved"]})
    found: dict[str, dict[str, Any]] = {}
    where: dict[str, tuple[int, int]] = {}
    if wanted:
        value_set = pa.array(wanted, pa.string())
        for key, name in _partitions(store):
            table = store.read_table(name, columns=_LINK_COLUMNS)
            table = table.append_column("_idx", pa.array(range(table.num_rows), pa.int64()))
            table = table.filter(pc.fill_null(pc.is_in(pc.utf8_lower(table.column("id")), value_set=value_set), False))
            for row in table.to_pylist():
                lid = row["id"].lower()
                if lid not in found and row["error"] is None:
                    found[lid], where[lid] = row, (key, row.pop("_idx"))
    pending = {pos: row for pos, row in waiting.items() if any(b.lower() in found for b in row["base_unresolved"])}
    rounds = 0
    while pending:
        rounds += 1
        pending_pos = set(pending)
        ready = {
            pos: row for pos, row in pending.items() if not any(where.get(b.lower()) in pending_pos for b in row["base_unresolved"])
        } or dict(pending)  # a cycle inside the dump: resolve the rest with what is known
        by_key: dict[int, list[int]] = {}
        for key, idx in sorted(ready):
            by_key.setdefault(key, []).append(idx)

        def jobs(by_key: dict[int, list[int]] = by_key) -> Iterator[Job]:
            for chunk in inp.plan(want=by_key.__contains__):
                if chunk.table is None and chunk.source is None:
                    continue
                idxs = by_key[chunk.key]
                links = {
                    b.lower(): _link(found[b.lower()])
                    for idx in idxs
                    for b in pending[(chunk.key, idx)]["base_unresolved"]
                    if b.lower() in found
                }
                task = Task(chunk.key, options, source=chunk.source, take=tuple(idxs), bases=links, output=store.location, merge=True)
                yield (chunk.key, idxs), task, chunk.table

        for (key, idxs), table, _stats in runner.map(jobs()):
            for idx, row in zip(idxs, table.select(_LINK_COLUMNS).to_pylist()):
                before = pending.pop((key, idx))
                stats.second_pass_rows += 1
                stats.upper_bounds_removed += bool(before["upper_bound"]) and not row["upper_bound"]
                lid = row["id"].lower() if row["id"] else ""
                if where.get(lid) == (key, idx) and row["error"] is None:
                    found[lid] = row  # the models derived from this one see its resolved chain
    stats.second_pass_rounds = rounds
    return {"rows": stats.second_pass_rows, "upper_bounds_removed": stats.upper_bounds_removed, "rounds": rounds}
