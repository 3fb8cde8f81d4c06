"""Read a text file from disk defensively: size cap, binary refused, odd encodings decoded with a warning."""

from __future__ import annotations

from pathlib import Path

from openness.errors import InputError

SNIFF_BYTES = 8192


def read_text(path: Path, limit: int, what: str = "a text file") -> tuple[str, list[str]]:
    """The text of ``path`` (at most ``limit`` bytes) and warnings; a binary or unreadable file raises InputError."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    warnings: list[str] = []
    if len(raw) > limit:
        raw = raw[:limit]
        warnings.append(f"{path.name} is larger than {limit:,} bytes; only the start was read")
    if b"\x00" in raw[:SNIFF_BYTES]:
        raise InputError(f"{path} is a binary file, not {what}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(raw) >= limit - 4 and exc.start >= len(raw) - 4:  # a character cut at the size limit
            text = raw[: exc.start].decode("utf-8-sig")
        else:
            text = raw.decode("cp1252", errors="replace")
            warnings.append(f"{path.name} is not valid UTF-8; decoded as Windows-1252")
    return text, warnings
