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


@pytest.fixture(autouse=True)
def _offline_and_isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches the real Hub or the user's caches: Hub access is offline unless a test sets up
    the loopback fake Hub (``hub_env`` removes HF_HUB_OFFLINE), linked papers and repositories are not
    read unless a test serves them (tests/fakelinked.py), and caches live in a temporary folder."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("OPENNESS_NO_READ_LINKS", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    for name in ("OPENNESS_CACHE", "OPENNESS_HISTORY", "HF_TOKEN", "OPENNESS_TOKEN", "HF_ENDPOINT", "OPENNESS_ENDPOINT", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
