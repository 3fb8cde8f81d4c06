"""Framework verdicts in text and Markdown (pure functions): the verdict, then what does not pass and why."""

from __future__ import annotations

from openness.formatters.text import clean, md
from openness.frameworks.verdicts import CriterionResult, FrameworkVerdict
from openness.models import OpennessReport

_MARK = {"pass": "✓", "fail": "✗", "review": "?"}


def _label(v: FrameworkVerdict) -> str:
    return f"{v.name} {v.version}"


def _shown(v: FrameworkVerdict, explain: bool) -> list[CriterionResult]:
    return v.criteria if explain else [c for c in v.criteria if c.outcome != "pass"]


def text_lines(report: OpennessReport, explain: bool = False) -> list[str]:
    """Indented lines for the text report; nothing when no framework was asked for."""
    if not report.frameworks:
        return []
    out = ["  frameworks:"]
    for v in report.frameworks.values():
        out.append(f"    {_MARK[v.outcome]} {clean(v.name, 46):<46} {v.outcome:<7} {clean(v.summary, 120)}")
        for c in _shown(v, explain):
            out.append(f"        {c.outcome:<6} {c.id}: {clean(c.reason, 140)}")
            out.append(f"               [{clean(c.clause, 130)}]")
            for ev in c.evidence[:2]:
                out.append(f"               {clean(ev, 130)}")
        for d in v.duties:
            out.append(f"        duty   {d.id} ({clean(d.clause, 60)}): {d.outcome}: {clean(d.reason, 100)}")
        if v.prefill:
            filled = ", ".join(f"{k}={clean(val, 60)}" for k, val in v.prefill.items() if k != "verified" and val)
            if filled:
                out.append(f"        prefill (unverified): {filled}")
    return out


def markdown_lines(report: OpennessReport) -> list[str]:
    """A table of the verdicts, then every criterion that does not pass."""
    if not report.frameworks:
        return []
    out = ["", "| framework | verdict | summary |", "|---|---|---|"]
    for v in report.frameworks.values():
        out.append(f"| {md(_label(v))} | {v.outcome} | {md(v.summary, 200)} |")
    out.append("")
    for v in report.frameworks.values():
        for c in _shown(v, False):
            ev = "; ".join(md(e, 120) for e in c.evidence[:2])
            out.append(
                f"- **{md(v.framework)} {c.id}** {c.outcome} ({md(c.clause, 120)}): {md(c.reason, 200)}" + (f" — {ev}" if ev else "")
            )
        for d in v.duties:
            out.append(f"- **{md(v.framework)} duty {d.id}** {d.outcome} ({md(d.clause, 80)}): {md(d.reason, 160)}")
    return out
