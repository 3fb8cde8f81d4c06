"""Render rules for people."""

from __future__ import annotations

import yaml

from openness.engine.rules import Rule


def format_rule(rule: Rule) -> str:
    doc = {"metadata": rule.meta.model_dump(mode="json", exclude_defaults=False), "definition": rule.definition}
    return f"# {rule.path.name}\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
