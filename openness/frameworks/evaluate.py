"""Judge one evidence record by one framework: every criterion, each with its evidence or clause."""

from __future__ import annotations

from dataclasses import dataclass, field

from openness.code_repos import CodeCatalogue
from openness.frameworks.evidence import EvidenceRecord, github_repo
from openness.frameworks.models import (
    Check,
    ComponentCheck,
    ContentType,
    DatasetLicenceCheck,
    FrameworkSpec,
    LicenceCheck,
    LinkedCodeCheck,
    TermsCheck,
)
from openness.frameworks.verdicts import OUTCOME_RANK, CriterionResult, DutyResult, FrameworkVerdict, GradeResult, Outcome, worst
from openness.license.database import LicenseDatabase
from openness.license.models import LicenseTerm

# Licence categories whose terms restrict use: never open under any framework.
_RESTRICTIVE = frozenset({"open-rail", "community", "non-commercial", "research-only", "proprietary"})


@dataclass
class Decision:
    outcome: Outcome
    reason: str
    evidence: list[str] = field(default_factory=list)
    human_review: bool = False


@dataclass
class Context:
    spec: FrameworkSpec
    code: CodeCatalogue
    licences: LicenseDatabase


def _spdx_key(value: str) -> str:
    """'ODC-By 1.0 (metadata); gated' -> 'odc-by-1.0': the leading licence id of a free-text licence."""
    head = value.split("(")[0].split(";")[0].strip()
    return "-".join(head.split()).lower()


def _accepted(ctx: Context, spdx: str | None, kind: ContentType) -> tuple[Outcome, str]:
    """Whether the framework accepts licence ``spdx`` for content of ``kind``."""
    if not spdx:
        return "review", "no licence identified"
    key = _spdx_key(spdx)
    lists = {k: {x.lower() for x in v} for k, v in ctx.spec.licences.items()}
    if key in lists.get(kind, set()):
        return "pass", f"{spdx} is on the framework's list of {kind} licences"
    other = [k for k, ids in lists.items() if key in ids]
    if other:
        return (
            "pass",
            f"{spdx} is on the framework's list of {other[0]} licences (accepted, though not the type-appropriate one for {kind})",
        )
    entry = ctx.licences.get(key) or ctx.licences.get(spdx)
    if entry is not None and (entry.category in _RESTRICTIVE or entry.category == "unknown"):
        return "fail", f"{spdx} ({entry.category}) is not an open licence"
    if entry is not None and entry.osi_approved and kind == "code":
        return "pass", f"{spdx} is OSI-approved"
    if entry is not None:
        return "review", f"{spdx} is not on the framework's {kind} list; whether it qualifies needs review"
    return "review", f"{spdx!r} is not a licence the framework or the licence database lists"


def _term_line(t: LicenseTerm) -> str:
    value = "" if t.value is True else f" = {t.value}"
    return f"{t.type}{value}: “{t.clause}” ({t.source})" if t.clause else f"{t.type}{value} ({t.source})"


def _component(rec: EvidenceRecord, c: ComponentCheck) -> Decision:
    facts = rec.component(c.name.value)
    why = f"{c.name.value} is {facts.status.value}" + (f" ({facts.reason})" if facts.reason else "")
    if facts.status in c.passes:
        return Decision("pass", why, facts.evidence[:3])
    if facts.status in c.review:
        return Decision("review", why, facts.evidence[:3], human_review=True)
    return Decision("fail", why, facts.evidence[:3])


