"""What a population of model cards references, and how much of it the catalogues cover.

A catalogue entry is worth writing when many cards cite what it describes: ranking a corpus's
references (arXiv papers, paper titles, datasets, base models, code repositories) by the number of
cards that cite them shows the head of each distribution, and coverage weighted by those counts
says how often a card's reference can be judged offline. A corpus is a folder of ``.md`` cards or
a Parquet file in the layout of the public Hub card dumps (``modelId``, ``card``, ...).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openness.card import as_list, parse_card
from openness.code_repos import CodeCatalogue
from openness.datasets import DatasetCatalogue, declared_names
from openness.errors import InputError
from openness.models import Link
from openness.papers import PaperCatalogue, bibtex_titles, canonical_paper_url, normalise_title
from openness.registry.store import Registry, bundled_registry
from openness.release import infer_base_models
from openness.textfile import read_text

KINDS = ("arxiv", "paper_title", "paper_link", "dataset", "base_model", "code")
"""What is ranked: arXiv ids, titles of cited papers (BibTeX ``title =``), other paper links
(OpenReview, ACL Anthology, PDFs), datasets, base models, code repositories."""

MAX_CARD_BYTES = 1_000_000
_BATCH_ROWS = 2048

# Auto-generated Trainer cards: "a fine-tuned version of [X](https://huggingface.co/X) on the Y dataset";
# X may be a legacy id without an organisation (bert-base-uncased), which the Hub still serves.
_FINETUNED_OF = re.compile(
    r"fine-?tuned version of \[[^\]\n]{1,200}\]\(https?://huggingface\.co/(?!datasets/|spaces/)([\w.\-]+(?:/[\w.\-]+)?)\)", re.I
)
_ON_DATASET = re.compile(r"\bon the \[?([\w][\w.\-/ ]{0,60}?)\]?(?:\([^)\s]{1,200}\))? dataset\b", re.I)
_NOT_NAMES = {"none", "generator", "imagefolder", "custom", "unknown", "this", "same", "following", "above", "private"}


@dataclass(frozen=True)
class CardReferences:
    """What one card cites, each item once (ids lower-cased, titles normalised)."""

    arxiv: frozenset[str]
    paper_title: frozenset[str]
    paper_link: frozenset[str]
    dataset: frozenset[str]
    base_model: frozenset[str]
    code: frozenset[str]

    def of(self, kind: str) -> frozenset[str]:
        value: frozenset[str] = getattr(self, kind)
        return value


def card_references(model_id: str, text: str, datasets: DatasetCatalogue | None = None) -> CardReferences:
    """The references of one card: metadata (``datasets``, ``base_model``, ``arxiv:`` tags) and body.

    Datasets are the metadata's, the Hub dataset links', those named as "on the X dataset", and, with a
    catalogue, the catalogued names the text mentions (keyed by the catalogue id, so a dataset named
    and linked counts once). Base models are the metadata's and those named in prose.
    """
    card = parse_card(text)
    meta = card.metadata
    links: list[Link] = card.links
    arxiv = {link.target.lower() for link in links if link.kind == "arxiv"}
    arxiv.update(t.split(":", 1)[1].lower() for t in as_list(meta.get("tags")) if t.lower().startswith("arxiv:"))
    arxiv = {re.sub(r"v\d+$", "", a) for a in arxiv}
    titles = {title for title, _at in bibtex_titles(card.body)}
    paper_links = {canonical_paper_url(link.url) for link in links if link.kind == "paper"}
    names: set[str] = {d.lower() for d in declared_names(meta.get("datasets"))}
    names.update(link.target.lower() for link in links if link.kind == "dataset")
    for m in _ON_DATASET.finditer(card.body):
        name = m.group(1).strip().lower()
        if name not in _NOT_NAMES and not name.startswith(("none", "a ", "an ", "the ")):
            names.add(name)
    found: set[str] = set()
    if datasets is not None:
        for name in names:
            entry = datasets.lookup(name)  # as the classifier resolves it: "common voice 11.0", "glue mrpc"
            found.add(entry.id if entry else name)
        found.update(entry.id for entry, _words, _at in datasets.mentioned_in(card.body))
    else:
        found = names
    bases = {b.lower() for b in as_list(meta.get("base_model"))}
    bases.update(m.lower() for m, _line in infer_base_models(card.body, card.body_line, model_id))
    bases.update(m.group(1).rstrip(".").lower() for m in _FINETUNED_OF.finditer(card.body))
    bases.discard(model_id.lower())
    code = {link.target.lower() for link in links if link.kind == "code"}
    return CardReferences(
        arxiv=frozenset(arxiv),
        paper_title=frozenset(t for t in titles if t),
        paper_link=frozenset(paper_links),
        dataset=frozenset(found),
        base_model=frozenset(bases),
        code=frozenset(code),
    )


def model_id_from_filename(name: str) -> str:
    """``org__name.md`` (the dev set) or ``org_name_README.md`` (the corpus): first separator = the slash."""
    stem = name.removesuffix(".md").removesuffix("_README")
    if "__" in stem:
        return stem.replace("__", "/", 1)
    return stem.replace("_", "/", 1)


def read_corpus(path: Path) -> Iterator[tuple[str, str]]:
    """(model id, card text) for every card of a corpus: a folder of ``.md`` files or a Parquet dump.

    Unreadable or binary files in a folder are skipped (a corpus is a population, not a target list).
    """
    if path.is_dir():
        for f in sorted(path.glob("*.md")):
            if not f.is_file() or f.is_symlink():
                continue
            try:
                text, _warnings = read_text(f, MAX_CARD_BYTES, "a model card")
            except InputError:
                continue
            yield model_id_from_filename(f.name), text
        return
    if not path.is_file():
        raise InputError(f"corpus not found: {path}")
    if path.suffix.lower() != ".parquet":
        raise InputError(f"{path}: a corpus is a folder of .md cards or a .parquet card dump")
    yield from _read_parquet(path)


def _read_parquet(path: Path) -> Iterator[tuple[str, str]]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow: pip install 'openness[sweep]'") from None
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:  # ArrowInvalid for a file that is not Parquet
        raise InputError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
    columns = set(pf.schema_arrow.names)
    if not {"modelId", "card"} <= columns:
        raise InputError(f"{path}: needs the columns modelId and card (has {', '.join(sorted(columns))})")
    for batch in pf.iter_batches(batch_size=_BATCH_ROWS, columns=["modelId", "card"]):
        for model_id, card in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True):
            if isinstance(card, str) and card:
                yield str(model_id or ""), card[:MAX_CARD_BYTES]


@dataclass
class Ranking:
    """One kind of reference: how many cards cite each item, and which items a catalogue covers."""

    kind: str
    counts: Counter[str] = field(default_factory=Counter)
    covered: set[str] = field(default_factory=set)
    cards_citing: int = 0
    catalogued: bool = True  # False: no catalogue was given for this kind: coverage is not measured

    @property
    def citations(self) -> int:
        return sum(self.counts.values())

    @property
    def covered_citations(self) -> int:
        return sum(n for item, n in self.counts.items() if item in self.covered)

    @property
    def coverage(self) -> float:
        return self.covered_citations / self.citations if self.citations else 0.0

    def head(self, min_cards: int) -> tuple[int, float]:
        """How many items are cited by ``min_cards`` or more cards, and their share of all citations."""
        items = [n for n in self.counts.values() if n >= min_cards]
        return len(items), (sum(items) / self.citations if self.citations else 0.0)

    def top(self, n: int, missing_only: bool = False) -> list[tuple[str, int, bool]]:
        """The ``n`` most cited items: (item, cards, covered), most cited first, ties by name."""
        ranked = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        rows = [(item, count, item in self.covered) for item, count in ranked]
        return [r for r in rows if not (missing_only and r[2])][:n]


@dataclass
class Population:
    cards: int
    rankings: dict[str, Ranking]


class Coverage:
    """Which references the catalogues answer: papers (by arXiv id, title or URL), datasets, releases, code."""

    def __init__(self, papers: PaperCatalogue, datasets: DatasetCatalogue, registry: Registry, code: CodeCatalogue | None = None) -> None:
        self.papers, self.datasets, self.registry, self.code = papers, datasets, registry, code
        self._titles = {normalise_title(t) for p in papers.papers for t in (p.title, *p.aliases)}

    @classmethod
    def load(cls) -> Coverage:
        return cls(PaperCatalogue.load(), DatasetCatalogue.load(), bundled_registry(), CodeCatalogue.load())

    def checker(self, kind: str) -> Callable[[str], bool] | None:
        """A test of whether one item of ``kind`` is catalogued; None where no catalogue holds the kind."""
        if kind == "arxiv":
            return lambda a: self.papers.for_link(Link(kind="arxiv", url=f"https://arxiv.org/abs/{a}", target=a)) is not None
        if kind == "paper_title":
            return lambda t: t in self._titles
        if kind == "paper_link":
            return lambda u: self.papers.for_link(Link(kind="paper", url=u, target=u)) is not None
        if kind == "dataset":
            return lambda d: self.datasets.lookup(d) is not None
        if kind == "base_model":
            return lambda b: self.registry.find(b) is not None
        if kind == "code" and self.code is not None:
            code = self.code
            return lambda r: code.get(r) is not None
        return None


def survey(cards: Iterable[tuple[str, str]], coverage: Coverage) -> Population:
    """Rank what ``cards`` reference and mark what the catalogues cover."""
    rankings = {kind: Ranking(kind) for kind in KINDS}
    n = 0
    for model_id, text in cards:
        n += 1
        refs = card_references(model_id, text, coverage.datasets)
        for kind, ranking in rankings.items():
            items = refs.of(kind)
            if items:
                ranking.cards_citing += 1
                ranking.counts.update(items)
    for kind, ranking in rankings.items():
        check = coverage.checker(kind)
        if check is None:
            ranking.catalogued = False
        else:
            ranking.covered = {item for item in ranking.counts if check(item)}
    return Population(n, rankings)


LABELS = {
    "arxiv": "arXiv papers",
    "paper_title": "paper titles",
    "paper_link": "other paper links",
    "dataset": "datasets",
    "base_model": "base models",
    "code": "code repositories",
}
CATALOGUE = {
    "arxiv": "registry/papers",
    "paper_title": "registry/papers",
    "paper_link": "registry/papers",
    "dataset": "registry/datasets",
    "base_model": "registry/releases",
    "code": "registry/code",
}


def population_document(pop: Population, top: int = 20, missing_only: bool = False, head: int = 3) -> dict[str, object]:
    """The survey as plain data (the JSON output): per kind, coverage figures and the most cited items."""
    kinds: dict[str, object] = {}
    for kind, r in pop.rankings.items():
        n_head, share = r.head(head)
        kinds[kind] = {
            "label": LABELS[kind],
            "catalogue": CATALOGUE.get(kind),
            "cards_citing": r.cards_citing,
            "distinct": len(r.counts),
            "citations": r.citations,
            "covered_distinct": len(r.covered) if r.catalogued else None,
            "covered_citations": r.covered_citations if r.catalogued else None,
            "coverage": round(r.coverage, 4) if r.catalogued else None,
            "head": {"min_cards": head, "items": n_head, "share": round(share, 4)},
            "top": [{"item": i, "cards": n, "catalogued": c if r.catalogued else None} for i, n, c in r.top(top, missing_only)],
        }
    return {"cards": pop.cards, "kinds": kinds}
