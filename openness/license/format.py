"""Render licence entries and reports for people (text) and programs (JSON). Pure functions."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from openness.formatters.text import clean
from openness.license.database import LicenseEntry
from openness.license.models import LicenseReport, LicenseTerm
from openness.models import SCHEMA_VERSION


def short_number(n: float) -> str:
    """700000000 -> '700M', 1000000 -> '1M', 1500 -> '1.5k'."""
    for size, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if n >= size:
            v = n / size
            return f"{v:g}{suffix}"
    return f"{n:g}"


def term_summary(term: LicenseTerm) -> str:
    """A few words per term, e.g. 'MAU cap 700M', 'revenue cap 1M USD', 'excludes EU, UK'."""
    v = term.value
    if term.type == "mau_cap" and isinstance(v, (int, float)):
        measure = {"daily active users": "DAU cap", "monthly visits": "monthly visits cap"}.get(str(term.details.get("measure")), "MAU cap")
        return f"{measure} {short_number(v)}"
    if term.type == "revenue_cap" and isinstance(v, dict):
        return f"revenue cap {short_number(float(v.get('amount', 0)))} {v.get('currency', '')}".strip()
    if term.type == "territory_exclusions" and isinstance(v, list):
        return "excludes " + ", ".join(str(x) for x in v)
    if term.type == "acceptable_use_policy":
        return "use policy" + (" (pass-down)" if term.details.get("pass_down") else "")
    if term.type == "naming" and isinstance(v, str):
        return f'naming "{clean(v, 32)}"'
    if term.type == "field_of_use_restrictions" and isinstance(v, list):
        return "not for: " + ", ".join(str(x) for x in v)
    labels = {
        "non_commercial": "non-commercial",
        "research_only": "research only",
        "no_training_other_models": "no training other models",
        "attribution": "attribution",
        "gated": "gated",
        "termination": "termination",
        "copyleft_on_derivatives": "copyleft",
        "field_of_use_restrictions": "field-of-use limits",
    }
    return labels.get(term.type, term.type)


_TERRITORY_NAMES = {
    "EU": "European Union",
    "EEA": "European Economic Area",
    "UK": "United Kingdom",
    "GB": "United Kingdom",
    "KR": "South Korea",
    "KP": "North Korea",
    "CN": "China",
    "US": "United States",
    "RU": "Russia",
    "JP": "Japan",
    "IN": "India",
    "CA": "Canada",
    "CH": "Switzerland",
    "BR": "Brazil",
    "SG": "Singapore",
    "HK": "Hong Kong",
    "TW": "Taiwan",
    "UA-43": "Crimea",
}


def territory_name(code: str) -> str:
    """'EU' -> 'European Union'; a code without a name is shown as it is."""
    return _TERRITORY_NAMES.get(code.upper(), code)


def term_line(term: LicenseTerm) -> str:
    """A term for an audit report: values readable (700M, territories by name), scope and implication said."""
    if term.type == "territory_exclusions" and isinstance(term.value, list):
        text = "excludes " + ", ".join(territory_name(str(x)) for x in term.value)
    else:
        text = term_summary(term)
        if term.type in ("attribution", "termination") and isinstance(term.value, str):
            text += f" ({term.value})"
    if isinstance(term.details.get("scope"), str):
        text += f" [{term.details['scope']}]"
    if term.details.get("applicable") is False:
        text += " - not applicable to this release"
    if term.details.get("implied_by"):
        text += f" (implied by {str(term.details['implied_by']).replace('_', ' ')})"
    return text


def key_terms(terms: list[LicenseTerm], skip: tuple[str, ...] = ("attribution", "termination")) -> str:
    """The distinct term summaries, binding ones first; attribution and termination left out."""
    seen: list[str] = []
    for t in terms:
        if t.type in skip:
            continue
        s = term_summary(t)
        if s not in seen:
            seen.append(s)
    return "; ".join(seen) or "-"


def format_entry_list(entries: list[LicenseEntry]) -> str:
    rows = [(e.id, e.name, e.category, "yes" if e.osi_approved else "no", key_terms(e.terms)) for e in entries]
    widths = [max(len(r[i]) for r in [*rows, ("ID", "NAME", "CATEGORY", "OSI", "")]) for i in range(4)]
    widths[1] = min(widths[1], 48)
    lines = [f"{'ID':<{widths[0]}}  {'NAME':<{widths[1]}}  {'CATEGORY':<{widths[2]}}  {'OSI':<3}  KEY TERMS"]
    for r in rows:
        lines.append(f"{r[0]:<{widths[0]}}  {clean(r[1], widths[1]):<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:<3}  {r[4]}")
    return "\n".join(lines) + "\n"


def _term_lines(terms: list[LicenseTerm]) -> list[str]:
    lines = []
    for t in terms:
        lines.append(f"  - {t.type}: {clean(term_summary(t))}" + (f"  [{clean(t.source)}]" if t.source else ""))
        if t.clause:
            lines.append(f'      "{clean(t.clause)}"')
        for k, v in t.details.items():
            lines.append(f"      {k}: {clean(v)}")
    return lines or ["  (none)"]


def format_entry(entry: LicenseEntry) -> str:
    lines = [
        f"{entry.id}: {clean(entry.name)}",
        f"  SPDX: {entry.spdx}   version: {entry.version or '-'}   date: {entry.date or '-'}",
        f"  category: {entry.category}   OSI-approved: {'yes' if entry.osi_approved else 'no'}   family: {entry.family}",
        f"  Hub ids: {', '.join(entry.hub_ids) or '-'}   licence names: {', '.join(entry.license_names) or '-'}",
        f"  text: {entry.url}",
        "terms:" + ("" if entry.text_checked else " (written from the public text; not checked against a copy)"),
        *_term_lines(entry.terms),
    ]
    if entry.notes:
        lines.append(f"notes: {clean(entry.notes)}")
    return "\n".join(lines) + "\n"


def _versioned_json(model: BaseModel) -> str:
    """A model as a JSON document carrying ``schema_version``."""
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **model.model_dump(mode="json")}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def format_entry_json(entry: LicenseEntry) -> str:
    return _versioned_json(entry)


def format_report_json(report: LicenseReport) -> str:
    return _versioned_json(report)


def format_report(report: LicenseReport) -> str:
    if report.id:
        head = f"{report.id}: {clean(report.name or '')}"
    else:
        head = "unrecognised licence" + (f" (declared {clean(report.declared)!r})" if report.declared else "")
    lines = [
        head,
        f"  source: {report.source}   confidence: {report.confidence:.2f}   category: {report.category}   "
        f"OSI-approved: {'yes' if report.osi_approved else 'no'}",
    ]
    if report.inherited_from:
        lines.append(f"  inherits terms from: {clean(report.inherited_from)}")
    lines += [f"  ! {clean(w)}" for w in report.warnings]
    lines += [f"  evidence: {clean(e)}" for e in report.evidence]
    lines += ["terms:", *_term_lines(report.terms)]
    return "\n".join(lines) + "\n"
