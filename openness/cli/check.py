"""`openness check`: models against an organisation's policy, for CI (exit codes, SARIF, JUnit)."""

from __future__ import annotations

import sys
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
    mkdir_option,
    progress_bar,
    summary,
    write_output_to,
)
from openness.formatters.formats import CHECK_FORMATS

if TYPE_CHECKING:
    from openness.settings import AuditSettings


@cli.command(
    epilog=examples(
        "openness check --policy examples/policies/startup-commercial.yaml meta-llama/Llama-3.1-8B ./models/my-ft",
        "openness check --policy policy.yaml --from-file models.txt --format markdown",
        "openness check --policy policy.yaml --scan . --format sarif -o openness.sarif",
    )
)
@click.argument("models", nargs=-1)
@click.option(
    "--policy",
    "policy_path",
    required=True,
    envvar="OPENNESS_POLICY",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file (YAML). Env: OPENNESS_POLICY.",
)
@click.option("--from-file", type=click.File("r"), help="Read models, one per line, from a file ('-' for stdin).")
@click.option(
    "--scan",
    "scan_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Find the model ids a code base loads (Python, YAML, JSON) and check them. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(CHECK_FORMATS)),
    default="text",
    show_default=True,
    envvar="OPENNESS_CHECK_FORMAT",
    help="Output format. Env: OPENNESS_CHECK_FORMAT.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file ('-' for stdout).")
@mkdir_option
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge exemption expiry as of this date (default: today).")
@click.option(
    "--use",
    "uses",
    multiple=True,
    type=click.Choice(["internal", "product", "redistribute", "fine-tune-and-publish", "outputs-only"]),
    envvar="OPENNESS_USE",
    help="Intended use (repeatable; replaces the policy's context.uses): only the licence terms that bind it decide. Env: OPENNESS_USE.",
)
@audit_options
def check(
    models: tuple[str, ...],
    policy_path: Path,
    from_file: Any,
    scan_paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    mkdir: bool,
    today: Any,
    uses: tuple[str, ...],
    settings: AuditSettings,
) -> None:
    """Check models against a policy: exit 0 all pass, 1 violations, 2 errors (bad policy, unverifiable model)."""
    from datetime import date

    from openness.audit import Auditor
    from openness.formatters import check as fmt_check
    from openness.license.database import LicenseDatabase
    from openness.policy import check_models, load_policy, outcome
    from openness.targets import gather_targets

    policy = load_policy(policy_path, LicenseDatabase.load().known_ids())
    if uses:
        policy.context.uses = list(dict.fromkeys(uses))  # type: ignore[arg-type]
    gathered = gather_targets(models, from_file, getattr(from_file, "name", "-"), scan_paths)
    targets, problems = gathered.targets, gathered.problems
    if gathered.scan is not None:
        scanned = gathered.scan
        summary(f"scan: {scanned.files_scanned} file(s), {len(scanned.references)} model id(s), {len(problems)} skipped")
    for p in problems:
        summary(f"scan: skipped {p.path}: {p.error}")
    if not targets:
        fail("nothing to check: give model ids or paths, --from-file or --scan (see 'openness check --help')")
    auditor = Auditor.from_settings(settings)
    with progress_bar(len(targets), "checking") as advance:
        reports = []
        for audited_one in auditor.audit_many(targets):
            advance(audited_one.id)
            reports.append(audited_one)
    audited = zip(targets, reports)
    report = check_models(policy, str(policy_path), audited, today.date() if today else date.today(), gathered.locations, problems)
    text = CHECK_FORMATS[fmt](report)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output_to(output, text, mkdir)
    result = outcome(report)
    summary(fmt_check.summary_line(report) + (f"; report written to {output}" if output else ""))
    sys.exit({"pass": EXIT_OK, "fail": EXIT_FINDINGS, "error": EXIT_ERROR}[result])
