"""The flat result row of a sweep: one per card, a fixed set of columns, versioned.

A row is a plain ``dict`` (no pyarrow needed to build one); :func:`arrow_schema` gives the same
columns as an Arrow schema for Parquet. ``ROW_SCHEMA_VERSION`` follows the JSON reports' rule:
the minor part grows when columns are added, the major part when one changes meaning or goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, get_args

from openness.license.format import term_summary
from openness.license.models import LicenseReport, LicenseTerm, TermType
from openness.models import AuditError, Component, OpennessReport

ROW_SCHEMA_VERSION = "1.0"

COMPONENTS: tuple[str, ...] = tuple(c.value for c in Component)
TERMS: tuple[str, ...] = get_args(TermType)
EVIDENCE_MAX = 1_000

# The dump's own columns carried over unchanged (renamed to snake case), for grouping in reports.
PASSTHROUGH: dict[str, tuple[str, str]] = {  # row column -> (input column, arrow type)
    "author": ("author", "string"),
    "pipeline_tag": ("pipeline_tag", "string"),
    "library_name": ("library_name", "string"),
    "created_at": ("createdAt", "timestamp"),
    "last_modified": ("last_modified", "timestamp"),
    "downloads": ("downloads", "int64"),
    "likes": ("likes", "int64"),
}

# Every column, in order, with its Arrow type: string, bool, int8, int32, int64, timestamp, list<string>.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("error", "string"),
    ("error_kind", "string"),
    ("level", "int8"),
    ("level_label", "string"),
    ("upper_bound", "bool"),
    *((c, "string") for c in COMPONENTS),
    ("data_mixture_disclosed", "bool"),
    ("base_models", "list<string>"),
    ("base_unresolved", "list<string>"),
    ("base_licenses", "list<string>"),
    ("license_id", "string"),
    ("license_declared", "string"),
    ("license_source", "string"),
    ("license_category", "string"),
    ("license_osi", "bool"),
    ("license_recognised", "bool"),
    ("license_text", "bool"),
    ("license_differs_from_base", "bool"),
    *((f"term_{t}", "string") for t in TERMS),
    ("classification", "string"),
    ("warnings", "int32"),
    ("evidence", "string"),
    *((name, kind) for name, (_, kind) in PASSTHROUGH.items()),
    ("pass", "int8"),
    ("tool_version", "string"),
    ("rules_version", "string"),
    ("schema_version", "string"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in COLUMNS)


def _term_value(term: LicenseTerm) -> str:
    """A term's value as a short string: '700000000', '1000000 USD', 'EU, UK', 'Built with Llama', 'yes'."""
    v = term.value
    if isinstance(v, bool):
        text = "yes" if v else "no"
    elif isinstance(v, (int, float)):
        text = str(int(v)) if float(v).is_integer() else str(v)
    elif isinstance(v, dict) and "amount" in v:
        text = f"{_number(v.get('amount'))} {v.get('currency', '')}".strip()
    elif isinstance(v, list):
        text = ", ".join(str(x) for x in v)
    else:
        text = str(v) if v is not None else term_summary(term)
    if term.type == "acceptable_use_policy" and term.details.get("pass_down"):
        text += " (pass-down)"
    return text


