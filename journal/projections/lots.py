"""Tax lots and realized P&L: FIFO per account and instrument, under IRS Publication 550's option rules.

Each opening fill makes a lot; closing fills, expiries, assignments and exercises consume lots first in,
first out and produce realized rows (Form 8949 lines). Written options and short stock are short lots
holding the credit received; everything is exact `Decimal` until output.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    PriceMarked,
    SecurityTransferred,
    SplitApplied,
    SpunOff,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import (
    AnyOption,
    Bond,
    Future,
    FutureOption,
    Instrument,
    OptionContract,
    Stock,
)
from journal.money import CENT, ZERO, prorate
from journal.projections.covered_calls import CoveredCall, classify, price_on
from journal.projections.wash_sales import WashSaleTracker
from journal.tax import DEFAULT_POLICY, AccountPolicy, is_section_1256


@dataclass(slots=True)
class Lot:
    """An open position from one opening fill. `basis` is the cost paid (long) or credit received (short),
    fees included, for the `quantity` still open."""

    lot_id: str
    account: str
    instrument: Instrument
    opened: date
    quantity: Decimal  # signed: negative for a written option or short stock
    basis: Decimal
    order_id: str | None = None  # the opening order: legs of one order form one position
    acquired: date = date.min  # the real acquisition date; `opened` moves back for a wash sale's tacking
    ref: str | None = None  # the opening row's broker id, by which a sale can name this lot
    held_from: date = date.min  # where the holding period counts from: `opened`, unless a straddle moved it
    basis_missing: bool = False  # transferred in without a basis: shown so until a journal-CSV row gives it

    def __post_init__(self) -> None:
        if self.acquired == date.min:
            self.acquired = self.opened
        if self.held_from == date.min:
            self.held_from = self.opened

    @property
    def is_short(self) -> bool:
        return self.quantity < 0

    @property
    def cost_basis(self) -> Decimal:
        """As `tj lots` shows it: negative for a short lot (credit received)."""
        return -self.basis if self.is_short else self.basis

    @property
    def basis_per_unit(self) -> Decimal:
        return self.cost_basis / (self.quantity * self.instrument.multiplier)


@dataclass(frozen=True, slots=True)
class RealizedRow:
    """A closed lot (or part of one): one line of Form 8949."""

    account: str
    instrument: Instrument
    quantity: Decimal  # always positive
    opened: date
    closed: date
    proceeds: Decimal
    cost_basis: Decimal
    term: str  # "short", "long" or "1256"
    adjustment: Decimal = ZERO  # wash-sale loss disallowed (Form 8949 column g, code W)
    opened_by: str = ""  # natural keys of the events that opened and closed the lot: the trace to the file
    closed_by: str = ""
    wash_sale: bool = False
    lot_method: str = "fifo"
    strategy: str | None = None  # what its lot was opened as (puts, spreads...): the read models set it
    basis_missing: bool = False  # its lot came in by transfer without a basis: Form 8949 box B/E, basis blank
    assumed: bool = False  # closed by an expiry no file recorded (ASSUMED_EXPIRY_DAYS after the expiration)

    @property
    def codes(self) -> str:
        return "W" if self.wash_sale else ""

    @property
    def underlying(self) -> str:
        return self.instrument.underlying

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.cost_basis + self.adjustment

    def with_strategy(self, strategy: str | None) -> RealizedRow:
        """`dataclasses.replace(self, strategy=strategy)` without its walk over the fields by name: the read
        models set the strategy of every realized row they write."""
        return RealizedRow(
            self.account,
            self.instrument,
            self.quantity,
            self.opened,
            self.closed,
            self.proceeds,
            self.cost_basis,
            self.term,
            self.adjustment,
            self.opened_by,
            self.closed_by,
            self.wash_sale,
            self.lot_method,
            strategy,
            self.basis_missing,
            self.assumed,
        )


class RealizedLog(list[RealizedRow]):
    """The realized rows of books resumed where an earlier fold stopped: the rows since, and of the rows
    before only those a pending wash-sale loss may still adjust, each at its index in the whole fold (what
    `PendingLoss.row` and `WashSale.loss_row` name). `changed` keeps the earlier rows' first versions."""

    def __init__(self, base: int, kept: dict[int, RealizedRow]) -> None:
        super().__init__()
        self.base = base  # rows of the whole fold before this one
        self.kept = kept
        self.changed: dict[int, RealizedRow] = {}

    def __len__(self) -> int:
        return self.base + super().__len__()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int) and index < self.base:
            return self.kept[index]
        return super().__getitem__(index - self.base if isinstance(index, int) else index)

    def __setitem__(self, index: Any, row: Any) -> None:
        if isinstance(index, int) and index < self.base:
            self.changed.setdefault(index, self.kept[index])
            self.kept[index] = row
        else:
            super().__setitem__(index - self.base if isinstance(index, int) else index, row)


# An option still open this many days after its expiration, with no closing row in any file, while the
# account's files go on past that day, is taken to have expired (a partial history: the user did not export
# the month it expired in). The wait lets an assignment or exercise that a broker posts a few days late
# (over a weekend and a holiday) arrive first. Nothing is assumed past the account's *horizon*, the day of its
# last recorded event: a journal last imported in December keeps its January options open, as the broker
# would show them, however late it is read. A real row imported later replaces the assumption, since the
# books are folded again from the events.
ASSUMED_EXPIRY_DAYS = 5
SHARE_PART = Decimal("1e-10")  # the finest part of a share the books split a fraction sold in lieu into
ASSUMED = "assumed-expiry"  # the closing key of an assumed expiry's realized rows


@dataclass(frozen=True, slots=True)
class AssumedExpiry:
    """An option lot the books expired by themselves: counted by `tj unresolved` until a real row arrives."""

    account: str
    instrument: Instrument
    quantity: Decimal  # signed, as the lot was
    expired: date
    lot_id: str


def horizons_of(events: Iterable[Event]) -> dict[str, date]:
    """Each account's horizon: the day of its last event (its settings, written when said, are not one)."""
    out: dict[str, date] = {}
    for ev in events:
        if ev.type_name != "AccountConfigured":
            day = ev.time.date()
            if out.get(ev.account, date.min) < day:
                out[ev.account] = day
    return out


def anniversary(day: date) -> date:
    """The same day a year on; a Feb 29 acquisition's anniversary is Feb 28 (long term from Mar 1)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def holding_term(opened: date, closed: date) -> str:
    # Pub 550 "Holding Period": count from the day after acquisition; long term only if held MORE than a year.
    return "long" if closed > anniversary(opened) else "short"


@dataclass(slots=True)
class _Match:
    """The part of one lot a closing took: how much, and the lot's basis for that much."""

    lot: Lot
    quantity: Decimal  # positive
    basis: Decimal
    short: bool


