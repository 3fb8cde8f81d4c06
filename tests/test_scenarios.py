"""Usage scenarios: a licence term decides only the uses it binds, on both sides of each term."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.cli import cli
from openness.errors import PolicyError, RuleError
from openness.license.models import LicenseTerm, TermType
from openness.policy import Policy, load_policy
from openness.policy.evaluate import evaluate
from openness.policy.scenarios import USES, bundled_scenarios, load_scenarios
from tests.policy_helpers import KNOWN_IDS, licence, report

TODAY = date(2026, 12, 1)
SCENARIOS = bundled_scenarios()

# One real-shaped term of each type (values as the licence database writes them).
TERMS: dict[str, LicenseTerm] = {
    "mau_cap": LicenseTerm(type="mau_cap", value=700_000_000, clause="greater than 700 million monthly active users"),
    "revenue_cap": LicenseTerm(
        type="revenue_cap", value={"amount": 1_000_000, "currency": "USD"}, clause="annual revenue of US $1,000,000"
    ),
    "non_commercial": LicenseTerm(type="non_commercial", clause="NonCommercial"),
    "research_only": LicenseTerm(type="research_only", clause="for research purposes only"),
    "acceptable_use_policy": LicenseTerm(type="acceptable_use_policy", clause="comply with the use policy", details={"pass_down": True}),
    "no_training_other_models": LicenseTerm(type="no_training_other_models", clause="not use outputs to improve any other model"),
    "attribution": LicenseTerm(type="attribution", clause="retain the notice"),
    "naming": LicenseTerm(type="naming", value="Built with Llama", clause="display Built with Llama"),
    "territory_exclusions": LicenseTerm(type="territory_exclusions", value=["EU"], clause="not granted in the EU"),
    "gated": LicenseTerm(type="gated", clause="accept the terms on the Hub"),
    "termination": LicenseTerm(type="termination", clause="this licence terminates"),
    "copyleft_on_derivatives": LicenseTerm(type="copyleft_on_derivatives", clause="under the same licence"),
    "field_of_use_restrictions": LicenseTerm(type="field_of_use_restrictions", clause="not for military use"),
}


def findings_for(term: LicenseTerm, uses: list[str]) -> list[object]:
    lic = licence("apache-2.0", terms=[term.model_dump()])
    policy = Policy.model_validate({"context": {"uses": uses}})
    result = evaluate(policy, report(license_report=lic), TODAY)
    return [f for f in result.findings if f.term == term.type]


def test_every_term_type_has_a_binding_and_a_test_term() -> None:
    from typing import get_args

    assert set(SCENARIOS.terms) == set(get_args(TermType)) == set(TERMS)


@pytest.mark.parametrize("term_type", sorted(TERMS))
def test_a_term_decides_exactly_the_uses_it_binds(term_type: str) -> None:
    term = TERMS[term_type]
    binds = SCENARIOS.binds(term_type, [])
    decided = []
    for use in USES:
        found = findings_for(term, [use])
        if use not in binds:
            assert found == [], f"{term_type} binds {binds}, yet decided '{use}'"
        elif found:
            decided.append(use)
            assert all(f.uses == [use] for f in found)  # type: ignore[attr-defined]
    if binds:
        assert decided, f"{term_type} binds {binds} but decided none of them"
    else:
        assert term_type == "termination"


@pytest.mark.parametrize(
    ("term_type", "binding", "not_binding"),
    [
        ("mau_cap", "product", "internal"),
        ("no_training_other_models", "outputs-only", "product"),
        ("acceptable_use_policy", "redistribute", "internal"),  # the pass-down duty
        ("copyleft_on_derivatives", "fine-tune-and-publish", "product"),
        ("attribution", "redistribute", "internal"),
        ("field_of_use_restrictions", "product", "outputs-only"),
    ],
)
def test_the_issue_examples_on_both_sides(term_type: str, binding: str, not_binding: str) -> None:
    on = findings_for(TERMS[term_type], [binding])
    off = findings_for(TERMS[term_type], [not_binding])
    if term_type == "acceptable_use_policy":  # the AUP governs every use; passing it down binds distribution
        assert any(f.severity == "warning" for f in on) and not any(f.severity == "warning" for f in off)  # type: ignore[attr-defined]
    else:
        assert on and not off


def test_mau_cap_fails_a_product_above_the_cap_and_not_internal_use() -> None:
    lic = licence("apache-2.0", terms=[TERMS["mau_cap"].model_dump()])
    for uses, passed in ((["product"], False), (["internal"], True)):
        policy = Policy.model_validate({"context": {"uses": uses, "monthly_active_users": 800_000_000}})
        assert evaluate(policy, report(license_report=lic), TODAY).passed is passed


def test_without_uses_every_term_counts_as_before() -> None:
    lic = licence("apache-2.0", terms=[TERMS["mau_cap"].model_dump()])
    policy = Policy.model_validate({"context": {"monthly_active_users": 800_000_000}})
    result = evaluate(policy, report(license_report=lic), TODAY)
    mau = [f for f in result.findings if f.check == "mau-cap"]
    assert mau and mau[0].uses == ["product"]


def test_requirements_that_are_not_terms_bind_every_stated_use() -> None:
    policy = Policy.model_validate({"requirements": {"min_level": 5}, "context": {"uses": ["internal", "product"]}})
    result = evaluate(policy, report(level=2), TODAY)
    low = next(f for f in result.findings if f.check == "level-below-minimum")
    assert low.uses == ["internal", "product"]


def test_policy_key_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("context:\n  uses: [product, outputs-only]\n")
    assert load_policy(path, KNOWN_IDS).context.uses == ["product", "outputs-only"]
    path.write_text("context:\n  uses: [sell-it]\n")
    with pytest.raises(PolicyError, match="uses"):
        load_policy(path, KNOWN_IDS)


def test_a_bad_scenario_file_names_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("uses: {}\nterms:\n  mau_cap: {binds: [selling], why: x}\n")
    with pytest.raises(RuleError) as err:
        load_scenarios(path)
    assert str(path) in str(err.value) and "terms.mau_cap.binds" in str(err.value)


CARD = """---
license: llama3.1
---
# A Llama fine-tune

Fine-tuned for support chats.
"""


def test_check_use_changes_the_exit_code_where_the_term_binds(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(CARD)
    policy = tmp_path / "policy.yaml"
    policy.write_text("context:\n  monthly_active_users: 800000000\n  territories: [US]\n")
    runner = CliRunner()
    product = runner.invoke(cli, ["check", "--policy", str(policy), "--use", "product", str(tmp_path / "m"), "--offline"])
    internal = runner.invoke(cli, ["check", "--policy", str(policy), "--use", "internal", str(tmp_path / "m"), "--offline"])
    assert product.exit_code == 1 and "mau-cap" in product.stdout and "binds: product" in product.stdout
    assert internal.exit_code == 0 and "mau-cap" not in internal.stdout
