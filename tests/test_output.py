"""The JSON listing `tj --format json` prints is json.dumps(records, indent=2), byte for byte, however it is
built (flat records take a faster path)."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.output import json_list, json_text

scalars = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
flat = st.dictionaries(st.text(), scalars, max_size=6)
nested = st.dictionaries(st.text(), st.one_of(scalars, st.lists(scalars, max_size=3), flat), max_size=4)


@given(st.lists(st.one_of(flat, nested), max_size=6))
def test_json_list_is_json_dumps_with_two_space_indent(records) -> None:
    assert json_list(records) == json.dumps(records, indent=2)


def test_a_realized_row_with_unicode_and_quotes() -> None:
    records = [{"instrument": 'AAPL "é" \u2212', "gain": "-1.00", "days": 3, "note": None}]
    assert json_list(records) == json.dumps(records, indent=2)


class _Kind(StrEnum):
    put = "put"


json_values = st.recursive(
    st.one_of(scalars, st.floats(), st.sampled_from([_Kind.put, 1.5, -0.0])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=4), inner, max_size=4),
        st.dictionaries(st.one_of(st.integers(), st.none(), st.booleans()), inner, max_size=2),
    ),
    max_leaves=30,
)


@given(json_values)
def test_json_text_is_json_dumps_with_two_space_indent(value) -> None:
    """A report's JSON (`json_text`), nested however deep, with enum texts, floats (NaN too), tuples and keys
    json turns into text its own way."""
    assert json_text(value) == json.dumps(value, indent=2)


def test_json_text_of_a_cycle_or_what_json_refuses_is_what_json_does() -> None:
    loop: list[object] = []
    loop.append(loop)
    for value in (loop, {"amount": Decimal("1.00")}):
        with pytest.raises((ValueError, TypeError)) as found:
            json.dumps(value, indent=2)
        with pytest.raises(type(found.value), match=str(found.value)):
            json_text(value)
