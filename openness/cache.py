"""A local SQLite cache of what the Hub said, keyed by repository and commit sha.

A model's info is stored per (repo, sha) and each revision asked for points at the sha it
resolved to, so re-auditing an unchanged model needs only the info call and ``--offline`` can
answer from here alone. Files are stored per (repo, sha, name): a commit never changes.
A cache that cannot be read or written (corrupt, locked) is a warning, never a crash: the audit
goes on with fresh data; a corrupt one is moved aside. A read-only one is read, with a warning,
and never moved or written. No credentials are ever stored.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openness.resources import user_cache_dir

SCHEMA = """
CREATE TABLE IF NOT EXISTS models (repo_id TEXT NOT NULL, sha TEXT NOT NULL, body TEXT NOT NULL,
    fetched_at REAL NOT NULL, PRIMARY KEY (repo_id, sha));
CREATE TABLE IF NOT EXISTS refs (repo_id TEXT NOT NULL, revision TEXT NOT NULL, sha TEXT NOT NULL,
    fetched_at REAL NOT NULL, PRIMARY KEY (repo_id, revision));
CREATE TABLE IF NOT EXISTS files (repo_id TEXT NOT NULL, sha TEXT NOT NULL, name TEXT NOT NULL, body TEXT,
    PRIMARY KEY (repo_id, sha, name));
CREATE TABLE IF NOT EXISTS datasets (dataset_id TEXT PRIMARY KEY, body TEXT NOT NULL, fetched_at REAL NOT NULL);
"""
SCHEMA_VERSION = 1
DEFAULT_REF = ""  # the revision key when none was asked for (the default branch)


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/openness/hub.sqlite`` (``~/.cache/...``; ``%LOCALAPPDATA%`` on Windows)."""
    return user_cache_dir() / "hub.sqlite"


@dataclass(frozen=True)
class CachedModel:
    """A model's recorded Hub info at one commit, and when it was fetched (epoch seconds)."""

    repo_id: str
    sha: str
    record: dict[str, Any]
    fetched_at: float

    def age(self, now: float | None = None) -> str:
        """How old the data is, for humans: '5 minutes', '3 days'."""
        return describe_age((now or time.time()) - self.fetched_at)


def describe_age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "less than a minute"


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# What each recorded field may hold (``record_from_info`` writes them); anything else is damage.
_FIELD_TYPES: dict[str, Any] = {
    "id": lambda v: isinstance(v, str),
    "sha": lambda v: isinstance(v, str),
    "lastModified": lambda v: v is None or isinstance(v, str),
    "createdAt": lambda v: v is None or isinstance(v, str),
    "gated": lambda v: v is None or isinstance(v, (str, bool)),
    "private": lambda v: v is None or isinstance(v, bool),
    "tags": _str_list,
    "siblings": lambda v: v is None or _str_list(v),
    "cardData": lambda v: v is None or isinstance(v, dict),
    "baseModels": lambda v: v is None or isinstance(v, dict),
    "library_name": lambda v: v is None or isinstance(v, str),
    "pipeline_tag": lambda v: v is None or isinstance(v, str),
    "safetensors_total": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)),
}


def _well_typed(record: Any) -> bool:
    """A cached model record as :func:`~openness.sources.hub.record_from_info` writes it."""
    return isinstance(record, dict) and all(check(record[k]) for k, check in _FIELD_TYPES.items() if k in record)


