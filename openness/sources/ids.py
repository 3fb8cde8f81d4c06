"""Hugging Face Hub ids: ``ORG/NAME[@REVISION]``, checked before any request is made."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openness.errors import InputError

MAX_ID_CHARS = 96  # the Hub's limit for each of namespace and name
MAX_REVISION_CHARS = 255

_PART = re.compile(r"[A-Za-z0-9](?:[\w.\-]*[A-Za-z0-9_])?")
_REVISION = re.compile(r"[\w.\-/]+")


@dataclass(frozen=True)
class HubRef:
    """A repository id and an optional revision (branch, tag or commit sha)."""

    repo_id: str
    revision: str | None = None

    def __str__(self) -> str:
        return self.repo_id + (f"@{self.revision}" if self.revision else "")


def invalid_reason(target: str) -> str | None:
    """Why ``target`` is not a Hub id (``None`` when it is one)."""
    repo, _, revision = target.partition("@")
    if "://" in target or target.startswith(("www.", "huggingface.co/", "hf.co/")):
        return "URLs are not accepted; give ORG/NAME"
    if any(c.isspace() for c in target):
        return "spaces are not allowed"
    if ".." in target:
        return "'..' is not allowed"
    if repo.count("/") != 1:
        return "expected ORG/NAME"
    for part in repo.split("/"):
        if len(part) > MAX_ID_CHARS:
            return f"each part is at most {MAX_ID_CHARS} characters"
        if not _PART.fullmatch(part):
            return f"{part!r} is not a valid name (letters, digits, '-', '_', '.')"
    if "--" in repo or repo.endswith(".git"):
        return "'--' and a '.git' ending are not allowed"
    if "@" in target:
        if not revision or len(revision) > MAX_REVISION_CHARS or not _REVISION.fullmatch(revision):
            return "the revision after '@' is empty or has characters a revision cannot have"
        if revision.startswith("/") or revision.endswith("/"):
            return "the revision after '@' is not a valid branch, tag or commit"
    return None


def is_hub_id(target: str) -> bool:
    """Whether ``target`` is a syntactically valid ``ORG/NAME[@REVISION]``."""
    return invalid_reason(target) is None


def is_dataset_id(name: str) -> bool:
    """A Hub dataset id: ``ORG/NAME`` or a legacy single name such as ``wikipedia``."""
    if "/" in name:
        return "@" not in name and is_hub_id(name)
    return len(name) <= MAX_ID_CHARS and bool(_PART.fullmatch(name)) and ".." not in name and "--" not in name


def parse_hub_id(target: str) -> HubRef:
    """Split ``ORG/NAME[@REVISION]``; raise :class:`InputError` with the reason when it is malformed."""
    reason = invalid_reason(target)
    if reason is not None:
        shown = target if len(target) <= 120 else target[:117] + "..."
        raise InputError(f"invalid model id {shown!r}: {reason}")
    repo, _, revision = target.partition("@")
    return HubRef(repo, revision or None)


_SUBSET = re.compile(r"[\s\-_]*\([^()]*\)$")


def dataset_repo_id(name: str) -> str | None:
    """The Hub dataset id a metadata ``datasets`` entry or a dataset link names (``glue:sst2`` and
    ``oscar (nl)`` name ``glue`` and ``oscar``; ``org/name/config`` names ``org/name``); ``None`` for a
    name that is no id (``Common Voice``)."""
    key = _SUBSET.sub("", name.strip().partition(":")[0]).strip("/")
    if key.count("/") > 1:
        key = "/".join(key.split("/")[:2])
    return key if key and is_dataset_id(key) else None
