"""The tax books through corporate actions and adjusted options (issue 15, docs/tax.md): symbol changes,
mergers (stock for stock, cash in lieu, boot, all cash), spin-offs, OCC adjustments, adjusted options
assigned, cash in lieu paid later. Folded with `journal.projections.lots.fold` and through
`journal.api.Journal` on SQLite and PostgreSQL; every figure derived by hand in the comments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal as D
from typing import Any

from journal.api import Journal
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionExpired,
    PriceMarked,
    SplitApplied,
    SpunOff,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import Instrument, OptionContract, Stock
from journal.money import CENT
from journal.projections.lots import Books, fold
from journal.records import lot_record, realized_record

_seq = iter(range(1_000_000))


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00")


def trade(
    day: str, action: str, instrument: Instrument, qty: str, price: str, fees: str = "0"
) -> TradeExecuted:
    return TradeExecuted(
        account="A",
        time=at(day),
        key=f"t{next(_seq)}",
        action=TradeAction(action),
        instrument=instrument,
        quantity=D(qty),
        price=D(price),
        fees=D(fees),
    )


def event(cls: type[Event], day: str, **kw: Any) -> Event:
    return cls(account="A", time=at(day), key=f"e{next(_seq)}", **kw)


def books(events: Iterable[Event]) -> Books:
    return fold(events, today=date(2026, 1, 1))


def plain(value: D) -> str:
    return format(value.normalize(), "f")


def lots(b: Books) -> list[tuple[str, str, str, str]]:
    """(instrument, quantity, opened, cost basis in cents) of each open lot."""
    return [
        (
            lot.instrument.name,
            plain(lot.quantity),
            str(lot.opened),
            str(lot.cost_basis.quantize(CENT)),
        )
        for lot in b.lots()
    ]


def rows(b: Books) -> list[tuple[str, str, str, str, str, str]]:
    """(instrument, quantity, closed, proceeds, cost, term) of each realized row, in cents."""
    return [
        (
            r.instrument.name,
            plain(r.quantity),
            str(r.closed),
            str(r.proceeds.quantize(CENT)),
            str(r.cost_basis.quantize(CENT)),
            r.term,
        )
        for r in b.realized
    ]


def put(root: str, day: str, strike: str, **kw: Any) -> OptionContract:
    return OptionContract(root, date.fromisoformat(day), "P", D(strike), **kw)


def call(root: str, day: str, strike: str, **kw: Any) -> OptionContract:
    return OptionContract(root, date.fromisoformat(day), "C", D(strike), **kw)


# -- symbol change ------------------------------------------------------------------------------------------


def test_a_symbol_change_renames_lots_standard_and_adjusted_options_keeping_basis_and_dates() -> None:
    # 100 FBX @ 40 (4000.00) on 2023-01-10; put FBX 35 written @ 1.00 (100.00); an adjusted call FBX1 that
    # delivers 50 FBX written @ 0.50 (50.00). FBX becomes MTAX on 2024-04-01: nothing realized.
    adjusted = call("FBX1", "2024-06-21", "45", deliverable=(("FBX", D(50)),))
    b = books(
        [
            trade("2023-01-10", "BUY", Stock("FBX"), "100", "40"),
            trade("2024-03-01", "STO", put("FBX", "2024-06-21", "35"), "1", "1.00"),
            trade("2024-03-01", "STO", adjusted, "1", "0.50"),
            event(SymbolChanged, "2024-04-01", symbol="FBX", new_symbol="MTAX"),
        ]
    )
    assert b.realized == []
    assert lots(b) == [
        ("MTAX", "100", "2023-01-10", "4000.00"),
        ("MTAX  240621P00035000", "-1", "2024-03-01", "-100.00"),
        ("FBX1  240621C00045000", "-1", "2024-03-01", "-50.00"),  # the root as the OCC left it
    ]
    [_, _, kept] = b.lots()
    assert isinstance(kept.instrument, OptionContract)
    assert kept.instrument.deliverable == (("MTAX", D(50)),)
    assert b.holdings[("A", "FBX")] == set()
    assert b.holdings[("A", "MTAX")] == {"MTAX", "MTAX  240621P00035000", "FBX1  240621C00045000"}
    assert b.stock_version["MTAX"] >= 1
    # Sold 2024-04-15 @ 45: 4500.00 - 4000.00 = 500.00, long (held since 2023-01-10).
    b.apply(trade("2024-04-15", "SELL", Stock("MTAX"), "100", "45"))
    assert rows(b) == [("MTAX", "100", "2024-04-15", "4500.00", "4000.00", "long")]


# -- mergers ------------------------------------------------------------------------------------------------


def test_stock_for_stock_merger_with_cash_in_lieu_sells_the_fraction() -> None:
    # 125 OLD @ 8.00 = 1000.00 on 2023-02-01. 2024-06-03 OLD -> NEW at 1 for 2: 62.5 NEW, 0.5 paid 9.00.
    # Fraction: cost 1000 x 0.5 / 62.5 = 8.00; gain 1.00, long (2023-02-01 -> 2024-06-03).
    # Left: 62 NEW, 992.00 (16.00 a share), acquired 2023-02-01.
    b = books(
        [
            trade("2023-02-01", "BUY", Stock("OLD"), "125", "8.00"),
            event(
                StockMerged, "2024-06-03", symbol="OLD", new_symbol="NEW", new=D(1), old=D(2), in_lieu=D(9)
            ),
        ]
    )
    assert rows(b) == [("NEW", "0.5", "2024-06-03", "9.00", "8.00", "long")]
    assert lots(b) == [("NEW", "62", "2023-02-01", "992.00")]
    assert b.lots()[0].acquired == date(2023, 2, 1)


def test_cash_in_lieu_is_taken_from_every_lot_pro_rata_each_with_its_term() -> None:
    # 400 OLD @ 10.10 (4040.00) on 2023-01-03, 100 OLD @ 10.10 (1010.00) on 2024-05-01; ratio 0.101:1:
    #   40.4 and 10.1 NEW, 50.5 in all: the fraction 0.5 is 0.4 of the first, 0.1 of the second.
    # Cash in lieu 55.00 split by new shares: 55 x 40.4 / 50.5 = 44.00 and 11.00.
    # Costs: 4040 x 0.4 / 40.4 = 40.00 (gain 4.00, long); 1010 x 0.1 / 10.1 = 10.00 (gain 1.00, short).
    b = books(
        [
            trade("2023-01-03", "BUY", Stock("OLD"), "400", "10.10"),
            trade("2024-05-01", "BUY", Stock("OLD"), "100", "10.10"),
            event(
                StockMerged,
                "2024-06-03",
                symbol="OLD",
                new_symbol="NEW",
                new=D("0.101"),
                old=D(1),
                in_lieu=D(55),
            ),
        ]
    )
    assert rows(b) == [
        ("NEW", "0.4", "2024-06-03", "44.00", "40.00", "long"),
        ("NEW", "0.1", "2024-06-03", "11.00", "10.00", "short"),
    ]
    assert lots(b) == [("NEW", "40", "2023-01-03", "4000.00"), ("NEW", "10", "2024-05-01", "1000.00")]


def test_boot_recognises_gain_up_to_the_cash_and_no_loss() -> None:
    # Per WRK share: 1 SW worth 46.25 + 5.00 cash (51.25). Lot A 100 @ 30 (3000.00, 2022-03-01): gain
    # 5125 - 3000 = 2125 > 500 -> 500.00 recognised (row: proceeds 500, cost 0, long); basis 3000 - 500 + 500.
    # Lot C 100 @ 55 (5500.00, 2024-03-04): gain 5125 - 5500 < 0 -> none, no row; basis 5500 - 500 = 5000.
    b = books(
        [
            trade("2022-03-01", "BUY", Stock("WRK"), "100", "30"),
            trade("2024-03-04", "BUY", Stock("WRK"), "100", "55"),
            event(
                StockMerged,
                "2024-07-08",
                symbol="WRK",
                new_symbol="SW",
                new=D(1),
                old=D(1),
                cash=D(5),
                price=D("46.25"),
            ),
        ]
    )
    assert rows(b) == [("WRK", "100", "2024-07-08", "500.00", "0.00", "long")]
    assert lots(b) == [("SW", "100", "2022-03-01", "3000.00"), ("SW", "100", "2024-03-04", "5000.00")]


def test_an_all_cash_merger_sells_every_lot() -> None:
    # 100 ATVI @ 80 (8000.00) on 2022-01-20, bought for 95.00 cash 2023-10-13: 9500 - 8000 = 1500, long.
    b = books(
        [
            trade("2022-01-20", "BUY", Stock("ATVI"), "100", "80"),
            event(StockMerged, "2023-10-13", symbol="ATVI", cash=D(95)),
        ]
    )
    assert rows(b) == [("ATVI", "100", "2023-10-13", "9500.00", "8000.00", "long")]
    assert b.lots() == []


def test_a_merger_adjusts_a_written_put_which_assigned_delivers_the_new_shares() -> None:
    # Put ABC 50 written 2024-05-01 @ 2.00 (credit 200.00). ABC -> XYZ at 0.5:1 on 2024-06-03: the put
    # becomes ABC 50 P delivering 50 XYZ (0.5 x 100), root and strike unchanged, nothing realized.
    # Assigned 2024-06-21: 50 XYZ bought for 50 x 100 = 5000.00; basis 5000 - 200 = 4800.00 (96 a share).
    option = put("ABC", "2024-06-21", "50")
    b = books(
        [
            trade("2024-05-01", "STO", option, "1", "2.00"),
            event(StockMerged, "2024-06-03", symbol="ABC", new_symbol="XYZ", new=D("0.5"), old=D(1)),
        ]
    )
    [lot] = b.lots()
    assert isinstance(lot.instrument, OptionContract)
    assert (lot.instrument.name, lot.instrument.deliverable, lot.instrument.underlying) == (
        option.name,
        (("XYZ", D(50)),),
        "XYZ",
    )
    assert (lot.quantity, lot.basis, lot.opened) == (D(-1), D(200), date(2024, 5, 1))
    assert b.holdings[("A", "XYZ")] == {option.name} and b.holdings[("A", "ABC")] == set()
    b.apply(event(OptionAssigned, "2024-06-21", option=lot.instrument, quantity=D(1)))
    assert b.realized == []
    assert lots(b) == [("XYZ", "50", "2024-06-21", "4800.00")]


# -- spin-off -----------------------------------------------------------------------------------------------


def test_a_spin_off_moves_the_allocated_basis_with_the_holding_period() -> None:
    # 100 PAR @ 50 (5000.00) on 2023-01-05; 2024-04-02 PAR spins off KID, 1 for 5 (20 KID), Form 8937: 20%
    # of the basis: KID 1000.00 (50.00 a share), PAR keeps 4000.00; both acquired 2023-01-05.
    # KID sold 2024-04-10 @ 60: 1200 - 1000 = 200.00, long (its parent's holding period).
    b = books(
        [
            trade("2023-01-05", "BUY", Stock("PAR"), "100", "50"),
            event(
                SpunOff, "2024-04-02", symbol="PAR", new_symbol="KID", new=D(1), old=D(5), allocation=D(20)
            ),
        ]
    )
    assert lots(b) == [("PAR", "100", "2023-01-05", "4000.00"), ("KID", "20", "2023-01-05", "1000.00")]
    b.apply(trade("2024-04-10", "SELL", Stock("KID"), "20", "60"))
    assert rows(b) == [("KID", "20", "2024-04-10", "1200.00", "1000.00", "long")]


# -- adjusted options ---------------------------------------------------------------------------------------


SPRT_PUT = put("SPRT", "2021-10-15", "22")
GREE1_PUT = put("GREE1", "2021-10-15", "22", deliverable=(("GREE", D(11)),))


def test_an_adjusted_put_assigned_folds_its_premium_into_the_deliverable() -> None:
    # 6 SPRT 22 puts written 2021-08-16 @ 1.50, fees 3.90: credit 900 - 3.90 = 896.10.
    # 2021-09-14 adjusted to GREE1 22 P delivering 11 GREE a contract: premium and date kept.
    # Assigned 2021-10-15, fees 5.00: 66 GREE for 6 x 22 x 100 = 13,200.00; basis 13,200 - 896.10 + 5.00
    #   = 12,308.90 (186.4985 a share). Nothing realized.
    b = books(
        [
            trade("2021-08-16", "STO", SPRT_PUT, "6", "1.50", "3.90"),
            event(OptionAdjusted, "2021-09-14", option=SPRT_PUT, adjusted=GREE1_PUT, quantity=D(6)),
        ]
    )
    assert lots(b) == [("GREE1 211015P00022000", "-6", "2021-08-16", "-896.10")]
    assert b.holdings[("A", "GREE")] == {GREE1_PUT.name} and b.holdings[("A", "SPRT")] == set()
    b.apply(event(OptionAssigned, "2021-10-15", option=GREE1_PUT, quantity=D(6), fees=D(5)))
    assert b.realized == []
    assert lots(b) == [("GREE", "66", "2021-10-15", "12308.90")]
    assert round(b.lots()[0].basis_per_unit, 4) == D("186.4985")


def test_cash_in_the_deliverable_and_cash_paid_later_lower_the_basis_past_it_a_gain() -> None:
    # A GREE1 put delivering 11 GREE + 10.00 a contract, written 2021-08-16 @ 1.50 (150.00); assigned:
    #   11 GREE for 1000.00, basis 1000 - 150 - 10 = 840.00.
    # 2021-10-19 IN_LIEU 30.00 on GREE (more cash of the delivery): basis 840 - 30 = 810.00.
    # 2021-10-20 IN_LIEU 900.00: returns the last 810.00 of basis, 90.00 past it is a short-term gain.
    option = put("GREE1", "2021-10-15", "10", deliverable=(("GREE", D(11)),), cash=D(10))
    b = books(
        [
            trade("2021-08-16", "STO", option, "1", "1.50"),
            event(OptionAssigned, "2021-10-15", option=option, quantity=D(1)),
            event(CashMoved, "2021-10-19", kind=CashKind.IN_LIEU, amount=D(30), symbol="GREE"),
        ]
    )
    assert lots(b) == [("GREE", "11", "2021-10-15", "810.00")]
    b.apply(event(CashMoved, "2021-10-20", kind=CashKind.IN_LIEU, amount=D(900), symbol="GREE"))
    assert lots(b) == [("GREE", "11", "2021-10-15", "0.00")]
    assert rows(b) == [("GREE", "0", "2021-10-20", "90.00", "0.00", "short")]


def test_a_delivery_of_two_securities_splits_the_cost_by_value_or_else_by_shares() -> None:
    # A put 60 delivering 50 ABC + 20 XYZ written @ 3.00 (300.00), assigned: 6000 - 300 = 5700.00.
    # MARKs ABC 80, XYZ 100: values 4000 and 2000: ABC 5700 x 4000 / 6000 = 3800.00, XYZ 1900.00.
    option = put("ABC1", "2024-06-21", "60", deliverable=(("ABC", D(50)), ("XYZ", D(20))))
    history: list[Event] = [
        trade("2024-05-01", "STO", option, "1", "3.00"),
        event(PriceMarked, "2024-06-20", instrument=Stock("ABC"), price=D(80)),
        event(PriceMarked, "2024-06-20", instrument=Stock("XYZ"), price=D(100)),
        event(OptionAssigned, "2024-06-21", option=option, quantity=D(1)),
    ]
    assert lots(books(history)) == [
        ("ABC", "50", "2024-06-21", "3800.00"),
        ("XYZ", "20", "2024-06-21", "1900.00"),
    ]
    # Without prices: by share count, 5700 x 50 / 70 = 4071.43 and 1628.57, said as a problem.
    b = books([history[0], history[3]])
    assert lots(b) == [("ABC", "50", "2024-06-21", "4071.43"), ("XYZ", "20", "2024-06-21", "1628.57")]
    assert sum(lot.basis for lot in b.lots()) == D(5700)
    assert any("split by share count" in p for p in b.problems)


def test_a_special_dividend_adjustment_keeps_the_premium_and_the_sale_date() -> None:
    # TSLL call 15 written 2024-08-01 @ 0.80, fees 0.65 (credit 79.35), against 100 TSLL @ 14 (1400.00).
    # 2024-08-20 adjusted to the 14.5 call: nothing realized; it expires: 79.35, short, opened 2024-08-01.
    before, after = call("TSLL", "2024-09-20", "15"), call("TSLL", "2024-09-20", "14.5")
    b = books(
        [
            trade("2024-08-01", "BUY", Stock("TSLL"), "100", "14"),
            trade("2024-08-01", "STO", before, "1", "0.80", "0.65"),
            event(
                OptionAdjusted, "2024-08-20", option=before, adjusted=after, quantity=D(1), reason="special"
            ),
        ]
    )
    assert b.realized == []
    assert lots(b) == [
        ("TSLL", "100", "2024-08-01", "1400.00"),
        ("TSLL  240920C00014500", "-1", "2024-08-01", "-79.35"),
    ]
    [record] = b.covered_calls.values()
    assert record.call == after  # the covered call's record follows the contract
    b.apply(event(OptionExpired, "2024-09-20", option=after, quantity=D(1)))
    assert rows(b) == [("TSLL  240920C00014500", "1", "2024-09-20", "79.35", "0.00", "short")]
    assert record.closed == date(2024, 9, 20)


def test_an_adjustment_after_the_merger_names_the_option_as_it_was() -> None:
    # The merger adjusts the call first (11.25 GREE); the broker's ADJUST then says 11 GREE + 10.00 cash:
    # the lot takes the broker's terms, premium 50.00 and date kept.
    sprt = call("SPRT", "2021-10-15", "10")
    broker = call("GREE1", "2021-10-15", "10", deliverable=(("GREE", D(11)),), cash=D(10))
    b = books(
        [
            trade("2021-06-01", "BUY", Stock("SPRT"), "100", "8"),
            trade("2021-08-16", "STO", sprt, "1", "0.50"),
            event(
                StockMerged,
                "2021-09-14",
                symbol="SPRT",
                new_symbol="GREE",
                new=D("0.1125"),
                old=D(1),
                in_lieu=D(10),
            ),
            event(OptionAdjusted, "2021-09-14", option=sprt, adjusted=broker, quantity=D(1)),
        ]
    )
    # 100 SPRT -> 11.25 GREE; 0.25 sold for 10.00 at 800 x 0.25 / 11.25 = 17.78.
    assert rows(b) == [("GREE", "0.25", "2021-09-14", "10.00", "17.78", "short")]
    assert lots(b) == [
        ("GREE", "11", "2021-06-01", "782.22"),
        ("GREE1 211015C00010000", "-1", "2021-08-16", "-50.00"),
    ]
    assert b.holdings[("A", "GREE")] == {"GREE", broker.name}
    # Called away: 1000 + 50 - 10 (the cash delivered) = 1040.00 for the 11 GREE (782.22): 257.78.
    b.apply(event(OptionAssigned, "2021-10-15", option=broker, quantity=D(1)))
    assert rows(b)[1] == ("GREE", "11", "2021-10-15", "1040.00", "782.22", "short")
    assert b.lots() == [] and b.problems == []


# -- through the journal, on both engines -------------------------------------------------------------------


def test_an_adjusted_put_assigned_through_the_journal(journal: Journal, write_csv) -> None:
    # As above, through the journal CSV: 6 SPRT 22 puts @ 1.50, fees 3.90 (896.10); adjusted; assigned, fees
    # 5.00: 66 GREE, basis 13,200 - 896.10 + 5.00 = 12,308.90 (186.4985).
    path = write_csv("""
        date,action,symbol,quantity,price,fees,new_symbol,deliverable,note
        2021-08-16,STO,SPRT211015P22,6,1.50,3.90,,,
        2021-09-14,ADJUST,SPRT211015P22,6,,,GREE1 211015P00022000,11 GREE,merger SPRT into GREE
        2021-10-15,ASSIGN,GREE1 211015P00022000,6,,5.00,,11 GREE,
        """)
    journal.import_files([path])
    assert journal.realized() == []
    assert [lot_record(lot) for lot in journal.lots()] == [
        {
            "account": "default",
            "instrument": "GREE",
            "underlying": "GREE",
            "quantity": "66",
            "opened": "2021-10-15",
            "cost_basis": "12308.90",
            "basis_per_unit": "186.4985",
        }
    ]


def test_a_merger_with_cash_in_lieu_through_the_journal(journal: Journal, write_csv) -> None:
    # 125 OLD @ 8.00 (1000.00); 1 NEW for 2 OLD: 62.5 NEW; 0.5 sold for 9.00 (cost 8.00, gain 1.00, long).
    path = write_csv("""
        date,action,symbol,quantity,price,fees,amount,new_symbol,ratio
        2023-02-01,BUY,OLD,125,8.00,0,,,
        2024-06-03,MERGER,OLD,,,,9.00,NEW,1:2
        """)
    journal.import_files([path])
    assert [
        (r["instrument"], r["quantity"], r["proceeds"], r["cost_basis"], r["gain"], r["term"])
        for r in map(realized_record, journal.realized())
    ] == [("NEW", "0.5", "9.00", "8.00", "1.00", "long")]
    assert [(r["instrument"], r["quantity"], r["cost_basis"]) for r in map(lot_record, journal.lots())] == [
        ("NEW", "62", "992.00")
    ]


def test_a_close_naming_the_option_as_it_was_before_its_adjustment_closes_the_adjusted_one() -> None:
    # tastyworks writes the closes after USO's reverse split under the old root: 6 USO 3.5 puts written
    # @ 1.08 (648.00), adjusted to USO1 (deliverable 12 USO a contract); "Buy to Close 6 USO 3.5 P" @ 0.63
    # (378.00) closes the USO1 lots: 648.00 - 378.00 = 270.00, short, opened on the sale.
    old = put("USO", "2020-07-17", "3.5")
    new = put("USO1", "2020-07-17", "3.5", deliverable=(("USO", D(12)),))
    b = books(
        [
            trade("2020-04-23", "STO", old, "6", "1.08"),
            event(
                OptionAdjusted, "2020-04-29", option=old, adjusted=new, quantity=D(6), reason="reverse split"
            ),
            trade("2020-05-19", "BTC", old, "6", "0.63"),
        ]
    )
    assert rows(b) == [("USO1  200717P00003500", "6", "2020-05-19", "648.00", "378.00", "short")]
    assert b.lots() == [] and b.problems == []


def test_books_resumed_without_the_adjustment_find_the_adjusted_option_by_its_terms() -> None:
    # As above, but the books forgot the adjustment (resumed from a month-end snapshot, which keeps lots):
    # the open USO1 put of the same expiry, right and strike is the one the close names.
    old = put("USO", "2020-07-17", "3.5")
    new = put("USO1", "2020-07-17", "3.5", deliverable=(("USO", D(12)),))
    b = books(
        [
            trade("2020-04-23", "STO", old, "6", "1.08"),
            event(
                OptionAdjusted, "2020-04-29", option=old, adjusted=new, quantity=D(6), reason="reverse split"
            ),
        ]
    )
    b._adjusted_to.clear()
    b.apply(trade("2020-05-19", "BTC", old, "6", "0.63"))
    assert rows(b) == [("USO1  200717P00003500", "6", "2020-05-19", "648.00", "378.00", "short")]


def test_an_in_lieu_row_after_a_reverse_split_sells_the_fraction() -> None:
    # 105 XYZ @ 10 (1050.00); 1:10 reverse split: 10.5 XYZ. IN_LIEU 60.00 on its own row: 0.5 sold for
    # 60.00 at 1050 x 0.5 / 10.5 = 50.00: gain 10.00, short. Left 10 XYZ, 1000.00.
    b = books(
        [
            trade("2024-01-10", "BUY", Stock("XYZ"), "105", "10"),
            event(SplitApplied, "2024-06-03", symbol="XYZ", new=D(1), old=D(10)),
            event(CashMoved, "2024-06-05", kind=CashKind.IN_LIEU, amount=D(60), symbol="XYZ"),
        ]
    )
    assert rows(b) == [("XYZ", "0.5", "2024-06-05", "60.00", "50.00", "short")]
    assert lots(b) == [("XYZ", "10", "2024-01-10", "1000.00")]


def test_a_loss_is_washed_by_the_same_stock_bought_under_its_new_symbol() -> None:
    # 100 FBX @ 50 sold @ 40 on 2024-03-20: loss 1000.00. FBX -> MTAX 2024-04-01; 100 MTAX bought @ 41 on
    # 2024-04-05 (16 days after): disallowed 1000.00; MTAX basis 4100 + 1000 = 5100.00, opened 2024-01-18.
    b = books(
        [
            trade("2024-01-02", "BUY", Stock("FBX"), "100", "50"),
            trade("2024-03-20", "SELL", Stock("FBX"), "100", "40"),
            event(SymbolChanged, "2024-04-01", symbol="FBX", new_symbol="MTAX"),
            trade("2024-04-05", "BUY", Stock("MTAX"), "100", "41"),
        ]
    )
    [row] = b.realized
    assert (row.adjustment, row.gain, row.wash_sale) == (D(1000), D(0), True)
    assert lots(b) == [("MTAX", "100", "2024-01-18", "5100.00")]


def test_an_assignment_naming_the_option_a_merger_adjusted_delivers_its_new_deliverable() -> None:
    # SPRT 10 put written @ 1.50 (150.00); SPRT -> GREE at 0.12:1 adjusts it to deliver 12 GREE; the ASSIGN
    # row names SPRT 211015P10 as before: 12 GREE for 1000.00, basis 1000 - 150 = 850.00.
    b = books(
        [
            trade("2021-08-16", "STO", SPRT_PUT_10, "1", "1.50"),
            event(StockMerged, "2021-09-14", symbol="SPRT", new_symbol="GREE", new=D("0.12"), old=D(1)),
            event(OptionAssigned, "2021-10-15", option=SPRT_PUT_10, quantity=D(1)),
        ]
    )
    assert b.realized == [] and b.problems == []
    assert lots(b) == [("GREE", "12", "2021-10-15", "850.00")]


SPRT_PUT_10 = put("SPRT", "2021-10-15", "10")
