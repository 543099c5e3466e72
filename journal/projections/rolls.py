"""Roll chains: a written (or bought) option closed and replaced by another of the same underlying and right,
followed through any number of rolls until the last position ends or is still open.

CONTRACT `tj rolls`: a roll is a buy-to-close and a sell-to-open of the same underlying and right in one
account in one order (same `order_id`), or on the same trade date when the broker gives no order id. The
mirror for a bought option (sell-to-close plus buy-to-open) is a roll of a long position. A pure fold over
the events in economic order (`journal.projections.economic_order`); no I/O, exact `Decimal` throughout.

How it works, in two passes:

1. Positions. Every opening option fill makes a *piece* (like a tax lot: one account, contract and side);
   closing fills, expiries, assignments and exercises consume pieces first in, first out, as `lots.Books`
   does, and each consumption is a *segment* remembering how it ended and in which order it happened.
2. Rolls. Fills are grouped by order (`order_id`, else the trade date) and by underlying, right and side.
   A group holding both a closing segment (of a piece opened elsewhere) and a newly opened piece is a roll;
   every piece a roll touches joins one chain (union-find), so a piece opened by a roll and rolled again
   continues its chain.

An option adjusted by a corporate action (`OptionAdjusted`: a special dividend's new strike, a merger's
adjusted contract) continues its chain as an *adjustment*, not a roll: the old leg ends "adjusted", the
adjusted contract goes on from it with the premium and dates kept, no credit and no roll counted.

A spread opened in one order (STO + BTO) is no roll: a roll needs a closing leg of the same side. Closing
and reopening a spread in one order pairs closes and opens per side and right, so it shows as two chains
(the short legs and the long legs): deliberately simple.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from journal.events import (
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    SplitApplied,
    SymbolChanged,
    TradeExecuted,
)
from journal.instruments import OptionContract
from journal.money import ZERO, cents, plain, prorate

OUTCOMES = ("rolled", "expired", "assigned", "exercised", "closed", "open", "adjusted", "cash settled")
ROLL_COLUMNS = ("id", "account", "underlying", "right", "status", "rolls", "net_credit", "opened", "closed")


# -- the projection's output ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leg:
    """One option position of a chain, or the part of one that ended one way (a position of 3 of which 2 were
    rolled and 1 expired is two legs), so that every leg has exactly one `outcome`.

    Frozen: a projection's result is a value, recomputed from the events, never edited.
    """

    instrument: OptionContract
    opened: date
    closed: date | None  # None while open
    quantity: Decimal  # contracts, signed: negative for a written option
    outcome: str  # one of OUTCOMES
    reason: str = ""  # an adjusted leg's: "special dividend", "merger", ...

    @property
    def is_open(self) -> bool:
        return self.closed is None

    @property
    def outcome_text(self) -> str:
        """The outcome in words: `adjusted (special dividend)`."""
        return f"{self.outcome} ({self.reason})" if self.reason else self.outcome


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A corporate action's change of an open option in a chain: no trade, no credit, not a roll."""

    date: date
    old: OptionContract
    new: OptionContract
    quantity: Decimal  # contracts of `old` (positive)
    new_quantity: Decimal  # contracts of `new` they became
    reason: str


@dataclass(frozen=True, slots=True)
class Roll:
    """One roll of a chain: what its order closed and what it opened, and what that cost or brought in.

    `net_credit` is the roll's own cash, gross of fees: for written options the premium of the sell-to-open
    less the cost of the buy-to-close (positive: a credit, negative: a debit); for bought options the mirror,
    the proceeds of the sell-to-close less the cost of the buy-to-open. `partial` says the roll did not move
    the whole position one for one (fewer or more contracts reopened than closed, or part of the old position
    left in place); `note` says how, in words.
    """

    date: date
    order_id: str | None  # None when the rows had no order id and were paired by trade date
    closed: tuple[OptionContract, ...]
    opened: tuple[OptionContract, ...]
    closed_quantity: Decimal  # contracts closed (positive)
    opened_quantity: Decimal  # contracts opened (positive)
    net_credit: Decimal
    direction: str  # "down and out", "up and out", "out", "down", "up and in", ... or "same"
    partial: bool
    note: str = ""

    @property
    def kind(self) -> str:
        """`credit`, `debit` or `even`: the sign of `net_credit`."""
        if self.net_credit > 0:
            return "credit"
        return "debit" if self.net_credit < 0 else "even"


