"""Build the registry report: audit every release with a Hub id, compare with the curated facts, keep history.

The verdict shown for a release is the computed level when its audit succeeded, else the curated level
(``level_source`` says which). Offline, a release the cache has never seen is ``curated``: its
human-verified verdict is the content, nothing failed. A failed audit is ``skipped`` with the reason;
one failure never stops the rest.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openness import __version__
from openness.errors import InputError, NotCachedError
from openness.frameworks.judge import Frameworks
from openness.frameworks.verdicts import FrameworkVerdict
from openness.level import compute_level
from openness.license.models import LicenseTerm
from openness.models import LEVEL_COMPONENTS, SCHEMA_VERSION, AuditError, OpennessReport, Status
from openness.registry.history import AuditRecord, History, Outcome, now_iso
from openness.registry.models import CuratedRelease, RegistryFamily
from openness.registry.store import Registry

AuditState = Literal["ok", "curated", "skipped", "error", "api-only"]


class AuditorLike(Protocol):
    """What the build needs from :class:`openness.audit.Auditor`."""

    def audit_many(self, targets: Iterable[str]) -> Iterator[OpennessReport | AuditError]: ...


class Disagreement(BaseModel):
    """Curated and computed facts differ; both sides' evidence, so a human can decide."""

    model_config = ConfigDict(extra="forbid")

    field: str
    curated: str
    computed: str
    curated_evidence: list[str] = Field(default_factory=list)
    computed_evidence: list[str] = Field(default_factory=list)


class ReleaseResult(BaseModel):
    """One row of the report."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    family: str
    organisation: str
    organisation_url: str | None = None
    source_file: str | None = Field(default=None, description="the curated YAML file, relative to the registry directory")
    api_only: bool = False
    release_date: str | None = None
    level: int
    level_label: str
    level_source: Literal["computed", "curated"]
    components: dict[str, Status] = Field(description="the statuses shown: computed when audited, else curated")
    data_mixture_disclosed: bool
    license_id: str | None = None
    license_category: str | None = Field(default=None, description="licence class: permissive, copyleft, community, ...")
    license_terms: list[LicenseTerm] = Field(default_factory=list)
    terms_source: Literal["computed", "licence database", "none"] = "none"
    audit: AuditState
    audit_reason: str = ""
    audited_model: str | None = None
    audited_at: str | None = None
    sha: str | None = None
    verified: str
    curated: dict[str, Any]
    computed: dict[str, Any] | None = None
    disagreements: list[Disagreement] = Field(default_factory=list)
    frameworks: dict[str, FrameworkVerdict] = Field(
        default_factory=dict, description="other frameworks' verdicts: from the audit when computed, else from the curated entry"
    )


class RegistryReport(BaseModel):
    """Everything one build produced; the formatters render it."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    generated: str
    tool_version: str = __version__
    offline: bool = False
    build_id: int | None = None
    resumed: bool = False
    releases: list[ReleaseResult]

    def level_distribution(self) -> dict[int, int]:
        dist = dict.fromkeys(range(6), 0)
        for r in self.releases:
            dist[r.level] += 1
        return dist

    def attempted(self) -> int:
        """Audits that were tried (not API-only, not left to the curated verdict offline)."""
        return sum(1 for r in self.releases if r.audit in ("ok", "skipped", "error"))

    def audit_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.releases:
            counts[r.audit] = counts.get(r.audit, 0) + 1
        return counts


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    release_id: str
    state: str


TermsLookup = Callable[[str], list[LicenseTerm]]
CategoryLookup = Callable[[str], str | None]


def database_terms_lookup() -> TermsLookup | None:
    """Licence terms by licence id from the licence database, or ``None`` when it is not available."""
    try:
        database: Any = importlib.import_module("openness.license.database")
        db = database.LicenseDatabase.load()
    except Exception:  # noqa: BLE001 - no database (yet) means no terms, not a failed build
        return None

    def lookup(license_id: str) -> list[LicenseTerm]:
        entry = db.get(license_id) or next(iter(db.by_license_name(license_id)), None)  # a licence name is an alias
        return [] if entry is None else [LicenseTerm.model_validate(t.model_dump()) for t in entry.terms]

    return lookup


def database_category_lookup() -> CategoryLookup | None:
    """Licence class by licence id from the licence database, or ``None`` when it is not available."""
    try:
        database: Any = importlib.import_module("openness.license.database")
        db = database.LicenseDatabase.load()
    except Exception:  # noqa: BLE001 - no database means no classes, not a failed build
        return None

    def lookup(license_id: str) -> str | None:
        entry = db.get(license_id)
        return None if entry is None else str(entry.category)

    return lookup


def build_key(entries: Sequence[tuple[RegistryFamily, CuratedRelease]], offline: bool) -> str:
    """Identifies a build's inputs, so an interrupted build is only resumed with the same ones."""
    h = hashlib.sha256(json.dumps({"offline": offline, "tool": __version__}).encode())
    for _, rel in entries:
        h.update(rel.model_dump_json().encode())
    return h.hexdigest()[:16]


