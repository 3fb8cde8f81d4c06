"""Read a licence file from disk defensively: size cap, binary refused, odd encodings decoded with a warning."""

from __future__ import annotations

from pathlib import Path

from openness.errors import InputError, NotFoundError
from openness.textfile import read_text

MAX_LICENSE_BYTES = 1_000_000


def read_license_file(path: Path, limit: int = MAX_LICENSE_BYTES) -> tuple[str, list[str]]:
    """The text of ``path`` and any warnings; a file that cannot be a licence text raises InputError."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a licence file")
    text, warnings = read_text(path, limit, "a licence text")
    if not text.strip():
        raise InputError(f"{path}: is empty; there is no licence text to identify")
    return text, warnings
