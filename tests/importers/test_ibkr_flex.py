"""The IBKR Flex Query XML importer: every section read exactly, every bad row named by file, line and
attribute, and a wheel imported end to end on SQLite and PostgreSQL."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

import importers
from importers import ibkr_flex
from journal.api import ImportFailed, Journal
from journal.events import (
    CashKind,
    CashMoved,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    PositionReported,
    SecurityTransferred,
    SplitApplied,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from tests.importers.golden import FIXTURES

FOLDER = FIXTURES / "ibkr_flex"
D = Decimal


def parse(name: str):
    result = ibkr_flex.parse(FOLDER / name)
    assert result.errors == []
    return result.events


def trades(events, account: str | None = None) -> list[tuple[str, str, Decimal, Decimal, Decimal]]:
    return [
        (e.action.value, e.instrument.name, e.quantity, e.price, e.fees)
        for e in events
        if isinstance(e, TradeExecuted) and (account is None or e.account == account)
    ]


# -- the fixtures, by hand -------------------------------------------------------------------------


def test_two_statements_two_accounts_the_wheel_account() -> None:
    events = [e for e in parse("two_accounts.xml") if e.account == "U1234567"]
    assert trades(events) == [
        ("STO", "KO    240315P00058000", 1, D("1.50"), D("0.65")),
        ("STO", "KO    240419C00062000", 1, D("1.00"), D("0.65")),
        ("STO", "KO    240517C00060000", 1, D("1.20"), D("0.65")),
        # two partial fills of one order stay two fills, with the order id; the <Order> row is not read
        ("STO", "KO    240621P00059000", 1, D("0.85"), D("0.65")),
        ("STO", "KO    240621P00059000", 1, D("0.85"), D("0.65")),
        ("BTC", "KO    240621P00059000", 2, D("0.40"), D("1.30")),  # the <Lot> of this close is not read
        ("STO", "KO    240719P00058000", 2, D("0.95"), D("1.30")),
    ]
    fills = [e for e in events if isinstance(e, TradeExecuted)]
    assert [f.order_id for f in fills][3:5] == ["601001020", "601001020"]
    assert fills[0].time == datetime(2024, 3, 1, 9, 45, 12) and fills[0].broker_id == "25101000001"
    # the put assigned: option row + stock row (same positionActionID) are ONE event, at the option's time;
    # the OptionEAE rows saying the same are not read again
    ends = [e for e in events if isinstance(e, OptionAssigned | OptionExpired | OptionExercised)]
    assert [(type(e).__name__, e.option.name, e.quantity, e.fees, e.time) for e in ends] == [
        ("OptionAssigned", "KO    240315P00058000", 1, 0, datetime(2024, 3, 15, 16, 20)),
        ("OptionExpired", "KO    240419C00062000", 1, 0, datetime(2024, 4, 19, 23, 59, 59)),
        ("OptionAssigned", "KO    240517C00060000", 1, 0, datetime(2024, 5, 17, 16, 20)),
    ]
    cash = [(e.kind, e.amount, e.symbol, e.time) for e in events if isinstance(e, CashMoved)]
    assert cash == [
        (CashKind.DEPOSIT, D("50000"), None, datetime(2024, 1, 2, 10, 15)),
        # the dividend's SUMMARY copy (accountId="-", no transactionID) is not read
        (CashKind.DIVIDEND, D("48.5"), "KO", datetime(2024, 4, 1, 20, 20)),
        (CashKind.FEE, D("-1.5"), None, datetime(2024, 6, 3, 20, 20)),
        (CashKind.INTEREST, D("3.21"), None, datetime(2024, 6, 5, 20, 20)),
        (CashKind.WITHDRAW, D("-1000"), None, datetime(2024, 6, 20, 13, 45, 1)),
    ]
    (position,) = [e for e in events if isinstance(e, PositionReported)]
    assert (position.instrument.name, position.quantity, position.time) == (
        "KO    240719P00058000",
        -2,
        datetime(2024, 6, 28, 23, 59, 59),
    )
    assert [e.source.line for e in events if e.source][:3] == [6, 7, 9]  # the Trade elements' own lines


def test_two_statements_two_accounts_the_trading_account() -> None:
    events = [e for e in parse("two_accounts.xml") if e.account == "U7654321"]
    assert trades(events) == [
        ("BUY", "AAPL", 100, D("185.20"), 1),
        ("BTO", "AAPL  240216C00180000", 1, D("6.10"), D("0.65")),
        ("BTO", "MSFT  240315P00400000", 1, D("5.00"), D("0.65")),
        # C;O: sold 3 while long 1 (OpenPositions 0 at the end, less the later buy of 2): close 1, open 2,
        # the 1.95 of fees split 1:2
        ("STC", "MSFT  240315P00400000", 1, D("6.20"), D("0.65")),
        ("STO", "MSFT  240315P00400000", 2, D("6.20"), D("1.30")),
        ("BTC", "MSFT  240315P00400000", 2, D("1.10"), D("1.30")),
        # the cancelled fill and its cancellation are both dropped; the correction stands
        ("BUY", "F", 10, D("12.03"), 1),
        ("BUY", "NVDA", 10, D("950.00"), 1),
        # openCloseIndicator "-": OpenPositions holds 1 at the end and nothing trades after: it opened
        ("BTO", "SPY   240719C00550000", 1, D("2.15"), D("0.65")),
    ]
    split = [e for e in events if isinstance(e, TradeExecuted) and e.broker_id and ":" in e.broker_id]
    assert [e.broker_id for e in split] == ["25102000006:close", "25102000006:open"]
    (exercise,) = [e for e in events if isinstance(e, OptionExercised)]
    assert (exercise.option.name, exercise.quantity, exercise.fees) == ("AAPL  240216C00180000", 1, D("0.35"))
    cash = [(e.kind, e.amount, e.symbol) for e in events if isinstance(e, CashMoved)]
    assert cash == [
        (CashKind.DEPOSIT, D("40000"), None),
        (CashKind.DIVIDEND, D("24"), "AAPL"),  # Payment In Lieu Of Dividends
        (CashKind.TAX, D("-7.2"), "AAPL"),  # Withholding Tax on it: tax withheld, of its symbol
        (CashKind.FEE, D("0.12"), "MSFT"),  # Commission Adjustments naming an option: its underlying
        (CashKind.INTEREST, D("-12.37"), None),  # Broker Interest Paid
        (CashKind.TAX, D("-0.64"), None),  # Withholding Tax on interest (no symbol)
        (CashKind.INTEREST, D("112.5"), None),  # Bond Interest Received: the bond is no underlying
    ]
    (split_event,) = [e for e in events if isinstance(e, SplitApplied)]
    assert (split_event.symbol, split_event.new, split_event.old, split_event.time) == (
        "NVDA",
        10,
        1,
        datetime(2024, 6, 7, 20, 25),
    )
    positions = {e.instrument.name: e.quantity for e in events if isinstance(e, PositionReported)}
    assert positions == {"AAPL": 200, "F": 10, "NVDA": 100, "SPY   240719C00550000": 1}  # the bond: not


def test_trade_confirmation_flex() -> None:
    events = parse("trade_confirms.xml")
    assert {e.account for e in events} == {"U2468135"}
    assert trades(events) == [
        ("BUY", "MSTR", 3400, D("338.10"), 17),
        ("STO", "MSTR  251017C00290000", 20, D("52.30"), 13),  # code "O;P"
        ("STO", "MSTR  251017C00290000", 14, D("52.30"), D("9.1")),
        ("BTO", "MSTR  251017P00250000", 2, D("1.05"), D("1.3")),
        ("STO", "MSTR  251121P00250000", 2, D("9.85"), D("1.3")),
        ("BTC", "MSTR  251121P00250000", 2, D("4.10"), D("1.3")),
    ]
    ends = [(type(e).__name__, e.option.name, e.quantity, e.time) for e in events if hasattr(e, "option")]
    assert ends == [
        ("OptionExpired", "MSTR  251017P00250000", 2, datetime(2025, 10, 17, 23, 59, 59)),  # code "C;Ep"
        # the public export's assignment: 34 calls, and -3400 shares at 290 (found by shares, strike, day)
        ("OptionAssigned", "MSTR  251017C00290000", 34, datetime(2025, 10, 17, 16, 20)),
    ]
    first = events[0]
    assert first.broker_id == "0000f1a2.68dd3a11.01.01" and first.time == datetime(2025, 10, 1, 9, 45, 3)


def test_option_eae_is_the_source_when_the_statement_has_no_trades() -> None:
    events = parse("option_eae_only.xml")
    ends = [
        (type(e).__name__, e.option.name, e.quantity, e.fees, e.time) for e in events if hasattr(e, "option")
    ]
    assert ends == [
        ("OptionAssigned", "PLTR  210319P00025000", 1, 0, datetime(2021, 3, 19)),
        (
            "OptionExercised",
            "AMD   210319C00075000",
            1,
            D("0.35"),
            datetime(2021, 3, 19),
        ),  # its Buy row's fee
        ("OptionExpired", "PLTR  210319C00030000", 2, 0, datetime(2021, 3, 19, 23, 59, 59)),
    ]
    cash = [(e.kind, e.amount, e.time) for e in events if isinstance(e, CashMoved)]
    assert cash == [
        (CashKind.DEPOSIT, D("10000"), datetime(2021, 3, 1, 9, 30, 12)),  # "Deposits & Withdrawals"
        (CashKind.FEE, D("-25"), datetime(2021, 7, 1, 18, 0)),  # "Fees"
    ]
    # a reverse split written as a removal and an addition row: one split
    (split,) = [e for e in events if isinstance(e, SplitApplied)]
    assert (split.symbol, split.new, split.old, split.broker_id) == ("GE", 1, 8, "action:141000001")


def test_a_query_without_open_close_and_notes() -> None:
    events = parse("minimal_attributes.xml")
    assert trades(events) == [
        ("STO", "SOFI  260116P00015000", 3, D("0.62"), D("1.95")),  # opening: nothing held before it
        ("STO", "SOFI  260220C00016000", 3, D("0.45"), D("1.95")),
    ]
    ends = [(type(e).__name__, e.option.name, e.quantity) for e in events if hasattr(e, "option")]
    assert ends == [  # the BookTrades classified by their OptionEAE rows
        ("OptionAssigned", "SOFI  260116P00015000", 3),
        ("OptionExpired", "SOFI  260220C00016000", 3),
    ]


def test_the_overlapping_export_has_the_same_keys_for_the_same_rows() -> None:
    first = {e.broker_id: e.key for e in parse("two_accounts.xml") if e.broker_id}
    later = {e.broker_id: e.key for e in parse("later_overlap.xml") if e.broker_id}
    shared = set(first) & set(later)
    assert shared == {f"251010000{n:02d}" for n in (9, 10, 11, 12)} | {f"2510000000{n}" for n in (3, 4, 5)}
    assert all(first[i] == later[i] for i in shared)


# -- inline statements -----------------------------------------------------------------------------

TRADE = {
    "accountId": "U1111111",
    "currency": "USD",
    "assetCategory": "OPT",
    "symbol": "KO    240315P00058000",
    "underlyingSymbol": "KO",
    "multiplier": "100",
    "strike": "58",
    "expiry": "20240315",
    "putCall": "P",
    "tradeID": "7001",
    "transactionID": "101",
    "dateTime": "20240301;094512",
    "tradeDate": "20240301",
    "transactionType": "ExchTrade",
    "buySell": "SELL",
    "quantity": "-1",
    "tradePrice": "1.50",
    "ibCommission": "-0.65",
    "openCloseIndicator": "O",
    "notes": "",
    "ibOrderID": "9001",
}
STOCK = {
    **TRADE,
    "assetCategory": "STK",
    "symbol": "KO",
    "multiplier": "1",
    "strike": "",
    "expiry": "",
    "putCall": "",
}


def element(tag: str, attrs: dict[str, str], drop: tuple[str, ...] = (), /, **changes: str) -> str:
    merged = {**attrs, **changes}
    text = " ".join(f"{k}={quoteattr(v)}" for k, v in merged.items() if k not in drop)
    return f"<{tag} {text} />"


def trade(drop: tuple[str, ...] = (), **changes: str) -> str:
    return element("Trade", TRADE, drop, **changes)


def stock(drop: tuple[str, ...] = (), **changes: str) -> str:
    return element("Trade", STOCK, drop, **changes)


def cash(**changes: str) -> str:
    base = {
        "accountId": "U1111111",
        "currency": "USD",
        "symbol": "",
        "description": "USD CREDIT INT FOR MAY-2024",
        "dateTime": "20240605;202000",
        "amount": "3.21",
        "type": "Broker Interest Received",
        "transactionID": "501",
        "levelOfDetail": "DETAIL",
    }
    return element("CashTransaction", base, **changes)


def flex(
    tmp_path: Path,
    *sections: str,
    query_type: str = "AF",
    statement: str = 'accountId="U1111111" fromDate="20240101" toDate="20240628"',
) -> Path:
    """A one-statement file: line 1 FlexQueryResponse, 2 FlexStatements, 3 FlexStatement, sections from 4."""
    path = tmp_path / "flex.xml"
    path.write_text(
        f'<FlexQueryResponse queryName="t" type="{query_type}">\n<FlexStatements count="1">\n'
        f"<FlexStatement {statement}>\n"
        + "".join(s + "\n" for s in sections)
        + "</FlexStatement>\n</FlexStatements>\n</FlexQueryResponse>\n"
    )
    return path


def section(tag: str, *rows: str) -> str:
    return f"<{tag}>\n" + "\n".join(rows) + f"\n</{tag}>"  # rows start on the section's line + 1


def read(path: Path, account: str | None = None):
    return ibkr_flex.parse(path, account)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20190212", datetime(2019, 2, 12)),
        ("20190212;031052", datetime(2019, 2, 12, 3, 10, 52)),
        ("2025-10-17;16:20:00", datetime(2025, 10, 17, 16, 20)),
        ("20210312,133036", datetime(2021, 3, 12, 13, 30, 36)),
        ("20260419 144528", datetime(2026, 4, 19, 14, 45, 28)),
        ("2024-01-15T10:00:00", datetime(2024, 1, 15, 10, 0)),
        ("2023-08-03 09:00:00", datetime(2023, 8, 3, 9, 0)),
        ("20250613;202000 EDT", datetime(2025, 6, 13, 20, 20)),
        ("2025-10-17", datetime(2025, 10, 17)),
    ],
)
def test_every_date_format_a_query_can_write(raw: str, expected: datetime) -> None:
    assert ibkr_flex.parse_stamp(raw) == expected


@pytest.mark.parametrize("raw", ["20240230", "2024-13-01", "17/10/2025", "2024-0101", "20240101;250000", ""])
def test_bad_dates_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        ibkr_flex.parse_stamp(raw)


def test_an_option_without_an_osi_symbol_is_built_from_its_parts(tmp_path: Path) -> None:
    result = read(flex(tmp_path, section("Trades", trade(symbol="", multiplier="10"))))
    assert result.errors == []
    (event,) = result.events
    assert (event.instrument.name, event.instrument.multiplier) == ("KO    240315P00058000", 10)


def test_old_trade_date_and_trade_time_attributes(tmp_path: Path) -> None:
    result = read(flex(tmp_path, section("Trades", trade(drop=("dateTime",), tradeTime="162000"))))
    assert result.errors == [] and result.events[0].time == datetime(2024, 3, 1, 16, 20)


def test_unknown_notes_codes_are_ignored_and_accounts_come_from_the_file(tmp_path: Path) -> None:
    path = flex(tmp_path, section("Trades", trade(notes="P;IA;XYZ;AFx", accountId="")))
    result = read(path, account="ignored")
    assert result.errors == []
    (event,) = result.events
    assert (event.account, event.action) == ("U1111111", TradeAction.STO)  # from the statement
    no_account = flex(tmp_path, section("Trades", trade(accountId="")), statement='toDate="20240628"')
    assert read(no_account, account="IRA").events[0].account == "IRA"
    assert read(no_account).events[0].account == "default"


def test_an_option_booktrade_without_notes_is_classified_by_its_stock_row(tmp_path: Path) -> None:
    """No notes, no OptionEAE: the stock row with the same positionActionID makes it an assignment."""
    path = flex(
        tmp_path,
        section(
            "Trades",
            trade(
                transactionType="BookTrade",
                buySell="BUY",
                quantity="1",
                tradePrice="0",
                ibCommission="0",
                openCloseIndicator="C",
                positionActionID="55",
                transactionID="102",
                dateTime="20240315;162000",
            ),
            stock(
                transactionType="BookTrade",
                buySell="BUY",
                quantity="100",
                tradePrice="58",
                ibCommission="-1",
                openCloseIndicator="O",
                positionActionID="55",
                transactionID="103",
                dateTime="20240315;162000",
            ),
        ),
    )
    result = read(path)
    assert result.errors == []
    (event,) = result.events
    assert isinstance(event, OptionAssigned) and (event.quantity, event.fees) == (1, 1)


def test_an_option_end_only_option_eae_holds_is_taken_from_it(tmp_path: Path) -> None:
    """Trades has the sale but not the expiry's BookTrade: the OptionEAE row fills the gap, once."""
    eae = element(
        "OptionEAE",
        {
            "accountId": "U1111111",
            "currency": "USD",
            "assetCategory": "OPT",
            "symbol": "KO    240315P00058000",
            "multiplier": "100",
            "date": "20240315",
            "transactionType": "Expiration",
            "quantity": "1",
            "tradePrice": "0",
            "tradeID": "7009",
        },
    )
    result = read(flex(tmp_path, section("Trades", trade()), section("OptionEAE", eae)))
    assert result.errors == []
    assert [type(e).__name__ for e in result.events] == ["TradeExecuted", "OptionExpired"]
    assert result.events[1].time == datetime(2024, 3, 15, 23, 59, 59)


