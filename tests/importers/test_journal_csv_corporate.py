"""The journal CSV's corporate actions, adjusted options, other assets and currencies (issue 15): each action
and column read to its event exactly, and every unreadable or out-of-bounds cell an error naming
file:line: column: and the value."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D
from typing import Any

import pytest

from importers import journal_csv
from importers.bounds import check_events
from journal.events import (
    CashKind,
    CashMoved,
    CurrencyConverted,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExpired,
    PriceMarked,
    SecurityTransferred,
    SpunOff,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import Bond, Future, FutureOption, OptionContract, Stock

HEADER = (
    "date,account,action,symbol,quantity,price,fees,amount,multiplier,note,"
    "new_symbol,ratio,cash,allocation,deliverable,currency,fx_rate,settlement,asset,expiry\n"
)
DAY = datetime(2025, 1, 6)
SPRT_PUT = OptionContract("SPRT", date(2025, 3, 21), "P", D(5))
# SPRT into GREE at 0.1125 a share: a standard SPRT put (100 shares) becomes GREE1 delivering 11 GREE (the
# OCC memo rounds 11.25 down and pays the fraction in cash).
GREE1_PUT = OptionContract("GREE1", date(2025, 3, 21), "P", D(5), D(100), (("GREE", D(11)),))


def cells(**values: str) -> str:
    """A row of HEADER's columns, dated DAY in account A, from the cells given."""
    names = HEADER.strip().split(",")
    row = {"date": "2025-01-06", "account": "A", **values}
    return ",".join(row.get(n, "") for n in names)


def parse(write_csv, *rows: str, header: str = HEADER):
    return journal_csv.parse(write_csv(header + "".join(r + "\n" for r in rows)))


def one(write_csv, row: str) -> Event:
    result = parse(write_csv, row)
    assert [str(e) for e in result.errors] == []
    [event] = result.events
    assert event.source is not None and event.source.line == 2
    return replace(event, key="")  # the key is the row's content hash, tested apart


def at() -> Any:
    """The account and time of every row of `cells`."""
    return {"account": "A", "time": DAY}


def test_symbol_change(write_csv) -> None:
    row = cells(action="SYMBOL_CHANGE", symbol="fb", new_symbol="meta")
    assert one(write_csv, row) == SymbolChanged(symbol="FB", new_symbol="META", **at())


def test_mergers_stock_for_stock_cash_and_stock_and_all_cash(write_csv) -> None:
    # Stock for stock with cash in lieu of the fraction: 0.1125 GREE a SPRT share, $3.50 for a fraction.
    row = cells(action="MERGER", symbol="SPRT", new_symbol="GREE", ratio="0.1125:1", amount="3.50")
    assert one(write_csv, row) == StockMerged(
        symbol="SPRT",
        new_symbol="GREE",
        new=D("0.1125"),
        old=D(1),
        in_lieu=D("3.50"),
        **at(),
    )
    # Cash and stock: 1 XYZ for 2 ABC plus $5 an ABC share, XYZ worth $40 a share (the boot's gain needs it).
    row = cells(action="MERGER", symbol="ABC", new_symbol="XYZ", ratio="1:2", cash="5", price="40")
    assert one(write_csv, row) == StockMerged(
        symbol="ABC",
        new_symbol="XYZ",
        new=D(1),
        old=D(2),
        cash=D(5),
        price=D(40),
        **at(),
    )
    # All cash: $54.20 a share, a sale (no new symbol: new 0 for 1).
    row = cells(action="MERGER", symbol="TWTR", cash="54.20")
    assert one(write_csv, row) == StockMerged(
        symbol="TWTR",
        new_symbol=None,
        new=D(0),
        old=D(1),
        cash=D("54.20"),
        **at(),
    )


