"""The store's bulk append (issue 16, item 3): written a chunk at a time by the driver (executemany on
SQLite, COPY on PostgreSQL), with the same guarantees as a row at a time: one transaction per file however
many chunks, duplicates found across chunks, the hash chain verifiable, rewriting refused by the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from importers import journal_csv
from journal import schema
from journal.events import Event
from journal.store import (
    PROGRESS_ROWS,
    EventStore,
    StoredEvent,
    StoreError,
    _decode_source,
    _encode_source,
    _json_loads,
    _migrations_dir,
    chain_hash,
)

ROWS = 2 * PROGRESS_ROWS + 5_000  # three chunks, the last one short


def _events(tmp_path: Path, rows: int = ROWS, name: str = "bulk.csv") -> list[Event]:
    lines = ["date,account,action,symbol,quantity,price,fees"]
    lines += [f"2024-01-{1 + i % 28:02d},acct,BUY,S{i % 997},1,{10 + i % 90}.25,0" for i in range(rows)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    parsed = journal_csv.parse(path)
    assert not parsed.errors
    assert len(parsed.events) == rows
    return list(parsed.events)


def _content(stored: list[StoredEvent]) -> list[tuple[int, Event]]:
    return [(s.seq, s.event) for s in stored]


def test_a_bulk_append_reports_its_progress_reads_back_and_verifies(db_url: str, tmp_path: Path) -> None:
    events = _events(tmp_path)
    store = EventStore(db_url)
    try:
        calls: list[int] = []
        done = store.append(events, on_progress=calls.append)
        assert (done.added, done.duplicates, done.import_id) == (ROWS, 0, 1)
        assert calls == [10_000, 20_000, 25_000]
        assert _content(store.read()) == list(enumerate(events, start=1))
        assert store.verify().ok
        (record,) = store.imports()
        assert (record.first_seq, record.last_seq, record.added, record.duplicates) == (1, ROWS, ROWS, 0)
        # Each stored row hashes, through the one-row function `verify` uses, to what the bulk path wrote.
        with store.engine.connect() as conn:
            rows = [r._asdict() for r in conn.execute(schema.events.select().order_by(schema.events.c.seq))]
        assert rows[0]["prev_hash"] == "0" * 64
        assert all(chain_hash(r["prev_hash"], r) == r["hash"] for r in rows)
        assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:], strict=False))
    finally:
        store.close()


def test_reappending_finds_every_duplicate_across_chunks_and_adds_only_the_new(
    db_url: str, tmp_path: Path
) -> None:
    events = _events(tmp_path)
    store = EventStore(db_url)
    try:
        first = store.append(events[::2])  # every other event: 12,500
        assert (first.added, first.duplicates) == (12_500, 0)
        calls: list[int] = []
        # The whole file again, and one event twice in the same batch: only the other half is new.
        again = store.append([*events, events[1]], on_progress=calls.append)
        assert (again.added, again.duplicates, again.import_id) == (12_500, 12_501, 2)
        assert calls == [10_000, 12_500]
        assert [s.event.key for s in store.read()] == [e.key for e in events[::2] + events[1::2]]
        assert [s.seq for s in store.read()] == list(range(1, ROWS + 1))
        assert store.verify().ok
        calls.clear()
        nothing = store.append(events, on_progress=calls.append)
        assert (nothing.added, nothing.duplicates, nothing.import_id) == (0, ROWS, None)
        assert calls == []
        assert store.count() == ROWS
    finally:
        store.close()


def test_a_failure_in_a_later_chunk_leaves_nothing_of_the_earlier_ones(db_url: str, tmp_path: Path) -> None:
    """A Python failure after two chunks were written, and a database failure in the middle of a chunk
    (a test trigger refusing one row, as a full disk would): the journal is exactly as before."""
    events = _events(tmp_path)
    store = EventStore(db_url)
    try:
        store.append(events[:3])
        before = _content(store.read())
        spoilt = [*events[3:], replace(events[-1], key="spoilt", time="not a time")]  # type: ignore[arg-type]
        with pytest.raises(AttributeError):
            store.append(spoilt)
        assert _content(store.read()) == before

        with store.engine.begin() as conn:
            if store.dialect == "sqlite":
                conn.execute(
                    text(
                        "CREATE TRIGGER test_refuses BEFORE INSERT ON events WHEN NEW.seq = 15004 "
                        "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
                    )
                )
            else:
                conn.execute(
                    text(
                        "CREATE FUNCTION test_refuses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        "IF NEW.seq = 15004 THEN RAISE EXCEPTION 'refused for the test'; END IF; "
                        "RETURN NEW; END $$"
                    )
                )
                conn.execute(
                    text(
                        "CREATE TRIGGER test_refuses BEFORE INSERT ON events "
                        "FOR EACH ROW EXECUTE FUNCTION test_refuses()"
                    )
                )
        calls: list[int] = []
        with pytest.raises(StoreError, match="refused for the test"):
            store.append(events[3:], on_progress=calls.append)
        # The first chunk was written, and is gone with the rest (PostgreSQL says so when the COPY ends).
        assert calls == ([10_000] if store.dialect == "sqlite" else [10_000, 20_000, 24_997])
        assert _content(store.read()) == before
        assert store.imports()[-1].last_seq == 3
        with store.engine.begin() as conn:
            on = "" if store.dialect == "sqlite" else " ON events"
            conn.execute(text(f"DROP TRIGGER test_refuses{on}"))
        done = store.append(events)
        assert (done.added, done.duplicates) == (ROWS - 3, 3)
        assert store.verify().ok
    finally:
        store.close()


def test_an_update_delete_or_replace_after_a_bulk_append_is_refused(db_url: str, tmp_path: Path) -> None:
    events = _events(tmp_path, 2_000)
    store = EventStore(db_url)
    try:
        store.append(events)
        statements = [
            "UPDATE events SET account = 'other' WHERE seq = 1500",
            "DELETE FROM events WHERE seq = 2000",
        ]
        if store.dialect == "sqlite":
            statements += [
                # The row's own seq, and a new seq with a stored natural key: either would delete a row.
                "INSERT OR REPLACE INTO events SELECT seq, natural_key, owner, 'X', type, underlying, "
                "economic_time, recorded_time, payload, source, prev_hash, hash FROM events WHERE seq = 1500",
                "INSERT OR REPLACE INTO events SELECT 5000, natural_key, owner, 'X', type, underlying, "
                "economic_time, recorded_time, payload, source, prev_hash, hash FROM events WHERE seq = 7",
            ]
        else:
            statements += [
                "TRUNCATE events",
                "INSERT INTO events SELECT * FROM events WHERE seq = 7 "
                "ON CONFLICT (seq) DO UPDATE SET account = 'X'",
            ]
        engine = create_engine(db_url)
        try:
            for statement in statements:
                with engine.connect() as conn, pytest.raises(DatabaseError, match="append-only"):
                    conn.execute(text(statement))
        finally:
            engine.dispose()
        assert _content(store.read()) == list(enumerate(events, start=1))
        assert store.verify().ok
    finally:
        store.close()


def _alembic(conn) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_migrations_dir()))
    config.attributes["connection"] = conn
    return config


def test_a_journal_of_schema_0003_is_upgraded_and_keeps_its_events(db_url: str, tmp_path: Path) -> None:
    """0004 makes SQLite's refusal of INSERT OR REPLACE roll the transaction back (so that no insert of an
    import needs a statement journal); an existing journal is upgraded on open, its events kept."""
    events = _events(tmp_path, 300)
    store = EventStore(db_url)
    store.append(events[:200])
    with store.writer.begin() as conn:
        command.downgrade(_alembic(conn), "0003")
    store.close()

    def trigger(url: str) -> str | None:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                if engine.dialect.name != "sqlite":
                    return None
                return conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = 'events_no_replace'")
                ).scalar_one()
        finally:
            engine.dispose()

    if db_url.startswith("sqlite"):
        assert "RAISE(ABORT" in (trigger(db_url) or "")
    upgraded = EventStore(db_url)
    try:
        with upgraded.engine.connect() as conn:
            assert upgraded.schema_revision(conn) == "0006" == schema.SCHEMA_REVISION
        if db_url.startswith("sqlite"):
            assert "RAISE(ROLLBACK" in (trigger(db_url) or "")
        done = upgraded.append(events)
        assert (done.added, done.duplicates) == (100, 200)
        assert _content(upgraded.read()) == list(enumerate(events, start=1))
        assert upgraded.verify().ok
    finally:
        upgraded.close()


@pytest.mark.parametrize(
    "raw",
    [
        '{"action":"BUY","price":"10.25"}',
        ' {"a":1}',
        '{"a":1} ',
        '{"a":1}{"b":2}',
        '{"a":',
        "[1, 2]",
        '{"a":1.5,"b":[true,null,"\\u00e9"]}',
        "",
    ],
)
def test_payloads_decode_as_json_loads_decodes_them(raw: str) -> None:
    import json

    try:
        expected = json.loads(raw)
    except json.JSONDecodeError as error:
        with pytest.raises(json.JSONDecodeError) as caught:
            _json_loads(raw)
        assert str(caught.value) == str(error)
    else:
        assert _json_loads(raw) == expected
        assert type(_json_loads(raw)) is type(expected)


@pytest.mark.parametrize(
    "file",
    ["plain.csv", 'we"ird \\ "line": 7.csv', "ünïcode ✓.csv", "line.csv"],
)
@pytest.mark.parametrize("line", [0, 7, 123456789])
def test_a_source_decodes_to_what_was_encoded(file: str, line: int) -> None:
    from journal.events import SourceRef

    ref = SourceRef(file, "ab" * 32, line)
    decoded = _decode_source(_encode_source(ref))
    assert decoded == ref
    assert type(decoded) is SourceRef
    assert (decoded.file, decoded.sha256, decoded.line, str(decoded)) == (file, "ab" * 32, line, str(ref))
    with pytest.raises(AttributeError):
        decoded.line = 1  # type: ignore[misc]


def test_stored_events_read_back_equal_and_frozen(tmp_path: Path) -> None:
    store = EventStore(f"sqlite:///{tmp_path / 'j.sqlite'}")
    try:
        events = _events(tmp_path, 5)
        store.append(events)
        (first, *_) = store.read()
        made = StoredEvent(first.seq, first.recorded_time, first.event)
        assert first == made and hash(first) == hash(made) and repr(first) == repr(made)
        assert type(first.recorded_time) is datetime
        with pytest.raises(AttributeError):
            first.seq = 2  # type: ignore[misc]
    finally:
        store.close()
