"""The one writer of every ``-o`` path: reports, SARIF, JUnit, licence tables.

A regular file (or a new one) is replaced atomically: a temporary file beside it, flushed to
disk, then ``os.replace``, so a full disk or a kill leaves the old file whole, never a truncated
one. A character device, a FIFO or a socket (``/dev/null``, ``/dev/stdout``, a pipe) is written
in place: replacing it would put a regular file where the system keeps a device. A symlink is
never replaced: what it points to is written (atomically when that is a regular file). Missing
parent directories are created only when asked (``make_parents``).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from openness.errors import InputError


def write_output(path: Path, text: str, make_parents: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` or raise :class:`InputError` with one line."""
    path = path.expanduser()
    try:
        target = _target(path, make_parents)
        info = os.stat(target) if os.path.lexists(target) else None
        if info is not None and not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise InputError(f"cannot write {path}: it is a directory")
            with open(target, "w", encoding="utf-8", newline="") as fh:  # a device, a FIFO: written, not replaced
                fh.write(text)
            return
        _replace(target, text, stat.S_IMODE(info.st_mode) if info is not None else 0o644)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _target(path: Path, make_parents: bool) -> Path:
    """The file to write: ``path``, or what its symlinks point to (a dangling link is refused)."""
    if path.is_symlink():
        resolved = path.resolve()
        if not resolved.exists():
            raise InputError(f"cannot write {path}: it is a symlink to {resolved}, which does not exist")
        return resolved
    directory = path.parent
    if not directory.is_dir():
        if directory.exists():
            raise InputError(f"cannot write {path}: {directory} is not a directory")
        if not make_parents:
            raise InputError(f"cannot write {path}: the directory {directory} does not exist (create it, or pass --mkdir)")
        directory.mkdir(parents=True, exist_ok=True)
    return path


def _replace(path: Path, text: str, mode: int) -> None:
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
