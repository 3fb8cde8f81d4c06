"""`openness check` end to end: the real CLI on fixture model directories, policies and the sample project.

Tests marked ``needs_license_audit`` assert licence-driven findings; they skip (with that reason) while
the audit does not yet produce a LicenseReport (the licence audit lands on another branch), and run
unchanged once it does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = "tests/fixtures/policy/models"
EXAMPLES = "examples/policies"
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif-2.1.0-subset.schema.json").read_text())


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "HF_HUB_OFFLINE": "1", "OPENNESS_OFFLINE": "1", **(env or {})}
    environ.pop("OPENNESS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "openness.cli", "check", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def results(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    return {r["model"]: r for r in json.loads(proc.stdout)["results"]}


def checks(result: dict[str, Any], severity: str | None = None) -> set[str]:
    return {f["check"] for f in result["findings"] if severity is None or f["severity"] == severity}


@cache
def _license_audited() -> bool:
    from openness.audit import Auditor

    return Auditor.from_settings().audit(str(ROOT / MODELS / "acme__apache-tiny")).license is not None


needs_license_audit = pytest.mark.skipif(
    "not _license_audited()", reason="needs the licence audit (branch 'license'): reports have license=None"
)


def write_policy(tmp_path: Path, text: str) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return str(path)


# ---- works on any branch: errors, unverifiable models, exemptions, scan, output formats


def test_policy_schema_error_is_one_line_exit_2(tmp_path: Path) -> None:
    proc = run("--policy", write_policy(tmp_path, "requirements: {min_level: 9}\n"), f"{MODELS}/acme__apache-tiny")
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.startswith("openness: error:")]
    assert len(lines) == 1 and "requirements.min_level" in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_missing_policy_and_nothing_to_check(tmp_path: Path) -> None:
    assert run("--policy", str(tmp_path / "absent.yaml"), "x").returncode == 2
    proc = run("--policy", f"{EXAMPLES}/research-lab.yaml")
    assert proc.returncode == 2 and "nothing to check" in proc.stderr


def test_model_that_cannot_be_audited_is_could_not_verify_exit_2() -> None:
    proc = run("--policy", f"{EXAMPLES}/research-lab.yaml", "--format", "json", f"{MODELS}/does-not-exist")
    assert proc.returncode == 2
    (result,) = results(proc).values()
    assert result["passed"] is False and result["verified"] is False
    assert [f["check"] for f in result["findings"]] == ["could-not-verify"]


def test_exemption_passes_until_expiry_then_fails(tmp_path: Path) -> None:
    policy = write_policy(
        tmp_path,
        """
requirements: {min_level: 5, allowed_licenses: [apache-2.0]}
context: {commercial: true}
exemptions:
  - {model: "acme/*", reason: "pilot before the licence review", approver: "cto", expires: 2027-03-31}
