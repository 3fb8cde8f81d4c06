"""evaluate(policy, report, today): every finding in one run, caps at/below/above, exemptions, fine-tunes."""

from __future__ import annotations

from datetime import date

import pytest

from openness.models import AuditError, Status
from openness.policy import Policy, check_models, evaluate, outcome
from tests.policy_helpers import checks, example, licence, report

TODAY = date(2026, 11, 23)


def with_context(policy: Policy, **ctx: object) -> Policy:
    return policy.model_copy(update={"context": policy.context.model_copy(update=ctx)})


def open_policy(**ctx: object) -> Policy:
    """No requirements at all: only the licence terms against the use context matter."""
    return Policy.model_validate({"context": ctx})


# ---- startup shipping a commercial product


def test_startup_passes_apache_model() -> None:
    result = evaluate(example("startup-commercial"), report(licence_key="apache-2.0"), TODAY)
    assert result.passed and result.verified
    assert checks(result, "error") == []
    assert checks(result) == ["attribution-duty"]  # commercial use: a duty, not a violation


def test_startup_passes_llama_below_mau_cap() -> None:
    result = evaluate(example("startup-commercial"), report(licence_key="llama3.1", classification="open-weights"), TODAY)
    assert result.passed, result.findings
    assert "mau-cap" not in checks(result)


def test_startup_fails_stability_model_over_revenue_cap_with_clause() -> None:
    result = evaluate(example("startup-commercial"), report(licence_key="stabilityai-community", classification="open-weights"), TODAY)
    assert not result.passed
    (finding,) = [f for f in result.findings if f.check == "revenue-cap"]
    assert finding.severity == "error" and finding.requirement == "context.annual_revenue_usd"
    assert "more than USD $1,000,000" in finding.clause
    assert "3,000,000" in finding.message and "1,000,000" in finding.message
    assert finding.resolution


def test_startup_fails_non_commercial_licence_with_every_finding() -> None:
    result = evaluate(example("startup-commercial"), report(licence_key="cc-by-nc-4.0"), TODAY)
    assert not result.passed
    # one run reports the denied category, the allow-list miss and the non-commercial term together
    assert {"license-denied", "license-not-allowed", "non-commercial"} <= set(checks(result, "error"))
    nc = next(f for f in result.findings if f.check == "non-commercial")
    assert nc.clause.startswith("NonCommercial means")


def test_startup_fails_eu_excluded_licence() -> None:
    result = evaluate(example("startup-commercial"), report(licence_key="tencent-hunyuan-community", classification="open-weights"), TODAY)
    finding = next(f for f in result.findings if f.check == "territory-excluded")
    assert finding.severity == "error" and "EU" in finding.message
    assert "DOES NOT APPLY IN THE EUROPEAN UNION" in finding.clause
    assert not result.passed


# ---- MAU cap: a licence is needed when MAU is GREATER than 700M


@pytest.mark.parametrize(
    ("mau", "passes"),
    [(0, True), (699_999_999, True), (700_000_000, True), (700_000_001, False), (900_000_000, False)],
)
def test_llama_mau_cap_at_below_and_above(mau: int, passes: bool) -> None:
    result = evaluate(open_policy(commercial=True, monthly_active_users=mau), report(licence_key="llama3.1"), TODAY)
    assert result.passed is passes
    assert ("mau-cap" in checks(result, "error")) is not passes


def test_mau_not_stated_is_a_warning_not_a_pass_or_fail() -> None:
    result = evaluate(open_policy(commercial=True), report(licence_key="llama3.1"), TODAY)
    assert "context-not-stated" in checks(result, "warning")
    assert result.passed  # fail_on: error


