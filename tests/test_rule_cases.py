"""One generic test walks tests/rules/<RULE-ID>/<case>/: adding a rule adds data, not test code.

Each case is a model directory (README.md card plus any files), or a lone ``card.md`` (a card read
without its repository's file list), and an ``expected.yaml``:
``fires`` (did the rule fire?), optionally ``component`` and ``status`` (the component's verdict).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.audit import Auditor, AuditSettings
from openness.yamlio import load_yaml_file

CASES = sorted(p.parent for p in (Path(__file__).parent / "rules").glob("*/*/expected.yaml"))


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    return Auditor.from_settings(AuditSettings(explain=True, offline=True))


def test_every_case_names_a_real_rule(auditor: Auditor) -> None:
    assert CASES, "no rule cases found"
    unknown = {c.parent.name for c in CASES} - {r.id for r in auditor.pipeline.rules.rules}
    assert not unknown, f"cases for rules that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_rule_case(case: Path, auditor: Auditor) -> None:
    expected = load_yaml_file(case / "expected.yaml")
    rule_id = case.parent.name
    rule = auditor.pipeline.rules.get(rule_id)
    assert rule is not None
    card_alone = case / "card.md"
    report = auditor.audit(str(card_alone if card_alone.exists() else case))
    verdict = report.components[rule.meta.component.value]
    fired = {hit.rule for hit in verdict.rules_fired}
    assert (rule_id in fired) is expected["fires"], f"{rule_id} fired={rule_id in fired}; fired: {sorted(fired)}"
    if "status" in expected:
        component = expected.get("component", rule.meta.component.value)
        assert report.components[component].status.value == expected["status"]
