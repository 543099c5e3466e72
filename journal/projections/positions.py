"""Open positions grouped into the strategies option sellers trade, with what each puts at risk.

Legs of one order (or, without an order id, opened together on one day in one underlying) form one
position; short calls covered by shares held are covered calls. Capital at risk (DOMAIN.md): collateral
for a cash-secured put, cost of the shares for stock and covered calls, max loss for a defined-risk spread,
the debit for a bought option; None where the loss is unlimited (a naked call).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any

from journal.instruments import AnyOption, Bond, Future, FutureOption, Instrument, OptionContract, Stock
from journal.money import ZERO
from journal.projections.lots import Lot


@dataclass(frozen=True, slots=True)
class Leg:
    """One instrument of a position, its lots added up."""

    instrument: Instrument
    quantity: Decimal  # signed: negative for written options and short stock
    cost_basis: Decimal  # negative is a credit received, fees included
    opened: date

    @property
    def option(self) -> AnyOption:
        assert isinstance(self.instrument, OptionContract | FutureOption)
        return self.instrument

    @property
    def contracts(self) -> Decimal:
        return abs(self.quantity)


@dataclass
class Position:
    account: str
    underlying: str
    strategy: str
    legs: list[Leg]
    credit: Decimal = ZERO  # net premium received for the option legs (negative: a debit paid)
    collateral: Decimal | None = None
    max_loss: Decimal | None = None  # None: unlimited or not defined
    max_profit: Decimal | None = None
    break_even: Decimal | None = None
    break_even_upper: Decimal | None = None
    capital_at_risk: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def opened(self) -> date:
        return min(leg.opened for leg in self.legs)

    @property
    def expiry(self) -> date | None:
        expiries = [leg.option.expiry for leg in self.legs if leg.instrument.is_option]
        return min(expiries) if expiries else None

    def days_to_expiry(self, as_of: date) -> int | None:
        return (self.expiry - as_of).days if self.expiry else None


def _legs(lots: Iterable[Lot]) -> list[Leg]:
    """The lots added up by instrument. A long and a short lot of one contract that net to nothing (a
    journal may open both: an STO of a contract held long) are no leg: flat, they risk nothing."""
    by_name: dict[str, list[Lot]] = defaultdict(list)
    for lot in lots:
        by_name[lot.instrument.name].append(lot)
    legs = []
    for group in by_name.values():
        leg = _lot_leg(group[0]) if len(group) == 1 else _leg(group)  # most legs are one lot
        if leg.quantity:
            legs.append(leg)
    return legs


def _leg(group: list[Lot]) -> Leg:
    return Leg(
        group[0].instrument,
        sum((x.quantity for x in group), ZERO),
        sum((x.cost_basis for x in group), ZERO),
        min(x.opened for x in group),
    )


def _lot_leg(lot: Lot) -> Leg:
    """`_leg([lot])`: the sums of one lot are `ZERO + x`, as `sum` makes them (`1E+2` is `100`, `-0` is 0)."""
    return Leg(lot.instrument, ZERO + lot.quantity, ZERO + lot.cost_basis, lot.opened)


def _per_share_credit(credit: Decimal, leg: Leg) -> Decimal:
    return credit / (leg.contracts * leg.option.multiplier)


def _vertical(short: Leg, long: Leg, credit: Decimal) -> tuple[str, Decimal, Decimal, Decimal]:
    """A two-leg spread of one right and expiry: its name, max loss, max profit and break-even."""
    width = abs(short.option.strike - long.option.strike) * short.contracts * short.option.multiplier
    per_share = _per_share_credit(credit, short)
    put = short.option.is_put
    if credit >= 0:  # a credit spread: the short strike is the nearer one
        name = "bull put spread" if put else "bear call spread"
        return (
            name,
            width - credit,
            credit,
            short.option.strike - per_share if put else short.option.strike + per_share,
        )
    name = "bear put spread" if put else "bull call spread"
    debit = -credit
    return (
        name,
        debit,
        width - debit,
        long.option.strike + per_share if put else long.option.strike - per_share,
    )


def classify(account: str, underlying: str, legs: list[Leg]) -> Position | None:
    """Name the strategy of a group of option legs; None when the legs make no strategy we know."""
    credit = -sum((leg.cost_basis for leg in legs), ZERO)
    pos = Position(account, underlying, "", legs, credit)
    shorts = [leg for leg in legs if leg.quantity < 0]
    longs = [leg for leg in legs if leg.quantity > 0]
    if len(legs) == 1:
        leg = legs[0]
        option = leg.option
        size = leg.contracts * option.multiplier
        if leg.quantity > 0:
            pos.strategy = "long put" if option.is_put else "long call"
            pos.max_loss = pos.capital_at_risk = -credit
            per_share = -credit / size
            pos.break_even = option.strike - per_share if option.is_put else option.strike + per_share
            pos.max_profit = option.strike * size + credit if option.is_put else None
            return pos
        if option.is_put:
            pos.strategy = "cash-secured put"
            pos.collateral = option.strike * size
            pos.capital_at_risk = pos.collateral
            pos.max_loss = pos.collateral - credit
            pos.max_profit = credit
            pos.break_even = option.strike - credit / size
            return pos
        pos.strategy = "naked call"  # covered_calls() renames it when shares cover it
        pos.max_profit = credit
        pos.break_even = option.strike + credit / size
        pos.notes.append("unlimited loss")
        return pos
    same_expiry = len({leg.option.expiry for leg in legs}) == 1
    equal_size = len({leg.contracts for leg in legs}) == 1
    if not (same_expiry and equal_size):
        return None
    if len(legs) == 2 and len(shorts) == 1 and shorts[0].option.right == longs[0].option.right:
        pos.strategy, pos.max_loss, pos.max_profit, pos.break_even = _vertical(shorts[0], longs[0], credit)
        pos.capital_at_risk = pos.max_loss
        return pos
    if len(legs) == 2 and {leg.option.right for leg in legs} == {"P", "C"} and len(shorts) in (0, 2):
        put = next(leg for leg in legs if leg.option.is_put)
        call = next(leg for leg in legs if not leg.option.is_put)
        kind = "straddle" if put.option.strike == call.option.strike else "strangle"
        per_share = _per_share_credit(credit, put)
        pos.break_even, pos.break_even_upper = put.option.strike - per_share, call.option.strike + per_share
        if shorts:
            pos.strategy = f"short {kind}"
            pos.max_profit = credit
            pos.notes.append("unlimited loss")
        else:
            pos.strategy = f"long {kind}"
            pos.max_loss = pos.capital_at_risk = -credit
        return pos
    if len(legs) == 2 and len(shorts) == 1 and not shorts[0].option.is_put and longs[0].option.is_put:
        # A short call and a long put: bearish alone; with shares it is a collar (_cover_with_shares).
        pos.strategy = "short risk reversal"
        pos.notes.append("unlimited loss")
        return pos
    if len(legs) == 4 and len(shorts) == 2:
        puts = sorted((leg for leg in legs if leg.option.is_put), key=lambda x: x.option.strike)
        calls = sorted((leg for leg in legs if not leg.option.is_put), key=lambda x: x.option.strike)
        # Iron condor: long put < short put <= short call < long call.
        if (
            len(puts) == 2
            and len(calls) == 2
            and puts[0].quantity > 0 > puts[1].quantity
            and calls[0].quantity < 0 < calls[1].quantity
            and puts[1].option.strike <= calls[0].option.strike
        ):
            size = puts[1].contracts * puts[1].option.multiplier
            width = max(
                puts[1].option.strike - puts[0].option.strike, calls[1].option.strike - calls[0].option.strike
            )
            pos.strategy = "iron condor"
            pos.max_loss = pos.capital_at_risk = width * size - credit
            pos.max_profit = credit
            pos.break_even = puts[1].option.strike - credit / size
            pos.break_even_upper = calls[0].option.strike + credit / size
            return pos
    return None


# What shares can cover: a naked call (a covered call then) and a short call with a long put (a collar).
_COVERABLE = frozenset({"naked call", "short risk reversal"})


def _call_to_cover(pos: Position) -> tuple[Leg, Leg | None] | None:
    """The short call shares could cover in this position, with the long put that makes it a collar."""
    if pos.strategy not in _COVERABLE:
        return None
    calls = [
        leg for leg in pos.legs if leg.instrument.is_option and not leg.option.is_put and leg.quantity < 0
    ]
    puts = [leg for leg in pos.legs if leg.instrument.is_option and leg.option.is_put and leg.quantity > 0]
    collar_shape = len(pos.legs) == 2 and len(calls) == 1 and len(puts) == 1
    if not (pos.strategy == "naked call" or collar_shape) or not calls:
        return None
    return calls[0], puts[0] if collar_shape else None


def _cover_with_shares(positions: list[Position], stock: dict[tuple[str, str], list[Lot]]) -> list[Position]:
    """Short calls (and put + call collars) backed by shares held become covered calls or collars, taking
    the cost of the shares that cover them (oldest first) as capital at risk; shares nothing covers stay a
    stock position. Each share counts once, so the capital at risk adds up to what the shares cost."""
    out: list[Position] = []
    for pos in positions:
        cover = _call_to_cover(pos)
        if cover is None:
            out.append(pos)
            continue
        key = (pos.account, pos.underlying)
        lots = stock.get(key, [])
        held = sum((lot.quantity for lot in lots), ZERO)
        short_call, long_put = cover
        needed = short_call.contracts * short_call.option.multiplier
        if held < needed:
            out.append(pos)
            continue
        share_cost = _take_shares(stock, key, needed)
        shares_leg = Leg(Stock(pos.underlying), needed, share_cost, min(lot.opened for lot in lots))
        call = short_call.option
        if long_put is not None:
            pos = Position(pos.account, pos.underlying, "collar", [shares_leg, *pos.legs], pos.credit)
            pos.max_loss = share_cost - pos.credit - long_put.option.strike * needed
            pos.max_profit = call.strike * needed + pos.credit - share_cost
        else:
            pos = Position(pos.account, pos.underlying, "covered call", [shares_leg, *pos.legs], pos.credit)
            pos.max_profit = call.strike * needed + pos.credit - share_cost
            pos.max_loss = share_cost - pos.credit
        pos.capital_at_risk = share_cost
        pos.break_even = (share_cost - pos.credit) / needed
        out.append(pos)
    for (account, _), lots in stock.items():
        legs = _legs(lots)
        if legs:
            leg = legs[0]
            name = _held_name(leg)
            pos = Position(account, leg.instrument.underlying, name, legs)
            if isinstance(leg.instrument, Future):
                # a futures contract's cost is its notional value, not cash put up: no capital figure
                pos.notes.append("unlimited loss" if leg.quantity < 0 else "futures: loss up to the notional")
            elif leg.quantity > 0:
                pos.capital_at_risk = pos.max_loss = leg.cost_basis
                pos.break_even = leg.cost_basis / leg.quantity
            else:
                pos.notes.append("unlimited loss")
            out.append(pos)
    return out


def _held_name(leg: Leg) -> str:
    """What a position of held units is called: stock (a fund, a warrant), a bill, note or bond, a future."""
    instrument, long = leg.instrument, leg.quantity > 0
    if isinstance(instrument, Bond):
        return instrument.kind if long else f"short {instrument.kind}"
    if isinstance(instrument, Future):
        return "long future" if long else "short future"
    kind = instrument.kind if isinstance(instrument, Stock) else "stock"
    return kind if long else f"short {kind}"


def _take_shares(stock: dict[tuple[str, str], list[Lot]], key: tuple[str, str], shares: Decimal) -> Decimal:
    """Remove `shares` (oldest first) from the pool of shares not yet covering a call; returns their cost
    (a lot split in two keeps the rest of its cost exactly)."""
    remaining: list[Lot] = []
    left, cost = shares, ZERO
    for lot in stock[key]:
        if left >= lot.quantity:
            left -= lot.quantity
            cost += lot.cost_basis
            continue
        if left > 0:
            part = lot.quantity - left
            rest = Lot(
                lot.lot_id,
                lot.account,
                lot.instrument,
                lot.opened,
                part,
                lot.basis * part / lot.quantity,
                lot.order_id,
            )
            cost += lot.cost_basis - rest.cost_basis
            lot, left = rest, ZERO
        remaining.append(lot)
    stock[key] = remaining
    return cost


GroupCache = dict[tuple[Any, ...], list[Position]]
_Key = tuple[str, str]


# What `known` keys a group of lots by: each lot's id and what `classify` reads of it (an option's name
# leaves out its multiplier and a strike's digits past the thousandths: two contracts may share one).
_LOT_STATE = attrgetter(
    "lot_id", "instrument.name", "instrument.strike", "instrument.multiplier", "quantity", "basis", "opened"
)
_HELD = (Stock, Bond, Future)
_DAY_KEYS: dict[date, str] = {}  # a day's group key ("day:2024-01-02"): made once per day, not per lot


def _day_key(day: date) -> str:
    key = _DAY_KEYS.get(day)
    if key is None:
        key = f"day:{day.isoformat()}"
        if len(_DAY_KEYS) < 100_000:
            _DAY_KEYS[day] = key
    return key


def _option_positions(
    lots: Iterable[Lot], known: GroupCache | None
) -> tuple[list[Position], dict[_Key, list[Lot]]]:
    """The option lots as positions (each group classified once per content when `known` is given), and the
    stock lots by (account, symbol), not yet matched against the calls they may cover."""
    groups: dict[tuple[str, str, str], list[Lot]] = {}
    stock: dict[_Key, list[Lot]] = defaultdict(list)
    for lot in lots:
        instrument = lot.instrument
        kind = type(instrument)
        if kind in _HELD or (kind is not OptionContract and isinstance(instrument, _HELD)):
            # held, not optioned: a position of its own (Treasuries, bonds and futures cover no call)
            stock[(lot.account, instrument.name)].append(lot)
        else:
            key = (lot.account, instrument.underlying, lot.order_id or _day_key(lot.opened))
            group = groups.get(key)
            if group is None:
                groups[key] = [lot]
            else:
                group.append(lot)
    positions: list[Position] = []
    for key, group in groups.items():
        if known is None:
            positions.extend(_group_positions(key[0], key[1], group))
            continue
        state = (key, tuple(map(_LOT_STATE, group)))
        found = known.get(state)
        if found is None:
            found = known[state] = _group_positions(key[0], key[1], group)
        positions.extend(found)
    return positions, stock


def open_positions(lots: Iterable[Lot], known: GroupCache | None = None) -> list[Position]:
    """The open lots as positions, each with its strategy, in order of opening.

    `known` keeps each group of lots' positions by the group's content, for a caller that asks day after
    day: a day changes a few groups, and an unchanged group is not classified again."""
    positions, stock = _option_positions(lots, known)
    return sorted(_cover_with_shares(positions, stock), key=position_order)


def capital_total(lots: Iterable[Lot], known: GroupCache | None = None) -> tuple[Decimal, bool]:
    """What the capital at risk of `open_positions(lots)` adds up to, and whether some position's loss is
    unlimited (not in the total), without building the covered calls: shares count once at their cost
    whether or not they cover a call, so only which calls they cover matters (the same oldest-first
    matching). For a figure asked every day of a period, where the positions themselves are not shown."""
    positions, stock = _option_positions(lots, known)
    held = {key: sum((lot.quantity for lot in group), ZERO) for key, group in stock.items()}
    total, unlimited = ZERO, False
    for pos in positions:
        cover = _call_to_cover(pos) if pos.strategy in _COVERABLE else None
        if cover is not None:
            key, needed = (pos.account, pos.underlying), cover[0].contracts * cover[0].option.multiplier
            if held.get(key, ZERO) >= needed:
                held[key] -= needed
                continue  # a covered call or collar: its capital is its shares' cost, counted below
        if pos.capital_at_risk is None:
            unlimited = True
        else:
            total += pos.capital_at_risk
    for group in stock.values():
        if group and isinstance(group[0].instrument, Future):
            unlimited = unlimited or group[0].quantity < 0  # a future's cost is notional: not counted
        elif group and group[0].quantity > 0:
            total += sum((lot.cost_basis for lot in group), ZERO)
        elif group:
            unlimited = True  # short stock
    return total, unlimited


def _group_positions(account: str, underlying: str, group: list[Lot]) -> list[Position]:
    """The positions of one group of option lots (one order, or one day's opening)."""
    legs = _legs(group)
    pos = classify(account, underlying, legs)
    if pos is not None:
        return [pos]
    # Legs that make no strategy together are positions of their own.
    singles = [classify(account, underlying, [leg]) for leg in legs]
    assert all(single is not None for single in singles)
    return [single for single in singles if single is not None]


def position_order(position: Position) -> tuple[date, str, str, str]:
    """Positions are listed in order of opening (then account, underlying, strategy)."""
    return position.opened, position.account, position.underlying, position.strategy
