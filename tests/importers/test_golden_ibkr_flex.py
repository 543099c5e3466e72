"""Golden files and fuzzing for the IBKR Flex Query XML importer (Activity Flex and Trade "
"Confirmation Flex)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import ibkr_flex
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

FOLDER = FIXTURES / "ibkr_flex"
# fixture -> number of events (each checked by hand in test_ibkr_flex.py)
COUNTS = {
    "two_accounts.xml": 38,
    "later_overlap.xml": 12,
    "trade_confirms.xml": 8,
    "option_eae_only.xml": 6,
    "minimal_attributes.xml": 6,
}


@pytest.mark.parametrize("fixture", sorted(COUNTS))
def test_golden(fixture: str) -> None:
    result = check_golden(ibkr_flex, FOLDER / fixture)
    assert result["errors"] == []
    assert len(result["events"]) == COUNTS[fixture]


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_activity_flex_gives_errors_with_a_place_never_a_crash(tmp_path_factory, seed: int) -> None:
    fuzz_once(ibkr_flex, FOLDER / "two_accounts.xml", tmp_path_factory.mktemp("fuzz"), seed)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_trade_confirmation_flex_never_crashes(tmp_path_factory, seed: int) -> None:
    fuzz_once(ibkr_flex, FOLDER / "trade_confirms.xml", tmp_path_factory.mktemp("fuzz"), seed)


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    fixture=st.sampled_from(["option_eae_only.xml", "minimal_attributes.xml", "later_overlap.xml"]),
)
def test_mutated_other_variants_never_crash(tmp_path_factory, seed: int, fixture: str) -> None:
    fuzz_once(ibkr_flex, FOLDER / fixture, tmp_path_factory.mktemp("fuzz"), seed)


_VALUES = [
    "",
    "-",
    "0",
    "-0",
    "abc",
    "NaN",
    "1e5",
    "99999999999999999999",
    "C;O",
    "A;Ep",
    "BookTrade",
    "TradeCancel",
    "SELL (Ca.)",
    "Short",
    "FOP",
    "STK",
    "20240230",
    "2024-02-29;25:00:00",
    "EUR",
    "SUMMARY",
    "RS",
    "TC",
    "X(Y) SPLIT 0 FOR 1",
    "Withholding Tax",
    "118000001",
    "6001000002",
]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_attribute_values_replaced_or_removed_never_crash(tmp_path_factory, data) -> None:
    """Byte mutations mostly break the XML; this one keeps it well-formed and changes the values."""
    import re

    fixture = data.draw(st.sampled_from(sorted(COUNTS)))
    text = (FOLDER / fixture).read_text()
    spans = [m.span(2) for m in re.finditer(r'(\w+)="([^"]*)"', text)]
    for i in sorted(data.draw(st.sets(st.integers(0, len(spans) - 1), min_size=1, max_size=6)), reverse=True):
        a, b = spans[i]
        text = text[:a] + data.draw(st.sampled_from(_VALUES)) + text[b:]
    path = tmp_path_factory.mktemp("fuzz") / fixture
    path.write_text(text)
    result = ibkr_flex.parse(path)
    assert all(str(e).startswith(f"{fixture}:") for e in result.errors)
