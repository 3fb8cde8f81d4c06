"""Formatters for audit reports: pure functions, reports in, string out (the table of them:
:data:`openness.formatters.formats.AUDIT_FORMATS`)."""

from __future__ import annotations

from openness.formatters import frameworks, jsontext
from openness.formatters.audit_text import evidence_line, license_line
from openness.formatters.audit_text import format_text as layout_text
from openness.formatters.formats import AuditLayout
from openness.formatters.text import md
from openness.license.format import term_line
from openness.models import LEVEL_COMPONENTS, AuditError, OpennessReport

Result = OpennessReport | AuditError

_MARK = {"open": "●", "partial": "◐", "closed": "○", "unknown": "?"}


def to_json_obj(result: Result) -> dict[str, object]:
    return result.model_dump(mode="json")


def format_json(results: list[Result], layout: AuditLayout | None = None) -> str:
    """Always a list of reports (one shape, one target or many); a failed target is an error object in it."""
    return jsontext.dumps([to_json_obj(r) for r in results], indent=2) + "\n"


def format_jsonl_line(result: Result) -> str:
    """One report as one JSON line: what ``--format jsonl`` writes as each target finishes."""
    return jsontext.dumps(to_json_obj(result), separators=(",", ":")) + "\n"


def format_jsonl(results: list[Result], layout: AuditLayout | None = None) -> str:
    return "".join(map(format_jsonl_line, results))


def format_text(results: list[Result], layout: AuditLayout | None = None) -> str:
    """For a person at a terminal (see :mod:`openness.formatters.audit_text`)."""
    layout = layout or AuditLayout()
    return layout_text(results, explain=layout.explain, width=layout.width, color=layout.color)


def _markdown_licence(report: OpennessReport) -> list[str]:
    """The licence and every term that binds, each with its clause (what a pull-request reviewer needs)."""
    lic = report.license
    if lic is None:
        return []
    lines = [f"- **licence** {md(license_line(lic), 160)}"]
    for term in lic.terms:
        clause = f": “{md(term.clause, 140)}”" if term.clause else ""
        lines.append(f"  - {md(term_line(term), 100)}{clause}")
    return lines


def format_markdown(results: list[Result], layout: AuditLayout | None = None) -> str:
    head = "| model | level | " + " | ".join(c.value.replace("_", " ") for c in LEVEL_COMPONENTS) + " | licence | class |"
    rule = "|" + "---|" * (len(LEVEL_COMPONENTS) + 4)
    rows = [head, rule]
    details: list[str] = []
    for r in results:
        if isinstance(r, AuditError):
            rows.append(f"| {md(r.id)} | error: {md(r.error, 120)} |" + " |" * (len(LEVEL_COMPONENTS) + 2))
            continue
        cells = [r.components[c.value].status.value for c in LEVEL_COMPONENTS]
        lic = md(r.license.id or "unrecognised") if r.license else "—"
        rows.append(f"| {md(r.id)} | {md(r.level_label)} | " + " | ".join(cells) + f" | {lic} | {r.classification} |")
        details.append(f"\n### {md(r.id)}: {md(r.level_label)}\n")
        for name, v in r.components.items():
            ev = "; ".join(md(line) for e in v.evidence[:2] if (line := evidence_line(e)))
            details.append(f"- **{name}** {v.status.value}: {md(v.reason, 100)}" + (f" ({ev})" if ev else ""))
        details.extend(_markdown_licence(r))
        details.extend(frameworks.markdown_lines(r))
        details.extend(f"- warning: {md(w, 200)}" for w in r.warnings)
    return "\n".join(rows) + "\n" + "\n".join(details) + "\n"
