"""Load the curated registry once and look releases up by id."""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from openness.errors import DataError
from openness.registry.models import CuratedRelease, RegistryFamily
from openness.resources import data_dir
from openness.yamlio import format_validation_error, load_yaml_file


@dataclass
class Registry:
    families: list[tuple[Path, RegistryFamily]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: dict[str, CuratedRelease] = {}
        self._family: dict[int, RegistryFamily] = {}
        names: dict[str, list[CuratedRelease]] = {}  # the name part of each org/name Hub id
        for _, fam in self.families:
            for rel in fam.releases:
                self._family[id(rel)] = fam
                for key in (rel.id, *rel.hub_ids):
                    self._index.setdefault(key.lower(), rel)
                    if "/" in key:
                        found = names.setdefault(key.lower().split("/", 1)[1], [])
                        found.extend([rel] if rel not in found else [])
        # The Hub moved legacy ids without an organisation under one (bert-base-uncased is now
        # google-bert/bert-base-uncased) and answers to both: a bare name finds its only org/name entry.
        self._legacy = {name: rels[0] for name, rels in names.items() if len(rels) == 1}
        self._globs = [(g.lower(), rel) for rel in self.releases for g in rel.hub_id_globs]
        by_name: dict[str, list[CuratedRelease]] = {}
        for rel in self.releases:
            by_name.setdefault(_name_key(rel.name), []).append(rel)
        self._names = {key: rels[0] for key, rels in by_name.items() if len(rels) == 1}

    @property
    def releases(self) -> list[CuratedRelease]:
        return [r for _, fam in self.families for r in fam.releases]

    def find(self, model_id: str) -> CuratedRelease | None:
        """The curated entry for a registry id or any of its Hub ids (case-insensitive)."""
        key = model_id.strip().lower()
        if (found := self._index.get(key) if "/" in key else self._index.get(key) or self._legacy.get(key)) is not None:
            return found
        # A legacy id matches an org/name glob by its name part (mt5-base and google/mt5-*), never a glob that takes
        # every name of its organisation (sentence-transformers/*): a bare "foo-base" is not that organisation's.
        if "/" in key:
            return next((rel for glob, rel in self._globs if fnmatch.fnmatchcase(key, glob)), None)
        return next(
            (
                rel
                for glob, rel in self._globs
                if not glob.split("/", 1)[-1].startswith("*") and fnmatch.fnmatchcase(f"{glob.split('/')[0]}/{key}", glob)
            ),
            None,
        )

    def named(self, name: str) -> CuratedRelease | None:
        """The one entry whose ``name`` is ``name`` (case and spacing aside; "RoBERTA  Large" is "RoBERTa large").

        Exact only: a card that names its base in words is resolved when the words are a catalogued
        release's name, never by a near match ("BERT", "GPT2 Small" name no entry).
        """
        return self._names.get(_name_key(name))

    def checked_on(self, rel: CuratedRelease) -> dt.date | None:
        """When the entry's facts were last checked against their sources (None: general knowledge)."""
        fam = self._family.get(id(rel))
        return fam.checked_on(rel) if fam else None

    @classmethod
    def load(cls, directory: Path | None = None) -> Registry:
        """Load every family file; a bad file is recorded in ``errors`` and the rest still load."""
        directory = directory or data_dir("registry") / "releases"
        families: list[tuple[Path, RegistryFamily]] = []
        errors: list[str] = []
        for path in sorted(directory.glob("*.yaml")):
            try:
                families.append((path, RegistryFamily.model_validate(load_yaml_file(path))))
            except DataError as exc:
                errors.append(str(exc))
            except ValidationError as exc:
                errors.append(format_validation_error(str(path), exc))
        return cls(families, errors)


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


@functools.cache
def bundled_registry() -> Registry:
    """The bundled registry, loaded once per process: the auditor's base resolver and the card reader
    that resolves a base named in words share it."""
    return Registry.load()
