"""Income by strategy: options opened together name the strategy; closes, expiries and assignments inherit
it; shares are shares."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from journal.events import OptionExpired, TradeAction, TradeExecuted
from journal.instruments import parse_instrument, parse_option
from journal.projections.lots import fold
from journal.projections.strategies import attribute


def _trade(when: str, action: str, symbol: str, order: str | None = None, key: str = "") -> TradeExecuted:
    instrument = parse_instrument(symbol)
    assert instrument is not None
    return TradeExecuted(
        account="a",
        time=datetime.fromisoformat(when),
        key=key or f"{when}-{action}-{symbol}",
        action=TradeAction(action),
        instrument=instrument,
        quantity=Decimal(1) if instrument.is_option else Decimal(100),
        price=Decimal("1.00"),
        order_id=order,
    )


def test_a_put_sold_alone_is_puts_and_its_expiry_too() -> None:
    sale = _trade("2024-01-02", "STO", "KO240119P55")
    option = parse_option("KO240119P55")
    assert option is not None
    expiry = OptionExpired(
        account="a", time=datetime(2024, 1, 19), key="exp", option=option, quantity=Decimal(1)
    )
    found = attribute([sale, expiry])
    assert found.of_event(sale) == found.of_event(expiry) == "puts"


def test_legs_of_one_order_with_a_bought_leg_are_a_spread() -> None:
    short = _trade("2024-01-02", "STO", "SPY240119P460", order="S1")
    long = _trade("2024-01-02", "BTO", "SPY240119P450", order="S1")
    close = _trade("2024-01-10", "BTC", "SPY240119P460", order="C1")
    found = attribute([short, long, close])
    assert {found.of_event(e) for e in (short, long, close)} == {"spreads"}


def test_without_an_order_id_the_day_groups_the_legs() -> None:
    put = _trade("2024-01-02", "STO", "SPY240119P460")
    call = _trade("2024-01-02", "STO", "SPY240119C490")
    other_day_call = _trade("2024-01-03", "STO", "SPY240119C495")
    found = attribute([put, call, other_day_call])
    assert found.of_event(put) == found.of_event(call) == "strangles"
    assert found.of_event(other_day_call) == "calls"


def test_a_roll_keeps_its_side() -> None:
    first = _trade("2024-01-02", "STO", "QQQ240119P400")
    roll_close = _trade("2024-01-18", "BTC", "QQQ240119P400", order="R1")
    roll_open = _trade("2024-01-18", "STO", "QQQ240216P390", order="R1")
    found = attribute([first, roll_close, roll_open])
    assert {found.of_event(e) for e in (first, roll_close, roll_open)} == {"puts"}


def test_realized_rows_take_the_strategy_they_were_opened_as() -> None:
    events = [
        _trade("2024-01-02", "STO", "SPY240119P460", order="S1", key="open-short"),
        _trade("2024-01-02", "BTO", "SPY240119P450", order="S1", key="open-long"),
        _trade("2024-01-10", "BTC", "SPY240119P460", order="C1"),
        _trade("2024-01-10", "STC", "SPY240119P450", order="C1"),
        _trade("2024-01-11", "BUY", "KO"),
        _trade("2024-01-12", "SELL", "KO"),
    ]
    found = attribute(events)
    rows = fold(events).realized
    assert [found.of_row(r) for r in rows] == ["spreads", "spreads", "shares"]
