"""The tastytrade transaction-history importer: the three header variants read to the same events, every
Type / Sub Type mapped or refused by name, an assignment's two rows merged into one fact, and re-imports
of the same or an overlapping export (even in another header variant) adding nothing twice."""

from __future__ import annotations

from datetime import datetime
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
    OptionAdjusted,
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

HERE = FIXTURES / "tastytrade"
V2023, V2024, V2025 = (
    HERE / "transactions_2023-09.csv",
    HERE / "transactions_2024.csv",
    HERE / "transactions_2025.csv",
)
UNSUPPORTED = HERE / "unsupported.csv"
WHEEL_Q1, WHEEL_Q2 = HERE / "wheel_2024-03_04.csv", HERE / "wheel_2024-04_06.csv"
HEADER_2024 = (
    "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,"
    "Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,Call or Put,"
    "Order #,Currency\n"
)
HEADER_2023 = HEADER_2024.replace("Sub Type,", "").replace(",Currency", "")
HEADER_2025 = HEADER_2024.replace("Order #,Currency", "Order #,Total,Currency")
STO_ROW = (
    "2024-08-16T15:57:13+0200,Trade,Sell to Open,SELL_TO_OPEN,SCHG  240920C00099000,Equity Option,"
    "Sold 1 SCHG 09/20/24 Call 99.00 @ 3.70,370.00,1,370.00,-1.00,-0.15,100,SCHG,SCHG,9/20/24,99,CALL,"
    "337454037,USD\n"
)


def parse_text(tmp_path: Path, text: str, name: str = "tastytrade.csv", account: str | None = None):
    path = tmp_path / name
    path.write_text(text)
    return tastytrade.parse(path, account)


def by_line(result) -> dict[int, Any]:
    return {e.source.line: e for e in result.events}


# -- golden files ------------------------------------------------------------------------------------


def test_golden_2024_variant_with_sub_type_and_currency() -> None:
    result = check_golden(tastytrade, V2024)
    assert result["errors"] == []
    assert len(result["events"]) == 42


def test_golden_2023_09_variant_without_sub_type() -> None:
    result = check_golden(tastytrade, V2023)
    assert result["errors"] == []
    assert len(result["events"]) == 24


def test_golden_2025_variant_with_total() -> None:
    result = check_golden(tastytrade, V2025)
    assert result["errors"] == []
    assert len(result["events"]) == 23


@pytest.mark.parametrize("path", sorted((HERE / "real").glob("*.csv")), ids=lambda p: p.name)
def test_golden_real_exports(path: Path) -> None:
    """Real exports (README.md names their source and licence) read to the same events every time: each
    unresolved row with its reason, symbols and cash. Counts and the cash check: test_real_exports.py."""
    assert check_golden(tastytrade, path)["errors"] == []


def test_golden_rows_the_journal_does_not_model_are_kept_unresolved() -> None:
    result = check_golden(tastytrade, UNSUPPORTED)
    assert result["errors"] == []
    events = {int(e["source"].rsplit(":", 1)[1]): e for e in result["events"]}
    assert {line: e["type"] for line, e in events.items()} == {
        2: "OptionExpired",  # a futures option's expiration (its multiplier from the fill on line 3)
        3: "TradeExecuted",  # a futures option trade
        4: "CashMoved",  # Administrative Transfer of cash: a deposit
        5: "TradeExecuted",  # Cash Merger: a sale of the shares for cash
        6: "SecurityTransferred",  # ACAT of 50 AAPL in, no basis
        7: "CashMoved",  # Mark to Market: OTHER cash
        8: "Unresolved",  # a future
        9: "CashMoved",  # ACH deposit
        10: "Unresolved",  # Special Dividend: a Close row whose Open row is not in the file
        11: "CashMoved",  # Delayed Delivery balance adjustment: cash in lieu
        # 12: the 66 GREE delivered for the adjusted GREE1 puts, merged into the assignment
        13: "OptionAssigned",  # the assignment of the adjusted option
        14: "OptionAdjusted",  # Stock Merger: SPRT puts closed (15) and GREE1 puts opened (14), one event
        16: "TradeExecuted",
    }
    assert events[10]["symbols"] == ["COST"]
    assert (events[7]["kind"], events[7]["amount"], events[7].get("symbol")) == ("OTHER", "-160.00", None)
    assert (events[6]["instrument"], events[6]["quantity"], events[6].get("basis")) == ("AAPL", "50", None)
    assert (events[11]["kind"], events[11]["amount"], events[11]["symbol"]) == ("IN_LIEU", "85.92", "GREE")
    # Sold 100 SGEN @ 229.00 in the cash merger: 22,900.00, no fee.
    assert (events[5]["action"], events[5]["instrument"], events[5]["price"]) == ("SELL", "SGEN", "229.00")