def test_spinoff(write_csv) -> None:
    # 1 SOLV for 4 MMM, 8.75% of MMM's basis to SOLV (Form 8937), $12.30 in lieu of a fraction.
    row = cells(
        action="SPINOFF", symbol="MMM", new_symbol="SOLV", ratio="1:4", allocation="8.75", amount="12.30"
    )
    assert one(write_csv, row) == SpunOff(
        symbol="MMM",
        new_symbol="SOLV",
        new=D(1),
        old=D(4),
        allocation=D("8.75"),
        in_lieu=D("12.30"),
        **at(),
    )


def test_adjust_to_an_adjusted_option_and_a_change_of_contract_count(write_csv) -> None:
    row = cells(
        action="ADJUST",
        symbol="SPRT250321P5",
        quantity="2",
        new_symbol="GREE1 250321P5",
        deliverable="11 GREE",
        note="merger",
    )
    assert one(write_csv, row) == OptionAdjusted(
        option=SPRT_PUT,
        adjusted=GREE1_PUT,
        quantity=D(2),
        reason="merger",
        **at(),
    )
    # Two securities and cash a contract, and 2 new contracts for 1: 3 contracts become 3 × 2 / 1 = 6.
    row = cells(
        action="ADJUST",
        symbol="TSLL250321C20",
        quantity="3",
        new_symbol="TSLL1250321C20",
        ratio="2:1",
        deliverable="50 TSLL + 20 xyz",
        cash="1.25",
        note="special dividend",
    )
    adjusted = OptionContract(
        "TSLL1", date(2025, 3, 21), "C", D(20), D(100), (("TSLL", D(50)), ("XYZ", D(20))), D("1.25")
    )
    assert one(write_csv, row) == OptionAdjusted(
        option=OptionContract("TSLL", date(2025, 3, 21), "C", D(20)),
        adjusted=adjusted,
        quantity=D(3),
        new_quantity=D(6),
        reason="special dividend",
        **at(),
    )
    assert adjusted.underlying == "TSLL" and adjusted.delivers(D(6)) == (
        [("TSLL", D(300)), ("XYZ", D(120))],
        D("7.50"),
    )


def test_cash_settle_convert_and_in_lieu(write_csv) -> None:
    row = cells(action="CASH_SETTLE", symbol="SPX250117P5000", quantity="1", fees="1.30", settlement="4900.5")
    settled = one(write_csv, row)
    spx = OptionContract("SPX", date(2025, 1, 17), "P", D(5000))
    # At the close of its day (after any trade of the day), as an expiry.
    assert settled == OptionCashSettled(
        option=spx,
        quantity=D(1),
        fees=D("1.30"),
        settlement=D("4900.5"),
        account="A",
        time=datetime(2025, 1, 6, 23, 59, 59),
    )
    assert isinstance(settled, OptionCashSettled) and settled.value == D(
        "9950.0"
    )  # (5000 − 4900.5) × 1 × 100
    # 1,000 EUR bought for 1,085.20 USD and $2 of fees.
    row = cells(action="CONVERT", currency="eur", quantity="1000", amount="-1085.20", fees="2")
    assert one(write_csv, row) == CurrencyConverted(
        currency="EUR",
        amount=D(1000),
        paid_currency="USD",
        paid=D("-1085.20"),
        fees=D(2),
        **at(),
    )
    row = cells(action="IN_LIEU", symbol="GREE", amount="3.50")
    assert one(write_csv, row) == CashMoved(kind=CashKind.IN_LIEU, amount=D("3.50"), symbol="GREE", **at())


