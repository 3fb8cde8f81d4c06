"""Policy files (what an organisation requires, how a team will use the model) and check results."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openness.license.models import Category, ReleaseClass, TermType
from openness.models import Component
from openness.policy.scenarios import Use
from openness.scan.models import Location, ScanProblem

CHECK_SCHEMA_VERSION = "1.1"

Severity = Literal["error", "warning", "info"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _lower_ids(values: list[str]) -> list[str]:
    return [v.strip().lower() for v in values]


class Requirements(_Model):
    """What the organisation requires of any model it adopts. Empty lists mean 'no constraint'."""

    min_level: int = Field(default=0, ge=0, le=5, strict=True, description="minimum openness level (L0-L5); a number, not true/false")
    required_components: list[Component] = Field(default_factory=list, description="components that must be open")
    allowed_licenses: list[str] = Field(default_factory=list, description="licence ids allowed (exact match)")
    denied_licenses: list[str] = Field(default_factory=list, description="licence ids denied (exact match)")
    allowed_categories: list[Category] = Field(default_factory=list)
    denied_categories: list[Category] = Field(default_factory=list)
    require_osi: bool = False
    allowed_classifications: list[ReleaseClass] = Field(default_factory=list)
    allow_gated: bool = True

    _ids = field_validator("allowed_licenses", "denied_licenses")(_lower_ids)


class UseContext(_Model):
    """How the team will use the model. ``None`` means 'not stated': terms that depend on it become warnings."""

    commercial: bool | None = None
    monthly_active_users: int | None = Field(default=None, ge=0, strict=True)
    annual_revenue_usd: float | None = Field(default=None, ge=0, strict=True, allow_inf_nan=False)
    territories: list[str] = Field(default_factory=list, description="where the product is offered, e.g. EU, US, DE")
    train_other_models_on_outputs: bool = False
    redistribute_weights: bool = False
    publish_derivatives: bool = False
    uses: list[Use] = Field(
        default_factory=list,
        description="intended uses (internal, product, redistribute, fine-tune-and-publish, outputs-only): only the licence "
        "terms that bind one of them decide; empty: every term counts",
    )


class Exemption(_Model):
    """An approved exception for a model id or glob pattern, valid up to and including ``expires``."""

    model: str = Field(min_length=1, description="model id or glob, e.g. 'org/name-*'")
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: date
    checks: list[str] = Field(default_factory=list, description="only these check ids (default: all findings)")

    @field_validator("checks")
    @classmethod
    def _known_checks(cls, checks: list[str]) -> list[str]:
        unknown = [c for c in checks if c not in CHECKS]
        if unknown:
            raise ValueError(f"unknown check id(s) {', '.join(unknown)}; known: {', '.join(CHECKS)}")
        return checks

    def describe(self) -> str:
        return f"{self.model} (approved by {self.approver} until {self.expires.isoformat()}: {self.reason})"


class Policy(_Model):
    name: str = ""
    description: str = ""
    fail_on: Literal["error", "warning"] = Field(default="error", description="lowest severity that fails a model")
    requirements: Requirements = Field(default_factory=Requirements)
    context: UseContext = Field(default_factory=UseContext)
    exemptions: list[Exemption] = Field(default_factory=list)


class Finding(_Model):
    """One thing the check found: which requirement, how bad, the licence clause, and what would resolve it."""

    check: str = Field(description="stable check id, e.g. 'mau-cap' (see CHECKS)")
    requirement: str = Field(description="the policy key involved, e.g. 'context.monthly_active_users'")
    severity: Severity
    message: str
    clause: str = Field(default="", description="the quoted licence clause, when a licence term is involved")
    clause_source: str = ""
    resolution: str = ""
    exempted: bool = False
    term: TermType | None = Field(default=None, description="the licence term the finding comes from")
    uses: list[Use] = Field(default_factory=list, description="the intended uses this finding binds")


class ModelResult(_Model):
    """The verdict for one model."""

    model: str
    target: str = Field(description="what was checked: Hub id, directory or card file")
    passed: bool
    verified: bool = Field(description="false when the model could not be audited")
    level: int | None = None
    classification: str | None = None
    license: str | None = None
    license_inherited_from: str | None = None
    exemption: str | None = Field(default=None, description="the exemption that applied, if any")
    findings: list[Finding] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list, description="where the model is referenced")


class CheckReport(_Model):
    """Every model's verdict under one policy."""

    schema_version: str = CHECK_SCHEMA_VERSION
    policy: str
    checked_on: date
    passed: bool
    results: list[ModelResult] = Field(default_factory=list)
    scan_problems: list[ScanProblem] = Field(default_factory=list)


# Check id -> one-line description (SARIF rule table, docs).
CHECKS: dict[str, str] = {
    "could-not-verify": "The model could not be audited, so it cannot be cleared.",
    "license-not-audited": "No licence information was produced for the model.",
    "license-unrecognised": "The licence is not recognised; its terms cannot be checked.",
    "license-denied": "The licence id or category is denied by the policy.",
    "license-not-allowed": "The licence id or category is not on the policy's allow-list.",
    "osi-required": "The policy requires an OSI-approved licence.",
    "classification-not-allowed": "The release's classification (open-source/open-weights/open-access) is not allowed.",
    "level-below-minimum": "The openness level is below the policy's minimum.",
    "component-not-open": "A component the policy requires is not open.",
    "mau-cap": "Monthly active users above the licence's cap need a separate licence.",
    "revenue-cap": "Annual revenue above the licence's cap needs a separate licence.",
    "non-commercial": "The licence forbids commercial use.",
    "territory-excluded": "The licence excludes a territory the product serves.",
    "no-training-other-models": "The licence forbids using outputs to train other models.",
    "aup-pass-down": "The acceptable-use policy must be passed down to downstream users.",
    "naming-duty": "Derived models must carry a prescribed name.",
    "attribution-duty": "Redistribution requires attribution or a notice.",
    "copyleft-duty": "Derivatives must be released under the same licence.",
    "field-of-use": "The licence restricts fields of use.",
    "gated": "Access is gated behind accepting terms on the Hub.",
    "license-mismatch": "The declared licence and the licence text disagree.",
    "context-not-stated": "A licence term depends on a use-context value the policy does not state.",
    "exemption-expired": "An exemption for this model has expired and no longer applies.",
}