def test_short_positions_either_way_and_lot_rows(tmp_path: Path) -> None:
    def position(**changes: str) -> str:
        base = {
            "accountId": "U1111111",
            "currency": "USD",
            "assetCategory": "OPT",
            "symbol": "KO    240315P00058000",
            "multiplier": "100",
            "reportDate": "20240628",
            "position": "-2",
            "side": "Short",
            "levelOfDetail": "SUMMARY",
        }
        return element("OpenPosition", base, **changes)

    result = read(flex(tmp_path, section("OpenPositions", position(position="2"))))
    assert [e.quantity for e in result.events] == [-2]
    lots = section(
        "OpenPositions",
        position(assetCategory="STK", symbol="BRK B", position="10", side="Long", levelOfDetail="LOT"),
        position(assetCategory="STK", symbol="BRK B", position="5", side="Long", levelOfDetail="LOT"),
    )
    result = read(flex(tmp_path, lots))
    assert [(e.instrument.name, e.quantity) for e in result.events] == [("BRK.B", 15)]


def test_a_repeated_row_is_one_fact_a_different_row_with_its_id_is_keyed_by_content(tmp_path: Path) -> None:
    same = read(flex(tmp_path, section("Trades", trade(), trade())))
    assert same.errors == [] and len(same.events) == 1
    # Anonymised exports reuse ids (`REDACTED`): the second row is its own fact, keyed by its content.
    other = read(flex(tmp_path, section("Trades", trade(), trade(tradePrice="1.55"))))
    assert other.errors == []
    first, second = other.events
    assert (first.broker_id, second.broker_id) == ("101", None) and first.key != second.key
    assert [str(w) for w in other.warnings] == [
        "flex.xml:6: transactionID: the same id as line 5, with other values: the row is keyed by its "
        "content (got '101')"
    ]


