"""The journal-CSV importer: every action read exactly, every bad row named by file, line and column."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from importers import journal_csv
from journal.events import (
    CashKind,
    CashMoved,
    OptionAssigned,
    OptionExpired,
    PriceMarked,
    SplitApplied,
    TradeExecuted,
)

HEADER = "date,account,action,symbol,quantity,price,fees,amount,order_id,id,note\n"


def parse(write_csv, body: str, header: str = HEADER, account: str | None = None):
    return journal_csv.parse(write_csv(header + body), account)


def test_every_action_becomes_its_event(write_csv) -> None:
    result = parse(
        write_csv,
        "\n".join(
            [
                "2024-01-02,IRA,STO,AAPL240119P150,1,2.00,0.65,,R1,T1,first put",
                "2024-01-19,IRA,EXPIRE,AAPL  240119P00150000,1,,,,,,",
                "2024-01-22,IRA,ASSIGN,AAPL240119P150,1,,5,,,,",
                "2024-01-23,IRA,BUY,aapl,10,180.5,0,,,,",
                "2024-01-24,IRA,DIVIDEND,AAPL,,,,24.00,,,",
                "2024-01-25,,INTEREST,,,,,1.23,,,",
                "2024-01-26,IRA,FEE,AAPL,,,,-5,,,",
                "2024-01-27T10:30,IRA,DEPOSIT,,,,,1000,,,",
                "2024-01-28,IRA,WITHDRAW,,,,,-100,,,",
                "2024-01-29,IRA,SPLIT,AAPL,4:1,,,,,,",
                "2024-12-31,IRA,MARK,SPXW241231P5000,,12.5,,,,,",
            ]
        )
        + "\n",
        account="BROKER",
    )
    assert result.errors == []
    kinds = [type(e).__name__ for e in result.events]
    assert kinds == [
        "TradeExecuted",
        "OptionExpired",
        "OptionAssigned",
        "TradeExecuted",
        "CashMoved",
        "CashMoved",
        "CashMoved",
        "CashMoved",
        "CashMoved",
        "SplitApplied",
        "PriceMarked",
    ]
    sto = result.events[0]
    assert isinstance(sto, TradeExecuted)
    assert (sto.quantity, sto.price, sto.fees, sto.order_id, sto.broker_id, sto.note) == (
        Decimal(1),
        Decimal("2.00"),
        Decimal("0.65"),
        "R1",
        "T1",
        "first put",
    )
    expire = result.events[1]
    assert isinstance(expire, OptionExpired) and expire.time == datetime(2024, 1, 19, 23, 59, 59)
    assert isinstance(result.events[2], OptionAssigned) and result.events[2].fees == 5
    interest = result.events[5]
    assert isinstance(interest, CashMoved)
    assert (interest.account, interest.kind, interest.amount) == (
        "BROKER",
        CashKind.INTEREST,
        Decimal("1.23"),
    )
    assert result.events[7].time == datetime(2024, 1, 27, 10, 30)
    split = result.events[9]
    assert isinstance(split, SplitApplied) and (split.new, split.old) == (4, 1)
    mark = result.events[10]
    assert isinstance(mark, PriceMarked) and mark.instrument.name == "SPXW  241231P05000000"
    assert [e.source.line for e in result.events] == list(range(2, 13))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2024-01-02,A,SEL,AAPL,1,1,0,,,,", "trades.csv:2: action: unknown action"),
        (
            "2024-02-30,A,BUY,AAPL,1,1,0,,,,",
            "trades.csv:2: date: not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (got '2024-02-30')",
        ),
        ("2024-01-02,A,BUY,AAPL,-1,1,0,,,,", "trades.csv:2: quantity: must be positive (got '-1')"),
        ("2024-01-19T10:30+01,A,BUY,AAPL,1,1,0,,,,", "trades.csv:2: date: not a date: write YYYY-MM-DD or "),
        ("0999-05-05,A,BUY,AAPL,1,1,0,,,,", "trades.csv:2: date: not a date: write YYYY-MM-DD or "),
        ("2024-01-02,A,BUY,AAPL,1,,0,,,,", "trades.csv:2: price: missing: BUY needs a price"),
        (
            "2024-01-02,A,STO,AAPL,1,1,0,,,,",
            "trades.csv:2: symbol: not an option symbol (a stock: use BUY or SELL) (got 'AAPL')",
        ),
        (
            "2024-01-02,A,STO,XX240231P5,1,1,0,,,,",
            "trades.csv:2: symbol: not an option symbol (got 'XX240231P5')",
        ),
        ("2024-01-02,A,BUY,AAPL,1,1,-1,,,,", "trades.csv:2: fees: must not be negative (got '-1')"),
        ("2024-01-02,A,BUY,AAPL,1,abc,0,,,,", "trades.csv:2: price: not a number (got 'abc')"),
        (
            "2024-01-02,A,DIVIDEND,,,,,5,,,",
            "trades.csv:2: symbol: missing: DIVIDEND needs the symbol that paid it",
        ),
        (
            "2024-01-02,A,WITHDRAW,,,,,100,,,",
            "trades.csv:2: amount: a WITHDRAW moves money out: negative amount",
        ),
        ("2024-01-02,A,SPLIT,AAPL,2,,,,,,", "trades.csv:2: quantity: a split ratio is new:old"),
        ("2024-01-10,A,EXPIRE,AAPL240119P150,1,,,,,,", "trades.csv:2: date: before the option's expiration"),
        ("2024-01-02,A,BUY,AAPL,1,1", "trades.csv:2: 6 fields where the header has 11"),
    ],
)
def test_a_bad_row_is_named_by_file_line_and_column(write_csv, row: str, message: str) -> None:
    result = parse(write_csv, row + "\n")
    assert result.events == []
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(message)


def test_unknown_and_missing_columns_are_errors(write_csv) -> None:
    result = parse(write_csv, "2024-01-02,BUY\n", header="Date,Acton\n")
    assert [str(e) for e in result.errors] == [
        "trades.csv:1: Acton: unknown column (known: date, account, action, symbol, quantity, price, fees, "
        "amount, "
        "order_id, id, note, multiplier, lot, lot_method, resolves, basis, acquired, new_symbol, ratio, "
        "cash, allocation, deliverable, currency, fx_rate, settlement, asset, expiry)",
        "trades.csv:1: action: missing required column",
    ]


def test_every_bad_row_is_reported_not_just_the_first(write_csv) -> None:
    result = parse(
        write_csv,
        "2024-01-02,A,SEL,AAPL,1,1,0,,,,\n2024-01-02,A,BUY,AAPL,1,1,0,,,,\nx,A,BUY,AAPL,1,1,0,,,,\n",
    )
    assert [e.line for e in result.errors] == [2, 4]


def test_a_repeated_transaction_id_in_one_file_is_an_error(write_csv) -> None:
    result = parse(write_csv, "2024-01-02,A,BUY,AAPL,1,1,0,,,T1,\n2024-01-03,A,BUY,AAPL,1,1,0,,,T1,\n")
    assert [str(e) for e in result.errors] == ["trades.csv:3: id: the same id as line 2 (got 'T1')"]


def test_identical_rows_are_distinct_facts_with_stable_keys(write_csv) -> None:
    body = "2024-01-02,A,BUY,AAPL,1,1,0,,,,\n2024-01-02,A,BUY,AAPL,1,1,0,,,,\n"
    first = parse(write_csv, body)
    again = parse(write_csv, "2024-01-01,A,BUY,KO,1,1,0,,,,\n" + body)
    keys = [e.key for e in first.events]
    assert len(set(keys)) == 2
    assert [e.key for e in again.events][1:] == keys


def test_columns_are_case_insensitive_in_any_order_with_a_bom(write_csv) -> None:
    result = journal_csv.parse(
        write_csv("\ufeffSymbol,ACTION,Date,Quantity,Price\r\nKO,BUY,2024-01-02,5,60\r\n")
    )
    assert result.errors == []
    assert result.events[0].account == "default"


def test_identify_reads_the_header_only(write_csv) -> None:
    assert journal_csv.identify(write_csv(HEADER), HEADER)
    assert not journal_csv.identify(write_csv("a,b\n"), '"Date","Action","Symbol","Description"\n')


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_and_a_note_over_two_lines_read_the_same(tmp_path, ending: str) -> None:
    """Lines are cut at "\\n" without copying the text; CRLF files read the same, and a file with old Mac
    line ends ("\\r") too; a quoted note may hold a line break, and line numbers stay those of the file."""
    lines = [
        "date,action,symbol,quantity,price,fees,note",
        '2024-03-04,STO,AAPL240419P160,1,2.00,0.65,"rolled down,\nfor a credit"',
        "2024-03-20,BTC,AAPL240419P160,1,0.50,0.65,",
        "2024-03-21,BTC,AAPL240419P160,x,0.50,0.65,",
    ]
    path = tmp_path / "endings.csv"
    path.write_bytes("".join(line.replace("\n", ending) + ending for line in lines).encode())
    result = journal_csv.parse(path)
    assert [e.note for e in result.events] == [f"rolled down,{ending}for a credit", ""]
    assert [e.source.line for e in result.events if e.source] == [2, 4]
    assert [(p.line, p.column, p.value) for p in result.errors] == [(5, "quantity", "x")]
