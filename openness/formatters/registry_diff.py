"""Formatters for what changed between two registry builds: pure functions, diff in, string out."""

from __future__ import annotations

from openness.formatters import jsontext
from openness.formatters.text import clean
from openness.models import SCHEMA_VERSION
from openness.registry.diff import BuildDiff


def format_diff_text(diff: BuildDiff) -> str:
    """One line per change (release: kind: before -> after); nothing when nothing changed."""
    return "".join(f"{clean(c)}\n" for c in diff.changes)


def format_diff_json(diff: BuildDiff) -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "old": diff.old,
        "new": diff.new,
        "coverage": diff.coverage,
        "changes": [c.model_dump(mode="json") for c in diff.changes],
    }
    return jsontext.dumps(doc, indent=2) + "\n"