def select(registry: Registry, only: Sequence[str] = ()) -> list[tuple[RegistryFamily, CuratedRelease]]:
    """The registry's entries, or those named in ``only`` (registry or Hub ids, any case)."""
    entries = [(fam, rel) for _, fam in registry.families for rel in fam.releases]
    if not only:
        return entries
    wanted: dict[str, str] = {}
    for name in only:
        rel = registry.find(name)
        if rel is None:
            raise InputError(f"not in the registry: {name} (see registry/releases/*.yaml)")
        wanted[rel.id] = name
    return [(fam, rel) for fam, rel in entries if rel.id in wanted]


def record_from_report(release_id: str, report: OpennessReport) -> AuditRecord:
    terms = report.license.terms if report.license else []
    return AuditRecord(
        release_id=release_id,
        model_id=report.id,
        outcome="ok",
        sha=report.sha,
        level=report.level,
        components={name: v.status.value for name, v in report.components.items()},
        license_id=report.license.id if report.license else None,
        terms=[t.model_dump(mode="json") for t in terms],
        gated=any(t.type == "gated" for t in terms),
        report=report.model_dump(mode="json"),
    )


def compare(rel: CuratedRelease, report: OpennessReport) -> list[Disagreement]:
    """Every difference between the curated entry and the computed report, with both sides' evidence."""
    out: list[Disagreement] = []
    differing: list[str] = []
    for name, cur in rel.components.items():
        verdict = report.components.get(name)
        if verdict is None or verdict.status == cur.status:
            continue
        differing.append(name)
        out.append(
            Disagreement(
                field=name,
                curated=cur.status.value + (f": {cur.note}" if cur.note else ""),
                computed=verdict.status.value + (f": {verdict.reason}" if verdict.reason else ""),
                curated_evidence=list(cur.evidence),
                computed_evidence=[f"{e.where}: {e.excerpt}" if e.excerpt else e.where for e in verdict.evidence],
            )
        )
    if report.level != rel.level:
        out.insert(
            0,
            Disagreement(
                field="level",
                curated=f"L{rel.level}",
                computed=report.level_label,
                curated_evidence=[u for name in differing for u in rel.components[name].evidence],
                computed_evidence=[f"{name}: {report.components[name].status.value}" for name in differing],
            ),
        )
    if report.data_mixture_disclosed != rel.data_mixture_disclosed:
        mix = report.components.get("data_mixture")
        out.append(
            Disagreement(
                field="data_mixture_disclosed",
                curated=str(rel.data_mixture_disclosed).lower(),
                computed=str(report.data_mixture_disclosed).lower(),
                curated_evidence=list(rel.components["technical_report"].evidence),
                computed_evidence=[f"{e.where}: {e.excerpt}" if e.excerpt else e.where for e in (mix.evidence if mix else [])],
            )
        )
    computed_license = report.license.id if report.license else None
    if rel.license and computed_license and computed_license.lower() != rel.license.lower():
        out.append(
            Disagreement(
                field="license",
                curated=rel.license,
                computed=computed_license,
                computed_evidence=list(report.license.evidence) if report.license else [],
            )
        )
    return out


def _audit_all(auditor: AuditorLike, targets: Sequence[str]) -> Iterator[tuple[str, OpennessReport | AuditError]]:
    """Each target with its result, in order, through one ``audit_many`` call (the auditor's own
    concurrency: one pool, no pool per target). An auditor that raises costs only the target it was
    on: it is asked again for the rest."""
    rest = list(targets)
    while rest:
        done = 0
        try:
            for result in auditor.audit_many(rest):
                if done == len(rest):
                    break  # more results than targets: not ours
                yield rest[done], result
                done += 1
        except Exception as exc:  # noqa: BLE001 - one failing audit must not stop the build
            if done == len(rest):
                return
            yield rest[done], AuditError(id=rest[done], error=f"{type(exc).__name__}: {exc}", kind="internal")
            rest = rest[done + 1 :]
            continue
        for target in rest[done:]:
            yield target, AuditError(id=target, error="the auditor returned nothing")
        return


