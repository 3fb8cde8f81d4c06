"""The registry report as JSON: {"schema_version": ..., "releases": [{"id", "level", "curated", "computed", ...}]}."""

from __future__ import annotations

from openness.formatters import jsontext
from openness.formatters.formats import ReportLinks
from openness.registry.build import RegistryReport


def format_report_json(report: RegistryReport, links: ReportLinks | None = None) -> str:
    doc = report.model_dump(mode="json")
    doc["level_distribution"] = {f"L{k}": v for k, v in report.level_distribution().items()}
    doc["audit_counts"] = report.audit_counts()
    return jsontext.dumps(doc, indent=2) + "\n"
