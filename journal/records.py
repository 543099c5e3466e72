"""Books as output records: the fields of ../shared/CONTRACT.md, figures as exact strings rounded at output.

Amounts to cents, per-share figures to four places, quantities exact, dates ISO, missing values None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.events import (
    CashMoved,
    CurrencyConverted,
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
    TradeExecuted,
    Unresolved,
)
from journal.instruments import OptionContract
from journal.money import ZERO, cents, per_unit, plain
from journal.projections.lots import ASSUMED
from journal.tax import DEFAULT_POLICY, AccountPolicy, form_8949_box

# Only what a record needs to be built: the classes of the records each command shows load with its query.
if TYPE_CHECKING:
    from journal.gaps import Gap
    from journal.projections.cycles import Cycle, CycleStep
    from journal.projections.lots import AssumedExpiry, Lot, RealizedRow
    from journal.projections.positions import Leg, Position
    from journal.projections.risk import Exposure, RiskReport
    from journal.projections.wash_sales import WashSale
    from journal.stored import StoredEvent

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


def realized_record(row: RealizedRow, policy: AccountPolicy = DEFAULT_POLICY) -> dict[str, Any]:
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
        "box": form_8949_box(row.term, policy, row.basis_missing),
        "codes": row.codes,
        "lot_method": row.lot_method,
        # Said only where true, so that the records of a journal without gaps stay as they were.
        **({"basis_missing": True} if row.basis_missing else {}),
        **({"assumed": True} if row.assumed else {}),
    }


WASH_COLUMNS = (
    "account",
    "instrument",
    "sold",
    "quantity",
    "loss_disallowed",
    "replacement_account",
    "replacement_acquired",
    "basis_added",
    "adjusted_opened",
)


def wash_record(wash: WashSale) -> dict[str, Any]:
    return {
        "account": wash.account,
        "instrument": wash.instrument,
        "sold": wash.sold.isoformat(),
        "quantity": plain(wash.quantity),
        "loss_disallowed": cents(wash.disallowed),
        "replacement_account": wash.replacement_account,
        "replacement_lot": wash.replacement_lot,
        "replacement_acquired": wash.replacement_acquired.isoformat(),
        "basis_added": cents(wash.basis_added),
        "adjusted_opened": wash.adjusted_opened.isoformat(),
    }


def realized_total(recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The total line of realized records (`realized_record`'s): their rounded figures added up."""
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
        "cost_basis": None if lot.basis_missing else cents(lot.cost_basis),
        "basis_per_unit": None if lot.basis_missing else per_unit(lot.basis_per_unit),
        **({"basis_missing": True} if lot.basis_missing else {}),
    }


CYCLE_COLUMNS = (
    "id",
    "account",
    "underlying",
    "opened",
    "closed",
    "status",
    "premium_collected",
    "premium_paid",
    "net_premium",
    "fees",
    "dividends",
    "shares",
    "net_cash",
    "break_even",
    "tax_basis_per_share",
)
CYCLE_STEP_COLUMNS = ("date", "what", "cash", "shares", "net_cash", "break_even", "source")


def _optional(value: Decimal | None, fmt: Callable[[Decimal], str]) -> str | None:
    return None if value is None else fmt(value)


def cycle_record(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.id,
        "account": cycle.account,
        "underlying": cycle.underlying,
        "opened": cycle.opened.isoformat(),
        "closed": cycle.closed.isoformat() if cycle.closed else None,
        "status": cycle.status,
        "premium_collected": cents(cycle.premium_collected),
        "premium_paid": cents(cycle.premium_paid),
        "net_premium": cents(cycle.net_premium),
        "fees": cents(cycle.fees),
        "dividends": cents(cycle.dividends),
        "shares": plain(cycle.shares),
        "net_cash": cents(cycle.net_cash),
        # The wheel's premium-adjusted break-even and the tax basis of the shares: two numbers, two names.
        "break_even": _optional(cycle.break_even, per_unit),
        "tax_basis_per_share": _optional(cycle.tax_basis_per_share, per_unit),
    }


def cycle_step_record(step: CycleStep) -> dict[str, Any]:
    return {
        "date": step.event.time.date().isoformat(),
        "what": describe(step.event),
        "cash": cents(step.cash),
        "shares": plain(step.shares),
        "net_cash": cents(step.net_cash),
        "break_even": _optional(step.break_even, per_unit),
        "source": str(step.event.source) if step.event.source else None,
    }


def _price(value: Decimal) -> str:
    return format(value, "f")


POSITION_COLUMNS = (
    "account",
    "underlying",
    "strategy",
    "legs",
    "opened",
    "expiry",
    "days_to_expiry",
    "credit",
    "collateral",
    "max_loss",
    "max_profit",
    "break_even",
    "capital_at_risk",
)


def _leg_text(leg: Leg) -> str:
    return f"{plain(leg.quantity)} {leg.instrument.describe()}"


