"""Card parsing: front matter, sections, links, inferred base models."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from openness.card import (
    _ARXIV_TEXT,
    _BLOCK_LINE,
    URL_PATTERN,
    Lines,
    _arxiv_and_url_spans,
    _block_line_starts,
    classify_url,
    parse_card,
    split_front_matter,
    split_sections,
    strip_control,
)
from openness.engine.scan.textsearch import required_literals
from openness.registry.store import bundled_registry
from openness.release import _BASE_TRIGGER, _BASE_TRIGGER_WORDS, _may_name_base, build_release, infer_base_models


def test_front_matter_and_body_line() -> None:
    meta, body, line, warnings = split_front_matter("---\nlicense: mit\ntags: [a]\n---\n# Title\ntext\n")
    assert meta == {"license": "mit", "tags": ["a"]}
    assert body.startswith("# Title") and line == 5 and warnings == []


def test_malformed_yaml_is_a_warning_not_an_error() -> None:
    meta, body, _, warnings = split_front_matter("---\nlicense: [unclosed\n---\nbody\n")
    assert meta == {} and body == "body\n"
    assert len(warnings) == 1 and "malformed YAML front matter" in warnings[0]


def test_front_matter_that_is_not_a_mapping() -> None:
    meta, _, _, warnings = split_front_matter("---\n- a\n- b\n---\nbody\n")
    assert meta == {} and "not a mapping" in warnings[0]


def test_yaml_tags_that_construct_objects_are_refused() -> None:
    meta, _, _, warnings = split_front_matter("---\nx: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert meta == {} and warnings


def test_sections_ignore_headings_in_code_fences() -> None:
    card = parse_card("# A\none\n```\n# not a heading\n```\n## B\ntwo\n<h3>C</h3>\nthree\n")
    assert [(s.heading, s.level, s.start_line) for s in card.sections] == [("A", 1, 1), ("B", 2, 6), ("C", 3, 8)]


def test_a_fence_on_the_first_line_counts_whatever_blank_precedes_it() -> None:
    """White space before a fence is any str white space, also the separators \\x1c-\\x1f (which
    :func:`parse_card` strips, but :func:`split_sections` may be given)."""
    for blank in (" ", "\t", "\x1d"):
        sections = split_sections(f"{blank}```\n# not a heading\n```\n# A\ntext\n")
        assert [s.heading for s in sections if s.heading] == ["A"], repr(blank)


def test_every_fence_and_heading_line_is_a_candidate() -> None:
    """The candidate lines hold every line the block-line pattern matches, in order."""
    rng = random.Random(4)
    pieces = ["\n", " ", "\t", "\u00a0", "\u3000", "#", "# T", "```", "~~~", "<h2>H</h2>", "<H3>H</H3>", "<hr>", "x", "`", "\x1c"]
    for _ in range(3000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        starts = _block_line_starts(body)
        line_starts = [0, *(i + 1 for i, ch in enumerate(body) if ch == "\n")]
        assert starts == sorted(set(starts)) and set(starts) <= set(line_starts), repr(body)
        assert {p for p in line_starts if _BLOCK_LINE.match(body, p)} <= set(starts), repr(body)


def test_links_are_classified() -> None:
    text = (
        "Paper: https://arxiv.org/abs/2402.00838 and arXiv:2101.00027\n"
        "Code: https://github.com/allenai/OLMo.git\n"
        "Data: https://huggingface.co/datasets/allenai/dolma\n"
        "Base: https://huggingface.co/mistralai/Mistral-7B-v0.1\n"
        "Slides: https://openreview.net/forum?id=abc\n"
        "@misc{x, eprint={2312.06550}, archivePrefix={arXiv}}\n"
    )
    links = {(link.kind, link.target) for link in parse_card(text).links}
    assert ("arxiv", "2402.00838") in links and ("arxiv", "2101.00027") in links and ("arxiv", "2312.06550") in links
    assert ("code", "allenai/OLMo") in links
    assert ("dataset", "allenai/dolma") in links
    assert ("model", "mistralai/Mistral-7B-v0.1") in links
    assert ("paper", "https://openreview.net/forum?id=abc") in links


@pytest.mark.parametrize(
    "written",
    [
        "https://arxiv.org/abs/2104.02321",
        "http://arxiv.org/abs/2104.02321v2",
        "https://arxiv.org/pdf/2104.02321.pdf",
        "https://arxiv.org/pdf/2104.02321v3.pdf",
        "https://export.arxiv.org/abs/2104.02321",
        "https://huggingface.co/papers/2104.02321",
        "https://doi.org/10.48550/arXiv.2104.02321",
        "arXiv:2104.02321",
        "arXiv preprint arXiv:2104.02321v1",
        "doi = {10.48550/ARXIV.2104.02321},",
    ],
)
def test_an_arxiv_paper_is_recognised_however_it_is_written(written: str) -> None:
    assert ("arxiv", "2104.02321") in {(link.kind, link.target) for link in parse_card(f"See {written}\n").links}


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://doi.org/10.5281/zenodo.6222936", "other"),  # a software or data archive
        ("https://www.semanticscholar.org/author/Wietse-de-Vries/144611157", "other"),
        ("https://catalog.ldc.upenn.edu/license/ldc-non-members-agreement.pdf", "other"),
        ("https://doi.org/10.21437/Interspeech.2018-1456", "paper"),
        ("https://aclanthology.org/2021.acl-long.68.pdf", "paper"),
        ("https://openreview.net/pdf?id=tsVj5DmuSd", "paper"),
    ],
)
def test_links_on_paper_hosts_that_are_no_papers(url: str, kind: str) -> None:
    assert [link.kind for link in parse_card(f"[x]({url})\n").links] == [kind]


def test_release_collects_tags_datasets_bases_and_gating() -> None:
    card = "---\nlicense: llama3\ndatasets: [a/b]\nbase_model: meta-llama/Meta-Llama-3-8B\nextra_gated_prompt: accept\n---\nbody\n"
    r = build_release("org/name", card, api_tags=["arxiv:2407.21783", "license:llama3"])
    assert r.datasets == ["a/b"]
    assert r.base_models == ["meta-llama/Meta-Llama-3-8B"]
    assert r.gated == "manual"
    assert r.license_fields == {"license": "llama3"}
    assert any(link.kind == "arxiv" and link.target == "2407.21783" for link in r.links)


def test_base_model_inferred_only_from_derivation_phrases() -> None:
    body = (
        "MistralLite is a fine-tuned [Mistral-7B-v0.1](https://huggingface.co/mistralai/Mistral-7B-v0.1) model.\n"
        "This card is based on the [DALL-E Mini model card](https://huggingface.co/dalle-mini/dalle-mini).\n"
        "Compare with [other](https://huggingface.co/x/y) models.\n"
        "- **Parent Models:** [a/b](https://huggingface.co/a/b) and [c/d](https://huggingface.co/c/d)\n"
    )
    found = infer_base_models(body, 1, "amazon/MistralLite")
    assert found == [("mistralai/Mistral-7B-v0.1", 1), ("a/b", 4), ("c/d", 4)]
    # The phrase must be on the link's line, wherever that line is among the card's link lines.
    body = (
        "See [ours](https://huggingface.co/o/p) \u2014 caf\u00e9 \U0001f600.\n"
        "It was fine-tuned from\n[z/w](https://huggingface.co/z/w)\n"
        "\u4e2d\u6587 This model is a fine-tune of [e/f](https://huggingface.co/e/f).\n"
    )
    assert infer_base_models(body, 10, "o/p") == [("e/f", 13)]


def test_lines_without_a_derivation_word_are_not_searched_and_lose_nothing() -> None:
    """Every match of the derivation pattern holds one of the words the line is checked for first."""
    literals = required_literals(_BASE_TRIGGER.pattern)
    assert literals is not None
    assert {x.decode() for x in literals} <= set(_BASE_TRIGGER_WORDS)
    assert not _may_name_base("See [ours](https://huggingface.co/o/p) for the demo.")
    assert _may_name_base("Fine-tuned from [x](https://huggingface.co/x), BASED ON it.")
    assert _may_name_base("It was ba\u017fed on [x](https://huggingface.co/x)")  # re.I folds the long s; str.lower() does not
    assert _BASE_TRIGGER.search("It was ba\u017fed on [x](https://huggingface.co/x)")


def test_a_catalogued_name_after_a_phrase_is_tried_only_where_the_phrase_starts() -> None:
    """Every match of the named-release pattern starts with one of the words tried; the result is
    the pattern's own search, whatever the case or the characters (the long s folds under re.I)."""
    from openness.engine.scan.textsearch import start_literals
    from openness.release import _NAMED_PHRASE_STARTS, _first_named_phrase, _named_base_pattern

    starts = start_literals(_named_base_pattern().pattern)
    assert starts is not None and all(x.decode().startswith(_NAMED_PHRASE_STARTS) for x in starts)
    for body in [
        "This is a fine-tuned BioBERT model for NER.",
        "We fine-tuned\nBased on a fine-tuned XLM-RoBERTa large model, trained on x.",
        "Ba\u017fed on a fine-tuned XLM-RoBERTa large model.",  # the long s: the whole search
        "\u00c9t\u00e9: A FINE-TUNED BioBERT model; based on the RoBERTa base architecture",
        "no phrase at all",
    ]:
        found = _first_named_phrase(body, body.lower())
        want = _named_base_pattern().search(body)
        assert (found.span(), found.groups()) == (want.span(), want.groups()) if want else found is None, body


