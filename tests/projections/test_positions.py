"""Open positions named by strategy, with collateral, max loss and profit, break-even; and risk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from journal.api import Journal
from journal.projections.positions import capital_total, open_positions
from journal.records import position_record

HEADER = "date,action,symbol,quantity,price,fees,order_id\n"
AS_OF = date(2024, 3, 1)


def positions(journal: Journal, write_csv, rows: str) -> list[dict]:
    journal.import_files([write_csv(HEADER + rows)])
    return [position_record(p, AS_OF) for p in journal.positions(AS_OF)]


def fields(record: dict, *keys: str) -> tuple:
    return tuple(record[k] for k in keys)


FIGURES = ("strategy", "credit", "collateral", "max_loss", "max_profit", "break_even", "capital_at_risk")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            "2024-02-01,STO,KO240315P60,2,1.00,1.30,\n",
            ("cash-secured put", "198.70", "12000.00", "11801.30", "198.70", "59.0065", "12000.00"),
            id="cash-secured put: collateral strike x 100 x 2",
        ),
        pytest.param(
            "2024-02-01,STO,SPY240315P450,1,3.00,0,S1\n2024-02-01,BTO,SPY240315P445,1,1.00,0,S1\n",
            ("bull put spread", "200.00", None, "300.00", "200.00", "448.0000", "300.00"),
            id="bull put spread: (450-445) x 100 - 200",
        ),
        pytest.param(
            "2024-02-01,STO,SPY240315C500,1,2.00,0,S1\n2024-02-01,BTO,SPY240315C510,1,0.50,0,S1\n",
            ("bear call spread", "150.00", None, "850.00", "150.00", "501.5000", "850.00"),
            id="bear call spread",
        ),
        pytest.param(
            "2024-02-01,STO,SPY240315P450,1,3.00,0,S1\n2024-02-01,BTO,SPY240315P445,1,1.00,0,S1\n"
            "2024-02-01,STO,SPY240315C500,1,2.00,0,S1\n2024-02-01,BTO,SPY240315C510,1,0.50,0,S1\n",
            ("iron condor", "350.00", None, "650.00", "350.00", "446.5000 / 503.5000", "650.00"),
            id="iron condor: widest wing 10 x 100 - 350",
        ),
        pytest.param(
            "2024-02-01,STO,QQQ240315P400,1,4.00,0,\n2024-02-01,STO,QQQ240315C450,1,3.00,0,\n",
            ("short strangle", "700.00", None, "unlimited", "700.00", "393.0000 / 457.0000", None),
            id="short strangle opened together without order id",
        ),
        pytest.param(
            "2024-02-01,STO,QQQ240315P420,1,9.00,0,X\n2024-02-01,STO,QQQ240315C420,1,8.00,0,X\n",
            ("short straddle", "1700.00", None, "unlimited", "1700.00", "403.0000 / 437.0000", None),
            id="short straddle",
        ),
        pytest.param(
            "2024-02-01,STO,TSLA240315C250,1,5.00,0,\n",
            ("naked call", "500.00", None, "unlimited", "500.00", "255.0000", None),
            id="naked call: no shares",
        ),
        pytest.param(
            "2024-02-01,BTO,NVDA240315C700,1,20.00,0.65,\n",
            ("long call", "-2000.65", None, "2000.65", None, "720.0065", "2000.65"),
            id="long call",
        ),
        pytest.param(
            "2024-02-01,BTO,NVDA240315P600,1,10.00,0,\n",
            ("long put", "-1000.00", None, "1000.00", "59000.00", "590.0000", "1000.00"),
            id="long put",
        ),
        pytest.param(
            "2024-01-10,BUY,KO,100,58,0,\n2024-02-01,STO,KO240315C62,1,0.80,0,\n",
            ("covered call", "80.00", None, "5720.00", "480.00", "57.2000", "5800.00"),
            id="covered call: shares cover the call",
        ),
        pytest.param(
            "2024-01-10,BUY,KO,100,58,0,\n2024-02-01,STO,KO240315C62,1,0.80,0,C\n2024-02-01,BTO,KO240315P55,1,0.50,0,C\n",
            ("collar", "30.00", None, "270.00", "430.00", "57.7000", "5800.00"),
            id="collar: shares, short call, long put",
        ),
    ],
)
def test_each_strategy_is_named_with_its_figures(
    journal: Journal, write_csv, rows: str, expected: tuple
) -> None:
    (record,) = positions(journal, write_csv, rows)
    assert fields(record, *FIGURES) == expected
    assert record["days_to_expiry"] == 14


def test_shares_beyond_the_calls_stay_a_stock_position(journal: Journal, write_csv) -> None:
    found = positions(
        journal, write_csv, "2024-01-10,BUY,KO,150,58,0,\n2024-02-01,STO,KO240315C62,1,0.80,0,\n"
    )
    assert [fields(r, "strategy", "legs", "capital_at_risk") for r in found] == [
        ("covered call", "100 KO, -1 KO 62 call 15 Mar 24", "5800.00"),
        ("stock", "50 KO", "2900.00"),
    ]


def test_covered_calls_take_their_shares_oldest_first_and_each_share_counts_once(
    journal: Journal, write_csv
) -> None:
    """100 KO at 50 then 100 at 40 (and 50 at 60), two calls: each takes the oldest free shares at their
    own cost, so the capital at risk adds up to the 12,000 the shares cost, as `capital_total` says."""
    rows = (
        "2024-01-10,BUY,KO,100,50,0,\n2024-01-20,BUY,KO,100,40,0,\n2024-01-25,BUY,KO,50,60,0,\n"
        "2024-02-01,STO,KO240315C62,1,0.80,0,\n2024-02-02,STO,KO240315C65,1,0.50,0,\n"
    )
    found = positions(journal, write_csv, rows)
    assert [fields(r, "strategy", "legs", "capital_at_risk", "break_even") for r in found] == [
        ("covered call", "100 KO, -1 KO 62 call 15 Mar 24", "5000.00", "49.2000"),
        ("covered call", "100 KO, -1 KO 65 call 15 Mar 24", "4000.00", "39.5000"),
        ("stock", "50 KO", "3000.00", "60.0000"),
    ]
    assert capital_total(journal.lots(AS_OF)) == (Decimal("12000"), False)


@pytest.mark.parametrize(
    "rows",
    [
        "2024-01-10,BUY,KO,150,58,0,\n2024-02-01,STO,KO240315C62,1,0.80,0,\n2024-02-01,STO,KO240315C64,1,0.80,0,\n",
        "2024-01-10,SELL,KO,100,58,0,\n2024-02-01,STO,KO240315P50,1,0.80,0,\n",
        "2024-02-01,STO,QQQ240315P400,1,4.00,0,\n2024-02-01,STO,QQQ240315C450,1,3.00,0,\n"
        "2024-02-01,STO,SPY240315P450,1,3.00,0,S1\n2024-02-01,BTO,SPY240315P445,1,1.00,0,S1\n",
        "2024-01-10,BUY,KO,100,58,0,\n2024-02-01,STO,KO240315C62,1,0.80,0,C\n2024-02-01,BTO,KO240315P55,1,0.50,0,C\n"
        "2024-02-01,STO,KO240315C66,1,0.30,0,\n",
    ],
    ids=["one call covered, one naked", "short stock", "strangle and spread", "collar and a naked call"],
)
def test_capital_total_is_what_the_positions_add_up_to(journal: Journal, write_csv, rows: str) -> None:
    journal.import_files([write_csv(HEADER + rows)])
    lots = journal.lots(AS_OF)
    built = open_positions(lots)
    expected = (
        sum((p.capital_at_risk for p in built if p.capital_at_risk is not None), Decimal(0)),
        any(p.capital_at_risk is None for p in built),
    )
    assert capital_total(lots) == capital_total(lots, {}) == expected
    assert expected[1]  # each case holds a position of unlimited loss, left out of the total


def test_two_puts_of_one_day_with_different_expiries_are_two_positions(journal: Journal, write_csv) -> None:
    found = positions(
        journal, write_csv, "2024-02-01,STO,KO240315P60,1,1,0,\n2024-02-01,STO,KO240419P58,1,1,0,\n"
    )
    assert [fields(r, "strategy", "collateral") for r in found] == [
        ("cash-secured put", "6000.00"),
        ("cash-secured put", "5800.00"),
    ]


def test_risk_measures_capital_at_risk_against_book_equity(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees,amount
        2024-01-02,DEPOSIT,,,,,100000
        2024-02-01,STO,KO240315P60,1,1.00,0,
        2024-02-01,STO,AAPL240315P150,1,2.00,0,
        """)
        ]
    )
    report = journal.risk(Decimal(3), {"KO": "Consumer Staples"}, as_of=AS_OF)
    assert report.equity == Decimal(100000)
    assert [(e.name, e.capital_at_risk, round(e.pct_of_equity, 2)) for _, e in report.positions] == [
        ("default cash-secured put: AAPL 240315P00150000", Decimal(15000), Decimal("15.00")),
        ("default cash-secured put: KO 240315P00060000", Decimal(6000), Decimal("6.00")),
    ]
    assert [e.name for _, e in report.breaches] == [e.name for _, e in report.positions]
    assert [(e.name, e.capital_at_risk) for e in report.sectors] == [
        ("unclassified", Decimal(15000)),
        ("Consumer Staples", Decimal(6000)),
    ]
    assert journal.risk(Decimal(20), equity=Decimal(200000), as_of=AS_OF).breaches == []
