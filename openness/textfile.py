"""Read text files from disk defensively: regular files only, size cap, binary refused, odd encodings decoded with a warning."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from openness.errors import InputError

SNIFF_BYTES = 8192
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``, which must be a regular file (checked on the open file,
    opened without blocking: a FIFO is refused, never waited on). Raises ``InputError`` or ``OSError``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{path} is not a regular file; not read")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit)
    finally:
        os.close(fd)


def read_text(path: Path, limit: int, what: str = "a text file", inside: Path | None = None) -> tuple[str, list[str]]:
    """The text of ``path`` (at most ``limit`` bytes) and warnings; raises InputError when it cannot be used.

    Only a regular file is read: a FIFO, a device or a socket is refused without waiting on it.
    ``inside``: the file (after following symlinks) must lie in this directory, so a ``LICENSE``
    that links to ``/etc/passwd`` is never read or quoted.
    """
    if inside is not None:
        try:
            path.resolve().relative_to(inside.resolve())
        except (ValueError, OSError, RuntimeError):
            raise InputError(f"{path.name} points outside {inside.name or inside}; not read") from None
    try:
        raw = read_regular(path, limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    warnings: list[str] = []
    if len(raw) > limit:
        raw = raw[:limit]
        warnings.append(f"{path.name} is larger than {limit:,} bytes; only the start was read")
    if raw.startswith(_UTF16_BOMS):
        warnings.append(f"{path.name} is UTF-16; decoded")
        return raw.decode("utf-16", errors="replace").lstrip("\ufeff"), warnings
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


def walk_files(root: Path, skip_dir: Callable[[Path], bool] = lambda p: False, regular_only: bool = True) -> Iterator[Path]:
    """Regular files under ``root`` (not following symlinks), depth first, names sorted, any depth;
    with ``regular_only=False``, every entry that is not a directory (symlinks, FIFOs: to list, not read).

    Iterative, unlike ``os.walk`` before Python 3.12: a tree 1,100 directories deep is walked, not a
    RecursionError. Unreadable directories are passed over.
    """
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not skip_dir(Path(entry.path)):
                        subdirs.append(Path(entry.path))
                elif not regular_only or entry.is_file(follow_symlinks=False):
                    yield Path(entry.path)
            except OSError:
                continue
        stack.extend(reversed(subdirs))
