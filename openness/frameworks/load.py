"""Load the framework files (``rules/frameworks/*.yaml``): validated, errors naming the file and key."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from openness.errors import InputError, RuleError
from openness.frameworks.models import FrameworkSpec
from openness.resources import data_dir
from openness.yamlio import format_validation_error, load_yaml_file


def load_framework_file(path: Path) -> FrameworkSpec:
    raw: Any = load_yaml_file(path)
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: a framework file must be a mapping with framework, criteria")
    try:
        return FrameworkSpec.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(format_validation_error(str(path), exc)) from None


def load_frameworks(directory: Path | None = None) -> dict[str, FrameworkSpec]:
    """Every framework in ``directory`` (default: the bundled ones), by id; duplicate ids are an error."""
    directory = directory or data_dir("rules") / "frameworks"
    if not directory.is_dir():
        raise RuleError(f"{directory}: not a framework directory")
    specs: dict[str, FrameworkSpec] = {}
    origin: dict[str, Path] = {}
    for path in sorted(directory.glob("*.y*ml")):
        spec = load_framework_file(path)
        fid = spec.framework.id
        if fid in specs:
            raise RuleError(f"{path}: framework.id: duplicate id {fid!r} (also in {origin[fid]})")
        specs[fid], origin[fid] = spec, path
    return specs


def select_frameworks(specs: dict[str, FrameworkSpec], names: Iterable[str]) -> list[FrameworkSpec]:
    """The frameworks named (``all`` for every one), in the order given; an unknown name is an input error."""
    chosen: list[FrameworkSpec] = []
    for name in names:
        for part in (p.strip().lower() for p in name.split(",")):
            if not part:
                continue
            if part == "all":
                chosen += [s for s in specs.values() if s not in chosen]
            elif part in specs:
                if specs[part] not in chosen:
                    chosen.append(specs[part])
            else:
                raise InputError(f"unknown framework {part!r}; known: all, {', '.join(specs)}")
    return chosen
