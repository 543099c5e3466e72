"""The same fact from two files under different keys is reported, not doubled silently."""

from __future__ import annotations

from journal.api import Journal

WITH_IDS = """
date,action,symbol,quantity,price,fees,id
2024-03-01,STO,XYZ240315P50,1,1.50,0.65,T100
2024-03-04,BUY,XYZ,100,49,0,T101
"""
WITHOUT_IDS = """
date,action,symbol,quantity,price,fees,note
2024-03-01,STO,XYZ240315P50,1,1.50,0.65,from the other export
2024-03-04,BUY,XYZ,100,49,0,
2024-03-05,SELL,XYZ,100,50,0,
"""


def test_a_fact_recorded_from_another_file_is_reported_and_left_out(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(WITH_IDS, "broker.ofx.csv")])
    (done,) = journal.import_files([write_csv(WITHOUT_IDS, "broker.csv")])
    assert (done.events_added, done.duplicates) == (1, 0)
    assert [(str(new.source), str(old.source)) for new, old in done.lookalikes] == [
        ("broker.csv:2", "broker.ofx.csv:2"),
        ("broker.csv:3", "broker.ofx.csv:3"),
    ]
    assert journal.store.count() == 3


def test_lookalikes_are_recorded_when_asked(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(WITH_IDS, "broker.ofx.csv")])
    (done,) = journal.import_files([write_csv(WITHOUT_IDS, "broker.csv")], keep_lookalikes=True)
    assert (done.events_added, len(done.lookalikes)) == (3, 2)


def test_cli_names_each_lookalike(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(WITH_IDS, "a.csv")), db=db_url, check=True)
    done = tj("import", str(write_csv(WITHOUT_IDS, "b.csv")), db=db_url, check=True)
    assert "b.csv:3: looks like a.csv:3, recorded from another file under another id: left out" in done.stderr
