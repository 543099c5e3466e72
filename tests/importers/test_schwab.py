"""The Schwab transaction-history importer: every layout Schwab has exported, every action it writes,
assignments merged with their stock rows, errors with a place, and a wheel imported end to end.

The fixtures and where each fact in them comes from: fixtures/schwab/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import importers
from importers import journal_csv, schwab
from journal.api import ImportFailed, Journal, cash_check
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    SplitApplied,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import OptionContract, Stock
from journal.projections.cycles import flow_of
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

HERE = FIXTURES / "schwab"
OLD = HERE / "old_2018.csv"  # title line, trailing commas, CRLF, totals line, no thousands separators
MID = HERE / "general_2023.csv"  # title line, no trailing comma, totals line, thousands separators
NEW = HERE / "individual_2024.csv"  # post-TD-merge: header first, no totals, OSI symbols too
LATER = HERE / "individual_2024_later.csv"  # the next export of that account, overlapping, ($) debits
CORPORATE = HERE / "corporate_actions_2024.csv"  # rows that change holdings without a trade price
CASH = HERE / "cash_and_journals_2024.csv"  # cash rows of any action, journals of shares, a T-bill by CUSIP
FORMATS = (OLD, MID, NEW, LATER, CORPORATE, CASH)
HEADER = '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n'


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the importer visible to `Journal.import_files` (importers/__init__.py is not this module's to
    edit: registering it there is the lead's step)."""
    if schwab not in importers.IMPORTERS:
        monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, schwab))
    yield


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "Individual_XXX234_Transactions.csv"):
    path = tmp_path / name
    path.write_text(header + body)
    return path


def head(path: Path) -> str:
    return path.read_bytes()[:8192].decode("utf-8", errors="replace")


# -- recognising the files ------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FORMATS, ids=lambda p: p.name)
def test_recognises_every_layout_and_journal_csv_does_not_claim_it(fixture: Path) -> None:
    assert schwab.identify(fixture, head(fixture))
    assert not journal_csv.identify(fixture, head(fixture))


@pytest.mark.parametrize(
    "text",
    [
        "date,action,symbol,quantity,price,fees,amount\n2024-01-02,BUY,AAPL,1,100,0,\n",  # journal CSV
        # tastytrade 2024
        "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,"
        "Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,"
        "Call or Put,Order #,Currency\n",
        # Fidelity, single account
        "\n\nRun Date,Action,Symbol,Description,Type,Price ($),Quantity,Commission ($),Fees ($),"
        "Accrued Interest ($),Amount ($),Cash Balance ($),Settlement Date\n",
        # Schwab positions export
        '"Positions for account Individual ...123 as of 12:33 PM ET, 2025/05/04","",""\n"","",""\n'
        '"Symbol","Description","Qty (Quantity)","Price","Mkt Val (Market Value)","Cost Basis"\n',
        # Schwab bank (checking) history
        '"Transactions  for Checking account ...XXX as of 09/02/2023 01:46:01 PM ET"\n'
        '"Date","Type","Check #","Description","Withdrawal (-)","Deposit (+)","RunningBalance"\n',
        '"Date","Status","Type","CheckNumber","Description","Withdrawal","Deposit","RunningBalance"\n',
        # Schwab Equity Awards
        '"Date","Action","Symbol","Description","Quantity","FeesAndCommissions","DisbursementElection",'
        '"Amount","AwardDate","AwardId"\n',
        # the header under some other preamble
        '"Account Summary"\n' + HEADER,
        "",
        '"unterminated\n',
    ],
)
def test_does_not_claim_other_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / "Individual_XXX234_Transactions_20240529-123456.csv"
    path.write_text(text)
    assert not schwab.identify(path, text)


def test_recognises_the_title_with_a_year_first_date(tmp_path: Path) -> None:
    # jbms/beancount-import#235 (comments, 2024-10): the title's date became YYYY/MM/DD.
    path = write(
        tmp_path,
        '"10/09/2024","Credit Interest","","SCHWAB1 INT 09/09-10/08","","","","$1.02"\n',
        header='"Transactions  for account Individual ...234 as of 10:10 AM ET, 2024/10/10"\n' + HEADER,
    )
    assert schwab.identify(path, head(path))
    (event,) = schwab.parse(path).events
    assert isinstance(event, CashMoved) and event.amount == Decimal("1.02")


def test_recognises_a_header_with_a_bom_and_columns_in_another_order(tmp_path: Path) -> None:
    text = '\ufeff"Date","Action","Symbol","Description","Price","Quantity","Fees & Comm","Amount"\n'
    assert schwab.identify(tmp_path / "x.csv", text)


# -- golden files ---------------------------------------------------------------------------------


def test_golden_old_format() -> None:
    result = check_golden(schwab, OLD)
    assert result["errors"] == []
    # 27 data rows; the QQQ assignment and exercise each merge two rows into one event.
    assert len(result["events"]) == 25


def test_golden_2022_2023_format() -> None:
    result = check_golden(schwab, MID)
    assert result["errors"] == []
    assert len(result["events"]) == 27  # 30 rows, three option rows merged with their stock rows


