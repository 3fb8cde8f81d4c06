"""Licence identification speed: per-text cost over every real licence text in ../shared/fixtures/licenses.

Run: python bench/bench_license.py [--repeat N]. Prints the database load time, then the mean
milliseconds per text for identification (normalisation + fingerprints) and for a full
``audit_license`` of a release carrying that text. Target: identification <= 2 ms per text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openness.license.assess import audit_license  # noqa: E402
from openness.license.clauses import detect_terms  # noqa: E402
from openness.license.database import LicenseDatabase  # noqa: E402
from openness.license.identify import identify_text  # noqa: E402
from openness.models import Release  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=ROOT.parent / "shared" / "fixtures" / "licenses")
    args = parser.parse_args()
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(args.dir.glob("*.txt"))}
    if not texts:
        print(f"no licence texts in {args.dir}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    db = LicenseDatabase.from_directory(ROOT / "rules" / "licenses")
    load_ms = (time.perf_counter() - t0) * 1000
    print(f"database: {len(db)} licences loaded in {load_ms:.1f} ms")
    print(f"{'text':<42} {'chars':>7} {'id':<36} {'ms':>6}")
    total = cpu_total = 0.0
    for name, text in texts.items():
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            match = identify_text(text, db)
        ms = (time.perf_counter() - t0) * 1000 / args.repeat
        cpu_total += (time.process_time() - c0) * 1000 / args.repeat
        total += ms
        print(f"{name:<42} {len(text):>7} {match.entry.id if match.entry else '-':<36} {ms:>6.2f}")
    releases = [Release(id=n, license_fields={"license": "apache-2.0"}, license_files={"LICENSE": t}) for n, t in texts.items()]
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for release in releases:
            audit_license(release, db)
    audit_ms = (time.perf_counter() - t0) * 1000 / args.repeat / len(releases)
    mean = total / len(texts)
    print(f"identify_text: {mean:.2f} ms per text on average over {len(texts)} texts (target <= 2 ms)")
    print(f"identify_text: {cpu_total / len(texts):.2f} ms CPU per text (less moved by other work on the machine)")
    t0 = time.process_time()
    for text in texts.values():
        detect_terms(text)
    clause_ms = (time.process_time() - t0) * 1000 / len(texts)
    print(f"detect_terms (clause detection, run for unrecognised texts only): {clause_ms:.1f} ms CPU per text")
    print(f"audit_license: {audit_ms:.2f} ms per release carrying one text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
