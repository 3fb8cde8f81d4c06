"""Schema of curated registry entries: human-verified facts about notable releases."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openness.models import LEVEL_COMPONENTS, Component, Status

# Components a curated entry may describe: the data mixture has its own flag, not a component entry.
CURATED_COMPONENTS: frozenset[str] = frozenset(c.value for c in Component if c is not Component.DATA_MIXTURE)
REQUIRED_COMPONENTS: tuple[str, ...] = tuple(c.value for c in LEVEL_COMPONENTS)


class CuratedComponent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    evidence: list[str] = Field(default_factory=list, description="URLs a reader can check")
    note: str = ""


class CuratedRelease(BaseModel):
    """One release as a careful human read it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="stable registry id: the main Hub id, or 'org/name' for API-only models")
    name: str
    hub_ids: list[str] = Field(default_factory=list, description="Hub repos of this release (empty for API-only)")
    hub_id_globs: list[str] = Field(
        default_factory=list, description="shell globs for a series the same facts cover (Helsinki-NLP/opus-mt-*); exact ids win"
    )
    api_only: bool = Field(default=False, description="served only through an API or product; nothing to audit on the Hub")
    release_date: dt.date | None = None
    level: int = Field(ge=0, le=5)
    components: dict[str, CuratedComponent]
    data_mixture_disclosed: bool = False
    license: str | None = Field(default=None, description="licence id from rules/licenses, or a Hub licence id")
    base_model: str | None = None
    notes: str = ""
    verified: dt.date | Literal[False] | None = Field(
        default=None, description="overrides the family's date for this entry; false: written from general knowledge, not checked"
    )

    @field_validator("components")
    @classmethod
    def _known_components(cls, value: dict[str, CuratedComponent]) -> dict[str, CuratedComponent]:
        unknown = sorted(set(value) - CURATED_COMPONENTS)
        if unknown:
            hint = " (use data_mixture_disclosed)" if Component.DATA_MIXTURE.value in unknown else ""
            raise ValueError(f"unknown component(s) {', '.join(unknown)}{hint}; known: {', '.join(sorted(CURATED_COMPONENTS))}")
        missing = [c for c in REQUIRED_COMPONENTS if c not in value]
        if missing:
            raise ValueError(f"missing level component(s) {', '.join(missing)}")
        return value

    def statuses(self) -> dict[Component, Status]:
        """Component statuses for :func:`openness.level.compute_level` (the mixture flag included)."""
        out = {Component(name): c.status for name, c in self.components.items()}
        out[Component.DATA_MIXTURE] = Status.OPEN if self.data_mixture_disclosed else Status.CLOSED
        return out


class RegistryFamily(BaseModel):
    """One registry file: a family of releases from one organisation."""

    model_config = ConfigDict(extra="forbid")

    family: str
    organisation: str
    organisation_url: str | None = None
    verified: dt.date | Literal[False] = Field(
        description="the date a human last checked these entries against their sources; false: written from general knowledge"
    )
    releases: list[CuratedRelease]

    def checked_on(self, rel: CuratedRelease) -> dt.date | None:
        """When ``rel``'s facts were last checked against their sources; None when they never were."""
        verified = self.verified if rel.verified is None else rel.verified
        return verified or None
