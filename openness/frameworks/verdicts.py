"""Framework verdicts as the report carries them (pydantic only: ``openness.models`` imports this)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["pass", "fail", "review"]

# Worst first: a criterion, grade or framework is as good as its worst part.
OUTCOME_RANK: dict[str, int] = {"fail": 0, "review": 1, "pass": 2}


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The worst of ``outcomes`` (``pass`` when empty)."""
    return min(outcomes, key=OUTCOME_RANK.__getitem__, default="pass")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionResult(_Out):
    id: str
    wording: str
    clause: str
    grade: str | None = None
    outcome: Outcome
    reason: str
    evidence: list[str] = Field(default_factory=list, description="component evidence, URLs or the quoted licence clause")
    human_review: bool = Field(default=False, description="public evidence cannot decide this criterion")


class GradeResult(_Out):
    id: str
    name: str
    outcome: Outcome


class DutyResult(_Out):
    id: str
    wording: str
    clause: str
    outcome: Outcome
    reason: str
    evidence: list[str] = Field(default_factory=list)


class FrameworkVerdict(_Out):
    """One framework's answer for one release."""

    framework: str
    name: str
    version: str
    outcome: Outcome = Field(description="pass, fail, or review (nothing fails but something needs a human)")
    summary: str
    grade: str | None = Field(default=None, description="graded frameworks: the highest grade reached")
    grade_pending_review: str | None = Field(default=None, description="the next grade, when only review items stand in its way")
    grades: list[GradeResult] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list, description="the clauses of the criteria that fail")
    criteria: list[CriterionResult]
    duties: list[DutyResult] = Field(default_factory=list)
    prefill: dict[str, Any] = Field(default_factory=dict, description="fields a card can answer, unverified")
    evidence_source: Literal["audit", "curated"] = "audit"
