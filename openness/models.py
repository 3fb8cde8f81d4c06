"""Pydantic models at the library's boundaries: what a release is, and what we say about it.

Every JSON document the tool writes carries ``schema_version``; bump the minor part when
keys are added and the major part when a key changes meaning or disappears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.frameworks.verdicts import FrameworkVerdict
from openness.license.models import LicenseReport

SCHEMA_VERSION = "1.1"

EXCERPT_MAX = 200


class Status(str, Enum):
    """How available a component is. ``unknown`` is an honest answer, not an error."""

    OPEN = "open"
    PARTIAL = "partial"
    CLOSED = "closed"
    UNKNOWN = "unknown"


# Weakest first: a chain is only as open as its least open stage. ``unknown`` sits between
# closed and partial: it may be anything, so it can never be reported as partial or open.
STATUS_STRENGTH: dict[Status, int] = {
    Status.CLOSED: 0,
    Status.UNKNOWN: 1,
    Status.PARTIAL: 2,
    Status.OPEN: 3,
}


def weakest(*statuses: Status) -> Status:
    """The least open of ``statuses``."""
    return min(statuses, key=STATUS_STRENGTH.__getitem__)


class Component(str, Enum):
    """What a release may publish. The first five make up the level; the rest are reported."""

    WEIGHTS = "weights"
    TECHNICAL_REPORT = "technical_report"
    TRAINING_CODE = "training_code"
    TRAINING_DATA = "training_data"
    DATA_PIPELINE = "data_pipeline"
    DATA_MIXTURE = "data_mixture"
    INFERENCE_CODE = "inference_code"
    EVALUATION_CODE = "evaluation_code"
    DATA_DOCUMENTATION = "data_documentation"
    # What the other openness frameworks ask for beyond the level (rules/openness/framework_components.yaml).
    MODEL_CARD = "model_card"
    MODEL_ARCHITECTURE = "model_architecture"
    EVALUATION_RESULTS = "evaluation_results"
    EVALUATION_DATA = "evaluation_data"
    INTERMEDIATE_CHECKPOINTS = "intermediate_checkpoints"
    RESEARCH_PAPER = "research_paper"
    TRAINING_CONTENT_SUMMARY = "training_content_summary"


LEVEL_COMPONENTS: tuple[Component, ...] = (
    Component.WEIGHTS,
    Component.TECHNICAL_REPORT,
    Component.TRAINING_CODE,
    Component.TRAINING_DATA,
    Component.DATA_PIPELINE,
)

# Judged over a derived model's whole chain (GUIDE: weights are judged on the release itself).
CHAIN_COMPONENTS: tuple[Component, ...] = (
    Component.TECHNICAL_REPORT,
    Component.TRAINING_CODE,
    Component.TRAINING_DATA,
    Component.DATA_PIPELINE,
    Component.DATA_MIXTURE,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


LinkStatus = Literal["reachable", "not_found", "unreachable"]


# Links and sections are plain slotted dataclasses: a card has dozens and the parser, their only
# producer, builds them with the right types. Pydantic still validates them inside a Release built
# from raw data, and serialises them.
@dataclass(slots=True)
class Link:
    """A link found in a card, classified by what it points to.

    ``target``: arXiv id, owner/repo, dataset id, or the URL itself; ``line``: 1-based line in the
    card, when found in text; ``status``: set when the link was followed (--follow-links).
    """

    kind: Literal["arxiv", "paper", "code", "dataset", "model", "other"]
    url: str
    target: str
    line: int | None = None
    status: LinkStatus | None = None


@dataclass(slots=True)
class Section:
    """A part of the card text under one heading (level 0 = text before the first heading);
    ``start_line``: 1-based line of the heading in the card; ``offset``: where ``text`` starts in
    the card body, when known (the parser sets it)."""

    heading: str
    level: int
    start_line: int
    text: str
    offset: int | None = None


class HubDataset(_Model):
    """What the Hub says about a dataset a card names (looked up by the Hub source)."""

    status: Literal["public", "gated", "private", "not_found", "unknown"]
    license: str | None = None
    note: str = ""


class Release(_Model):
    """Everything we know about one model release, from whichever source it came."""

    id: str
    source: Literal["local", "hub", "registry"] = "local"
    revision: str | None = None
    sha: str | None = None
    last_modified: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict, description="card YAML front matter")
    card_text: str = ""
    card_body_line: int = Field(default=1, description="1-based line where the body starts in the card file")
    sections: list[Section] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    files_known: bool = Field(default=False, description="whether the file list was observed at all")
    tags: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    datasets: list[str] = Field(default_factory=list, description="dataset ids from metadata and links")
    dataset_status: dict[str, HubDataset] = Field(default_factory=dict, description="dataset id -> what the Hub says")
    base_models: list[str] = Field(default_factory=list)
    base_relation: str | None = Field(default=None, description="finetune, merge, quantized, adapter")
    gated: str | bool | None = None
    license_fields: dict[str, Any] = Field(default_factory=dict, description="license, license_name, license_link")
    license_files: dict[str, str] = Field(default_factory=dict, description="file name -> text of LICENSE/USE_POLICY/NOTICE files")
    unreadable: list[str] = Field(default_factory=list, description="what could not be read, and why")
    warnings: list[str] = Field(default_factory=list)


@dataclass(slots=True)
class Evidence:
    """Why a rule fired: where it looked and what it saw."""

    rule: str
    where: Annotated[
        str, Field(description="e.g. 'metadata:datasets', 'card:## Training Data (line 42)', 'file:model.safetensors', 'link:https://…'")
    ]
    excerpt: Annotated[str, Field(max_length=EXCERPT_MAX)] = ""


class RuleHit(_Model):
    """A rule that fired for a component (for --explain)."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # shared by every report the rule fires in

    rule: str
    name: str
    status: Status
    precedence: int
    won: bool = False


