"""The registry report as Markdown, fit for a README or a pull-request comment."""

from __future__ import annotations

from urllib.parse import quote

from openness.formatters.formats import ReportLinks
from openness.formatters.report_common import FRAMEWORK_COLUMNS, badges, framework_cell, is_link
from openness.formatters.text import md
from openness.models import LEVEL_COMPONENTS
from openness.registry.build import RegistryReport, ReleaseResult

MARK = {"open": "●", "partial": "◐", "closed": "○", "unknown": "?"}
SHORT = {"weights": "W", "technical_report": "TR", "training_code": "TC", "training_data": "TD", "data_pipeline": "DP"}


def _link(url: str, width: int = 60) -> str:
    if not is_link(url):
        return md(url, width)
    text = url.split("://", 1)[1]
    return f"[{md(text, width)}]({quote(url, safe=':/?&=#%+@,;~')})"


def _row(r: ReleaseResult) -> str:
    cells = " | ".join(MARK[r.components[c.value].value] if c.value in r.components else "" for c in LEVEL_COMPONENTS)
    level = f"L{r.level}" + ("" if r.level_source == "computed" else " (curated)")
    terms = ", ".join(md(label) for label, _ in badges(r))
    audit = {"ok": "re-audited", "api-only": "API only", "curated": f"curated, verified {r.verified}"}.get(r.audit)
    audit = audit or f"{r.audit}: {md(r.audit_reason, 80)}"
    mix = MARK["open"] if r.data_mixture_disclosed else MARK["closed"]
    frameworks = " | ".join(md(framework_cell(r, f)[0]) for f in FRAMEWORK_COLUMNS)
    return f"| {md(r.id)} | {md(r.organisation, 40)} | {level} | {cells} | {mix} | {md(r.license_id or '—')} | {terms} | {frameworks} | {audit} |"


def format_report_markdown(report: RegistryReport, links: ReportLinks | None = None) -> str:
    """``links`` (what an HTML page links to) is accepted so every registry format is called alike."""
    dist = report.level_distribution()
    out = [
        "# Model openness registry report",
        "",
        f"{len(report.releases)} releases, generated {md(report.generated)} by openness {md(report.tool_version)}"
        + (" (offline)" if report.offline else "")
        + ". The level is the computed verdict when the release was re-audited, else the curated, human-verified one"
        + (" (offline: nothing the cache lacks was re-audited)" if report.offline else "") + ".",
        "",
        "| " + " | ".join(f"L{k}" for k in dist) + " |",
        "|" + "---|" * len(dist),
        "| " + " | ".join(str(v) for v in dist.values()) + " |",
        "",
        "Components: " + ", ".join(f"{v} = {k.replace('_', ' ')}" for k, v in SHORT.items()) + ", Mix = data mixture disclosed"
        + "; " + ", ".join(f"{mark} {status}" for status, mark in MARK.items()) + ".",
        "",
        "| release | organisation | level | " + " | ".join(SHORT.values()) + " | Mix | licence | terms | "
        + " | ".join(FRAMEWORK_COLUMNS.values()) + " | verdict |",
        "|" + "---|" * (len(SHORT) + len(FRAMEWORK_COLUMNS) + 7),
    ]  # fmt: skip
    out += [_row(r) for r in sorted(report.releases, key=lambda r: (-r.level, r.organisation.lower(), r.id.lower()))]
    disagreeing = [r for r in report.releases if r.disagreements]
    if disagreeing:
        out += ["", f"## Disagreements ({len(disagreeing)} releases)", ""]
        for r in disagreeing:
            out.append(f"### {md(r.id)}")
            for d in r.disagreements:
                out.append(f"- **{md(d.field)}**: curated {md(d.curated, 160)}; computed {md(d.computed, 160)}")
                for url in d.curated_evidence[:4]:
                    out.append(f"  - curated evidence: {_link(url)}")
                for ev in d.computed_evidence[:4]:
                    out.append(f"  - computed evidence: {md(ev, 160)}")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
