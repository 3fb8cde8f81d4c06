"""Classifier throughput: cards per second and per-card milliseconds, on one core.

    python bench/bench_classify.py [--rounds N] [--corpus]

Parses and classifies every fixture card (../shared/fixtures/cards) N times; with --corpus, the
4,000 cards of ../shared/corpus/cards once. Rules are compiled once, before timing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from openness.audit import Auditor, AuditSettings
from openness.release import build_release

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def run(cards: list[tuple[str, str]], rounds: int, auditor: Auditor) -> tuple[float, int]:
    start = time.perf_counter()
    n = 0
    for _ in range(rounds):
        for name, text in cards:
            auditor.audit_release(build_release(name, text))
            n += 1
    return time.perf_counter() - start, n


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--corpus", action="store_true")
    args = ap.parse_args()
    folder = SHARED / ("corpus/cards" if args.corpus else "fixtures/cards")
    if not folder.is_dir():
        print(f"no cards at {folder}", file=sys.stderr)
        return 2
    cards = [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(folder.glob("*.md"))]
    t0 = time.perf_counter()
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    load = time.perf_counter() - t0
    rounds = 1 if args.corpus else args.rounds
    seconds, n = run(cards, rounds, auditor)
    size = sum(len(t) for _, t in cards) / len(cards)
    print(f"rules+catalogues load: {load * 1000:.0f} ms (once)")
    print(f"{n} cards ({len(cards)} distinct, mean {size / 1000:.1f} kB) in {seconds:.2f} s")
    print(f"{n / seconds:,.0f} cards/s, {seconds / n * 1000:.2f} ms per card")
    return 0


if __name__ == "__main__":
    sys.exit(main())
