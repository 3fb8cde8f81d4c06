"""What changed between two registry builds: licence, level, gating, revision."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from openness.errors import InputError
from openness.registry.history import AuditRecord, History

ChangeKind = Literal["licence changed", "level changed", "newly gated", "no longer gated", "new revision"]
Snapshot = dict[str, AuditRecord]


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    release_id: str
    model_id: str
    kind: ChangeKind
    before: str | None = None
    after: str | None = None

    def __str__(self) -> str:
        return f"{self.release_id}: {self.kind}: {self.before or '—'} -> {self.after or '—'}"


def diff_snapshots(old: Snapshot, new: Snapshot) -> list[Change]:
    """Changes for releases audited successfully in both snapshots, in release order."""
    changes: list[Change] = []
    for rid in sorted(old.keys() & new.keys(), key=str.lower):
        a, b = old[rid], new[rid]
        if a.outcome != "ok" or b.outcome != "ok":
            continue

        def add(kind: ChangeKind, before: object, after: object, rid: str = rid, b: AuditRecord = b) -> None:
            changes.append(
                Change(
                    release_id=rid,
                    model_id=b.model_id,
                    kind=kind,
                    before=None if before is None else str(before),
                    after=None if after is None else str(after),
                )
            )

        if (a.license_id or "").lower() != (b.license_id or "").lower():
            add("licence changed", a.license_id, b.license_id)
        if a.level != b.level:
            add("level changed", None if a.level is None else f"L{a.level}", None if b.level is None else f"L{b.level}")
        if a.gated != b.gated:
            add("newly gated" if b.gated else "no longer gated", str(a.gated).lower(), str(b.gated).lower())
        if a.sha and b.sha and a.sha != b.sha:
            add("new revision", a.sha, b.sha)
    return changes


def snapshot_from_report(path: Path) -> Snapshot:
    """The computed facts of a JSON registry report written by ``openness registry build --format json``."""
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the baseline {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON registry report: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("releases"), list):
        raise InputError(f"{path}: not a JSON registry report (no 'releases' list)")
    snap: Snapshot = {}
    for i, rel in enumerate(doc["releases"]):
        if not isinstance(rel, dict) or "id" not in rel:
            raise InputError(f"{path}: releases.{i}: not a release entry (a mapping with an 'id')")
        computed = rel.get("computed")
        if computed is None:
            continue  # not audited in that build
        if not isinstance(computed, dict):
            raise InputError(f"{path}: releases.{i}: 'computed' is a {type(computed).__name__}, not a mapping")
        try:
            lic = computed.get("license") or {}
            terms = lic.get("terms") or []
            snap[str(rel["id"])] = AuditRecord(
                release_id=str(rel["id"]),
                model_id=str(computed.get("id", rel["id"])),
                outcome="ok",
                sha=computed.get("sha"),
                level=int(computed["level"]),
                license_id=lic.get("id"),
                terms=terms,
                gated=any(isinstance(t, dict) and t.get("type") == "gated" for t in terms),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{path}: releases.{i}: malformed computed entry ({exc})") from None
    return snap


def parse_since(value: str) -> dt.datetime:
    """An ISO date or date-time; a bare date means the end of that day (UTC)."""
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.timezone.utc)
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"not a date: {value!r} (use YYYY-MM-DD or an ISO date-time)") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def coverage(old: Snapshot, new: Snapshot) -> str | None:
    """What the two builds do not both cover (an ``--only`` build, a registry that grew), or ``None``:
    changes are only found among the releases both audited."""
    only_old, only_new = sorted(old.keys() - new.keys(), key=str.lower), sorted(new.keys() - old.keys(), key=str.lower)
    if not only_old and not only_new:
        return None

    def some(ids: list[str]) -> str:
        return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")

    parts = [
        f"{len(only_old)} only in the old ({some(only_old)})" if only_old else "",
        f"{len(only_new)} only in the new ({some(only_new)})" if only_new else "",
    ]
    return f"the builds cover different releases: {'; '.join(p for p in parts if p)}; {len(old.keys() & new.keys())} compared"


def diff_history(history: History, since: dt.datetime | None = None, baseline: Path | None = None) -> tuple[str, str, list[Change]]:
    """Compare the latest complete build with a baseline: a report file, the last build before ``since``,
    or the build before the latest. Returns (old label, new label, changes); :func:`snapshots` gives
    the two sides themselves."""
    old_label, new_label, old, new = snapshots(history, since, baseline)
    return old_label, new_label, diff_snapshots(old, new)


def snapshots(history: History, since: dt.datetime | None = None, baseline: Path | None = None) -> tuple[str, str, Snapshot, Snapshot]:
    """(old label, new label, old snapshot, new snapshot) for :func:`diff_history`."""
    builds = history.builds()
    if not builds:
        raise InputError(f"no complete build in {history.path}: run 'openness registry build' first")
    latest = builds[-1]
    new = history.audits(latest.id)
    new_label = f"build #{latest.id} ({latest.finished})"
    if baseline is not None:
        return str(baseline), new_label, snapshot_from_report(baseline), new
    if since is not None:
        old_build = history.build_before(since)
        if old_build is None:
            raise InputError(f"no complete build on or before {since.isoformat()} in {history.path}")
    else:
        if len(builds) < 2:
            raise InputError(f"only one complete build in {history.path}: nothing to compare (give --baseline FILE)")
        old_build = builds[-2]
    return f"build #{old_build.id} ({old_build.finished})", new_label, history.audits(old_build.id), new


@dataclass(frozen=True)
class BuildDiff:
    """What changed between two builds (``openness registry diff``), for the formatters to write."""

    old: str  # the old build's label (a build number and time, or the baseline file)
    new: str
    coverage: str | None  # what the two builds do not both cover, or None
    changes: list[Change]


def diff_builds(history: History, since: dt.datetime | None = None, baseline: Path | None = None) -> BuildDiff:
    """:func:`diff_history` with what the two builds do not both cover."""
    old_label, new_label, old, new = snapshots(history, since, baseline)
    return BuildDiff(old_label, new_label, coverage(old, new), diff_snapshots(old, new))