def test_inferred_base_is_reported_as_a_warning() -> None:
    r = build_release("amazon/MistralLite", "- **Finetuned from weights:** [M](https://huggingface.co/mistralai/Mistral-7B-v0.1)\n")
    assert r.base_models == ["mistralai/Mistral-7B-v0.1"]
    assert any("inferred from the card text" in w for w in r.warnings)


def test_control_characters_are_removed_from_card_text() -> None:
    r = build_release("x/y", "hello\x1b[31m red\x07\n")
    assert "\x1b" not in r.card_text and "\x07" not in r.card_text


@pytest.mark.parametrize(
    "text, clean",
    [
        ("plain text\twith tab\r\nand newline", "plain text\twith tab\r\nand newline"),  # kept as is
        ("nul\x00 here, DEL\x7f there", "nul here, DEL there"),
        ("wide \u2014 \U0001f600 text\x00\x1f end", "wide \u2014 \U0001f600 text end"),  # UCS-4 string
        ("\u0100\x01\u0101", "\u0100\u0101"),  # UCS-2: a control byte equal to a low byte of a wide char
        ("dash \u2014 and DEL-like stand-in only", "dash \u2014 and DEL-like stand-in only"),  # view byte 0x7f, no DEL
    ],
)
def test_strip_control(text: str, clean: str) -> None:
    assert strip_control(text) == clean
    assert (strip_control(text) is text) == (clean == text)
    assert parse_card(text).body == clean.replace("\r\n", "\n")


