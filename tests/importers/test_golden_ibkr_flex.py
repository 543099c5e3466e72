"""Golden files and fuzzing for the IBKR Flex Query XML importer (Activity Flex and Trade "
"Confirmation Flex)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import ibkr_flex
from journal.events import Event, OptionCashSettled, TradeExecuted
from journal.projections.cycles import flow_of
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

FOLDER = FIXTURES / "ibkr_flex"
# fixture -> number of events (each checked by hand in test_ibkr_flex.py)
COUNTS = {
    "two_accounts.xml": 38,
    "later_overlap.xml": 12,
    "trade_confirms.xml": 8,
    "option_eae_only.xml": 6,
    "minimal_attributes.xml": 6,
    "not_modelled.xml": 18,
    "other_assets.xml": 19,  # synthetic: futures, futures options, bonds, currencies, corporate actions
}


# Real exports from public repositories (fixtures/ibkr_flex/README.md names each source and licence):
# fixture -> (events, of which unresolved). Each imports with no error.
REAL = {
    "real/bankroll_ibkr_activity.xml": (0, 0),
    # a GBP stock with no rate, GBP.AUD with a USD commission, a bond with no CUSIP, BRK B's stock row alone
    "real/bankroll_ibkr_trades.xml": (11, 4),
    # CHF base: its CAD and CHF rows of days with no USD rate in the file (14 trades, 4 cash rows, the
    # CAD cash merger)
    "real/testIBFlexStatementFile01.xml": (24, 19),
    # EUR base: 6 EUR rows of days with no USD rate, the PAYC fill with an empty openCloseIndicator
    "real/testIBFlexStatementFile02.xml": (12, 7),
    "real/testIBFlexStatementFile14.xml": (10, 0),
    "real/testIBFlexStatementFile17.xml": (16, 0),
    "real/testIBFlexStatementFile25.xml": (4, 0),
}
EVERY_FIXTURE = sorted(COUNTS) + sorted(REAL)


@pytest.mark.parametrize("fixture", sorted(COUNTS))
def test_golden(fixture: str) -> None:
    result = check_golden(ibkr_flex, FOLDER / fixture)
    assert result["errors"] == []
    assert len(result["events"]) == COUNTS[fixture]


@pytest.mark.parametrize("fixture", sorted(REAL))
def test_a_real_export_imports_with_no_error(fixture: str) -> None:
    result = check_golden(ibkr_flex, FOLDER / fixture)
    assert result["errors"] == []
    unresolved = sum(1 for e in result["events"] if e["type"] == "Unresolved")
    assert (len(result["events"]), unresolved) == REAL[fixture]


@pytest.mark.parametrize("fixture", EVERY_FIXTURE)
def test_the_file_s_cash_is_the_cash_of_its_events(fixture: str) -> None:
    """The self-check: every row's netCash (TCF: proceeds + commission + tax; a cash row's amount) added
    up equals the cash the file's events move in the journal, unresolved rows included."""
    result = ibkr_flex.parse(FOLDER / fixture)
    assert result.errors == []
    booked = sum((result.booked or {}).values(), Decimal(0))
    assert booked == moved(result.events)


def moved(events: list[Event]) -> Decimal:
    """The cash the events move, a cash settlement's by the contracts held before it (a holder receives the
    value, a writer pays it: `flow_of` needs `held` to tell them apart)."""
    held: dict[tuple[str, str], Decimal] = {}
    total = Decimal(0)
    for e in events:
        before = None
        if isinstance(e, OptionCashSettled):
            before = held.get((e.account, e.option.name), Decimal(0))
        total += flow_of(e, before).cash
        if isinstance(e, TradeExecuted) and e.instrument.is_option:
            slot = (e.account, e.instrument.name)
            held[slot] = held.get(slot, Decimal(0)) + (e.quantity if e.action.is_buy else -e.quantity)
    return total


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
