"""Wash sales and Section 1256 through the public API on both engines (Pub 550; Form 6781)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from journal.api import Journal
from journal.records import lot_record, realized_record
from journal.reports.statements import year_summary
from journal.tax import DEFAULT_POLICY

FIGURES = (
    "instrument",
    "quantity",
    "opened",
    "closed",
    "proceeds",
    "cost_basis",
    "adjustment",
    "gain",
    "term",
)


def realized(journal: Journal, *keys: str) -> list[tuple]:
    return [tuple(realized_record(r)[k] for k in keys) for r in journal.realized()]


def lots(journal: Journal, *keys: str) -> list[tuple]:
    return [tuple(lot_record(x)[k] for k in keys) for x in journal.lots()]


def test_loss_washed_by_put_assignment_moves_into_the_new_lot(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,XYZ,100,60,0
        2024-06-03,SELL,XYZ,100,50,0
        2024-06-10,STO,XYZ240621P48,1,1.00,0
        2024-06-21,ASSIGN,XYZ240621P48,1,,
        """)
        ]
    )
    assert realized(journal, *FIGURES) == [
        ("XYZ", "100", "2024-01-02", "2024-06-03", "5000.00", "6000.00", "1000.00", "0.00", "short"),
    ]
    # DOMAIN example 5: 4800 - 100 + 1000 = 5700; acquired 06-21 moved back by the 153 days held: 01-20.
    assert lots(journal, "quantity", "opened", "cost_basis") == [("100", "2024-01-20", "5700.00")]
    (wash,) = journal.books().washes.washes
    assert (wash.quantity, wash.disallowed, wash.basis_added, wash.replacement_acquired) == (
        100,
        1000,
        1000,
        date(2024, 6, 21),
    )


def test_partial_replacement_disallows_the_loss_pro_rata(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,ABC,100,30,0
        2024-03-01,SELL,ABC,100,25,0
        2024-03-20,BUY,ABC,40,26,0
        """)
        ]
    )
    assert realized(journal, "gain", "adjustment") == [("-300.00", "200.00")]
    assert lots(journal, "quantity", "opened", "cost_basis") == [("40", "2024-01-21", "1240.00")]


def test_shares_bought_in_the_30_days_before_the_sale_replace_the_loss(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,ABC,100,30,0
        2024-02-20,BUY,ABC,100,26,0
        2024-03-01,SELL,ABC,100,25,0
        """)
        ]
    )
    assert realized(journal, "opened", "gain", "adjustment") == [("2024-01-02", "0.00", "500.00")]
    # The Feb 20 lot carries the loss: 2600 + 500, opened 02-20 moved back by the 59 days held: 2023-12-23.
    assert lots(journal, "quantity", "opened", "cost_basis") == [("100", "2023-12-23", "3100.00")]


def test_wash_sales_chain_and_the_loss_is_deferred_not_lost(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,ABC,10,100,0
        2024-02-01,SELL,ABC,10,90,0
        2024-02-10,BUY,ABC,10,85,0
        2024-03-01,SELL,ABC,10,80,0
        2024-03-05,BUY,ABC,10,82,0
        2024-09-03,SELL,ABC,10,95,0
        """)
        ]
    )
    rows = journal.realized()
    assert realized(journal, "closed", "cost_basis", "adjustment", "gain") == [
        ("2024-02-01", "1000.00", "100.00", "0.00"),
        ("2024-03-01", "950.00", "150.00", "0.00"),
        ("2024-09-03", "970.00", "0.00", "-20.00"),
    ]
    # The total gain with washes is the total without: proceeds less the cost of the shares bought.
    assert sum(r.gain for r in rows) == (900 + 800 + 950) - (1000 + 850 + 820)


def test_section_1256_gain_is_split_60_40_and_never_washed(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-03-01,BTO,SPX240315C5000,1,20.00,0
        2024-03-08,STC,SPX240315C5000,1,15.00,0
        2024-03-11,BTO,SPX240315C5000,1,14.00,0
        2024-03-14,STC,SPX240315C5000,1,16.00,0
        """)
        ]
    )
    assert realized(journal, "gain", "adjustment", "term") == [
        ("-500.00", "0.00", "1256"),
        ("200.00", "0.00", "1256"),
    ]
    year = year_summary(journal, 2024)
    assert (year["section_1256_net"], year["realized_long_term"], year["realized_short_term"]) == (
        "-300.00",
        "-180.00",
        "-120.00",
    )


