"""Classifier throughput: cards per second and per-card milliseconds, on one core.

    python bench/bench_classify.py [--rounds N] [--corpus] [--no-prefilter]

Parses and audits every fixture card (../shared/fixtures/cards) N times — card parsing, rules,
base chain and licence audit, as ``openness audit`` does — or, with --corpus, the 4,000 cards of
../shared/corpus/cards once. Rules and catalogues load once, before timing; the first round also
pays for building the prefilter's databases when they are not in the user cache yet. Rounds vary
on a shared machine, so the best and the median round are reported with the mean.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from openness.audit import Auditor, AuditSettings
from openness.classify import Classifier
from openness.engine.rules import RuleSet
from openness.release import build_release

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def run(cards: list[tuple[str, str]], rounds: int, auditor: Auditor) -> list[float]:
    """Seconds per round."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for name, text in cards:
            auditor.audit_release(build_release(name, text))
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--corpus", action="store_true")
    ap.add_argument("--no-prefilter", action="store_true", help="run every text pattern in full (for comparison)")
    args = ap.parse_args()
    folder = SHARED / ("corpus/cards" if args.corpus else "fixtures/cards")
    if not folder.is_dir():
        print(f"no cards at {folder}", file=sys.stderr)
        return 2
    cards = [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(folder.glob("*.md"))]
    t0 = time.perf_counter()
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    if args.no_prefilter:
        c = auditor.classifier
        auditor.classifier = Classifier(RuleSet.load(prefilter=False), c.catalogues, c.resolve_base, c.licenses)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    auditor.audit_release(build_release("warm-up", cards[0][1]))
    first = time.perf_counter() - t0
    times = run(cards, 1 if args.corpus else args.rounds, auditor)
    per_card = [t / len(cards) * 1000 for t in times]
    size = sum(len(t) for _, t in cards) / len(cards)
    best, median, mean = min(per_card), statistics.median(per_card), statistics.fmean(per_card)
    print(f"rules+catalogues load: {load * 1000:.0f} ms; first audit (builds or loads the prefilter): {first * 1000:.0f} ms")
    print(f"{len(cards)} cards (mean {size / 1000:.1f} kB) x {len(times)} rounds; prefilter {'off' if args.no_prefilter else 'on'}")
    print(f"best round:   {1000 / best:,.0f} cards/s, {best:.2f} ms per card")
    print(f"median round: {1000 / median:,.0f} cards/s, {median:.2f} ms per card")
    print(f"mean:         {1000 / mean:,.0f} cards/s, {mean:.2f} ms per card")
    return 0


if __name__ == "__main__":
    sys.exit(main())