@pytest.mark.parametrize(
    ("kind", "amount", "symbol", "expected"),
    [
        ("Bond Interest Paid", "-8.15", "", (CashKind.INTEREST, D("-8.15"), None)),
        ("Deposits & Withdrawals", "-500", "", (CashKind.WITHDRAW, D("-500"), None)),
        ("Other Fees", "-10", "KO", (CashKind.FEE, D("-10"), "KO")),
        ("Dividends", "-48.5", "KO", (CashKind.DIVIDEND, D("-48.5"), "KO")),  # a reversal stays negative
    ],
)
def test_cash_types(tmp_path: Path, kind: str, amount: str, symbol: str, expected: tuple) -> None:
    result = read(flex(tmp_path, section("CashTransactions", cash(type=kind, amount=amount, symbol=symbol))))
    assert result.errors == []
    (event,) = result.events
    assert (event.kind, event.amount, event.symbol) == expected


def test_cash_summary_rows_alone_are_read(tmp_path: Path) -> None:
    result = read(
        flex(
            tmp_path,
            section("CashTransactions", cash(accountId="-", transactionID="", levelOfDetail="SUMMARY")),
        )
    )
    assert result.errors == [] and [(e.account, e.amount) for e in result.events] == [("U1111111", D("3.21"))]


# -- errors ----------------------------------------------------------------------------------------

