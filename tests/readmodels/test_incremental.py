"""Read models: an import recomputes only what it touched, and the result equals a full rebuild, whatever the
order and the slicing of the files (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import random
from datetime import date
from decimal import Decimal

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
        # The folds' states are left out: pickles that two folds to the same point may lay out differently.
        rows = conn.execute(
            select(rm.c.projection, rm.c.partition, rm.c.payload).where(rm.c.projection != "state")
        )
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
        incremental = table(journal)
        assert journal.read_models.refresh() == set()  # nothing left to do
        journal.rebuild()
        assert table(journal) == incremental
        assert any(row[0] == "realized" for row in incremental)
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
    monkeypatch.setattr("journal.versions.PROJECTION_VERSION", "test-next")
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


def table(journal: Journal) -> list[tuple]:
    """Every read-model row with its place (projection, partition, ord), but the folds' states (pickles of
    the fold, which two folds to the same point may lay out differently)."""
    rm = schema.read_models
    query = select(rm.c.projection, rm.c.partition, rm.c.ord, rm.c.account, rm.c.day, rm.c.payload).where(
        rm.c.projection != "state"
    )
    with journal.store.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(query))


_EXAMPLES = itertools.count()


def _suffix(n: int) -> str:
    """No suffix for the first example, then letters: B, C, ... Z, BA, BB, ..."""
    out = ""
    while n:
        n, digit = divmod(n, 26)
        out = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + out
    return out


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(1, 11), min_size=1, max_size=4, unique=True))
def test_months_imported_in_order_go_on_from_the_state_and_equal_a_full_rebuild(
    db_url: str, tmp_path_factory, seed, cuts
) -> None:
    """A history cut at month ends (each import's events after the last's): each touched wheel goes on from
    its state, and every row, in its place, is what a rebuild from the first event writes."""
    # Hypothesis runs every example on the same database: each example's wheels get symbols of their own
    # (XYZ, XYZB, XYZC...), or a later example's months would fall among an earlier one's days.
    suffix = _suffix(next(_EXAMPLES))
    rows = sorted(r.replace("XYZ", f"XYZ{suffix}").replace("ABC", f"ABC{suffix}") for r in history(seed))
    months = sorted({r[:7] for r in rows})
    edges = sorted({months[1 + c % (len(months) - 1)] for c in cuts})  # at least two imports
    folder = tmp_path_factory.mktemp("months")
    journal = Journal(db_url)
    try:
        journal.rebuild()
        resumed = 0
        for i, (lo, hi) in enumerate(zip(["0000-00", *edges], [*edges, "9999-99"], strict=True)):
            part = [r for r in rows if lo <= r[:7] < hi]
            if not part:
                continue
            path = folder / f"m{i}.csv"
            path.write_text(HEADER + "\n".join(part) + "\n")
            journal.import_files([path])
            journal.read_models.refresh()
            resumed += journal.read_models.resumed
        incremental = table(journal)
        journal.rebuild()
        assert table(journal) == incremental
        assert resumed > 0  # the later months went on from the states, not from the first event
    finally:
        journal.store.engine.dispose()


def test_a_month_inserted_before_the_history_folds_from_the_first_event(journal: Journal, write_csv) -> None:
    """A month imported after later ones cannot go on from the state (it comes before it): the wheel is
    folded from its first event, and equals a rebuild."""
    late = "2024-03-01,A,STO,KO240419P60,1,1.20,0.65,\n2024-04-19,A,EXPIRE,KO240419P60,1,,,\n"
    early = "2024-01-02,A,STO,KO240216P58,1,0.90,0.65,\n2024-02-16,A,ASSIGN,KO240216P58,1,,,\n"
    journal.import_files([write_csv(HEADER + late, "late.csv")])
    journal.read_models.refresh()
    journal.import_files([write_csv(HEADER + early, "early.csv")])
    assert journal.read_models.refresh() == {"KO"}
    assert journal.read_models.resumed == 0
    incremental = table(journal)
    journal.rebuild()
    assert table(journal) == incremental
    assert [(r.opened, r.quantity) for r in journal.lots()] == [(date(2024, 2, 16), Decimal(100))]


def test_a_later_month_goes_on_from_the_state(journal: Journal, write_csv) -> None:
    """The premium of March's put adds to January's in the month's income, and the wheel's lots carry on:
    the same rows as a rebuild, with the wheel resumed."""
    january = "2024-01-02,A,STO,KO240216P58,1,0.90,0.65,\n2024-02-16,A,ASSIGN,KO240216P58,1,,,\n"
    march = "2024-03-01,A,STO,KO240419C62,1,1.20,0.65,\n"
    journal.import_files([write_csv(HEADER + january, "jan.csv")])
    journal.read_models.refresh()
    journal.import_files([write_csv(HEADER + march, "mar.csv")])
    assert journal.read_models.refresh() == {"KO"}
    assert journal.read_models.resumed == 1
    assert sorted((lot.instrument.name, lot.quantity) for lot in journal.lots()) == [
        ("KO", Decimal(100)),
        ("KO    240419C00062000", Decimal(-1)),
    ]
    incremental = table(journal)
    journal.rebuild()
    assert table(journal) == incremental


def test_every_projection_a_group_stores_is_one_a_refold_deletes(db_url: str, tmp_path) -> None:
    """A group folded again from its first event deletes its rows by projection (the index's first column):
    a projection missing from `PER_PARTITION` would leave its old rows beside the new ones."""
    from journal.readmodels import ALL, PER_PARTITION

    path = tmp_path / "wheel.csv"
    path.write_text(HEADER + "\n".join(history(7)) + "\n")
    journal = Journal(db_url)
    try:
        journal.import_files([path])
        journal.rebuild()
        rm = schema.read_models
        with journal.store.engine.connect() as conn:
            stored = set(conn.execute(select(rm.c.projection, rm.c.partition).distinct()))
        assert {p for p, part in stored if part != ALL} <= set(PER_PARTITION)
        assert {p for p, part in stored if part == ALL} == {"groups", "horizon"}
        assert {"realized", "lots", "state", "month_income"} <= {p for p, _ in stored}
    finally:
        journal.store.engine.dispose()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), back=st.integers(1, 3))
def test_a_month_imported_late_goes_on_from_the_state_before_it_and_equals_a_full_rebuild(
    db_url: str, tmp_path_factory, seed, back
) -> None:
    """A month left out of a history and imported after it (`back` months before its last, within the
    KEPT_STATES month ends a group keeps states at): the wheels go on from the month-end state before it,
    folding again what came after, and every row, in its place, is what a rebuild writes."""
    suffix = _suffix(next(_EXAMPLES))
    rows = sorted(r.replace("XYZ", f"XYZ{suffix}").replace("ABC", f"ABC{suffix}") for r in history(seed))
    months = sorted({r[:7] for r in rows})
    late = months[max(1, len(months) - 1 - back)]
    folder = tmp_path_factory.mktemp("late")
    journal = Journal(db_url)
    try:
        journal.rebuild()
        (folder / "rest.csv").write_text(HEADER + "\n".join(r for r in rows if r[:7] != late) + "\n")
        journal.import_files([folder / "rest.csv"])
        journal.read_models.refresh()
        (folder / "late.csv").write_text(HEADER + "\n".join(r for r in rows if r[:7] == late) + "\n")
        journal.import_files([folder / "late.csv"])
        journal.read_models.refresh()
        assert journal.read_models.resumed > 0  # from a state before the month, not from the first event
        incremental = table(journal)
        journal.rebuild()
        assert table(journal) == incremental
    finally:
        journal.store.engine.dispose()


def test_states_taken_at_every_month_end_leave_the_rows_as_one_fold_makes_them(
    journal: Journal, write_csv, monkeypatch
) -> None:
    """A fold settled at each month end to take a state, and going on, makes the rows a fold of the whole
    history in one go makes: a realized loss made at one month end and washed in the next is made again."""
    import journal.partition as partition
    from journal.projections import economic_order

    journal.import_files([write_csv(HEADER + "\n".join(history(3)) + "\n")])
    xyz = economic_order(journal.store.read(partitions=["XYZ"]))
    months = len({(ev.time.year, ev.time.month) for ev in xyz})
    assert months > 3

    def rows(kept: int) -> list[tuple]:
        monkeypatch.setattr(partition, "KEPT_STATES", kept)
        fold = partition.PartitionFold("XYZ", {}, {})
        states = partition.fold_states(fold, xyz, 1, ["XYZ"])
        assert len(states) == min(kept, months - 1) + 1
        return sorted(fold.finish(date(2025, 1, 1))[0])

    whole = rows(0)
    assert rows(100) == whole
    assert rows(2) == whole
    assert any(r[0] == "realized" for r in whole)


def test_a_group_keeps_its_latest_states_only(journal: Journal, write_csv, monkeypatch) -> None:
    """Each import adds the states it crossed; a group keeps the latest KEPT_STATES month ends and its
    last (two here: the history has six months)."""
    monkeypatch.setattr("journal.partition.KEPT_STATES", 2)
    monkeypatch.setattr("journal.readmodels.KEPT_STATES", 2)
    rows = [r for r in history(5) if r.split(",")[1] == "A"]
    months = sorted({r[:7] for r in rows})
    for i, month in enumerate(months):
        part = "\n".join(r for r in rows if r[:7] == month)
        journal.import_files([write_csv(HEADER + part + "\n", f"{i}.csv")])
        journal.read_models.refresh()
        assert journal.read_models.resumed == (i > 0)
    rm = schema.read_models
    with journal.store.engine.connect() as conn:
        query = select(rm.c.ord).where(rm.c.projection == "state", rm.c.partition == "XYZ").order_by(rm.c.ord)
        kept = [date.fromordinal(o) for (o,) in conn.execute(query)]
    assert len(months) == 6
    assert [f"{d:%Y-%m}" for d in kept] == months[-3:]  # the last two month ends and the last day