def test_golden_post_merge_format() -> None:
    result = check_golden(schwab, NEW)
    assert result["errors"] == []
    assert len(result["events"]) == 19  # 21 rows, two assignments merged


def test_golden_post_merge_later_export_with_accounting_parentheses() -> None:
    result = check_golden(schwab, LATER)
    assert result["errors"] == []
    assert len(result["events"]) == 9  # 10 rows, one assignment merged


def test_golden_corporate_actions_are_modelled_kept_unresolved_or_transferred() -> None:
    """Issues 13 and 15: a Stock Merger pair is one StockMerged, Cash In Lieu an IN_LIEU cash row; a
    corporate action whose figures the file lacks (a split's or a stock dividend's ratio, a spin-off's
    parent and basis allocation, a lone row of a pair) is kept, with its raw row and reason, never refused;
    shares journaled or transferred in are transfers (no basis in the row: basis missing)."""
    result = check_golden(schwab, CORPORATE)
    assert result["errors"] == []
    kinds = [(e["source"].rsplit(":", 1)[1], e["type"]) for e in result["events"]]
    assert kinds == [
        ("2", "Unresolved"),  # Stock Split of NVDA: shares added, no ratio
        ("3", "CashMoved"),  # Cash In Lieu of GEV: $61.42, IN_LIEU
        ("4", "Unresolved"),  # Spin-off: no parent, ratio or allocation
        ("6", "StockMerged"),  # Stock Merger: DWAC -100 (line 6) and DJT +100 (line 5): 100 for 100
        ("7", "Unresolved"),  # Name Change: its old row is not in the file
        ("8", "Unresolved"),  # Reverse Split of MULN: no ratio
        ("9", "Unresolved"),  # Stock Plan Activity
        ("10", "Unresolved"),  # Conversion: its new row is not in the file
        ("11", "SecurityTransferred"),  # Journaled Shares: 50 AAPL in
        ("12", "SecurityTransferred"),  # Security Transfer: 30 MSFT in
        ("13", "CashMoved"),  # the dividend
    ]
    cash_in_lieu, merged = result["events"][1], result["events"][3]
    assert (cash_in_lieu["kind"], cash_in_lieu["amount"], cash_in_lieu["symbol"]) == (
        "IN_LIEU",
        "61.42",
        "GEV",
    )
    assert (merged["symbol"], merged["new_symbol"], merged["new"], merged["old"]) == (
        "DWAC",
        "DJT",
        "100",
        "100",
    )
    assert result["events"][8]["quantity"] == "50" and "basis" not in result["events"][8]


def test_golden_cash_rows_journals_and_a_treasury_by_cusip() -> None:
    """Issue 13: a row naming no security is cash whatever its action; a Journal of shares without cash
    is a transfer, with both or neither it is unresolved. Issue 15: a Treasury bill named by CUSIP is a
    Bond bought, and its Full Redemption pair one sale."""
    result = check_golden(schwab, CASH)
    assert result["errors"] == []
    shown = [
        (
            int(e["source"].rsplit(":", 1)[1]),
            e["type"],
            e.get("kind") or e.get("quantity") or e["reason"],
            e.get("amount"),
            e.get("symbols"),
        )
        for e in result["events"]
    ]
    assert shown == [
        # Full Redemption (line 3: -5,000 face) with its Full Redemption Adj (line 2: $5,000.00): one sale
        # of 5000 face at 5000.00 × 100 / 5000 = 100.
        (3, "TradeExecuted", "5000", None, None),
        (4, "CashMoved", "OTHER", "2000.00", None),  # a Full Redemption credited as plain cash
        (
            5,
            "Unresolved",
            "Journal that states neither an amount nor shares of a symbol: what moved is unknown",
            "0",
            [],
        ),
        (6, "Unresolved", "Journal that moved shares and cash at once: not modelled yet", "-25.00", ["KO"]),
        (7, "SecurityTransferred", "-20", None, None),
        (8, "CashMoved", "WITHDRAW", "-75.00", None),  # an ACAT fee
        (9, "SecurityTransferred", "100", None, None),
        (10, "TradeExecuted", "5000", None, None),  # the bill bought: 5000 × 98.7654 / 100 = 4938.27
        (11, "CashMoved", "FEE", "3.00", None),  # Schwab ATM Rebate
        (12, "CashMoved", "WITHDRAW", "-203.00", None),  # ATM Withdrawal
        (13, "CashMoved", "OTHER", "0.42", None),  # words tj does not know: OTHER, with a warning
    ]
    warnings = [str(w) for w in schwab.parse(CASH).warnings]
    assert warnings == [
        "cash_and_journals_2024.csv:13: Action: cash row of an unknown description: recorded as OTHER cash "
        "(got 'Loyalty Bonus')"
    ]


