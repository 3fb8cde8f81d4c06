"""Framework files (``rules/frameworks/*.yaml``) and the verdicts computed from them.

A framework is a list of criteria, each in the framework's own words, each decided by a small tree
of checks over what openness already computed (component verdicts, the licence and its terms, the
curated code and dataset catalogues). A check that public evidence cannot settle says ``review``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from openness.frameworks.verdicts import Outcome as Outcome
from openness.license.models import TermType
from openness.models import Component, Status

ContentType = Literal["code", "data", "document"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ComponentCheck(_Spec):
    """A component verdict: ``pass`` statuses pass, ``review`` statuses need review, the rest fail."""

    name: Component
    passes: list[Status] = Field(default_factory=lambda: [Status.OPEN], alias="pass")
    review: list[Status] = Field(default_factory=lambda: [Status.PARTIAL, Status.UNKNOWN])


class LicenceCheck(_Spec):
    """The release's licence (which covers what lives in the model repository).

    ``osi_approved``: pass when OSI-approved. ``accept``: a content type whose list in the framework's
    ``licences`` decides (a licence on another type's list passes with a note).
    """

    osi_approved: bool | None = None
    accept: ContentType | None = None
    otherwise: Outcome = Field(default="fail", description="the outcome when a recognised licence does not qualify")

    @model_validator(mode="after")
    def _one(self) -> LicenceCheck:
        if (self.osi_approved is None) == (self.accept is None):
            raise ValueError("give exactly one of osi_approved or accept")
        return self


class TermsCheck(_Spec):
    """Licence terms: any of ``fail`` fails (the clause is quoted), any of ``review`` needs review."""

    fail: list[TermType] = Field(default_factory=list)
    review: list[TermType] = Field(default_factory=list)


class LinkedCodeCheck(_Spec):
    """The licences of the code repositories a component's evidence links, from ``registry/code``."""

    component: Component
    accept: ContentType = "code"


class DatasetLicenceCheck(_Spec):
    """The licences of the training datasets, from ``registry/datasets`` and the Hub."""

    accept: ContentType = "data"


class Check(_Spec):
    """One node of a criterion's decision: exactly one key."""

    component: ComponentCheck | None = None
    licence: LicenceCheck | None = None
    terms: TermsCheck | None = None
    linked_code_licence: LinkedCodeCheck | None = None
    dataset_licences: DatasetLicenceCheck | None = None
    human_review: str | None = Field(default=None, description="why public evidence cannot decide")
    all: list[Check] | None = Field(default=None, description="every part must pass: the worst part decides")
    any: list[Check] | None = Field(default=None, description="one part is enough: the best part decides")

    @model_validator(mode="after")
    def _exactly_one(self) -> Check:
        given = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a check has exactly one key, got {given or 'none'}")
        for key in ("all", "any"):
            if getattr(self, key) == []:
                raise ValueError(f"{key}: expected a non-empty list of checks")
        return self


class Criterion(_Spec):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    wording: str = Field(min_length=3, description="the framework's own wording, in short")
    clause: str = Field(min_length=1, description="where the framework says it (section, article, paragraph)")
    grade: str | None = Field(default=None, description="the grade this criterion belongs to (MOF classes)")
    decide: Check
    note: str = ""


class Grade(_Spec):
    id: str
    name: str


class Duty(_Spec):
    """An obligation that applies whatever the verdict (EU AI Act: copyright policy, training summary)."""

    id: str
    wording: str
    clause: str
    decide: Check


class FrameworkInfo(_Spec):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    version: str
    publisher: str
    url: str
    summary: str = ""


class FrameworkSpec(_Spec):
    framework: FrameworkInfo
    grades: list[Grade] = Field(default_factory=list, description="lowest first; each needs the ones before it")
    licences: dict[ContentType, list[str]] = Field(default_factory=dict, description="SPDX ids the framework accepts, per content type")
    criteria: list[Criterion] = Field(min_length=1)
    duties: list[Duty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> FrameworkSpec:
        grades = {g.id for g in self.grades}
        seen: set[str] = set()
        for c in self.criteria:
            if c.id in seen:
                raise ValueError(f"criterion {c.id}: duplicate id")
            seen.add(c.id)
            if grades and c.grade not in grades:
                raise ValueError(f"criterion {c.id}: grade {c.grade!r} is not one of {sorted(grades)}")
            if not grades and c.grade is not None:
                raise ValueError(f"criterion {c.id}: grade given but the framework has no grades")
        return self


def describe_check(check: Check) -> str:
    """A one-line rendering of how a check decides, e.g. 'all(component weights, licence OSI-approved)'."""
    if check.component is not None:
        c = check.component
        return f"component {c.name.value} (pass: {'/'.join(s.value for s in c.passes)})"
    if check.licence is not None:
        return "licence OSI-approved" if check.licence.osi_approved else f"licence on the {check.licence.accept} list"
    if check.terms is not None:
        parts = [
            f"fail on {', '.join(check.terms.fail)}" if check.terms.fail else "",
            f"review on {', '.join(check.terms.review)}" if check.terms.review else "",
        ]
        return "terms: " + "; ".join(p for p in parts if p)
    if check.linked_code_licence is not None:
        return f"licences of the code repositories linked for {check.linked_code_licence.component.value}"
    if check.dataset_licences is not None:
        return "licences of the training datasets"
    if check.human_review is not None:
        return f"human review ({check.human_review})"
    key = "all" if check.all is not None else "any"
    return f"{key}(" + ", ".join(describe_check(c) for c in (check.all or check.any or [])) + ")"
