"""Formatters for policy check reports (text, JSON, Markdown): pure functions, report in, string out."""

from __future__ import annotations

from openness.formatters import jsontext
from openness.formatters.text import clean, md
from openness.policy.models import CheckReport, Finding, ModelResult

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def ordered(findings: list[Finding]) -> list[Finding]:
    """Unexempted first, then by severity."""
    return sorted(findings, key=lambda f: (f.exempted, _SEVERITY_ORDER[f.severity]))


def format_json(report: CheckReport) -> str:
    return jsontext.dumps(report.model_dump(mode="json"), indent=2) + "\n"


def summary_line(report: CheckReport) -> str:
    failed = sum(not r.passed for r in report.results)
    return f"{len(report.results)} model(s) checked against {report.policy}: {len(report.results) - failed} passed, {failed} failed"


def _where(result: ModelResult) -> str:
    return ", ".join(f"{loc.path}:{loc.line}" if loc.line else loc.path for loc in result.locations[:3])


def format_text(report: CheckReport) -> str:
    out: list[str] = []
    for r in report.results:
        lic = r.license or "licence unknown"
        if r.license_inherited_from:
            lic += f" via {r.license_inherited_from}"
        level = "" if r.level is None else f"L{r.level}  "
        out.append(f"{'PASS' if r.passed else 'FAIL'}  {clean(r.model)}  {level}{clean(lic)}  [{r.classification or 'unverified'}]")
        if r.locations:
            out.append(f"      referenced at {clean(_where(r))}")
        if r.exemption:
            out.append(f"      exempt: {clean(r.exemption, 150)}")
        for f in ordered(r.findings):
            mark = " (exempt)" if f.exempted else ""
            binds = f" [binds: {', '.join(f.uses)}]" if f.uses else ""
            out.append(f"  {f.severity:<7} {f.check}{mark}: {clean(f.message, 160)}{binds}")
            if f.clause:
                out.append(f"          clause: “{clean(f.clause, 150)}”")
            if f.resolution and not f.exempted:
                out.append(f"          resolve: {clean(f.resolution, 150)}")
    for p in report.scan_problems:
        out.append(f"scan: skipped {clean(p.path)}: {clean(p.error, 120)}")
    return "\n".join(out) + "\n"  # the summary goes to stderr (the CLI), said once


def format_markdown(report: CheckReport) -> str:
    """A PR comment: a verdict table, then each model's findings. Everything from a card or licence is escaped."""
    verdict = "✅ passed" if report.passed else "❌ failed"
    out = [f"### Model policy check: {verdict}", "", f"Policy: {md(report.policy)} · checked on {report.checked_on.isoformat()}", ""]
    out += ["| Model | Result | Level | Licence | Findings |", "|---|---|---|---|---|"]
    for r in report.results:
        open_ = [f for f in r.findings if not f.exempted and f.severity != "info"]
        level = "–" if r.level is None else f"L{r.level}"
        result = "pass" if r.passed else "**fail**"
        if r.exemption:
            result += " (exempt)"
        out.append(f"| {md(r.model)} | {result} | {level} | {md(r.license or 'unknown')} | {len(open_)} |")
    for r in report.results:
        if not r.findings:
            continue
        out += ["", f"#### {md(r.model)}"]
        if r.locations:
            out.append(f"Referenced at {md(_where(r))}")
        if r.exemption:
            out.append(f"Exempt: {md(r.exemption, 200)}")
        out.append("")
        for f in ordered(r.findings):
            mark = " (exempt)" if f.exempted else ""
            binds = f" (binds: {', '.join(f.uses)})" if f.uses else ""
            line = f"- **{f.severity}** `{f.check}`{mark}: {md(f.message, 200)}{binds}"
            if f.clause:
                line += f"\n  > {md(f.clause, 200)}"
            if f.resolution and not f.exempted:
                line += f"\n  Resolve: {md(f.resolution, 200)}"
            out.append(line)
    if report.scan_problems:
        out += ["", "<details><summary>Files the scan skipped</summary>", ""]
        out += [f"- {md(p.path)}: {md(p.error, 150)}" for p in report.scan_problems]
        out += ["", "</details>"]
    out += ["", md(summary_line(report))]
    return "\n".join(out) + "\n"
