"""The books at any day without folding the decade before it: the partitions' month-end snapshots
(`journal.projections.snapshots`), then only the events since. Reports on a month or a week, and every
`--as-of` query, start here; what they compute is what a fold from the first event would give.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from journal.events import Event
from journal.projections.lots import Books, Lot
from journal.projections.snapshots import resume
from journal.projections.strategies import StrategyMap, attribute
from journal.tax import AccountPolicy


@dataclass(slots=True)
class Replay:
    """Each partition's books at the end of the day before a period (`replay`'s `start`), and every
    account's events of the period in economic order, to carry them forward with `advance`."""

    books: dict[str, Books]  # by partition (underlying): each is carried on its own, as the read models are
    events: list[Event]
    strategies: StrategyMap  # of these events, closes included (they inherit what was held before)
    policies: Mapping[str, AccountPolicy]
    horizons: Mapping[str, date] | None = None  # each account's last event: see `lots.ASSUMED_EXPIRY_DAYS`
    changed: set[str] | None = None  # partitions changed since `take_changed` (None: not yet asked)
    _applied: int = 0
    # Partitions that corporate actions link, each to its group's name: one books per group, keyed by that
    # name (as the read models store their snapshots); empty when nothing is linked.
    groups: Mapping[str, str] = field(default_factory=dict)

    def advance(self, day: date) -> None:
        """Carry the books to the end of `day` (days only go forward), applying the events up to it."""
        events, changed = self.events, self.changed
        while self._applied < len(events) and events[self._applied].time.date() <= day:
            event = events[self._applied]
            partition = self.partition_of(event)
            books = self.books.get(partition)
            if books is None:
                books = self.books[partition] = Books(self.policies, horizons=self.horizons)
            books.apply(event)
            if changed is not None:
                changed.add(partition)
            self._applied += 1
        for partition, books in self.books.items():
            marked = books.marked_through
            books.close_through(day)  # Section 1256 contracts open at a year end passed: marked to market
            if changed is not None and books.marked_through != marked:
                changed.add(partition)

    def partition_of(self, event: Event) -> str:
        """The books an event goes on: its underlying's group's, or its underlying's ("" for none)."""
        underlying = event.underlying or ""
        return self.groups.get(underlying, underlying)

    def lots(self, partitions: Iterable[str] | None = None, account: str | None = None) -> list[Lot]:
        """The open lots where the books are, of some partitions (or all) and one account (or all): the
        books are carried for every account, since wash sales cross accounts."""
        names = self.books.keys() if partitions is None else partitions
        return [
            lot
            for name in names
            if name in self.books
            for lot in self.books[name].lots()
            if account is None or lot.account == account
        ]

    def lots_at(self, day: date, account: str | None = None) -> list[Lot]:
        self.advance(day)
        return self.lots(account=account)

    def take_changed(self) -> set[str] | None:
        """The partitions whose lots may have changed since the last call (None the first time: all)."""
        changed, self.changed = self.changed, set()
        return changed


def replay_from(start: date) -> date:
    """The first day whose events a replay from `start` needs: a snapshot follows each month's last event,
    so past the latest one on or before `start - 1` a partition has events only in the month that day falls
    in, and only if that month is not over by then."""
    before = start - timedelta(days=1)
    return start if start.day == 1 else before.replace(day=1)


def replay(
    start: date,
    events: list[Event],
    snapshots: Iterable[tuple[str, str]],
    policies: Mapping[str, AccountPolicy],
    horizons: Mapping[str, date] | None,
    groups: Mapping[str, str] | None = None,
) -> Replay:
    """The books at the end of `start - 1` from the partitions' `snapshots` taken before it, and `events`
    (those from `replay_from(start)` to the period's end) split into the catch-up and the period's own."""
    before = start - timedelta(days=1)
    books, holding = resume(snapshots, policies, replay_from(start) - timedelta(days=1), horizons)
    strategies = attribute(events, holding)
    catch_up = sum(1 for e in events if e.time.date() < start)
    out = Replay(books, events[:catch_up], strategies, policies, horizons, groups=groups or {})
    out.advance(before)
    out.events, out._applied = events[catch_up:], 0
    return out
