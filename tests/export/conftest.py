"""Round trips need more than one journal per test: empty ones on the engine of `db_url` (SQLite files beside
it, PostgreSQL schemas dropped afterwards)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import RUN_ID, _schema_url

_counter = itertools.count()


@pytest.fixture
def fresh_db(db_url: str, tmp_path: Path, request) -> Iterator[Callable[[], str]]:
    """A factory of empty journal URLs on the same engine as `db_url`."""
    schemas: list[str] = []

    def make() -> str:
        n = next(_counter)
        if db_url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / f'copy{n}.sqlite'}"
        admin = request.getfixturevalue("postgres_admin")
        schema = f"tj_{RUN_ID}_{os.getpid()}_copy{n}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        return _schema_url(schema)

    yield make
    if schemas:
        admin = request.getfixturevalue("postgres_admin")
        with admin.connect() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
