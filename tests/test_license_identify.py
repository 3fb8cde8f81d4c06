"""Text identification and generic clause detection, on the project's own short excerpts."""

from __future__ import annotations

import re

import pytest

from openness.license.clauses import detect_terms, parse_number
from openness.license.database import LicenseDatabase
from openness.license.identify import identify_text
from openness.license.normalize import plain, tokens
from tests.conftest import FIXTURES

LIC = FIXTURES / "licenses"


@pytest.fixture(scope="module")
def db() -> LicenseDatabase:
    return LicenseDatabase.load()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("llama3-excerpt.txt", "llama3"),
        ("llama3.1-excerpt.md", "llama3.1"),
        ("llama3.2-excerpt.md", "llama3.2"),
        ("qwen-research-excerpt.txt", "tongyi-qianwen-research"),
        ("hunyuan-eu-uk-kr-excerpt.txt", "tencent-hunyuan-community-eu-uk-kr"),
        ("mit-excerpt.txt", "mit"),
    ],
)
def test_excerpts_are_identified(db: LicenseDatabase, name: str, expected: str) -> None:
    match = identify_text((LIC / name).read_text(encoding="utf-8"), db)
    assert match.entry is not None and match.entry.id == expected
    assert 0.6 <= match.confidence <= 1.0
    assert match.part == "license"
    assert match.evidence


def _reformat(text: str) -> list[str]:
    """The same text as plain text, rewrapped, with straight or curly quotes, as Markdown."""
    flat = plain(text)
    words = flat.split()
    rewrapped = "\n".join(" ".join(words[i : i + 7]) for i in range(0, len(words), 7))
    straight = text.replace("“", '"').replace("”", '"').replace("’", "'")
    curly = re.sub(r'"([^"]*)"', "“\\1”", text)
    markdown = "\n\n".join(f"**{line}**" if line.isupper() else f"> {line}" for line in text.splitlines())
    return [flat, rewrapped, straight, curly, markdown, text.upper()]


@pytest.mark.parametrize(
    "name", ["llama3.1-excerpt.md", "llama3.2-excerpt.md", "qwen-research-excerpt.txt", "hunyuan-eu-uk-kr-excerpt.txt"]
)
def test_identification_survives_reformatting(db: LicenseDatabase, name: str) -> None:
    text = (LIC / name).read_text(encoding="utf-8")
    expected = identify_text(text, db).entry
    assert expected is not None
    for variant in _reformat(text):
        match = identify_text(variant, db)
        assert match.entry is not None and match.entry.id == expected.id


def test_close_versions_are_told_apart(db: LicenseDatabase) -> None:
    t31 = (LIC / "llama3.1-excerpt.md").read_text(encoding="utf-8")
    for version in ("3.1", "3.2", "3.3"):
        match = identify_text(t31.replace("3.1", version), db)
        assert match.entry is not None and match.entry.id == f"llama{version}"


def test_unrecognised_text_gets_generic_terms(db: LicenseDatabase) -> None:
    match = identify_text((LIC / "custom-model-license.txt").read_text(encoding="utf-8"), db)
    assert match.entry is None and match.confidence == 0.0
    by_type = {t.type: t for t in match.terms}
    assert by_type["mau_cap"].value == 700_000_000
    assert "seven hundred million" in by_type["mau_cap"].clause
    assert by_type["revenue_cap"].value == {"amount": 5_000_000, "currency": "USD"}
    assert "no_training_other_models" in by_type
    assert "non_commercial" not in by_type


def test_empty_and_tiny_texts(db: LicenseDatabase) -> None:
    for text in ("", "   \n", "MIT"):
        match = identify_text(text, db)
        assert match.entry is None and match.confidence == 0.0


def test_match_unpacks_as_entry_confidence_evidence(db: LicenseDatabase) -> None:
    entry, confidence, evidence = identify_text((LIC / "mit-excerpt.txt").read_text(encoding="utf-8"), db)
    assert getattr(entry, "id", None) == "mit" and confidence == 1.0 and isinstance(evidence, list)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("700 million", 700_000_000),
        ("700,000,000", 700_000_000),
        ("seven hundred million", 700_000_000),
        ("one hundred million", 100_000_000),
        ("1M", 1_000_000),
        ("1.5 billion", 1_500_000_000),
        ("two thousand five hundred", 2500),
        ("1.000.000", 1_000_000),
        ("lots", None),
    ],
)
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("sentence", "term", "value"),
    [
        ("Licensees with more than 100 million monthly active users must request a license.", "mau_cap", 100_000_000),
        ("If monthly active users exceed 50,000 you need a commercial licence.", "mau_cap", 50_000),
        ("Companies with annual revenue over €10 million need a licence.", "revenue_cap", {"amount": 10_000_000, "currency": "EUR"}),
        ("The Model may be used for non-commercial purposes only.", "non_commercial", True),
        ("Use is permitted for research purposes only.", "research_only", True),
        ("This licence does not apply in the European Union and the United Kingdom.", "territory_exclusions", ["EU", "UK"]),
    ],
)
def test_clause_detection(sentence: str, term: str, value: object) -> None:
    found = {t.type: t for t in detect_terms(plain(sentence))}
    assert term in found and found[term].value == value
    assert found[term].clause


def test_normalisation_erases_markup_quotes_and_wrapping() -> None:
    a = "**LLAMA 3.1** “Built with\nLlama” <ins>x</ins> [link](https://example.org) llama3\\_1"
    assert tokens(a) == " llama 3 1 built with llama x link llama3 1 "
    assert tokens("Open RAIL++-M") != tokens("Open RAIL-M")