def test_eu_enterprise_900m_users_llama_reports_all_findings() -> None:
    """The issue's example: fine for an internal tool, not for a consumer app with 900M monthly users."""
    policy = example("eu-enterprise")
    result = evaluate(policy, report("meta-llama/Llama-3.1-8B", licence_key="llama3.1", classification="open-weights"), TODAY)
    assert not result.passed
    errors = set(checks(result, "error"))
    assert {"mau-cap", "license-not-allowed"} <= errors
    mau = next(f for f in result.findings if f.check == "mau-cap")
    assert "900,000,000" in mau.message and "700,000,000" in mau.message
    assert "greater than 700 million monthly active users" in mau.clause
    internal = with_context(policy, monthly_active_users=900)
    assert "mau-cap" not in checks(evaluate(internal, report(licence_key="llama3.1"), TODAY))


# ---- revenue cap: more than USD 1M


@pytest.mark.parametrize(("revenue", "passes"), [(999_999, True), (1_000_000, True), (1_000_000.01, False), (1_000_001, False)])
def test_stability_revenue_cap_at_below_and_above(revenue: float, passes: bool) -> None:
    result = evaluate(open_policy(commercial=True, annual_revenue_usd=revenue), report(licence_key="stabilityai-community"), TODAY)
    assert result.passed is passes
    assert ("revenue-cap" in checks(result)) is not passes


def test_revenue_cap_in_other_currency_is_a_warning() -> None:
    lic = licence("stabilityai-community")
    lic.terms[0].value = {"amount": 1_000_000, "currency": "EUR"}
    result = evaluate(open_policy(commercial=True, annual_revenue_usd=5_000_000), report(license_report=lic), TODAY)
    assert checks(result) == ["revenue-cap"] and result.findings[0].severity == "warning"


# ---- research lab


def test_research_lab_non_commercial_licence_passes() -> None:
    result = evaluate(example("research-lab"), report(licence_key="cc-by-nc-4.0"), TODAY)
    assert result.passed, result.findings


def test_research_lab_fails_training_on_outputs_where_forbidden() -> None:
    result = evaluate(example("research-lab"), report("meta-llama/Meta-Llama-3-8B", licence_key="llama3"), TODAY)
    finding = next(f for f in result.findings if f.check == "no-training-other-models")
    assert finding.severity == "error" and finding.requirement == "context.train_other_models_on_outputs"
    assert "improve any other large language model" in finding.clause
    assert not result.passed


def test_research_lab_naming_and_aup_duties_are_not_violations() -> None:
    result = evaluate(example("research-lab"), report(licence_key="llama3.1"), TODAY)
    assert "naming-duty" in checks(result, "warning")
    gemma = evaluate(example("research-lab"), report(licence_key="gemma"), TODAY)
    assert "aup-pass-down" in checks(gemma, "warning") and "gated" in checks(gemma, "info")
    assert result.passed and gemma.passed


def test_research_lab_fails_when_required_component_not_open() -> None:
    result = evaluate(example("research-lab"), report(level=2, licence_key="apache-2.0"), TODAY)  # training code closed
    finding = next(f for f in result.findings if f.check == "component-not-open")
    assert "training_code is closed" in finding.message
    assert not result.passed


def test_a_level_held_down_by_an_unknown_part_says_reading_it_may_reach_the_minimum() -> None:
    unread = report(level=1, statuses={"technical_report": Status.UNKNOWN}).model_copy(update={"level_at_most": 2})
    finding = next(f for f in evaluate(example("research-lab"), unread, TODAY).findings if f.check == "level-below-minimum")
    assert finding.resolution.startswith("audit online to read what is unknown")
    known = report(level=1, statuses={"technical_report": Status.PARTIAL})
    finding = next(f for f in evaluate(example("research-lab"), known, TODAY).findings if f.check == "level-below-minimum")
    assert finding.resolution.startswith("choose a more open release")


def test_research_lab_exemption_covers_only_its_checks() -> None:
    policy = example("research-lab")
    baseline = evaluate(policy, report("meta-llama/Llama-3.1-8B", level=1, licence_key="llama3.1"), TODAY)
    assert baseline.passed and baseline.exemption and "research-ethics-board" in baseline.exemption
    assert set(checks(baseline, exempted=True)) == {"level-below-minimum", "component-not-open"}
    # the exemption names only openness checks: training on a Llama 3 model's outputs still fails
    llama3 = evaluate(policy, report("meta-llama/Llama-3.1-8B", level=1, licence_key="llama3"), TODAY)
    assert "no-training-other-models" in checks(llama3, "error", exempted=False)
    assert not llama3.passed