@dataclass(frozen=True, slots=True)
class RollChain:
    """A chain of rolls of one account, underlying, right and side, with every leg from the first opening.

    `net_credit` is the premium of every leg's opening sale less every buy to close, gross of fees
    (CONTRACT); for a chain of bought options it is the mirror, the proceeds of every sale to close less every
    purchase to open (so it is usually negative): in both cases, money in less money out on the chain's
    option trades. An assignment or exercise adds no option cash (the stock leg is `tj realized`'s story).
    """

    id: str
    account: str
    underlying: str
    right: str  # "put" or "call"
    side: str  # "short" (written options) or "long" (bought options)
    legs: tuple[Leg, ...]
    rolls: tuple[Roll, ...]
    net_credit: Decimal
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def status(self) -> str:
        """`open` while any leg (in practice the last one) is open, else `closed`."""
        return "open" if any(leg.is_open for leg in self.legs) else "closed"

    @property
    def opened(self) -> date:
        return min(leg.opened for leg in self.legs)

    @property
    def closed(self) -> date | None:
        if self.status == "open":
            return None
        return max(leg.closed for leg in self.legs if leg.closed is not None)


# -- pass 1: positions ----------------------------------------------------------------------------

# An order: the account and ("order", order_id), or ("date", ISO trade date) when the broker gave no order id.
_Group = tuple[str, tuple[str, str]]


def _group_of(ev: TradeExecuted) -> _Group:
    if ev.order_id:
        return (ev.account, ("order", ev.order_id))
    return (ev.account, ("date", ev.time.date().isoformat()))


@dataclass(slots=True, eq=False)
class _Segment:
    """Part of a piece that ended: how many contracts, when, how, and (for a closing fill) in which order
    and for how much cash (gross). Mutable builder state, private to the fold."""

    instrument: OptionContract
    quantity: Decimal  # positive
    closed: date
    how: str  # "closed", "expired", "assigned", "exercised", "adjusted", "cash settled"
    group: _Group | None  # the closing fill's order; None for an expiry, assignment or exercise
    amount: Decimal  # gross cash of the closing fill for these contracts (ZERO when no fill)
    left: Decimal  # contracts of the piece still open afterwards
    reason: str = ""  # an adjustment's


@dataclass(slots=True, eq=False)
class _Piece:
    """What one opening fill (or several fills of one contract in one order) opened. Mutable builder state."""

    seq: int
    account: str
    instrument: OptionContract  # now (a split adjusts it)
    first_instrument: OptionContract  # as opened
    opened: date
    short: bool
    group: _Group
    opened_quantity: Decimal  # positive, as opened
    amount: Decimal  # gross cash of the opening fill(s): premium received (short) or paid (long)
    remaining: Decimal  # positive, contracts still open
    segments: list[_Segment] = field(default_factory=list)


