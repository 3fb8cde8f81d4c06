"""`openness population`: rank what a corpus of cards references and how much the catalogues cover."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import click

from openness.cli.base import cli, examples, summary


@cli.command(
    "population",
    epilog=examples("openness population ../shared/corpus/cards --top 30", "openness population cards.parquet --missing --format json"),
)
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("--top", default=20, show_default=True, type=click.IntRange(0, 100_000), help="Items listed per kind.")
@click.option("--missing", is_flag=True, help="List only items no catalogue covers (what to catalogue next).")
@click.option(
    "--head", default=3, show_default=True, type=click.IntRange(1), help="Report the share of items cited by this many cards or more."
)
@click.option("--limit", type=click.IntRange(1), help="Read at most this many cards.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def population(corpus: Path, top: int, missing: bool, head: int, limit: int | None, fmt: str) -> None:
    """Rank the papers, datasets, base models and code repositories that CORPUS cites, and the catalogues' coverage.

    CORPUS is a folder of .md cards or a Parquet card dump (columns modelId, card; needs pyarrow).
    Coverage is weighted by citations: the share of (card, item) pairs whose item is catalogued.
    """
    from openness.formatters.population import format_population
    from openness.population import Coverage, population_document, read_corpus, survey

    cards = read_corpus(corpus)
    pop = survey(itertools.islice(cards, limit) if limit else cards, Coverage.load())
    if fmt == "json":
        click.echo(json.dumps(population_document(pop, top, missing, head), indent=2, ensure_ascii=False))
    else:
        click.echo(format_population(pop, top, missing, head), nl=False)
    summary(f"{pop.cards:,} card(s) surveyed")
