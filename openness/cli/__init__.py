"""The command line: a thin click layer over the library, one module per command group.

The only package that imports click. Data goes to stdout, summaries and errors to stderr. Library
errors become exit codes in one place (:class:`openness.cli.base._Group`): 0 success, 1 findings
(violations, changes), 2 usage/input errors or targets that failed, 3 an internal error. Every
option can also be set from an environment variable named ``OPENNESS_<OPTION>``.
"""

from __future__ import annotations

from openness.cli import audit, bom, check, license, population, registry, rules, sweep  # noqa: F401 - each registers its commands
from openness.cli.base import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="openness")


__all__ = ["cli", "main"]