@pytest.mark.parametrize("fixture", [*FORMATS, *sorted((HERE / "real").glob("*.csv"))], ids=lambda p: p.name)
def test_the_files_amounts_equal_the_cash_its_events_move(fixture: Path) -> None:
    """The self-check of issue 13: every row's Amount is booked once, and the events carry that cash
    (an assignment's stock leg at the strike less fees equals its option and stock rows' amounts)."""
    result = schwab.parse(fixture)
    assert result.errors == [] and result.booked is not None
    assert sum(result.booked.values()) == sum(flow_of(e).cash for e in result.events)


# -- the facts, checked by hand -------------------------------------------------------------------


def by_line(path: Path, account: str | None = None) -> dict[int, Event]:
    result = schwab.parse(path, account)
    assert result.errors == []
    return {e.source.line: e for e in result.events if e.source}


def test_old_format_call_assigned_and_call_exercised_on_one_day() -> None:
    events = by_line(OLD)
    assigned = events[21]  # "Assigned" QQQ 130 C + "Sell" 100 QQQ @ 130.00, fees 4.12 (line 22)
    assert isinstance(assigned, OptionAssigned)
    assert assigned.option == OptionContract("QQQ", datetime(2018, 2, 1).date(), "C", Decimal(130))
    assert (assigned.quantity, assigned.fees, assigned.time) == (
        Decimal(1),
        Decimal("4.12"),
        datetime(2018, 2, 1),
    )
    assert assigned.note == "CALL POWERSHARES QQQ TRUST $130 EXP 02/01/18"
    exercised = events[23]  # "Exchange or Exercise" QQQ 155 C, quantity -1 + "Buy" 100 @ 155.00, fees 3.95
    assert isinstance(exercised, OptionExercised)
    assert exercised.option.strike == 155 and exercised.quantity == 1 and exercised.fees == Decimal("3.95")
    assert 22 not in events and 24 not in events  # the stock rows became part of those events
    buy = events[28]  # the plain QQQ purchase: no option at 158.10, so a BUY
    assert isinstance(buy, TradeExecuted) and buy.action is TradeAction.BUY
    assert (buy.quantity, buy.price, buy.fees) == (Decimal(100), Decimal("158.10"), Decimal("4.95"))


def test_old_format_expiry_is_dated_on_the_expiration_not_the_posting() -> None:
    expired = by_line(OLD)[6]  # "12/03/2018 as of 11/30/2018","Expired","CSCO 11/30/2018 44.50 P"
    assert isinstance(expired, OptionExpired)
    assert expired.option.name == "CSCO  181130P00044500"
    assert expired.time == datetime(2018, 11, 30, 23, 59, 59)
    assert (expired.quantity, expired.fees) == (Decimal(1), Decimal(0))


def test_old_format_option_trades_price_per_share_and_fees() -> None:
    events = by_line(OLD)
    sto = events[27]  # Sell to Open QQQ 130 C 1 @ $28.20, $5.60
    assert isinstance(sto, TradeExecuted) and sto.action is TradeAction.STO
    assert (sto.quantity, sto.price, sto.fees) == (Decimal(1), Decimal("28.20"), Decimal("5.60"))
    stc = events[5]
    assert isinstance(stc, TradeExecuted) and stc.action is TradeAction.STC
    assert stc.instrument == OptionContract("MAR", datetime(2018, 12, 28).date(), "C", Decimal(112))
    short = events[18]  # Sell Short 50 TSLA
    assert isinstance(short, TradeExecuted) and short.action is TradeAction.SELL
    assert short.instrument == Stock("TSLA") and short.quantity == 50


def test_old_format_cash_kinds() -> None:
    events = by_line(OLD)
    expected = {
        3: (CashKind.DIVIDEND, "3.52", "SCHH"),  # Long Term Cap Gain
        4: (CashKind.DIVIDEND, "0.61", "SCHH"),  # Short Term Cap Gain
        9: (CashKind.FEE, "-25.00", None),  # Service Fee
        10: (CashKind.WITHDRAW, "-5000.00", None),  # Wire Funds
        11: (CashKind.WITHDRAW, "-500.00", None),  # Journal
        12: (CashKind.INTEREST, "0.42", None),  # Bank Interest
        14: (CashKind.DIVIDEND, "12.08", "SCHH"),  # Reinvest Dividend
        15: (CashKind.DIVIDEND, "4.37", "SCHH"),  # Non-Qualified Div
        16: (CashKind.INTEREST, "-0.84", None),  # Margin Interest
        20: (CashKind.DIVIDEND, "34.41", "QQQ"),  # Qualified Dividend
        25: (CashKind.DIVIDEND, "21.00", "MSFT"),  # Pr Yr Cash Div
        29: (CashKind.DEPOSIT, "60000.00", None),  # MoneyLink Transfer
    }
    for line, (kind, amount, symbol) in expected.items():
        event = events[line]
        assert isinstance(event, CashMoved), line
        assert (event.kind, event.amount, event.symbol) == (kind, Decimal(amount), symbol), line
    interest = events[12]
    assert interest.time == datetime(2018, 7, 15)  # the "as of" date
    reinvested = events[13]  # Reinvest Shares: the shares the dividend bought
    assert isinstance(reinvested, TradeExecuted) and reinvested.action is TradeAction.BUY
    assert (reinvested.quantity, reinvested.price) == (Decimal("0.2937"), Decimal("41.13"))


