"""Wheel cycles: everything an account did in one underlying from holding nothing to holding nothing again.

A cycle's `net_cash` sums every cash flow of the wheel (premiums, shares bought and sold, fees, dividends);
while shares are held, `-net_cash / shares` is the trader's premium-adjusted break-even. That is not the
tax basis (premium of calls that expired never enters it), so both are kept, under different names.

A wheel goes on through corporate actions: a symbol change or a stock-for-stock merger carries the account's
open cycle to the new symbol (or the acquirer), and an option adjusted onto another underlying (a merger's
adjusted put, `GREE1`) carries it there too; the cycle keeps the symbols it had (`formerly`), by which it is
still found. The wheel views are for stock and equity or index options: bonds, futures and futures options
make no cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from journal.events import (
    CashKind,
    CashMoved,
    CurrencyConverted,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    PositionReported,
    PriceMarked,
    SecurityTransferred,
    SpunOff,
    StockMerged,
    SymbolChanged,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import AnyOption, Instrument, OptionContract, Stock
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


def _stock_leg_cash(option: AnyOption, contracts: Decimal, *, buys: bool) -> Decimal:
    """The cash of what an assignment or exercise delivers: `strike × multiplier` a contract, for a standard
    or an adjusted option alike, and an adjusted option's cash per contract, which goes with the shares
    (to the side that buys the deliverable); a futures option delivers a future, which moves no cash."""
    if not isinstance(option, OptionContract):
        return ZERO
    value = option.strike * option.multiplier * contracts - option.cash * contracts
    return -value if buys else value


def flow_of(event: Event, held: Decimal | None = None) -> Flow:
    """The cash an event moves in its underlying's wheel, split the way `tj cycles` reports it.

    `held`: what the account held just before the event, for the events whose cash depends on it (a cash
    merger's cash per share; a cash-settled option, written (held < 0) or bought); without it a merger
    moves only its cash in lieu and a cash settlement is taken as a writer's."""
    if isinstance(event, OptionCashSettled):
        # The writer pays the intrinsic value, the holder receives it; premium is untouched (it was the
        # trades'), the fees are fees.
        value = event.value if held is not None and held > 0 else -event.value
        return Flow(fees=event.fees, cash=value - event.fees)
    if isinstance(event, StockMerged):
        cash = event.in_lieu + (event.cash * held if held is not None else ZERO)
        return Flow(cash=cash)
    if isinstance(event, SpunOff):
        return Flow(cash=event.in_lieu)
    if isinstance(event, CurrencyConverted):
        return Flow(fees=event.fees, cash=-event.fees)  # in USD the two sides cancel (no Section 988)
    if isinstance(event, OptionAdjusted | SymbolChanged):
        return Flow()  # the same position under new terms or a new name: no cash moves
    if isinstance(event, TradeExecuted):
        gross, fees = event.gross, event.fees
        if event.action.is_buy:
            paid = gross if event.instrument.is_option else ZERO
            return Flow(premium_paid=paid, fees=fees, cash=-gross - fees)
        collected = gross if event.instrument.is_option else ZERO
        return Flow(premium_collected=collected, fees=fees, cash=gross - fees)
    if isinstance(event, OptionAssigned):
        # A written put assigned buys the shares; a written call assigned sells them.
        leg = _stock_leg_cash(event.option, event.quantity, buys=event.option.is_put)
        return Flow(fees=event.fees, cash=leg - event.fees)
    if isinstance(event, OptionExercised):
        # A bought call exercised buys the shares; a bought put exercised sells them.
        leg = _stock_leg_cash(event.option, event.quantity, buys=not event.option.is_put)
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
    # The symbols the wheel had before a symbol change or a merger carried it to `underlying`, oldest first
    formerly: list[str] = field(default_factory=list)

    @property
    def symbols(self) -> list[str]:
        """Every symbol the cycle has had, the current one last: what finds it."""
        return [*self.formerly, self.underlying]

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

    def absorb(self, other: Cycle) -> None:
        """Another open cycle of the account carried into this one (a merger into a stock it wheels too)."""
        self.opened = min(self.opened, other.opened)
        self.premium_collected += other.premium_collected
        self.premium_paid += other.premium_paid
        self.fees += other.fees
        self.dividends += other.dividends
        self.net_cash += other.net_cash
        self.steps = sorted([*self.steps, *other.steps], key=lambda s: s.event.time)
        self.formerly += [s for s in [*other.formerly, other.underlying] if s not in self.symbols]

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

    keep_flows = True  # (the default of a fold pickled before it had the attribute)

    def __init__(
        self,
        policies: Mapping[str, AccountPolicy] | None = None,
        books: Books | None = None,
        horizons: Mapping[str, date] | None = None,
        keep_flows: bool = True,
    ) -> None:
        # The tax books folded alongside (the read models take them too); given when resumed from a snapshot.
        self.books = books if books is not None else Books(policies or {}, horizons=horizons)
        self.cycles: list[Cycle] = []
        self.open: dict[tuple[str, str], Cycle] = {}
        self.last: dict[tuple[str, str], Cycle] = {}
        self.empty_since: dict[tuple[str, str], date] = {}
        self.shares_seen: dict[tuple[str, str], int] = {}  # the books' stock_version last summed, per key
        # (account, old symbol) -> (account, new symbol): where a corporate action carried a cycle
        self.moved: dict[tuple[str, str], tuple[str, str]] = {}
        # The flow of each event applied (`flow_of`, with what was held where its cash depends on it), by
        # id(event): worked out once, for the cycle and for the read models' daily cash, which take them
        # from here (and clear them). Without `keep_flows`, only the flows that depend on what was held
        # (a fold of many events whose flows nobody reads keeps a few).
        self.flows: dict[int, Flow] = {}
        if not keep_flows:  # (else the class's default: a pickled fold's state is as it was)
            self.keep_flows = False

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
        held = _held_before(self.books, event)
        flow = flow_of(event, held)
        if held is not None or self.keep_flows:
            self.flows[id(event)] = flow
        self.books.apply(event)
        self._follow(event, flow)

    def _take_assumed(self) -> None:
        """The expiries the books assumed (`Books.assumed_events`): steps of their cycles like real ones."""
        for expired in self.books.assumed_events:
            self._follow(expired, flow_of(expired))
        self.books.assumed_events.clear()

    def _follow(self, event: Event, flow: Flow) -> None:
        """The event (already in the books) in its cycle: a new cycle, a step, or the day it empties."""
        underlying = event.underlying
        if underlying is None or not _in_the_wheel(event):
            return
        key = (event.account, underlying)
        cycle = self.open.get(key)
        if cycle is None and key in self.moved:
            # An event of a symbol a corporate action left (the merger's adjusted option, a late dividend):
            # the cycle that went on under the new symbol, while it is open.
            cycle = self._carried(key)
        if cycle is None:
            if isinstance(event, _OPENS_CYCLE):
                cycle = self.open[key] = self.last[key] = Cycle(event.account, underlying, event.time.date())
                self.shares_seen.pop(key, None)
                self.cycles.append(cycle)
            elif isinstance(event, _LINKS):
                return  # a corporate action on a symbol the account does not wheel now
            else:
                # A dividend paid, or a fee charged, after the shares were gone belongs to the last wheel.
                cycle = self.last.get(key)
                if cycle is None:
                    return
        new = _carried_to(event)
        if new is not None and cycle.closed is None and new != cycle.underlying:
            cycle = self._carry(cycle, new)
        key = (cycle.account, cycle.underlying)
        cycle.add(event, flow)
        if cycle.closed is None:
            self._refresh_holdings(cycle)
            if self.books.holds(*key):
                self.empty_since.pop(key, None)
            else:
                self.empty_since[key] = event.time.date()
        cycle.steps.append(CycleStep(event, flow.cash, cycle.shares, cycle.net_cash, cycle.break_even))

    def _carried(self, key: tuple[str, str]) -> Cycle | None:
        seen = {key}
        while key in self.moved and self.moved[key] not in seen:
            key = self.moved[key]
            seen.add(key)
        return self.open.get(key)

    def _carry(self, cycle: Cycle, new: str) -> Cycle:
        """The open cycle goes on under `new` (a symbol change, a merger's acquirer): into the account's open
        cycle of it if there is one."""
        old_key, new_key = (cycle.account, cycle.underlying), (cycle.account, new)
        self.moved[old_key] = new_key
        del self.open[old_key]
        self.empty_since.pop(old_key, None)
        self.shares_seen.pop(old_key, None)
        self.shares_seen.pop(new_key, None)
        target = self.open.get(new_key)
        if target is not None:
            target.absorb(cycle)
            self.cycles.remove(cycle)
            self.last[old_key] = target
            return target
        cycle.formerly.append(cycle.underlying)
        cycle.underlying = new
        self.open[new_key] = self.last[new_key] = cycle
        return cycle

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


_OPENS_CYCLE = (TradeExecuted, OptionAssigned, OptionExercised, OptionExpired, OptionCashSettled)
_LINKS = (SymbolChanged, StockMerged, SpunOff, OptionAdjusted)


def _carried_to(event: Event) -> str | None:
    """The symbol a corporate action carries a wheel to: a symbol change's new symbol, a stock-for-stock
    merger's acquirer, the underlying of an option adjusted onto another (a spin-off leaves the wheel on
    the parent; an all-cash merger ends it)."""
    if isinstance(event, SymbolChanged):
        return event.new_symbol
    if isinstance(event, StockMerged):
        return event.new_symbol
    if isinstance(event, OptionAdjusted) and event.adjusted.underlying != event.option.underlying:
        return event.adjusted.underlying
    return None


def _instrument(event: Event) -> Instrument | None:
    if isinstance(event, TradeExecuted | PriceMarked | PositionReported | SecurityTransferred):
        return event.instrument
    if isinstance(event, OptionExpired | OptionAssigned | OptionExercised | OptionCashSettled):
        return event.option
    if isinstance(event, OptionAdjusted):
        return event.option
    return None


def in_the_wheel(instrument: Instrument) -> bool:
    """Stock (shares, funds, warrants) and equity or index options: what the wheel views show; bonds,
    futures and futures options are not wheels."""
    return isinstance(instrument, Stock | OptionContract)


def _in_the_wheel(event: Event) -> bool:
    instrument = _instrument(event)
    return instrument is None or in_the_wheel(instrument)


def _held_before(books: Books, event: Event) -> Decimal | None:
    """What the account holds, before the event, that the event's cash depends on (see `flow_of`)."""
    if isinstance(event, StockMerged) and event.cash:
        return books.shares(event.account, event.symbol)
    if isinstance(event, OptionCashSettled):
        lots = books.open_lots.get((event.account, event.option.name), ())
        return sum((lot.quantity for lot in lots), ZERO)
    return None


def _assign_ids(cycles: list[Cycle]) -> None:
    """`UNDERLYING-YYYYMMDD` of the opening day; the account is added only where two accounts collide."""
    base = [f"{c.underlying}-{c.opened:%Y%m%d}" for c in cycles]
    counts = Counter(base)
    for cycle, name in zip(cycles, base, strict=True):
        cycle.id = name if counts[name] == 1 else f"{name}-{cycle.account}"


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
    tracker = CycleFold(policies, books, horizons_of(events) if books is None else None, keep_flows=False)
    for event in events:
        tracker.apply(event)
    cycles = tracker.finish(today)
    return tracker.books, cycles


def build_cycles(events: Iterable[Event], policies: Mapping[str, AccountPolicy] | None = None) -> list[Cycle]:
    """Every wheel cycle of every account, in the order they opened."""
    return fold_with_cycles(events, policies)[1]
