"""`event_from_row` builds each event type by its own constructor: the same event as the general path
(`_event_from_row_general`, field by field in the payload's order) on every event type with varied
payloads, and the same error, in the same words, for a payload that is not one (a journal JSONL file's)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import events
from journal.events import (
    EVENT_TYPES,
    CashKind,
    Event,
    SourceRef,
    TradeAction,
    TradeExecuted,
    _event_from_row_general,
    event_from_row,
    payload_json,
)
from journal.instruments import Bond, Future, FutureOption, OptionContract, Stock

texts = st.text(st.characters(codec="utf-8"), max_size=10) | st.sampled_from(["", "STO", '"', "é"])
decimals = st.decimals(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [Decimal("0.65"), Decimal("1E+5"), Decimal("100"), Decimal("100.0"), Decimal("-0")]
)
dates = st.dates(date(1900, 1, 1), date(2099, 12, 31))
options = st.builds(
    OptionContract,
    st.sampled_from(["AAPL", "SPXW", "GREE1"]),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.sampled_from(["P", "C"]),
    st.decimals(Decimal("0.001"), Decimal("99999.999"), places=3),
    st.sampled_from([Decimal(100), Decimal(10)]),
    st.sampled_from([(), (("GREE", Decimal(50)),)]),
    st.sampled_from([Decimal(0), Decimal("12.5")]),
)
instruments = st.one_of(
    options,
    st.builds(
        Stock, st.sampled_from(["AAPL", "BRK.B", "VMFXX"]), st.sampled_from(["stock", "fund", "warrant"])
    ),
    st.builds(Bond, st.just("912796XY3"), st.sampled_from(["bill", "bond"]), st.none() | dates),
    st.builds(Future, st.just("/ESH9"), dates, st.just(Decimal(50))),
    st.builds(
        FutureOption,
        st.just("/MESZ5"),
        dates,
        st.sampled_from(["P", "C"]),
        st.just(Decimal(5400)),
        st.just(Decimal(5)),
    ),
)


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if all(arg in (Stock, OptionContract, Bond, Future, FutureOption) for arg in args):
            return instruments if Stock in args else options
        return st.one_of(*(_strategy(arg) for arg in args))
    table: dict[Any, st.SearchStrategy[Any]] = {
        Decimal: decimals,
        date: dates,
        str: texts,
        bool: st.booleans(),
        type(None): st.none(),
        TradeAction: st.sampled_from(TradeAction),
        CashKind: st.sampled_from(CashKind),
        OptionContract: options,
        tuple[str, ...]: st.lists(texts, max_size=3).map(tuple),
    }
    return table[hint]


@st.composite
def any_event(draw: st.DrawFn) -> Event:
    cls = draw(st.sampled_from(list(EVENT_TYPES.values())))
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in ("account", "time", "key", "source"):
            continue
        if f.default is not dataclasses.MISSING and draw(st.booleans()):
            continue  # left to its default
        required = f.default is dataclasses.MISSING  # a required text is never empty (a payload drops "")
        kwargs[f.name] = draw(
            texts.filter(bool) if required and hints[f.name] is str else _strategy(hints[f.name])
        )
    source = draw(st.none() | st.builds(SourceRef, texts, st.just("ab" * 32), st.integers(1, 10**6)))
    return cls(account=draw(texts), time=draw(st.datetimes()), key=draw(texts), source=source, **kwargs)


def _same(a: Event, b: Event) -> None:
    assert type(a) is type(b)
    assert a == b
    assert repr(a) == repr(b)
    assert a.source == b.source
    assert [type(getattr(a, f.name)) for f in dataclasses.fields(a)] == [
        type(getattr(b, f.name)) for f in dataclasses.fields(b)
    ]


@settings(max_examples=400, deadline=None)
@given(event=any_event())
def test_an_event_reads_back_as_the_general_path_reads_it(event: Event) -> None:
    stored = payload_json(event)
    envelope = (event.type_name, event.account, event.time, event.key)
    data = json.loads(stored)
    fast = event_from_row(*envelope, data, event.source)
    assert data == json.loads(stored)  # the payload is left as it was
    general = _event_from_row_general(*envelope, json.loads(stored), event.source)
    _same(fast, general)
    assert payload_json(fast) == payload_json(general)
    # and read twice (the second time from the caches): the same event again
    _same(event_from_row(*envelope, json.loads(stored), event.source), general)


@settings(max_examples=100, deadline=None)
@given(event=any_event())
def test_a_class_without_plain_slots_is_built_by_its_constructor(event: Event) -> None:
    """What a compiled event class gets (its instances are not `object.__new__`'s): the same events."""
    construct = events._row_constructor(type(event), slots=False)
    data = json.loads(payload_json(event))
    built = construct(event.account, event.time, event.key, event.source, data)
    _same(
        built,
        _event_from_row_general(event.type_name, event.account, event.time, event.key, data, event.source),
    )


def test_slots_are_used_where_object_new_makes_the_instances() -> None:
    assert events._slot_setters(TradeExecuted) is not None
    assert events._slot_setters(type("Native", (int,), {"__slots__": ()})) is None


def _outcome(read: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "event", read(*args)
    except Exception as exc:  # noqa: BLE001 - the errors compared, type and words
        return type(exc).__name__, str(exc)


field_names = sorted({f.name for cls in EVENT_TYPES.values() for f in dataclasses.fields(cls)} - {"source"})
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | texts
    | st.sampled_from(["1.5", "2024-01-02", "STO", "DIVIDEND", "AAPL  240119P00150000", "nope"]),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["symbol", "multiplier", "asset"]), inner, max_size=2)
    ),
    max_leaves=4,
)


