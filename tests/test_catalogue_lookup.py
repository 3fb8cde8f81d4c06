"""How bases and datasets that cards name are found in the curated catalogues: legacy Hub ids,
series globs, dataset configs and names, and entries written from general knowledge."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pytest
from click.testing import CliRunner

from openness.audit import Pipeline
from openness.chain import RegistryResolver
from openness.cli import cli
from openness.datasets import Dataset, DatasetCatalogue, declared_names
from openness.engine.facts import Catalogues, Facts
from openness.engine.rules import RuleSet
from openness.models import Status
from openness.registry.models import CuratedComponent, CuratedRelease, RegistryFamily
from openness.registry.store import Registry
from openness.registry.validate import validate_registry
from openness.release import build_release

COMPONENTS = ("weights", "technical_report", "training_code", "training_data", "data_pipeline")


def _release(
    rid: str, hub_ids: list[str], globs: list[str] | None = None, verified: dt.date | Literal[False] | None = None
) -> CuratedRelease:
    comps = {c: CuratedComponent(status=Status.OPEN if c == "weights" else Status.PARTIAL) for c in COMPONENTS}
    return CuratedRelease(id=rid, name=rid, hub_ids=hub_ids, hub_id_globs=globs or [], level=1, components=comps, verified=verified)


def _registry(*releases: CuratedRelease, verified: dt.date | Literal[False] = dt.date(2025, 1, 1)) -> Registry:
    family = RegistryFamily(family="t", organisation="t", verified=verified, releases=list(releases))
    return Registry([(Path("t.yaml"), family)])


def test_a_legacy_id_finds_its_only_org_entry() -> None:
    bert = _release("google-bert/bert-base-uncased", ["google-bert/bert-base-uncased"])
    reg = _registry(bert, _release("a/twin", ["a/twin"]), _release("b/twin", ["b/twin"]))
    assert reg.find("bert-base-uncased") is bert
    assert reg.find("BERT-base-uncased") is bert
    assert reg.find("twin") is None  # two organisations hold that name: ambiguous, not guessed
    assert reg.find("other/bert-base-uncased") is None  # an org/name id is never matched by its name part


def test_series_globs_and_exact_ids_first() -> None:
    series = _release("openai/whisper", ["openai/whisper-large-v2"], globs=["openai/whisper-*"])
    v3 = _release("openai/whisper-large-v3", ["openai/whisper-large-v3"])
    mt5 = _release("google/mt5", ["google/mt5-small"], globs=["google/mt5-*"])
    reg = _registry(series, v3, mt5)
    assert reg.find("openai/whisper-small") is series
    assert reg.find("OpenAI/Whisper-Tiny.en") is series
    assert reg.find("openai/whisper-large-v3") is v3
    assert reg.find("mt5-base") is mt5  # a legacy name against an org/name glob
    assert reg.find("someone/whisper-small") is None


def test_entries_from_general_knowledge_say_so_in_the_chain() -> None:
    checked = _release("a/checked", ["a/checked"])
    unchecked = _release("a/unchecked", ["a/unchecked"], verified=False)
    reg = _registry(checked, unchecked)
    assert reg.checked_on(checked) == dt.date(2025, 1, 1)
    assert reg.checked_on(unchecked) is None
    in_unchecked_family = _release("x/y", ["x/y"])
    assert _registry(in_unchecked_family, verified=False).checked_on(in_unchecked_family) is None
    resolve = RegistryResolver(reg)
    judge = Pipeline(RuleSet.load(), Catalogues.load()).run
    link_checked, link_unchecked = resolve("a/checked", 1, judge), resolve("a/unchecked", 1, judge)
    assert link_checked is not None and "general knowledge" not in link_checked.note
    assert link_unchecked is not None and "general knowledge" in link_unchecked.note


def test_validate_accepts_unverified_families(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text(
        "family: F\norganisation: O\nverified: false\nreleases:\n"
        "  - id: o/m\n    name: M\n    hub_ids: [o/m, m-legacy]\n    hub_id_globs: ['o/m-*']\n    release_date: 2020-01-01\n"
        "    level: 1\n    license: apache-2.0\n    components:\n"
        + "".join(
            f"      {c}: {{status: {'open' if c == 'weights' else 'partial'}, evidence: ['https://example.org/{c}']}}\n" for c in COMPONENTS
        ),
        encoding="utf-8",
    )
    result = validate_registry(tmp_path)
    assert result.errors == [] and result.releases_checked == 1


def test_a_prose_base_resolves_through_the_registry_chain() -> None:
    """A fine-tune whose base is only linked in prose by its legacy id is judged over that base."""
    base = _release("google-bert/bert-base-uncased", ["google-bert/bert-base-uncased"])
    classifier = Pipeline(RuleSet.load(), Catalogues.load(), RegistryResolver(_registry(base)))
    card = "This model is a fine-tuned version of [bert-base-uncased](https://huggingface.co/bert-base-uncased) on the None dataset.\n"
    report = classifier.run(build_release("me/bert-imdb", card))
    assert [(c.id, c.source) for c in report.chain] == [("google-bert/bert-base-uncased", "registry")]
    assert not report.level_is_upper_bound
    assert report.components["training_data"].base_status == Status.PARTIAL


def _ds(did: str, **kw: object) -> Dataset:
    return Dataset.model_validate({"id": did, "name": did.upper(), "availability": "open", **kw})


@pytest.fixture()
def catalogue() -> DatasetCatalogue:
    return DatasetCatalogue(
        [
            _ds("glue", hub_ids=["glue", "nyu-mll/glue"]),
            _ds("cv", name="Common Voice", hub_ids=["mozilla-foundation/common_voice_11_0"], aliases=["CommonVoice"], verified=True),
            _ds("autotrain", hub_id_globs=["*/autotrain-data-*"], availability="closed"),
            _ds("mnli", name="MultiNLI", hub_ids=["multi_nli", "mnli"]),
            _ds("sst2", hub_ids=["sst2"]),
            _ds("oscar", hub_ids=["oscar"]),
            _ds("wikitext", hub_ids=["wikitext"]),
            _ds("librimix", hub_ids=["libri2mix"], aliases=["Libri2Mix"], configs=["sep_clean"]),
        ]
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("glue", "glue"),
        ("NYU-MLL/GLUE", "glue"),
        ("glue/sst2", "glue"),  # a configuration after a legacy id
        ("glue (en)", "glue"),  # a subset qualifier
        ("nyu-mll/glue/mrpc", "glue"),
        ("mozilla-foundation/common_voice_11_0:es", "cv"),
        ("Common Voice", "cv"),
        ("commonvoice", "cv"),
        ("someone/autotrain-data-reviews", "autotrain"),
        ("someone/glue", None),
        ("imdb", None),
        # A version, task or language beside a catalogued name (corpus: "Common Voice 11.0" 175 cards, "GLUE MRPC" 14).
        ("Common Voice 11.0", "cv"),
        ("GLUE MRPC", "glue"),
        ("mozilla-foundation/common_voice_11_0 it", "cv"),
        ("common_voice - tr", "cv"),  # squashed "commonvoice" is the alias CommonVoice
        ("Vietnamese OSCAR", "oscar"),
        ("SST-2", "sst2"),  # squashed: punctuation and case do not matter
        ("MultiNLI", "mnli"),
        ("wikitext-103-raw-v1", "wikitext"),
        ("oscar-2201", "oscar"),
        ("OpenTable OPENTABLE-ABSA", None),
        ("English", None),
    ],
)
def test_dataset_lookup(catalogue: DatasetCatalogue, name: str, expected: str | None) -> None:
    found = catalogue.lookup(name)
    assert (found.id if found else None) == expected


def test_unverified_dataset_evidence_says_so(catalogue: DatasetCatalogue) -> None:
    glue, cv = catalogue.lookup("glue"), catalogue.lookup("Common Voice")
    assert glue is not None and cv is not None
    assert "general knowledge" in glue.label and cv.label == "Common Voice"


def test_metadata_dataset_with_a_config_counts_as_catalogued() -> None:
    classifier = Pipeline(RuleSet.load(), Catalogues.load())
    card = "---\ndatasets:\n- glue/sst2\n---\nA model.\n"
    verdict = classifier.run(build_release("me/m", card)).components["training_data"]
    assert verdict.evidence and "general knowledge" in verdict.evidence[0].excerpt
    assert verdict.status == Status.OPEN


def test_evidence_names_the_dataset_the_card_named_under_a_broader_entry() -> None:
    """A card's own name goes before a broader entry's label; metadata shows the name in its place already."""
    classifier = Pipeline(RuleSet.load(), Catalogues.load())
    card = "# Flowers\n\n## Dataset\nThe [Flower Dataset](https://www.tensorflow.org/datasets/catalog/tf_flowers) of images.\n"
    text = classifier.run(build_release("me/flowers", card)).components["training_data"].evidence[0].excerpt
    assert text.startswith("tf_flowers: ") and "TensorFlow Datasets" in text
    meta = classifier.run(build_release("me/m", "---\ndatasets:\n- glue/sst2\n---\nA model.\n")).components["training_data"]
    assert meta.evidence[0].excerpt.startswith("GLUE")


def test_text_report_says_a_base_entry_was_not_checked(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("This model is a fine-tuned version of [bert-base-uncased](https://huggingface.co/bert-base-uncased) on imdb.\n")
    result = CliRunner().invoke(cli, ["audit", str(card), "--offline", "--cache", str(tmp_path / "c.sqlite")])
    assert result.exit_code == 0, result.stderr
    # the chain is one paragraph, wrapped to the width: read it as one line
    line = " ".join(result.stdout.split("derived from", 1)[1].split("licence:", 1)[0].split())
    assert "google-bert/bert-base-uncased (registry, L3; " in line and "general knowledge" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This model is finetuned on MNLI dataset with a second-order optimizer.", [("mnli", "MNLI")]),
        ("A fine-tuned version of [x/y](https://huggingface.co/x/y) on the GLUE MRPC dataset.", [("glue", "GLUE MRPC")]),
        ("fine-tuned on the te_dx_jp dataset.", [(None, "te_dx_jp")]),  # unknown, but a data word says it is data
        ("trained on Libri2Mix and Common Voice.", [("librimix", "Libri2Mix"), ("cv", "Common Voice")]),
        ("trained on SST-2, and then distilled.", [("sst2", "SST-2")]),
        ("Trained on 8 GPUs for two days; trained on English data.", []),
        ("trained on Foo and evaluated on bar.", []),  # an unknown name with no data word names nothing
        ("fine-tuned on the None dataset.", []),
        # runs of spaces, and a second name after the data word: "fine-tuned on  JW300 corpus and Menyo-20k"
        ("fine-tuned on  Libri2Mix corpus and SST-2.", [("librimix", "Libri2Mix"), ("sst2", "SST-2")]),
        ("For the fine-tuning, we used the ARZTB dataset.", [(None, "ARZTB")]),
        ("For training, we used a single GPU.", []),
    ],
)
def test_datasets_named_in_a_training_sentence(catalogue: DatasetCatalogue, text: str, expected: list[tuple[str | None, str]]) -> None:
    assert [(d.id if d else None, name) for d, name, _at in catalogue.named_in_prose(text)] == expected


def test_a_task_config_beside_its_dataset_adds_no_dataset() -> None:
    card = "---\ndatasets:\n- Libri2Mix\n- sep_clean\n---\n# ConvTasNet\nSeparation model.\n"
    facts = Facts(build_release("me/convtasnet", card), Catalogues.load())
    assert [m.name for m in facts.datasets] == ["Libri2Mix"]


def test_a_data_section_link_names_the_data_and_a_paper_link_does_not() -> None:
    flowers = "# BiT\n## Dataset\nThe [Flower Dataset](https://www.tensorflow.org/datasets/catalog/tf_flowers) has 3,670 images.\n"
    facts = Facts(build_release("me/bit", flowers), Catalogues.load())
    assert [(m.name, m.entry.id if m.entry else None) for m in facts.datasets] == [("tf_flowers", "tfds-catalogue")]
    paper = "# Reader\n## Training data\nSee [the accompanying paper](https://arxiv.org/abs/2101.00001).\n"
    assert Facts(build_release("me/reader", paper), Catalogues.load()).datasets == []


def test_data_named_after_the_model_is_not_a_named_dataset() -> None:
    card = "# Phi-9-mini\nThe model is trained with the Phi-9 datasets, synthetic and filtered web data.\n"
    assert Facts(build_release("acme/Phi-9-mini", card), Catalogues.load()).datasets == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("JW300 + [Menyo-20k](https://huggingface.co/datasets/menyo20k_mt)", ["JW300", "menyo20k_mt"]),
        (["common_voice, infore_25h", "common_voice"], ["common_voice", "infore_25h"]),
        ("[IGBO NLP Corpus](https://github.com/IgnatiusEzeani/IGBONLP)", ["IGBO NLP Corpus"]),
        # a list inside brackets qualifies one name
        ("stackexchange(pets, cooking, gardening)", ["stackexchange(pets, cooking, gardening)"]),
        (None, []),
    ],
)
def test_one_metadata_entry_may_declare_several_datasets(value: object, expected: list[str]) -> None:
    assert declared_names(value) == expected


def test_links_and_training_sentences_together_name_the_data() -> None:
    """A card with no metadata that links one dataset and names another in its training sentence names both."""
    card = "# MT\nThis model was fine-tuned on JW300 corpus and [Menyo-20k](https://huggingface.co/datasets/menyo20k_mt).\n"
    facts = Facts(build_release("me/mt", card), Catalogues.load())
    assert sorted(m.entry.id for m in facts.datasets if m.entry) == ["jw300", "menyo20k"]


def test_members_of_a_collection_are_datasets_of_their_own() -> None:
    """ConvLab/tm1 and ConvLab/tm2 are two datasets under one entry; two names of one dataset stay one."""
    both = "---\ndatasets:\n- ConvLab/tm1\n- ConvLab/tm2\n- ConvLab/tm2\n---\n# DST\nA dialogue state tracker.\n"
    assert [m.name for m in Facts(build_release("me/dst", both), Catalogues.load()).datasets] == ["ConvLab/tm1", "ConvLab/tm2"]
    same = "---\ndatasets:\n- librispeech_asr\n- LibriSpeech 960h\n---\n# ASR\nA recogniser.\n"
    assert len(Facts(build_release("me/asr", same), Catalogues.load()).datasets) == 1


def test_a_dataset_the_card_says_was_left_out_is_no_training_data() -> None:
    gpt2 = (
        "# GPT-2\n## Training data\nNote that all Wikipedia pages were removed from this dataset, so the model was not trained "
        "on any part of Wikipedia. The resulting dataset (called WebText) has not been publicly released.\n"
    )
    assert [m.entry.id for m in Facts(build_release("me/gpt", gpt2), Catalogues.load()).datasets if m.entry] == ["webtext"]
    kept = "# LM\n## Training data\nThe model was trained on English Wikipedia (pages were deduplicated).\n"
    assert [m.entry.id for m in Facts(build_release("me/lm", kept), Catalogues.load()).datasets if m.entry] == ["wikipedia-dumps"]


def test_a_collection_found_by_glob_or_bare_ids_keeps_its_members_apart() -> None:
    """huggingnft/<collection> sets match one glob entry; MAXIM's bare benchmark ids (``gopro``, ``lol``) one listed entry."""
    nft = "---\ndatasets:\n- huggingnft/azuki\n- huggingnft/cyberkongz\n---\n# Hugging NFT\nA GAN.\n"
    found = Facts(build_release("me/nft", nft), Catalogues.load()).datasets
    assert [(m.name, m.entry.id if m.entry else None) for m in found] == [
        ("huggingnft/azuki", "huggingnft-collections"),
        ("huggingnft/cyberkongz", "huggingnft-collections"),
    ]
    restore = "---\ndatasets:\n- gopro\n- lol\n---\n# MAXIM\nAn image restoration model.\n"
    found = Facts(build_release("me/maxim", restore), Catalogues.load()).datasets
    assert [m.entry.id if m.entry else None for m in found] == ["image-restoration-benchmarks"] * 2
