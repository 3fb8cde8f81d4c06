"""The registry report as one self-contained HTML page (jinja2, autoescaped; inline CSS/JS, no network).

Everything that may come from a card or a registry file is escaped by the template engine; only
http(s) URLs become links; a Content-Security-Policy with a per-page nonce keeps injected script inert.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

import jinja2

from openness.formatters.report_common import FRAMEWORK_COLUMNS, badges, framework_cell, is_link
from openness.formatters.text import clean
from openness.models import LEVEL_COMPONENTS, STATUS_STRENGTH, Status
from openness.registry.build import RegistryReport, ReleaseResult

SHORT = {"weights": "W", "technical_report": "TR", "training_code": "TC", "training_data": "TD", "data_pipeline": "DP"}
TEXT_MAX = 2_000


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


def _row(r: ReleaseResult) -> dict[str, Any]:
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
    search = " ".join([r.id, r.name, r.organisation, r.family, r.license_id or "", *hub, *(label for label, _ in badges(r))])
    return {
        "id": _text(r.id, 200),
        "name": _text(r.name, 200),
        "organisation": _text(r.organisation, 200),
        "org_link": r.organisation_url if r.organisation_url and is_link(r.organisation_url) else "",
        "hub_link": f"https://huggingface.co/{hub[0]}" if hub and is_link(f"https://huggingface.co/{hub[0]}") else "",
        "level": r.level,
        "level_label": _text(r.level_label, 200),
        "level_source": r.level_source,
        "components": comps,
        "mixture": r.data_mixture_disclosed,
        "base_model": _text(r.curated.get("base_model") or "", 200),
        "notes": _text(r.curated.get("notes") or "", 600),
        "verified": r.verified,
        "license": _text(r.license_id or "", 100),
        "badges": [(_text(label, 80), restrictive) for label, restrictive in badges(r)],
        "terms_source": r.terms_source,
        "date": r.release_date or "",
        "audit": r.audit,
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


def format_report_html(report: RegistryReport) -> str:
    dist = report.level_distribution()
    return (
        _template().render(
            nonce=secrets.token_urlsafe(18),
            total=len(report.releases),
            organisations=len({r.organisation for r in report.releases}),
            generated=_text(report.generated, 40),
            tool_version=_text(report.tool_version, 40),
            offline=report.offline,
            build_id=report.build_id,
            resumed=report.resumed,
            audit_counts=sorted(report.audit_counts().items()),
            distribution=list(dist.items()),
            max_count=max(1, *dist.values()),
            components=list(SHORT.items()),
            framework_columns=list(FRAMEWORK_COLUMNS.items()),
            rows=[_row(r) for r in sorted(report.releases, key=lambda r: (-r.level, r.organisation.lower(), r.id.lower()))],
        )
        + "\n"
    )
