"""Securities transferred in and out (ACATS, journals, gifts, opening positions): lots with the file's basis
and acquisition date, or basis missing until a journal-CSV row gives it. Figures by hand; both engines."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from journal.api import Journal

D = Decimal
HEADER = "date,account,action,symbol,quantity,price,fees,basis,acquired,resolves\n"


def test_a_transfer_in_carries_basis_and_holding_period(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv(
                HEADER + "2024-03-01,A,TRANSFER_IN,KO,100,,,5210.40,2022-06-01,\n"
                "2024-04-02,A,SELL,KO,40,60,0.65,,,\n"
            )
        ]
    )
    [row] = journal.realized()
    # 40 of 100 shares: basis 5,210.40 × 40/100 = 2,084.16; proceeds 40 × 60 − 0.65 = 2,399.35; held since
    # 2022-06-01, so long term.
    assert (row.opened, row.proceeds, row.cost_basis, row.term, row.basis_missing) == (
        date(2022, 6, 1),
        D("2399.35"),
        D("2084.16"),
        "long",
        False,
    )
    [lot] = journal.lots()
    assert (lot.quantity, lot.cost_basis, lot.opened) == (D(60), D("3126.24"), date(2022, 6, 1))


def test_a_transfer_out_closes_lots_without_a_gain(journal: Journal, write_csv) -> None:
    journal.import_files(
        [
            write_csv(
                "date,account,action,symbol,quantity,price,fees\n"
                "2024-01-02,A,BUY,PEP,100,170,0\n"
                "2024-01-02,A,BUY,PEP,50,160,0\n"
                "2024-02-01,A,TRANSFER_OUT,PEP,120,,\n"
            )
        ]
    )
    assert journal.realized() == []
    [lot] = journal.lots()  # FIFO: the 100 then 20 of the 50 left; 30 at 160 remain
    assert (lot.quantity, lot.cost_basis) == (D(30), D("4800"))


def test_basis_missing_until_a_row_gives_it(journal: Journal, write_csv, db_url: str, tj, tmp_path) -> None:
    journal.import_files(
        [write_csv(HEADER + "2024-03-01,A,TRANSFER_IN,KO,100,,,,,\n2024-04-02,A,SELL,KO,100,60,0.65,,,\n")]
    )
    [row] = journal.realized()
    assert (row.basis_missing, row.cost_basis, row.term) == (True, D(0), "short")
    records = json.loads(tj("realized", "--format", "json", db=db_url, check=True).stdout)
    assert (records[0]["box"], records[0]["basis_missing"]) == ("B", True)
    form = tmp_path / "8949.csv"
    tj("report", "year", "2024", "--form8949", str(form), db=db_url, check=True)
    line = form.read_text().splitlines()[1].split(",")
    assert line[:2] == ["B", "100 sh. KO"] and "" in line  # (e) and (h) blank
    [gap] = json.loads(tj("unresolved", "--format", "json", db=db_url, check=True).stdout)
    assert gap["kind"] == "basis-missing"
    # The user gives the basis: the transfer row is replaced by one with basis and acquisition date.
    journal.import_files(
        [write_csv(HEADER + f"2024-03-01,A,TRANSFER_IN,KO,100,,,5000,2023-01-10,{gap['key']}\n", "basis.csv")]
    )
    [row] = journal.realized()
    # Held from 2023-01-10 to 2024-04-02: long; gain 5,999.35 − 5,000.
    assert (row.basis_missing, row.cost_basis, row.term, row.gain) == (False, D(5000), "long", D("999.35"))
    assert json.loads(tj("unresolved", "--format", "json", db=db_url, check=True).stdout) == []


def test_opening_positions_start_a_journal_mid_stream(journal: Journal, write_csv) -> None:
    positions = write_csv(
        "date,account,symbol,quantity,basis,acquired\n"
        "2024-06-28,A,KO,200,11800.00,2023-02-01\n"
        "2024-06-28,A,KO240719C62,-2,-150.00,2024-06-20\n"
        "2024-06-28,A,PEP,10,,\n"
        "2024-06-28,A,CASH,5000,,\n",
        "positions.csv",
    )
    journal.import_files([positions], opening=date(2024, 7, 1))
    lots = {lot.instrument.name: lot for lot in journal.lots(as_of=date(2024, 7, 1))}
    assert (lots["KO"].quantity, lots["KO"].cost_basis, lots["KO"].opened) == (
        D(200),
        D(11800),
        date(2023, 2, 1),
    )
    call = lots["KO    240719C00062000"]
    # A written call: negative quantity, the 150.00 credit as a negative cost basis.
    assert (call.quantity, call.cost_basis) == (D(-2), D(-150))
    assert lots["PEP"].basis_missing
    assert journal.cash(date(2024, 7, 1), "A") == D(5000)
    # The call then expires by its own row: the 150.00 credit is a short-term gain.
    journal.import_files(
        [write_csv("date,account,action,symbol,quantity\n2024-07-19,A,EXPIRE,KO240719C62,2\n", "expiry.csv")]
    )
    [row] = journal.realized()
    assert (row.proceeds, row.cost_basis, row.term) == (D(150), D(0), "short")
    # Imported again: nothing added.
    assert [d.events_added for d in journal.import_files([positions], opening=date(2024, 7, 1))] == [0]
