"""The curated catalogue of well-known training datasets (``registry/datasets/*.yaml``).

It holds facts about datasets (public? construction code public?), never model verdicts.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openness.card import as_list
from openness.engine.scan import Candidates, NameFinder, finditer_near, folded_view
from openness.memo import Memo
from openness.models import Status
from openness.resources import data_dir
from openness.yamlio import load_models

_QUALIFIER = re.compile(r"[\s\-_]*\([^()]*\)$")
_SQUASH = re.compile(r"[^a-z0-9]+")
LOOKUP_CACHE = 8_192  # names whose entry lookup remembers (per catalogue, so per worker)
_WORDS = re.compile(r"\s+-\s+|\s+")
# "fine-tuned on MNLI dataset", "trained on the [LibriSpeech](...) corpus", "Pretrained on ImageNette":
# the name after a training verb. Corpus cards phrase it so about 4,400 times as "on the X dataset"
# (auto-generated Trainer cards) and about 900 times as "trained on X" (JRC-Acquis, ImageNet-1k, SQuAD,
# the Pile, LibriSpeech, COCO ...). Group 1: the name; group 2: a following word that says it is data.
_TRAINED_ON = re.compile(
    r"\b(?:(?i:(?:pre-?|re-?|further |jointly )?train(?:ed|ing)|fine-?tun(?:ed|ing)|tuned|distilled|learn(?:ed|t)|"
    r"(?:fine-?tuned|trained) version of \[?[\w.\-/]{1,100}\]?(?:\([^)\s]{1,200}\))?)"
    # (runs of spaces too: "fine-tuned on  JW300 Yorùbá corpus", 9 corpus cards)
    r"(?i:(?: +(?:from scratch|only|jointly|further|again|mainly|exclusively|solely))? +(?:on|using|with) +(?:the |a )?)|"
    # "For the fine-tuning, we used the ARZTB dataset" (CAMeL-Lab's template, 27 corpus cards)
    r"(?i:for (?:the )?(?:pre-?training|fine-?tuning|training)(?: data)?,? +(?:we|i) +(?:used|use) +(?:the |a )?))"
    # The name: a first word, then words that start upper-case or with a digit ("GLUE MRPC", "Common Voice 11.0").
    r"\[?((?:[A-Za-z][\w.\-/]*|\d[\w.\-]*[A-Za-z][\w.\-]*)(?: (?:[A-Z0-9][\w.\-]*|v\d[\w.]*|[a-z]{2}-[a-z]{2}))"
    r"{0,3})\]?(?:\([^)\s]{1,200}\))?[ ,.;:)]*((?i:data ?sets?|corpus|corpora|benchmark|data|subset|split|training set)\b)?",
)
# Every match starts at most 13 characters ("further ", "fine-", "For the fine-") before one of these words: it is
# tried only there.
_TRAINED_ON_WORDS = (b"train", b"tun", b"distill", b"learn")
_TRAINED_ON_LEAD = 13
# ... and with one of these letters (pre-, re-, further, jointly, train, fine-, tuned, distilled, learn, for; any case).
_TRAINED_ON_FIRSTS = b"dfjlprt"
_NAME_LIKE = re.compile(r"[A-Z0-9_/]")
# More names after the first: "trained on Conceptual Captions 12M, Conceptual Captions 3M, and Shutterstock 15M".
_AND_NAME = re.compile(
    r"(?:,? and |, | ?\+ | ?& )(?:the )?\[?((?:[A-Z][\w.\-/]*|\d[\w.\-]*[A-Za-z][\w.\-]*)(?: (?:[A-Z0-9][\w.\-]*|v\d[\w.]*)){0,3})\]?"
    r"(?:\([^)\s]{1,200}\))?"
)
# Words the pattern can take for a name but never name a dataset ("trained on English data").
_NOT_NAMES = frozenset(
    "none a an the this that these those our their its my your his her same following above below custom private "
    "internal proprietary own new large small huge various several multiple many more other additional some all "
    "each both top it them unknown generator imagefolder image_folder local public publicly top-1 top-5 single "
    "english chinese japanese korean french german spanish italian portuguese russian arabic hindi dutch swedish "
    "finnish polish turkish vietnamese thai indonesian multilingual monolingual cpu gpu gpus tpu tpus tpuv3-8 "
    "nvidia google colab aws azure python pytorch tensorflow jax keras huggingface hugging large-scale augmented "
    "medical different bilingual smaller medium-size curated transcribed original separate entire mentioned training "
    "labeled labelled classified dummy any legal news dialog code tweet tweets poetry synthetic target multiple-choice "
    "amharic hausa igbo kinyarwanda luo swahili wolof yoruba yorùbá luganda nyanja sinhala bengali urdu persian "
    "greek czech hungarian romanian ukrainian catalan basque danish norwegian hebrew tamil telugu kannada malayalam".split()
)


# One metadata entry naming several datasets: "JW300 + [Menyo-20k](https://huggingface.co/datasets/menyo20k_mt)",
# "common_voice, infore_25h" (13 of the 5,411 Parquet cards that declare ``datasets``). Split only outside
# brackets, so "stackexchange(pets, cooking)" and "220M words (IndoWiki, IndoWC, News)" stay one name.
_DECLARED_SEP = re.compile(r"\s+[+&]\s+|,\s+")
_DECLARED_LINK = re.compile(r"\[([^\]\n]{1,100})\]\((https?://[^)\s]+)\)")
_HUB_DATASET_LINK = re.compile(r"huggingface\.co/datasets/([\w.\-]+(?:/[\w.\-]+)?)")


def declared_names(value: object) -> list[str]:
    """The dataset names a metadata ``datasets`` value declares, one per dataset.

    A Markdown link stands for its Hub dataset id when it links one, else for its text.
    """
    names: list[str] = []
    for entry in as_list(value):
        parts, depth, start = [], 0, 0
        for i, ch in enumerate(entry):
            depth += ch in "([{"
            depth -= ch in ")]}" and depth > 0
            if depth == 0 and (m := _DECLARED_SEP.match(entry, i)) is not None and i >= start:
                parts.append(entry[start:i])
                start = m.end()
        parts.append(entry[start:])
        for part in parts:
            if (link := _DECLARED_LINK.search(part)) is not None:
                hub = _HUB_DATASET_LINK.search(link.group(2))
                part = hub.group(1) if hub else link.group(1)
            if (name := part.strip(" *_`\"'")) and name not in names:
                names.append(name)
    return names


class Dataset(BaseModel):
    """One dataset: how available it is and whether the code that built it is public."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    hub_ids: list[str] = Field(default_factory=list, description="Hugging Face dataset ids, incl. legacy ones")
    hub_id_globs: list[str] = Field(
        default_factory=list, description="shell globs for a family of Hub ids (*/autotrain-data-*); exact ids win"
    )
    aliases: list[str] = Field(default_factory=list, description="names as cards write them (matched as whole words, case-insensitive)")
    configs: list[str] = Field(
        default_factory=list,
        description="configuration names cards list beside the dataset (Asteroid's sep_clean); they name no data of their own",
    )
    availability: Status = Field(description="open: downloadable in full; partial: part, gated or subset; closed: not released")
    license: str | None = None
    construction_code: Status = Status.UNKNOWN
    construction_code_url: str | None = None
    urls: list[str] = Field(default_factory=list, description="public sources of these facts")
    collection: bool = Field(
        default=False,
        description="groups distinct datasets (LDC corpora, ConvLab/*, a TFDS dataset): each member a card names is a dataset of its own",
    )
    verified: bool = Field(default=False, description="checked against the sources; false: written from general knowledge")
    notes: str = ""
    source: Literal["catalogue", "read"] = Field(default="catalogue", description="read: built from the dataset's Hub card this run")

    def mention_key(self, name: str) -> str:
        """What tells one named dataset from another: the entry, or for a collection the member named
        ("ConvLab/tm1" and "ConvLab/tm2" are two datasets, "Taskmaster-1" and "taskmaster1" one)."""
        if not self.collection:
            return self.id
        return f"{self.id}:{_SQUASH.sub('', _QUALIFIER.sub('', name.strip().lower().partition(':')[0]))}"

    @property
    def label(self) -> str:
        """The name as evidence shows it, saying where the facts come from when not from a checked entry."""
        if self.source == "read":
            return f"{self.name} ({self.notes})" if self.notes else self.name
        return self.name if self.verified else f"{self.name} (catalogue entry from general knowledge, not checked)"