def test_2023_put_assigned_and_call_assigned_with_as_of_dates() -> None:
    events = by_line(MID)
    put = events[22]  # "02/21/2023 as of 02/17/2023" Assigned AMD 80 P; its Buy row is line 21, above it
    assert isinstance(put, OptionAssigned) and put.option.is_put
    assert (put.time, put.quantity, put.fees) == (datetime(2023, 2, 17), Decimal(1), Decimal(0))
    call = events[7]  # Assigned AMD 90 C; the Sell row (line 6, fees 0.20) above it
    assert isinstance(call, OptionAssigned) and not call.option.is_put
    assert (call.time, call.fees) == (datetime(2023, 4, 21), Decimal("0.20"))
    exercised = events[14]  # long SPY 395 put exercised: shares sold at the strike (line 15, fees 0.86)
    assert isinstance(exercised, OptionExercised) and exercised.option.is_put
    assert (exercised.time, exercised.fees) == (datetime(2023, 3, 17), Decimal("0.86"))
    assert not {6, 15, 21} & events.keys()
    two = events[10]  # Buy to Open 2 TSLA calls @ 8.40, fees 1.32
    assert isinstance(two, TradeExecuted) and (two.quantity, two.price, two.fees) == (
        2,
        Decimal("8.40"),
        Decimal("1.32"),
    )
    thousand = events[31]  # Buy "1,000" SCHD @ $75.92
    assert isinstance(thousand, TradeExecuted) and thousand.quantity == 1000


def test_2023_cash_kinds() -> None:
    events = by_line(MID)
    expected = {
        3: (CashKind.DEPOSIT, "1200.00", None),  # Internal Transfer
        4: (CashKind.WITHDRAW, "-10000.00", None),  # Wire Sent
        5: (CashKind.INTEREST, "3.41", None),  # Credit Interest
        9: (CashKind.DEPOSIT, "2500.00", None),  # MoneyLink Deposit
        11: (CashKind.FEE, "-187.50", None),  # Advisor Fee
        13: (CashKind.DIVIDEND, "514.60", "SCHD"),  # Qual Div Reinvest
        23: (CashKind.INTEREST, "81.25", None),  # Bond Interest (its symbol is a CUSIP: the account's)
        24: (CashKind.DEPOSIT, "25.00", None),  # Misc Cash Entry
        25: (CashKind.DEPOSIT, "300.00", None),  # Promotional Award
        27: (CashKind.DEPOSIT, "100.00", None),  # Funds Received
        28: (CashKind.TAX, "-8.76", "TSM"),  # Foreign Tax Paid: tax withheld
        29: (CashKind.FEE, "-2.00", "TSM"),  # ADR Mgmt Fee
        30: (CashKind.DIVIDEND, "39.82", "TSM"),  # Cash Dividend
        32: (CashKind.DEPOSIT, "150000.00", None),  # Wire Funds Received
    }
    for line, (kind, amount, symbol) in expected.items():
        event = events[line]
        assert isinstance(event, CashMoved), line
        assert (event.kind, event.amount, event.symbol) == (kind, Decimal(amount), symbol), line


def test_post_merge_both_symbol_forms_name_one_contract_and_the_stock_row_may_come_later() -> None:
    events = by_line(NEW)
    put = events[19]  # Assigned "DVN   240315P00050000" (OSI) as of 03/15; the Buy row is dated 03/18
    assert isinstance(put, OptionAssigned)
    assert put.option == OptionContract("DVN", datetime(2024, 3, 15).date(), "P", Decimal(50))
    assert put.time == datetime(2024, 3, 15)
    assert 18 not in events
    sto = events[21]  # Sell to Open "DVN 03/15/2024 50.00 P" (Schwab's readable form): the same contract
    assert isinstance(sto, TradeExecuted) and sto.instrument == put.option
    expired = events[7]
    assert isinstance(expired, OptionExpired) and expired.time == datetime(2024, 4, 19, 23, 59, 59)
    assert expired.quantity == 1  # written "-1"
    qqq = events[8]
    assert isinstance(qqq, TradeExecuted) and qqq.instrument.name == "QQQ   240430C00432000"


def test_post_merge_income_kinds() -> None:
    events = by_line(NEW)
    for line, symbol, amount in [
        (9, "ICLN", "2.11"),  # Pr Yr Special Div
        (12, "SWPPX", "1.87"),  # Short Term Cap Gain Reinvest
        (13, "SWPPX", "12.44"),  # Long Term Cap Gain Reinvest
        (15, "VNQ", "4.17"),  # Pr Yr Div Reinvest
        (16, "ARCC", "16.00"),  # Special Non Qual Div
        (20, "CALM", "45.50"),  # Special Dividend
    ]:
        event = events[line]
        assert isinstance(event, CashMoved), line
        assert (event.kind, event.symbol, event.amount) == (CashKind.DIVIDEND, symbol, Decimal(amount)), line


