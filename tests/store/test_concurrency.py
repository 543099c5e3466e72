"""Imports into one journal at the same time, from separate processes, on SQLite and PostgreSQL.

Each import takes the journal's write lock before it reads the last sequence number (SQLite: BEGIN IMMEDIATE
with a busy timeout; PostgreSQL: an advisory lock), so they serialise: every one lands or reports its own
error, the hash chain stays whole, and a reader sees the journal before or after an import, never half of one.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from journal.api import Journal
from journal.store import APPEND_LOCK, EventStore
from tests.conftest import TJ

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.csv"))


def _journal_csv(path: Path, rows: int, tag: str) -> Path:
    """A journal CSV of `rows` stock trades of account `tag`, each with its own id."""
    lines = ["date,account,action,symbol,quantity,price,fees,id"]
    start = date(2020, 1, 1)
    for i in range(rows):
        day = start + timedelta(days=i // 200)
        action = "BUY" if (i // 50) % 2 == 0 else "SELL"
        lines.append(f"{day},{tag},{action},S{i % 50},10,{10 + i % 7}.25,1.00,{tag}-{i}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _import(db_url: str, *files: Path) -> subprocess.Popen[str]:
    argv = [TJ, "--db", db_url, "import", "--format", "json", *map(str, files)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


class LockWatch:
    """Looks, from outside, at who holds or waits for the journal's write lock."""

    def __init__(self, db_url: str) -> None:
        url = make_url(db_url)
        self.sqlite = str(url.database) if url.get_backend_name() == "sqlite" else None
        self.engine = None if self.sqlite else create_engine(db_url)

    def _pg_locks(self, granted: bool) -> bool:
        assert self.engine is not None
        with self.engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :key "
                        "AND objid = 'events'::regclass::oid AND objsubid = 2 AND granted = :g"
                    ),
                    {"key": APPEND_LOCK, "g": granted},
                ).scalar()
            )

    def held(self) -> bool:
        if self.sqlite is None:
            return self._pg_locks(granted=True)
        probe = sqlite3.connect(self.sqlite, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()

    def awaited(self) -> bool:
        """PostgreSQL: whether a session waits for the lock (SQLite cannot tell)."""
        return self._pg_locks(granted=False)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def _until(condition, while_running: subprocess.Popen[str], what: str) -> None:
    while not condition():
        assert while_running.poll() is None, f"the import ended before {what}: make its file bigger"
        time.sleep(0.01)


def test_imports_at_the_same_time_all_land_one_after_the_other(db_url: str, tmp_path: Path) -> None:
    files = [_journal_csv(tmp_path / f"acct{i}.csv", 3_000, f"acct{i}") for i in range(3)]
    EventStore(db_url).close()  # migrated once, so that the imports race for the events, not the schema
    running = [_import(db_url, f) for f in files] + [_import(db_url, *EXAMPLES)]
    results = [_finish(p) for p in running]
    assert [code for code, _, _ in results] == [0, 0, 0, 0], [err for _, _, err in results]
    journal = Journal(db_url)
    example_events = sum(f["events_added"] for f in json.loads(results[3][1])["files"])
    assert journal.store.count() == 9_000 + example_events
    assert journal.verify().ok
    imports = journal.store.imports()
    # Each import's events are one unbroken run of sequence numbers, and the runs tile the journal.
    spans = sorted((r.first_seq, r.last_seq) for r in imports)
    assert spans[0][0] == 1 and spans[-1][1] == journal.store.count()
    assert all(a[1] + 1 == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert sorted(r.added for r in imports if r.file and r.file.startswith("acct")) == [3_000] * 3
    assert len(journal.lots(account="acct1")) == len(Journal(db_url).lots(account="acct2"))
    journal.close()


def test_the_same_file_imported_three_times_at_once_lands_once(db_url: str, tmp_path: Path) -> None:
    path = _journal_csv(tmp_path / "same.csv", 2_000, "same")
    EventStore(db_url).close()
    results = [_finish(p) for p in [_import(db_url, path) for _ in range(3)]]
    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    added = sorted(json.loads(out)["files"][0]["events_added"] for _, out, _ in results)
    duplicates = sorted(json.loads(out)["files"][0]["duplicates"] for _, out, _ in results)
    assert added == [0, 0, 2_000]
    assert duplicates == [0, 2_000, 2_000]
    store = EventStore(db_url)
    assert store.count() == 2_000
    assert [r.added for r in store.imports()] == [2_000]
    assert store.verify().ok
    store.close()


def test_an_import_killed_while_it_writes_leaves_nothing_and_the_waiting_one_lands(
    db_url: str, tmp_path: Path
) -> None:
    # Big enough that its write transaction outlasts the wait below on a loaded machine: at 150,000 rows a
    # faster import had committed (the process still exiting) by the time the kill came.
    big = _journal_csv(tmp_path / "big.csv", 400_000, "big")
    small = _journal_csv(tmp_path / "small.csv", 500, "small")
    EventStore(db_url).close()
    watch = LockWatch(db_url)
    killed = _import(db_url, big)
    _until(watch.held, killed, "it took the write lock")
    waiting = _import(db_url, small)
    if watch.sqlite is None:
        _until(watch.awaited, killed, "the other import waited for it")
    else:
        time.sleep(1.5)  # tj starts and parses 500 rows, then waits for the lock
    watch.close()
    assert killed.poll() is None, "the big import finished before it could be killed: make it bigger"
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    code, out, err = _finish(waiting)
    assert code == 0, err
    store = EventStore(db_url)
    assert store.count() == 500
    assert {e.event.account for e in store.read()} == {"small"}
    assert store.verify().ok
    assert [(r.first_seq, r.last_seq, r.file) for r in store.imports()] == [(1, 500, "small.csv")]
    store.close()
    # The killed import left nothing behind: run again, it lands whole after the other.
    code, out, err = _finish(_import(db_url, big))
    assert code == 0, err
    store = EventStore(db_url)
    assert store.count() == 400_500
    assert store.verify().ok
    store.close()


def test_a_reader_sees_the_journal_before_or_after_an_import_never_half(db_url: str, tmp_path: Path) -> None:
    first = _journal_csv(tmp_path / "first.csv", 1_000, "first")
    second = _journal_csv(tmp_path / "second.csv", 60_000, "second")
    code, _, err = _finish(_import(db_url, first))
    assert code == 0, err
    store = EventStore(db_url)
    importing = _import(db_url, second)
    seen = set()
    while importing.poll() is None:
        seen.add(store.count())
        seen.add(len(store.read(account="second")) + 1_000)
    code, _, err = _finish(importing)
    assert code == 0, err
    seen.add(store.count())
    assert seen == {1_000, 61_000}
    store.close()


def test_a_writer_that_waits_too_long_is_told_the_journal_is_busy(tmp_path: Path) -> None:
    """SQLite: another writer (here a transaction held by hand) keeps the lock past `$TJ_BUSY_TIMEOUT`."""
    path = tmp_path / "journal.sqlite"
    url = f"sqlite:///{path}"
    EventStore(url).close()
    trades = _journal_csv(tmp_path / "trades.csv", 10, "acct")
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = subprocess.run(
            [TJ, "--db", url, "import", str(trades)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "TJ_BUSY_TIMEOUT": "0.3"},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    assert done.stderr == (
        f"tj: the journal {url} is busy: another tj is writing to it (an import?); try again when it has "
        "finished\n"
    )
    store = EventStore(url)
    assert store.count() == 0
    store.close()
