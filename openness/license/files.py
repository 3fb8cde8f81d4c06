"""Read a licence file from disk defensively: size cap, binary refused, odd encodings decoded with a warning."""

from __future__ import annotations

from pathlib import Path

from openness.errors import InputError, NotFoundError

MAX_LICENSE_BYTES = 1_000_000


def read_license_file(path: Path, limit: int = MAX_LICENSE_BYTES) -> tuple[str, list[str]]:
    """The text of ``path`` and any warnings; a file that cannot be a licence text raises InputError."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a licence file")
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    warnings: list[str] = []
    if len(raw) > limit:
        raw = raw[:limit]
        warnings.append(f"{path.name} is larger than {limit:,} bytes; only the start was read")
    if not raw.strip():
        raise InputError(f"{path}: is empty; there is no licence text to identify")
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: is a binary file, not a licence text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(raw) > limit - 4 and exc.start >= len(raw) - 4:  # a character cut at the size limit
            text = raw[: exc.start].decode("utf-8-sig")
        else:
            text = raw.decode("cp1252", errors="replace")
            warnings.append(f"{path.name} is not valid UTF-8; decoded as Windows-1252")
    return text, warnings
