"""A month end's snapshot, written record by record (`snapshot`), is the text of the general path
(`snapshot_general`: plain values, one `json.dumps`), on varied books: lots of every kind of instrument, odd
decimals, pending losses (a row written again after a wash adjusted it), shares serving as replacements,
marks, covered calls, non-ASCII text."""

from __future__ import annotations

import dataclasses
from collections import deque
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from journal.instruments import Bond, Future, FutureOption, Instrument, OptionContract, Stock
from journal.projections.covered_calls import CoveredCall
from journal.projections.lots import Books, Lot, RealizedRow
from journal.projections.snapshots import snapshot, snapshot_general
from journal.projections.wash_sales import PendingLoss

DAY = date(2024, 2, 29)
decimals = st.sampled_from([Decimal("1E+2"), Decimal("-0"), Decimal("0.000"), Decimal("-2.50"), Decimal(7)])
decimals = decimals | st.decimals(Decimal("-5000"), Decimal("5000"), places=2)
days = st.sampled_from([DAY, DAY - timedelta(days=3), DAY - timedelta(days=40), date(2023, 12, 29)])
texts = st.sampled_from(["A", "Ünïcode", 'quote"back\\slash', "tab\there"])
INSTRUMENTS: list[Instrument] = [
    Stock("KO"),
    Stock("VMFXX", "fund"),
    OptionContract("KO", date(2024, 3, 15), "P", Decimal("45.5")),
    OptionContract("KO", date(2024, 3, 15), "C", Decimal(60), Decimal(10)),
    OptionContract("GREE1", date(2024, 3, 15), "C", Decimal(5), deliverable=(("GREE", Decimal(50)),)),
    OptionContract("USO1", date(2024, 3, 15), "P", Decimal(5), cash=Decimal("12.5")),
    Bond("912796XY3", "bill", date(2024, 3, 15)),
    Bond("912810TM0", "bond", None, "Ünïcode note"),
    Future("/ESH4", date(2024, 3, 15), Decimal(50)),
    FutureOption("/MESH4", date(2024, 3, 15), "P", Decimal(5400), Decimal(5)),
]
instruments = st.sampled_from(INSTRUMENTS)


@st.composite
def books(draw: st.DrawFn) -> tuple[Books, dict[tuple[str, str], str]]:
    out = Books(
        year=draw(st.sampled_from([None, 2023, 2024])), marked_through=draw(st.sampled_from([None, 2023]))
    )
    for i in range(draw(st.integers(0, 6))):
        instrument = draw(instruments)
        lot = Lot(
            f"L{i}",
            draw(texts),
            instrument,
            draw(days),
            draw(decimals),
            draw(decimals),
            draw(st.none() | texts),
        )
        lot.basis_missing = draw(st.booleans())
        out.open_lots.setdefault((lot.account, instrument.name), deque()).append(lot)
        if draw(st.booleans()):
            out.washes.used[lot.lot_id] = draw(decimals)
        if isinstance(instrument, OptionContract) and draw(st.booleans()):
            out.covered_calls[lot.lot_id] = CoveredCall(
                lot.account,
                instrument,
                lot.lot_id,
                draw(days),
                ["S1", "Ü2"],
                draw(st.none() | decimals),
                draw(texts),
                draw(st.none() | days),
                draw(st.lists(texts, max_size=2)),
            )
    for i in range(draw(st.integers(0, 4))):
        row = RealizedRow(
            draw(texts),
            draw(instruments),
            draw(decimals),
            draw(days),
            draw(days),
            draw(decimals),
            draw(decimals),
            draw(st.sampled_from(["short", "long", "1256"])),
            draw(decimals),
            opened_by=f"L{i}",
            closed_by=draw(texts),
            wash_sale=draw(st.booleans()),
            strategy=draw(st.none() | texts),
        )
        out.realized.append(row)
        out.washes.pending.append(
            PendingLoss(
                i, "me", row.account, row.instrument.name, draw(days), draw(days), draw(decimals), Decimal(1)
            )
        )
    for name in draw(st.lists(st.sampled_from(["KO", "/ESH4", "Ü"]), max_size=3)):
        out.marks[name] = [(d, p) for d, p in draw(st.lists(st.tuples(days, decimals), max_size=3))]
    holding = {key: draw(texts) for key in out.open_lots if draw(st.booleans())}
    return out, holding


@settings(max_examples=300, deadline=None)
@given(found=books())
def test_a_snapshot_is_the_general_paths_text(found: tuple[Books, dict[tuple[str, str], str]]) -> None:
    books, holding = found
    assert snapshot(books, holding, DAY) == snapshot_general(books, holding, DAY)
    # A pending loss's row adjusted by a wash since (a new row object at its index): written anew
    for pending in books.washes.pending:
        row = books.realized[pending.row]
        books.realized[pending.row] = dataclasses.replace(row, adjustment=row.adjustment + 1, wash_sale=True)
    assert snapshot(books, holding, DAY) == snapshot_general(books, holding, DAY)
