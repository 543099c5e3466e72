"""Capital at risk day by day, kept as it changes: what each account's open positions in one underlying
tie up at the end of each day the books move (DOMAIN.md's capital at risk, `positions.capital_total`).

The read models store a step where an account's figure changes, and a carry of every account's figure at
each month's first day, so that a period's daily capital at risk is its first month's carries and the
steps since, added up, with no event read or folded again. What the steps say is what a fold from the first
event to each day says (tested day by day against it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from journal.money import ZERO
from journal.projections.lots import Books, Lot
from journal.projections.positions import GroupCache, capital_total

_CACHE_LIMIT = 20_000  # group contents kept between days; a busy underlying's history is larger


@dataclass(frozen=True, slots=True)
class CapitalStep:
    """One account's capital at risk in one underlying from the end of `day` on; `unlimited`: some
    position's loss is unlimited (a naked call, short stock), which no figure counts."""

    account: str
    underlying: str
    day: date
    total: Decimal
    unlimited: bool


class CapitalSteps:
    """The steps and month carries of one partition, taken as its books are folded: `end_of_day` after the
    last event of a day (or a Section 1256 year-end mark), `carry` at each month's first day. A partition
    that corporate actions linked to others holds lots of several underlyings: each is its own figure
    (what a symbol change moves from the old symbol to the new)."""

    def __init__(self, underlying: str) -> None:
        self.underlying = underlying
        self.current: dict[tuple[str, str], tuple[Decimal, bool]] = {}  # (account, underlying)
        self.steps: list[CapitalStep] = []
        self.carries: list[CapitalStep] = []
        self._groups: GroupCache = {}

    def end_of_day(self, books: Books, day: date, accounts: set[str] | None = None) -> None:
        """The figures of `accounts` (those whose lots the day may have changed; None: every account)."""
        held: dict[tuple[str, str], list[Lot]] = defaultdict(list)
        for lot in books.lots():
            if accounts is None or lot.account in accounts:
                held[(lot.account, lot.instrument.underlying or self.underlying)].append(lot)
        if len(self._groups) > _CACHE_LIMIT:
            self._groups.clear()
        known = {k for k in self.current if accounts is None or k[0] in accounts}
        for key in sorted(held.keys() | known):
            figure = capital_total(held[key], self._groups) if key in held else (ZERO, False)
            if self.current.get(key, (ZERO, False)) != figure:
                self.current[key] = figure
                self.steps.append(CapitalStep(key[0], key[1], day, *figure))

    def carry(self, first_day: date) -> None:
        """Every account's figure as the month of `first_day` begins (the end of the day before)."""
        for (account, underlying), (total, unlimited) in sorted(self.current.items()):
            if total or unlimited:
                self.carries.append(CapitalStep(account, underlying, first_day, total, unlimited))
