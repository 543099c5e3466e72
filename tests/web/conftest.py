"""The example journal (examples/*.csv) on SQLite and on PostgreSQL, each served by the real app on a
loopback port for the session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from journal.api import Journal
from tests.conftest import _schema_url
from tests.reports.conftest import private_config  # noqa: F401  (autouse: every test its own config file)
from tests.web.server import Served, serving

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.csv"))


def _imported(url: str) -> str:
    journal = Journal(url)
    try:
        journal.import_files(EXAMPLES)
    finally:
        journal.close()
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def example_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example journal's URL, on each engine (a session's SQLite file, a session's PostgreSQL schema)."""
    if request.param == "sqlite":
        yield _imported(f"sqlite:///{tmp_path_factory.mktemp('web') / 'journal.sqlite'}")
        return
    admin = request.getfixturevalue("postgres_admin")
    schema = f"tj_web_{uuid.uuid4().hex[:8]}_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _imported(_schema_url(schema))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(scope="session")
def site(example_db: str) -> Iterator[Served]:
    """The real server over the example journal."""
    with serving(example_db) as served:
        yield served


@pytest.fixture(scope="session")
def example_journal(example_db: str) -> Iterator[Journal]:
    """The same journal through the API: what each page's figures are checked against."""
    journal = Journal(example_db)
    yield journal
    journal.close()
