"""One wheel's story as a document (`tj report cycle ID`): the figures of `tj cycles`, the timeline of
`tj cycle show`, and the series for its chart: the premium-adjusted break-even over time against the
strikes sold (puts, then calls) and the prices shares changed hands at.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.events import OptionAdjusted, OptionAssigned, OptionExercised, TradeExecuted
from journal.instruments import OptionContract
from journal.money import cents, per_unit, plain
from journal.projections.cycles import CycleStep
from journal.records import cycle_record, cycle_step_record
from journal.reports.statements import CURRENCY

if TYPE_CHECKING:
    from journal.api import Journal


class CycleNotFound(LookupError):
    """No cycle has that id (`tj cycles` lists them)."""


def step_record(step: CycleStep) -> dict[str, Any]:
    """A line of a cycle's story: `records.cycle_step_record`, and its `kind` where it is an adjustment."""
    record = cycle_step_record(step)
    if isinstance(step.event, OptionAdjusted):
        record["kind"] = "adjustment"  # not a roll: no credit, the same position under new terms
    return record


def cycle_report(journal: Journal, cycle_id: str) -> dict[str, Any]:
    cycle = journal.cycle(cycle_id)
    if cycle is None:
        raise CycleNotFound(f"no cycle {cycle_id!r} (see `tj cycles`)")
    summary = cycle_record(cycle)
    if cycle.formerly:  # an extension: the symbols the wheel had before a symbol change or a merger
        summary["formerly"] = list(cycle.formerly)
    timeline: list[dict[str, Any]] = []
    strikes: list[
        dict[str, Any]
    ] = []  # options sold: the strikes the wheel was willing to buy at (puts) or sell at (calls)
    share_trades: list[
        dict[str, Any]
    ] = []  # where shares changed hands: assignments at the strike, stock bought or sold
    break_even: list[dict[str, Any]] = []
    for step in cycle.steps:
        ev = step.event
        day = ev.time.date().isoformat()
        timeline.append({**step_record(step), "note": ev.note})
        if step.break_even is not None:
            break_even.append({"date": day, "break_even": per_unit(step.break_even)})
        if (
            isinstance(ev, TradeExecuted)
            and isinstance(ev.instrument, OptionContract)
            and not ev.action.is_buy
        ):
            option = ev.instrument
            strikes.append(
                {
                    "date": day,
                    "right": "put" if option.is_put else "call",
                    "strike": per_unit(option.strike),
                    "expiry": option.expiry.isoformat(),
                    "contracts": plain(ev.quantity),
                    "premium": cents(ev.gross),
                    "opens": bool(ev.action.opens),
                }
            )
        elif isinstance(ev, OptionAssigned | OptionExercised) and isinstance(ev.option, OptionContract):
            bought = ev.option.is_put == isinstance(ev, OptionAssigned)
            delivered, _ = ev.option.delivers(ev.quantity)
            shares = sum((n for _, n in delivered), Decimal(0))
            value = ev.option.strike * ev.option.multiplier * ev.quantity
            share_trades.append(
                {
                    "date": day,
                    "side": "bought" if bought else "sold",
                    # an adjusted option delivers other than `multiplier` shares: the price a share is
                    # what the strike buys over the shares delivered (11 GREE for 1000.00: 90.9091)
                    "price": per_unit(
                        value / shares if ev.option.is_adjusted and shares else ev.option.strike
                    ),
                    "shares": plain(shares),
                }
            )
        elif isinstance(ev, TradeExecuted) and not ev.instrument.is_option:
            share_trades.append(
                {
                    "date": day,
                    "side": "bought" if ev.action.is_buy else "sold",
                    "price": per_unit(ev.price),
                    "shares": plain(ev.quantity),
                }
            )
    last_day = cycle.steps[-1].event.time.date() if cycle.steps else cycle.opened
    end = cycle.closed or max([last_day, *(date.fromisoformat(s["expiry"]) for s in strikes)])
    return {
        **summary,
        "days": ((cycle.closed or last_day) - cycle.opened).days,
        "profit": summary["net_cash"] if cycle.closed else None,
        "chart_end": end.isoformat(),
        "timeline": timeline,
        "strikes": strikes,
        "share_trades": share_trades,
        "break_even_series": break_even,
        "currency": CURRENCY,
    }
