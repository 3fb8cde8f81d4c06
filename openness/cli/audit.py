"""`openness audit`: one report per target."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from openness.cli.base import (
    EXIT_ERROR,
    audit_options,
    cli,
    fail,
    summary,
)

if TYPE_CHECKING:
    from openness.settings import AuditSettings


@cli.command()
@click.argument("targets", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl", "markdown"]),
    default="text",
    show_default=True,
    envvar="OPENNESS_AUDIT_FORMAT",
    help="Output format. Env: OPENNESS_AUDIT_FORMAT.",
)
@click.option("--explain", is_flag=True, help="Show every rule that fired and why the winner won.")
@click.option("--from-file", type=click.File("r"), help="Read targets, one per line, from a file ('-' for stdin).")
@click.option(
    "--frameworks",
    "frameworks",
    multiple=True,
    metavar="all|mof|osaid|eu-ai-act",
    envvar="OPENNESS_FRAMEWORKS",
    help="Also judge by other frameworks (comma-separated or repeated; 'all'). Env: OPENNESS_FRAMEWORKS.",
)
@audit_options
def audit(targets: tuple[str, ...], fmt: str, explain: bool, from_file: Any, frameworks: tuple[str, ...], settings: AuditSettings) -> None:
    """Audit model releases: local directories or card files, and Hub ids ORG/NAME[@REVISION]."""
    from openness.audit import Auditor
    from openness.formatters import audit as fmt_audit
    from openness.models import AuditError

    all_targets = list(targets)
    if from_file is not None:
        all_targets += [line.strip() for line in from_file if line.strip() and not line.startswith("#")]
    if not all_targets:
        fail("nothing to audit: give a path or model id (see 'openness audit --help')")
    settings.explain = explain
    settings.frameworks = list(frameworks)
    auditor = Auditor.from_settings(settings)
    results = []
    failed = 0
    for result in auditor.audit_many(all_targets):
        failed += isinstance(result, AuditError)
        if fmt == "jsonl":
            click.echo(fmt_audit.format_jsonl_line(result), nl=False)
        else:
            results.append(result)
    if fmt == "json":
        click.echo(fmt_audit.format_json(results), nl=False)
    elif fmt == "markdown":
        click.echo(fmt_audit.format_markdown(results), nl=False)
    elif fmt == "text":
        click.echo(fmt_audit.format_text(results, explain=explain), nl=False)
    if failed:
        summary(f"{failed} of {len(all_targets)} target(s) could not be audited")
        sys.exit(EXIT_ERROR)