class RollPositions:
    """Option positions per account, contract and side, folded one event at a time: what `chains_of` reads
    (kept between folds by the read models, which go on from where the last one stopped)."""

    def __init__(self) -> None:
        self.pieces: list[_Piece] = []
        self.open: dict[tuple[str, str, bool], deque[_Piece]] = {}
        # each adjusted piece's seq, with the pieces it continues and the adjustment
        self.adjusted: list[tuple[int, list[int], Adjustment]] = []
        self.made = 0  # pieces made so far: the next one's seq
        # each id (`_chain_base`) of the chains `prune` let go of, with their roots: what numbers the ids
        self.dropped: dict[str, list[int]] = {}

    def _next_seq(self) -> int:
        self.made += 1
        return self.made - 1

    def prune(self, before: date) -> dict[int, str]:
        """Let go of the pieces no chain will ever change: those closed before `before` that are in no chain
        or only in chains all of whose pieces are (a later fill can only close an open piece, and a roll joins
        the pieces of one order, whose fills are on one day), and not adjusted. The chains let go of keep
        their ids' places (`dropped`). Returns the chains kept: each root with its id before numbering.
        What a fold keeps between imports is then what is open and the chains still going."""
        links, rolls_of, _ = _linked(self)
        adjusted = {seq for new, old, _ in self.adjusted for seq in (new, *old)}

        def done(p: _Piece) -> bool:
            return not (
                p.remaining
                or p.opened >= before
                or any(s.closed >= before for s in p.segments)
                or p.seq in adjusted
            )

        finished: dict[int, bool] = {}
        for p in self.pieces:
            root = links.find(p.seq)
            finished[root] = finished.get(root, True) and done(p)
        kept: dict[int, str] = {}
        for root, base in _bases(self.pieces, links, rolls_of):
            if finished[root]:
                self.dropped.setdefault(base, []).append(root)
            else:
                kept[root] = base
        self.pieces = [p for p in self.pieces if not finished[links.find(p.seq)]]
        return kept

    def apply(self, ev: Event) -> None:
        if isinstance(ev, TradeExecuted):
            if isinstance(ev.instrument, OptionContract):
                self._trade(ev, ev.instrument)
        elif isinstance(ev, OptionExpired):
            short = bool(self.open.get((ev.account, ev.option.name, True)))
            self._end(ev, short, "expired")
        elif isinstance(ev, OptionAssigned):
            self._end(ev, True, "assigned")
        elif isinstance(ev, OptionExercised):
            self._end(ev, False, "exercised")
        elif isinstance(ev, OptionCashSettled):
            if isinstance(ev.option, OptionContract):
                short = bool(self.open.get((ev.account, ev.option.name, True)))
                day = ev.time.date()
                for piece, q in self._take(ev.account, ev.option, ev.quantity, short=short):
                    piece.segments.append(
                        _Segment(ev.option, q, day, "cash settled", None, ZERO, piece.remaining)
                    )
        elif isinstance(ev, OptionAdjusted):
            self._adjust(ev)
        elif isinstance(ev, SplitApplied):
            self._split(ev)
        elif isinstance(ev, SymbolChanged):
            self._rename(ev)

    def _rename(self, ev: SymbolChanged) -> None:
        """A symbol change renames the open contracts with the stock (OCC: `FBX 240419 P50` becomes
        `MTAX 240419 P50`): the same positions under the new name, as a split adjusts them."""
        for key, queue in list(self.open.items()):
            account, _, short = key
            option = queue[0].instrument
            if account != ev.account or option.underlying != ev.symbol:
                continue
            renamed = renamed_option(option, ev.symbol, ev.new_symbol)
            del self.open[key]
            for piece in queue:
                piece.instrument = renamed
            self.open.setdefault((account, renamed.name, short), deque()).extend(queue)

    def _adjust(self, ev: OptionAdjusted) -> None:
        """The open contracts become contracts of the adjusted option: a new piece continuing the old ones
        (opened when they were, no cash), linked to them as an adjustment."""
        short = bool(self.open.get((ev.account, ev.option.name, True)))
        day = ev.time.date()
        matches = self._take(ev.account, ev.option, ev.quantity, short=short)
        taken = sum((q for _, q in matches), ZERO)
        if not taken:
            return
        new_quantity = taken if ev.new_quantity is None else ev.new_quantity * taken / ev.quantity
        for piece, q in matches:
            piece.segments.append(
                _Segment(ev.option, q, day, "adjusted", None, ZERO, piece.remaining, ev.reason)
            )
        opened = min(p.opened for p, _ in matches)
        group: _Group = (ev.account, ("adjusted", ev.key or f"{ev.option.name}:{day.isoformat()}"))
        piece = _Piece(
            self._next_seq(),
            ev.account,
            ev.adjusted,
            ev.adjusted,
            opened,
            short,
            group,
            new_quantity,
            ZERO,
            new_quantity,
        )
        self.pieces.append(piece)
        self.open.setdefault((ev.account, ev.adjusted.name, short), deque()).append(piece)
        adjustment = Adjustment(day, ev.option, ev.adjusted, taken, new_quantity, ev.reason)
        self.adjusted.append((piece.seq, [p.seq for p, _ in matches], adjustment))

    def _trade(self, ev: TradeExecuted, option: OptionContract) -> None:
        group, gross, day = _group_of(ev), ev.gross, ev.time.date()
        buy = ev.action.is_buy
        left = ev.quantity
        if ev.action.opens is not True:
            # A buy closes written contracts, a sale closes bought ones; what is left over opens the other
            # side, as in `lots.Books` (which reports it as a problem).
            matches = self._take(ev.account, option, ev.quantity, short=buy)
            closed = sum((q for _, q in matches), ZERO)
            amount, units = prorate(gross, closed, ev.quantity), closed
            for piece, q in matches:
                share = prorate(amount, q, units)
                amount, units = amount - share, units - q
                piece.segments.append(_Segment(option, q, day, "closed", group, share, piece.remaining))
            left = ev.quantity - closed
        if left:
            self._open(
                ev.account, option, day, left, prorate(gross, left, ev.quantity), short=not buy, group=group
            )

    def _open(
        self,
        account: str,
        option: OptionContract,
        day: date,
        quantity: Decimal,
        amount: Decimal,
        *,
        short: bool,
        group: _Group,
    ) -> None:
        queue = self.open.setdefault((account, option.name, short), deque())
        last = queue[-1] if queue else None
        if last is not None and last.group == group and last.opened == day and not last.segments:
            # Several fills of one contract in one order are one position.
            last.opened_quantity += quantity
            last.remaining += quantity
            last.amount += amount
            return
        piece = _Piece(
            self._next_seq(), account, option, option, day, short, group, quantity, amount, quantity
        )
        self.pieces.append(piece)
        queue.append(piece)

    def _take(
        self, account: str, option: OptionContract, quantity: Decimal, *, short: bool
    ) -> list[tuple[_Piece, Decimal]]:
        """Consume up to `quantity` contracts of one side, oldest first."""
        key = (account, option.name, short)
        queue = self.open.get(key)
        matches: list[tuple[_Piece, Decimal]] = []
        left = quantity
        while left > 0 and queue:
            piece = queue[0]
            take = min(piece.remaining, left)
            piece.remaining -= take
            left -= take
            matches.append((piece, take))
            if piece.remaining == 0:
                queue.popleft()
        if queue is not None and not queue:
            del self.open[key]
        return matches

    def _end(self, ev: OptionExpired | OptionAssigned | OptionExercised, short: bool, how: str) -> None:
        if not isinstance(ev.option, OptionContract):
            return  # a futures option: not in the wheel views
        day = ev.time.date()
        for piece, q in self._take(ev.account, ev.option, ev.quantity, short=short):
            piece.segments.append(_Segment(ev.option, q, day, how, None, ZERO, piece.remaining))

    def _split(self, ev: SplitApplied) -> None:
        """A whole-ratio split scales open contracts and divides strikes (as `lots.Books` does); other ratios
        leave the options unchanged."""
        ratio = ev.new / ev.old
        if ratio != ratio.to_integral_value():
            return
        for key, queue in list(self.open.items()):
            account, _, short = key
            option = queue[0].instrument
            if account != ev.account or option.underlying != ev.symbol:
                continue
            adjusted = OptionContract(
                option.root, option.expiry, option.right, option.strike / ratio, option.multiplier
            )
            del self.open[key]
            for piece in queue:
                piece.remaining *= ratio
                piece.instrument = adjusted
            self.open.setdefault((account, adjusted.name, short), deque()).extend(queue)


