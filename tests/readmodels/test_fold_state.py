"""A group's fold state is data: a state row that names anything but the project's classes and plain types is
not run but ignored, and the group folded from its first event (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import os
import pickle
from decimal import Decimal

from sqlalchemy import update

from journal import schema
from journal.api import Journal
from journal.partition import PartitionFold
from tests.readmodels.test_incremental import HEADER, table


class _Payload:
    def __reduce__(self):  # what a forged state would carry: a call of os.system
        return (os.system, ("echo forged > /dev/null",))


def test_a_state_naming_a_callable_is_refused() -> None:
    forged = base64.b64encode(pickle.dumps(_Payload())).decode()
    assert PartitionFold.load(forged, {}, {}) is None
    assert PartitionFold.load("not base64 at all!", {}, {}) is None


def test_a_forged_state_row_folds_the_group_from_its_first_event(journal: Journal, write_csv) -> None:
    journal.import_files([write_csv(HEADER + "2024-01-02,A,STO,KO240216P58,1,0.90,0.65,\n", "jan.csv")])
    journal.read_models.refresh()
    rm = schema.read_models
    forged = base64.b64encode(pickle.dumps(_Payload())).decode()
    with journal.store.engine.begin() as conn:
        conn.execute(
            update(rm).where(rm.c.projection == "state", rm.c.partition == "KO").values(payload=forged)
        )
    journal.import_files([write_csv(HEADER + "2024-02-16,A,EXPIRE,KO240216P58,1,,,\n", "feb.csv")])
    assert journal.read_models.refresh() == {"KO"}
    assert journal.read_models.resumed == 0  # the forged state was not taken
    assert [(r.proceeds, r.cost_basis) for r in journal.realized()] == [(Decimal("89.35"), Decimal("0"))]
    incremental = table(journal)
    journal.rebuild()
    assert table(journal) == incremental


def test_cycles_of_two_accounts_opened_the_same_day_keep_their_ids_when_one_closed_long_ago(
    journal: Journal, write_csv
) -> None:
    """Accounts A and B both open a KO wheel on January 2 (ids KO-20240102-A and -B). A's closes in January
    and leaves the state; B's goes on through March: the ids still count A's, as a rebuild gives them."""
    january = (
        "2024-01-02,A,STO,KO240119P58,1,0.90,0,\n2024-01-02,B,STO,KO240216P58,1,1.10,0,\n"
        "2024-01-19,A,EXPIRE,KO240119P58,1,,,\n"
    )
    march = "2024-03-01,B,STO,KO240419P57,1,0.80,0,\n"
    journal.import_files([write_csv(HEADER + january, "jan.csv")])
    journal.read_models.refresh()
    journal.import_files([write_csv(HEADER + "2024-02-16,B,EXPIRE,KO240216P58,1,,,\n", "feb.csv")])
    journal.read_models.refresh()
    journal.import_files([write_csv(HEADER + march, "mar.csv")])
    journal.read_models.refresh()
    assert journal.read_models.resumed == 1
    assert [(c.id, c.status) for c in journal.cycles()] == [
        ("KO-20240102-A", "closed"),
        ("KO-20240102-B", "closed"),
        ("KO-20240301", "open"),
    ]
    incremental = table(journal)
    journal.rebuild()
    assert table(journal) == incremental


def test_two_chains_of_one_id_are_numbered_in_a_rebuild_as_the_roll_fold_numbers_them(
    journal: Journal, write_csv
) -> None:
    """Two puts written on one day in two orders, each rolled and closed: both chains have the id
    `A:XYZ:2024-01-02:XYZ240119P00050000`, the second with `#2`. A fold that takes a state lets the closed
    chains go (`RollPositions.prune`); the fold going on must not count them a second time (a rebuild
    numbered them #2 and #3 when the dump left the dropped chains behind)."""
    from journal.projections import economic_order
    from journal.projections.rolls import roll_chains

    journal.import_files(
        [
            write_csv(
                """
                date,account,action,symbol,quantity,price,fees,order_id
                2024-01-02,A,STO,XYZ240119P50,1,1.00,0,O1
                2024-01-02,A,STO,XYZ240119P50,1,1.10,0,O2
                2024-01-10,A,BTC,XYZ240119P50,1,0.50,0,R1
                2024-01-10,A,STO,XYZ240216P48,1,0.90,0,R1
                2024-01-12,A,BTC,XYZ240119P50,1,0.40,0,R2
                2024-01-12,A,STO,XYZ240216P47,1,0.80,0,R2
                2024-02-16,A,EXPIRE,XYZ240216P48,1,,,
                2024-02-16,A,EXPIRE,XYZ240216P47,1,,,
                2024-05-01,A,STO,XYZ240621P45,1,0.70,0,O3
                """
            )
        ]
    )
    base = "A:XYZ:2024-01-02:XYZ240119P00050000"
    expected = sorted(c.id for c in roll_chains(economic_order(journal.events())))
    assert expected == [base, f"{base}#2"]
    journal.rebuild()
    assert sorted(r["id"] for r in journal.rolls()) == expected
