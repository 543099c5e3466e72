"""Amounts in another currency than the journal's (USD): what the folds read is USD, at the broker's rate.

An event keeps what its file says (`currency`, `fx_rate`: USD per unit of the currency on the row's date, as
IBKR's `fxRateToBase` gives it); `in_usd` is the one translation, applied by
`journal.projections.economic_order` so that every fold (lots, cycles, cash, income) sees USD. A US taxpayer
translates each amount at the rate of the day it is paid or received (trade-date rule; IRS "Foreign currency
and currency exchange rates"); Section 988 gains on the foreign currency held are not computed (docs/tax.md).

The translated event says USD (`currency` "", no rate), so translating twice changes nothing. Cash kept per
currency in its own amounts is `cash_by_currency`, over the events as stored (not translated).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal

from journal.events import CashMoved, CurrencyConverted, Event, TradeExecuted
from journal.money import ZERO

USD = "USD"


def is_usd(currency: str) -> bool:
    return currency in ("", USD)


def _trade(ev: Event) -> Event:
    assert isinstance(ev, TradeExecuted)
    if is_usd(ev.currency) or ev.fx_rate is None:
        return ev  # a foreign row without a rate is the importer's to leave unresolved
    rate = ev.fx_rate
    return replace(ev, price=ev.price * rate, fees=ev.fees * rate, currency="", fx_rate=None)


def _cash(ev: Event) -> Event:
    assert isinstance(ev, CashMoved)
    if is_usd(ev.currency) or ev.fx_rate is None:
        return ev
    return replace(ev, amount=ev.amount * ev.fx_rate, currency="", fx_rate=None)


def paid_rate(ev: CurrencyConverted) -> Decimal | None:
    """USD per unit of the conversion's `paid_currency` (1 for USD): the two sides are worth the same, so
    it is |amount| × (USD per unit of `currency`) / |paid|; None when no rate says what `currency` is worth
    or nothing was paid."""
    if is_usd(ev.paid_currency):
        return Decimal(1)
    if is_usd(ev.currency):
        received = Decimal(1)
    elif ev.fx_rate is not None:
        received = ev.fx_rate
    else:
        return None
    if not ev.paid:
        return None
    return abs(ev.amount) * received / abs(ev.paid)


def _conversion(ev: Event) -> Event:
    """A conversion's `paid` and `fees` (in `paid_currency`) in USD; `amount` stays in `currency`, the
    currency the conversion bought."""
    assert isinstance(ev, CurrencyConverted)
    if is_usd(ev.paid_currency):
        return ev
    rate = paid_rate(ev)
    if rate is None:
        return ev
    return replace(ev, paid=ev.paid * rate, fees=ev.fees * rate, paid_currency=USD)


_IN_USD: dict[type, Callable[[Event], Event]] = {
    TradeExecuted: _trade,
    CashMoved: _cash,
    CurrencyConverted: _conversion,
}


def in_usd(event: Event) -> Event:
    """The event with its amounts in USD at its own rate (price and fees of a trade, a cash row's amount, a
    conversion's paid side and fees); the same object when it is in USD already or has no amount."""
    convert = _IN_USD.get(type(event))
    return event if convert is None else convert(event)


def cash_by_currency(events: Iterable[Event]) -> dict[tuple[str, str], Decimal]:
    """Each (account, currency)'s cash in that currency's own amounts, from the events as stored (not
    translated): trades and cash rows in their currency, a conversion on both sides, less its fees; every
    other event's cash (assignments, settlements, unresolved rows) in USD as the wheel's flows count it
    (a cash merger's cash per share needs the shares held: only its cash in lieu counts here). The
    broker's reported balance (`CashReported`) names no currency yet: reconcile compares the USD total
    (docs/tax.md)."""
    from journal.projections.cycles import flow_of  # the folds' cash of each event (cycles imports this)

    out: dict[tuple[str, str], Decimal] = {}

    def add(account: str, currency: str, amount: Decimal) -> None:
        key = (account, USD if is_usd(currency) else currency)
        out[key] = out.get(key, ZERO) + amount

    for ev in events:
        if isinstance(ev, TradeExecuted):
            gross = ev.gross
            add(ev.account, ev.currency, -gross - ev.fees if ev.action.is_buy else gross - ev.fees)
        elif isinstance(ev, CashMoved):
            add(ev.account, ev.currency, ev.amount)
        elif isinstance(ev, CurrencyConverted):
            add(ev.account, ev.currency, ev.amount)
            add(ev.account, ev.paid_currency, ev.paid - ev.fees)
        else:
            cash = flow_of(ev).cash
            if cash:
                add(ev.account, USD, cash)
    return out
