"""`openness sweep` and `openness sweep-report`: every card of a dump, and what the whole looks like."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from openness.cli.base import EXIT_ERROR, cli, examples, fail, rules_option, summary, write_output_to


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        fail("sweeps need the 'sweep' extra: pip install 'openness[sweep]'")


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Any]:
    """A progress bar on stderr (only when it is a terminal, or when asked), updated from the sweep's callback."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("cards"), TimeRemainingColumn(), console=Console(stderr=True)
    )
    task = bar.add_task("sweep", total=None)
    with bar:

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@cli.command(epilog=examples("openness sweep ../shared/corpus/model_cards.parquet -o sweep/", "openness sweep cards/ -o sweep/ --fresh"))
@click.argument("input_path", metavar="INPUT")
@click.option(
    "-o",
    "--output",
    metavar="FOLDER|URL",
    required=True,
    help="Output folder, or an fsspec URL (s3://, gs://, hf://...): a Parquet dataset.",
)
@click.option(
    "--engine",
    type=click.Choice(["processes", "dask", "serial"]),
    default="processes",
    show_default=True,
    envvar="OPENNESS_SWEEP_ENGINE",
    help="processes: local worker processes; dask: a Dask cluster (--address, or a local one); serial: this process.",
)
@click.option(
    "--address", metavar="URL", envvar="OPENNESS_SWEEP_ADDRESS", help="Dask scheduler, e.g. tcp://10.0.0.1:8786 (with --engine dask)."
)
@click.option("--workers", type=click.IntRange(1, 4096), help="Worker processes (default: the cores available).")
@click.option("--chunk-rows", type=click.IntRange(1, 1_000_000), default=5_000, show_default=True, help="Cards per task and per partition.")
@click.option("--max-card-chars", type=click.IntRange(1), default=1_000_000, show_default=True, help="Longer cards become error rows.")
@click.option(
    "--max-aliases", type=click.IntRange(0), default=100, show_default=True, help="YAML aliases allowed in a card's front matter."
)
@click.option("--card-seconds", type=click.FloatRange(0), default=10.0, show_default=True, help="Time allowed per card (0: none).")
@click.option("--no-second-pass", is_flag=True, help="Do not resolve base models from the dump itself.")
@click.option("--fresh", is_flag=True, help="Discard what OUTPUT holds from an earlier sweep and start again.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
@rules_option
def sweep(
    input_path: str,
    output: str,
    engine: str,
    address: str | None,
    workers: int | None,
    chunk_rows: int,
    max_card_chars: int,
    max_aliases: int,
    card_seconds: float,
    no_second_pass: bool,
    fresh: bool,
    progress: bool | None,
    rules_dirs: tuple[Path, ...],
) -> None:
    """Audit every card of INPUT (a Parquet file or folder, an fsspec URL, a JSONL file, or a folder of
    cards) into OUTPUT, a zstd Parquet dataset with one flat row per card. A rerun resumes."""
    _need_pyarrow()
    from openness.batch.audit import BatchOptions, pipeline
    from openness.batch.engines import open_executor
    from openness.batch.inputs import SweepInput
    from openness.batch.limits import CardLimits
    from openness.batch.store import Store, is_url
    from openness.batch.sweep import run_sweep

    if address and engine != "dask":
        fail("--address needs --engine dask")
    if output.startswith("memory://") and engine != "serial":
        fail("memory:// output lives in one process: use --engine serial")
    Store.at(output)  # an unusable URL fails here, once
    options = BatchOptions(
        rules_dirs=tuple(str(d.resolve()) for d in rules_dirs),
        limits=CardLimits(max_chars=max_card_chars, max_aliases=max_aliases, seconds=card_seconds),
    )
    pipeline(options.rules_dirs)  # bad rules fail here, once, not as an error in every row
    inp = SweepInput.open(input_path, chunk_rows)
    show = sys.stderr.isatty() if progress is None else progress
    with open_executor(engine, workers, address) as (executor, slots), _progress_bar(show) as bar:  # type: ignore[arg-type]
        stats = run_sweep(
            inp,
            output if is_url(output) else Path(output),
            executor,
            slots,
            options,
            fresh=fresh,
            second_pass=not no_second_pass,
            progress=bar,
        )
    rate = stats.partitions_written and (stats.rows / stats.wall_seconds if stats.wall_seconds else 0)
    summary(
        f"{stats.rows:,} cards in {output} ({stats.partitions_written} partition(s) written, {stats.partitions_skipped} already done); "
        f"{stats.errors:,} error row(s); second pass: {stats.second_pass_rows} re-audited, {stats.upper_bounds_removed} upper bound(s) removed; "
        f"{stats.wall_seconds:.1f} s" + (f", {rate:,.0f} cards/s" if rate else "")
    )
    if stats.errors and stats.errors == stats.rows:
        sys.exit(EXIT_ERROR)


@cli.command("sweep-report", epilog=examples("openness sweep-report sweep/", "openness sweep-report sweep/ --html out/sweep.html --top 50"))
@click.argument("sweep_dir", metavar="OUTPUT")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="HTML page (default OUTPUT/report.html).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="JSON figures (default OUTPUT/report.json).")
@click.option("--top", type=click.IntRange(1, 1000), default=25, show_default=True, help="Organisations, libraries and tags listed.")
def sweep_report(sweep_dir: str, html_path: Path | None, json_path: Path | None, top: int) -> None:
    """Figures over a sweep's output (a folder or an fsspec URL): levels by pipeline tag, library,
    organisation and month; licences and terms."""
    _need_pyarrow()
    from openness.batch.report import sweep_figures
    from openness.batch.store import Store, is_url
    from openness.formatters.sweep_report import render_html, render_json

    store = Store.at(sweep_dir)
    if not store.is_dir():
        fail(f"{sweep_dir}: no such folder")
    figures = sweep_figures(sweep_dir, top=top)
    written = []
    for given, name, text in ((json_path, "report.json", render_json(figures)), (html_path, "report.html", render_html(figures))):
        if given is None and is_url(sweep_dir):  # beside the partitions, at the URL
            store.write_text(name, text)
            written.append(store.path(name))
        else:
            target = given or Path(sweep_dir) / name
            write_output_to(target, text, make_parents=True)
            written.append(str(target))
    summary(f"{figures['rows']:,} cards: {written[1]}, {written[0]}")