def test_currency_and_rate_on_trades_and_cash(write_csv) -> None:
    row = cells(
        action="BUY", symbol="NESN", quantity="10", price="100", fees="1", currency="chf", fx_rate="1.12"
    )
    assert one(write_csv, row) == TradeExecuted(
        action=TradeAction.BUY,
        instrument=Stock("NESN"),
        quantity=D(10),
        price=D(100),
        fees=D(1),
        currency="CHF",
        fx_rate=D("1.12"),
        **at(),
    )
    row = cells(action="DIVIDEND", symbol="NESN", amount="30", currency="CHF", fx_rate="1.12")
    assert one(write_csv, row) == CashMoved(
        kind=CashKind.DIVIDEND,
        amount=D(30),
        symbol="NESN",
        currency="CHF",
        fx_rate=D("1.12"),
        **at(),
    )
    # USD written out is the journal's own currency: stored as "" like a blank cell.
    row = cells(action="DEPOSIT", amount="100", currency="USD")
    assert one(write_csv, row) == CashMoved(kind=CashKind.DEPOSIT, amount=D(100), **at())


def test_other_assets(write_csv) -> None:
    # A 26-week bill: 10,000 face at 98.5 per 100 costs 10,000 × 98.5 × 0.01 = 9,850.
    row = cells(
        action="BUY", symbol="912797ka4", quantity="10000", price="98.5", asset="bill", expiry="2025-06-01"
    )
    bill = one(write_csv, row)
    assert bill == TradeExecuted(
        action=TradeAction.BUY,
        instrument=Bond("912797KA4", "bill", date(2025, 6, 1)),
        quantity=D(10000),
        price=D("98.5"),
        **at(),
    )
    assert isinstance(bill, TradeExecuted) and bill.gross == D("9850.00")
    row = cells(
        action="BUY",
        symbol="/ESH5",
        quantity="1",
        price="6000",
        fees="2.25",
        multiplier="50",
        expiry="2025-03-21",
    )
    assert one(write_csv, row) == TradeExecuted(
        action=TradeAction.BUY,
        instrument=Future("/ESH5", date(2025, 3, 21), D(50)),
        quantity=D(1),
        price=D(6000),
        fees=D("2.25"),
        **at(),
    )
    row = cells(action="STO", symbol="/MESZ5 251031P5400", quantity="1", price="10.25", multiplier="5")
    mes = FutureOption("/MESZ5", date(2025, 10, 31), "P", D(5400), D(5))
    assert one(write_csv, row) == TradeExecuted(
        action=TradeAction.STO,
        instrument=mes,
        quantity=D(1),
        price=D("10.25"),
        **at(),
    )
    row = cells(action="EXPIRE", symbol="/MESZ5 251031P5400", quantity="1", multiplier="5", date="2025-10-31")
    assert one(write_csv, row) == OptionExpired(
        option=mes, quantity=D(1), account="A", time=datetime(2025, 10, 31, 23, 59, 59)
    )
    for kind in ("fund", "warrant"):
        row = cells(action="TRANSFER_IN", symbol="VFIAX", quantity="3", asset=kind)
        assert one(write_csv, row) == SecurityTransferred(
            instrument=Stock("VFIAX", kind), quantity=D(3), **at()
        )
    row = cells(action="MARK", symbol="912797KA4", price="99.1", asset="bill")
    assert one(write_csv, row) == PriceMarked(instrument=Bond("912797KA4", "bill"), price=D("99.1"), **at())
    row = cells(action="INTEREST", symbol="91282CJL6", amount="-12.5", asset="note")
    assert one(write_csv, row) == CashMoved(
        kind=CashKind.INTEREST, amount=D("-12.5"), symbol="91282CJL6", **at()
    )


def test_an_adjusted_option_traded_and_assigned(write_csv) -> None:
    row = cells(action="STO", symbol="GREE1 250321P5", quantity="1", price="0.50", deliverable="11 GREE")
    assert one(write_csv, row) == TradeExecuted(
        action=TradeAction.STO,
        instrument=GREE1_PUT,
        quantity=D(1),
        price=D("0.50"),
        **at(),
    )
    row = cells(action="ASSIGN", symbol="GREE1250321P5", quantity="1", deliverable="11 GREE", cash="12.50")
    assigned = one(write_csv, row)
    with_cash = replace(GREE1_PUT, cash=D("12.50"))
    assert assigned == OptionAssigned(option=with_cash, quantity=D(1), **at())
    assert with_cash.delivers(D(1)) == ([("GREE", D(11))], D("12.50"))


