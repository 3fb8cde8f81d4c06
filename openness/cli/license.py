"""`openness license`: the licence database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from openness.cli.base import (
    EXIT_FINDINGS,
    cli,
    examples,
    fail,
    summary,
    write_output_to,
)

if TYPE_CHECKING:
    pass


@cli.group("license", epilog=examples("openness license list", "openness license show llama3.1", "openness license detect LICENSE"))
def license_group() -> None:
    """The licence database: list, show, detect a licence text, and the docs table."""


@license_group.command("list", epilog=examples("openness license list", "openness license list --format json | jq '.[].id'"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def license_list(fmt: str) -> None:
    """List every known licence: id, name, category, OSI approval, key terms."""
    import json

    from openness.license.database import LicenseDatabase
    from openness.license.format import format_entry_list

    db = LicenseDatabase.load()
    if fmt == "json":
        click.echo(json.dumps([e.model_dump(mode="json") for e in db.all()], indent=2, ensure_ascii=False))
    else:
        click.echo(format_entry_list(db.all()), nl=False)
    summary(f"{len(db)} licences")


@license_group.command("show", epilog=examples("openness license show llama3.1", "openness license show Apache-2.0 --format json"))
@click.argument("license_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def license_show(license_id: str, fmt: str) -> None:
    """Show one licence (by id, Hub id, SPDX id or licence name): its terms with the quoted clauses."""
    from openness.license.database import LicenseDatabase
    from openness.license.format import format_entry, format_entry_json

    db = LicenseDatabase.load()
    entry = db.get(license_id) or next(iter(db.by_license_name(license_id)), None)  # a license_name is an alias too
    if entry is None:
        fail(f"no licence with id {license_id!r} (see 'openness license list')")
    click.echo(format_entry_json(entry) if fmt == "json" else format_entry(entry), nl=False)


@license_group.command(
    "detect", epilog=examples("openness license detect path/to/LICENSE", "openness license detect LICENSE --format json")
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def license_detect(file: Path, fmt: str) -> None:
    """Identify the licence in FILE (a LICENSE text): which licence, confidence, and its terms."""
    from openness.license.assess import audit_text
    from openness.license.database import LicenseDatabase
    from openness.license.files import read_license_file
    from openness.license.format import format_report, format_report_json

    text, warnings = read_license_file(file)
    report = audit_text(text, file.name, LicenseDatabase.load())
    report.warnings += warnings
    click.echo(format_report_json(report) if fmt == "json" else format_report(report), nl=False)


@license_group.command("table", epilog=examples("openness license table", "openness license table --check README.md"))
@click.option("--update", "update", type=click.Path(dir_okay=False, path_type=Path), help="Rewrite the table in this Markdown file.")
@click.option("--check", "check", type=click.Path(dir_okay=False, path_type=Path), help="Exit 1 if the table in this file is stale.")
def license_table(update: Path | None, check: Path | None) -> None:
    """Print the supported-licences Markdown table generated from rules/licenses/."""
    from openness.license.database import LicenseDatabase
    from openness.license.table import render_table, splice

    table = render_table(LicenseDatabase.load())
    target = update or check
    if target is None:
        click.echo(table, nl=False)
        return
    try:
        current = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{target}: cannot read: {exc}")
    wanted = splice(current, table, str(target))
    if check is not None:
        if wanted != current:
            summary(f"{target}: the licence table is stale; run 'openness license table --update {target}'")
            sys.exit(EXIT_FINDINGS)
        summary(f"{target}: the licence table is up to date")
        return
    write_output_to(target, wanted)
    summary(f"{target}: licence table written")
