"""The command line: a thin click layer over the library. The only module that imports click.

Data goes to stdout, summaries and errors to stderr. Library errors become exit codes here:
0 success, 1 findings (violations, changes), 2 usage/input errors or targets that failed.
Every option can also be set from an environment variable named ``OPENNESS_<OPTION>``.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from openness import __version__
from openness.errors import OpennessError
from openness.formatters.text import clean

if TYPE_CHECKING:
    from openness.audit import AuditSettings

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"openness: error: {clean(message)}", err=True)
    sys.exit(code)


def summary(message: str) -> None:
    click.echo(clean(message), err=True)


class _Group(click.Group):
    """Turns library errors into one-line messages and exit codes; never shows a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OpennessError as exc:
            fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            sys.exit(EXIT_OK)
        except Exception as exc:  # noqa: BLE001 - last line of defence: one line, not a traceback
            if os.environ.get("OPENNESS_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set OPENNESS_DEBUG=1 for details)", EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"auto_envvar_prefix": "OPENNESS", "help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="openness")
def cli() -> None:
    """How open is an AI model release, and what does its licence let you do?"""


def _rules_option(f: F) -> F:
    return click.option(
        "--rules",
        "rules_dirs",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Extra rule directory (added to the bundled rules). Env: OPENNESS_RULES (space-separated).",
    )(f)


def _audit_options(f: F) -> F:
    """Where releases come from and how (rules, Hub endpoint, token, cache, offline, concurrency),
    shared by every command that audits; the command receives them as one ``settings`` argument."""

    @functools.wraps(f)
    def wrapper(
        *args: Any,
        rules_dirs: tuple[Path, ...],
        endpoint: str | None,
        token: str | None,
        token_file: Path | None,
        offline: bool,
        cache_path: Path | None,
        concurrency: int,
        follow_links: bool,
        **kwargs: Any,
    ) -> Any:
        if token_file is not None and not token:
            try:
                token = token_file.read_text(encoding="utf-8").strip() or None
            except OSError as exc:
                fail(f"cannot read the token file {token_file}: {exc.strerror or exc}")
        from openness.audit import AuditSettings

        kwargs["settings"] = AuditSettings(
            rules_dirs=list(rules_dirs),
            endpoint=endpoint or None,
            token=token or None,
            offline=offline,
            cache_path=cache_path,
            concurrency=concurrency,
            follow_links=follow_links,
        )
        return f(*args, **kwargs)

    options = [
        _rules_option,
        click.option("--endpoint", envvar=["OPENNESS_ENDPOINT", "HF_ENDPOINT"], metavar="URL",
                     help="Hub endpoint (default https://huggingface.co). Env: OPENNESS_ENDPOINT, HF_ENDPOINT."),
        click.option("--token", envvar=["OPENNESS_TOKEN", "HF_TOKEN"], metavar="TOKEN", show_envvar=False,
                     help="Hub access token for gated or private models (never printed or stored). Env: OPENNESS_TOKEN, HF_TOKEN."),
        click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path), envvar="OPENNESS_TOKEN_FILE",
                     help="Read the Hub token from this file. Env: OPENNESS_TOKEN_FILE."),
        click.option("--offline", is_flag=True, envvar=["OPENNESS_OFFLINE", "HF_HUB_OFFLINE"],
                     help="No network: answer from the local cache (and curated data) only. Env: OPENNESS_OFFLINE, HF_HUB_OFFLINE."),
        click.option("--cache", "cache_path", envvar="OPENNESS_CACHE", type=click.Path(dir_okay=False, path_type=Path),
                     help="Hub cache file (default $XDG_CACHE_HOME/openness/hub.sqlite). Env: OPENNESS_CACHE."),
        click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True, envvar="OPENNESS_CONCURRENCY",
                     help="Audits in flight at once. Env: OPENNESS_CONCURRENCY."),
        click.option("--follow-links", is_flag=True, envvar="OPENNESS_FOLLOW_LINKS",
                     help="Check GitHub and arXiv links of Hub cards (those hosts only). Env: OPENNESS_FOLLOW_LINKS."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- audit


@cli.command()
@click.argument("targets", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "markdown"]), default="text", show_default=True,
              envvar="OPENNESS_AUDIT_FORMAT", help="Output format. Env: OPENNESS_AUDIT_FORMAT.")
