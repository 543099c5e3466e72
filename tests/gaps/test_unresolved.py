"""Unresolved rows: kept with their cash, shown wherever they touch a figure, and resolved by journal-CSV
rows naming their key. Every figure here is derived by hand in the comments; both engines."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from journal.api import ImportFailed, Journal
from journal.events import SourceRef, Unresolved

D = Decimal

TRADES = """\
date,account,action,symbol,quantity,price,fees,amount
2024-03-01,A,DEPOSIT,,,,,10000
2024-03-04,A,STO,SPRT240419P5,2,0.50,1.30,
"""


def merger(amount: str = "-37.50") -> Unresolved:
    """A merger row a broker wrote that tj does not model: it names SPRT and GREE and moved cash."""
    return Unresolved(
        account="A",
        time=datetime(2024, 3, 15),
        key="row:merger-1",
        source=SourceRef("broker.csv", "0" * 64, 7),
        reason="a stock merger: not modelled yet",
        raw="03/15/2024,Receive Deliver,Stock Merger,SPRT,...",
        amount=D(amount),
        symbols=("SPRT", "GREE"),
    )


@pytest.fixture
def seeded(journal: Journal, write_csv) -> Journal:
    journal.import_files([write_csv(TRADES)])
    journal.store.append([merger()])
    return journal


def test_an_unresolved_row_counts_in_cash_and_marks_its_underlyings(seeded: Journal) -> None:
    # 10,000 deposited + 2 × 0.50 × 100 − 1.30 = 98.70 premium, − 37.50 the merger row booked.
    assert seeded.cash() == D("10061.20")
    assert seeded.incomplete() == {"SPRT": date(2024, 3, 15), "GREE": date(2024, 3, 15)}
    [gap] = seeded.unresolved()
    assert (gap.event.reason, gap.event.amount, gap.resolution) == (
        "a stock merger: not modelled yet",
        D("-37.50"),
        None,
    )


def test_a_resolving_row_replaces_it(seeded: Journal, write_csv) -> None:
    # The user says what happened: the 2 SPRT puts became 2 GREE1 puts, cash in lieu 37.50 out.
    seeded.import_files(
        [
            write_csv(
                "date,account,action,symbol,amount,note,resolves\n"
                "2024-03-15,A,FEE,SPRT,-37.50,merger cash,row:merger-1\n",
                "fix.csv",
            )
        ]
    )
    assert seeded.unresolved() == []
    [gap] = seeded.unresolved(include_resolved=True)
    assert gap.resolution is not None and gap.resolution.symbol == "SPRT"
    assert seeded.incomplete() == {}
    # The FEE row's −37.50 counts now and the unresolved row's does not: the same 10,061.20.
    assert seeded.cash() == D("10061.20")


def test_a_resolution_must_name_a_recorded_key(seeded: Journal, write_csv) -> None:
    fix = write_csv("date,account,action,amount,resolves\n2024-03-15,A,FEE,-1,row:nothing\n", "fix.csv")
    with pytest.raises(ImportFailed) as failed:
        seeded.import_files([fix])
    assert str(failed.value) == (
        "fix.csv:2: resolves: no recorded event has this key (see `tj unresolved --all`) (got 'row:nothing')"
    )
    assert seeded.store.count() == 3  # deposit, sale, merger: nothing more written


def test_listings_and_reports_say_what_is_incomplete(seeded: Journal, db_url: str, tj) -> None:
    as_of = ("lots", "--format", "json", "--as-of")
    lots = json.loads(tj(*as_of, "2024-03-31", db=db_url, check=True).stdout)
    # The two SPRT puts are open at the end of March, and SPRT is incomplete from 2024-03-15.
    assert [(lot["instrument"], lot.get("incomplete")) for lot in lots] == [("SPRT  240419P00005000", True)]
    before = json.loads(tj(*as_of, "2024-03-10", db=db_url, check=True).stdout)
    assert [(lot["instrument"], lot.get("incomplete")) for lot in before] == [("SPRT  240419P00005000", None)]
    month = tj("report", "monthly", "2024-03", "--format", "json", db=db_url, check=True)
    data = json.loads(month.stdout)
    assert data["incomplete"] == [
        {"underlying": "GREE", "from": "2024-03-15"},
        {"underlying": "SPRT", "from": "2024-03-15"},
    ]
    table = tj("report", "monthly", "2024-03", db=db_url, check=True).stdout.splitlines()
    assert table[2].startswith("Incomplete: unresolved rows may change these figures (GREE from 2024-03-15")
    february = json.loads(tj("report", "monthly", "2024-02", "--format", "json", db=db_url).stdout)
    assert "incomplete" not in february  # the gap began after February
    listed = json.loads(tj("unresolved", "--format", "json", db=db_url, check=True).stdout)
    assert [(r["kind"], r["source"], r["amount"], r["underlyings"]) for r in listed] == [
        ("unresolved", "broker.csv:7", "-37.50", "SPRT GREE"),
    ]


def test_every_command_whose_figures_it_touches_says_so(seeded: Journal, db_url: str, tj) -> None:
    for command in (("rolls",), ("risk",), ("washes",), ("covered-calls",)):
        done = tj(*command, db=db_url, check=True)
        said = [line for line in done.stderr.splitlines() if line.startswith("note: Incomplete")]
        # risk adds up the account's cash, which the merger row moved; the others list nothing of SPRT
        assert len(said) == (1 if command == ("risk",) else 0), command
    [cycle] = seeded.cycles()
    shown = json.loads(tj("cycle", "show", cycle.id, "--format", "json", db=db_url, check=True).stdout)
    assert shown["incomplete"] == [{"underlying": "SPRT", "from": "2024-03-15"}]