""",
    )
    targets = [f"{MODELS}/acme__nc-model", f"{MODELS}/acme__apache-tiny"]
    ok = run("--policy", policy, "--format", "json", "--today", "2027-03-31", *targets)
    assert ok.returncode == 0, ok.stderr
    assert all(r["passed"] and "cto" in r["exemption"] for r in results(ok).values())
    late = run("--policy", policy, "--format", "json", "--today", "2027-04-01", *targets)
    assert late.returncode == 1
    for r in results(late).values():
        assert not r["passed"] and "exemption-expired" in checks(r, "info") and "level-below-minimum" in checks(r, "error")


def test_scan_sample_project_json_sarif_junit(tmp_path: Path) -> None:
    policy = write_policy(tmp_path, "requirements: {min_level: 5}\ncontext: {commercial: true}\n")
    proc = run("--policy", policy, "--scan", "tests/fixtures/scan_project", "--format", "json")
    assert proc.returncode in (1, 2), proc.stderr  # 2 offline (Hub ids cannot be audited), 1 when they can
    data = json.loads(proc.stdout)
    by_model = {r["model"]: r for r in data["results"]}
    assert len(data["results"]) == 13 and not data["passed"]
    llama = next(r for r in data["results"] if r["target"] == "meta-llama/Llama-3.1-8B-Instruct")
    assert [(loc["path"], loc["line"]) for loc in llama["locations"]] == [
        ("tests/fixtures/scan_project/src/app/generate.py", 13),
        ("tests/fixtures/scan_project/src/app/generate.py", 14),
    ]
    assert {Path(p["path"]).name for p in data["scan_problems"]} == {"broken.py", "broken.yaml"}
    assert "scan: skipped tests/fixtures/scan_project/broken.py" in proc.stderr
    assert all(not r["passed"] for r in by_model.values())

    out = tmp_path / "openness.sarif"
    sarif_proc = run("--policy", policy, "--scan", "tests/fixtures/scan_project", "--format", "sarif", "-o", str(out))
    assert sarif_proc.returncode in (1, 2) and sarif_proc.stdout == ""
    sarif = json.loads(out.read_text())
    jsonschema.validate(sarif, SCHEMA, format_checker=jsonschema.FormatChecker())
    uris = {
        (loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["region"]["startLine"])
        for r in sarif["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert ("tests/fixtures/scan_project/configs/train.yaml", 2) in uris
    assert ("tests/fixtures/scan_project/src/app/embed.py", 7) in uris

    junit = run("--policy", policy, "--scan", "tests/fixtures/scan_project", "--format", "junit")
    suite = ET.fromstring(junit.stdout.split("\n", 1)[1]).find("testsuite")
    assert suite is not None and suite.get("tests") == "13"


def test_from_file_and_env_policy_markdown() -> None:
    proc = run(
        "--from-file", "tests/fixtures/policy/models.txt", "--format", "markdown", env={"OPENNESS_POLICY": f"{EXAMPLES}/eu-enterprise.yaml"}
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("### Model policy check: ❌ failed")
    assert "Referenced at tests/fixtures/policy/models.txt:2" in proc.stdout
    assert "acme/nc\\-model" in proc.stdout or "acme/nc-model" in proc.stdout


def test_text_is_default_and_summary_on_stderr() -> None:
    proc = run("--policy", f"{EXAMPLES}/startup-commercial.yaml", f"{MODELS}/acme__apache-tiny")
    assert proc.stdout.splitlines()[0].split()[:2] in (["PASS", "acme/apache-tiny"], ["FAIL", "acme/apache-tiny"])
    assert "1 model(s) checked" in proc.stderr


# ---- needs the licence audit: licence terms from the fixture LICENSE files / metadata


@needs_license_audit
def test_startup_example_against_fixture_models() -> None:
    proc = run(
        "--policy",
        f"{EXAMPLES}/startup-commercial.yaml",
        "--format",
        "json",
        f"{MODELS}/acme__apache-tiny",
        f"{MODELS}/acme__nc-model",
        f"{MODELS}/acme__sd-community",
        f"{MODELS}/acme__llama-chat",
    )
    assert proc.returncode == 1, proc.stderr
    r = results(proc)
    assert r["acme/apache-tiny"]["license"] == "apache-2.0"
    licence_checks = {
        "license-denied",
        "license-not-allowed",
        "license-unrecognised",
        "license-not-audited",
        "non-commercial",
        "revenue-cap",
        "mau-cap",
    }
    assert not checks(r["acme/apache-tiny"], "error") & licence_checks
    assert "non-commercial" in checks(r["acme/nc-model"], "error")
    revenue = next(f for f in r["acme/sd-community"]["findings"] if f["check"] == "revenue-cap")
    assert revenue["severity"] == "error" and revenue["clause"]
    assert "mau-cap" not in checks(r["acme/llama-chat"])  # 2M users, well under the cap


@needs_license_audit
@pytest.mark.parametrize(("mau", "code"), [(700_000_000, 0), (700_000_001, 1)])
def test_llama_mau_cap_end_to_end(tmp_path: Path, mau: int, code: int) -> None:
    policy = write_policy(tmp_path, f"context: {{commercial: true, monthly_active_users: {mau}}}\n")
    proc = run("--policy", policy, "--format", "json", f"{MODELS}/acme__llama-chat")
    (result,) = results(proc).values()
    assert result["license"] == "llama3.1"
    assert ("mau-cap" in checks(result, "error")) is (code == 1)
    assert proc.returncode == code, proc.stdout


@needs_license_audit
@pytest.mark.parametrize(("revenue", "code"), [(1_000_000, 0), (1_000_001, 1)])
def test_stability_revenue_cap_end_to_end(tmp_path: Path, revenue: int, code: int) -> None:
    policy = write_policy(tmp_path, f"context: {{commercial: true, annual_revenue_usd: {revenue}}}\n")
    proc = run("--policy", policy, "--format", "json", f"{MODELS}/acme__sd-community")
    (result,) = results(proc).values()
    assert ("revenue-cap" in checks(result, "error")) is (code == 1)
    assert proc.returncode == code, proc.stdout


@needs_license_audit
def test_eu_enterprise_example_exempts_internal_tool_only() -> None:
    proc = run(
        "--policy",
        f"{EXAMPLES}/eu-enterprise.yaml",
        "--format",
        "json",
        "--today",
        "2027-01-01",
        f"{MODELS}/acme__llama-chat",
        f"{MODELS}/internal__helpdesk-bot",
    )
    assert proc.returncode == 1, proc.stderr
    r = results(proc)
    assert {"mau-cap", "license-not-allowed"} <= checks(r["acme/llama-chat"], "error")
    assert r["internal/helpdesk-bot"]["passed"] and r["internal/helpdesk-bot"]["exemption"]


@needs_license_audit
def test_research_lab_example_non_commercial_is_fine() -> None:
    proc = run("--policy", f"{EXAMPLES}/research-lab.yaml", "--format", "json", f"{MODELS}/acme__nc-model")
    (result,) = results(proc).values()
    assert "non-commercial" not in checks(result)
