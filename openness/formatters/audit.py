"""Formatters for audit reports: pure functions, reports in, string out."""

from __future__ import annotations

from openness.formatters import frameworks, jsontext
from openness.formatters.text import clean, md
from openness.license.format import term_line
from openness.models import LEVEL_COMPONENTS, AuditError, ChainLink, OpennessReport

Result = OpennessReport | AuditError

_MARK = {"open": "●", "partial": "◐", "closed": "○", "unknown": "?"}


def to_json_obj(result: Result) -> dict[str, object]:
    return result.model_dump(mode="json")


def format_json(results: list[Result]) -> str:
    """One report: the object itself; several: a list."""
    objs = [to_json_obj(r) for r in results]
    return jsontext.dumps(objs[0] if len(objs) == 1 else objs, indent=2) + "\n"


def format_jsonl_line(result: Result) -> str:
    return jsontext.dumps(to_json_obj(result), separators=(",", ":")) + "\n"


def _license_line(report: OpennessReport) -> str:
    lic = report.license
    if lic is None:
        return "licence: not audited"
    name = lic.id or "unrecognised licence"
    osi = "OSI-approved" if lic.osi_approved else "not OSI-approved"
    return f"licence: {name} ({lic.category}, {osi}; from {lic.source}, confidence {lic.confidence:.2f})"


def _entry_note(link: ChainLink) -> str:
    """A registry entry written from general knowledge says so where the chain is shown."""
    return f"; {clean(link.note, 90)}" if link.source == "registry" and "general knowledge" in link.note else ""


def format_text(results: list[Result], explain: bool = False) -> str:
    out: list[str] = []
    for r in results:
        if isinstance(r, AuditError):
            out.append(f"{clean(r.id)}: error: {clean(r.error)}\n")
            continue
        out.append(f"{clean(r.id)}  {clean(r.level_label)}  [{r.classification}]")
        if r.base_models:
            chain = ", ".join(f"{clean(c.id)} ({c.source}{'' if c.level is None else f', L{c.level}'}{_entry_note(c)})" for c in r.chain)
            out.append(f"  derived from: {chain}")
        out.append(f"  {clean(_license_line(r))}")
        if r.license:
            for term in r.license.terms:
                out.append(f"    - {clean(term_line(term), 100)}: “{clean(term.clause, 110)}”")
        for name, v in r.components.items():
            own = v.own_status.value if v.own_status else "unknown"
            base = f" (own {own}, base {v.base_status.value})" if v.base_status else ""
            out.append(f"  {_MARK[v.status.value]} {name:<19} {v.status.value:<8}{base} {clean(v.reason, 90)}")
            for ev in v.evidence[: 5 if explain else 2]:
                out.append(f"      {clean(ev.where, 60)}: {clean(ev.excerpt, 100)}")
            if explain:
                for hit in v.rules_fired:
                    mark = "won" if hit.won else "lost"
                    out.append(f"      rule {hit.rule} -> {hit.status.value} (precedence {hit.precedence}, {mark})")
        out.extend(frameworks.text_lines(r, explain))
        for w in r.warnings:
            out.append(f"  warning: {clean(w, 200)}")
        out.append("")
    return "\n".join(out)


def _markdown_licence(report: OpennessReport) -> list[str]:
    """The licence and every term that binds, each with its clause (what a pull-request reviewer needs)."""
    lic = report.license
    if lic is None:
        return []
    lines = [f"- **licence** {md(_license_line(report).removeprefix('licence: '), 160)}"]
    for term in lic.terms:
        clause = f": “{md(term.clause, 140)}”" if term.clause else ""
        lines.append(f"  - {md(term_line(term), 100)}{clause}")
    return lines


def format_markdown(results: list[Result]) -> str:
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
            ev = "; ".join(f"{md(e.where, 60)}: “{md(e.excerpt, 100)}”" for e in v.evidence[:2])
            details.append(f"- **{name}** {v.status.value}: {md(v.reason, 100)}" + (f" ({ev})" if ev else ""))
        details.extend(_markdown_licence(r))
        details.extend(frameworks.markdown_lines(r))
        details.extend(f"- warning: {md(w, 200)}" for w in r.warnings)
    return "\n".join(rows) + "\n" + "\n".join(details) + "\n"