class HubCache:
    """Thread-safe access to the cache file; ``path=None`` gives a cache that remembers nothing."""

    def __init__(self, path: Path | None, busy_timeout: float = 2.0) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._opened = path is None
        self._busy_timeout = busy_timeout
        self.read_only = False

    def _connection(self) -> sqlite3.Connection | None:
        """The connection, opened on first use (call with the lock held)."""
        if not self._opened:
            self._opened = True
            assert self.path is not None
            self._conn = self._open(self.path)
        return self._conn

    # ------------------------------------------------------------------ plumbing

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _connect(self, path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=self._busy_timeout, check_same_thread=False, isolation_level=None)
        try:
            conn.executescript(SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _open_read_only(self, path: Path) -> sqlite3.Connection | None:
        """A cache we may not write (read-only file, directory or mount) is read as it is, never moved."""
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=self._busy_timeout, check_same_thread=False)
            conn.execute("SELECT 1 FROM models LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            self._warn(f"cache {path} is read-only and cannot be read ({exc}); fetching fresh data, nothing cached")
            return None
        self._warn(f"cache {path} is read-only: read, not updated")
        self.read_only = True
        return conn

    def _open(self, path: Path) -> sqlite3.Connection | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            return self._connect(path)
        except sqlite3.DatabaseError as exc:
            if "readonly" in str(exc) or "read-only" in str(exc):
                return self._open_read_only(path)
            if "locked" in str(exc) or "busy" in str(exc):
                self._warn(f"cache {path} is locked by another process ({exc}); fetching fresh data")
                return None
            if not path.is_file():
                self._warn(f"cache {path} cannot be used ({exc}); fetching fresh data")
                return None
            aside = path.with_name(path.name + f".corrupt-{int(time.time())}")
            self._warn(f"cache {path} is unreadable ({exc}); moved aside to {aside.name}, fetching fresh data")
            try:
                path.replace(aside)
                return self._connect(path)
            except (OSError, sqlite3.Error):
                return None
        except OSError as exc:
            self._warn(f"cache {path} cannot be used ({exc.strerror or exc}); fetching fresh data")
            return None

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                conn = self._connection()
                return conn.execute(sql, args).fetchall() if conn is not None else []
        except sqlite3.Error as exc:
            self._warn(f"cache {self.path} could not be read ({exc}); fetching fresh data")
            return []

    def _write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        try:
            with self._lock:
                conn = self._connection()
                if conn is None or self.read_only:
                    return
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, args in statements:
                        conn.execute(sql, args)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            self._warn(f"cache {self.path} could not be written ({exc}); results were not cached")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # ------------------------------------------------------------------ models

    def put_model(self, repo_id: str, revision: str | None, record: dict[str, Any], fetched_at: float | None = None) -> None:
        """Store a model's info at ``record['sha']`` and point ``revision`` (and the sha itself) at it."""
        sha = str(record.get("sha") or "")
        if not sha:
            return
        key, now = repo_id.lower(), fetched_at or time.time()
        body = json.dumps(record, ensure_ascii=False, sort_keys=True)
        refs = {revision or DEFAULT_REF, sha}
        self._write(
            [("INSERT OR REPLACE INTO models VALUES (?, ?, ?, ?)", (key, sha, body, now))]
            + [("INSERT OR REPLACE INTO refs VALUES (?, ?, ?, ?)", (key, ref, sha, now)) for ref in refs]
        )

    def model(self, repo_id: str, revision: str | None = None) -> CachedModel | None:
        """The info last recorded for ``repo_id`` at ``revision`` (branch, tag or sha; default branch if None)."""
        rows = self._query(
            "SELECT m.sha, m.body, r.fetched_at FROM refs r JOIN models m ON m.repo_id = r.repo_id AND m.sha = r.sha "
            "WHERE r.repo_id = ? AND r.revision = ?",
            (repo_id.lower(), revision or DEFAULT_REF),
        )
        return self._cached(repo_id, rows)

    def latest(self, repo_id: str) -> CachedModel | None:
        """The most recently fetched info for ``repo_id``, whatever the revision."""
        rows = self._query(
            "SELECT sha, body, fetched_at FROM models WHERE repo_id = ? ORDER BY fetched_at DESC LIMIT 1",
            (repo_id.lower(),),
        )
        return self._cached(repo_id, rows)

    def _cached(self, repo_id: str, rows: list[tuple[Any, ...]]) -> CachedModel | None:
        if not rows:
            return None
        sha, body, fetched_at = rows[0]
        try:
            record = json.loads(body)
        except ValueError:
            self._warn(f"cache entry for {repo_id} is damaged; fetching fresh data")
            return None
        if not _well_typed(record):
            self._warn(f"cache entry for {repo_id} is damaged (wrong types); fetching fresh data")
            return None
        return CachedModel(repo_id, sha, record, float(fetched_at))

    # ------------------------------------------------------------------ files

    def files(self, repo_id: str, sha: str, names: list[str]) -> dict[str, str | None]:
        """Cached files among ``names`` at ``sha``: name -> text, or ``None`` when the Hub said it is absent."""
        if not names:
            return {}
        marks = ",".join("?" * len(names))
        rows = self._query(
            f"SELECT name, body FROM files WHERE repo_id = ? AND sha = ? AND name IN ({marks})",  # noqa: S608 - placeholders only
            (repo_id.lower(), sha, *names),
        )
        return {name: body for name, body in rows}

    def put_files(self, repo_id: str, sha: str, files: dict[str, str | None]) -> None:
        """Store file texts (``None``: the file does not exist at that commit)."""
        if sha and files:
            self._write([("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (repo_id.lower(), sha, n, b)) for n, b in files.items()])

    # ------------------------------------------------------------------ datasets

    def dataset(self, dataset_id: str) -> tuple[dict[str, Any], float] | None:
        """A dataset's recorded status and when it was fetched."""
        rows = self._query("SELECT body, fetched_at FROM datasets WHERE dataset_id = ?", (dataset_id.lower(),))
        if not rows:
            return None
        try:
            body = json.loads(rows[0][0])
        except ValueError:
            return None
        return (body, float(rows[0][1])) if isinstance(body, dict) else None

    def put_dataset(self, dataset_id: str, body: dict[str, Any], fetched_at: float | None = None) -> None:
        self._write(
            [("INSERT OR REPLACE INTO datasets VALUES (?, ?, ?)", (dataset_id.lower(), json.dumps(body), fetched_at or time.time()))]
        )
