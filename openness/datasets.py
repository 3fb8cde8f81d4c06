"""The curated catalogue of well-known training datasets (``registry/datasets/*.yaml``).

It holds facts about datasets (public? construction code public?), never model verdicts.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.engine.prefilter import Candidates
from openness.engine.textsearch import NameFinder
from openness.models import Status
from openness.resources import data_dir
from openness.yamlio import load_models

_QUALIFIER = re.compile(r"[\s\-_]*\([^()]*\)$")


class Dataset(BaseModel):
    """One dataset: how available it is and whether the code that built it is public."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    hub_ids: list[str] = Field(default_factory=list, description="Hugging Face dataset ids, incl. legacy ones")
    hub_id_globs: list[str] = Field(
        default_factory=list, description="shell globs for a family of Hub ids (*/autotrain-data-*); exact ids win"
    )
    aliases: list[str] = Field(default_factory=list, description="names as cards write them (matched as whole words, case-insensitive)")
    availability: Status = Field(description="open: downloadable in full; partial: part, gated or subset; closed: not released")
    license: str | None = None
    construction_code: Status = Status.UNKNOWN
    construction_code_url: str | None = None
    urls: list[str] = Field(default_factory=list, description="public sources of these facts")
    verified: bool = Field(default=False, description="checked against the sources; false: written from general knowledge")
    notes: str = ""
    source: Literal["catalogue", "read"] = Field(default="catalogue", description="read: built from the dataset's Hub card this run")

    @property
    def label(self) -> str:
        """The name as evidence shows it, saying where the facts come from when not from a checked entry."""
        if self.source == "read":
            return f"{self.name} ({self.notes})" if self.notes else self.name
        return self.name if self.verified else f"{self.name} (catalogue entry from general knowledge, not checked)"


class DatasetCatalogue:
    """Lookup by Hub id or by name in text."""

    def __init__(self, datasets: list[Dataset]) -> None:
        self.datasets = datasets
        self._by_hub = {h.lower(): d for d in datasets for h in [*d.hub_ids, d.id]}
        self._by_name = {a.lower(): d for d in datasets for a in [*d.aliases, d.name]}
        self._globs = [(g.lower(), d) for d in datasets for g in d.hub_id_globs]

    @classmethod
    def load(cls, directory: Path | None = None) -> DatasetCatalogue:
        return cls(load_models(directory or data_dir("registry") / "datasets", Dataset))

    def by_hub_id(self, dataset_id: str) -> Dataset | None:
        """Exact (case-insensitive) match on a Hub dataset id."""
        return self._by_hub.get(dataset_id.strip().lower())

    def by_name(self, name: str) -> Dataset | None:
        """Exact (case-insensitive) match on a name or alias, e.g. a metadata entry written as a name."""
        return self._by_name.get(name.strip().lower())

    def lookup(self, name: str) -> Dataset | None:
        """A metadata ``datasets`` entry: a Hub id (``glue``, ``nyu-mll/glue``), a Hub id with a
        config or split (``glue/sst2``, ``librispeech_asr:clean``), or a name (``Common Voice``)."""
        key = name.strip().lower()
        if found := self._by_hub.get(key) or self._by_name.get(key):
            return found
        key = _QUALIFIER.sub("", key.partition(":")[0])  # "oscar (nl)", "voxpopuli-(en)": a subset of the named dataset
        if found := self._by_hub.get(key) or self._by_name.get(key):
            return found
        parts = key.split("/")
        # A configuration after the id: one segment after a legacy id, or a third segment.
        heads = [key, "/".join(parts[:2]), parts[0]] if len(parts) > 2 else [key, parts[0]]
        for head in heads:
            if found := self._by_hub.get(head):
                return found
        return next((d for glob, d in self._globs if fnmatch.fnmatchcase(key, glob)), None)

    @cached_property
    def names(self) -> NameFinder[Dataset]:
        """Finds the catalogue's names in text (its pattern index can join a card's shared scan)."""
        return NameFinder({a.lower(): d for d in self.datasets for a in d.aliases})

    def mentioned_in(
        self, text: str, view: bytes | None = None, folded: bytes | None = None, scanned: Candidates | None = None
    ) -> list[tuple[Dataset, str, int]]:
        """Datasets named in ``text``: (dataset, matched words, character offset), first mention each."""
        found: dict[str, tuple[Dataset, str, int]] = {}
        for ds, words, offset in self.names.find(text, view, folded, scanned):
            found.setdefault(ds.id, (ds, words, offset))
        return list(found.values())