def position_record(position: Position, as_of: date) -> dict[str, Any]:
    break_even = _optional(position.break_even, per_unit)
    if position.break_even_upper is not None:
        break_even = f"{break_even} / {per_unit(position.break_even_upper)}"
    return {
        "account": position.account,
        "underlying": position.underlying,
        "strategy": position.strategy,
        "legs": ", ".join(_leg_text(leg) for leg in position.legs),
        "opened": position.opened.isoformat(),
        "expiry": position.expiry.isoformat() if position.expiry else None,
        "days_to_expiry": position.days_to_expiry(as_of),
        "credit": cents(position.credit),
        "collateral": _optional(position.collateral, cents),
        "max_loss": _optional(position.max_loss, cents)
        or ("unlimited" if "unlimited loss" in position.notes else None),
        "max_profit": _optional(position.max_profit, cents),
        "break_even": break_even,
        "capital_at_risk": _optional(position.capital_at_risk, cents),
    }


RISK_COLUMNS = ("name", "capital_at_risk", "pct_of_equity")


def exposure_record(exposure: Exposure) -> dict[str, Any]:
    return {
        "name": exposure.name,
        "capital_at_risk": cents(exposure.capital_at_risk),
        "pct_of_equity": cents(exposure.pct_of_equity),
    }


def risk_record(report: RiskReport) -> dict[str, Any]:
    from journal.projections.risk import label

    return {
        "equity": cents(report.equity),
        "max_position_pct": plain(report.max_position_pct),
        "positions": [exposure_record(e) for _, e in report.positions],
        "underlyings": [exposure_record(e) for e in report.underlyings],
        "sectors": [exposure_record(e) for e in report.sectors],
        "breaches": [exposure_record(e) for _, e in report.breaches],
        "unlimited": [label(p) for p in report.unlimited],
    }


def describe(event: Event) -> str:
    """One line in a trader's words: `sold 1 AAPL 150 put 19 Jan 24 for 2.10`, `assigned 100 sh at 150`."""
    told = _corporate(event)
    if told is not None:
        return told
    if isinstance(event, TradeExecuted):
        what, n, price = event.instrument.describe(), plain(event.quantity), _price(event.price)
        if event.instrument.is_option:
            verb = {"STO": "sold", "STC": "sold to close", "BTO": "bought", "BTC": "bought back"}[
                event.action.value
            ]
            return f"{verb} {n} {what} for {price}"
        verb = "bought" if event.action.is_buy else "sold"
        return f"{verb} {n} sh {what} at {price}"
    if isinstance(event, OptionAssigned | OptionExercised):
        option, shares, strike = event.option, plain(event.shares), _price(event.option.strike)
        contracts = f"{plain(event.quantity)} {option.describe()}"
        if isinstance(event, OptionAssigned):
            verb = "assigned" if option.is_put else "called away"
            return f"{verb} {shares} sh at {strike} ({contracts})"
        return f"exercised {contracts}: {'sold' if option.is_put else 'bought'} {shares} sh at {strike}"
    if isinstance(event, OptionExpired):
        assumed = " (assumed: no row of it in any file)" if event.key.startswith(ASSUMED) else ""
        return f"{plain(event.quantity)} {event.option.describe()} expired{assumed}"
    if isinstance(event, CashMoved):
        on = f" {event.symbol}" if event.symbol else ""
        return f"{event.kind.value.lower()}{on} {cents(event.amount)}"
    if isinstance(event, SplitApplied):
        return f"{event.symbol} split {plain(event.new)}:{plain(event.old)}"
    if isinstance(event, PriceMarked):
        return f"{event.instrument.name} marked at {_price(event.price)}"
    if isinstance(event, SecurityTransferred):
        direction = "in" if event.quantity > 0 else "out"
        basis = (
            ""
            if event.quantity < 0
            else " basis missing"
            if event.basis is None
            else f" basis {cents(event.basis)}"
        )
        return f"{plain(abs(event.quantity))} {event.instrument.describe()} transferred {direction}{basis}"
    if isinstance(event, Unresolved):
        return f"unresolved: {event.reason} ({cents(event.amount)})"
    return event.type_name


