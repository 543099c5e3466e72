"""Failures the importers' fuzzing found (tests/fuzzing, bench/fuzz.py), each kept as its minimal
reproducer with the exact error `tj import` now gives: every one once let an event in that no listing
could read back or show, or named a line of another file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import importers
from journal.api import ImportFailed, parse_file

HEADER = {"format": "tj-journal-jsonl", "version": 1, "events": 1}
PUT_SOLD: dict[str, Any] = {
    "seq": 1,
    "key": "row:put:0",
    "account": "brokerage",
    "type": "TradeExecuted",
    "time": "2024-03-01T00:00:00",
    "payload": {
        "action": "STO",
        "fees": "0.65",
        "instrument": "XYZ   240315P00050000",
        "price": "1.50",
        "quantity": "1",
    },
    "source": None,
}
MERGER: dict[str, Any] = {
    "seq": 1,
    "key": "row:merger:0",
    "account": "brokerage",
    "type": "Unresolved",
    "time": "2024-03-01T00:00:00",
    "payload": {"reason": "a merger", "raw": "SPRT,merger", "amount": "0", "symbols": ["SPRT"]},
    "source": None,
}


def _jsonl(tmp_path: Path, event: dict[str, Any], **payload: Any) -> list[str]:
    """One event of an export with some payload fields changed, parsed as `tj import` parses it."""
    changed = {**event, "payload": {**event["payload"], **payload}}
    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps(HEADER) + "\n" + json.dumps(changed) + "\n")
    _, result = parse_file(path, "journal-jsonl")
    assert not result.errors or not result.events
    return [str(e) for e in result.errors]


def test_an_export_line_is_read_as_the_export_writes_it(tmp_path: Path) -> None:
    assert _jsonl(tmp_path, PUT_SOLD) == []
    assert _jsonl(tmp_path, MERGER) == []


def test_a_jsonl_text_field_that_is_not_a_string_is_refused(tmp_path: Path) -> None:
    """It once reached the bounds' net and failed there: TypeError, object of type 'bool' has no len()."""
    assert _jsonl(tmp_path, PUT_SOLD, note=True) == [
        "journal.jsonl:2: payload.note: not a string (got 'true')"
    ]


def test_a_jsonl_option_trade_with_a_stock_action_is_refused(tmp_path: Path) -> None:
    """An option bought as shares (BUY) once stored, then `tj events` failed: KeyError 'BUY'."""
    assert _jsonl(tmp_path, PUT_SOLD, action="BUY") == [
        "journal.jsonl:2: payload.action: not an action of a trade in XYZ   240315P00050000 (got 'BUY')"
    ]


def test_jsonl_symbols_are_a_list_of_texts(tmp_path: Path) -> None:
    """A nested list once made an unhashable underlying (TypeError in every fold); a string was read as
    the tuple of its letters."""
    assert _jsonl(tmp_path, MERGER, symbols=[["SPRT"]]) == [
        "journal.jsonl:2: payload.symbols: not a list of texts (got \"[['SPRT']]\")"
    ]
    assert _jsonl(tmp_path, MERGER, symbols="SPRT") == [
        "journal.jsonl:2: payload.symbols: not a list of texts (got '\"SPRT\"')"
    ]


def test_a_jsonl_required_text_may_not_be_empty(tmp_path: Path) -> None:
    """The store leaves an empty text out of a payload, and a required one read back failed: TypeError,
    Unresolved.__init__() missing 1 required keyword-only argument: 'reason'."""
    assert _jsonl(tmp_path, MERGER, reason="") == ["journal.jsonl:2: payload.reason: missing"]


def test_jsonl_numbers_are_strings_of_plain_digits(tmp_path: Path) -> None:
    """A float would be an inexact Decimal; "sNaN" once failed the bounds' net (TypeError, cannot hash a
    signaling NaN value)."""
    assert _jsonl(tmp_path, PUT_SOLD, quantity=1.5) == [
        "journal.jsonl:2: payload.quantity: not a number written as a string (got '1.5')"
    ]
    assert _jsonl(tmp_path, PUT_SOLD, quantity="sNaN") == [
        "journal.jsonl:2: payload.quantity: not a number (got 'sNaN')"
    ]


def test_a_jsonl_option_end_names_an_option(tmp_path: Path) -> None:
    expired = {**PUT_SOLD, "type": "OptionExpired", "payload": {"option": "XYZ", "quantity": "1"}}
    assert _jsonl(tmp_path, expired) == ["journal.jsonl:2: payload.option: not an option symbol (got 'XYZ')"]


def test_a_recorded_journal_csv_row_without_its_reason_is_refused(tmp_path: Path) -> None:
    """`tj export journal-csv`'s UNRESOLVED row with its `reason` column gone once stored an unresolved row
    that the store could not read back (TypeError: missing 'reason')."""
    path = tmp_path / "journal.csv"
    path.write_text(
        "date,account,action,symbol,amount,key,raw\n"
        '2021-09-15T06:36:06,default,UNRESOLVED,SPRT,-3360.00,row:abc:0,"SPRT,merger"\n'
    )
    _, result = parse_file(path, "journal-csv")
    assert [str(e) for e in result.errors] == ["journal.csv:2: reason: missing"]


