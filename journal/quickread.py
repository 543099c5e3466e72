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

import json
import os
import sqlite3
from collections.abc import Collection, Generator
from datetime import date, datetime
from typing import Any, NamedTuple

from journal.codec import decode_many
from journal.stored import ImportRecord, StoredEvent, stored_events
from journal.versions import ALL, SCHEMA_REVISION, version_tag

_PREFIX = "sqlite:///"
_ROWS = "SELECT read_models.payload FROM read_models WHERE read_models.projection = ?"
_EVENTS = "SELECT seq, natural_key, account, type, economic_time, recorded_time, payload, source FROM events"
# The partitions the read models hold (`ReadModels.partitions`), for a read of all of them.
_PARTITIONS = "SELECT partition FROM read_model_checkpoints WHERE projection = 'all'"


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
            current = reader._current(reader._connection())
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

    @staticmethod
    def _current(conn: sqlite3.Connection) -> bool:
        """Whether the schema is the current one (the store would open it without migrating)."""
        return bool(
            conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_REVISION,)]
        )

    def _fresh(self, conn: sqlite3.Connection, today: date | None = None) -> bool:
        """Inside a read transaction: whether `ReadModels.refresh` would find nothing to do (the schema
        current, the whole journal's checkpoint at this version and year and at the last event)."""
        if not self._current(conn):
            return False
        checkpoint = conn.execute(
            "SELECT version, last_seq FROM read_model_checkpoints WHERE projection = ?", (ALL,)
        ).fetchall()
        if len(checkpoint) != 1:
            return False
        version, last = checkpoint[0]
        stored = conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
        return bool(version == version_tag(today or date.today()) and int(last) == int(stored))

    def _read(self, sql: str, params: tuple[Any, ...], fresh: bool = True) -> list[Any] | None:
        """The rows of one query, read in the same transaction as the check that the journal is fresh (or,
        not `fresh`, only at the current schema: a read of the events alone); None when it is not, or on
        any database error."""
        try:
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                if not (self._fresh(conn) if fresh else self._current(conn)):
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

    def events(
        self,
        partitions: Collection[str] | None,
        types: Collection[str] | None = None,
        between: tuple[datetime, datetime] | None = None,
        account: str | None = None,
    ) -> list[StoredEvent] | None:
        """`EventStore.read(partitions=..., types=..., between=...)` (in sequence order) when the read models
        are fresh, None when they are not. `partitions` None: every partition the read models hold (what
        `ReadModels.partitions` gives); `types`: type names; `account`: that account's events (its voids with
        them: a void is in its target's account, `voids.make_void`)."""
        where: list[str] = []
        params: list[Any] = []
        if account is not None:
            where.append("account = ?")
            params.append(account)
        if types is not None:
            where.append(f"type IN ({', '.join('?' * len(types))})")
            params += sorted(types)
        # As EventStore.read asks: the time range inside each branch of the partitions' OR, so that SQLite
        # searches the (underlying, economic_time) index by both; times as SQLAlchemy stores a DateTime on
        # SQLite (ISO text with a space), and binds one to compare.
        during, times = ("", []) if between is None else (" AND economic_time BETWEEN ? AND ?", list(between))
        bounds = [moment.isoformat(" ", "microseconds") for moment in times]
        if partitions is None:
            named, none = f"underlying IN ({_PARTITIONS})", f"'' IN ({_PARTITIONS})"
            where.append(f"((({named}){during}) OR (underlying IS NULL AND {none}{during}))")
            params += [*bounds, *bounds]
        else:
            names = sorted(p for p in partitions if p)
            branches = [f"(underlying IN ({', '.join('?' * len(names))}){during})"] if names else []
            params += [*names, *bounds] if names else []
            if "" in partitions:
                branches.append(f"(underlying IS NULL{during})")
                params += bounds
            where.append(f"({' OR '.join(branches) or '0'})")
        found = self._read(f"{_EVENTS} WHERE {' AND '.join(where)} ORDER BY seq", tuple(params))
        return None if found is None else stored_events([found], text_times=True)

    def imports(self) -> list[ImportRecord] | None:
        """`EventStore.imports()` (every import that added events, oldest first); None on any database error.
        The events' tables alone: it needs no fresh read models."""
        found = self._read(_IMPORTS, (), fresh=False)
        if found is None:
            return None
        return [
            ImportRecord(id_, owner, datetime.fromisoformat(recorded), *rest)
            for id_, owner, recorded, *rest in found
        ]

    def replay_parts(self, day: date, partitions: Collection[str] | None) -> ReplayParts | None:
        """What `Journal.replay` reads of the read models, as `ReadModels` gives it, when they are fresh (None
        when not): the groups of linked partitions (those the read models were written with: nothing was
        recorded since), `partitions` with every partition linked to them (when there are groups), the
        latest snapshot of each on or before `day`, and the accounts' horizons."""
        try:
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                if not self._fresh(conn):
                    return None
                found = conn.execute(_GROUPS, (ALL,)).fetchall()
                groups: dict[str, str] = dict(json.loads(found[0][0])) if found else {}
                if groups and partitions is not None:
                    # `ReadModels.members`: each partition's group, every member of it.
                    names = {groups.get(p, p) for p in partitions}
                    partitions = sorted(names | {m for m, name in groups.items() if name in names})
                snapshots = _snapshots(conn, day, partitions)
                found = conn.execute(_HORIZONS, ("horizon",)).fetchall()
                horizons = {account: date.fromisoformat(last) for account, last in found}
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error:
            self.close()
            return None
        return ReplayParts(groups, None if partitions is None else list(partitions), snapshots, horizons)


class ReplayParts(NamedTuple):
    groups: dict[str, str]
    partitions: list[str] | None
    snapshots: list[tuple[str, str]]
    horizons: dict[str, date]


_IMPORTS = (
    "SELECT id, owner, recorded_time, first_seq, last_seq, added, duplicates, file, sha256, format "
    "FROM imports ORDER BY id"
)
_GROUPS = "SELECT payload FROM read_models WHERE projection = 'groups' AND partition = ?"
_HORIZONS = "SELECT read_models.account, read_models.day FROM read_models WHERE read_models.projection = ?"


def _snapshots(
    conn: sqlite3.Connection, day: date, partitions: Collection[str] | None
) -> list[tuple[str, str]]:
    """`ReadModels.snapshots(day, partitions)`, by the same two queries: each partition's latest snapshot
    day on or before `day`, then the snapshots of those days that are some partition's latest."""
    sql = (
        "SELECT read_models.partition, max(read_models.day) AS max_1 FROM read_models "
        "WHERE read_models.projection = ? AND read_models.day <= ?"
    )
    params: list[Any] = ["snapshots", day.isoformat()]
    if partitions is not None:
        sql += f" AND read_models.partition IN ({', '.join('?' * len(partitions))})"
        params += list(partitions)
    wanted = {(p, last) for p, last in conn.execute(f"{sql} GROUP BY read_models.partition", params)}
    if not wanted:
        return []
    days = sorted({last for _, last in wanted})
    query = (
        "SELECT read_models.partition, read_models.day, read_models.payload FROM read_models "
        f"WHERE read_models.projection = ? AND read_models.day IN ({', '.join('?' * len(days))})"
    )
    return [
        (p, payload) for p, last, payload in conn.execute(query, ["snapshots", *days]) if (p, last) in wanted
    ]


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