def _corporate(event: Event) -> str | None:
    """A corporate action, a cash settlement, a conversion or an adjusted option's delivery in a trader's
    words; None for the other events."""
    if isinstance(event, SymbolChanged):
        return f"symbol change {event.symbol} -> {event.new_symbol}"
    if isinstance(event, StockMerged):
        if not event.new_symbol:
            return f"merger: {event.symbol} acquired for {plain(event.cash)} cash a share"
        cash = f" + {plain(event.cash)} cash" if event.cash else ""
        lieu = f" (cash in lieu {plain(event.in_lieu)})" if event.in_lieu else ""
        ratio = f"{plain(event.new)} for {plain(event.old)}"
        return f"merger: {event.symbol} -> {event.new_symbol}, {ratio}{cash}{lieu}"
    if isinstance(event, SpunOff):
        lieu = f" (cash in lieu {plain(event.in_lieu)})" if event.in_lieu else ""
        return (
            f"spin-off: {plain(event.new)} {event.new_symbol} for {plain(event.old)} {event.symbol}, "
            f"{plain(event.allocation)}% of the basis{lieu}"
        )
    if isinstance(event, OptionAdjusted):
        reason = event.reason or "corporate action"
        count = f"{plain(event.quantity)}"
        if event.new_quantity is not None and event.new_quantity != event.quantity:
            count += f" -> {plain(event.new_quantity)}"
        return (
            f"adjusted ({reason}): {count} {event.option.describe()} -> "
            f"{' '.join(event.adjusted.name.split())}{_delivers(event.adjusted)}"
        )
    if isinstance(event, OptionCashSettled):
        return (
            f"{plain(event.quantity)} {event.option.describe()} cash settled at {plain(event.settlement)}: "
            f"value {event.value:.2f}"
        )
    if isinstance(event, CurrencyConverted):
        paid, got = f"{plain(-event.paid)} {event.paid_currency}", f"{plain(event.amount)} {event.currency}"
        return f"converted {paid} into {got}"
    if isinstance(event, OptionAssigned | OptionExercised) and isinstance(event.option, OptionContract):
        option = event.option
        if not option.is_adjusted:
            return None
        delivered, with_cash = option.delivers(event.quantity)
        what = " + ".join(f"{plain(shares)} {symbol}" for symbol, shares in delivered)
        if with_cash:
            what += f" + {with_cash:.2f} cash"
        value = option.strike * option.multiplier * event.quantity
        buys = option.is_put == isinstance(event, OptionAssigned)
        verb = "assigned" if isinstance(event, OptionAssigned) else "exercised"
        side = "bought" if buys else "delivered"
        name = " ".join(option.name.split())
        return f"{verb} {plain(event.quantity)} {name}: {side} {what} for {value:.2f}"
    return None


def _delivers(option: OptionContract) -> str:
    if not option.deliverable and not option.cash:
        return ""
    parts = [f"{plain(shares)} {symbol}" for symbol, shares in option.deliverable]
    if option.cash:
        parts.append(f"{option.cash:.2f} cash")
    return f" delivering {' + '.join(parts)} a contract"


def assumed_record(assumed: AssumedExpiry, with_source: bool = True) -> dict[str, Any]:
    """`tj events`' line for an expiry the books assumed: no stored event, so no sequence number."""
    record = {
        "seq": None,
        "time": f"{assumed.expired.isoformat()}T23:59:59",
        "account": assumed.account,
        "type": "OptionExpired",
        "what": f"{plain(abs(assumed.quantity))} {assumed.instrument.describe()} expired "
        "(assumed: no row of it in any file)",
        "key": f"{ASSUMED}:{assumed.lot_id}",
    }
    if with_source:
        record["source"] = None
    return record


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


GAP_COLUMNS = (
    "kind",
    "date",
    "account",
    "underlyings",
    "amount",
    "source",
    "reason",
    "key",
    "resolve",
    "raw",
)


def gap_records(
    gaps: Sequence[Gap], assumed: Sequence[AssumedExpiry], missing: Sequence[SecurityTransferred]
) -> list[dict[str, Any]]:
    """`tj unresolved`: each gap as a row, with what to write in a journal CSV to resolve it."""
    out: list[dict[str, Any]] = []
    for gap in gaps:
        ev = gap.event
        resolution = gap.resolution
        out.append(
            {
                "kind": "resolved" if resolution is not None else "unresolved",
                "date": ev.time.date().isoformat(),
                "account": ev.account,
                "underlyings": " ".join(ev.symbols),
                "amount": cents(ev.amount),
                "source": str(ev.source) if ev.source else None,
                "reason": ev.reason,
                "key": ev.key,
                "resolve": (
                    f"by {resolution.source}"
                    if resolution is not None
                    else f"import journal-CSV rows saying what happened, with resolves={ev.key}"
                ),
                "raw": ev.raw,
            }
        )
    for a in assumed:
        out.append(
            {
                "kind": "assumed-expiry",
                "date": a.expired.isoformat(),
                "account": a.account,
                "underlyings": a.instrument.underlying,
                "amount": cents(ZERO),
                "source": None,
                "reason": f"{plain(a.quantity)} {a.instrument.name} still open after its expiration with no "
                "closing row in any file: taken to have expired",
                "key": a.lot_id,
                "resolve": "import the broker's export of that month (it replaces the assumption), or a "
                "journal-CSV EXPIRE/ASSIGN/EXERCISE row",
                "raw": None,
            }
        )
    for moved in missing:
        out.append(
            {
                "kind": "basis-missing",
                "date": moved.time.date().isoformat(),
                "account": moved.account,
                "underlyings": moved.instrument.underlying,
                "amount": cents(ZERO),
                "source": str(moved.source) if moved.source else None,
                "reason": f"{plain(moved.quantity)} {moved.instrument.name} came in without a cost basis",
                "key": moved.key,
                "resolve": "import a journal-CSV TRANSFER_IN row with its basis and acquired date, "
                f"with resolves={moved.key}",
                "raw": None,
            }
        )
    return sorted(out, key=lambda r: (r["date"], r["kind"], r["key"]))
