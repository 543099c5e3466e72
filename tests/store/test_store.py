"""The store: append-only by the database's own triggers, atomic per file, idempotent, hash-chained."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from journal.api import ImportFailed, Journal
from journal.events import TradeExecuted
from journal.store import APPEND_LOCK, EventStore
from tests.conftest import TJ

TRADES = """
date,account,action,symbol,quantity,price,fees,id
2024-03-01,IRA,STO,XYZ240315P50,1,1.50,0.65,T1
2024-03-15,IRA,ASSIGN,XYZ240315P50,1,,,T2
2024-03-18,IRA,STO,XYZ240419C55,1,1.00,0.65,T3
"""


def _raw(url: str):
    return create_engine(url).connect()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET account = 'other'",
        "DELETE FROM events",
        "DELETE FROM events WHERE seq = 2",
    ],
)
def test_database_refuses_update_and_delete(journal: Journal, db_url: str, write_csv, statement: str) -> None:
    journal.import_files([write_csv(TRADES)])
    with _raw(db_url) as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text(statement))
    assert journal.store.count() == 3
    assert journal.verify().ok


def test_sqlite_refuses_insert_or_replace(tmp_path: Path, write_csv) -> None:
    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    journal = Journal(url)
    journal.import_files([write_csv(TRADES)])
    with _raw(url) as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(
            text(
                "INSERT OR REPLACE INTO events SELECT seq, natural_key, owner, 'X', type, underlying, "
                "economic_time, "
                "recorded_time, payload, source, prev_hash, hash FROM events WHERE seq = 1"
            )
        )
    assert [s.event.account for s in journal.events()] == ["IRA", "IRA", "IRA"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_refuses_truncate_and_upsert(db_url: str, write_csv) -> None:
    journal = Journal(db_url)
    journal.import_files([write_csv(TRADES)])
    for statement in (
        "TRUNCATE events",
        "INSERT INTO events SELECT * FROM events WHERE seq = 1 ON CONFLICT (seq) DO UPDATE SET account = 'X'",
    ):
        with _raw(db_url) as conn, pytest.raises(DatabaseError, match="append-only"):
            conn.execute(text(statement))
    assert journal.store.count() == 3


def test_reimporting_a_file_adds_nothing(journal: Journal, write_csv) -> None:
    path = write_csv(TRADES)
    first = journal.import_files([path])
    again = journal.import_files([path])
    assert (first[0].events_added, first[0].duplicates) == (3, 0)
    assert (again[0].events_added, again[0].duplicates) == (0, 3)
    assert journal.store.count() == 3


def test_overlapping_export_without_ids_adds_only_new_rows(journal: Journal, write_csv) -> None:
    # Two identical fills are two facts; an export overlapping the first adds only what is new.
    jan_feb = write_csv(
        """
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,KO,100,60,0
        2024-01-02,BUY,KO,100,60,0
        2024-02-01,SELL,KO,100,61,0
        """,
        "jan-feb.csv",
    )
    feb_mar = write_csv(
        """
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,KO,100,60,0
        2024-01-02,BUY,KO,100,60,0
        2024-02-01,SELL,KO,100,61,0
        2024-03-01,SELL,KO,100,62,0
        """,
        "jan-mar.csv",
    )
    journal.import_files([jan_feb])
    done = journal.import_files([feb_mar])
    assert (done[0].events_added, done[0].duplicates) == (1, 3)
    assert [r.quantity for r in journal.realized()] == [100, 100]


def test_a_file_with_one_bad_row_writes_nothing(journal: Journal, write_csv) -> None:
    good = write_csv(TRADES, "good.csv")
    bad = write_csv(
        """
        date,action,symbol,quantity,price,fees
        2024-04-01,BUY,KO,100,60,0
        2024-04-02,SEL,KO,100,61,0
        """,
        "bad.csv",
    )
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([good, bad])
    assert [str(p) for p in failed.value.problems] == [
        "bad.csv:3: action: unknown action (known: BUY, SELL, STO, BTC, BTO, STC, EXPIRE, ASSIGN, EXERCISE, "
        "DIVIDEND, INTEREST, FEE, DEPOSIT, WITHDRAW, TAX, IN_LIEU, OTHER, SPLIT, MARK, TRANSFER_IN, "
        "TRANSFER_OUT, SYMBOL_CHANGE, MERGER, SPINOFF, ADJUST, CASH_SETTLE, CONVERT) (got 'SEL')"
    ]
    assert journal.store.count() == 0


def _tamper(url: str, statement: str) -> None:
    with create_engine(url).begin() as conn:
        if url.startswith("sqlite"):
            conn.execute(text("DROP TRIGGER events_no_update"))
        else:
            conn.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))
        conn.execute(text(statement))


def test_verify_names_the_first_event_whose_content_was_changed(
    journal: Journal, db_url: str, write_csv
) -> None:
    journal.import_files([write_csv(TRADES)])
    assert journal.verify().ok
    _tamper(db_url, "UPDATE events SET payload = replace(payload, '1.50', '9.50') WHERE seq = 1")
    report = journal.verify()
    assert (report.first_broken_seq, report.problem) == (1, "the event's content does not match its hash")


def test_verify_notices_a_removed_event(journal: Journal, db_url: str, write_csv) -> None:
    journal.import_files([write_csv(TRADES)])
    with create_engine(db_url).begin() as conn:
        if db_url.startswith("sqlite"):
            conn.execute(text("DROP TRIGGER events_no_delete"))
        else:
            conn.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))
        conn.execute(text("DELETE FROM events WHERE seq = 2"))
    report = journal.verify()
    assert report.first_broken_seq == 3
    assert report.problem == "sequence jumps from 1 to 3"


def test_a_database_without_the_schema_is_migrated_on_open(db_url: str) -> None:
    with create_engine(db_url).begin() as conn:
        conn.execute(text("CREATE TABLE unrelated (x INTEGER)"))
    store = EventStore(db_url)
    assert store.count() == 0
    with store.engine.connect() as conn:
        assert store.schema_revision(conn) == "0006"
    store.close()


def _big_file(path: Path, rows: int) -> Path:
    lines = ["date,account,action,symbol,quantity,price,fees"]
    lines += [f"2024-01-{1 + i % 28:02d},acct,BUY,S{i % 997},1,{10 + i % 90}.25,0" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _writing(url: str, pid: int, wal: Path | None) -> bool:
    """Whether the import process is inside its write transaction."""
    if wal is not None:
        return wal.exists() and wal.stat().st_size > 1_000_000
    with create_engine(url).connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :lock "
                    "AND objid = 'events'::regclass::oid AND objsubid = 2 AND granted "
                    "AND pid <> pg_backend_pid()"
                ),
                {"lock": APPEND_LOCK},
            ).scalar()
        )


def test_a_killed_import_leaves_the_journal_exactly_as_before(
    journal: Journal, db_url: str, write_csv, tmp_path
) -> None:
    journal.import_files([write_csv(TRADES)])
    before = [(s.seq, s.event.key) for s in journal.events()]
    big = _big_file(tmp_path / "big.csv", 150_000)
    wal = Path(db_url.removeprefix("sqlite:///") + "-wal") if db_url.startswith("sqlite") else None
    proc = subprocess.Popen(
        [TJ, "--db", db_url, "import", str(big)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not _writing(db_url, proc.pid, wal):
        assert proc.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    fresh = Journal(db_url)
    assert [(s.seq, s.event.key) for s in fresh.events()] == before
    assert fresh.verify().ok
    fresh.close()


@pytest.mark.parametrize("name", ["plain.csv", 'we"ird \\ "line": 7.csv', "ünïcode ✓.csv"])
def test_every_event_reads_back_with_its_file_hash_and_line(db_url: str, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(
        "date,action,symbol,quantity,price,fees\n2024-03-04,BUY,KO,100,60,0\n2024-03-05,SELL,KO,100,61,0\n"
    )
    journal = Journal(db_url)
    try:
        journal.import_files([path])
        read = [(s.event.source.file, s.event.source.line) for s in journal.events() if s.event.source]
        assert read == [(name, 2), (name, 3)]
        assert {s.event.source.sha256 for s in journal.events() if s.event.source} == {
            hashlib.sha256(path.read_bytes()).hexdigest()
        }
    finally:
        journal.store.engine.dispose()


def test_events_of_a_period_and_of_some_types(journal: Journal, write_csv) -> None:
    """`Journal.events_between`: whole days, every account, in economic order, optionally of some types."""
    journal.import_files([write_csv(TRADES)])
    march = journal.events_between(date(2024, 3, 1), date(2024, 3, 15))
    assert [(type(e).__name__, e.time.date().day) for e in march] == [
        ("TradeExecuted", 1),
        ("OptionAssigned", 15),  # the 18th is past the end
    ]
    trades = journal.events_between(date(2024, 3, 1), date(2024, 3, 31), (TradeExecuted,))
    assert [e.key for e in trades] == [
        e.key
        for e in journal.events_between(date(2024, 3, 1), date(2024, 3, 31))
        if isinstance(e, TradeExecuted)
    ]
    assert [e.time.date().day for e in trades] == [1, 18]
    assert journal.events_between(date(2024, 3, 2), date(2024, 3, 14)) == []
