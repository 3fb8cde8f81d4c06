"""A term that binds some releases only: Llama 3.2's EU exclusion covers its multimodal models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openness.formatters.audit_report import format_markdown, format_text
from openness.license.assess import audit_license, report_for_entry
from openness.license.database import LicenseDatabase
from openness.license.scope import apply_scope, release_modalities
from openness.models import Release
from tests.policy_helpers import report as policy_report
from tests.test_policy_cli import run

POLICY = """name: eu-product
requirements:
  min_level: 0
context:
  commercial: true
  monthly_active_users: 1000
  territories: [EU, US]
  train_other_models_on_outputs: false
"""
CARD = "---\nlicense: llama3.2\npipeline_tag: {tag}\n---\n# A Llama 3.2 model\n"


def _eu_term(release: Release) -> dict[str, object]:
    report = report_for_entry(LicenseDatabase.load().get("llama3.2"), "metadata", 0.9)  # type: ignore[arg-type]
    apply_scope(report, release)
    return next(t.details for t in report.terms if t.type == "territory_exclusions")


@pytest.mark.parametrize(
    ("metadata", "tags", "applicable"),
    [
        ({"pipeline_tag": "text-generation"}, [], False),
        ({"pipeline_tag": "image-text-to-text"}, [], True),
        ({}, ["text-generation", "vision"], True),  # a tag that says images: multimodal
        ({}, [], True),  # modalities unknown: the term is kept
    ],
)
def test_the_scope_is_checked_against_the_release(metadata: dict[str, str], tags: list[str], applicable: bool) -> None:
    details = _eu_term(Release(id="x/y", metadata=metadata, tags=tags))
    assert details["applicable"] is applicable
    assert "image, video" in str(details["applicability"])


def test_modalities_come_from_pipeline_tag_and_tags() -> None:
    assert release_modalities(Release(id="x", metadata={"pipeline_tag": "text-generation"})) == (
        frozenset({"text"}),
        "pipeline tag text-generation",
    )
    assert release_modalities(Release(id="x")) is None


def test_check_passes_a_text_only_llama_3_2_with_the_eu_clause_not_applicable(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text(POLICY)
    for name, tag in (("text", "text-generation"), ("vision", "image-text-to-text")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "README.md").write_text(CARD.format(tag=tag))
        (tmp_path / name / "model.safetensors").write_bytes(b"{}")
    proc = run("--policy", str(tmp_path / "policy.yaml"), "--format", "json", str(tmp_path / "text"), str(tmp_path / "vision"))
    by_model = {Path(r["model"]).name: r for r in json.loads(proc.stdout)["results"]}
    text_checks = {f["check"]: f for f in by_model["text"]["findings"]}
    assert "territory-excluded" not in text_checks
    na = text_checks["term-not-applicable"]
    assert na["severity"] == "info" and "multimodal models" in na["clause"] and "not applicable" in na["message"]
    assert by_model["text"]["passed"] is True
    assert "territory-excluded" in {f["check"] for f in by_model["vision"]["findings"]}
    assert by_model["vision"]["passed"] is False


def test_markdown_and_text_audits_list_the_binding_terms(tmp_path: Path) -> None:
    release = Release(id="acme/text-model", metadata={"pipeline_tag": "text-generation"}, license_fields={"license": "llama3.2"})
    lic = audit_license(release, LicenseDatabase.load())
    apply_scope(lic, release)
    report = policy_report("acme/text-model", level=1, license_report=lic)
    for out in (format_markdown([report]), format_text([report])):
        assert "MAU cap 700M" in out and "700000000" not in out
        assert "excludes European Union" in out and "['EU']" not in out
        assert "not applicable to this release" in out
        assert "Built with Llama" in out
