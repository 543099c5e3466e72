"""Headless Chromium for the report tests, as a person would open a page: load it and read the DOM and the
console, take screenshots at desktop and phone widths, print it to PDF. Each run gets a fresh profile and
no network features; $TJ_CHROMIUM names another binary."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    # Let layout and paint finish before a dump or a screenshot (virtual time: no real waiting).
    "--virtual-time-budget=3000",
)
# Chromium logs each console message as `INFO:CONSOLE:12] "message", source: file://... (12)` (older builds:
# `INFO:CONSOLE(12)]`): a page that loads cleanly logs none.
CONSOLE = re.compile(r"CONSOLE[:(]\d*\)?\]")


def chromium() -> str | None:
    for candidate in (os.environ.get("TJ_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _run(page: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    binary = chromium()
    assert binary is not None, "no chromium"
    with tempfile.TemporaryDirectory(prefix="tj-chromium-") as profile:
        return subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@dataclass(frozen=True, slots=True)
class Loaded:
    dom: str  # the document after load, serialised
    console: list[str]  # console messages: errors, CSP violations, uncaught exceptions


def load(page: Path) -> Loaded:
    done = _run(page, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if CONSOLE.search(line) or "Uncaught" in line]
    return Loaded(done.stdout, console)


def screenshot(page: Path, png: Path, width: int, height: int) -> Path:
    done = _run(page, f"--window-size={width},{height}", f"--screenshot={png}")
    assert done.returncode == 0 and png.exists() and png.stat().st_size > 0, done.stderr[-2000:]
    return png


def print_pdf(page: Path, pdf: Path) -> Path:
    done = _run(page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    return pdf