# ---- EU enterprise: strict allow-list, fail_on: warning, exemptions


def test_eu_enterprise_passes_permissive_open_model() -> None:
    result = evaluate(example("eu-enterprise"), report(level=3, licence_key="apache-2.0"), TODAY)
    assert result.passed, result.findings


def test_eu_enterprise_fails_on_licence_mismatch_warning() -> None:
    lic = licence("apache-2.0", warnings=["HIGH: metadata says apache-2.0 but LICENSE is the Llama 3.1 agreement", "LOW: no NOTICE"])
    result = evaluate(example("eu-enterprise"), report(license_report=lic), TODAY)
    (finding,) = [f for f in result.findings if f.check == "license-mismatch"]
    assert finding.severity == "warning" and finding.message.startswith("metadata says")
    assert not result.passed  # the policy fails on warnings
    lenient = example("eu-enterprise").model_copy(update={"fail_on": "error"})
    assert evaluate(lenient, report(license_report=lic), TODAY).passed


def test_eu_enterprise_denies_exact_id_and_level() -> None:
    result = evaluate(example("eu-enterprise"), report(level=1, licence_key="cc-by-nc-4.0"), TODAY)
    assert {"license-denied", "level-below-minimum", "component-not-open", "non-commercial"} <= set(checks(result, "error"))


def test_exemption_applies_until_and_including_expiry_then_stops_and_says_so() -> None:
    policy = example("eu-enterprise")
    model = report("internal/helpdesk-bot", level=1, licence_key="llama3.1")
    active = evaluate(policy, model, date(2027, 6, 30))
    assert active.passed and active.exemption and "legal@example.com" in active.exemption
    assert all(f.exempted for f in active.findings) and "mau-cap" in checks(active)
    expired = evaluate(policy, model, date(2027, 7, 1))
    assert not expired.passed and expired.exemption is None
    note = next(f for f in expired.findings if f.check == "exemption-expired")
    assert "expired on 2027-06-30" in note.message and "internal/helpdesk-*" in note.message
    assert not any(f.exempted for f in expired.findings)


def test_exemption_glob_matches_case_insensitively_and_not_other_models() -> None:
    policy = example("eu-enterprise")
    assert evaluate(policy, report("Internal/Helpdesk-Bot", licence_key="llama3.1"), TODAY).exemption
    assert evaluate(policy, report("internal/other", licence_key="llama3.1"), TODAY).exemption is None


# ---- exact licence id matching, never substrings


def test_licence_ids_match_exactly() -> None:
    policy = Policy.model_validate({"requirements": {"allowed_licenses": ["apache-2.0"], "denied_licenses": ["mit"]}})
    lookalike = licence("apache-2.0", id="apache-2.0-with-llvm-exception", spdx=None, category="unknown")
    assert "license-not-allowed" in checks(evaluate(policy, report(license_report=lookalike), TODAY))
    mit0 = licence("apache-2.0", id="mit-0", spdx="MIT-0", category="unknown")
    assert "license-denied" not in checks(evaluate(policy, report(license_report=mit0), TODAY))
    upper = licence("apache-2.0", id="Apache-2.0")
    assert evaluate(policy, report(license_report=upper), TODAY).passed


def test_allowed_category_admits_licence_not_listed_by_id() -> None:
    policy = Policy.model_validate({"requirements": {"allowed_licenses": ["mit"], "allowed_categories": ["permissive"]}})
    assert evaluate(policy, report(licence_key="apache-2.0"), TODAY).passed


def test_osi_and_classification_requirements() -> None:
    policy = Policy.model_validate({"requirements": {"require_osi": True, "allowed_classifications": ["open-source"]}})
    result = evaluate(policy, report(licence_key="llama3.1", classification="open-weights"), TODAY)
    assert {"osi-required", "classification-not-allowed"} <= set(checks(result, "error"))
    unknown = evaluate(policy, report(licence_key="apache-2.0", classification="unknown"), TODAY)
    assert "could not be determined" in next(f.message for f in unknown.findings if f.check == "classification-not-allowed")


