"""Locate the bundled data (``rules/``, ``registry/``): inside the wheel, or in the source tree."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def user_cache_dir() -> Path:
    """Where openness keeps its caches: ``$XDG_CACHE_HOME/openness`` (``~/.cache/openness``;
    ``%LOCALAPPDATA%/openness/cache`` on Windows)."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "openness" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "openness"


def data_dir(name: str) -> Path:
    """The bundled ``rules`` or ``registry`` directory.

    In a wheel they live at ``openness/_data/<name>``; in a source checkout (editable install or
    ``PYTHONPATH=.``) at the repository root beside the package.
    """
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled data directory {name!r} not found; is openness installed correctly?")