TRADES_LINE = 5  # flex(): <Trades> on line 4, its first row on line 5


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (trade(tradePrice="1,5o"), "flex.xml:5: tradePrice: not a number (got '1,5o')"),
        (trade(quantity="-1.2.3"), "flex.xml:5: quantity: not a number (got '-1.2.3')"),
        (
            trade(dateTime="20240230;094512"),
            "flex.xml:5: dateTime: not a date: expected yyyyMMdd or yyyy-MM-dd, "
            "optionally with a time HHmmss or HH:mm:ss after ';', ',', ' ' or 'T' (got '20240230;094512')",
        ),
        (trade(drop=("tradePrice",)), "flex.xml:5: tradePrice: missing attribute: a Trade needs tradePrice"),
        (
            trade(drop=("ibCommission",)),
            "flex.xml:5: ibCommission: missing attribute: a Trade needs ibCommission",
        ),
        (
            trade(drop=("symbol", "underlyingSymbol")),
            "flex.xml:5: symbol: missing attribute: a Trade needs symbol",
        ),
        (
            trade(symbol="KO 15MAR24 58 P", strike=""),
            "flex.xml:5: symbol: not an option symbol (and no "
            "underlyingSymbol, strike, expiry, putCall) (got 'KO 15MAR24 58 P')",
        ),
        (trade(quantity="1"), "flex.xml:5: quantity: the sign disagrees with buySell SELL (got '1')"),
        (trade(quantity="0"), "flex.xml:5: quantity: must not be zero (got '0')"),
        (
            trade(strike="60"),
            "flex.xml:5: strike: disagrees with the symbol 'KO    240315P00058000' (got '60')",
        ),
        (
            trade(openCloseIndicator="-"),
            "flex.xml:5: openCloseIndicator: cannot tell opening from closing without "
            "OpenPositions in the statement (got '-')",
        ),
        (
            trade(drop=("openCloseIndicator",)),
            "flex.xml:5: openCloseIndicator: missing attribute: an option Trade "
            "needs openCloseIndicator (or OpenPositions in the statement)",
        ),
        (
            trade(openCloseIndicator="C;O", quantity="-3"),
            "flex.xml:5: openCloseIndicator: a fill that closes and "
            "opens (C;O) cannot be split without OpenPositions in the statement (got 'C;O')",
        ),
        (
            trade(
                transactionType="BookTrade",
                buySell="BUY",
                quantity="1",
                tradePrice="0",
                openCloseIndicator="C",
            ),
            "flex.xml:5: notes: an option BookTrade without an A, Ex or Ep code: cannot tell an "
            "expiry from an assignment "
            "(add Notes/Codes or the Option Exercises section to the Flex query)",
        ),
    ],
)
def test_a_bad_trade_is_named_by_file_line_and_attribute(tmp_path: Path, row: str, message: str) -> None:
    result = read(flex(tmp_path, section("Trades", row)))
    assert result.events == []
    assert [str(e) for e in result.errors] == [message]


