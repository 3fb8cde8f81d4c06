"""Build a :class:`Release` from a card and whatever else a source observed."""

from __future__ import annotations

import functools
import re
from typing import Any, Literal

from openness.card import as_list, parse_card
from openness.models import Link, Release

LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|USE_POLICY|NOTICE|ACCEPTABLE_USE|LICENSE_AGREEMENT)[^/]*$", re.I)
# Derivation phrases before a Hub link, from the population's templates; among them (counts of the 24,892
# Parquet cards the older phrases missed): "comes from the fine-tuned model [" (24, quantised exports),
# "We fine-tuned the [" (15), "a pretrained/finetuned model based on [" (5), "fine-tune(d) checkpoint of [" (5),
# "The model was initialized with [" (4), "fine-tuned based off [" (3); "smaller versions of [" (137, vocabulary-reduced
# copies of a multilingual model), "was built by fine-tuning the [" (32); and, of cards with no base found before
# them: "derived from [" (111), "based on [" after any words, not only "model based on [" ("It is fine-tuned by DGen
# based on [X](...)", "Based on [X](...), we fine-tuned", 80 of 128 cards), "initiali[sz]ed with/from (the weights of) ["
# beyond "model was initialized" (9 of 16), "A pretrained wav2vec 2.0 model ([X](...)) is combined with" (SpeechBrain's
# template, 6). "based on the [X model card](...)" names a document and is skipped below. ("The backbone model of X is
# the [", seen once, has no other card in either corpus and no pattern.)
_BASE_TRIGGER = re.compile(
    r"parent models?\W{0,6}:|fine-?tuned from(?: weights| model)?(?: \[optional\])?\W{0,6}:|base model\W{0,6}:"
    r"|\b(?:is|was) (?:a |an )?(?:further )?(?:fine-?tuned|instruction[- ]tuned|trained|built|based) (?:version of |from |on top of |upon |on )"
    r"|\b(?:is|was) built on top of|continued pre-?training (?:of|from)|quantized version of|converted (?:to [\w-]+ )?from"
    r"|(?:this|the) model is a (?:fine-?tune|merge|quantization) of|(?:this|the) model is an? (?:exact )?copy of|\b(?:is|was) an? fine-?tuned (?=\[)"
    r"|comes from the (?:fine-?tuned )?model (?=\[)|\bwe (?:have )?fine-?tuned (?:the )?(?=\[)|\binitiali[sz]ed (?:with|from) (?:the )?(?:weights of )?(?:the )?(?:pre-?trained )?(?=\[)|\bderived from (?:the )?(?=\[)"
    r"|\bpre-?trained [\w .\-]{1,40}\((?=\[[^\]]{1,80}\]\(https?://huggingface\.co/[^)]*\)\) is (?:combined|used))"
    r"|\bsmaller versions? of (?=\[)|\b(?:built|created|obtained|produced) by fine-?tuning (?:the )?(?=\[)|fine-?tuned? checkpoint of (?=\[)|fine-?tuned based off (?=\[)|\bbased on (?:the )?(?=\[)"
    r"|\bfine-?tuned (?:a |the )?(?:pre-?trained )?(?=\[)|fine-?tuned (?:from|on top of) (?:the )?(?:pre-?trained )?(?=\[)|fine-?tuned version of (?:the )?(?=\[)"
    r"|\bresumed from (?:the )?(?=\[)|\bmodel used (?:was|is) (?:the )?(?=\[)|\ban instance of (?:the )?(?=\[)"
    r"|\bbase model (?:is|was|used (?:is|was)) (?:the )?(?=\[)|\b(?:trained|starting|started) from (?:the )?(?=\[)",
    re.I,
)
# Also before a link: "This is an instance of [microsoft/DialoGPT-medium](...) trained on" (10 Parquet cards with no base
# found before), "The base model is [X](...)" (15), "trained/starting from [X](...)" (3).
# A Hub link the phrase follows: "[ByT5](https://huggingface.co/google/byt5-base) base fine-tuned on [TweetQA]",
# "a [CamemBERT base](...) fine-tuned for", "[roberta large model](...) which was then fine-tuned on": 77 of the
# 24,860 Parquet cards with no base found before (Narrativa's, Sociovestix's, ai4bharat's, Edresson's templates and
# others); a subject between ("See [x](...), we fine-tuned it on") makes the link something else.
_BASE_BEFORE_PHRASE = re.compile(
    r"\]\((https?://huggingface\.co/[^)\s]+)\)([^\n\[.;]{0,40}?)\bfine-?tuned(?: \w+ly)? (?:on|for|with|in|using)\b", re.I
)
_SUBJECT = re.compile(r"\b(?:we|i|you|they)\b", re.I)


