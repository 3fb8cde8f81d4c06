"""The registry report as CSV, one row per release (cells a spreadsheet would run as formulas are defused)."""

from __future__ import annotations

import csv
import io

from openness.formatters.formats import ReportLinks
from openness.formatters.report_common import FRAMEWORK_COLUMNS, badges, framework_cell
from openness.formatters.text import clean
from openness.models import LEVEL_COMPONENTS
from openness.registry.build import RegistryReport

COLUMNS = (
    "id", "name", "organisation", "family", "level", "level_source", "level_label",
    *(c.value for c in LEVEL_COMPONENTS),
    "data_mixture_disclosed", "license_id", "license_terms", "audit", "audit_reason", "sha", "audited_at",
    "curated_level", "computed_level", "disagreements", "release_date", "verified",
    *(f"framework_{f}" for f in FRAMEWORK_COLUMNS),
)  # fmt: skip


# What a spreadsheet may take for the start of a formula: = + - @, their fullwidth forms, and a
# tab, CR, LF or space before one (some applications skip leading blanks).
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\t\r\n ")


def _cell(value: object) -> str:
    text = clean("" if value is None else value)
    return "'" + text if text[:1] in _FORMULA_START else text


def format_report_csv(report: RegistryReport, links: ReportLinks | None = None) -> str:
    """``links`` (what an HTML page links to) is accepted so every registry format is called alike."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in report.releases:
        computed_level = r.computed.get("level") if r.computed else None
        row = [
            r.id, r.name, r.organisation, r.family, r.level, r.level_source, r.level_label,
            *(r.components[c.value].value if c.value in r.components else "" for c in LEVEL_COMPONENTS),
            str(r.data_mixture_disclosed).lower(), r.license_id, "; ".join(label for label, _ in badges(r)), r.audit, r.audit_reason,
            r.sha, r.audited_at, r.curated["level"], computed_level, len(r.disagreements), r.release_date, r.verified,
            *(framework_cell(r, f)[0] for f in FRAMEWORK_COLUMNS),
        ]  # fmt: skip
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()
