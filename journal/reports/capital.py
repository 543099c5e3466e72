"""Capital at risk over a period and the return on it: what the open positions tied up at the end of each
day (DOMAIN.md's capital at risk, from `journal.projections.positions`), averaged over the days.

The books start from the month-end snapshots (`journal.replay`) and are advanced event by event, so a
month costs its own events, not the journal's. Naked calls and short stock (unlimited loss) have no
capital at risk and are counted apart, never as zero risk silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.money import ZERO
from journal.periods import days
from journal.projections.capital import CapitalStep
from journal.projections.lots import Lot
from journal.projections.positions import GroupCache, Position, capital_total, open_positions
from journal.replay import Replay

if TYPE_CHECKING:
    from journal.api import Journal

DAYS_PER_YEAR = Decimal(365)
HUNDRED = Decimal(100)


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


def capital_at_risk(replay: Replay, start: date, end: date, account: str | None = None) -> CapitalAtRisk:
    """Capital at risk at the end of every day from `start` (the replay's) to `end` (every account's books
    are carried, since wash sales cross accounts, and then filtered). Positions never span an account and
    an underlying, so a day recomputes only those whose lots its events (or a year-end mark) changed, and
    only their total: the positions themselves are built once, for the last day."""
    groups: GroupCache = {}  # positions by the content of their group of lots: most outlive a day
    known: dict[tuple[str, str], tuple[tuple[Any, ...], Decimal, bool]] = {}
    daily: list[tuple[date, Decimal]] = []
    unlimited = 0
    for day in days(start, end):
        replay.advance(day)
        changed = replay.take_changed()
        for partition in list(replay.books) if changed is None else changed:
            held: dict[tuple[str, str], list[Lot]] = {k: [] for k in known if k[1] == partition}
            for lot in replay.lots([partition], account):
                held.setdefault((lot.account, partition), []).append(lot)
            for key, lots in held.items():
                state = tuple((x.lot_id, x.quantity, x.basis, x.opened, x.instrument) for x in lots)
                if key in known and known[key][0] == state:
                    continue
                known[key] = (state, *capital_total(lots, groups))
        daily.append((day, sum((total for _, total, _ in known.values()), ZERO)))
        unlimited += any(none for _, _, none in known.values())
    last = open_positions(replay.lots(account=account), groups)
    return CapitalAtRisk(daily, unlimited, last)


def capital_from_steps(journal: Journal, start: date, end: date, account: str | None = None) -> CapitalAtRisk:
    """What `capital_at_risk` gives, from the read models' capital steps (the carries of `start`'s month
    and the steps since) and the positions at the end of `end` from the month-end snapshots: no event of
    the period is read or folded."""
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
