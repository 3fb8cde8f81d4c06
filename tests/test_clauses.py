"""Clause detection by meaning: the labelled clause set, unseen licence texts, and the rule files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from openness.errors import RuleError
from openness.license.clause_score import TABLE_BEGIN, TABLE_END, load_cases, score_cases, score_table
from openness.license.clauses import clause_terms, clauses, detect_terms, load_clause_rules
from openness.license.database import LicenseDatabase
from openness.license.identify import identify_text
from openness.license.models import TermType
from tests.conftest import ROOT

CASES = Path(__file__).parent / "clauses" / "cases.yaml"
TEXTS = Path(__file__).parent / "clauses" / "texts"
MIN_SCORE = 0.95


@pytest.fixture(scope="module")
def cases() -> list[dict[str, object]]:
    return load_cases(CASES)


def test_the_set_has_eight_paraphrases_per_term_in_four_registers(cases: list[dict[str, object]]) -> None:
    per_type: Counter[str] = Counter()
    registers: dict[str, set[str]] = {}
    for case in cases:
        for t in case["terms"]:  # type: ignore[attr-defined]
            per_type[t] += 1
            registers.setdefault(t, set()).add(str(case["register"]))
    assert set(per_type) == set(TermType.__args__)  # type: ignore[attr-defined]
    assert min(per_type.values()) >= 8, per_type
    assert all(r >= {"us-legal", "plain", "translated", "markdown"} for r in registers.values()), registers
    assert sum(1 for c in cases if not c["terms"]) >= 15  # texts that must produce no term


def test_precision_and_recall_per_term_type(cases: list[dict[str, object]]) -> None:
    scores = score_cases(cases)  # type: ignore[arg-type]
    print("\n" + score_table(cases, scores))  # type: ignore[arg-type]
    low = {t: (round(s.precision, 2), round(s.recall, 2), s.misses) for t, s in scores.items() if min(s.precision, s.recall) < MIN_SCORE}
    assert low == {}


def test_the_readme_table_is_current(cases: list[dict[str, object]]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(TABLE_BEGIN) + len(TABLE_BEGIN) : readme.index(TABLE_END)]
    assert block.strip() == score_table(cases, score_cases(cases)).strip(), "run: python bench/clause_table.py --update README.md"  # type: ignore[arg-type]


def _terms(name: str) -> dict[str, object]:
    return {t.type: t for t in detect_terms((TEXTS / name).read_text(encoding="utf-8"))}


@pytest.mark.parametrize("name", sorted(p.name for p in TEXTS.glob("*.md")))
def test_unseen_licence_texts_are_never_a_known_licence(name: str) -> None:
    match = identify_text((TEXTS / name).read_text(encoding="utf-8"), LicenseDatabase.load())
    assert match.entry is None and match.terms
    assert all(t.clause and len(t.clause) <= 200 for t in match.terms)


def test_a_research_licence_written_for_the_test() -> None:
    found = _terms("orchid-research-licence.md")
    assert set(found) >= {"research_only", "non_commercial", "territory_exclusions", "copyleft_on_derivatives", "naming", "termination"}
    assert found["territory_exclusions"].value == ["EU", "CH"]  # type: ignore[attr-defined]
    assert found["naming"].value == "Powered by Orchid"  # type: ignore[attr-defined]
    term = found["termination"]
    assert term.value == "automatic on breach" and term.details == {"period_days": 15, "cure_period": True}  # type: ignore[attr-defined]
    assert "England" not in str(found["territory_exclusions"].value)  # type: ignore[attr-defined]  # governing law is no exclusion


def test_community_terms_written_for_the_test() -> None:
    found = _terms("kestrel-community-terms.md")
    assert found["revenue_cap"].value == {"amount": 20_000_000, "currency": "EUR"}  # type: ignore[attr-defined]
    assert found["revenue_cap"].details == {"period": "annual"}  # type: ignore[attr-defined]
    assert found["mau_cap"].value == 30_000_000  # type: ignore[attr-defined]
    assert found["field_of_use_restrictions"].value == ["military", "surveillance"]  # type: ignore[attr-defined]
    assert found["acceptable_use_policy"].details == {"pass_down": True, "url": "https://kestrel.example/aup"}  # type: ignore[attr-defined]
    assert {"no_training_other_models", "attribution"} <= set(found)
    assert "non_commercial" not in found and "territory_exclusions" not in found


def test_a_permissive_agreement_written_for_the_test() -> None:
    found = _terms("lotus-open-weights-agreement.md")
    assert "non_commercial" not in found  # "for any purpose, including commercial purposes"
    assert found["territory_exclusions"].value == ["KR"]  # type: ignore[attr-defined]  # not SG: the courts clause
    assert found["naming"].value == "Lotus"  # type: ignore[attr-defined]
    assert {"attribution", "termination"} <= set(found)


def test_an_implied_term_says_so() -> None:
    terms = {t.type: t for t in detect_terms("You may only use the model for academic research.")}
    assert terms["non_commercial"].details == {"implied_by": "research_only"}
    assert terms["non_commercial"].clause == terms["research_only"].clause


def test_a_definition_binds_where_the_grant_uses_it() -> None:
    text = '"Non-Commercial" means for research or evaluation purposes only.\nYou may use the model for Non-Commercial purposes only.'
    terms = {t.type: t for t in detect_terms(text)}
    assert terms["research_only"].details == {"via_definition": "non-commercial"}
    assert detect_terms('"Research Purpose" means research or evaluation purposes only.') == []


def test_clauses_split_markdown_items_and_sentences() -> None:
    text = "Terms:\n- First item wraps\n  onto a second line\n- Second item. It has two sentences.\n\nA paragraph."
    assert list(clauses(text)) == ["Terms:", "First item wraps onto a second line", "Second item.", "It has two sentences.", "A paragraph."]


def test_a_clause_rule_with_an_unknown_concept_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "terms.yaml").write_text("concepts:\n  a: ['x']\nterms:\n  mau_cap:\n    when:\n      - {all: [a, nope]}\n")
    with pytest.raises(RuleError, match=r"terms\.yaml: terms\.mau_cap: unknown concept 'nope'"):
        load_clause_rules(tmp_path)
    (tmp_path / "terms.yaml").write_text("concepts:\n  a: ['x']\nterms:\n  not_a_term:\n    when:\n      - {all: [a]}\n")
    with pytest.raises(RuleError, match="not_a_term: not a term type"):
        load_clause_rules(tmp_path)


def test_rules_are_data(tmp_path: Path) -> None:
    """A new way to say a term is a YAML edit: no Python change."""
    (tmp_path / "terms.yaml").write_text(
        "concepts:\n  ban: ['\\bverboten\\b']\n  money_word: ['\\bgeld\\b']\n"
        "terms:\n  non_commercial:\n    when:\n      - {all: [ban, money_word], near: 40}\n"
    )
    rules = load_clause_rules(tmp_path)
    assert [t.type for t in clause_terms("Geld verdienen ist verboten.", rules)] == ["non_commercial"]
    assert clause_terms("Geld verdienen ist erlaubt.", rules) == []
