"""The code stays ruff-clean, ruff-formatted and mypy-clean: checked in the default test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("args", [("ruff", "check", "."), ("ruff", "format", "--check", ".")], ids=["lint", "format"])
def test_ruff_is_clean(args: tuple[str, ...]) -> None:
    if _run("ruff", "--version").returncode != 0:
        pytest.skip("ruff is not installed (pip install '.[test]')")
    result = _run(*args)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    if _run("mypy", "--version").returncode != 0:
        pytest.skip("mypy is not installed (pip install '.[test]')")
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
