"""Golden files and fuzzing for the journal-CSV importer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from importers import journal_csv
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

FIXTURE = FIXTURES / "journal_csv" / "wheel.csv"


def test_golden_wheel() -> None:
    result = check_golden(journal_csv, FIXTURE)
    assert result["errors"] == []
    assert len(result["events"]) == 15


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_files_give_errors_with_a_place_never_a_crash(tmp_path_factory, seed: int) -> None:
    fuzz_once(journal_csv, FIXTURE, tmp_path_factory.mktemp("fuzz"), seed)
