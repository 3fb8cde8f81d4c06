"""`openness rules`: list, show and validate the openness rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from openness.cli.base import (
    EXIT_ERROR,
    EXIT_OK,
    cli,
    examples,
    fail,
    rules_option,
    summary,
)
from openness.formatters.text import clean

if TYPE_CHECKING:
    pass


@cli.group(epilog=examples("openness rules list", "openness rules show OPN-CODE-TRAINING-FRAMEWORK", "openness rules validate my-rules/"))
def rules() -> None:
    """List, show and validate openness rules."""


@rules.command("list", epilog=examples("openness rules list", "openness rules list --rules my-rules/ --format json"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@rules_option
def rules_list(fmt: str, rules_dirs: tuple[Path, ...]) -> None:
    """List every rule: id, component, status it sets, precedence, name."""
    import json

    from openness.engine.rules import RuleSet

    rs = RuleSet.load(list(rules_dirs))
    ordered = sorted(rs.rules, key=lambda r: (r.meta.component.value, -r.meta.precedence, r.id))
    if fmt == "json":
        click.echo(json.dumps([{**r.meta.model_dump(mode="json"), "file": r.path.name} for r in ordered], indent=2, ensure_ascii=False))
    else:
        width = max([len("ID"), *(len(r.id) for r in ordered)])
        click.echo(f"{'ID':<{width}} {'COMPONENT':<19} {'STATUS':<8} {'PREC':>4}  NAME")
        for r in ordered:
            click.echo(
                f"{r.id:<{width}} {r.meta.component.value:<19} {r.meta.status.value:<8} {r.meta.precedence:>4}  {clean(r.meta.name)}"
            )
    summary(f"{len(rs.rules)} rules, rule set {rs.version}")


@rules.command("show", epilog=examples("openness rules show OPN-CODE-TRAINING-FRAMEWORK"))
@click.argument("rule_id")
@rules_option
def rules_show(rule_id: str, rules_dirs: tuple[Path, ...]) -> None:
    """Show one rule's metadata and definition."""
    from openness.engine.rules import RuleSet
    from openness.formatters.rules import format_rule

    rule = RuleSet.load(list(rules_dirs)).get(rule_id)
    if rule is None:
        fail(f"no rule with id {rule_id!r} (see 'openness rules list')")
    click.echo(format_rule(rule), nl=False)


@rules.command("validate", epilog=examples("openness rules validate", "openness rules validate my-rules/"))
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_validate(directory: Path | None) -> None:
    """Validate a rule directory (default: every bundled rule file: openness, paper, framework and usage rules); every bad file is reported."""
    from openness.engine.rules import validate_directory
    from openness.rule_files import validate_bundled

    checked, errors = validate_directory(directory) if directory is not None else validate_bundled()
    for e in errors:
        click.echo(f"error: {clean(e)}", err=True)
    summary(f"{checked} rule file(s) checked, {len(errors)} error(s)")
    sys.exit(EXIT_ERROR if errors else EXIT_OK)


@rules.command("frameworks", epilog=examples("openness rules frameworks", "openness rules frameworks my-frameworks/"))
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_frameworks(directory: Path | None) -> None:
    """List the frameworks (rules/frameworks or DIR) and their criteria: id, grade, clause, how decided."""
    from openness.frameworks.load import load_frameworks
    from openness.frameworks.models import describe_check

    specs = load_frameworks(directory)
    for spec in specs.values():
        f = spec.framework
        click.echo(f"{f.id}: {f.name} {f.version} ({f.publisher}) {f.url}")
        for c in spec.criteria:
            grade = f" [{c.grade}]" if c.grade else ""
            click.echo(f"  {c.id}{grade}: {c.wording}")
            click.echo(f"      clause: {c.clause}; decided by: {describe_check(c.decide)}")
        for d in spec.duties:
            click.echo(f"  duty {d.id}: {d.wording} ({d.clause}); decided by: {describe_check(d.decide)}")
    summary(f"{len(specs)} framework(s), {sum(len(s.criteria) for s in specs.values())} criteria")
