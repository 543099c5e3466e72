"""Wheel cycles: when they open and close, their cash, and the break-even kept apart from the tax basis."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from importers import journal_csv
from journal.api import Journal
from journal.projections.cycles import Cycle, build_cycles
from journal.projections.lots import RealizedRow, fold
from journal.records import cycle_record, cycle_step_record

HEADER = "date,action,symbol,quantity,price,fees,amount\n"


def summary(cycle: Cycle, *keys: str) -> tuple:
    record = cycle_record(cycle)
    return tuple(record[k] for k in keys)


def test_full_wheel_net_cash_is_its_realized_gains(journal: Journal, write_csv) -> None:
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
    (cycle,) = journal.cycles()
    assert summary(
        cycle, "id", "opened", "closed", "premium_collected", "fees", "net_cash", "break_even"
    ) == ("XYZ-20240301", "2024-03-01", "2024-05-17", "370.00", "1.95", "568.05", None)
    assert cycle.net_cash == sum(r.gain for r in journal.realized())


def test_open_wheel_shows_break_even_beside_tax_basis(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees,amount
        2024-03-01,STO,XYZ240315P50,1,1.50,0.65,
        2024-03-15,ASSIGN,XYZ240315P50,1,,,
        2024-03-18,STO,XYZ240419C55,1,1.00,0.65,
        2024-04-19,EXPIRE,XYZ240419C55,1,,,
        2024-04-25,DIVIDEND,XYZ,,,,24.00
        2024-04-26,FEE,XYZ,,,,-2.00
        """)
        ]
    )
    (cycle,) = journal.cycles(status="open")
    # net cash 150 - 0.65 - 5000 + 100 - 0.65 + 24 - 2 = -4729.30; tax basis ignores the call and dividend.
    assert summary(cycle, "shares", "dividends", "fees", "net_cash", "break_even", "tax_basis_per_share") == (
        "100",
        "24.00",
        "3.30",
        "-4729.30",
        "47.2930",
        "48.5065",
    )


def test_expiry_and_new_sale_on_one_day_stay_in_one_cycle(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,STO,AAPL240119P150,1,2.00,0
        2024-01-19,STO,AAPL240216P150,1,2.50,0
        2024-01-19,EXPIRE,AAPL240119P150,1,,
        2024-02-16,EXPIRE,AAPL240216P150,1,,
        2024-02-20,STO,AAPL240315P145,1,1.00,0
        """)
        ]
    )
    assert [summary(c, "opened", "closed", "status", "net_cash") for c in journal.cycles()] == [
        ("2024-01-02", "2024-02-16", "closed", "450.00"),
        ("2024-02-20", None, "open", "100.00"),
    ]


def test_dividend_paid_after_the_shares_are_gone_counts_in_the_last_cycle(
    journal: Journal, write_csv
) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees,amount
        2024-01-02,BUY,KO,100,60,0,
        2024-02-01,SELL,KO,100,61,0,
        2024-02-15,DIVIDEND,KO,,,,48.50
        """)
        ]
    )
    (cycle,) = journal.cycles()
    assert summary(cycle, "closed", "dividends", "net_cash") == ("2024-02-01", "48.50", "148.50")


def test_same_underlying_in_two_accounts_are_two_cycles_with_distinct_ids(
    journal: Journal, write_csv
) -> None:
    journal.import_files(
        [
            write_csv("""
        date,account,action,symbol,quantity,price,fees
        2024-01-02,IRA,STO,SPY240119P450,1,2.00,0
        2024-01-02,TAXABLE,STO,SPY240119P450,1,2.00,0
        """)
        ]
    )
    assert sorted(c.id for c in journal.cycles()) == ["SPY-20240102-IRA", "SPY-20240102-TAXABLE"]


