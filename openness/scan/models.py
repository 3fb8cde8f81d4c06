"""What a code scan finds: model ids a code base loads, where, and the files it could not read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Model):
    """Where a model id was found: a file (as given, relative to the working directory when possible) and line."""

    path: str
    line: int | None = Field(default=None, ge=1)
    via: str = Field(default="", description="e.g. 'from_pretrained', 'config key model_id', 'models.txt'")


class Reference(_Model):
    """One model id and every place it is referenced."""

    model: str
    locations: list[Location] = Field(default_factory=list)


class ScanProblem(_Model):
    """A file the scan skipped, and why (syntax error, unreadable, too large)."""

    path: str
    error: str


class ScanResult(_Model):
    references: list[Reference] = Field(default_factory=list)
    problems: list[ScanProblem] = Field(default_factory=list)
    files_scanned: int = 0