def test_golden_wheel_exports() -> None:
    assert len(check_golden(tastytrade, WHEEL_Q1)["events"]) == 8
    assert len(check_golden(tastytrade, WHEEL_Q2)["events"]) == 6


# -- what each row becomes (hand-derived) ------------------------------------------------------------


def test_option_trades_are_priced_per_share_with_commissions_and_fees_as_one_positive_fee() -> None:
    events = by_line(tastytrade.parse(V2024))
    sto = events[
        50
    ]  # Sold 2 AAPL 02/16/24 Put 180.00 @ 3.15: Value 630.00, Average Price 315.00 per contract
    assert isinstance(sto, TradeExecuted)
    assert (sto.action, sto.instrument.name, sto.quantity, sto.price, sto.fees, sto.order_id) == (
        TradeAction.STO,
        "AAPL  240216P00180000",
        Decimal(2),
        Decimal("3.15"),
        Decimal("2.28"),
        "302114567",
    )
    assert sto.time == datetime(2024, 1, 3, 10, 31, 44)  # the wall time as written, offset dropped
    roll_close, roll_open = events[43], events[42]  # one order: a roll
    assert isinstance(roll_close, TradeExecuted) and isinstance(roll_open, TradeExecuted)
    assert (roll_close.action, roll_open.action) == (TradeAction.BTC, TradeAction.STO)
    assert roll_close.order_id == roll_open.order_id == "306551209"
    assert (roll_close.price, roll_close.fees) == (Decimal("1.05"), Decimal("0.26"))
    bto = events[20]  # Bought 1 AMD ... @ 12.40, Value "-1,240.00"
    assert isinstance(bto, TradeExecuted) and (bto.action, bto.price) == (TradeAction.BTO, Decimal("12.40"))


def test_a_stock_price_comes_from_value_when_average_price_is_rounded() -> None:
    sale = by_line(tastytrade.parse(V2024))[24]  # Sold 100 KO @ 61.35 for "6,135.42"
    assert isinstance(sale, TradeExecuted)
    assert (sale.action, sale.price, sale.gross) == (
        TradeAction.SELL,
        Decimal("61.3542"),
        Decimal("6135.4200"),
    )


def test_partial_fills_of_one_order_stay_separate_fills() -> None:
    events = by_line(tastytrade.parse(V2024))
    fills = [events[32], events[33]]
    assert all(isinstance(f, TradeExecuted) for f in fills)
    assert [(f.quantity, f.fees, f.order_id) for f in fills] == [
        (Decimal(40), Decimal("0.03"), "312554871"),
        (Decimal(60), Decimal("0.05"), "312554871"),
    ]


def test_put_and_call_assignments_merge_with_their_stock_rows_and_take_the_assignment_fee() -> None:
    result = tastytrade.parse(V2024)
    events = by_line(result)
    put, call = events[47], events[41]
    assert isinstance(put, OptionAssigned) and isinstance(call, OptionAssigned)
    assert (put.option.name, put.quantity, put.fees, put.time) == (
        "SOFI  240119P00008000",
        Decimal(3),
        Decimal("5.00"),
        datetime(2024, 1, 19, 23, 59, 59),
    )
    assert (call.option.name, call.quantity, call.fees) == (
        "SOFI  240216C00008500",
        Decimal(3),
        Decimal("5.04"),
    )
    # The stock rows (lines 46 and 40) are part of those facts, not trades of their own.
    assert 46 not in events and 40 not in events


def test_exercise_merges_with_its_stock_row() -> None:
    exercised = by_line(tastytrade.parse(V2024))[18]
    assert isinstance(exercised, OptionExercised)
    assert (exercised.option.name, exercised.fees) == ("AMD   240719C00150000", Decimal("5.00"))


