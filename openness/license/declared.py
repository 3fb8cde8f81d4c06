"""The licence a card declares: a Hub id, a licence name, or an SPDX-style expression.

``apache-2.0 OR mit`` lets the adopter choose, so the least restrictive option governs;
``llama3.1 AND cc-by-nc-4.0`` binds both, so every term of each applies. Expressions are parsed
with the ``license-expression`` library; a malformed one is reported, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from license_expression import (  # type: ignore[import-untyped]
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

from openness.license.database import RESTRICTIVE_TERMS, LicenseDatabase, LicenseEntry
from openness.license.models import Category

# Least to most restrictive for an adopter; an OR expression resolves to the first it can.
CATEGORY_RANK: dict[Category, int] = {
    "permissive": 0,
    "copyleft": 1,
    "open-rail": 2,
    "community": 3,
    "non-commercial": 4,
    "research-only": 5,
    "proprietary": 6,
    "unknown": 7,
}
_OPERATOR = re.compile(r"\s(?:or|and|with)\s|[()]", re.I)
_LICENSING = Licensing()


def restrictiveness(entry: LicenseEntry) -> tuple[int, int]:
    """Sort key: category rank, then how many restrictive terms."""
    return CATEGORY_RANK[entry.category], sum(t.type in RESTRICTIVE_TERMS for t in entry.terms)


@dataclass
class Declared:
    """What the declared value resolves to."""

    raw: str
    entries: list[LicenseEntry] = field(default_factory=list)  # the entries that bind
    expression: str | None = None
    unknown: list[str] = field(default_factory=list)
    error: str | None = None
    evidence: list[str] = field(default_factory=list)


def declared_text(value: Any) -> str | None:
    """The card's ``license`` value as one string (a list is read as all of them applying)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = [str(v).strip() for v in value if str(v).strip()]
        if not items:
            return None
        return items[0] if len(items) == 1 else " AND ".join(items)
    text = str(value).strip()
    return text or None


def _lookup(key: str, db: LicenseDatabase) -> LicenseEntry | None:
    entry = db.get(key)
    if entry is None:
        names = db.by_license_name(key)
        entry = names[0] if names else None
    if entry is None and key.endswith("+"):  # SPDX "or later": the named version's terms are the floor
        entry = db.get(key.rstrip("+"))
    return entry


def resolve_declared(value: str, db: LicenseDatabase) -> Declared:
    """Resolve a declared licence (id, name or expression) against the database."""
    result = Declared(raw=value)
    direct = _lookup(value, db)
    if direct is not None:
        result.entries = [direct]
        return result
    if not _OPERATOR.search(f" {value} "):
        result.unknown = [value]
        return result
    try:
        parsed = _LICENSING.parse(value, validate=False, strict=False)
    except ExpressionError as exc:
        result.error = f"malformed licence expression {value!r}: {exc}"
        return result
    if parsed is None:
        result.error = f"malformed licence expression {value!r}: empty"
        return result
    result.expression = str(parsed)
    result.entries = _resolve(parsed, db, result)
    return result


def _resolve(node: Any, db: LicenseDatabase, out: Declared) -> list[LicenseEntry]:
    if isinstance(node, LicenseWithExceptionSymbol):
        out.evidence.append(f"exception {node.exception_symbol.key!r} added to {node.license_symbol.key!r}")
        return _resolve(node.license_symbol, db, out)
    if isinstance(node, LicenseSymbol):
        if re.search(r"\s", node.key):
            out.error = f"malformed licence expression {out.raw!r}: {node.key!r} is not one licence id"
            return []
        entry = _lookup(node.key, db)
        if entry is None:
            out.unknown.append(node.key)
            return []
        return [entry]
    branches = [_resolve(arg, db, out) for arg in node.args]
    if isinstance(node, OR):
        known = [b for b in branches if b]
        if not known:
            return []
        best = min(known, key=lambda b: max(restrictiveness(e) for e in b))
        out.evidence.append(
            f"'{node}' lets the adopter choose; the least restrictive known option governs: {', '.join(e.id for e in best)}"
        )
        return best
    if isinstance(node, AND):
        merged: list[LicenseEntry] = []
        for b in branches:
            merged += [e for e in b if e not in merged]
        return merged
    return []  # pragma: no cover - the parser yields only the node types above
