"""`RealizedRow.with_strategy` is `dataclasses.replace(row, strategy=...)`, on varied rows."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from journal.instruments import OptionContract, Stock
from journal.projections.lots import RealizedRow

decimals = st.sampled_from([Decimal("1E+2"), Decimal("-0"), Decimal("0.000")]) | st.decimals(
    Decimal("-5000"), Decimal("5000"), places=2
)
rows = st.builds(
    RealizedRow,
    st.sampled_from(["A", "B"]),
    st.sampled_from([Stock("KO"), OptionContract("KO", date(2024, 3, 15), "P", Decimal(40))]),
    decimals,
    st.dates(),
    st.dates(),
    decimals,
    decimals,
    st.sampled_from(["short", "long", "1256"]),
    decimals,
    st.text(max_size=3),
    st.text(max_size=3),
    st.booleans(),
    st.sampled_from(["fifo", "lifo", "specific", "mark"]),
    st.none() | st.text(max_size=3),
    st.booleans(),
    st.booleans(),
)


def test_with_strategy_names_every_field() -> None:
    """The positional copy lists the fields in their order: a field added to the class must be added there."""
    row = RealizedRow(
        "A", Stock("KO"), Decimal(1), date(2024, 1, 2), date(2024, 2, 3), Decimal(5), Decimal(4), "short"
    )
    assert [f.name for f in dataclasses.fields(RealizedRow)][13] == "strategy"
    assert len(dataclasses.fields(RealizedRow)) == 16
    assert row.with_strategy("puts") == dataclasses.replace(row, strategy="puts")


@settings(max_examples=300, deadline=None)
@given(row=rows, strategy=st.none() | st.text(max_size=5))
def test_with_strategy_is_replace(row: RealizedRow, strategy: str | None) -> None:
    fast, general = row.with_strategy(strategy), dataclasses.replace(row, strategy=strategy)
    assert fast == general
    assert all(getattr(fast, f.name) is getattr(general, f.name) for f in dataclasses.fields(RealizedRow))