def renamed_option(option: OptionContract, old: str, new: str) -> OptionContract:
    """The contract under a symbol change: its root (when it is the old symbol) and its deliverable's
    shares of the old symbol renamed; strike, expiry and multiplier kept."""
    root = new if option.root == old else option.root
    deliverable = tuple((new if symbol == old else symbol, shares) for symbol, shares in option.deliverable)
    return OptionContract(
        root, option.expiry, option.right, option.strike, option.multiplier, deliverable, option.cash
    )


# -- pass 2: rolls and chains ---------------------------------------------------------------------

_RollKey = tuple[_Group, str, str, bool]  # order, underlying, right ("P"/"C"), short


def _direction(closed: Iterable[OptionContract], opened: Iterable[OptionContract]) -> str:
    """`down`/`up` when every new strike is below/above every old one, `out`/`in` likewise for expiries."""
    old, new = list(closed), list(opened)
    parts = []
    if max(o.strike for o in new) < min(o.strike for o in old):
        parts.append("down")
    elif min(o.strike for o in new) > max(o.strike for o in old):
        parts.append("up")
    if min(o.expiry for o in new) > max(o.expiry for o in old):
        parts.append("out")
    elif max(o.expiry for o in new) < min(o.expiry for o in old):
        parts.append("in")
    return " and ".join(parts) or "same"