class DatasetCatalogue:
    """Lookup by Hub id or by name in text."""

    def __init__(self, datasets: list[Dataset]) -> None:
        self.datasets = datasets
        self._by_hub = {h.lower(): d for d in datasets for h in [*d.hub_ids, d.id]}
        self._by_name = {a.lower(): d for d in datasets for a in [*d.aliases, d.name]}
        self._globs = [(g.lower(), d) for d in datasets for g in d.hub_id_globs]
        # Squashed keys ("SST-2" = sst2, "Multi NLI" = multinli); an ambiguous key is left out.
        squashed: dict[str, Dataset | None] = {}
        for d in datasets:
            for key in {_SQUASH.sub("", k.lower()) for k in [*d.hub_ids, d.id, *d.aliases, d.name]}:
                if len(key) >= 3:
                    squashed[key] = d if squashed.get(key, d) is d else None
        self._by_squashed = {k: d for k, d in squashed.items() if d is not None}
        self._looked_up: Memo[str, Dataset | None] = Memo(self._lookup, LOOKUP_CACHE)

    @classmethod
    def load(cls, directory: Path | None = None) -> DatasetCatalogue:
        return cls(load_models(directory or data_dir("registry") / "datasets", Dataset))

    def by_hub_id(self, dataset_id: str) -> Dataset | None:
        """Exact (case-insensitive) match on a Hub dataset id."""
        return self._by_hub.get(dataset_id.strip().lower())

    def by_name(self, name: str) -> Dataset | None:
        """Exact (case-insensitive) match on a name or alias, e.g. a metadata entry written as a name."""
        return self._by_name.get(name.strip().lower())

    def lookup(self, name: str) -> Dataset | None:
        """A metadata ``datasets`` entry: a Hub id (``glue``, ``nyu-mll/glue``), a Hub id with a
        config or split (``glue/sst2``, ``librispeech_asr:clean``), or a name (``Common Voice``).

        Answers are remembered by name (the same names recur across cards; an unknown one costs
        a search over its word runs): up to ``LOOKUP_CACHE`` of them, then the memory starts again.
        """
        return self._looked_up(name)

    def _lookup(self, name: str) -> Dataset | None:
        key = name.strip().lower()
        if found := self._by_hub.get(key) or self._by_name.get(key):
            return found
        key = _QUALIFIER.sub("", key.partition(":")[0])  # "oscar (nl)", "voxpopuli-(en)": a subset of the named dataset
        if found := self._by_hub.get(key) or self._by_name.get(key):
            return found
        parts = key.split("/")
        # A configuration after the id: one segment after a legacy id, or a third segment.
        heads = [key, "/".join(parts[:2]), parts[0]] if len(parts) > 2 else [key, parts[0]]
        for head in heads:
            if found := self._by_hub.get(head):
                return found
        if found := next((d for glob, d in self._globs if fnmatch.fnmatchcase(key, glob)), None):
            return found
        return self._by_words(key)

    def _by_words(self, key: str) -> Dataset | None:
        """A name with a version, task or language before or after it: "Common Voice 11.0",
        "GLUE MRPC", "wmt16 ro-en", "common_voice - tr", "Vietnamese OSCAR" (longest match wins)."""
        words = [w for w in _WORDS.split(key) if w]
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                part = " ".join(words[start : start + size])
                if found := self._by_hub.get(part) or self._by_name.get(part):
                    return found
                squashed = _SQUASH.sub("", part)
                if (len(squashed) >= 4 or size == len(words)) and (found := self._by_squashed.get(squashed)):
                    return found
        # A version or language glued on: "wikitext-103-raw-v1", "oscar-2201", "c4-en".
        parts = re.split(r"[-_]", key)
        while len(parts) > 1 and (any(ch.isdigit() for ch in parts[-1]) or len(parts[-1]) <= 3):
            parts.pop()
            for joined in ("-".join(parts), "_".join(parts)):
                if found := self._by_hub.get(joined) or self._by_name.get(joined):
                    return found
        return None

    def named_in_prose(self, text: str, folded: bytes | None = None) -> list[tuple[Dataset | None, str, int]]:
        """Datasets a sentence says the model was trained on: (entry or None, name, offset), first each.

        A name the catalogue knows counts on its own ("trained on LibriSpeech"); an unknown one only
        when a word says it is data ("fine-tuned on the te_dx_jp dataset"), so "trained on 8 GPUs"
        names nothing. ``folded``: the text's :func:`~openness.engine.scan.folded_view`, when already made.
        """
        found: dict[str, tuple[Dataset | None, str, int]] = {}
        folded = folded_view(text) if folded is None else folded
        for m in finditer_near(_TRAINED_ON, text, folded, _TRAINED_ON_WORDS, _TRAINED_ON_LEAD, _TRAINED_ON_FIRSTS):
            name = m.group(1).strip(" .,-")
            key = name.lower()
            if not name or key in _NOT_NAMES or key.split(" ", 1)[0] in _NOT_NAMES or key.isdigit():
                continue
            entry = self.lookup(name)
            # An unknown name must look like one ("Quora", "te_dx_jp", "CORD-19"), not a plain word.
            if entry is None and (not m.group(2) or not _NAME_LIKE.search(name) or (name.isupper() and len(name) < 3)):
                continue
            found.setdefault(entry.mention_key(name) if entry else key, (entry, name, m.start(1)))
            # After "X corpus", the next name follows the word that said it is data: "JW300 corpus and Menyo-20k".
            end = m.end(2) if m.group(2) else m.end(1)
            while (more := _AND_NAME.match(text, end)) is not None:
                end = more.end()
                other = more.group(1).strip(" .,-")
                if other.lower() in _NOT_NAMES or other.lower().split(" ", 1)[0] in _NOT_NAMES:
                    break
                hit = self.lookup(other)
                found.setdefault(hit.mention_key(other) if hit else other.lower(), (hit, other, more.start(1)))
        return list(found.values())

    @cached_property
    def names(self) -> NameFinder[Dataset]:
        """Finds the catalogue's names in text (its pattern index can join a card's shared scan)."""
        return NameFinder({a.lower(): d for d in self.datasets for a in d.aliases})

    def mentioned_in(
        self, text: str, view: bytes | None = None, folded: bytes | None = None, scanned: Candidates | None = None
    ) -> list[tuple[Dataset, str, int]]:
        """Datasets named in ``text``: (dataset, matched words, character offset), first mention each."""
        found: dict[str, tuple[Dataset, str, int]] = {}
        for ds, words, offset in self.names.find(text, view, folded, scanned):
            found.setdefault(ds.mention_key(words), (ds, words, offset))
        return list(found.values())
