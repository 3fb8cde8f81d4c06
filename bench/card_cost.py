"""Per-card cost of the sweep's batch function over a fixed sample of the corpus dump.

    python bench/card_cost.py [--every 25] [--profile cprofile|pyinstrument] [--rounds 1]
    valgrind --tool=callgrind --dump-before=sched_yield --callgrind-out-file=cg.%p \\
        python bench/card_cost.py --every 25        # then: callgrind_annotate cg.PID.2 | head

The sample is every Nth row of ``../shared/corpus/model_cards.parquet`` (every 25th: ~1,000 cards),
run through :func:`openness.batch.audit_table` as a sweep worker does, after a warm-up that builds
the pipeline. ``os.sched_yield()`` brackets the measured part so that callgrind, with
``--dump-before=sched_yield``, writes the warm-up (``.1``), the sample (``.2``) and the tear-down
apart: instruction counts are repeatable on a shared machine where wall-clock is not. Without a
profiler the script prints CPU milliseconds per card.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus" / "model_cards.parquet"


def sample(every: int) -> object:
    """Every ``every``-th row of the corpus dump (a fixed sample)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(CORPUS, use_threads=False)
    return table.take(pa.array(range(0, table.num_rows, every)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", choices=("cprofile", "pyinstrument"))
    parser.add_argument("--out", help="cProfile stats file (with --profile cprofile)")
    args = parser.parse_args()

    import pyarrow as pa

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    from openness.batch import audit_table

    cards = sample(args.every)
    audit_table(cards.slice(0, 20))  # warm-up: pipeline, prefilter databases, first-use caches
    profiler: object = None
    if args.profile == "cprofile":
        import cProfile

        profiler = cProfile.Profile()
    elif args.profile == "pyinstrument":
        import pyinstrument

        profiler = pyinstrument.Profiler(interval=0.0005)
    os.sched_yield()
    started = time.process_time()
    if profiler is not None:
        profiler.enable() if args.profile == "cprofile" else profiler.start()  # type: ignore[attr-defined]
    for _ in range(args.rounds):
        audit_table(cards)
    if profiler is not None:
        profiler.disable() if args.profile == "cprofile" else profiler.stop()  # type: ignore[attr-defined]
    cpu = time.process_time() - started
    os.sched_yield()
    n = cards.num_rows * args.rounds  # type: ignore[attr-defined]
    print(f"{n} cards, {1000 * cpu / n:.3f} ms CPU a card", file=sys.stderr)
    if args.profile == "cprofile":
        import pstats

        if args.out:
            profiler.dump_stats(args.out)  # type: ignore[attr-defined]
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)  # type: ignore[arg-type]
    elif args.profile == "pyinstrument":
        print(profiler.output_text(unicode=False, color=False, show_all=False, flat=True))  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
