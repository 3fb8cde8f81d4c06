"""Local releases: a model directory (README.md, LICENSE*, weights, ...) or a single card file."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openness.errors import InputError, NotFoundError
from openness.license.files import MAX_LICENSE_BYTES
from openness.models import Release
from openness.registry.store import Registry
from openness.release import build_release, is_license_file
from openness.textfile import read_text, walk_files

MAX_FILES = 20_000
MAX_TEXT_BYTES = 25_000_000
CARD_NAMES = ("README.md", "README.MD", "readme.md", "README.markdown", "MODEL_CARD.md", "README")


_HUB_CACHE = re.compile(r"^models--(?P<org>[^/]+?)--(?P<name>[^/]+)$")


@dataclass(frozen=True)
class LocalId:
    """The model id of a local release, the revision when the layout says it, and how the id was found."""

    id: str
    how: str  # "path" (org__name or the Hub cache layout), "registry" (name matched one curated Hub id), "name"
    revision: str | None = None


def _hub_cache_id(path: Path) -> LocalId | None:
    """``.../models--org--name/snapshots/<sha>[/README.md]`` (the Hub cache, ``hf download`` without --local-dir)."""
    parts = path.parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] == "snapshots":
            found = _HUB_CACHE.match(parts[i - 1])
            if found:
                return LocalId(f"{found['org']}/{found['name']}", "path", revision=parts[i + 1])
    return None


def release_id_for(path: Path, registry: Registry | None = None) -> LocalId:
    """The model id a local release stands for, read from its layout, never from a file name alone:

    the Hub cache (``models--org--name/snapshots/<sha>/``), ``org__name.md`` / ``org__name/``, and a
    directory or card named after the model (``hf download --local-dir Llama-3.1-8B``), whose organisation
    comes from the curated registry when exactly one curated Hub id has that name."""
    path = Path(os.path.abspath(path))
    cached = _hub_cache_id(path)
    if cached is not None:
        return cached
    stem = path.name if path.is_dir() else path.stem
    if stem.lower() in {Path(n).stem.lower() for n in CARD_NAMES} | {"card", "model_card", "modelcard"} and path.parent.name:
        stem = path.parent.name
    if "__" in stem:
        return LocalId(stem.replace("__", "/", 1), "path")
    if registry is not None:
        matches = {h for rel in registry.releases for h in rel.hub_ids if h.split("/")[-1].lower() == stem.lower()}
        if len(matches) == 1:
            return LocalId(matches.pop(), "registry")
    return LocalId(stem, "name")


class LocalSource:
    """Reads a directory or a card file from disk."""

    name = "local"

    def __init__(
        self, registry: Registry | None = None, release_id: str | None = None, notify: Callable[[str], None] | None = None
    ) -> None:
        self.registry = registry
        self.release_id = release_id  # --id: the model id for every local target
        self.notify = notify

    def _id(self, path: Path, target: str) -> LocalId:
        if self.release_id:
            return LocalId(self.release_id, "given")
        found = release_id_for(path, self.registry)
        if self.notify is not None:
            if found.how == "registry":
                self.notify(f"{target}: auditing as {found.id} (the name matches that curated registry entry; --id ORG/NAME to change)")
            elif found.how == "name":
                self.notify(f"{target}: no organisation in the path; auditing as {found.id!r} (give --id ORG/NAME for the real id)")
            elif found.revision:
                self.notify(f"{target}: auditing as {found.id} at {found.revision[:12]} (read from the Hub cache layout)")
        return found

    def handles(self, target: str) -> bool:
        return os.path.exists(target) or target.startswith((".", "/", "~")) or target.endswith(".md")

    def remote(self, target: str) -> bool:
        """Never: a local target is read from disk."""
        return False

    def fetch(self, target: str) -> Release:
        path = Path(target).expanduser()
        if not path.exists():
            raise NotFoundError(f"no such file or directory: {target}")
        if path.is_dir():
            return self._from_dir(path, self._id(path, target))
        text, warnings = read_text(path, MAX_TEXT_BYTES, "a model card")
        local = self._id(path, target)
        release = build_release(local.id, text, source="local")
        release.revision = release.revision or local.revision
        release.warnings[:0] = warnings
        return release

    def _from_dir(self, path: Path, local: LocalId) -> Release:
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
        release = build_release(local.id, text, source="local", files=files[:MAX_FILES], license_files=licenses)
        release.revision = release.revision or local.revision
        release.warnings[:0] = warnings
        return release
