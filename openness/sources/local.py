"""Local releases: a model directory (README.md, LICENSE*, weights, ...) or a single card file."""

from __future__ import annotations

import os
from pathlib import Path

from openness.errors import InputError, NotFoundError
from openness.license.files import MAX_LICENSE_BYTES
from openness.models import Release
from openness.release import build_release, is_license_file
from openness.textfile import read_text, walk_files

MAX_FILES = 20_000
MAX_TEXT_BYTES = 25_000_000
CARD_NAMES = ("README.md", "README.MD", "readme.md", "README.markdown", "MODEL_CARD.md", "README")


def release_id_for(path: Path) -> str:
    """``org__name.md`` and ``org__name/`` (the Hub's cache naming) become ``org/name``."""
    stem = path.name if path.is_dir() else path.stem
    if stem.lower() == "readme" and path.parent.name:
        stem = path.parent.name
    return stem.replace("__", "/", 1)


class LocalSource:
    """Reads a directory or a card file from disk."""

    name = "local"

    def handles(self, target: str) -> bool:
        return os.path.exists(target) or target.startswith((".", "/", "~")) or target.endswith(".md")

    def fetch(self, target: str) -> Release:
        path = Path(target).expanduser()
        if not path.exists():
            raise NotFoundError(f"no such file or directory: {target}")
        if path.is_dir():
            return self._from_dir(path)
        text, warnings = read_text(path, MAX_TEXT_BYTES, "a model card")
        release = build_release(release_id_for(path), text, source="local")
        release.warnings[:0] = warnings
        return release

    def _from_dir(self, path: Path) -> Release:
        card = next((path / n for n in CARD_NAMES if (path / n).is_file()), None)
        if card is None:
            raise InputError(f"no model card (README.md) in {path}")
        # A Hub cache snapshot (models--org--name/snapshots/<sha>/) links its files into ../../blobs.
        inside = path.parent.parent if path.parent.name == "snapshots" else path
        text, warnings = read_text(card, MAX_TEXT_BYTES, "a model card", inside=inside)
        files: list[str] = []
        for file in walk_files(path, lambda d: d.name.startswith("."), regular_only=False):
            files.append(os.path.relpath(file, path).replace(os.sep, "/"))
            if len(files) > MAX_FILES:
                warnings.append(f"more than {MAX_FILES} files; the list was cut")
                break
        licenses: dict[str, str] = {}
        for name in files[:MAX_FILES]:
            if is_license_file(name) and name.count("/") <= 1:
                try:
                    licenses[name], extra = read_text(path / name, MAX_LICENSE_BYTES, "a licence text", inside=inside)
                except InputError as exc:
                    warnings.append(str(exc))
                    continue
                warnings.extend(extra)
        release = build_release(release_id_for(path), text, source="local", files=files[:MAX_FILES], license_files=licenses)
        release.warnings[:0] = warnings
        return release
