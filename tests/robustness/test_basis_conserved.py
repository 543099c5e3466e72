"""The property of issue 15: over generated histories of buys, sells, splits, symbol changes and stock-for-
stock mergers (with and without cash in lieu of a fraction), total basis — the open lots' basis plus the
basis of the realized rows — is conserved across each corporate action: nothing is created or destroyed, and
only the cash-in-lieu fraction's basis leaves the open lots, as the cost of its realized rows. Share counts
follow the ratio, and every lot keeps its acquisition date.

Folded with `journal.projections.lots.Books` (no database), derandomized and fast. Wash sales are off: a
replacement's basis adjusted by a disallowed loss is their rule, measured elsewhere, not a corporate action's.
Figures are compared to 1e-18 (of a dollar, of a share): a third of a share's basis has no exact decimal, and
the books carry 28 digits (50 in a proration).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.events import Event, SplitApplied, StockMerged, SymbolChanged, TradeAction, TradeExecuted
from journal.instruments import Stock
from journal.money import ZERO
from journal.projections.lots import Books

SYMBOLS = ("AAA", "BBB", "CCC", "DDD")
# new:old ratios a split or merger may have, fractions of a share left over by most of them
RATIOS = ((D(2), D(1)), (D(3), D(2)), (D(1), D(2)), (D(1), D(10)), (D("0.1125"), D(1)), (D("0.3"), D(1)))

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


TINY = D("1e-18")


def same(a: D, b: D) -> bool:
    return abs(a - b) <= TINY


def total_basis(books: Books) -> D:
    return open_basis(books) + sum((row.cost_basis for row in books.realized), ZERO)


def open_basis(books: Books) -> D:
    return sum((lot.basis for lot in books.lots()), ZERO)


def held(books: Books, symbol: str) -> D:
    return books.shares("A", symbol)


def acquired(books: Books) -> Counter[tuple[str, object]]:
    return Counter((lot.lot_id.split(">")[0], lot.acquired) for lot in books.lots())


@PROPERTY
@given(data=st.data())
def test_total_basis_is_conserved_across_splits_symbol_changes_and_mergers(data: st.DataObject) -> None:
    books = Books(apply_wash_sales=False)
    day = datetime(2023, 1, 2, 10)
    for step in range(data.draw(st.integers(4, 24), label="steps")):
        day += timedelta(days=data.draw(st.integers(1, 40)))
        key = f"k{step}"
        held_now = [s for s in SYMBOLS if held(books, s) > 0]
        kinds = ["buy"] + (["sell", "split", "change", "merge", "merge"] if held_now else [])
        kind = data.draw(st.sampled_from(kinds), label="action")
        if kind == "buy":
            symbol = data.draw(st.sampled_from(SYMBOLS))
            quantity = D(data.draw(st.integers(1, 500)))
            price = D(data.draw(st.integers(100, 20000))) / 100
            books.apply(trade(key, day, TradeAction.BUY, symbol, quantity, price))
            continue
        symbol = data.draw(st.sampled_from(held_now))
        if kind == "sell":
            # whole shares, as brokers sell them (a sum of lots pro-rated to 28 digits is no quantity to sell)
            quantity = min(D(int(held(books, symbol))), D(data.draw(st.integers(1, 500))))
            if not quantity:
                continue
            price = D(data.draw(st.integers(100, 20000))) / 100
            books.apply(trade(key, day, TradeAction.SELL, symbol, quantity, price))
            continue
        others = [s for s in SYMBOLS if s != symbol]
        new, old = data.draw(st.sampled_from(RATIOS))
        before_total, before_open, before_rows = total_basis(books), open_basis(books), len(books.realized)
        before_dates = acquired(books)
        shares = held(books, symbol)
        target = data.draw(st.sampled_from(others)) if kind != "split" else symbol
        target_before = held(books, target) if target != symbol else ZERO
        ratio = new / old if kind != "change" else D(1)
        event: Event
        in_lieu = ZERO
        if kind == "split":
            event = SplitApplied(account="A", time=day, key=key, symbol=symbol, new=new, old=old)
        elif kind == "change":
            event = SymbolChanged(account="A", time=day, key=key, symbol=symbol, new_symbol=target)
        else:
            # the whole new shares of this account's merger, and the fraction left (paid in lieu, or kept)
            fraction = shares * ratio - int(shares * ratio)
            if fraction and data.draw(st.booleans(), label="cash in lieu"):
                in_lieu = (fraction * D(data.draw(st.integers(100, 20000))) / 100).quantize(D("0.01")) or D(
                    "0.01"
                )
            event = StockMerged(
                account="A",
                time=day,
                key=key,
                symbol=symbol,
                new_symbol=target,
                new=new,
                old=old,
                in_lieu=in_lieu,
            )
        books.apply(event)
        new_rows = books.realized[before_rows:]
        # nothing created or destroyed: the open basis that left is the new rows' cost, and only cash in lieu
        # makes rows
        assert same(total_basis(books), before_total), (kind, event)
        assert same(before_open - open_basis(books), sum((row.cost_basis for row in new_rows), ZERO))
        if not in_lieu:
            assert new_rows == []
        else:
            assert same(sum((row.proceeds for row in new_rows), ZERO), in_lieu)
            assert same(sum((row.quantity for row in new_rows), ZERO), fraction)
        sold = sum((row.quantity for row in new_rows), ZERO)
        if kind != "split":
            assert held(books, symbol) == 0
        assert same(held(books, target), target_before + shares * ratio - sold)
        # every lot keeps its acquisition date; only a lot that was all fraction is gone, sold in lieu
        after = acquired(books)
        assert not after - before_dates
        assert {lot_id for lot_id, _ in before_dates - after} <= {row.opened_by for row in new_rows}
        assert books.problems == []


def trade(key: str, day: datetime, action: TradeAction, symbol: str, quantity: D, price: D) -> TradeExecuted:
    return TradeExecuted(
        account="A",
        time=day,
        key=key,
        action=action,
        instrument=Stock(symbol),
        quantity=quantity,
        price=price,
    )
