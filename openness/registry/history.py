"""SQLite history of registry builds: every audit stored (model, sha, time, level, components, licence, terms).

One connection, used from one thread (the build loop writes as results arrive). A build that never
finished is resumed by the next build with the same key: what it already recorded is not redone.
One build at a time: a build holds an exclusive lock on ``<history>.lock`` from its start until the
history is closed, so a second build on the same history fails clearly instead of taking the same
build number and claiming to resume it (the lock dies with its process: a killed build is resumed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openness.errors import InputError
from openness.resources import user_cache_dir

# "curated": offline and not in the cache, so the curated verdict stands (nothing failed).
Outcome = Literal["ok", "curated", "skipped", "error"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS builds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    tool_version TEXT NOT NULL DEFAULT '',
    offline INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    build_id INTEGER NOT NULL REFERENCES builds(id),
    release_id TEXT NOT NULL,
    model_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    time TEXT NOT NULL,
    sha TEXT,
    level INTEGER,
    components TEXT NOT NULL DEFAULT '{}',
    license_id TEXT,
    terms TEXT NOT NULL DEFAULT '[]',
    gated INTEGER NOT NULL DEFAULT 0,
    report TEXT,
    UNIQUE (build_id, release_id)
);
CREATE INDEX IF NOT EXISTS audits_release ON audits (release_id, time);
"""


def default_history_path() -> Path:
    """``$OPENNESS_HISTORY``, else ``history.sqlite`` in the user's cache dir (``$XDG_CACHE_HOME/openness``)."""
    explicit = os.environ.get("OPENNESS_HISTORY")
    if explicit:
        return Path(explicit).expanduser()
    return user_cache_dir() / "history.sqlite"


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class AuditRecord:
    """One stored audit (or the reason there is none) of one registry release in one build."""

    release_id: str
    model_id: str
    outcome: Outcome
    reason: str = ""
    time: str = field(default_factory=now_iso)
    sha: str | None = None
    level: int | None = None
    components: dict[str, str] = field(default_factory=dict)
    license_id: str | None = None
    terms: list[dict[str, Any]] = field(default_factory=list)
    gated: bool = False
    report: dict[str, Any] | None = None
    build_id: int | None = None


@dataclass(frozen=True)
class BuildInfo:
    id: int
    key: str
    started: str
    finished: str | None
    tool_version: str
    offline: bool


class History:
    """The build history database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_history_path()
        self._lock_file: Any = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"cannot open the history database {self.path}: {exc}") from None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        if self._lock_file is not None:
            self._lock_file.close()  # releases the lock
            self._lock_file = None

    def _lock_builds(self) -> None:
        """Take the build lock, or raise :class:`InputError` when another build holds it."""
        if self._lock_file is not None:
            return
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock (SQLite still serialises each write)
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle = open(lock_path, "a+")  # held open until close()
        except OSError as exc:
            raise InputError(f"cannot lock the history database {self.path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise InputError(
                f"another registry build is using the history {self.path}; wait for it to finish, or give another --history"
            ) from None
        self._lock_file = handle

    def _write(self, sql: str, args: tuple[Any, ...]) -> int:
        try:
            with self._db:
                cur = self._db.execute(sql, args)
        except sqlite3.Error as exc:
            raise InputError(f"cannot write the history database {self.path}: {exc}") from None
        return cur.lastrowid or 0

    # ---- builds

    def start_build(self, key: str, tool_version: str = "", offline: bool = False, resume: bool = True) -> tuple[int, bool]:
        """Open a build: the last unfinished one with the same ``key`` when ``resume``, else a new one.

        Returns ``(build_id, resumed)``. Raises :class:`InputError` while another build runs on this history.
        """
        self._lock_builds()
        if resume:
            row = self._db.execute("SELECT id, finished, key FROM builds ORDER BY id DESC LIMIT 1").fetchone()
            if row is not None and row[1] is None and row[2] == key:
                return int(row[0]), True
        build_id = self._write(
            "INSERT INTO builds (key, started, tool_version, offline) VALUES (?, ?, ?, ?)", (key, now_iso(), tool_version, int(offline))
        )
        return build_id, False

    def finish_build(self, build_id: int) -> None:
        self._write("UPDATE builds SET finished = ? WHERE id = ?", (now_iso(), build_id))

    def builds(self, complete_only: bool = True) -> list[BuildInfo]:
        """Builds, oldest first."""
        where = " WHERE finished IS NOT NULL" if complete_only else ""
        rows = self._db.execute(f"SELECT id, key, started, finished, tool_version, offline FROM builds{where} ORDER BY id").fetchall()  # noqa: S608 - a fixed clause
        return [BuildInfo(int(r[0]), r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def build_before(self, when: dt.datetime) -> BuildInfo | None:
        """The last complete build finished at or before ``when``."""
        stamp = when.astimezone(dt.timezone.utc).isoformat(timespec="seconds") if when.tzinfo else when.isoformat(timespec="seconds")
        before = [b for b in self.builds() if b.finished is not None and b.finished[: len(stamp)] <= stamp]
        return before[-1] if before else None

    # ---- audits

    def record(self, build_id: int, rec: AuditRecord) -> None:
        """Store one audit of ``build_id`` (replacing an earlier record of the same release in that build)."""
        self._write(
            "INSERT OR REPLACE INTO audits (build_id, release_id, model_id, outcome, reason, time, sha, level, components,"
            " license_id, terms, gated, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                build_id,
                rec.release_id,
                rec.model_id,
                rec.outcome,
                rec.reason,
                rec.time,
                rec.sha,
                rec.level,
                json.dumps(rec.components, sort_keys=True),
                rec.license_id,
                json.dumps(rec.terms, sort_keys=True, default=str),
                int(rec.gated),
                None if rec.report is None else json.dumps(rec.report, default=str),
            ),
        )

    def audits(self, build_id: int, ok_only: bool = False) -> dict[str, AuditRecord]:
        """The records of one build, by release id."""
        columns = "release_id, model_id, outcome, reason, time, sha, level, components, license_id, terms, gated, report, build_id"
        ok = " AND outcome = 'ok'" if ok_only else ""
        sql = f"SELECT {columns} FROM audits WHERE build_id = ?{ok}"  # noqa: S608 - fixed clauses, values as placeholders
        out: dict[str, AuditRecord] = {}
        for r in self._db.execute(sql, (build_id,)):
            out[r[0]] = AuditRecord(
                release_id=r[0],
                model_id=r[1],
                outcome=r[2],
                reason=r[3],
                time=r[4],
                sha=r[5],
                level=r[6],
                components=json.loads(r[7]),
                license_id=r[8],
                terms=json.loads(r[9]),
                gated=bool(r[10]),
                report=None if r[11] is None else json.loads(r[11]),
                build_id=int(r[12]),
            )
        return out
