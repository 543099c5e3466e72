"""Voids in a real journal (SQLite and PostgreSQL): a voided event leaves every listing, read model and report
at once, a re-import gives it back, voiding again takes it back again, and the hash chain holds throughout.
Figures by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from journal.api import Journal
from journal.events import EventVoided, Unresolved
from journal.reports.statements import monthly_statement
from journal.voids import NothingToVoid, void_key

D = Decimal
HEADER = "date,account,action,symbol,quantity,price,fees,amount,id\n"
# An AAPL put sold and expired, a deposit: closed at a gain of 2.00 × 100 − 0.65 = 199.35.
JANUARY = HEADER + (
    "2024-01-02,A,DEPOSIT,,,,,10000,a1\n"
    "2024-01-02,A,STO,AAPL240119P150,1,2.00,0.65,,a2\n"
    "2024-01-19,A,EXPIRE,AAPL240119P150,1,,,,a3\n"
)
# A KO put sold (0.80 a share, still open) and a KO dividend.
FEBRUARY = HEADER + ("2024-02-01,A,STO,KO240315P60,1,0.80,0.65,,b1\n2024-02-05,A,DIVIDEND,KO,,,,12.00,b2\n")


def both(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(JANUARY, "january.csv"), write_csv(FEBRUARY, "february.csv")])


def void_file(journal: Journal, name: str, reason: str = "wrong file") -> int:
    done = journal.void(journal.void_plan(file=name), reason)
    assert done.import_id is not None
    return done.import_id


def test_voiding_a_file_takes_its_events_out_of_every_listing_at_once(journal: Journal, write_csv) -> None:
    both(journal, write_csv)
    assert [lot.instrument.name for lot in journal.lots()] == ["KO    240315P00060000"]
    assert monthly_statement(journal, "2024-02")["premium_collected"] == "80.00"
    void_file(journal, "february.csv")
    assert journal.lots() == []
    assert [(r.underlying, r.proceeds) for r in journal.realized()] == [("AAPL", D("199.35"))]
    assert [c.underlying for c in journal.cycles()] == ["AAPL"]
    february = monthly_statement(journal, "2024-02")
    assert (february["premium_collected"], february["dividends"]) == ("0.00", "0.00")
    assert journal.cash() == D("10199.35")
    assert [s.event.key for s in journal.events()] == [
        e.key for e in (s.event for s in journal.store.read()) if e.source and e.source.file == "january.csv"
    ]
    assert journal.verify().ok


def test_a_void_is_stored_in_the_voided_events_partition_account_and_time(
    journal: Journal, write_csv
) -> None:
    both(journal, write_csv)
    void_file(journal, "february.csv")
    voids = [s.event for s in journal.store.read(partitions=["KO"]) if isinstance(s.event, EventVoided)]
    assert [(v.underlying, v.account, v.time, v.reason) for v in voids] == [
        ("KO", "A", datetime(2024, 2, 1), "wrong file"),
        ("KO", "A", datetime(2024, 2, 5), "wrong file"),
    ]


def test_reimporting_a_voided_file_restores_it_and_voiding_again_appends_new_voids(
    journal: Journal, write_csv
) -> None:
    both(journal, write_csv)
    void_file(journal, "february.csv")
    [again] = journal.import_files([write_csv(FEBRUARY, "february.csv")])
    assert (again.events_added, again.duplicates, again.restored) == (0, 2, 2)
    assert [lot.instrument.name for lot in journal.lots()] == ["KO    240315P00060000"]
    assert journal.voided() == []
    void_file(journal, "february.csv", "wrong again")
    assert journal.lots() == []
    [voided, _] = journal.voided()
    assert (voided.void.reason, voided.void.key) == ("wrong again", void_key(voided.stored.event.key, 1))
    [third] = journal.import_files([write_csv(FEBRUARY, "february.csv")])
    assert third.restored == 2 and len(journal.lots()) == 1
    [fourth] = journal.import_files([write_csv(FEBRUARY, "february.csv")])
    assert (fourth.events_added, fourth.restored, fourth.import_id) == (0, 0, None)  # nothing left to restore
    assert journal.verify().ok


def test_voiding_a_voids_import_restores_what_it_voided(journal: Journal, write_csv) -> None:
    both(journal, write_csv)
    voids = void_file(journal, "february.csv")
    journal.void(journal.void_plan(import_id=voids), "undo")
    assert len(journal.lots()) == 1 and journal.voided() == []
    assert journal.verify().ok


def test_a_plan_counts_by_type_and_file_and_skips_what_is_voided_already(journal: Journal, write_csv) -> None:
    both(journal, write_csv)
    [january_import, _] = [r.id for r in journal.imports()]
    plan = journal.void_plan(import_id=january_import)
    assert plan.by_type() == {"CashMoved": 1, "OptionExpired": 1, "TradeExecuted": 1}
    assert [(f, n) for f, _, n in plan.files()] == [("january.csv", 3)]
    assert [d.isoformat() for d in plan.span() or ()] == ["2024-01-02", "2024-01-19"]
    sha256 = plan.files()[0][1]
    assert sha256 is not None
    journal.void(journal.void_plan(file=sha256), "")  # by its SHA-256, as the sources give it
    later = journal.void_plan(import_id=january_import)
    assert (len(later.targets), len(later.already_voided)) == (0, 3)


def test_unknown_keys_files_and_imports_are_said(journal: Journal, write_csv) -> None:
    both(journal, write_csv)
    assert journal.void_plan(keys=["nope"]).missing == ["nope"]
    with pytest.raises(NothingToVoid):
        journal.void_plan(file="march.csv")
    with pytest.raises(NothingToVoid):
        journal.void_plan(import_id=99)


def test_voiding_the_last_file_gives_back_the_options_it_assumed_expired(journal: Journal, write_csv) -> None:
    # The KO put expires 2024-03-15; an April deposit takes the account's horizon past it, so the books
    # assume it expired. Voided, the deposit no longer counts and the put is open again, as the broker's
    # February file shows it.
    journal.import_files(
        [
            write_csv(FEBRUARY, "february.csv"),
            write_csv(HEADER + "2024-04-01,A,DEPOSIT,,,,,500,c1\n", "april.csv"),
        ]
    )
    assert journal.lots() == [] and len(journal.assumed_expiries()) == 1
    void_file(journal, "april.csv")
    assert [lot.instrument.name for lot in journal.lots()] == ["KO    240315P00060000"]
    assert journal.assumed_expiries() == []


def test_a_voided_unresolved_row_no_longer_marks_its_underlying(journal: Journal) -> None:
    row = Unresolved(
        account="A",
        time=datetime(2024, 5, 1),
        key="u1",
        reason="a merger",
        raw="MERGER,XYZ",
        symbols=("XYZ",),
    )
    journal.store.append([row])
    assert [g.event.key for g in journal.unresolved()] == ["u1"]
    assert list(journal.incomplete()) == ["XYZ"]
    journal.void(journal.void_plan(keys=["u1"]), "not mine")
    assert journal.unresolved() == [] and journal.incomplete() == {}


def test_a_voided_transfer_is_no_longer_basis_missing(journal: Journal, write_csv) -> None:
    journal.import_files(
        [write_csv("date,account,action,symbol,quantity\n2024-03-01,A,TRANSFER_IN,KO,100\n")]
    )
    [missing] = journal.basis_missing()
    journal.void(journal.void_plan(keys=[missing.key]), "")
    assert journal.basis_missing() == [] and journal.lots() == []


def test_a_voided_file_is_no_lookalike_of_the_same_facts_from_another(journal: Journal, write_csv) -> None:
    first = HEADER + "2024-01-02,A,STO,AAPL240119P150,1,2.00,0.65,,x1\n"
    second = HEADER + "2024-01-02,A,STO,AAPL240119P150,1,2.00,0.65,,y1\n"
    journal.import_files([write_csv(first, "ofx-like.csv")])
    [left_out] = journal.import_files([write_csv(second, "csv-like.csv")])
    assert (left_out.events_added, len(left_out.lookalikes)) == (0, 1)
    void_file(journal, "ofx-like.csv")
    [landed] = journal.import_files([write_csv(second, "csv-like.csv")])
    assert (landed.events_added, landed.lookalikes) == (1, [])


def test_a_voided_setting_gives_back_the_one_before(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(JANUARY)])
    journal.configure_account("A", lot_method="lifo")
    [setting] = [s.event for s in journal.events() if s.event.type_name == "AccountConfigured"]
    assert journal.policies()["A"].lot_method == "lifo"
    journal.void(journal.void_plan(keys=[setting.key]), "")
    assert "A" not in journal.policies()
    journal.configure_account("A", lot_method="hifo")  # a new setting gets a key of its own
    assert journal.policies()["A"].lot_method == "hifo"


def test_an_account_whose_every_event_is_voided_is_no_longer_listed(journal: Journal, write_csv) -> None:
    journal.import_files(
        [write_csv(JANUARY, "january.csv"), write_csv(FEBRUARY.replace(",A,", ",B,"), "b.csv")]
    )
    assert journal.accounts() == ["A", "B"]
    void_file(journal, "b.csv")
    assert journal.accounts() == ["A"]
    journal.import_files([write_csv(FEBRUARY.replace(",A,", ",B,"), "b.csv")])  # restored
    assert journal.accounts() == ["A", "B"]
    [dividend] = [
        s.event for s in journal.events() if s.event.account == "B" and s.event.type_name == "CashMoved"
    ]
    journal.void(journal.void_plan(keys=[dividend.key]), "")
    assert journal.accounts() == ["A", "B"]  # its put still counts
