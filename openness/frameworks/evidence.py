"""The one evidence record every framework is judged from.

Built from a finished audit (the openness report with its licence report, and the release when it
is at hand) or from a curated registry entry; the frameworks never look at anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from openness.datasets import Dataset, DatasetCatalogue
from openness.license.assess import report_for_entry
from openness.license.database import LicenseDatabase
from openness.license.models import LicenseReport
from openness.models import OpennessReport, Release, Status
from openness.registry.models import CuratedRelease

_URL = re.compile(r"https?://[^\s)\]>\"'`]+")
_GITHUB = re.compile(r"https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", re.IGNORECASE)


def github_repo(url: str) -> str | None:
    """``owner/name`` of a GitHub URL; ``None`` for other URLs."""
    m = _GITHUB.match(url)
    return f"{m.group(1)}/{m.group(2).removesuffix('.git')}" if m else None


@dataclass
class ComponentFacts:
    status: Status
    reason: str = ""
    evidence: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


@dataclass
class DatasetFacts:
    name: str
    license: str | None
    availability: str


@dataclass
class EvidenceRecord:
    id: str
    source: Literal["audit", "curated"]
    components: dict[str, ComponentFacts]
    licence: LicenseReport | None
    datasets: list[DatasetFacts] | None = None  # None: the training datasets were not read
    base_models: list[str] = field(default_factory=list)
    card: dict[str, Any] = field(default_factory=dict)  # what the card says that the EU summary template asks

    def component(self, name: str) -> ComponentFacts:
        return self.components.get(name) or ComponentFacts(Status.UNKNOWN, "not assessed")


def _urls(*texts: str) -> list[str]:
    return list(dict.fromkeys(u.rstrip(".,;:") for t in texts for u in _URL.findall(t)))


def _card_fields(release: Release) -> dict[str, Any]:
    meta = release.metadata
    langs = meta.get("language")
    languages = [str(x) for x in langs] if isinstance(langs, list) else ([str(langs)] if langs else [])
    modality = [str(meta["pipeline_tag"])] if meta.get("pipeline_tag") else []
    return {"languages": languages, "modalities": modality}


def _catalogued(catalogue: DatasetCatalogue | None, facts: ComponentFacts | None, evidence: list[str]) -> list[Dataset]:
    """The catalogue's datasets an evidence line names (``metadata:datasets=the_pile: The Pile``)."""
    if catalogue is None or facts is None:
        return []
    by_name: dict[str, Dataset] = {}
    for d in catalogue.datasets:
        for key in (d.id, d.name, *d.aliases, *d.hub_ids):
            by_name.setdefault(key.lower(), d)
    found: list[Dataset] = []
    for line in evidence:
        where, _, seen = line.partition(": ")
        for key in (seen, where.rpartition("=")[2], where.rpartition("/datasets/")[2]):
            hit = by_name.get(key.strip().lower())
            if hit is not None and hit not in found:
                found.append(hit)
    return found


def record_from_report(report: OpennessReport, release: Release | None = None, catalogue: DatasetCatalogue | None = None) -> EvidenceRecord:
    """The evidence of a finished audit; ``release`` adds the datasets and card fields it named."""
    components = {
        name: ComponentFacts(
            v.status,
            v.reason,
            [f"{e.where}: {e.excerpt}" if e.excerpt else e.where for e in v.evidence],
            _urls(*(f"{e.where} {e.excerpt}" for e in v.evidence)),
        )
        for name, v in report.components.items()
    }
    # The construction code of the catalogued datasets the pipeline verdict names is that verdict's code.
    pipeline = components.get("data_pipeline")
    for d in _catalogued(catalogue, pipeline, pipeline.evidence if pipeline else []):
        if pipeline is not None and d.construction_code_url:
            pipeline.urls.append(d.construction_code_url)
    datasets: list[DatasetFacts] | None = None
    card: dict[str, Any] = {}
    data = components.get("training_data")
    named = _catalogued(catalogue, data, data.evidence if data else [])
    if named:
        datasets = [DatasetFacts(d.name, d.license, d.availability.value) for d in named]
    if release is not None:
        datasets = datasets or []
        for ds in release.datasets:
            entry = catalogue.by_hub_id(ds) if catalogue else None
            if entry is not None and entry in named:
                continue
            hub = release.dataset_status.get(ds)
            lic = (entry.license if entry else None) or (hub.license if hub else None)
            availability = entry.availability.value if entry else (hub.status if hub else "unknown")
            datasets.append(DatasetFacts(ds, lic, availability))
        card = _card_fields(release)
    return EvidenceRecord(report.id, "audit", components, report.license, datasets, list(report.base_models), card)


def record_from_curated(entry: CuratedRelease, licences: LicenseDatabase, catalogue: DatasetCatalogue | None = None) -> EvidenceRecord:
    """The evidence of a curated registry entry: its statuses and URLs, its licence from the database,
    the catalogued datasets its training-data evidence links."""
    components = {name: ComponentFacts(c.status, c.note, list(c.evidence), list(c.evidence)) for name, c in entry.components.items()}
    components.setdefault(
        "data_mixture", ComponentFacts(Status.OPEN if entry.data_mixture_disclosed else Status.CLOSED, "curated data_mixture_disclosed")
    )
    named: list[Dataset] = []
    data = components.get("training_data")
    for url in data.urls if data else []:
        _, _, ds = url.partition("huggingface.co/datasets/")
        found = catalogue.by_hub_id(ds.strip("/")) if catalogue and ds else None
        if found is not None and found not in named:
            named.append(found)
    pipeline = components.get("data_pipeline")
    for d in named:
        if pipeline is not None and d.construction_code_url and d.construction_code_url not in pipeline.urls:
            pipeline.urls.append(d.construction_code_url)
    datasets = [DatasetFacts(d.name, d.license, d.availability.value) for d in named] or None
    lic = None
    if entry.license:
        db_entry = licences.get(entry.license)
        if db_entry is not None:
            lic = report_for_entry(db_entry, "metadata", 1.0, declared=entry.license)
            lic.evidence = [f"registry:license={entry.license}"]
        else:
            lic = LicenseReport(id=None, declared=entry.license, recognised=False, evidence=[f"registry:license={entry.license}"])
    bases = [entry.base_model] if entry.base_model else []
    return EvidenceRecord(entry.id, "curated", components, lic, datasets, bases)
