"""Builders for the policy tests: OpennessReport/LicenseReport objects made directly, no audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openness.license.models import LicenseReport
from openness.models import LEVEL_COMPONENTS, ComponentVerdict, OpennessReport, Status
from openness.policy import Policy, load_policy
from openness.yamlio import load_yaml_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "policy"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "policies"
KNOWN_IDS = frozenset({"apache-2.0", "mit", "bsd-3-clause", "cc-by-nc-4.0", "llama3.1", "llama3", "gemma", "stabilityai-community"})

_LICENCES: dict[str, Any] = load_yaml_file(FIXTURES / "licence_reports.yaml")


def licence(key: str, **changes: Any) -> LicenseReport:
    """A LicenseReport from tests/fixtures/policy/licence_reports.yaml, with fields changed."""
    return LicenseReport.model_validate({**_LICENCES[key], **changes})


def report(
    model_id: str = "acme/model",
    level: int = 3,
    licence_key: str | None = "apache-2.0",
    classification: str = "open-source",
    statuses: dict[str, Status] | None = None,
    license_report: LicenseReport | None = None,
) -> OpennessReport:
    """A report whose first ``level`` level components are open and the rest closed (``statuses`` overrides)."""
    comps = {
        c.value: ComponentVerdict(status=Status.OPEN if i < level else Status.CLOSED, reason="fixture")
        for i, c in enumerate(LEVEL_COMPONENTS)
    }
    for name, status in (statuses or {}).items():
        comps[name] = ComponentVerdict(status=status, reason="fixture")
    lic = license_report or (licence(licence_key) if licence_key else None)
    return OpennessReport(id=model_id, level=level, level_label=f"L{level}", components=comps, license=lic, classification=classification)


def example(name: str) -> Policy:
    return load_policy(EXAMPLES / f"{name}.yaml", KNOWN_IDS)


def checks(result: Any, severity: str | None = None, exempted: bool | None = None) -> list[str]:
    return [
        f.check for f in result.findings if (severity is None or f.severity == severity) and (exempted is None or f.exempted == exempted)
    ]