# -- rows read but not modelled: kept unresolved, with the broker's cash ----------------------------


@pytest.mark.parametrize(
    ("row", "reason", "amount", "symbols"),
    [
        (
            trade(buySell="HOLD", netCash="149.35"),
            "a trade whose buySell is 'HOLD': not modelled yet",
            "149.35",
            ("KO",),
        ),
        (
            trade(transactionType="Spinoff", netCash="149.35"),
            "a trade of the kind 'Spinoff': not modelled yet",
            "149.35",
            ("KO",),
        ),
        (
            trade(assetCategory="BOND", symbol="ALLY 3 3/4 11/18/19", underlyingSymbol="", netCash="-2011.5"),
            # No CUSIP or ISIN in the row (bankroll's real TCF export): the journal keys bonds by CUSIP.
            "a bond with no CUSIP in the row (add CUSIP or ISIN to the Flex query): the journal keys bonds "
            "by CUSIP; record it in a journal CSV with `resolves`",
            "-2011.5",
            (),
        ),
        (
            stock(currency="CHF", symbol="NESN", underlyingSymbol="", netCash="-1020.3"),
            # no fxRateToBase on the row and none in the file: no USD rate, so not the account's cash
            "an amount in CHF with no rate to USD: no fxRateToBase on the row (add it to the Flex query); "
            "record it in a journal CSV with its currency and fx_rate",
            "0",  # francs: amount=None (Unresolved's 0), never the account's cash
            ("NESN",),
        ),
        (
            trade(openCloseIndicator="X", netCash="149.35"),
            "an option trade whose openCloseIndicator is 'X': not modelled yet",
            "149.35",
            ("KO",),
        ),
        (
            stock(
                transactionType="BookTrade",
                notes="A",
                buySell="BUY",
                quantity="100",
                tradePrice="58",
                netCash="-5800",
            ),
            "the stock row of an assignment or exercise whose option row is not in this file (a Trade "
            "Confirmation Flex holds one day): not modelled; record the assignment in a journal CSV with "
            "`resolves`",
            "-5800",
            ("KO",),
        ),
        (
            stock(transactionType="BookTrade", quantity="-100", tradePrice="58", netCash="5800"),
            "a stock BookTrade that is no assignment or exercise leg: not modelled yet",
            "5800",
            ("KO",),
        ),
        (
            stock(
                transactionType="TradeCancel",
                buySell="BUY (Ca.)",
                quantity="-10",
                tradePrice="12.05",
                netCash="121.5",
            ),
            "a cancellation of a trade that is not in this file: not modelled yet; void the earlier trade "
            "with a journal-CSV row that `resolves` this one",
            "121.5",
            ("KO",),
        ),
        (
            # An assignment whose stock row is in another file (a Trade Confirmation Flex of another day).
            trade(
                transactionType="BookTrade",
                buySell="BUY",
                quantity="1",
                tradePrice="0",
                openCloseIndicator="C",
                notes="A",
                netCash="0",
            ),
            "an assignment whose stock row is not in this file: not modelled; record the shares in a "
            "journal CSV with `resolves`",
            "0",
            ("KO",),
        ),
    ],
)
def test_a_trade_tj_does_not_model_is_kept_unresolved(
    tmp_path: Path, row: str, reason: str, amount: str, symbols: tuple[str, ...]
) -> None:
    result = read(flex(tmp_path, section("Trades", row)))
    assert result.errors == []
    (event,) = result.events
    assert isinstance(event, Unresolved) and event.source is not None
    assert (event.reason, event.amount, event.symbols, event.source.line) == (reason, D(amount), symbols, 5)
    assert event.raw.startswith("<Trade ") and event.broker_id == "101"
    assert result.booked == {"U1111111": D(amount)}


def test_rows_of_a_euro_account_keep_their_currency_with_the_usd_rate_of_their_day(tmp_path: Path) -> None:
    """A EUR-based statement (AccountInformation): a USD row needs no rate; a EUR row takes EUR->USD =
    fxRateToBase(EUR) / fxRateToBase(USD) of its day (any USD row's); a EUR row of a day with no USD rate
    in the file is kept unresolved, booking no cash."""
    info = '<AccountInformation accountId="U1111111" currency="EUR" />'
    euro = {
        "currency": "EUR",
        "fxRateToBase": "1",
        "symbol": "SAP",
        "buySell": "BUY",
        "quantity": "10",
        "tradePrice": "180",
        "ibCommission": "-3",
        "netCash": "-1803",
    }
    path = flex(
        tmp_path,
        info,
        section(
            "Trades",
            element("Trade", STOCK, **euro),
            stock(
                transactionID="102",
                fxRateToBase="0.92",
                buySell="BUY",
                quantity="10",
                tradePrice="58",
                ibCommission="-1",
                netCash="-581",
            ),
            element(
                "Trade",
                STOCK,
                **{**euro, "transactionID": "103", "dateTime": "20240304;094512", "tradeDate": "20240304"},
            ),
        ),
    )
    result = read(path)
    assert result.errors == []
    bought, dollars, kept = result.events
    assert isinstance(bought, TradeExecuted) and isinstance(dollars, TradeExecuted)
    # 1 / 0.92 = 1.0869565217391... -> ten places
    assert (bought.instrument.name, bought.fees, bought.currency, bought.fx_rate) == (
        "SAP",
        D(3),
        "EUR",
        D("1.0869565217"),
    )
    assert (dollars.instrument.name, dollars.currency, dollars.fx_rate) == ("KO", "", None)
    assert isinstance(kept, Unresolved) and (kept.reason, kept.amount) == (
        "an amount in EUR with no rate to USD: fxRateToBase converts to the statement's base EUR, and the "
        "file gives no USD rate of 2024-03-04 (no ConversionRate from USD nor USD row that day); record it "
        "in a journal CSV with its currency and fx_rate",
        D(0),  # no rate: booked as None, never the account's cash
    )
    assert result.booked == {"U1111111": D(-1803) + D(-581)}


