"""`cash_income` by exact types equals the `isinstance` path (`_cash_income_general`) on any events, and
gives exact figures."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import OptionContract, Stock
from journal.projections.income import CashIncome, _cash_income_general, cash_income
from tests.test_events_decode import any_event

PUT = OptionContract("AAPL", date(2024, 1, 19), "P", Decimal(150))
CALL = OptionContract("AAPL", date(2024, 1, 19), "C", Decimal(160))
T = datetime(2024, 1, 2, 10)


def _outcome(fn: Any, events: list[Event]) -> Any:
    try:
        return dataclasses.astuple(fn(events))
    except Exception as exc:  # noqa: BLE001 - compared by type and words
        return type(exc).__name__, str(exc)


amounts = st.decimals(Decimal("-1000"), Decimal("1000"), places=2)
contracts = st.sampled_from([PUT, CALL, Stock("AAPL")])
income_events = st.one_of(
    st.builds(
        TradeExecuted,
        account=st.just("A"),
        time=st.just(datetime(2024, 1, 2)),
        action=st.sampled_from(TradeAction),
        instrument=contracts,
        quantity=amounts,
        price=amounts,
        fees=amounts,
    ),
    *(
        st.builds(
            kind,
            account=st.just("A"),
            time=st.just(T),
            option=st.sampled_from([PUT, CALL]),
            quantity=amounts,
            fees=amounts,
        )
        for kind in (OptionExpired, OptionAssigned, OptionExercised)
    ),
    st.builds(
        CashMoved, account=st.just("A"), time=st.just(T), kind=st.sampled_from(CashKind), amount=amounts
    ),
)


@settings(max_examples=300, deadline=None)
@given(events=st.lists(income_events | any_event(), max_size=12))
def test_any_events_sum_as_the_general_path_sums_them(events: list[Event]) -> None:
    assert _outcome(cash_income, events) == _outcome(_cash_income_general, events)
    assert _outcome(cash_income, iter(events)) == _outcome(_cash_income_general, events)


def trade(action: str, option: Any, quantity: str, price: str, fees: str = "0") -> TradeExecuted:
    return TradeExecuted(
        account="A",
        time=T,
        action=TradeAction(action),
        instrument=option,
        quantity=Decimal(quantity),
        price=Decimal(price),
        fees=Decimal(fees),
    )


def test_a_month_of_the_wheel_in_exact_figures() -> None:
    events: list[Event] = [
        trade("STO", PUT, "2", "1.25", "1.30"),
        trade("BTC", PUT, "1", "0.40", "0.65"),
        trade("BTO", CALL, "1", "0.10", "0.65"),
        trade("STC", CALL, "1", "0.15"),
        trade("BUY", Stock("AAPL"), "100", "150", "1.00"),
        OptionExpired(account="A", time=T, option=PUT, quantity=Decimal(1)),
        OptionAssigned(account="A", time=T, option=CALL, quantity=Decimal(1), fees=Decimal("5")),
        OptionAssigned(account="A", time=T, option=PUT, quantity=Decimal(1)),
        OptionExercised(account="A", time=T, option=CALL, quantity=Decimal(1), fees=Decimal("2")),
        CashMoved(account="A", time=T, kind=CashKind.DIVIDEND, amount=Decimal("24.00")),
        CashMoved(account="A", time=T, kind=CashKind.INTEREST, amount=Decimal("1.07")),
        CashMoved(account="A", time=T, kind=CashKind.FEE, amount=Decimal("-3.50")),
        CashMoved(account="A", time=T, kind=CashKind.DEPOSIT, amount=Decimal("1000")),
    ]
    assert cash_income(events) == CashIncome(
        premium_collected=Decimal("265.00"),
        premium_paid=Decimal("50.00"),
        dividends=Decimal("24.00"),
        interest=Decimal("1.07"),
        fees=Decimal("14.10"),
        options_opened=2,
        options_closed=2,
        assignments=1,
        called_away=1,
        expired=1,
    )


class LateExpiry(OptionExpired):  # a subclass: the typed path leaves it to the general one
    pass


def test_a_subclass_or_an_odd_action_goes_the_general_way() -> None:
    late = LateExpiry(account="A", time=T, option=PUT, quantity=Decimal(1), fees=Decimal("0.50"))
    assert cash_income([trade("STO", PUT, "1", "1")]).premium_collected == Decimal(100)
    assert cash_income([trade("STO", PUT, "1", "1"), late]) == _cash_income_general(
        [trade("STO", PUT, "1", "1"), late]
    )
    assert cash_income([late]).expired == 1 and cash_income([late]).fees == Decimal("0.50")
    odd = dataclasses.replace(trade("STO", PUT, "1", "1"), action="STO")  # a text, not a TradeAction
    with pytest.raises(AttributeError, match="is_buy"):
        cash_income([odd])


def test_the_sums_are_built_by_their_slots_or_by_the_class() -> None:
    from journal.projections import income

    built = income._cash_income_of(Decimal(1), Decimal(2), Decimal(3), Decimal(4), Decimal(5), 1, 2, 3, 4, 5)
    assert built == CashIncome(Decimal(1), Decimal(2), Decimal(3), Decimal(4), Decimal(5), 1, 2, 3, 4, 5)
    assert hash(built) == hash(
        CashIncome(Decimal(1), Decimal(2), Decimal(3), Decimal(4), Decimal(5), 1, 2, 3, 4, 5)
    )
    assert income._cash_income_of is not CashIncome

    @dataclasses.dataclass(frozen=True)
    class Native(int):  # instances `object.__new__` refuses to make, as a compiled class's
        figure: int

    assert income._slot_constructor(Native) is Native
