"""Shared test fixtures. Data from ../shared is optional: tests that need it are marked and skip."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (the ../shared checkout beside the project)")
    return path


@pytest.fixture
def shared() -> Path:
    return shared_path()
