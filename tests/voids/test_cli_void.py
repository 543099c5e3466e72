"""`tj void`, `tj events --voided`, `tj imports` and the import id of `tj import`, as a user runs them (the
real `tj`, SQLite and PostgreSQL): a void shows what it takes back and asks first; a script says --yes; no
terminal and no --yes writes nothing."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import time

from tests.conftest import TJ

TRADES = """
date,account,action,symbol,quantity,price,fees,amount,id
2024-01-02,A,DEPOSIT,,,,,10000,a1
2024-01-02,A,STO,AAPL240119P150,1,2.00,0.65,,a2
2024-01-19,A,EXPIRE,AAPL240119P150,1,,,,a3
"""


def count(tj, db: str) -> int:
    return int(json.loads(tj("verify", "--format", "json", db=db, check=True).stdout)["events"])


def test_import_says_its_id_and_tj_imports_lists_it(tj, db_url, write_csv) -> None:
    done = tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    assert "trades.csv: 3 events added, 0 duplicates, 0 unresolved (import 1)" in done.stderr
    [listed] = json.loads(tj("imports", "--format", "json", db=db_url, check=True).stdout)
    assert {
        k: listed[k] for k in ("id", "format", "file", "added", "duplicates", "first_seq", "last_seq")
    } == {
        "id": 1,
        "format": "journal-csv",
        "file": "trades.csv",
        "added": 3,
        "duplicates": 0,
        "first_seq": 1,
        "last_seq": 3,
    }


def test_without_a_terminal_or_yes_void_refuses_and_writes_nothing(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    done = tj("void", "--file", "trades.csv", db=db_url)
    assert done.returncode == 1
    assert (
        "To void: 3 events of file trades.csv (1 CashMoved, 1 OptionExpired, 1 TradeExecuted)" in done.stdout
    )
    assert "asks to confirm, and this is no terminal: add --yes to void; nothing was written" in done.stderr
    assert count(tj, db_url) == 3


def test_void_with_yes_then_the_events_are_listed_as_voided_and_gone(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    done = tj("void", "--import", "1", "--reason", "wrong account", "--yes", "--format", "json", db=db_url)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert {k: summary[k] for k in ("events", "voided", "import_id", "from", "to", "already_voided")} == {
        "events": 3,
        "voided": 3,
        "import_id": 2,
        "from": "2024-01-02",
        "to": "2024-01-19",
        "already_voided": 0,
    }
    assert json.loads(tj("events", "--format", "json", db=db_url, check=True).stdout) == []
    assert json.loads(tj("realized", "--format", "json", db=db_url, check=True).stdout) == []
    voided = json.loads(tj("events", "--voided", "--format", "json", db=db_url, check=True).stdout)
    assert [(v["seq"], v["type"], v["reason"]) for v in voided] == [
        (1, "CashMoved", "wrong account"),
        (2, "TradeExecuted", "wrong account"),
        (3, "OptionExpired", "wrong account"),
    ]
    assert tj("verify", db=db_url, check=True).stdout.startswith("ok: 6 events")
    again = tj("import", str(write_csv(TRADES)), "--format", "json", db=db_url, check=True)
    assert json.loads(again.stdout)["files"][0]["restored"] == 3


def test_void_names_what_it_cannot_find(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    unknown = tj("void", "--key", "nope", "--yes", db=db_url)
    assert unknown.returncode == 1
    assert "no recorded event has the key 'nope'" in unknown.stderr
    assert tj("void", db=db_url).returncode == 2
    assert count(tj, db_url) == 3


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal closed with the process
        return b""


def _in_a_terminal(db: str, answer: str, *args: str) -> tuple[int, str]:
    """Run `tj` in a terminal (its input and output), answering its question (if it asks) with `answer`."""
    main, other = pty.openpty()
    proc = subprocess.Popen([TJ, "--db", db, *args], stdin=other, stdout=other, stderr=other, close_fds=True)
    os.close(other)
    said = b""
    deadline = time.monotonic() + 60
    while b"? [y/N]" not in said and time.monotonic() < deadline:
        chunk = _read(main)
        if not chunk:
            break
        said += chunk
    if b"? [y/N]" in said:
        os.write(main, answer.encode() + b"\n")
        while chunk := _read(main):
            said += chunk
    os.close(main)
    return proc.wait(timeout=60), said.decode()


def test_in_a_terminal_void_asks_and_does_what_the_answer_says(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    code, said = _in_a_terminal(db_url, "n", "void", "--key", "id:nope-not-this")
    assert code == 1 and "no recorded event has the key" in said
    [trade] = [e for e in json.loads(tj("events", "--format", "json", db=db_url).stdout) if e["seq"] == 2]
    code, said = _in_a_terminal(db_url, "n", "void", "--key", trade["key"])
    assert code == 1 and "Void these 1 events? [y/N]" in said and "not confirmed; nothing was written" in said
    assert count(tj, db_url) == 3
    code, said = _in_a_terminal(db_url, "y", "void", "--key", trade["key"])
    assert code == 0 and "voided 1 events (import 2)" in said
    assert count(tj, db_url) == 4
