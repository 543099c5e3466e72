"""Capital at risk over a period and the return on it: what the open positions tied up at the end of each
day (DOMAIN.md's capital at risk, from `journal.projections.positions`), averaged over the days.

The daily figures add up the read models' capital steps (`journal.projections.capital`), so a month costs
a few rows per account and underlying, not its events; the positions at the end come from the month-end
snapshots. Naked calls and short stock (unlimited loss) have no capital at risk and are counted apart,
never as zero risk silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from journal.money import ZERO
from journal.periods import days
from journal.projections.capital import CapitalStep
from journal.projections.positions import Position, open_positions

if TYPE_CHECKING:
    from journal.api import Journal

DAYS_PER_YEAR = Decimal(365)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class CapitalAtRisk:
    """Capital at risk at the end of each day of a period, and its average."""

    daily: list[tuple[date, Decimal]]
    unlimited_days: int  # days on which some position had unlimited loss (not in the figures)
    positions: list[Position]  # those open at the end of the last day

    @property
    def average(self) -> Decimal:
        return sum((v for _, v in self.daily), ZERO) / len(self.daily) if self.daily else ZERO

    @property
    def last(self) -> Decimal:
        return self.daily[-1][1] if self.daily else ZERO


def total_at_risk(positions: Sequence[Position]) -> Decimal:
    return sum((p.capital_at_risk for p in positions if p.capital_at_risk is not None), ZERO)


def capital_from_steps(journal: Journal, start: date, end: date, account: str | None = None) -> CapitalAtRisk:
    """Capital at risk at the end of every day from `start` to `end`, from the read models' capital steps
    (the carries of `start`'s month and the steps since), and the positions at the end of `end` from the
    month-end snapshots: no event of the period is read or folded."""
    first = start.replace(day=1)
    current: dict[tuple[str, str], tuple[Decimal, bool]] = {}
    for carry in journal.capital_steps(account, first, first, carries=True):
        current[(carry.underlying, carry.account)] = (carry.total, carry.unlimited)
    by_day: dict[date, list[CapitalStep]] = defaultdict(list)
    for step in journal.capital_steps(account, first, end):
        by_day[step.day].append(step)
    daily: list[tuple[date, Decimal]] = []
    unlimited = 0
    for day in days(first, end):
        for step in by_day.get(day, ()):  # in the order they were taken: the last of a day holds
            current[(step.underlying, step.account)] = (step.total, step.unlimited)
        if day >= start:
            daily.append((day, sum((total for total, _ in current.values()), ZERO)))
            unlimited += any(none for _, none in current.values())
    positions = open_positions(journal.lots(end, account))
    return CapitalAtRisk(daily, unlimited, positions)


def return_pct(income: Decimal, capital: Decimal) -> Decimal | None:
    """Income as a percentage of the capital it tied up; None when nothing was at risk."""
    return income / capital * HUNDRED if capital > 0 else None


def annualized_pct(period_pct: Decimal | None, period_days: int) -> Decimal | None:
    """Simple (not compounded) annualization, the way option sellers quote it: pct x 365 / days."""
    if period_pct is None or period_days <= 0:
        return None
    return period_pct * DAYS_PER_YEAR / period_days
