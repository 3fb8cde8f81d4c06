"""Figures over a sweep's output: the level distribution and the licence picture of a whole dump.

Read partition by partition (a few columns each), so memory stays bounded by the number of
distinct groups, not the rows. The same figures as DuckDB queries are in the README.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from openness.batch.rows import ROW_SCHEMA_VERSION, TERMS
from openness.errors import InputError

REPORT_VERSION = "1.0"
LEVELS = tuple(f"L{n}" for n in range(6))
_COLUMNS = [
    "id",
    "error",
    "level",
    "upper_bound",
    "author",
    "pipeline_tag",
    "library_name",
    "created_at",
    "license_id",
    "license_declared",
    "license_category",
    "license_text",
    "license_source",
    "license_differs_from_base",
    "classification",
    "base_models",
    "pass",
    *(f"term_{t}" for t in TERMS),
]
DIMENSIONS = {"pipeline_tag": "pipeline tag", "library": "library", "organisation": "organisation", "month": "creation month"}


def _org(row: dict[str, Any]) -> str:
    if row.get("author"):
        return str(row["author"])
    rid = str(row.get("id") or "")
    return rid.split("/", 1)[0] if "/" in rid else "(no organisation)"


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if isinstance(value, datetime) else "unknown"


def _share(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def sweep_figures(output: Path | str, top: int = 25) -> dict[str, Any]:
    """The report's figures as one JSON-ready dict (``output``: a folder or an fsspec URL)."""
    from openness.batch.store import Store

    store = Store.at(output)
    parts = store.parts()
    if not parts:
        raise InputError(f"{output}: no sweep partitions (part-*.parquet); run 'openness sweep' first")
    levels: Counter[str] = Counter()
    upper = errors = rows = 0
    by: dict[str, dict[str, Counter[str]]] = {d: {} for d in DIMENSIONS}
    categories: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    licences: Counter[str] = Counter()
    terms: Counter[str] = Counter()
    declared_other = no_licence = no_text = derived = differs = compared = pass2 = 0
    org_sets: dict[str, dict[str, set[str]]] = {}
    org_licence: dict[str, Counter[str]] = {}
    for name in parts:
        table = store.read_table(name, columns=[c for c in _COLUMNS if c in store.read_schema_names(name)])
        for row in table.to_pylist():
            rows += 1
            if row["error"] is not None:
                errors += 1
                continue
            level = f"L{row['level']}"
            levels[level] += 1
            upper += bool(row["upper_bound"])
            pass2 += row.get("pass") == 2
            keys = {
                "pipeline_tag": row.get("pipeline_tag") or "(none)",
                "library": row.get("library_name") or "(none)",
                "organisation": _org(row),
                "month": _month(row.get("created_at")),
            }
            for dim, value in keys.items():
                by[dim].setdefault(value, Counter())[level] += 1
            category = row.get("license_category") or "unknown"
            categories[category] += 1
            classes[row.get("classification") or "unknown"] += 1
            licences[row.get("license_id") or ("(none)" if row.get("license_source") in (None, "none") else "(unrecognised)")] += 1
            declared = (row.get("license_declared") or "").strip().lower()
            declared_other += declared == "other"
            no_licence += row.get("license_source") in (None, "none")
            no_text += row.get("license_text") is False
            for t in TERMS:
                if row.get(f"term_{t}") is not None:
                    terms[t] += 1
            if row.get("base_models"):
                derived += 1
                if row.get("license_differs_from_base") is not None:
                    compared += 1
                    differs += bool(row["license_differs_from_base"])
            org = keys["organisation"]
            sets = org_sets.setdefault(org, {"levels": set(), "pipeline_tag": set(), "library": set(), "month": set(), "category": set()})
            sets["levels"].add(level)
            sets["pipeline_tag"].add(keys["pipeline_tag"])
            sets["library"].add(keys["library"])
            sets["month"].add(keys["month"])
            sets["category"].add(category)
            org_licence.setdefault(org, Counter())[row.get("license_id") or "(none)"] += 1
    audited = rows - errors

    def dist(counter: Counter[str]) -> dict[str, int]:
        return {lv: counter.get(lv, 0) for lv in LEVELS}

    def grouped(dim: str) -> list[dict[str, Any]]:
        groups = sorted(by[dim].items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        if dim == "month":
            groups = sorted(by[dim].items())
        shown = groups[:top] if dim != "month" else groups
        out = [{"name": name, "cards": sum(c.values()), "levels": dist(c)} for name, c in shown]
        rest: Counter[str] = Counter()
        for _, c in groups[len(shown) :]:
            rest.update(c)
        if rest:
            out.append({"name": f"(other {len(groups) - len(shown)})", "cards": sum(rest.values()), "levels": dist(rest)})
        return out

    top_orgs = sorted(org_sets, key=lambda o: (-sum(by["organisation"][o].values()), o))[:top]
    organisations = [
        {
            "name": o,
            "cards": sum(by["organisation"][o].values()),
            "levels": dist(by["organisation"][o]),
            "top_licence": org_licence[o].most_common(1)[0][0],
            "filters": {k: sorted(v) for k, v in org_sets[o].items()},
        }
        for o in top_orgs
    ]
    return {
        "report_version": REPORT_VERSION,
        "row_schema": ROW_SCHEMA_VERSION,
        "source": str(output),
        "rows": rows,
        "errors": errors,
        "audited": audited,
        "levels": dist(levels),
        "upper_bounds": upper,
        "resolved_in_dump": pass2,
        "by": {dim: grouped(dim) for dim in DIMENSIONS},
        "licence_categories": dict(categories.most_common()),
        "classifications": dict(classes.most_common()),
        "licences": dict(licences.most_common(top)),
        "binding_terms": {t: terms.get(t, 0) for t in TERMS},
        "shares": {
            "license_other": _share(declared_other, audited),
            "no_licence": _share(no_licence, audited),
            "licence_without_text": _share(no_text, audited),
            "derived": _share(derived, audited),
            "derived_licence_differs_from_base": _share(differs, compared),
        },
        "counts": {
            "license_other": declared_other,
            "no_licence": no_licence,
            "licence_without_text": no_text,
            "derived": derived,
            "derived_compared": compared,
            "derived_licence_differs_from_base": differs,
        },
        "top_organisations": organisations,
    }
