"""Amounts in another currency (issue 15, docs/tax.md "Currencies"): every fold reads USD at the rate the row
gives (`journal.currency.in_usd`, applied once in `economic_order`), the events keep what the file says, and
cash is kept per currency in its own amounts. Figures derived by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from journal.api import Journal
from journal.currency import cash_by_currency, in_usd, paid_rate
from journal.events import CashKind, CashMoved, CurrencyConverted, OptionExpired, TradeAction, TradeExecuted
from journal.instruments import OptionContract, Stock
from journal.projections import economic_order
from journal.projections.lots import fold
from journal.records import lot_record, realized_record
from journal.store import StoredEvent

T = datetime(2024, 2, 1, 10)


def nesn(
    action: str, price: str, fees: str, currency: str = "CHF", rate: str | None = "1.1"
) -> TradeExecuted:
    return TradeExecuted(
        account="A",
        time=T,
        key=f"nesn-{action}-{price}",
        action=TradeAction(action),
        instrument=Stock("NESN"),
        quantity=D(10),
        price=D(price),
        fees=D(fees),
        currency=currency,
        fx_rate=None if rate is None else D(rate),
    )


def test_a_chf_trade_is_read_in_usd_and_says_so() -> None:
    # 10 NESN @ 100.00 CHF, fees 5.00 CHF, at 1.1 USD/CHF: price 110.00, fees 5.50 USD.
    usd = in_usd(nesn("BUY", "100.00", "5.00"))
    assert isinstance(usd, TradeExecuted)
    assert (usd.price, usd.fees, usd.currency, usd.fx_rate) == (D("110.000"), D("5.500"), "", None)
    assert in_usd(usd) is usd  # translating twice changes nothing


def test_usd_events_and_foreign_rows_without_a_rate_are_the_same_object() -> None:
    for event in (
        nesn("BUY", "100", "1", ""),
        nesn("BUY", "100", "1", "USD"),
        nesn("BUY", "100", "1", "CHF", None),
    ):
        assert in_usd(event) is event
    expired = OptionExpired(
        account="A", time=T, option=OptionContract("X", date(2024, 3, 15), "P", D(5)), quantity=D(1)
    )
    assert in_usd(expired) is expired


def test_a_dividend_in_chf_is_its_usd_amount() -> None:
    # 27.00 CHF at 1.12: 30.24 USD.
    row = CashMoved(
        account="A", time=T, kind=CashKind.DIVIDEND, amount=D("27.00"), currency="CHF", fx_rate=D("1.12")
    )
    usd = in_usd(row)
    assert isinstance(usd, CashMoved)
    assert (usd.amount, usd.currency) == (D("30.2400"), "")


def test_a_conversion_between_two_foreign_currencies_pays_its_fees_in_usd() -> None:
    # 1000 CHF bought for 1020 EUR, fees 2.04 EUR; 1.10 USD per CHF: the 1020 EUR are worth 1100 USD, so
    # 1 EUR = 1100 / 1020 USD; paid -1100.00 USD, fees 2.04 x 1100 / 1020 = 2.20 USD.
    row = CurrencyConverted(
        account="A",
        time=T,
        currency="CHF",
        amount=D(1000),
        paid_currency="EUR",
        paid=D(-1020),
        fees=D("2.04"),
        fx_rate=D("1.10"),
    )
    assert paid_rate(row) == D(1100) / D(1020)
    usd = in_usd(row)
    assert isinstance(usd, CurrencyConverted)
    assert (usd.paid_currency, usd.paid, usd.fees.quantize(D("0.01")), usd.amount) == (
        "USD",
        D(-1100),
        D("2.20"),
        D(1000),
    )
    # Buying USD with CHF: the USD received says what the CHF were worth (1 CHF = 1210 / 1100 USD).
    back = CurrencyConverted(
        account="A", time=T, currency="USD", amount=D(1210), paid_currency="CHF", paid=D(-1100), fees=D(1)
    )
    usd = in_usd(back)
    assert isinstance(usd, CurrencyConverted)
    assert (usd.paid, usd.fees) == (D(-1210), D("1.1"))


def test_economic_order_gives_the_folds_usd() -> None:
    # Bought @ 100 CHF + 5 fees at 1.10 (1105.50 USD), sold @ 110 CHF - 5 fees at 1.15 (1259.25 USD): 153.75.
    buy = nesn("BUY", "100.00", "5.00")
    sell = TradeExecuted(
        account="A",
        time=datetime(2024, 6, 3, 10),
        key="sell",
        action=TradeAction.SELL,
        instrument=Stock("NESN"),
        quantity=D(10),
        price=D("110.00"),
        fees=D("5.00"),
        currency="CHF",
        fx_rate=D("1.15"),
    )
    stored = [StoredEvent(1, T, buy), StoredEvent(2, T, sell)]
    books = fold(economic_order(stored), today=date(2025, 1, 1))
    [row] = books.realized
    assert (row.proceeds, row.cost_basis, row.gain) == (D("1259.25"), D("1105.50"), D("153.75"))


def test_cash_is_kept_per_currency_in_its_own_amounts() -> None:
    # 1100 CHF bought for 1210 USD, fees 2 USD: CHF +1100, USD -1212. 10 NESN @ 100 CHF + 5: CHF -1005.
    # A CHF dividend of 27: CHF +27. Left: CHF 122, USD -1212.
    events = [
        CurrencyConverted(account="A", time=T, currency="CHF", amount=D(1100), paid=D(-1210), fees=D(2)),
        nesn("BUY", "100", "5"),
        CashMoved(
            account="A", time=T, kind=CashKind.DIVIDEND, amount=D(27), currency="CHF", fx_rate=D("1.12")
        ),
    ]
    assert cash_by_currency(events) == {("A", "CHF"): D(122), ("A", "USD"): D(-1212)}


def test_a_chf_trade_through_the_journal_folds_in_usd(journal: Journal, write_csv) -> None:
    # 10 NESN @ 100.00 CHF, fees 5.00 at 1.10: 1105.50 USD (110.5500 a share); sold @ 110.00 CHF, fees 5.00,
    # at 1.15: 1259.25 USD; gain 153.75, short.
    path = write_csv("""
        date,action,symbol,quantity,price,fees,amount,currency,fx_rate
        2024-02-01,BUY,NESN,10,100.00,5.00,,CHF,1.10
        2024-06-03,SELL,NESN,10,110.00,5.00,,CHF,1.15
        """)
    journal.import_files([path])
    assert [
        (r["instrument"], r["proceeds"], r["cost_basis"], r["gain"], r["term"])
        for r in map(realized_record, journal.realized())
    ] == [("NESN", "1259.25", "1105.50", "153.75", "short")]
    assert [
        (r["cost_basis"], r["basis_per_unit"]) for r in map(lot_record, journal.lots(date(2024, 3, 1)))
    ] == [("1105.50", "110.5500")]
