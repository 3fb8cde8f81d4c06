"""The licence audit of a release: declared licence, texts, gating, inheritance, classification."""

from __future__ import annotations

import pytest

from openness.license.assess import audit_license, inherit_license, release_class
from openness.license.database import LicenseDatabase
from openness.license.models import LicenseReport, LicenseTerm
from openness.models import Release, Status
from openness.release import build_release
from tests.conftest import FIXTURES

LIC = FIXTURES / "licenses"


@pytest.fixture(scope="module")
def db() -> LicenseDatabase:
    return LicenseDatabase.load()


def _text(name: str) -> str:
    return (LIC / name).read_text(encoding="utf-8")


def _types(report: LicenseReport) -> set[str]:
    return {t.type for t in report.terms}


def test_metadata_id_confirmed_by_text(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": "llama3.1"}, license_files={"LICENSE": _text("llama3.1-excerpt.md")}), db)
    assert (r.id, r.source, r.recognised) == ("llama3.1", "metadata", True)
    assert r.confidence == 1.0 and not r.warnings
    assert {"mau_cap", "acceptable_use_policy", "naming", "attribution"} <= _types(r)
    assert all(t.source == "licence database: llama3.1" for t in r.terms)
    assert any("confirms llama3.1" in e for e in r.evidence)


def test_declared_licence_contradicted_by_text_is_high(db: LicenseDatabase) -> None:
    r = audit_license(
        Release(id="x", license_fields={"license": "apache-2.0"}, license_files={"LICENSE": _text("llama3.1-excerpt.md")}), db
    )
    assert r.id == "apache-2.0" and r.source == "metadata"
    high = [w for w in r.warnings if w.startswith("HIGH: ")]
    assert len(high) == 1 and "llama3.1" in high[0]
    assert "mau_cap" in _types(r)
    assert any(t.source == "file:LICENSE (llama3.1)" for t in r.terms)
    assert r.osi_approved is False and r.category == "community"
    assert r.confidence <= 0.5


def test_or_expression_takes_the_least_restrictive_option(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": "cc-by-nc-4.0 OR mit"}), db)
    assert r.id == "mit" and r.expression == "cc-by-nc-4.0 OR mit" and r.declared == "cc-by-nc-4.0 OR mit"
    assert "non_commercial" not in _types(r)


def test_and_expression_binds_every_term(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": "llama3.1 AND cc-by-nc-4.0"}), db)
    assert r.id == "cc-by-nc-4.0"
    assert {"non_commercial", "mau_cap"} <= _types(r)


@pytest.mark.parametrize("value", ["apache-2.0 OR (mit", "OR", "apache-2.0 AND AND mit", "apache 2 OR mit license"])
def test_malformed_expression_is_reported_not_dropped(db: LicenseDatabase, value: str) -> None:
    r = audit_license(Release(id="x", license_fields={"license": value}), db)
    assert r.id is None and r.recognised is False
    assert r.declared == value
    assert any("malformed" in w or "not in the licence database" in w for w in r.warnings)


def test_a_list_of_licences_binds_them_all(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": ["mit", "cc-by-nc-4.0"]}), db)
    assert r.id == "cc-by-nc-4.0" and r.declared == "mit AND cc-by-nc-4.0"
    assert r.osi_approved is False


def test_gpl_text_refines_the_ambiguous_hub_id(db: LicenseDatabase) -> None:
    text = "GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n... to be licensed as a whole at no charge to all third parties under the terms of this License."
    r = audit_license(Release(id="x", license_fields={"license": "gpl"}, license_files={"COPYING": text}), db)
    assert r.id == "gpl-2.0" and not r.warnings


def test_unknown_id_is_unrecognised(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": "acme-secret-2"}), db)
    assert (r.id, r.recognised, r.declared) == (None, False, "acme-secret-2")
    assert any("acme-secret-2" in w for w in r.warnings)


def test_unknown_id_falls_back_to_the_text(db: LicenseDatabase) -> None:
    r = audit_license(
        Release(id="x", license_fields={"license": "llama-3.2-custom"}, license_files={"LICENSE": _text("llama3.2-excerpt.md")}), db
    )
    assert r.id == "llama3.2" and r.source == "text" and r.declared == "llama-3.2-custom"


def test_license_other_with_name_and_variant_text(db: LicenseDatabase) -> None:
    fields = {"license": "other", "license_name": "tencent-hunyuan-community"}
    r = audit_license(Release(id="x", license_fields=fields), db)
    assert r.id == "tencent-hunyuan-community" and r.source == "license_name"
    r2 = audit_license(Release(id="x", license_fields=fields, license_files={"LICENSE.txt": _text("hunyuan-eu-uk-kr-excerpt.txt")}), db)
    assert r2.id == "tencent-hunyuan-community-eu-uk-kr" and not r2.warnings
    territory = [t for t in r2.terms if t.type == "territory_exclusions"]
    assert territory and territory[0].value == ["EU", "UK", "KR"]


def test_license_other_with_link(db: LicenseDatabase) -> None:
    fields = {"license": "other", "license_link": "https://github.com/deepseek-ai/DeepSeek-V2/blob/main/LICENSE-MODEL"}
    r = audit_license(Release(id="x", license_fields=fields), db)
    assert r.id == "deepseek" and r.source == "license_link"


def test_license_other_unknown_name(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": "other", "license_name": "acme-license"}), db)
    assert r.id is None and r.recognised is False
    assert any("acme-license" in w for w in r.warnings)


def test_unrecognised_text_without_declaration(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_files={"LICENSE": _text("custom-model-license.txt")}), db)
    assert (r.id, r.recognised, r.source) == (None, False, "text")
    assert {"mau_cap", "revenue_cap", "no_training_other_models"} <= _types(r)
    assert all(t.source == "file:LICENSE (clause detection)" for t in r.terms)


def test_restrictive_unknown_text_under_a_permissive_declaration_is_high(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": "mit"}, license_files={"LICENSE": _text("custom-model-license.txt")}), db)
    assert r.id == "mit"
    assert any(w.startswith("HIGH: ") and "mau_cap" in w for w in r.warnings)
    assert "mau_cap" in _types(r)


def test_nothing_declared_nothing_found(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x"), db)
    assert (r.id, r.source, r.recognised) == (None, "none", False)
    assert r.warnings


def test_empty_and_binary_files_are_skipped_with_a_warning(db: LicenseDatabase) -> None:
    r = audit_license(Release(id="x", license_fields={"license": "mit"}, license_files={"LICENSE": "  \n", "NOTICE": "ab\x00cd"}), db)
    assert r.id == "mit"
    assert any("LICENSE is empty" in w for w in r.warnings) and any("NOTICE looks binary" in w for w in r.warnings)


def test_gating_metadata_adds_a_gated_term(db: LicenseDatabase) -> None:
    meta = {"extra_gated_prompt": "You agree to share your contact information.", "extra_gated_fields": {"Name": "text"}}
    r = audit_license(Release(id="x", metadata=meta, license_fields={"license": "mit"}), db)
    gated = [t for t in r.terms if t.type == "gated"]
    assert len(gated) == 1 and gated[0].source == "gating metadata"
    assert "contact information" in gated[0].clause
    r2 = audit_license(Release(id="x", gated="manual", license_fields={"license": "mit"}), db)
    assert [t.value for t in r2.terms if t.type == "gated"] == ["manual"]
    r3 = audit_license(Release(id="x", gated=False, metadata=meta, license_fields={"license": "mit"}), db)
    assert "gated" not in _types(r3)


def test_use_policy_file_belongs_to_its_licence(db: LicenseDatabase) -> None:
    policy = "Llama 3.1 Acceptable Use Policy\nYou agree you will not use, or allow others to use, Llama 3.1 to: ..."
    r = audit_license(Release(id="x", license_fields={"license": "llama3.1"}, license_files={"USE_POLICY.md": policy}), db)
    assert not r.warnings and any("acceptable use policy of llama3.1" in e for e in r.evidence)
    r2 = audit_license(Release(id="x", license_fields={"license": "mit"}, license_files={"USE_POLICY.md": policy}), db)
    assert any(w.startswith("HIGH: ") for w in r2.warnings)


def test_inherit_license_carries_base_terms(db: LicenseDatabase) -> None:
    base = audit_license(Release(id="meta-llama/Llama-3.1-8B", gated="manual", license_fields={"license": "llama3.1"}), db)
    own = audit_license(Release(id="me/ft", license_fields={"license": "apache-2.0"}), db)
    r = inherit_license(own, base, "meta-llama/Llama-3.1-8B")
    assert r.id == "apache-2.0" and r.inherited_from == "meta-llama/Llama-3.1-8B"
    assert "mau_cap" in _types(r) and "gated" not in _types(r)
    carried = [t for t in r.terms if t.type == "mau_cap"]
    assert carried[0].source.startswith("base model meta-llama/Llama-3.1-8B (llama3.1)")
    assert any(w.startswith("HIGH: ") and "mau_cap" in w for w in r.warnings)
    assert r.osi_approved is False and r.category == "community"
    assert own.inherited_from is None  # not modified in place


def test_inherit_license_same_licence_is_quiet_and_no_licence_takes_the_base(db: LicenseDatabase) -> None:
    base = audit_license(Release(id="b", license_fields={"license": "llama3.1"}), db)
    same = inherit_license(audit_license(Release(id="d", license_fields={"license": "llama3.1"}), db), base, "b")
    assert not same.warnings and len(same.terms) == len(base.terms)
    none = inherit_license(audit_license(Release(id="d"), db), base, "b")
    assert none.id == "llama3.1" and none.source == "base_model"


@pytest.mark.parametrize(
    ("weights", "level", "licence", "expected"),
    [
        (Status.CLOSED, 0, "mit", "api-only"),
        (Status.OPEN, 5, "apache-2.0", "open-source"),
        (Status.OPEN, 4, "mit", "open-source"),
        (Status.OPEN, 3, "apache-2.0", "open-weights"),
        (Status.OPEN, 5, "cc-by-4.0", "open-weights"),
        (Status.OPEN, 5, "llama3.1", "open-access"),
        (Status.OPEN, 2, "cc-by-nc-4.0", "open-access"),
        (Status.PARTIAL, 1, "openrail++", "open-access"),
        (Status.UNKNOWN, 1, "mit", "unknown"),
        (Status.OPEN, 1, "foo-unknown", "unknown"),
    ],
)
def test_release_class(db: LicenseDatabase, weights: Status, level: int, licence: str, expected: str) -> None:
    lic = audit_license(Release(id="x", license_fields={"license": licence}), db)
    assert release_class(weights, level, lic) == expected


def test_release_class_gating_and_missing_licence(db: LicenseDatabase) -> None:
    gated = audit_license(Release(id="x", gated="auto", license_fields={"license": "apache-2.0"}), db)
    assert release_class(Status.OPEN, 5, gated) == "open-access"
    assert release_class(Status.OPEN, 5, None) == "unknown"
    unknown_nc = LicenseReport(id=None, recognised=False, terms=[LicenseTerm(type="non_commercial")])
    assert release_class(Status.OPEN, 3, unknown_nc) == "open-access"


def test_a_card_without_metadata_that_links_its_licence_text() -> None:
    db = LicenseDatabase.load()
    card = "## Model\n**License:** the Llama 3.1 Community License, at https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE\n"
    linked = audit_license(build_release("x/y", card), db)
    assert (linked.id, linked.source) == ("llama3.1", "card_text")
    assert linked.confidence == 0.8  # a "License:" bullet (0.75) whose link is the licence's own text (+0.05)
    assert any("line 2 (label, link https://github.com/meta-llama" in e for e in linked.evidence), linked.evidence
    assert any(t.type == "mau_cap" for t in linked.terms)
    declared = audit_license(build_release("x/y", "---\nlicense: mit\n---\n" + card), db)
    assert declared.id == "mit" and declared.source == "metadata"  # metadata outranks a link in the text
    assert any(w.startswith("HIGH: the card text names llama3.1 (line 5") for w in declared.warnings), declared.warnings