def test_a_recorded_row_out_of_bounds_is_named_at_its_line_even_beside_other_errors(tmp_path: Path) -> None:
    """A recorded row keeps its first source (wheel.csv:3); with another row in error, its bound was once
    said by the net under the parse at that other file's line, a line the user cannot find."""
    path = tmp_path / "journal.csv"
    path.write_text(
        "date,account,action,symbol,quantity,price,fees,key,source,source_sha256\n"
        "2024-03-01T00:00:00,brokerage,STO,XYZ   240315P00050000,1,19691672757877.40,0.65,row:a:0,"
        + f"wheel.csv:3,{'8' * 64}"
        + "\n2024-03-02,brokerage,BUY,XYZ,1,--1,0,,,\n"
    )
    _, result = parse_file(path, "journal-csv")
    assert [str(e) for e in result.errors] == [
        "journal.csv:3: price: not a number (got '--1')",
        "journal.csv:2: price: out of bounds: a price is at most 10,000,000 (got '19691672757877.40')",
    ]
    assert result.events == []


def test_a_jsonl_resolution_names_an_event_of_its_own_file(tmp_path: Path) -> None:
    """An export holds every event; a resolution whose unresolved row was cut out was once said at the
    resolution's first source (resolution.csv:2), a line of another file."""
    resolution = {
        "seq": 1,
        "key": "resolve:row:gone:0",
        "account": "brokerage",
        "type": "Resolved",
        "time": "2024-03-01T00:00:00",
        "payload": {"resolved_key": "row:gone:0"},
        "source": {"file": "resolution.csv", "sha256": "8" * 64, "line": 2},
    }
    assert _jsonl(tmp_path, resolution) == [
        "journal.jsonl:2: payload.resolved_key: names no event of this file (got 'row:gone:0')"
    ]


def test_a_recorded_journal_csv_resolution_names_a_row_of_its_own_file(tmp_path: Path) -> None:
    """An export writes the rows its resolutions name; one whose row was cut out was once said at the
    resolution's first source (resolution.csv:2), a line of another file."""
    path = tmp_path / "journal.csv"
    path.write_text(
        "date,account,action,resolves,key,source,source_sha256\n"
        f"2024-03-01T00:00:00,brokerage,RESOLVE,row:gone:0,resolve:row:gone:0,resolution.csv:2,{'8' * 64}\n"
    )
    _, result = parse_file(path, "journal-csv")
    assert [str(e) for e in result.errors] == [
        "journal.csv:2: resolves: names no row of this file (got 'row:gone:0')"
    ]


def test_a_file_of_a_byte_order_mark_alone_is_recognised_by_no_importer(tmp_path: Path) -> None:
    """`tj import` of it (its format detected) once ended in a traceback: IndexError in the journal CSV's
    header reader, which found no first line once the mark was dropped."""
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(ImportFailed) as failed:
        parse_file(path)
    assert [str(p) for p in failed.value.problems] == [
        f"bom.csv:1: no importer recognises this file (tried: {', '.join(importers.names())})"
    ]


def test_a_symbol_change_pair_naming_another_underlying_is_one_symbol_change(tmp_path: Path) -> None:
    """Found by fuzzing: a Tastytrade Symbol Change pair of shares whose Underlying Symbol cells name
    neither symbol crashed the pairing (`max()` of no rows: the rename's moment was looked for among the
    rows naming the old or new symbol as their underlying only). It is one SymbolChanged, VGAC -> ME, at
    the pair's moment."""
    header = (
        "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,"
        "Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,Call or Put,"
        "Order #,Currency"
    )
    rows = (
        "2021-06-18T12:48:05+0200,Receive Deliver,Symbol Change,BUY_TO_OPEN,ME,Equity,Symbol change:  "
        'Open 100.0 ME,"-1,750.00",100,-17.50,--,0.00,,,VGAC.OLD,,,,,USD',
        "2021-06-18T12:48:05+0200,Receive Deliver,Symbol Change,SELL_TO_CLOSE,VGAC,Equity,Symbol change:  "
        'Close 100.0 VGAC,"1,750.00",100,17.50,--,0.00,,,VGAC.OLD,,,,,USD',
    )
    path = tmp_path / "symbol_change.csv"
    path.write_text("\n".join((header, *rows)) + "\n")
    fmt, result = parse_file(path)
    assert (fmt, result.errors) == ("tastytrade-csv", [])
    [event] = result.events
    assert (type(event).__name__, event.symbol, event.new_symbol, str(event.source)) == (  # type: ignore[attr-defined]
        "SymbolChanged",
        "VGAC",
        "ME",
        "symbol_change.csv:2",
    )
    assert event.time.isoformat() == "2021-06-18T12:48:05"  # the time as the file writes it
