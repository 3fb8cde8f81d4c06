"""Where a sweep's cards come from, cut into numbered chunks of at most ``chunk_rows`` rows.

A Parquet file or directory (local, or any fsspec URL such as ``hf://datasets/...`` or
``s3://...`` where that filesystem is installed), a JSONL file (one object a line, the dump's
column names), or a folder of card files. Chunk numbers depend only on the input, so a rerun
finds the same chunks and skips those already written. Parquet is read row group by row group, a
few thousand rows at a time, so memory stays bounded whatever the input's size.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openness.errors import InputError

DUMP_COLUMNS = (
    "modelId",
    "id",
    "author",
    "last_modified",
    "downloads",
    "likes",
    "library_name",
    "tags",
    "pipeline_tag",
    "createdAt",
    "card",
)
CARD_SUFFIXES = (".md", ".markdown")
MAX_CARD_FILE_BYTES = 5_000_000
MAX_JSONL_LINE_BYTES = 10_000_000


@dataclass(frozen=True)
class Source:
    """Rows of a Parquet file that a worker reads itself: a few strings and numbers, cheap to send anywhere."""

    file: str  # a local path, or a URL the worker opens with fsspec
    row_group: int
    offset: int  # the first row, inside the row group
    rows: int
    columns: tuple[str, ...]

    def halves(self) -> tuple[Source, Source]:
        half = self.rows // 2
        first = Source(self.file, self.row_group, self.offset, half, self.columns)
        return first, Source(self.file, self.row_group, self.offset + half, self.rows - half, self.columns)


def read_source(source: Source) -> Any:
    """The rows ``source`` names, as an Arrow table (in a worker: only that row group is decoded, up to the last row wanted)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if _is_url(source.file):
        from openness.batch.store import _fs_for

        fs, path = _fs_for(source.file)
        handle = fs.open(path, "rb")
    else:
        handle = open(source.file, "rb")
    with handle as f:
        pf = pq.ParquetFile(f)
        pieces: list[Any] = []
        start, end, at = source.offset, source.offset + source.rows, 0
        batch_rows = max(1, min(source.rows, 5_000))
        for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[source.row_group], columns=list(source.columns), use_threads=False):
            lo, hi = max(start, at), min(end, at + batch.num_rows)
            if hi > lo:
                pieces.append(batch.slice(lo - at, hi - lo))
            at += batch.num_rows
            if at >= end:
                break
        if not pieces:
            return pf.schema_arrow.empty_table().select(list(source.columns))
        return pa.Table.from_batches(pieces).combine_chunks()


@dataclass(frozen=True)
class Chunk:
    """One task's worth of input: its number, where it came from, and its rows: read (``table``), or
    for a worker to read (``source``), or neither when the chunk was not wanted."""

    key: int
    where: str
    rows: int
    table: Any = None
    source: Source | None = None


def _is_url(path: str) -> bool:
    return "://" in path


