"""The append-only event store: one transaction per import, idempotent by natural key, hash-chained.

SQLite is the embedded default; PostgreSQL the server. Both refuse UPDATE and DELETE on `events` by
trigger (see migrations/versions/0001_events.py), so the only way to change the books is to append.

The store's records, its error and the decoding of its rows live in `journal.stored` (re-exported here),
which a read without SQLAlchemy (`journal.quickread`) shares; Alembic loads only for a migration.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from json.encoder import encode_basestring_ascii as _json_str
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    create_engine,
    event,
    func,
    inspect,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from journal import schema
from journal.events import Event, SourceRef, paused_gc, payload_json
from journal.stored import (
    AppendResult,
    ImportOrigin,
    ImportRecord,
    StoredEvent,
    StoreError,
    VerifyReport,
    default_url,
    stored_events,
)
from journal.stored import (
    _decode_source as _decode_source,  # tests/store reads them here
)
from journal.stored import (
    _json_loads as _json_loads,
)

GENESIS = "0" * 64
DEFAULT_OWNER = "default"
_KEY_CHUNK = 500
# `append` writes (and reports its progress) this many rows at a time.
PROGRESS_ROWS = 10_000
_CACHE_KIB = 32 * 1024
SQLITE_PAGE_SIZE = 16_384
# How long a writer waits for another one (an import of 10^6 rows writes for about 35 s) before saying so;
# `$TJ_BUSY_TIMEOUT` (seconds) changes it.
BUSY_TIMEOUT_SECONDS = 120
# PostgreSQL: the advisory lock that makes two first opens of one schema migrate it once, one after the other.
_MIGRATION_LOCK = 0x746A  # "tj"
# PostgreSQL: with the events table's oid, the advisory lock that lets one writer of a schema append.
APPEND_LOCK = 0x746A
_APPEND_LOCK_SQL = f"SELECT pg_advisory_xact_lock({APPEND_LOCK}, 'events'::regclass::oid::int)"
# Up to this many stored events per new one, `append` reads all stored keys instead of looking up its own.
_SCAN_FACTOR = 4
# The columns of `events`, in the order `append` writes its values.
_COLUMNS = (
    "seq",
    "natural_key",
    "owner",
    "account",
    "type",
    "underlying",
    "economic_time",
    "recorded_time",
    "payload",
    "source",
    "prev_hash",
    "hash",
)
_SQLITE_INSERT = (
    f"INSERT OR ROLLBACK INTO events ({', '.join(_COLUMNS)}) VALUES ({', '.join(['?'] * len(_COLUMNS))})"
)
_POSTGRES_COPY = f"COPY events ({', '.join(_COLUMNS)}) FROM STDIN"


def _migrations_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_migrations", here.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise StoreError("the migrations folder is missing from this installation")


def shown_url(url: str) -> str:
    """The URL as tj may print it: a password never appears in any output or error."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: nothing in it can be a password we could find
        return url.split("@")[-1] if "@" in url else url