def test_expiry_closes_at_the_end_of_the_expiration_date() -> None:
    expired = by_line(tastytrade.parse(V2024))[38]
    assert isinstance(expired, OptionExpired)
    assert (expired.option.name, expired.quantity, expired.time) == (
        "AAPL  240315P00175000",
        Decimal(2),
        datetime(2024, 3, 15, 23, 59, 59),
    )


def test_cash_settled_index_options_close_at_the_settlement_cash() -> None:
    events = by_line(tastytrade.parse(V2024))
    assigned, exercised = events[14], events[9]
    assert isinstance(assigned, TradeExecuted) and isinstance(exercised, TradeExecuted)
    # SPXW 5200 put assigned for "-1,367.00": bought back at 13.67 a share, the $5 fee with it.
    assert (assigned.action, assigned.instrument.name, assigned.price, assigned.fees) == (
        TradeAction.BTC,
        "SPXW  240805P05200000",
        Decimal("13.67"),
        Decimal("5.00"),
    )
    assert (exercised.action, exercised.price, exercised.fees) == (
        TradeAction.STC,
        Decimal("8.25"),
        Decimal("0.00"),
    )
    assert assigned.time == datetime(2024, 8, 5, 23, 59, 59)


def test_splits_give_their_ratio_and_reissued_options_are_adjusted() -> None:
    events = by_line(tastytrade.parse(V2024))
    forward, reverse = events[6], events[30]
    assert isinstance(forward, SplitApplied) and isinstance(reverse, SplitApplied)
    assert (forward.symbol, forward.new, forward.old) == ("SCHD", Decimal(3), Decimal(1))
    assert (reverse.symbol, reverse.new, reverse.old) == ("UVXY", Decimal(1), Decimal(5))
    # The SCHD call rows of the 3:1 split are the standard adjustment the books make: no events of their own.
    assert not {4, 5, 7} & set(events)
    # The UVXY put re-issued as UVXY1 (1:5): its Close (line 29) and Open (line 28) rows of equal value are
    # one adjustment of the written put (nothing realized), before the split is applied (the action's last
    # row, 07:31:40).
    adjusted = events[28]
    assert 29 not in events
    assert isinstance(adjusted, OptionAdjusted)
    assert (adjusted.option.name, adjusted.adjusted.name, adjusted.quantity, adjusted.reason) == (
        "UVXY  240517P00010000",
        "UVXY1 240517P00010000",
        Decimal(1),
        "reverse split",
    )
    assert adjusted.new_quantity is None and adjusted.time <= reverse.time
    assert reverse.time == datetime(2024, 4, 11, 7, 31, 40)


def test_money_movements_map_to_cash_kinds() -> None:
    events = by_line(tastytrade.parse(V2024))
    expected = {
        51: (CashKind.DEPOSIT, "25000.00", None),
        48: (CashKind.INTEREST, "4.12", None),  # Credit Interest
        13: (CashKind.INTEREST, "-3.48", None),  # Debit Interest
        44: (CashKind.FEE, "-0.02", None),  # Balance Adjustment: regulatory fee adjustment
        35: (CashKind.DIVIDEND, "122.00", "SCHD"),
        34: (CashKind.DIVIDEND, "-36.60", "SCHD"),  # withholding
        23: (CashKind.INTEREST, "0.87", None),  # Fully Paid Stock Lending Income
        11: (CashKind.WITHDRAW, "-5000.00", None),
        10: (CashKind.FEE, "-25.00", None),  # Fee: domestic wire fee
        2: (CashKind.DEPOSIT, "2000.00", None),  # Transfer: wire funds received
    }
    for line, (kind, amount, symbol) in expected.items():
        event = events[line]
        assert isinstance(event, CashMoved), line
        assert (event.kind, event.amount, event.symbol) == (kind, Decimal(amount), symbol), line


