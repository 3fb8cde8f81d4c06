"""Schema of curated registry entries: human-verified facts about notable releases."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from openness.models import Status


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
    release_date: dt.date | None = None
    level: int = Field(ge=0, le=5)
    components: dict[str, CuratedComponent]
    data_mixture_disclosed: bool = False
    license: str | None = Field(default=None, description="licence id from rules/licenses, or a Hub licence id")
    base_model: str | None = None
    notes: str = ""


class RegistryFamily(BaseModel):
    """One registry file: a family of releases from one organisation."""

    model_config = ConfigDict(extra="forbid")

    family: str
    organisation: str
    verified: dt.date = Field(description="the date a human last checked these entries")
    releases: list[CuratedRelease]