def test_line_numbers_counted_from_section_starts_are_the_card_lines() -> None:
    body = "intro\n\n# A\none\n```\n# not a heading\n```\n## B\n<h3>C</h3> tail\nthree\n#### D"
    expected = {pos: 5 + body.count("\n", 0, pos) for pos in range(len(body))}
    for order in (sorted(expected), sorted(expected, reverse=True), random.Random(3).sample(sorted(expected), len(expected))):
        lines = Lines(body, 5, split_sections(body, 5))  # asked in order, backwards, at random
        assert {pos: lines(pos) for pos in order} == expected


def test_sections_know_where_their_text_is() -> None:
    card = parse_card("intro\n# A\none\ntwo\n\n## B\n\n# C\nlast line\n")
    for s in card.sections:
        assert s.offset is not None and card.body[s.offset : s.offset + len(s.text)] == s.text
    assert [(s.heading, s.start_line, s.text) for s in card.sections] == [
        ("", 1, "intro"),
        ("A", 2, "one\ntwo\n"),
        ("B", 6, ""),
        ("C", 8, "last line"),
    ]


def test_markdown_escapes_in_urls_are_undone() -> None:
    links = parse_card("[https://github.com/org/repo/blob/main/models/llama3\\_3/LICENSE](x)\n").links
    assert links[0].url == "https://github.com/org/repo/blob/main/models/llama3_3/LICENSE"


