"""Read models: an import recomputes only what it touched, and the result equals a full rebuild, whatever the
order and the slicing of the files (SQLite and PostgreSQL)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from journal import schema
from journal.api import Journal
from tests.projections.test_cycles import wheel_history


def history(seed: int) -> list[str]:
    """Two wheels (XYZ and its twin ABC in a second account), some account-level cash, a split."""
    rng = random.Random(seed)
    xyz = wheel_history(rng, 25).splitlines()[1:]
    abc = [line.replace("XYZ", "ABC") for line in wheel_history(rng, 25).splitlines()[1:]]
    rows = [f"{line.split(',', 1)[0]},A,{line.split(',', 1)[1]}" for line in xyz]
    rows += [f"{line.split(',', 1)[0]},B,{line.split(',', 1)[1]}" for line in abc]
    rows += [
        "2024-01-02,A,DEPOSIT,,,,,10000",
        "2024-03-28,B,INTEREST,,,,,3.10",
        "2024-04-15,A,SPLIT,XYZ,2:1,,,",
    ]
    return rows


def snapshot(journal: Journal) -> dict[str, list[str]]:
    rm = schema.read_models
    with journal.store.engine.connect() as conn:
        rows = conn.execute(select(rm.c.projection, rm.c.partition, rm.c.payload))
        out: dict[str, list[str]] = {}
        for projection, partition, payload in rows:
            out.setdefault(f"{projection}/{partition}", []).append(payload)
    return {k: sorted(v) for k, v in out.items()}


HEADER = "date,account,action,symbol,quantity,price,fees,amount\n"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), pieces=st.integers(1, 5), order=st.randoms(use_true_random=False))
def test_incremental_imports_equal_a_full_rebuild(db_url: str, tmp_path_factory, seed, pieces, order) -> None:
    rows = history(seed)
    order.shuffle(rows)
    folder = tmp_path_factory.mktemp("slices")
    journal = Journal(db_url)
    try:
        journal.rebuild()  # start from an empty, checkpointed journal: every import below is incremental
        for i in range(pieces):
            path = folder / f"part{i}.csv"
            path.write_text(HEADER + "\n".join(rows[i::pieces]) + "\n")
            journal.import_files([path])
            journal.read_models.refresh()  # what the next query does
        incremental = snapshot(journal)
        assert journal.read_models.refresh() == set()  # nothing left to do
        journal.rebuild()
        assert snapshot(journal) == incremental
        assert any(key.startswith("realized/") for key in incremental)
    finally:
        journal.store.engine.dispose()


def test_an_import_recomputes_only_the_partitions_it_touched(journal: Journal, write_csv) -> None:
    journal.import_files(
        [write_csv(HEADER + "2024-01-02,A,STO,KO240119P60,1,1,0,\n2024-01-03,A,STO,SPY240119P450,1,2,0,\n")]
    )
    assert journal.read_models.refresh() is None  # the first query builds every read model
    more = write_csv(HEADER + "2024-01-19,A,EXPIRE,KO240119P60,1,,,\n", "more.csv")
    journal.import_files([more])
    assert journal.read_models.refresh() == {"KO"}
    assert [r.instrument.name for r in journal.realized()] == ["KO    240119P00060000"]


def test_a_new_projection_version_rebuilds_by_itself(journal: Journal, write_csv, monkeypatch) -> None:
    journal.import_files([write_csv(HEADER + "2024-01-02,A,STO,KO240119P60,1,1,0,\n")])
    monkeypatch.setattr("journal.readmodels.PROJECTION_VERSION", "test-next")
    assert journal.read_models.refresh() is None  # None: everything was rebuilt
    assert journal.read_models.checkpoint()[0].startswith("test-next/")


def test_every_table_carries_the_distribution_key() -> None:
    # docs/scaling.md: on Citus every table is distributed (or co-located) by owner.
    for table in schema.metadata.tables.values():
        assert "owner" in table.columns, table.name


def test_concurrent_catch_ups_leave_one_copy_of_each_row(db_url: str, write_csv) -> None:
    from concurrent.futures import ThreadPoolExecutor

    first = Journal(db_url)
    first.import_files(
        [write_csv(HEADER + "2024-01-02,A,STO,KO240119P60,1,1,0,\n2024-01-19,A,EXPIRE,KO240119P60,1,,,\n")]
    )
    journals = [Journal(db_url) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda j: j.read_models.refresh(), journals))
    assert len(first.realized()) == 1
    assert len(snapshot(first)["realized/KO"]) == 1


def test_parallel_projection_in_processes_equals_projection_in_process(
    db_url: str, tmp_path, monkeypatch
) -> None:
    """Rebuild and catch-up project partitions in worker processes when there are many (forced here)."""
    import journal.readmodels as readmodels

    rows = history(11)
    journal = Journal(db_url)
    try:
        journal.rebuild()
        (tmp_path / "early.csv").write_text(HEADER + "\n".join(rows[::2]) + "\n")
        journal.import_files([tmp_path / "early.csv"])
        journal.read_models.rebuild(workers=1)
        (tmp_path / "late.csv").write_text(HEADER + "\n".join(rows[1::2]) + "\n")
        journal.import_files([tmp_path / "late.csv"])
        monkeypatch.setattr(readmodels, "_PARALLEL_FROM", 2)
        assert journal.read_models.refresh() == {"", "ABC", "XYZ"}  # caught up in worker processes
        caught_up = snapshot(journal)
        monkeypatch.setattr(readmodels, "_PARALLEL_FROM", 1_000)
        journal.read_models.rebuild(workers=1)
        assert snapshot(journal) == caught_up
        assert len(caught_up["snapshots/XYZ"]) >= 3
    finally:
        journal.store.engine.dispose()
