"""The licence audit's output: which licence governs the weights and the terms that bind an adopter."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TermType = Literal[
    "mau_cap",
    "revenue_cap",
    "non_commercial",
    "research_only",
    "acceptable_use_policy",
    "no_training_other_models",
    "attribution",
    "naming",
    "territory_exclusions",
    "gated",
    "termination",
    "copyleft_on_derivatives",
    "field_of_use_restrictions",
]

LicenseSource = Literal["metadata", "license_name", "license_link", "text", "card_text", "base_model", "registry", "none"]

Category = Literal[
    "permissive",
    "copyleft",
    "open-rail",
    "community",
    "non-commercial",
    "research-only",
    "proprietary",
    "unknown",
]

# The release class (docs/licenses.md), reported as ``classification``: a class of the release, not the
# judging of its openness (the level).
ReleaseClass = Literal["open-source", "open-weights", "open-access", "api-only", "unknown"]


class LicenseTerm(BaseModel):
    """One term that binds an adopter, with the clause it came from."""

    model_config = ConfigDict(extra="forbid")

    type: TermType
    value: Any = Field(
        default=True,
        description="e.g. 700000000 for mau_cap, {'amount': 1000000, 'currency': 'USD'} for revenue_cap, ['EU'] for territory_exclusions",
    )
    clause: str = Field(default="", description="the quoted clause (short)")
    details: dict[str, Any] = Field(default_factory=dict, description="e.g. {'pass_down': true, 'url': ...} for acceptable_use_policy")
    source: str = Field(default="", description="where the clause was found: licence database entry, file name, or 'gating metadata'")


class LicenseReport(BaseModel):
    """Which licence governs a release and what it lets an adopter do."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(description="licence id from the database, e.g. 'llama3.1'; None when unrecognised")
    name: str | None = None
    spdx: str | None = None
    source: LicenseSource = "none"
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    osi_approved: bool = False
    category: Category = "unknown"
    declared: str | None = Field(default=None, description="the raw declared licence (metadata 'license' or expression)")
    expression: str | None = Field(default=None, description="normalised SPDX-style expression when the declared value is one")
    recognised: bool = True
    terms: list[LicenseTerm] = Field(default_factory=list)
    inherited_from: str | None = Field(default=None, description="base model whose licence terms carry over")
    warnings: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list, description="how the licence was identified, e.g. 'metadata:license=llama3.1'")