def database_problem(exc: BaseException, url: str) -> str:
    """A database failure as a sentence that says what to do, without SQLAlchemy's SQL text and web link
    (and so without the URL's password, which a driver may repeat)."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    password = make_url(url).password if "://" in url else None
    if password:
        detail = detail.replace(str(password), "***")
    where = shown_url(url)
    lowered = detail.lower()
    if "database is locked" in lowered or "database is busy" in lowered:
        return (
            f"the journal {where} is busy: another tj is writing to it (an import?); "
            "try again when it has finished"
        )
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        return f"the journal {where} cannot be written by this user ({detail}); check its permissions"
    if any(
        words in lowered
        for words in ("connection refused", "could not connect", "connection failed", "is the server running")
    ):
        return f"cannot reach the database {where} ({detail}); is the server running and the URL right?"
    if "unable to open database" in lowered:
        return f"cannot open the journal {where} ({detail}); check that its folder exists and is writable"
    return f"the database {where} failed: {detail}"


def _create_private(path: Path) -> None:
    """A new journal file readable by its owner only, in a folder of its own made 0700 when tj creates it:
    a journal is a record of someone's money."""
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    for folder in reversed(missing):  # the outermost first, each one private (mkdir's parents=True is not)
        folder.mkdir(mode=0o700, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return


def _busy_timeout_ms() -> int:
    try:
        seconds = float(os.environ.get("TJ_BUSY_TIMEOUT", BUSY_TIMEOUT_SECONDS))
    except ValueError:
        seconds = BUSY_TIMEOUT_SECONDS
    return max(0, int(seconds * 1000))


# The columns a stored event is decoded from (`journal.stored.stored_events`), in its order; the times as the
# driver gives them: SQLAlchemy's DateTime processing (a regex per value on SQLite) would cost more than the
# decoding itself on a large journal, and fromisoformat reads their text directly.
STORED_COLUMNS: tuple[Any, ...] = (
    schema.events.c.seq,
    schema.events.c.natural_key,
    schema.events.c.account,
    schema.events.c.type,
    literal_column("events.economic_time"),
    literal_column("events.recorded_time"),
    schema.events.c.payload,
    schema.events.c.source,
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # tj says when a transaction begins (`_sqlite_begin`), so that a writer can take the write lock before
    # it reads the sequence: the driver's own implicit BEGIN is deferred and starts only at the first write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # A new journal's pages (a no-op on an existing one): 16 KiB pages make an import's inserts into the table
    # and its two indexes split, copy and write back a quarter as many pages as the default 4 KiB ones do.
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    # WAL keeps a killed import atomic and lets readers read while an import writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={_busy_timeout_ms()}")
    # A page cache that holds the natural-key index of a large import (the default 2 MB makes its random
    # inserts spill and re-read pages); memory is taken only as pages are used.
    cursor.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """A write transaction takes SQLite's write lock at once (waiting up to the busy timeout for another
    writer), so two imports serialise instead of both reading the same last sequence number; a read
    transaction stays deferred and sees the journal as it was when it began, never half an import."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("tj_write") else "BEGIN")


def chain_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The hash of one stored row, chained to the one before it."""
    parts = [
        prev_hash,
        str(row["seq"]),
        row["natural_key"],
        row["owner"],
        row["account"],
        row["type"],
        row["underlying"] or "",
        row["economic_time"].isoformat(),
        row["recorded_time"].isoformat(),
        row["payload"],
        row["source"] or "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _encode_source(source: SourceRef | None) -> str | None:
    if source is None:
        return None
    file, sha256, line = source.file, source.sha256, source.line
    if type(file) is str and type(sha256) is str and type(line) is int:
        # What the json.dumps below writes, without building a dict and an encoder per event.
        return f'{{"file": {_json_str(file)}, "sha256": {_json_str(sha256)}, "line": {line}}}'
    return json.dumps({"file": file, "sha256": sha256, "line": line})


def _sqlite_time(value: Any) -> Any:
    """A datetime in SQLAlchemy's own SQLite storage format, so that reads through it parse back."""
    if type(value) is datetime and value.tzinfo is None and value.year >= 1000:
        return value.isoformat(" ", "microseconds")  # the strftime below, several times faster
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value


_READ_BATCH = 10_000


def _as_date(value: Any) -> date:
    """A max() of a DateTime column: SQLite's aggregate gives the stored text, PostgreSQL a datetime."""
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).date()


class _Rows:
    """The stored rows of new events, chained on from the last stored one: a chunk of events at a time,
    each row's 12 values in `_COLUMNS` order, its hash `chain_hash` of them."""

    __slots__ = ("owner", "recorded_text", "recorded_value", "sqlite", "seq", "prev_hash", "_file", "_head")

    def __init__(self, owner: str, recorded: datetime, sqlite: bool, seq: int, prev_hash: str) -> None:
        self.owner = owner
        self.recorded_text = recorded.isoformat()
        self.recorded_value: Any = _sqlite_time(recorded) if sqlite else recorded
        self.sqlite = sqlite
        self.seq = seq
        self.prev_hash = prev_hash
        # The source JSON up to the line number, for the file of the events before (one, mostly).
        self._file: tuple[Any, Any] | None = None
        self._head = ""

    def build(self, events: Sequence[Event]) -> list[tuple[Any, ...]]:
        owner, recorded_text, recorded_value = self.owner, self.recorded_text, self.recorded_value
        sqlite = self.sqlite
        seq, prev_hash, file, head = self.seq, self.prev_hash, self._file, self._head
        sha256 = hashlib.sha256
        rows: list[tuple[Any, ...]] = []
        add = rows.append
        for ev in events:
            seq += 1
            key, account, type_name, underlying = ev.key, ev.account, ev.type_name, ev.underlying
            when = ev.time
            payload = payload_json(ev)
            when_text = when.isoformat()
            stored_time: Any = when
            if sqlite:
                if type(when) is datetime and when.tzinfo is None and when.year >= 1000:
                    # _sqlite_time(when), from the isoformat at hand: a naive datetime's differs only by its
                    # "T" and by leaving out zero microseconds.
                    stored_time = when_text.replace("T", " ")
                    if not when.microsecond:
                        stored_time += ".000000"
                else:
                    stored_time = _sqlite_time(when)
            ref = ev.source
            if ref is None:
                source = None
            elif file is not None and ref.file == file[0] and ref.sha256 == file[1] and type(ref.line) is int:
                source = f"{head}{ref.line}}}"  # what _encode_source writes
            else:
                source = _encode_source(ref)
                if type(ref.file) is str and type(ref.sha256) is str:
                    file = (ref.file, ref.sha256)
                    head = f'{{"file": {_json_str(ref.file)}, "sha256": {_json_str(ref.sha256)}, "line": '
            # chain_hash of the row, its parts joined here rather than through a dict per row.
            digest = sha256(
                "\x1f".join(
                    (
                        prev_hash,
                        str(seq),
                        key,
                        owner,
                        account,
                        type_name,
                        underlying or "",
                        when_text,
                        recorded_text,
                        payload,
                        source or "",
                    )
                ).encode()
            ).hexdigest()
            add(
                (
                    seq,
                    key,
                    owner,
                    account,
                    type_name,
                    underlying,
                    stored_time,
                    recorded_value,
                    payload,
                    source,
                    prev_hash,
                    digest,
                )
            )
            prev_hash = digest
        self.seq, self.prev_hash, self._file, self._head = seq, prev_hash, file, head
        return rows


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class EventStore:
    """The journal's events in one database, opened (and migrated) from a SQLAlchemy URL."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.shown_url = shown_url(self.url)
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:///:memory:"):
            path = Path(self.url.removeprefix("sqlite:///").split("?")[0]).expanduser()
            try:
                _create_private(path)
            except OSError as exc:
                raise StoreError(f"cannot create the journal {path}: {exc.strerror}") from exc
        try:
            self.engine: Engine = create_engine(self.url)
        except Exception as exc:  # bad URL, missing driver
            detail = str(exc).replace(str(self.url), self.shown_url)
            raise StoreError(f"cannot open database {self.shown_url!r}: {detail}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        # Transactions that write: on SQLite they begin IMMEDIATE (see `_sqlite_begin`).
        self.writer: Engine = self.engine.execution_options(tj_write=True)
        self._migrate()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction, serialised with every other writer of this journal; a database failure
        becomes a StoreError that says what to do."""
        try:
            with self.writer.begin() as conn:
                yield conn
        except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error) as exc:
            # The driver's own errors too: `append` writes through the driver's cursor.
            raise StoreError(database_problem(exc, self.url)) from None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # -- schema -----------------------------------------------------------------------------------

    def schema_revision(self, conn: Connection) -> str | None:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def _migrate(self) -> None:
        """Bring a new or old database to the current schema; a current one costs a single query."""
        try:
            with self.engine.connect() as conn:
                if self.schema_revision(conn) == schema.SCHEMA_REVISION:
                    return
        except SQLAlchemyError as exc:
            raise StoreError(database_problem(exc, self.url)) from None
        from alembic import command
        from alembic.config import Config

        folder = _migrations_dir()
        config = Config()
        config.set_main_option("script_location", str(folder))
        try:
            with self.writer.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
                # Asked again inside the write transaction: another tj may have migrated it meanwhile.
                if self.schema_revision(conn) == schema.SCHEMA_REVISION:
                    return
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate: {database_problem(exc, self.url)}") from None

    # -- writing ----------------------------------------------------------------------------------

    def append(
        self,
        new_events: Iterable[Event],
        owner: str = DEFAULT_OWNER,
        origin: ImportOrigin | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> AppendResult:
        """Append the events whose natural key is new, all in one transaction, recorded as one import (from
        `origin`) when any is added; the rest are duplicates. `on_progress`, when given, is called with the
        number of events written so far after every `PROGRESS_ROWS` of them and once at the end (when any
        is written); it must not touch the journal (the write transaction is open)."""
        batch = new_events if isinstance(new_events, list) else list(new_events)
        sqlite = self.dialect == "sqlite"
        with paused_gc(), self.writing() as conn:
            if not sqlite:
                # One writer at a time, so the hash chain and the sequence have no gaps or forks. Not LOCK
                # TABLE: it needs UPDATE, DELETE or TRUNCATE, which a role that may only insert events lacks.
                conn.exec_driver_sql(_APPEND_LOCK_SQL)
            last = conn.exec_driver_sql("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").first()
            seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
            first_seq = seq + 1
            existing = self._existing_keys(conn, [e.key for e in batch], seq)
            fresh: list[Event] = []
            for ev in batch:
                key = ev.key
                if not key:
                    raise StoreError(f"event without a natural key: {ev!r}")
                if key not in existing:
                    existing.add(key)  # a key twice in the batch: the second is a duplicate
                    fresh.append(ev)
            duplicates = len(batch) - len(fresh)
            recorded = datetime.now(UTC).replace(tzinfo=None)
            rows = _Rows(owner, recorded, sqlite, seq, prev_hash)
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                if sqlite:
                    added = self._write_sqlite(cursor, rows, fresh, on_progress)
                else:
                    added = self._write_postgres(cursor, rows, fresh, on_progress)
            finally:
                cursor.close()
            import_id = self._record_import(
                conn, owner, recorded, first_seq, rows.seq, added, duplicates, origin
            )
            if origin is not None and batch:
                self._keep_text(conn, origin, owner)
        return AppendResult(added=added, duplicates=duplicates, import_id=import_id)

    @staticmethod
    def _write_sqlite(
        cursor: Any, rows: _Rows, events: Sequence[Event], on_progress: Callable[[int], None] | None
    ) -> int:
        """The rows a chunk at a time (never all of a big file's rows held at once beside its events), by
        the driver's executemany: SQLAlchemy's per-row parameter processing would cost more than the insert.
        `INSERT OR ROLLBACK`, with the append-only trigger's RAISE(ROLLBACK) (migration 0004): a statement
        that cannot abort alone needs no statement journal, which would otherwise copy each page an insert
        touches (the table's, both indexes') once per row, doubling the cost of the insert; a refused row
        rolls the whole import back, which is what an import must do anyway."""
        added = 0
        for start in range(0, len(events), PROGRESS_ROWS):
            chunk = rows.build(events[start : start + PROGRESS_ROWS])
            cursor.executemany(_SQLITE_INSERT, chunk)
            added += len(chunk)
            if on_progress is not None:
                on_progress(added)
        return added

    @staticmethod
    def _write_postgres(
        cursor: Any, rows: _Rows, events: Sequence[Event], on_progress: Callable[[int], None] | None
    ) -> int:
        """The rows by one COPY (a round trip per buffer, not per row), built a chunk at a time."""
        added = 0
        if not events:
            return added
        with cursor.copy(_POSTGRES_COPY) as copy:
            for start in range(0, len(events), PROGRESS_ROWS):
                chunk = rows.build(events[start : start + PROGRESS_ROWS])
                write_row = copy.write_row
                for row in chunk:
                    write_row(row)
                added += len(chunk)
                if on_progress is not None:
                    on_progress(added)
        return added

    def _record_import(
        self,
        conn: Connection,
        owner: str,
        recorded: datetime,
        first_seq: int,
        last_seq: int,
        added: int,
        duplicates: int,
        origin: ImportOrigin | None,
    ) -> int | None:
        if not added:
            return None
        t = schema.imports
        import_id = int(conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1
        origin = origin or ImportOrigin()
        conn.execute(
            t.insert().values(
                id=import_id,
                owner=owner,
                recorded_time=recorded,
                first_seq=first_seq,
                last_seq=last_seq,
                added=added,
                duplicates=duplicates,
                file=origin.file,
                sha256=origin.sha256,
                format=origin.format,
            )
        )
        return import_id

    @staticmethod
    def _keep_text(conn: Connection, origin: ImportOrigin, owner: str) -> int:
        """The file's text, kept once per owner by its SHA-256: also when all its events were recorded
        already (by a tj that did not keep files). Returns the number of lines kept (0: kept already, or no
        text)."""
        if origin.content is None or origin.sha256 is None:
            return 0
        t = schema.source_texts
        kept = select(t.c.first_line).where(t.c.owner == owner, t.c.sha256 == origin.sha256).limit(1)
        if conn.execute(kept).first():
            return 0
        from journal.sources import blocks

        blocks_kept = list(blocks(origin.content))
        if blocks_kept:
            conn.execute(
                t.insert(),
                [
                    {"owner": owner, "sha256": origin.sha256, "first_line": f, "lines": n, "body": b}
                    for f, n, b in blocks_kept
                ],
            )
        return sum(n for _, n, _ in blocks_kept)

    def keep_text(self, origin: ImportOrigin, owner: str = DEFAULT_OWNER) -> int | None:
        """Keep a file's text without importing it (`tj source --keep`): only a file an event names by its
        SHA-256, so that nothing but what the journal's events came from is kept. Returns the lines kept (0:
        kept already), or None when no event came from the file."""
        t, imports = schema.events, schema.imports
        sha = origin.sha256 or ""
        with self.writing() as conn:
            # The imports name the files that added events; events imported before imports were recorded
            # (migration 0003) name theirs only in their source.
            named = conn.execute(select(imports.c.id).where(imports.c.sha256 == sha).limit(1)).first()
            named = (
                named
                or conn.execute(
                    select(t.c.seq).where(t.c.source.like(f'%"sha256": {_json_str(sha)}%')).limit(1)
                ).first()
            )
            if named is None:
                return None
            return self._keep_text(conn, origin, owner)

    def source_lines(self, sha256: str, first: int, count: int) -> list[bytes]:
        """Up to `count` lines of a kept file from line `first` (with their line breaks); [] when the
        journal does not keep the file or it has no such line."""
        from journal.sources import block_lines

        t = schema.source_texts
        with self.engine.connect() as conn:
            blocks = conn.execute(
                select(t.c.first_line, t.c.body)
                .where(t.c.sha256 == sha256, t.c.first_line <= first + count - 1)
                .where(t.c.first_line + t.c.lines > first)
                .order_by(t.c.first_line)
            ).all()
        out: list[bytes] = []
        seen: set[int] = set()
        for start, body in blocks:
            if start not in seen:  # two owners keep the same file (the same bytes) once each
                seen.add(start)
                out += block_lines(body)[max(first - start, 0) :]
        return out[:count]

    def imports(self) -> list[ImportRecord]:
        """Every import that added events, oldest first."""
        t = schema.imports
        with self.engine.connect() as conn:
            return [ImportRecord(**row._asdict()) for row in conn.execute(select(t).order_by(t.c.id))]

    def _existing_keys(self, conn: Connection, keys: Collection[str], stored: int) -> set[str]:
        """Those of `keys` already stored, given how many events are: when they are not many more than
        `keys`, every stored key (a superset)."""
        if not stored:
            return set()
        if stored <= _SCAN_FACTOR * len(keys):
            # Reading every key off the unique index beats looking each one up.
            return set(conn.exec_driver_sql("SELECT natural_key FROM events").scalars())
        existing: set[str] = set()
        mark = "?" if self.dialect == "sqlite" else "%s"
        for chunk in _chunks(list(keys), _KEY_CHUNK):
            query = f"SELECT natural_key FROM events WHERE natural_key IN ({', '.join([mark] * len(chunk))})"
            existing.update(conn.exec_driver_sql(query, tuple(chunk)).scalars())
        return existing

    # -- reading ----------------------------------------------------------------------------------

    def read(
        self,
        account: str | None = None,
        partitions: Collection[str] | None = None,
        between: tuple[datetime, datetime] | None = None,
        types: Collection[type[Event]] | None = None,
        keys: Collection[str] | None = None,
        seqs: tuple[int, int] | None = None,
    ) -> list[StoredEvent]:
        """Every event in sequence order (the order they were recorded), optionally of one account or of some
        partitions (underlyings; "" for the events that name none), of some event types, of some natural
        keys, or of a range of sequence numbers (an import's) only."""
        t = schema.events
        query = select(*STORED_COLUMNS).order_by(t.c.seq)
        if account is not None:
            query = query.where(t.c.account == account)
        if types is not None:
            query = query.where(t.c.type.in_(sorted(cls.type_name for cls in types)))
        if keys is not None:
            query = query.where(t.c.natural_key.in_(sorted(keys)))
        if seqs is not None:
            query = query.where(t.c.seq.between(*seqs))
        during = t.c.economic_time.between(*between) if between is not None else true()
        if partitions is not None:
            # The time range inside each branch of the OR: only then does SQLite search the (underlying,
            # economic_time) index by both instead of reading every entry of each underlying.
            named = and_(t.c.underlying.in_([p for p in partitions if p]), during)
            query = query.where(
                or_(named, and_(t.c.underlying.is_(None), during)) if "" in partitions else named
            )
        elif between is not None:
            query = query.where(during)
        with self.engine.connect() as conn, paused_gc():
            result = conn.execute(query)
            # The driver's rows as they are, a batch at a time (SQLAlchemy's row per fetch would cost a third
            # of the decoding, and a large journal's rows all at once as much memory again as its events).
            cursor = result.cursor
            try:
                batches = iter(lambda: cursor.fetchmany(_READ_BATCH), [])
                return stored_events(batches, text_times=self.dialect == "sqlite")
            finally:
                result.close()

    def existing_keys(self, keys: Collection[str]) -> set[str]:
        """Which of these natural keys are recorded already."""
        with self.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT max(seq) FROM events").scalar() or 0
            found = self._existing_keys(conn, keys, stored)
        return found if stored > _SCAN_FACTOR * len(keys) else found.intersection(keys)

    def last_seq(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT max(seq) FROM events")).scalar() or 0)

    def partitions_since(self, seq: int) -> set[str]:
        """The partitions (underlyings, "" for none) of the events recorded after `seq`."""
        t = schema.events
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.underlying).where(t.c.seq > seq).distinct())
            return {r[0] or "" for r in rows}

    def horizons(self, since: int = 0) -> dict[str, date]:
        """Each account's last economic day among the events recorded after `since` (settings excluded: they
        are dated when said): how far its files go (see `journal.projections.lots.ASSUMED_EXPIRY_DAYS`)."""
        t = schema.events
        query = (
            select(t.c.account, func.max(t.c.economic_time))
            .where(t.c.seq > since, t.c.type != "AccountConfigured")
            .group_by(t.c.account)
        )
        with self.engine.connect() as conn:
            return {account: _as_date(latest) for account, latest in conn.execute(query)}

    def accounts(self) -> list[str]:
        """Every account with an event, in order of name."""
        t = schema.events
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(t.c.account).distinct().order_by(t.c.account))]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM events")).scalar() or 0)

    def verify(self) -> VerifyReport:
        """Recompute the hash chain; name the first sequence number whose row or link does not hold."""
        t = schema.events
        expected_prev, expected_seq, n = GENESIS, 1, 0
        with self.engine.connect() as conn:
            for r in conn.execute(select(t).order_by(t.c.seq)):
                row = r._asdict()
                n += 1
                if row["seq"] != expected_seq:
                    return VerifyReport(
                        n, row["seq"], f"sequence jumps from {expected_seq - 1} to {row['seq']}"
                    )
                if row["prev_hash"] != expected_prev:
                    return VerifyReport(
                        n, row["seq"], "prev_hash does not match the hash of the event before"
                    )
                if chain_hash(row["prev_hash"], row) != row["hash"]:
                    return VerifyReport(n, row["seq"], "the event's content does not match its hash")
                expected_prev, expected_seq = row["hash"], expected_seq + 1
            files, broken = self._verify_texts(conn)
        return VerifyReport(n, None, None, files, broken)

    @staticmethod
    def _verify_texts(conn: Connection) -> tuple[int, tuple[str, ...]]:
        """How many files the journal keeps, and those whose blocks, in order and without a gap, do not
        hash to the SHA-256 that names them (named by the file an import recorded under that hash)."""
        import zlib

        t = schema.source_texts
        hashes: dict[tuple[str, str], Any] = {}
        next_line: dict[tuple[str, str], int] = {}
        broken: set[str] = set()
        for owner, sha, first, lines, body in conn.execute(
            select(t.c.owner, t.c.sha256, t.c.first_line, t.c.lines, t.c.body).order_by(
                t.c.owner, t.c.sha256, t.c.first_line
            )
        ):
            kept = (owner, sha)
            digest = hashes.setdefault(kept, hashlib.sha256())
            if first != next_line.get(kept, 1):
                broken.add(sha)
            next_line[kept] = first + lines
            try:
                digest.update(zlib.decompress(body))
            except zlib.error:
                broken.add(sha)
        broken |= {sha for (_, sha), digest in hashes.items() if digest.hexdigest() != sha}
        if not broken:
            return len(hashes), ()
        imports = schema.imports
        names = dict(
            conn.execute(select(imports.c.sha256, imports.c.file).where(imports.c.sha256.in_(broken))).all()
        )
        return len(hashes), tuple(f"{names.get(sha) or 'a file'} ({sha})" for sha in sorted(broken))