# ---- territories, commercial not stated, gating


@pytest.mark.parametrize(("served", "hit"), [(["DE"], True), (["European Union"], True), (["US", "JP"], False), (["UK"], False)])
def test_territory_exclusion_covers_member_states(served: list[str], hit: bool) -> None:
    result = evaluate(open_policy(commercial=True, territories=served), report(licence_key="tencent-hunyuan-community"), TODAY)
    assert ("territory-excluded" in checks(result, "error")) is hit


def test_unstated_context_gives_warnings() -> None:
    result = evaluate(open_policy(), report(licence_key="cc-by-nc-4.0"), TODAY)
    assert checks(result, "warning") == ["context-not-stated"]
    assert evaluate(open_policy(), report(licence_key="tencent-hunyuan-community"), TODAY).findings[0].requirement == "context.territories"


def test_gated_models_denied_when_policy_says_so() -> None:
    policy = Policy.model_validate({"requirements": {"allow_gated": False}, "context": {"commercial": True}})
    assert "gated" in checks(evaluate(policy, report(licence_key="gemma"), TODAY), "error")


# ---- fine-tunes: the base model's terms, carried over on the report


def test_fine_tune_is_checked_with_its_base_models_terms() -> None:
    inherited = licence("llama3.1", source="base_model", inherited_from="meta-llama/Llama-3.1-8B")
    result = evaluate(example("eu-enterprise"), report("acme/llama-ft", license_report=inherited), TODAY)
    assert result.license_inherited_from == "meta-llama/Llama-3.1-8B"
    mau = next(f for f in result.findings if f.check == "mau-cap")
    assert "inherited from base model meta-llama/Llama-3.1-8B" in mau.message
    assert not result.passed


# ---- what cannot be verified never passes


def test_audit_error_is_could_not_verify() -> None:
    result = evaluate(open_policy(), AuditError(id="org/private", error="access denied (gated)"), TODAY)
    assert not result.passed and not result.verified
    assert result.findings[0].check == "could-not-verify" and result.findings[0].severity == "error"
    assert "could not verify" in result.findings[0].message


def test_unaudited_or_unrecognised_licence_fails() -> None:
    assert "license-not-audited" in checks(evaluate(open_policy(), report(licence_key=None), TODAY), "error")
    unknown = licence("apache-2.0", id=None, recognised=False, declared="other", category="unknown", terms=[])
    result = evaluate(open_policy(), report(license_report=unknown), TODAY)
    assert "license-unrecognised" in checks(result, "error") and not result.passed


def test_outcome_and_check_models() -> None:
    policy = open_policy(commercial=True)
    ok = check_models(policy, "p.yaml", [("a", report(licence_key="apache-2.0"))], TODAY)
    assert outcome(ok) == "pass" and ok.passed
    bad = check_models(policy, "p.yaml", [("a", report(licence_key="apache-2.0")), ("b", report(licence_key="cc-by-nc-4.0"))], TODAY)
    assert outcome(bad) == "fail" and [r.passed for r in bad.results] == [True, False]
    err = check_models(policy, "p.yaml", [("c", AuditError(id="c", error="boom")), ("b", report(licence_key="cc-by-nc-4.0"))], TODAY)
    assert outcome(err) == "error"


def test_evaluate_is_pure() -> None:
    policy, model = example("eu-enterprise"), report("internal/helpdesk-bot", licence_key="llama3.1")
    before = (policy.model_dump(), model.model_dump())
    first = evaluate(policy, model, TODAY)
    assert (policy.model_dump(), model.model_dump()) == before
    assert evaluate(policy, model, TODAY) == first


def test_statuses_partial_is_not_open() -> None:
    policy = Policy.model_validate({"requirements": {"required_components": ["training_data"]}, "context": {"commercial": True}})
    result = evaluate(policy, report(level=5, statuses={"training_data": Status.PARTIAL}), TODAY)
    assert "training_data is partial" in result.findings[0].message
