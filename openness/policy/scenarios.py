"""Usage scenarios (``rules/usage/scenarios.yaml``): which licence terms bind which intended use.

``internal``, ``product``, ``redistribute``, ``fine-tune-and-publish``, ``outputs-only``. Data, not
code: a new term or use is a YAML change, validated here with errors naming the file and key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from openness.errors import RuleError
from openness.license.models import TermType
from openness.resources import data_dir
from openness.yamlio import format_validation_error, load_yaml_file

Use = Literal["internal", "product", "redistribute", "fine-tune-and-publish", "outputs-only"]
USES: tuple[str, ...] = get_args(Use)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UseImplies(_Spec):
    commercial: bool | None = None
    redistribute_weights: bool | None = None
    publish_derivatives: bool | None = None
    train_other_models_on_outputs: bool | None = None


class UseSpec(_Spec):
    description: str
    implies: UseImplies = Field(default_factory=UseImplies)


class TermBinding(_Spec):
    binds: list[Use]
    why: str


class Scenarios(_Spec):
    uses: dict[Use, UseSpec]
    terms: dict[TermType, TermBinding]

    @model_validator(mode="after")
    def _complete(self) -> Scenarios:
        missing = [u for u in USES if u not in self.uses]
        if missing:
            raise ValueError(f"uses: missing {', '.join(missing)}")
        return self

    def binds(self, term: str, uses: list[str]) -> list[str]:
        """The uses among ``uses`` (every use when none is given) that ``term`` binds; unknown terms bind all."""
        entry = self.terms.get(term)  # type: ignore[call-overload]
        bound: list[str] = list(entry.binds) if entry is not None else list(USES)
        return [u for u in bound if u in uses] if uses else bound

    def implied(self, uses: list[str]) -> dict[str, Any]:
        """Context values the uses imply (a value set by any use wins over unset)."""
        out: dict[str, Any] = {}
        for u in uses:
            for key, value in self.uses[u].implies.model_dump(exclude_none=True).items():  # type: ignore[index]
                out[key] = out.get(key) or value
        return out


def load_scenarios(path: Path | None = None) -> Scenarios:
    path = path or data_dir("rules") / "usage" / "scenarios.yaml"
    raw = load_yaml_file(path)
    try:
        return Scenarios.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(format_validation_error(str(path), exc)) from None


@lru_cache(maxsize=1)
def bundled_scenarios() -> Scenarios:
    return load_scenarios()