def test_atx_heading_titles_follow_the_closing_hash_rule() -> None:
    """Titles as CommonMark-style '#{1,6}[ \\t]+(.+?)[ \\t#]*$' gives them, on every short line shape."""
    rule = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$")
    for n in range(5):
        for rest in map("".join, itertools.product([" ", "\t", "#", "a", "*"], repeat=n)):
            line = "## " + rest
            m = rule.match(line)
            sections = split_sections(f"intro\n{line}\nbody\n")
            if m is None:
                assert [s.heading for s in sections] == [""], repr(line)
            else:
                assert sections[-1].heading == m.group(1).strip().strip("*_ "), repr(line)


def test_urls_and_arxiv_ids_are_found_on_the_lowered_text_as_on_the_text() -> None:
    """Searched in the lower-cased text (or, where lower-casing moves offsets, case-insensitively in the
    text), URLs have the spans of the case-insensitive pattern on the text, and every arXiv id written
    as text starts at a candidate."""
    rng = random.Random(9)
    pieces = ["http", "HTTPS", "://", "x.org/a", "\u00a0", "\u2003", " ", "\n", "\u017f", "\u00e9", ")", "<", "'", "_"]
    pieces += ["arXiv:", "ARX\u0131V ", "ePrint = {", "10.48550/", "2101.00027", "}", "\u0130", "\u212a"]
    on_text = re.compile(URL_PATTERN, re.I)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        arxiv_starts, urls = _arxiv_and_url_spans(text)
        assert urls == [m.span() for m in on_text.finditer(text)], repr(text)
        assert {m.start() for m in _ARXIV_TEXT.finditer(text)} <= set(arxiv_starts), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        "---\r\nlicense: mit\r\ntags:\r\n- a\r\n---\r\n# Title\r\n",
        "---\r\r\nlicense: mit\r\r\ntags:\r\r\n- a\r\r\n---\r\r\n# Title\r\r\n",
        "---\rlicense: mit\rtags:\r- a\r---\r# Title\r",
        "\ufeff---  \nlicense: mit\ntags:\n- a\n---   \n# Title\n",
        "\ufeff---\r\nlicense: mit\r\ntags: [a]\r\n--- \t\r\n# Title\r\n",
        "\n  \n---\nlicense: mit\ntags: [a]\n---\n# Title\n",
    ],
    ids=["crlf", "crcrlf", "cr", "bom-trailing-spaces", "bom-crlf", "leading-blank-lines"],
)
def test_front_matter_survives_line_ends_bom_and_trailing_spaces(text: str) -> None:
    card = parse_card(text)
    assert card.metadata == {"license": "mit", "tags": ["a"]}
    assert card.body == "# Title\n"
    assert [s.heading for s in card.sections if s.level == 1] == ["Title"]
    assert split_front_matter(text)[0] == card.metadata