@settings(max_examples=400, deadline=None)
@given(
    type_name=st.sampled_from([*EVENT_TYPES, "NoSuchEvent"]),
    data=st.dictionaries(st.sampled_from(field_names), json_values, max_size=6),
)
def test_any_payload_gives_the_general_paths_event_or_error(type_name: str, data: dict[str, Any]) -> None:
    args = (type_name, "A", datetime(2024, 1, 2, 9, 30), "k", data, None)
    fast = _outcome(event_from_row, *args)
    general = _outcome(_event_from_row_general, *args)
    if fast[0] == "event" and general[0] == "event":
        _same(fast[1], general[1])
    else:
        assert fast == general


@settings(max_examples=400, deadline=None)
@given(event=any_event(), data=st.data())
def test_a_payload_with_fields_spoilt_gives_the_general_paths_error(
    event: Event, data: st.DataObject
) -> None:
    payload = json.loads(payload_json(event))
    names = [f.name for f in dataclasses.fields(event) if f.name not in ("account", "time", "key", "source")]
    for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
        payload[name] = data.draw(json_values)
    order = data.draw(st.permutations(list(payload)))  # the general path decodes in the payload's order
    payload = {name: payload[name] for name in order}
    args = (event.type_name, event.account, event.time, event.key, payload, event.source)
    fast = _outcome(event_from_row, *args)
    general = _outcome(_event_from_row_general, *args)
    if fast[0] == "event" and general[0] == "event":
        _same(fast[1], general[1])
    else:
        assert fast == general


def test_a_trade_in_exact_figures() -> None:
    data = {
        "action": "STO",
        "fees": "1.30",
        "instrument": "JPM   150220P00054000",
        "order_id": "1-O1",
        "price": "0.24",
        "quantity": "2",
    }
    trade = event_from_row("TradeExecuted", "A", datetime(2015, 1, 2, 9, 56), "k", data, None)
    assert isinstance(trade, TradeExecuted)
    assert trade.action is TradeAction.STO
    assert trade.instrument == OptionContract("JPM", date(2015, 2, 20), "P", Decimal(54))
    assert (trade.quantity, trade.price, trade.fees, trade.fx_rate) == (
        Decimal(2),
        Decimal("0.24"),
        Decimal("1.30"),
        None,
    )
    assert str(trade.fees) == "1.30"
    assert (trade.order_id, trade.lot_ref, trade.currency, trade.note) == ("1-O1", None, "", "")
    assert trade.gross == Decimal("48.00")


def test_a_bad_payload_fails_in_the_general_paths_words() -> None:
    # an unknown field that the general path decodes first (as a date) and fails on: its ValueError, not
    # the constructor's TypeError about the unknown field
    with pytest.raises(ValueError, match="Invalid isoformat string: 'soon'"):
        event_from_row("TradeExecuted", "A", datetime(2024, 1, 2), "k", {"acquired": "soon"}, None)
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'amount'"):
        event_from_row("CashMoved", "A", datetime(2024, 1, 2), "k", {"kind": "FEE"}, None)
    trade = {"action": "BUYX", "instrument": "AAPL", "price": "1", "quantity": "1"}
    with pytest.raises(ValueError, match="'BUYX' is not a valid TradeAction"):
        event_from_row("TradeExecuted", "A", datetime(2024, 1, 2), "k", trade, None)
    with pytest.raises(ValueError, match="'GIFT' is not a valid CashKind"):
        event_from_row("CashMoved", "A", datetime(2024, 1, 2), "k", {"kind": "GIFT", "amount": "1"}, None)
    # two bad fields: the error of the one the payload names first, as the general path reads them
    with pytest.raises(ValueError, match="Invalid isoformat string: 'x'"):
        spoilt = {"acquired": "x", "quantity": "y", "instrument": "AAPL"}
        event_from_row("SecurityTransferred", "A", datetime(2024, 1, 2), "k", spoilt, None)
    with pytest.raises(KeyError):
        event_from_row("NoSuchEvent", "A", datetime(2024, 1, 2), "k", {}, None)


def test_the_caches_give_shared_values_that_are_the_same() -> None:
    a = events._decimal("1.50")
    assert events._decimal("1.50") is a and str(a) == "1.50"
    assert events._decimal("1.5") == a and str(events._decimal("1.5")) == "1.5"
    option = events._instrument("AAPL  240119P00150000")
    assert events._instrument("AAPL  240119P00150000") is option
    assert option == OptionContract("AAPL", date(2024, 1, 19), "P", Decimal(150))


def test_each_action_says_whether_it_buys_and_opens() -> None:
    assert {a.value: (a.is_buy, a.opens) for a in TradeAction} == {
        "BUY": (True, None),
        "SELL": (False, None),
        "STO": (False, True),
        "BTC": (True, False),
        "BTO": (True, True),
        "STC": (False, False),
    }
    assert len(TradeAction) == 6 and TradeAction("BTO").is_buy is True


def test_a_month_is_its_year_and_month_for_a_day_or_a_time() -> None:
    from journal.periods import month_of

    assert month_of(date(2024, 3, 5)) == "2024-03"
    assert month_of(date(2024, 3, 5)) == "2024-03"  # from the cache
    assert month_of(datetime(2024, 3, 5, 23, 59)) == "2024-03"
    assert month_of(date(999, 12, 31)) == "0999-12"
