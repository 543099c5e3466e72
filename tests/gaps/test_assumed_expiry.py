"""Options past expiry with no closing row expire by themselves once the account's files go on past them
(a partial history); a real row imported later replaces the assumption; a journal whose files simply end
keeps its last options open. Figures by hand; both engines."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from journal.api import Journal

D = Decimal
HEADER = "date,account,action,symbol,quantity,price,fees,amount\n"
SOLD = HEADER + "2024-01-05,A,STO,KO240119P55,1,1.00,0.65,\n"
# The account's next export starts in March: January's put expired in the months not exported.
LATER = HEADER + "2024-03-01,A,INTEREST,,,,,1.25\n"


def test_an_option_open_when_the_files_end_stays_open(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(SOLD)])
    assert journal.realized() == []
    assert [lot.instrument.name for lot in journal.lots()] == ["KO    240119P00055000"]


def test_an_option_the_files_go_past_is_assumed_expired(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(SOLD)])
    assert journal.read_models.refresh() is None  # built, with the put open
    journal.import_files([write_csv(LATER, "march.csv")])
    # The import touched only the cash partition, but the account's horizon passed the put: KO is refolded.
    assert journal.read_models.refresh() == {"", "KO"}
    [row] = journal.realized()
    # The writer keeps the premium: 100 − 0.65 = 99.35 on the expiration date.
    assert (row.closed, row.proceeds, row.cost_basis, row.assumed) == (date(2024, 1, 19), D("99.35"), 0, True)
    [assumed] = journal.assumed_expiries()
    assert (assumed.instrument.name, assumed.quantity, assumed.expired) == (
        "KO    240119P00055000",
        -1,
        date(2024, 1, 19),
    )
    assert journal.lots() == []
    # Within the wait the option is still open; after it, gone.
    assert [lot.instrument.name for lot in journal.lots(as_of=date(2024, 1, 22))] == ["KO    240119P00055000"]
    assert journal.lots(as_of=date(2024, 1, 25)) == []


def test_another_accounts_files_say_nothing_of_this_one(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(SOLD), write_csv(LATER.replace(",A,", ",B,"), "b.csv")])
    assert journal.assumed_expiries() == []


def test_a_real_assignment_replaces_the_assumption(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(SOLD), write_csv(LATER, "march.csv")])
    assert len(journal.assumed_expiries()) == 1
    journal.import_files([write_csv(HEADER + "2024-01-19,A,ASSIGN,KO240119P55,1,,,\n", "jan.csv")])
    assert journal.assumed_expiries() == []
    assert journal.realized() == []
    [lot] = journal.lots()
    # 100 shares at 55 less the 99.35 premium: 5,400.65.
    assert (lot.instrument.name, lot.quantity, lot.cost_basis) == ("KO", D(100), D("5400.65"))


def test_an_assignment_posted_days_late_still_finds_the_option(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv(SOLD + "2024-01-19,A,STO,KO240216P50,1,0.40,0,\n"),
            write_csv(HEADER + "2024-01-23,A,ASSIGN,KO240119P55,1,,,\n", "late.csv"),
            write_csv(LATER, "march.csv"),
        ]
    )
    # Only the February put, which no file closed, is assumed expired.
    assert [a.instrument.name for a in journal.assumed_expiries()] == ["KO    240216P00050000"]
    assert [lot.instrument.name for lot in journal.lots(as_of=date(2024, 1, 31))] == [
        "KO    240216P00050000",
        "KO",
    ]


def test_a_wheel_closes_on_the_assumed_expiry_and_tells_it(
    journal: Journal, write_csv, db_url: str, tj
) -> None:
    journal.import_files(
        [write_csv(SOLD + "2024-02-01,A,STO,KO240216P50,1,0.40,0,\n"), write_csv(LATER, "m.csv")]
    )
    cycles = journal.cycles()
    # The January put ends its cycle on its expiration day; February's sale starts the next one.
    assert [(c.id, c.opened, c.closed, c.net_cash) for c in cycles] == [
        ("KO-20240105", date(2024, 1, 5), date(2024, 1, 19), D("99.35")),
        ("KO-20240201", date(2024, 2, 1), date(2024, 2, 16), D("40")),
    ]
    story = journal.cycle("KO-20240105")
    assert story is not None
    assert [(s.event.type_name, s.event.key.startswith("assumed-expiry:")) for s in story.steps] == [
        ("TradeExecuted", False),
        ("OptionExpired", True),
    ]
    shown = tj("cycle", "show", "KO-20240105", "--format", "json", db=db_url, check=True).stdout
    assert "expired (assumed: no row of it in any file)" in shown
    listed = json.loads(tj("events", "--format", "json", db=db_url, check=True).stdout)
    assert [(e["seq"], e["time"], e["what"]) for e in listed if e["seq"] is None] == [
        (None, "2024-01-19T23:59:59", "1 KO 55 put 19 Jan 24 expired (assumed: no row of it in any file)"),
        (None, "2024-02-16T23:59:59", "1 KO 50 put 16 Feb 24 expired (assumed: no row of it in any file)"),
    ]