def test_base_linked_by_a_legacy_hub_id_is_inferred() -> None:
    """The Trainer template links bases without an organisation: huggingface.co/bert-base-uncased."""
    body = "This model is a fine-tuned version of [bert-base-uncased](https://huggingface.co/bert-base-uncased) on the imdb dataset.\n"
    assert infer_base_models(body, 5, "me/imdb-bert") == [("bert-base-uncased", 5)]
    # An organisation page or a docs page after the phrase is not a model.
    body = "It is based on [the docs](https://huggingface.co/docs/transformers) and [models](https://huggingface.co/models).\n"
    assert infer_base_models(body, 1, "me/x") == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The model is based on t5-small and was trained for 3 epochs.", [("t5-small", 1)]),
        ("# Adapter `AdapterHub/roberta-base-pf-ud_deprel` for roberta-base\n", [("roberta-base", 1)]),
        ("An [adapter](https://adapterhub.ml) for the `bert-base-uncased` model.", [("bert-base-uncased", 1)]),
        ("intro\n\nIt is based on a fine-tuned  mT5-base  model.", [("mT5-base", 3)]),
        ("This is a fine-tuned version of google/vit-base-patch16-224 on beans.", [("google/vit-base-patch16-224", 1)]),
        ("The encoder is based on the Transformer architecture.", []),
        ("Our model is based on BERT.", []),
        ("Training is based on fine-tuned heuristics.", []),
    ],
)
def test_base_written_as_a_plain_id(body: str, expected: list[tuple[str, int]]) -> None:
    assert infer_base_models(body, 1, "me/model") == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("- **Finetuned from model [optional]:** bert-base-multilingual-uncased\n", [("bert-base-multilingual-uncased", 1)]),
        ("intro\n  - **Parent Model:**RoBERTA Large\n", [("FacebookAI/roberta-large", 2)]),  # a catalogued name: its registry id
        ("Base model: gpt-2 large\nEpoch: 30\n", [("openai-community/gpt2-large", 1)]),
        ("- **Finetuned from model:** [facebook/bart-base](facebook/bart-base)\n", [("facebook/bart-base", 1)]),
        ("base model: 'HooshvareLab/bert-fa-zwnj-base'\n", [("HooshvareLab/bert-fa-zwnj-base", 1)]),
        ("- **Finetuned from model : mrmoor/cti-t5-RE-NYT (T5 model trained on NYT RE)\n", [("mrmoor/cti-t5-RE-NYT", 1)]),
        ("- **Parent Model:** BERT\n", []),  # a family name is no release
        ("Base model: GPT2 Small\n", []),  # no catalogued name, no id: never a near match
        ("- **Finetuned from model [optional]:** [More Information Needed]\n", []),
        ("- **Parent Model:** [ResNet-50, see the paper by Zhang et al](https://arxiv.org/abs/1)\n", []),
        ("The base model of our study is t5-small.\n", []),  # not a field
        (
            "Pretrained Model: [prompthero/openjourney](https://huggingface.co/prompthero/openjourney)<br>\n",
            [("prompthero/openjourney", 1)],
        ),
        ("Pretrained model : google/ddpm-church-256<br>\n", [("google/ddpm-church-256", 1)]),
        (
            "Pre-trained model: https://huggingface.co/microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract\n",
            [("microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract", 1)],
        ),
        ("* original model: [opus-2021-02-23.zip](https://object.pouta.csc.fi/Tatoeba-MT-models/gmw-gmw/opus-2021-02-23.zip)\n", []),
        ("Original model: opus-2021-02-23.zip\n", []),
    ],
)
def test_base_named_in_a_template_field(body: str, expected: list[tuple[str, int]]) -> None:
    assert infer_base_models(body, 1, "me/model") == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("This is a fine-tuned BioBERT model for extracting outcomes.\n", [("dmis-lab/biobert", 1)]),
        ("NER for ten languages based on a fine-tuned  XLM-RoBERTa large model.\n", [("FacebookAI/xlm-roberta-large", 1)]),
        ('This model is the fine-tuned version of "RoBERTa Base"  using CUAD dataset\n', [("FacebookAI/roberta-base", 1)]),
        ("The encoder is based on the RoBERTa base architecture.\n", []),  # an architecture, not a checkpoint
        ("A fine-tuned BERT model for NER.\n", []),  # a family name is no release
    ],
)
def test_a_catalogued_release_named_after_a_derivation_phrase(body: str, expected: list[tuple[str, int]]) -> None:
    assert infer_base_models(body, 1, "me/model") == expected


def test_a_catalogued_name_resolves_exactly() -> None:
    registry = bundled_registry()
    entry = registry.named("roberta   LARGE")
    assert entry is not None and entry.id == "FacebookAI/roberta-large"
    assert registry.named("RoBERTa larg") is None and registry.named("roberta-large") is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("```bash\npython run_glue.py \\\n  --model_name_or_path prajjwal1/bert-tiny \\\n  --do_train\n```", [("prajjwal1/bert-tiny", 3)]),
        ('--model_name_or_path="facebook/wav2vec2-xls-r-1b"', [("facebook/wav2vec2-xls-r-1b", 1)]),
        ("python run_squad.py --model_name_or_path $BASE_MODEL --do_train", []),
        ("python run.py --model_name_or_path ./ --do_eval", []),
        ("python run.py --model_name_or_path pegasus-xsum/checkpoint-11500/ --do_eval", []),
    ],
)
def test_base_given_as_the_training_command_argument(body: str, expected: list[tuple[str, int]]) -> None:
    assert infer_base_models(body, 1, "me/model") == expected


