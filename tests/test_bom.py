"""`openness bom`: CycloneDX 1.6 (checked by cyclonedx-python-lib's JSON schema validator) and SPDX 3.0.1
(read back strictly by the SPDX project's bindings), for cards, --from-file and the whole registry;
our properties read back."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_python_model.bindings import v3_0_1 as spdx

from openness.audit import Auditor, AuditSettings
from openness.bom.cyclonedx_bom import build_cyclonedx, licences
from openness.bom.properties import read_properties, report_properties
from openness.bom.spdx_bom import build_spdx, read_annotations
from openness.bom.subject import Subject, subject_for
from openness.cli import cli
from openness.datasets import DatasetCatalogue
from openness.license.models import LicenseReport
from tests.conftest import shared_path
from tests.fakehub import FakeHub, fake_hub, hub_env  # noqa: F401 - fixtures

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)

BASE_CARD = """---
license: apache-2.0
datasets: [EleutherAI/pile]
library_name: transformers
---
# Base model

Trained with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox) on the Pile.
"""

FT_CARD = """---
license: llama3.1
base_model: meta-llama/Llama-3.1-8B
---
# A fine-tune

Fine-tuned from Llama 3.1 for support chats.
"""


def assert_cyclonedx(text: str) -> dict[str, Any]:
    error = VALIDATOR.validate_str(text)
    assert error is None, error
    doc: dict[str, Any] = json.loads(text)
    assert doc["specVersion"] == "1.6"
    return doc


def assert_spdx(text: str) -> list[Any]:
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode()), objects)  # unknown types or properties raise
    spdx.JSONLDSerializer().write(objects, io.BytesIO())  # required properties missing raise
    return list(objects.objects)


def same(a: dict[str, list[str]], b: dict[str, list[str]]) -> bool:
    return {k: sorted(v) for k, v in a.items()} == {k: sorted(v) for k, v in b.items()}


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    return Auditor.from_settings(AuditSettings(offline=True, frameworks=["all"]))


def model_dir(tmp_path: Path, name: str, card: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "README.md").write_text(card)
    return d


def subjects(auditor: Auditor, *paths: Path) -> list[Subject]:
    out = []
    for p in paths:
        result = auditor.audit(str(p))
        out.append(subject_for(result, DatasetCatalogue.load()))
    return out


def test_cyclonedx_ml_bom_shape_and_round_trip(tmp_path: Path, auditor: Auditor) -> None:
    subs = subjects(auditor, model_dir(tmp_path, "base", BASE_CARD), model_dir(tmp_path, "ft", FT_CARD))
    doc = assert_cyclonedx(build_cyclonedx(subs))
    by_ref = {c["bom-ref"]: c for c in doc["components"]}
    models = [c for c in doc["components"] if c["type"] == "machine-learning-model" and "modelCard" in c]
    assert len(models) == 2
    pile = next(c for c in doc["components"] if c["type"] == "data")
    assert pile["name"] == "The Pile"
    base_model = next(m for m in models if m["licenses"] == [{"license": {"id": "Apache-2.0"}}])
    assert base_model["modelCard"]["modelParameters"]["datasets"] == [{"ref": pile["bom-ref"]}]
    ft = next(m for m in models if m is not base_model)
    assert ft["licenses"] == [{"license": {"name": "Llama 3.1 Community License Agreement"}}]
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    (base_ref,) = deps[ft["bom-ref"]]
    assert by_ref[base_ref]["name"] == "meta-llama/Llama-3.1-8B"
    for sub, comp in ((subs[0], base_model), (subs[1], ft)):
        back = read_properties([(p["name"], p["value"]) for p in comp["properties"]])
        assert same(back, read_properties(report_properties(sub.report)))  # CycloneDX keeps properties as a set
        assert back["openness:level"] == [str(sub.report.level)]
        assert back["openness:framework:osaid"] == [sub.report.frameworks["osaid"].outcome]
        for name, verdict in sub.report.components.items():
            assert back[f"openness:component:{name}"] == [verdict.status.value]
    ft_props = read_properties([(p["name"], p["value"]) for p in ft["properties"]])
    assert ft_props["openness:license:term:mau_cap"] == ["700000000"]
    assert ft_props["openness:framework:eu-ai-act"] == ["fail"]
    assert any(
        "github.com/EleutherAI/gpt-neox" in u
        for u in read_properties([(p["name"], p["value"]) for p in base_model["properties"]])["openness:component:training_code:evidence"]
    )


@pytest.mark.parametrize(
    ("lic", "expected"),
    [
        (LicenseReport(id="apache-2.0", spdx="Apache-2.0", name="Apache License 2.0"), {"id": "Apache-2.0"}),
        (LicenseReport(id="llama2", spdx="LicenseRef-llama2", name="Llama 2 Community License"), {"name": "Llama 2 Community License"}),
        (LicenseReport(id=None, declared="my-own-licence", recognised=False), {"name": "my-own-licence"}),
    ],
)
def test_licences_are_spdx_ids_or_names_never_invalid_ids(lic: LicenseReport, expected: dict[str, str]) -> None:
    (one,) = licences(lic)
    assert {k: v for k, v in {"id": one.id, "name": one.name}.items() if v} == expected  # type: ignore[union-attr]


def test_an_spdx_expression_stays_an_expression() -> None:
    (one,) = licences(LicenseReport(id=None, spdx=None, expression="Apache-2.0 OR MIT"))
    assert one.value == "Apache-2.0 OR MIT"  # type: ignore[union-attr]


def test_spdx_ai_profile_shape_and_round_trip(tmp_path: Path, auditor: Auditor) -> None:
    subs = subjects(auditor, model_dir(tmp_path, "base", BASE_CARD), model_dir(tmp_path, "ft", FT_CARD))
    text = build_spdx(subs)
    objects = assert_spdx(text)
    kinds = {type(o).__name__ for o in objects}
    assert {"ai_AIPackage", "dataset_DatasetPackage", "Relationship", "SpdxDocument", "simplelicensing_LicenseExpression"} <= kinds
    rels = {o.relationshipType.rsplit("/", 1)[-1] for o in objects if type(o).__name__ == "Relationship"}
    assert {"trainedOn", "hasDeclaredLicense", "ancestorOf"} <= rels
    doc = json.loads(text)
    notes = read_annotations(doc)
    for sub in subs:
        mid = next(o["spdxId"] for o in doc["@graph"] if o.get("type") == "ai_AIPackage" and o.get("name") == sub.report.id)
        assert same(read_properties(notes[mid]), read_properties(report_properties(sub.report)))


def test_spdx_check_rejects_what_the_schema_forbids(tmp_path: Path, auditor: Auditor) -> None:
    doc = json.loads(build_spdx(subjects(auditor, model_dir(tmp_path, "base", BASE_CARD))))
    ds = next(o for o in doc["@graph"] if o["type"] == "dataset_DatasetPackage")
    del ds["dataset_datasetType"]
    with pytest.raises(ValueError, match="dataset_datasetType"):
        assert_spdx(json.dumps(doc))


@pytest.mark.shared
def test_every_fixture_card_gives_a_valid_bom(auditor: Auditor) -> None:
    cards = sorted(shared_path("fixtures", "cards").glob("*.md"))
    assert len(cards) > 50
    subs = subjects(auditor, *cards)
    doc = assert_cyclonedx(build_cyclonedx(subs))
    assert sum(c["type"] == "machine-learning-model" and "modelCard" in c for c in doc["components"]) == len({s.report.id for s in subs})
    assert_spdx(build_spdx(subs))


def test_bom_command_for_targets_from_file_and_registry(tmp_path: Path) -> None:
    base = model_dir(tmp_path, "base", BASE_CARD)
    ft = model_dir(tmp_path, "ft", FT_CARD)
    listing = tmp_path / "models.txt"
    listing.write_text(f"{ft}\n# comment\n")
    runner = CliRunner()
    out = tmp_path / "bom.json"
    res = runner.invoke(cli, ["bom", str(base), "--from-file", str(listing), "-o", str(out), "--offline"])
    assert res.exit_code == 0, res.output
    doc = assert_cyclonedx(out.read_text())
    assert {"meta-llama/Llama-3.1-8B"} <= {c["name"] for c in doc["components"]}
    res = runner.invoke(cli, ["bom", str(base), "--format", "spdx", "--offline"])
    assert res.exit_code == 0 and assert_spdx(res.stdout)
    res = runner.invoke(cli, ["bom", "--registry", "--offline"])
    assert res.exit_code == 0, res.output
    doc = assert_cyclonedx(res.stdout)
    models = [c for c in doc["components"] if "modelCard" in c]
    assert len(models) >= 140
    assert all(any(p["name"] == "openness:framework:osaid" for p in m["properties"]) for m in models)
    res = runner.invoke(cli, ["bom", "--registry", "--offline", "--format", "spdx"])
    assert res.exit_code == 0 and assert_spdx(res.stdout)


def test_bom_command_keeps_the_others_when_one_target_fails(tmp_path: Path) -> None:
    base = model_dir(tmp_path, "base", BASE_CARD)
    res = CliRunner().invoke(cli, ["bom", str(base), str(tmp_path / "missing"), "--offline"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    doc = assert_cyclonedx(res.stdout)
    assert any("modelCard" in c for c in doc["components"])


def test_bom_of_hub_models_through_the_fake_hub(hub_env: FakeHub, tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["bom", "acme/open-7b-instruct", "--cache", str(tmp_path / "c.sqlite")], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    doc = assert_cyclonedx(res.stdout)
    model = next(c for c in doc["components"] if c["name"] == "acme/open-7b-instruct")
    assert model["purl"] == "pkg:huggingface/acme/open-7b-instruct@2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
    assert model["externalReferences"][0]["url"] == "https://huggingface.co/acme/open-7b-instruct"
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    base = next(c for c in doc["components"] if c["name"] == "acme/open-7b")
    assert base["bom-ref"] in deps[model["bom-ref"]]
    assert {"name": "openness:base_model:source", "value": "hub"} in base["properties"]
