"""Check the curated registry: schema, duplicate ids, dead fields, level consistency, licence ids.

Every file is checked on its own; a broken file is reported and the others are still validated.
Errors make the registry unusable or wrong; warnings are worth a human look.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from openness.errors import RuleError
from openness.level import compute_level
from openness.models import STATUS_STRENGTH, Status
from openness.registry.models import CuratedRelease, RegistryFamily
from openness.resources import data_dir
from openness.yamlio import format_validation_error, load_yaml_file

# Placeholders a curator may use when the Hub itself has no better licence id.
LICENSE_PLACEHOLDERS = frozenset({"other", "unknown"})


@dataclass(frozen=True)
class Problem:
    """One finding, naming the file and the field it is about."""

    path: str
    where: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.message}"


@dataclass
class ValidationResult:
    files_checked: int = 0
    releases_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _load(path: Path, result: ValidationResult) -> RegistryFamily | None:
    try:
        return RegistryFamily.model_validate(load_yaml_file(path))
    except RuleError as exc:
        rest = str(exc).removeprefix(str(path))
        line = re.match(r":(\d+): ", rest)
        where = f"line {line.group(1)}" if line else "(file)"
        result.problems.append(Problem(str(path), where, rest[line.end() :] if line else rest.lstrip(": ")))
    except ValidationError as exc:
        for item in format_validation_error("", exc).split("; "):
            where, _, message = item.removeprefix(": ").partition(": ")
            result.problems.append(Problem(str(path), where, message))
    return None


def validate_release(
    path: str, index: int, rel: CuratedRelease, family: RegistryFamily, known_licenses: Collection[str] | None
) -> list[Problem]:
    """Semantic checks of one entry (the schema has already been checked)."""
    out: list[Problem] = []
    at = f"releases.{index} ({rel.id})"

    def add(where: str, message: str, severity: Literal["error", "warning"] = "error") -> None:
        out.append(Problem(path, f"{at}.{where}" if where else at, message, severity))

    level, label = compute_level(rel.statuses())
    if level != rel.level:
        add("level", f"is {rel.level} but the component statuses give {label} (cumulative rule; partial never counts)")
    if rel.api_only:
        if rel.hub_ids:
            add("hub_ids", "an api_only release has no Hub repos: drop hub_ids or api_only")
        if rel.components["weights"].status == Status.OPEN:
            add("components.weights.status", "an api_only release cannot have open weights")
    elif not rel.hub_ids:
        add("hub_ids", "empty: list the Hub repos, or set api_only: true")
    if rel.base_model and rel.base_model.lower() in {rel.id.lower(), *(h.lower() for h in rel.hub_ids)}:
        add("base_model", "names the release itself")
    if rel.license is None:
        if not rel.api_only:
            add("license", "missing for a release with weights", "warning")
    elif known_licenses is not None and rel.license.lower() not in LICENSE_PLACEHOLDERS and rel.license.lower() not in known_licenses:
        # Every licence a release names needs a database entry (or an alias of one), so its terms can be shown.
        add("license", f"{rel.license!r} is not in the licence database: add an entry to rules/licenses or an alias of one")
    for name, comp in rel.components.items():
        for j, url in enumerate(comp.evidence):
            if not url.startswith(("https://", "http://")):
                add(f"components.{name}.evidence.{j}", f"not an http(s) URL: {url[:80]!r}")
        if not comp.evidence and comp.status != Status.UNKNOWN:
            add(f"components.{name}.evidence", f"no evidence for status {comp.status.value}", "warning")
    verified = family.checked_on(rel)
    if rel.release_date and verified and rel.release_date > verified:
        add("release_date", f"{rel.release_date} is after the verification date {verified}", "warning")
    if rel.verified == family.verified:
        add("verified", "same as the family's date: drop it", "warning")
    return out


def validate_registry(directory: Path | None = None, known_licenses: Collection[str] | None = None) -> ValidationResult:
    """Validate every ``*.yaml`` under ``directory`` (default: the bundled registry).

    ``known_licenses`` is the set of licence ids (lower case) to accept; ``None`` skips that check.
    """
    directory = directory or data_dir("registry") / "releases"
    result = ValidationResult()
    if not directory.is_dir():
        result.problems.append(Problem(str(directory), "(directory)", "not a directory"))
        return result
    known = None if known_licenses is None else {k.lower() for k in known_licenses}
    owners: dict[str, tuple[str, str]] = {}
    entries: list[tuple[str, CuratedRelease]] = []
    for path in sorted(directory.glob("*.yaml")):
        result.files_checked += 1
        family = _load(path, result)
        if family is None:
            continue
        for i, rel in enumerate(family.releases):
            result.releases_checked += 1
            entries.append((str(path), rel))
            result.problems.extend(validate_release(str(path), i, rel, family, known))
            for key in dict.fromkeys(k.lower() for k in (rel.id, *rel.hub_ids)):
                if key in owners:
                    other_path, other_id = owners[key]
                    result.problems.append(
                        Problem(str(path), f"releases.{i} ({rel.id})", f"duplicate id {key!r}: already used by {other_id} in {other_path}")
                    )
                else:
                    owners[key] = (str(path), rel.id)
    result.problems.extend(_chain_problems(entries))
    return result


def _chain_problems(entries: list[tuple[str, CuratedRelease]]) -> list[Problem]:
    """A derived entry's chain components cannot be more open than its base's (GUIDE: weakest of the chain)."""
    by_key = {key: rel for _, rel in entries for key in (rel.id.lower(), *(h.lower() for h in rel.hub_ids))}
    out: list[Problem] = []
    for path, rel in entries:
        if not rel.base_model:
            continue
        base = by_key.get(rel.base_model.lower())
        if base is None:
            out.append(
                Problem(path, f"{rel.id}.base_model", f"{rel.base_model} has no registry entry; its chain cannot be checked", "warning")
            )
            continue
        for name in ("technical_report", "training_code", "training_data", "data_pipeline"):
            mine, theirs = rel.components[name].status, base.components[name].status
            if STATUS_STRENGTH[mine] > STATUS_STRENGTH[theirs]:
                out.append(
                    Problem(
                        path,
                        f"{rel.id}.components.{name}",
                        f"{mine.value} but base {base.id} is {theirs.value}: a chain is only as open as its weakest stage",
                        "warning",
                    )
                )
    return out
