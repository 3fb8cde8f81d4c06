"""The shipped registry data and the registry validator."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from openness.cli import cli
from openness.level import compute_level
from openness.registry.store import Registry
from openness.registry.validate import validate_registry
from tests.conftest import shared_path

BASE_IDS = [
    "Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B-Instruct", "huggyllama/llama-7b", "meta-llama/Llama-2-7b",
    "meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-chat-hf", "meta-llama/Llama-3.1-70B",
    "meta-llama/Meta-Llama-3-8B", "meta-llama/Meta-Llama-3-8B-Instruct", "EleutherAI/pythia-12b", "bigscience/bloom",
    "CompVis/stable-diffusion-v1-2", "stabilityai/stable-diffusion-2", "stabilityai/stable-diffusion-2-base",
    "mistralai/Mistral-7B-v0.1", "Qwen/Qwen2-VL-7B", "nvidia/Nemotron-4-340B-Base", "deepseek-ai/DeepSeek-V2",
    "deepseek-ai/DeepSeek-V3-Base", "bigcode/starcoder",
]  # fmt: skip

GOOD_ENTRY = """
  - id: acme/good-7b
    name: Good 7B
    hub_ids: [acme/good-7b]
    release_date: 2024-01-01
    level: 1
    license: apache-2.0
    components:
      weights: {status: open, evidence: ["https://huggingface.co/acme/good-7b"]}
      technical_report: {status: partial, evidence: ["https://example.org/report"]}
      training_code: {status: closed, evidence: ["https://example.org/report"]}
      training_data: {status: closed, evidence: ["https://example.org/report"]}
      data_pipeline: {status: closed, evidence: ["https://example.org/report"]}
