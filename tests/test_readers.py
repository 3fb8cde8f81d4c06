"""Readers of linked sources against a loopback arXiv and GitHub (tests/fakelinked.py), end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.engine.facts import Catalogues
from openness.errors import NotFoundError
from openness.models import Status
from openness.readers.arxiv import ArxivOptions, ArxivReader, normalise_id
from openness.readers.fetch import Fetcher, FetchError
from openness.readers.github import GitHubOptions, GitHubReader, judge_tree
from openness.readers.papers import load_paper_rules, read_paper
from openness.readers.store import ReaderStore
from tests.fakelinked import FakeLinked, fake_linked  # noqa: F401 - fixture

TOKEN = "ghp_FakeGitHubTokenDoNotLeak0123456789"


def arxiv(fake: FakeLinked, tmp_path: Path, **kwargs: object) -> ArxivReader:
    options = ArxivOptions(api=f"{fake.url}/api/query", html=f"{fake.url}/html", ar5iv=f"{fake.url}/ar5iv/html", pacing=0.0)
    return ArxivReader(store=ReaderStore(tmp_path / "readers.sqlite"), options=options, **kwargs)  # type: ignore[arg-type]


def github(fake: FakeLinked, tmp_path: Path, token: str | None = None) -> GitHubReader:
    return GitHubReader(store=ReaderStore(tmp_path / "readers.sqlite"), options=GitHubOptions(api=fake.url, token=token))


def test_a_paper_is_read_from_the_api_and_its_html_into_sections(fake_linked: FakeLinked, tmp_path: Path) -> None:
    paper = arxiv(fake_linked, tmp_path).read("2401.00001")
    assert paper.title == "Acme-7B: An Open Language Model, Trained in the Open"
    assert paper.version == "v2" and paper.full_text and paper.url.endswith("/html/2401.00001v2")
    headings = [s.heading for s in paper.sections]
    assert "2 Pre-training Data" in headings and "3 Training" in headings and "References" in headings
    data = next(s for s in paper.sections if s.heading == "2 Pre-training Data")
    assert "| Web | 1.4T | 70% |" in data.text  # tables as pipe rows
    training = next(s for s in paper.sections if s.heading == "3 Training")
    assert "\\beta_{2}=0.95" in training.text and "β" not in training.text  # math as its alt text
    assert "tracking" not in paper.markdown() and "Contents" not in paper.markdown()  # scripts and navigation dropped
    assert paper.code_links == ["https://github.com/acme-ai/acme-train"]
    assert fake_linked.count("/api/query") == 1 and fake_linked.count("/html/") == 1


def test_a_read_paper_comes_from_the_cache_the_next_time(fake_linked: FakeLinked, tmp_path: Path) -> None:
    arxiv(fake_linked, tmp_path).read("2401.00001")
    before = len(fake_linked.requests)
    again = arxiv(fake_linked, tmp_path).read("arXiv:2401.00001".removeprefix("arXiv:"))
    assert again.title.startswith("Acme-7B") and len(fake_linked.requests) == before


def test_without_an_html_rendering_ar5iv_is_read(fake_linked: FakeLinked, tmp_path: Path) -> None:
    fake_linked.html_missing.add("2402.00002")
    paper = arxiv(fake_linked, tmp_path).read("2402.00002")
    assert paper.full_text and "/ar5iv/html/" in paper.url
    assert fake_linked.count("/ar5iv/") == 1


def test_a_missing_paper_is_not_found_and_that_is_cached(fake_linked: FakeLinked, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="9999.99999"):
        arxiv(fake_linked, tmp_path).read("9999.99999")
    before = len(fake_linked.requests)
    with pytest.raises(NotFoundError):
        arxiv(fake_linked, tmp_path).read("9999.99999")
    assert len(fake_linked.requests) == before


@pytest.mark.parametrize("bad", ["../etc/passwd", "2401.1", "http://evil/1234.5678", ""])
def test_what_is_not_an_arxiv_id_is_refused_before_any_request(bad: str, fake_linked: FakeLinked, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        arxiv(fake_linked, tmp_path).read(bad)
    assert fake_linked.requests == []


def test_ids_keep_their_version_and_old_style_ids_are_accepted() -> None:
    assert normalise_id("2401.00001v3") == ("2401.00001", "v3")
    assert normalise_id("hep-th/9901001") == ("hep-th/9901001", None)


def test_requests_to_one_host_are_paced(fake_linked: FakeLinked, tmp_path: Path) -> None:
    waits: list[float] = []
    now = [1000.0]
    fetcher = Fetcher(allowed=(fake_linked.url,), clock=lambda: now[0], sleep=waits.append)
    options = ArxivOptions(api=f"{fake_linked.url}/api/query", html=f"{fake_linked.url}/html", ar5iv=f"{fake_linked.url}/ar5iv/html")
    ArxivReader(fetcher, ReaderStore(None), options).read("2401.00001")
    assert waits == [options.pacing]  # the second request waited for the first's pacing; the clock never moved


def test_redirects_off_the_allow_list_and_oversized_bodies_are_refused(fake_linked: FakeLinked) -> None:
    fetcher = Fetcher(allowed=(f"{fake_linked.url}/redirect", f"{fake_linked.url}/html"))
    with pytest.raises(FetchError, match="allow-list"):
        fetcher.get(f"{fake_linked.url}/redirect?to=http://127.0.0.2:9/")
    assert fetcher.get(f"{fake_linked.url}/redirect?to=/html/2401.00001").status == 200  # within the list: followed
    with pytest.raises(FetchError, match="larger than"):
        Fetcher(allowed=(fake_linked.url,), max_bytes=200).get(f"{fake_linked.url}/html/2401.00001")
    with pytest.raises(FetchError, match="allow-list"):
        fetcher.get("http://example.invalid/html/1")


def test_the_paper_rules_read_data_construction_procedure_and_mixture(fake_linked: FakeLinked, tmp_path: Path) -> None:
    rules, catalogues = load_paper_rules(), Catalogues.load()
    detailed = read_paper(arxiv(fake_linked, tmp_path).read("2401.00001"), rules, catalogues)
    assert detailed.training_detail == Status.OPEN and detailed.data_mixture and detailed.training_code == Status.OPEN
    where = [e.where for e in detailed.evidence["technical_report"]]
    assert any(w.endswith("#2 Pre-training Data") and w.startswith(f"paper:{fake_linked.url}/html/") for w in where), where
    architecture = read_paper(arxiv(fake_linked, tmp_path).read("2402.00002"), rules, catalogues)
    assert architecture.training_detail == Status.PARTIAL and not architecture.data_mixture
    assert architecture.training_code == Status.CLOSED


def test_a_paper_read_without_its_full_text_is_unknown(fake_linked: FakeLinked, tmp_path: Path) -> None:
    fake_linked.html_missing.add("2402.00002")
    reader = arxiv(fake_linked, tmp_path)
    reader.options = ArxivOptions(api=reader.options.api, html=reader.options.html, ar5iv=f"{fake_linked.url}/none", pacing=0.0)
    reader.fetcher.allowed = (*reader.fetcher.allowed, reader.options.ar5iv)
    paper = reader.read("2402.00002")
    assert not paper.full_text
    assert read_paper(paper, load_paper_rules(), Catalogues.load()).training_detail == Status.UNKNOWN


def test_a_repository_with_training_scripts_has_open_training_code(fake_linked: FakeLinked, tmp_path: Path) -> None:
    reading = github(fake_linked, tmp_path).read("acme-ai/acme-train")
    assert reading.training_code == Status.OPEN and "scripts/pretrain.py" in reading.files
    assert reading.license == "Apache-2.0" and reading.data_pipeline == Status.PARTIAL
    demo = github(fake_linked, tmp_path).read("acme-ai/acme-demo")
    assert demo.training_code == Status.PARTIAL and "inference.py" in demo.files


def test_a_missing_repository_is_not_found_and_cached(fake_linked: FakeLinked, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        github(fake_linked, tmp_path).read("acme-ai/nothing-here")
    before = len(fake_linked.requests)
    with pytest.raises(NotFoundError):
        github(fake_linked, tmp_path).read("acme-ai/nothing-here")
    assert len(fake_linked.requests) == before


def test_the_token_is_sent_and_never_shown(fake_linked: FakeLinked, tmp_path: Path) -> None:
    fake_linked.remaining = 1
    reader = github(fake_linked, tmp_path, token=TOKEN)
    with pytest.raises(FetchError) as info:
        reader.read("acme-ai/acme-train")  # the tree request hits the limit
    assert fake_linked.requests[0][1]["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(info.value) and TOKEN not in (tmp_path / "readers.sqlite").read_bytes().decode("latin-1")


def test_a_spent_rate_limit_stops_further_requests(fake_linked: FakeLinked, tmp_path: Path) -> None:
    fake_linked.remaining = 0
    reader = github(fake_linked, tmp_path)
    with pytest.raises(FetchError, match="rate limit reached; resets at"):
        reader.read("acme-ai/acme-train")
    before = len(fake_linked.requests)
    with pytest.raises(FetchError, match="rate limit"):
        reader.read("acme-ai/acme-demo")
    assert len(fake_linked.requests) == before


@pytest.mark.parametrize(
    ("paths", "status"),
    [
        (["egs2/librispeech/asr1/run.sh", "espnet2/asr.py"], Status.OPEN),
        (["run_pretraining.py", "modeling.py"], Status.OPEN),
        (["model.py", "predict.py"], Status.PARTIAL),
        (["README.md", "LICENSE"], Status.CLOSED),
    ],
)
def test_the_tree_decides_training_code(paths: list[str], status: Status) -> None:
    assert judge_tree(paths)[0] == status
