"""The supported-licences table of docs/licenses.md, generated from rules/licenses/.

``openness license table --update docs/licenses.md`` rewrites the part between the markers;
``--check`` fails when the committed table is stale (a test does the same).
"""

from __future__ import annotations

from openness.errors import InputError
from openness.license.database import LicenseDatabase
from openness.license.format import key_terms

BEGIN = "<!-- licence-table:begin (generated from rules/licenses by `openness license table --update FILE`; do not edit) -->"
END = "<!-- licence-table:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(db: LicenseDatabase) -> str:
    """A Markdown table: one row per licence, with its terms."""
    lines = [
        "| id | name | SPDX | category | OSI | Hub ids | terms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in db.all():
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{e.id}`",
                    e.name,
                    e.spdx,
                    e.category,
                    "yes" if e.osi_approved else "no",
                    ", ".join(e.hub_ids) or "-",
                    key_terms(e.terms, skip=()),
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def splice(document: str, table: str, origin: str = "document") -> str:
    """``document`` with the text between the table markers replaced by ``table``."""
    start = document.find(BEGIN)
    end = document.find(END)
    if start < 0 or end < start:
        raise InputError(f"{origin}: the licence-table markers are missing (add {BEGIN!r} and {END!r})")
    return document[: start + len(BEGIN)] + "\n" + table + document[end:]
