"""The example journal (examples/*.csv) imported once per test session into a SQLite file, and the helpers
the report tests share: the real `tj` on that journal, golden files, and a private config file."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journal.api import Journal

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.csv"))
GOLDEN = Path(__file__).parent / "golden"
ARTIFACTS = REPO / "tests" / "artifacts"
REGENERATE = bool(os.environ.get("TJ_REGEN_GOLDEN"))


@pytest.fixture(scope="session")
def example_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('example') / 'journal.sqlite'}"
    journal = Journal(url)
    try:
        journal.import_files(EXAMPLES)
    finally:
        journal.close()
    return url


@pytest.fixture(scope="session")
def example(example_url: str) -> Iterator[Journal]:
    journal = Journal(example_url)
    yield journal
    journal.close()


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config file: no test reads or writes the user's settings."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("TJ_CONFIG", str(path))
    return path


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/reports/golden/<name>; TJ_REGEN_GOLDEN=1 rewrites it (review the diff)."""
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(actual)
    assert path.exists(), f"no golden file {name}: run TJ_REGEN_GOLDEN=1 pytest tests/reports, then review it"
    assert actual == path.read_text()


def check_golden_json(name: str, data: Any) -> None:
    check_golden(name, json.dumps(data, indent=1, sort_keys=False) + "\n")


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