@dataclass
class Books:
    """The state of every account's lots, folded one event at a time in economic order."""

    policies: Mapping[str, AccountPolicy] = field(default_factory=dict)
    open_lots: dict[tuple[str, str], deque[Lot]] = field(default_factory=dict)
    realized: list[RealizedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # (account, underlying) -> names of the instruments with open lots: what the account holds of it
    holdings: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    marks: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)  # instrument name -> prices
    washes: WashSaleTracker = field(init=False)
    marked_through: int | None = None  # the last year whose Section 1256 year-end mark was applied
    apply_wash_sales: bool = True  # off only to measure what the wash-sale rule moved
    covered_calls: dict[str, CoveredCall] = field(default_factory=dict)  # by the call lot's id
    year: int | None = None  # the year the fold is in, for the Section 1256 year-end marks
    # symbol -> a count that moves whenever a share lot of it opens, closes, splits or changes basis: what
    # holds shares (a wheel cycle) sums them again only when it moved
    stock_version: dict[str, int] = field(default_factory=dict)
    assumed: list[AssumedExpiry] = field(default_factory=list)
    # account -> the day of its last event in the journal: no expiry is assumed past it (None: none at all)
    horizons: Mapping[str, date] | None = None
    assumed_events: list[OptionExpired] = field(default_factory=list)  # not yet taken by the cycles' fold
    # (expiry, account, option name) of option lots opened, the earliest first: what may need an assumed
    # expiry; built from the open lots when first needed (books resumed from a snapshot have none yet)
    _expiries: list[tuple[date, str, str]] | None = None
    # A Treasury bill's acquisition discount realized by its sale or redemption: interest income (1099-INT),
    # not a Form 8949 row; CashMoved rows of the books' own making, counted as income only (their cash is
    # in the sale's proceeds already)
    interest: list[CashMoved] = field(default_factory=list)
    # (account, option name) -> the option an adjustment (a merger's, an OptionAdjusted) made of it: what a
    # later row naming the option as it was means (the broker's adjustment row after the merger's; a close
    # that a file writes under the old symbol, as tastyworks does after a reverse split)
    _adjusted_to: dict[tuple[str, str], OptionContract] = field(default_factory=dict)
    # (account, symbol) -> the lots the last delivery of an adjusted option opened: what an IN_LIEU row
    # paying the deliverable's cash later lowers the basis of
    _delivered: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.washes = WashSaleTracker(
            lambda account: self.policy(account).owner,
            lambda account: self.policy(account).tax_advantaged,
            self._split_lot,
        )

    def policy(self, account: str) -> AccountPolicy:
        return self.policies.get(account, DEFAULT_POLICY)

    # The read models keep a partition's books between folds (`journal.partition`): the wash-sale tracker
    # holds callables of these books, so it is pickled as its data and built again.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        tracker = state.pop("washes")
        state["_wash_state"] = (tracker.pending, tracker.used, tracker.washes)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        pending, used, washes = state.pop("_wash_state")
        self.__dict__.update(state)
        self.__post_init__()
        self.washes.pending, self.washes.used, self.washes.washes = pending, used, washes

    # -- the fold ---------------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold in the next event (in economic order), first marking the Section 1256 year ends before it."""
        self.advance(event.time.date())
        if isinstance(event, TradeExecuted):
            self._trade(event)
        elif isinstance(event, OptionExpired):
            self._expire(event)
        elif isinstance(event, OptionAssigned):
            self._assign(event)
        elif isinstance(event, OptionExercised):
            self._exercise(event)
        elif isinstance(event, SplitApplied):
            self._split(event)
        elif isinstance(event, SecurityTransferred):
            self._transfer(event)
        elif isinstance(event, OptionCashSettled):
            self._cash_settle(event)
        elif isinstance(event, OptionAdjusted):
            self._option_adjusted(event)
        elif isinstance(event, SymbolChanged):
            self._symbol_changed(event)
        elif isinstance(event, StockMerged):
            self._merged(event)
        elif isinstance(event, SpunOff):
            self._spun_off(event)
        elif isinstance(event, CashMoved):
            if event.kind is CashKind.IN_LIEU:
                self._in_lieu(event)
        elif isinstance(event, PriceMarked):
            self.marks.setdefault(event.instrument.name, []).append((event.time.date(), event.price))

    def lots(self) -> list[Lot]:
        return [lot for queue in self.open_lots.values() for lot in queue]

    def holds(self, account: str, underlying: str) -> bool:
        """Whether the account holds anything of the underlying: shares (long or short) or options."""
        return bool(self.holdings.get((account, underlying)))

    def stock_lots(self, account: str, symbol: str) -> deque[Lot]:
        return self.open_lots.get((account, symbol), deque())

    def shares(self, account: str, symbol: str) -> Decimal:
        return sum((lot.quantity for lot in self.stock_lots(account, symbol)), ZERO)

    def _track(self, account: str, instrument: Instrument, is_open: bool) -> None:
        names = self.holdings.setdefault((account, instrument.underlying), set())
        if is_open:
            names.add(instrument.name)
        else:
            names.discard(instrument.name)

    def _shares_changed(self, instrument: Instrument) -> None:
        if isinstance(instrument, Stock):
            self.stock_version[instrument.symbol] = self.stock_version.get(instrument.symbol, 0) + 1

    def _problem(self, ev: Event, message: str) -> None:
        where = f"{ev.source}: " if ev.source else ""
        self.problems.append(f"{where}{message}")

    # -- lot mechanics ----------------------------------------------------------------------------

    def _open(self, ev: Event, instrument: Instrument, quantity: Decimal, basis: Decimal) -> None:
        """A new lot: quantity signed (negative opens short), basis the cost paid or credit received."""
        queue = self.open_lots.setdefault((ev.account, instrument.name), deque())
        order_id = ev.order_id if isinstance(ev, TradeExecuted) else None
        lot = Lot(ev.key, ev.account, instrument, ev.time.date(), quantity, basis, order_id, ref=ev.broker_id)
        queue.append(lot)
        self._track(ev.account, instrument, True)
        self._shares_changed(instrument)
        if isinstance(instrument, OptionContract | FutureOption) and self._expiries is not None:
            heapq.heappush(self._expiries, (instrument.expiry, ev.account, instrument.name))
        if quantity > 0 and self.apply_wash_sales and not is_section_1256(instrument):
            self.washes.on_acquire(self.realized, lot)

    def _split_lot(self, lot: Lot, units: Decimal) -> Lot:
        """Split `units` off an open long lot into a lot of its own, just before it (FIFO order kept)."""
        queue = self.open_lots[(lot.account, lot.instrument.name)]
        basis = prorate(lot.basis, units, lot.quantity)
        part = replace(lot, lot_id=f"{lot.lot_id}/{len(queue)}", quantity=units, basis=basis)
        lot.quantity -= units
        lot.basis -= basis
        queue.insert(queue.index(lot), part)
        return part

    def _holds(self, account: str, instrument: Instrument, *, short: bool) -> bool:
        queue = self.open_lots.get((account, instrument.name))
        return queue is not None and bool(queue) and queue[0].is_short == short

    def _take(
        self,
        account: str,
        instrument: Instrument,
        quantity: Decimal,
        *,
        short: bool,
        sale: Event | None = None,
    ) -> tuple[list[_Match], Decimal]:
        """Consume up to `quantity` from the lots of one side, in the account's lot order (FIFO unless the
        account chose another, or the sale names its lot); return the matches and what is left."""
        key = (account, instrument.name)
        queue = self.open_lots.get(key)
        matches: list[_Match] = []
        left = quantity
        if not queue:
            return matches, left
        self._shares_changed(instrument)
        for lot in self._selection(queue, short, sale):
            if left <= 0:
                break
            size = abs(lot.quantity)
            take = min(size, left)
            basis = prorate(lot.basis, take, size)
            matches.append(_Match(lot, take, basis, short))
            lot.basis -= basis
            lot.quantity += take if short else -take
            left -= take
            if lot.quantity == 0:
                queue.remove(lot)
                if lot.lot_id in self.covered_calls:
                    self._covered_call_closed(self.covered_calls[lot.lot_id], sale)
        if not queue:
            del self.open_lots[key]
            self._track(account, instrument, False)
        return matches, left

    def _selection(self, queue: deque[Lot], short: bool, sale: Event | None) -> list[Lot]:
        """The order in which a closing consumes lots: FIFO, LIFO, highest cost first (HIFO) for the
        account's long lots, and first of all the lot a sale names (specific identification)."""
        lots = [lot for lot in queue if lot.is_short == short]
        method = self.policy(lots[0].account).lot_method if lots and not short else "fifo"
        if isinstance(sale, TradeExecuted) and sale.lot_method and not short:
            method = sale.lot_method
        if method == "lifo":
            lots.reverse()
        elif method == "hifo":
            lots.sort(key=lambda lot: lot.basis / lot.quantity, reverse=True)
        ref = sale.lot_ref if isinstance(sale, TradeExecuted) else None
        if ref:
            named = [lot for lot in lots if ref in (lot.ref, lot.lot_id)]
            if not named and sale is not None:
                self._problem(
                    sale, f"the lot {ref!r} named by the sale is not open; lots taken {method.upper()}"
                )
            lots = named + [lot for lot in lots if lot not in named]
        return lots

    def _realize(self, ev: Event, matches: list[_Match], amount: Decimal, units: Decimal) -> None:
        """Close matched lots against a closing amount for `units` units (the sale's proceeds for long lots,
        the cost to buy back for short lots), split over the matches by quantity."""
        closed = ev.time.date()
        for m in matches:
            share = prorate(amount, m.quantity, units)
            amount -= share
            units -= m.quantity
            method = "fifo" if m.short else self.policy(ev.account).lot_method
            if isinstance(ev, TradeExecuted) and not m.short:
                method = "specific" if ev.lot_ref else ev.lot_method or method
            self._record(ev.account, m.lot, m.quantity, m.basis, share, closed, m.short, ev.key, method)

    def _record(
        self,
        account: str,
        lot: Lot,
        quantity: Decimal,
        basis: Decimal,
        amount: Decimal,
        closed: date,
        short: bool,
        closed_by: str,
        method: str = "fifo",
    ) -> None:
        """One realized row: `basis` is the lot's cost (long) or credit (short) for `quantity`, `amount` the
        closing side's proceeds (long) or cost (short)."""
        section_1256 = is_section_1256(lot.instrument)
        if not short and isinstance(lot.instrument, Bond) and lot.instrument.kind == "bill":
            discount = self._bill_discount(lot, quantity, basis, amount, closed, closed_by)
            amount -= discount
            maturity = lot.instrument.maturity
            if discount and amount == basis and (maturity is None or closed >= maturity):
                return  # redeemed: all of the gain was the discount, interest; no sale to report
        if short:
            # Pub 550, Options: a writer's gain or loss on closing or expiry is short term; short stock
            # is closed by shares bought now, so it is short term too.
            proceeds, cost, term = basis, amount, "short"
        else:
            proceeds, cost, term = amount, basis, holding_term(lot.held_from, closed)
        if section_1256:
            term = "1256"  # Pub 550: 60% long, 40% short term whatever the holding period (Form 6781)
        row = RealizedRow(
            account,
            lot.instrument,
            quantity,
            lot.opened,
            closed,
            proceeds,
            cost,
            term,
            opened_by=lot.lot_id,
            closed_by=closed_by,
            lot_method=method,
            basis_missing=lot.basis_missing,
            assumed=closed_by.startswith(ASSUMED),
        )
        self.realized.append(row)
        if not short and not section_1256 and row.gain < 0 and self.apply_wash_sales:
            name = lot.instrument.name
            candidates = [x for (_, held), queue in self.open_lots.items() if held == name for x in queue]
            self.washes.on_loss(self.realized, len(self.realized) - 1, candidates, lot.lot_id)

    def _bill_discount(
        self, lot: Lot, quantity: Decimal, basis: Decimal, amount: Decimal, closed: date, closed_by: str
    ) -> Decimal:
        """The part of a Treasury bill's gain that is interest (IRC 1271(a)(3); Pub 550 "U.S. Treasury
        bills"): up to the acquisition discount (face − basis), its ratable share (× days held / days from
        acquisition to maturity) when sold before maturity, in cents; recorded in `interest` as income."""
        bill = lot.instrument
        assert isinstance(bill, Bond)
        discount = quantity * 100 * bill.multiplier - basis
        gain = amount - basis
        if discount <= 0 or gain <= 0:
            return ZERO
        maturity = bill.maturity
        if maturity is not None and closed < maturity and maturity > lot.acquired:
            discount = discount * (closed - lot.acquired).days / (maturity - lot.acquired).days
        interest = min(gain, discount).quantize(CENT, rounding=ROUND_HALF_UP)
        if interest <= 0:
            return ZERO
        self.interest.append(
            CashMoved(
                account=lot.account,
                time=datetime.combine(closed, time(0)),
                key=f"{closed_by}:discount:{lot.lot_id}",
                kind=CashKind.INTEREST,
                amount=interest,
                symbol=bill.cusip,
                description="Treasury bill acquisition discount",
                note="interest (1099-INT): the discount earned on the bill sold or redeemed",
            )
        )
        return interest

    def _buy(
        self, ev: Event, instrument: Instrument, quantity: Decimal, cost: Decimal, *, opens: bool | None
    ) -> None:
        """Shares or contracts bought for `cost` (fees in): they cover short lots unless the trade opens."""
        left = quantity
        if opens is not True:
            matches, left = self._take(ev.account, instrument, quantity, short=True, sale=ev)
            self._realize(ev, matches, prorate(cost, quantity - left, quantity), quantity - left)
            if left and opens is False:
                self._problem(
                    ev,
                    f"bought to close {left} {instrument.name} but no such short position is open; "
                    "opened a long position instead",
                )
        if left:
            self._open(ev, instrument, left, prorate(cost, left, quantity))

    def _sell(
        self, ev: Event, instrument: Instrument, quantity: Decimal, proceeds: Decimal, *, opens: bool | None
    ) -> None:
        """Shares or contracts sold for `proceeds` (fees out): they close long lots unless the trade opens;
        what no long lot covers opens a short position, as at the broker."""
        left = quantity
        if opens is not True:
            matches, left = self._take(ev.account, instrument, quantity, short=False, sale=ev)
            self._realize(ev, matches, prorate(proceeds, quantity - left, quantity), quantity - left)
            if left and opens is False:
                self._problem(
                    ev,
                    f"sold to close {left} {instrument.name} but no such long position is open; "
                    "opened a short position instead",
                )
        if left:
            self._open(ev, instrument, -left, prorate(proceeds, left, quantity))

    # -- events -----------------------------------------------------------------------------------

    def _current(self, account: str, instrument: Instrument) -> Instrument:
        """The instrument a row names, or, when none of it is open, the adjusted option that an adjustment
        made of it and that is open (a row may name an option as it was before its adjustment)."""
        if not isinstance(instrument, OptionContract):
            return instrument
        held = self.open_lots.get((account, instrument.name))
        if held:
            return held[0].instrument  # as held: a merger adjusts an option's terms, not its name
        current: Instrument = instrument
        for _ in range(8):  # adjusted again and again, at most so many times
            following = self._adjusted_to.get((account, current.name))
            if following is None:
                break
            current = following
            if self.open_lots.get((account, current.name)):
                return current
        # Books resumed from a snapshot keep no record of the adjustment: an open option of the same expiry,
        # right and strike adjusted from this one's root (`USO1`, or delivering `USO`) is the one meant.
        for (held_in, _), queue in self.open_lots.items():
            other = queue[0].instrument if queue else None
            if (
                held_in == account
                and isinstance(other, OptionContract)
                and other.is_adjusted
                and (other.expiry, other.right, other.strike)
                == (instrument.expiry, instrument.right, instrument.strike)
                and instrument.root in (other.underlying, _ADJUSTED_ROOT.sub(r"\1", other.root))
            ):
                return other
        return instrument

    def _trade(self, ev: TradeExecuted) -> None:
        opens = ev.action.opens
        # a closing row naming an option as it was before an adjustment closes the adjusted one
        instrument = ev.instrument if opens is not False else self._current(ev.account, ev.instrument)
        if ev.action.is_buy:
            self._buy(ev, instrument, ev.quantity, ev.gross + ev.fees, opens=opens)
        else:
            self._sell(ev, instrument, ev.quantity, ev.gross - ev.fees, opens=opens)
            if ev.action is TradeAction.STO and isinstance(ev.instrument, OptionContract):
                self._covered_call_written(ev, ev.instrument)

    # -- covered calls (IRC 1092) -----------------------------------------------------------------

    def _covered_call_written(self, ev: TradeExecuted, call: OptionContract) -> None:
        """A call written against shares held: classify it, and remember which share lots it covers."""
        if call.is_put:
            return
        needed = ev.quantity * call.multiplier
        shares = [lot for lot in self.stock_lots(ev.account, call.underlying) if lot.quantity > 0]
        if sum((lot.quantity for lot in shares), ZERO) < needed:
            return  # a naked call: no shares whose holding period it could touch
        covering, held = [], ZERO
        for lot in shares:
            if held >= needed:
                break
            covering.append(lot.lot_id)
            held += lot.quantity
        price = price_on(self.marks.get(call.underlying, []), ev.time.date())
        record = CoveredCall(
            ev.account, call, ev.key, ev.time.date(), covering, price, classify(call, ev.time.date(), price)
        )
        self.covered_calls[ev.key] = record

    def _covered_call_closed(self, record: CoveredCall, ev: Event | None) -> None:
        """Apply what the call did to the shares' holding period, now that it is closed."""
        closed = ev.time.date() if ev is not None else record.written
        record.closed = closed
        if not record.changes_holding_period:
            return
        for lot in self.stock_lots(record.account, record.call.underlying):
            if lot.lot_id not in record.shares_lots or holding_term(lot.held_from, record.written) == "long":
                continue
            if record.qualified:
                # IRC 1092(f)(2): suspended while the in-the-money qualified covered call was open.
                lot.held_from += closed - record.written
                record.adjusted.append(
                    f"{lot.lot_id}: holding period suspended {(closed - record.written).days} days"
                )
            else:
                # Treas. Reg. 1.1092(b)-2T(a): the stock holding period starts when the straddle ends.
                lot.held_from = closed
                record.adjusted.append(f"{lot.lot_id}: holding period starts again on {closed}")

    def _expire(self, ev: OptionExpired) -> None:
        option = self._current(ev.account, ev.option)
        short = self._holds(ev.account, option, short=True)
        matches, left = self._take(ev.account, option, ev.quantity, short=short, sale=ev)
        if left:
            self._problem(ev, f"{ev.option.name}: {left} contracts expired that were not open")
        closed = ev.quantity - left
        # Pub 550, Options: at expiry a writer keeps the premium (cost 0), a holder loses it (proceeds 0);
        # a fee on the expiry row raises the writer's cost or lowers the holder's proceeds.
        fee = prorate(ev.fees, closed, ev.quantity) if ev.quantity else ZERO
        self._realize(ev, matches, fee if short else -fee, closed)

    def _ended_premium(
        self, ev: OptionAssigned | OptionExercised, *, short: bool
    ) -> tuple[Decimal, AnyOption]:
        """Close the option lots an assignment or exercise ends; their premium moves into the stock leg.
        Also the option as held (the adjusted one, when the row names it as it was)."""
        option = self._current(ev.account, ev.option)
        assert isinstance(option, OptionContract | FutureOption)
        matches, left = self._take(ev.account, option, ev.quantity, short=short, sale=ev)
        if left:
            side = "written" if short else "bought"
            self._problem(
                ev,
                f"{ev.option.name}: {left} {side} contracts ended that were not open; "
                "their premium is taken as 0",
            )
        return sum((m.basis for m in matches), ZERO), option

    def _assign(self, ev: OptionAssigned) -> None:
        premium, option = self._ended_premium(ev, short=True)
        # Pub 550: the put writer's basis in the stock bought is the strike less the premium received; the
        # call writer adds the premium received to the amount realized on the stock sold.
        self._deliver(ev, option, premium, buys=option.is_put, premium_received=True)

    def _exercise(self, ev: OptionExercised) -> None:
        premium, option = self._ended_premium(ev, short=False)
        # Pub 550: the call holder adds the premium paid to the basis of the stock bought; the put holder
        # reduces the amount realized on the stock sold by the premium paid.
        self._deliver(ev, option, premium, buys=not option.is_put, premium_received=False)

    def _deliver(
        self,
        ev: OptionAssigned | OptionExercised,
        option: AnyOption,
        premium: Decimal,
        *,
        buys: bool,
        premium_received: bool,
    ) -> None:
        """The stock leg of an assignment or exercise: the strike × multiplier a contract buys (or sells)
        what the contract delivers (`OptionContract.delivers`: an adjusted option's shares of one or more
        securities and cash; a futures option's futures contract). The premium and the fees go into the
        basis (bought) or the amount realized (sold); cash in the deliverable lowers the cost of what is
        bought, or the amount realized on what is sold (it goes with the shares)."""
        strike_value = option.strike * ev.quantity * option.multiplier
        if isinstance(option, FutureOption):
            # Delivers a futures position at the strike; the future's own expiry is not on the option: the
            # option's stands for it (lots are matched by the future's symbol)
            delivered: list[tuple[Instrument, Decimal]] = [
                (Future(option.future, option.expiry, option.multiplier), ev.quantity)
            ]
            cash = ZERO
        else:
            shares, cash = option.delivers(ev.quantity)
            delivered = [(Stock(symbol), count) for symbol, count in shares if count]
        signed_premium = -premium if premium_received else premium
        if buys:
            total = strike_value + signed_premium - cash + ev.fees
        else:
            total = strike_value - signed_premium - cash - ev.fees
        if not delivered:
            self._problem(ev, f"{option.name}: delivers no shares; its premium and cash are not realized")
            return
        weights = self._delivery_weights(ev, delivered)
        left_total, left_weight = total, sum(weights, ZERO)
        for (instrument, count), weight in zip(delivered, weights, strict=True):
            part = prorate(left_total, weight, left_weight) if left_weight else left_total
            left_total -= part
            left_weight -= weight
            if buys:
                self._buy(ev, instrument, count, part, opens=None)
            else:
                self._sell(ev, instrument, count, part, opens=None)
        if isinstance(option, OptionContract) and option.is_adjusted and buys:
            for instrument, _ in delivered:
                queue = self.open_lots.get((ev.account, instrument.name), deque())
                self._delivered[(ev.account, instrument.name)] = [
                    lot.lot_id for lot in queue if lot.lot_id == ev.key
                ]

    def _delivery_weights(self, ev: Event, delivered: list[tuple[Instrument, Decimal]]) -> list[Decimal]:
        """How the cost (or amount realized) of a delivery is split between its securities: by value (the
        shares × each one's MARK price within a week) when every one has a price, else by share count, said
        as a problem (Treas. Reg. 1.358-2(b)(2): by fair market value)."""
        if len(delivered) == 1:
            return [delivered[0][1]]
        day = ev.time.date()
        prices = [price_on(self.marks.get(instrument.name, []), day) for instrument, _ in delivered]
        if all(price is not None for price in prices):
            return [count * (price or ZERO) for (_, count), price in zip(delivered, prices, strict=True)]
        names = " + ".join(f"{count} {instrument.name}" for instrument, count in delivered)
        self._problem(
            ev,
            f"the delivery of {names} is split by share count: no MARK price of each security "
            "on the day (by fair market value when given)",
        )
        return [count for _, count in delivered]

    def _cash_settle(self, ev: OptionCashSettled) -> None:
        """Pub 550 "Cash settlement"; IRC 1234(c)(2): the option closes at its intrinsic value, paid by the
        writer (its cost, fees added) or received by the holder (its proceeds, fees out)."""
        option = self._current(ev.account, ev.option)
        short = self._holds(ev.account, option, short=True)
        matches, left = self._take(ev.account, option, ev.quantity, short=short, sale=ev)
        if left:
            self._problem(ev, f"{ev.option.name}: {left} contracts settled that were not open")
        closed = ev.quantity - left
        amount = ev.value + ev.fees if short else ev.value - ev.fees
        self._realize(ev, matches, prorate(amount, closed, ev.quantity) if ev.quantity else ZERO, closed)

    # -- corporate actions ------------------------------------------------------------------------

    def _move(
        self,
        account: str,
        old: Instrument,
        new: Instrument,
        lots: list[Lot] | None = None,
        scale: Decimal = Decimal(1),
    ) -> list[Lot]:
        """Lots of `old` (all of them, or `lots`) become lots of `new`: quantity × `scale`, basis, dates and
        ids kept, each in the opening order among lots `new` already has; what holds which name follows."""
        key = (account, old.name)
        queue = self.open_lots.get(key, deque())
        moving = list(queue) if lots is None else lots
        if not moving:
            return []
        old = moving[0].instrument  # as held (an option a merger adjusted keeps its name, not its terms)
        for lot in moving:
            queue.remove(lot)
        if not queue:
            self.open_lots.pop(key, None)
            self._track(account, old, False)
        self._shares_changed(old)
        for lot in moving:
            lot.instrument = new
            lot.quantity *= scale
            if lot.lot_id in self.covered_calls and isinstance(new, OptionContract):
                self.covered_calls[lot.lot_id].call = new
        target = self.open_lots.setdefault((account, new.name), deque())
        merged = sorted([*target, *moving], key=lambda lot: lot.opened)
        target.clear()
        target.extend(merged)
        self._track(account, new, True)
        self._shares_changed(new)
        if isinstance(new, OptionContract | FutureOption) and self._expiries is not None:
            heapq.heappush(self._expiries, (new.expiry, account, new.name))
        return moving

    def _symbol_changed(self, ev: SymbolChanged) -> None:
        """Not a sale or exchange (Pub 550): the account's shares, and the options on them, go on under the
        new symbol with their basis and dates; a standard option's root becomes the new symbol (the OCC
        renames it), an adjusted option's deliverable names the new symbol."""
        for (account, _), queue in list(self.open_lots.items()):
            if account != ev.account or not queue:
                continue
            instrument = queue[0].instrument
            renamed = _renamed(instrument, ev.symbol, ev.new_symbol)
            if renamed is not None:
                self._move(account, instrument, renamed)
        self.washes.renamed(ev.symbol, ev.new_symbol)  # the same stock: a pending loss is washed by it

    def _merged(self, ev: StockMerged) -> None:
        """A merger of `symbol` into `new_symbol` (docs/tax.md): stock for stock carries each lot's basis and
        dates over (IRC 354, 358, 1223(1)); with cash too, each lot's gain is recognised up to the cash and no
        loss (IRC 356(a), (c)); all cash is a sale of every lot (IRC 1001). Cash in lieu of a fraction is a
        sale of the fraction. Open options on `symbol` become adjusted options delivering the new shares and
        cash (an `OptionAdjusted` of the broker's, before or after, says the exact deliverable)."""
        account = ev.account
        queue = self.open_lots.get((account, ev.symbol), deque())
        stock = queue[0].instrument if queue else Stock(ev.symbol)
        if not isinstance(stock, Stock):
            return
        self._adjust_options_for_merger(ev)
        held = sum((lot.quantity for lot in queue), ZERO)
        if ev.new_symbol is None:
            if held > 0:
                self._sell(ev, stock, held, ev.cash * held, opens=False)
            elif held < 0:
                self._buy(ev, stock, -held, ev.cash * -held, opens=False)
            return
        ratio = ev.new / ev.old
        closed = ev.time.date()
        if ev.cash:
            for lot in list(queue):
                if lot.quantity <= 0:
                    continue
                cash = ev.cash * lot.quantity
                if ev.price is None:
                    self._problem(
                        ev,
                        f"{ev.symbol} merger with cash and no price of {ev.new_symbol}: the gain is "
                        "taken to reach the cash (all of it recognised)",
                    )
                    recognised = cash
                else:
                    gain = lot.quantity * ratio * ev.price + cash - lot.basis
                    recognised = min(gain, cash) if gain > 0 else ZERO
                if recognised > 0:
                    self._record(account, lot, lot.quantity, cash - recognised, cash, closed, False, ev.key)
                lot.basis += recognised - cash
        new = replace(stock, symbol=ev.new_symbol)
        moved = self._move(account, stock, new, scale=ratio)
        if ev.in_lieu:
            self._fraction_sold(ev, moved, ev.in_lieu)

    def _adjust_options_for_merger(self, ev: StockMerged) -> None:
        """The account's standard options on the merged stock become adjusted options: new/old × multiplier
        shares of the acquirer and cash × multiplier a contract, root, strike and multiplier unchanged."""
        for (account, _), queue in list(self.open_lots.items()):
            if account != ev.account or not queue:
                continue
            option = queue[0].instrument
            if not isinstance(option, OptionContract) or option.is_adjusted or option.underlying != ev.symbol:
                continue
            if ev.new_symbol is None:
                self._problem(
                    ev,
                    f"{option.name}: an option on a stock bought for cash delivers cash only, not "
                    "modelled; left unchanged",
                )
                continue
            adjusted = replace(
                option,
                deliverable=((ev.new_symbol, ev.new / ev.old * option.multiplier),),
                cash=ev.cash * option.multiplier,
            )
            self._move(account, option, adjusted)
            self._adjusted_to[(account, option.name)] = adjusted

    def _spun_off(self, ev: SpunOff) -> None:
        """IRC 355, 358(b)-(c), Form 8937: each parent lot gives a lot of new/old child shares with
        `allocation` percent of its basis and its dates; the parent lot keeps the rest. Cash in lieu of a
        fraction of a child share is a sale of the fraction."""
        account = ev.account
        queue = self.open_lots.get((account, ev.symbol), deque())
        child = Stock(ev.new_symbol)
        ratio, share = ev.new / ev.old, ev.allocation / 100
        children = []
        for lot in queue:
            if lot.quantity <= 0 or not isinstance(lot.instrument, Stock):
                continue
            basis = lot.basis * share
            lot.basis -= basis
            children.append(
                Lot(
                    f"{lot.lot_id}>{ev.new_symbol}",
                    account,
                    child,
                    lot.opened,
                    lot.quantity * ratio,
                    basis,
                    acquired=lot.acquired,
                    held_from=lot.held_from,
                    basis_missing=lot.basis_missing,
                )
            )
        if not children:
            if ev.in_lieu:
                self._problem(ev, f"{ev.symbol} spin-off: cash in lieu but no {ev.symbol} shares held")
            return
        self._shares_changed(queue[0].instrument)
        target = self.open_lots.setdefault((account, child.name), deque())
        merged = sorted([*target, *children], key=lambda lot: lot.opened)
        target.clear()
        target.extend(merged)
        self._track(account, child, True)
        self._shares_changed(child)
        if ev.in_lieu:
            self._fraction_sold(ev, children, ev.in_lieu)

    def _fraction_sold(self, ev: StockMerged | SpunOff | CashMoved, lots: list[Lot], cash: Decimal) -> None:
        """Cash in lieu of a fraction of a new share: the fraction is received and sold (Rev. Rul. 66-365;
        IRC 1001), taken from the new lots pro rata, each part's basis its lot's basis × part / lot, its term
        the lot's. New shares that come out whole: the cash returns basis (`_returned`)."""
        held = [lot for lot in lots if lot.quantity > 0]
        total = sum((lot.quantity for lot in held), ZERO)
        fraction = total - int(total)
        if not held or not fraction:
            self._problem(
                ev,
                f"cash in lieu {cash} but the new shares held ({total}) have no fraction: it returns basis",
            )
            symbol = ev.symbol if isinstance(ev, CashMoved) else ev.new_symbol
            self._returned(ev, held, cash, lots[0].instrument if lots else Stock(symbol or ""))
            return
        closed = ev.time.date()
        # Each lot's part of the fraction and of the cash; the largest lot takes what the others leave, so
        # that the parts add up to the fraction and the cash; the others' parts to 1e-10 of a share (finer
        # than any broker's fractions), so that quantities stay exact decimals. All of each lot, when the new
        # shares are all fraction.
        largest = max(held, key=lambda lot: lot.quantity)
        parts: dict[str, tuple[Decimal, Decimal]] = {}
        left_fraction, left_cash = fraction, cash
        for lot in held:
            if lot is not largest:
                units = lot.quantity
                if fraction != total:
                    units = min(prorate(fraction, lot.quantity, total).quantize(SHARE_PART), units)
                parts[lot.lot_id] = units, prorate(cash, lot.quantity, total)
                left_fraction -= units
                left_cash -= parts[lot.lot_id][1]
        parts[largest.lot_id] = min(left_fraction, largest.quantity), left_cash
        for lot in held:  # recorded in the lots' order
            units, proceeds = parts[lot.lot_id]
            basis = prorate(lot.basis, units, lot.quantity)
            lot.quantity -= units
            lot.basis -= basis
            self._record(ev.account, lot, units, basis, proceeds, closed, False, ev.key)
        instrument = held[0].instrument
        queue = self.open_lots.get((ev.account, instrument.name), deque())
        for lot in [lot for lot in held if lot.quantity == 0]:  # all of it was the fraction
            queue.remove(lot)
        if not queue:
            self.open_lots.pop((ev.account, instrument.name), None)
            self._track(ev.account, instrument, False)
        self._shares_changed(instrument)

    def _in_lieu(self, ev: CashMoved) -> None:
        """Cash in lieu (IN_LIEU) naming a symbol. When the account's shares of it hold a fraction (a
        merger's, a split's, paid on a row of its own), the sale of the fraction (Rev. Rul. 66-365; IRC 1001).
        Else the cash part of an adjusted option's deliverable paid later: returned basis of the lots the last
        delivery opened, else of the account's lots of it, pro rata; a gain past the basis."""
        if not ev.symbol:
            self._problem(ev, "cash in lieu naming no symbol: counted as cash only")
            return
        account, symbol = ev.account, ev.symbol
        queue = self.open_lots.get((account, symbol), deque())
        held = [lot for lot in queue if lot.quantity > 0]
        total = sum((lot.quantity for lot in held), ZERO)
        if total != int(total):
            self._fraction_sold(ev, held, ev.amount)
            return
        ids = set(self._delivered.get((account, symbol), ()))
        lots = [lot for lot in queue if lot.lot_id in ids and lot.quantity > 0]
        if not lots:
            lots = [lot for lot in queue if lot.quantity > 0]
        instrument = lots[0].instrument if lots else Stock(symbol)
        self._returned(ev, lots, ev.amount, instrument)

    def _returned(self, ev: Event, lots: list[Lot], cash: Decimal, instrument: Instrument) -> None:
        """`cash` returns basis of `lots` pro rata by quantity, each lot down to zero; what is past their
        basis is a gain, short term (realized the day it is paid)."""
        total = sum((lot.quantity for lot in lots), ZERO)
        left_cash, excess = cash, ZERO
        for i, lot in enumerate(lots):
            part = left_cash if i == len(lots) - 1 else prorate(cash, lot.quantity, total)
            left_cash -= part
            taken = min(part, lot.basis) if lot.basis > 0 else ZERO
            lot.basis -= taken
            excess += part - taken
        if lots:
            self._shares_changed(lots[0].instrument)
        else:
            excess = cash
        if excess > 0:
            day = ev.time.date()
            self.realized.append(
                RealizedRow(ev.account, instrument, ZERO, day, day, excess, ZERO, "short", closed_by=ev.key)
            )

    def _option_adjusted(self, ev: OptionAdjusted) -> None:
        """An OCC adjustment (special dividend, merger, split): the open lots of `option` become lots of
        `adjusted`, contracts × new_quantity / quantity, premium and dates kept, nothing realized; a covered
        call's record follows it."""
        account, option = ev.account, ev.option
        queue = self.open_lots.get((account, option.name))
        if not queue:
            current = self._current(account, option)
            if current != ev.adjusted:
                queue = self.open_lots.get((account, current.name))
                option = current if isinstance(current, OptionContract) else option
        if not queue:
            self._problem(ev, f"{ev.option.name}: {ev.quantity} contracts adjusted that were not open")
            return
        lots, left = [], ev.quantity
        for lot in list(queue):
            if left <= 0:
                break
            size = abs(lot.quantity)
            if size > left:  # part of the lot is adjusted: split it (the rest stays as it was)
                part_basis = prorate(lot.basis, left, size)
                sign = -1 if lot.is_short else 1
                part = replace(
                    lot, lot_id=f"{lot.lot_id}/{len(queue)}", quantity=sign * left, basis=part_basis
                )
                lot.quantity -= sign * left
                lot.basis -= part_basis
                queue.insert(queue.index(lot), part)
                lot = part
                size = left
            lots.append(lot)
            left -= size
        if left:
            self._problem(ev, f"{ev.option.name}: {left} contracts adjusted that were not open")
        scale = ev.new_quantity / ev.quantity if ev.new_quantity is not None and ev.quantity else Decimal(1)
        self._move(account, option, ev.adjusted, lots, scale)
        if ev.option.name != ev.adjusted.name:
            self._adjusted_to[(account, ev.option.name)] = ev.adjusted

    def _transfer(self, ev: SecurityTransferred) -> None:
        """Shares or contracts moved in or out without a sale (Pub 550: a transfer between one's own accounts
        or a gift received carries the basis and the holding period; nothing is realized). In: a lot with the
        file's basis and acquisition date, or *basis missing*. Out: lots leave first in, first out."""
        if ev.quantity > 0 or ev.opening:
            # `basis` is signed as `tj lots` shows cost: a short lot's credit is negative there.
            basis = ZERO if ev.basis is None else ev.basis if ev.quantity > 0 else -ev.basis
            self._open(ev, ev.instrument, ev.quantity, basis)
            lot = self.open_lots[(ev.account, ev.instrument.name)][-1]
            lot.basis_missing = ev.basis is None
            if ev.acquired is not None:
                lot.opened = lot.acquired = lot.held_from = ev.acquired
            return
        short = self._holds(ev.account, ev.instrument, short=True)
        _, left = self._take(ev.account, ev.instrument, -ev.quantity, short=short, sale=ev)
        if left:
            self._problem(ev, f"{ev.instrument.name}: {left} transferred out that were not held")

    def _assume_expiries(self, day: date) -> None:
        """Expire option lots still open `ASSUMED_EXPIRY_DAYS` after their expiration (see the constant), by
        an expiry event of the books' own making: the same rule as a real one, named `assumed`."""
        if self.horizons is None:
            return
        if self._expiries is None:
            self._expiries = [
                (lot.instrument.expiry, lot.account, lot.instrument.name)
                for lot in self.lots()
                if isinstance(lot.instrument, OptionContract | FutureOption)
            ]
            heapq.heapify(self._expiries)
        heap = self._expiries
        while heap and (day - heap[0][0]).days > ASSUMED_EXPIRY_DAYS:
            expiry, account, name = heapq.heappop(heap)
            if (self.horizons.get(account, date.min) - expiry).days <= ASSUMED_EXPIRY_DAYS:
                continue  # the account's files end before: nothing says the option did not run its course
            lots = self.open_lots.get((account, name))
            if not lots:
                continue  # closed meanwhile
            first, option = lots[0], lots[0].instrument
            if not isinstance(option, OptionContract | FutureOption) or option.expiry != expiry:
                continue  # a lot of another contract now holds the name (an adjusted option after a split)
            quantity = sum((lot.quantity for lot in lots), ZERO)
            expired = OptionExpired(
                account=account,
                time=datetime.combine(expiry, time(23, 59, 59)),
                key=f"{ASSUMED}:{first.lot_id}",
                option=option,
                quantity=abs(quantity),
                note="assumed: open past its expiration with no closing row in any file",
            )
            self.assumed.append(AssumedExpiry(account, option, quantity, expiry, first.lot_id))
            self.assumed_events.append(expired)
            self._expire(expired)

    def _split(self, ev: SplitApplied) -> None:
        """Scale the account's open share lots (basis and dates kept) and, for a whole ratio, its options
        on the symbol (contracts × ratio, strike ÷ ratio: the OCC's standard adjustment)."""
        ratio = ev.new / ev.old
        for (account, name), queue in list(self.open_lots.items()):
            if account != ev.account or queue[0].instrument.underlying != ev.symbol:
                continue
            instrument = queue[0].instrument
            if isinstance(instrument, Stock):
                for lot in queue:
                    lot.quantity *= ratio
                self._shares_changed(instrument)
                continue
            if not isinstance(instrument, OptionContract):
                continue
            if instrument.deliverable:
                # an adjusted option delivers ratio × the shares it did; contracts and strike unchanged
                scaled = tuple(
                    (symbol, shares * ratio if symbol == ev.symbol else shares)
                    for symbol, shares in instrument.deliverable
                )
                self._move(account, instrument, replace(instrument, deliverable=scaled))
                continue
            if ratio != ratio.to_integral_value():
                self._problem(
                    ev,
                    f"{name}: options after a {ev.new}:{ev.old} split get adjusted deliverables, "
                    "not modelled yet; left unchanged",
                )
                continue
            assert isinstance(instrument, OptionContract)
            adjusted = OptionContract(
                instrument.root,
                instrument.expiry,
                instrument.right,
                instrument.strike / ratio,
                instrument.multiplier,
            )
            del self.open_lots[(account, name)]
            self._track(account, instrument, False)
            for lot in queue:
                lot.quantity *= ratio
                lot.instrument = adjusted
            self.open_lots.setdefault((account, adjusted.name), deque()).extend(queue)
            self._track(account, adjusted, True)
            if self._expiries is not None:  # the adjusted contract may be left to expire by assumption too
                heapq.heappush(self._expiries, (adjusted.expiry, account, adjusted.name))

    # -- Section 1256 year-end marking ------------------------------------------------------------

    def advance(self, day: date) -> None:
        """Mark the Section 1256 year ends the books pass on their way to `day` (`apply` does, each event)."""
        self._assume_expiries(day)
        if self.year is None:
            self.year = day.year
        while day.year > self.year:
            self.mark_year_end(self.year)
            self.year += 1

    def close_through(self, last_day: date) -> None:
        """Mark every year end up to `last_day` (the end of the fold: `until`, else today), and expire the
        options that ended long enough before it with no closing row."""
        self._assume_expiries(last_day)
        while self.year is not None and date(self.year, 12, 31) <= last_day:
            self.mark_year_end(self.year)
            self.year += 1

    def mark_year_end(self, year: int) -> None:
        """Pub 550 / Form 6781: Section 1256 contracts open at year end are treated as sold at fair value
        on the year's last business day (the last MARK in December), and the basis is reset to that value."""
        end = date(year, 12, 31)
        for lot in self.lots():
            if not is_section_1256(lot.instrument):
                continue
            prices = [
                (d, p) for d, p in self.marks.get(lot.instrument.name, []) if date(year, 12, 1) <= d <= end
            ]
            if not prices:
                self.problems.append(
                    f"{lot.instrument.name} ({lot.account}) open at the end of {year} has no MARK "
                    "price in December: not marked to market"
                )
                continue
            day, price = max(prices)
            size = abs(lot.quantity)
            value = price * size * lot.instrument.multiplier
            self._record(lot.account, lot, size, lot.basis, value, day, lot.is_short, f"mark:{year}", "mark")
            lot.basis = value
            self._shares_changed(lot.instrument)
        self.marked_through = year


