"""The property: no journal-CSV file within the documented bounds (docs/bounds.md) breaks a command. Each
generated file is imported (a refused one must write nothing), then every read command and report runs over
it in every format, on a fresh SQLite file and a fresh PostgreSQL schema per example; each must exit 0, or 1
with a message, never a traceback or a crash file.

A few examples here (derandomized: the same ones each run, so the suite never fails by chance);
`TJ_PROPERTY_EXAMPLES` sets how many, and `bench/property_run.py` runs thousands of random ones.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

from tests.conftest import POSTGRES_URL
from tests.robustness.journals import (
    JournalInput,
    check_journal,
    journal_inputs,
    postgresql_database,
    sqlite_database,
)

EXAMPLES = int(os.environ.get("TJ_PROPERTY_EXAMPLES", "12"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@PROPERTY
@given(given_journal=journal_inputs())
def test_no_journal_within_the_bounds_breaks_a_command_on_sqlite(given_journal: JournalInput) -> None:
    with sqlite_database() as (url, folder):
        example = check_journal(given_journal, url, folder)
    assert example.failure() is None, example.failure()


@settings(PROPERTY, max_examples=max(1, EXAMPLES * 2 // 5))
@given(given_journal=journal_inputs())
def test_no_journal_within_the_bounds_breaks_a_command_on_postgresql(
    postgres_admin, given_journal: JournalInput
) -> None:
    with postgresql_database(POSTGRES_URL) as (url, folder):
        example = check_journal(given_journal, url, folder)
    assert example.failure() is None, example.failure()
