"""JSON output validates against the published schema, and the published schema is current."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from openness.cli import cli
from openness.schema import SCHEMAS, render

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def test_committed_schemas_are_current() -> None:
    for name in SCHEMAS:
        committed = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
        assert committed == render(name), f"schemas/{name}.schema.json is stale: run python -m openness.schema"


def test_audit_json_validates_against_the_published_schema(tmp_path: Path) -> None:
    d = tmp_path / "acme__model"
    d.mkdir()
    (d / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: nobody/base\n---\n# M\nTrained on the Pile.\n")
    (d / "model.safetensors").write_bytes(b"")
    result = CliRunner().invoke(cli, ["audit", "--format", "jsonl", str(d), str(tmp_path / "missing")])
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    report_schema = json.loads((SCHEMA_DIR / "report.schema.json").read_text())
    error_schema = json.loads((SCHEMA_DIR / "audit-error.schema.json").read_text())
    jsonschema.validate(docs[0], report_schema)
    jsonschema.validate(docs[1], error_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(dict(docs[0], level=9), report_schema)