# Every match of _BASE_TRIGGER holds one of these words (lower-case; tests/test_card.py derives them from the
# pattern): an ASCII line without any is not searched, which spares most lines with a Hub link the pattern's
# many alternatives at every offset. (A non-ASCII line is always searched: re.I folds "ſ" or "K" to ASCII
# letters, str.lower() does not.)
_BASE_TRIGGER_WORDS = (
    " by fine", " checkpoint of ", " model is a", "base model", "based", "built", "comes from the ", "continued pre", "converted ",
    "derived from ", "initiali", "instruction", "an instance of ", "model used ", "parent model", "quantized version of", "resumed from ", "smaller version", "started", "starting", "trained", "tuned",
)  # fmt: skip


def _may_name_base(line: str) -> bool:
    """Whether :data:`_BASE_TRIGGER` may match ``line`` (False: it cannot)."""
    if not line.isascii():
        return True
    low = line.lower()
    return any(word in low for word in _BASE_TRIGGER_WORDS)


# A model's Hub address: org/name, or a legacy id without an organisation (huggingface.co/bert-base-uncased).
_HF_MODEL_URL = re.compile(
    r"huggingface\.co/(?!(?:datasets|spaces|papers|docs|blog|models|organizations|collections|tasks|learn|join|pricing|settings)\b)"
    r"([\w.\-]+(?:/[\w.\-]+)?)",
    re.I,
)


def is_license_file(name: str) -> bool:
    """LICENSE*, COPYING*, USE_POLICY*, NOTICE* at any depth."""
    return bool(LICENSE_FILE.search(name))


def _datasets(metadata: dict[str, Any], links: list[Link]) -> list[str]:
    found: list[str] = []
    for d in as_list(metadata.get("datasets")):
        if d not in found:
            found.append(d)
    for link in links:
        if link.kind == "dataset" and link.target not in found:
            found.append(link.target)
    return found


def _base_models(metadata: dict[str, Any], tags: list[str]) -> list[str]:
    bases = as_list(metadata.get("base_model"))
    # The Hub's "duplicate this repository" writes `duplicated_from: <id>`: the repo is a copy, so the
    # original is its base (20 of the 24,892 Parquet cards, 17 of them with no other base found).
    bases += [d for d in as_list(metadata.get("duplicated_from")) if "/" in d or _ID_SHAPED.fullmatch(d)]
    for tag in tags:
        if tag.startswith("base_model:") and tag.count(":") == 1:
            bases.append(tag.split(":", 1)[1])
    unique: list[str] = []
    for b in bases:
        b = b.strip()
        if b and b not in unique:
            unique.append(b)
    return unique


# A base written as a plain Hub id, without a link: "based on t5-small", "an adapter for the `roberta-base`
# model", "a fine-tuned version of bert-base-uncased on ...". Templates frequent in the population.
_PLAIN_BASE = re.compile(
    r"(?:\badapter\b[^\n]{0,80}?\bfor[ \t]{1,3}(?:the[ \t]{1,3})?|\b(?:fine-?tuned version of|based on|fine-?tuned from|fine-?tuned on top of)"
    r"[ \t]{1,3}(?:(?:a|an|the)[ \t]{1,3})?(?:(?:fine-?tuned|pre-?trained)[ \t]{1,3})?)`?([A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)?[A-Za-z0-9])`?(?![\w(\[])",
    re.I,
)
# A bare word is taken for a model id only when it is shaped like one: org/name, or a hyphenated name
# with a size, casing or number (t5-small, bert-base-uncased, gpt2-xl), never "the Transformer".
_ID_SHAPED = re.compile(
    r"[\w.\-]+/[\w.\-]+|[a-z][\w.]*-[\w.\-]*(?:base|large|small|tiny|medium|mini|xl|xxl|cased|uncased|\d)[\w.\-]*", re.I
)


_PLAIN_BASE_WORDS = ("adapter", "based on", "tuned version of", "tuned from", "tuned on top of")


