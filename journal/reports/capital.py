"""Capital at risk over a period and the return on it: what the open positions tied up at the end of each
day (DOMAIN.md's capital at risk, from `journal.projections.positions`), averaged over the days.

The books are folded once up to the day before the period and then advanced event by event, so a month
costs one fold, not one per day. Naked calls and short stock (unlimited loss) have no capital at risk and
are counted apart, never as zero risk silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from journal.events import Event
from journal.money import ZERO
from journal.projections.lots import Books, fold
from journal.projections.positions import Position, open_positions
from journal.reports.periods import days
from journal.tax import AccountPolicy

DAYS_PER_YEAR = Decimal(365)
HUNDRED = Decimal(100)


def positions_of(books: Books, account: str | None) -> list[Position]:
    """The open positions of the books, of one account or all (as `Journal.positions` filters them)."""
    return open_positions(lot for lot in books.lots() if account is None or lot.account == account)


@dataclass(frozen=True, slots=True)
class CapitalAtRisk:
    """Capital at risk at the end of each day of a period, and its average."""

    daily: list[tuple[date, Decimal]]
    unlimited_days: int  # days on which some position had unlimited loss (not in the figures)
    positions: list[Position]  # those open at the end of the last day: no second fold to know them

    @property
    def average(self) -> Decimal:
        return sum((v for _, v in self.daily), ZERO) / len(self.daily) if self.daily else ZERO

    @property
    def last(self) -> Decimal:
        return self.daily[-1][1] if self.daily else ZERO


def total_at_risk(positions: Sequence[Position]) -> Decimal:
    return sum((p.capital_at_risk for p in positions if p.capital_at_risk is not None), ZERO)


def capital_at_risk(
    events: Sequence[Event],
    policies: Mapping[str, AccountPolicy],
    start: date,
    end: date,
    account: str | None = None,
) -> CapitalAtRisk:
    """Capital at risk at the end of every day from `start` to `end`. `events` are every account's, in
    economic order (wash sales cross accounts, so the books are folded whole and then filtered)."""
    before = start - timedelta(days=1)
    books = fold(events, before, policies)
    pending = [e for e in events if start <= e.time.date() <= end]
    daily: list[tuple[date, Decimal]] = []
    positions: list[Position] = []
    unlimited = 0
    i = 0
    seen = any(e.time.date() <= before for e in events[:1])
    for day in days(start, end):
        while i < len(pending) and pending[i].time.date() <= day:
            books.apply(pending[i])
            seen = True
            i += 1
        if seen and (day.month, day.day) == (12, 31) and books.marked_through != day.year:
            # As `fold` does at a year end the books pass: Section 1256 contracts marked to market.
            books.mark_year_end(day.year)
        positions = positions_of(books, account)
        daily.append((day, total_at_risk(positions)))
        unlimited += any(p.capital_at_risk is None for p in positions)
    return CapitalAtRisk(daily, unlimited, positions)


def return_pct(income: Decimal, capital: Decimal) -> Decimal | None:
    """Income as a percentage of the capital it tied up; None when nothing was at risk."""
    return income / capital * HUNDRED if capital > 0 else None


def annualized_pct(period_pct: Decimal | None, period_days: int) -> Decimal | None:
    """Simple (not compounded) annualization, the way option sellers quote it: pct x 365 / days."""
    if period_pct is None or period_days <= 0:
        return None
    return period_pct * DAYS_PER_YEAR / period_days
