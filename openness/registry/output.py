"""Report formats by file extension (writing goes through :func:`openness.output.write_output`)."""

from __future__ import annotations

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