def test_the_broker_s_net_cash_is_the_truth(tmp_path: Path) -> None:
    """netCash a cent off quantity x price - commission: the fees carry the difference, with a warning;
    beyond the tolerance the row is unresolved."""
    off = read(flex(tmp_path, section("Trades", trade(netCash="149.34"))))
    assert off.errors == []
    (sold,) = off.events
    assert isinstance(sold, TradeExecuted) and sold.fees == D("0.66")
    assert [str(w) for w in off.warnings] == [
        "flex.xml:5: netCash: the broker booked 149.34: cost or proceeds taken from it, fees adjusted "
        "by 0.01 (got '149.34')"
    ]
    far = read(flex(tmp_path, section("Trades", trade(netCash="100"))))
    (kept,) = far.events
    assert isinstance(kept, Unresolved) and kept.amount == D(100) and far.warnings == []


def test_a_cash_settled_option_eae_row_alone_is_one_cash_settlement(tmp_path: Path) -> None:
    """OptionEAE "Cash Settlement" of a written KO 58 put (quantity 1 closes the short): proceeds -250 is
    the intrinsic value paid, 250 / (1 x 100) = 2.50 a share below the strike: settlement 55.50."""
    row = element(
        "OptionEAE",
        {
            **{
                k: v
                for k, v in TRADE.items()
                if k not in ("transactionID", "dateTime", "tradeDate", "tradePrice")
            },
            "date": "20240315",
            "transactionType": "Cash Settlement",
            "quantity": "1",
            "proceeds": "-250",
            "commisionsAndTax": "0",
        },
    )
    result = read(flex(tmp_path, section("OptionEAE", row)))
    assert result.errors == []
    (settled,) = result.events
    assert isinstance(settled, OptionCashSettled)
    assert (settled.option.name, settled.quantity, settled.settlement, settled.fees, settled.broker_id) == (
        "KO    240315P00058000",
        1,
        D("55.5"),
        0,
        "eae:7001",
    )
    assert settled.value == D(250) and settled.time == datetime(2024, 3, 15)
    assert result.booked == {"U1111111": D(-250)}


def test_a_fill_that_closes_and_opens_must_agree_with_the_positions(tmp_path: Path) -> None:
    path = flex(
        tmp_path,
        section("Trades", trade(openCloseIndicator="C;O", quantity="-3", ibCommission="-1.95")),
        "<OpenPositions />",
    )
    assert [str(e) for e in read(path).errors] == [
        "flex.xml:5: openCloseIndicator: the fill closes and opens, but OpenPositions leaves 3 held "
        "before it "
        "(got 'C;O')"
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (cash(amount="3.2.1"), "flex.xml:5: amount: not a number (got '3.2.1')"),
        (
            cash(dateTime="05/06/2024"),
            "flex.xml:5: dateTime: not a date: expected yyyyMMdd or yyyy-MM-dd, "
            "optionally with a time HHmmss or HH:mm:ss after ';', ',', ' ' or 'T' (got '05/06/2024')",
        ),
        (
            cash(type="Dividends"),
            "flex.xml:5: symbol: missing attribute: a dividend names the stock that paid it",
        ),
    ],
)
def test_a_bad_cash_row_is_named(tmp_path: Path, row: str, message: str) -> None:
    result = read(flex(tmp_path, section("CashTransactions", row)))
    assert [str(e) for e in result.errors] == [message]


@pytest.mark.parametrize(
    ("row", "kind", "symbol", "warned"),
    [
        (cash(type="Cash Merger", description="XYZ CASH MERGER", symbol="XYZ"), CashKind.OTHER, "XYZ", True),
        (
            cash(type="Price Adjustments", description="PRICE ADJUSTMENT", amount="-3.21"),
            CashKind.OTHER,
            None,
            False,  # "adjustment": OTHER by its words, known
        ),
        (
            cash(type="Broker Fees", description="SNAPSHOT VALUE BUNDLE FEE", amount="-3.21"),
            CashKind.FEE,
            None,
            False,
        ),
    ],
)
def test_a_cash_row_of_an_unknown_type_is_cash_of_its_words(
    tmp_path: Path, row: str, kind: CashKind, symbol: str | None, warned: bool
) -> None:
    result = read(flex(tmp_path, section("CashTransactions", row)))
    assert result.errors == []
    (event,) = result.events
    assert isinstance(event, CashMoved) and (event.kind, event.symbol) == (kind, symbol)
    assert [w.message for w in result.warnings] == (
        ["cash row of an unknown description: recorded as OTHER cash"] if warned else []
    )


def test_a_cash_row_in_another_currency_is_unresolved_with_no_amount(tmp_path: Path) -> None:
    """Ten francs are not ten dollars: the row is kept (its raw cells hold the amount) but books no cash."""
    result = read(flex(tmp_path, section("CashTransactions", cash(currency="CHF", amount="-10"))))
    assert result.errors == []
    (kept,) = result.events
    assert isinstance(kept, Unresolved) and (kept.reason, kept.amount) == (
        "an amount in CHF with no rate to USD: no fxRateToBase on the row (add it to the Flex query); "
        "record it in a journal CSV with its currency and fx_rate",
        D(0),  # booked as None: francs are not the account's dollars
    )
    assert 'amount="-10"' in kept.raw
    assert result.booked == {"U1111111": D(0)}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "type": "TC",
                "actionDescription": "XYZ(US0000000009) MERGED(Acquisition) WITH US0000000010 1 FOR 1",
            },
            # one row adding shares, none removing the old ones: the merger's ratio is not in the file
            "a merger (TC) adding XYZ with no one row removing the old shares: not modelled; record it in "
            "a journal CSV with `resolves`",
        ),
        (
            {"actionDescription": "XYZ(US0000000009) SUBDIVISION (XYZ, XYZ CORP, US0000000009)"},
            "flex.xml:5: actionDescription: no split ratio ('SPLIT n FOR m') in the description "
            "(got 'XYZ(US0000000009) SUBDIVISION (XYZ, XYZ CORP, US0000000009)')",
        ),
    ],
)
def test_corporate_actions_other_than_splits_are_unresolved(
    tmp_path: Path, changes: dict, message: str
) -> None:
    base = {
        "accountId": "U1111111",
        "currency": "USD",
        "assetCategory": "STK",
        "symbol": "XYZ",
        "dateTime": "20240607;202500",
        "actionDescription": "XYZ(US0000000009) SPLIT 3 FOR 2 (XYZ)",
        "quantity": "50",
        "type": "FS",
        "transactionID": "801",
    }
    ok = read(flex(tmp_path, section("CorporateActions", element("CorporateAction", base))))
    assert [(e.symbol, e.new, e.old) for e in ok.events] == [("XYZ", 3, 2)]
    bad = read(flex(tmp_path, section("CorporateActions", element("CorporateAction", base, **changes))))
    if changes.get("type") == "TC":  # read, not modelled: kept with its reason
        assert bad.errors == [] and [(e.reason, e.symbols) for e in bad.events] == [(message, ("XYZ",))]
    else:
        assert [str(e) for e in bad.errors] == [message]


