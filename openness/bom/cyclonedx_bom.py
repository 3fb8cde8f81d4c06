"""CycloneDX 1.6 ML-BOM (JSON), built with cyclonedx-python-lib.

The library has no model for ``modelCard`` yet, so the BOM is serialised by the library and the
model card is added to each model component's JSON afterwards; the result is checked against the
CycloneDX 1.6 JSON schema in the tests.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.spdx import fixup_id, is_expression
from packageurl import PackageURL

from openness import __version__
from openness.bom.properties import report_properties
from openness.bom.subject import Subject, slug
from openness.license.models import LicenseReport
from openness.models import ChainLink


def licences(lic: LicenseReport | None) -> list[DisjunctiveLicense | LicenseExpression]:
    """SPDX ids where SPDX has one, an expression when declared as one, else the licence by name (never an invalid id)."""
    if lic is None:
        return []
    if lic.expression and is_expression(lic.expression) and " " in lic.expression.strip():
        return [LicenseExpression(lic.expression)]
    spdx = fixup_id(lic.spdx) if lic.spdx and not lic.spdx.startswith("LicenseRef-") else None
    if spdx:
        return [DisjunctiveLicense(id=spdx)]
    name = lic.name or lic.declared or lic.id
    return [DisjunctiveLicense(name=name)] if name else []


def _model_component(s: Subject) -> Component:
    r = s.report
    owner, _, name = r.id.rpartition("/") if s.hub_id else ("", "", r.id)
    purl = PackageURL(type="huggingface", namespace=owner, name=name, version=r.sha.lower() if r.sha else None) if s.hub_id else None
    refs = [ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(s.url))] if s.url else []
    return Component(
        name=r.id,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=f"model:{slug(r.id)}",
        group=owner or None,
        version=r.sha or r.revision,
        description=f"openness {r.level_label}; {r.classification}",
        licenses=licences(r.license),
        purl=purl,
        external_references=refs,
        properties=[Property(name=k, value=v) for k, v in report_properties(r)],
    )


def _model_card(s: Subject, dataset_refs: list[str]) -> dict[str, Any]:
    r = s.report
    params: dict[str, Any] = {}
    if dataset_refs:
        params["datasets"] = [{"ref": ref} for ref in dataset_refs]
    limitations = [f"{name}: {v.status.value}" for name, v in r.components.items() if v.status.value != "open"]
    card: dict[str, Any] = {
        "considerations": {"technicalLimitations": [f"not open: {', '.join(limitations)}"]} if limitations else {},
        "properties": [{"name": "openness:level", "value": str(r.level)}],
    }
    if params:
        card["modelParameters"] = params
    if not card["considerations"]:
        del card["considerations"]
    return card


def build_cyclonedx(subjects: Sequence[Subject], now: datetime | None = None) -> str:
    """One CycloneDX 1.6 JSON document for ``subjects`` (models, their datasets and base models)."""
    bom = Bom()
    bom.metadata.timestamp = now or datetime.now(timezone.utc)
    bom.metadata.properties.add(Property(name="openness:tool_version", value=__version__))
    cards: dict[str, dict[str, Any]] = {}
    by_ref: dict[str, Component] = {}
    models: list[tuple[Subject, Component]] = []
    for s in subjects:  # every model first, so that a base model that is also a subject is described in full
        model = _model_component(s)
        if str(model.bom_ref) not in by_ref:
            by_ref[str(model.bom_ref)] = model
            bom.components.add(model)
            models.append((s, model))
    for s, model in models:
        ref = str(model.bom_ref)
        dataset_refs = []
        for d in s.datasets:
            dref = f"data:{slug(d.name)}"
            if dref not in by_ref:
                data = Component(
                    name=d.name,
                    type=ComponentType.DATA,
                    bom_ref=dref,
                    licenses=[DisjunctiveLicense(name=d.license)] if d.license else [],
                    properties=[Property(name="openness:dataset:availability", value=d.availability)],
                )
                by_ref[dref] = data
                bom.components.add(data)
            dataset_refs.append(dref)
        depends = [by_ref[dr] for dr in dataset_refs]
        for link in s.report.chain or [ChainLink(id=b, source="unresolved") for b in s.report.base_models]:
            bref = f"model:{slug(link.id)}"
            if bref not in by_ref:
                base = Component(
                    name=link.id,
                    type=ComponentType.MACHINE_LEARNING_MODEL,
                    bom_ref=bref,
                    properties=[Property(name="openness:base_model:source", value=link.source)]
                    + ([Property(name="openness:level", value=str(link.level))] if link.level is not None else []),
                )
                by_ref[bref] = base
                bom.components.add(base)
            depends.append(by_ref[bref])
        bom.register_dependency(model, depends)
        cards[ref] = _model_card(s, dataset_refs)
    doc = json.loads(JsonV1Dot6(bom).output_as_string())
    for comp in doc.get("components", []):
        card = cards.get(comp.get("bom-ref", ""))
        if card is not None:
            comp["modelCard"] = card
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