def test_a_deposit_naming_a_holding_is_dividend_withholding_paid_back(tmp_path: Path) -> None:
    # Rows of avion23/tastyworksTaxes test/tastytrade_transactions_history_180201_to_240817.csv: ICSH's
    # dividends had tax withheld (negative Dividend rows); in March it came back as Deposits naming ICSH.
    rows = (
        "2024-03-21T22:00:00+0100,Money Movement,Deposit,,ICSH,Equity,ISHARES TRUST,3.23,0,,--,0.00,"
        ",,,,,,,USD\n"
        "2023-12-20T23:00:00+0100,Money Movement,Dividend,,ICSH,Equity,ISHARES TRUST,-3.35,0,,--,0.00,"
        ",,,,,,,USD\n"
        '2024-01-03T14:00:00+0200,Money Movement,Deposit,,,,Wire Funds Received,"1,000.00",0,,--,0.00,'
        ",,,,,,,USD\n"
    )
    result = parse_text(tmp_path, HEADER_2024 + rows)
    assert result.errors == []
    assert [(e.kind, e.amount, e.symbol, e.note) for e in by_line(result).values()] == [
        (CashKind.DIVIDEND, Decimal("3.23"), "ICSH", "dividend withholding refunded"),
        (CashKind.DIVIDEND, Decimal("-3.35"), "ICSH", ""),
        (CashKind.DEPOSIT, Decimal("1000.00"), None, ""),
    ]
    # Money out naming a holding is cash all the same: the kind from its words, the holding kept.
    out = "2024-03-21T22:00:00+0100,Money Movement,Withdrawal,,ICSH,Equity,ISHARES TRUST,-3.23,0,,--,0.00,"
    result = parse_text(tmp_path, HEADER_2024 + out + ",,,,,,,USD\n")
    assert result.errors == [] and result.warnings == []
    assert [(e.kind, e.amount, e.symbol, e.description) for e in result.events] == [
        (CashKind.WITHDRAW, Decimal("-3.23"), "ICSH", "ISHARES TRUST")
    ]


def test_the_three_header_variants_read_the_same_row_alike(tmp_path: Path) -> None:
    row_2023 = STO_ROW.replace("Trade,Sell to Open,", "Trade,").replace(",USD\n", "\n")
    row_2025 = STO_ROW.replace(",USD\n", ",368.85,USD\n")
    results = [
        parse_text(tmp_path, HEADER_2023 + row_2023, "a.csv"),
        parse_text(tmp_path, HEADER_2024 + STO_ROW, "b.csv"),
        parse_text(tmp_path, HEADER_2025 + row_2025, "c.csv"),
    ]
    assert all(r.errors == [] for r in results)
    (a,), (b,), (c,) = (r.events for r in results)
    assert a == b == c  # events compare by content, key included (the source is not compared)
    assert isinstance(a, TradeExecuted) and (a.price, a.fees) == (Decimal("3.70"), Decimal("1.15"))


def test_2023_09_rows_are_told_apart_by_their_description() -> None:
    events = by_line(tastytrade.parse(V2023))
    assert isinstance(events[13], OptionExpired)  # "Removal of 2.0 PACB ... due to expiration."
    assert isinstance(events[12], OptionAssigned) and events[12].fees == Decimal("5.023")
    assert isinstance(events[10], OptionExercised)
    assert isinstance(events[25], SplitApplied) and (events[25].new, events[25].old) == (20, 1)
    kinds = {line: (e.kind, e.symbol) for line, e in events.items() if isinstance(e, CashMoved)}
    assert kinds == {
        2: (CashKind.FEE, None),  # DOMESTIC WIRE FEE
        3: (CashKind.WITHDRAW, None),  # WIRE TRANSFER
        5: (CashKind.DIVIDEND, "INTC"),  # ***INTEL CORP, negative: withholding
        6: (CashKind.DIVIDEND, "INTC"),
        7: (CashKind.INTEREST, None),  # FULLYPAID LENDING REBATE
        8: (CashKind.INTEREST, None),  # FROM 12/16 THRU 01/15 @ 9.5 %
        19: (CashKind.FEE, None),  # Regulatory fee adjustment
        20: (CashKind.INTEREST, None),  # INTEREST ON CREDIT BALANCE
        24: (CashKind.DEPOSIT, None),  # Wire Funds Received
    }


