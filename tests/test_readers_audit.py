"""An online audit whose paper (arXiv), training code (GitHub) and dataset (Hub) are all served by
loopback fakes: the evidence stage reads them, and the verdicts cite the paper section, the
repository file and the dataset card they came from. Offline, the same release says what it could
not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.audit import Auditor
from openness.cli import cli
from openness.settings import AuditSettings
from tests.fakehub import FakeHub, fake_hub, hub_env  # noqa: F401 - fixtures
from tests.fakelinked import FakeLinked, fake_linked  # noqa: F401 - fixture

CARD = """---
license: apache-2.0
datasets:
- acme/open-corpus
---
# Acme-7B

Acme-7B was introduced in [the Acme-7B paper](https://arxiv.org/abs/2401.00001).

## Training

Training code: [acme-train](https://github.com/acme-ai/acme-train).
"""


@pytest.fixture
def online(hub_env: FakeHub, fake_linked: FakeLinked, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeLinked:
    hub_env.add_model(
        "acme-ai/acme-7b",
        {"README.md": CARD, "model.safetensors": b"\0"},
        cardData={"license": "apache-2.0", "datasets": ["acme/open-corpus"]},
    )
    monkeypatch.delenv("OPENNESS_NO_READ_LINKS", raising=False)
    monkeypatch.setenv("OPENNESS_ARXIV_API_URL", f"{fake_linked.url}/api/query")
    monkeypatch.setenv("OPENNESS_ARXIV_HTML_URL", f"{fake_linked.url}/html")
    monkeypatch.setenv("OPENNESS_AR5IV_URL", f"{fake_linked.url}/ar5iv/html")
    monkeypatch.setenv("OPENNESS_GITHUB_API_URL", fake_linked.url)
    monkeypatch.setenv("OPENNESS_ARXIV_PACING", "0")  # the pacing itself is tested in test_readers.py
    return fake_linked


def hub_url(_: FakeLinked) -> str:
    import os

    return os.environ["HF_ENDPOINT"]


def test_an_online_audit_reads_the_paper_the_code_and_the_dataset(online: FakeLinked, tmp_path: Path) -> None:
    settings = AuditSettings.from_env(cache_path=tmp_path / "hub.sqlite")
    settings.readers_cache = tmp_path / "readers.sqlite"
    report = Auditor.from_settings(settings).audit("acme-ai/acme-7b")
    c = report.components
    assert c["technical_report"].status.value == "open"
    assert any("#2 Pre-training Data" in e.excerpt or "read from" in e.excerpt for e in c["technical_report"].evidence)
    assert c["data_mixture"].status.value == "open"
    assert c["training_code"].status.value == "open"
    assert any("scripts/pretrain.py" in e.excerpt for e in c["training_code"].evidence), c["training_code"].evidence
    assert c["training_data"].status.value == "open"
    assert any(e.where.startswith(f"dataset-card:{hub_url(online)}/datasets/acme/open-corpus") for e in c["training_data"].evidence)
    assert report.level == 4, report.level_label  # the corpus's own construction code is not shown anywhere
    assert online.count("/api/query") == 1 and online.count("/html/") == 1 and online.count("/repos/") == 2


def test_offline_the_paper_is_unknown_and_says_it_was_not_read(hub_env: FakeHub, tmp_path: Path) -> None:
    card = tmp_path / "acme-7b" / "README.md"
    card.parent.mkdir()
    card.write_text(CARD)
    result = CliRunner().invoke(cli, ["audit", str(card.parent), "--offline", "--format", "json", "--cache", str(tmp_path / "c.sqlite")])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)[0]  # always a list
    verdict = report["components"]["technical_report"]
    assert verdict["status"] == "unknown" and "neither catalogued nor read (offline" in verdict["reason"]


def test_a_paper_that_cannot_be_reached_is_unknown_with_the_reason(
    online: FakeLinked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENNESS_ARXIV_API_URL", "http://127.0.0.1:9/api/query")  # nothing listens there
    settings = AuditSettings.from_env(cache_path=tmp_path / "hub.sqlite")
    settings.readers_cache = tmp_path / "readers.sqlite"
    report = Auditor.from_settings(settings).audit("acme-ai/acme-7b")
    verdict = report.components["technical_report"]
    assert verdict.status.value == "unknown"
    assert any("not read" in e.excerpt for e in verdict.evidence), verdict.evidence


def test_a_paper_is_the_models_own_report_only_when_the_card_or_its_title_says_so() -> None:
    from openness.readers.linked import _REPORT_LINE, _stem_words

    assert _stem_words("acme-ai/acme-7b-base") & _stem_words("Acme-7B:-An-Open-Language-Model")
    assert not _stem_words("google/bert-base-uncased") & _stem_words("A-Knowledge-Base-for-Large-Models")
    assert _REPORT_LINE.search("Acme-7B was introduced in [this paper](https://arxiv.org/abs/2401.00001).")
    assert not _REPORT_LINE.search("We use the optimiser of [Kingma and Ba](https://arxiv.org/abs/1412.6980).")


# A release a careful reader would put at L5: its own paper details the data and the procedure and
# gives the mixture, its repository holds the pre-training scripts, it was trained on one public Hub
# corpus as published, and that corpus's card links the code that built it. The card also links a
# dataset repository that only hosts its pictures, which is no training data.
OPEN_CARD = """---
license: apache-2.0
datasets:
- acme/web-corpus
---
# Acme-Open-13B

![banner](https://huggingface.co/datasets/acme/card-images/resolve/main/banner.png)

Acme-Open-13B was introduced in [the Acme paper](https://arxiv.org/abs/2401.00001).

## Training

Pre-trained on [acme/web-corpus](https://huggingface.co/datasets/acme/web-corpus) as published, with
the code in [acme-train](https://github.com/acme-ai/acme-train).

The figures of this card are kept in [acme/card-images](https://huggingface.co/datasets/acme/card-images).
"""

CORPUS_CARD = """---
license: odc-by
---
# Acme Web Corpus

## Dataset Creation

The code used to build this corpus (crawling, filtering, deduplication) is at
[acme-ai/corpus-tools](https://github.com/acme-ai/corpus-tools).
"""


@pytest.fixture
def open_release(online: FakeLinked, hub_env: FakeHub) -> FakeHub:
    hub_env.add_model(
        "acme-ai/acme-open-13b",
        {"README.md": OPEN_CARD, "model.safetensors": b"\0"},
        cardData={"license": "apache-2.0", "datasets": ["acme/web-corpus"]},
    )
    hub_env.add_dataset("acme/web-corpus", {"README.md": CORPUS_CARD, "data/train-00000.parquet": b"PAR1"}, cardData={"license": "odc-by"})
    hub_env.add_dataset("acme/card-images", {"README.md": "", "banner.png": b"\x89PNG", "arch.png": b"\x89PNG"})
    hub_env.add_dataset(
        "acme/speech-gated", {"README.md": "# Speech\n", "a.flac": b"fLaC"}, gated="manual", cardData={"license": "cc-by-nc-4.0"}
    )
    return hub_env


def test_an_online_audit_of_an_open_release_reaches_l5_citing_paper_repository_and_dataset_card(
    open_release: FakeHub, tmp_path: Path
) -> None:
    settings = AuditSettings.from_env(cache_path=tmp_path / "hub.sqlite")
    settings.readers_cache = tmp_path / "readers.sqlite"
    report = Auditor.from_settings(settings).audit("acme-ai/acme-open-13b")
    c = report.components
    assert {
        k: c[k].status.value for k in ("weights", "technical_report", "training_code", "training_data", "data_pipeline")
    } == dict.fromkeys(("weights", "technical_report", "training_code", "training_data", "data_pipeline"), "open")
    assert report.level == 5, report.level_label
    assert any("/html/2401.00001v2#2 Pre-training Data" in e.excerpt for e in c["technical_report"].evidence)  # the paper's section
    assert any("scripts/pretrain.py" in e.excerpt for e in c["training_code"].evidence)
    card = f"dataset-card:{open_release.url}/datasets/acme/web-corpus/resolve/"
    assert [e.where.startswith(card) for e in c["training_data"].evidence] == [True], c["training_data"].evidence
    assert "public on the Hub, licence odc-by" in c["training_data"].evidence[0].excerpt
    pipeline = c["data_pipeline"].evidence
    assert pipeline[0].where.startswith(card) and "(line 9)" in pipeline[0].where and "acme-ai/corpus-tools" in pipeline[0].excerpt
    assert not any("card-images" in e.where for k in c for e in c[k].evidence)  # the pictures' repository is no training data
    assert open_release.count("/api/datasets/acme/web-corpus") == 2  # the Hub source's dataset_info, then the reader


def test_a_gated_dataset_makes_the_training_data_partial_online(open_release: FakeHub, tmp_path: Path) -> None:
    gated = OPEN_CARD.replace("- acme/web-corpus", "- acme/web-corpus\n- acme/speech-gated")
    open_release.add_model("acme-ai/acme-open-13b-speech", {"README.md": gated, "model.safetensors": b"\0"})
    settings = AuditSettings.from_env(cache_path=tmp_path / "hub.sqlite")
    settings.readers_cache = tmp_path / "readers.sqlite"
    report = Auditor.from_settings(settings).audit("acme-ai/acme-open-13b-speech")
    verdict = report.components["training_data"]
    assert verdict.status.value == "partial" and report.level == 3
    assert any("acme/speech-gated" in e.where and "gated on the Hub" in e.excerpt for e in verdict.evidence), verdict.evidence


def test_offline_an_uncatalogued_dataset_is_unknown_and_says_its_card_was_not_read(tmp_path: Path) -> None:
    card = tmp_path / "acme-open-13b" / "README.md"
    card.parent.mkdir()
    card.write_text(OPEN_CARD)
    result = CliRunner().invoke(cli, ["audit", str(card.parent), "--offline", "--format", "json", "--cache", str(tmp_path / "c.sqlite")])
    assert result.exit_code == 0, result.stderr
    verdict = json.loads(result.stdout)[0]["components"]["training_data"]
    assert verdict["status"] == "unknown"
    assert any(e["excerpt"] == "acme/web-corpus (dataset card not read: offline)" for e in verdict["evidence"]), verdict["evidence"]