# An adjusted option's root: the underlying's letters and one digit (OCC: `GREE1`, `USO1`).
_ADJUSTED_ROOT = re.compile(r"^([A-Z]{1,5})([1-9])$")


def _renamed(instrument: Instrument, old: str, new: str) -> Instrument | None:
    """The instrument under the new symbol after a symbol change, or None when it does not name `old`:
    shares of it; a standard option on it (root `old`, or `old` and an adjustment digit); an adjusted
    option delivering it (the deliverable renamed, the root as the OCC left it)."""
    if isinstance(instrument, Stock):
        return replace(instrument, symbol=new) if instrument.symbol == old else None
    if not isinstance(instrument, OptionContract):
        return None
    if instrument.deliverable:
        if all(symbol != old for symbol, _ in instrument.deliverable):
            return None
        deliverable = tuple(
            (new if symbol == old else symbol, shares) for symbol, shares in instrument.deliverable
        )
        return replace(instrument, deliverable=deliverable)
    if instrument.root == old:
        return replace(instrument, root=new)
    adjusted = _ADJUSTED_ROOT.match(instrument.root)
    if adjusted and adjusted[1] == old:
        return replace(instrument, root=new + adjusted[2])
    return None


def fold(
    events: Iterable[Event],
    until: date | None = None,
    policies: Mapping[str, AccountPolicy] | None = None,
    today: date | None = None,
    wash_sales: bool = True,
    horizons: Mapping[str, date] | None = None,
) -> Books:
    """The books after every event (in economic order) up to the end of `until`; Section 1256 contracts open
    at a year end that the books pass are marked to market then. `horizons`: each account's last event in
    the journal (default: in `events`), past which no expiry is assumed."""
    events = list(events)
    if horizons is None:
        horizons = horizons_of(events)
    books = Books(policies or {}, apply_wash_sales=wash_sales, horizons=horizons)
    for event in events:
        if until is not None and event.time.date() > until:
            break
        books.apply(event)
    books.close_through(until or (today or date.today()))
    return books
