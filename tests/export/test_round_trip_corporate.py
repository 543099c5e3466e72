"""Issue 15's events and instruments through both exports (SQLite and PostgreSQL): every corporate action,
adjusted option, asset kind and currency the journal CSV reads, and those only a broker importer makes (an
adjusted option adjusted again, a conversion between two foreign currencies, a bond's description, figures
with many places), exported as journal CSV and as JSON lines, read back as the very same events (key,
payload as stored, source) and imported into an empty journal as the same stored facts; either export adds
nothing to the journal it came from."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from importers import journal_csv, journal_jsonl
from journal.api import Journal
from journal.events import (
    CashKind,
    CashMoved,
    CurrencyConverted,
    Event,
    OptionAdjusted,
    OptionCashSettled,
    SourceRef,
    StockMerged,
    TradeAction,
    TradeExecuted,
    payload_json,
)
from journal.instruments import Bond, FutureOption, OptionContract, Stock

HEADER = (
    "date,account,action,symbol,quantity,price,fees,amount,multiplier,note,"
    "new_symbol,ratio,cash,allocation,deliverable,currency,fx_rate,settlement,asset,expiry\n"
)
ROWS = """\
2025-01-02,A,DEPOSIT,,,,,100000,,,,,,,,,,,,
2025-01-02,A,STO,SPRT250321P5,2,0.40,1.30,,,,,,,,,,,,,
2025-01-02,A,SYMBOL_CHANGE,FB,,,,,,,META,,,,,,,,,
2025-01-03,A,MERGER,SPRT,,,,3.50,,,GREE,0.1125:1,,,,,,,,
2025-01-03,A,MERGER,ABC,,40.00,,,,,XYZ,1:2,5,,,,,,,
2025-01-03,A,MERGER,TWTR,,,,,,,,,54.20,,,,,,,
2025-01-04,A,SPINOFF,MMM,,,,12.30,,,SOLV,1:4,,8.75,,,,,,
2025-01-05,A,ADJUST,SPRT250321P5,2,,,,,merger,GREE1 250321P5,,,,11 GREE,,,,,
2025-01-05,A,ADJUST,TSLL250321C20,3,,,,,special dividend,TSLL1 250321C20,2:1,1.25,,50 TSLL + 20 XYZ,,,,,
2025-01-06,A,CONVERT,,1000,,2,-1085.20,,,,,,,,EUR,,,,
2025-01-07,A,IN_LIEU,GREE,,,,3.50,,,,,,,,,,,,
2025-01-07,A,BUY,NESN,10,100.50,1,,,,,,,,,CHF,1.1234,,,
2025-01-07,A,DIVIDEND,NESN,,,,30,,,,,,,,CHF,1.12,,,
2025-01-08,A,BUY,912797KA4,10000,98.5,,,,,,,,,,,,,bill,2025-06-01
2025-01-08,A,BUY,91282CJL6,5000,99.75,,,,,,,,,,,,,note,
2025-01-08,A,BUY,/ESH5,1,6000,2.25,,50,,,,,,,,,,,2025-03-21
2025-01-08,A,STO,/MESZ5 251031P5400,1,10.25,1,,5,,,,,,,,,,,
2025-01-08,A,BUY,VFIAX,3,500,,,,,,,,,,,,,fund,
2025-01-08,A,TRANSFER_IN,ABCDW,100,,,,,,,,,,,,,,warrant,
2025-01-09,A,STO,GREE1 250321P5,1,0.5,,,,,,,,,11 GREE,,,,,
2025-01-09,A,MARK,912797KA4,,99.1,,,,,,,,,,,,,bill,
2025-01-09,A,INTEREST,91282CJL6,,,,-12.5,,,,,,,,,,,note,
2025-01-17,A,CASH_SETTLE,SPX250117P5000,1,,1.30,,,,,,,,,,,4900.5,,
2025-03-21,A,ASSIGN,GREE1250321P5,1,,,,,,,,,,11 GREE,,,,,
"""
SOURCE = SourceRef("broker.csv", "0" * 64, 7)
GREE1 = OptionContract("GREE1", date(2025, 3, 21), "P", D(5), D(100), (("GREE", D(11)),))


def broker_events() -> list[Event]:
    """Events only a broker importer writes: the journal CSV's recorded rows must carry them all the same."""
    at: Any = {"account": "B", "time": datetime(2025, 2, 3, 9, 30, 1, 250), "source": SOURCE}
    return [
        # GREE1 adjusted again (a later special dividend): the old option is itself adjusted, and the
        # multiplier changes (old_option in the recorded row).
        OptionAdjusted(
            key="b1",
            option=GREE1,
            adjusted=OptionContract(
                "GREE2", date(2025, 3, 21), "P", D("4.5"), D(10), (("GREE", D("1.1")),), D("0.375")
            ),
            quantity=D(2),
            new_quantity=D(20),
            reason="special dividend",
            note="OCC memo #55123",
            **at,
        ),
        CurrencyConverted(
            key="b2",
            currency="CHF",
            amount=D("-1000.00"),
            paid_currency="EUR",
            paid=D("1052.631579"),
            fees=D("0.50"),
            fx_rate=D("1.1205"),
            **at,
        ),
        TradeExecuted(
            key="b3",
            action=TradeAction.SELL,
            instrument=Bond("912828YK0", "note", date(2029, 10, 15), "US TREASURY NOTE 1.5% 10/15/29"),
            quantity=D(2000),
            price=D("97.1234567891"),
            fees=D("0"),
            **at,
        ),
        CashMoved(
            key="b4",
            kind=CashKind.IN_LIEU,
            amount=D("-0.10"),
            symbol="GREE",
            description="Delayed Delivery",
            currency="EUR",
            fx_rate=D("1.08"),
            **at,
        ),
        StockMerged(
            key="b5", symbol="OLD", new_symbol="NEW", new=D("2.3234"), old=D("1.0"), price=D("0"), **at
        ),
        OptionCashSettled(
            key="b6",
            option=FutureOption("/ESH5", date(2025, 3, 21), "C", D("6012.5"), D(50)),
            quantity=D(1),
            settlement=D("6100.25"),
            **at,
        ),
        TradeExecuted(
            key="b7",
            action=TradeAction.BUY,
            instrument=Stock("SWVXX", "fund"),
            quantity=D("12.345678"),
            price=D("1.00"),
            currency="USD",
            **at,
        ),
    ]


