"""Tax lots and realized P&L (Pub 550 option rules), through the public API on both engines."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from journal.api import Journal
from journal.projections.lots import anniversary, holding_term
from journal.records import lot_record, realized_record


def realized(journal: Journal, **kw) -> list[dict]:
    return [realized_record(r) for r in journal.realized(**kw)]


def pick(records: list[dict], *keys: str) -> list[tuple]:
    return [tuple(r[k] for k in keys) for r in records]


def test_assigned_put_premium_lowers_stock_basis(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-03-01,STO,XYZ240315P50,1,1.50,0.65
        2024-03-15,ASSIGN,XYZ240315P50,1,,
        """)
        ]
    )
    assert journal.realized() == []
    assert [lot_record(lot) for lot in journal.lots()] == [
        {
            "account": "default",
            "instrument": "XYZ",
            "underlying": "XYZ",
            "quantity": "100",
            "opened": "2024-03-15",
            "cost_basis": "4850.65",
            "basis_per_unit": "48.5065",
        }
    ]


def test_full_wheel_gains_match_domain_example_3(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-03-01,STO,XYZ240315P50,1,1.50,0.65
        2024-03-15,ASSIGN,XYZ240315P50,1,,
        2024-03-18,STO,XYZ240419C55,1,1.00,0.65
        2024-04-19,EXPIRE,XYZ240419C55,1,,
        2024-04-22,STO,XYZ240517C52,1,1.20,0.65
        2024-05-17,ASSIGN,XYZ240517C52,1,,
        """)
        ]
    )
    assert pick(
        realized(journal), "instrument", "opened", "closed", "proceeds", "cost_basis", "gain", "term"
    ) == [
        ("XYZ   240419C00055000", "2024-03-18", "2024-04-19", "99.35", "0.00", "99.35", "short"),
        ("XYZ", "2024-03-15", "2024-05-17", "5319.35", "4850.65", "468.70", "short"),
    ]
    assert journal.lots() == []


def test_long_put_exercise_lowers_amount_realized(journal: Journal, write_csv) -> None:
    # Pub 550: the put holder's amount realized on the stock is the strike less the premium paid.
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-05,BUY,ABC,100,55,0
        2024-02-01,BTO,ABC240315P50,1,2.00,0.65
        2024-03-15,EXERCISE,ABC240315P50,1,,
        """)
        ]
    )
    assert pick(realized(journal), "instrument", "quantity", "proceeds", "cost_basis", "gain", "term") == [
        ("ABC", "100", "4799.35", "5500.00", "-700.65", "short"),
    ]


def test_bought_option_that_expires_loses_its_premium_by_its_own_holding_period(
    journal: Journal, write_csv
) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2023-01-03,BTO,SPY250117C500,2,10.00,1.30
        2025-01-17,EXPIRE,SPY250117C500,2,,
        """)
        ]
    )
    assert pick(realized(journal), "quantity", "proceeds", "cost_basis", "gain", "term") == [
        ("2", "0.00", "2001.30", "-2001.30", "long"),
    ]


def test_fees_split_exactly_over_contracts(journal: Journal, write_csv) -> None:
    # DOMAIN: 1.99 over 3 contracts is 0.66333… each, carried exact, rounded at output only.
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-02-01,STO,KO240315P60,3,1.00,1.99
        2024-02-10,BTC,KO240315P60,1,0.50,0
        2024-02-11,BTC,KO240315P60,1,0.50,0
        2024-03-15,EXPIRE,KO240315P60,1,,
        """)
        ]
    )
    rows = journal.realized()
    assert rows[0].proceeds.quantize(Decimal("1e-20")) == Decimal("99.33666666666666666667")
    assert sum(r.proceeds for r in rows) == Decimal("298.01")
    assert pick(realized(journal), "proceeds", "cost_basis", "gain") == [
        ("99.34", "50.00", "49.34"),
        ("99.34", "50.00", "49.34"),
        ("99.34", "0.00", "99.34"),
    ]