def test_2025_removal_rows_ignore_the_action_column() -> None:
    events = by_line(tastytrade.parse(V2025))
    # An expiring bought put says SELL_TO_CLOSE, an assigned written call BUY_TO_CLOSE: neither matters.
    assert isinstance(events[3], OptionExpired) and events[3].option.name == "IWM   250620P00200000"
    assigned = events[10]
    assert isinstance(assigned, OptionAssigned) and assigned.fees == Decimal("5.11")


def test_a_symbol_change_of_shares_and_a_put_is_one_symbol_change() -> None:
    """SQ -> XYZ: the shares' Close/Open rows (06:02:07) and the put's (06:02:11) are one SymbolChanged at
    the action's last moment, sourced at its first row in the file; no trade, no cash."""
    result = tastytrade.parse(V2025)
    events = by_line(result)
    changed = events[21]
    assert isinstance(changed, SymbolChanged)
    assert (changed.symbol, changed.new_symbol, changed.time) == (
        "SQ",
        "XYZ",
        datetime(2025, 1, 21, 6, 2, 11),
    )
    assert not {22, 23, 24} & set(events)
    assert not any(
        isinstance(e, TradeExecuted)
        and e.instrument.underlying in ("SQ", "XYZ")
        and e.time.date() == changed.time.date()
        for e in result.events
    )


# -- errors with a place -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        (
            HEADER_2024,
            STO_ROW.replace(",370.00,1,", ",37O.00,1,"),
            "tastytrade.csv:2: Value: not an amount (got '37O.00')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("-0.15,100", "-O.15,100"),
            "tastytrade.csv:2: Fees: not an amount (got '-O.15')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("2024-08-16T15:57:13+0200", "08/16/2024 3:57 PM"),
            "tastytrade.csv:2: Date: not a date: expected YYYY-MM-DDTHH:MM:SS+HHMM "
            "(got '08/16/2024 3:57 PM')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("2024-08-16T15:57:13", "2024-02-30T15:57:13"),
            "tastytrade.csv:2: Date: not a date: expected YYYY-MM-DDTHH:MM:SS+HHMM "
            "(got '2024-02-30T15:57:13+0200')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("370.00,1,370.00", "-370.00,1,-370.00"),
            "tastytrade.csv:2: Value: the cash of a Sell to Open has the wrong sign (got '-370.00')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("9/20/24,99,CALL", "9/20/24,98,CALL"),
            "tastytrade.csv:2: Strike Price: does not match the option symbol's strike 99 (got '98')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("-0.15,100", "0.15,100").replace("-1.00,", "0.00,"),
            "tastytrade.csv:2: Fees: a fee the broker paid out is not a fee (expected a negative amount) "
            "(got '0.15')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("-0.15,100", "0.15,100"),  # a positive fee smaller than the commission
            "tastytrade.csv:2: Fees: a fee the broker paid out is not a fee (expected a negative amount) "
            "(got '0.15')",
        ),
        (
            HEADER_2024,
            STO_ROW.replace(",337454037,USD", ""),
            "tastytrade.csv:2: 18 fields where the header has 20",
        ),
    ],
)
def test_a_bad_row_is_named_by_file_line_and_column(
    tmp_path: Path, header: str, row: str, message: str
) -> None:
    result = parse_text(tmp_path, header + row)
    assert result.events == []
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(message)


@pytest.mark.parametrize(
    ("header", "row", "reason"),
    [
        (
            HEADER_2024,
            STO_ROW.replace("Trade,Sell to Open,SELL_TO_OPEN", "Receive Deliver,Cash Merger,"),
            "a cash merger of an option that is no sale of shares for cash: not modelled yet",
        ),
        (
            HEADER_2024,
            STO_ROW.replace("Sell to Open,SELL_TO_OPEN", "Sell to Hold,SELL_TO_OPEN"),
            "a trade of an unknown kind (Sell to Hold): not modelled yet",
        ),
        (
            HEADER_2023,
            STO_ROW.replace("Trade,Sell to Open,SELL_TO_OPEN", "Trade,SELL_SHORT").replace(",USD\n", "\n"),
            "a trade of an unknown kind (Sold 1 SCHG 09/20/24 Call 99.00 @ 3.70): not modelled yet",
        ),
        (HEADER_2024, STO_ROW.replace("Trade,", "Trades,", 1), "a Trades row: not modelled yet"),
        (HEADER_2024, STO_ROW.replace(",USD\n", ",EUR\n"), "a row in EUR: the journal has no currencies yet"),
    ],
)
def test_a_row_of_a_kind_tj_does_not_model_is_kept_unresolved(
    tmp_path: Path, header: str, row: str, reason: str
) -> None:
    result = parse_text(tmp_path, header + row)
    assert result.errors == []
    (event,) = result.events
    assert isinstance(event, Unresolved)
    assert event.reason.startswith(reason)
    assert event.source is not None and event.source.line == 2
    assert (event.amount, event.symbols) == (Decimal("368.85"), ("SCHG",))
    assert result.booked == {"default": Decimal("368.85")}


