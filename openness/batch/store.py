"""Where a sweep's output lives: a local folder, or any fsspec URL (``s3://``, ``gs://``, ``hf://``, ``file://``, ``memory://``).

The driver (manifest, second pass, report) and every worker (its own partition) open the same
location from its string, so a worker on another machine writes straight to shared storage.
Writes are atomic: a temporary name, then a rename (on object stores, where an object appears
whole anyway, the rename is a copy).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openness.errors import InputError


def is_url(location: str) -> bool:
    return "://" in location


def _fs_for(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for ``url``; :class:`InputError` in one line when that cannot be had."""
    try:
        import fsspec
    except ImportError:
        raise InputError(f"{url}: URLs need fsspec (pip install 'openness[sweep]')") from None
    scheme = url.split("://", 1)[0]
    try:
        fs, root = fsspec.core.url_to_fs(url)
    except ImportError as exc:  # a known scheme whose backend (s3fs, gcsfs, huggingface_hub...) is absent
        raise InputError(f"{url}: the {scheme}:// filesystem is not installed ({str(exc).splitlines()[0]})") from None
    except ValueError as exc:
        raise InputError(f"{url}: unknown URL scheme {scheme}:// ({exc})") from None
    return fs, str(root).rstrip("/")


@dataclass(frozen=True)
class Store:
    """A folder to read and write files in, by name; ``location`` is what workers get (picklable)."""

    location: str

    @classmethod
    def at(cls, location: str | Path) -> Store:
        """Checked at once: an unusable URL fails here, in the driver, not in every task."""
        location = str(location)
        if is_url(location):
            _fs_for(location)
            return cls(location)
        return cls(os.path.abspath(location))  # a worker elsewhere (another cwd) finds the same folder

    def _fs(self) -> tuple[Any, str] | None:
        return _fs_for(self.location) if is_url(self.location) else None

    def path(self, name: str) -> str:
        found = self._fs()
        return f"{found[1]}/{name}" if found else os.path.join(self.location, name)

    def is_dir(self) -> bool:
        found = self._fs()
        return bool(found[0].isdir(found[1])) if found else Path(self.location).is_dir()

    def exists(self, name: str | None = None) -> bool:
        found = self._fs()
        if found:
            fs, root = found
            return bool(fs.exists(f"{root}/{name}" if name else root))
        return Path(self.location, name or "").exists()

    def names(self) -> list[str]:
        """The file names directly inside (none when the folder does not exist)."""
        found = self._fs()
        if found:
            fs, root = found
            if not fs.isdir(root):
                return []
            return sorted(str(p).rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(root, detail=False))
        p = Path(self.location)
        return sorted(f.name for f in p.iterdir()) if p.is_dir() else []

    def parts(self) -> list[str]:
        return [n for n in self.names() if n.startswith("part-") and n.endswith(".parquet")]

    def makedirs(self) -> None:
        found = self._fs()
        if found:
            found[0].makedirs(found[1], exist_ok=True)
        else:
            Path(self.location).mkdir(parents=True, exist_ok=True)

    def open(self, name: str, mode: str = "rb") -> Any:
        found = self._fs()
        if found:
            return found[0].open(f"{found[1]}/{name}", mode)
        return open(os.path.join(self.location, name), mode)

    def read_text(self, name: str) -> str:
        with self.open(name, "rb") as f:
            data: bytes = f.read()
        return data.decode("utf-8")

    def remove(self, name: str) -> None:
        found = self._fs()
        if found:
            found[0].rm(f"{found[1]}/{name}")
        else:
            os.unlink(os.path.join(self.location, name))

    def replace(self, tmp: str, name: str) -> None:
        """Rename ``tmp`` to ``name`` (over what was there)."""
        found = self._fs()
        if found:
            fs, root = found
            fs.mv(f"{root}/{tmp}", f"{root}/{name}")
        else:
            os.replace(os.path.join(self.location, tmp), os.path.join(self.location, name))

    def write_text(self, name: str, text: str) -> None:
        tmp = f"{name}.tmp-{os.getpid()}"
        with self.open(tmp, "wb") as f:
            f.write(text.encode("utf-8"))
        self.replace(tmp, name)

    def write_table(self, name: str, table: Any) -> None:
        """One Parquet file (zstd), atomically."""
        import pyarrow.parquet as pq

        tmp = f"{name}.tmp-{os.getpid()}"
        with self.open(tmp, "wb") as f:
            pq.write_table(table, f, compression="zstd")
        self.replace(tmp, name)

    def read_table(self, name: str, **kwargs: Any) -> Any:
        import pyarrow.parquet as pq

        with self.open(name, "rb") as f:
            return pq.read_table(f, **kwargs)

    def read_schema_names(self, name: str) -> list[str]:
        import pyarrow.parquet as pq

        with self.open(name, "rb") as f:
            return list(pq.ParquetFile(f).schema_arrow.names)
