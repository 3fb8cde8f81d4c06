"""Facts about one release, computed once and shared by every rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from openness.card import Lines
from openness.code_repos import CodeCatalogue, CodeRepo
from openness.datasets import Dataset, DatasetCatalogue, declared_names
from openness.engine.scan import Candidates, PatternIndex, ScanGroup, Subject, ascii_view, folded_view, row_starts
from openness.models import Release, Section, Status
from openness.papers import Paper, PaperCatalogue, bibtex_titles
from openness.readers.base import Evidence, LinkedSource
from openness.sources.ids import dataset_repo_id


class _PerCard:
    """``functools.cached_property`` without its lock, which Python 3.11 takes on every first read
    (one lock per property, shared by all instances): a :class:`Facts` belongs to one card and one
    thread. The value is stored in the instance's ``__dict__``, where later reads find it directly."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


if TYPE_CHECKING:
    per_card = cached_property
else:
    per_card = _PerCard

_LEADING_SPACE = re.compile(r"\s*")


def leading_space(text: str) -> int:
    """How many white-space characters ``text`` starts with."""
    m = _LEADING_SPACE.match(text)
    assert m is not None  # matches the empty string
    return m.end()


def stripped_length(text: str) -> int:
    """``len(text.strip())``, without copying the text (a card or section can be long)."""
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
    return end - leading_space(text) if end else 0


@dataclass(frozen=True)
class Catalogues:
    """Curated facts about resources cards name: datasets, papers, code repositories. Load once, share."""

    datasets: DatasetCatalogue
    papers: PaperCatalogue
    code: CodeCatalogue = field(default_factory=lambda: CodeCatalogue([]))

    @classmethod
    def load(cls) -> Catalogues:
        return cls(DatasetCatalogue.load(), PaperCatalogue.load(), CodeCatalogue.load())


def paper_from_reading(source: LinkedSource, release_id: str) -> Paper | None:
    """A paper read by the evidence stage, as a catalogue entry the paper rules produced; ``None`` when not read.

    Read from the paper itself, so ``verified``; it documents this release only when the card
    presents it as the model's own report (otherwise it is related work: at most partial).
    """
    if source.status != "read" or not source.facts.get("full_text"):
        return None
    own = bool(source.facts.get("own_report"))
    detail = str(source.facts.get("training_detail") or "unknown")
    sections = "; ".join(source.quotes[:1])
    return Paper(
        id=source.ref,
        title=str(source.facts.get("title") or source.ref),
        kind="model-report" if own else "other",
        training_detail=Status(detail) if detail in {s.value for s in Status} else Status.UNKNOWN,
        data_mixture=bool(source.facts.get("data_mixture")),
        covers=[release_id] if own else [],
        note=f"read from {source.url}" + (f" ({sections})" if sections else ""),
        source=source.url,
        verified=True,
    )


def _read_status(source: LinkedSource, key: str) -> Status:
    """A status a reader stored in its facts; anything else (absent, a cached value from another version) is unknown."""
    value = str(source.facts.get(key) or "unknown")
    return Status(value) if value in _STATUS_VALUES else Status.UNKNOWN


_STATUS_VALUES = frozenset(s.value for s in Status)


def dataset_from_reading(source: LinkedSource) -> Dataset | None:
    """A dataset read by the evidence stage (its Hub page and card), as a catalogue entry with
    ``source: read``; ``None`` when it was not read."""
    if source.status != "read":
        return None
    licence = source.facts.get("license")
    code_url = source.facts.get("construction_code_url")
    line = source.facts.get("construction_line")
    said = [f"{source.facts.get('access')} on the Hub", *([f"licence {licence}"] if licence else [])]
    if code_url:
        said.append(f"construction code {code_url}" + (f" (card line {line})" if line else ""))
    return Dataset(
        id=source.ref,
        name=source.ref,
        hub_ids=[source.ref],
        availability=_read_status(source, "availability"),
        license=str(licence) if licence else None,
        construction_code=_read_status(source, "construction_code"),
        construction_code_url=str(code_url) if code_url else None,
        urls=[source.url],
        verified=True,
        notes=f"dataset card {source.url}: {', '.join(said)}",
        source="read",
    )