def _result(
    fam: RegistryFamily,
    rel: CuratedRelease,
    rec: AuditRecord | None,
    report: OpennessReport | None,
    terms_lookup: TermsLookup | None,
    category_lookup: CategoryLookup | None = None,
    source_file: str | None = None,
    frameworks: Frameworks | None = None,
) -> ReleaseResult:
    curated_level, curated_label = compute_level(rel.statuses())
    common: dict[str, Any] = dict(
        id=rel.id,
        name=rel.name,
        family=fam.family,
        organisation=fam.organisation,
        organisation_url=fam.organisation_url,
        source_file=source_file,
        api_only=rel.api_only,
        release_date=rel.release_date.isoformat() if rel.release_date else None,
        data_mixture_disclosed=rel.data_mixture_disclosed,
        verified=checked.isoformat() if (checked := fam.checked_on(rel)) else "not checked (general knowledge)",
        curated=rel.model_dump(mode="json"),
        audited_model=rec.model_id if rec else None,
        audited_at=rec.time if rec else None,
    )
    if report is not None:
        terms = list(report.license.terms) if report.license else []
        license_id = (report.license.id if report.license else None) or rel.license
        return ReleaseResult(
            **common | dict(data_mixture_disclosed=report.data_mixture_disclosed),
            level=report.level,
            level_label=report.level_label,
            level_source="computed",
            components={c.value: report.components[c.value].status for c in LEVEL_COMPONENTS if c.value in report.components},
            license_id=license_id,
            license_category=(str(report.license.category) if report.license and report.license.category else None)
            or (category_lookup(license_id) if category_lookup and license_id else None),
            license_terms=terms,
            terms_source="computed" if terms else "none",
            audit="ok",
            sha=report.sha,
            computed=report.model_dump(mode="json"),
            disagreements=compare(rel, report),
            frameworks=report.frameworks or (frameworks.judge(report) if frameworks else {}),
        )
    terms = terms_lookup(rel.license) if (terms_lookup and rel.license) else []
    if rel.api_only:
        state: AuditState = "api-only"
        reason = "API-only: nothing to audit"
    elif rec is None or rec.outcome in ("ok", "curated"):
        state, reason = "curated", (rec.reason if rec else "")
    else:
        state, reason = rec.outcome, rec.reason
    return ReleaseResult(
        **common,
        level=rel.level,
        level_label=curated_label if curated_level == rel.level else f"L{rel.level}",
        level_source="curated",
        components={name: c.status for name, c in rel.components.items() if name in {c.value for c in LEVEL_COMPONENTS}},
        license_id=rel.license,
        license_category=category_lookup(rel.license) if category_lookup and rel.license else None,
        license_terms=terms,
        terms_source="licence database" if terms else "none",
        audit=state,
        audit_reason=reason,
        frameworks=frameworks.judge_curated(rel) if frameworks else {},
    )


def build_report(
    registry: Registry,
    auditor: AuditorLike | None,
    *,
    history: History | None = None,
    only: Sequence[str] = (),
    offline: bool = False,
    resume: bool = True,
    terms_lookup: TermsLookup | None = None,
    category_lookup: CategoryLookup | None = None,
    progress: Callable[[Progress], None] | None = None,
    frameworks: Frameworks | None = None,
) -> RegistryReport:
    """Audit the registry's Hub releases with ``auditor`` (``None``: curated data only) and build the report.

    With ``history``, every audit is stored and an interrupted build with the same inputs is resumed.
    With ``frameworks``, every release is also judged by them (the curated entry when not audited).
    """
    entries = select(registry, only)
    files = {rel.id: path.name for path, fam in registry.families for rel in fam.releases}
    build_id, resumed = (None, False)
    done: dict[str, AuditRecord] = {}
    if history is not None:
        build_id, resumed = history.start_build(build_key(entries, offline), __version__, offline, resume)
        done = history.audits(build_id) if resumed else {}
    records: dict[str, AuditRecord] = {}
    reports: dict[str, OpennessReport] = {}
    for rel_id, rec in done.items():
        if rec.outcome == "ok" and rec.report is not None:
            try:
                reports[rel_id] = OpennessReport.model_validate(rec.report)
            except ValidationError:
                continue  # stored by an older schema: audit again
        records[rel_id] = rec

    todo = [(fam, rel) for fam, rel in entries if rel.hub_ids and not rel.api_only and rel.id not in records]
    total, finished = len(entries), len(entries) - len(todo)
    if progress:
        progress(Progress(finished, total, "", "resumed" if resumed else "start"))
    if todo and auditor is not None:
        audited = _audit_all(auditor, [rel.hub_ids[0] for _, rel in todo])
        for (_, rel), (target, result) in zip(todo, audited, strict=True):
            if isinstance(result, OpennessReport):
                rec = record_from_report(rel.id, result)
                reports[rel.id] = result
            else:
                outcome: Outcome = "curated" if result.kind == NotCachedError.__name__ else "skipped"
                rec = AuditRecord(rel.id, target, "error" if result.kind == "internal" else outcome, result.error)
            records[rel.id] = rec
            if history is not None and build_id is not None:
                history.record(build_id, rec)
            finished += 1
            if progress:
                progress(Progress(finished, total, rel.id, rec.outcome))
    if history is not None and build_id is not None:
        history.finish_build(build_id)
    releases = [
        _result(fam, rel, records.get(rel.id), reports.get(rel.id), terms_lookup, category_lookup, files.get(rel.id), frameworks)
        for fam, rel in entries
    ]
    return RegistryReport(generated=now_iso(), offline=offline, build_id=build_id, resumed=resumed, releases=releases)