def test_a_file_of_the_contract_columns_reads_as_before(write_csv) -> None:
    """The new columns are optional: a file without them gives the same events and keys as before."""
    old = "date,account,action,symbol,quantity,price,fees,amount,order_id,id,note\n"
    plain = parse(write_csv, "2024-01-02,A,STO,AAPL240119P150,1,2.00,0.65,,R1,,first put", header=old)
    wide = parse(
        write_csv,
        "2024-01-02,A,STO,AAPL240119P150,1,2.00,0.65,,R1,,first put,,,,,,,,,",
        header=old.strip() + ",new_symbol,ratio,cash,allocation,deliverable,currency,fx_rate,asset,expiry\n",
    )
    assert plain.events == wide.events
    assert [e.key for e in plain.events] == [e.key for e in wide.events]


ERRORS = [
    # Unreadable cells.
    (cells(action="SYMBOL_CHANGE", symbol="FB"), "new_symbol: missing: SYMBOL_CHANGE needs a new_symbol"),
    (
        cells(action="SYMBOL_CHANGE", symbol="FB", new_symbol="FB"),
        "new_symbol: the same symbol: nothing changes (got 'FB')",
    ),
    (
        cells(action="SYMBOL_CHANGE", symbol="FB", new_symbol="$$"),
        "new_symbol: not a stock symbol (got '$$')",
    ),
    (
        cells(action="MERGER", symbol="SPRT", new_symbol="GREE", ratio="0.1125"),
        "ratio: a ratio is new:old, two positive numbers (11:100, 0.1125:1) (got '0.1125')",
    ),
    (cells(action="MERGER", symbol="SPRT", new_symbol="GREE"), "ratio: missing: MERGER needs a ratio"),
    (
        cells(action="MERGER", symbol="ABC", new_symbol="XYZ", ratio="1:2", cash="5"),
        "price: missing: a MERGER paying cash and shares needs the new shares' price",
    ),
    (cells(action="MERGER", symbol="TWTR"), "cash: missing: an all-cash MERGER (no new_symbol) needs cash"),
    (
        cells(action="MERGER", symbol="TWTR", cash="54.20", ratio="1:1"),
        "ratio: an all-cash MERGER (no new_symbol) has no ratio: leave it empty (got '1:1')",
    ),
    (
        cells(action="MERGER", symbol="TWTR", cash="54.20", quantity="100"),
        "quantity: MERGER rows have no quantity: leave it empty (got '100')",
    ),
    (
        cells(action="SPINOFF", symbol="MMM", new_symbol="SOLV", ratio="1:4"),
        "allocation: missing: SPINOFF needs a allocation",
    ),
    (
        cells(action="SPINOFF", symbol="MMM", new_symbol="mmm", ratio="1:4", allocation="8"),
        "new_symbol: a spin-off's shares are another company's (got 'mmm')",
    ),
    (
        cells(action="ADJUST", symbol="SPRT250321P5", quantity="2", new_symbol="GREE"),
        "new_symbol: not an option symbol (got 'GREE')",
    ),
    (
        cells(action="ADJUST", symbol="SPRT250321P5", quantity="2", new_symbol="SPRT250321P5"),
        "new_symbol: the same contract: nothing is adjusted (got 'SPRT250321P5')",
    ),
    (
        cells(
            action="ADJUST",
            symbol="SPRT250321P5",
            quantity="2",
            new_symbol="GREE1250321P5",
            deliverable="GREE 11",
        ),
        "deliverable: not a number: 'GREE' (got 'GREE 11')",
    ),
    (
        cells(
            action="ADJUST", symbol="SPRT250321P5", quantity="2", new_symbol="GREE1250321P5", deliverable="11"
        ),
        "deliverable: a deliverable is shares and a symbol per security, joined by + "
        "(11 GREE, 50 ABC + 20 XYZ) (got '11')",
    ),
    (
        cells(
            action="ADJUST",
            symbol="SPRT250321P5",
            quantity="2",
            new_symbol="GREE1250321P5",
            deliverable="1 A + 2 A",
        ),
        "deliverable: a deliverable names each security once (got '1 A + 2 A')",
    ),
    (
        cells(action="ADJUST", symbol="SPRT250321P5", quantity="1", new_symbol="GREE1250321P5", ratio="1:3"),
        "ratio: gives 0.3333333333333333333333333333 contracts: more than 8 decimal places for a quantity "
        "(got '1:3')",
    ),
    (
        cells(action="CASH_SETTLE", symbol="SPX250117P5000", quantity="1"),
        "settlement: missing: CASH_SETTLE needs a settlement",
    ),
    (
        cells(action="CASH_SETTLE", symbol="SPX", quantity="1", settlement="1"),
        "symbol: not an option symbol (a stock: use BUY or SELL) (got 'SPX')",
    ),
    (
        cells(action="CONVERT", quantity="1000", amount="-1085.20"),
        "currency: missing: CONVERT needs a currency",
    ),
    (
        cells(action="CONVERT", currency="USD", quantity="1000", amount="-1085.20"),
        "currency: a CONVERT receives or gives a currency other than USD (got 'USD')",
    ),
    (
        cells(action="CONVERT", currency="EUR", quantity="1000", amount="1085.20"),
        "amount: a conversion gives one currency for the other: quantity (EUR) and amount (USD) "
        "of opposite signs (got '1085.20')",
    ),
    (
        cells(action="CONVERT", currency="EUR", quantity="1000", amount="-1085.20", fx_rate="1.08"),
        "fx_rate: CONVERT rows have no fx_rate: leave it empty (got '1.08')",
    ),
    (
        cells(action="IN_LIEU", amount="3.50"),
        "symbol: missing: IN_LIEU needs the symbol whose shares it pays for",
    ),
    # Currencies: another one needs its rate (the journal CSV is the user's own statement).
    (
        cells(action="BUY", symbol="NESN", quantity="1", price="1", currency="CHF"),
        "fx_rate: missing: a row in CHF needs fx_rate (USD per CHF)",
    ),
    (
        cells(action="BUY", symbol="NESN", quantity="1", price="1", currency="Swiss"),
        "currency: not a currency: three letters (USD, EUR, CHF) (got 'Swiss')",
    ),
    (
        cells(action="BUY", symbol="NESN", quantity="1", price="1", fx_rate="1.1"),
        "fx_rate: a rate converts a currency other than USD: name it in currency (got '1.1')",
    ),
    (
        cells(action="BUY", symbol="NESN", quantity="1", price="1", currency="CHF", fx_rate="0"),
        "fx_rate: must be positive (got '0')",
    ),
    (
        cells(action="ASSIGN", symbol="SPRT250321P5", quantity="1", currency="CHF", fx_rate="1"),
        "currency: ASSIGN rows have no currency: leave it empty (got 'CHF')",
    ),
    # Instruments.
    (
        cells(action="BUY", symbol="/ESH5", quantity="1", price="1", expiry="2025-03-21"),
        "multiplier: missing: a future needs its multiplier",
    ),
    (
        cells(action="BUY", symbol="/ESH5", quantity="1", price="1", multiplier="50"),
        "expiry: missing: a future needs its expiry (YYYY-MM-DD)",
    ),
    (
        cells(action="BUY", symbol="/ESH5", quantity="1", price="1", multiplier="50", expiry="21/03/2025"),
        "expiry: not a date (YYYY-MM-DD) (got '21/03/2025')",
    ),
    (
        cells(action="BUY", symbol="/ES", quantity="1", price="1", multiplier="50", expiry="2025-03-21"),
        "symbol: not a futures symbol: a slash, root, month code and year (/ESH9) (got '/ES')",
    ),
    (
        cells(action="BUY", symbol="/MESZ5 251031P5400", quantity="1", price="1", multiplier="5"),
        "symbol: not a stock symbol (use STO, BTC, BTO or STC) (got '/MESZ5 251031P5400')",
    ),
    (
        cells(action="STO", symbol="/MESZ5 251031P5400", quantity="1", price="1"),
        "multiplier: missing: a futures option needs its multiplier",
    ),
    (
        cells(action="STO", symbol="/MESZ5 251331P5400", quantity="1", price="1", multiplier="5"),
        "symbol: not a futures option symbol: its yymmdd is no date (got '/MESZ5 251331P5400')",
    ),
    (
        cells(action="BUY", symbol="912797KA5", quantity="1000", price="98", asset="bill"),
        "symbol: not a CUSIP (nine letters and digits, the last its check digit) (got '912797KA5')",
    ),
    (
        cells(action="BUY", symbol="912797KA4", quantity="1000", price="98", asset="bill", multiplier="1"),
        "multiplier: a bond's price is per 100 of face: leave it empty (got '1')",
    ),
    (
        cells(action="BUY", symbol="912797KA4", quantity="1000", price="98", asset="tbill"),
        "asset: one of stock, fund, warrant, bill, note, bond, future, future-option (got 'tbill')",
    ),
    (
        cells(action="BUY", symbol="AAPL", quantity="1", price="1", deliverable="11 GREE"),
        "deliverable: BUY rows have no deliverable: leave it empty (got '11 GREE')",
    ),
    (
        cells(action="MARK", symbol="AAPL", price="1", deliverable="11 GREE"),
        "deliverable: AAPL has no deliverable: leave it empty (got '11 GREE')",
    ),
    (
        cells(action="STO", symbol="AAPL250321P5", quantity="1", price="1", expiry="2025-03-21"),
        "expiry: STO rows have no expiry: leave it empty (got '2025-03-21')",
    ),
    (
        cells(action="MARK", symbol="AAPL", price="1", expiry="2025-03-21"),
        "expiry: only a future or a bond has an expiry here (an option's is in its symbol) "
        "(got '2025-03-21')",
    ),
    # Out of bounds (importers/bounds.py, docs/bounds.md).
    (
        cells(action="MERGER", symbol="SPRT", new_symbol="GREE", ratio="1:2000000"),
        "ratio: out of bounds: a ratio's part is at most 1,000,000 (got '1:2000000')",
    ),
    (
        cells(action="SPINOFF", symbol="MMM", new_symbol="SOLV", ratio="1:4", allocation="100.5"),
        "allocation: out of bounds: an allocation is at most 100 (got '100.5')",
    ),
    (
        cells(action="SPINOFF", symbol="MMM", new_symbol="SOLV", ratio="1:4", allocation="-1"),
        "allocation: must not be negative (got '-1')",
    ),
    (
        cells(action="BUY", symbol="NESN", quantity="1", price="1", currency="CHF", fx_rate="1000001"),
        "fx_rate: out of bounds: an exchange rate is at most 1,000,000 (got '1000001')",
    ),
    (
        cells(action="CASH_SETTLE", symbol="SPX250117P5000", quantity="1", settlement="10000001"),
        "settlement: out of bounds: a settlement value is at most 10,000,000 (got '10000001')",
    ),
    (
        cells(
            action="ADJUST",
            symbol="SPRT250321P5",
            quantity="2",
            new_symbol="GREE1250321P5",
            deliverable="2000000000 GREE",
        ),
        "deliverable: out of bounds: a quantity is at most 1,000,000,000 (got '2000000000 GREE')",
    ),
    (
        cells(
            action="ADJUST",
            symbol="SPRT250321P5",
            quantity="2",
            new_symbol="GREE1250321P5",
            deliverable="0 GREE",
        ),
        "deliverable: a deliverable's shares must be positive (got '0 GREE')",
    ),
    (
        cells(action="MERGER", symbol="ABC", new_symbol="XYZ", ratio="1:2", cash="20000000", price="1"),
        "cash: out of bounds: cash per share or contract is at most 10,000,000 (got '20000000')",
    ),
    (
        cells(action="ADJUST", symbol="SPRT250321P5", quantity="2", new_symbol="GREE1450321P5"),
        "new_symbol: out of bounds: the option expires 2045-03-21, more than 10 years from the row's date "
        "2025-01-06 (got 'GREE1450321P5')",
    ),
    (
        cells(action="BUY", symbol="/ESH5", quantity="1", price="1", multiplier="50", expiry="2045-03-21"),
        "symbol: out of bounds: the future expires 2045-03-21, more than 10 years from the row's date "
        "2025-01-06 (got '/ESH5')",
    ),
    (
        cells(
            action="BUY", symbol="912797KA4", quantity="1000", price="98", asset="bill", expiry="2245-01-01"
        ),
        "expiry: out of bounds: a date is between 1900-01-01 and 2199-12-31 (got '2245-01-01')",
    ),
]


