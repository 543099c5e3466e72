"""Runs the in-repository conformance runner (tests/scenarios/run.py) on a scenario folder through `tj`.

Everything it needs is inside the repository, so a clone anywhere runs it; `.ci/run` runs the upstream
runner on ../shared/scenarios as well when that folder is there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import TJ

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
RUNNER = SCENARIOS / "run.py"


def scenario_folders() -> list[str]:
    """Every folder of tests/scenarios (a new folder is picked up without touching the tests)."""
    return sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def run_scenarios(folder: str) -> str:
    """Run every scenario of one folder; fail unless each of them ran and passed; returns the output."""
    path = SCENARIOS / folder
    expected = len(list(path.rglob("*.toml")))
    argv = [sys.executable, str(RUNNER), "--tj", TJ, str(path)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == f"{expected} passed, 0 failed, 0 skipped", done.stdout
    return done.stdout
