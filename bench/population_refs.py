"""Rank the datasets and base models a population of real cards references, and how much of each
the curated catalogues cover offline (``registry/datasets``, ``registry/releases``).

    python bench/population_refs.py [--top N] [--corpus PARQUET_OR_DIR] [--uncovered]

Datasets: metadata ``datasets:`` (and ``dataset:`` tags), Hub dataset links in the body (not the
files a card only shows, e.g. images under ``/resolve/``), and prose "on the X dataset".
Base models: metadata ``base_model`` (and ``base_model:`` tags), else what the release builder infers
from prose ("a fine-tuned version of [X](https://huggingface.co/X)"). A throwaway for growing the
catalogues from the head of the distributions; ``openness population`` is the general command.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from openness.datasets import DatasetCatalogue
from openness.registry.store import Registry
from openness.release import build_release

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
# The Trainer template: "... on the imdb dataset." ("None" when it was not given).
_ON_THE_DATASET = re.compile(r"\bon the ([\w./\-]{2,80}) dataset\b")
# Words that stand where a dataset name would ("on the same dataset") and task names that are not
# datasets (LibriMix/WHAM! "sep_clean"): not dataset mentions.
_NOT_DATASETS = frozenset(
    "none same entire whole full custom english above following given original new this our own test train training"
    " validation viewer provided specified unknown sep_clean sep_noisy enh_single enh_both openslr".split()
)


def cards(corpus: Path) -> Iterator[tuple[str, str]]:
    """(model id, card text) of each card in a Parquet file or a folder of Markdown files."""
    if corpus.is_dir():
        for path in sorted(corpus.glob("*.md")):
            yield path.stem.removesuffix("_README"), path.read_text(encoding="utf-8", errors="replace")
        return
    import pyarrow.parquet as pq

    table = pq.read_table(corpus, columns=["modelId", "card"])
    for model_id, card in zip(table.column("modelId").to_pylist(), table.column("card").to_pylist(), strict=True):
        if card:
            yield model_id, card


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "model_cards.parquet")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--uncovered", action="store_true", help="rank only what the catalogues miss")
    args = ap.parse_args()
    catalogue, registry = DatasetCatalogue.load(), Registry.load()
    datasets: Counter[str] = Counter()
    ds_covered: Counter[str] = Counter()
    bases: Counter[str] = Counter()
    base_covered: Counter[str] = Counter()
    prose_bases = 0
    by_glob = 0  # dataset mentions covered only by an id pattern (*/autotrain-data-*), not a named dataset
    n = 0
    for model_id, text in cards(args.corpus):
        n += 1
        release = build_release(model_id, text)
        names = {d.strip() for d in release.datasets if d.strip()}
        names |= {t.split(":", 1)[1] for t in release.tags if t.startswith("dataset:")}
        names |= {m.group(1) for m in _ON_THE_DATASET.finditer(release.card_text)}
        found = {d.lower(): d for d in names if d.lower() not in _NOT_DATASETS}
        for key, name in found.items():
            entry = catalogue.lookup(name)
            datasets[entry.id if entry else key] += 1
            if entry:
                ds_covered[entry.id] += 1
                by_glob += bool(entry.hub_id_globs) and catalogue.by_hub_id(name) is None
        if release.base_models and "base_model" not in release.metadata:
            prose_bases += 1
        for base in {b.lower(): b for b in release.base_models}.values():
            rel = registry.find(base)
            bases[rel.id if rel else base.lower()] += 1
            if rel:
                base_covered[rel.id] += 1

    def show(title: str, counts: Counter[str], covered: Counter[str]) -> None:
        total, cov = sum(counts.values()), sum(covered.values())
        head5 = [k for k, v in counts.items() if v >= 5]
        share5 = sum(counts[k] for k in head5) / total if total else 0.0
        print(f"== {title}: {total} mentions of {len(counts)} distinct; covered offline {cov}/{total} = {cov / max(total, 1):.1%}")
        print(f"   {len(head5)} named by 5+ cards make {share5:.1%} of mentions")
        shown = [(k, v) for k, v in counts.most_common() if not (args.uncovered and k in covered)]
        for k, v in shown[: args.top]:
            print(f"   {v:6d}  {'*' if k in covered else ' '} {k}")

    print(f"{n} cards from {args.corpus}")
    show("datasets", datasets, ds_covered)
    total = sum(datasets.values())
    named = sum(ds_covered.values()) - by_glob
    print(
        f"   of which by an id pattern (*/autotrain-data-*): {by_glob}; by a named dataset: {named}/{total} = {named / max(total, 1):.1%}"
    )
    show("base models", bases, base_covered)
    print(f"   cards whose base was read from prose (no base_model metadata): {prose_bases}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
