"""The curated catalogue of code repositories (``registry/code/*.yaml``): which licence each is under.

Frameworks ask under which licence the training, evaluation and data-processing code is published;
a card only links the repository. Facts about repositories, with the address of their licence, never
model verdicts.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from openness.resources import data_dir
from openness.yamlio import load_models

_GITHUB = re.compile(r"https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", re.IGNORECASE)


class CodeRepository(BaseModel):
    model_config = ConfigDict(extra="forbid")

    repo: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/name on GitHub")
    license: str = Field(description="SPDX id, or LicenseRef- for a custom licence")
    source: str = Field(pattern=r"^https://", description="where a reader can check the licence")
    note: str = ""


def github_repo(url: str) -> str | None:
    """``owner/name`` of a GitHub URL, lower-cased; ``None`` for other URLs."""
    m = _GITHUB.match(url)
    if not m:
        return None
    name = m.group(2).removesuffix(".git")
    return f"{m.group(1)}/{name}".lower()


class CodeCatalogue:
    def __init__(self, repos: list[CodeRepository]) -> None:
        self.repos = repos
        self._by_repo = {r.repo.lower(): r for r in repos}

    @classmethod
    def load(cls, directory: Path | None = None) -> CodeCatalogue:
        return cls(load_models(directory or data_dir("registry") / "code", CodeRepository))

    def for_url(self, url: str) -> tuple[str | None, CodeRepository | None]:
        """The repository a URL points into, and its catalogue entry when there is one."""
        repo = github_repo(url)
        return repo, (self._by_repo.get(repo) if repo else None)
