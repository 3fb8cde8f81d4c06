"""Openness's verdicts as flat, namespaced key/value pairs: what both BOM formats carry and a reader gets back.

Keys start with ``openness:``; values are strings (lists and mappings as compact JSON). One key may
occur several times (every evidence URL of a component); CycloneDX keeps properties as a set, so
the values of a repeated key come back in no particular order.
"""

from __future__ import annotations

import json
from typing import Any

from openness.models import OpennessReport

NAMESPACE = "openness"


def _value(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def report_properties(report: OpennessReport, max_evidence: int = 5) -> list[tuple[str, str]]:
    """(name, value) pairs for a report: level, components, licence terms, framework verdicts, evidence URLs."""
    ns = NAMESPACE
    out: list[tuple[str, str]] = [
        (f"{ns}:schema_version", report.schema_version),
        (f"{ns}:level", str(report.level)),
        (f"{ns}:level_label", report.level_label),
        (f"{ns}:classification", report.classification),
    ]
    if report.tool_version:
        out.append((f"{ns}:tool_version", report.tool_version))
    for name, v in report.components.items():
        out.append((f"{ns}:component:{name}", v.status.value))
        for ev in v.evidence[:max_evidence]:
            where = ev.where.removeprefix("link:").split(" (line", 1)[0]
            if where.startswith(("https://", "http://")):
                out.append((f"{ns}:component:{name}:evidence", where))
    lic = report.license
    if lic is not None:
        out.append((f"{ns}:license:id", lic.id or "unrecognised"))
        out.append((f"{ns}:license:category", lic.category))
        out.append((f"{ns}:license:osi_approved", str(lic.osi_approved).lower()))
        for t in lic.terms:
            out.append((f"{ns}:license:term:{t.type}", _value(t.value)))
            if t.clause:
                out.append((f"{ns}:license:term:{t.type}:clause", t.clause[:300]))
    for fid, fv in report.frameworks.items():
        out.append((f"{ns}:framework:{fid}", fv.outcome))
        out.append((f"{ns}:framework:{fid}:summary", fv.summary))
        if fv.grade:
            out.append((f"{ns}:framework:{fid}:grade", fv.grade))
        for clause in fv.failed:
            out.append((f"{ns}:framework:{fid}:failed", clause))
        for c in fv.criteria:
            out.append((f"{ns}:framework:{fid}:criterion:{c.id}", c.outcome))
    return out


def read_properties(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Our properties back from (name, value) pairs, by name; other namespaces are left out."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        if name.startswith(f"{NAMESPACE}:"):
            out.setdefault(name, []).append(value)
    return out