@click.option("--explain", is_flag=True, help="Show every rule that fired and why the winner won.")
@click.option("--from-file", type=click.File("r"), help="Read targets, one per line, from a file ('-' for stdin).")
@_audit_options
def audit(targets: tuple[str, ...], fmt: str, explain: bool, from_file: Any, settings: AuditSettings) -> None:
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


# --------------------------------------------------------------------------- check


def _read_targets(models: tuple[str, ...], from_file: Any, scan_paths: tuple[Path, ...]) -> tuple[list[str], dict[str, list[Any]], list[Any]]:
    """Targets in order (duplicates merged), where each was referenced, and files the scan skipped."""
    from openness.scan import Location, scan_path

    locations: dict[str, list[Location]] = {m: [] for m in models}
    if from_file is not None:
        name = getattr(from_file, "name", "-")
        for n, line in enumerate(from_file, 1):
            target = line.split("#", 1)[0].strip()
            if target:
                locations.setdefault(target, []).append(Location(path=name, line=n, via="from-file"))
    problems = []
    if scan_paths:
        scanned = scan_path(*scan_paths)
        problems = scanned.problems
        for ref in scanned.references:
            locations.setdefault(ref.model, []).extend(ref.locations)
        summary(f"scan: {scanned.files_scanned} file(s), {len(scanned.references)} model id(s), {len(problems)} skipped")
    return list(locations), dict(locations), list(problems)


@cli.command()
@click.argument("models", nargs=-1)
@click.option("--policy", "policy_path", required=True, envvar="OPENNESS_POLICY",
              type=click.Path(dir_okay=False, path_type=Path), help="Policy file (YAML). Env: OPENNESS_POLICY.")
@click.option("--from-file", type=click.File("r"), help="Read models, one per line, from a file ('-' for stdin).")
@click.option("--scan", "scan_paths", multiple=True, type=click.Path(path_type=Path),
              help="Find the model ids a code base loads (Python, YAML, JSON) and check them. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit", "markdown"]), default="text", show_default=True,
              envvar="OPENNESS_CHECK_FORMAT", help="Output format. Env: OPENNESS_CHECK_FORMAT.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the report to a file.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge exemption expiry as of this date (default: today).")
@_audit_options
def check(models: tuple[str, ...], policy_path: Path, from_file: Any, scan_paths: tuple[Path, ...], fmt: str,
          output: Path | None, today: Any, settings: AuditSettings) -> None:
    """Check models against a policy: exit 0 all pass, 1 violations, 2 errors (bad policy, unverifiable model)."""
    from datetime import date

    from openness.audit import Auditor
    from openness.formatters import check as fmt_check
    from openness.formatters.junit import format_junit
    from openness.formatters.sarif import format_sarif
    from openness.license.database import LicenseDatabase
    from openness.policy import check_models, load_policy, outcome

    policy = load_policy(policy_path, LicenseDatabase.load().known_ids())
    targets, locations, problems = _read_targets(models, from_file, scan_paths)
    for p in problems:
        summary(f"scan: skipped {p.path}: {p.error}")
    if not targets:
        fail("nothing to check: give model ids or paths, --from-file or --scan (see 'openness check --help')")
    auditor = Auditor.from_settings(settings)
    audited = zip(targets, auditor.audit_many(targets))
    report = check_models(policy, str(policy_path), audited, today.date() if today else date.today(), locations, problems)
    formatters = {"text": fmt_check.format_text, "json": fmt_check.format_json, "markdown": fmt_check.format_markdown,
                  "sarif": format_sarif, "junit": format_junit}
    text = formatters[fmt](report)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
    result = outcome(report)
    failed = sum(not r.passed for r in report.results)
    summary(f"{len(report.results)} model(s) checked: {failed} failed" + (f"; report written to {output}" if output else ""))
    sys.exit({"pass": EXIT_OK, "fail": EXIT_FINDINGS, "error": EXIT_ERROR}[result])


# --------------------------------------------------------------------------- rules


@cli.group()
def rules() -> None:
    """List, show and validate openness rules."""


