"""Check report formatters: JSON keys, SARIF 2.1.0 validity and locations, JUnit XML, Markdown/text escaping."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema

from openness.formatters.check import format_json, format_markdown, format_text, summary_line
from openness.formatters.junit import format_junit
from openness.formatters.sarif import format_sarif
from openness.models import AuditError
from openness.policy import CheckReport, check_models
from openness.policy.models import CHECK_SCHEMA_VERSION
from openness.scan.models import Location, ScanProblem
from tests.policy_helpers import example, report

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "sarif-2.1.0-subset.schema.json").read_text())
TODAY = date(2026, 11, 23)


def sample() -> CheckReport:
    policy = example("eu-enterprise")
    audited = [
        ("meta-llama/Llama-3.1-8B-Instruct", report("meta-llama/Llama-3.1-8B-Instruct", licence_key="llama3.1")),
        ("internal/helpdesk-bot", report("internal/helpdesk-bot", licence_key="llama3.1")),
        ("acme/ok", report("acme/ok", level=3, licence_key="apache-2.0")),
        ("org/private", AuditError(id="org/private", error="access denied\x1b[31m")),
    ]
    locations = {
        "meta-llama/Llama-3.1-8B-Instruct": [
            Location(path="src/app gen.py", line=13, via="from_pretrained"),
            Location(path="configs/x.yaml", line=2, via="config key model"),
        ]
    }
    return check_models(policy, "policy.yaml", audited, TODAY, locations, [ScanProblem(path="broken.py", error="syntax error at line 3")])


def test_json_keeps_the_contract() -> None:
    data = json.loads(format_json(sample()))
    assert data["schema_version"] == CHECK_SCHEMA_VERSION and data["passed"] is False
    first = data["results"][0]
    assert first["model"] == "meta-llama/Llama-3.1-8B-Instruct" and first["passed"] is False
    mau = next(f for f in first["findings"] if f["check"] == "mau-cap")
    assert {"requirement", "severity", "message", "clause"} <= mau.keys()
    assert mau["severity"] == "error" and "700 million" in mau["clause"]
    assert [r["passed"] for r in data["results"]] == [False, True, True, False]
    assert data["scan_problems"] == [{"path": "broken.py", "error": "syntax error at line 3"}]


def _sarif() -> dict[str, Any]:
    return json.loads(format_sarif(sample()))


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    jsonschema.validate(_sarif(), SCHEMA, format_checker=jsonschema.FormatChecker())


def test_sarif_locates_scanned_findings_at_file_and_line() -> None:
    results = _sarif()["runs"][0]["results"]
    mau = next(r for r in results if r["ruleId"] == "mau-cap")
    where = [
        (loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["region"]["startLine"]) for loc in mau["locations"]
    ]
    assert where == [("src/app%20gen.py", 13), ("configs/x.yaml", 2)]
    assert mau["level"] == "error" and "700 million" in mau["message"]["text"]
    other = next(r for r in results if r["properties"]["model"] == "org/private")
    assert other["ruleId"] == "could-not-verify"
    assert other["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policy.yaml"


def test_sarif_rules_indexes_suppressions_and_notifications() -> None:
    run = _sarif()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in {"error", "warning", "note"}
    exempt = [r for r in run["results"] if r["properties"]["model"] == "internal/helpdesk-bot"]
    assert exempt and all(r["suppressions"][0]["kind"] == "external" for r in exempt)
    assert "legal@example.com" in exempt[0]["suppressions"][0]["justification"]
    assert (
        run["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
    )
    fingerprints = [r["partialFingerprints"]["opennessFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_junit_one_case_per_model() -> None:
    root = ET.fromstring(format_junit(sample()).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "4" and suite.get("failures") == "1" and suite.get("errors") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failure = cases["meta-llama/Llama-3.1-8B-Instruct"].find("failure")
    assert failure is not None and "mau-cap" in (failure.text or "")
    error = cases["org/private"].find("error")
    assert error is not None and "\x1b" not in (error.get("message") or "")
    assert cases["internal/helpdesk-bot"].find("failure") is None
    assert "exempt:" in (cases["internal/helpdesk-bot"].findtext("system-out") or "")


def test_text_and_markdown_escape_and_summarise() -> None:
    text = format_text(sample())
    assert "\x1b" not in text and "FAIL  meta-llama/Llama-3.1-8B-Instruct" in text
    assert "referenced at src/app gen.py:13" in text and "clause: “greater than 700 million" in text
    # the summary is said once, on stderr by the CLI, not also at the end of the report
    assert summary_line(sample()) == "4 model(s) checked against policy.yaml: 2 passed, 2 failed"
    assert "model(s) checked" not in text
    md = format_markdown(sample())
    assert md.startswith("### Model policy check: ❌ failed")
    assert "| meta-llama/Llama-3.1-8B-Instruct | **fail** |" in md
    assert "| internal/helpdesk-bot | pass (exempt) |" in md
    assert "broken.py" in md and "\x1b" not in md