@dataclass
class SweepInput:
    """An input resolved to its parts; ``describe()`` identifies it in the manifest."""

    path: str
    kind: str  # parquet, jsonl, cards
    chunk_rows: int = 5_000
    files: list[str] = field(default_factory=list)
    _fs: Any = None

    @classmethod
    def open(cls, path: str, chunk_rows: int = 5_000) -> SweepInput:
        """Find what ``path`` holds; :class:`InputError` when it holds nothing a sweep reads."""
        if chunk_rows < 1:
            raise InputError("the chunk size must be at least one row")
        if _is_url(path):
            return cls._open_url(path, chunk_rows)
        p = Path(path)
        if p.is_file():
            kind = "jsonl" if p.suffix.lower() in (".jsonl", ".ndjson") else "parquet" if p.suffix.lower() in (".parquet", ".pq") else ""
            if not kind:
                raise InputError(f"{path}: not a Parquet (.parquet) or JSONL (.jsonl) file, nor a folder of cards")
            return cls(str(p.resolve()), kind, chunk_rows, [str(p.resolve())])
        if p.is_dir():
            p = p.resolve()
            parquet = sorted(str(f) for f in p.rglob("*.parquet") if f.is_file() and not f.is_symlink())
            if parquet:
                return cls(str(p), "parquet", chunk_rows, parquet)
            cards = sorted(
                str(f.relative_to(p)) for f in p.rglob("*") if f.suffix.lower() in CARD_SUFFIXES and f.is_file() and not f.is_symlink()
            )
            if cards:
                return cls(str(p), "cards", chunk_rows, cards)
            raise InputError(f"{path}: no Parquet files and no card files (*.md) in this folder")
        raise InputError(f"{path}: no such file or folder")

    @classmethod
    def _open_url(cls, path: str, chunk_rows: int) -> SweepInput:
        try:
            import fsspec
        except ImportError:
            raise InputError("reading URLs needs fsspec (pip install 'openness[sweep]')") from None
        try:
            fs, root = fsspec.core.url_to_fs(path)
            if fs.isdir(root):
                files = sorted(f for f in fs.find(root) if f.endswith(".parquet"))
            elif fs.isfile(root):
                files = [root]
            else:
                raise InputError(f"{path}: not found")
        except (ImportError, ValueError) as exc:
            raise InputError(f"{path}: cannot open: {exc}") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc}") from None
        if not files:
            raise InputError(f"{path}: no Parquet files there")
        kind = "jsonl" if files[0].endswith((".jsonl", ".ndjson")) else "parquet"
        return cls(path, kind, chunk_rows, files, fs)

    def _open_file(self, name: str) -> Any:
        if self._fs is not None:
            return self._fs.open(name, "rb")
        return open(name if self.kind != "cards" else os.path.join(self.path, name), "rb")

    def describe(self) -> dict[str, Any]:
        """What was read: the path, the kind, each file with its size (a rerun over changed input is refused)."""
        files = []
        for name in self.files if self.kind != "cards" else []:
            try:
                size = self._fs.size(name) if self._fs is not None else os.path.getsize(name)
            except OSError:
                size = None
            files.append({"file": name, "bytes": size})
        out: dict[str, Any] = {"path": self.path, "kind": self.kind, "chunk_rows": self.chunk_rows, "files": files}
        if self.kind == "cards":
            out["cards"] = len(self.files)
        return out

    def total_rows(self) -> int | None:
        """Rows in the input, when known without reading it all (Parquet footers, card count)."""
        if self.kind == "cards":
            return len(self.files)
        if self.kind != "parquet":
            return None
        import pyarrow.parquet as pq

        total = 0
        for name in self.files:
            with self._open_file(name) as f:
                total += pq.ParquetFile(f).metadata.num_rows
        return total

    @property
    def workers_read(self) -> bool:
        """Whether tasks read their own rows (Parquet: by row group); otherwise the driver reads and ships them."""
        return self.kind == "parquet"

    def plan(self, want: Callable[[int], bool] | None = None) -> Iterator[Chunk]:
        """Each chunk in order, as for :meth:`chunks`, but a Parquet chunk comes with its ``source``
        for a worker to read, not its rows: the driver reads only the files' footers."""
        if not self.workers_read:
            yield from self.chunks(want)
            return
        for file, url, rg, rows, columns, keys, _pf in self._row_groups():
            for i, k in enumerate(keys):
                n = min(self.chunk_rows, rows - i * self.chunk_rows)
                where = f"{file}#rg{rg}+{i * self.chunk_rows}"
                if want is not None and not want(k):
                    yield Chunk(k, where, n)
                else:
                    yield Chunk(k, where, n, source=Source(url, rg, i * self.chunk_rows, n, columns))

    def _row_groups(self) -> Iterator[tuple[str, str, int, int, tuple[str, ...], list[int], Any]]:
        """(file, its path or URL for a worker, row group, rows, columns, chunk keys, the open ParquetFile)
        from the footers; the file stays open until the next row group is asked for."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        key = 0
        for name in self.files:
            with self._open_file(name) as f:
                try:
                    pf = pq.ParquetFile(f)
                except (pa.ArrowException, OSError) as exc:
                    raise InputError(f"{name}: not a readable Parquet file: {exc}") from None
                columns = tuple(c for c in DUMP_COLUMNS if c in pf.schema_arrow.names)
                if "card" not in columns or not ({"modelId", "id"} & set(columns)):
                    raise InputError(f"{name}: needs a 'card' column and a 'modelId' (or 'id') column")
                url = self._fs.unstrip_protocol(name) if self._fs is not None else name
                for rg in range(pf.num_row_groups):
                    rows = pf.metadata.row_group(rg).num_rows
                    keys = list(range(key, key + (rows + self.chunk_rows - 1) // self.chunk_rows))
                    key += len(keys)
                    yield name, url, rg, rows, columns, keys, pf

    def chunks(self, want: Callable[[int], bool] | None = None) -> Iterator[Chunk]:
        """Each chunk in order, read only when ``want(key)`` (or ``want`` is None); the others come without a table."""
        if self.kind == "parquet":
            yield from self._parquet_chunks(want)
        elif self.kind == "jsonl":
            yield from self._jsonl_chunks(want)
        else:
            yield from self._card_chunks(want)

    def _parquet_chunks(self, want: Callable[[int], bool] | None) -> Iterator[Chunk]:
        import pyarrow as pa

        for name, _url, rg, rows, columns, keys, pf in self._row_groups():
            if want is not None and not any(map(want, keys)):
                for i, k in enumerate(keys):
                    yield Chunk(k, f"{name}#rg{rg}+{i * self.chunk_rows}", min(self.chunk_rows, rows - i * self.chunk_rows))
                continue
            held: list[Any] = []  # tables not yet cut into chunks
            i = 0
            for batch in pf.iter_batches(batch_size=self.chunk_rows, row_groups=[rg], columns=list(columns), use_threads=False):
                held.append(pa.Table.from_batches([batch]))
                while _rows(held) >= self.chunk_rows or (i == len(keys) - 1 and held and _rows(held) == rows - i * self.chunk_rows):
                    table = pa.concat_tables(held)
                    part, rest = table.slice(0, self.chunk_rows), table.slice(self.chunk_rows)
                    yield self._parquet_chunk(keys[i], f"{name}#rg{rg}+{i * self.chunk_rows}", part, want)
                    held, i = ([rest] if rest.num_rows else []), i + 1
                    if not held:
                        break

    @staticmethod
    def _parquet_chunk(key: int, where: str, table: Any, want: Callable[[int], bool] | None) -> Chunk:
        return Chunk(key, where, table.num_rows, table if want is None or want(key) else None)

    def _jsonl_chunks(self, want: Callable[[int], bool] | None) -> Iterator[Chunk]:
        key = 0
        for name in self.files:
            rows: list[dict[str, Any]] = []
            start = 1
            with self._open_file(name) as f:
                for number, raw in enumerate(f, 1):
                    rows.append(_jsonl_row(raw, name, number))
                    if len(rows) == self.chunk_rows:
                        yield self._chunk(key, f"{name}:{start}", rows, want)
                        key, rows, start = key + 1, [], number + 1
            if rows:
                yield self._chunk(key, f"{name}:{start}", rows, want)
                key += 1

    def _card_chunks(self, want: Callable[[int], bool] | None) -> Iterator[Chunk]:
        for key, start in enumerate(range(0, len(self.files), self.chunk_rows)):
            names = self.files[start : start + self.chunk_rows]
            if want is not None and not want(key):
                yield Chunk(key, names[0], len(names))
                continue
            yield self._chunk(key, names[0], [self._card_row(n) for n in names], want)

    def _card_row(self, name: str) -> dict[str, Any]:
        path = Path(self.path) / name
        row: dict[str, Any] = {"modelId": card_id(name), "card": None}
        try:
            with path.open("rb") as f:  # a longer file is cut, and then over the card limit: an error row
                row["card"] = f.read(MAX_CARD_FILE_BYTES).decode("utf-8", errors="replace")
        except OSError:
            pass
        return row

    def _chunk(self, key: int, where: str, rows: list[dict[str, Any]], want: Callable[[int], bool] | None) -> Chunk:
        if want is not None and not want(key):
            return Chunk(key, where, len(rows))
        import pyarrow as pa

        types = {"tags": pa.list_(pa.string()), "downloads": pa.int64(), "likes": pa.int64()}
        columns = {c: [_cell(row.get(c), c) for row in rows] for c in ("modelId", *DUMP_COLUMNS[2:])}
        table = pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in columns.items()})
        return Chunk(key, where, len(rows), table)


def _cell(value: Any, column: str) -> Any:
    """A JSON value as its column's type; anything else is null (the row's audit says what is missing)."""
    if column == "tags":
        return [str(t) for t in value] if isinstance(value, list) else None
    if column in ("downloads", "likes"):
        return value if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63 else None
    return value if isinstance(value, str) else None


def _rows(tables: list[Any]) -> int:
    return sum(int(t.num_rows) for t in tables)


def _jsonl_row(raw: bytes, name: str, number: int) -> dict[str, Any]:
    """One JSONL line as a row; a line that is not a JSON object becomes a row without a card."""
    bad = {"modelId": f"{Path(name).name}:line{number}", "card": None}
    if len(raw) > MAX_JSONL_LINE_BYTES:
        return bad
    try:
        value = json.loads(raw)
    except ValueError:
        return bad
    if not isinstance(value, dict):
        return bad
    if "modelId" not in value and "id" in value:
        value["modelId"] = value["id"]
    return value


def card_id(name: str) -> str:
    """A model id from a card's path in a folder: ``org/name/README.md`` → ``org/name``; the public
    scrape's ``org_name_README.md`` → ``org/name`` (the first underscore is the slash); else the path without its suffix."""
    p = Path(name)
    if p.name.lower() == "readme.md" and len(p.parts) >= 2:
        return "/".join(p.parts[-3:-1]) if len(p.parts) >= 3 else p.parts[-2]
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    if stem.endswith("_README") and "_" in stem[: -len("_README")]:
        org, _, model = stem[: -len("_README")].partition("_")
        return f"{org}/{model}"
    return "/".join((*p.parts[:-1], stem))
