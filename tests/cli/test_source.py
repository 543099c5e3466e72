"""`tj source EVENT`: the row of the broker's file an event was read from, as the file has it, from the
journal's own copy of the file (the file itself may be gone): by sequence number or natural key."""

from __future__ import annotations

import json

from journal.api import Journal, parse_file
from journal.stored import ImportOrigin

TRADES = """
date,account,action,symbol,quantity,price,fees,id,note
2024-01-02,IRA,STO,AAPL240119P150,1,2.00,0.65,T1,"rolled from
the December put"
2024-01-19,IRA,EXPIRE,AAPL240119P150,1,,,T2,
"""


def test_source_shows_the_row_by_sequence_number_or_key_after_the_file_is_gone(tj, db_url, write_csv) -> None:
    path = write_csv(TRADES)
    tj("import", str(path), db=db_url, check=True)
    path.unlink()
    shown = tj("source", "1", db=db_url, check=True).stdout.splitlines()
    assert shown[0].startswith("trades.csv:2  (sha256 ")
    # The record's quoted note spans two lines: both are the row.
    assert shown[1:] == [
        '     2  2024-01-02,IRA,STO,AAPL240119P150,1,2.00,0.65,T1,"rolled from',
        '     3  the December put"',
    ]
    events = json.loads(tj("events", "--format", "json", db=db_url, check=True).stdout)
    expired = json.loads(tj("source", events[1]["key"], "--format", "json", db=db_url, check=True).stdout)
    assert {k: expired[k] for k in ("seq", "file", "line", "kind", "lines", "cut")} == {
        "seq": 2,
        "file": "trades.csv",
        "line": 4,
        "kind": "csv",
        "lines": [{"line": 4, "text": "2024-01-19,IRA,EXPIRE,AAPL240119P150,1,,,T2,"}],
        "cut": False,
    }
    as_csv = tj("source", "2", "--format", "csv", db=db_url, check=True).stdout
    assert as_csv == 'file,line,text\ntrades.csv,4,"2024-01-19,IRA,EXPIRE,AAPL240119P150,1,,,T2,"\n'


def test_source_says_what_to_do_when_there_is_no_row_to_show(tj, db_url, write_csv) -> None:
    path = write_csv(TRADES)
    tj("import", str(path), db=db_url, check=True)
    unknown = tj("source", "99", db=db_url)
    assert (unknown.returncode, unknown.stderr) == (
        1,
        "tj: no event '99': give a sequence number or natural key from `tj events`\n",
    )
    tj("account", "set", "IRA", "--lot-method", "fifo", db=db_url, check=True)
    setting = tj("source", "3", db=db_url)
    assert (setting.returncode, setting.stderr) == (
        1,
        "tj: event 3 was said in tj (a setting or a void), not read from a file\n",
    )


def test_source_of_a_file_an_older_tj_imported_says_how_to_keep_it(tj, db_url, write_csv) -> None:
    path = write_csv(TRADES)
    # What a tj before migration 0006 did: the events and the import recorded, the file's text not kept.
    format, parsed = parse_file(path)
    journal = Journal(db_url)
    journal.store.append(
        parsed.events, origin=ImportOrigin(path.name, parsed.events[0].source.sha256, format)
    )
    journal.close()
    missing = tj("source", "1", db=db_url)
    assert (missing.returncode, missing.stderr) == (
        1,
        "tj: the journal does not keep the text of trades.csv (imported before tj kept the files it reads); "
        "keep it with `tj source --keep trades.csv` (it imports nothing)\n",
    )
    other = write_csv(TRADES.replace("T2", "T3"), name="other.csv")
    refused = tj("source", "--keep", str(other), db=db_url)
    assert (refused.returncode, refused.stderr) == (
        1,
        "other.csv: no event came from this file (by its SHA-256): import it instead\n",
    )
    kept = tj("source", "--keep", str(path), db=db_url, check=True)
    assert kept.stdout == "trades.csv: 4 lines kept\n"
    assert "the December put" in tj("source", "1", db=db_url, check=True).stdout
    assert tj("source", "--keep", str(path), db=db_url, check=True).stdout == "trades.csv: kept already\n"
    assert json.loads(tj("verify", "--format", "json", db=db_url, check=True).stdout)["files"] == 1
    # Nothing was imported: the events are the file's two.
    assert len(json.loads(tj("events", "--format", "json", db=db_url, check=True).stdout)) == 2


def test_a_journal_restored_from_an_export_gets_its_files_back_with_keep(
    tj, db_url, write_csv, tmp_path
) -> None:
    path = write_csv(TRADES)
    original = f"sqlite:///{tmp_path / 'original.sqlite'}"
    tj("import", str(path), db=original, check=True)
    for format in ("jsonl", "journal-csv"):
        backup = tmp_path / format
        tj("export", format, str(backup), db=original, check=True)
        restored = (
            f"sqlite:///{tmp_path / f'restored-{format}.sqlite'}" if format == "journal-csv" else db_url
        )
        tj("import", *map(str, backup.iterdir()), db=restored, check=True)
        # The export holds the events with their original sources, not the broker's file.
        assert tj("source", "1", db=restored).stderr.startswith(
            "tj: the journal does not keep the text of trades.csv"
        )
        assert (
            tj("source", "--keep", str(path), db=restored, check=True).stdout == "trades.csv: 4 lines kept\n"
        )
        shown = json.loads(tj("source", "1", "--format", "json", db=restored, check=True).stdout)
        assert (shown["file"], shown["line"], shown["lines"][1]["text"]) == (
            "trades.csv",
            2,
            'the December put"',
        )