TRANSFER = {
    "accountId": "U1111111",
    "currency": "USD",
    "assetCategory": "STK",
    "symbol": "KO",
    "date": "20240605",
    "type": "ACATS",
    "direction": "IN",
    "quantity": "100",
    "cashTransfer": "0",
    "transactionID": "901",
}


def test_position_transfers_move_shares_without_a_basis(tmp_path: Path) -> None:
    rows = (
        element("Transfer", TRANSFER),
        element("Transfer", TRANSFER, direction="OUT", quantity="-40", transactionID="902"),
        element(
            "Transfer",
            TRANSFER,
            symbol="",
            assetCategory="CASH",
            quantity="0",
            cashTransfer="2500",
            transactionID="903",
        ),
        element("Transfer", TRANSFER, assetCategory="BOND", symbol="T 4 1/2 05/15/27", transactionID="904"),
    )
    result = read(flex(tmp_path, section("Transfers", *rows)))
    assert result.errors == []
    moved_in, moved_out, deposit, bond = result.events
    assert isinstance(moved_in, SecurityTransferred) and isinstance(moved_out, SecurityTransferred)
    assert [(e.instrument.name, e.quantity, e.basis, e.broker_id) for e in (moved_in, moved_out)] == [
        ("KO", 100, None, "901"),
        ("KO", -40, None, "902"),
    ]
    assert isinstance(deposit, CashMoved) and (deposit.kind, deposit.amount) == (CashKind.DEPOSIT, D(2500))
    assert isinstance(bond, Unresolved) and bond.reason == "a bond: only its trades are modelled yet"
    assert result.booked == {"U1111111": D(2500)}


def test_a_statement_of_funds_alone_is_an_error_not_an_empty_import(tmp_path: Path) -> None:
    # A Flex query with only the Statement of Funds section, like gabbersepp/ib-flex-reader
    # IbFlexReader.Tests/XmlFileTest/TestFiles/StatementOfFunds.xml (a real paper-account export).
    line = element(
        "StatementOfFundsLine",
        {
            "accountId": "DU231262",
            "currency": "EUR",
            "assetCategory": "",
            "reportDate": "20180803",
            "date": "20180803",
            "activityCode": "CINT",
            "activityDescription": "USD Credit Interest for Jul-2018",
            "amount": "1041.24207",
            "levelOfDetail": "BaseCurrency",
        },
    )
    result = read(flex(tmp_path, section("StmtFunds", line)))
    assert result.events == []
    assert [str(e) for e in result.errors] == [
        "flex.xml:4: the Statement of Funds section is not supported yet: add the Trades, Option "
        "Exercises/Assignments/Expirations and Cash Transactions sections to the Flex query (got 'StmtFunds')"
    ]
    # Beside the sections that are read, it is the same facts again: not read, no error.
    both = read(flex(tmp_path, section("StmtFunds", line), section("CashTransactions", cash())))
    assert both.errors == [] and len(both.events) == 1
    # An empty Statement of Funds (nothing happened in the period) is no error either.
    assert read(flex(tmp_path, "<StmtFunds />")).errors == []


def test_every_bad_row_is_reported_not_just_the_first(tmp_path: Path) -> None:
    path = flex(
        tmp_path,
        section(
            "Trades",
            trade(buySell=""),  # a sale by its quantity, 5 read: no error
            trade(transactionID="102", quantity="0"),
            trade(transactionID="103", tradePrice="x"),
        ),
    )
    result = read(path)
    assert [e.line for e in result.errors] == [6, 7] and result.events == []


@pytest.mark.parametrize("cut", [40, 200, -30])
def test_a_truncated_file_is_one_problem_where_elementtree_says(tmp_path: Path, cut: int) -> None:
    data = (FOLDER / "two_accounts.xml").read_bytes()[:cut]
    path = tmp_path / "cut.xml"
    path.write_bytes(data)
    with pytest.raises(ET.ParseError) as parse_error:
        ET.fromstring(data)
    line, column = parse_error.value.position
    result = read(path)
    assert result.events == [] and len(result.errors) == 1
    problem = result.errors[0]
    assert (problem.file, problem.line) == ("cut.xml", line)
    assert str(problem).endswith(f"(line {line}, column {column})")
    assert str(problem).startswith(f"cut.xml:{line}: not well-formed XML: ")


def test_what_is_not_a_flex_statement(tmp_path: Path) -> None:
    path = tmp_path / "flex.xml"
    path.write_text("<FlexStatementResponse><Status>Fail</Status></FlexStatementResponse>")
    assert [str(e) for e in read(path).errors] == [
        "flex.xml:1: not a Flex query statement: the root element is not FlexQueryResponse "
        "(got 'FlexStatementResponse')"
    ]
    assert [str(e) for e in read(flex(tmp_path, query_type="XX")).errors] == [
        "flex.xml:1: type: unknown Flex query type (known: AF, TCF) (got 'XX')"
    ]
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<FlexQueryResponse/>')
    (problem,) = read(path).errors
    assert str(problem).startswith("flex.xml:2: not well-formed XML: a DOCTYPE declaration is not allowed")