def _plain_base(body: str, own_id: str) -> tuple[str, int] | None:
    """The first base written as a plain id after a derivation phrase, and its offset.

    The phrase's words are found with ``str.find`` first; the pattern runs only in a window there.
    """
    low = body.lower()
    found: list[tuple[int, str]] = []
    for word in _PLAIN_BASE_WORDS:
        pos = low.find(word)
        while pos != -1:
            m = _PLAIN_BASE.search(body, max(0, pos - 8), pos + 200)
            if m is not None:
                model = m.group(1).rstrip(".")
                if _ID_SHAPED.fullmatch(model) and model.lower() != own_id.lower() and "huggingface.co" not in model.lower():
                    found.append((m.start(1), model))
            pos = low.find(word, pos + len(word))
    if not found:
        return None
    start, model = min(found)
    return model, start


# A template field that names the base without a Hub link: the Hub's annotated card template
# ("- **Finetuned from model [optional]:** bert-base-multilingual-uncased", "- **Parent Model:** RoBERTa Large"), a
# DreamBooth template ("Pretrained Model: [prompthero/openjourney](...)<br>") and hand-written cards ("Base model: gpt-2
# large", "original model : klue/roberta-large"). Of the 24,892 Parquet cards, 191 have such a field (Original model 86,
# all but one Helsinki-NLP's Marian archive link; Finetuned from (model) 35; Base model 34; Parent Model 25; Pre-trained
# model 11) and 153 had no base found; 39 of those name one this way (each right on reading), the others give a
# placeholder ("[More Information Needed]", "N/A"), a family name ("BERT", "T5") or a file. The value is a base when it
# is a Hub link or address, an id-shaped word (alone, or before "(...)", "from ...", "<br>") or exactly a catalogued
# release's name; "Model type: fine-tuned X" occurs on none of the 24,892.
_BASE_FIELD = re.compile(
    r"^[ \t>*+-]*(?:\*\*|__)?[ \t]*(?:parent models?|fine-?tuned from(?: weights| model)?(?: \[optional\])?|base model|pre-?trained model|original model)"
    r"[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*([^\n]{1,160})$",
    re.I | re.M,
)
_FIELD_ID = re.compile(r"[`'\"\[]?([A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)?[A-Za-z0-9])[`'\"\]]?")
# A field value that is a link off the Hub (Helsinki-NLP's "Original model: [opus-2021-02-23.zip](https://...)", the
# Marian release archive on 40 Parquet cards) or a file name names no Hub model.
_NOT_A_HUB_LINK = re.compile(
    r"\[[^\]]*\]\((?!https?://huggingface\.co/)[a-z][\w+.-]*://|[^\s]+\.(?:zip|tar|gz|tgz|bin|pt|pth|ckpt|h5|onnx|safetensors)\b", re.I
)
_BASE_FIELD_WORDS = ("parent model", "tuned from", "base model", "trained model", "original model")


def _field_base(body: str, own_id: str) -> tuple[str, int] | None:
    """The base a template field names (an id, or a catalogued release's name: its registry id), and its offset."""
    low = body.lower()
    if not any(word in low for word in _BASE_FIELD_WORDS):
        return None
    for m in _BASE_FIELD.finditer(body):
        value = m.group(1).strip().strip("*_ \t").rstrip(".")
        if value.startswith(("[", "http")) and (linked := _HF_MODEL_URL.search(value.split(")", 1)[0])) is not None:
            model = linked.group(1).rstrip(".,;:)/")  # "[display name](https://huggingface.co/org/name)", or the bare address
            if model.lower() != own_id.lower():
                return model, m.start(1)
        if _NOT_A_HUB_LINK.match(value):
            continue  # "[opus-2021-02-23.zip](https://object.pouta.csc.fi/...)": a file or page elsewhere, not a Hub model
        token = _FIELD_ID.match(value)
        if token is not None and _ID_SHAPED.fullmatch(token.group(1)) and token.group(1).lower() != own_id.lower():
            rest = value[token.end() :].lstrip()
            if not rest or rest.startswith(("(", "from ", "-", "\u2013", "\u2014", "<br")):
                return token.group(1), m.start(1)
        from openness.registry.store import bundled_registry  # the catalogue, only when a field names a base in words

        entry = bundled_registry().named(value.strip("`'\""))
        if entry is not None and entry.id.lower() != own_id.lower():
            return entry.id, m.start(1)
    return None


