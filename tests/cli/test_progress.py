"""journal.progress: a bar on a terminal once the work passes its delay, nothing at all otherwise."""

from __future__ import annotations

import io
import os
import pty
import select
import time

from journal.progress import line, progress


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
