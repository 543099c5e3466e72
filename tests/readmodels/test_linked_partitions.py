"""Linked partitions: corporate actions (a symbol change, a merger, a spin-off, an option adjusted onto
another underlying) join their underlyings' histories into one group, folded as one unit; an import that
links two groups refolds their union, and whatever the order and slicing of the imports, the read models
equal a full rebuild (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from sqlalchemy import select

from journal import schema
from journal.api import Journal
from journal.events import OptionAdjusted, SpunOff, StockMerged, SymbolChanged
from journal.instruments import OptionContract
from journal.readmodels import grouped, partition_groups
from tests.readmodels.test_incremental import snapshot

HEADER = "date,account,action,symbol,quantity,price,fees,amount,new_symbol,ratio\n"

# XYZ wheeled into shares, then renamed XYZN and wheeled on: the hand figures are those of
# tests/projections/test_cycles_corporate.py (lot 100 sh, basis 5000 - 200 + 0.65 = 4800.65).
XYZ = [
    "2024-01-02,A,STO,XYZ240119P50,1,2.00,0.65,,,",
    "2024-01-19,A,ASSIGN,XYZ240119P50,1,,,,,",
]
RENAMED = [
    "2024-02-01,A,SYMBOL_CHANGE,XYZ,,,,,XYZN,",
    "2024-02-02,A,STO,XYZN240216C52,1,1.50,0.65,,,",
    "2024-02-16,A,EXPIRE,XYZN240216C52,1,,,,,",
]
# Another underlying, never linked: its rows stay its own.
KO = ["2024-01-03,A,STO,KO240119P60,1,1.00,0,,,", "2024-01-19,A,EXPIRE,KO240119P60,1,,,,,"]


def _t(day: int) -> datetime:
    return datetime(2024, 2, day, 9, 30)


def test_groups_are_the_union_of_the_links() -> None:
    put = OptionContract("SPRT", date(2021, 10, 15), "P", D(10))
    gree1 = OptionContract("GREE1", date(2021, 10, 15), "P", D(10), deliverable=(("GREE", D(11)),))
    events = [
        SymbolChanged(account="A", time=_t(1), symbol="FB", new_symbol="META"),
        StockMerged(account="A", time=_t(2), symbol="SPRT", new_symbol="GREE", new=D("0.1125")),
        OptionAdjusted(account="B", time=_t(3), option=put, adjusted=gree1, quantity=D(1)),
        SpunOff(account="A", time=_t(4), symbol="GREE", new_symbol="GREX", new=D(1), allocation=D(10)),
        StockMerged(account="A", time=_t(5), symbol="ATVI", cash=D(95)),  # all cash: links nothing
        # A special dividend's adjustment stays on its underlying: links nothing either
        OptionAdjusted(
            account="A",
            time=_t(6),
            option=OptionContract("TSLL", date(2024, 9, 20), "C", D(15)),
            adjusted=OptionContract("TSLL", date(2024, 9, 20), "C", D("14.5")),
            quantity=D(1),
        ),
    ]
    groups = partition_groups(events)
    assert groups == {
        "FB": "FB",
        "META": "FB",
        "GREE": "GREE",
        "GREX": "GREE",
        "SPRT": "GREE",
    }
    assert grouped(["META", "KO", "SPRT", ""], groups) == [
        [
            "",
        ],
        ["FB", "META"],
        ["GREE", "GREX", "SPRT"],
        ["KO"],
    ]
    # A later link joins two groups: the union is named after its first member.
    more = [*events, SymbolChanged(account="A", time=_t(7), symbol="META", new_symbol="GREE")]
    assert set(partition_groups(more).values()) == {"FB"}


def _rows_by_partition(journal: Journal, projection: str) -> set[str]:
    rm = schema.read_models
    with journal.store.engine.connect() as conn:
        query = select(rm.c.partition).where(rm.c.projection == projection).distinct()
        return {r[0] for r in conn.execute(query)}


def _import(journal: Journal, write_csv, rows: list[str], name: str) -> None:
    journal.import_files([write_csv(HEADER + "\n".join(rows) + "\n", name)])
    journal.read_models.refresh()


def _equal_to_a_rebuild(journal: Journal) -> None:
    incremental = snapshot(journal)
    lots = [(lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.lots()]
    cycles = [(c.id, c.net_cash, c.shares, c.formerly) for c in journal.cycles()]
    assert journal.read_models.refresh() == set()
    journal.rebuild()
    assert snapshot(journal) == incremental
    assert [(lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.lots()] == lots
    assert [(c.id, c.net_cash, c.shares, c.formerly) for c in journal.cycles()] == cycles


def test_a_symbol_change_in_a_later_import_refolds_both_symbols(journal: Journal, write_csv) -> None:
    _import(journal, write_csv, XYZ + KO, "january.csv")
    assert _rows_by_partition(journal, "lots") == {"XYZ"}
    journal.import_files([write_csv(HEADER + "\n".join(RENAMED) + "\n", "february.csv")])
    # The new import touched XYZ (the change) and XYZN (the call): their group is folded whole; KO is not.
    assert journal.read_models.refresh() == {"XYZ", "XYZN"}
    # The group's rows are stored under its first member's name, the old rows of each member replaced.
    assert _rows_by_partition(journal, "lots") == {"XYZ"}
    assert _rows_by_partition(journal, "cycles") == {"XYZ", "KO"}
    [lot] = journal.lots()
    assert (lot.instrument.name, lot.quantity, lot.cost_basis) == ("XYZN", D(100), D("4800.65"))
    xyzn = [c for c in journal.cycles() if c.underlying != "KO"]
    assert [(c.id, c.formerly, c.net_cash, c.shares) for c in xyzn] == [
        ("XYZN-20240102", ["XYZ"], D("-4651.30"), D(100))  # 199.35 - 5000 + 149.35
    ]
    _equal_to_a_rebuild(journal)


def test_out_of_order_imports_give_the_same_books(journal: Journal, write_csv) -> None:
    _import(journal, write_csv, RENAMED, "february.csv")  # the change before the history it renames
    _import(journal, write_csv, KO, "ko.csv")
    _import(journal, write_csv, XYZ, "january.csv")
    [lot] = [lot for lot in journal.lots()]
    assert (lot.instrument.name, lot.quantity, lot.cost_basis) == ("XYZN", D(100), D("4800.65"))
    assert [c.id for c in journal.cycles(underlying="XYZ")] == ["XYZN-20240102"]
    _equal_to_a_rebuild(journal)


# Two wheels that a merger joins: ABC shares (100 @ 20.00 = 2000.00) merged into XYZ at 0.5:1 (50 XYZ,
# basis 2000.00, 40.00 a share) in an account that already holds 50 XYZ @ 30.00 (1500.00).
ABC = ["2024-01-05,A,BUY,ABC,100,20.00,0,,,"]
XYZ_SHARES = ["2024-01-08,A,BUY,XYZ,50,30.00,0,,,"]
MERGER = ["2024-03-01,A,MERGER,ABC,,,,,XYZ,0.5:1"]


def test_a_link_between_two_groups_refolds_their_union(journal: Journal, write_csv) -> None:
    _import(journal, write_csv, ABC + XYZ_SHARES + RENAMED[:1], "first.csv")  # XYZ -> XYZN on 2024-02-01
    assert _rows_by_partition(journal, "lots") == {"ABC", "XYZ"}
    # ABC's merger into XYZ (the old name: a file may use it) joins {ABC} and {XYZ, XYZN}.
    journal.import_files([write_csv(HEADER + "\n".join(MERGER) + "\n", "merger.csv")])
    assert journal.read_models.refresh() == {"ABC", "XYZ", "XYZN"}
    assert _rows_by_partition(journal, "lots") == {"ABC"}  # the union's rows, under its first member
    assert journal.read_models.partitions() == sorted(journal.read_models.partitions())  # every member
    assert set(journal.read_models.partitions()) >= {"ABC", "XYZ", "XYZN"}
    lots = sorted((lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.lots())
    assert lots == [("XYZ", D(50), D("2000.00")), ("XYZN", D(50), D("1500.00"))]
    _equal_to_a_rebuild(journal)


def test_lots_as_of_a_day_replay_the_group_as_one_books(journal: Journal, write_csv) -> None:
    _import(journal, write_csv, XYZ + RENAMED + KO, "all.csv")
    for day in (date(2024, 1, 19), date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 10), date(2024, 2, 29)):
        replayed = sorted((lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.lots(day))
        folded = sorted(
            (lot.instrument.name, lot.quantity, lot.cost_basis) for lot in journal.books(None, day).lots()
        )
        assert replayed == folded, day
    assert [lot.instrument.name for lot in journal.lots(date(2024, 1, 31))] == ["XYZ"]
    assert sorted(lot.instrument.name for lot in journal.lots(date(2024, 2, 10))) == [
        "XYZN",
        "XYZN  240216C00052000",
    ]


def test_a_parallel_rebuild_folds_each_group_once(journal: Journal, write_csv) -> None:
    """Enough underlyings for the parallel rebuild (in processes): the group is one task, the same rows."""
    others = [f"2024-01-0{1 + i % 5},A,BUY,S{i},10,{10 + i}.00,0,,," for i in range(10)]
    _import(journal, write_csv, XYZ + RENAMED + others, "many.csv")
    journal.read_models.rebuild(workers=1)
    one = snapshot(journal)
    journal.read_models.rebuild(workers=3)
    assert snapshot(journal) == one
    assert _rows_by_partition(journal, "cycles") >= {"XYZ"}
    assert "XYZN" not in _rows_by_partition(journal, "cycles")


def test_the_groups_are_read_from_the_read_models_and_the_links_since(journal: Journal, write_csv) -> None:
    """A new session reads the groups the read models were written with, joined by the link events recorded
    after their checkpoint: the same groups as a scan of every link event."""
    _import(journal, write_csv, ABC + XYZ_SHARES + RENAMED[:1], "first.csv")
    journal.import_files([write_csv(HEADER + "\n".join(MERGER) + "\n", "merger.csv")])  # not yet folded
    fresh = Journal(journal.store.url)
    try:
        assert fresh.read_models._stored_groups() == {"XYZ": "XYZ", "XYZN": "XYZ"}
        assert fresh.read_models.groups() == {"ABC": "ABC", "XYZ": "ABC", "XYZN": "ABC"}
        fresh.read_models.refresh()
        assert fresh.read_models._stored_groups() == {"ABC": "ABC", "XYZ": "ABC", "XYZN": "ABC"}
    finally:
        fresh.close()


def test_an_adjusted_option_delivering_two_securities_links_them(journal: Journal, write_csv) -> None:
    """ABCD1 delivers 50 ABC + 20 XYZ: its assignment opens XYZ lots in ABC's partition, so a later XYZ event
    (a mark, a sale) folds with it. Cost 20 x 100 - 100 = 1900.00, split by value on the marks:
    ABC 50 x 10 = 500, XYZ 20 x 50 = 1000: ABC 1900 x 500 / 1500 = 633.33, XYZ 1266.67; then 20 XYZ sold
    @ 55.00: proceeds 1100.00, gain 1100.00 - 1266.666... = -166.67."""
    csv = (
        "date,action,symbol,quantity,price,fees,deliverable\n"
        "2024-03-01,STO,ABCD1 240419P00020000,1,1.00,0,50 ABC + 20 XYZ\n"
        "2024-04-19,MARK,ABC,,10.00,,\n"
        "2024-04-19,MARK,XYZ,,50.00,,\n"
        "2024-04-19,ASSIGN,ABCD1 240419P00020000,1,,,50 ABC + 20 XYZ\n"
    )
    journal.import_files([write_csv(csv, "abcd.csv")])
    journal.read_models.refresh()
    assert journal.read_models.groups() == {"ABC": "ABC", "XYZ": "ABC"}
    lots = sorted((lot.instrument.name, lot.cost_basis) for lot in journal.lots())
    assert [(name, round(basis, 2)) for name, basis in lots] == [("ABC", D("633.33")), ("XYZ", D("1266.67"))]
    sale = "date,action,symbol,quantity,price,fees\n2024-05-01,SELL,XYZ,20,55.00,0\n"
    journal.import_files([write_csv(sale, "sale.csv")])
    assert journal.read_models.refresh() == {"ABC", "XYZ"}
    [row] = journal.realized()
    assert (row.instrument.name, row.proceeds, round(row.gain, 2)) == ("XYZ", D("1100.00"), D("-166.67"))
    _equal_to_a_rebuild(journal)