@pytest.mark.parametrize(
    "line",
    [
        "The original fp32 model comes from the fine-tuned model [a/b](https://huggingface.co/a/b).",
        "We fine-tuned the [a/b](https://huggingface.co/a/b) model on the RACE dataset.",
        "The model was initialized with [a/b](https://huggingface.co/a/b) and trained on TyDi.",
        "This model is a fine-tune checkpoint of [a/b](https://huggingface.co/a/b), fine-tuned on SST-2.",
        "This is a finetuned model based on [a/b](https://huggingface.co/a/b).",
        "We are sharing smaller versions of [a/b](https://huggingface.co/a/b) that handle a custom number of languages.",
        "**X POS Model** is a POS tagging model that was built by fine-tuning the [A B](https://huggingface.co/a/b/) model.",
    ],
)
def test_derivation_templates_of_the_population(line: str) -> None:
    assert infer_base_models(f"intro\n{line}\n", 1, "me/model") == [("a/b", 2)]


def test_a_copy_of_a_hub_model_names_its_base() -> None:
    body = "**This model is a copy of [this model repository](https://huggingface.co/camembert-base) at commit `3a7`.**\n"
    assert infer_base_models(body, 1, "me/model") == [("camembert-base", 1)]


def test_a_script_of_an_already_linked_repository_is_kept() -> None:
    folder = "https://github.com/huggingface/transformers/tree/master/examples/pytorch/text-classification"
    script = "https://github.com/huggingface/transformers/blob/master/examples/pytorch/text-classification/run_glue.py"
    links = parse_card(f"As in [{folder}]({folder}).\nReproduce with [run_glue.py]({script}); see [docs]({folder}).\n").links
    assert [(link.url, link.line) for link in links] == [(folder, 1), (script, 2)]


def test_a_plain_id_never_outranks_a_linked_base() -> None:
    body = "Based on t5-small.\nThis model is a fine-tune of [e/f](https://huggingface.co/e/f).\n"
    assert infer_base_models(body, 1, "me/model") == [("e/f", 2)]


def test_files_a_card_shows_from_a_dataset_repo_are_not_datasets() -> None:
    image = "https://huggingface.co/datasets/huggingface/documentation-images/resolve/main/diffusers/img.png"
    assert classify_url(image) == ("other", image)
    assert classify_url("https://huggingface.co/datasets/patrickvonplaten/images/blob/main/a.JPG?raw=true")[0] == "other"
    assert classify_url("https://huggingface.co/datasets/rajpurkar/squad") == ("dataset", "rajpurkar/squad")
    assert classify_url("https://huggingface.co/datasets/org/data/resolve/main/train.jsonl") == ("dataset", "org/data")
    r = build_release("me/sd", f"Sample:\n![out]({image})\nTrained on [pokemon](https://huggingface.co/datasets/a/pokemon).\n")
    assert r.datasets == ["a/pokemon"]


@pytest.mark.parametrize(
    "line",
    [
        "Fine-tuned [facebook/wav2vec2-large-xlsr-53](https://huggingface.co/facebook/wav2vec2-large-xlsr-53) on Japanese.",
        "A NER model fine-tuned from the [roberta-base-bne](https://huggingface.co/facebook/wav2vec2-large-xlsr-53) model.",
        "Our fine-tuned version of [it](https://huggingface.co/facebook/wav2vec2-large-xlsr-53) on MNLI.",
    ],
)
def test_derivation_phrases_without_is_a(line: str) -> None:
    """The XLSR fine-tuning week template and "fine-tuned from the [X](...)" name the base too."""
    assert infer_base_models(f"intro\n{line}\n", 1, "me/model") == [("facebook/wav2vec2-large-xlsr-53", 2)]


def test_a_link_before_the_phrase_is_not_a_base() -> None:
    assert infer_base_models("See [x](https://huggingface.co/a/b), we fine-tuned it.\n", 1, "me/model") == []


@pytest.mark.parametrize(
    "line",
    [
        "This is the model for abstractive summarization for Russian based on [a/b](https://huggingface.co/a/b).",
        "It is fine-tuned by the [DGen](https://github.com/DRSY/DGen) dataset based on [**a/b**](https://huggingface.co/a/b) model.",
        "Based on [a/b](https://huggingface.co/a/b), we fine-tuned an NLI version.",
        "This is a RoBERTa model pre-trained on Korean texts, derived from [a/b](https://huggingface.co/a/b). Token-embeddings are",
        "The checkpoint was initialized with the weights of the [A](https://huggingface.co/a/b) checkpoint.",
        "*led-base-16384* was initialized from [*bart-base*](https://huggingface.co/a/b) since both models share",
        "- Acoustic model (wav2vec2.0 + CTC). A pretrained wav2vec 2.0 model ([b](https://huggingface.co/a/b)) is combined with two DNN layers.",
    ],
)
def test_more_derivation_templates_of_the_population(line: str) -> None:
    """'based on [' after any words, 'derived from [', 'initialized with/from [', SpeechBrain's 'is combined with'."""
    assert infer_base_models(f"intro\n{line}\n", 1, "me/model") == [("a/b", 2)]


