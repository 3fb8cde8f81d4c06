"""Published JSON Schemas of the tool's outputs, generated from the pydantic models.

``python -m openness.schema`` rewrites ``schemas/``; a test fails when a committed schema is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from openness.models import SCHEMA_VERSION, AuditError, OpennessReport

SCHEMAS: dict[str, type[Any]] = {
    "report": OpennessReport,
    "audit-error": AuditError,
}


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema of one output, with an ``$id`` naming its version."""
    doc: dict[str, Any] = SCHEMAS[name].model_json_schema(mode="serialization")
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = f"https://openness.invalid/schemas/{name}-{SCHEMA_VERSION}.json"
    return doc


def render(name: str) -> str:
    return json.dumps(schema_for(name), indent=2, sort_keys=True) + "\n"


def main(directory: str = "schemas") -> int:
    out = Path(directory)
    out.mkdir(exist_ok=True)
    for name in SCHEMAS:
        (out / f"{name}.schema.json").write_text(render(name), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
