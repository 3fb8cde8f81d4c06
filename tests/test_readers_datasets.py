"""The Hub dataset-card reader against the loopback fake Hub (tests/fakehub.py), end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.engine.facts import Catalogues, Facts
from openness.errors import NotFoundError
from openness.models import Status
from openness.readers.base import gather_evidence
from openness.readers.datasets import HubDatasetOptions, HubDatasetReader, construction_code, is_assets_only
from openness.readers.fetch import FetchError
from openness.readers.linked import DatasetEvidence
from openness.readers.store import ReaderStore
from openness.release import build_release
from tests.fakehub import TEST_TOKEN, FakeHub, fake_hub  # noqa: F401 - fixture

WEB_CARD = """---
license: odc-by
pretty_name: Acme Web Corpus
---
# Acme Web Corpus

2T tokens of filtered web text.

## Dataset Creation

The code used to build this corpus (crawling, filtering, deduplication) is at
[acme-ai/corpus-tools](https://github.com/acme-ai/corpus-tools).

The baselines trained on it are at [acme-ai/baselines](https://github.com/acme-ai/baselines).
"""


def add_datasets(hub: FakeHub) -> None:
    hub.add_dataset(
        "acme/web-corpus",
        {"README.md": WEB_CARD, "data/train-00000.parquet": b"PAR1"},
        cardData={"license": "odc-by", "pretty_name": "Acme Web Corpus"},
        tags=["license:odc-by", "modality:text"],
    )
    hub.add_dataset(
        "acme/speech-gated",
        {"README.md": "---\nlicense: other\nlicense_name: acme-speech-terms\n---\n# Speech\n", "audio/a.flac": b"fLaC"},
        gated="manual",
        cardData={"license": "other", "license_name": "acme-speech-terms"},
    )
    hub.add_dataset("acme/internal-logs", {"README.md": "# Logs\n", "logs.jsonl": b"{}"}, private=True)
    hub.add_dataset("acme/card-images", {"README.md": "", "banner.png": b"\x89PNG", "figures/arch.jpg": b"\xff\xd8"})


def reader(hub: FakeHub, tmp_path: Path, token: str | None = None) -> HubDatasetReader:
    return HubDatasetReader(store=ReaderStore(tmp_path / "readers.sqlite"), options=HubDatasetOptions(endpoint=hub.url, token=token))


def test_a_public_dataset_is_open_with_its_licence_and_the_construction_code_its_card_links(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    r = reader(fake_hub, tmp_path).read("acme/web-corpus")
    assert (r.access, r.availability, r.license) == ("public", Status.OPEN, "odc-by")
    assert r.card_read and r.card_url.endswith(
        "/datasets/acme/web-corpus/resolve/" + fake_hub.datasets["acme/web-corpus"].info["sha"] + "/README.md"
    )
    assert r.construction_code == Status.OPEN and r.construction_code_url == "https://github.com/acme-ai/corpus-tools"
    assert r.construction_line == 12 and "code used to build this corpus" in WEB_CARD.splitlines()[r.construction_line - 2]
    assert not r.assets_only
    api = [q for q in fake_hub.requests if q.path == "/api/datasets/acme/web-corpus"]
    assert len(api) == 1 and {"cardData", "gated", "private", "disabled", "siblings"} <= set(api[0].query["expand"])
    assert fake_hub.count(r"^/datasets/acme/web-corpus/resolve/") == 1


def test_a_read_dataset_comes_from_the_cache_the_next_time(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    reader(fake_hub, tmp_path).read("acme/web-corpus")
    before = len(fake_hub.requests)
    assert reader(fake_hub, tmp_path).read("acme/web-corpus").construction_code == Status.OPEN
    assert len(fake_hub.requests) == before


def test_a_gated_dataset_is_partial_and_the_answer_is_cached(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    r = reader(fake_hub, tmp_path).read("acme/speech-gated")
    assert (r.access, r.availability, r.license) == ("gated", Status.PARTIAL, "acme-speech-terms")
    assert "gated (manual approval)" in r.note and not r.card_read  # the fake gates the card too
    before = len(fake_hub.requests)
    assert reader(fake_hub, tmp_path).read("acme/speech-gated").access == "gated"
    assert len(fake_hub.requests) == before


def test_a_private_dataset_is_not_found_without_access_and_closed_with_it(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    with pytest.raises(NotFoundError, match="acme/internal-logs"):
        reader(fake_hub, tmp_path / "anonymous").read("acme/internal-logs")
    r = reader(fake_hub, tmp_path / "member", token=TEST_TOKEN).read("acme/internal-logs")
    assert (r.access, r.availability) == ("private", Status.CLOSED)


def test_a_missing_dataset_is_not_found_and_that_is_cached(fake_hub: FakeHub, tmp_path: Path) -> None:
    for _ in range(2):
        with pytest.raises(NotFoundError):
            reader(fake_hub, tmp_path).read("acme/no-such-data")
    assert fake_hub.count("/api/datasets/acme/no-such-data") == 1


def test_a_disabled_dataset_is_closed(fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.fault("/api/datasets/acme/taken-down", status=403, error_message="Access to this resource is disabled.")
    r = reader(fake_hub, tmp_path).read("acme/taken-down")
    assert (r.access, r.availability) == ("disabled", Status.CLOSED)


def test_a_repository_of_card_images_is_not_training_data(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    assert reader(fake_hub, tmp_path).read("acme/card-images").assets_only
    assert is_assets_only("huggingface/documentation-images", ["README.md", "hub/a.png", "blog/b.gif"])
    assert not is_assets_only("acme/dog-photos-dreambooth", ["dog1.jpg", "dog2.jpg"])  # a few training images
    assert not is_assets_only("acme/images", ["train.parquet", "a.png"])


def test_an_oversized_card_is_not_read_but_the_api_answer_still_decides(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    fake_hub.fault(r"^/datasets/acme/web-corpus/resolve/", content_length=50_000_000)
    r = reader(fake_hub, tmp_path).read("acme/web-corpus")
    assert r.access == "public" and not r.card_read and "larger than" in r.note
    assert r.construction_code == Status.UNKNOWN


def test_an_oversized_api_answer_is_refused(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    fake_hub.fault("/api/datasets/acme/web-corpus", content_length=50_000_000)
    with pytest.raises(FetchError, match="larger than"):
        reader(fake_hub, tmp_path).read("acme/web-corpus")


def test_a_server_that_stalls_is_abandoned_at_the_deadline(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    fake_hub.fault("/api/datasets/acme/web-corpus", stall=3.0)
    slow = reader(fake_hub, tmp_path)
    slow.info_fetcher.timeout = 0.3
    with pytest.raises(FetchError, match="timed out|no complete answer|connection problem"):
        slow.read("acme/web-corpus")


def test_a_redirect_off_the_configured_endpoint_is_not_followed(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    fake_hub.fault("/api/datasets/acme/web-corpus", redirect="http://127.0.0.2:9/api/datasets/acme/web-corpus")
    with pytest.raises(FetchError, match="allow-list"):
        reader(fake_hub, tmp_path).read("acme/web-corpus")
    assert fake_hub.count("/api/datasets/acme/web-corpus") == 1


def test_the_token_is_sent_and_never_cached_or_shown(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    fake_hub.fault(r"^/datasets/acme/web-corpus/resolve/", status=500, error_message=f"upstream said Bearer {TEST_TOKEN}")
    r = reader(fake_hub, tmp_path, token=TEST_TOKEN).read("acme/web-corpus")
    assert all(q.authorized for q in fake_hub.requests)
    assert TEST_TOKEN not in r.model_dump_json() and "HTTP 500" in r.note
    assert TEST_TOKEN.encode() not in (tmp_path / "readers.sqlite").read_bytes()
    again = reader(fake_hub, tmp_path, token=TEST_TOKEN).read("acme/web-corpus")  # a failed card is not cached
    assert again.card_read and again.construction_code == Status.OPEN


@pytest.mark.parametrize("bad", ["../etc/passwd", "a/b/c", "http://evil/x", ""])
def test_what_is_not_a_dataset_id_is_refused_before_any_request(bad: str, fake_hub: FakeHub, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        reader(fake_hub, tmp_path).read(bad)
    assert fake_hub.requests == []


def test_construction_code_is_a_code_link_on_a_line_about_making_the_data() -> None:
    assert construction_code("The scripts used to generate the data: https://github.com/a/gen\n")[:2] == (
        Status.OPEN,
        "https://github.com/a/gen",
    )
    assert construction_code("## Source Data\n\nSee [the crawler](https://github.com/a/crawl).\n")[0] == Status.OPEN
    assert construction_code("Baseline models: https://github.com/a/baselines\n")[0] == Status.UNKNOWN
    assert construction_code("## Source Data\n\nLeaderboard and evaluation code: https://github.com/a/eval\n")[0] == Status.UNKNOWN


CARD = """---
datasets:
- acme/web-corpus
- acme/speech-gated
---
# Model

Fine-tuned on [the web corpus](https://huggingface.co/datasets/acme/web-corpus).
Evaluated on [a benchmark](https://huggingface.co/datasets/acme/benchmark).
Pictures: [card images](https://huggingface.co/datasets/acme/card-images).
"""


def test_the_evidence_reader_reads_each_uncatalogued_dataset_once_and_the_rules_see_entries(fake_hub: FakeHub, tmp_path: Path) -> None:
    add_datasets(fake_hub)
    catalogues = Catalogues.load()
    release = build_release("acme/model", CARD)
    evidence = gather_evidence(release, [DatasetEvidence(reader(fake_hub, tmp_path), catalogues)])
    assert [s.ref for s in evidence.sources] == ["acme/web-corpus", "acme/speech-gated", "acme/card-images"]  # not the benchmark
    assert fake_hub.count("/api/datasets/acme/web-corpus") == 1
    mentions = Facts(release, catalogues, evidence=evidence).datasets
    assert [(m.name, m.entry.availability if m.entry else None) for m in mentions] == [
        ("acme/web-corpus", Status.OPEN),
        ("acme/speech-gated", Status.PARTIAL),
    ]  # the images repository is left out
    web = mentions[0]
    assert web.entry is not None and web.entry.source == "read" and web.entry.verified
    assert web.where.startswith(f"dataset-card:{fake_hub.url}/datasets/acme/web-corpus/resolve/") and "(line 12)" in web.where
    assert "corpus-tools" in web.entry.label


def test_offline_an_uncatalogued_dataset_says_its_card_was_not_read() -> None:
    from openness.readers.base import Evidence

    release = build_release("acme/model", CARD)
    mentions = Facts(release, Catalogues.load(), evidence=Evidence(not_read="offline")).datasets
    assert [(m.name, m.note) for m in mentions][:2] == [
        ("acme/web-corpus", "dataset card not read: offline"),
        ("acme/speech-gated", "dataset card not read: offline"),
    ]


def test_the_reason_nothing_was_read_says_offline_or_that_reading_is_off() -> None:
    from openness.readers import not_read_reason, readers_for
    from openness.settings import AuditSettings

    assert not_read_reason(AuditSettings(offline=True)) == "offline" and readers_for(AuditSettings(offline=True)) == []
    off = AuditSettings(read_links=False)
    assert "--no-read-links" in not_read_reason(off) and readers_for(off) == []
    assert not_read_reason(AuditSettings()) == "" and "hub-datasets" in [r.name for r in readers_for(AuditSettings())]
