"""Reading a fresh SQLite journal without SQLAlchemy: the read models' rows as `ReadModels.rows` gives them,
by the standard library's sqlite3 on a read-only connection.

A query's answer on a journal whose read models are up to date is a few rows of one table; loading
SQLAlchemy to ask for them cost more than the rest of `tj lots`. `QuickRead` asks, in one read transaction,
whether the journal is fresh exactly as `EventStore` and `ReadModels.refresh` would (the schema at the current
migration, the whole journal's checkpoint at this projection version and year and at the last event), and
only then reads. Anything else (a stale journal, an older schema, any database error) answers None: the caller
takes the normal path, which migrates, refreshes and says what went wrong. PostgreSQL always takes the
normal path.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Generator, Iterable
from datetime import date
from typing import Any

from journal.codec import decode_many
from journal.stored import StoredEvent, stored_events
from journal.versions import ALL, SCHEMA_REVISION, version_tag

_PREFIX = "sqlite:///"
_ROWS = "SELECT read_models.payload FROM read_models WHERE read_models.projection = ?"
_EVENTS = "SELECT seq, natural_key, account, type, economic_time, recorded_time, payload, source FROM events"


def sqlite_path(url: str) -> str | None:
    """The file of a plain SQLite URL (`sqlite:///journal.sqlite`, `sqlite:////abs/path`), None for any
    other URL: in memory, with options after `?`, with characters a URL escapes (`%`), or a home (`~`)
    that only the store expands."""
    if not url.startswith(_PREFIX):
        return None
    path = url[len(_PREFIX) :]
    if not path or path.startswith((":memory:", "~")) or any(c in path for c in "?%#\0"):
        return None
    return path


class QuickRead:
    """A read-only view of one SQLite journal's read models, answering only while they are fresh."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def open(cls, url: str) -> QuickRead | None:
        """A reader of the journal at `url` when it is an existing SQLite file at the current schema (the
        store would open it without migrating), else None."""
        path = sqlite_path(url)
        if path is None or not os.path.isfile(path):
            return None
        reader = cls(path)
        try:
            conn = reader._connection()
            current = conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
                (SCHEMA_REVISION,)
            ]
        except sqlite3.Error:
            current = False
        if not current:
            reader.close()
            return None
        return reader

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # Read-only: this path never writes, whatever it is asked. isolation_level None: the
            # transactions are the BEGIN and COMMIT below, not the module's implicit ones.
            uri = f"file:{self.path}?mode=ro"
            self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _fresh(self, conn: sqlite3.Connection, today: date | None = None) -> bool:
        """Inside a read transaction: whether `ReadModels.refresh` would find nothing to do (the schema
        current, the whole journal's checkpoint at this version and year and at the last event)."""
        if conn.execute("SELECT version_num FROM alembic_version").fetchall() != [(SCHEMA_REVISION,)]:
            return False
        checkpoint = conn.execute(
            "SELECT version, last_seq FROM read_model_checkpoints WHERE projection = ?", (ALL,)
        ).fetchall()
        if len(checkpoint) != 1:
            return False
        version, last = checkpoint[0]
        stored = conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
        return bool(version == version_tag(today or date.today()) and int(last) == int(stored))

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[Any] | None:
        """The rows of one query, read in the same transaction as the check that the journal is fresh;
        None when it is not, or on any database error."""
        try:
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                if not self._fresh(conn):
                    return None
                return conn.execute(sql, params).fetchall()
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error:
            self.close()
            return None

    def rows(
        self,
        projection: str,
        cls: type | None = None,
        *,
        account: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[Any] | None:
        """`ReadModels.rows(projection, cls, ...)` when the read models are fresh (same rows, same order);
        None when they are not."""
        sql, params = _payloads(projection, account, start, end)
        found = self._read(f"{sql} ORDER BY read_models.partition, read_models.ord", params)
        return None if found is None else decode_many(cls, [r[0] for r in found])

    def rows_by_day(
        self,
        projection: str,
        cls: type,
        *,
        account: str | None = None,
        start: date | None = None,
        end: date | None = None,
        batch: int = 2_000,
    ) -> Generator[Any, None, None] | None:
        """`ReadModels.rows_by_day` when the read models are fresh (their rows in order of their day, decoded
        a batch at a time, in one read transaction until the generator is closed); None when they are not."""
        sql, params = _payloads(projection, account, start, end)
        sql += " ORDER BY read_models.day, read_models.partition, read_models.ord"
        try:
            conn = self._connection()
            conn.execute("BEGIN")
            if not self._fresh(conn):
                conn.execute("COMMIT")
                return None
            cursor = conn.execute(sql, params)
        except sqlite3.Error:
            self.close()
            return None
        return self._stream(conn, cursor, cls, batch)

    @staticmethod
    def _stream(
        conn: sqlite3.Connection, cursor: sqlite3.Cursor, cls: type, batch: int
    ) -> Generator[Any, None, None]:
        try:
            while chunk := cursor.fetchmany(batch):
                yield from decode_many(cls, [r[0] for r in chunk])
        finally:
            cursor.close()
            conn.execute("COMMIT")

    def events(self, partitions: Iterable[str], types: Iterable[str]) -> list[StoredEvent] | None:
        """`EventStore.read(partitions=..., types=...)` (in sequence order) when the read models are fresh;
        None when they are not. `types`: type names."""
        named = sorted(p for p in partitions if p)
        kinds = sorted(types)
        where = [f"type IN ({', '.join('?' * len(kinds))})"]
        under = [f"underlying IN ({', '.join('?' * len(named))})"] if named else []
        if "" in partitions:
            under.append("underlying IS NULL")
        where.append(f"({' OR '.join(under) or '0'})")
        found = self._read(f"{_EVENTS} WHERE {' AND '.join(where)} ORDER BY seq", (*kinds, *named))
        return None if found is None else stored_events([found], text_times=True)


def _payloads(
    projection: str, account: str | None, start: date | None, end: date | None
) -> tuple[str, tuple[Any, ...]]:
    """`readmodels._payloads` as SQL text: a projection's payloads, of one account and from `start` to
    `end` where given (days as SQLAlchemy stores them on SQLite: ISO text)."""
    sql, params = _ROWS, [projection]
    if account is not None:
        sql += " AND read_models.account = ?"
        params.append(account)
    if start is not None:
        sql += " AND read_models.day >= ?"
        params.append(start.isoformat())
    if end is not None:
        sql += " AND read_models.day <= ?"
        params.append(end.isoformat())
    return sql, tuple(params)
