"""The Fidelity history importer: golden files for each header variant, every bad row named by file, line
and column, fuzzing, and a wheel imported end to end on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import importers
from importers import fidelity, journal_csv, robinhood
from journal.api import ImportFailed, Journal, cash_check
from journal.events import (
    CashKind,
    CashMoved,
    OptionAssigned,
    SecurityTransferred,
    StockMerged,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import Bond
from journal.money import cents
from journal.projections.cycles import flow_of
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

HERE = FIXTURES / "fidelity"
SINGLE_2025 = HERE / "History_for_Account_Z24681357.csv"
SINGLE_2025_LATER = HERE / "History_for_Account_Z24681357_Q2.csv"
LAYOUT_2019 = HERE / "Accounts_History_2021.csv"
ALL_ACCOUNTS_2025 = HERE / "Accounts_History_2025.csv"
UNMODELLED = HERE / "History_for_Account_Z24681357_unmodelled.csv"  # issue 13: kept, cash, transferred
ALL_FIXTURES = [SINGLE_2025, SINGLE_2025_LATER, LAYOUT_2019, ALL_ACCOUNTS_2025, UNMODELLED]
REAL = HERE / "real"

SINGLE_HEADER = (
    "Run Date,Action,Symbol,Description,Type,Price ($),Quantity,Commission ($),Fees ($),"
    "Accrued Interest ($),Amount ($),Cash Balance ($),Settlement Date\n"
)
OLD_HEADER = (
    "Run Date,Account,Action,Symbol,Security Description,Security Type,Exchange Quantity,Exchange Currency,"
    "Quantity,Currency,Price,Exchange Rate,Commission,Fees,Accrued Interest,Amount,Settlement Date\n"
)
STO_KO = (
    "01/06/2025,YOU SOLD OPENING TRANSACTION PUT (KO) COCA COLA CO FEB 21 25 $60 (100 SHS) (Cash), "
    "-KO250221P60,PUT (KO) COCA COLA CO FEB 21 25 $60 (100 SHS),Cash,1.25,-1,0.65,0.02,,124.33,20124.33,"
    "01/07/2025\n"
)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The importer as `tj import` finds it (whether or not importers/__init__.py lists it yet)."""
    if fidelity not in importers.IMPORTERS:
        monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, fidelity))
    yield


def realized_rows(journal: Journal) -> list[str]:
    """`tj realized` as text: instrument, quantity, opened, closed, proceeds, cost basis, gain, term."""
    return [
        f"{r.instrument.name} {r.quantity} {r.opened} {r.closed} {cents(r.proceeds)} {cents(r.cost_basis)} "
        f"{cents(r.gain)} {r.term}"
        for r in journal.realized()
    ]