@rules.command("list")
@_rules_option
def rules_list(rules_dirs: tuple[Path, ...]) -> None:
    """List every rule: id, component, status it sets, precedence, name."""
    from openness.engine.rules import RuleSet

    rs = RuleSet.load(list(rules_dirs))
    for r in sorted(rs.rules, key=lambda r: (r.meta.component.value, -r.meta.precedence, r.id)):
        click.echo(f"{r.id:<34} {r.meta.component.value:<19} {r.meta.status.value:<8} {r.meta.precedence:>4}  {r.meta.name}")
    summary(f"{len(rs.rules)} rules, rule set {rs.version}")


@rules.command("show")
@click.argument("rule_id")
@_rules_option
def rules_show(rule_id: str, rules_dirs: tuple[Path, ...]) -> None:
    """Show one rule's metadata and definition."""
    from openness.engine.rules import RuleSet
    from openness.formatters.rules import format_rule

    rule = RuleSet.load(list(rules_dirs)).get(rule_id)
    if rule is None:
        fail(f"no rule with id {rule_id!r} (see 'openness rules list')")
    click.echo(format_rule(rule), nl=False)


@rules.command("validate")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_validate(directory: Path | None) -> None:
    """Validate a rule directory (default: the bundled rules); every bad file is reported."""
    from openness.engine.rules import validate_directory

    checked, errors = validate_directory(directory)
    for e in errors:
        click.echo(f"error: {clean(e)}", err=True)
    summary(f"{checked} rule file(s) checked, {len(errors)} error(s)")
    sys.exit(EXIT_ERROR if errors else EXIT_OK)


# --------------------------------------------------------------------------- license


@cli.group("license")
def license_group() -> None:
    """The licence database: list, show, detect a licence text, and the docs table."""


@license_group.command("list")
def license_list() -> None:
    """List every known licence: id, name, category, OSI approval, key terms."""
    from openness.license.database import LicenseDatabase
    from openness.license.format import format_entry_list

    db = LicenseDatabase.load()
    click.echo(format_entry_list(db.all()), nl=False)
    summary(f"{len(db)} licences")