def test_open_section_1256_position_is_marked_to_market_at_year_end(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-12-02,STO,SPXW250117P5800,1,30.00,0
        2024-12-31,MARK,SPXW250117P5800,,22.50,
        2025-01-10,BTC,SPXW250117P5800,1,10.00,0
        """)
        ]
    )
    assert realized(journal, "opened", "closed", "proceeds", "cost_basis", "gain", "term") == [
        ("2024-12-02", "2024-12-31", "3000.00", "2250.00", "750.00", "1256"),
        ("2024-12-02", "2025-01-10", "2250.00", "1000.00", "1250.00", "1256"),
    ]


# -- property: a wash sale defers a loss, it never destroys one ------------------------------------------

import random  # noqa: E402
from datetime import timedelta  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from importers import journal_csv  # noqa: E402
from journal.projections.lots import fold  # noqa: E402


def trading_history(rng: random.Random, trades: int) -> str:
    """Random buys and sells of one stock and one bought call series, days apart, all closed at the end."""
    rows, day, held = [], date(2024, 1, 2), {"ABC": 0, "ABC251219C50": 0}
    for _ in range(trades):
        day += timedelta(days=rng.randint(0, 10))
        symbol = rng.choice(list(held))
        option = symbol != "ABC"
        price = f"{rng.randint(100, 900) / (100 if option else 10):.2f}"
        fees = rng.choice(["0", "0.65", "1.00"])
        if held[symbol] and rng.random() < 0.5:
            quantity = rng.randint(1, held[symbol])
            rows.append(f"{day},{'STC' if option else 'SELL'},{symbol},{quantity},{price},{fees}")
            held[symbol] -= quantity
        else:
            quantity = rng.randint(1, 5 if option else 300)
            rows.append(f"{day},{'BTO' if option else 'BUY'},{symbol},{quantity},{price},{fees}")
            held[symbol] += quantity
    day += timedelta(days=1)
    for symbol, quantity in held.items():
        if quantity:
            rows.append(f"{day},{'STC' if symbol != 'ABC' else 'SELL'},{symbol},{quantity},5.00,0")
    return "date,action,symbol,quantity,price,fees\n" + "\n".join(rows) + "\n"


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), trades=st.integers(1, 30))
def test_total_gain_of_a_closed_history_is_the_same_with_and_without_wash_sales(
    tmp_path_factory, seed, trades
) -> None:
    path = tmp_path_factory.mktemp("wash") / "trades.csv"
    path.write_text(trading_history(random.Random(seed), trades))
    parsed = journal_csv.parse(path)
    assert parsed.errors == []
    events = sorted(parsed.events, key=lambda e: (e.time, e.source.line if e.source else 0))
    with_washes = fold(events, today=date(2025, 12, 1))
    without = fold(events, today=date(2025, 12, 1), wash_sales=False)
    assert with_washes.lots() == [] and without.lots() == []
    # Pro-rata splits divide (0.66333…): equal to far below a cent, the precision the splits are carried at.
    difference = sum(r.gain for r in with_washes.realized) - sum(r.gain for r in without.realized)
    assert abs(difference) < Decimal("1e-20")


# -- accounts: owners, IRAs, lot methods, Form 8949 boxes -------------------------------------------------


def test_wash_sale_across_accounts_of_one_owner(journal: Journal, write_csv) -> None:
    journal.configure_account("TAXABLE", owner="pat")
    journal.configure_account("JOINT", owner="pat")
    journal.configure_account("SPOUSE", owner="sam")
    journal.import_files(
        [
            write_csv("""
        date,account,action,symbol,quantity,price,fees
        2024-01-02,TAXABLE,BUY,XYZ,100,60,0
        2024-06-03,TAXABLE,SELL,XYZ,100,50,0
        2024-06-05,SPOUSE,BUY,XYZ,100,49,0
        2024-06-10,JOINT,BUY,XYZ,100,51,0
        """)
        ]
    )
    assert realized(journal, "account", "adjustment", "gain") == [("TAXABLE", "1000.00", "0.00")]
    assert lots(journal, "account", "opened", "cost_basis") == [
        ("SPOUSE", "2024-06-05", "4900.00"),  # another owner's purchase washes nothing
        ("JOINT", "2024-01-09", "6100.00"),
    ]


def test_a_loss_replaced_in_an_ira_is_lost_for_good(journal: Journal, write_csv) -> None:
    journal.configure_account("IRA", tax_advantaged=True)
    journal.import_files(
        [
            write_csv("""
        date,account,action,symbol,quantity,price,fees
        2024-01-02,TAXABLE,BUY,XYZ,100,60,0
        2024-06-03,TAXABLE,SELL,XYZ,100,50,0
        2024-06-10,IRA,BUY,XYZ,100,51,0
        """)
        ]
    )
    assert realized(journal, "adjustment", "gain") == [("1000.00", "0.00")]
    assert lots(journal, "account", "cost_basis") == [("IRA", "5100.00")]  # Rev. Rul. 2008-5: no basis added
    (wash,) = journal.books().washes.washes
    assert (wash.disallowed, wash.basis_added) == (1000, 0)


def test_lot_methods_choose_which_lots_a_sale_takes(journal: Journal, write_csv) -> None:
    journal.configure_account("L", lot_method="lifo")
    journal.configure_account("H", lot_method="hifo")
    body = "".join(
        f"2024-0{m},{a},BUY,ABC,10,{p},0\n"
        for a in ("F", "L", "H")
        for m, p in (("1-02", 10), ("2-01", 30), ("3-01", 20))
    )
    journal.import_files(
        [
            write_csv(
                "date,account,action,symbol,quantity,price,fees\n"
                + body
                + "2024-04-01,F,SELL,ABC,10,25,0\n2024-04-01,L,SELL,ABC,10,25,0\n"
                + "2024-04-01,H,SELL,ABC,10,25,0\n"
            )
        ]
    )
    assert realized(journal, "account", "opened", "cost_basis", "gain") == [
        ("F", "2024-01-02", "100.00", "150.00"),
        ("L", "2024-03-01", "200.00", "50.00"),
        ("H", "2024-02-01", "300.00", "-50.00"),
    ]
    assert [r.lot_method for r in journal.realized()] == ["fifo", "lifo", "hifo"]


def test_form_8949_box_follows_term_and_basis_reporting(journal: Journal, write_csv) -> None:
    journal.configure_account("OLD", basis_reporting="not-reported")
    journal.configure_account("IRA", tax_advantaged=True)
    journal.import_files(
        [
            write_csv("""
        date,account,action,symbol,quantity,price,fees
        2023-01-03,NEW,BUY,KO,10,50,0
        2024-02-01,NEW,SELL,KO,10,60,0
        2024-01-03,OLD,BUY,KO,10,50,0
        2024-02-01,OLD,SELL,KO,10,60,0
        2024-01-03,IRA,BUY,KO,10,50,0
        2024-02-01,IRA,SELL,KO,10,60,0
        2024-01-03,NEW,STO,SPX240119P4500,1,5,0
        2024-01-19,NEW,EXPIRE,SPX240119P4500,1,,
        """)
        ]
    )
    policies = journal.policies()
    boxes = [
        (r.account, realized_record(r, policies.get(r.account, DEFAULT_POLICY))["box"])
        for r in journal.realized()
    ]
    assert boxes == [("NEW", None), ("NEW", "D"), ("OLD", "B"), ("IRA", None)]


# -- qualified covered calls (IRC 1092) ------------------------------------------------------------------


def test_short_dated_in_the_money_call_restarts_the_holding_period_of_young_shares(
    journal: Journal, write_csv
) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,XYZ,100,50,0
        2024-06-03,MARK,XYZ,,57,
        2024-06-03,STO,XYZ240614C55,1,2.50,0
        2024-06-14,EXPIRE,XYZ240614C55,1,,
        2025-01-03,SELL,XYZ,100,60,0
        """)
        ]
    )
    (call,) = journal.covered_calls()
    assert (call.status, call.closed) == ("not qualified: 11 days to expiry, 30 or less", date(2024, 6, 14))
    # Held from 2024-06-14 (Reg. 1.1092(b)-2T), not 2024-01-02: short term; the date acquired stays.
    assert realized(journal, "instrument", "opened", "term") == [
        ("XYZ   240614C00055000", "2024-06-03", "short"),
        ("XYZ", "2024-01-02", "short"),
    ]


