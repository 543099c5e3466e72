"""Wheel cycles and roll chains through corporate actions (issue 15): a symbol change in the middle of a
wheel, an option adjusted by a special dividend inside a roll chain, cash settlement and currency conversion
in a wheel's cash. Through `journal.api.Journal` on SQLite and PostgreSQL, figures derived by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from journal.api import Journal
from journal.events import CurrencyConverted, OptionCashSettled, SymbolChanged
from journal.instruments import OptionContract
from journal.projections.cycles import flow_of

HEADER = "date,action,symbol,quantity,price,fees,amount,new_symbol,note\n"

# A wheel on XYZ, which becomes XYZN on 2024-02-01 while the shares are held.
#   2024-01-02 put XYZ 50 sold @ 2.00, fees 0.65: premium 200.00, cash +199.35.
#   2024-01-19 assigned: 100 sh bought at 50: cash -5000.00. net_cash = 199.35 - 5000 = -4800.65;
#              break-even 4800.65 / 100 = 48.0065; tax basis 5000 - 200 + 0.65 = 4800.65.
#   2024-02-01 XYZ -> XYZN: no cash, the same lot (100 XYZN, 4800.65, acquired 2024-01-19).
#   2024-02-02 call XYZN 52 sold @ 1.50, fees 0.65: +149.35 -> net_cash -4651.30, break-even 46.5130.
#   2024-02-16 the call expires: 0 -> realized 149.35 (proceeds 149.35, cost 0).
#   2024-02-20 dividend XYZN 25.00 -> net_cash -4626.30, break-even 46.2630.
FIRST = [
    "2024-01-02,STO,XYZ240119P50,1,2.00,0.65,,,",
    "2024-01-19,ASSIGN,XYZ240119P50,1,,,,,",
]
CHANGE = [
    "2024-02-01,SYMBOL_CHANGE,XYZ,,,,,XYZN,",
    "2024-02-02,STO,XYZN240216C52,1,1.50,0.65,,,",
    "2024-02-16,EXPIRE,XYZN240216C52,1,,,,,",
    "2024-02-20,DIVIDEND,XYZN,,,,25.00,,",
]
#   2024-03-01 call XYZN 50 sold @ 1.00, fees 0.65: +99.35 -> -4526.95.
#   2024-03-15 called away: 100 sh sold at 50: +5000.00 -> net_cash 473.05, the cycle closes.
#   Its profit is the sum of its gains and dividends: shares 5000 + 100 - 0.65 - 4800.65 = 298.70,
#   the expired call 149.35, the dividend 25.00: 298.70 + 149.35 + 25.00 = 473.05.
END = [
    "2024-03-01,STO,XYZN240315C50,1,1.00,0.65,,,",
    "2024-03-15,ASSIGN,XYZN240315C50,1,,,,,",
]


def _import(journal: Journal, write_csv, rows: list[str], name: str) -> None:
    journal.import_files([write_csv(HEADER + "\n".join(rows) + "\n", name)])


def test_a_wheel_goes_on_through_a_symbol_change(journal: Journal, write_csv) -> None:
    _import(journal, write_csv, FIRST + CHANGE, "wheel.csv")
    [cycle] = journal.cycles()
    assert (cycle.underlying, cycle.formerly, cycle.id) == ("XYZN", ["XYZ"], "XYZN-20240102")
    assert (cycle.opened, cycle.closed, cycle.shares) == (date(2024, 1, 2), None, D(100))
    assert cycle.premium_collected == D("350.00")  # 200 + 150
    assert cycle.fees == D("1.30")
    assert cycle.dividends == D("25.00")
    assert cycle.net_cash == D("-4626.30")
    assert round(cycle.break_even or 0, 4) == D("46.2630")
    assert cycle.tax_basis == D("4800.65")
    # The old symbol still finds it, by underlying and by the id it had.
    assert [c.id for c in journal.cycles(underlying="XYZ")] == ["XYZN-20240102"]
    shown = journal.cycle("XYZ-20240102")
    assert shown is not None and shown.id == "XYZN-20240102"
    assert [s.net_cash for s in shown.steps] == [
        D("199.35"),
        D("-4800.65"),
        D("-4800.65"),  # the symbol change moves no cash
        D("-4651.30"),
        D("-4651.30"),
        D("-4626.30"),
    ]

    _import(journal, write_csv, END, "end.csv")
    [cycle] = journal.cycles()
    assert (cycle.underlying, cycle.closed, cycle.shares) == ("XYZN", date(2024, 3, 15), D(0))
    assert cycle.net_cash == D("473.05")
    gains = sum((r.gain for r in journal.realized()), D(0))
    assert gains == D("448.05")  # 298.70 + 149.35; with the dividend 25.00: the cycle's 473.05


# A roll chain through a special dividend: the call rolled once, then adjusted by OCC (C15 -> C14.5), then
# expired. Chain net credit = 80 (first sale) - 30 (bought back) + 90 (new sale) = 140.00; one roll (a credit
# of 90 - 30 = 60.00); the adjustment is no roll and moves no premium.
TSLL = [
    "date,action,symbol,quantity,price,fees,amount,new_symbol,note,order_id",
    "2024-07-01,STO,TSLL240816C15,1,0.80,0,,,,O1",
    "2024-08-01,BTC,TSLL240816C15,1,0.30,0,,,,R1",
    "2024-08-01,STO,TSLL240920C15,1,0.90,0,,,,R1",
    "2024-08-20,ADJUST,TSLL240920C15,1,,,,TSLL240920C14.5,special dividend,",
    "2024-09-20,EXPIRE,TSLL240920C14.5,1,,,,,,",
]


def test_an_adjustment_continues_a_roll_chain_without_being_a_roll(journal: Journal, write_csv, tj) -> None:
    journal.import_files([write_csv("\n".join(TSLL) + "\n", "tsll.csv")])
    [chain] = journal.rolls()
    assert (chain["underlying"], chain["status"], chain["rolls"], chain["net_credit"]) == (
        "TSLL",
        "closed",
        1,
        "140.00",
    )
    assert [(leg["instrument"], leg["outcome"], leg.get("reason")) for leg in chain["legs"]] == [
        ("TSLL  240816C00015000", "rolled", None),
        ("TSLL  240920C00015000", "adjusted", "special dividend"),
        ("TSLL  240920C00014500", "expired", None),
    ]
    assert chain["legs"][2]["opened"] == "2024-08-01"  # the adjusted contract keeps the sale's date
    assert [r["net_credit"] for r in chain["roll_details"]] == ["60.00"]
    assert chain["adjustments"] == [
        {
            "date": "2024-08-20",
            "from": "TSLL  240920C00015000",
            "to": "TSLL  240920C00014500",
            "quantity": "1",
            "new_quantity": "1",
            "reason": "special dividend",
            "kind": "adjustment",
        }
    ]
    [cycle] = journal.cycles()
    assert cycle.premium_collected == D("170.00")  # 80 + 90: the adjustment adds none
    assert cycle.premium_paid == D("30.00")
    assert cycle.net_cash == D("140.00")


def test_tj_rolls_tells_the_adjustment(tmp_path, write_csv, tj) -> None:
    db = f"sqlite:///{tmp_path / 'tj.db'}"
    tj("import", str(write_csv("\n".join(TSLL) + "\n", "tsll.csv")), db=db, check=True)
    out = tj("rolls", db=db, check=True).stdout
    assert "TSLL 240920C00015000 adjusted (special dividend)" in out
    assert "2024-08-20 adjusted (special dividend) to TSLL 240920C00014500" in out


def _t(day: int) -> datetime:
    return datetime(2024, 11, day, 16, 0)


def test_flows_of_cash_settlement_adjustment_and_conversion() -> None:
    put = OptionContract("SPXW", date(2024, 11, 15), "P", D(5900))
    settled = OptionCashSettled(
        account="A", time=_t(15), option=put, quantity=D(1), fees=D("1.00"), settlement=D(5870)
    )
    # (5900 - 5870) x 100 = 3000.00: a writer (held -1) pays it, a holder receives it; premium untouched.
    assert flow_of(settled, D(-1)).cash == D("-3001.00")
    assert flow_of(settled, D(1)).cash == D("2999.00")
    assert flow_of(settled, D(1)).premium_collected == flow_of(settled, D(1)).premium_paid == 0
    converted = CurrencyConverted(
        account="A", time=_t(1), currency="CHF", amount=D(1100), paid=D(-1210), fees=D("2.00")
    )
    assert (flow_of(converted).cash, flow_of(converted).fees) == (D("-2.00"), D("2.00"))
    renamed = SymbolChanged(account="A", time=_t(1), symbol="XYZ", new_symbol="XYZN")
    assert flow_of(renamed).cash == 0