@pytest.mark.parametrize(
    ("row", "message"), ERRORS, ids=[m.split(":")[0] + str(i) for i, (_, m) in enumerate(ERRORS)]
)
def test_every_unreadable_or_out_of_bounds_cell_is_named(write_csv, row: str, message: str) -> None:
    result = parse(write_csv, row)
    assert result.events == []
    assert [str(e) for e in result.errors] == [f"trades.csv:2: {message}"]


def test_the_net_under_every_parse_checks_the_new_fields() -> None:
    """`check_events` (applied to every parse) names each new field out of bounds."""
    common = at()
    bad: list[Event] = [
        SymbolChanged(symbol="FB", new_symbol="A250101P5", **common),
        SpunOff(symbol="A", new_symbol="B", new=D(1), old=D(0), allocation=D("112.5"), **common),
        OptionCashSettled(option=SPRT_PUT, quantity=D(1), settlement=D(-5), **common),
        CurrencyConverted(currency="eur", amount=D(1), paid=D(-1), fx_rate=D(0), **common),
        CashMoved(kind=CashKind.DIVIDEND, amount=D(1), currency="E", fx_rate=D("1e7"), **common),
        OptionAdjusted(
            option=SPRT_PUT,
            adjusted=replace(GREE1_PUT, deliverable=(("GREE", D(-11)),)),
            quantity=D(1),
            new_quantity=D("0.123456789"),
            **common,
        ),
        TradeExecuted(
            action=TradeAction.BUY,
            instrument=Bond("912797KA4", "strip"),
            quantity=D(1),
            price=D(1),
            **common,
        ),
    ]
    assert [str(p) for p in check_events("f.csv", bad)] == [
        "f.csv:0: new_symbol: not a stock the journal can store: 'A250101P5' reads as an option symbol "
        "(got 'A250101P5')",
        "f.csv:0: old: must be positive (got '0')",
        "f.csv:0: allocation: out of bounds: an allocation is at most 100 (got '112.5')",
        "f.csv:0: settlement: must not be negative (got '-5')",
        "f.csv:0: currency: not a currency: three letters (USD, EUR, CHF) (got 'eur')",
        "f.csv:0: fx_rate: must be positive (got '0')",
        "f.csv:0: currency: not a currency: three letters (USD, EUR, CHF) (got 'E')",
        "f.csv:0: fx_rate: out of bounds: an exchange rate is at most 1,000,000 (got '1E+7')",
        "f.csv:0: adjusted: a deliverable's shares must be positive (got 'GREE1 250321P00005000')",
        "f.csv:0: new_quantity: more than 8 decimal places for a quantity (got '0.123456789')",
        "f.csv:0: instrument: not a kind of bond: 'strip' (bill, note or bond) (got '912797KA4')",
    ]
