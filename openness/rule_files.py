"""Validate every bundled rule file, whatever it decides: openness rules, paper rules, frameworks, usage scenarios.

``openness rules validate`` with no directory checks them all, each file on its own, so one bad
file does not hide another's errors. (Licence and clause files are checked by loading the licence
database; ``openness registry validate`` checks the registry.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openness.engine.rules import validate_directory
from openness.errors import OpennessError
from openness.frameworks.load import load_framework_file
from openness.policy.scenarios import load_scenarios
from openness.resources import data_dir


def validate_bundled() -> tuple[int, list[str]]:
    """(files checked, errors) over rules/openness, rules/papers, rules/frameworks and rules/usage."""
    root = data_dir("rules")
    checked, errors = 0, list[str]()
    for folder in ("openness", "papers"):
        n, problems = validate_directory(root / folder)
        checked, errors = checked + n, errors + problems
    loaders: tuple[tuple[str, Callable[[Path], object]], ...] = (("frameworks", load_framework_file), ("usage", load_scenarios))
    for folder, load in loaders:
        for path in sorted((root / folder).glob("*.y*ml")):
            checked += 1
            try:
                load(path)
            except OpennessError as exc:
                errors.append(str(exc))
    return checked, errors