def test_identify_claims_flex_files_only(tmp_path: Path) -> None:
    for fixture in FOLDER.glob("*.xml"):
        assert ibkr_flex.identify(fixture, fixture.read_text()[:8192])
    others = [
        "date,account,action,symbol,quantity,price,fees,amount,order_id,id,note\n",
        '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n',
        "OFXHEADER:100\nDATA:OFXSGML\n<OFX><INVSTMTMSGSRSV1>",
        "<FlexStatementResponse><Status>Warn</Status></FlexStatementResponse>",
        "Statement,Header,Field Name,Field Value\n",
    ]
    for head in others:
        assert not ibkr_flex.identify(tmp_path / "x", head)


def test_no_other_importer_claims_a_flex_file() -> None:
    for module in importers.IMPORTERS:
        if module is ibkr_flex:
            continue
        for fixture in FOLDER.glob("*.xml"):
            assert not module.identify(fixture, fixture.read_text()[:8192]), (module.name, fixture.name)


# -- through the journal: SQLite and PostgreSQL ----------------------------------------------------


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Content detection with this importer in the registry (importers/__init__.py lists it once merged)."""
    if ibkr_flex not in importers.IMPORTERS:
        monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, ibkr_flex))


def test_a_file_with_an_error_writes_nothing(journal: Journal, registered: None, tmp_path: Path) -> None:
    good = FOLDER / "two_accounts.xml"
    bad = flex(tmp_path, section("Trades", trade(), trade(transactionID="102", tradePrice="abc")))
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([good, bad])
    assert [str(p) for p in failed.value.problems] == ["flex.xml:6: tradePrice: not a number (got 'abc')"]
    assert journal.store.count() == 0


def test_the_wheel_end_to_end(journal: Journal, registered: None) -> None:
    (done,) = journal.import_files([FOLDER / "two_accounts.xml"])
    assert (done.format, done.events_added, done.duplicates) == ("ibkr-flex", 38, 0)
    wheel = "U1234567"
    realized = [
        (r.instrument.name, r.quantity, r.opened, r.closed, r.proceeds, r.cost_basis, r.gain, r.term)
        for r in journal.realized(account=wheel)
    ]
    assert realized == [
        # the covered call expired: the premium less its fee
        (
            "KO    240419C00062000",
            1,
            date(2024, 3, 18),
            date(2024, 4, 19),
            D("99.35"),
            0,
            D("99.35"),
            "short",
        ),
        # shares from the put (5800 - 150 + 0.65) called away at 60 (+ the call's 120 - 0.65)
        ("KO", 100, date(2024, 3, 15), date(2024, 5, 17), D("6119.35"), D("5650.65"), D("468.70"), "short"),
        # two partial fills, bought back together: two lots
        (
            "KO    240621P00059000",
            1,
            date(2024, 6, 3),
            date(2024, 6, 14),
            D("84.35"),
            D("40.65"),
            D("43.70"),
            "short",
        ),
        (
            "KO    240621P00059000",
            1,
            date(2024, 6, 3),
            date(2024, 6, 14),
            D("84.35"),
            D("40.65"),
            D("43.70"),
            "short",
        ),
    ]
    open_lots = [(lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.lots(account=wheel)]
    assert open_lots == [("KO    240719P00058000", -2, D("-188.70"))]
    first, second = journal.cycles(account=wheel)
    assert (
        first.opened,
        first.closed,
        first.premium_collected,
        first.fees,
        first.dividends,
        first.net_cash,
    ) == (
        date(2024, 3, 1),
        date(2024, 5, 17),
        D("370.00"),
        D("1.95"),
        D("48.5"),
        D("616.55"),  # 99.35 + 468.70 realized + 48.50 dividend
    )
    assert (second.status, second.premium_collected, second.premium_paid, second.net_cash) == (
        "open",
        D("360.00"),
        D("80.00"),
        D("276.10"),
    )
    # the other account: the C;O split and the exercise
    msft = [
        (r.quantity, r.proceeds, r.cost_basis, r.gain)
        for r in journal.realized(account="U7654321")
        if r.underlying == "MSFT"
    ]
    assert msft == [
        (1, D("619.35"), D("500.65"), D("118.70")),  # the closing part: 620 - 0.65 against 500 + 0.65
        (2, D("1238.70"), D("221.30"), D("1017.40")),  # the opening part (one row: one lot), bought back
    ]
    aapl = [
        (lot.quantity, lot.cost_basis)
        for lot in journal.lots(account="U7654321")
        if lot.instrument.name == "AAPL"
    ]
    assert aapl == [(100, D("18521.00")), (100, D("18611.00"))]  # 18000 + 610 + 0.65 + 0.35

    # the same file again: nothing new
    (again,) = journal.import_files([FOLDER / "two_accounts.xml"])
    assert (again.events_added, again.duplicates) == (0, 38)
    # the next export repeats June: only the 5 new facts land
    (later,) = journal.import_files([FOLDER / "later_overlap.xml"])
    assert (later.events_added, later.duplicates) == (5, 7)
    assert journal.store.count() == 43
    closed = [(r.instrument.name, r.closed, r.gain) for r in journal.realized(account=wheel)][4:]
    assert closed == [("KO    240719P00058000", date(2024, 7, 19), D("188.70"))]
    lots = [
        (lot.instrument.name, lot.quantity, lot.cost_basis, lot.opened) for lot in journal.lots(account=wheel)
    ]
    assert lots == [("KO", 100, D("5890.65"), date(2024, 8, 16))]  # 6000 - 110 + 0.65
    cycles = journal.cycles(account=wheel)
    assert [(c.opened, c.closed) for c in cycles] == [
        (date(2024, 3, 1), date(2024, 5, 17)),
        (date(2024, 6, 3), date(2024, 7, 19)),
        (date(2024, 7, 22), None),
    ]
    assert cycles[1].net_cash == D("276.10")
    assert (cycles[2].shares, cycles[2].net_cash, cycles[2].break_even) == (100, D("-5890.65"), D("58.9065"))