def write(tmp_path: Path, text: str, name: str = "History_for_Account_X.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def errors(path: Path, account: str | None = None) -> list[str]:
    result = fidelity.parse(path, account)
    assert result.events == [] or not result.errors
    return [str(e) for e in result.errors]


# -- golden files: one per header variant ----------------------------------------------------------


def test_golden_single_account_2025_layout() -> None:
    result = check_golden(fidelity, SINGLE_2025)
    assert result["errors"] == []
    assert len(result["events"]) == 17


def test_golden_single_account_later_export() -> None:
    result = check_golden(fidelity, SINGLE_2025_LATER)
    assert result["errors"] == []
    assert len(result["events"]) == 8


def test_golden_2019_layout_with_shifted_rows() -> None:
    result = check_golden(fidelity, LAYOUT_2019)
    assert result["errors"] == []
    assert len(result["events"]) == 9


def test_golden_all_accounts_2025_layout() -> None:
    result = check_golden(fidelity, ALL_ACCOUNTS_2025)
    assert result["errors"] == []
    assert len(result["events"]) == 14


def test_golden_rows_tj_does_not_model_are_kept_and_cash_rows_are_cash() -> None:
    """Issue 13 and 15: a Treasury bill bought and redeemed by CUSIP is a bond's trades; a merger's lone
    row, an unknown action naming a security and an assignment without its stock row are unresolved with
    the cash Fidelity booked; shares TRANSFERRED FROM/TO are transfers; a cash row of unknown words is OTHER
    cash; a sale's Amount is the truth, with a warning."""
    result = check_golden(fidelity, UNMODELLED)
    assert result["errors"] == []
    shown = [
        (
            int(e["source"].rsplit(":", 1)[1]),
            e["type"],
            e.get("kind") or e.get("quantity") or e["reason"],
            e.get("amount") or e.get("fees"),
            e.get("symbols"),
        )
        for e in result["events"]
    ]
    assert shown == [
        (4, "SecurityTransferred", "-10", None, None),
        (5, "TradeExecuted", "5000", "0", None),  # the bill redeemed: 5000 face at 100 = 5000.00
        (
            6,
            "Unresolved",
            "no stock row for it in this file: expected a buy of 100 XOM at 105 within 5 days of 2025-07-18 "
            "(export a period that includes it)",
            "0.00",
            ["XOM"],
        ),
        (7, "TradeExecuted", "30", "0.10", None),  # 30 × 160.33 - 0.03 = 4809.87; 4809.80 booked
        (8, "Unresolved", "an action tj does not know (RECLASSIFICATION OF SHARES (Cash))", "0", ["LSEGY"]),
        (9, "CashMoved", "TAX", "-12.00", None),
        (10, "CashMoved", "OTHER", "25.00", None),
        (
            11,
            "Unresolved",
            "a merger's new shares (50 NEWC from CUSIP 12345X109) without the MERGER MER PAYOUT row that "
            "removes the old shares on that day (with no cash): the ratio is not in this file; resolve it "
            "with a journal-CSV MERGER row (date,MERGER,<old symbol>,new_symbol=NEWC,ratio=new:old), or "
            "export a period holding both rows",
            "0",
            ["NEWC"],
        ),
        (12, "TradeExecuted", "30", "0", None),  # the MPC sold on line 7
        (13, "TradeExecuted", "5000", "0", None),  # the bill bought: 5000 × 99.287 / 100 = 4964.35
        (14, "SecurityTransferred", "25", None, None),
        (15, "CashMoved", "DEPOSIT", "25166.37", None),
    ]
    assert [str(w) for w in fidelity.parse(UNMODELLED).warnings] == [
        "History_for_Account_Z24681357_unmodelled.csv:7: Amount ($): the broker booked 4809.80: cost or "
        "proceeds taken from it, fees adjusted by 0.07 (got '4809.80')",
        "History_for_Account_Z24681357_unmodelled.csv:10: Action: cash row of an unknown description: "
        "recorded as OTHER cash (got 'CASHBACK REWARD (Cash)')",
    ]


@pytest.mark.parametrize(
    ("name", "events", "unresolved"),
    [
        ("History_for_Account_X8YYYYYYY.csv", 11, 0),  # cash only: debits, deposits, transfers
        # Anonymised by its authors: eight trades' amounts are far from quantity × price (a T-bill's among
        # them); a note bought and sold (each with its accrued interest: two events a row) and a bill
        # redeemed are bonds; the core's reinvestment (a CUSIP described CASH) is cash.
        ("bankroll_fidelity_transactions.csv", 20, 8),
        # A muni bond bought (with accrued interest: two events) and one redeemed, and a merger's lone row.
        ("fidelity_csv_all_accounts_transactions_20251204.csv", 22, 1),
    ],
)
def test_real_exports_import_whole_and_their_cash_adds_up(name: str, events: int, unresolved: int) -> None:
    result = check_golden(fidelity, REAL / name)
    assert result["errors"] == []
    assert len(result["events"]) == events
    assert sum(e["type"] == "Unresolved" for e in result["events"]) == unresolved
    assert cash_check(name, fidelity.parse(REAL / name)) == []


@pytest.mark.parametrize("fixture", [*ALL_FIXTURES, *sorted(REAL.glob("*.csv"))], ids=lambda p: p.name)
def test_the_files_amounts_equal_the_cash_its_events_move(fixture: Path) -> None:
    """The self-check of issue 13: every row's Amount is booked once (the money-market core's rows as no
    cash), and the events carry that cash (an assignment's stock leg at the strike less fees equals its
    option and stock rows' amounts)."""
    result = fidelity.parse(fixture)
    assert result.errors == [] and result.booked is not None
    assert sum(result.booked.values()) == sum(flow_of(e).cash for e in result.events)


# -- recognising the file --------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_identifies_every_header_variant_and_no_other_importer_claims_it(fixture: Path) -> None:
    head = fixture.read_bytes()[:8192].decode("utf-8", errors="replace")
    assert fidelity.identify(fixture, head)
    assert not journal_csv.identify(fixture, head)
    assert not robinhood.identify(fixture, head)


def test_does_not_claim_other_formats() -> None:
    others = [FIXTURES / "journal_csv" / "wheel.csv", *sorted((FIXTURES / "robinhood").glob("*.csv"))]
    for path in others:
        assert not fidelity.identify(path, path.read_text()[:8192]), path.name
    schwab = '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n'
    assert not fidelity.identify(Path("x.csv"), schwab)
    assert not fidelity.identify(Path("x.csv"), "")
    assert not fidelity.identify(Path("x.csv"), '"unclosed\n,,,\x00')


def test_detect_picks_fidelity_by_content(registered: None, tmp_path: Path) -> None:
    renamed = write(tmp_path, SINGLE_2025.read_text(), "download.csv")
    assert importers.detect(renamed) is fidelity


# -- what each action becomes ----------------------------------------------------------------------


def test_assignment_is_one_event_dated_as_of_with_the_stock_rows_fees() -> None:
    events = fidelity.parse(SINGLE_2025, "Z24681357").events
    assigned = [e for e in events if isinstance(e, OptionAssigned)]
    assert [
        (e.option.name, e.time, e.quantity, e.fees, e.source.line if e.source else 0) for e in assigned
    ] == [
        ("KO    250417C00061000", datetime(2025, 4, 17, 23, 59, 59), Decimal(1), Decimal("0.04"), 15),
        ("KO    250221P00060000", datetime(2025, 2, 21, 23, 59, 59), Decimal(1), Decimal(0), 21),
    ]
    # The stock rows (lines 14 and 20) are merged, not traded a second time.
    assert not [e for e in events if isinstance(e, TradeExecuted) and e.instrument.name == "KO"]
    assert {e.account for e in events} == {"Z24681357"}


def test_same_day_rows_listed_newest_first_keep_the_order_they_happened_in() -> None:
    events = fidelity.parse(SINGLE_2025).events
    may_14 = [
        (e.action, e.time)
        for e in events
        if isinstance(e, TradeExecuted) and e.time.date() == date(2025, 5, 14)
    ]
    assert sorted(may_14, key=lambda pair: pair[1]) == [
        (TradeAction.BUY, datetime(2025, 5, 14, 0, 0, 0)),
        (TradeAction.STO, datetime(2025, 5, 14, 0, 0, 1)),
        (TradeAction.BTC, datetime(2025, 5, 14, 0, 0, 2)),
    ]


def test_a_file_listed_oldest_first_keeps_its_order(tmp_path: Path) -> None:
    btc = STO_KO.replace("YOU SOLD OPENING", "YOU BOUGHT CLOSING").replace(",1.25,-1,", ",0.50,1,")
    btc = btc.replace(",124.33,20124.33,", ",-50.67,20073.66,")
    deposit = (
        "01/02/2025,Electronic Funds Transfer Received (Cash),,No Description,Cash,,0.000,,,,20000.00,"
        "20000.00,\n"
    )
    events = fidelity.parse(write(tmp_path, SINGLE_HEADER + deposit + STO_KO + btc)).events
    assert [(type(e).__name__, e.time) for e in events] == [
        ("CashMoved", datetime(2025, 1, 2)),
        ("TradeExecuted", datetime(2025, 1, 6, 0, 0, 0)),
        ("TradeExecuted", datetime(2025, 1, 6, 0, 0, 1)),
    ]


def test_shifted_rows_are_read_as_currency_price_quantity() -> None:
    events = fidelity.parse(LAYOUT_2019).events
    bought = next(e for e in events if isinstance(e, TradeExecuted) and e.instrument.name == "PBI")
    assert (bought.quantity, bought.price, bought.fees) == (Decimal(500), Decimal("7.12"), Decimal(0))
    # "Joint WROS - TOD X30097152": the account number the name ends with.
    assert {e.account for e in events} == {"X30097152"}


def test_account_from_the_account_number_column_else_the_argument_else_default(tmp_path: Path) -> None:
    events = fidelity.parse(ALL_ACCOUNTS_2025, "ignored").events
    assert {e.account for e in events} == {"Z23456789", "238765432"}
    path = write(tmp_path, SINGLE_HEADER + STO_KO)
    assert [e.account for e in fidelity.parse(path, "my-ira").events] == ["my-ira"]
    assert [e.account for e in fidelity.parse(path).events] == ["default"]


def test_money_market_reinvestment_stays_cash_and_a_fund_reinvestment_buys_shares() -> None:
    single = fidelity.parse(SINGLE_2025).events
    assert not [e for e in single if isinstance(e, TradeExecuted) and e.instrument.name == "SPAXX"]
    everything = fidelity.parse(ALL_ACCOUNTS_2025).events
    reinvested = [e for e in everything if isinstance(e, TradeExecuted) and e.note == "dividend reinvested"]
    assert [(e.instrument.name, e.quantity, e.price) for e in reinvested] == [
        ("BND", Decimal("0.153"), Decimal("74.18"))
    ]


def test_rows_of_one_export_keyed_alike_in_the_overlapping_export() -> None:
    first = {e.key for e in fidelity.parse(SINGLE_2025, "Z").events}
    later = {e.key for e in fidelity.parse(SINGLE_2025_LATER, "Z").events}
    assert len(later - first) == 2
    assert len(later & first) == 6


def test_leading_spaces_runs_of_spaces_crlf_and_a_glued_footer_are_read() -> None:
    text = LAYOUT_2019.read_bytes()
    assert b"\r\n" in text and b"  SOLD  OPENING" in text and b'Fidelity.com.""Date downloaded"' in text
    result = fidelity.parse(LAYOUT_2019)
    assert result.errors == []
    sold = [e for e in result.events if isinstance(e, TradeExecuted) and e.instrument.underlying == "SPY"]
    assert [(e.action, e.price) for e in sold] == [
        (TradeAction.BTC, Decimal("5.05")),
        (TradeAction.STO, Decimal("2.37")),
    ]


@pytest.mark.parametrize(
    ("symbol", "description", "name"),
    [
        (" -SPY180322P198", "PUT (SPY) SPDR S&P 500 ETF MAR 22 18 $198 (100 SHS)", "SPY   180322P00198000"),
        ("-EWY260904C182.5", "CALL (EWY) ISHARES MSCI SOUTH KOREA SEP 04 26 $182.5", "EWY   260904C00182500"),
        (
            "-BRKB260116P400",
            "PUT (BRKB) BERKSHIRE HATHAWAY INC JAN 16 26 $400 (100 SHS)",
            "BRKB  260116P00400000",
        ),
    ],
)
def test_option_symbols(tmp_path: Path, symbol: str, description: str, name: str) -> None:
    action = f"YOU SOLD OPENING TRANSACTION {description} (Cash)"
    row = f"01/06/2025,{action},{symbol},{description},Cash,1.25,-1,,,,125,,\n"
    [event] = fidelity.parse(write(tmp_path, SINGLE_HEADER + row)).events
    assert isinstance(event, TradeExecuted) and event.instrument.name == name


def test_shares_per_contract_from_the_description(tmp_path: Path) -> None:
    description = "CALL (AMZN) AMAZON COM INC JAN 17 14 $400 (10 SHS)"
    row = (
        f"12/02/2013,YOU BOUGHT OPENING TRANSACTION {description} (Cash),-AMZN140117C400,{description},Cash,"
    )
    row += "5.10,2,,,,-102.00,,\n"
    [event] = fidelity.parse(write(tmp_path, SINGLE_HEADER + row)).events
    assert isinstance(event, TradeExecuted)
    assert (event.instrument.multiplier, event.gross) == (Decimal(10), Decimal("102.00"))


def test_redemption_payout_of_a_ticker_sells_the_shares(tmp_path: Path) -> None:
    row = (
        "06/30/2025,REDEMPTION PAYOUT ABC CAPITAL CORP PFD SER A CALLED (Cash),ABCPA,ABC CAPITAL CORP PFD,"
        "Cash,25,-40,,,,1000.00,,\n"
    )
    [event] = fidelity.parse(write(tmp_path, SINGLE_HEADER + row)).events
    assert isinstance(event, TradeExecuted)
    assert (event.action, event.instrument.name, event.quantity, event.price) == (
        TradeAction.SELL,
        "ABCPA",
        Decimal(40),
        Decimal(25),
    )


# -- errors: exact messages, nothing written ---------------------------------------------------------


def test_bad_amount_and_bad_date_are_named(tmp_path: Path) -> None:
    rows = [
        STO_KO.replace(",124.33,", ",12..5,"),
        STO_KO.replace("01/06/2025", "13/45/2025"),
        STO_KO,
    ]
    path = write(tmp_path, SINGLE_HEADER + "".join(rows))
    assert errors(path) == [
        "History_for_Account_X.csv:2: Amount ($): not a number (got '12..5')",
        "History_for_Account_X.csv:3: Run Date: not a date (MM/DD/YYYY) (got '13/45/2025')",
    ]


def test_an_unknown_action_naming_a_security_is_unresolved_and_one_naming_none_is_cash(
    tmp_path: Path,
) -> None:
    rows = [
        "11/17/2025,RECLASSIFICATION OF SHARES (Margin),LSEGY,LONDON STOCK EXCHANGE,"
        "Shares,,1060,,,,30246.04,50000.00,\n",
        "11/18/2025,COURTESY CREDIT (Cash), ,No Description,Cash,,0.000,,,,10.00,50010.00,\n",
        "11/19/2025,GOODWILL GESTURE (Cash), ,No Description,Cash,,0.000,,,,5.00,50015.00,\n",
    ]
    result = fidelity.parse(write(tmp_path, SINGLE_HEADER + "".join(rows)))
    assert result.errors == []
    kept, credit, gesture = result.events
    assert isinstance(kept, Unresolved)
    assert (kept.reason, kept.amount, kept.symbols) == (
        "an action tj does not know (RECLASSIFICATION OF SHARES (Margin))",
        Decimal("30246.04"),
        ("LSEGY",),
    )
    assert kept.raw == (
        "11/17/2025,RECLASSIFICATION OF SHARES (Margin),LSEGY,LONDON STOCK EXCHANGE,Shares,,1060,,,,30246.04,"
        "50000.00,"
    )
    assert isinstance(credit, CashMoved) and isinstance(gesture, CashMoved)
    assert [(e.kind, e.amount, e.description) for e in (credit, gesture)] == [
        (CashKind.OTHER, Decimal("10.00"), "COURTESY CREDIT (Cash)"),
        (CashKind.OTHER, Decimal("5.00"), "GOODWILL GESTURE (Cash)"),
    ]
    # "credit" is a word tj knows (OTHER, said nothing); "goodwill gesture" is not: a warning.
    assert [str(w) for w in result.warnings] == [
        "History_for_Account_X.csv:4: Action: cash row of an unknown description: recorded as OTHER cash "
        "(got 'GOODWILL GESTURE (Cash)')"
    ]
    assert result.booked == {"default": Decimal("30261.04")}


def test_a_file_with_errors_writes_nothing(registered: None, journal: Journal, tmp_path: Path) -> None:
    path = write(tmp_path, SINGLE_HEADER + STO_KO + STO_KO.replace(",124.33,", ",abc,"))
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([path])
    assert [str(p) for p in failed.value.problems] == [
        "History_for_Account_X.csv:3: Amount ($): not a number (got 'abc')"
    ]
    assert journal.store.count() == 0


def test_a_row_between_data_rows_that_is_no_data_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, SINGLE_HEADER + STO_KO + "Brokerage,,,,,,,,,,,,\n" + STO_KO)
    assert errors(path) == [
        "History_for_Account_X.csv:3: Run Date: not a date (MM/DD/YYYY) (got 'Brokerage')"
    ]


