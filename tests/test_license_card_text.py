"""The licence named in a card's text: headings, "License:" bullets, sentences, links, other languages."""

from __future__ import annotations

import pytest

from openness.license.assess import audit_license
from openness.license.card_text import best_mention, licence_mentions, name_tokens
from openness.license.database import LicenseDatabase
from tests.test_license_assess import build_release


@pytest.fixture(scope="module")
def db() -> LicenseDatabase:
    return LicenseDatabase.load()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Apache License, Version 2.0", "apache-2.0"),
        ("Apache许可证 2.0", "Apache 2.0"),
        ("CC BY-NC-SA 4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International"),
        ("GPLv3", "GNU General Public License v3.0"),
        ("BLOOMChat-176B LICENSE v1.0", "bloomchat-176b-license-v1.0"),
    ],
)
def test_spellings_of_one_name_meet(a: str, b: str) -> None:
    assert name_tokens(a) == name_tokens(b)


@pytest.mark.parametrize(
    ("body", "expected", "kind"),
    [
        ("# Model\n\n## License\n\nThe weights are released under the Apache License, Version 2.0.\n", "apache-2.0", "heading"),
        ("## Model details\n- **License:** CC BY-NC 4.0\n- **Language:** en\n", "cc-by-nc-4.0", "label"),
        ("| Field | Value |\n|---|---|\n| License | MIT |\n", "mit", "label"),
        ("Este modelo se distribuye bajo la licencia Apache 2.0 para uso general.\n", "apache-2.0", "sentence"),
        ("本模型采用 Apache-2.0 许可证。\n", "apache-2.0", "sentence"),
        ("Das Modell steht unter der Lizenz CC-BY-SA-4.0.\n", "cc-by-sa-4.0", "sentence"),
        ("## Lizenz\nDie Gewichte stehen unter der [Llama 3.1 Lizenz](https://llama.meta.com/llama3_1/license/).\n", "llama3.1", "heading"),
    ],
    ids=["heading", "bullet", "table", "spanish", "chinese", "german", "link"],
)
def test_a_licence_named_in_the_body_is_found(db: LicenseDatabase, body: str, expected: str, kind: str) -> None:
    best = best_mention(licence_mentions(body, db))
    assert best is not None and (best.entry.id, best.kind) == (expected, kind)
    report = audit_license(build_release("x/y", body), db)
    assert (report.id, report.source) == (expected, "card_text")
    assert any(e.startswith(f"card line {best.line} ({kind}") for e in report.evidence), report.evidence


def test_the_weights_licence_beats_the_codes_and_the_base_models(db: LicenseDatabase) -> None:
    body = (
        "## License\n"
        "The code in this repository is released under the MIT License.\n"
        "The model weights are released under the CC BY-NC 4.0 licence.\n"
        "The base model is derived from Llama 2 and originally licensed under the Llama 2 Community License.\n"
    )
    found = {m.entry.id: m.confidence for m in licence_mentions(body, db)}
    assert found["cc-by-nc-4.0"] > found["mit"] and found["cc-by-nc-4.0"] > found["llama2"]
    assert audit_license(build_release("x/y", body), db).id == "cc-by-nc-4.0"


@pytest.mark.parametrize(
    "body",
    [
        "We trained with the MIT scheduler on data from the mit.edu crawl.\n",  # no licence word
        "Mit diesem Modell und einer Lizenz für kommerzielle Nutzung ...\n",  # 'mit' is German, not MIT
        "See github.com/deepseek-ai/DeepSeek-R1/blob/main/LICENSE for the license.\n",  # a name inside a URL
        "Llama 2 is a great model. Its training used 2T tokens. Please read our license.\n",  # the name is far from 'license'
    ],
)
def test_no_licence_is_read_from_what_does_not_name_one(db: LicenseDatabase, body: str) -> None:
    assert best_mention(licence_mentions(body, db)) is None


def test_card_text_that_contradicts_the_metadata_is_a_high_warning(db: LicenseDatabase) -> None:
    card = "---\nlicense: apache-2.0\n---\n## License\nThe model is licensed under CC BY-NC 4.0.\n"
    report = audit_license(build_release("x/y", card), db)
    assert report.id == "apache-2.0"
    assert any(w.startswith("HIGH: the card text names cc-by-nc-4.0 (line 5") for w in report.warnings), report.warnings
    agreeing = audit_license(build_release("x/y", card.replace("CC BY-NC 4.0", "Apache 2.0")), db)
    assert not [w for w in agreeing.warnings if w.startswith("HIGH")]
    assert any("card line 5 (heading) names apache-2.0 too" in e for e in agreeing.evidence)
