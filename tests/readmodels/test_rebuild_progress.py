"""A rebuild tells its progress: the events each group folded, as its rows are written, adding up to every
event recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

from journal.api import Journal
from tests.readmodels.test_incremental import HEADER


def test_a_rebuild_counts_every_event_once(journal: Journal, write_csv) -> None:
    rows = (
        "2024-01-02,A,DEPOSIT,,,,,10000\n2024-01-02,A,STO,KO240119P58,1,0.90,0,\n"
        "2024-01-03,A,STO,SPY240119P450,1,2.00,0,\n2024-01-19,A,EXPIRE,KO240119P58,1,,,\n"
    )
    journal.import_files([write_csv(HEADER + rows)])
    calls: list[int] = []
    journal.rebuild(on_progress=calls.append)
    assert sum(calls) == journal.store.last_seq() == 4
    assert sorted(calls) == [1, 1, 2]  # "" (the deposit), KO (sale and expiry), SPY
