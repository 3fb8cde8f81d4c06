"""Accuracy of the classifier on the human-labelled dev set (../shared/dev_set).

    python bench/devset.py [--verbose]

Prints exact-level accuracy and per-component agreement; with --verbose, every disagreement.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from openness.audit import Auditor, AuditSettings
from openness.devset import DEV_COMPONENTS, evaluate_devset

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def main() -> int:
    labels = SHARED / "dev_set" / "labels.yaml"
    if not labels.exists():
        print(f"dev set not found at {labels}", file=sys.stderr)
        return 2
    rows = evaluate_devset(Auditor.from_settings(AuditSettings(offline=True)), labels, SHARED / "fixtures" / "cards")
    n = len(rows)
    exact = sum(r.level_ok for r in rows)
    print(f"exact level: {exact}/{n} = {exact / n:.1%}")
    agree: Counter[str] = Counter()
    for r in rows:
        for c in DEV_COMPONENTS:
            agree[c] += r.expected[c] == r.got[c]
    for c in DEV_COMPONENTS:
        print(f"  {c:<17} {agree[c]}/{n} = {agree[c] / n:.1%}")
    total = sum(agree.values())
    print(f"component agreement: {total}/{n * len(DEV_COMPONENTS)} = {total / (n * len(DEV_COMPONENTS)):.1%}")
    if "--verbose" in sys.argv:
        for r in rows:
            diffs = [f"{c} {r.expected[c]}->{r.got[c]}" for c in DEV_COMPONENTS if r.expected[c] != r.got[c]]
            if diffs or not r.level_ok:
                print(f"{'OK ' if r.level_ok else 'BAD'} {r.file[:40]:40} L{r.expected_level}->L{r.got_level} {'; '.join(diffs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