"""
HEADER = "family: Acme\norganisation: Acme\nverified: 2025-01-01\nreleases:\n"


def family_file(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def test_shipped_registry_is_valid() -> None:
    result = validate_registry()
    assert result.errors == [], "\n".join(map(str, result.errors))
    assert result.warnings == [], "\n".join(map(str, result.warnings))
    assert result.files_checked >= 20


def test_shipped_registry_covers_levels_and_organisations(registry: Registry) -> None:
    assert registry.errors == []
    releases = registry.releases
    assert len(releases) >= 80
    organisations = {fam.organisation for _, fam in registry.families}
    assert len(organisations) >= 20
    assert {r.level for r in releases} == {0, 1, 2, 3, 4, 5}
    api_only = [r for r in releases if r.api_only]
    assert api_only and all(not r.hub_ids and r.level == 0 for r in api_only)


@pytest.mark.parametrize("model_id", BASE_IDS)
def test_base_models_resolve_by_hub_id(registry: Registry, model_id: str) -> None:
    entry = registry.find(model_id)
    assert entry is not None, model_id
    assert model_id in entry.hub_ids
    assert registry.find(model_id.upper()) is entry
    level, _ = compute_level(entry.statuses())
    assert level == entry.level


@pytest.mark.parametrize(
    ("model_id", "level", "statuses"),
    [
        ("meta-llama/Llama-2-7b-hf", 1, "open partial partial closed closed"),
        ("meta-llama/Llama-3.1-70B", 2, "open open partial closed closed"),
        ("EleutherAI/pythia-12b", 5, "open open open open open"),
        ("bigscience/bloom", 3, "open open open partial open"),
        ("bigcode/starcoder", 3, "open open open partial partial"),
        ("mistralai/Mistral-7B-v0.1", 1, "open partial partial closed closed"),
        ("deepseek-ai/DeepSeek-V3-Base", 2, "open open partial closed closed"),
        ("openai/gpt-4o", 0, "closed partial closed closed closed"),
    ],
)
def test_key_entries_follow_the_guide(registry: Registry, model_id: str, level: int, statuses: str) -> None:
    entry = registry.find(model_id)
    assert entry is not None
    assert entry.level == level
    got = [entry.components[c].status.value for c in ("weights", "technical_report", "training_code", "training_data", "data_pipeline")]
    assert got == statuses.split()


@pytest.mark.shared
def test_entries_agree_with_the_human_labels(registry: Registry) -> None:
    labels = yaml.safe_load(shared_path("dev_set", "labels.yaml").read_text(encoding="utf-8"))
    checked = 0
    for label in labels:
        entry = registry.find(label["id"])
        if entry is None:
            continue
        checked += 1
        assert entry.level == label["level"], label["id"]
        for comp, status in label["components"].items():
            assert entry.components[comp].status.value == status, (label["id"], comp)
        assert entry.data_mixture_disclosed == label["data_mixture_disclosed"], label["id"]
        assert entry.license == label["license"], label["id"]
        assert (entry.base_model or None) == label["base_model"], label["id"]
    assert checked >= 55


def test_schema_error_names_file_and_field_and_others_still_validate(tmp_path: Path) -> None:
    family_file(tmp_path, "a-good.yaml", GOOD_ENTRY)
    bad = family_file(tmp_path, "b-bad.yaml", GOOD_ENTRY.replace("acme/good-7b", "acme/bad-7b").replace("level: 1", "level: seven"))
    broken = tmp_path / "c-broken.yaml"
    broken.write_text("family: [unclosed\n", encoding="utf-8")
    wrong_level = family_file(tmp_path, "d-level.yaml", GOOD_ENTRY.replace("acme/good-7b", "acme/other-7b").replace("level: 1", "level: 3"))
    result = validate_registry(tmp_path)
    assert result.files_checked == 4
    messages = [str(p) for p in result.errors]
    assert any(str(bad) in m and "releases.0.level" in m for m in messages), messages
    assert any(str(broken) in m and "invalid YAML" in m for m in messages), messages
    # the file after the broken ones was still checked, semantically
    assert any(str(wrong_level) in m and "level" in m and "L1" in m for m in messages), messages
    assert not any("a-good.yaml" in m for m in messages)


def test_duplicate_ids_across_files_are_errors(tmp_path: Path) -> None:
    family_file(tmp_path, "one.yaml", GOOD_ENTRY)
    family_file(
        tmp_path,
        "two.yaml",
        GOOD_ENTRY.replace("id: acme/good-7b", "id: acme/good-7b-copy").replace("hub_ids: [acme/good-7b]", "hub_ids: [ACME/Good-7B]"),
    )
    errors = [str(p) for p in validate_registry(tmp_path).errors]
    assert any("duplicate id 'acme/good-7b'" in e and "one.yaml" in e and "two.yaml" in e for e in errors), errors


def test_dead_fields_and_bad_evidence(tmp_path: Path) -> None:
    body = GOOD_ENTRY.replace("    hub_ids: [acme/good-7b]\n", "    api_only: true\n    hub_ids: [acme/good-7b]\n").replace(
        '"https://example.org/report"]}\n      training_data', '"javascript:alert(1)"]}\n      training_data'
    )
    family_file(tmp_path, "dead.yaml", body)
    family_file(
        tmp_path,
        "mix.yaml",
        GOOD_ENTRY.replace("acme/good-7b", "acme/mix-7b").replace(
            "      data_pipeline:", "      data_mixture: {status: open}\n      data_pipeline:"
        ),
    )
    errors = [str(p) for p in validate_registry(tmp_path).errors]
    assert any("hub_ids" in e and "api_only" in e for e in errors), errors
    assert any("weights.status" in e and "api_only" in e for e in errors), errors
    assert any("training_code.evidence.0" in e and "not an http(s) URL" in e for e in errors), errors
    assert any("mix.yaml: releases.0.components" in e and "data_mixture_disclosed" in e for e in errors), errors


def test_licence_ids_checked_against_the_given_set(tmp_path: Path) -> None:
    family_file(tmp_path, "lic.yaml", GOOD_ENTRY.replace("license: apache-2.0", "license: made-up-licence"))
    assert validate_registry(tmp_path).errors == []  # no licence database: not checked
    result = validate_registry(tmp_path, known_licenses={"apache-2.0", "mit"})
    errors = [str(p) for p in result.errors]  # a licence with no database entry: its terms could not be shown
    assert any("'made-up-licence' is not in the licence database" in e for e in errors), errors
    family_file(tmp_path, "lic.yaml", GOOD_ENTRY)
    assert validate_registry(tmp_path, known_licenses={"Apache-2.0"}).errors == []


def test_cli_validate_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["registry", "validate"])
    assert ok.exit_code == 0, ok.output
    body = GOOD_ENTRY.replace("id: acme/good-7b", 'id: "acme/\\e[31mevil\\e]0;title\\a"').replace("level: 1", "level: 2")
    family_file(tmp_path, "x.yaml", body)
    family_file(tmp_path, "y.yaml", GOOD_ENTRY.replace("acme/good-7b", "acme/y").replace("status: open", "status: wide-open", 1))
    bad = runner.invoke(cli, ["registry", "validate", str(tmp_path)])
    assert bad.exit_code == 2
    assert "x.yaml: releases.0 (acme/[31mevil" not in bad.output
    assert "x.yaml: releases.0 (acme/evil).level" in bad.output, bad.output
    assert "y.yaml: releases.0.components.weights.status" in bad.output, bad.output
    assert "\x1b" not in bad.output
    assert "Traceback" not in bad.output


def test_a_bare_name_never_matches_an_organisation_wide_glob() -> None:
    """``sentence-transformers/*`` takes that organisation's names, not every legacy id ("foo-base" is nobody's)."""
    registry = Registry.load()
    assert registry.find("sentence-transformers/some-new-model") is not None
    assert registry.find("stablediffusion-1.5") is None
    found = registry.find("mt5-base")  # a legacy spelling of google/mt5-base, matched by google/mt5-*
    assert found is not None and found.id.startswith("google/")
