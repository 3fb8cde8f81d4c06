"""Pipeline throughput: cards per second and per-card milliseconds, on one core.

    python bench/bench_pipeline.py [--rounds N] [--corpus] [--no-prefilter]

Parses and judges every fixture card (../shared/fixtures/cards) N times, or, with --corpus, the
4,000 cards of ../shared/corpus/cards once, two ways, round by round in turn:

* level: card parsing, rules, base chain and level (what issue 3's target is about);
* full audit: the same plus the licence audit, as ``openness audit`` does.

Rules, catalogues and the licence database load once, before timing; the first card also pays for
building the prefilter's databases when they are not in the user cache yet. Rounds vary on a shared
machine, so the best and the median round are reported with the mean, and the sum of each card's
fastest run (the least disturbed by other work on the machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from openness.audit import Auditor, AuditSettings, Pipeline
from openness.engine.rules import RuleSet
from openness.models import OpennessReport, Release
from openness.release import build_release

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def one_round(cards: list[tuple[str, str]], run: Callable[[Release], OpennessReport], fastest: list[float]) -> float:
    """Seconds to parse and run every card once; ``fastest`` keeps each card's fastest run so far."""
    clock = time.perf_counter
    start = clock()
    for i, (name, text) in enumerate(cards):
        began = clock()
        run(build_release(name, text))
        fastest[i] = min(fastest[i], clock() - began)
    return clock() - start


def summary(label: str, times: list[float], fastest: list[float]) -> str:
    n = len(fastest)
    per_card = [t / n * 1000 for t in times]
    best, median, mean = min(per_card), statistics.median(per_card), statistics.fmean(per_card)
    each = sum(fastest) / n * 1000
    return (
        f"{label}:\n"
        f"  best round:   {1000 / best:,.0f} cards/s, {best:.2f} ms per card\n"
        f"  median round: {1000 / median:,.0f} cards/s, {median:.2f} ms per card\n"
        f"  mean:         {1000 / mean:,.0f} cards/s, {mean:.2f} ms per card\n"
        f"  each card's fastest run, summed: {1000 / each:,.0f} cards/s, {each:.2f} ms per card"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--corpus", action="store_true")
    ap.add_argument("--no-prefilter", action="store_true", help="plain re for every pattern (the oracle)")
    args = ap.parse_args()
    folder = SHARED / ("corpus/cards" if args.corpus else "fixtures/cards")
    if not folder.is_dir():
        print(f"no cards at {folder}", file=sys.stderr)
        return 2
    cards = [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(folder.glob("*.md"))]
    t0 = time.perf_counter()
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    p = auditor.pipeline
    if args.no_prefilter:
        p = auditor.pipeline = Pipeline(RuleSet.load(prefilter=False), p.catalogues, p.resolve_base, p.licenses, p.readers)
    levels = Pipeline(p.rules, p.catalogues, p.resolve_base, licenses=None)  # no licence audit
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    auditor.audit_release(build_release("warm-up", cards[0][1]))
    first = time.perf_counter() - t0
    rounds = 1 if args.corpus else args.rounds
    level_only: list[float] = []
    audit: list[float] = []
    fastest_level, fastest_audit = [float("inf")] * len(cards), [float("inf")] * len(cards)
    for _ in range(rounds):
        level_only.append(one_round(cards, levels.run, fastest_level))
        audit.append(one_round(cards, auditor.audit_release, fastest_audit))
    size = sum(len(t) for _, t in cards) / len(cards)
    print(f"rules+catalogues load: {load * 1000:.0f} ms; first audit (builds or loads the prefilter): {first * 1000:.0f} ms")
    print(f"{len(cards)} cards (mean {size / 1000:.1f} kB) x {rounds} rounds; prefilter {'off' if args.no_prefilter else 'on'}")
    print(summary("level (parse, rules, base chain, level)", level_only, fastest_level))
    print(summary("full audit (the same and the licence audit)", audit, fastest_audit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