def test_a_money_movement_of_an_unknown_sub_type_is_cash_of_the_kind_its_words_say(tmp_path: Path) -> None:
    rows = (
        "2024-08-16T15:57:13+0200,Money Movement,Rebate,,,,FEE REBATE,1.50,0,,--,0.00,,,,,,,,USD\n"
        "2024-08-17T15:57:13+0200,Money Movement,Sweep,,,,SOMETHING NEW,-2.00,0,,--,0.00,,,,,,,,USD\n"
    )
    result = parse_text(tmp_path, HEADER_2024 + rows)
    assert result.errors == []
    assert [(e.kind, e.amount, e.description) for e in result.events] == [
        (CashKind.FEE, Decimal("1.50"), "FEE REBATE"),
        (CashKind.OTHER, Decimal("-2.00"), "SOMETHING NEW"),
    ]
    assert [str(w) for w in result.warnings] == [
        "tastytrade.csv:3: Description: cash row of an unknown description: recorded as OTHER cash "
        "(got 'SOMETHING NEW')"
    ]


def test_a_total_a_cent_off_takes_the_fees_from_the_broker_s_cash_with_a_warning(tmp_path: Path) -> None:
    # TsllImportTest.csv (DarioAlonsoCerezo/Binnaculum): Bought 20 TSLL @ 12.38, Value -247.52, fees -0.02,
    # Total -247.53: the broker rounds its fees.
    row = (
        "2025-06-20T20:55:52+0100,Trade,Buy to Open,BUY_TO_OPEN,TSLL,Equity,Bought 20 TSLL @ 12.38,"
        "-247.52,20,-12.38,0.00,-0.02,,,,,,,390844830,-247.53,USD\n"
    )
    result = parse_text(tmp_path, HEADER_2025 + row)
    assert result.errors == []
    (event,) = result.events
    assert isinstance(event, TradeExecuted)
    # The price from Value (Average Price is rounded to cents); the fees what Total says was paid.
    assert (event.price, event.quantity, event.fees) == (Decimal("12.376"), 20, Decimal("0.01"))
    assert [str(w) for w in result.warnings] == [
        "tastytrade.csv:2: Total: the broker booked -247.53: cost or proceeds taken from it, "
        "fees adjusted by -0.01 (got '-247.53')"
    ]
    far = row.replace(",-247.53,", ",-297.53,")
    (kept,) = parse_text(tmp_path, HEADER_2025 + far).events
    assert isinstance(kept, Unresolved) and kept.amount == Decimal("-297.53")


def test_an_assignment_without_its_stock_row_is_kept_unresolved(tmp_path: Path) -> None:
    row = (
        "2024-08-05T23:00:00+0200,Receive Deliver,Assignment,,SCHG  240816P00103000,Equity Option,"
        "Removal of option due to assignment,0.00,1,0.00,--,0.00,100,SCHG,SCHG,8/16/24,103,PUT,,USD\n"
    )
    result = parse_text(tmp_path, HEADER_2024 + row)
    assert result.errors == []
    (event,) = result.events
    assert isinstance(event, Unresolved) and event.symbols == ("SCHG",)
    assert event.reason.startswith(
        "an assignment whose stock row is not in the file (a purchase of 100 SCHG at 103): not modelled yet"
    )