def _licence(rec: EvidenceRecord, c: LicenceCheck, ctx: Context) -> Decision:
    lic = rec.licence
    if lic is None or (lic.id is None and not lic.spdx):
        declared = f" (declared {lic.declared!r})" if lic and lic.declared else ""
        return Decision("review", f"the licence is not recognised{declared}", lic.evidence[:2] if lic else [], human_review=True)
    name = lic.spdx or lic.id or ""
    ev = [*lic.evidence[:2], f"licence: {lic.name or lic.id} ({lic.category})"]
    if c.osi_approved is not None:
        if lic.osi_approved:
            return Decision("pass", f"{name} is OSI-approved", ev)
        return Decision(c.otherwise, f"{name} is not an OSI-approved licence ({lic.category})", ev, c.otherwise == "review")
    assert c.accept is not None
    outcome, why = _accepted(ctx, name, c.accept)
    return Decision(outcome, why, ev, human_review=outcome == "review")


def _terms(rec: EvidenceRecord, c: TermsCheck) -> Decision:
    lic = rec.licence
    if lic is None or (not lic.recognised and not lic.terms):
        return Decision("review", "the licence terms could not be read", [], human_review=True)
    failing = [t for t in lic.terms if t.type in c.fail]
    if failing:
        kinds = ", ".join(dict.fromkeys(t.type for t in failing))
        return Decision("fail", f"the licence has {kinds}", [_term_line(t) for t in failing[:3]])
    reviewing = [t for t in lic.terms if t.type in c.review]
    if reviewing:
        kinds = ", ".join(dict.fromkeys(t.type for t in reviewing))
        return Decision(
            "review", f"the licence has {kinds}: whether it is allowed needs review", [_term_line(t) for t in reviewing[:3]], True
        )
    listed = ", ".join(c.fail + c.review)
    return Decision("pass", f"none of the licence terms restricts this ({listed})", [f"licence: {lic.id or lic.spdx}"])


def _linked_code(rec: EvidenceRecord, c: LinkedCodeCheck, ctx: Context) -> Decision:
    facts = rec.component(c.component.value)
    seen: list[tuple[str, str, Outcome, str]] = []
    for url in facts.urls:
        repo = github_repo(url)
        if repo is None or any(s[0] == repo for s in seen):
            continue
        entry = ctx.code.get(repo)
        if entry is None or not entry.license:
            seen.append((repo, url, "review", f"{repo}: licence not catalogued (registry/code)"))
            continue
        outcome, why = _accepted(ctx, entry.license, c.accept)
        seen.append((repo, entry.source, outcome, f"{entry.repo} is under {entry.license} ({entry.provenance}): {why}"))
    if not seen:
        return Decision("review", f"no code repository linked for {c.component.value}, so its licence is unknown", facts.evidence[:2], True)
    outcome = worst([s[2] for s in seen])
    return Decision(outcome, "; ".join(s[3] for s in seen[:3]), [s[1] for s in seen[:3]], outcome == "review")


def _datasets(rec: EvidenceRecord, c: DatasetLicenceCheck, ctx: Context) -> Decision:
    if not rec.datasets:
        why = "the training datasets were not read" if rec.datasets is None else "no training dataset is named"
        return Decision("review", f"{why}, so their licences are unknown", [], True)
    results = [(d, *_accepted(ctx, d.license, c.accept)) for d in rec.datasets]
    outcome = worst([r[1] for r in results])
    return Decision(
        outcome, "; ".join(f"{d.name}: {why}" for d, _, why in results[:4]), [d.name for d in rec.datasets[:4]], outcome == "review"
    )


def decide(rec: EvidenceRecord, check: Check, ctx: Context) -> Decision:
    if check.component is not None:
        return _component(rec, check.component)
    if check.licence is not None:
        return _licence(rec, check.licence, ctx)
    if check.terms is not None:
        return _terms(rec, check.terms)
    if check.linked_code_licence is not None:
        return _linked_code(rec, check.linked_code_licence, ctx)
    if check.dataset_licences is not None:
        return _datasets(rec, check.dataset_licences, ctx)
    if check.human_review is not None:
        return Decision("review", check.human_review, [], True)
    nodes = check.all if check.all is not None else check.any
    assert nodes is not None
    parts = [decide(rec, c, ctx) for c in nodes]
    outcomes = [p.outcome for p in parts]
    outcome = worst(outcomes) if check.all is not None else max(outcomes, key=OUTCOME_RANK.__getitem__)
    # The reason names what decided: the failing (or reviewed) parts, or all parts when everything passes.
    deciding = [p for p in parts if p.outcome == outcome]
    return Decision(
        outcome,
        "; ".join(p.reason for p in deciding),
        [e for p in deciding for e in p.evidence][:5],
        any(p.human_review for p in deciding) and outcome != "pass",
    )