def test_no_header(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Action,Symbol\n01/02/2025,YOU BOUGHT,AAPL\n")
    assert errors(path) == [
        "History_for_Account_X.csv:1: no Fidelity header found "
        "(Run Date, Action, Symbol, Quantity, Price, Amount)"
    ]


def test_a_trade_whose_amount_is_far_from_quantity_times_price_is_unresolved(tmp_path: Path) -> None:
    row = (
        ' 11/10/2021,"INDIVIDUAL"," YOU BOUGHT PITNEY BOWES INC (PBI) (Cash)", PBI," PITNEY BOWES INC",'
        "Cash,0,,USD,7.12,500,0,,,,-900.00,11/12/2021\n"
    )
    result = fidelity.parse(write(tmp_path, OLD_HEADER + row))
    assert result.errors == []
    [kept] = result.events
    assert isinstance(kept, Unresolved)
    assert (kept.reason, kept.amount, kept.symbols) == (
        "the broker booked -900.00 where price × quantity ± fees makes -3560.00: something else moved the "
        "cash",
        Decimal("-900.00"),
        ("PBI",),
    )


def test_the_brokers_amount_is_the_truth_within_the_tolerance(tmp_path: Path) -> None:
    # 18 × 208.64 = 3755.52 with no fees stated; Fidelity booked 3755.44 (a real all-accounts row).
    row = (
        "11/17/2025,YOU BOUGHT WASTE MANAGEMENT INC (WM) (Margin),WM,WASTE MANAGEMENT INC,Margin,208.64,18,"
        ",,,-3755.44,,11/18/2025\n"
    )
    result = fidelity.parse(write(tmp_path, SINGLE_HEADER + row))
    [bought] = result.events
    assert isinstance(bought, TradeExecuted)
    assert (bought.price, bought.fees, flow_of(bought).cash) == (
        Decimal("208.64"),
        Decimal("-0.08"),
        Decimal("-3755.44"),
    )
    assert [str(w) for w in result.warnings] == [
        "History_for_Account_X.csv:2: Amount ($): the broker booked -3755.44: cost or proceeds taken from "
        "it, fees adjusted by -0.08 (got '-3755.44')"
    ]


def test_currency_in_quantity_without_a_currency_column_is_an_error(tmp_path: Path) -> None:
    row = STO_KO.replace(",1.25,-1,", ",1.25,USD,")
    assert errors(write(tmp_path, SINGLE_HEADER + row)) == [
        "History_for_Account_X.csv:2: Quantity: a currency code, not a quantity: columns shifted (got 'USD')"
    ]


def test_swapped_quantity_and_price_give_a_negative_price_error(tmp_path: Path) -> None:
    row = STO_KO.replace(",1.25,-1,", ",-1,1.25,")
    assert errors(write(tmp_path, SINGLE_HEADER + row)) == [
        "History_for_Account_X.csv:2: Price ($): a negative price: are Quantity and Price swapped? (got '-1')"
    ]


def test_stock_row_of_an_assignment_without_its_option_row_is_unresolved(tmp_path: Path) -> None:
    leg = (
        "02/24/2025,YOU BOUGHT ASSIGNED PUTS AS OF 02-21-25 COCA COLA CO (KO) (Cash),KO,COCA COLA CO,Cash,60,"
        "100,,,,-6000.00,14124.33,02/25/2025\n"
    )
    [kept] = fidelity.parse(write(tmp_path, SINGLE_HEADER + leg)).events
    assert isinstance(kept, Unresolved)
    assert (kept.reason, kept.amount, kept.symbols, kept.time) == (
        "the stock side of an assignment or exercise, but no ASSIGNED row of KO at 60 in the 5 days before "
        "it: export a period that includes it",
        Decimal("-6000.00"),
        ("KO",),
        datetime(2025, 2, 21),
    )


def test_an_assignment_without_its_stock_row_is_unresolved(tmp_path: Path) -> None:
    """Its cash is the stock row's: without that row the journal cannot book what Fidelity booked."""
    row = (
        "02/24/2025,ASSIGNED as of Feb-21-2025 PUT (KO) COCA COLA CO FEB 21 25 $60 (100 SHS) (Cash), "
        "-KO250221P60,PUT (KO) COCA COLA CO FEB 21 25 $60 (100 SHS),Cash,,1,,,,0.00,20124.33,\n"
    )
    [kept] = fidelity.parse(write(tmp_path, SINGLE_HEADER + row)).events
    assert isinstance(kept, Unresolved)
    assert (kept.reason, kept.amount, kept.symbols, kept.time) == (
        "no stock row for it in this file: expected a buy of 100 KO at 60 within 5 days of 2025-02-21 "
        "(export a period that includes it)",
        Decimal("0.00"),
        ("KO",),
        datetime(2025, 2, 21),
    )


def test_a_cash_settled_assignment_is_unresolved(tmp_path: Path) -> None:
    row = (
        "03/24/2025,ASSIGNED as of Mar-21-2025 PUT (SPX) S&P 500 INDEX MAR 21 25 $5700 (100 SHS) (Cash), "
        "-SPX250321P5700,PUT (SPX) S&P 500 INDEX MAR 21 25 $5700 (100 SHS),Cash,,1,,,,-1234.00,,\n"
    )
    [kept] = fidelity.parse(write(tmp_path, SINGLE_HEADER + row)).events
    assert isinstance(kept, Unresolved)
    assert (kept.amount, kept.symbols) == (Decimal("-1234.00"), ("SPX",))
    assert kept.reason.startswith("an assignment or exercise that moved cash: a cash-settled option")


def test_a_bond_by_cusip_is_a_bond_and_shares_transferred_are_transfers(tmp_path: Path) -> None:
    rows = [
        "11/17/2025,REDEMPTION PAYOUT HOUSTON TEX UTIL SYS REV REF BDS SER. 05.00000% 11/15/2025 2015D "
        "(Cash),44244CCF2,HOUSTON TEX UTIL SYS REV,Cash,1,-25000,,,,25000,50000.00,\n",
        "12/01/2025,TRANSFERRED FROM 555555555 (Cash),AAPL,APPLE INC,Shares,,25,,,,0.00,50000.00,\n",
        "12/02/2025,TRANSFERRED TO 555555555 (Cash),AAPL,APPLE INC,Shares,,-5,,,,,50000.00,\n",
        "12/03/2025,TRANSFERRED TO 555555555 (Cash),MSFT,MICROSOFT CORP,Shares,,-5,,,,-2.50,49997.50,\n",
    ]
    result = fidelity.parse(write(tmp_path, SINGLE_HEADER + "".join(rows)))
    assert result.errors == []
    bond, moved_in, moved_out, with_cash = result.events
    # The Description says no bond's words; the Action does (BDS, the coupon and maturity): a municipal bond
    # redeemed at 100 (Fidelity's price 1 is per dollar of face): 25000 × 100 / 100 = 25000.
    assert isinstance(bond, TradeExecuted)
    assert (bond.action, bond.instrument, bond.quantity, bond.price, bond.fees) == (
        TradeAction.SELL,
        Bond("44244CCF2", "bond", date(2025, 11, 15)),
        Decimal(25000),
        Decimal(100),
        Decimal(0),
    )
    assert isinstance(moved_in, SecurityTransferred) and isinstance(moved_out, SecurityTransferred)
    assert [(e.instrument.name, e.quantity, e.basis) for e in (moved_in, moved_out)] == [
        ("AAPL", Decimal(25), None),
        ("AAPL", Decimal(-5), None),
    ]
    assert isinstance(with_cash, Unresolved) and with_cash.amount == Decimal("-2.50")


def test_an_expiry_before_the_expiration_is_an_error(tmp_path: Path) -> None:
    row = (
        "03/20/2025,EXPIRED CALL (KO) COCA COLA CO MAR 21 25 $62 (100 SHS) (Cash), -KO250321C62,"
        "CALL (KO) COCA COLA CO MAR 21 25 $62 (100 SHS),Cash,,1,,,,0.00,14213.66,\n"
    )
    assert errors(write(tmp_path, SINGLE_HEADER + row)) == [
        "History_for_Account_X.csv:2: Action: before the option's expiration 2025-03-21 "
        "(got 'EXPIRED CALL (KO) COCA COLA CO MAR 21 25 $62 (100 SHS) (Cash)')",
    ]


def test_a_merger_pair_of_rows_is_one_stock_merger(tmp_path: Path) -> None:
    # Rows of redstreet/beancount_reds_importers fidelity fixtures (History_for_Account_X99999999.csv):
    # new shares in `MERGER MER FROM <old CUSIP>`, the old shares (by that CUSIP) out in `MERGER MER PAYOUT`,
    # no price and no cash: a stock-for-stock merger of 1 old share for 1 new. The #REOR ids differ by one:
    # the rows pair by the CUSIP. No other row names the old shares' ticker: the CUSIP names them.
    rows = [
        " 09/01/2021, MERGER MER FROM G8354H126#REOR M0099999990001 GINKGO BIOWORKS HOLDINGS INC CL A SHS "
        "(DNA) (Cash), DNA, GINKGO BIOWORKS HOLDINGS INC CL A SHS,Cash,,1,,,,,,\n",
        " 09/01/2021, MERGER MER PAYOUT #REOR M0099999990000 SOARING EAGLE ACQUISITION CORP COM USD0 "
        "(G8354H126) (Cash), G8354H126, SOARING EAGLE ACQUISITION CORP COM USD0,Cash,,-1,,,,,,\n",
    ]
    result = fidelity.parse(write(tmp_path, SINGLE_HEADER + "".join(rows)))
    assert result.errors == []
    [merged] = result.events
    assert isinstance(merged, StockMerged)
    assert (merged.symbol, merged.new_symbol, merged.new, merged.old, merged.cash, merged.in_lieu) == (
        "G8354H126",
        "DNA",
        Decimal(1),
        Decimal(1),
        Decimal(0),
        Decimal(0),
    )
    assert merged.time == datetime(2021, 9, 1)
    assert "named by their CUSIP G8354H126" in merged.note


def test_tax_exempt_muni_interest_is_interest(tmp_path: Path) -> None:
    # A row of redstreet/beancount_reds_importers fidelity_csv_all_accounts_transactions_20251204.csv.
    header = (
        "Run Date,Account,Account Number,Action,Symbol,Description,Type,Exchange Quantity,Exchange Currency,"
        "Currency,Price,Quantity,Exchange Rate,Commission,Fees,Accrued Interest,Amount,Settlement Date\n"
    )
    row = (
        '12/01/2025,"Brokerage","333333333","MUNI EXEMPT INT WHEAT RIDGE COLO SALES & USE TAX REV 05.00000% '
        '12/01/2041 REF IMPT BDS SER. 2024 (Cash)",96255NBE8,"WHEAT RIDGE COLO SALES & USE TAX REV 05.00000% '
        '12/01/2041 REF IMPT BDS SER. 2024",Cash,0,,USD,,0.000,0,,,,1250,\n'
    )
    [event] = fidelity.parse(write(tmp_path, header + row)).events
    assert isinstance(event, CashMoved)
    assert (event.kind, event.amount, event.symbol, event.account, event.time) == (
        CashKind.INTEREST,
        Decimal(1250),
        None,
        "333333333",
        datetime(2025, 12, 1),
    )


def test_a_row_in_another_currency_is_unresolved(tmp_path: Path) -> None:
    row = (
        ' 11/15/2021,"INDIVIDUAL"," YOU BOUGHT SHOPIFY INC (SHOP) (Cash)", SHOP," SHOPIFY INC",Cash,0,,2,CAD,'
        "1900,1.25,,,,-3800,11/17/2021\n"
    )
    result = fidelity.parse(write(tmp_path, OLD_HEADER + row))
    assert result.errors == []
    [kept] = result.events
    assert isinstance(kept, Unresolved)
    assert (kept.amount, kept.symbols) == (Decimal(-3800), ("SHOP",))
    assert kept.reason.startswith("a row in CAD: tj keeps no currencies")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "History_for_Account_X.csv"
    path.write_bytes(SINGLE_HEADER.encode() + b"\xff\xfe\n")
    assert errors(path) == ["History_for_Account_X.csv:2: not UTF-8 text (byte 148)"]


# -- fuzzing ------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), fixture=st.sampled_from(ALL_FIXTURES))
def test_mutated_files_give_errors_with_a_place_never_a_crash(
    tmp_path_factory, seed: int, fixture: Path
) -> None:
    fuzz_once(fidelity, fixture, tmp_path_factory.mktemp("fuzz"), seed)


# -- end to end: a wheel through Journal, on SQLite and PostgreSQL ------------------------------------


def test_wheel_end_to_end_and_overlapping_exports(registered: None, journal: Journal) -> None:
    [first] = journal.import_files([SINGLE_2025], account="Z24681357")
    assert (first.format, first.events_added, first.duplicates) == ("fidelity-csv", 17, 0)
    [again] = journal.import_files([SINGLE_2025], account="Z24681357")
    assert (again.events_added, again.duplicates) == (0, 17)

    assert sorted(realized_rows(journal), key=lambda row: row.split()[-5]) == [
        "KO    250321C00062000 1 2025-02-25 2025-03-21 89.33 0.00 89.33 short",
        # Put assigned: basis 6000 - 124.33; called away: 6100 + 109.33 - 0.04 (the stock row's fee).
        "KO 100 2025-02-21 2025-04-17 6209.29 5875.67 333.62 short",
        "SPY   250620C00570000 1 2025-05-05 2025-05-12 1139.31 815.68 323.63 short",
        "AAPL  250620P00200000 2 2025-05-14 2025-05-14 638.66 421.34 217.32 short",
        "AAPL 10 2025-05-14 2025-05-20 2050.98 2114.50 -63.52 short",
    ]
    assert journal.lots() == []
    [ko] = journal.cycles(underlying="KO")
    assert (
        ko.opened,
        ko.closed,
        ko.premium_collected,
        ko.premium_paid,
        ko.fees,
        ko.dividends,
        ko.net_cash,
    ) == (
        date(2025, 1, 6),
        date(2025, 4, 17),
        Decimal("325.00"),
        0,
        Decimal("2.05"),
        Decimal("51.00"),
        Decimal("473.95"),
    )
    # The file's last Cash Balance, 15963.72, less the money-market reinvestment the journal keeps as cash.
    assert journal.cash() == Decimal("15971.93")

    [later] = journal.import_files([SINGLE_2025_LATER], account="Z24681357")
    assert (later.events_added, later.duplicates) == (2, 6)
    rebought = [r for r in journal.realized() if r.instrument.name == "KO    250718P00068000"]
    assert [(r.proceeds, r.cost_basis, r.gain) for r in rebought] == [
        (Decimal("84.33"), Decimal("35.67"), Decimal("48.66"))
    ]
    assert [(c.opened, c.closed) for c in journal.cycles(underlying="KO")] == [
        (date(2025, 1, 6), date(2025, 4, 17)),
        (date(2025, 6, 2), date(2025, 6, 16)),
    ]
