"""A sweep: every card of a dump audited, written as a Parquet dataset, resumable.

Pass 1 audits each chunk (bases from the curated registry) and writes it as one zstd Parquet
partition, ``part-NNNNN.parquet``, recorded in ``_manifest.json``; a rerun skips the partitions the
manifest lists. Pass 2 resolves base models from the dump itself: a derived card whose base the
registry does not know, but which is in the same dump, is audited again with that base's own
first-pass result as its chain link (bases before the models derived from them, round by round),
and its partition rewritten. What stays unresolved stays an upper bound. No network either way.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from openness import __version__
from openness.batch.audit import BatchOptions, pipeline
from openness.batch.engines import TaskStats, run_chunk
from openness.batch.inputs import Chunk, SweepInput
from openness.batch.rows import COMPONENTS, ROW_SCHEMA_VERSION, arrow_schema, report_row
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

    def add(self, stats: TaskStats) -> None:
        self.task_cpu_seconds += stats.cpu_seconds
        self.max_worker_rss_mb = max(self.max_worker_rss_mb, stats.max_rss_mb)
        self.workers.add(stats.worker)


def partition_name(key: int) -> str:
    return f"part-{key:05d}.parquet"


class Manifest:
    """``_manifest.json``: what was read, with which rules, and which partitions are written."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def open(cls, output: Path, identity: dict[str, Any], fresh: bool) -> Manifest:
        path = output / MANIFEST
        if output.exists() and not output.is_dir():
            raise InputError(f"{output}: exists and is not a folder")
        if fresh and path.exists():
            for part in output.glob("part-*.parquet"):
                part.unlink()
            path.unlink()
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"{path}: unreadable manifest ({exc}); rerun with --fresh") from None
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise InputError(f"{path}: not an openness sweep manifest")
            if {k: data.get(k) for k in identity} != identity:
                raise InputError(f"{output} holds a sweep of other input, options or rules; rerun with --fresh or choose another folder")
            return cls(path, data)
        if output.exists() and any(output.iterdir()):
            raise InputError(f"{output}: not empty and not a sweep output; choose an empty or new folder")
        output.mkdir(parents=True, exist_ok=True)
        manifest = cls(path, {"format": FORMAT, **identity, "partitions": {}, "second_pass": None, "complete": False})
        manifest.save()
        return manifest

    @property
    def partitions(self) -> dict[str, Any]:
        parts: dict[str, Any] = self.data["partitions"]
        return parts

    def done(self, key: int) -> bool:
        return str(key) in self.partitions and (self.path.parent / partition_name(key)).is_file()

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def write_partition(table: Any, path: Path) -> None:
    """Write one partition atomically (zstd)."""
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def _error_table(chunk_table: Any, message: str) -> Any:
    """Error rows for a chunk no worker could finish (the rows' ids and dump columns kept)."""
    import pyarrow as pa

    from openness.batch.audit import table_rows

    rows = [report_row(AuditError(id=str(i), error=message, kind="WorkerError"), e) for i, _c, _t, e in table_rows(chunk_table)]
    return pa.Table.from_pylist(rows, schema=arrow_schema())


class _Runner:
    """Runs chunks on an executor, at most ``limit`` in flight; a failed task is retried in halves
    down to single rows, and a row that still kills its worker becomes an error row."""

    def __init__(self, executor: Executor, limit: int, options: BatchOptions, stats: SweepStats) -> None:
        self.executor = executor
        self.limit = max(1, limit)
        self.options = options
        self.stats = stats

    def map(self, jobs: Iterator[tuple[Any, Any, dict[str, ChainLink] | None]]) -> Iterator[tuple[Any, Any]]:
        """(tag, rows) for each (tag, table, bases) job, in completion order."""
        in_flight: dict[Future[Any], tuple[Any, Any, dict[str, ChainLink] | None]] = {}
        jobs = iter(jobs)
        exhausted = False
        while in_flight or not exhausted:
            while not exhausted and len(in_flight) < self.limit:
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                    break
                in_flight[self.executor.submit(run_chunk, job[1], self.options, job[2])] = job
            if not in_flight:
                break
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                tag, table, bases = in_flight.pop(future)
                yield tag, self._result(future, table, bases)

    def _result(self, future: Future[Any], table: Any, bases: dict[str, ChainLink] | None) -> Any:
        try:
            out, stats = future.result()
        except BrokenExecutor as exc:
            raise SweepInterrupted(
                f"the worker pool broke ({type(exc).__name__}: {exc}); rerun to resume from the partitions written"
            ) from None
        except Exception as exc:  # noqa: BLE001 - a worker lost: isolate the rows that did it
            return self._isolate(table, bases, f"{type(exc).__name__}: {exc}")
        self.stats.add(stats)
        return out

    def _isolate(self, table: Any, bases: dict[str, ChainLink] | None, message: str) -> Any:
        import pyarrow as pa

        if table.num_rows <= 1:
            return _error_table(table, f"the worker failed on this card: {message}"[:500])
        half = table.num_rows // 2
        parts = []
        for piece in (table.slice(0, half), table.slice(half)):
            future = self.executor.submit(run_chunk, piece, self.options, bases)
            parts.append(self._result(future, piece, bases))
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
    output: Path,
    executor: Executor,
    slots: int,
    options: BatchOptions | None = None,
    *,
    fresh: bool = False,
    second_pass: bool = True,
    progress: Progress | None = None,
) -> SweepStats:
    """Audit every card of ``inp`` into the dataset at ``output`` (see the module docstring)."""
    options = options or BatchOptions()
    started = time.perf_counter()
    manifest = Manifest.open(output, identity(inp, options), fresh)
    stats = SweepStats()
    total = inp.total_rows()
    done_rows = 0
    skipped: list[Chunk] = []

    def jobs() -> Iterator[tuple[Any, Any, None]]:
        for chunk in inp.chunks(want=lambda key: not manifest.done(key)):
            if chunk.table is None:
                skipped.append(chunk)
                if progress:
                    progress(done_rows + sum(c.rows for c in skipped), total)
                continue
            yield chunk, chunk.table, None

    runner = _Runner(executor, 2 * slots, options, stats)
    for chunk, table in runner.map(jobs()):
        write_partition(table, output / partition_name(chunk.key))
        errors = table.num_rows - table.column("error").null_count
        manifest.partitions[str(chunk.key)] = {"where": chunk.where, "rows": table.num_rows, "errors": errors}
        manifest.save()
        stats.partitions_written += 1
        done_rows += table.num_rows
        if progress:
            progress(done_rows + sum(c.rows for c in skipped), total)
    stats.partitions_skipped = len(skipped)
    if second_pass and manifest.data.get("second_pass") is None:
        manifest.data["second_pass"] = resolve_in_dump(inp, output, runner, stats)
    manifest.data["complete"] = True
    manifest.save()
    for part in manifest.partitions.values():
        stats.rows += part["rows"]
        stats.errors += part["errors"]
    stats.wall_seconds = time.perf_counter() - started
    return stats


