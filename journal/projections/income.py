"""Income over a period (a month, a year): premiums by trade date, realized gains by closing date, cash
income and fees, as CONTRACT.md defines the monthly and year reports.

Realized figures are sums of the rounded rows `tj realized` shows, so the report and the Form 8949 lines
agree to the cent; the period's Section 1256 net goes 60% long, 40% short term, rounded once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from journal.events import (
    AccountConfigured,
    CashKind,
    CashMoved,
    CashReported,
    CurrencyConverted,
    Event,
    EventVoided,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    PositionReported,
    PriceMarked,
    Resolved,
    SecurityTransferred,
    SplitApplied,
    SpunOff,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import Bond, Future, FutureOption, OptionContract, Stock
from journal.money import CENT, ZERO
from journal.periods import month_of
from journal.projections.lots import RealizedRow

NO_UNDERLYING = "(account)"  # interest and account fees: cash of the account, of no position
LONG_SHARE_1256 = Decimal("0.6")  # Pub 550 / Form 6781: 60% long term, 40% short term


def rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class RealizedSplit:
    short_term: Decimal
    long_term: Decimal
    section_1256: Decimal  # the net of Section 1256 rows, already split into the two above
    wash_sale_adjustments: Decimal
    section_1256_long: Decimal  # its 60% in `long_term` (Form 6781 line 9), rounded once; the rest is short


@dataclass(frozen=True, slots=True)
class RealizedTotals:
    """The realized rows of one account, month (of closing) and term added up as Form 8949 rounds them
    (each row's figures rounded, then summed): what a period's splits, Form 8949 boxes and Form 6781
    totals need, without reading each of a busy year's tens of thousands of rows."""

    account: str
    month: str  # YYYY-MM of the closing date
    term: str  # "short", "long" or "1256"
    rows: int
    proceeds: Decimal
    cost_basis: Decimal
    adjustment: Decimal
    wash_rows: int  # rows with code W
    wash_adjustment: Decimal  # their adjustments
    basis_missing: bool = False  # rows of lots transferred in without a basis: Form 8949 box B/E

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.cost_basis + self.adjustment


def added_up(totals: Iterable[RealizedTotals]) -> RealizedTotals:
    """Totals added together, their account, month and term left blank: a box's, a period's."""
    rows = wash_rows = 0
    proceeds = cost_basis = adjustment = wash_adjustment = ZERO
    for t in totals:
        rows += t.rows
        proceeds += t.proceeds
        cost_basis += t.cost_basis
        adjustment += t.adjustment
        wash_rows += t.wash_rows
        wash_adjustment += t.wash_adjustment
    return RealizedTotals("", "", "", rows, proceeds, cost_basis, adjustment, wash_rows, wash_adjustment)


def realized_totals(rows: Iterable[RealizedRow]) -> list[RealizedTotals]:
    """The rows' totals by account, month and term, in that order."""
    sums: dict[TotalsKey, list[Any]] = {}
    for row in rows:
        add_totals(sums, row)
    return sorted(totals_rows(sums), key=lambda t: (t.account, t.month, t.term, t.basis_missing))


TotalsKey = tuple[str, str, str, bool]  # month, account, term, basis missing


def add_totals(sums: dict[TotalsKey, list[Any]], row: RealizedRow, sign: int = 1) -> None:
    """A realized row into (sign 1) or out of (sign -1) running totals by month, account, term and basis
    missing: the read models keep them as a fold goes and take back a row made again."""
    key = (month_of(row.closed), row.account, row.term, row.basis_missing)
    t = sums.get(key)
    if t is None:
        t = sums[key] = [0, ZERO, ZERO, ZERO, 0, ZERO]
    adjustment = rounded(row.adjustment)
    t[0] += sign
    t[1] += sign * rounded(row.proceeds)
    t[2] += sign * rounded(row.cost_basis)
    t[3] += sign * adjustment
    if row.wash_sale:
        t[4] += sign
        t[5] += sign * adjustment


def totals_rows(sums: Mapping[TotalsKey, list[Any]]) -> list[RealizedTotals]:
    """The running totals with rows in them, by month, account, term and basis missing."""
    return [
        RealizedTotals(account, month, term, t[0], t[1], t[2], t[3], t[4], t[5], missing)
        for (month, account, term, missing), t in sorted(sums.items())
        if t[0]
    ]


def split_totals(totals: Iterable[RealizedTotals]) -> RealizedSplit:
    """A period's realized gain by term, the Section 1256 net going 40% short, 60% long (rounded once)."""
    by_term = {"short": ZERO, "long": ZERO, "1256": ZERO}
    washed = ZERO
    for t in totals:
        by_term[t.term] += t.gain
        washed += t.adjustment
    net_1256 = by_term["1256"]
    long_1256 = rounded(net_1256 * LONG_SHARE_1256)
    return RealizedSplit(
        by_term["short"] + net_1256 - long_1256, by_term["long"] + long_1256, net_1256, washed, long_1256
    )


def split_realized(rows: Iterable[RealizedRow]) -> RealizedSplit:
    return split_totals(realized_totals(rows))


@dataclass(frozen=True, slots=True)
class CashIncome:
    premium_collected: Decimal
    premium_paid: Decimal
    dividends: Decimal
    interest: Decimal
    fees: Decimal
    options_opened: int
    options_closed: int
    assignments: int
    called_away: int
    expired: int

    @property
    def net_premium(self) -> Decimal:
        return self.premium_collected - self.premium_paid


def moves_income(ev: Event) -> bool:
    """Whether the event moves premium, dividends, interest or fees: a line of the income breakdowns."""
    if isinstance(ev, TradeExecuted):
        return bool(ev.fees) or (ev.instrument.is_option and bool(ev.gross))
    if isinstance(
        ev, OptionExpired | OptionAssigned | OptionExercised | OptionCashSettled | CurrencyConverted
    ):
        return bool(ev.fees)
    if isinstance(ev, CashMoved):
        return ev.kind in (CashKind.DIVIDEND, CashKind.INTEREST, CashKind.FEE) and bool(ev.amount)
    return False


def _cash_income_general(events: Iterable[Event]) -> CashIncome:
    """`cash_income` event by event through `isinstance`: the reference the typed path below equals."""
    collected = paid = dividends = interest = fees = ZERO
    opened = closed = assigned = called = expired = 0
    for ev in events:
        if isinstance(ev, TradeExecuted):
            fees += ev.fees
            if ev.instrument.is_option:
                if ev.action.is_buy:
                    paid += ev.gross
                else:
                    collected += ev.gross
                if ev.action.opens:
                    opened += 1
                else:
                    closed += 1
        elif isinstance(ev, OptionExpired | OptionAssigned | OptionExercised):
            fees += ev.fees
            if isinstance(ev, OptionExpired):
                expired += 1
            elif isinstance(ev, OptionAssigned) and not ev.option.is_put:
                called += 1
            elif isinstance(ev, OptionAssigned):
                assigned += 1
        elif isinstance(ev, OptionCashSettled | CurrencyConverted):
            fees += ev.fees  # a settlement's or a conversion's fee: the settlement value is no premium
        elif isinstance(ev, CashMoved):
            if ev.kind is CashKind.DIVIDEND:
                dividends += ev.amount
            elif ev.kind is CashKind.INTEREST:
                interest += ev.amount
            elif ev.kind is CashKind.FEE:
                fees -= ev.amount
    return CashIncome(collected, paid, dividends, interest, fees, opened, closed, assigned, called, expired)


def _slot_constructor(cls: type) -> Any:
    """A function making a `cls` of its fields' values in order, each set in its slot: what the frozen
    dataclass's `__init__` does through `object.__setattr__`, at half the cost (a day's and a month's
    sums are one each); `cls` itself when its instances are not plain slotted objects (compiled, say)."""
    names = [f.name for f in dataclasses.fields(cls)]
    try:
        object.__new__(cls)
        setters = {f"_set_{name}": cls.__dict__[name].__set__ for name in names}
    except (TypeError, KeyError, AttributeError):
        return cls
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters}
    lines = [f"def construct({', '.join(names)}):", "    self = _new(_cls)"]
    lines.extend(f"    _set_{name}(self, {name})" for name in names)
    lines.append("    return self")
    exec("\n".join(lines), namespace)  # noqa: S102 - the source is made of the class's field names only
    return namespace["construct"]


