"""journal.progress: a bar on a terminal once the work passes its delay, nothing at all otherwise."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import time
from pathlib import Path

from journal.progress import line, progress
from tests.conftest import TJ


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        if not select.select([fd], [], [], 0.05)[0]:
            break
    return b"".join(chunks)


def test_the_line_names_rows_done_of_total_rate_and_eta() -> None:
    assert line("importing", 25_000, 100_000, 2.0) == (
        "importing [######------------------] 25,000/100,000 rows  25%  12,500 rows/s  ETA 0:06"
    )
    assert line("importing", 100_000, 100_000, 4.0) == (
        "importing [########################] 100,000/100,000 rows 100%  25,000 rows/s  ETA 0:00"
    )
    assert line("rebuilding", 30_000, None, 125.0) == "rebuilding 30,000 rows  240 rows/s  2:05"
    assert line("x", 0, 10, 0.0) == "x [------------------------] 0/10 rows   0%  0 rows/s  ETA 0:00"


def test_a_terminal_gets_the_bar_once_the_delay_has_passed() -> None:
    leader, follower = pty.openpty()
    try:
        with (
            open(follower, "w", closefd=False) as tty,
            progress(100, "importing", stream=tty, delay=0.0) as advance,
        ):
            advance(40)
            time.sleep(0.15)
            advance(60)
        text = _read_all(leader).decode()
    finally:
        os.close(leader)
        os.close(follower)
    assert text.startswith("\rimporting [#########---------------] 40/100 rows  40%")
    assert "\rimporting [########################] 100/100 rows 100%" in text
    assert text.endswith("ETA 0:00\r\n")  # the pty turns the last newline into CR LF


def test_short_work_on_a_terminal_draws_nothing() -> None:
    leader, follower = pty.openpty()
    try:
        with open(follower, "w", closefd=False) as tty:
            with progress(100, "importing", stream=tty) as advance:  # the default delay: one second
                advance(100)
            tty.write("done\n")
        text = _read_all(leader).decode()
    finally:
        os.close(leader)
        os.close(follower)
    assert text == "done\r\n"


def test_a_pipe_gets_nothing_even_past_the_delay() -> None:
    out = io.StringIO()
    with progress(100, "importing", stream=out, delay=0.0) as advance:
        advance(50)
        time.sleep(0.12)
        advance(50)
    assert out.getvalue() == ""


# -- through the real `tj` on a real SQLite file ------------------------------------------------------------

TRADES = "date,account,action,symbol,quantity,price,fees\n" + "".join(
    f"2024-01-{2 + i % 20:02d},IRA,STO,AAPL240119P{100 + i:03d},1,2.00,0.65\n" for i in range(300)
)


def _tj_on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run `tj` with its stderr on a pty (stdout piped); its exit code, stdout and what the terminal got."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=follower, env=env, text=True)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal (EIO)
                break
            if not chunk:
                break
            chunks.append(chunk)
        out, _ = proc.communicate(timeout=120)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    return proc.returncode, out, b"".join(chunks).decode()


def _env(tmp_path: Path, delay: str) -> dict[str, str]:
    return {**os.environ, "TJ_STATE_DIR": str(tmp_path / "state"), "TJ_PROGRESS_DELAY": delay}


def test_import_and_rebuild_on_a_terminal_print_as_before_and_no_bar_for_short_work(tmp_path: Path) -> None:
    trades = tmp_path / "trades.csv"
    trades.write_text(TRADES)
    db = ["--db", f"sqlite:///{tmp_path / 'j.sqlite'}"]
    code, out, terminal = _tj_on_a_terminal([TJ, *db, "import", str(trades)], _env(tmp_path, "60"))
    assert code == 0
    assert terminal == "trades.csv: 300 events added, 0 duplicates, 0 unresolved (import 1)\r\n"
    assert out.splitlines()[2].split() == ["trades.csv", "journal-csv", "1", "300", "0", "0", "0"]
    code, out, terminal = _tj_on_a_terminal([TJ, *db, "rebuild"], _env(tmp_path, "60"))
    assert code == 0 and terminal == ""
    assert out.startswith("rebuilt ") and " read-model rows from 300 events in " in out


def test_piped_import_and_rebuild_print_nothing_extra_even_with_no_delay(tmp_path: Path) -> None:
    trades = tmp_path / "trades.csv"
    trades.write_text(TRADES)
    db = ["--db", f"sqlite:///{tmp_path / 'j.sqlite'}"]
    done = subprocess.run(
        [TJ, *db, "import", str(trades)], capture_output=True, text=True, env=_env(tmp_path, "0")
    )
    assert done.returncode == 0
    assert done.stderr == "trades.csv: 300 events added, 0 duplicates, 0 unresolved (import 1)\n"
    assert "\r" not in done.stdout + done.stderr
    done = subprocess.run([TJ, *db, "rebuild"], capture_output=True, text=True, env=_env(tmp_path, "0"))
    assert done.returncode == 0 and done.stderr == "" and "\r" not in done.stdout


def test_a_terminal_sees_the_bar_of_an_import_and_of_a_rebuild(tmp_path: Path) -> None:
    trades = tmp_path / "trades.csv"
    trades.write_text(TRADES)
    db = ["--db", f"sqlite:///{tmp_path / 'j.sqlite'}"]
    code, _, terminal = _tj_on_a_terminal([TJ, *db, "import", str(trades)], _env(tmp_path, "0"))
    assert code == 0
    assert terminal.startswith("\rimporting ") and " 300 rows " in terminal
    assert terminal.endswith("\r\ntrades.csv: 300 events added, 0 duplicates, 0 unresolved (import 1)\r\n")
    code, _, terminal = _tj_on_a_terminal([TJ, *db, "rebuild"], _env(tmp_path, "0"))
    assert code == 0
    assert terminal.startswith("\rrebuilding [") and "300/300 rows 100%" in terminal