def test_short_dated_out_of_the_money_call_is_flagged_only(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,XYZ,100,50,0
        2024-06-03,STO,XYZ240614C55,1,0.50,0
        2024-06-14,EXPIRE,XYZ240614C55,1,,
        2025-01-03,SELL,XYZ,100,60,0
        """)
        ]
    )
    (call,) = journal.covered_calls()
    assert (call.qualified, call.adjusted) == (False, [])
    assert realized(journal, "instrument", "term")[1] == ("XYZ", "long")


def test_in_the_money_qualified_call_suspends_the_holding_period(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2024-01-02,BUY,ABC,100,50,0
        2024-05-01,MARK,ABC,,51,
        2024-05-01,STO,ABC240719C50,1,4.00,0
        2024-06-03,BTC,ABC240719C50,1,1.00,0
        2025-01-03,SELL,ABC,100,60,0
        2025-02-05,BUY,ABC,100,60,0
        2025-02-06,SELL,ABC,100,61,0
        """)
        ]
    )
    (call,) = journal.covered_calls()
    assert call.status == "in the money (qualified)"
    # Held 2024-01-02 .. 2025-01-03 less the 33 suspended days: not more than a year.
    assert realized(journal, "instrument", "closed", "term")[1] == ("ABC", "2025-01-03", "short")


