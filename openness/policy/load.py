"""Read a policy file and check its licence ids against the known ones."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from openness.errors import DataError, PolicyError
from openness.policy.models import Policy
from openness.yamlio import format_validation_error, load_yaml_file, load_yaml_text


def parse_policy(data: Any, origin: str = "<policy>") -> Policy:
    """Validate parsed YAML as a :class:`Policy`; errors name the key, on one line."""
    if not isinstance(data, dict):
        raise PolicyError(f"{origin}: a policy is a mapping with 'requirements', 'context' and 'exemptions'")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        hints = _key_hints(exc)
        raise PolicyError(format_validation_error(origin, exc) + (f" ({'; '.join(hints)})" if hints else "")) from None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that holds the key at ``loc`` (list indices and optional types looked through)."""
    model: Any = Policy
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        model = next((t for t in _flatten(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _flatten(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    return [t for a in args for t in _flatten(a)] if args else [annotation]


def _key_hints(exc: ValidationError) -> list[str]:
    """'did you mean' for each unknown key, from the keys the policy schema allows there."""
    hints = []
    for err in exc.errors():
        if err["type"] != "extra_forbidden" or not err["loc"]:
            continue
        key, model = str(err["loc"][-1]), _model_at(tuple(err["loc"]))
        close = difflib.get_close_matches(key, list(model.model_fields), n=1) if model else []
        if close:
            hints.append(f"{key}: did you mean {close[0]!r}?")
    return hints


def load_policy(path: Path, known_license_ids: Collection[str] | None = None) -> Policy:
    """Load and validate a policy file; with ``known_license_ids``, unknown licence ids are errors."""
    policy = parse_policy(load_yaml_file(path, PolicyError), str(path))
    if known_license_ids is not None:
        validate_license_ids(policy, known_license_ids, str(path))
    return policy


def load_policy_text(text: str, origin: str = "<policy>", known_license_ids: Collection[str] | None = None) -> Policy:
    try:
        data = load_yaml_text(text, origin)
    except DataError as exc:  # from yamlio: re-raise as a policy error
        raise PolicyError(str(exc)) from None
    policy = parse_policy(data, origin)
    if known_license_ids is not None:
        validate_license_ids(policy, known_license_ids, origin)
    return policy


def validate_license_ids(policy: Policy, known: Collection[str], origin: str = "<policy>") -> None:
    """Raise :class:`PolicyError` naming every licence id in the policy that is not in ``known``."""
    known_lower = {k.lower() for k in known}
    problems = []
    for key in ("allowed_licenses", "denied_licenses"):
        for i, lid in enumerate(getattr(policy.requirements, key)):
            if lid not in known_lower:
                close = difflib.get_close_matches(lid, sorted(known_lower), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"{origin}: requirements.{key}.{i}: unknown licence id {lid!r}{hint}")
    if problems:
        raise PolicyError("; ".join(problems))
