"""The evidence seam: readers of the sources a release links to (papers, code repositories, dataset cards).

The pipeline's EVIDENCE stage (:func:`gather_evidence`, called by :class:`openness.audit.Pipeline`)
runs between parsing the card and running the rules. Each reader looks at the parsed release —
its ``links`` (kind ``arxiv``/``paper``/``code``/``dataset``, with ``target`` the arXiv id,
``owner/repo`` or dataset id), ``datasets`` and ``metadata`` — reads the sources it knows, and
returns one :class:`LinkedSource` per source, with the facts it found. The rules see them as
``Facts.evidence`` (an :class:`Evidence`).

Writing a reader (e.g. arXiv papers, GitHub repositories, Hub dataset cards):

* implement :class:`EvidenceReader`: a ``name`` and ``read(release) -> list[LinkedSource]``,
  built on the per-source readers of this package (``ArxivReader.read(arxiv_id)``,
  ``GitHubReader.read(repo)``), which already go through the bounded ``Fetcher`` (allow-listed
  hosts, size caps, deadlines) and the ``ReaderStore`` cache;
* a source that cannot be read is still returned, with ``status`` ``not_found``/``unreachable``
  and a ``note`` saying why (never raise for one source: raise only an ``OpennessError`` when the
  reader as a whole cannot work, which becomes a warning of the report and stops no audit);
* ``facts`` holds only what the source itself says: a component's status under the component's
  name, as a :class:`~openness.models.Status` value (``{"training_code": "open"}``), other facts
  under plain nouns (``{"license": "apache-2.0", "stars": 120}``); ``quotes`` are the short
  passages (≤ 300 characters) a person can check them against;
* register it in :func:`openness.readers.readers_for` (built from the audit's settings).

Offline, and until readers are registered there, the list of readers is empty and the stage
returns an empty :class:`Evidence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from openness.errors import OpennessError
from openness.models import Release

SourceKind = Literal["paper", "code", "dataset"]
ReadStatus = Literal["read", "not_found", "unreachable", "skipped"]
FactValue = bool | int | float | str | None


class LinkedSource(BaseModel):
    """What one linked source says: ``kind`` and ``ref`` (arXiv id, ``owner/repo``, dataset id) name
    it, ``url`` is where it was read, ``reader`` which reader read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: SourceKind
    ref: str
    url: str
    reader: str
    status: ReadStatus = "read"
    facts: dict[str, FactValue] = Field(default_factory=dict, description="what the source says, e.g. training_code: open")
    quotes: list[str] = Field(default_factory=list, description="short passages the facts come from")
    note: str = ""


class Evidence(BaseModel):
    """Everything the readers found for one release (the EVIDENCE stage's output)."""

    model_config = ConfigDict(extra="forbid")

    sources: list[LinkedSource] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="readers that could not work at all, and why")
    not_read: str = Field(default="", description="why no linked source was read at all (offline, --no-read-links)")

    def of_kind(self, kind: SourceKind) -> list[LinkedSource]:
        """The sources of one kind that were read."""
        return [s for s in self.sources if s.kind == kind and s.status == "read"]


class EvidenceReader(Protocol):
    """Reads the linked sources of one kind (or one host) for a parsed release."""

    name: str

    def read(self, release: Release) -> list[LinkedSource]:
        """One :class:`LinkedSource` per source of ``release`` this reader knows; ``[]`` when none.

        Raise only an ``OpennessError``, and only when the reader cannot work at all.
        """
        ...


def gather_evidence(release: Release, readers: Sequence[EvidenceReader], not_read: str = "") -> Evidence:
    """The EVIDENCE stage: every reader's sources, in reader order; a failing reader is a warning.
    ``not_read``: why there are no readers (said where a source could not be read)."""
    evidence = Evidence(not_read=not_read)
    for reader in readers:
        try:
            evidence.sources.extend(reader.read(release))
        except OpennessError as exc:
            evidence.warnings.append(f"evidence reader {reader.name}: {exc}")
    return evidence
