"""Books as output records: the fields of ../shared/CONTRACT.md, figures as exact strings rounded at output.

Amounts to cents, per-share figures to four places, quantities exact, dates ISO, missing values None.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from journal.events import (
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    PriceMarked,
    SplitApplied,
    TradeExecuted,
)
from journal.money import ZERO, cents, per_unit, plain
from journal.projections.lots import Lot, RealizedRow
from journal.store import StoredEvent

REALIZED_COLUMNS = (
    "account",
    "instrument",
    "underlying",
    "quantity",
    "opened",
    "closed",
    "proceeds",
    "cost_basis",
    "adjustment",
    "gain",
    "term",
)
LOT_COLUMNS = ("account", "instrument", "underlying", "quantity", "opened", "cost_basis", "basis_per_unit")
EVENT_COLUMNS = ("seq", "time", "account", "type", "what", "source")


def _round_cents(value: Decimal) -> Decimal:
    return Decimal(cents(value))


def realized_record(row: RealizedRow) -> dict[str, Any]:
    proceeds, cost, adjustment = (_round_cents(v) for v in (row.proceeds, row.cost_basis, row.adjustment))
    return {
        "account": row.account,
        "instrument": row.instrument.name,
        "underlying": row.underlying,
        "quantity": plain(row.quantity),
        "opened": row.opened.isoformat(),
        "closed": row.closed.isoformat(),
        "proceeds": str(proceeds),
        "cost_basis": str(cost),
        "adjustment": str(adjustment),
        # The form's column (h) is (d) - (e) + (g) of the rounded figures, so the row adds up on paper.
        "gain": str(proceeds - cost + adjustment),
        "term": row.term,
    }


def realized_total(rows: list[RealizedRow]) -> dict[str, Any]:
    recs = [realized_record(r) for r in rows]
    total = {
        k: str(sum((Decimal(r[k]) for r in recs), ZERO))
        for k in ("proceeds", "cost_basis", "adjustment", "gain")
    }
    return {"account": "total", **total}


def lot_record(lot: Lot) -> dict[str, Any]:
    return {
        "account": lot.account,
        "instrument": lot.instrument.name,
        "underlying": lot.instrument.underlying,
        "quantity": plain(lot.quantity),
        "opened": lot.opened.isoformat(),
        "cost_basis": cents(lot.cost_basis),
        "basis_per_unit": per_unit(lot.basis_per_unit),
    }


def describe(event: Event) -> str:
    """One line in a trader's words."""
    if isinstance(event, TradeExecuted):
        what = event.instrument.describe()
        verb = {
            "BUY": "bought",
            "SELL": "sold",
            "STO": "sold to open",
            "BTC": "bought to close",
            "BTO": "bought to open",
            "STC": "sold to close",
        }[event.action.value]
        text = f"{verb} {plain(event.quantity)} {what} at {plain(event.price)}"
        return text + (f", fees {plain(event.fees)}" if event.fees else "")
    if isinstance(event, OptionExpired | OptionAssigned | OptionExercised):
        verb = {"OptionExpired": "expired", "OptionAssigned": "assigned", "OptionExercised": "exercised"}[
            event.type_name
        ]
        return f"{plain(event.quantity)} {event.option.describe()} {verb}"
    if isinstance(event, CashMoved):
        on = f" {event.symbol}" if event.symbol else ""
        return f"{event.kind.value.lower()}{on} {plain(event.amount)}"
    if isinstance(event, SplitApplied):
        return f"{event.symbol} split {plain(event.new)}:{plain(event.old)}"
    if isinstance(event, PriceMarked):
        return f"{event.instrument.name} marked at {plain(event.price)}"
    return event.type_name


def event_record(stored: StoredEvent, with_source: bool = True) -> dict[str, Any]:
    ev = stored.event
    record = {
        "seq": stored.seq,
        "time": ev.time.isoformat(),
        "account": ev.account,
        "type": ev.type_name,
        "what": describe(ev),
        "key": ev.key,
    }
    if with_source:
        record["source"] = str(ev.source) if ev.source else None
    return record