def test_nra_tax_adjustment_is_tax_withheld_from_interest(tmp_path: Path) -> None:
    # KapJI/capital-gains-calculator tests/schwab/data/interest_tax/transactions.csv, as published:
    # unquoted, Price before Quantity, the debit written `$-0.88`.
    header = "Date,Action,Symbol,Description,Price,Quantity,Fees & Comm,Amount\n"
    body = (
        "06/27/2024,NRA Tax Adj,,SCHWAB1 INT 05/30-06/26,,,,$-0.88\n"
        "06/27/2024,Credit Interest,,SCHWAB1 INT 05/30-06/26,,,,$2.94\n"
    )
    result = schwab.parse(write(tmp_path, body, header=header))
    assert result.errors == []
    assert [(e.kind, e.symbol, e.amount) for e in result.events if isinstance(e, CashMoved)] == [
        (CashKind.TAX, None, Decimal("-0.88")),  # tax withheld: neither income nor a trading fee
        (CashKind.INTEREST, None, Decimal("2.94")),
    ]


def test_account_is_the_argument_else_default_never_the_file_name() -> None:
    assert {e.account for e in schwab.parse(NEW, None).events} == {"default"}
    assert {e.account for e in schwab.parse(NEW, "Schwab IRA").events} == {"Schwab IRA"}
    assert {e.account for e in schwab.parse(OLD, None).events} == {"default"}  # not the title's name


# -- keys -----------------------------------------------------------------------------------------