def _unique(options: Iterable[OptionContract]) -> tuple[OptionContract, ...]:
    return tuple(dict.fromkeys(options))


def _contracts(n: Decimal) -> str:
    return f"{plain(n)} contract{'' if n == 1 else 's'}"


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _make_roll(key: _RollKey, closes: list[tuple[_Piece, _Segment]], opens: list[_Piece]) -> Roll:
    (_, (ref_kind, ref)), _, _, short = key
    closed_q = sum((s.quantity for _, s in closes), ZERO)
    opened_q = sum((p.opened_quantity for p in opens), ZERO)
    cash_in_open = sum((p.amount for p in opens), ZERO)
    cash_closing = sum((s.amount for _, s in closes), ZERO)
    # Written options: premium of the new sale less the cost of the buy back; bought options: the mirror.
    net = cash_in_open - cash_closing if short else cash_closing - cash_in_open
    notes = []
    if closed_q != opened_q:
        notes.append(f"partial: {plain(closed_q)} closed, {plain(opened_q)} reopened")
    left: dict[int, Decimal] = {}
    for piece, seg in closes:
        left[piece.seq] = seg.left  # what the piece still held after this order's last closing of it
    kept = sum(left.values(), ZERO)
    if kept:
        notes.append(f"{_contracts(kept)} of the old position not rolled")
    day = min([s.closed for _, s in closes] + [p.opened for p in opens])
    return Roll(
        date=day,
        order_id=ref if ref_kind == "order" else None,
        closed=_unique(s.instrument for _, s in closes),
        opened=_unique(p.first_instrument for p in opens),
        closed_quantity=closed_q,
        opened_quantity=opened_q,
        net_credit=net,
        direction=_direction((s.instrument for _, s in closes), (p.first_instrument for p in opens)),
        partial=bool(notes),
        note="; ".join(notes),
    )


