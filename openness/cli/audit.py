"""`openness audit`: one report per target."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openness.cli.base import (
    EXIT_ERROR,
    audit_options,
    cli,
    color_wanted,
    examples,
    fail,
    mkdir_option,
    note,
    progress_bar,
    summary,
    write_output_to,
)
from openness.formatters.formats import AUDIT_FORMATS, AUDIT_STREAMED, AuditLayout

if TYPE_CHECKING:
    from openness.settings import AuditSettings


@cli.command(
    epilog=examples(
        "openness audit meta-llama/Llama-3.1-8B                      # live Hub",
        "openness audit meta-llama/Llama-3.1-8B --offline            # cache, else the curated registry",
        "openness audit ./Llama-3.1-8B --id meta-llama/Llama-3.1-8B  # a local copy under its real id",
        "openness audit card.md --explain                            # every rule that fired",
        "openness audit --from-file models.txt --format jsonl -o audits.jsonl",
    )
)
@click.argument("targets", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(AUDIT_FORMATS)),
    default="text",
    show_default=True,
    envvar="OPENNESS_AUDIT_FORMAT",
    help="Output format; json is always a list, one report per target. Env: OPENNESS_AUDIT_FORMAT.",
)
@click.option("--explain", is_flag=True, help="Show every rule that fired and why the winner won.")
@click.option("--from-file", type=click.File("r"), help="Read targets, one per line, from a file ('-' for stdin); '#' starts a comment.")
@click.option(
    "--frameworks",
    "frameworks",
    multiple=True,
    metavar="all|mof|osaid|eu-ai-act",
    envvar="OPENNESS_FRAMEWORKS",
    help="Also judge by other frameworks (comma-separated or repeated; 'all'). Env: OPENNESS_FRAMEWORKS.",
)
@click.option(
    "--id",
    "release_id",
    metavar="ORG/NAME",
    help="The model id of a local target whose path does not say it (a card.md, a 'hf download --local-dir' copy).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file ('-' for stdout).")
@mkdir_option
@audit_options
def audit(
    targets: tuple[str, ...],
    fmt: str,
    explain: bool,
    from_file: Any,
    frameworks: tuple[str, ...],
    release_id: str | None,
    output: Path | None,
    mkdir: bool,
    settings: AuditSettings,
) -> None:
    """Audit model releases: local directories or card files, and Hub ids ORG/NAME[@REVISION]."""
    from openness.audit import Auditor
    from openness.models import AuditError
    from openness.sources.ids import invalid_reason, is_hub_id
    from openness.targets import read_target_lines

    all_targets = list(targets) + ([t for t, _ in read_target_lines(from_file)] if from_file is not None else [])
    if not all_targets:
        fail("nothing to audit: give a path or model id (see 'openness audit --help')")
    if release_id is not None:
        if not is_hub_id(release_id) or "@" in release_id:
            reason = invalid_reason(release_id)
            fail(f"--id must be a model id ORG/NAME: {release_id!r}" + (f" ({reason})" if reason else ""))
        if len(all_targets) > 1:
            fail("--id names one model: give one target with it")
    settings.explain = explain
    settings.frameworks = list(frameworks)
    settings.release_id = release_id
    settings.notify = note
    auditor = Auditor.from_settings(settings)
    results = []
    failed = 0
    stream = AUDIT_STREAMED.get(fmt) if output is None else None  # to stdout, a record as each target finishes
    with progress_bar(len(all_targets), "auditing") as advance:
        for result in auditor.audit_many(all_targets):
            failed += isinstance(result, AuditError)
            advance(result.id)
            if stream is not None:
                click.echo(stream(result), nl=False)
            else:
                results.append(result)
    if stream is None:
        to_terminal = output is None
        width = shutil.get_terminal_size((100, 24)).columns if to_terminal else 100
        layout = AuditLayout(explain=explain, width=width, color=to_terminal and color_wanted(sys.stdout))
        text = AUDIT_FORMATS[fmt](results, layout)
        if output is not None:
            write_output_to(output, text, mkdir)
            summary(f"wrote {output} ({len(all_targets)} report(s))")
        else:
            click.echo(text, nl=False)
    if failed:
        summary(f"{failed} of {len(all_targets)} target(s) could not be audited")
        sys.exit(EXIT_ERROR)
