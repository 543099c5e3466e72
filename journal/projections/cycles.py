"""Wheel cycles: everything an account did in one underlying from holding nothing to holding nothing again.

A cycle's `net_cash` sums every cash flow of the wheel (premiums, shares bought and sold, fees, dividends);
while shares are held, `-net_cash / shares` is the trader's premium-adjusted break-even. That is not the
tax basis (premium of calls that expired never enters it), so both are kept, under different names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import OptionContract
from journal.money import ZERO
from journal.projections.lots import Books, horizons_of
from journal.tax import AccountPolicy


@dataclass(frozen=True, slots=True)
class Flow:
    """What one event does to a cycle's totals."""

    premium_collected: Decimal = ZERO
    premium_paid: Decimal = ZERO
    fees: Decimal = ZERO
    dividends: Decimal = ZERO
    cash: Decimal = ZERO


def _stock_leg_cash(option: OptionContract, shares: Decimal, *, buys: bool) -> Decimal:
    value = option.strike * shares
    return -value if buys else value


def flow_of(event: Event) -> Flow:
    """The cash an event moves in its underlying's wheel, split the way `tj cycles` reports it."""
    if isinstance(event, TradeExecuted):
        gross, fees = event.gross, event.fees
        if event.action.is_buy:
            paid = gross if event.instrument.is_option else ZERO
            return Flow(premium_paid=paid, fees=fees, cash=-gross - fees)
        collected = gross if event.instrument.is_option else ZERO
        return Flow(premium_collected=collected, fees=fees, cash=gross - fees)
    if isinstance(event, OptionAssigned):
        # A written put assigned buys the shares; a written call assigned sells them.
        leg = _stock_leg_cash(event.option, event.shares, buys=event.option.is_put)
        return Flow(fees=event.fees, cash=leg - event.fees)
    if isinstance(event, OptionExercised):
        # A bought call exercised buys the shares; a bought put exercised sells them.
        leg = _stock_leg_cash(event.option, event.shares, buys=not event.option.is_put)
        return Flow(fees=event.fees, cash=leg - event.fees)
    if isinstance(event, OptionExpired):
        return Flow(fees=event.fees, cash=-event.fees)
    if isinstance(event, CashMoved):
        if event.kind is CashKind.DIVIDEND:
            return Flow(dividends=event.amount, cash=event.amount)
        if event.kind is CashKind.FEE:
            return Flow(fees=-event.amount, cash=event.amount)
        return Flow(cash=event.amount)
    if isinstance(event, Unresolved):
        return Flow(cash=event.amount)  # what the broker booked counts, so cash reconciles with it
    return Flow()  # a split changes an open cycle's shares, a mark or report its nothing: no cash moves


@dataclass(frozen=True, slots=True)
class CycleStep:
    """One event of a cycle with the running figures after it: the wheel's story, line by line."""

    event: Event
    cash: Decimal
    shares: Decimal
    net_cash: Decimal
    break_even: Decimal | None


@dataclass
class Cycle:
    account: str
    underlying: str
    opened: date
    closed: date | None = None
    premium_collected: Decimal = ZERO
    premium_paid: Decimal = ZERO
    fees: Decimal = ZERO
    dividends: Decimal = ZERO
    net_cash: Decimal = ZERO
    shares: Decimal = ZERO
    tax_basis: Decimal = ZERO  # of the share lots held now: Form 8949's basis, not the break-even
    steps: list[CycleStep] = field(default_factory=list)
    id: str = ""

    @property
    def status(self) -> str:
        return "open" if self.closed is None else "closed"

    @property
    def net_premium(self) -> Decimal:
        return self.premium_collected - self.premium_paid

    @property
    def break_even(self) -> Decimal | None:
        """The premium-adjusted cost per share: what the shares must fetch for the wheel to break even."""
        return -self.net_cash / self.shares if self.shares > 0 else None

    @property
    def tax_basis_per_share(self) -> Decimal | None:
        return self.tax_basis / self.shares if self.shares > 0 else None

    def add(self, event: Event, flow: Flow) -> None:
        self.premium_collected += flow.premium_collected
        self.premium_paid += flow.premium_paid
        self.fees += flow.fees
        self.dividends += flow.dividends
        self.net_cash += flow.cash