def _graded(spec: FrameworkSpec, results: list[CriterionResult]) -> tuple[list[GradeResult], str | None, str | None]:
    grades: list[GradeResult] = []
    reached: str | None = None
    pending: str | None = None
    blocked = False
    for g in spec.grades:
        outcome = worst([r.outcome for r in results if r.grade == g.id])
        grades.append(GradeResult(id=g.id, name=g.name, outcome=outcome))
        if blocked:
            continue
        if outcome == "pass":
            reached = g.name
        else:
            pending = g.name if outcome == "review" else None
            blocked = True
    return grades, reached, pending


def evaluate(spec: FrameworkSpec, rec: EvidenceRecord, ctx: Context) -> FrameworkVerdict:
    """Every criterion of ``spec`` decided from ``rec``; the verdict is the worst of them (graded: per grade)."""
    results = []
    for c in spec.criteria:
        d = decide(rec, c.decide, ctx)
        results.append(
            CriterionResult(
                id=c.id,
                wording=c.wording,
                clause=c.clause,
                grade=c.grade,
                outcome=d.outcome,
                reason=d.reason + (f" — {c.note}" if c.note and d.outcome != "pass" else ""),
                evidence=d.evidence,
                human_review=d.human_review,
            )
        )
    failed = list(dict.fromkeys(r.clause for r in results if r.outcome == "fail"))
    reviews = sum(r.outcome == "review" for r in results)
    grades: list[GradeResult] = []
    reached: str | None = None
    pending: str | None = None
    if spec.grades:
        grades, reached, pending = _graded(spec, results)
        outcome = grades[0].outcome
        if reached:
            summary = reached + (f"; {pending} pending review" if pending else "")
        elif pending:
            summary = f"{pending} pending review"
        else:
            summary = f"no class reached: {failed[0]} fails" if failed else "no class reached"
    else:
        outcome = worst([r.outcome for r in results])
        if outcome == "pass":
            summary = "pass: every criterion holds"
        elif outcome == "fail":
            summary = "fail: " + "; ".join(failed[:3])
        else:
            summary = f"needs review: {reviews} criteria cannot be decided from public evidence"
    duties = []
    for duty in spec.duties:
        d = decide(rec, duty.decide, ctx)
        duties.append(
            DutyResult(id=duty.id, wording=duty.wording, clause=duty.clause, outcome=d.outcome, reason=d.reason, evidence=d.evidence)
        )
    prefill = _prefill(rec) if spec.duties else {}
    return FrameworkVerdict(
        framework=spec.framework.id,
        name=spec.framework.name,
        version=spec.framework.version,
        outcome=outcome,
        summary=summary,
        grade=reached,
        grade_pending_review=pending,
        grades=grades,
        failed=failed,
        criteria=results,
        duties=duties,
        prefill=prefill,
        evidence_source=rec.source,
    )


def _prefill(rec: EvidenceRecord) -> dict[str, object]:
    """What the card can answer in the EU public-summary template; every value unverified."""
    public = [d.name for d in rec.datasets or [] if d.availability in ("open", "public")]
    return {
        "verified": False,
        "model_dependencies": list(rec.base_models),
        "modalities": rec.card.get("modalities", []),
        "languages": rec.card.get("languages", []),
        "public_datasets": public,
        "training_datasets_named": [d.name for d in rec.datasets or []],
    }
