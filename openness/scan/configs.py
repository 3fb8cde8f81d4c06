"""Model ids named in YAML/JSON configuration files, under keys such as ``model_id`` or ``base_model``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from openness.scan.ids import looks_like_model_id
from openness.scan.python import Hit
from openness.yamlio import load_yaml_text

# Keys specific to Hugging Face code: a bare name (``gpt2``) counts.
SPECIFIC_KEYS = frozenset(
    {
        "model_id",
        "model_name_or_path",
        "pretrained_model_name_or_path",
        "base_model",
        "base_model_name_or_path",
        "repo_id",
        "hub_model_id",
        "tokenizer_name_or_path",
    }
)
# Generic keys: only a qualified ``org/name`` counts, so ``model: large`` is not taken for a model id.
GENERIC_KEYS = frozenset({"model", "model_name", "teacher_model", "reward_model", "embedding_model"})


def _pairs(obj: Any) -> Iterator[tuple[str, str]]:
    """(key, string value) for every matching key at any depth; list values yield each string."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            k = str(key).lower()
            if k in SPECIFIC_KEYS or k in GENERIC_KEYS:
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str) and looks_like_model_id(v.strip(), allow_bare=k in SPECIFIC_KEYS):
                        yield str(key), v.strip()
            yield from _pairs(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _pairs(item)


def _line_of(lines: list[str], key: str, value: str, used: set[int]) -> int | None:
    """The first unused 1-based line holding both key and value (else the value alone)."""
    for need_key in (True, False):
        for i, line in enumerate(lines):
            if i not in used and value in line and (not need_key or key in line):
                used.add(i)
                return i + 1
    return None


def find_models(text: str, filename: str) -> list[Hit]:
    """Model ids in a YAML or JSON document; raises ``ValueError`` (or a library error) for one that does not parse."""
    if filename.lower().endswith(".json"):
        data = json.loads(text)
    else:
        data = load_yaml_text(text, filename, strict=False)
    lines = text.splitlines()
    used: set[int] = set()
    hits = []
    for key, value in _pairs(data):
        line = _line_of(lines, key, value, used) or 1
        hits.append(Hit(value, line, f"config key {key}"))
    return hits
