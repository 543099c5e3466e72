"""Shared fixtures: every store and projection test runs on a real SQLite file and on the real PostgreSQL.

PostgreSQL comes from $TJ_TEST_POSTGRES_URL (default: the local server); each test gets its own schema,
dropped afterwards. An unreachable server fails the run: it is never skipped silently.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from journal.api import Journal

POSTGRES_URL = os.environ.get("TJ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RUN_ID = uuid.uuid4().hex[:8]
_counter = itertools.count()
TJ = str(Path(sys.executable).with_name("tj"))


@pytest.fixture(scope="session")
def postgres_admin():
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # the run must fail, not skip, without its PostgreSQL
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}", pytrace=False)
    yield engine
    engine.dispose()


def _schema_url(schema: str) -> str:
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty journal database URL on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'journal.sqlite'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    schema = f"tj_{RUN_ID}_{os.getpid()}_{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def journal(db_url: str) -> Iterator[Journal]:
    j = Journal(db_url)
    yield j
    j.close()


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write a journal CSV (dedented, leading newline dropped) and return its path."""

    def write(text: str, name: str = "trades.csv") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    return write


@pytest.fixture
def tj(tmp_path: Path):
    """Run the real `tj` command; returns the completed process. A crash file goes to the test's own folder,
    not the user's state directory."""
    env = {**os.environ, "TJ_STATE_DIR": str(tmp_path / "tj-state")}

    def run(*args: str, db: str | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
        argv = [TJ, *(["--db", db] if db else []), *args]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
        if check and done.returncode != 0:
            raise AssertionError(f"tj {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done

    return run