@dataclass(slots=True)
class ComponentVerdict:
    status: Status
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    own_status: Annotated[Status | None, Field(description="this stage's status before the chain was applied")] = None
    base_status: Annotated[Status | None, Field(description="the base chain's status, for derived models")] = None
    rules_fired: list[RuleHit] = field(default_factory=list)


class ChainLink(_Model):
    """One base model in a derived model's chain, and where its facts came from."""

    id: str
    source: Literal["hub", "local", "registry", "unresolved"]
    level: int | None = None
    components: dict[str, Status] = Field(default_factory=dict)
    license: str | None = Field(default=None, description="licence id of the base, whose terms carry over")
    upper_bound: bool = Field(default=False, description="this base's own chain was incomplete, so its verdicts are upper bounds")
    note: str = ""


class OpennessReport(_Model):
    """The answer for one release."""

    schema_version: str = SCHEMA_VERSION
    id: str
    source: str = "local"
    revision: str | None = None
    sha: str | None = None
    level: int = Field(ge=0, le=5)
    level_label: str = Field(
        description="what the next level needs and each part's status now, e.g. 'L3; L4 needs training data open (now partial)'"
    )
    level_is_upper_bound: bool = False
    level_at_most: int | None = Field(
        default=None,
        ge=0,
        le=5,
        description=(
            "set when a part could not be read (unknown): the level is then at most this, and at least `level`"
            " unless level_is_upper_bound (a base that could not be read may hold it lower)"
        ),
    )
    components: dict[str, ComponentVerdict]
    data_mixture_disclosed: bool = False
    base_models: list[str] = Field(default_factory=list)
    chain: list[ChainLink] = Field(default_factory=list)
    license: LicenseReport | None = None
    classification: str = "unknown"
    frameworks: dict[str, FrameworkVerdict] = Field(
        default_factory=dict, description="other frameworks' verdicts (mof, osaid, eu-ai-act), when asked for (--frameworks)"
    )
    warnings: list[str] = Field(default_factory=list)
    tool_version: str = ""
    rules_version: str = ""


class AuditError(_Model):
    """A target that could not be audited, kept beside the others' results in batch output."""

    schema_version: str = SCHEMA_VERSION
    id: str
    error: str
    kind: str = "error"
