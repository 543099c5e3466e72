"""The tax books of the other asset kinds (issue 15, docs/tax.md): cash-settled index options, futures and
futures options (Section 1256: 60/40 and the year-end mark), Treasury bills (the discount is interest, not a
Form 8949 row) and notes. By `journal.projections.lots.fold` and through `journal.api.Journal` on SQLite and
PostgreSQL; every figure derived by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from typing import Any

from journal.api import Journal
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionCashSettled,
    OptionExpired,
    PriceMarked,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import Bond, Future, FutureOption, Instrument, OptionContract
from journal.money import CENT
from journal.projections.cycles import Flow
from journal.projections.lots import Books, fold
from journal.readmodels import day_flows
from journal.records import lot_record, realized_record
from journal.tax import is_section_1256

_seq = iter(range(1_000_000))


def trade(
    day: str, action: str, instrument: Instrument, qty: str, price: str, fees: str = "0"
) -> TradeExecuted:
    return TradeExecuted(
        account="A",
        time=datetime.fromisoformat(day + "T10:00"),
        key=f"t{next(_seq)}",
        action=TradeAction(action),
        instrument=instrument,
        quantity=D(qty),
        price=D(price),
        fees=D(fees),
    )


def event(cls: type[Event], day: str, **kw: Any) -> Event:
    return cls(account="A", time=datetime.fromisoformat(day + "T16:00"), key=f"e{next(_seq)}", **kw)


def rows(b: Books) -> list[tuple[str, str, str, str, str]]:
    """(instrument, closed, proceeds, cost, term) of each realized row, in cents."""
    return [
        (
            r.instrument.name,
            str(r.closed),
            str(r.proceeds.quantize(CENT)),
            str(r.cost_basis.quantize(CENT)),
            r.term,
        )
        for r in b.realized
    ]


SPX_CALL = OptionContract("SPX", date(2024, 6, 21), "C", D(5000))
MES_CALL = FutureOption("/MESH5", date(2025, 3, 21), "C", D(6200), D(5))
BILL = Bond("912797KJ5", "bill", date(2024, 9, 5))


def test_futures_and_futures_options_are_section_1256() -> None:
    assert is_section_1256(MES_CALL)
    assert is_section_1256(Future("/MESH5", date(2025, 3, 21), D(5)))
    assert is_section_1256(SPX_CALL)
    assert not is_section_1256(OptionContract("SPY", date(2024, 6, 21), "C", D(500)))
    assert not is_section_1256(BILL)


def test_a_cash_settled_call_closes_at_its_intrinsic_value() -> None:
    # SPX 5000 call bought 2024-06-03 @ 40.00, fees 1.00: cost 4001.00. Settles 2024-06-21 at 5100:
    #   (5100 - 5000) x 100 = 10,000.00 received; fees 0.50 on the settlement: proceeds 9999.50; 1256.
    # A written one (credit 4000.00 - 1.00 = 3999.00) pays the 10,000.00 (+0.50): proceeds 3999.00,
    #   cost 10000.50.
    settled = {"option": SPX_CALL, "quantity": D(1), "settlement": D(5100), "fees": D("0.50")}
    bought = fold(
        [
            trade("2024-06-03", "BTO", SPX_CALL, "1", "40", "1"),
            event(OptionCashSettled, "2024-06-21", **settled),
        ]
    )
    assert rows(bought) == [(SPX_CALL.name, "2024-06-21", "9999.50", "4001.00", "1256")]
    written = fold(
        [
            trade("2024-06-03", "STO", SPX_CALL, "1", "40", "1"),
            event(OptionCashSettled, "2024-06-21", **settled),
        ]
    )
    assert rows(written) == [(SPX_CALL.name, "2024-06-21", "3999.00", "10000.50", "1256")]
    assert bought.lots() == [] and written.lots() == []


def test_a_futures_option_is_marked_at_the_year_end_then_expires() -> None:
    # /MESH5 6200 call (multiplier 5) x2 written 2024-12-02 @ 20.00, fees 1.00: 2 x 20 x 5 - 1 = 199.00.
    # MARK 2024-12-31 @ 12.00: bought back in 2024 at 2 x 12 x 5 = 120.00: gain 79.00, 1256.
    # Expires 2025-03-21: the 120.00 credit it carries on is the gain: 120.00; 79 + 120 = 199 in all.
    b = fold(
        [
            trade("2024-12-02", "STO", MES_CALL, "2", "20", "1"),
            event(PriceMarked, "2024-12-31", instrument=MES_CALL, price=D(12)),
            event(OptionExpired, "2025-03-21", option=MES_CALL, quantity=D(2)),
        ],
        today=date(2025, 6, 1),
    )
    assert rows(b) == [
        (MES_CALL.name, "2024-12-31", "199.00", "120.00", "1256"),
        (MES_CALL.name, "2025-03-21", "120.00", "0.00", "1256"),
    ]
    assert b.lots() == [] and b.problems == []


def test_a_future_bought_and_sold_is_a_1256_gain() -> None:
    # /ESH5 (multiplier 50) bought @ 6000, sold @ 6010.25, fees 2.50 each: (6010.25 - 6000) x 50 = 512.50 - 5.
    es = Future("/ESH5", date(2025, 3, 21), D(50))
    b = fold(
        [
            trade("2024-12-10", "BUY", es, "1", "6000", "2.50"),
            trade("2024-12-20", "SELL", es, "1", "6010.25", "2.50"),
        ]
    )
    assert rows(b) == [("/ESH5", "2024-12-20", "300510.00", "300002.50", "1256")]  # gain 507.50


def test_a_bill_redeemed_at_par_is_interest_not_a_sale() -> None:
    # 10,000 face bought 2024-03-05 @ 99.568 per 100: 9956.80; redeemed 2024-09-05 at 100: 10,000.00.
    # The discount 10,000 - 9956.80 = 43.20 is interest (1099-INT); no Form 8949 row.
    b = fold(
        [
            trade("2024-03-05", "BUY", BILL, "10000", "99.568"),
            trade("2024-09-05", "SELL", BILL, "10000", "100"),
        ]
    )
    assert b.realized == [] and b.lots() == []
    [interest] = b.interest
    assert (interest.kind, interest.amount, interest.symbol, interest.time.date()) == (
        CashKind.INTEREST,
        D("43.20"),
        "912797KJ5",
        date(2024, 9, 5),
    )


def test_a_bill_sold_before_maturity_splits_its_gain_into_ratable_interest_and_capital() -> None:
    # 10,000 face bought 2024-03-05 @ 98.50 (9850.00), matures 2024-09-05 (184 days); sold 2024-07-05
    # @ 99.60 (9960.00) after 122 days: interest 150 x 122 / 184 = 99.4565... -> 99.46; capital
    # 110.00 - 99.46 = 10.54: the row's proceeds 9960 - 99.46 = 9860.54 against the cost 9850.00, short.
    b = fold(
        [
            trade("2024-03-05", "BUY", BILL, "10000", "98.50"),
            trade("2024-07-05", "SELL", BILL, "10000", "99.60"),
        ]
    )
    assert rows(b) == [("912797KJ5", "2024-07-05", "9860.54", "9850.00", "short")]
    assert [i.amount for i in b.interest] == [D("99.46")]


def test_the_bill_interest_counts_as_income_but_not_twice_as_cash() -> None:
    # What the read models must do with `Books.interest` (journal/readmodels.py, not the books'): add the
    # rows to the day's income with no cash of their own (the redemption's 10,000.00 is the cash).
    # Cash: -9956.80 on 2024-03-05, +10,000.00 on 2024-09-05; interest 43.20 on 2024-09-05.
    events = [
        trade("2024-03-05", "BUY", BILL, "10000", "99.568"),
        trade("2024-09-05", "SELL", BILL, "10000", "100"),
    ]
    b = fold(events)
    days = day_flows([*events, *b.interest], {id(row): Flow() for row in b.interest})
    assert [(d.day, d.interest, d.cash) for d in days] == [
        (date(2024, 3, 5), D(0), D("-9956.80")),
        (date(2024, 9, 5), D("43.20"), D("10000.00")),
    ]


def test_a_note_is_a_capital_asset_its_accrued_interest_cash() -> None:
    # 10,000 face of a note bought @ 100.50 (10,050.00), sold @ 101.25 (10,125.00): 75.00, short; the accrued
    # interest rows are cash (INTEREST), not the books'.
    note = Bond("91282CJL6", "note", date(2028, 11, 15))
    b = fold(
        [
            trade("2024-02-01", "BUY", note, "10000", "100.50"),
            event(CashMoved, "2024-02-01", kind=CashKind.INTEREST, amount=D(-50), symbol="91282CJL6"),
            trade("2024-08-01", "SELL", note, "10000", "101.25"),
        ]
    )
    assert rows(b) == [("91282CJL6", "2024-08-01", "10125.00", "10050.00", "short")]
    assert b.interest == []


def test_settlement_futures_options_and_bills_through_the_journal(journal: Journal, write_csv) -> None:
    # The figures above through the journal CSV on both engines.
    path = write_csv("""
        date,action,symbol,quantity,price,fees,settlement,multiplier,asset,expiry
        2024-06-03,BTO,SPX240621C5000,1,40.00,1.00,,,,
        2024-06-21,CASH_SETTLE,SPX240621C5000,1,,0.50,5100,,,
        2024-12-02,STO,/MESH5 250321C6200,2,20.00,1.00,,5,future-option,
        2024-12-31,MARK,/MESH5 250321C6200,,12.00,,,5,future-option,
        2025-03-21,EXPIRE,/MESH5 250321C6200,2,,,,5,future-option,
        2024-03-05,BUY,912797KJ5,10000,99.568,0,,,bill,2024-09-05
        2024-09-05,SELL,912797KJ5,10000,100,0,,,bill,2024-09-05
        """)
    journal.import_files([path])
    got = [
        (r["instrument"], r["closed"], r["proceeds"], r["cost_basis"], r["gain"], r["term"])
        for r in map(realized_record, journal.realized())
    ]
    assert sorted(got) == sorted(
        [
            ("SPX   240621C05000000", "2024-06-21", "9999.50", "4001.00", "5998.50", "1256"),
            ("/MESH5 250321C6200", "2024-12-31", "199.00", "120.00", "79.00", "1256"),
            ("/MESH5 250321C6200", "2025-03-21", "120.00", "0.00", "120.00", "1256"),
        ]
    )
    assert [lot_record(lot) for lot in journal.lots()] == []
    assert [
        (r["instrument"], r["quantity"], r["cost_basis"], r["basis_per_unit"])
        for r in map(lot_record, journal.lots(date(2024, 6, 3)))
    ] == [("912797KJ5", "10000", "9956.80", "99.5680"), ("SPX   240621C05000000", "1", "4001.00", "40.0100")]