def facts(url: str) -> list[tuple[object, ...]]:
    """The stored events as the store holds them: type, key, account, time, payload, source."""
    journal = Journal(url)
    try:
        return [
            (
                s.event.type_name,
                s.event.key,
                s.event.account,
                s.event.time,
                payload_json(s.event),
                s.event.source,
            )
            for s in journal.events()
        ]
    finally:
        journal.close()


def same(read: list[Event], stored: list[tuple[object, ...]]) -> None:
    assert [(e.type_name, e.key, e.account, e.time, payload_json(e), e.source) for e in read] == stored


def test_every_new_event_and_instrument_round_trips_through_both_exports(
    db_url: str, fresh_db: Callable[[], str], write_csv, tmp_path: Path
) -> None:
    journal = Journal(db_url)
    try:
        [done] = journal.import_files([write_csv(HEADER + ROWS, "corporate.csv")])
        assert (done.events_added, done.duplicates) == (24, 0)
        assert journal.store.append(broker_events()).added == 7
        jsonl = journal.export(tmp_path / "out", "jsonl")
        csv_export = journal.export(tmp_path / "out", "journal-csv")
    finally:
        journal.close()
    stored = facts(db_url)
    assert len(stored) == 31 and (jsonl.events, csv_export.events, csv_export.left_out) == (31, 31, 0)
    assert sorted({str(fact[0]) for fact in stored}) == [
        "CashMoved",
        "CurrencyConverted",
        "OptionAdjusted",
        "OptionAssigned",
        "OptionCashSettled",
        "PriceMarked",
        "SecurityTransferred",
        "SpunOff",
        "StockMerged",
        "SymbolChanged",
        "TradeExecuted",
    ]

    # Each export read back: the very events stored, key, payload and source alike.
    for path, importer in ((jsonl.path, journal_jsonl), (csv_export.path, journal_csv)):
        result = importer.parse(path)
        assert [str(e) for e in result.errors] == []
        same(result.events, stored)

    # The recorded rows of the broker-only events: what the journal CSV writes for them.
    with csv_export.path.open(newline="") as fh:
        rows = {r["key"]: r for r in csv.DictReader(fh)}
    adjusted = rows["b1"]
    assert {
        k: adjusted[k] for k in ("action", "symbol", "new_symbol", "quantity", "ratio", "multiplier")
    } == {
        "action": "ADJUST",
        "symbol": "GREE1 250321P00005000",
        "new_symbol": "GREE2 250321P00004500",
        "quantity": "2",
        "ratio": "20:2",
        "multiplier": "10",
    }
    assert (adjusted["deliverable"], adjusted["cash"], adjusted["reason"], adjusted["note"]) == (
        "1.1 GREE",
        "0.375",
        "special dividend",
        "OCC memo #55123",
    )
    assert adjusted["old_option"] == (
        '{"deliverable":[["GREE","11"]],"multiplier":"100","symbol":"GREE1 250321P00005000"}'
    )
    converted = rows["b2"]
    assert [
        converted[k] for k in ("action", "currency", "quantity", "amount", "paid_currency", "fx_rate")
    ] == [
        "CONVERT",
        "CHF",
        "-1000.00",
        "1052.631579",
        "EUR",
        "1.1205",
    ]
    note = rows["b3"]
    assert [note[k] for k in ("symbol", "asset", "expiry", "description", "price")] == [
        "912828YK0",
        "note",
        "2029-10-15",
        "US TREASURY NOTE 1.5% 10/15/29",
        "97.1234567891",
    ]

    # Imported into an empty journal: the same stored facts, in the same order.
    for path in (jsonl.path, csv_export.path):
        copy = fresh_db()
        journal = Journal(copy)
        try:
            [again] = journal.import_files([path])
            assert again.events_added == 31
        finally:
            journal.close()
        assert facts(copy) == stored

    # Into the journal they came from: nothing.
    journal = Journal(db_url)
    try:
        for path in (jsonl.path, csv_export.path):
            [again] = journal.import_files([path])
            assert (again.events_added, again.duplicates) == (0, 31)
    finally:
        journal.close()