def test_selling_shares_not_held_opens_a_short_position_closed_by_a_later_buy(
    journal: Journal, write_csv
) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-04-01,SELL,TSLA,10,200,1
        2024-05-01,BUY,TSLA,10,150,1
        """)
        ]
    )
    assert pick(
        realized(journal), "quantity", "opened", "closed", "proceeds", "cost_basis", "gain", "term"
    ) == [
        ("10", "2024-04-01", "2024-05-01", "1999.00", "1501.00", "498.00", "short"),
    ]


def test_partial_close_keeps_the_rest_of_the_lot(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-02-01,STO,MSFT240315P400,3,2.00,1.95
        2024-02-20,BTC,MSFT240315P400,1,0.50,0.65
        """)
        ]
    )
    assert [lot_record(lot) for lot in journal.lots()] == [
        {
            "account": "default",
            "instrument": "MSFT  240315P00400000",
            "underlying": "MSFT",
            "quantity": "-2",
            "opened": "2024-02-01",
            "cost_basis": "-398.70",
            "basis_per_unit": "1.9935",
        }
    ]


def test_split_scales_shares_and_whole_ratio_options(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-05-01,BUY,NVDX,100,100,0
        2024-05-02,STO,NVDX240621C110,1,3.00,0
        2024-06-10,SPLIT,NVDX,2:1,,
        """)
        ]
    )
    assert pick([lot_record(lot) for lot in journal.lots()], "instrument", "quantity", "cost_basis") == [
        ("NVDX", "200", "10000.00"),
        ("NVDX  240621C00055000", "-2", "-300.00"),
    ]


def test_lots_as_of_a_date_show_what_was_open_then(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,STO,AAPL240119P150,1,2.00,0.65
        2024-01-19,EXPIRE,AAPL240119P150,1,,
        """)
        ]
    )
    assert [lot.quantity for lot in journal.lots(as_of=date(2024, 1, 18))] == [-1]
    assert journal.lots(as_of=date(2024, 1, 19)) == []


def test_expiry_posted_late_closes_on_the_expiration_date(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,STO,AAPL240119P150,1,2.00,0
        2024-01-22,EXPIRE,AAPL240119P150,1,,
        """)
        ]
    )
    assert pick(realized(journal), "closed", "gain") == [("2024-01-19", "200.00")]


@pytest.mark.parametrize(
    ("opened", "closed", "term"),
    [
        (date(2023, 1, 10), date(2024, 1, 10), "short"),
        (date(2023, 1, 10), date(2024, 1, 11), "long"),
        (date(2024, 2, 29), date(2025, 2, 28), "short"),
        (date(2024, 2, 29), date(2025, 3, 1), "long"),
    ],
)
def test_long_term_means_more_than_one_year(opened: date, closed: date, term: str) -> None:
    assert holding_term(opened, closed) == term
    assert anniversary(date(2024, 2, 29)) == date(2025, 2, 28)


HISTORY = [
    ("jan.csv", "2024-01-02,STO,AAPL240119P150,1,2.00,0.65\n2024-01-19,ASSIGN,AAPL240119P150,1,,\n"),
    ("feb.csv", "2024-02-01,STO,AAPL240216C155,1,1.10,0.65\n2024-02-16,EXPIRE,AAPL240216C155,1,,\n"),
    ("mar.csv", "2024-03-01,BUY,AAPL,50,170,0\n2024-03-08,STO,AAPL240315C160,1,2.50,0.65\n"),
    ("apr.csv", "2024-03-15,ASSIGN,AAPL240315C160,1,,\n2024-04-02,SELL,AAPL,50,172,1\n"),
]


def test_shuffled_import_order_gives_identical_books(db_url: str, tmp_path) -> None:
    paths = []
    for name, body in HISTORY:
        path = tmp_path / name
        path.write_text("date,action,symbol,quantity,price,fees\n" + body)
        paths.append(path)
    reference = Journal(f"sqlite:///{tmp_path / 'reference.sqlite'}")
    reference.import_files(paths)
    expected = realized(reference)
    assert pick(expected, "instrument", "quantity", "gain") == [
        ("AAPL  240216C00155000", "1", "109.35"),
        ("AAPL", "100", "1448.70"),  # 16000 + 250 - 0.65 - (15000 - 200 + 0.65)
        ("AAPL", "50", "99.00"),
    ]
    order = paths[:]
    random.Random(7).shuffle(order)
    shuffled = Journal(db_url)
    for path in order:
        shuffled.import_files([path])
    assert realized(shuffled) == expected
    assert [lot_record(x) for x in shuffled.lots()] == [lot_record(x) for x in reference.lots()]
