"""Check many audited models against one policy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Literal

from openness.models import AuditError, OpennessReport
from openness.policy.evaluate import evaluate
from openness.policy.models import CheckReport, ModelResult, Policy
from openness.redact import redact
from openness.scan.models import Location, ScanProblem


def check_models(
    policy: Policy,
    policy_name: str,
    audited: Iterable[tuple[str, OpennessReport | AuditError]],
    today: date,
    locations: Mapping[str, Sequence[Location]] | None = None,
    scan_problems: Sequence[ScanProblem] = (),
) -> CheckReport:
    """One :class:`ModelResult` per (target, audit result), in order; ``locations`` maps a target to its references."""
    locations = locations or {}
    results = [_evaluate_one(policy, report, today, target, locations.get(target, ())) for target, report in audited]
    return CheckReport(
        policy=policy_name,
        checked_on=today,
        passed=all(r.passed for r in results),
        results=results,
        scan_problems=list(scan_problems),
    )


def _evaluate_one(
    policy: Policy, report: OpennessReport | AuditError, today: date, target: str, locations: Sequence[Location]
) -> ModelResult:
    """Evaluate one model; a failure while judging it makes it unverified, the others are still judged."""
    try:
        return evaluate(policy, report, today, target, locations)
    except Exception as exc:  # noqa: BLE001 - one model's odd terms must not cost the whole check
        error = AuditError(id=target, error=redact(f"could not be checked: {type(exc).__name__}: {exc}"[:500]), kind="InternalError")
        return evaluate(policy, error, today, target, locations)


def outcome(report: CheckReport) -> Literal["pass", "fail", "error"]:
    """'error' when a model could not be verified (and is not exempt), else 'fail' on violations, else 'pass'."""
    unverified = any(not r.verified and not r.passed for r in report.results)
    if unverified:
        return "error"
    return "pass" if report.passed else "fail"