def _legs(piece: _Piece, rolled: set[int]) -> list[Leg]:
    """A piece's legs: its ended parts (consecutive ones alike merged), then what is still open."""
    sign = Decimal(-1) if piece.short else Decimal(1)
    legs: list[Leg] = []
    for seg in piece.segments:
        outcome = "rolled" if id(seg) in rolled else seg.how
        prev = legs[-1] if legs else None
        if prev and (prev.instrument, prev.closed, prev.outcome) == (seg.instrument, seg.closed, outcome):
            legs[-1] = Leg(
                prev.instrument,
                prev.opened,
                prev.closed,
                prev.quantity + sign * seg.quantity,
                outcome,
                prev.reason,
            )
        else:
            legs.append(
                Leg(seg.instrument, piece.opened, seg.closed, sign * seg.quantity, outcome, seg.reason)
            )
    if piece.remaining:
        legs.append(Leg(piece.instrument, piece.opened, None, sign * piece.remaining, "open"))
    return legs


def _piece_net(piece: _Piece) -> Decimal:
    """Money in less money out on one piece's fills: opening sale less buys to close for a written option,
    sales to close less the opening purchase for a bought one."""
    closing = sum((s.amount for s in piece.segments), ZERO)
    return piece.amount - closing if piece.short else closing - piece.amount


def roll_chains(events: Iterable[Event]) -> list[RollChain]:
    """Every chain with at least one roll, in the order their first leg was opened.

    `events` must be in economic order (`journal.projections.economic_order`); voided events already gone.
    """
    positions = RollPositions()
    for ev in events:
        positions.apply(ev)
    return chains_of(positions)


def _linked(
    positions: RollPositions,
) -> tuple[_UnionFind, dict[int, list[tuple[int, Roll]]], set[int]]:
    """The pieces linked by rolls and adjustments, each chain's rolls by its root, and the closing segments
    that rolled (by id)."""
    pieces = positions.pieces

    closes: dict[_RollKey, list[tuple[_Piece, _Segment]]] = {}
    opens: dict[_RollKey, list[_Piece]] = {}
    for piece in pieces:
        option = piece.first_instrument
        opens.setdefault((piece.group, option.underlying, option.right, piece.short), []).append(piece)
        for seg in piece.segments:
            # A fill closing what its own order opened (a day trade) rolls nothing.
            if seg.how == "closed" and seg.group is not None and seg.group != piece.group:
                key = (seg.group, seg.instrument.underlying, seg.instrument.right, piece.short)
                closes.setdefault(key, []).append((piece, seg))

    links = _UnionFind()
    rolled: set[int] = set()
    rolls_of: dict[int, list[tuple[int, Roll]]] = {}
    roll_keys = [k for k in closes if k in opens]
    for key in roll_keys:
        involved = [p for p, _ in closes[key]] + opens[key]
        for piece in involved[1:]:
            links.union(involved[0].seq, piece.seq)
        rolled.update(id(seg) for _, seg in closes[key])
    for seq, continued, _ in positions.adjusted:  # an adjustment continues the chain (no roll)
        for old in continued:
            links.union(old, seq)
    for key in roll_keys:
        first = min(p.seq for p, _ in closes[key])
        rolls_of.setdefault(links.find(first), []).append((first, _make_roll(key, closes[key], opens[key])))
    return links, rolls_of, rolled


def _bases(pieces: list[_Piece], links: _UnionFind, rolls_of: Mapping[int, Any]) -> list[tuple[int, str]]:
    """Each chain's root and its id before numbering (account, underlying, day and contract of its head)."""
    heads: dict[int, _Piece] = {}
    for piece in pieces:
        root = links.find(piece.seq)
        if root in rolls_of and root not in heads:
            heads[root] = piece
    return [(root, _chain_base(head)) for root, head in sorted(heads.items())]


def _chain_base(head: _Piece) -> str:
    option = head.first_instrument
    return f"{head.account}:{option.underlying}:{head.opened.isoformat()}:{option.name.replace(' ', '')}"


def chains_of(positions: RollPositions) -> list[RollChain]:
    """`roll_chains` of the events folded into `positions` so far."""
    return [chain for _, _, chain in rooted_chains(positions)]


