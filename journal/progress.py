"""A progress bar for long work (an import, a rebuild), on a terminal only.

    from journal.progress import progress

    with progress(total, "importing") as advance:
        for chunk in chunks:
            ...
            advance(len(chunk))          # n more rows done (a delta, not a running total)

The bar goes to stderr, and only when stderr is a terminal and the work has lasted past `delay` (one
second): a short command draws nothing, and a piped or redirected stderr (a script, a test, a log) gets
nothing at all, not even a newline. `advance` is cheap (an addition and a clock read; it draws at most
ten times a second), so a loop may call it every few thousand rows. `total` may be None (unknown): the
line then shows the rows done and the rate, no ETA. The module imports only the standard library.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 1.0  # seconds of work before a bar is worth drawing ($TJ_PROGRESS_DELAY says otherwise)
INTERVAL = 0.1  # seconds between two redraws
WIDTH = 24  # characters of the bar itself

Advance = Callable[[int], None]


def _noop(n: int) -> None:
    return None


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def line(label: str, done: int, total: int | None, elapsed: float) -> str:
    """The bar's text for `done` of `total` rows after `elapsed` seconds (no carriage return)."""
    rate = done / elapsed if elapsed > 0 else 0.0
    if total:
        fraction = min(done / total, 1.0)
        filled = int(fraction * WIDTH)
        bar = "#" * filled + "-" * (WIDTH - filled)
        eta = _duration((total - done) / rate) if rate > 0 and done < total else "0:00"
        return f"{label} [{bar}] {done:,}/{total:,} rows {fraction:4.0%}  {rate:,.0f} rows/s  ETA {eta}"
    return f"{label} {done:,} rows  {rate:,.0f} rows/s  {_duration(elapsed)}"


class _Bar:
    __slots__ = ("label", "total", "stream", "delay", "started", "done", "next_draw", "drawn", "width")

    def __init__(self, total: int | None, label: str, stream: TextIO, delay: float) -> None:
        self.label = label
        self.total = total
        self.stream = stream
        self.delay = delay
        self.started = time.monotonic()
        self.done = 0
        self.next_draw = self.started + delay
        self.drawn = False
        self.width = 0  # of the last line drawn, to blank what a shorter one leaves

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now >= self.next_draw:
            self.next_draw = now + INTERVAL
            self.draw(now)

    def draw(self, now: float) -> None:
        text = line(self.label, self.done, self.total, now - self.started)
        pad = " " * max(0, self.width - len(text))
        self.width = len(text)
        try:
            self.stream.write("\r" + text + pad)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on without a bar
            self.next_draw = float("inf")
            return
        self.drawn = True

    def finish(self) -> None:
        if not self.drawn:
            return
        self.draw(time.monotonic())
        try:
            self.stream.write("\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


@contextmanager
def progress(
    total: int | None, label: str, *, stream: TextIO | None = None, delay: float | None = None
) -> Iterator[Advance]:
    """Yield `advance(n)`: n more rows done. Draws on `stream` (stderr) only when it is a terminal and the
    work has lasted past `delay` seconds (default: $TJ_PROGRESS_DELAY, else one); the last line drawn is
    completed with a newline on the way out (on an error too), so what the command prints next starts on
    its own line."""
    out = stream if stream is not None else sys.stderr
    if not _is_terminal(out):
        yield _noop
        return
    if delay is None:
        try:
            delay = float(os.environ.get("TJ_PROGRESS_DELAY", DELAY))
        except ValueError:
            delay = DELAY
    bar = _Bar(total, label, out, delay)
    try:
        yield bar.advance
    finally:
        bar.finish()
