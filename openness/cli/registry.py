"""`openness registry`: validate the curated registry, build its report, diff builds."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openness.cli.base import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    audit_options,
    cli,
    examples,
    fail,
    history_option,
    mkdir_option,
    note,
    summary,
    verbose,
    write_output_to,
)
from openness.cli.base import quiet as is_quiet
from openness.formatters.formats import DIFF_FORMATS, REGISTRY_FORMATS
from openness.formatters.text import clean
from openness.registry.history import default_history_path
from openness.resources import data_dir

if TYPE_CHECKING:
    from openness.settings import AuditSettings


@cli.group(epilog=examples("openness registry build --offline -o out/report.html", "openness registry diff --since 2026-01-01"))
def registry() -> None:
    """The curated registry of notable releases: validate it, build the report, diff builds."""


@registry.command("validate", epilog=examples("openness registry validate", "openness registry validate my-registry/releases"))
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def registry_validate(directory: Path | None) -> None:
    """Validate registry files (default: the bundled registry); every bad file is reported."""
    from openness.license.database import LicenseDatabase
    from openness.registry.validate import validate_registry

    result = validate_registry(directory, LicenseDatabase.load().known_ids())
    for p in result.problems:
        click.echo(f"{p.severity}: {clean(p)}", err=True)
    summary(
        f"{result.files_checked} file(s), {result.releases_checked} release(s) checked: "
        f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)"
    )
    paper_errors = _validate_papers() if directory is None else 0
    sys.exit(EXIT_ERROR if result.errors or paper_errors else EXIT_OK)


def _validate_papers() -> int:
    """The bundled paper catalogue (registry/papers): schema on load, then consistency; the number of errors."""
    from openness.errors import DataError
    from openness.papers import PaperCatalogue, validate_papers

    try:
        papers = PaperCatalogue.load().papers
    except DataError as exc:
        click.echo(f"error: {clean(exc)}", err=True)
        return 1
    problems = validate_papers(papers)
    for problem in problems:
        click.echo(f"error: registry/papers: {clean(problem)}", err=True)
    unverified = sum(not p.verified for p in papers)
    summary(f"{len(papers)} paper(s) checked ({unverified} not verified against the source): {len(problems)} error(s)")
    return len(problems)


def _progress_printer() -> Callable[[Any], None]:
    """On a terminal a line redrawn in place; in a log a line per tenth only with -v; nothing with -q."""
    tty = sys.stderr.isatty()
    last = [-1]
    quiet, detailed = is_quiet(), verbose()

    def show(p: Any) -> None:
        if p.total == 0 or quiet or (not tty and not detailed):
            return
        if tty:
            click.echo(f"\r[{p.done}/{p.total}] {clean(p.release_id, 50):<50} {p.state:<8}", err=True, nl=False)
            if p.done == p.total:
                click.echo("", err=True)
            return
        step = p.done * 10 // p.total
        if step != last[0]:
            last[0] = step
            click.echo(f"[{p.done}/{p.total}] audited" + (" (resumed)" if p.state == "resumed" else ""), err=True)

    return show


@registry.command(
    "build",
    epilog=examples(
        "openness registry build --offline -o out/report.html -o out/report.csv   # curated verdicts, no network",
        "openness registry build -o report.html -o report.md                     # re-audit from the Hub",
        "openness registry build --only meta-llama/Llama-2-7b --format json",
    ),
)
@click.option("--only", "only", multiple=True, metavar="ID", help="Only these releases (registry or Hub ids; repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(REGISTRY_FORMATS)),
    help="Report format (default: from each -o extension; markdown on stdout).",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here (repeatable: -o report.html -o report.md). Default: stdout.",
)
@click.option("--no-resume", is_flag=True, help="Start a new build even if the last one was interrupted.")
@click.option("--no-history", is_flag=True, help="Do not store audits in the history database.")
@click.option(
    "--registry",
    "registry_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="OPENNESS_REGISTRY",
    help="Registry releases directory (default: the bundled one). Env: OPENNESS_REGISTRY.",
)
@history_option
@mkdir_option
@audit_options
def registry_build(
    only: tuple[str, ...],
    fmt: str | None,
    outputs: tuple[Path, ...],
    mkdir: bool,
    no_resume: bool,
    no_history: bool,
    registry_dir: Path | None,
    history_path: Path | None,
    settings: AuditSettings,
) -> None:
    """Audit every registry release with a Hub id, compare with the curated facts and write the report."""
    from openness.audit import Auditor
    from openness.registry.build import build_report, database_category_lookup, database_terms_lookup
    from openness.registry.history import History
    from openness.registry.output import report_links
    from openness.registry.store import Registry

    targets: list[tuple[Path | None, str]] = [(path, REGISTRY_FORMATS.for_path(path, fmt)) for path in outputs] or [
        (None, fmt or "markdown")
    ]
    if registry_dir is not None and not registry_dir.is_dir():
        fail(f"no such registry directory: {registry_dir}")
    reg = Registry.load(registry_dir)
    for err in reg.errors:
        click.echo(f"error: {clean(err)}", err=True)
    from openness.frameworks.judge import Frameworks

    auditor = Auditor.from_settings(settings)
    auditor.offline_registry = None  # the build compares audits with the registry: never answer from it
    history = None if no_history else History(history_path)
    try:
        report = build_report(
            reg,
            auditor,
            history=history,
            only=list(only),
            offline=settings.offline,
            resume=not no_resume,
            terms_lookup=database_terms_lookup(),
            category_lookup=database_category_lookup(),
            progress=_progress_printer(),
            frameworks=Frameworks.load(),
        )
    finally:
        if history is not None:
            history.close()
    releases_dir = registry_dir or data_dir("registry") / "releases"
    for path, kind in targets:
        text = REGISTRY_FORMATS[kind](report, report_links(path, targets, releases_dir))
        if path is None:
            click.echo(text, nl=False)
        else:
            write_output_to(path, text, mkdir)
            summary(f"wrote {path} ({kind})")
    counts = report.audit_counts()
    disagreeing = sum(1 for r in report.releases if r.disagreements)
    where = f"; build #{report.build_id} in {history_path or default_history_path()}" if report.build_id else ""
    summary(
        f"{len(report.releases)} releases: " + ", ".join(f"{n} {_STATE_WORDS.get(k, k)}" for k, n in sorted(counts.items()))
        + f"; {disagreeing} with disagreements" + where
    )  # fmt: skip
    nothing_audited = report.attempted() > 0 and not counts.get("ok")
    if nothing_audited:
        summary("nothing could be audited: every audit failed (see the reasons in the report); offline, use --offline")
    sys.exit(EXIT_ERROR if reg.errors or nothing_audited else EXIT_OK)


_STATE_WORDS = {"ok": "re-audited", "curated": "curated (not re-audited)", "api-only": "API-only"}


@registry.command(
    "diff",
    epilog=examples("openness registry diff", "openness registry diff --since 2026-01-01", "openness registry diff --baseline old.json"),
)
@click.option("--since", metavar="DATE", help="Compare with the last build finished on or before DATE (YYYY-MM-DD).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), help="Compare with a JSON report of an earlier build.")
@click.option("--format", "fmt", type=click.Choice(list(DIFF_FORMATS)), default="text", show_default=True)
@history_option
def registry_diff(since: str | None, baseline: Path | None, fmt: str, history_path: Path | None) -> None:
    """What changed between two builds (licence, level, gating, revision). Exit 1 when something changed."""
    from openness.registry.diff import diff_builds, parse_since
    from openness.registry.history import History

    if since and baseline:
        fail("give --since or --baseline, not both")
    when = parse_since(since) if since else None
    with History(history_path) as history:
        diff = diff_builds(history, when, baseline)
    click.echo(DIFF_FORMATS[fmt](diff), nl=False)
    if diff.coverage:
        note(diff.coverage)
    summary(f"{len(diff.changes)} change(s) between {diff.old} and {diff.new}")
    sys.exit(EXIT_FINDINGS if diff.changes else EXIT_OK)