def rooted_chains(positions: RollPositions) -> list[tuple[int, str, RollChain]]:
    """`chains_of` with each chain's root (the seq of its first piece: its place among all chains) and id
    before numbering; an id's number counts the chains `prune` let go of too."""
    pieces = positions.pieces
    links, rolls_of, rolled = _linked(positions)
    adjustments_of: dict[int, list[Adjustment]] = {}
    for seq, _, adjustment in positions.adjusted:
        adjustments_of.setdefault(links.find(seq), []).append(adjustment)

    members: dict[int, list[_Piece]] = {}
    for piece in pieces:
        root = links.find(piece.seq)
        if root in rolls_of:
            members.setdefault(root, []).append(piece)

    chains: list[tuple[int, str, RollChain]] = []
    seen: dict[str, int] = {}
    for root in sorted(members):
        group = members[root]
        head = group[0]
        option = head.first_instrument
        underlying = group[-1].instrument.underlying  # where the chain is now (a symbol change renames it)
        base = _chain_base(head)
        seen[base] = seen.get(base, 0) + 1
        number = seen[base] + sum(1 for r in positions.dropped.get(base, ()) if r < root)
        chain_id = base if number == 1 else f"{base}#{number}"
        rolls = sorted(rolls_of[root], key=lambda r: (r[1].date, r[0]))
        chain = RollChain(
            id=chain_id,
            account=head.account,
            underlying=underlying,
            right="put" if option.is_put else "call",
            side="short" if head.short else "long",
            legs=tuple(leg for piece in group for leg in _legs(piece, rolled)),
            rolls=tuple(r for _, r in rolls),
            net_credit=sum((_piece_net(p) for p in group), ZERO),
            adjustments=tuple(adjustments_of.get(root, ())),
        )
        chains.append((root, base, chain))
    return chains


# -- output ---------------------------------------------------------------------------------------


def leg_record(leg: Leg) -> dict[str, Any]:
    return {
        "instrument": leg.instrument.name,
        "opened": leg.opened.isoformat(),
        "closed": leg.closed.isoformat() if leg.closed else None,
        "quantity": plain(leg.quantity),
        "outcome": leg.outcome,
        **({"reason": leg.reason} if leg.reason else {}),  # an adjusted leg's; said only where there is one
    }


def adjustment_record(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "date": adjustment.date.isoformat(),
        "from": adjustment.old.name,
        "to": adjustment.new.name,
        "quantity": plain(adjustment.quantity),
        "new_quantity": plain(adjustment.new_quantity),
        "reason": adjustment.reason,
        "kind": "adjustment",
    }


def roll_step_record(roll: Roll) -> dict[str, Any]:
    return {
        "date": roll.date.isoformat(),
        "order_id": roll.order_id,
        "closed": [o.name for o in roll.closed],
        "opened": [o.name for o in roll.opened],
        "closed_quantity": plain(roll.closed_quantity),
        "opened_quantity": plain(roll.opened_quantity),
        "net_credit": cents(roll.net_credit),
        "kind": roll.kind,
        "direction": roll.direction,
        "partial": roll.partial,
        "note": roll.note,
    }


def roll_record(chain: RollChain) -> dict[str, Any]:
    """A chain as CONTRACT `tj rolls` shows it (figures as exact strings, amounts to cents at output), plus
    `side`, `opened`, `closed` and `roll_details` (each roll's date, order, credit or debit, direction)."""
    return {
        "id": chain.id,
        "account": chain.account,
        "underlying": chain.underlying,
        "right": chain.right,
        "side": chain.side,
        "status": chain.status,
        "opened": chain.opened.isoformat(),
        "closed": chain.closed.isoformat() if chain.closed else None,
        "rolls": len(chain.rolls),
        "net_credit": cents(chain.net_credit),
        "legs": [leg_record(leg) for leg in chain.legs],
        "roll_details": [roll_step_record(r) for r in chain.rolls],
        # An extension: said only for a chain that a corporate action adjusted (not a roll: no credit)
        **({"adjustments": [adjustment_record(a) for a in chain.adjustments]} if chain.adjustments else {}),
    }
