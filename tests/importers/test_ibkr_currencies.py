"""IBKR rows of issue 15 (Flex XML and Activity CSV): rows in other currencies with the USD rate of their
day, currency conversions, futures, futures options, bonds, corporate actions and index options settled in
cash, each to its exact event; what the real exports still keep unresolved, row by row and why; their cash
self-check; File14 (a CHF account) through the journal on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from importers import ibkr_activity, ibkr_flex
from journal.api import Journal, cash_check
from journal.events import (
    CashKind,
    CashMoved,
    CurrencyConverted,
    Event,
    OptionCashSettled,
    OptionExpired,
    SplitApplied,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
    Unresolved,
    payload,
)
from journal.instruments import Bond, Future, FutureOption, OptionContract, Stock
from tests.importers.golden import FIXTURES

FLEX = FIXTURES / "ibkr_flex"
ACTIVITY = FIXTURES / "ibkr_activity"
D = Decimal


def flex(name: str) -> list[Event]:
    result = ibkr_flex.parse(FLEX / name)
    assert result.errors == []
    return result.events


def of(events: list[Event], kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


# -- the synthetic fixture: every row kind, its exact event -----------------------------------------------


def test_futures_futures_options_and_bonds_are_instruments_of_their_kind() -> None:
    events = flex("other_assets.xml")
    es = Future("/ESH4", date(2024, 3, 15), D(50))
    call = FutureOption("/ESM4", date(2024, 6, 21), "C", D(5000), D(50))
    note = Bond("91282CJL6", "note", date(2028, 11, 30), "T 4 3/8 11/30/28")
    bill = Bond("912797GK7", "bill", date(2024, 5, 16), "B 0 05/16/24")
    trades = [
        (e.action, e.instrument, e.quantity, e.price, e.fees, e.currency, e.fx_rate)
        for e in of(events, TradeExecuted)
        if not isinstance(e.instrument, OptionContract)
    ]
    assert trades == [
        # ES bought at 4800.25 and sold at 4810.5: 50 x 10.25 = 512.50 less 2 x 2.25 of commission
        (TradeAction.BUY, es, 1, D("4800.25"), D("2.25"), "", None),
        (TradeAction.SELL, es, 1, D("4810.5"), D("2.25"), "", None),
        # two ES June 5000 calls written (symbol `ESM4 C5000`, underlyingSymbol `ES`: the future is ESM4)
        (TradeAction.STO, call, 2, D("35.5"), D("4.94"), "", None),
        # 10,000 face at 99.5 per 100: 9,950; a `T` maturing within 10 years of the trade: a note
        (TradeAction.BUY, note, 10000, D("99.5"), D("5"), "", None),
        # assetCategory BILL: 5,000 face at 98.75: 4,937.50
        (TradeAction.BUY, bill, 5000, D("98.75"), D("1"), "", None),
        # SAP in euros, fxRateToBase 1.085 of a USD-based statement: the USD rate itself
        (TradeAction.BUY, Stock("SAP"), 5, D("180"), D("3"), "EUR", D("1.085")),
    ]
    assert [e.gross for e in of(events, TradeExecuted)][3:5] == [
        D("9950.00"),
        D("4937.5000"),
    ]
    (expired,) = of(events, OptionExpired)
    assert (expired.option, expired.quantity, expired.time) == (call, 2, datetime(2024, 6, 21, 23, 59, 59))
    # the note's accrued interest (netCash -10015.10 = -9950 - 5 - 60.10): paid at purchase, INTEREST
    accrued = [(e.kind, e.amount, e.symbol, e.broker_id) for e in of(events, CashMoved)]
    assert accrued[0] == (CashKind.INTEREST, D("-60.1"), "91282CJL6", "58805:accrued")


def test_currencies_conversions_and_cash_in_another_currency() -> None:
    events = flex("other_assets.xml")
    (converted,) = of(events, CurrencyConverted)
    # EUR.USD BUY 1000 at 1.085: 1,000 EUR received, 1,085 USD paid, the 2 USD commission in the paid side
    assert (
        converted.currency,
        converted.amount,
        converted.paid_currency,
        converted.paid,
        converted.fees,
        converted.fx_rate,
    ) == ("EUR", 1000, "USD", -1085, 2, None)
    interest = of(events, CashMoved)[1]
    assert (interest.kind, interest.amount, interest.currency, interest.fx_rate) == (
        CashKind.INTEREST,
        D("0.83"),
        "CHF",
        D("1.1234"),
    )


def test_index_options_settled_in_cash() -> None:
    events = flex("other_assets.xml")
    call, put = of(events, OptionCashSettled)
    # SPX 5200 call held, exercised for 1,235: 1235 / (1 x 100) = 12.35 above the strike
    assert (call.option.name, call.quantity, call.settlement, call.fees, call.value) == (
        "SPX   240419C05200000",
        1,
        D("5212.35"),
        0,
        D("1235"),
    )
    # XSP 500 put written, assigned for 320: 3.20 below the strike
    assert (put.option.name, put.quantity, put.settlement, put.value) == (
        "XSP   240419P00500000",
        1,
        D("496.8"),
        D("320"),
    )
    assert call.time == put.time == datetime(2024, 4, 19, 16, 20)


def test_corporate_actions_by_type() -> None:
    events = flex("other_assets.xml")
    (renamed,) = of(events, SymbolChanged)
    # IC: 100 ABC removed, 100 XYZW added, no cash: the same holding under a new symbol
    assert (renamed.symbol, renamed.new_symbol, renamed.broker_id) == ("ABC", "XYZW", "action:159001")
    stock, boot = of(events, StockMerged)
    # TC: 100 OLD removed, 45 NEW added: 45 for 100 = 9 for 20, no cash
    assert (stock.symbol, stock.new_symbol, stock.new, stock.old, stock.cash, stock.price) == (
        "OLD",
        "NEW",
        9,
        20,
        0,
        None,
    )
    # TC: 200 TGT removed for 1,000 (5 a share), 50 ACQ added worth 2,500 (50 a share): 1 for 4 and cash
    assert (boot.symbol, boot.new_symbol, boot.new, boot.old, boot.cash, boot.price) == (
        "TGT",
        "ACQ",
        1,
        4,
        5,
        50,
    )
    kept = [(e.source.line, e.reason) for e in of(events, Unresolved) if e.source]
    assert kept == [
        (
            29,
            "a spin-off (SO) of PARENT into CHILD: IBKR gives no allocation of the parent's basis (Form "
            "8937); record it as a SPINOFF row of a journal CSV with its allocation and `resolves`",
        ),
        (
            30,
            "a delisting (worthless) (DW): not modelled yet; record its effect in a journal CSV with "
            "`resolves`",
        ),
    ]


# -- the real exports --------------------------------------------------------------------------------------


def test_a_chf_account_s_rows_take_chf_to_usd_from_the_day_s_usd_rate() -> None:
    """File14 names no AccountInformation: its ConversionRates convert to CHF, its base. CHF rows (rate 1)
    take 1 / USD->CHF of their day; USD rows need no rate; CHF.USD sold francs for dollars."""
    events = flex("real/testIBFlexStatementFile14.xml")
    assert of(events, Unresolved) == []
    rates = [(e.instrument.name, e.currency, e.fx_rate) for e in of(events, TradeExecuted)]
    assert rates == [
        ("CHSPIZ", "CHF", D("1.0825556975")),  # 1 / 0.92374 (USD->CHF, 2023-02-10)
        ("CHSPIZ", "CHF", D("1.0685815648")),  # 1 / 0.93582 (2023-02-27)
        ("VTI", "", None),
        ("VTI", "", None),
        ("VXUS", "", None),
        ("VXUS", "", None),
    ]
    sold = [(e.currency, e.amount, e.paid_currency, e.paid, e.fees) for e in of(events, CurrencyConverted)]
    # CHF.USD SELL 1200 at 1.0842: 1,301.04 USD received for 1,200 CHF; the commission in CHF, the side paid
    assert sold == [
        ("USD", D("1301.04"), "CHF", D(-1200), D("1.84194")),
        ("USD", D("1311.26125"), "CHF", D(-1235), D("1.88208")),
    ]
    deposits = [(e.amount, e.currency, e.fx_rate) for e in of(events, CashMoved)]
    assert deposits == [
        (D(1500), "CHF", D("1.0772379619")),  # 1 / 0.9283 (2023-02-06)
        (D(1500), "CHF", D("1.0685815648")),  # 1 / 0.93582 (2023-02-27)
    ]


def test_a_gbp_account_s_euro_dividends() -> None:
    """File25's base is GBP: EUR->USD = fxRateToBase(EUR) / USD->GBP of the day (ConversionRate
    0.80318 on 2025-01-29); a USD dividend needs no rate; a GBP one is 1 / USD->GBP (0.79502, 2024-12-27)."""
    events = flex("real/testIBFlexStatementFile25.xml")
    assert [(e.symbol, e.amount, e.currency, e.fx_rate) for e in of(events, CashMoved)] == [
        ("EUNS", D("13.51"), "EUR", D("1.0420702707")),  # 0.83697 / 0.80318
        ("TEST", D("13.51"), "EUR", D("1.0420702707")),
        ("VWRL", D("4.46619"), "", None),
        ("TEST2", D("4.46619"), "GBP", D("1.2578299917")),  # 1 / 0.79502
    ]


# Every row the real exports still keep, with why: (line, the reason's first words).
STILL_UNRESOLVED = {
    "real/bankroll_ibkr_trades.xml": [
        (5, "an amount in GBP with no rate to USD: no fxRateToBase on the row"),  # a TCF states no rates
        (11, "a conversion of GBP.AUD whose commission is in USD, a third currency"),
        (14, "a bond with no CUSIP in the row"),  # ALLY 3 3/4 11/18/19: no cusip, isin or securityID
        (15, "the stock row of an assignment or exercise whose option row is not in this file"),
    ],
    # CHF base (FxTransactions' functionalCurrency), no ConversionRates and no USD row on these days
    "real/testIBFlexStatementFile01.xml": [
        *[(line, "an amount in CAD with no rate to USD") for line in range(5, 19)],
        (42, "an amount in CAD with no rate to USD"),  # the UUU.TEN2 cash merger, paid in CAD
        (45, "an amount in CHF with no rate to USD"),
        (46, "an amount in CHF with no rate to USD"),
        (47, "an amount in CAD with no rate to USD"),
        (48, "an amount in CAD with no rate to USD"),
    ],
    "real/testIBFlexStatementFile02.xml": [
        # PAYC: openCloseIndicator="" and no OpenPositions: opening or closing cannot be told
        (10, "an option fill whose openCloseIndicator is empty"),
        # EUR base, its EUR rows of days with no USD row and no ConversionRates
        *[(line, "an amount in EUR with no rate to USD") for line in (11, 12, 13, 14, 19, 20)],
    ],
}


@pytest.mark.parametrize("fixture", sorted(STILL_UNRESOLVED))
def test_what_the_real_exports_still_keep_and_why(fixture: str) -> None:
    kept = [(e.source.line, e.reason) for e in of(flex(fixture), Unresolved) if e.source is not None]
    expected = STILL_UNRESOLVED[fixture]
    assert [line for line, _ in kept] == [line for line, _ in expected]
    for (_, reason), (_, start) in zip(kept, expected, strict=True):
        assert reason.startswith(start), reason


def test_file01_s_corporate_actions() -> None:
    events = flex("real/testIBFlexStatementFile01.xml")
    # UUU TENDERED TO CA91701P1TN3 1 FOR 1: -12000 UUU, +12000 UUU.TEN2: the holding's new line
    (tender,) = of(events, SymbolChanged)
    assert (tender.symbol, tender.new_symbol, tender.source and tender.source.line) == ("UUU", "UUU.TEN2", 38)
    # GCM SPLIT 1 FOR 25 (no `type`: by its words), -12000 GCM.OLD, +480 GCM: one split
    splits = [(e.symbol, e.new, e.old) for e in of(events, SplitApplied)]
    assert splits == [("GCM", 1, 25)]


REAL = [
    *(f"ibkr_flex/real/{p.name}" for p in sorted((FLEX / "real").glob("*.xml"))),
    *(f"ibkr_activity/real/{p.name}" for p in sorted((ACTIVITY / "real").glob("*.csv"))),
]


@pytest.mark.parametrize("fixture", REAL)
def test_the_real_exports_cash_self_check_is_clean(fixture: str) -> None:
    """journal.api.cash_check: the file's own amounts beside what its events move. It keeps one sum an
    account: rows in another currency add their own amounts on both sides (what is booked is what the
    events move, currency by currency), so the check still holds; it says nothing per currency."""
    module = ibkr_flex if fixture.endswith(".xml") else ibkr_activity
    result = module.parse(FIXTURES / fixture)
    assert result.errors == []
    assert cash_check(Path(fixture).name, result) == []


# -- through the journal, on SQLite and PostgreSQL ---------------------------------------------------------


def test_file14_through_the_journal(journal: Journal) -> None:
    path = FLEX / "real/testIBFlexStatementFile14.xml"
    (done,) = journal.import_files([path])
    assert (done.format, done.events_added, done.duplicates, done.unresolved) == ("ibkr-flex", 10, 0, 0)
    parsed = ibkr_flex.parse(path).events
    stored = [s.event for s in journal.events()]
    # the currencies, rates and conversions read back exactly as parsed
    assert sorted(e.key for e in stored) == sorted(e.key for e in parsed)
    by_key = {e.key: e for e in stored}
    for event in parsed:
        assert payload(by_key[event.key]) == payload(event)
    assert sorted(
        (e.currency, str(e.fx_rate))
        for e in stored
        if isinstance(e, TradeExecuted | CashMoved) and e.currency
    ) == [
        ("CHF", "1.0685815648"),
        ("CHF", "1.0685815648"),
        ("CHF", "1.0772379619"),
        ("CHF", "1.0825556975"),
    ]
    (again,) = journal.import_files([path])
    assert (again.events_added, again.duplicates) == (0, 10)


# -- the Activity Statement CSV ----------------------------------------------------------------------------

ACTIVITY_HEAD = [
    "Statement,Header,Field Name,Field Value",
    'Statement,Data,Period,"April 1, 2024 - April 19, 2024"',
    "Account Information,Header,Field Name,Field Value",
    "Account Information,Data,Account,U1",
    "Account Information,Data,Base Currency,USD",
]


def test_activity_csv_index_options_settled_in_cash(tmp_path: Path) -> None:
    """An SPX call exercised for cash on a Trades row (`C;Ex`, proceeds, no stock row) and an XSP put's
    "Cash Settlement" row of the exercises section."""
    path = tmp_path / "activity.csv"
    path.write_text(
        "\n".join(
            [
                *ACTIVITY_HEAD,
                "Trades,Header,DataDiscriminator,Asset Category,Currency,Symbol,Date/Time,Quantity,T. Price,"
                "C. Price,Proceeds,Comm/Fee,Basis,Realized P/L,MTM P/L,Code",
                'Trades,Data,Order,Equity and Index Options,USD,SPX 19APR24 5200 C,"2024-04-08, 10:15:12",1,'
                "18.4,18.4,-1840,-1.05,1841.05,0,0,O",
                'Trades,Data,Order,Equity and Index Options,USD,SPX 19APR24 5200 C,"2024-04-19, 16:20:00",-1,'
                "12.35,0,1235,0,-1841.05,-606.05,0,C;Ex",
                "Option Exercises/Assignments/Expirations,Header,Asset Category,Currency,Symbol,Date,"
                "Transaction Type,Quantity,Proceeds,Comm/Fee,Code",
                "Option Exercises/Assignments/Expirations,Data,Equity and Index Options,USD,"
                "XSP 19APR24 500 P,2024-04-19,Cash Settlement,1,-320,0,",
            ]
        )
        + "\n"
    )
    result = ibkr_activity.parse(path)
    assert result.errors == []
    settled = [
        (e.option.name, e.quantity, e.settlement, e.fees, e.value)
        for e in of(result.events, OptionCashSettled)
    ]
    assert settled == [
        # 1235 / (1 x 100) = 12.35 above the 5200 strike
        ("SPX   240419C05200000", 1, D("5212.35"), 0, D(1235)),
        # 320 paid by the writer: 3.20 below the 500 strike
        ("XSP   240419P00500000", 1, D("496.8"), 0, D(320)),
    ]


def test_activity_csv_a_foreign_row_of_another_day_than_the_rates_is_kept(tmp_path: Path) -> None:
    """The Base Currency Exchange Rate section is of the statement's last day: a CHF deposit of that day
    takes it, one of an earlier day is kept unresolved (converting at another day's rate would be wrong)."""
    path = tmp_path / "activity.csv"
    path.write_text(
        "\n".join(
            [
                *ACTIVITY_HEAD,
                "Deposits & Withdrawals,Header,Currency,Settle Date,Description,Amount",
                "Deposits & Withdrawals,Data,CHF,2024-04-19,Electronic Fund Transfer,1000",
                "Deposits & Withdrawals,Data,CHF,2024-04-02,Electronic Fund Transfer,500",
                "Base Currency Exchange Rate,Header,Currency,Rate",
                "Base Currency Exchange Rate,Data,CHF,1.098500",
            ]
        )
        + "\n"
    )
    result = ibkr_activity.parse(path)
    assert result.errors == []
    moved, kept = result.events
    assert isinstance(moved, CashMoved) and (moved.amount, moved.currency, moved.fx_rate) == (
        D(1000),
        "CHF",
        D("1.0985"),
    )
    assert isinstance(kept, Unresolved) and kept.reason == (
        "an amount in CHF (500) with no rate to USD for 2024-04-02 in the statement (its Base Currency "
        "Exchange Rate section gives the rates of its last day, 2024-04-19): record it in a journal CSV with "
        "its currency and fx_rate"
    )
    assert result.booked == {"U1": D(1000)}