# A catalogued release named in words right after a derivation phrase: "a fine-tuned BioBERT model" (aakorolyova's and
# Maaly's templates, 8 Parquet cards), "based on a fine-tuned XLM-RoBERTa large model" (Davlan's NER template, 6), "the
# fine-tuned version of "RoBERTa Base" using CUAD", "a Norwegian finetuned version of GPT-J 6B", "based on Albert base
# v2": 17 Parquet cards with no base found before. The name must end the phrase (before "model", punctuation or a
# preposition): "based on the RoBERTa base architecture" names no checkpoint.
_NAMED_PHRASE_WORDS = ("tuned", "based on", "initiali", "continued pre", "trained from")


@functools.cache
def _named_base_pattern() -> re.Pattern[str]:
    from openness.registry.store import bundled_registry  # the catalogue's names, compiled once

    names = sorted({rel.name for rel in bundled_registry().releases}, key=len, reverse=True)
    return re.compile(
        r"\b(?:fine-?tuned (?:version of|from|on top of)|based on|initiali[sz]ed (?:from|with)|a fine-?tuned|continued pre-?training of"
        r"|trained from)[ \t]+(?:(?:the|a|an)[ \t]+)?(?:(?:fine-?tuned|pre-?trained)[ \t]+)?[\"'`*]*("
        + "|".join(re.escape(n) for n in names)
        + r")"
        r"[\"'`*]*(?=[ \t]*(?:model|checkpoint|weights)?[ \t]*(?:[.,;:)\n]|$|[ \t](?:on|using|with|for|and|to|by|which|that|in)\b))",
        re.I,
    )


# Every match of _named_base_pattern() starts with one of these (lower-case; tests/test_card.py derives them from the
# pattern), so where none occurs it is not tried: the phrase's alternatives at every offset of the card cost more than
# the rest of the base inference.
_NAMED_PHRASE_STARTS = ("a fine", "based on", "continued pre", "fine", "initiali", "trained from")
_FOLDED_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")  # İ ı ſ K: equal to ASCII letters under re.I, not in str.lower()


def _first_named_phrase(body: str, low: str) -> re.Match[str] | None:
    """``_named_base_pattern().search(body)``, tried only where a start of the phrase occurs in ``low``
    (``body.lower()``) when its offsets are the body's; otherwise the whole search."""
    regex = _named_base_pattern()
    if len(low) != len(body) or any(ch in body for ch in _FOLDED_TO_ASCII):
        return regex.search(body)
    starts: set[int] = set()
    for word in _NAMED_PHRASE_STARTS:
        at = low.find(word)
        while at != -1:
            starts.add(at)
            at = low.find(word, at + 1)
    for at in sorted(starts):
        if (m := regex.match(body, at)) is not None:
            return m
    return None


def _named_base(body: str, own_id: str) -> tuple[str, int] | None:
    """The catalogued release a derivation phrase names in words (its registry id), and its offset."""
    low = body.lower()
    if not any(word in low for word in _NAMED_PHRASE_WORDS):
        return None
    m = _first_named_phrase(body, low)
    if m is None:
        return None
    from openness.registry.store import bundled_registry

    entry = bundled_registry().named(m.group(1))
    if entry is None or entry.id.lower() == own_id.lower():
        return None
    return entry.id, m.start(1)


def infer_base_models(body: str, first_line: int, own_id: str) -> list[tuple[str, int]]:
    """Base models a card names in prose ("fine-tuned from [org/name](https://huggingface.co/org/name)").

    Conservative: Hub links that follow a derivation phrase on the same line; when there is none, the
    base a template field names ("Parent Model: RoBERTa Large"), else the model a training command starts
    from (``--model_name_or_path``), else the first plain id shaped like a model id right after a
    derivation phrase ("based on t5-small"), else a catalogued release it names there ("a fine-tuned BioBERT model").
    """
    found = _linked_bases(body, first_line, own_id)
    if (
        not found
        and (plain := _field_base(body, own_id) or _argument_base(body, own_id) or _plain_base(body, own_id) or _named_base(body, own_id))
        is not None
    ):
        found.append((plain[0], first_line + body.count("\n", 0, plain[1])))
    return found


# The model a training command starts from: "python run_glue.py --model_name_or_path prajjwal1/bert-tiny"
# (53 of the 24,892 Parquet cards give such a command; a local path or a shell variable is no base).
_ARG_BASE = re.compile(r"--model_name_or_path(?:[ \t]+|=)[\"']?([A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)?)(?=[\s\"'\\]|$)")


