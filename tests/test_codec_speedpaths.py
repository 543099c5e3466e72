"""The codec's per-class record encoders write exactly what the general path writes
(`json.dumps(to_plain(record), separators=(",", ":"))`): on the read models' own record classes filled with
varied values (every instrument kind, escapes, non-ASCII text, None, values of other types than the
annotations say), and on records of a real fold."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import codec
from journal.codec import encode, encode_general, to_plain
from journal.instruments import Bond, Future, FutureOption, OptionContract, Stock
from journal.partition import DayFlows, MonthIncome
from journal.projections.capital import CapitalStep
from journal.projections.covered_calls import CoveredCall
from journal.projections.cycles import Cycle
from journal.projections.income import RealizedTotals
from journal.projections.lots import AssumedExpiry, Lot, RealizedRow
from journal.projections.wash_sales import PendingLoss, WashSale

RECORDS = [
    DayFlows,
    MonthIncome,
    CapitalStep,
    RealizedRow,
    RealizedTotals,
    WashSale,
    PendingLoss,
    CoveredCall,
    Lot,
    Cycle,
    AssumedExpiry,
]


class Color(StrEnum):
    RED = "red"


texts = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(["", '"', "\\", "é", "\u2028"])
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.sampled_from(
    [Decimal("1E+5"), Decimal("-0"), Decimal("0.000"), Decimal("NaN"), Decimal("-Infinity")]
)
dates = st.dates(date(1, 1, 1), date(9999, 12, 31))
options = st.builds(
    OptionContract,
    st.sampled_from(["AAPL", "SPXW", "GREE1", "BRK.B"]),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.sampled_from(["P", "C"]),
    st.decimals(Decimal("0.001"), Decimal("99999.999"), places=3),
    st.sampled_from([Decimal(100), Decimal(10), Decimal("100.0"), Decimal(1000)]),
    st.sampled_from([(), (("GREE", Decimal(50)),), (("ABC", Decimal("50")), ("XYZ", Decimal("20.5")))]),
    st.sampled_from([Decimal(0), Decimal("12.50")]),
)
instruments = st.one_of(
    options,
    st.builds(Stock, st.sampled_from(["AAPL", "BRK.B", "VMFXX", "Ünï"]), st.sampled_from(["stock", "fund"])),
    st.builds(
        Bond,
        st.just("912796XY3"),
        st.sampled_from(["bill", "bond"]),
        st.none() | dates,
        st.sampled_from(["", 'T-Bill "26w"']),
    ),
    st.builds(Future, st.just("/ESH9"), dates, st.just(Decimal(50))),
    st.builds(
        FutureOption, st.just("/MESZ5"), dates, st.sampled_from(["P", "C"]), decimals, st.just(Decimal(5))
    ),
)
# Values of other types than a field's annotation: the encoders must take the general path for them.
strangers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    texts,
    decimals,
    dates,
    st.datetimes(),
    instruments,
    st.just(Color.RED),
    st.lists(texts, max_size=3),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(texts, texts, max_size=2),
    st.tuples(texts, st.integers()),
)


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    args = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else ()
    if args:
        return st.one_of(*(_strategy(arg) for arg in args))
    if hint is Decimal:
        return decimals
    if hint is date:
        return dates
    if hint is str:
        return texts
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-(2**40), 2**40)
    if hint is type(None):
        return st.none()
    if hint in (Stock, OptionContract, Bond, Future, FutureOption):
        return instruments
    if typing.get_origin(hint) is list and typing.get_args(hint) == (str,):
        return st.lists(texts, max_size=3) | st.lists(st.one_of(texts, st.integers(), st.none()), max_size=3)
    return strangers


def _record(cls: type, data: st.DataObject) -> Any:
    """A `cls` with each field drawn as its annotation says, or (one time in five) as something else."""
    hints = typing.get_type_hints(cls)
    record = object.__new__(cls)
    for f in dataclasses.fields(cls):
        strategy = (
            st.one_of(_strategy(hints[f.name]), strangers) if data.draw(st.integers(0, 4)) == 0 else None
        )
        value = data.draw(strategy if strategy is not None else _strategy(hints[f.name]))
        object.__setattr__(record, f.name, value)  # no __post_init__: the values as drawn
    return record


def _general_or_error(record: Any, skip: tuple[str, ...]) -> str | type[Exception]:
    try:
        return encode_general(record, skip)
    except (TypeError, ValueError) as exc:
        return type(exc)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_record_encodes_as_the_general_path_writes_it(cls: type, data: st.DataObject) -> None:
    record = _record(cls, data)
    names = [f.name for f in dataclasses.fields(cls)]
    skip = tuple(data.draw(st.lists(st.sampled_from(names), max_size=2, unique=True)))
    try:
        general_plain = codec.to_plain_general(record, skip)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            to_plain(record, skip)
    else:
        fast_plain = to_plain(record, skip)
        assert [(k, type(v), v) for k, v in fast_plain.items()] == [
            (k, type(v), v) for k, v in general_plain.items()
        ]
    expected = _general_or_error(record, skip)
    if isinstance(expected, str):
        assert encode(record, skip) == expected
        plain = to_plain(record, skip)
        assert list(json.loads(expected)) == list(plain)
    else:
        with pytest.raises(expected):
            encode(record, skip)


def test_a_realized_row_in_exact_text() -> None:
    row = RealizedRow(
        "IBKR-1",
        OptionContract("AAPL", date(2024, 1, 19), "P", Decimal("150")),
        Decimal("2"),
        date(2023, 12, 1),
        date(2024, 1, 19),
        Decimal("0"),
        Decimal("-310.66"),
        "short",
        opened_by='row:"é"',
        strategy=None,
        wash_sale=True,
    )
    assert encode(row) == (
        '{"account":"IBKR-1","instrument":"AAPL  240119P00150000","quantity":"2","opened":"2023-12-01",'
        '"closed":"2024-01-19","proceeds":"0","cost_basis":"-310.66","term":"short","adjustment":"0",'
        '"opened_by":"row:\\"\\u00e9\\"","closed_by":"","wash_sale":true,"lot_method":"fifo","strategy":null,'
        '"basis_missing":false,"assumed":false}'
    )


def test_an_adjusted_option_a_bond_and_lists_in_exact_text() -> None:
    call = OptionContract(
        "GREE1",
        date(2024, 3, 15),
        "C",
        Decimal("2.5"),
        Decimal(100),
        (("GREE", Decimal(50)),),
        Decimal("12.5"),
    )
    covered = CoveredCall("A", call, "L1", date(2024, 1, 2), ["L0", "Ł"], None, "qualified", None, [])
    assert encode(covered) == (
        '{"account":"A","call":{"symbol":"GREE1 240315C00002500","multiplier":"100",'
        '"deliverable":[["GREE","50"]],"cash":"12.5"},"call_lot":"L1","written":"2024-01-02",'
        '"shares_lots":["L0","\\u0141"],"stock_price":null,"status":"qualified","closed":null,"adjusted":[]}'
    )
    bill = Lot(
        "L9", "A", Bond("912796XY3", "bill", date(2024, 6, 1)), date(2024, 1, 2), Decimal(1000), Decimal(990)
    )
    assert encode(bill, skip=("ref", "held_from")) == (
        '{"lot_id":"L9","account":"A","instrument":{"symbol":"912796XY3","asset":"bill","maturity":"2024-06-01"},'
        '"opened":"2024-01-02","quantity":"1000","basis":"990","order_id":null,"acquired":"2024-01-02",'
        '"basis_missing":false}'
    )


def test_a_value_of_another_type_takes_the_general_path() -> None:
    # a datetime where a date is declared, an int where a Decimal is, a StrEnum where a str is
    step = CapitalStep(Color.RED, "X", datetime(2024, 1, 2, 9, 30), 7, 1)  # type: ignore[arg-type]
    assert encode(step) == (
        '{"account":"red","underlying":"X","day":"2024-01-02T09:30:00","total":7,"unlimited":1}'
    )
    flows = DayFlows("A", date(2024, 1, 2), *[Decimal(1)] * 6, True, 2, 3, 4, [5])  # type: ignore[arg-type]
    assert encode(flows) == encode_general(flows)
    call = CoveredCall(
        "A", OptionContract("X", date(2024, 1, 19), "C", Decimal(5)), "L", date(2024, 1, 2), [], None
    )
    call.shares_lots = ["L1", 2, None]  # type: ignore[list-item]
    assert '"shares_lots":["L1",2,null]' in encode(call) == encode_general(call)
    with pytest.raises(TypeError):
        encode(CapitalStep("A", "X", date(2024, 1, 2), [Decimal(1)], False))  # type: ignore[arg-type]


def test_a_record_as_plain_values_in_exact_figures() -> None:
    put = OptionContract("AAPL", date(2024, 1, 19), "P", Decimal("150"))
    lot = Lot("L1", "A", put, date(2023, 12, 1), Decimal("-2"), Decimal("310.66"), "O1")
    assert to_plain(lot, skip=("held_from",)) == {
        "lot_id": "L1",
        "account": "A",
        "instrument": "AAPL  240119P00150000",
        "opened": "2023-12-01",
        "quantity": "-2",
        "basis": "310.66",
        "order_id": "O1",
        "acquired": "2023-12-01",
        "ref": None,
        "basis_missing": False,
    }
    assert to_plain(lot)["held_from"] == "2023-12-01" and to_plain(lot)["opened"] == "2023-12-01"


def test_a_date_is_written_the_same_from_the_cache() -> None:
    step = CapitalStep("A", "X", date(1999, 12, 31), Decimal("1.5"), False)
    first = encode(step)
    assert date(1999, 12, 31) in codec._DATE_TEXT
    assert (
        encode(step)
        == first
        == '{"account":"A","underlying":"X","day":"1999-12-31","total":"1.5","unlimited":false}'
    )
