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


def test_an_import_tells_the_events_it_wrote_once_each(journal: Journal, write_csv) -> None:
    """The store tells running totals per file; the API turns them into the rows since its last call."""
    rows = "".join(
        f"2024-01-{2 + i % 20:02d},A,STO,KO240119P{50 + i % 7},1,0.{10 + i},0,\n" for i in range(30)
    )
    first = write_csv(HEADER + rows, "first.csv")
    second = write_csv(HEADER + "2024-01-25,A,DEPOSIT,,,,,500\n", "second.csv")
    calls: list[int] = []
    journal.import_files([first, second], on_progress=calls.append)
    assert sum(calls) == journal.store.last_seq() == 31
    assert all(n > 0 for n in calls)
