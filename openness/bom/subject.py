"""What a BOM describes for one model: its report and the datasets the evidence names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openness.datasets import DatasetCatalogue
from openness.frameworks.evidence import DatasetFacts, record_from_report
from openness.license.assess import report_for_entry
from openness.license.database import LicenseDatabase
from openness.models import ComponentVerdict, Evidence, OpennessReport, Status
from openness.registry.build import ReleaseResult

_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class Subject:
    report: OpennessReport
    datasets: list[DatasetFacts] = field(default_factory=list)

    @property
    def hub_id(self) -> str | None:
        """The Hub id, when the report is about a Hub (or registry) model."""
        rid = self.report.id
        return rid if self.report.source in ("hub", "registry") and _HUB_ID.match(rid) else None

    @property
    def url(self) -> str | None:
        return f"https://huggingface.co/{self.hub_id}" if self.hub_id else None


def subject_for(report: OpennessReport, catalogue: DatasetCatalogue | None = None) -> Subject:
    rec = record_from_report(report, None, catalogue)
    return Subject(report, list(rec.datasets or []))


def slug(text: str) -> str:
    """A bom-ref / SPDX id fragment: letters, digits and - . _ only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def report_from_result(result: ReleaseResult, licences: LicenseDatabase) -> OpennessReport:
    """A registry row as a report: the computed one when audited, else the curated facts (source 'registry')."""
    if result.computed is not None:
        report = OpennessReport.model_validate(result.computed)
        report.frameworks = report.frameworks or result.frameworks
        return report
    curated = result.curated.get("components", {})
    components = {
        name: ComponentVerdict(
            Status(c.get("status", "unknown")),
            c.get("note", ""),
            [Evidence("curated", url) for url in c.get("evidence", [])],
        )
        for name, c in curated.items()
    }
    lic = None
    if result.license_id:
        entry = licences.get(result.license_id)
        lic = report_for_entry(entry, "metadata", 1.0, declared=result.license_id) if entry else None
    base = result.curated.get("base_model")
    return OpennessReport(
        id=result.id,
        source="registry",
        level=result.level,
        level_label=result.level_label,
        components=components,
        data_mixture_disclosed=result.data_mixture_disclosed,
        base_models=[base] if base else [],
        license=lic,
        classification="api-only" if result.api_only else "unknown",
        frameworks=result.frameworks,
    )
