"""Every licence the Hub accepts and every licence the registry names has a database entry with its terms."""

from __future__ import annotations

import csv

import pytest

from openness.license.database import LicenseDatabase
from openness.registry.store import Registry
from tests.conftest import shared_path

# Placeholders whose terms are, by definition, elsewhere (license_name / license_link / the LICENSE file).
_NO_TERMS_EXPECTED = {"other", "unknown"}
# Licences that grant everything and ask nothing: an entry with no terms is the truth.
_UNCONDITIONAL = {"cc0-1.0", "unlicense", "wtfpl", "pddl"}


@pytest.mark.shared
def test_every_hub_licence_id_has_an_entry_with_terms() -> None:
    db = LicenseDatabase.load()
    with shared_path("anchors", "hf_license_ids.csv").open(encoding="utf-8") as f:
        ids = [row["hf_license_id"] for row in csv.DictReader(f)]
    assert len(ids) > 80
    missing = [i for i in ids if db.get(i) is None]
    assert missing == []
    no_terms = [i for i in ids if i not in _NO_TERMS_EXPECTED | _UNCONDITIONAL and not db.get(i).terms]  # type: ignore[union-attr]
    assert no_terms == []


def test_every_registry_licence_has_an_entry() -> None:
    db = LicenseDatabase.load()
    named = {rel.license for rel in Registry.load().releases if rel.license}
    assert named, "the registry names licences"
    assert sorted(n for n in named if db.get(n) is None and not db.by_license_name(n)) == []


def test_unchecked_entries_say_so() -> None:
    """An entry written without a copy of its text is marked, and says it in its notes."""
    unchecked = [e for e in LicenseDatabase.load().all() if not e.text_checked]
    assert unchecked
    assert all(e.fixture is None and "not checked" in e.notes for e in unchecked)


def test_registry_builds_show_terms_for_licences_named_by_name() -> None:
    """Falcon-180B is curated as 'falcon-180b-license' (a licence name): its hosting restriction is shown."""
    from openness.registry.build import database_terms_lookup

    lookup = database_terms_lookup()
    assert lookup is not None
    terms = {t.type: t for t in lookup("falcon-180b-license")}
    assert terms["field_of_use_restrictions"].value == ["hosting use"]
    assert lookup("apple-sample-code-license") and lookup("no-such-licence") == []