def test_every_bad_row_is_reported_and_a_file_with_errors_writes_nothing(
    journal: Journal, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, tastytrade, tastyworks))
    path = tmp_path / "tastytrade.csv"
    path.write_text(
        HEADER_2024
        + STO_ROW
        + STO_ROW.replace("Sell to Open,", "Sell to Opn,")
        + STO_ROW.replace("370.00,1,", "x,1,")
    )
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([path])
    assert [(p.line, p.column) for p in failed.value.problems] == [(4, "Value")]  # type: ignore[union-attr]
    assert journal.store.count() == 0


def test_identify_claims_only_its_own_header(tmp_path: Path) -> None:
    legacy = FIXTURES / "tastyworks" / "transaction_history_2021.csv"
    journal_fixture = FIXTURES / "journal_csv" / "wheel.csv"
    for fixture in (V2023, V2024, V2025, UNSUPPORTED):
        head = fixture.read_text()
        assert tastytrade.identify(fixture, head)
        assert not tastyworks.identify(fixture, head)
        assert not journal_csv.identify(fixture, head)
    for other in (legacy, journal_fixture):
        assert not tastytrade.identify(other, other.read_text())
    schwab = '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n'
    assert not tastytrade.identify(tmp_path / "x.csv", schwab)
    assert tastytrade.identify(tmp_path / "x.csv", "\ufeff" + HEADER_2024)


def test_bom_and_lf_line_ends_read_the_same(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "\ufeff" + HEADER_2024 + STO_ROW)
    assert result.errors == [] and len(result.events) == 1


# -- fuzz ----------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), variant=st.sampled_from([V2023, V2024, V2025]))
def test_mutated_files_give_errors_with_a_place_never_a_crash(
    tmp_path_factory, seed: int, variant: Path
) -> None:
    fuzz_once(tastytrade, variant, tmp_path_factory.mktemp("fuzz"), seed)


# -- end to end: the wheel through the journal, on SQLite and PostgreSQL --------------------------------


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, tastytrade, tastyworks))


def test_a_wheel_through_the_journal_and_overlapping_exports_add_only_new_facts(
    registered, journal: Journal
) -> None:
    first = journal.import_files([WHEEL_Q1])
    assert [(f.format, f.events_added, f.duplicates) for f in first] == [("tastytrade-csv", 8, 0)]
    again = journal.import_files([WHEEL_Q1])
    assert [(f.events_added, f.duplicates) for f in again] == [(0, 8)]
    # A later export (2025 header, Action filled on removals, a Total column) repeating three rows.
    later = journal.import_files([WHEEL_Q2])
    assert [(f.events_added, f.duplicates) for f in later] == [(3, 3)]
    assert journal.store.count() == 11

    realized = [
        (
            r.instrument.name,
            r.quantity,
            r.opened.isoformat(),
            r.closed.isoformat(),
            r.proceeds,
            r.cost_basis,
            r.gain,
            r.term,
        )
        for r in journal.realized()
    ]
    assert realized == [
        # The call expired: premium 62.00 less fees 1.14.
        (
            "KO    240419C00060000",
            1,
            "2024-03-18",
            "2024-04-19",
            Decimal("60.86"),
            Decimal("0"),
            Decimal("60.86"),
            "short",
        ),
        # Put assigned: basis 5800 − (85 − 1.14) + 5 = 5721.14; called away: 6000 + (55 − 1.14) − 5.03.
        (
            "KO",
            100,
            "2024-03-15",
            "2024-05-17",
            Decimal("6048.83"),
            Decimal("5721.14"),
            Decimal("327.69"),
            "short",
        ),
    ]
    lots = [(lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.lots()]
    assert lots == [("KO    240621P00059000", -1, Decimal("-68.86"))]
    cycles = journal.cycles(underlying="KO")
    assert [(c.id, c.status, c.closed) for c in cycles] == [
        ("KO-20240304", "closed", datetime(2024, 5, 17).date()),
        ("KO-20240603", "open", None),
    ]
    wheel = cycles[0]
    assert (wheel.premium_collected, wheel.fees, wheel.dividends, wheel.net_cash, wheel.shares) == (
        Decimal("202.00"),
        Decimal("13.45"),
        Decimal("48.50"),
        Decimal("437.05"),  # its realized gains 388.55 plus its dividend 48.50
        0,
    )
