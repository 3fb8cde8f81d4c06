"""Clause detection scores per term type over tests/clauses/cases.yaml; optionally writes the README table.

python bench/clause_table.py [--update README.md] [--verbose]
"""

from __future__ import annotations

import sys
from pathlib import Path

from openness.license.clause_score import load_cases, replace_block, score_cases, score_table

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    cases = load_cases(ROOT / "tests" / "clauses" / "cases.yaml")
    scores = score_cases(cases)
    table = score_table(cases, scores)
    print(table, end="")
    if "--verbose" in sys.argv:
        for t, s in scores.items():
            for m in s.misses:
                print(f"  {t}: {m}")
    if "--update" in sys.argv:
        target = Path(sys.argv[sys.argv.index("--update") + 1])
        target.write_text(replace_block(target.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"{target}: clause table written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
