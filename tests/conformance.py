"""Runs ../shared/conformance/run.py on a scenario folder through the installed `tj`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import TJ

SHARED = Path(__file__).resolve().parents[2] / "shared"


def run_scenarios(folder: str, commands: str | None = None) -> str:
    argv = [sys.executable, str(SHARED / "conformance" / "run.py"), "--tj", TJ]
    argv += ["--commands", commands] if commands else []
    argv.append(str(SHARED / "scenarios" / folder))
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout.splitlines()[-1]
    return done.stdout
