"""Reconciliation: the journal's positions and cash beside what the broker reported holding.

Broker reports arrive as `PositionReported` / `CashReported` events (OFX INVPOSLIST and INVBAL, IBKR
OpenPositions) or from a positions CSV given to `tj reconcile`; every difference is listed, none silently
dropped.

Cash is compared in USD: the journal's cash is every row's USD amount at the row's own rate (`economic_order`
translates them, `journal.currency.in_usd`), and a reported balance (`CashReported`) names no currency yet, so
it is taken as USD. An account holding another currency differs by that cash's translation at the rows' rates
against the broker's at the report's date (Section 988 is not computed); `journal.currency.cash_by_currency`
gives each currency's own balance, to compare with the broker's when it reports them by currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from journal.events import CashReported, Event, PositionReported
from journal.money import ZERO
from journal.projections.lots import Lot


@dataclass(frozen=True, slots=True)
class Difference:
    account: str
    item: str  # an instrument's name, or "cash"
    journal: Decimal
    broker: Decimal | None  # None: the broker reported nothing for it

    @property
    def difference(self) -> Decimal:
        return self.journal - (self.broker or ZERO)


@dataclass(frozen=True, slots=True)
class AccountBooks:
    """What the journal says one account held at the end of the day the broker reported."""

    as_of: date
    lots: list[Lot]
    cash: Decimal


@dataclass(frozen=True, slots=True)
class Reconciliation:
    as_of: dict[str, date]  # each account's reporting day
    compared: int
    differences: list[Difference]

    @property
    def reconciled(self) -> bool:
        return not self.differences


def latest_reports(events: Iterable[Event], as_of: date | None) -> tuple[dict[str, date], list[Event]]:
    """The last day each account reported positions or cash (up to `as_of`), and those reports."""
    reports = [e for e in events if isinstance(e, PositionReported | CashReported)]
    last: dict[str, date] = {}
    for e in reports:
        day = e.time.date()
        if (as_of is None or day <= as_of) and day > last.get(e.account, date.min):
            last[e.account] = day
    return last, [e for e in reports if last.get(e.account) == e.time.date()]


def reconcile(books: dict[str, AccountBooks], reported: Iterable[Event]) -> Reconciliation:
    """Compare per account and instrument; cash only where the broker reported a balance."""
    ours: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for account, held in books.items():
        for lot in held.lots:
            ours[(account, lot.instrument.name)] += lot.quantity
    theirs: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    cash: dict[str, Decimal] = {}
    for report in reported:
        if isinstance(report, PositionReported):
            theirs[(report.account, report.instrument.name)] += report.quantity
        elif isinstance(report, CashReported):
            cash[report.account] = cash.get(report.account, ZERO) + report.amount
    differences = []
    keys = sorted(set(ours) | set(theirs))
    for key in keys:
        mine, broker = ours.get(key, ZERO), theirs.get(key)
        if broker is None or mine != broker:
            differences.append(Difference(key[0], key[1], mine, broker))
    for account, amount in sorted(cash.items()):
        if books[account].cash != amount:
            differences.append(Difference(account, "cash", books[account].cash, amount))
    return Reconciliation({a: b.as_of for a, b in books.items()}, len(keys) + len(cash), differences)
