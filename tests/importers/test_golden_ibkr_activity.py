"""Golden files and fuzzing for the IBKR Activity Statement CSV importer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import ibkr_activity
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

FOLDER = FIXTURES / "ibkr_activity"
# fixture -> (number of events, of which unresolved), each checked by hand in test_ibkr_activity.py
COUNTS = {
    "wheel_2024.csv": (29, 5),
    "later_overlap.csv": (10, 0),
    "option_eae_section.csv": (7, 2),
    "real/binnaculum_uk_initial_import.csv": (7, 0),  # its Forex trade and GBP deposit at the GBP rate
}


@pytest.mark.parametrize("fixture", sorted(COUNTS))
def test_golden(fixture: str) -> None:
    result = check_golden(ibkr_activity, FOLDER / fixture)
    assert result["errors"] == []
    events, unresolved = COUNTS[fixture]
    assert len(result["events"]) == events
    assert sum(e["type"] == "Unresolved" for e in result["events"]) == unresolved


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32), fixture=st.sampled_from(sorted(COUNTS)))
def test_mutated_statements_give_errors_with_a_place_never_a_crash(
    tmp_path_factory, seed: int, fixture: str
) -> None:
    fuzz_once(ibkr_activity, FOLDER / fixture, tmp_path_factory.mktemp("fuzz"), seed)
