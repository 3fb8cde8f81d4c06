"""Judge one audited model against a policy: a pure function from (policy, report, date) to a verdict.

Every finding is reported in one pass. Licence terms are read from the report's ``LicenseReport``
(for a fine-tune, the terms carried over from its base model are already on it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from fnmatch import fnmatchcase
from typing import Any

from openness.license.models import LicenseReport, LicenseTerm
from openness.models import AuditError, OpennessReport, Status
from openness.policy.models import Exemption, Finding, ModelResult, Policy, Severity
from openness.policy.scenarios import bundled_scenarios
from openness.policy.territories import overlaps
from openness.scan.models import Location

_FAILING: dict[str, frozenset[str]] = {"error": frozenset({"error"}), "warning": frozenset({"error", "warning"})}


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _f(check: str, requirement: str, severity: Severity, message: str, resolution: str = "", term: LicenseTerm | None = None) -> Finding:
    return Finding(
        check=check,
        requirement=requirement,
        severity=severity,
        message=message,
        resolution=resolution,
        clause=term.clause if term else "",
        clause_source=term.source if term else "",
        term=term.type if term else None,
    )


def _number(value: Any) -> float | None:
    if isinstance(value, dict):
        value = value.get("amount", value.get("value"))
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").replace("_", ""))
        except ValueError:
            return None
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = value.get("territories", value.get("excluded", []))
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _summary(t: LicenseTerm) -> str:
    if t.type == "territory_exclusions":
        return "excludes " + ", ".join(_strings(t.value)) + (f", {t.details['scope']}" if isinstance(t.details.get("scope"), str) else "")
    return str(t.value) if not isinstance(t.value, bool) else t.type.replace("_", " ")


def _license_findings(policy: Policy, lic: LicenseReport) -> list[Finding]:
    """Requirements on the licence itself: allow/deny lists, OSI, mismatch warnings."""
    req, out = policy.requirements, []
    lid = (lic.id or "").lower()
    ids = {i for i in (lid, (lic.spdx or "").lower()) if i}
    name = lic.id or lic.declared or "unrecognised licence"
    if not lic.id or not lic.recognised:
        out.append(
            _f(
                "license-unrecognised",
                "license",
                "error",
                f"licence {name!r} is not recognised, so its terms cannot be checked",
                "identify the licence (add it to the licence database) or exempt the model after legal review",
            )
        )
    if ids & set(req.denied_licenses):
        out.append(
            _f(
                "license-denied",
                "requirements.denied_licenses",
                "error",
                f"licence {name} is denied by the policy",
                "choose a model under another licence, or obtain an exemption",
            )
        )
    if lic.category in req.denied_categories:
        out.append(
            _f(
                "license-denied",
                "requirements.denied_categories",
                "error",
                f"licence {name} is in the denied category {lic.category!r}",
                "choose a model under another licence",
            )
        )
    if req.allowed_licenses or req.allowed_categories:
        if not (ids & set(req.allowed_licenses)) and lic.category not in req.allowed_categories:
            allowed = ", ".join([*req.allowed_licenses, *req.allowed_categories])
            out.append(
                _f(
                    "license-not-allowed",
                    "requirements.allowed_licenses",
                    "error",
                    f"licence {name} ({lic.category}) is not among the allowed licences/categories: {allowed}",
                    "choose a model under an allowed licence, or extend the allow-list after legal review",
                )
            )
    if req.require_osi and not lic.osi_approved:
        out.append(
            _f(
                "osi-required",
                "requirements.require_osi",
                "error",
                f"licence {name} is not OSI-approved",
                "choose a model under an OSI-approved licence",
            )
        )
    for warning in lic.warnings:
        if warning.startswith("HIGH:"):
            out.append(
                _f(
                    "license-mismatch",
                    "license",
                    "warning",
                    warning[5:].strip(),
                    "check which licence actually governs the weights before adopting",
                )
            )
    return out


def _term_findings(policy: Policy, lic: LicenseReport) -> list[Finding]:
    """Licence terms measured against the use context: caps, non-commercial, territories, training, duties."""
    ctx, req, out = policy.context, policy.requirements, []
    inherited = f" (inherited from base model {lic.inherited_from})" if lic.inherited_from else ""
    sharing = ctx.redistribute_weights or ctx.publish_derivatives
    scenarios = bundled_scenarios()
    for t in lic.terms:
        if t.details.get("applicable") is False:
            out.append(
                _f(
                    "term-not-applicable",
                    "licence terms",
                    "info",
                    f"{t.type} ({_summary(t)}) does not bind this release: {t.details.get('applicability', 'out of its scope')}{inherited}",
                    "",
                    t,
                )
            )
            continue
        if ctx.uses and not scenarios.binds(t.type, list(ctx.uses)):
            continue  # binds none of the intended uses
        if t.type == "mau_cap":
            cap = _number(t.value)
            if cap is None:
                continue
            if ctx.monthly_active_users is None:
                out.append(
                    _f(
                        "context-not-stated",
                        "context.monthly_active_users",
                        "warning",
                        f"licence caps monthly active users at {_n(cap)}{inherited}; the policy does not state them",
                        "state context.monthly_active_users in the policy",
                        t,
                    )
                )
            elif ctx.monthly_active_users > cap:
                out.append(
                    _f(
                        "mau-cap",
                        "context.monthly_active_users",
                        "error",
                        f"{_n(ctx.monthly_active_users)} monthly active users exceed the licence cap of {_n(cap)}{inherited}",
                        "request a separate licence from the licensor, or choose a model without a user cap",
                        t,
                    )
                )
        elif t.type == "revenue_cap":
            cap = _number(t.value)
            currency = (t.value.get("currency") if isinstance(t.value, dict) else None) or "USD"
            if cap is None:
                continue
            if ctx.annual_revenue_usd is None:
                out.append(
                    _f(
                        "context-not-stated",
                        "context.annual_revenue_usd",
                        "warning",
                        f"licence caps annual revenue at {currency} {_n(cap)}{inherited}; the policy does not state it",
                        "state context.annual_revenue_usd in the policy",
                        t,
                    )
                )
            elif str(currency).upper() != "USD":
                out.append(
                    _f(
                        "revenue-cap",
                        "context.annual_revenue_usd",
                        "warning",
                        f"licence caps annual revenue at {currency} {_n(cap)}{inherited}; compare with USD {_n(ctx.annual_revenue_usd)} by hand",
                        "convert the revenue to the licence's currency and confirm it is under the cap",
                        t,
                    )
                )
            elif ctx.annual_revenue_usd > cap:
                out.append(
                    _f(
                        "revenue-cap",
                        "context.annual_revenue_usd",
                        "error",
                        f"annual revenue USD {_n(ctx.annual_revenue_usd)} exceeds the licence cap of USD {_n(cap)}{inherited}",
                        "obtain an enterprise licence from the licensor, or choose another model",
                        t,
                    )
                )
        elif t.type in ("non_commercial", "research_only"):
            kind = "non-commercial" if t.type == "non_commercial" else "research-only"
            if ctx.commercial:
                out.append(
                    _f(
                        "non-commercial",
                        "context.commercial",
                        "error",
                        f"commercial use under a {kind} licence{inherited}",
                        "obtain a commercial licence, or choose a model whose licence allows commercial use",
                        t,
                    )
                )
            elif ctx.commercial is None:
                out.append(
                    _f(
                        "context-not-stated",
                        "context.commercial",
                        "warning",
                        f"the licence is {kind}{inherited}; the policy does not say whether use is commercial",
                        "state context.commercial in the policy",
                        t,
                    )
                )
        elif t.type == "territory_exclusions":
            excluded = _strings(t.value)
            scope = f" ({t.details['scope']})" if isinstance(t.details.get("scope"), str) else ""
            if not ctx.territories:
                out.append(
                    _f(
                        "context-not-stated",
                        "context.territories",
                        "warning",
                        f"licence excludes {', '.join(excluded)}{scope}{inherited}; the policy does not state territories served",
                        "state context.territories in the policy",
                        t,
                    )
                )
            elif hit := overlaps(ctx.territories, excluded):
                out.append(
                    _f(
                        "territory-excluded",
                        "context.territories",
                        "error",
                        f"the licence excludes {', '.join(excluded)}{scope}, and the product serves {', '.join(hit)}{inherited}",
                        "do not serve the excluded territories with this model, or obtain a licence that covers them",
                        t,
                    )
                )
        elif t.type == "no_training_other_models" and ctx.train_other_models_on_outputs:
            out.append(
                _f(
                    "no-training-other-models",
                    "context.train_other_models_on_outputs",
                    "error",
                    f"the licence forbids using outputs to improve other models{inherited}",
                    "do not train other models on its outputs, or choose a model that allows it",
                    t,
                )
            )
        elif t.type == "acceptable_use_policy":
            if sharing and t.details.get("pass_down"):
                out.append(
                    _f(
                        "aup-pass-down",
                        "context.redistribute_weights",
                        "warning",
                        f"redistributing or publishing derivatives: the acceptable-use restrictions must be passed down to recipients{inherited}",
                        "include the use restrictions as enforceable terms in your distribution agreement",
                        t,
                    )
                )
            else:
                out.append(
                    _f(
                        "aup-pass-down",
                        "context.commercial",
                        "info",
                        f"use must comply with the licensor's acceptable-use policy{inherited}",
                        "review the acceptable-use policy against the product's use cases",
                        t,
                    )
                )
        elif t.type == "naming" and (ctx.publish_derivatives or ctx.train_other_models_on_outputs):
            out.append(
                _f(
                    "naming-duty",
                    "context.publish_derivatives",
                    "warning",
                    f"models derived from it (or trained on its outputs) must follow the licence's naming rule{inherited}",
                    "name published derivatives as the licence prescribes",
                    t,
                )
            )
        elif t.type == "attribution" and (sharing or ctx.commercial):
            out.append(
                _f(
                    "attribution-duty",
                    "context.redistribute_weights",
                    "info",
                    f"the licence requires attribution or a notice{inherited}",
                    "ship the licence notice and any required attribution with the product",
                    t,
                )
            )
        elif t.type == "copyleft_on_derivatives" and sharing:
            out.append(
                _f(
                    "copyleft-duty",
                    "context.publish_derivatives",
                    "warning",
                    f"derivatives must be released under the same licence{inherited}",
                    "publish derivatives under the same licence",
                    t,
                )
            )
        elif t.type == "field_of_use_restrictions":
            out.append(
                _f(
                    "field-of-use",
                    "context.commercial",
                    "info",
                    f"the licence restricts fields of use{inherited}",
                    "confirm the product's use cases are outside the restricted fields",
                    t,
                )
            )
        elif t.type == "gated":
            if req.allow_gated:
                out.append(
                    _f(
                        "gated",
                        "requirements.allow_gated",
                        "info",
                        "access is gated: each user must accept the terms on the Hub",
                        "accept the terms with the account CI uses",
                        t,
                    )
                )
            else:
                out.append(
                    _f(
                        "gated",
                        "requirements.allow_gated",
                        "error",
                        "access is gated and the policy does not allow gated models",
                        "choose an ungated model, or set requirements.allow_gated",
                        t,
                    )
                )
    for finding in out:
        finding.uses = scenarios.binds(finding.term, list(ctx.uses)) if finding.term else list(ctx.uses)  # type: ignore[assignment]
    return out


def _openness_findings(policy: Policy, report: OpennessReport) -> list[Finding]:
    req, out = policy.requirements, []
    if report.level < req.min_level:
        bound = " (an upper bound)" if report.level_is_upper_bound else ""
        could = report.level_at_most is not None and report.level_at_most >= req.min_level
        out.append(
            _f(
                "level-below-minimum",
                "requirements.min_level",
                "error",
                f"openness level L{report.level}{bound} is below the required L{req.min_level}: {report.level_label}",
                ("audit online to read what is unknown (it may reach the minimum), " if could else "")
                + "choose a more open release, or lower requirements.min_level",
            )
        )
    for comp in req.required_components:
        verdict = report.components.get(comp.value)
        status = verdict.status if verdict else Status.UNKNOWN
        if status is not Status.OPEN:
            why = f": {verdict.reason}" if verdict and verdict.reason else ""
            out.append(
                _f(
                    "component-not-open",
                    "requirements.required_components",
                    "error",
                    f"required component {comp.value} is {status.value}{why}",
                    f"choose a release whose {comp.value} is open, or drop it from required_components",
                )
            )
    allowed = policy.requirements.allowed_classifications
    if allowed and report.classification not in allowed:
        what = "could not be determined" if report.classification == "unknown" else f"is {report.classification}"
        out.append(
            _f(
                "classification-not-allowed",
                "requirements.allowed_classifications",
                "error",
                f"the release's classification {what}; allowed: {', '.join(allowed)}",
                "choose a release with an allowed classification",
            )
        )
    return out


def _exemption(policy: Policy, names: Iterable[str], today: date) -> tuple[Exemption | None, list[Exemption]]:
    """The first valid exemption matching any of ``names``, and the matching ones that have expired."""
    lowered = [n.lower() for n in names if n]
    valid, expired = None, []
    for ex in policy.exemptions:
        if any(fnmatchcase(n, ex.model.lower()) for n in lowered):
            if ex.expires < today:
                expired.append(ex)
            elif valid is None:
                valid = ex
    return valid, expired


def evaluate(
    policy: Policy,
    report: OpennessReport | AuditError,
    today: date,
    target: str | None = None,
    locations: Sequence[Location] = (),
) -> ModelResult:
    """Every finding for one model under ``policy`` on ``today``; a model that could not be audited never passes."""
    target = target or report.id
    if policy.context.uses:  # what the intended uses imply about the context
        implied = bundled_scenarios().implied(list(policy.context.uses))
        policy = policy.model_copy(update={"context": policy.context.model_copy(update=implied)})
    findings: list[Finding] = []
    if isinstance(report, AuditError):
        findings.append(
            _f(
                "could-not-verify",
                "audit",
                "error",
                f"could not verify: {report.error}",
                "make the model readable (path, id, access token) and re-run, or exempt it",
            )
        )
        result = ModelResult(model=report.id, target=target, passed=False, verified=False, locations=list(locations))
    else:
        findings += _openness_findings(policy, report)
        lic = report.license
        if lic is None:
            findings.append(
                _f(
                    "license-not-audited",
                    "license",
                    "error",
                    "the licence was not audited, so licence requirements cannot be verified",
                    "audit with a version of openness that reads licences",
                )
            )
        else:
            findings += _license_findings(policy, lic) + _term_findings(policy, lic)
        result = ModelResult(
            model=report.id,
            target=target,
            passed=False,
            verified=True,
            level=report.level,
            classification=report.classification,
            license=lic.id if lic else None,
            license_inherited_from=lic.inherited_from if lic else None,
            locations=list(locations),
        )
    for f in findings:  # requirements that are not licence terms bind every intended use
        if f.term is None and not f.uses:
            f.uses = list(policy.context.uses)
    valid, expired = _exemption(policy, (result.model, target), today)
    for ex in expired:
        findings.append(
            _f(
                "exemption-expired",
                "exemptions",
                "info",
                f"exemption {ex.describe()} expired on {ex.expires.isoformat()} and no longer applies",
                "renew the exemption with its approver, or resolve the findings",
            )
        )
    if valid is not None:
        result.exemption = valid.describe()
        for f in findings:
            if f.check != "exemption-expired" and (not valid.checks or f.check in valid.checks):
                f.exempted = True
    failing = _FAILING[policy.fail_on]
    result.findings = findings
    result.passed = not any(f.severity in failing and not f.exempted for f in findings)
    return result
