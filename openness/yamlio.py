"""Safe YAML loading shared by every data file the tool reads (rules, licences, registry, policies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from openness.errors import RuleError

M = TypeVar("M", bound=BaseModel)

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser: safe, and much faster
_STR_TAG = "tag:yaml.org,2002:str"


class _SafeLoader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, with plain strings (most of a card's front matter) constructed without the
    generic per-node bookkeeping. Strings are immutable, so skipping the alias cache changes nothing."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)


SAFE_LOADER: Any = _SafeLoader


def load_yaml_text(text: str, origin: str = "<string>") -> Any:
    """Parse YAML with the safe loader; errors name ``origin`` and the line."""
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - safe loader only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(f"{origin}{where}: invalid YAML: {problem}") from None


def load_yaml_file(path: Path, error: type[Exception] = RuleError) -> Any:
    """Read and parse one YAML file; a missing or unreadable file raises ``error`` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    try:
        return load_yaml_text(text, str(path))
    except RuleError as exc:
        raise error(str(exc)) from None


def format_validation_error(origin: str, exc: Any, prefix: str = "") -> str:
    """One line per pydantic error: ``file: key.path: message``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        parts.append(f"{origin}: {loc or '(top level)'}: {err['msg']}")
    return "; ".join(parts)


def load_models(directory: Path, model: type[M]) -> list[M]:
    """Load and validate every ``*.yaml`` file in ``directory`` as one ``model`` each."""
    items: list[M] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            items.append(model.model_validate(load_yaml_file(path)))
        except ValidationError as exc:
            raise RuleError(format_validation_error(str(path), exc)) from None
    return items
