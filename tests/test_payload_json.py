"""`payload_json` writes each event class's payload by an encoder compiled for the class: byte for byte the
canonical JSON of `payload` (sorted keys, no spaces) that the stored payloads, their keys and the hash chain
were made of, and the same text as the general path (`payload_json_general`), on every event type with
varied fields, values of other types than the declared ones too."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from journal import events
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    TradeAction,
    TradeExecuted,
    payload,
    payload_json,
    payload_json_general,
)
from journal.instruments import OptionContract, Stock, parse_option
from tests.test_events_decode import any_event


def _canonical(event: Event) -> str:
    return json.dumps(payload(event), sort_keys=True, separators=(",", ":"))


@settings(max_examples=500, deadline=None)
@given(event=any_event())
def test_an_event_is_written_as_the_canonical_json_of_its_payload(event: Event) -> None:
    assert payload_json(event) == _canonical(event)
    assert payload_json_general(event) == _canonical(event)


odd_values = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=5),
    st.integers(),
    st.booleans(),
    st.decimals(allow_nan=False),
    st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+3")]),
    st.sampled_from(list(TradeAction) + list(CashKind)),
    st.lists(st.text(max_size=3), max_size=2).map(tuple),
    st.builds(Stock, st.sampled_from(["AAPL", 'A"B']), st.sampled_from(["stock", "fund"])),
)


@settings(max_examples=500, deadline=None)
@given(
    values=st.fixed_dictionaries(
        {name: odd_values for name in ("action", "quantity", "price", "fees", "note", "order_id", "fx_rate")}
    )
)
def test_a_field_of_another_type_than_declared_is_written_as_json_dumps_writes_it(
    values: dict[str, Any],
) -> None:
    """Events are not type-checked at run time: the compiled encoder's inline cases must not catch what
    they do not cover (a text as an action, a number as a note, a tuple), which `_json_part` writes."""
    base = TradeExecuted(
        account="A",
        time=datetime(2024, 1, 2),
        key="k",
        action=TradeAction.BUY,
        instrument=Stock("AAPL"),
        quantity=Decimal(1),
        price=Decimal(1),
    )
    event = dataclasses.replace(base, **values)
    assert payload_json(event) == _canonical(event) == payload_json_general(event)


def test_a_trade_and_a_dividend_in_exact_text() -> None:
    option = parse_option("JPM150220P54")
    assert isinstance(option, OptionContract)
    trade = TradeExecuted(
        account="A",
        time=datetime(2015, 1, 2),
        key="k",
        action=TradeAction.STO,
        instrument=option,
        quantity=Decimal(2),
        price=Decimal("0.24"),
        fees=Decimal("1.30"),
        order_id="1-O1",
        broker_id="1-4",
        note='CSP "é"',
    )
    assert payload_json(trade) == (
        '{"action":"STO","broker_id":"1-4","fees":"1.30","instrument":"JPM   150220P00054000",'
        '"note":"CSP \\"\\u00e9\\"","order_id":"1-O1","price":"0.24","quantity":"2"}'
    )
    adjusted = TradeExecuted(
        account="A",
        time=datetime(2015, 1, 2),
        key="k",
        action=TradeAction.STO,
        instrument=OptionContract(
            "GREE1", option.expiry, "C", Decimal(5), Decimal(100), (("GREE", Decimal(50)),)
        ),
        quantity=Decimal(1),
        price=Decimal(1),
    )
    assert payload_json(adjusted) == _canonical(adjusted)
    assert '"instrument":{' in payload_json(adjusted)
    dividend = CashMoved(
        account="A",
        time=datetime(2015, 1, 2),
        key="k",
        kind=CashKind.DIVIDEND,
        amount=Decimal("-0"),
        symbol="KO",
        description="",
    )
    assert payload_json(dividend) == '{"amount":"-0","kind":"DIVIDEND","symbol":"KO"}'


def test_each_class_has_its_compiled_encoder() -> None:
    event = CashMoved(account="A", time=datetime(2015, 1, 2), kind=CashKind.FEE, amount=Decimal(1))
    payload_json(event)
    assert events._ENCODERS[CashMoved] is not payload_json_general
