"""Which strategy each trade and realized row belongs to, for income by strategy: puts, calls, spreads.

An option is opened together with the legs of its order (or, without an order id, with the options of
its underlying opened that day, as `journal.projections.positions` groups them); the group names the
strategy, and every later close, expiry or assignment of that contract inherits it. Shares are "shares";
an option adjusted by a corporate action keeps its strategy. Bonds, futures and futures options are no
wheel: "other".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from journal.events import (
    CashMoved,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    SplitApplied,
    TradeExecuted,
)
from journal.instruments import Instrument, OptionContract, Stock
from journal.projections.lots import RealizedRow

PUTS = "puts"
CALLS = "calls"
SPREADS = "spreads"
STRANGLES = "strangles"
LONG_OPTIONS = "long options"
SHARES = "shares"
OTHER = "other"  # bonds, futures, futures options: not the wheel's
# The order reports list them in.
STRATEGY_ORDER = (PUTS, CALLS, SPREADS, STRANGLES, LONG_OPTIONS, SHARES, OTHER)


def _wheel(instrument: Instrument) -> bool:
    return isinstance(instrument, Stock | OptionContract)


def _group_key(ev: TradeExecuted) -> tuple[str, str, str]:
    return ev.account, ev.instrument.underlying, ev.order_id or f"day:{ev.time.date().isoformat()}"


def classify_opening(legs: list[TradeExecuted]) -> str:
    """The strategy of the option legs opened together: written and bought legs make a spread, written
    puts and calls a strangle, written puts alone puts, written calls alone calls."""
    written = [leg for leg in legs if not leg.action.is_buy]
    bought = [leg for leg in legs if leg.action.is_buy]
    if written and bought:
        return SPREADS
    if not written:
        return LONG_OPTIONS
    rights = {leg.instrument.right for leg in written if isinstance(leg.instrument, OptionContract)}
    if rights == {"P", "C"}:
        return STRANGLES
    return PUTS if rights == {"P"} else CALLS


def _by_right(instrument: Instrument) -> str:
    return PUTS if isinstance(instrument, OptionContract) and instrument.is_put else CALLS


@dataclass
class StrategyMap:
    """Event key -> strategy, for every trade and option ending; opening key -> strategy for realized rows."""

    of_key: dict[str, str] = field(default_factory=dict)
    opened_as: dict[str, str] = field(default_factory=dict)

    def of_event(self, event: Event) -> str | None:
        """The strategy of an event, or None for cash that belongs to no position (interest, account fees)."""
        if isinstance(event, CashMoved):
            return SHARES if event.kind.value == "DIVIDEND" else None
        return self.of_key.get(event.key)

    def of_row(self, row: RealizedRow) -> str:
        if row.strategy is not None:
            return row.strategy
        if not _wheel(row.instrument):
            return OTHER
        if not row.instrument.is_option:
            return SHARES
        # A lot split off another (a wash-sale replacement, a split) keeps the opening key before the "/".
        return self.opened_as.get(row.opened_by.split("/")[0]) or _by_right(row.instrument)


class Attribution:
    """Attributes events one at a time (in economic order), so a fold can stop at a month end and keep what
    it knows: `holding`, each contract held and the strategy it was opened as. The opening groups come from
    the events given at the start, which must hold every leg of each opening (whole days do)."""

    def __init__(self, events: Iterable[Event], holding: dict[tuple[str, str], str] | None = None) -> None:
        groups: dict[tuple[str, str, str], list[TradeExecuted]] = defaultdict(list)
        for ev in events:
            if (
                isinstance(ev, TradeExecuted)
                and isinstance(ev.instrument, OptionContract)
                and ev.action.opens
            ):
                groups[_group_key(ev)].append(ev)
        self.group_strategy = {key: classify_opening(legs) for key, legs in groups.items()}
        self.holding = dict(holding or {})  # (account, contract) -> strategy it was opened as
        self.map = StrategyMap()

    def apply(self, ev: Event) -> None:
        out, holding = self.map, self.holding
        if isinstance(ev, TradeExecuted):
            if not _wheel(ev.instrument):
                out.of_key[ev.key] = OTHER
                return
            if not ev.instrument.is_option:
                out.of_key[ev.key] = SHARES
                return
            contract = (ev.account, ev.instrument.name)
            if ev.action.opens:
                strategy = self.group_strategy[_group_key(ev)]
                holding[contract] = out.opened_as[ev.key] = strategy
            else:
                strategy = holding.get(contract) or _by_right(ev.instrument)
            out.of_key[ev.key] = strategy
        elif isinstance(ev, OptionExpired | OptionAssigned | OptionExercised | OptionCashSettled):
            if not _wheel(ev.option):
                out.of_key[ev.key] = OTHER
                return
            out.of_key[ev.key] = holding.get((ev.account, ev.option.name)) or _by_right(ev.option)
        elif isinstance(ev, OptionAdjusted):
            # The same position under new terms: the adjusted contract is held as the old one was opened.
            strategy = holding.pop((ev.account, ev.option.name), "") or _by_right(ev.option)
            holding[(ev.account, ev.adjusted.name)] = out.of_key[ev.key] = strategy
        elif isinstance(ev, SplitApplied):
            out.of_key[ev.key] = SHARES


def attribute(events: Iterable[Event], holding: dict[tuple[str, str], str] | None = None) -> StrategyMap:
    """Attribute every event (in economic order) to a strategy; `holding` is what an earlier attribution
    left (`Attribution.holding`), for events that do not start at the beginning."""
    ordered = list(events)
    attribution = Attribution(ordered, holding)
    for ev in ordered:
        attribution.apply(ev)
    return attribution.map
