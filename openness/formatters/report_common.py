"""Shared pieces of the registry report formatters: licence-term badges and safe links."""

from __future__ import annotations

from openness.license.format import short_number
from openness.license.models import LicenseTerm
from openness.registry.build import ReleaseResult

_SIMPLE = {
    "non_commercial": "non-commercial",
    "research_only": "research only",
    "no_training_other_models": "no training other models",
    "attribution": "attribution required",
    "gated": "gated",
    "termination": "terminable",
    "copyleft_on_derivatives": "copyleft on derivatives",
    "field_of_use_restrictions": "use restrictions",
}

# Terms that limit who may adopt, shown in a warning colour; the rest are obligations.
RESTRICTIVE = frozenset({"mau_cap", "revenue_cap", "non_commercial", "research_only", "no_training_other_models", "territory_exclusions"})


def _amount(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return short_number(value)


def term_badge(term: LicenseTerm) -> str:
    """A short readable label for a licence term, e.g. '700M MAU cap', 'non-commercial'."""
    value = term.value
    if term.type == "mau_cap":
        return f"{_amount(value)} MAU cap" if value is not True else "MAU cap"
    if term.type == "revenue_cap":
        if isinstance(value, dict) and "amount" in value:
            currency = value.get("currency", "")
            sign = "$" if currency in ("USD", "") else f"{currency} "
            return f"revenue cap {sign}{_amount(value['amount'])}"
        return "revenue cap"
    if term.type == "acceptable_use_policy":
        return "AUP passed down" if term.details.get("pass_down") else "acceptable-use policy"
    if term.type == "territory_exclusions":
        places = value if isinstance(value, list) else []
        return "excludes " + ", ".join(str(p) for p in places) if places else "territory exclusions"
    if term.type == "naming":
        return f"naming: {value}" if isinstance(value, str) else "naming rule"
    return _SIMPLE.get(term.type, term.type.replace("_", " "))


def badges(result: ReleaseResult) -> list[tuple[str, bool]]:
    """(label, restrictive) for each distinct term of the release's licence."""
    seen: dict[str, bool] = {}
    for term in result.license_terms:
        seen.setdefault(term_badge(term), term.type in RESTRICTIVE)
    return list(seen.items())


def is_link(url: str) -> bool:
    """Only http(s) URLs become links; anything else (javascript:, data:, relative) stays text."""
    return url.lower().startswith(("https://", "http://")) and not any(c in url for c in "\"'<> \n\r\t")


# The framework columns of the registry report, in order, with their headings.
FRAMEWORK_COLUMNS: dict[str, str] = {"mof": "MOF", "osaid": "OSAID", "eu-ai-act": "EU 53(2)"}
_CLASS = {"Class III (Open Model)": "III", "Class II (Open Tooling)": "II", "Class I (Open Science)": "I"}


def framework_cell(result: ReleaseResult, framework: str) -> tuple[str, str]:
    """(short label, outcome) of one framework's verdict, e.g. ('Class II', 'pass'), ('fail', 'fail'); ('', '') when absent."""
    v = result.frameworks.get(framework)
    if v is None:
        return "", ""
    if v.grades:
        label = f"Class {_CLASS.get(v.grade, v.grade)}" if v.grade else v.outcome
        if v.grade_pending_review:
            label += f" (Class {_CLASS.get(v.grade_pending_review, v.grade_pending_review)}?)"
        return label, v.outcome
    return v.outcome, v.outcome
