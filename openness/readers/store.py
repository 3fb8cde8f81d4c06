"""What readers learnt, kept between runs: one SQLite table keyed by source and key.

Answers are stored as JSON, negative ones (a 404: no such paper or repository) too, so a batch run
leans on the cache and asks each server at most once per item. A cache that cannot be opened or
written is not an error: the reader works uncached and says so once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from openness.resources import user_cache_dir


def default_store_path() -> Path:
    return user_cache_dir() / "readers.sqlite"


class ReaderStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._opened = False

    def _connection(self) -> sqlite3.Connection | None:
        if self._opened or self.path is None:
            return self._db
        self._opened = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=2.0, check_same_thread=False)
            db.execute("CREATE TABLE IF NOT EXISTS answers (source TEXT, key TEXT, body TEXT, fetched REAL, PRIMARY KEY (source, key))")
            self._db = db
        except (OSError, sqlite3.Error) as exc:
            self.warnings.append(f"reader cache {self.path} unusable ({exc}); working without it")
        return self._db

    def get(self, source: str, key: str) -> tuple[Any, float] | None:
        """(answer, fetched at) or ``None``; a damaged row is treated as absent."""
        with self._lock:
            db = self._connection()
            if db is None:
                return None
            try:
                row = db.execute("SELECT body, fetched FROM answers WHERE source = ? AND key = ?", (source, key)).fetchone()
                return (json.loads(row[0]), float(row[1])) if row else None
            except (sqlite3.Error, ValueError, TypeError):
                return None

    def put(self, source: str, key: str, answer: Any) -> None:
        with self._lock:
            db = self._connection()
            if db is None:
                return
            try:
                body = json.dumps(answer, ensure_ascii=True)
                db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", (source, key, body, time.time()))
                db.commit()
            except (sqlite3.Error, ValueError, TypeError) as exc:
                self.warnings.append(f"reader cache {self.path} not written ({type(exc).__name__})")

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
