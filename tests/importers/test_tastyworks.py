"""The legacy tastyworks transaction-history importer: its own columns (underlying-only Symbol, per-share
Price, positive Fees, signed Amount) read into the same events as the new tastytrade export."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import importers
from importers import journal_csv, tastytrade, tastyworks
from journal.api import ImportFailed, Journal
from journal.events import (
    CashKind,
    CashMoved,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    SplitApplied,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

HERE = FIXTURES / "tastyworks"
HISTORY = HERE / "transaction_history_2021.csv"
WHEEL_MARCH, WHEEL_APRIL = HERE / "wheel_2021-03.csv", HERE / "wheel_2021-04.csv"
HEADER = (
    "Date/Time,Transaction Code,Transaction Subcode,Symbol,Buy/Sell,Open/Close,Quantity,Expiration Date,"
    "Strike,Call/Put,Price,Fees,Amount,Description,Account Reference\n"
)
STO_ROW = (
    "01/29/2021 1:31 PM,Trade,Sell to Open,UVXY,Sell,Open,1,01/29/2021,14.5,P,0.56,1.152,56,"
    "Sold 1 UVXY 01/29/21 Put 14.50 @ 0.56,Individual...60\n"
)


def parse_text(tmp_path: Path, text: str, account: str | None = None):
    path = tmp_path / "transaction_history.csv"
    path.write_text(text)
    return tastyworks.parse(path, account)


def by_line(result) -> dict[int, Any]:
    return {e.source.line: e for e in result.events}


def test_golden_history() -> None:
    result = check_golden(tastyworks, HISTORY)
    assert result["errors"] == []
    assert len(result["events"]) == 26


@pytest.mark.parametrize("path", sorted((HERE / "real").glob("*.csv")), ids=lambda p: p.name)
def test_golden_real_exports(path: Path) -> None:
    """Real exports (README.md names their source and licence) read to the same events every time: each
    unresolved row with its reason, symbols and cash. Counts and the cash check: test_real_exports.py."""
    assert check_golden(tastyworks, path)["errors"] == []


def test_golden_wheel_exports() -> None:
    assert len(check_golden(tastyworks, WHEEL_MARCH)["events"]) == 4
    assert len(check_golden(tastyworks, WHEEL_APRIL)["events"]) == 3  # no final newline, as some exports


def test_the_account_reference_names_the_account() -> None:
    result = tastyworks.parse(HISTORY, "brokerage")
    assert {e.account for e in result.events} == {"Individual...60"}


def test_an_option_is_named_from_its_columns_priced_per_share_with_positive_fees() -> None:
    events = by_line(tastyworks.parse(HISTORY))
    sto = events[31]  # Sold 2 BB 02/19/21 Put 9.00 @ 0.62, Fees 2.304, Amount 124
    assert isinstance(sto, TradeExecuted)
    assert (sto.action, sto.instrument.name, sto.quantity, sto.price, sto.fees, sto.order_id) == (
        TradeAction.STO,
        "BB    210219P00009000",
        Decimal(2),
        Decimal("0.62"),
        Decimal("2.304"),
        None,
    )
    assert sto.time == datetime(2021, 1, 5, 10, 2)
    btc, stc = events[24], events[14]
    assert (btc.action, btc.price, btc.fees) == (TradeAction.BTC, Decimal("0.05"), Decimal("0.28"))
    assert (stc.action, stc.instrument.name, stc.price) == (
        TradeAction.STC,
        "SPY   210319P00380000",
        Decimal("5.35"),
    )


def test_removals_merge_with_their_stock_rows() -> None:
    events = by_line(tastyworks.parse(HISTORY))
    put, call, exercised = events[12], events[20], events[10]
    assert isinstance(put, OptionAssigned) and (put.option.name, put.fees) == (
        "AAL   210319P00024000",
        Decimal("5.00"),
    )
    assert isinstance(call, OptionAssigned) and (call.option.name, call.fees) == (
        "PLTR  210219C00027500",
        Decimal("5.02"),
    )
    assert isinstance(exercised, OptionExercised) and exercised.option.name == "F     210319C00010000"
    assert put.time == datetime(2021, 3, 19, 23, 59, 59)
    expired = events[22]
    assert isinstance(expired, OptionExpired) and expired.time == datetime(2021, 1, 29, 23, 59, 59)
    assert not {9, 11, 19} & set(events)  # the stock rows are inside those facts


def test_split_and_symbol_change() -> None:
    events = by_line(tastyworks.parse(HISTORY))
    split = events[25]
    assert isinstance(split, SplitApplied) and (split.symbol, split.new, split.old) == ("TQQQ", 2, 1)
    # VGAC -> ME: the Open (line 4) and Close (line 5) rows of 100 shares, 1,120 each way, are one rename.
    changed = events[4]
    assert 5 not in events
    assert isinstance(changed, SymbolChanged)
    assert (changed.symbol, changed.new_symbol, changed.time) == ("VGAC", "ME", datetime(2021, 6, 18, 12, 48))


def test_money_movements() -> None:
    events = by_line(tastyworks.parse(HISTORY))
    cash = {line: (e.kind, e.amount, e.symbol) for line, e in events.items() if isinstance(e, CashMoved)}
    assert cash == {
        2: (CashKind.WITHDRAW, Decimal("-2000"), None),
        3: (CashKind.FEE, Decimal("-25"), None),
        7: (CashKind.DIVIDEND, Decimal("-6.15"), "KO"),
        8: (CashKind.DIVIDEND, Decimal("41.00"), "KO"),
        18: (CashKind.FEE, Decimal("-0.02"), None),
        21: (CashKind.INTEREST, Decimal("-1.27"), None),
        27: (CashKind.INTEREST, Decimal("0.03"), None),
        32: (CashKind.DEPOSIT, Decimal("10000"), None),
    }


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (STO_ROW.replace("Sell to Open", "Sell to Hold"), "a trade of an unknown kind (Sell to Hold)"),
        (
            STO_ROW.replace("Trade,Sell to Open", "Receive Deliver,Cash Merger"),
            "a cash merger of an option that is no sale of shares for cash",
        ),
        (STO_ROW.replace("Trade,Sell to Open", "Journal,Sell to Open"), "a Journal row"),
    ],
)
def test_a_row_of_a_kind_tj_does_not_model_is_kept_unresolved(tmp_path: Path, row: str, reason: str) -> None:
    result = parse_text(tmp_path, HEADER + row)
    assert result.errors == []
    (event,) = result.events
    assert isinstance(event, Unresolved) and event.reason.startswith(reason + ": not modelled yet")
    # Amount 56 before the 1.152 of fees: the cash the broker booked.
    assert (event.amount, event.symbols) == (Decimal("54.848"), ("UVXY",))
    assert result.booked == {"Individual...60": Decimal("54.848")}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            STO_ROW.replace(",56,Sold", ",5six,Sold"),
            "transaction_history.csv:2: Amount: not an amount (got '5six')",
        ),
        (
            STO_ROW.replace("01/29/2021 1:31 PM", "2021-01-29 13:31"),
            "transaction_history.csv:2: Date/Time: not a date: expected MM/DD/YYYY h:mm AM|PM "
            "(got '2021-01-29 13:31')",
        ),
        (
            STO_ROW.replace(",1.152,", ",-1.152,"),
            "transaction_history.csv:2: Fees: must not be negative (tastyworks writes fees paid as positive) "
            "(got '-1.152')",
        ),
        (
            STO_ROW.replace(",14.5,P,", ",14.5,X,"),
            "transaction_history.csv:2: Call/Put: not an option (got 'X')",
        ),
    ],
)
def test_a_bad_row_is_named_by_file_line_and_column(tmp_path: Path, row: str, message: str) -> None:
    result = parse_text(tmp_path, HEADER + row)
    assert result.events == []
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(message)


def test_identify_claims_only_the_legacy_header(tmp_path: Path) -> None:
    for fixture in (HISTORY, WHEEL_MARCH, WHEEL_APRIL):
        head = fixture.read_text()
        assert tastyworks.identify(fixture, head)
        assert not tastytrade.identify(fixture, head)
        assert not journal_csv.identify(fixture, head)
    for other in (FIXTURES / "tastytrade" / "transactions_2024.csv", FIXTURES / "journal_csv" / "wheel.csv"):
        assert not tastyworks.identify(other, other.read_text())


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_files_give_errors_with_a_place_never_a_crash(tmp_path_factory, seed: int) -> None:
    fuzz_once(tastyworks, HISTORY, tmp_path_factory.mktemp("fuzz"), seed)


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, tastytrade, tastyworks))


def test_a_bad_file_writes_nothing(registered, journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "transaction_history.csv"
    path.write_text(HEADER + STO_ROW + STO_ROW.replace("1:31 PM", "13:31"))
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([path])
    assert [str(p) for p in failed.value.problems] == [
        "transaction_history.csv:3: Date/Time: not a date: expected MM/DD/YYYY h:mm AM|PM "
        "(got '01/29/2021 13:31')"
    ]
    assert journal.store.count() == 0


def test_a_wheel_through_the_journal_and_an_overlapping_export(registered, journal: Journal) -> None:
    assert [(f.format, f.events_added) for f in journal.import_files([WHEEL_MARCH])] == [
        ("tastyworks-csv", 4)
    ]
    assert [(f.events_added, f.duplicates) for f in journal.import_files([WHEEL_MARCH])] == [(0, 4)]
    assert [(f.events_added, f.duplicates) for f in journal.import_files([WHEEL_APRIL])] == [(1, 2)]
    realized = [
        (r.account, r.instrument.name, r.opened, r.closed, r.proceeds, r.cost_basis, r.gain, r.term)
        for r in journal.realized()
    ]
    # Put assigned: 4000 − (215 − 1.152) + 5 = 3791.152; called away: 3850 + (160 − 1.152) − 5.02 = 4003.828.
    assert realized == [
        (
            "Individual...60",
            "NIO",
            date(2021, 3, 19),
            date(2021, 4, 16),
            Decimal("4003.828"),
            Decimal("3791.152"),
            Decimal("212.676"),
            "short",
        )
    ]
    cycle = journal.cycles(underlying="NIO", status="closed")[0]
    assert (cycle.premium_collected, cycle.fees, cycle.net_cash) == (
        Decimal(375),
        Decimal("12.324"),
        Decimal("212.676"),
    )
    assert [(lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.lots()] == [
        ("NIO   210521P00036000", -1, Decimal("-183.848"))
    ]
