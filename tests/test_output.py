"""The JSON listing `tj --format json` prints is json.dumps(records, indent=2), byte for byte, however it is
built (flat records take a faster path)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from journal.output import json_list

scalars = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
flat = st.dictionaries(st.text(), scalars, max_size=6)
nested = st.dictionaries(st.text(), st.one_of(scalars, st.lists(scalars, max_size=3), flat), max_size=4)


@given(st.lists(st.one_of(flat, nested), max_size=6))
def test_json_list_is_json_dumps_with_two_space_indent(records) -> None:
    assert json_list(records) == json.dumps(records, indent=2)


def test_a_realized_row_with_unicode_and_quotes() -> None:
    records = [{"instrument": 'AAPL "é" \u2212', "gain": "-1.00", "days": 3, "note": None}]
    assert json_list(records) == json.dumps(records, indent=2)