@license_group.command("show")
@click.argument("license_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def license_show(license_id: str, fmt: str) -> None:
    """Show one licence (by id, Hub id or SPDX id): its terms with the quoted clauses."""
    from openness.license.database import LicenseDatabase
    from openness.license.format import format_entry, format_entry_json

    entry = LicenseDatabase.load().get(license_id)
    if entry is None:
        fail(f"no licence with id {license_id!r} (see 'openness license list')")
    click.echo(format_entry_json(entry) if fmt == "json" else format_entry(entry), nl=False)


@license_group.command("detect")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def license_detect(file: Path, fmt: str) -> None:
    """Identify the licence in FILE (a LICENSE text): which licence, confidence, and its terms."""
    from openness.license.audit import audit_text
    from openness.license.database import LicenseDatabase
    from openness.license.files import read_license_file
    from openness.license.format import format_report, format_report_json

    text, warnings = read_license_file(file)
    report = audit_text(text, file.name, LicenseDatabase.load())
    report.warnings += warnings
    click.echo(format_report_json(report) if fmt == "json" else format_report(report), nl=False)


@license_group.command("table")
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
    target.write_text(wanted, encoding="utf-8")
    summary(f"{target}: licence table written")


# --------------------------------------------------------------------------- registry


@cli.group()
def registry() -> None:
    """The curated registry of notable releases: validate it, build the report, diff builds."""


def _history_option(f: F) -> F:
    return click.option(
        "--history",
        "history_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="OPENNESS_HISTORY",
        help="SQLite build history (default: the user's cache dir). Env: OPENNESS_HISTORY.",
    )(f)


@registry.command("validate")
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
    sys.exit(EXIT_ERROR if result.errors else EXIT_OK)


def _progress_printer() -> Callable[[Any], None]:
    tty = sys.stderr.isatty()
    last = [-1]

    def show(p: Any) -> None:
        if p.total == 0:
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


@registry.command("build")
@click.option("--only", "only", multiple=True, metavar="ID", help="Only these releases (registry or Hub ids; repeatable).")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown", "json", "csv"]), help="Report format (default: from each -o extension; markdown on stdout).")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False, path_type=Path), help="Write the report here (repeatable: -o report.html -o report.md). Default: stdout.")
@click.option("--no-resume", is_flag=True, help="Start a new build even if the last one was interrupted.")
@click.option("--no-history", is_flag=True, help="Do not store audits in the history database.")
@click.option("--registry", "registry_dir", type=click.Path(file_okay=False, path_type=Path), envvar="OPENNESS_REGISTRY", help="Registry releases directory (default: the bundled one). Env: OPENNESS_REGISTRY.")
@_history_option
@_audit_options
def registry_build(
    only: tuple[str, ...],
    fmt: str | None,
    outputs: tuple[Path, ...],
    no_resume: bool,
    no_history: bool,
    registry_dir: Path | None,
    history_path: Path | None,
    settings: AuditSettings,
) -> None:
    """Audit every registry release with a Hub id, compare with the curated facts and write the report."""
    from openness.audit import Auditor
    from openness.registry.build import build_report, database_terms_lookup
    from openness.registry.history import History
    from openness.registry.output import format_for, write_atomic
    from openness.registry.store import Registry

    targets: list[tuple[Path | None, str]] = [(path, format_for(path, fmt)) for path in outputs] or [(None, fmt or "markdown")]
    if registry_dir is not None and not registry_dir.is_dir():
        fail(f"no such registry directory: {registry_dir}")
    reg = Registry.load(registry_dir)
    for err in reg.errors:
        click.echo(f"error: {clean(err)}", err=True)
    auditor = Auditor.from_settings(settings)
    history = None if no_history else History(history_path)
    try:
        report = build_report(
            reg,
            auditor,
            history=history,
            only=list(only),
            offline=settings.offline,
            concurrency=settings.concurrency,
            resume=not no_resume,
            terms_lookup=database_terms_lookup(),
            progress=_progress_printer(),
        )
    finally:
        if history is not None:
            history.close()
    for path, kind in targets:
        text = _REPORT_FORMATTERS[kind](report)
        if path is None:
            click.echo(text, nl=False)
        else:
            write_atomic(path, text)
            summary(f"wrote {path} ({kind})")
    counts = report.audit_counts()
    disagreeing = sum(1 for r in report.releases if r.disagreements)
    summary(
        f"{len(report.releases)} releases: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        + f"; {disagreeing} with disagreements" + (f"; build #{report.build_id}" if report.build_id else "")
    )  # fmt: skip
    sys.exit(EXIT_ERROR if reg.errors else EXIT_OK)


def _format_html(report: Any) -> str:
    from openness.formatters.report_html import format_report_html

    return format_report_html(report)


def _format_markdown(report: Any) -> str:
    from openness.formatters.report_markdown import format_report_markdown

    return format_report_markdown(report)


def _format_json(report: Any) -> str:
    from openness.formatters.report_json import format_report_json

    return format_report_json(report)


def _format_csv(report: Any) -> str:
    from openness.formatters.report_csv import format_report_csv

    return format_report_csv(report)


_REPORT_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "html": _format_html,
    "markdown": _format_markdown,
    "json": _format_json,
    "csv": _format_csv,
}


@registry.command("diff")
@click.option("--since", metavar="DATE", help="Compare with the last build finished on or before DATE (YYYY-MM-DD).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), help="Compare with a JSON report of an earlier build.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_history_option
def registry_diff(since: str | None, baseline: Path | None, fmt: str, history_path: Path | None) -> None:
    """What changed between two builds (licence, level, gating, revision). Exit 1 when something changed."""
    import json

    from openness.models import SCHEMA_VERSION
    from openness.registry.diff import diff_history, parse_since
    from openness.registry.history import History

    if since and baseline:
        fail("give --since or --baseline, not both")
    when = parse_since(since) if since else None
    with History(history_path) as history:
        old, new, changes = diff_history(history, when, baseline)
    if fmt == "json":
        doc = {"schema_version": SCHEMA_VERSION, "old": old, "new": new, "changes": [c.model_dump(mode="json") for c in changes]}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for c in changes:
            click.echo(clean(c))
    summary(f"{len(changes)} change(s) between {old} and {new}")
    sys.exit(EXIT_FINDINGS if changes else EXIT_OK)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="openness")


if __name__ == "__main__":  # pragma: no cover
    main()
