"""`openness population`: what a corpus of cards references, and the catalogues' coverage of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.audit import Auditor, AuditSettings
from openness.cli import cli
from openness.code_repos import CodeCatalogue
from openness.datasets import Dataset, DatasetCatalogue
from openness.errors import InputError
from openness.models import Link, Status
from openness.papers import Paper, PaperCatalogue, canonical_paper_url, validate_papers
from openness.population import Coverage, card_references, model_id_from_filename, read_corpus, survey
from openness.registry.store import Registry
from openness.release import build_release
from tests.conftest import shared_path

FINETUNE = """---
license: apache-2.0
datasets: [imdb]
tags: [arxiv:1810.04805]
---
# acme/bert-imdb
This model is a fine-tuned version of [bert-base-uncased](https://huggingface.co/bert-base-uncased) on the imdb dataset.
See [BERT](https://arxiv.org/abs/1810.04805v2) and the code at https://github.com/acme/train-scripts.
"""

REPORT = """---
license: mit
datasets: [EleutherAI/pile]
---
# acme/tiny-lm
Trained on [the Pile](https://huggingface.co/datasets/EleutherAI/pile), described in https://arxiv.org/abs/2101.00027.

```bibtex
@article{tiny,
  title = {{Tiny} Models: A Study},
  eprint = {2999.00001},
}
```
"""

OTHER = """# acme/other
Read the paper: https://arxiv.org/abs/2999.00001 and https://aclanthology.org/2020.acl-main.1.pdf
"""

CARDS = {"acme__bert-imdb.md": FINETUNE, "acme__tiny-lm.md": REPORT, "acme__other.md": OTHER}


def small_coverage() -> Coverage:
    papers = PaperCatalogue(
        [
            Paper(id="2101.00027", title="The Pile: An 800GB Dataset of Diverse Text for Language Modeling", kind="dataset"),
            Paper(id="2999.00001", title="Tiny Models: A Study", kind="model-report", training_detail=Status.OPEN, covers=["acme/tiny-*"]),
        ]
    )
    datasets = DatasetCatalogue([Dataset(id="the-pile", name="The Pile", hub_ids=["EleutherAI/pile"], availability=Status.OPEN)])
    return Coverage(papers, datasets, Registry())


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    d = tmp_path / "cards"
    d.mkdir()
    for name, text in CARDS.items():
        (d / name).write_text(text)
    (d / "binary.md").write_bytes(b"\x00\x01 not a card")
    return d


def test_card_references_reads_metadata_links_prose_and_bibtex() -> None:
    refs = card_references("acme/bert-imdb", FINETUNE)
    assert refs.arxiv == {"1810.04805"}  # the tag and the versioned link are one paper
    assert refs.base_model == {"bert-base-uncased"}  # a legacy id without an organisation, from the Trainer phrase
    assert refs.dataset == {"imdb"}  # metadata and "on the imdb dataset" are one dataset
    assert refs.code == {"acme/train-scripts"}
    report = card_references("acme/tiny-lm", REPORT, small_coverage().datasets)
    assert report.dataset == {"the-pile"}  # the metadata id, the Hub link and the name: one catalogue entry
    assert report.paper_title == {"tiny models a study"}
    assert report.arxiv == {"2101.00027", "2999.00001"}


def test_survey_weights_coverage_by_citations(corpus_dir: Path) -> None:
    small = small_coverage()
    pop = survey(read_corpus(corpus_dir), small)
    assert pop.cards == 3  # the binary file is skipped, not fatal
    arxiv = pop.rankings["arxiv"]
    assert arxiv.counts == {"1810.04805": 1, "2101.00027": 1, "2999.00001": 2}
    assert arxiv.covered == {"2101.00027", "2999.00001"}
    assert arxiv.coverage == pytest.approx(3 / 4)
    assert arxiv.head(2) == (1, pytest.approx(2 / 4))
    assert arxiv.top(1, missing_only=True) == [("1810.04805", 1, False)]
    assert pop.rankings["paper_title"].coverage == 1.0  # the BibTeX title matches the catalogue's, braces and case aside
    assert pop.rankings["paper_link"].counts == {"https://aclanthology.org/2020.acl-main.1": 1}  # its PDF, counted as the paper
    assert pop.rankings["dataset"].coverage == pytest.approx(1 / 2)
    assert pop.rankings["base_model"].covered == set()
    assert not pop.rankings["code"].catalogued  # no code catalogue given: not measured
    with_code = survey(read_corpus(corpus_dir), Coverage(small.papers, small.datasets, small.registry, CodeCatalogue([])))
    assert with_code.rankings["code"].catalogued and with_code.rankings["code"].coverage == 0.0


def test_parquet_dump_reads_like_the_folder(corpus_dir: Path, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow (the 'sweep' extra) reads Parquet card dumps")
    import pyarrow.parquet as pq

    ids = [model_id_from_filename(n) for n in CARDS]
    table = pa.table({"modelId": ids, "author": ["acme"] * 3, "card": list(CARDS.values()), "downloads": [None] * 3})
    path = tmp_path / "cards.parquet"
    pq.write_table(table, path, compression="zstd")
    from_parquet = survey(read_corpus(path), small_coverage())
    from_folder = survey(read_corpus(corpus_dir), small_coverage())
    assert from_parquet.cards == from_folder.cards == 3
    for kind, ranking in from_parquet.rankings.items():
        assert ranking.counts == from_folder.rankings[kind].counts, kind
        assert ranking.covered == from_folder.rankings[kind].covered, kind


def test_corpus_errors_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        list(read_corpus(tmp_path / "absent.parquet"))
    (tmp_path / "cards.txt").write_text("x")
    with pytest.raises(InputError, match="folder of .md cards or a .parquet"):
        list(read_corpus(tmp_path / "cards.txt"))
    pytest.importorskip("pyarrow", reason="pyarrow (the 'sweep' extra) reads Parquet card dumps")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        list(read_corpus(tmp_path / "bad.parquet"))


def test_model_ids_from_both_file_layouts() -> None:
    assert model_id_from_filename("EleutherAI__pythia-6.9b.md") == "EleutherAI/pythia-6.9b"
    assert model_id_from_filename("Helsinki-NLP_opus-mt-en-de_README.md") == "Helsinki-NLP/opus-mt-en-de"


def test_cli_text_json_and_errors(corpus_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["population", str(corpus_dir), "--format", "json", "--top", "2"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["cards"] == 3
    assert doc["kinds"]["arxiv"]["citations"] == 4
    assert [row["item"] for row in doc["kinds"]["arxiv"]["top"]] == ["2999.00001", "1810.04805"]
    assert doc["kinds"]["code"]["catalogue"] == "registry/code"
    first = runner.invoke(cli, ["population", str(corpus_dir), "--format", "json", "--limit", "1"])
    assert json.loads(first.stdout)["cards"] == 1
    text = runner.invoke(cli, ["population", str(corpus_dir), "--missing"])
    assert text.exit_code == 0
    # bert-base-uncased is catalogued (registry/releases, through its legacy id): never listed as missing
    assert "uncatalogued code repositories" in text.stdout
    assert "bert-base-uncased" not in text.stdout.partition("uncatalogued base models")[2]
    bad = runner.invoke(cli, ["population", str(tmp_path / "nowhere")])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("openness: error: corpus not found") and "Traceback" not in bad.stderr


def test_unverified_entries_say_so_in_their_evidence() -> None:
    paper = Paper(id="2999.00001", title="Tiny Models", kind="model-report", training_detail=Status.OPEN, note="data and procedure")
    assert paper.evidence() == "catalogued from general knowledge, not verified: Tiny Models: data and procedure"
    assert paper.model_copy(update={"verified": True}).evidence() == "Tiny Models: data and procedure"
    assert paper.source_url == "https://arxiv.org/abs/2999.00001"


def test_a_paper_gives_the_mixture_only_of_the_releases_it_covers() -> None:
    paper = Paper(id="1", title="T", kind="model-report", training_detail=Status.OPEN, data_mixture=True, covers=["acme/tiny-*"])
    assert paper.mixture_for("acme/tiny-1b") and not paper.mixture_for("someone/tiny-1b-finetuned")
    assert paper.detail_for("someone/tiny-1b-finetuned") == Status.PARTIAL


def test_a_catalogued_paper_is_found_at_any_of_its_addresses() -> None:
    """The ACL Anthology page, its PDF, the older aclweb.org address and the ACL DOI are one paper."""
    paper = Paper(
        id="acl-x",
        title="X",
        kind="method",
        source="https://aclanthology.org/2021.acl-long.68",
        urls=["https://aclanthology.org/2021.acl-long.68"],
    )
    catalogue = PaperCatalogue([paper])
    for url in (
        "https://aclanthology.org/2021.acl-long.68.pdf",
        "https://www.aclweb.org/anthology/2021.acl-long.68/",
        "https://doi.org/10.18653/v1/2021.acl-long.68",
    ):
        assert catalogue.for_link(Link(kind="paper", url=url, target=url)) is paper, url
    other = "https://aclanthology.org/2021.acl-long.69"
    assert catalogue.for_link(Link(kind="paper", url=other, target=other)) is None
    assert canonical_paper_url("https://openreview.net/pdf?id=AbC") == "https://openreview.net/forum?id=abc"
    assert canonical_paper_url("http://dx.doi.org/10.21437/Interspeech.2018-1456") == "https://doi.org/10.21437/interspeech.2018-1456"


def test_bundled_paper_catalogue_is_consistent_and_validation_finds_problems() -> None:
    assert validate_papers(PaperCatalogue.load().papers) == []
    bad = [
        Paper(id="slug", title="No URL", kind="method"),
        Paper(id="2999.00002", title="Method", kind="method", covers=["x/*"]),
        Paper(id="2999.00003", title="Report", kind="model-report", aliases=["slug"]),
    ]
    problems = validate_papers(bad)
    assert any(p.startswith("slug: no public source URL") for p in problems)
    assert any(p.startswith("2999.00002: covers") for p in problems)
    assert any(p.startswith("2999.00003: a model report needs training_detail") for p in problems)
    assert any("'slug' already belongs to slug" in p for p in problems)


@pytest.mark.shared
def test_real_corpus_coverage_of_arxiv_citations() -> None:
    pytest.importorskip("pyarrow", reason="pyarrow (the 'sweep' extra) reads Parquet card dumps")
    pop = survey(read_corpus(shared_path("corpus", "model_cards.parquet")), Coverage.load())
    assert pop.cards > 20_000
    arxiv = pop.rankings["arxiv"]
    assert arxiv.citations > 2_000
    assert arxiv.coverage >= 0.85  # issue 15's target for registry/papers


def test_registry_validate_checks_the_bundled_paper_catalogue() -> None:
    result = CliRunner().invoke(cli, ["registry", "validate"])
    assert result.exit_code == 0, result.stderr
    papers = PaperCatalogue.load().papers
    assert (
        f"{len(papers)} paper(s) checked ({sum(not p.verified for p in papers)} not verified against the source): 0 error(s)"
        in result.stderr
    )


BIBTEX_ONLY = """---
license: apache-2.0
---
# roberta-base-bne

If you use this model, please cite our paper:

```
@article{gutierrezfandino2022,
   author = {Gutiérrez-Fandiño, Asier and others},
   title = {MarIA: Spanish Language Models},
   journal = {Procesamiento del Lenguaje Natural},
}
```
"""


def test_a_paper_cited_only_by_its_bibtex_title_is_the_catalogued_paper() -> None:
    """12 corpus cards cite MarIA by BibTeX title and a journal page: the title alone identifies it."""
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    verdict = auditor.audit_release(build_release("PlanTL-GOB-ES/roberta-base-bne", BIBTEX_ONLY)).components["technical_report"]
    assert verdict.status == Status.OPEN and verdict.evidence[0].rule == "OPN-REPORT-PAPER-DETAILED"
    assert verdict.evidence[0].where.endswith("(BibTeX title)")
    unknown_title = BIBTEX_ONLY.replace("MarIA: Spanish Language Models", "A Paper Nobody Catalogued")
    other = auditor.audit_release(build_release("PlanTL-GOB-ES/roberta-base-bne", unknown_title)).components["technical_report"]
    assert other.evidence[0].rule != "OPN-REPORT-PAPER-DETAILED"