def _number(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return str(int(f)) if f.is_integer() else str(f)


def _terms(lic: LicenseReport | None) -> dict[str, str | None]:
    values: dict[str, list[str]] = {}
    for term in lic.terms if lic is not None else []:
        text = _term_value(term)
        if text not in values.setdefault(term.type, []):
            values[term.type].append(text)
    return {f"term_{t}": "; ".join(values[t]) if t in values else None for t in TERMS}


def _own_license_key(lic: LicenseReport) -> str | None:
    """The release's own licence, before any base's is carried over (None when it declares none)."""
    if lic.source in ("none", "base_model"):
        return None
    return lic.id or (lic.declared.strip().lower() if lic.declared else None)


def _evidence(report: OpennessReport) -> str:
    """'component=status RULE where; ...' for the components that make the level and the mixture."""
    parts = []
    for name in (c for c in COMPONENTS if c in report.components):
        verdict = report.components[name]
        ev = verdict.evidence[0] if verdict.evidence else None
        parts.append(f"{name}={verdict.status._value_}" + (f" {ev.rule} {ev.where}" if ev else ""))
    text = "; ".join(parts)
    return text if len(text) <= EVIDENCE_MAX else text[: EVIDENCE_MAX - 1] + "…"


def empty_row(model_id: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every column null except the id, the versions and the dump's own columns."""
    from openness import __version__

    row: dict[str, Any] = dict.fromkeys(COLUMN_NAMES)
    row["id"], row["tool_version"], row["schema_version"], row["pass"] = model_id, __version__, ROW_SCHEMA_VERSION, 1
    for name, (source, kind) in PASSTHROUGH.items():
        value = (extra or {}).get(source)
        row[name] = _passthrough(value, kind)
    return row


def _passthrough(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "string":
        return str(value)
    if kind == "int64":
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if kind == "timestamp":
        if isinstance(value, str):  # JSONL: ISO 8601
            try:
                value = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
        if not isinstance(value, datetime):
            return None
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return value


def report_row(result: OpennessReport | AuditError, extra: Mapping[str, Any] | None = None, rules_version: str = "") -> dict[str, Any]:
    """The flat row for one card's report or error; ``extra``: the dump's own columns for the card."""
    row = empty_row(result.id, extra)
    if isinstance(result, AuditError):
        row.update(error=result.error, error_kind=result.kind, rules_version=rules_version or None)
        return row
    lic = result.license
    resolved = [link for link in result.chain if link.source != "unresolved"]
    base_licenses = [link.license for link in resolved if link.license]
    own = _own_license_key(lic) if lic is not None else None
    differs = None
    if resolved and base_licenses and lic is not None:
        differs = own is not None and any(b != own for b in base_licenses)
    row.update(
        level=result.level,
        level_label=result.level_label,
        upper_bound=result.level_is_upper_bound,
        data_mixture_disclosed=result.data_mixture_disclosed,
        base_models=list(result.base_models),
        base_unresolved=[link.id for link in result.chain if link.source == "unresolved"],
        base_licenses=base_licenses,
        classification=result.classification,
        warnings=len(result.warnings) + (len(lic.warnings) if lic is not None else 0),
        evidence=_evidence(result),
        tool_version=result.tool_version,
        rules_version=result.rules_version,
        license_differs_from_base=differs,
    )
    for name in COMPONENTS:
        verdict = result.components.get(name)
        row[name] = verdict.status._value_ if verdict is not None else None
    if lic is not None:
        row.update(
            license_id=lic.id,
            license_declared=lic.declared,
            license_source=lic.source,
            license_category=lic.category,
            license_osi=lic.osi_approved,
            license_recognised=lic.recognised,
            license_text=_has_text(lic),
        )
    row.update(_terms(lic))
    return row


def _has_text(lic: LicenseReport) -> bool:
    """Whether the terms of the governing licence can be read anywhere: a licence the database
    knows (not the bare ``other``), a licence file, or a link to its text."""
    if lic.id is not None and lic.id != "other":
        return True
    return any(e.startswith(("file:", "metadata:license_link=")) or "links the licence text" in e for e in lic.evidence)


def arrow_schema() -> Any:
    """The row columns as a ``pyarrow.Schema`` (needs the ``sweep`` extra), with the schema version in its metadata."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "bool": pa.bool_(),
        "int8": pa.int8(),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "list<string>": pa.list_(pa.string()),
    }
    return pa.schema([pa.field(name, types[kind]) for name, kind in COLUMNS], metadata={"openness_row_schema": ROW_SCHEMA_VERSION})
