"""Write reports atomically: a temp file beside the target, then ``os.replace``; never a half-written report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openness.errors import InputError

FORMATS_BY_SUFFIX = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json", ".csv": "csv"}


def format_for(path: Path, explicit: str | None) -> str:
    """The report format for ``path``: ``explicit`` when given, else from the file extension."""
    if explicit:
        return explicit
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the format of {path} from its extension: give --format html|markdown|json|csv")
    return fmt


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` or raise :class:`InputError` with one line; the old file survives a failure."""
    path = path.expanduser()
    directory = path.parent if str(path.parent) else Path(".")
    tmp: str | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
