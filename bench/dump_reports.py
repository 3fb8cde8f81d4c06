"""Dump the JSON report of every shared card, one file per card, to compare two versions of the code.

    python bench/dump_reports.py OUT_DIR [SHARED_DIR]     # then: diff -r BEFORE_DIR AFTER_DIR

Cards: ../shared/fixtures/cards, ../shared/dev_set/validation/cards and ../shared/corpus/cards, audited
offline (as ``openness audit --offline`` does) with an empty private cache, so runs are comparable.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from openness.audit import Auditor, AuditSettings

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
FOLDERS = ("fixtures/cards", "dev_set/validation/cards", "corpus/cards")


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    shared = Path(sys.argv[2]) if len(sys.argv) == 3 else SHARED
    with tempfile.TemporaryDirectory() as tmp:
        auditor = Auditor.from_settings(AuditSettings(offline=True, cache_path=Path(tmp) / "hub.sqlite"))
        count = 0
        for folder in FOLDERS:
            target = out / folder.replace("/", "_")
            target.mkdir(parents=True, exist_ok=True)
            for card in sorted((shared / folder).glob("*.md")):
                result = auditor.audit_one(str(card))
                (target / f"{card.stem}.json").write_text(result.model_dump_json(indent=1) + "\n", encoding="utf-8")
                count += 1
    print(f"{count} reports in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