_cash_income_of = _slot_constructor(CashIncome)
_BUY, _BTC, _BTO, _STO = TradeAction.BUY, TradeAction.BTC, TradeAction.BTO, TradeAction.STO
_OPTIONS = (OptionContract, FutureOption)
_HELD = (Stock, Bond, Future)
_DIVIDEND, _INTEREST, _FEE = CashKind.DIVIDEND, CashKind.INTEREST, CashKind.FEE
_FEES_ONLY = (OptionExercised, OptionCashSettled, CurrencyConverted)


def cash_income(events: Iterable[Event]) -> CashIncome:
    """Premiums by trade date, dividends, interest and fees of the given events.

    The sums a fold asks for every day and month of a partition: by each event's exact type and each
    action by identity (an enum's properties and `isinstance` are Python calls), the same sums in the same
    order as `_cash_income_general`, which takes any event of another type (a subclass) or a trade whose
    instrument or action is of none of the known types."""
    if not isinstance(events, list | tuple):
        events = list(events)  # read twice when an event sends them the general way
    collected = paid = dividends = interest = fees = ZERO
    opened = closed = assigned = called = expired = 0
    typed: Iterable[Any] = events  # each event's type is checked exactly, which mypy does not follow
    for ev in typed:
        kind = type(ev)
        if kind is TradeExecuted:
            instrument, action = ev.instrument, ev.action
            option = type(instrument)
            if type(action) is not TradeAction or (option not in _OPTIONS and option not in _HELD):
                break  # not a trade the fast path knows: all of them the general way
            fees += ev.fees
            if option in _OPTIONS:
                gross = ev.price * ev.quantity * instrument.multiplier
                if action is _BUY or action is _BTC or action is _BTO:
                    paid += gross
                else:
                    collected += gross
                if action is _STO or action is _BTO:
                    opened += 1
                else:
                    closed += 1
        elif kind is OptionExpired:
            fees += ev.fees
            expired += 1
        elif kind is OptionAssigned:
            fees += ev.fees
            if ev.option.is_put:
                assigned += 1
            else:
                called += 1
        elif kind in _FEES_ONLY:
            fees += ev.fees
        elif kind is CashMoved:
            cash_kind = ev.kind
            if cash_kind is _DIVIDEND:
                dividends += ev.amount
            elif cash_kind is _INTEREST:
                interest += ev.amount
            elif cash_kind is _FEE:
                fees -= ev.amount
        elif kind not in _NO_INCOME:
            break
    else:
        return _cash_income_of(
            collected, paid, dividends, interest, fees, opened, closed, assigned, called, expired
        )
    return _cash_income_general(events)


# The event types that move none of these sums.
_NO_INCOME = frozenset(
    {
        OptionAdjusted,
        SplitApplied,
        SymbolChanged,
        StockMerged,
        SpunOff,
        PriceMarked,
        PositionReported,
        CashReported,
        AccountConfigured,
        SecurityTransferred,
        Unresolved,
        Resolved,
        EventVoided,
    }
)
