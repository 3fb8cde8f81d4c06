"""Accuracy of the classifier on the human-labelled sets in ../shared/dev_set, offline.

    python bench/devset.py [--verbose] [--set dev|validation|all]

The dev set (63 cards) is what rules are tuned on; the validation set (70 cards from other
organisations and modalities, each labelled by two people) is what they are measured on. For each:
exact level and component agreement on the fields both labellers agree on (the headline), the level
against either labeller over all cards, licence id, and the misses grouped by what decided them.
With --verbose, every disagreeing card.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openness.audit import Auditor, AuditSettings
from openness.devset import DEV_COMPONENTS, DevRow, Scores, evaluate_devset, score

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SETS = {
    "dev": (SHARED / "dev_set" / "labels.yaml", SHARED / "fixtures" / "cards"),
    "validation": (SHARED / "dev_set" / "validation" / "labels.yaml", SHARED / "dev_set" / "validation" / "cards"),
}


def _pct(pair: tuple[int, int]) -> str:
    a, n = pair
    return f"{a}/{n} = {a / n:.1%}" if n else "n/a"


def report(name: str, rows: list[DevRow], s: Scores, verbose: bool) -> None:
    print(f"== {name}: {s.cards} cards")
    print(f"exact level (undisputed):       {_pct(s.level_undisputed)}")
    print(f"exact level (either labeller):  {_pct((s.level_any, s.cards))}")
    print(f"component agreement (undisputed): {_pct(s.components_undisputed)}")
    for c in DEV_COMPONENTS:
        print(f"  {c:<17} {_pct(s.per_component[c])}")
    # A miss the tool answered `unknown` is one it declined to guess (offline: a paper or dataset it could not read).
    declined = sum(n for (_, exp, got, _), n in s.misses.items() if got == "unknown" and exp != "unknown")
    agree, fields = s.components_undisputed
    print(f"  of the misses, answered unknown: {declined}; agreement where the tool answered: {_pct((agree, fields - declined))}")
    print(f"licence id:                     {_pct(s.license)}")
    print("misses by cause (component expected->got: what decided it):")
    for (c, exp, got, cause), n in s.misses.most_common(25):
        print(f"  {n:>3}  {c} {exp}->{got}: {cause}")
    if verbose:
        for r in rows:
            diffs = [f"{c} {r.expected[c]}->{r.got[c]}" for c in DEV_COMPONENTS if not r.ok(c)]
            if not r.license_ok:
                diffs.append(f"licence {r.expected_license}->{r.got_license}")
            if diffs or not r.level_ok:
                print(f"{'OK ' if r.level_ok else 'BAD'} {r.file[:44]:44} L{r.expected_level}->L{r.got_level} {'; '.join(diffs)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--set", choices=["dev", "validation", "all"], default="all")
    args = parser.parse_args()
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    status = 0
    for name, (labels, cards) in SETS.items():
        if args.set not in (name, "all"):
            continue
        if not labels.exists():
            print(f"{name} set not found at {labels}", file=sys.stderr)
            status = 2
            continue
        rows = evaluate_devset(auditor, labels, cards)
        report(name, rows, score(rows), args.verbose)
    return status


if __name__ == "__main__":
    sys.exit(main())
