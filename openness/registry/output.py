"""Where a registry report's outputs point: what an HTML page links to beside it.

The formats themselves, and the ``-o FILE`` suffixes that choose them, are
:data:`openness.formatters.formats.REGISTRY_FORMATS`; writing goes through
:func:`openness.output.write_output`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openness.formatters.formats import ReportLinks

LINKED_FORMATS = ("csv", "json", "markdown")  # the formats an HTML page offers as downloads


def report_links(path: Path | None, outputs: Sequence[tuple[Path | None, str]], releases_dir: Path) -> ReportLinks:
    """For an HTML report written to ``path``: the same report in the other formats of ``outputs``
    (path, format) written beside it, and the curated YAML files' location relative to it."""
    if path is None:
        return ReportLinks()
    here = path.expanduser().resolve().parent
    downloads = {kind: other.name for other, kind in outputs if other is not None and kind in LINKED_FORMATS
                 and other.expanduser().resolve().parent == here}  # fmt: skip
    try:
        base = Path(os.path.relpath(releases_dir.resolve(), here)).as_posix() + "/"
    except ValueError:  # another drive (Windows)
        base = releases_dir.resolve().as_uri() + "/"
    return ReportLinks(downloads, base)
