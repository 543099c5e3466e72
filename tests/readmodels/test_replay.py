"""The books resumed from month-end snapshots (`Journal.replay`, `Journal.lots(as_of)`) equal a fold from the
first event, on any day: open lots with their basis, dates and wash-sale adjustments, across accounts, over
month and year ends (Section 1256 marks), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.api import Journal
from journal.codec import encode
from journal.money import cents
from journal.projections import economic_order
from journal.projections.cycles import CycleFold, build_cycles
from journal.projections.lots import Lot, fold
from journal.projections.positions import open_positions
from journal.records import cycle_step_record
from journal.reports.capital import capital_from_steps, total_at_risk
from tests.projections.test_tax import trading_history
from tests.readmodels.test_incremental import HEADER, history

SECTION_1256 = """date,account,action,symbol,quantity,price,fees,amount
2024-11-04,A,STO,SPXW250117P5800,1,30.00,0,
2024-12-31,A,MARK,SPXW250117P5800,,22.50,,
2025-01-10,A,BTC,SPXW250117P5800,1,10.00,0,
"""

LONG_1256 = """date,account,action,symbol,quantity,price,fees,amount
2024-11-05,B,BTO,SPXW250321C6200,1,8.00,0,
2024-12-31,B,MARK,SPXW250321C6200,,15.00,,
2025-01-15,B,STC,SPXW250321C6200,1,12.00,0,
"""


def lots_of(lots: list[Lot]) -> list[str]:
    return sorted(encode(lot) for lot in lots)


def build(journal: Journal, folder, seed: int) -> None:
    rng = random.Random(seed)
    files = {
        "wheels.csv": HEADER + "\n".join(history(seed)) + "\n",
        "spx.csv": SECTION_1256,
    }
    for account in ("A", "B"):  # the same stock and call series in two accounts: washes cross them
        trades = trading_history(rng, 40).splitlines()
        files[f"trades-{account}.csv"] = "\n".join(
            [f"date,account,{trades[0].split(',', 1)[1]}"]
            + [f"{line.split(',', 1)[0]},{account},{line.split(',', 1)[1]}" for line in trades[1:]]
        )
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text + ("" if text.endswith("\n") else "\n"))
        paths.append(folder / name)
    journal.import_files(paths)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), picks=st.randoms(use_true_random=False))
def test_lots_on_any_day_equal_a_fold_from_the_first_event(db_url: str, tmp_path_factory, seed, picks):
    journal = Journal(db_url)
    try:
        build(journal, tmp_path_factory.mktemp("replay"), seed)
        events = economic_order(journal.events())
        days = [date(2024, 1, 31), date(2024, 3, 1), date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 9)]
        days += [date(2024, 1, 1) + timedelta(days=picks.randint(0, 500)) for _ in range(6)]
        for day in days:
            expected = lots_of(fold(events, day, journal.policies()).lots())
            assert lots_of(journal.lots(day)) == expected, day
    finally:
        journal.store.engine.dispose()


def test_a_replay_carried_day_by_day_equals_a_fold_to_each_day(journal: Journal, tmp_path) -> None:
    build(journal, tmp_path, 3)
    assert journal.washes(), "the history washes a loss: the snapshots carry pending losses"
    events = economic_order(journal.events())
    start, end = date(2024, 12, 20), date(2025, 2, 10)  # over a year end with an open Section 1256 put
    replay = journal.replay(start, end)
    day = start
    while day <= end:
        assert lots_of(replay.lots_at(day)) == lots_of(fold(events, day, journal.policies()).lots())
        day += timedelta(days=1)
    marked = [r for r in journal.realized(2024) if r.closed_by == "mark:2024"]
    assert [(str(r.proceeds), str(r.cost_basis)) for r in marked] == [("3000.00", "2250.00")]


def test_a_cycle_resumed_from_a_snapshot_is_the_cycle_of_a_fold_from_the_first_event(
    journal: Journal, tmp_path
) -> None:
    build(journal, tmp_path, 8)
    folded = build_cycles(economic_order(journal.events()), journal.policies())
    listed = journal.cycles()
    assert len(listed) == len(folded) >= 4
    for cycle in listed:
        resumed = journal.cycle(cycle.id)
        expected = next(
            c
            for c in folded
            if (c.account, c.underlying, c.opened) == (cycle.account, cycle.underlying, cycle.opened)
        )
        assert resumed is not None and resumed.id == cycle.id
        assert [cycle_step_record(s) for s in resumed.steps] == [cycle_step_record(s) for s in expected.steps]
        assert (resumed.closed, resumed.net_cash, resumed.tax_basis) == (
            expected.closed,
            expected.net_cash,
            expected.tax_basis,
        )


def test_cycles_sum_their_shares_again_exactly_when_a_share_lot_changed(journal: Journal, tmp_path) -> None:
    """A cycle re-sums its shares only when the books' count for the symbol moved; summing after every event
    gives the same steps (wash sales across accounts change share lots on another account's event)."""
    build(journal, tmp_path, 13)
    events = economic_order(journal.events())

    class EveryEvent(CycleFold):
        def _refresh_holdings(self, cycle) -> None:  # type: ignore[no-untyped-def]
            self.shares_seen.clear()
            super()._refresh_holdings(cycle)

    def steps(fold: CycleFold) -> list[list[dict]]:
        for event in events:
            fold.apply(event)
        return [
            [cycle_step_record(s) for s in c.steps] + [{"tax_basis": str(c.tax_basis)}] for c in fold.finish()
        ]

    assert journal.washes()
    assert steps(CycleFold(journal.policies())) == steps(EveryEvent(journal.policies()))


def test_capital_at_risk_from_the_stored_steps_equals_a_fold_to_each_day(journal: Journal, tmp_path) -> None:
    """The read models' capital steps and month carries (no event read at report time) give, on every day,
    what the positions of a fold from the first event to that day tie up, and whether one's loss is
    unlimited; the positions at the end are that fold's; over month and year ends (a Section 1256 call's
    capital moves with its 31 December mark), for each account."""
    build(journal, tmp_path, 5)
    (tmp_path / "long-spx.csv").write_text(LONG_1256)
    journal.import_files([tmp_path / "long-spx.csv"])
    events, policies = economic_order(journal.events()), journal.policies()
    periods = [
        (date(2024, 2, 20), date(2024, 4, 10)),
        (date(2024, 12, 28), date(2025, 1, 3)),
        (date(2023, 12, 28), date(2024, 1, 4)),  # before the first event, into it
        (date(2025, 6, 1), date(2025, 6, 2)),  # long after the last
    ]
    changes = set()
    for start, end in periods:
        for account in (None, "A", "B"):
            stored = capital_from_steps(journal, start, end, account)
            expected, unlimited = [], 0
            for day, _ in stored.daily:
                lots = [lot for lot in fold(events, day, policies).lots() if account in (None, lot.account)]
                positions = open_positions(lots)
                # To the cent: Decimal's 28 digits round a sum of prorated figures differently by order.
                expected.append((day, cents(total_at_risk(positions))))
                unlimited += any(p.capital_at_risk is None for p in positions)
            assert [(day, cents(value)) for day, value in stored.daily] == expected, (start, account)
            assert stored.unlimited_days == unlimited, (start, account)
            assert [(p.account, p.strategy, p.capital_at_risk) for p in stored.positions] == [
                (p.account, p.strategy, p.capital_at_risk) for p in positions
            ]
            changes |= {value for _, value in expected}
    assert len(changes) > 10  # the positions changed over the periods
    steps = journal.capital_steps("B")
    # The bought call's capital is what it cost until the year-end mark makes its basis 15.00 x 100 (the
    # journal's MARK of 31 December), and nothing once sold.
    assert [(s.day, s.total) for s in steps if s.underlying == "SPX"] == [
        (date(2024, 11, 5), Decimal("800.00")),
        (date(2024, 12, 31), Decimal("1500.00")),
        (date(2025, 1, 15), Decimal("0")),
    ]
