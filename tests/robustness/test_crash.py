"""An unexpected exception in any command: one line naming the command, a crash file for a bug report (with
the traceback, versions and the command line, passwords masked), exit 2; Ctrl-C: one line, exit 130.

The faults are real: an event stored behind the importers' back (through SQL, keeping the hash chain) that
no command can read, as a journal written by a buggy version or by hand would hold.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from journal import schema
from journal.api import Journal
from journal.crash import mask_secrets
from journal.store import chain_hash
from tests.conftest import TJ

TRADES = """
date,account,action,symbol,quantity,price,fees
2024-01-02,IRA,BUY,KO,100,60.00,0
"""


def poison(url: str, payload_of: Callable[[str], str]) -> None:
    """Append, through SQL, a copy of the last stored event whose payload `payload_of` rewrote, chained to
    the last hash as the store would chain it (so `tj verify` still holds)."""
    j = Journal(url)
    try:
        t = schema.events
        with j.store.engine.begin() as conn:
            last = conn.execute(select(t).order_by(t.c.seq.desc()).limit(1)).one()._asdict()
            row = {
                **last,
                "seq": last["seq"] + 1,
                "natural_key": "poison:1",
                "recorded_time": datetime(2024, 2, 1, 12, 0),
                "payload": payload_of(last["payload"]),
                "prev_hash": last["hash"],
            }
            row["hash"] = chain_hash(last["hash"], row)
            conn.execute(t.insert().values(**row))
    finally:
        j.close()


def with_password(url: str) -> str:
    """The same database with a password in its URL (the test server trusts local connections)."""
    if not url.startswith("postgresql"):
        return url
    return make_url(url).set(password="s3cret-pw").render_as_string(hide_password=False)


def run(args: list[str], url: str, state: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TJ_STATE_DIR": str(state)}
    return subprocess.run([TJ, "--db", url, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize(
    "payload_of",
    [
        pytest.param(lambda p: p[: len(p) // 2], id="truncated-json"),
        pytest.param(lambda p: p.replace('"price":"60.00",', ""), id="a-field-missing"),
    ],
)
def test_a_poisoned_event_gives_one_line_and_a_crash_file_and_exit_2(
    tj, db_url, write_csv, tmp_path, payload_of
) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    poison(db_url, payload_of)
    assert tj("verify", db=db_url).returncode == 0  # the chain holds: the event is stored as the store would
    url = with_password(db_url)
    state = tmp_path / "state"

    done = run(["lots"], url, state)

    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    [crash] = list(state.iterdir())
    assert line.startswith("tj lots: unexpected error (")
    assert line.endswith(f"); please attach {crash} to a bug report")
    report = crash.read_text()
    assert report.startswith("tj 0.1.0 crash report, ")
    assert "\npython: 3." in report
    assert "Traceback (most recent call last):" in report
    assert f"argv: {TJ} --db {mask_secrets(url)} lots\n" in report
    assert "s3cret-pw" not in report
    assert crash.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # a SQLite URL holds no password
def test_a_crash_file_masks_the_password_of_a_postgresql_url(tj, db_url, write_csv, tmp_path) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    poison(db_url, lambda p: p[: len(p) // 2])
    url = with_password(db_url)
    state = tmp_path / "state"

    done = run(["report", "year", "2024"], url, state)

    assert done.returncode == 2
    assert done.stderr.startswith("tj report year: unexpected error (")
    report = next(state.iterdir()).read_text()
    assert "postgresql+psycopg://postgres:***@127.0.0.1" in report
    assert "s3cret-pw" not in report + done.stderr


def test_when_no_crash_file_can_be_written_the_one_line_says_so(tj, tmp_path, write_csv) -> None:
    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    tj("import", str(write_csv(TRADES)), db=url, check=True)
    poison(url, lambda p: p[: len(p) // 2])
    not_a_folder = tmp_path / "state"
    not_a_folder.write_text("a file where the state folder should be")

    done = run(["lots"], url, not_a_folder)

    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("tj lots: unexpected error (JSONDecodeError); could not write a crash report: ")


def test_expected_errors_keep_their_exit_code_and_message(tj, tmp_path, write_csv) -> None:
    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    state = tmp_path / "state"
    bad = run(["import", str(write_csv(TRADES + "2024-01-03,IRA,BUY,KO,-1,60,0\n"))], url, state)
    assert (bad.returncode, bad.stderr.splitlines()[-1]) == (1, "tj import: nothing was written")
    unopenable = run(["lots"], "nosuchdriver://x", state)
    assert unopenable.returncode == 1
    assert unopenable.stderr.startswith("tj: cannot open database 'nosuchdriver://x': ")
    usage = run(["lots", "--as-of", "yesterday"], url, state)
    assert usage.returncode == 2
    assert usage.stderr == "tj: --as-of: not a date, write YYYY-MM-DD (got 'yesterday')\n"
    assert not state.exists()  # none of them is a crash


WAITING_ON_EVENTS = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = CAST(:table AS regclass)"


# PostgreSQL lets the test hold a command waiting on a lock for as long as it takes to interrupt it.
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_ctrl_c_during_a_command_says_interrupted_and_exits_130(postgres_admin, db_url, tmp_path) -> None:
    state = tmp_path / "state"
    assert run(["events"], db_url, state).returncode == 0  # the schema exists
    schema_name = make_url(db_url).query["options"].removeprefix("-csearch_path=")
    engine = create_engine(db_url)
    with engine.connect() as conn:
        locking = conn.begin()
        conn.execute(text("LOCK TABLE events IN ACCESS EXCLUSIVE MODE"))
        env = {**os.environ, "TJ_STATE_DIR": str(state)}
        # A suite started in the background by a non-interactive shell runs with SIGINT ignored, and tj would
        # inherit that: give it the default action, as Ctrl-C at a terminal finds it (a handler of this
        # process's own becomes the default across exec).
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            proc = subprocess.Popen(
                [TJ, "--db", db_url, "lots"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        finally:
            signal.signal(signal.SIGINT, previous)
        try:
            for _ in range(600):  # until `tj lots` waits for the lock (a few seconds at most)
                with postgres_admin.connect() as watch:
                    found = watch.execute(text(WAITING_ON_EVENTS), {"table": f'"{schema_name}".events'})
                    waiting = found.scalar()
                if waiting:
                    break
                time.sleep(0.1)
            assert waiting, "tj lots never waited for the lock"
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
            locking.rollback()
    engine.dispose()
    assert (proc.returncode, out, err) == (130, "", "tj lots: interrupted\n")
    assert not state.exists()


def test_mask_secrets_hides_every_password_of_a_database_url() -> None:
    assert mask_secrets("--db postgresql+psycopg://ann:pa55@db.example/tj lots") == (
        "--db postgresql+psycopg://ann:***@db.example/tj lots"
    )
    assert mask_secrets("'postgresql://ann:p%40ss@h:5432/tj?sslmode=require'") == (
        "'postgresql://ann:***@h:5432/tj?sslmode=require'"
    )
    assert mask_secrets("postgresql://ann:p@ss@h/tj") == "postgresql://ann:***@h/tj"  # an unencoded @
    assert (
        mask_secrets("postgresql://h:5432/tj?application_name=a@b")
        == "postgresql://h:5432/tj?application_name=a@b"
    )
    assert mask_secrets("host=h user=ann password=pa55 dbname=tj") == "host=h user=ann password=*** dbname=tj"
    assert mask_secrets("postgresql://ann@h/tj?password=pa55&x=1") == "postgresql://ann@h/tj?password=***&x=1"
    assert mask_secrets("sqlite:////home/ann/journal.sqlite and 12:30 at 5:00") == (
        "sqlite:////home/ann/journal.sqlite and 12:30 at 5:00"
    )
    assert json.loads(json.dumps(mask_secrets("https://user:pw@x/"))) == "https://user:***@x/"
