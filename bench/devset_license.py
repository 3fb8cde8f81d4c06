"""Licence identification against the labelled cards: report.license.id versus the label's ``license``.

    python bench/devset_license.py [--verbose]

Runs over the dev set (../shared/dev_set/labels.yaml, cards in ../shared/fixtures/cards) and the
validation set (../shared/dev_set/validation). A label and a result agree when they name the same
database entry (an id, a Hub id or a licence name of one), or both say no licence (``null``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from openness.audit import Auditor, AuditSettings
from openness.license.database import LicenseDatabase
from openness.yamlio import load_yaml_file

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SETS = {
    "dev": (SHARED / "dev_set" / "labels.yaml", SHARED / "fixtures" / "cards"),
    "validation": (SHARED / "dev_set" / "validation" / "labels.yaml", SHARED / "dev_set" / "validation" / "cards"),
}


def _canonical(value: str | None, db: LicenseDatabase) -> str | None:
    """The database id a licence id or name means (the value itself when unknown); None for no licence."""
    if value is None or str(value).strip().lower() in ("", "none", "null"):
        return None
    key = str(value).strip()
    entry = db.get(key) or next(iter(db.by_license_name(key)), None)
    return entry.id if entry is not None else key.lower()


def licence_agreement(auditor: Auditor, labels: Path, cards: Path, db: LicenseDatabase) -> list[tuple[str, str | None, str | None]]:
    """(file, label's licence, computed licence) for every labelled card, both as database ids."""
    rows = []
    for label in load_yaml_file(labels):
        release = auditor.fetch(str(cards / label["file"]))
        release.id = label["id"]
        report = auditor.audit_release(release)
        lic = report.license
        got = lic.id if lic is not None else None
        if got is None and lic is not None and (lic.declared or "").lower() in ("other", "unknown"):
            got = lic.declared  # the Hub's placeholder, unresolved: what the label records too
        rows.append((label["file"], _canonical(label.get("license"), db), _canonical(got, db)))
    return rows


def main() -> int:
    db = LicenseDatabase.load()
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    status = 0
    for name, (labels, cards) in SETS.items():
        if not labels.exists():
            print(f"{name}: labels not found at {labels}", file=sys.stderr)
            status = 2
            continue
        rows = licence_agreement(auditor, labels, cards, db)
        ok = sum(want == got for _, want, got in rows)
        print(f"{name}: licence id agrees on {ok}/{len(rows)} = {ok / len(rows):.1%}")
        if "--verbose" in sys.argv:
            for file, want, got in rows:
                if want != got:
                    print(f"  {file[:60]:60} label {want} -> got {got}")
    return status


if __name__ == "__main__":
    sys.exit(main())