def test_cycle_timeline_tells_the_story_with_running_figures(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,STO,AAPL240119P150,1,2.10,0.65
        2024-01-19,ASSIGN,AAPL240119P150,1,,
        2024-01-22,STO,AAPL240216C155,1,1.00,0.65
        """)
        ]
    )
    cycle = journal.cycle("aapl-20240102")
    assert cycle is not None
    assert [tuple(cycle_step_record(s).values()) for s in cycle.steps] == [
        (
            "2024-01-02",
            "sold 1 AAPL 150 put 19 Jan 24 for 2.10",
            "209.35",
            "0",
            "209.35",
            None,
            "trades.csv:2",
        ),
        (
            "2024-01-19",
            "assigned 100 sh at 150 (1 AAPL 150 put 19 Jan 24)",
            "-15000.00",
            "100",
            "-14790.65",
            "147.9065",
            "trades.csv:3",
        ),
        (
            "2024-01-22",
            "sold 1 AAPL 155 call 16 Feb 24 for 1.00",
            "99.35",
            "100",
            "-14691.30",
            "146.9130",
            "trades.csv:4",
        ),
    ]


# -- property: a closed cycle's profit is the sum of its realized gains plus its dividends ------------------


def wheel_history(rng: random.Random, weeks: int) -> str:
    """A random but consistent wheel on one stock: puts expire, are bought back or assigned; assigned shares
    get calls that expire, are bought back or are called away at a strike at or above the put's (so no
    stock sale is a loss and no wash sale can arise); dividends while shares are held."""
    rows, day, shares, put_strike = [], date(2024, 1, 1), 0, 0
    for _ in range(weeks):
        day += timedelta(days=7)
        expiry = day + timedelta(days=4)
        fees = rng.choice(["0", "0.65", "1.30", "0.01"])
        premium = f"{rng.randint(5, 400) / 100:.2f}"
        if shares == 0:
            put_strike = rng.randint(40, 60)
            symbol = f"XYZ{expiry:%y%m%d}P{put_strike}"
            rows.append(f"{day},STO,{symbol},1,{premium},{fees},")
            end = rng.choice(["EXPIRE", "BTC", "ASSIGN"])
        else:
            symbol = f"XYZ{expiry:%y%m%d}C{put_strike + rng.randint(0, 5)}"
            rows.append(f"{day},STO,{symbol},1,{premium},{fees},")
            if rng.random() < 0.3:
                rows.append(
                    f"{day + timedelta(days=1)},DIVIDEND,XYZ,,,,{rng.randint(1, 90)}.{rng.randint(0, 99):02d}"
                )
            end = rng.choice(["EXPIRE", "BTC", "ASSIGN"])
        if end == "BTC":
            rows.append(f"{day + timedelta(days=2)},BTC,{symbol},1,{rng.randint(1, 500) / 100:.2f},{fees},")
        else:
            rows.append(f"{expiry},{end},{symbol},1,,,")
            if end == "ASSIGN":
                shares = 100 if shares == 0 else 0
    return HEADER + "\n".join(rows) + "\n"


def check_closed_cycles(cycles: list[Cycle], realized: list[RealizedRow]) -> int:
    closed = [c for c in cycles if c.closed is not None]
    for cycle in closed:
        gains = sum(
            (
                r.gain
                for r in realized
                if r.account == cycle.account
                and r.underlying == cycle.underlying
                and cycle.opened <= r.closed <= cycle.closed
            ),  # type: ignore[operator]
            Decimal(0),
        )
        assert cycle.net_cash == gains + cycle.dividends, cycle.id
    return len(closed)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), weeks=st.integers(1, 40))
def test_closed_cycle_net_cash_equals_realized_gains_plus_dividends(
    tmp_path_factory, seed: int, weeks: int
) -> None:
    path = tmp_path_factory.mktemp("wheel") / "wheel.csv"
    path.write_text(wheel_history(random.Random(seed), weeks))
    parsed = journal_csv.parse(path)
    assert parsed.errors == []
    events = sorted(parsed.events, key=lambda e: (e.time, e.source.line if e.source else 0))
    check_closed_cycles(build_cycles(events), fold(events).realized)


def test_generated_wheel_through_the_store_keeps_the_property(journal: Journal, tmp_path) -> None:
    path = tmp_path / "wheel.csv"
    path.write_text(wheel_history(random.Random(2024), 60))
    journal.import_files([path])
    assert check_closed_cycles(journal.cycles(), journal.realized()) >= 5
