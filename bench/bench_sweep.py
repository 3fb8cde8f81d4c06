"""Sweep throughput: the corpus dump replicated to N rows, whole runs with output written.

    python bench/bench_sweep.py [--rows 250000] [--engines processes,dask] [--workers 2]

For each engine: wall time, cards/s, the workers' CPU time (summed over tasks) and cards per
CPU-second, CPU efficiency (CPU used / (wall x workers)), peak memory per worker, second-pass
figures, the driver's own CPU per card and the load average. The machine may be shared, so
per-core throughput (cards per CPU-second) is the figure to project from; the script prints a
projection for a 64-core machine and a 10-node cluster, capped by what the driver can feed.
Copies after the first get ids suffixed ``-copyK`` (their base references still point at copy 0).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus" / "model_cards.parquet"


def replicate(source: Path, rows: int, target: Path, row_group: int = 20_000) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    base = pq.read_table(source)
    writer = pq.ParquetWriter(target, base.schema, compression="zstd")
    written, copy = 0, 0
    while written < rows:
        table = base.slice(0, min(base.num_rows, rows - written))
        if copy:
            ids = pc.binary_join_element_wise(table.column("modelId"), pa.scalar(f"-copy{copy}"), "")
            table = table.set_column(table.schema.get_field_index("modelId"), "modelId", ids)
        writer.write_table(table, row_group_size=row_group)
        written += table.num_rows
        copy += 1
    writer.close()
    return written


def run(engine: str, path: Path, out: Path, workers: int, address: str | None) -> dict[str, object]:
    from openness.batch.audit import BatchOptions
    from openness.batch.engines import open_executor
    from openness.batch.inputs import SweepInput
    from openness.batch.sweep import run_sweep

    started = time.perf_counter()
    with open_executor(engine, workers, address) as (executor, slots):  # type: ignore[arg-type]
        ready, driver_cpu = time.perf_counter(), time.process_time()
        stats = run_sweep(SweepInput.open(str(path)), out, executor, slots, BatchOptions())
        driver_cpu = time.process_time() - driver_cpu
    wall = time.perf_counter() - started
    return {
        "engine": engine,
        "workers": slots,
        "rows": stats.rows,
        "errors": stats.errors,
        "start_s": round(ready - started, 2),
        "wall_s": round(wall, 2),
        "cards_per_s": round(stats.rows / wall),
        "worker_cpu_s": round(stats.task_cpu_seconds, 2),
        "cards_per_cpu_s": round(stats.rows / stats.task_cpu_seconds) if stats.task_cpu_seconds else None,
        "cpu_efficiency": round(stats.task_cpu_seconds / (wall * slots), 3),
        "peak_worker_rss_mb": round(stats.max_worker_rss_mb),
        "peak_rss_mb_per_worker": sorted(round(v) for v in stats.worker_peak_rss_mb.values()),  # each worker process
        "second_pass_rows": stats.second_pass_rows,
        "upper_bounds_removed": stats.upper_bounds_removed,
        "driver_cpu_s": round(driver_cpu, 2),  # this process during the sweep: planning, shipping, writing
        "driver_cpu_ms_per_card": round(1000 * driver_cpu / stats.rows, 3) if stats.rows else None,
        "worker_cpu_s_each": round(stats.task_cpu_seconds / slots, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=250_000)
    parser.add_argument("--engines", default="processes,dask")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--address", help="an existing Dask scheduler (default: a local two-worker cluster)")
    parser.add_argument("--source", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.source.exists():
        sys.exit(f"{args.source} is absent (the ../shared checkout beside the project)")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        dump = Path(tmp) / "dump.parquet"
        n = replicate(args.source, args.rows, dump)
        print(f"{n:,} rows ({dump.stat().st_size / 1e6:.0f} MB zstd) from {args.source.name}", file=sys.stderr)
        for engine in args.engines.split(","):
            result = run(engine, dump, Path(tmp) / f"out-{engine}", args.workers, args.address if engine == "dask" else None)
            results.append(result)
            print(json.dumps(result), flush=True)
    # Auditing is CPU-bound with no shared state, so throughput scales with the cores given to it:
    # the projection is the measured per-core rate (cards per worker CPU-second) times the cores,
    # capped by what the one driver process can feed (1 / its CPU per card).
    for r in results:
        per_core = int(r["cards_per_cpu_s"] or 0)  # type: ignore[call-overload]
        driver_ms = float(r["driver_cpu_ms_per_card"] or 0)  # type: ignore[arg-type]
        cap = int(1000 / driver_ms) if driver_ms else None
        one, ten = per_core * 64, per_core * 640
        print(
            json.dumps(
                {
                    "engine": r["engine"],
                    "per_core_cards_per_cpu_s": per_core,
                    "driver_cap_cards_per_s": cap,
                    "projection_64_cores_cards_per_s": min(one, cap) if cap else one,
                    "projection_10_nodes_x_64_cores_cards_per_s": min(ten, cap) if cap else ten,
                    "full_dump_1_09M_rows_s_on_64_cores": round(1_090_000 / (min(one, cap) if cap else one), 1),
                }
            )
        )


if __name__ == "__main__":
    main()
