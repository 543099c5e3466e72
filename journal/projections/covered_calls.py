"""Qualified covered calls (IRC 1092(c)(4)) and what an unqualified or in-the-money one does to the shares.

Writing a call against shares held is a straddle unless the call is a *qualified* covered call: exchange
traded, more than 30 days to expiry when written, and not deep in the money (strike not below the lowest
qualified benchmark: the highest strike under the stock's price, the second highest for a term over 90 days
on a stock above $25). Then:
- an unqualified covered call (a straddle): for shares not yet long term when the call was written, the
  holding period starts again when the call is closed (Treas. Reg. 1.1092(b)-2T(a));
- an in-the-money qualified covered call: the shares' holding period is suspended while the call is open
  (IRC 1092(f)(2)).
The stock price comes from a `MARK` row on or before the day the call was written; without one, depth cannot
be judged, so only the 30-day test applies and the record says so. A call changes the shares' holding period
only when it is in the money at writing (then it clearly offsets the shares); an out-of-the-money call that
fails the 30-day test is flagged but left alone, since whether it "substantially diminishes the risk of loss"
(IRC 1092(c)(2)) depends on facts the journal lacks. Strike increments are approximated by the
listing rules ($1 to $25, $5 to $200, $10 above); a real chain may list finer strikes. Loss deferral under
IRC 1092(a) is not modelled (docs/tax.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from journal.instruments import OptionContract

QUALIFYING_DAYS = 30


@dataclass
class CoveredCall:
    account: str
    call: OptionContract
    call_lot: str
    written: date
    shares_lots: list[str]
    stock_price: Decimal | None
    status: str = ""  # "qualified", "in the money (qualified)", or "not qualified: <why>"
    closed: date | None = None
    adjusted: list[str] = field(default_factory=list)  # what was done to which share lots

    @property
    def qualified(self) -> bool:
        return not self.status.startswith("not qualified")

    @property
    def in_the_money(self) -> bool:
        return self.stock_price is not None and self.call.strike < self.stock_price

    @property
    def changes_holding_period(self) -> bool:
        """An in-the-money call, qualified (suspension) or not (a straddle); an unqualified call out of
        the money, or whose depth is unknown, is flagged only: whether it substantially diminishes the risk of
        loss on the shares (IRC 1092(c)(2)) is a question of facts the journal does not have."""
        return self.in_the_money


def _increment(price: Decimal) -> Decimal:
    if price <= 25:
        return Decimal(1)
    return Decimal(5) if price <= 200 else Decimal(10)


def lowest_qualified_benchmark(price: Decimal, days: int) -> Decimal:
    """The highest strike below `price` (the second highest for more than 90 days on a stock above $25)."""
    step = _increment(price)
    below = (price / step).to_integral_value(rounding="ROUND_CEILING") * step - step
    if days > 90 and price > 25:
        below -= step
    return below


def classify(call: OptionContract, written: date, stock_price: Decimal | None) -> str:
    days = (call.expiry - written).days
    if days <= QUALIFYING_DAYS:
        return f"not qualified: {days} days to expiry, 30 or less"
    if stock_price is None:
        return "qualified (no MARK price to judge depth)"
    benchmark = lowest_qualified_benchmark(stock_price, days)
    if call.strike < benchmark:
        return f"not qualified: deep in the money (strike {call.strike} below benchmark {benchmark})"
    return "in the money (qualified)" if call.strike < stock_price else "qualified"


def price_on(marks: list[tuple[date, Decimal]], day: date) -> Decimal | None:
    """The last marked price on or before `day` (within a week: an older mark says little)."""
    seen = [(d, p) for d, p in marks if day - timedelta(days=7) <= d <= day]
    return max(seen)[1] if seen else None
