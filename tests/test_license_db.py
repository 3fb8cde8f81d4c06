"""The licence database: bundled entries, schema validation, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.errors import DataError
from openness.license.database import LicenseDatabase
from openness.license.identify import identify_text

REQUIRED_HUB_IDS = [
    "apache-2.0",
    "mit",
    "bsd-3-clause",
    "cc-by-4.0",
    "cc-by-sa-4.0",
    "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0",
    "openrail",
    "openrail++",
    "creativeml-openrail-m",
    "bigscience-openrail-m",
    "bigscience-bloom-rail-1.0",
    "llama2",
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "llama4",
    "gemma",
    "other",
    "gpl-3.0",
    "agpl-3.0",
    "bsd-2-clause",
    "cc-by-nc-nd-4.0",
    "bigcode-openrail-m",
    "deepseek",
    "tongyi-qianwen",
    "tongyi-qianwen-research",
    "nvidia-open-model-license",
    "apple-ascl",
    "apple-amlr",
]

VALID = """
id: acme-1.0
name: ACME Model Licence 1.0
hub_ids: [acme-1.0]
spdx: LicenseRef-acme-1.0
version: "1.0"
osi_approved: false
family: acme
category: community
url: https://example.org/acme
fingerprints:
  - ACME MODEL LICENCE VERSION 1.0
  - fewer than fifty thousand monthly active users
terms:
  - type: mau_cap
    value: 50000
    clause: "fewer than fifty thousand monthly active users"
"""


@pytest.fixture(scope="module")
def db() -> LicenseDatabase:
    return LicenseDatabase.load()


def test_bundled_database_has_the_common_hub_ids(db: LicenseDatabase) -> None:
    missing = [h for h in REQUIRED_HUB_IDS if db.get(h) is None]
    assert missing == []
    assert LicenseDatabase.load() is db  # loaded once


def test_lookup_by_hub_id_spdx_id_and_case(db: LicenseDatabase) -> None:
    assert db.get("Apache-2.0") is db.get("apache-2.0")
    entry = db.get("CC-BY-NC-4.0")
    assert entry is not None and entry.id == "cc-by-nc-4.0"
    assert db.get("no-such-licence") is None


def test_license_names_shared_by_variants_put_the_namesake_first(db: LicenseDatabase) -> None:
    ids = [e.id for e in db.by_license_name("tencent-hunyuan-community")]
    assert ids[0] == "tencent-hunyuan-community"
    assert "tencent-hunyuan-community-eu-uk-kr" in ids


def test_link_patterns(db: LicenseDatabase) -> None:
    entry = db.by_link("https://github.com/deepseek-ai/DeepSeek-V2/blob/main/LICENSE-MODEL")
    assert entry is not None and entry.id == "deepseek"
    assert db.by_link("https://example.org/nothing") is None


def test_terms_have_short_clauses_and_typed_values(db: LicenseDatabase) -> None:
    for entry in db.all():
        for term in entry.terms:
            assert len(term.clause) <= 200, entry.id
            if term.type == "mau_cap":
                assert isinstance(term.value, int) and term.value > 0
    llama = db.get("llama3.1")
    assert llama is not None
    assert [t.value for t in llama.terms if t.type == "mau_cap"] == [700000000]


def test_fresh_terms_are_equal_copies_a_report_may_change(db: LicenseDatabase) -> None:
    for entry in db.all():
        fresh = entry.fresh_terms()
        assert [repr(t) for t in fresh] == [repr(t) for t in entry.terms], entry.id  # same values, same types
        assert all(a is not b for a, b in zip(fresh, entry.terms))
    stability = db.get("stabilityai-community")
    assert stability is not None
    terms = stability.fresh_terms()
    cap = next(t for t in terms if t.type == "revenue_cap")
    cap.value["currency"] = "EUR"  # a nested value too
    assert next(t for t in stability.terms if t.type == "revenue_cap").value["currency"] == "USD"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / "licenses"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return d


def test_a_new_licence_needs_no_python(tmp_path: Path) -> None:
    d = _write(tmp_path, "acme.yaml", VALID)
    custom = LicenseDatabase.load(d)
    match = identify_text("ACME Model Licence Version 1.0 ... for products with fewer than\nfifty thousand monthly active users.", custom)
    assert match.entry is not None and match.entry.id == "acme-1.0"


def test_missing_field_names_file_and_key(tmp_path: Path) -> None:
    d = _write(tmp_path, "acme.yaml", VALID.replace("osi_approved: false\n", ""))
    with pytest.raises(DataError) as err:
        LicenseDatabase.from_directory(d)
    assert "acme.yaml" in str(err.value) and "osi_approved" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("value: 50000", "value: lots", "mau_cap value"),
        ("category: community", "category: friendly", "category"),
        ("  - ACME MODEL LICENCE VERSION 1.0", "  - ACME", "too short"),
        ('clause: "fewer', 'clause: "' + "x" * 200 + " fewer", "at most 200"),
        ("id: acme-1.0", "id: ACME 1", "id"),
    ],
)
def test_invalid_values_are_reported(tmp_path: Path, old: str, new: str, expected: str) -> None:
    d = _write(tmp_path, "acme.yaml", VALID.replace(old, new))
    with pytest.raises(DataError, match=expected):
        LicenseDatabase.from_directory(d)


def test_duplicate_hub_id_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", VALID)
    d = _write(tmp_path, "b.yaml", VALID.replace("id: acme-1.0", "id: acme-2.0"))
    with pytest.raises(DataError, match="acme-1.0"):
        LicenseDatabase.from_directory(d)


def test_invalid_yaml_and_non_mapping(tmp_path: Path) -> None:
    d = _write(tmp_path, "a.yaml", "id: [unclosed\n")
    with pytest.raises(DataError, match="a.yaml"):
        LicenseDatabase.from_directory(d)
    d2 = tmp_path / "other"
    d2.mkdir()
    (d2 / "b.yaml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(DataError, match="mapping"):
        LicenseDatabase.from_directory(d2)
    with pytest.raises(DataError, match="not found"):
        LicenseDatabase.from_directory(tmp_path / "absent")
