"""Benchmark the Hub path against the fake Hub with a per-request latency (default 50 ms).

Prints requests per audit (cold and warm cache) and the wall time of auditing N models one at a
time vs with bounded concurrency. Run: ``.venv/bin/python bench/bench_hub.py [--models 100] [--latency 0.05]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openness.audit import Auditor, AuditSettings
from openness.models import AuditError
from tests.fakehub import FakeHub

CARD = """---
license: apache-2.0
base_model: acme/open-7b
datasets:
- acme/open-corpus
---
# Bench model {i}

A fine-tune of acme/open-7b for the benchmark. Code: https://github.com/acme-ai/bench-{i}
"""


def add_models(hub: FakeHub, n: int) -> list[str]:
    ids = []
    for i in range(n):
        repo_id = f"bench/model-{i:03d}"
        hub.add_model(
            repo_id,
            {"README.md": CARD.format(i=i), "LICENSE": "Apache License 2.0 (bench)\n", "model.safetensors": b"\0"},
            cardData={"license": "apache-2.0", "base_model": "acme/open-7b", "datasets": ["acme/open-corpus"]},
            tags=["base_model:acme/open-7b", "license:apache-2.0"],
        )
        ids.append(repo_id)
    return ids


def audit_all(hub: FakeHub, ids: list[str], cache: Path, concurrency: int) -> tuple[float, int]:
    auditor = Auditor.from_settings(AuditSettings(endpoint=hub.url, cache_path=cache, concurrency=concurrency))
    hub.reset()
    start = time.perf_counter()
    results = list(auditor.audit_many(ids))
    elapsed = time.perf_counter() - start
    failed = sum(isinstance(r, AuditError) for r in results)
    if failed:
        raise SystemExit(f"{failed} audits failed: {[r for r in results if isinstance(r, AuditError)][:2]}")
    return elapsed, hub.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 8])
    args = parser.parse_args()
    with FakeHub(latency=args.latency) as hub, tempfile.TemporaryDirectory() as tmp:
        ids = add_models(hub, args.models)
        root = Path(tmp)
        print(f"fake Hub latency {args.latency * 1000:.0f} ms per request; {args.models} fine-tunes of acme/open-7b")

        _, cold = audit_all(hub, ["acme/open-7b"], root / "one.sqlite", 1)
        _, warm = audit_all(hub, ["acme/open-7b"], root / "one.sqlite", 1)
        _, tune_cold = audit_all(hub, [ids[0]], root / "tune.sqlite", 1)
        _, tune_warm = audit_all(hub, [ids[0]], root / "tune.sqlite", 1)
        print(f"requests per audit, base model:  cold {cold}, warm {warm}  (info + README + LICENSE + 1 dataset)")
        print(f"requests per audit, fine-tune:   cold {tune_cold}, warm {tune_warm}  (+ the base model's info and files)")

        serial, n_serial = audit_all(hub, ids, root / "serial.sqlite", 1)
        print(f"{args.models} models, one at a time:   {serial:6.2f} s  {serial / args.models * 1000:6.1f} ms/model  {n_serial} requests")
        for c in args.concurrency:
            t, n = audit_all(hub, ids, root / f"c{c}.sqlite", c)
            print(
                f"{args.models} models, concurrency {c:<2}:   {t:6.2f} s  {t / args.models * 1000:6.1f} ms/model  {n} requests  speed-up x{serial / t:.1f}"
            )
        t, n = audit_all(hub, ids, root / "serial.sqlite", 4)
        print(f"{args.models} models, warm cache, c=4: {t:6.2f} s  {t / args.models * 1000:6.1f} ms/model  {n} requests")


if __name__ == "__main__":
    main()
