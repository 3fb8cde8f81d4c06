"""Benchmark: build the registry report from curated data and from local (cache-like) audits.

Run: .venv/bin/python bench/bench_registry.py [N]   (N synthetic audited releases, default 100)
Prints totals and per-release milliseconds; the target is under 2 s for 100 releases.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openness.audit import Auditor, AuditSettings
from openness.formatters.report_csv import format_report_csv
from openness.formatters.report_html import format_report_html
from openness.formatters.report_json import format_report_json
from openness.formatters.report_markdown import format_report_markdown
from openness.registry.build import RegistryReport, build_report
from openness.registry.history import History
from openness.registry.store import Registry

FORMATTERS: dict[str, Callable[[RegistryReport], str]] = {
    "html": format_report_html,
    "markdown": format_report_markdown,
    "json": format_report_json,
    "csv": format_report_csv,
}

CARD = """---
license: apache-2.0
datasets: [EleutherAI/pile]
---
# Model {i}

Trained on the Pile (300B tokens) with GPT-NeoX; see https://arxiv.org/abs/2304.01373 and
https://github.com/EleutherAI/gpt-neox. Weights: model.safetensors.
"""


def synthetic_registry(root: Path, n: int) -> Path:
    cards, releases = root / "cards", root / "releases"
    cards.mkdir(parents=True)
    releases.mkdir(parents=True)
    parts = ["family: Bench\norganisation: Bench\nverified: 2025-01-01\nreleases:\n"]
    for i in range(n):
        card = cards / f"bench__model-{i}.md"
        card.write_text(CARD.format(i=i), encoding="utf-8")
        parts.append(
            f"""  - id: bench/model-{i}
    name: Model {i}
    hub_ids: ["{card}"]
    level: 1
    license: apache-2.0
    components:
      weights: {{status: open, evidence: ["https://example.org/{i}"]}}
      technical_report: {{status: partial, evidence: ["https://example.org/{i}"]}}
      training_code: {{status: closed, evidence: ["https://example.org/{i}"]}}
      training_data: {{status: closed, evidence: ["https://example.org/{i}"]}}
      data_pipeline: {{status: closed, evidence: ["https://example.org/{i}"]}}
"""
        )
    (releases / "bench.yaml").write_text("".join(parts), encoding="utf-8")
    return releases


def timed(label: str, n: int, fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"  {label:<34} {dt * 1000:8.1f} ms total  {dt * 1000 / max(n, 1):7.2f} ms/release")
    return dt, out


def scenario(name: str, registry_dir: Path | None, auditor: Auditor, tmp: Path) -> float:
    print(f"{name}:")
    t_load, registry = timed("load registry (once)", 1, lambda: Registry.load(registry_dir))
    assert isinstance(registry, Registry)
    n = len(registry.releases)
    print(f"  ({n} releases)")
    with History(tmp / f"{name}.sqlite") as history:
        t_build, report = timed("audit + compare + history", n, lambda: build_report(registry, auditor, history=history, concurrency=4))
    assert isinstance(report, RegistryReport)
    total = t_load + t_build
    for fmt, fn in FORMATTERS.items():
        t, _ = timed(f"format {fmt}", n, lambda fn=fn: fn(report))  # type: ignore[misc]
        total += t
    print(f"  {'TOTAL':<34} {total * 1000:8.1f} ms total  {total * 1000 / n:7.2f} ms/release  "
          f"(scaled to 100 releases: {total * 100 / n:.2f} s; target < 2 s)")  # fmt: skip
    return total


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        scenario("shipped registry, offline (curated)", None, auditor, tmp)
        scenario(f"{n} releases audited from local cards", synthetic_registry(tmp / "synthetic", n), auditor, tmp)


if __name__ == "__main__":
    main()
