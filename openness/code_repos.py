"""The curated catalogue of code repositories cards link to (``registry/code/*.yaml``).

Facts about repositories, never model verdicts: does the repository hold code that trains models
(pre-training code, training recipes, training scripts), or only modelling and inference code, or is
it a general library a card tells you to install? Does it also build the training data (toolkit
recipes that download and prepare their corpora), or is it an environment an agent learns in?
Entries come from the repositories the population of cards links most (``openness population``),
each with a public source and whether its facts were checked against the repository itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.models import Link, Status
from openness.resources import data_dir
from openness.yamlio import load_models

RepoKind = Literal["training-toolkit", "model-repo", "examples", "library", "inference", "environment", "data", "other"]


class CodeRepo(BaseModel):
    """One repository and what a careful reader finds in it."""

    model_config = ConfigDict(extra="forbid")

    repo: str = Field(description="owner/name on GitHub, as cards link it")
    aliases: list[str] = Field(default_factory=list, description="other owner/name spellings (renames, mirrors)")
    kind: RepoKind = "other"
    training_code: Status = Field(
        default=Status.UNKNOWN,
        description="open: code that trains models (pre-training code, recipes, training scripts); "
        "partial: fine-tuning examples or modelling/inference code only; closed: no training code",
    )
    data_pipeline: Status = Field(
        default=Status.UNKNOWN, description="open: its recipes also download and prepare the training data from raw sources"
    )
    libraries: list[str] = Field(
        default_factory=list,
        description="Hub library_name values or tags that mean a model was trained with this toolkit (e.g. espnet)",
    )
    license: str | None = Field(default=None, description="SPDX id of the repository's licence, when known")
    source: str = Field(description="public source of these facts (the repository, its docs)")
    verified: bool = Field(default=False, description="checked against the repository; false: written from general knowledge")
    note: str = ""

    @property
    def provenance(self) -> str:
        return "checked against the repository" if self.verified else "catalogued from general knowledge, not verified"


class CodeCatalogue:
    """Lookup of the code links a card makes (``Link.kind == 'code'``, target ``owner/name``)."""

    def __init__(self, repos: list[CodeRepo]) -> None:
        self.repos = repos
        self._by_name = {name.lower(): r for r in repos for name in [r.repo, *r.aliases]}
        self._by_library = {lib.lower(): r for r in repos for lib in r.libraries}

    @classmethod
    def load(cls, directory: Path | None = None) -> CodeCatalogue:
        return cls(load_models(directory or data_dir("registry") / "code", CodeRepo))

    def get(self, repo: str) -> CodeRepo | None:
        return self._by_name.get(repo.strip().lower().removesuffix(".git"))

    def for_link(self, link: Link) -> CodeRepo | None:
        return self.get(link.target) if link.kind == "code" else None

    def for_libraries(self, names: list[str]) -> list[CodeRepo]:
        """Toolkits named by a card's library_name or tags, once each, in the card's order."""
        found: dict[str, CodeRepo] = {}
        for name in names:
            entry = self._by_library.get(name.strip().lower())
            if entry is not None:
                found.setdefault(entry.repo, entry)
        return list(found.values())
