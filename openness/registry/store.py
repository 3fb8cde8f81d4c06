"""Load the curated registry once and look releases up by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from openness.errors import RuleError
from openness.registry.models import CuratedRelease, RegistryFamily
from openness.resources import data_dir
from openness.yamlio import format_validation_error, load_yaml_file


@dataclass
class Registry:
    families: list[tuple[Path, RegistryFamily]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: dict[str, CuratedRelease] = {}
        for _, fam in self.families:
            for rel in fam.releases:
                for key in (rel.id, *rel.hub_ids):
                    self._index.setdefault(key.lower(), rel)

    @property
    def releases(self) -> list[CuratedRelease]:
        return [r for _, fam in self.families for r in fam.releases]

    def find(self, model_id: str) -> CuratedRelease | None:
        """The curated entry for a registry id or any of its Hub ids (case-insensitive)."""
        return self._index.get(model_id.strip().lower())

    @classmethod
    def load(cls, directory: Path | None = None) -> Registry:
        """Load every family file; a bad file is recorded in ``errors`` and the rest still load."""
        directory = directory or data_dir("registry") / "releases"
        families: list[tuple[Path, RegistryFamily]] = []
        errors: list[str] = []
        for path in sorted(directory.glob("*.yaml")):
            try:
                families.append((path, RegistryFamily.model_validate(load_yaml_file(path))))
            except RuleError as exc:
                errors.append(str(exc))
            except ValidationError as exc:
                errors.append(format_validation_error(str(path), exc))
        return cls(families, errors)