# -- pass 2: base models from the dump itself ---------------------------------------------------

_LINK_COLUMNS = ["id", "error", "level", "upper_bound", "license_id", "base_unresolved", *COMPONENTS]


def _partitions(output: Path) -> list[tuple[int, Path]]:
    return sorted((int(p.name[5:10]), p) for p in output.glob("part-*.parquet"))


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


def resolve_in_dump(inp: SweepInput, output: Path, runner: _Runner, stats: SweepStats) -> dict[str, Any]:
    """Pass 2 (see the module docstring); returns what it did, for the manifest."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    # Rows with bases nothing resolved, and which of those bases the dump holds (filtered in Arrow:
    # only those rows become Python objects).
    waiting: dict[tuple[int, int], dict[str, Any]] = {}
    for key, path in _partitions(output):
        table = pq.read_table(path, columns=_LINK_COLUMNS)
        table = table.append_column("_idx", pa.array(range(table.num_rows), pa.int64()))
        table = table.filter(pc.greater(pc.fill_null(pc.list_value_length(table.column("base_unresolved")), 0), 0))
        for row in table.to_pylist():
            waiting[(key, row.pop("_idx"))] = row
    wanted = sorted({b.lower() for row in waiting.values() for b in row["base_unresolved"]})
    found: dict[str, dict[str, Any]] = {}
    where: dict[str, tuple[int, int]] = {}
    if wanted:
        value_set = pa.array(wanted, pa.string())
        for key, path in _partitions(output):
            table = pq.read_table(path, columns=_LINK_COLUMNS)
            table = table.append_column("_idx", pa.array(range(table.num_rows), pa.int64()))
            table = table.filter(pc.fill_null(pc.is_in(pc.utf8_lower(table.column("id")), value_set=value_set), False))
            for row in table.to_pylist():
                lid = row["id"].lower()
                if lid not in found and row["error"] is None:
                    found[lid], where[lid] = row, (key, row.pop("_idx"))
    pending = {pos: row for pos, row in waiting.items() if any(b.lower() in found for b in row["base_unresolved"])}
    replaced: dict[int, dict[int, dict[str, Any]]] = {}
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

        def jobs(by_key: dict[int, list[int]] = by_key) -> Iterator[tuple[Any, Any, dict[str, ChainLink]]]:
            for chunk in inp.chunks(want=by_key.__contains__):
                if chunk.table is None:
                    continue
                idxs = by_key[chunk.key]
                links = {
                    b.lower(): _link(found[b.lower()])
                    for idx in idxs
                    for b in pending[(chunk.key, idx)]["base_unresolved"]
                    if b.lower() in found
                }
                yield (chunk.key, idxs), chunk.table.take(pa.array(idxs)), links

        for (key, idxs), table in runner.map(jobs()):
            for idx, row in zip(idxs, table.to_pylist()):
                row["pass"] = 2
                replaced.setdefault(key, {})[idx] = row
                before = pending.pop((key, idx))
                stats.second_pass_rows += 1
                stats.upper_bounds_removed += bool(before["upper_bound"]) and not row["upper_bound"]
                lid = row["id"].lower() if row["id"] else ""
                if where.get(lid) == (key, idx) and row["error"] is None:
                    found[lid] = row  # the models derived from this one see its resolved chain
    schema = arrow_schema()
    for key, rows in replaced.items():  # each partition rewritten in Arrow: its other rows never become Python objects
        path = output / partition_name(key)
        table = pq.read_table(path, schema=schema)
        order = sorted(rows)
        indices = list(range(table.num_rows))
        for j, idx in enumerate(order):
            indices[idx] = table.num_rows + j
        merged = pa.concat_tables([table, pa.Table.from_pylist([rows[idx] for idx in order], schema=schema)])
        write_partition(merged.take(pa.array(indices, pa.int64())).combine_chunks(), path)
    stats.second_pass_rounds = rounds
    return {"rows": stats.second_pass_rows, "upper_bounds_removed": stats.upper_bounds_removed, "rounds": rounds}
