"""The lines reports list, as records of exact strings: a trade opened, an assignment, a realized row, a short
option, a closed wheel cycle. Each carries the event's own words (`journal.records.describe`) and note.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from journal.events import Event, OptionAssigned, OptionExercised, TradeExecuted
from journal.instruments import OptionContract
from journal.money import ZERO, cents, per_unit, plain
from journal.projections.cycles import Cycle, flow_of
from journal.projections.income import rounded
from journal.projections.lots import Lot, RealizedRow
from journal.projections.strategies import StrategyMap
from journal.records import describe
from journal.reports.form8949 import describe_row


def opens_position(event: Event) -> bool:
    """A trade that opens: an option sold or bought to open, or shares bought (assignments are listed
    apart)."""
    if not isinstance(event, TradeExecuted):
        return False
    return bool(event.action.opens) if event.instrument.is_option else event.action.is_buy


def trade_record(event: TradeExecuted, strategies: StrategyMap) -> dict[str, Any]:
    return {
        "date": event.time.date().isoformat(),
        "account": event.account,
        "underlying": event.underlying,
        "strategy": strategies.of_event(event),
        "what": describe(event),
        "cash": cents(flow_of(event).cash),  # credit received positive, debit paid negative, fees in
        "fees": cents(event.fees),
        "note": event.note,
    }


def assignment_record(event: OptionAssigned | OptionExercised) -> dict[str, Any]:
    option = event.option
    if isinstance(event, OptionAssigned):
        kind = "assigned" if option.is_put else "called away"
    else:
        kind = "exercised"
    shares = event.shares
    if isinstance(option, OptionContract) and option.is_adjusted:
        # An adjusted option delivers its deliverable (11 GREE a contract), not `multiplier` shares.
        shares = sum((n for _, n in option.delivers(event.quantity)[0]), ZERO)
    return {
        "date": event.time.date().isoformat(),
        "account": event.account,
        "underlying": event.underlying,
        "kind": kind,
        "what": describe(event),
        "shares": plain(shares),
        "strike": per_unit(option.strike),
        "stock_cash": cents(flow_of(event).cash),
        "note": event.note,
    }


def realized_line(row: RealizedRow, strategies: StrategyMap) -> dict[str, Any]:
    proceeds, cost, adjustment = rounded(row.proceeds), rounded(row.cost_basis), rounded(row.adjustment)
    return {
        "account": row.account,
        "instrument": row.instrument.name,
        "description": describe_row(row),
        "underlying": row.underlying,
        "strategy": strategies.of_row(row),
        "opened": row.opened.isoformat(),
        "closed": row.closed.isoformat(),
        "days_held": (row.closed - row.opened).days,
        "proceeds": cents(proceeds),
        "cost_basis": cents(cost),
        "adjustment": cents(adjustment),
        "gain": cents(proceeds - cost + adjustment),
        "term": row.term,
        "codes": row.codes,
    }


def short_option_record(lot_group: list[Lot], as_of: date, strategy: str | None = None) -> dict[str, Any]:
    """One written contract (its lots added up) with days to expiry and, for a cash-secured put, the cash
    it ties up (a spread's short leg is covered by its long leg: the spread's max loss is its collateral)."""
    first = lot_group[0]
    option = first.instrument
    assert isinstance(option, OptionContract)
    contracts = sum((-lot.quantity for lot in lot_group), ZERO)
    credit = sum((-lot.cost_basis for lot in lot_group), ZERO)
    shares = contracts * option.multiplier
    secured = option.is_put and strategy in (None, "cash-secured put")
    collateral: Decimal | None = option.strike * shares if secured else None
    return {
        "account": first.account,
        "instrument": option.name,
        "what": option.describe(),
        "strategy": strategy,
        "underlying": option.underlying,
        "right": "put" if option.is_put else "call",
        "strike": per_unit(option.strike),
        "expiry": option.expiry.isoformat(),
        "days_to_expiry": (option.expiry - as_of).days,
        "contracts": plain(contracts),
        "opened": min(lot.opened for lot in lot_group).isoformat(),
        "credit": cents(credit),
        "credit_per_share": per_unit(credit / shares) if shares else None,
        "collateral": cents(collateral) if collateral is not None else None,
    }


def closed_cycle_record(cycle: Cycle) -> dict[str, Any]:
    assert cycle.closed is not None
    return {
        "id": cycle.id,
        "account": cycle.account,
        "underlying": cycle.underlying,
        "opened": cycle.opened.isoformat(),
        "closed": cycle.closed.isoformat(),
        "days": (cycle.closed - cycle.opened).days,
        "premium_collected": cents(cycle.premium_collected),
        "net_premium": cents(cycle.net_premium),
        "fees": cents(cycle.fees),
        "dividends": cents(cycle.dividends),
        "profit": cents(cycle.net_cash),  # CONTRACT: a closed cycle's net cash is its profit
    }
