"""What every command shares: the root group, one ladder from errors to exit codes, common options.

Data goes to stdout, summaries and errors to stderr. Library errors become exit codes here:
0 success, 1 findings (violations, changes), 2 usage/input errors or targets that failed.
Every option can also be set from an environment variable named ``OPENNESS_<OPTION>``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from openness import __version__
from openness.deadline import DEFAULT_DEADLINE
from openness.errors import OpennessError
from openness.formatters.text import clean
from openness.redact import redact, register_secret
from openness.settings import AuditSettings

if TYPE_CHECKING:
    pass

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"openness: error: {clean(redact(message))}", err=True)
    sys.exit(code)


def _verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    return int((root.obj or {}).get("verbosity", 0)) if root is not None and isinstance(root.obj, dict) else 0


def summary(message: str) -> None:
    """A line for the person at the terminal (stderr); ``-q`` silences it."""
    if _verbosity() >= 0:
        click.echo(clean(redact(message)), err=True)


def note(message: str) -> None:
    """A detail (stderr): shown with ``-v``, and by default when it changes how a result reads."""
    if _verbosity() >= 0:
        click.echo(f"openness: {clean(redact(message))}", err=True)


def verbose() -> bool:
    return _verbosity() > 0


def quiet() -> bool:
    return _verbosity() < 0


def color_wanted(stream: Any = None) -> bool:
    """``--color always|never|auto``; auto: a terminal and no ``NO_COLOR`` (https://no-color.org)."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    mode = str(((root.obj or {}) if root is not None and isinstance(root.obj, dict) else {}).get("color", "auto"))
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


@contextlib.contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for multi-target work when stderr is a terminal (and not -q);
    yields ``advance(item)``. Off a terminal it draws nothing: logs stay clean."""
    if total < 2 or _verbosity() < 0 or not sys.stderr.isatty():
        yield lambda item: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, width=30) as bar:
        yield lambda item: bar.update(1)


def examples(*lines: str) -> str:
    """An --help epilog of example commands, kept as written (click rewraps text otherwise)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def write_output_to(path: Path, text: str, make_parents: bool = False) -> None:
    """``-`` is stdout; any other path goes through the one writer (:func:`openness.output.write_output`)."""
    if str(path) == "-":
        click.echo(text, nl=False)
        return
    from openness.output import write_output

    write_output(path, text, make_parents)


def mkdir_option(f: F) -> F:
    return click.option("--mkdir", is_flag=True, help="Create missing parent directories of -o paths.")(f)


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
        except Exception as exc:
            if os.environ.get("OPENNESS_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set OPENNESS_DEBUG=1 for details)", EXIT_INTERNAL)


@click.group(
    cls=_Group,
    context_settings={"auto_envvar_prefix": "OPENNESS", "help_option_names": ["-h", "--help"]},
    epilog=examples(
        "openness audit meta-llama/Llama-3.1-8B",
        "openness audit ./my-model --id acme/my-model --explain",
        "openness check --policy examples/policies/startup-commercial.yaml org/name",
        "openness registry build --offline -o out/report.html",
        "",
        "Shell completion (bash; zsh and fish alike):",
        '  eval "$(_OPENNESS_COMPLETE=bash_source openness)"',
    ),
)
@click.version_option(__version__, "-V", "--version", prog_name="openness")
@click.option("-q", "--quiet", count=True, help="Fewer messages on stderr (summaries, notes, progress).")
@click.option("-v", "--verbose", count=True, help="More detail on stderr.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    envvar="OPENNESS_COLOR",
    help="Colour in terminal output; auto: on a terminal unless NO_COLOR is set. Env: OPENNESS_COLOR.",
)
@click.pass_context
def cli(ctx: click.Context, quiet: int, verbose: int, color: str) -> None:
    """How open is an AI model release, and what does its licence let you do?"""
    ctx.obj = {"verbosity": verbose - quiet, "color": color}


def rules_option(f: F) -> F:
    return click.option(
        "--rules",
        "rules_dirs",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Extra rule directory (added to the bundled rules). Env: OPENNESS_RULES (space-separated).",
    )(f)


def audit_options(f: F) -> F:
    """Where releases come from and how (rules, Hub endpoint, token, cache, offline, concurrency),
    shared by every command that audits; the command receives them as one ``settings`` argument.

    The Hub options' environment variables are read by :meth:`AuditSettings.from_env` only, not by click."""

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
        deadline: float,
        no_read_links: bool,
        **kwargs: Any,
    ) -> Any:
        settings = AuditSettings.from_env(
            rules_dirs=list(rules_dirs),
            endpoint=endpoint or None,
            token=token or None,
            offline=offline,
            cache_path=cache_path,
            concurrency=concurrency,
            follow_links=follow_links,
            deadline=deadline or None,
            read_links=not no_read_links,
        )
        if token_file is not None and not settings.token:
            try:
                settings.token = token_file.read_text(encoding="utf-8").strip() or None
            except OSError as exc:
                fail(f"cannot read the token file {token_file}: {exc.strerror or exc}")
        register_secret(settings.token)
        kwargs["settings"] = settings
        from openness.deadline import set_reporter

        set_reporter(summary)
        return f(*args, **kwargs)

    options = [
        rules_option,
        click.option(
            "--endpoint",
            allow_from_autoenv=False,
            metavar="URL",
            help="Hub endpoint (default https://huggingface.co). Env: OPENNESS_ENDPOINT, HF_ENDPOINT.",
        ),
        click.option(
            "--token",
            allow_from_autoenv=False,
            metavar="TOKEN",
            show_envvar=False,
            help="Hub access token for gated or private models (never printed or stored). Env: OPENNESS_TOKEN, HF_TOKEN.",
        ),
        click.option(
            "--token-file",
            type=click.Path(dir_okay=False, path_type=Path),
            envvar="OPENNESS_TOKEN_FILE",
            help="Read the Hub token from this file. Env: OPENNESS_TOKEN_FILE.",
        ),
        click.option(
            "--offline",
            is_flag=True,
            allow_from_autoenv=False,
            help="No network: answer from the local cache (and curated data) only. Env: OPENNESS_OFFLINE, HF_HUB_OFFLINE.",
        ),
        click.option(
            "--cache",
            "cache_path",
            allow_from_autoenv=False,
            type=click.Path(dir_okay=False, path_type=Path),
            help="Hub cache file (default $XDG_CACHE_HOME/openness/hub.sqlite). Env: OPENNESS_CACHE.",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 32),
            default=4,
            show_default=True,
            envvar="OPENNESS_CONCURRENCY",
            help="Hub audits in flight at once, online (local cards and offline audits run one at a time). Env: OPENNESS_CONCURRENCY.",
        ),
        click.option(
            "--deadline",
            type=click.FloatRange(0, 3600),
            default=DEFAULT_DEADLINE,
            show_default=True,
            envvar="OPENNESS_DEADLINE",
            metavar="SECONDS",
            help="Network time allowed per target, all its requests and retries together (0: none). Env: OPENNESS_DEADLINE.",
        ),
        click.option(
            "--follow-links",
            is_flag=True,
            allow_from_autoenv=False,
            help="Check GitHub and arXiv links of Hub cards (those hosts only). Env: OPENNESS_FOLLOW_LINKS.",
        ),
        click.option(
            "--no-read-links",
            is_flag=True,
            allow_from_autoenv=False,
            help="Online, do not read the arXiv papers and GitHub repositories a card links (read by default, cached, "
            "arXiv paced; GITHUB_TOKEN is sent to GitHub when set, never shown). Env: OPENNESS_NO_READ_LINKS.",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


def history_option(f: F) -> F:
    return click.option(
        "--history",
        "history_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="OPENNESS_HISTORY",
        help="SQLite build history (default: the user's cache dir). Env: OPENNESS_HISTORY.",
    )(f)
