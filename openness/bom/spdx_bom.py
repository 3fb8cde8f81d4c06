"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles: an ``ai_AIPackage`` per model, a
``dataset_DatasetPackage`` per dataset, relationships for training data, base models and licences.

Openness's verdicts travel as ``Annotation`` elements whose statement is ``name=value`` (the same
pairs as the CycloneDX properties). Checked in the tests by reading the document back with the
SPDX project's own 3.0.1 bindings (spdx-python-model), which refuse unknown types, properties and
values; PyPI has no package that ships the 3.0.1 JSON schema itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from openness import __version__
from openness.bom.properties import report_properties
from openness.bom.subject import Subject, slug
from openness.license.models import LicenseReport

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
BASE = "https://openness.invalid/spdx"
_CI = "_:creationinfo"


def licence_expression(lic: LicenseReport | None) -> str | None:
    """An SPDX licence expression: the declared expression, the SPDX id, or the LicenseRef- id of a custom licence."""
    if lic is None:
        return None
    if lic.expression and " " in lic.expression.strip():
        return lic.expression
    return lic.spdx or None


def build_spdx(subjects: Sequence[Subject], now: datetime | None = None) -> str:
    created = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    graph: list[dict[str, Any]] = []
    agent = f"{BASE}/agent/openness"
    graph.append({"type": "CreationInfo", "@id": _CI, "specVersion": "3.0.1", "created": created, "createdBy": [agent]})
    graph.append({"type": "SoftwareAgent", "spdxId": agent, "creationInfo": _CI, "name": f"openness {__version__}"})
    roots: list[str] = []
    ids: set[str] = set()
    n = 0

    def add(obj: dict[str, Any]) -> None:
        graph.append(obj | {"creationInfo": _CI})

    def relate(src: str, kind: str, to: list[str]) -> None:
        nonlocal n
        n += 1
        add({"type": "Relationship", "spdxId": f"{BASE}/relationship/{n}", "from": src, "relationshipType": kind, "to": to})

    subject_ids = {f"{BASE}/model/{slug(s.report.id)}" for s in subjects}
    for s in subjects:
        r = s.report
        mid = f"{BASE}/model/{slug(r.id)}"
        if mid in roots:
            continue
        ids.add(mid)
        roots.append(mid)
        model: dict[str, Any] = {
            "type": "ai_AIPackage",
            "spdxId": mid,
            "name": r.id,
            "software_primaryPurpose": "model",
            "summary": f"openness {r.level_label}; {r.classification}",
        }
        if r.sha or r.revision:
            model["software_packageVersion"] = r.sha or r.revision
        if s.url:
            model["software_downloadLocation"] = s.url
        closed = [name for name, v in r.components.items() if v.status.value != "open"]
        if closed:
            model["ai_limitation"] = "components not open: " + ", ".join(closed)
        add(model)
        expr = licence_expression(r.license)
        if expr:
            lid = f"{BASE}/license/{slug(expr)}"
            if lid not in ids:
                ids.add(lid)
                add({"type": "simplelicensing_LicenseExpression", "spdxId": lid, "simplelicensing_licenseExpression": expr})
            relate(mid, "hasDeclaredLicense", [lid])
        data_ids = []
        for d in s.datasets:
            did = f"{BASE}/dataset/{slug(d.name)}"
            data_ids.append(did)
            if did in ids:
                continue
            ids.add(did)
            ds: dict[str, Any] = {
                "type": "dataset_DatasetPackage",
                "spdxId": did,
                "name": d.name,
                "software_primaryPurpose": "data",
                "dataset_datasetType": ["other"],
                "dataset_datasetAvailability": _availability(d.availability),
            }
            if d.license:
                ds["comment"] = f"licence (as catalogued): {d.license}"
            add(ds)
        if data_ids:
            relate(mid, "trainedOn", data_ids)
        bases = [link.id for link in r.chain] or list(r.base_models)
        for b in bases:
            bid = f"{BASE}/model/{slug(b)}"
            if bid not in ids and bid not in subject_ids:
                ids.add(bid)
                add({"type": "ai_AIPackage", "spdxId": bid, "name": b, "software_primaryPurpose": "model"})
            relate(bid, "ancestorOf", [mid])
        for i, (name, value) in enumerate(report_properties(r)):
            add(
                {
                    "type": "Annotation",
                    "spdxId": f"{mid}/annotation/{i}",
                    "annotationType": "other",
                    "subject": mid,
                    "statement": f"{name}={value}",
                }
            )
    elements = [o["spdxId"] for o in graph if "spdxId" in o and o["type"] != "SoftwareAgent"]
    graph.append(
        {
            "type": "SpdxDocument",
            "spdxId": f"{BASE}/document",
            "creationInfo": _CI,
            "name": "openness AI-BOM",
            "profileConformance": ["core", "software", "ai", "dataset", "simpleLicensing"],
            "rootElement": roots,
            "element": elements,
        }
    )
    return json.dumps({"@context": CONTEXT, "@graph": graph}, indent=2, ensure_ascii=False) + "\n"


def _availability(value: str) -> str:
    """The catalogue's availability as SPDX's DatasetAvailabilityType."""
    return {"open": "directDownload", "public": "directDownload", "partial": "registration", "gated": "clickthrough"}.get(value, "query")


def read_annotations(doc: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Our ``name=value`` annotations back, by model spdxId."""
    out: dict[str, list[tuple[str, str]]] = {}
    for obj in doc.get("@graph", []):
        if obj.get("type") == "Annotation" and isinstance(obj.get("statement"), str):
            name, _, value = obj["statement"].partition("=")
            out.setdefault(obj.get("subject", ""), []).append((name, value))
    return out
