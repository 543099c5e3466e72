"""Reconciliation against broker-reported positions, through a positions CSV on both engines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from journal.api import Journal

TRADES = """
date,account,action,symbol,quantity,price,fees,amount
2024-01-02,B,DEPOSIT,,,,,10000
2024-03-01,B,STO,XYZ240315P50,1,1.50,0.65,
2024-03-15,B,ASSIGN,XYZ240315P50,1,,,
2024-03-18,B,STO,XYZ240419C55,1,1.00,0.65,
"""


def test_matching_report_is_reconciled(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv(TRADES),
            write_csv(
                """
        date,account,symbol,quantity
        2024-03-29,B,XYZ,100
        2024-03-29,B,XYZ240419C55,-1
        2024-03-29,B,CASH,5248.70
        """,
                "positions.csv",
            ),
        ]
    )
    result = journal.reconcile()
    assert result.as_of == {"B": date(2024, 3, 29)}
    assert (result.reconciled, result.compared) == (True, 3)


def test_every_difference_is_listed(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv(TRADES),
            write_csv(
                """
        date,account,symbol,quantity
        2024-03-29,B,XYZ,200
        2024-03-29,B,ABC,10
        2024-03-29,B,CASH,5000
        """,
                "positions.csv",
            ),
        ]
    )
    result = journal.reconcile()
    assert [(d.item, d.journal, d.broker) for d in result.differences] == [
        ("ABC", Decimal(0), Decimal(10)),
        ("XYZ", Decimal(100), Decimal(200)),
        ("XYZ   240419C00055000", Decimal(-1), None),
        ("cash", Decimal("5248.70"), Decimal(5000)),
    ]


def test_the_report_of_an_earlier_day_compares_the_books_of_that_day(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv(TRADES),
            write_csv(
                """
        date,account,symbol,quantity
        2024-03-05,B,XYZ240315P50,-1
        2024-03-29,B,XYZ,100
        """,
                "positions.csv",
            ),
        ]
    )
    assert journal.reconcile(as_of=date(2024, 3, 10)).reconciled
    assert not journal.reconcile().reconciled  # the March 29 report lacks the call