def test_out_of_the_money_long_dated_call_is_qualified_and_changes_nothing(
    journal: Journal, write_csv
) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees
        2023-06-01,BUY,KO,100,58,0
        2024-05-01,MARK,KO,,60,
        2024-05-01,STO,KO240621C62,1,0.80,0
        2024-06-21,ASSIGN,KO240621C62,1,,
        """)
        ]
    )
    (call,) = journal.covered_calls()
    assert call.status == "qualified" and call.adjusted == []
    assert realized(journal, "instrument", "term") == [("KO", "long")]


def test_a_sale_names_its_lot_or_its_method_in_the_journal_csv(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees,id,lot,lot_method
        2024-01-02,BUY,ABC,10,10,0,B1,,
        2024-02-01,BUY,ABC,10,30,0,B2,,
        2024-03-01,BUY,ABC,10,20,0,B3,,
        2024-04-01,SELL,ABC,10,25,0,S1,B3,
        2024-04-02,SELL,ABC,10,25,0,S2,,lifo
        2024-04-03,SELL,ABC,10,25,0,S3,,
        """)
        ]
    )
    assert realized(journal, "opened", "cost_basis", "gain") == [
        ("2024-03-01", "200.00", "50.00"),  # the lot named B3
        ("2024-02-01", "300.00", "-50.00"),  # LIFO among what is left
        ("2024-01-02", "100.00", "150.00"),  # the account's FIFO
    ]
    assert [r.lot_method for r in journal.realized()] == ["specific", "lifo", "fifo"]


def test_year_end_prices_from_a_prices_csv_mark_section_1256_contracts(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
            date,action,symbol,quantity,price,fees
            2024-12-02,BTO,XSP250117C600,2,5.00,0
            """),
            write_csv("date,symbol,price\n2024-12-31,XSP250117C600,7.25\n", "prices.csv"),
        ]
    )
    assert realized(journal, "closed", "proceeds", "cost_basis", "gain", "term") == [
        ("2024-12-31", "1450.00", "1000.00", "450.00", "1256"),
    ]
    assert lots(journal, "quantity", "cost_basis") == [("2", "1450.00")]


def test_the_lot_column_may_be_spelled_lot_id(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv("""
        date,action,symbol,quantity,price,fees,id,lot_id
        2024-01-02,BUY,ABC,10,10,0,B1,
        2024-02-01,BUY,ABC,10,30,0,B2,
        2024-04-01,SELL,ABC,10,25,0,S1,B2
        """)
        ]
    )
    assert realized(journal, "opened", "gain") == [("2024-02-01", "-50.00")]