def test_the_same_row_in_an_old_and_a_new_layout_has_the_same_key(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_bytes(
        b'"Transactions  for account Individual XXXX-1234 as of 11/15/2020 18:00:21 ET"\r\n'
        b'"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount",\r\n'
        b'"11/05/2020","Sell","FB","FACEBOOK INC CLASS A","1000","$261.50","$6.06","$261493.94",\r\n'
        b'"Transactions Total","","","","","","","$261493.94",\r\n'
    )
    new = write(
        tmp_path,
        '"11/05/2020","Sell","FB","FACEBOOK, INC.","1,000","$261.50","$6.06","$261,493.94"\n',
        header='"Date","Action","Symbol","Description","Price","Quantity","Fees & Comm","Amount"\n'.replace(
            '"Price","Quantity"', '"Quantity","Price"'
        ),
    )
    (a,), (b,) = schwab.parse(old).events, schwab.parse(new).events
    assert a.key == b.key and a.key.startswith("row:")
    assert schwab.parse(old, "other").events[0].key != a.key  # the account is part of the key


def test_two_identical_fills_stay_two_facts(tmp_path: Path) -> None:
    row = '"06/03/2024","Sell to Open","DVN 06/21/2024 48.00 P","PUT DEVON","1","$0.90","$0.66","$89.34"\n'
    events = schwab.parse(write(tmp_path, row + row)).events
    assert len(events) == 2 and events[0].key != events[1].key


def test_columns_are_mapped_by_name(tmp_path: Path) -> None:
    swapped = '"Date","Action","Symbol","Description","Price","Quantity","Fees & Comm","Amount"\n'
    path = write(
        tmp_path, '"03/01/2024","Buy","DVN","DEVON ENERGY CORP","$50.00","100","","-$5,000.00"\n', swapped
    )
    (event,) = schwab.parse(path).events
    assert isinstance(event, TradeExecuted) and (event.quantity, event.price) == (100, 50)
    spaced = '"Date","Action","Symbol","Description","Quantity","Price","Fees  &  Comm","Amount"\n'
    path = write(tmp_path, '"03/01/2024","Buy","DVN","DEVON","100","$50.00","$0.01","-$5,000.01"\n', spaced)
    (event,) = schwab.parse(path).events
    assert isinstance(event, TradeExecuted) and event.fees == Decimal("0.01")


def test_a_split_is_applied_when_the_description_states_the_ratio(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '"06/26/2024","Stock Split","CMG","CHIPOTLE MEXICAN GRILL 50 FOR 1 FORWARD SPLIT","4900","","",""\n'
        '"02/20/2024","Reverse Split","MULN","MULLEN AUTOMOTIVE 1 FOR 100 REVERSE SPLIT","-990","","",""\n',
    )
    result = schwab.parse(path)
    assert result.errors == []
    forward, reverse = result.events
    assert isinstance(forward, SplitApplied) and (forward.symbol, forward.new, forward.old) == ("CMG", 50, 1)
    assert isinstance(reverse, SplitApplied) and (reverse.symbol, reverse.new, reverse.old) == (
        "MULN",
        1,
        100,
    )


# -- errors ---------------------------------------------------------------------------------------


def errors(tmp_path: Path, body: str) -> list[str]:
    return [str(p) for p in schwab.parse(write(tmp_path, body, name="export.csv")).errors]


def test_an_unknown_action_naming_a_security_is_kept_unresolved(tmp_path: Path) -> None:
    body = (
        '"03/26/2024","Cash Merger","XYZ","XYZ CORP","","","","$1,000.00"\n'
        '"03/26/2024","Cash Merger Adj","XYZ","XYZ CORP","-100","","",""\n'
    )
    result = schwab.parse(write(tmp_path, body, name="export.csv"))
    assert result.errors == []
    kept = [e for e in result.events if isinstance(e, Unresolved)]
    assert [(e.amount, e.symbols, e.reason) for e in kept] == [
        (Decimal("1000.00"), ("XYZ",), "an action tj does not know (Cash Merger)"),
        (Decimal(0), ("XYZ",), "an action tj does not know (Cash Merger Adj)"),
    ]
    assert len(result.events) == 2
    assert kept[0].raw == '03/26/2024,Cash Merger,XYZ,XYZ CORP,,,,"$1,000.00"'
    assert result.booked == {"default": Decimal("1000.00")}


def test_cash_rows_of_any_description_are_cash(tmp_path: Path) -> None:
    body = (
        '"05/26/2017 as of 05/24/2017","Schwab ATM Rebate","","SCHWAB ATM REBATE","","","","$2.50"\n'
        '"05/26/2017 as of 05/24/2017","ATM Withdrawal","","ATM","","","","-$22.50"\n'
        '"06/17/2018","Security Transfer","NO NUMBER","ACAT","","","","-$200.00"\n'
        '"06/18/2018","Quarterly Sweep Bonus","","","","","","$1.10"\n'
    )
    result = schwab.parse(write(tmp_path, body, name="export.csv"))
    assert result.errors == []
    assert [(e.kind, e.amount, e.description) for e in result.events if isinstance(e, CashMoved)] == [
        (CashKind.FEE, Decimal("2.50"), "Schwab ATM Rebate"),
        (CashKind.WITHDRAW, Decimal("-22.50"), "ATM Withdrawal"),
        (CashKind.WITHDRAW, Decimal("-200.00"), "Security Transfer"),
        (CashKind.OTHER, Decimal("1.10"), "Quarterly Sweep Bonus"),
    ]
    assert [str(w) for w in result.warnings] == [
        "export.csv:5: Action: cash row of an unknown description: recorded as OTHER cash "
        "(got 'Quarterly Sweep Bonus')"
    ]


def test_the_brokers_cash_is_the_truth_within_the_tolerance(tmp_path: Path) -> None:
    body = (
        # 100 × 50 + 0.66 = 5,000.66; the broker booked 5,000.70: fees 0.70, with a warning
        '"03/01/2024","Buy","DVN","DEVON","100","$50.00","$0.66","-$5,000.70"\n'
        # 100 × 50 = 5,000 but 4,000 booked: beyond max($1, 1%): something else moved the cash
        '"03/02/2024","Sell","DVN","DEVON","100","$50.00","","$4,000.00"\n'
        # 2.3333 × 3 = 6.9999: a rounded price, booked silently
        '"03/03/2024","Buy","KO","COCA COLA","3","$2.3333","","-$7.00"\n'
    )
    result = schwab.parse(write(tmp_path, body, name="export.csv"))
    buy, sale, small = result.events
    assert isinstance(buy, TradeExecuted) and buy.fees == Decimal("0.70")
    assert isinstance(sale, Unresolved) and sale.amount == Decimal("4000.00")
    assert isinstance(small, TradeExecuted) and small.fees == Decimal("0.0001")
    assert [str(w) for w in result.warnings] == [
        "export.csv:2: Amount: the broker booked -5000.70: cost or proceeds taken from it, fees adjusted by "
        "0.04 (got '-5000.70')"
    ]


def test_bad_amount_price_quantity_and_date(tmp_path: Path) -> None:
    body = (
        '"05/28/2024","Credit Interest","","SCHWAB1 INT","","","","$4.0x6"\n'
        '"13/45/2024","Buy","DVN","DEVON ENERGY CORP","100","$50.00","","-$5,000.00"\n'
        '"05/28/2024 as of 05/40/2024","Credit Interest","","SCHWAB1 INT","","","","$4.06"\n'
        '"03/01/2024","Buy","DVN","DEVON ENERGY CORP","1OO","$50.00","","-$5,000.00"\n'
        '"03/01/2024","Buy","DVN","DEVON ENERGY CORP","100","$5O.00","","-$5,000.00"\n'
        '"03/01/2024","Buy","DVN","DEVON ENERGY CORP","100","$50.00","-$1.00","-$5,000.00"\n'
    )
    assert errors(tmp_path, body) == [
        "export.csv:2: Amount: not an amount (got '$4.0x6')",
        "export.csv:3: Date: not a date (MM/DD/YYYY or MM/DD/YYYY as of MM/DD/YYYY) (got '13/45/2024')",
        "export.csv:4: Date: not a date (MM/DD/YYYY or MM/DD/YYYY as of MM/DD/YYYY) "
        "(got '05/28/2024 as of 05/40/2024')",
        "export.csv:5: Quantity: not a number (got '1OO')",
        "export.csv:6: Price: not an amount (got '$5O.00')",
        "export.csv:7: Fees & Comm: must not be negative (got '-1.00')",
    ]


def test_option_rows_that_do_not_add_up(tmp_path: Path) -> None:
    body = (
        # an assignment whose stock row is not in the export
        '"05/20/2024 as of 05/17/2024","Assigned","DVN 05/17/2024 52.00 C","CALL DEVON","1","","",""\n'
        # a stock row at another price is no assignment leg
        '"03/18/2024 as of 03/15/2024","Assigned","DVN 03/15/2024 50.00 P","PUT DEVON","1","","",""\n'
        '"03/18/2024","Buy","DVN","DEVON ENERGY CORP","100","$50.50","","-$5,050.00"\n'
        # an expiry posted before the expiration
        '"04/18/2024","Expired","DVN 04/19/2024 55.00 C","CALL DEVON","1","","",""\n'
        '"04/22/2024","Expired","DVN 04/19/2024 55.00 C","CALL DEVON","1","$1.00","","$100.00"\n'
        '"04/22/2024","Sell to Open","DVN","DEVON ENERGY CORP","1","$1.20","$0.66","$119.34"\n'
        '"04/22/2024","Buy","DVN 05/17/2024 52.00 C","CALL DEVON","1","$1.20","$0.66","-$120.66"\n'
        '"04/22/2024","Sell to Open","DVN 05/17/2024 52.00 C","CALL DEVON","","$1.20","$0.66","$119.34"\n'
    )
    result = schwab.parse(write(tmp_path, body, name="export.csv"))
    # Read but not understood: kept (the assignments without their stock rows, the expiry that moved cash).
    assert [
        (e.source.line if e.source else 0, e.reason) for e in result.events if isinstance(e, Unresolved)
    ] == [
        (
            2,
            "no stock row for it in this file: expected a Sell of 100 DVN at 52 dated 2024-05-17 to "
            "2024-05-22 (export a period that includes it)",
        ),
        (
            3,
            "no stock row for it in this file: expected a Buy of 100 DVN at 50 dated 2024-03-15 to "
            "2024-03-20 (export a period that includes it)",
        ),
        (6, "Expired of an option that moved cash: a cash-settled option"),
    ]
    assert errors(tmp_path, body) == [
        "export.csv:5: Date: before the option's expiration 2024-04-19 (got '04/18/2024')",
        "export.csv:7: Symbol: not an option symbol (a stock: its action would be Buy or Sell) (got 'DVN')",
        "export.csv:8: Symbol: not a stock symbol (an option: its action would be Buy to Open, Sell to "
        "Close...) (got 'DVN 05/17/2024 52.00 C')",
        "export.csv:9: Quantity: missing: Sell to Open needs a quantity",
    ]


def test_broken_files(tmp_path: Path) -> None:
    assert errors(tmp_path, '"03/01/2024","Buy","DVN"\n') == ["export.csv:2: 3 fields where the header has 8"]
    assert errors(tmp_path, '"03/01/2024","Buy","DVN","D","1","$1","","-$1","junk"\n') == [
        "export.csv:2: a value past the last column (9 fields) (got 'junk')"
    ]
    path = tmp_path / "bad.csv"
    path.write_bytes(b'"Date","Action"\n')
    assert [str(p) for p in schwab.parse(path).errors] == [
        "bad.csv:1: no Schwab header line (date, action, symbol, description, quantity, price, fees & comm, "
        "amount)"
    ]
    path.write_bytes(HEADER.encode() + b'"03/01/2024","Buy","\xff"\n')
    assert [str(p) for p in schwab.parse(path).errors] == ["bad.csv:2: not UTF-8 text (byte 101)"]


def test_a_file_with_errors_writes_nothing(journal: Journal, tmp_path: Path, registered: None) -> None:
    good = NEW
    bad = write(
        tmp_path,
        '"05/28/2024","Credit Interest","","SCHWAB1 INT","","","","$4.0x6"\n'
        '"03/26/2024","Cash Merger","XYZ","XYZ CORP","","","","$1,000.00"\n',
        name="export.csv",
    )
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([good, bad])
    assert [str(p) for p in failed.value.problems] == ["export.csv:2: Amount: not an amount (got '$4.0x6')"]
    # --strict refuses what is read but not understood, and writes nothing either.
    with pytest.raises(ImportFailed) as strict:
        journal.import_files([CORPORATE], strict=True)
    assert str(strict.value.problems[0]) == (
        "corporate_actions_2024.csv:2: not understood: a split that gives the shares added or removed "
        "(900 shares), not the ratio: resolve it with a journal-CSV SPLIT row "
        "(2024-06-10,SPLIT,NVDA,new:old) "
        "(--strict refuses it)"
    )
    assert journal.store.count() == 0
    [done] = journal.import_files([CORPORATE])
    assert (done.events_added, done.unresolved) == (11, 6)


# -- fuzzing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FORMATS, ids=lambda p: p.name)
@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_files_give_errors_with_a_place_never_a_crash(
    tmp_path_factory, fixture: Path, seed: int
) -> None:
    fuzz_once(schwab, fixture, tmp_path_factory.mktemp("fuzz"), seed)


# -- end to end -----------------------------------------------------------------------------------


def test_a_wheel_end_to_end(journal: Journal, registered: None) -> None:
    """individual_2024.csv: DVN 50 put sold 03/01 @ 1.50 and assigned 03/15 (shares bought at 50, the Buy row
    posted 03/18); 55 call sold 03/18 @ 1.00, expired 04/19; 52 call sold 04/22 @ 1.20, assigned 05/17 (shares
    sold at 52, SEC fee 0.04). Every option row's fees 0.66."""
    (first,) = journal.import_files([NEW])  # detected by content
    assert (first.format, first.events_added, first.duplicates) == ("schwab-csv", 19, 0)
    (again,) = journal.import_files([NEW])
    assert (again.events_added, again.duplicates) == (0, 19)

    dvn = [r for r in journal.realized(2024) if r.instrument.underlying == "DVN"]
    rows = [
        (r.instrument.name, r.quantity, r.opened, r.closed, r.proceeds, r.cost_basis, r.gain, r.term)
        for r in dvn
    ]
    assert rows == [
        # the 55 call expired: premium 100 − 0.66
        (
            "DVN   240419C00055000",
            1,
            d(2024, 3, 18),
            d(2024, 4, 19),
            Decimal("99.34"),
            0,
            Decimal("99.34"),
            "short",
        ),
        # shares: basis 5000 − 150 + 0.66 = 4850.66; proceeds 5200 + 120 − 0.66 − 0.04 = 5319.30
        (
            "DVN",
            100,
            d(2024, 3, 15),
            d(2024, 5, 17),
            Decimal("5319.30"),
            Decimal("4850.66"),
            Decimal("468.64"),
            "short",
        ),
    ]
    (cycle,) = journal.cycles(underlying="DVN")
    assert (cycle.opened, cycle.closed, cycle.status) == (d(2024, 3, 1), d(2024, 5, 17), "closed")
    assert cycle.premium_collected == Decimal("370.00")
    assert cycle.fees == Decimal("2.02")  # 3 × 0.66 + 0.04
    assert cycle.net_cash == Decimal("567.98") == Decimal("99.34") + Decimal("468.64")
    assert cycle.shares == 0
    qqq = [r for r in journal.realized(2024) if r.instrument.underlying == "QQQ"]
    assert [(r.proceeds, r.cost_basis, r.gain) for r in qqq] == [
        (Decimal("934.34"), Decimal("780.66"), Decimal("153.68"))
    ]
    # Fractional reinvested shares stay open; no DVN lot is left.
    assert sorted((lot.instrument.name, lot.quantity) for lot in journal.lots()) == [
        ("SWPPX", Decimal("0.1780")),
        ("VNQ", Decimal("0.0487")),
    ]

    # The next export (04/15 to 06/28) repeats six rows, debits written as ($780.66); only June is new:
    # a 48 put sold 06/03 @ 0.90 and bought back 06/14 @ 0.20, and the June interest.
    (later,) = journal.import_files([LATER])
    assert (later.events_added, later.duplicates) == (3, 6)
    cycles = journal.cycles(underlying="DVN")
    assert [(c.opened, c.closed, c.net_cash) for c in cycles] == [
        (d(2024, 3, 1), d(2024, 5, 17), Decimal("567.98")),
        (d(2024, 6, 3), d(2024, 6, 14), Decimal("68.68")),
    ]
    june = [r for r in journal.realized(2024) if r.closed >= d(2024, 6, 1)]
    # proceeds 90 − 0.66, cost 20 + 0.66
    assert [(r.instrument.name, r.opened, r.closed, r.proceeds, r.cost_basis, r.gain) for r in june] == [
        (
            "DVN   240621P00048000",
            d(2024, 6, 3),
            d(2024, 6, 14),
            Decimal("89.34"),
            Decimal("20.66"),
            Decimal("68.68"),
        )
    ]
    assert len(journal.events()) == 22


def d(year: int, month: int, day: int):
    return datetime(year, month, day).date()


REAL = FIXTURES / "schwab" / "real"


@pytest.mark.parametrize(
    ("name", "events", "unresolved"),
    [
        ("bankroll_schwab_transactions.csv", 36, 0),  # the T-bill bought, and redeemed over two rows: a sale
        ("schwab_csv_brokerage_XX876_Transactions_20220731.csv", 11, 0),
        # A split, a reverse split's two rows and a stock dividend without their ratio, a spin-off without
        # its parent and allocation; the merger, name change and conversion pairs are one event each.
        ("ghostfolio-schwab-export.csv", 116, 5),
    ],
)
def test_real_exports_import_whole_and_their_cash_adds_up(name: str, events: int, unresolved: int) -> None:
    result = check_golden(schwab, REAL / name)
    assert result["errors"] == []
    assert len(result["events"]) == events
    assert sum(e["type"] == "Unresolved" for e in result["events"]) == unresolved
    parsed = schwab.parse(REAL / name)
    assert cash_check(name, parsed) == []