@pytest.mark.parametrize(
    "body",
    [
        "*This model card was written by: R. R. and is based on the [Stable Diffusion model card](https://huggingface.co/a/b).*\n",
        "## Related models\n- [a/b](https://huggingface.co/a/b)\n- [c/d](https://huggingface.co/c/d)\n",
        '```python\ntokenizer = AutoTokenizer.from_pretrained("gpt2-large")\nmodel = AutoModel.from_pretrained("a/b")\n```\n',
        "Evaluation is based on [the dataset](https://huggingface.co/datasets/a/b).\n",
        "A pretrained model is used. See [a/b](https://huggingface.co/a/b) for a related pipeline.\n",
    ],
    ids=["model-card-credit", "related-models-list", "usage-snippet", "dataset-link", "link-in-another-sentence"],
)
def test_mentions_that_are_not_derivations_name_no_base(body: str) -> None:
    assert infer_base_models(body, 1, "me/model") == []


def test_a_duplicated_repository_has_its_original_for_base() -> None:
    """The Hub's "duplicate this repo" writes ``duplicated_from``: the copy's base is the original."""
    assert build_release("me/copy", "---\nduplicated_from: bert-base-uncased\n---\n# BERT\n").base_models == ["bert-base-uncased"]
    assert build_release("me/copy", "---\nduplicated_from: org/model\nbase_model: a/b\n---\n").base_models == ["a/b", "org/model"]
    assert build_release("me/copy", "---\nduplicated_from: something\n---\n").base_models == []


@pytest.mark.parametrize(
    "line",
    [
        "[ByT5](https://huggingface.co/a/b) base fine-tuned on [TweetQA](https://huggingface.co/datasets/tweet_qa) for QA.",
        "We present X, a [CamemBERT base](https://huggingface.co/a/b) fine-tuned for question answering.",
        "The initial model was [roberta large model](https://huggingface.co/a/b) which was then fine-tuned on RACE.",
        "This is a [xtremedistil](https://huggingface.co/a/b) model, fine-tuned using the NQ dataset.",
        "A classifier finetuned [pretrained DistilRoBERTa model](https://huggingface.co/a/b) on answers.",
        "This `sd-2` model is resumed from [sd-2-base](https://huggingface.co/a/b) (`512-base-ema.ckpt`).",
        "The model used was [English BERT model](https://huggingface.co/a/b) and fine-tuned on OSCAR.",
        "This is an instance of [a/b](https://huggingface.co/a/b) trained on a game character.",
        "The base model is [DeBERTa-v3-base from Microsoft](https://huggingface.co/a/b). The v3 variant",
        "Model trained from [roberta-base](https://huggingface.co/a/b) on go_emotions.",
    ],
)
def test_a_base_linked_before_its_derivation_phrase(line: str) -> None:
    """'[X](...) fine-tuned on/for/using', a mid-sentence 'finetuned [X](...)', 'resumed from [', 'model used was ['."""
    assert infer_base_models(f"intro\n{line}\n", 1, "me/model") == [("a/b", 2)]


@pytest.mark.parametrize(
    "line",
    [
        "See [x](https://huggingface.co/a/b), we fine-tuned on it too.",
        "Check [x](https://huggingface.co/a/b) which has been fine-tuned to correct casing.",
        "Data: [squad](https://huggingface.co/datasets/a/b) fine-tuned on by many models.",
        "Our [demo](https://huggingface.co/spaces/a/b) fine-tuned for fun.",
    ],
)
def test_a_link_before_a_phrase_that_is_not_its_derivation(line: str) -> None:
    assert infer_base_models(f"intro\n{line}\n", 1, "me/model") == []