def repo_from_reading(source: LinkedSource) -> CodeRepo | None:
    """A repository read by the evidence stage (its tree), as a code-catalogue entry; ``None`` when not read."""
    if source.status != "read":
        return None
    licence = source.facts.get("license")
    return CodeRepo(
        repo=source.ref,
        kind="model-repo",
        training_code=_read_status(source, "training_code"),
        data_pipeline=_read_status(source, "data_pipeline"),
        license=str(licence) if licence else None,
        source=source.url,
        verified=True,
        note=f"{source.note}: {', '.join(q.removeprefix('file:') for q in source.quotes[:3])}" if source.quotes else source.note,
    )


@dataclass(frozen=True, slots=True)
class PaperMention:
    """A paper the release links or names: where, what the card says of it, its catalogue entry, its card line."""

    where: str
    what: str
    entry: Paper | None
    line: int | None


@dataclass(frozen=True, slots=True)
class CodeMention:
    """A code repository the release points to: a link, or a toolkit its library tags name."""

    where: str
    name: str
    entry: CodeRepo | None
    via: str  # "link" or "tag"
    line: int | None


_DATA_HEADING = re.compile(
    r"^(?:the )?(?:training |pre-?training |fine-?tuning )?(?:data ?sets?|data|corpus|training data)\s*(?:used)?\s*:?$", re.I
)
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]{1,100})\]\((https?://[^)\s]+)\)")
_TFDS_URL = re.compile(r"tensorflow\.org/datasets/catalog/(\w+)|github\.com/tensorflow/datasets/blob/[^\s)]*/catalog/(?:\w+/)?(\w+)\.md")
_HUB_DATASET_URL = re.compile(r"huggingface\.co/datasets/([\w.\-]+(?:/[\w.\-]+)?)")
_PAPER_URL = re.compile(
    r"arxiv\.org|aclanthology|aclweb\.org|openreview\.net|doi\.org|\.pdf\b|papers\.|proceedings\.|semanticscholar|wandb\.ai|"
    r"huggingface\.co/(?!datasets/)",  # a model page, a run log
    re.I,
)
_NOT_DATA_LABEL = re.compile(
    r"\b(paper|report|blog|post|article|documentation|docs|card|license|licence|terms|github|code|notebook|colab|explore|reference|artifacts?|"
    r"group|stage|details|more|information)\b",
    re.I,
)
_GENERIC_LINK_TEXT = frozenset(
    {"here", "link", "this", "this link", "dataset", "the dataset", "data", "website", "paper", "source", "download"}
)


@dataclass
class DatasetMention:
    """A training dataset the release names, and the catalogue entry (or its Hub card's reading) when we know it."""

    name: str
    where: str
    entry: Dataset | None
    note: str = ""  # why its Hub card was not read (offline, unreachable), when it was not


# A dataset link on a line about evaluation only is not training data: 38 of the 919 Hub dataset page
# links in the corpus's cards sit on such lines (532 on lines about training, the rest in data lists).
_EVAL_LINE = re.compile(r"evaluat|benchmark|\btest(ed|ing| set)?\b|validation", re.I)
_TRAIN_LINE = re.compile(r"train|fine-?tun|corpus", re.I)


# "Note that all Wikipedia pages were removed from this dataset, so the model was not trained on any part
# of Wikipedia" (the GPT-2 card, copied by 4 Parquet cards): a name the sentence says was left out.
_EXCLUDED_AFTER = re.compile(r"[^.\n]{0,30}?\b(?:were|was|are|is|been) (?:\w+ )?(?:removed|excluded|filtered out|left out)\b", re.I)
_EXCLUDED_BEFORE = re.compile(r"\bnot (?:been )?(?:pre-?)?trained on (?:any )?(?:part of )?(?:the )?$", re.I)


def excluded_from_training(text: str, name: str, offset: int) -> bool:
    """Whether the sentence naming a dataset at ``offset`` says it was left out of the training data."""
    return bool(_EXCLUDED_BEFORE.search(text[max(0, offset - 60) : offset]) or _EXCLUDED_AFTER.match(text, offset + len(name)))


def is_evaluation_line(line: str) -> bool:
    """Whether a card line that links a dataset speaks of evaluation and not of training."""
    return bool(_EVAL_LINE.search(line)) and not _TRAIN_LINE.search(line)


@dataclass
class Facts:
    release: Release
    catalogues: Catalogues
    group: ScanGroup | None = None  # indexes over the card text scanned together (see openness.audit.Pipeline)
    evidence: Evidence = field(default_factory=Evidence)  # what the release's linked sources say (EVIDENCE stage)
    _folded_sections: dict[int, bytes] = field(default_factory=dict, init=False, repr=False)
    _sections_by_pattern: dict[str, list[Section]] = field(default_factory=dict, init=False, repr=False)
    _scans: dict[int, Candidates] = field(default_factory=dict, init=False, repr=False)
    _row_views: dict[str, tuple[bytes, list[int]]] = field(default_factory=dict, init=False, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    explain: bool = field(default=False, init=False)  # evaluate every alternative, for --explain
    # The rules' text patterns the card's prefilter scan allows: (their index, slots), set by RuleSet.evaluate.
    possible_texts: tuple[PatternIndex, frozenset[int]] | None = field(default=None, init=False, repr=False)
    _located: dict[int, bool] = field(default_factory=dict, init=False, repr=False)

    @per_card
    def text(self) -> str:
        return self.release.card_text

    @per_card
    def text_chars(self) -> int:
        """Characters of card text, surrounding white space aside."""
        return stripped_length(self.text)

    @per_card
    def view(self) -> bytes:
        """The text as the prefilter scans it (:func:`~openness.engine.scan.ascii_view`), made once for every rule."""
        return ascii_view(self.text)

    @per_card
    def folded(self) -> bytes:
        """The view lower-cased, where literals are looked for (:func:`~openness.engine.scan.folded_view`);
        the licence audit reads it too."""
        return self.view.lower()

    def scan(self, index: PatternIndex) -> Candidates:
        """Which of ``index``'s patterns may match its subject (card text, headings or links): one scan per index."""
        found = self._scans.get(id(index))
        if found is None:
            if self.group is not None and index in self.group.members:
                for member, scanned in zip(self.group.members, self.group.scan(self.view)):
                    self._scans[id(member)] = scanned
                return self._scans[id(index)]
            found = self._scans[id(index)] = index.scan(self.view if index.subject == "text" else self._rows(index.subject)[0])
        return found

    def rows(self, index: PatternIndex, slot: int) -> set[int] | None:
        """Which sections (by heading) or links pattern ``slot`` of an ``every_match`` index may match;
        None when the prefilter cannot tell (every row may)."""
        rows = self.scan(index).rows(slot, self._rows(index.subject)[1])
        return {row // 2 for row in rows} if rows is not None and index.subject == "links" else rows

    def _rows(self, subject: Subject) -> tuple[bytes, list[int]]:
        """The headings (one per section) or links (URL, then target) as one view, a row per line,
        and where each row starts in it."""
        cached = self._row_views.get(subject)
        if cached is None:
            if subject == "headings":
                strings = [s.heading for s in self.release.sections]
            else:
                strings = [x for link in self.release.links for x in (link.url, link.target)]
            cached = self._row_views[subject] = (ascii_view("\n".join(strings)), row_starts(strings))
        return cached

    def folded_of(self, section: Section) -> bytes:
        """A section's folded view: a slice of the card's when the section knows where it is."""
        key = id(section)
        cached = self._folded_sections.get(key)
        if cached is None:
            if self.in_text(section):
                assert section.offset is not None
                cached = self.folded[section.offset : section.offset + len(section.text)]
            else:
                cached = folded_view(section.text)
            self._folded_sections[key] = cached
        return cached

    def in_text(self, section: Section) -> bool:
        """Whether ``section.offset`` locates the section's text in the card text, as whole lines
        (so that ``^``, ``$`` and ``\\b`` at its edges mean the same in the section and in the card).

        Checked once per section: every non-empty section of the card parser passes, but a release
        may be built by hand (an empty section that fails has nothing to search either way).
        """
        offset = section.offset
        if offset is None:
            return False
        located = self._located.get(id(section))
        if located is None:
            end = offset + len(section.text)
            located = self._located[id(section)] = (
                self.text.startswith(section.text, offset)
                and (offset == 0 or self.text[offset - 1] == "\n")
                and (end == len(self.text) or self.text[end] == "\n")
            )
        return located

    @per_card
    def file_basenames(self) -> list[tuple[str, str]]:
        return [(f, f.rsplit("/", 1)[-1]) for f in self.release.files]

    def line_of(self, offset: int) -> int:
        """1-based card line of a character offset in the body."""
        return self._lines(offset)

    @per_card
    def _lines(self) -> Lines:
        return Lines(self.text, self.release.card_body_line, [s for s in self.release.sections if self.in_text(s)])

    def metadata_values(self, path: str) -> list[Any]:
        """Values at a dotted key path; lists along the path are searched element-wise."""
        current: list[Any] = [self.release.metadata]
        for part in path.split("."):
            nxt: list[Any] = []
            for item in current:
                if isinstance(item, dict) and part in item:
                    value = item[part]
                    nxt.extend(value if isinstance(value, list) else [value])
                elif isinstance(item, list):
                    nxt.extend(v[part] for v in item if isinstance(v, dict) and part in v)
            current = nxt
        return [v for v in current if v is not None]

    def sections_matching(self, heading: Any, index: PatternIndex | None = None, slot: int = -1) -> list[Section]:
        """Sections whose heading matches a compiled pattern, with their sub-sections (cached per pattern).

        ``index`` and ``slot``: the pattern in a headings prefilter index, which tells the only
        sections whose heading may match.
        """
        cached = self._sections_by_pattern.get(heading.pattern)
        if cached is None:
            rows = self.rows(index, slot) if index is not None else None
            cached = [] if rows is not None and not rows else self._match_sections(heading, rows)
            self._sections_by_pattern[heading.pattern] = cached
        return cached

    def _match_sections(self, heading: Any, rows: set[int] | None) -> list[Section]:
        out: list[Section] = []
        level_open: int | None = None
        for i, s in enumerate(self.release.sections):
            if level_open is not None and s.level > level_open:
                out.append(s)
                continue
            level_open = None
            if s.heading and (rows is None or i in rows) and heading.search(s.heading):
                out.append(s)
                level_open = s.level
        return out

    @per_card
    def datasets(self) -> list[DatasetMention]:
        """Training datasets the release names: metadata ``datasets`` and dataset links, catalogued or
        read from their Hub cards by the evidence stage (a card that only hosts images is left out).

        Only when the metadata declares none are catalogued names in the text used, and names a
        sentence says the model was trained on (catalogued or not, :meth:`DatasetCatalogue.named_in_prose`): a card that
        declares its data often also names the sources *inside* it (the Pile's Common Crawl part).
        An uncatalogued link that was not read may be anything (e.g. an image host), so it does not count.
        """
        mentions: list[DatasetMention] = []
        seen: set[str] = set()
        catalogue = self.catalogues.datasets

        def add(name: str, where: str, found: tuple[Dataset | None, str, str] | None) -> None:
            if found is None:
                return
            entry, where, note = found[0], found[1] or where, found[2]
            key = entry.mention_key(name) if entry else name.lower()
            if key not in seen:
                seen.add(key)
                mentions.append(DatasetMention(name, where, entry, note))

        declared = [(ds, catalogue.lookup(ds)) for ds in declared_names(self.release.metadata.get("datasets"))]
        configs = {c.lower() for _ds, entry in declared if entry is not None for c in entry.configs}
        for ds, known in declared:
            if known is None and ds.strip().lower() in configs:  # "libri2mix, sep_clean": one dataset
                continue
            where = f"metadata:datasets={ds}"
            add(ds, where, (known, "", "") if known else self._read_dataset(ds, where))
        for link in self.release.links:
            if link.kind != "dataset":
                continue
            where = f"link:{link.url} (line {link.line})"
            if (entry := catalogue.lookup(link.target)) is not None:
                add(link.target, where, (entry, "", ""))
            elif not is_evaluation_line(self.card_lines_around(link.line, 0) if link.line else ""):
                read = self._read_dataset(link.target, where)  # counts only as read: unread, it may be anything
                add(link.target, where, read if read is not None and read[0] is not None else None)
        if not mentions:
            for entry, words, offset in catalogue.mentioned_in(self.text, self.view, self.folded, self.scan(catalogue.names.index)):
                if not excluded_from_training(self.text, words, offset):
                    add(words, f"card:line {self.line_of(offset)}", (entry, "", ""))
        if not declared:
            # "fine-tuned on MNLI dataset", "trained on the te_dx_jp dataset": named in a sentence.
            own = re.sub(r"[^a-z0-9]+", "", self.release.id.rpartition("/")[2].lower())
            for found, words, offset in catalogue.named_in_prose(self.text, self.folded):
                # "trained with the Phi-3 datasets": data named after the model is the developer's own.
                if found is None and re.sub(r"[^a-z0-9]+", "", words.lower()) in own:
                    continue
                add(words, f"card:line {self.line_of(offset)}", (found, "", ""))
        if not mentions:
            for section, name, entry in self._data_section_links():
                add(name, f"card:{section.heading} (line {section.start_line})", (entry, "", ""))
        return mentions

    def _data_section_links(self) -> list[tuple[Section, str, Dataset | None]]:
        """Datasets a "## Dataset" / "## Training data" section links: "The [Flower Dataset](...tf_flowers)".

        Of the 937 corpus cards with such a section, 464 declare no ``datasets`` and 313 of those link
        the data there; the link text names it (a Hub dataset link, its id), generic text ("here") none.
        """
        found: list[tuple[Section, str, Dataset | None]] = []
        catalogue = self.catalogues.datasets
        for section in self.release.sections:
            if not _DATA_HEADING.search(section.heading):
                continue
            for m in _MD_LINK.finditer(section.text[:2000]):
                label, url = m.group(1).strip(" `*_\"'"), m.group(2)
                hub = _HUB_DATASET_URL.search(url)
                tfds_match = _TFDS_URL.search(url)
                tfds = (tfds_match.group(1) or tfds_match.group(2)) if tfds_match else None
                name = hub.group(1) if hub else tfds or label
                if not hub and not tfds and (label.lower() in _GENERIC_LINK_TEXT or len(label) < 3):
                    continue
                entry = catalogue.lookup(name) or (catalogue.lookup(label) if hub else None)
                if entry is None and tfds:  # imagenet2012 has its own entry; the rest are TFDS downloads
                    entry = catalogue.lookup(f"tfds/{name}")
                # A paper or a report linked for the details names no dataset of its own.
                if entry is None and (_PAPER_URL.search(url) or _NOT_DATA_LABEL.search(label)):
                    continue
                found.append((section, name, entry))
                if len(found) >= 3:
                    return found
        return found

    def _read_dataset(self, name: str, where: str) -> tuple[Dataset | None, str, str] | None:
        """(entry read from its Hub card, where, why its card was not read) for an uncatalogued dataset;
        ``None`` for a repository that only hosts a card's images."""
        dataset = dataset_repo_id(name)
        if dataset is None:
            return None, "", ""
        source = self._read_datasets.get(dataset.lower())
        if source is None:
            return None, "", f"dataset card not read: {self.evidence.not_read}" if self.evidence.not_read else "dataset card not read"
        if source.status == "read":
            if source.facts.get("assets_only"):
                return None
            line = source.facts.get("construction_line")
            cited = f"dataset-card:{source.facts.get('card_url') or source.url}" + (f" (line {line})" if line else "")
            return dataset_from_reading(source), f"{cited}; named at {where}", ""
        if source.status == "not_found":
            return None, "", ""
        return None, "", f"dataset card {source.note}" if source.note.startswith("not read") else f"dataset card not read: {source.note}"

    @per_card
    def _read_datasets(self) -> dict[str, LinkedSource]:
        return {s.ref.lower(): s for s in self.evidence.sources if s.kind == "dataset"}

    @per_card
    def papers(self) -> list[PaperMention]:
        """Papers the card links to or names, with the catalogue entry when known."""
        found: list[PaperMention] = []
        ids: set[str] = set()
        read = {s.ref.lower(): s for s in self.evidence.sources if s.kind == "paper"}
        for link in self.release.links:
            paper = self.catalogues.papers.for_link(link)
            what = link.target
            if paper is None and (source := read.get(link.target.lower())) is not None:
                paper = paper_from_reading(source, self.release.id)
                what = f"{link.target} ({source.note})" if paper is None else what
            if link.kind in ("arxiv", "paper") or paper is not None:
                found.append(PaperMention(f"link:{link.url}" + (f" (line {link.line})" if link.line else ""), what, paper, link.line))
                if paper is not None:
                    ids.add(paper.id)
        papers = self.catalogues.papers
        for paper, offset in papers.mentioned_in(self.text, self.view, self.folded, self.scan(papers.names.index)):
            if paper.id not in ids:
                ids.add(paper.id)
                line = self.line_of(offset)
                found.append(PaperMention(f"card:line {line}", paper.title, paper, line))
        # A citation by its BibTeX title alone ("title = {MarIA: Spanish Language Models}") names the paper too.
        if b"title" in self.folded:
            for title, offset in bibtex_titles(self.text):
                if (paper := papers.for_title(title)) is not None and paper.id not in ids:
                    ids.add(paper.id)
                    line = self.line_of(offset)
                    found.append(PaperMention(f"card:line {line} (BibTeX title)", paper.title, paper, line))
        return found

    @per_card
    def code_repos(self) -> list[CodeMention]:
        """Code repositories the card links to, once each, then catalogued toolkits its tags name."""
        found: list[CodeMention] = []
        seen: set[str] = set()
        read = {s.ref.lower(): s for s in self.evidence.sources if s.kind == "code"}
        for link in self.release.links:
            if link.kind != "code" or link.target.lower() in seen:
                continue
            seen.add(link.target.lower())
            where = f"link:{link.url}" + (f" (line {link.line})" if link.line else "")
            entry = self.catalogues.code.for_link(link)
            if entry is None and (source := read.get(link.target.lower().removesuffix(".git"))) is not None:
                entry = repo_from_reading(source)
            found.append(CodeMention(where, link.target, entry, "link", link.line))
        names = [str(self.release.metadata.get("library_name") or ""), *self.release.tags]
        for entry in self.catalogues.code.for_libraries(names):
            if entry.repo.lower() not in seen:
                seen.add(entry.repo.lower())
                found.append(CodeMention("metadata:library_name/tags", entry.repo, entry, "tag", None))
        return found

    def card_lines_around(self, line: int, radius: int = 1) -> str:
        """Card lines ``line - radius`` to ``line + radius`` (1-based, as links and evidence count them)."""
        lines = self._card_lines
        first = line - self.release.card_body_line  # index into the body's lines
        return "\n".join(lines[max(0, first - radius) : max(0, first + radius + 1)])

    @per_card
    def _card_lines(self) -> list[str]:
        return self.text.splitlines()
