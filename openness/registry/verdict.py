"""A curated registry entry as an openness report: what ``--offline`` answers for a Hub id the cache
has never seen (the help promises it), labelled as the curated verdict, never as a fresh audit."""

from __future__ import annotations

from openness.level import compute_level
from openness.license.assess import release_class, report_for_entry
from openness.license.database import LicenseDatabase
from openness.models import Component, ComponentVerdict, Evidence, OpennessReport, Status
from openness.registry.store import Registry


def curated_report(registry: Registry, model_id: str, licenses: LicenseDatabase) -> OpennessReport | None:
    """The report for ``model_id`` from its curated entry, or ``None`` when the registry has none."""
    entry = registry.find(model_id)
    if entry is None:
        return None
    family = next((fam for _, fam in registry.families if entry in fam.releases), None)
    verified = (entry.verified or (family.verified if family else None)) or "an unknown date"
    components: dict[str, ComponentVerdict] = {}
    for name, cur in entry.components.items():
        reason = f"curated registry entry, verified {verified}" + (f": {cur.note}" if cur.note else "")
        evidence = [Evidence(rule="registry", where=f"link:{url}") for url in cur.evidence[:4]]
        components[name] = ComponentVerdict(status=cur.status, reason=reason, evidence=evidence)
    mixture = Status.OPEN if entry.data_mixture_disclosed else Status.CLOSED
    components[Component.DATA_MIXTURE.value] = ComponentVerdict(
        status=mixture,
        reason=f"curated registry entry, verified {verified}: data mixture {'disclosed' if entry.data_mixture_disclosed else 'not disclosed'}",
    )
    _, label = compute_level(entry.statuses())
    lic_entry = licenses.get(entry.license) if entry.license else None
    lic = report_for_entry(lic_entry, "registry", 1.0, declared=entry.license) if lic_entry else None
    report = OpennessReport(
        id=model_id,
        source="registry",
        level=entry.level,
        level_label=label,
        components=components,
        data_mixture_disclosed=entry.data_mixture_disclosed,
        base_models=[entry.base_model] if entry.base_model else [],
        license=lic,
        warnings=[f"offline and not in the cache: this is the curated registry entry {entry.id} (verified {verified}), not a fresh audit"],
    )
    report.classification = release_class(components[Component.WEIGHTS.value].status, entry.level, lic)
    return report
