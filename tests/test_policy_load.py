"""Policy files: schema errors name the key on one line; unknown licence ids are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.errors import PolicyError
from openness.license.database import LicenseDatabase
from openness.policy import load_policy, load_policy_text
from tests.policy_helpers import EXAMPLES, KNOWN_IDS


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_policies_load_and_validate(path: Path) -> None:
    policy = load_policy(path, KNOWN_IDS)
    assert policy.name == path.stem
    assert policy.context.commercial is not None and policy.description


def test_issue_shape_loads() -> None:
    text = """
requirements: {min_level: 2, required_components: [training_code], allowed_licenses: [apache-2.0, mit],
  denied_licenses: [cc-by-nc-4.0], allowed_categories: [permissive], require_osi: false,
  allowed_classifications: [open-source, open-weights, open-access]}
context: {commercial: true, monthly_active_users: 900000000, annual_revenue_usd: 5000000, territories: [EU, US],
  train_other_models_on_outputs: false, redistribute_weights: true, publish_derivatives: false}
exemptions: [{model: "org/name-*", reason: "pilot", approver: "cto", expires: 2027-06-30}]
"""
    policy = load_policy_text(text, "p.yaml", KNOWN_IDS)
    assert policy.context.monthly_active_users == 900_000_000
    assert policy.exemptions[0].expires.isoformat() == "2027-06-30"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("requirements: {min_level: 7}", "requirements.min_level"),
        ("requirements: {min_levle: 2}", "requirements.min_levle"),
        ("context: {monthly_active_users: lots}", "context.monthly_active_users"),
        ("requirements: {allowed_categories: [permisive]}", "requirements.allowed_categories.0"),
        ("requirements: {required_components: [weigths]}", "requirements.required_components.0"),
        ("exemptions: [{model: 'a/*', reason: r, approver: a}]", "exemptions.0.expires"),
        ("exemptions: [{model: 'a/*', reason: r, approver: a, expires: 2027-01-01, checks: [mau]}]", "exemptions.0.checks"),
        ("fail_on: never", "fail_on"),
    ],
)
def test_schema_errors_name_the_key_on_one_line(text: str, names: str) -> None:
    with pytest.raises(PolicyError) as err:
        load_policy_text(text, "policy.yaml")
    message = str(err.value)
    assert f"policy.yaml: {names}:" in message and "\n" not in message


def test_unknown_licence_ids_are_errors_with_a_suggestion() -> None:
    with pytest.raises(
        PolicyError, match=r"requirements\.allowed_licenses\.1: unknown licence id 'apache2.0' \(did you mean 'apache-2.0'\?\)"
    ):
        load_policy_text("requirements: {allowed_licenses: [mit, apache2.0]}", "p.yaml", KNOWN_IDS)
    with pytest.raises(PolicyError, match=r"denied_licenses\.0: unknown licence id 'no-such-licence'"):
        load_policy_text("requirements: {denied_licenses: [no-such-licence]}", "p.yaml", KNOWN_IDS)


def test_licence_ids_are_case_insensitive() -> None:
    policy = load_policy_text("requirements: {allowed_licenses: [Apache-2.0]}", "p.yaml", KNOWN_IDS)
    assert policy.requirements.allowed_licenses == ["apache-2.0"]


@pytest.mark.parametrize("text", ["- just\n- a list\n", "requirements: [", "42"])
def test_not_a_policy(text: str) -> None:
    with pytest.raises(PolicyError) as err:
        load_policy_text(text, "p.yaml")
    assert str(err.value).startswith("p.yaml")


def test_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "absent.yaml")


def test_known_license_ids_come_from_the_licence_database() -> None:
    known = LicenseDatabase.load().known_ids()
    assert {"apache-2.0", "mit", "llama3.1", "cc-by-nc-4.0"} <= known
    assert "apache" not in known  # exact ids only, never substrings
