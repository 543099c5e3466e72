"""`Journal.cycle(id)`, a wheel's story, folds only the cycle's account's events: each step's cash, shares,
net cash and break-even are what that account's own events and lots make them. Checked against the fold of
every account of the cycle's group (what `Journal.cycle` did before) for every cycle of the example journal
and of a generated history of three accounts wheeling the same stocks (wash sales across them), on SQLite
and PostgreSQL. The tax basis, which other accounts' wash sales move, is the read models'."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from bench.generate import COLUMNS, generate
from journal.api import Journal
from journal.projections.cycles import Cycle, fold_with_cycles

ROOT = Path(__file__).resolve().parents[2]


def _folded_with_every_account(journal: Journal, found: Cycle) -> Cycle:
    """The cycle as the fold of its whole group gives it: every account's events from its opening."""
    everything = journal.cycles()
    later = [
        c.opened
        for c in everything
        if c.account == found.account and set(c.symbols) & set(found.symbols) and c.opened > found.opened
    ]
    resumed = journal.replay(found.opened, later[0] if later else date.max, partitions=found.symbols)
    books = resumed.books.get(resumed.groups.get(found.underlying, found.underlying))
    _, cycles = fold_with_cycles(resumed.events, journal.policies(), books=books)
    return next(
        c
        for c in cycles
        if (c.account, c.opened, c.underlying) == (found.account, found.opened, found.underlying)
    )


def _story(cycle: Cycle) -> dict[str, Any]:
    return {
        "figures": (
            cycle.account,
            cycle.underlying,
            cycle.opened,
            cycle.closed,
            cycle.premium_collected,
            cycle.premium_paid,
            cycle.fees,
            cycle.dividends,
            cycle.net_cash,
            cycle.shares,
            cycle.tax_basis,
            cycle.formerly,
        ),
        "steps": [(s.event.key, s.cash, s.shares, s.net_cash, s.break_even) for s in cycle.steps],
    }


def _every_cycle_as_the_group_fold_gives_it(journal: Journal) -> int:
    steps = 0
    for found in journal.cycles():
        story = journal.cycle(found.id)
        assert story is not None
        assert _story(story) == _story(_folded_with_every_account(journal, found)), found.id
        assert (story.id, story.tax_basis, story.shares) == (found.id, found.tax_basis, found.shares)
        steps += len(story.steps)
    return steps


def test_every_example_cycle_is_the_one_the_group_fold_gives(db_url: str) -> None:
    journal = Journal(db_url)
    try:
        journal.import_files(sorted((ROOT / "examples").glob("*.csv")))
        assert len(journal.cycles()) == 41  # as `tj cycles` lists them
        assert _every_cycle_as_the_group_fold_gives_it(journal) == 103
    finally:
        journal.close()


def test_every_cycle_of_three_accounts_wheeling_the_same_stocks(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "generated.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(generate(7, accounts=3, underlyings=4, years=2, max_rows=3_000))
    journal = Journal(db_url)
    try:
        journal.import_files([path])
        cycles = journal.cycles()
        assert len({c.account for c in cycles}) == 3
        # Losses disallowed by a purchase in another account: the case the tax basis is taken for.
        assert any(w.account != w.replacement_account for w in journal.washes())
        assert _every_cycle_as_the_group_fold_gives_it(journal) > 2_000
        # Voids, read with their account's events (a void is in its target's account): every tenth trade of
        # the first cycle taken back, the stories again as the group's fold gives them.
        first = journal.cycle(cycles[0].id)
        assert first is not None
        taken = [s.event.key for s in first.steps[::10]]
        journal.void(journal.void_plan(keys=taken), "test")
        assert _every_cycle_as_the_group_fold_gives_it(journal) > 2_000
        told = {s.event.key for c in journal.cycles() for s in (journal.cycle(c.id) or c).steps}
        assert len(told) > 2_000 and not told & set(taken)
    finally:
        journal.close()
