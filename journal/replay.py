"""The books at any day without folding the decade before it: the partitions' month-end snapshots
(`journal.projections.snapshots`), then only the events since. Reports on a month or a week, and every
`--as-of` query, start here; what they compute is what a fold from the first event would give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from journal.events import Event
from journal.projections import economic_order
from journal.projections.lots import Books
from journal.projections.snapshots import resume
from journal.reports.strategies import StrategyMap, attribute

if TYPE_CHECKING:
    from journal.api import Journal


@dataclass(slots=True)
class Replay:
    """The books at the end of the day before `start`, and every account's events from `start` to `end` (in
    economic order) to carry them forward with `books_at`."""

    start: date
    end: date
    books: Books
    events: list[Event]
    strategies: StrategyMap  # of these events, closes included (they inherit what was held before)
    _applied: int = 0

    def books_at(self, day: date) -> Books:
        """The books at the end of `day` (days only go forward): the period's events up to it applied."""
        books, events = self.books, self.events
        while self._applied < len(events) and events[self._applied].time.date() <= day:
            event = events[self._applied]
            books.advance(event.time.date())
            books.apply(event)
            self._applied += 1
        books.close_through(day)
        return books


def replay(journal: Journal, start: date, end: date) -> Replay:
    """The books at the end of `start - 1` and the events of `start`..`end` (`end` may be `start - 1`)."""
    models = journal.read_models
    models.refresh()
    before = start - timedelta(days=1)
    # A snapshot follows each month's last event, so past the latest one on or before `before` a partition
    # has events only in the month `before` falls in, and only if that month is not over by then.
    lower = start if (before + timedelta(days=1)).day == 1 else before.replace(day=1)
    policies = journal.policies()
    books, holding = resume(models.snapshots(before), policies, lower - timedelta(days=1))
    stored = journal.store.read(
        partitions=models.partitions(),
        between=(datetime.combine(lower, time.min), datetime.combine(end, time.max)),
    )
    events = economic_order(stored)
    strategies = attribute(events, holding)
    catch_up = 0
    while catch_up < len(events) and events[catch_up].time.date() < start:
        books.advance(events[catch_up].time.date())
        books.apply(events[catch_up])
        catch_up += 1
    books.close_through(before)
    return Replay(start, end, books, events[catch_up:], strategies)
