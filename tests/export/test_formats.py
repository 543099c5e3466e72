"""The two export formats as files: what they hold, that their importers restore exactly the recorded events,
and that they say where a copy is broken (`file:line: column:`) and write nothing. `tj export` as a user
runs it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import importers
from importers import journal_csv, journal_jsonl, recorded
from journal.api import ImportFailed, Journal
from journal.events import CashMoved, payload_json
from tests.export.journals import ROOT

HEADER = "date,account,action,symbol,quantity,price,fees,amount,id,note\n"
TRADES = HEADER + (
    "2024-01-02,A,DEPOSIT,,,,,10000,a1,\n"
    '2024-01-02,A,STO,AAPL240119P150,1,2.00,0.65,,a2,"a note, with a comma"\n'
    "2024-01-19,A,EXPIRE,AAPL240119P150,1,,,,a3,\n"
)


def exported(journal: Journal, tmp_path: Path, format: str) -> Path:
    return journal.export(tmp_path / "out", format).path


def test_jsonl_holds_every_field_of_every_event_and_reads_back_the_same_events(
    journal: Journal, write_csv, tmp_path: Path
) -> None:
    journal.import_files([write_csv(TRADES)])
    journal.void(journal.void_plan(keys=[journal.events()[0].event.key]), "typo")
    path = exported(journal, tmp_path, "jsonl")
    head, *lines = path.read_text().splitlines()
    assert {k: v for k, v in json.loads(head).items() if k != "exported_at"} == {
        "format": "tj-journal-jsonl",
        "version": 1,
        "events": 4,
        "schema": json.loads(head)["schema"],
    }
    first = json.loads(lines[0])
    assert set(first) == {
        "seq",
        "key",
        "owner",
        "account",
        "type",
        "underlying",
        "time",
        "recorded_time",
        "payload",
        "source",
        "prev_hash",
        "hash",
    }
    assert (first["seq"], first["type"], first["source"]["file"], first["source"]["line"]) == (
        1,
        "CashMoved",
        "trades.csv",
        2,
    )
    assert json.loads(lines[3])["type"] == "EventVoided"
    assert importers.detect(path) is journal_jsonl
    parsed = journal_jsonl.parse(path)
    stored = [s.event for s in journal.store.read()]
    assert parsed.errors == []
    assert [(e.key, e.source, payload_json(e)) for e in parsed.events] == [
        (e.key, e.source, payload_json(e)) for e in stored
    ]


def test_journal_csv_holds_the_facts_that_count_with_keys_and_sources(
    journal: Journal, write_csv, tmp_path: Path
) -> None:
    journal.import_files([write_csv(TRADES)])
    journal.configure_account("A", lot_method="lifo")
    [deposit, *_] = [s.event for s in journal.events()]
    journal.void(journal.void_plan(keys=[deposit.key]), "typo")
    path = exported(journal, tmp_path, "journal-csv")
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == list(recorded.COLUMNS)
    assert [(r["action"], r["source"]) for r in rows] == [
        ("STO", "trades.csv:3"),
        ("EXPIRE", "trades.csv:4"),
        ("ACCOUNT", ""),
    ]
    assert (rows[0]["symbol"], rows[0]["price"], rows[0]["note"], rows[0]["id"]) == (
        "AAPL  240119P00150000",
        "2.00",
        "a note, with a comma",
        "a2",
    )
    assert (rows[2]["owner"], rows[2]["lot_method"], rows[2]["tax_advantaged"]) == (
        "default",
        "lifo",
        "false",
    )
    assert importers.detect(path) is journal_csv
    parsed = journal_csv.parse(path)
    counting = [s.event for s in journal.events()]
    assert [(e.key, e.source, payload_json(e)) for e in parsed.events] == [
        (e.key, e.source, payload_json(e)) for e in counting
    ]


def _jsonl(tmp_path: Path, lines: list[str], events: int | None = None, name: str = "copy.jsonl") -> Path:
    path = tmp_path / name
    head = {"format": "tj-journal-jsonl", "version": 1, "events": len(lines) if events is None else events}
    path.write_text("\n".join([json.dumps(head), *lines]) + "\n")
    return path


DEPOSIT = {
    "seq": 1,
    "key": "id:1",
    "account": "A",
    "type": "CashMoved",
    "time": "2024-01-02T00:00:00",
    "payload": {"kind": "DEPOSIT", "amount": "100"},
    "source": {"file": "bank.csv", "sha256": "0" * 64, "line": 2},
}


def test_a_broken_jsonl_copy_is_named_by_line_and_writes_nothing(journal: Journal, tmp_path: Path) -> None:
    cut = _jsonl(tmp_path, [json.dumps(DEPOSIT)], events=2, name="cut.jsonl")
    assert [str(p) for p in journal_jsonl.parse(cut).errors] == [
        "cut.jsonl:3: 1 events where the first line says 2: a cut copy"
    ]
    lines = [
        json.dumps(DEPOSIT),
        "{not json",
        json.dumps({**DEPOSIT, "type": "Nonsense"}),
        json.dumps(DEPOSIT),
    ]
    bad = _jsonl(tmp_path, lines, name="bad.jsonl")
    assert [str(p) for p in journal_jsonl.parse(bad).errors] == [
        "bad.jsonl:3: not JSON",
        "bad.jsonl:4: type: not an event type (known: TradeExecuted, OptionExpired, OptionAssigned, "
        "OptionExercised, OptionCashSettled, OptionAdjusted, CashMoved, CurrencyConverted, SplitApplied, "
        "SymbolChanged, StockMerged, SpunOff, PriceMarked, PositionReported, CashReported, "
        "AccountConfigured, SecurityTransferred, Unresolved, Resolved, EventVoided) (got 'Nonsense')",
        "bad.jsonl:5: key: the same key as line 2 (got 'id:1')",
    ]
    big = _jsonl(tmp_path, [json.dumps({**DEPOSIT, "payload": {"kind": "DEPOSIT", "amount": "1e400"}})])
    [problem] = journal_jsonl.parse(big).errors
    assert str(problem).startswith("copy.jsonl:2: payload.amount: out of bounds")  # its line, not bank.csv:2
    for broken in (cut, bad, big):
        with pytest.raises(ImportFailed):
            journal.import_files([broken])
    assert journal.store.count() == 0


def test_a_figure_computed_exactly_is_copied_exactly(tmp_path: Path) -> None:
    # A price or fee an importer computed (a booked total over a quantity) has more places than a file writes.
    exact = {**DEPOSIT, "payload": {"kind": "DEPOSIT", "amount": "0.12345678901234567"}}
    [event] = journal_jsonl.parse(_jsonl(tmp_path, [json.dumps(exact)])).events
    assert isinstance(event, CashMoved) and str(event.amount) == "0.12345678901234567"


def test_a_recorded_row_is_checked_at_its_line(write_csv) -> None:
    header = "date,account,action,amount,key,source,source_sha256\n"
    path = write_csv(
        header + "2024-01-02T00:00:00,A,DEPOSIT,100,id:1,bank.csv:2," + "0" * 64 + "\n"
        "2024-01-02T00:00:00,A,DEPOSIT,100,id:1,bank.csv:3," + "0" * 64 + "\n"
        "2024-01-02T00:00:00,A,DEPOSIT,100,id:2,bank.csv,abc\n"
        "2024-01-02T00:00:00,A,DEPOSIT,1e400,id:3,,\n"
    )
    assert [str(p) for p in journal_csv.parse(path).errors] == [
        "trades.csv:3: key: the same key as line 2 (got 'id:1')",
        "trades.csv:4: source: not file:line (got 'bank.csv')",
        "trades.csv:5: amount: out of bounds: an amount is at most 1,000,000,000,000 (got '1E+400')",
    ]
    fixed = write_csv(header + "2024-01-02T00:00:00,A,DEPOSIT,1e400,id:3,,\n", "big.csv")
    [problem] = journal_csv.parse(fixed).errors
    assert str(problem).startswith("big.csv:2: amount: out of bounds")


def test_the_extension_is_only_for_rows_with_a_key(write_csv) -> None:
    no_key_column = write_csv("date,action,amount,description\n2024-01-02,DEPOSIT,100,x\n")
    assert not journal_csv.identify(no_key_column, no_key_column.read_text())
    assert "description: unknown column" in str(journal_csv.parse(no_key_column).errors[0])
    no_key = write_csv("date,action,amount,key\n2024-01-02,BALANCE,100,\n", "balance.csv")
    assert "unknown action" in str(journal_csv.parse(no_key).errors[0])


def test_tj_export_writes_either_format_and_says_so(tj, db_url, tmp_path: Path) -> None:
    tj("import", str(ROOT / "examples" / "2024-h1.csv"), db=db_url, check=True)
    done = tj("export", "journal-csv", str(tmp_path / "a"), db=db_url, check=True)
    assert done.stderr == f"wrote {tmp_path / 'a' / 'journal.csv'}: 50 events\n"
    done = tj("export", str(tmp_path / "b"), "--format", "jsonl", db=db_url, check=True)
    assert done.stderr == f"wrote {tmp_path / 'b' / 'journal.jsonl'}: 50 events\n"
    assert tj("export", str(tmp_path / "c"), db=db_url, check=True).returncode == 0
    assert (tmp_path / "c" / "journal.csv").read_text() == (tmp_path / "a" / "journal.csv").read_text()
    twice = tj("export", "jsonl", str(tmp_path / "d"), "--format", "journal-csv", db=db_url)
    assert twice.returncode == 2 and not (tmp_path / "d").exists()
    assert tj("export", "jsonl", db=db_url).returncode == 2  # a format, no folder: said, not made a folder
    blocked = tmp_path / "file"
    blocked.write_text("")
    refused = tj("export", "jsonl", str(blocked), db=db_url)
    assert refused.returncode == 1 and "nothing was written" in refused.stderr