def _argument_base(body: str, own_id: str) -> tuple[str, int] | None:
    pos = body.find("--model_name_or_path")
    if pos == -1:
        return None
    for m in _ARG_BASE.finditer(body, pos):
        model = m.group(1)
        if _ID_SHAPED.fullmatch(model) and "checkpoint" not in model.lower() and model.lower() != own_id.lower():
            return model, m.start(1)
    return None


def _linked_bases(body: str, first_line: int, own_id: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    pos = body.find("huggingface.co/")
    if pos == -1:
        return found
    lines: list[tuple[int, int]] = []  # (start, end) of each line that holds a Hub link
    while pos != -1:
        start = body.rfind("\n", 0, pos) + 1
        end = body.find("\n", pos)
        end = len(body) if end == -1 else end
        lines.append((start, end))
        pos = body.find("huggingface.co/", end)
    for start, end in lines:  # a phrase counts only inside the link's line
        line = body[start:end]
        line_no = first_line + body.count("\n", 0, start)
        if _may_name_base(line) and (trigger := _BASE_TRIGGER.search(line)):
            stop = line.find(". ", trigger.end())
            segment = line[trigger.end() : stop if stop != -1 else len(line)]
            for m in _HF_MODEL_URL.finditer(segment):
                if "card" in segment[: m.start()].lower():
                    continue  # "this card is based on the [X model card](...)" names a document, not a base
                _add_base(found, m.group(1), own_id, line_no)
        if "fine" in line.lower():
            for before in _BASE_BEFORE_PHRASE.finditer(line):
                linked = _HF_MODEL_URL.search(before.group(1))
                if linked is not None and not _SUBJECT.search(before.group(2)):
                    _add_base(found, linked.group(1), own_id, line_no)
    return found


def _add_base(found: list[tuple[str, int]], model: str, own_id: str, line: int) -> None:
    """Record a base once; the release's own id is never its base."""
    model = model.rstrip(".,;:)/")
    if model.lower() != own_id.lower() and all(model != f for f, _ in found):
        found.append((model, line))


def build_release(
    release_id: str,
    card_text: str,
    *,
    source: Literal["local", "hub", "registry"] = "local",
    files: list[str] | None = None,
    api_tags: list[str] | None = None,
    license_files: dict[str, str] | None = None,
    metadata_override: dict[str, Any] | None = None,
    gated: str | bool | None = None,
    revision: str | None = None,
    sha: str | None = None,
    last_modified: str | None = None,
    unreadable: list[str] | None = None,
) -> Release:
    """Assemble a release. ``metadata_override`` (e.g. the Hub's ``cardData``) wins over the card's own."""
    card = parse_card(card_text)
    metadata = dict(card.metadata)
    if metadata_override:
        metadata.update(metadata_override)
    tags = as_list(metadata.get("tags"))
    for t in api_tags or []:
        if t not in tags:
            tags.append(t)
    for arxiv in (t.split(":", 1)[1] for t in tags if t.startswith("arxiv:")):
        if not any(link.kind == "arxiv" and link.target == arxiv for link in card.links):
            card.links.append(Link(kind="arxiv", url=f"https://arxiv.org/abs/{arxiv}", target=arxiv))
    relation = metadata.get("base_model_relation")
    base_models = _base_models(metadata, tags)
    if not base_models:
        for model, line in infer_base_models(card.body, card.body_line, release_id):
            base_models.append(model)
            card.warnings.append(f"base model {model} inferred from the card text (line {line}); no base_model in metadata")
    if gated is None:
        gated = "manual" if metadata.get("extra_gated_fields") or metadata.get("extra_gated_prompt") else None
    release = Release(
        id=release_id,
        source=source,
        revision=revision,
        sha=sha,
        last_modified=last_modified,
        metadata=metadata,
        card_text=card.body,
        card_body_line=card.body_line,
        sections=card.sections,
        files=sorted(files or []),
        files_known=files is not None,
        tags=tags,
        links=card.links,
        datasets=_datasets(metadata, card.links),
        base_models=base_models,
        base_relation=str(relation) if relation else None,
        gated=gated,
        license_fields={k: metadata[k] for k in ("license", "license_name", "license_link") if k in metadata},
        license_files=dict(license_files or {}),
        unreadable=list(unreadable or []),
        warnings=card.warnings,
    )
    return release
