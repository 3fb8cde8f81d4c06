"""The registry report as one self-contained HTML page (jinja2, autoescaped; inline CSS/JS/SVG, no network).

Everything that may come from a card or a registry file is escaped by the template engine; only
http(s) URLs become links; a Content-Security-Policy with a per-page nonce keeps injected script inert.
Offline, the curated verdicts are the content: the page says so once at the top, and keeps
"skipped" for audits that really failed.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import jinja2

from openness.formatters.formats import ReportLinks
from openness.formatters.report_common import FRAMEWORK_COLUMNS, badges, framework_cell, is_link
from openness.formatters.text import clean
from openness.models import LEVEL_COMPONENTS, STATUS_STRENGTH, Status
from openness.registry.build import RegistryReport, ReleaseResult

SHORT = {"weights": "W", "technical_report": "TR", "training_code": "TC", "training_data": "TD", "data_pipeline": "DP"}
TEXT_MAX = 2_000
# Licence classes in the order of the chart, most permissive first.
LICENSE_CLASSES = ("permissive", "copyleft", "open-rail", "community", "non-commercial", "research-only", "unknown", "none")
LEVEL_NAMES = {
    0: "weights not open",
    1: "weights open",
    2: "+ technical report",
    3: "+ training code or data mixture",
    4: "+ training data",
    5: "+ data pipeline",
}
DOWNLOAD_NAMES = {"csv": "CSV", "json": "JSON", "markdown": "Markdown"}
STATE_LABEL = {
    "ok": "re-audited",
    "curated": "curated",
    "skipped": "skipped",
    "error": "error",
    "api-only": "API only",
}


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("openness", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    return env.get_template("registry_report.html.j2")


def _text(value: object, width: int = TEXT_MAX) -> str:
    """Card text for the page: control characters out, huge text cut (escaping is the template's job)."""
    return clean("" if value is None else value, width)


def _evidence(url: str) -> dict[str, Any]:
    link = is_link(url)
    label = url.split("://", 1)[1] if link else url
    return {"url": url if link else "", "link": link, "label": _text(label, 90)}


def license_class(r: ReleaseResult) -> str:
    """The licence class a chart bar and a filter use: the licence database's category, 'none' for API-only."""
    if r.api_only and not r.license_id:
        return "none"
    category = (r.license_category or "unknown").lower()
    return category if category in LICENSE_CLASSES else "unknown"


def _row(r: ReleaseResult, yaml_base: str) -> dict[str, Any]:
    curated = r.curated.get("components", {})
    computed = r.computed.get("components", {}) if r.computed else {}
    comps = []
    for c in LEVEL_COMPONENTS:
        status = r.components.get(c.value, Status.UNKNOWN)
        cur = curated.get(c.value, {})
        cur_status = cur.get("status", "unknown")
        note = cur.get("note", "")
        if r.computed and c.value in computed and computed[c.value].get("reason"):
            note = f"computed: {computed[c.value]['reason']}; curated: {note}" if note else f"computed: {computed[c.value]['reason']}"
        comps.append(
            (
                c.value,
                {
                    "status": status.value,
                    "rank": STATUS_STRENGTH[status],
                    "curated": cur_status,
                    "differs": r.level_source == "computed" and cur_status != status.value,
                    "note": _text(note, 400),
                    "evidence": [_evidence(u) for u in cur.get("evidence", [])[:6]],
                },
            )
        )
    hub = r.curated.get("hub_ids") or []
    hub_url = f"https://huggingface.co/{quote(hub[0], safe='/')}" if hub else ""
    klass = license_class(r)
    search = " ".join([r.id, r.name, r.organisation, r.family, r.license_id or "", klass, *hub, *(label for label, _ in badges(r))])
    return {
        "id": _text(r.id, 200),
        "name": _text(r.name, 200),
        "organisation": _text(r.organisation, 200),
        "org_link": r.organisation_url if r.organisation_url and is_link(r.organisation_url) else "",
        "hub_link": hub_url if hub_url and is_link(hub_url) else "",
        "yaml_link": f"{yaml_base}{quote(r.source_file)}" if r.source_file else "",
        "yaml_name": _text(r.source_file or "", 120),
        "level": r.level,
        "level_label": _text(r.level_label, 200),
        "level_source": r.level_source,
        "components": comps,
        "mixture": r.data_mixture_disclosed,
        "base_model": _text(r.curated.get("base_model") or "", 200),
        "notes": _text(r.curated.get("notes") or "", 600),
        "verified": r.verified,
        "license": _text(r.license_id or "", 100),
        "license_class": klass,
        "badges": [(_text(label, 80), restrictive) for label, restrictive in badges(r)],
        "terms_source": r.terms_source,
        "date": r.release_date or "",
        "audit": r.audit,
        "audit_label": STATE_LABEL.get(r.audit, r.audit),
        "reason": _text(r.audit_reason, 300),
        "sha": _text(r.sha or "", 64),
        "disagreements": [
            {
                "field": _text(d.field, 60),
                "curated": _text(d.curated, 300),
                "computed": _text(d.computed, 300),
                "curated_evidence": [_evidence(u) for u in d.curated_evidence[:6]],
                "computed_evidence": [_text(e, 300) for e in d.computed_evidence[:6]],
            }
            for d in r.disagreements
        ],
        "search": _text(search, 1000).lower(),
        "frameworks": [_framework(r, f) for f in FRAMEWORK_COLUMNS],
    }


def _framework(r: ReleaseResult, framework: str) -> dict[str, str]:
    label, outcome = framework_cell(r, framework)
    v = r.frameworks.get(framework)
    failing = [f"{c.id}: {c.reason}" for c in v.criteria if c.outcome == "fail"][:3] if v else []
    return {
        "id": framework,
        "label": _text(label, 60),
        "outcome": outcome,
        "title": _text("; ".join(failing) or (v.summary if v else ""), 400),
    }


def _bars(counts: Mapping[str, int], height: int = 84) -> list[dict[str, Any]]:
    """Bar geometry for an inline SVG chart: one bar per key, scaled to the largest count."""
    top = max(1, *counts.values()) if counts else 1
    return [
        {"key": key, "count": n, "h": round(n * height / top, 1), "y": round(height - n * height / top + 18, 1), "x": i * 56 + 4}
        for i, (key, n) in enumerate(counts.items())
    ]


def _organisations(report: RegistryReport) -> list[dict[str, Any]]:
    by_org: dict[str, list[ReleaseResult]] = {}
    for r in report.releases:
        by_org.setdefault(r.organisation, []).append(r)
    out = []
    for org, rels in by_org.items():
        levels = Counter(r.level for r in rels)
        out.append(
            {
                "name": _text(org, 200),
                "count": len(rels),
                "top": max(r.level for r in rels),
                "levels": [(lv, levels[lv]) for lv in range(6) if levels[lv]],
                "classes": ", ".join(sorted({license_class(r) for r in rels})),
            }
        )
    return sorted(out, key=lambda o: (-o["top"], -o["count"], o["name"].lower()))


def format_report_html(report: RegistryReport, links: ReportLinks | None = None) -> str:
    """The page. ``links.downloads``: format → relative file name of the same report in another format
    (written beside it); ``links.yaml_base``: the URL prefix of the curated YAML files (relative to the page)."""
    links = links or ReportLinks()
    downloads, yaml_base = links.downloads, links.yaml_base
    dist = report.level_distribution()
    rows = [_row(r, yaml_base) for r in sorted(report.releases, key=lambda r: (-r.level, r.organisation.lower(), r.id.lower()))]
    classes = Counter(row["license_class"] for row in rows)
    counts = report.audit_counts()
    verified = sorted(r.verified for r in report.releases)
    return (
        _template().render(
            nonce=secrets.token_urlsafe(18),
            total=len(report.releases),
            organisations=_organisations(report),
            generated=_text(report.generated, 40),
            tool_version=_text(report.tool_version, 40),
            offline=report.offline,
            build_id=report.build_id,
            resumed=report.resumed,
            audited=counts.get("ok", 0),
            curated_only=counts.get("curated", 0),
            failed=counts.get("skipped", 0) + counts.get("error", 0),
            api_only=counts.get("api-only", 0),
            verified_range=(verified[0], verified[-1]) if verified else ("", ""),
            level_bars=_bars({str(k): v for k, v in dist.items()}),
            level_names=LEVEL_NAMES,
            class_bars=_bars({k: classes[k] for k in LICENSE_CLASSES if classes[k]}),
            components=list(SHORT.items()),
            framework_columns=list(FRAMEWORK_COLUMNS.items()),
            states=[(k, v) for k, v in STATE_LABEL.items() if counts.get(k)],
            downloads=[(DOWNLOAD_NAMES.get(kind, kind), _text(name, 200)) for kind, name in (downloads or {}).items()],
            rows=rows,
        )
        + "\n"
    )