class CycleFold:
    """Folds events into the books and the cycles together: a cycle ends on the first day at whose end
    the account holds nothing of the underlying, so a roll or an expiry and a new sale on one day stay in
    one cycle."""

    def __init__(
        self,
        policies: Mapping[str, AccountPolicy] | None = None,
        books: Books | None = None,
        horizons: Mapping[str, date] | None = None,
    ) -> None:
        # The tax books folded alongside (the read models take them too); given when resumed from a snapshot.
        self.books = books if books is not None else Books(policies or {}, horizons=horizons)
        self.cycles: list[Cycle] = []
        self.open: dict[tuple[str, str], Cycle] = {}
        self.last: dict[tuple[str, str], Cycle] = {}
        self.empty_since: dict[tuple[str, str], date] = {}
        self.shares_seen: dict[tuple[str, str], int] = {}  # the books' stock_version last summed, per key

    def close_emptied(self, before: date | None) -> None:
        for key, day in list(self.empty_since.items()):
            if before is None or day < before:
                self.open.pop(key).closed = day
                del self.empty_since[key]

    def apply(self, event: Event) -> None:
        day = event.time.date()
        self.books.advance(day)  # an option past expiry with no row expires first, on its own day
        self._take_assumed()
        self.close_emptied(day)
        self.books.apply(event)
        self._follow(event)

    def _take_assumed(self) -> None:
        """The expiries the books assumed (`Books.assumed_events`): steps of their cycles like real ones."""
        for expired in self.books.assumed_events:
            self._follow(expired)
        self.books.assumed_events.clear()

    def _follow(self, event: Event) -> None:
        """The event (already in the books) in its cycle: a new cycle, a step, or the day it empties."""
        underlying = event.underlying
        if underlying is None:
            return
        key = (event.account, underlying)
        cycle = self.open.get(key)
        if cycle is None:
            if isinstance(event, TradeExecuted | OptionAssigned | OptionExercised | OptionExpired):
                cycle = self.open[key] = self.last[key] = Cycle(event.account, underlying, event.time.date())
                self.shares_seen.pop(key, None)
                self.cycles.append(cycle)
            else:
                # A dividend paid, or a fee charged, after the shares were gone belongs to the last wheel.
                cycle = self.last.get(key)
                if cycle is None:
                    return
        flow = flow_of(event)
        cycle.add(event, flow)
        if cycle.closed is None:
            self._refresh_holdings(cycle)
            if self.books.holds(*key):
                self.empty_since.pop(key, None)
            else:
                self.empty_since[key] = event.time.date()
        cycle.steps.append(CycleStep(event, flow.cash, cycle.shares, cycle.net_cash, cycle.break_even))

    def _refresh_holdings(self, cycle: Cycle) -> None:
        key = (cycle.account, cycle.underlying)
        version = self.books.stock_version.get(cycle.underlying, 0)
        if self.shares_seen.get(key) == version:
            return  # no share lot of the underlying changed since they were summed for this cycle
        self.shares_seen[key] = version
        lots = self.books.stock_lots(cycle.account, cycle.underlying)
        cycle.shares = sum((lot.quantity for lot in lots), ZERO)
        cycle.tax_basis = sum((lot.cost_basis for lot in lots), ZERO)

    def finish(self, today: date | None = None) -> list[Cycle]:
        self.books.close_through(today or date.today())
        self._take_assumed()
        self.close_emptied(None)
        _assign_ids(self.cycles)
        return self.cycles


def _assign_ids(cycles: list[Cycle]) -> None:
    """`UNDERLYING-YYYYMMDD` of the opening day; the account is added only where two accounts collide."""
    base = [f"{c.underlying}-{c.opened:%Y%m%d}" for c in cycles]
    for cycle, name in zip(cycles, base, strict=True):
        cycle.id = name if base.count(name) == 1 else f"{name}-{cycle.account}"


def fold_with_cycles(
    events: Iterable[Event],
    policies: Mapping[str, AccountPolicy] | None = None,
    today: date | None = None,
    books: Books | None = None,
) -> tuple[Books, list[Cycle]]:
    """One pass over the events: the tax books and every wheel cycle, in the order they opened. `books`:
    the books the events go on from (resumed from a snapshot at a day the cycles' accounts held nothing);
    else new books whose horizons (see `lots.ASSUMED_EXPIRY_DAYS`) are the events' own."""
    events = list(events)
    tracker = CycleFold(policies, books, horizons_of(events) if books is None else None)
    for event in events:
        tracker.apply(event)
    cycles = tracker.finish(today)
    return tracker.books, cycles


def build_cycles(events: Iterable[Event], policies: Mapping[str, AccountPolicy] | None = None) -> list[Cycle]:
    """Every wheel cycle of every account, in the order they opened."""
    return fold_with_cycles(events, policies)[1]
