"""Roll chains (CONTRACT `tj rolls`), through the public API on both engines, against hand-derived figures.

net_credit is gross premium (price x contracts x 100), fees apart: fees are put on some rows to show it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from journal.api import Journal
from journal.projections import economic_order
from journal.projections.rolls import RollChain, roll_chains, roll_record


def chains(journal: Journal, write_csv, text: str) -> list[RollChain]:
    journal.import_files([write_csv(text)])
    return roll_chains(economic_order(journal.events()))


def legs(chain: RollChain) -> list[tuple]:
    return [tuple(leg.values()) for leg in roll_record(chain)["legs"]]


def steps(chain: RollChain, *keys: str) -> list[tuple]:
    return [tuple(r[k] for k in keys) for r in roll_record(chain)["roll_details"]]


def test_roll_down_and_out_for_a_credit_in_one_order(journal: Journal, write_csv) -> None:
    # Scenario wheel/03: BTC Jan 50 put at 3.00, STO Feb 47.5 put at 3.60 in order R1; the new put expires.
    # net_credit = 150 - 300 + 360 = 210.00 ; the roll: 360 - 300 = 60.00 credit.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-01-02,STO,TGT240119P50,1,1.50,0,O1
        2024-01-12,BTC,TGT240119P50,1,3.00,0,R1
        2024-01-12,STO,TGT240216P47.5,1,3.60,0,R1
        2024-02-16,EXPIRE,TGT240216P47.5,1,,,
        """,
    )
    assert [roll_record(c) for c in found] == [
        {
            "id": "default:TGT:2024-01-02:TGT240119P00050000",
            "account": "default",
            "underlying": "TGT",
            "right": "put",
            "side": "short",
            "status": "closed",
            "opened": "2024-01-02",
            "closed": "2024-02-16",
            "rolls": 1,
            "net_credit": "210.00",
            "legs": [
                {
                    "instrument": "TGT   240119P00050000",
                    "opened": "2024-01-02",
                    "closed": "2024-01-12",
                    "quantity": "-1",
                    "outcome": "rolled",
                },
                {
                    "instrument": "TGT   240216P00047500",
                    "opened": "2024-01-12",
                    "closed": "2024-02-16",
                    "quantity": "-1",
                    "outcome": "expired",
                },
            ],
            "roll_details": [
                {
                    "date": "2024-01-12",
                    "order_id": "R1",
                    "closed": ["TGT   240119P00050000"],
                    "opened": ["TGT   240216P00047500"],
                    "closed_quantity": "1",
                    "opened_quantity": "1",
                    "net_credit": "60.00",
                    "kind": "credit",
                    "direction": "down and out",
                    "partial": False,
                    "note": "",
                }
            ],
        }
    ]
    (chain,) = found
    assert chain.net_credit == Decimal("210.00")
    assert chain.rolls[0].date == date(2024, 1, 12)


def test_two_rolls_without_order_id_pair_by_trade_date(journal: Journal, write_csv) -> None:
    # Scenario reports/04: net_credit = 180 - 410 + 460 - 300 + 340 = 270.00 ;
    # roll 1: 460 - 410 = 50.00 credit ; roll 2: 340 - 300 = 40.00 credit. The second day lists the new sale
    # before the buy back: pairing by date does not depend on the rows' order within the day.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees
        2024-07-01,STO,SHOP240719P70,1,1.80,0
        2024-07-15,BTC,SHOP240719P70,1,4.10,0
        2024-07-15,STO,SHOP240816P65,1,4.60,0
        2024-08-12,STO,SHOP240920P62,1,3.40,0
        2024-08-12,BTC,SHOP240816P65,1,3.00,0
        2024-09-20,EXPIRE,SHOP240920P62,1,,
        """,
    )
    (chain,) = found
    record = roll_record(chain)
    assert [record[k] for k in ("underlying", "right", "status", "rolls", "net_credit")] == [
        "SHOP",
        "put",
        "closed",
        2,
        "270.00",
    ]
    assert legs(chain) == [
        ("SHOP  240719P00070000", "2024-07-01", "2024-07-15", "-1", "rolled"),
        ("SHOP  240816P00065000", "2024-07-15", "2024-08-12", "-1", "rolled"),
        ("SHOP  240920P00062000", "2024-08-12", "2024-09-20", "-1", "expired"),
    ]
    assert steps(chain, "date", "order_id", "net_credit", "kind", "direction", "partial") == [
        ("2024-07-15", None, "50.00", "credit", "down and out", False),
        ("2024-08-12", None, "40.00", "credit", "down and out", False),
    ]


def test_four_rolls_ending_in_assignment_is_one_chain(journal: Journal, write_csv) -> None:
    # Premium in: 100 + 300 + 310 + 370 + 440 = 1520 ; bought back: 250 + 280 + 350 + 400 = 1280 ;
    # net_credit 240.00 (every row's 0.65 fee apart). Rolls: 300-250 = 50, 310-280 = 30, 370-350 = 20,
    # 440-400 = 40. The covered call written after the assignment is never rolled: in no chain.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-01-02,STO,XYZ240119P50,1,1.00,0.65,A1
        2024-01-18,BTC,XYZ240119P50,1,2.50,0.65,A2
        2024-01-18,STO,XYZ240216P48,1,3.00,0.65,A2
        2024-02-15,BTC,XYZ240216P48,1,2.80,0.65,
        2024-02-15,STO,XYZ240315P46,1,3.10,0.65,
        2024-03-14,BTC,XYZ240315P46,1,3.50,0.65,A4
        2024-03-14,STO,XYZ240419P46,1,3.70,0.65,A4
        2024-04-18,BTC,XYZ240419P46,1,4.00,0.65,A5
        2024-04-18,STO,XYZ240517P45,1,4.40,0.65,A5
        2024-05-17,ASSIGN,XYZ240517P45,1,,,
        2024-05-20,STO,XYZ240621C47,1,1.00,0.65,A6
        2024-06-21,EXPIRE,XYZ240621C47,1,,,
        """,
    )
    (chain,) = found
    record = roll_record(chain)
    assert (record["id"], record["status"], record["rolls"], record["net_credit"], record["closed"]) == (
        "default:XYZ:2024-01-02:XYZ240119P00050000",
        "closed",
        4,
        "240.00",
        "2024-05-17",
    )
    assert legs(chain) == [
        ("XYZ   240119P00050000", "2024-01-02", "2024-01-18", "-1", "rolled"),
        ("XYZ   240216P00048000", "2024-01-18", "2024-02-15", "-1", "rolled"),
        ("XYZ   240315P00046000", "2024-02-15", "2024-03-14", "-1", "rolled"),
        ("XYZ   240419P00046000", "2024-03-14", "2024-04-18", "-1", "rolled"),
        ("XYZ   240517P00045000", "2024-04-18", "2024-05-17", "-1", "assigned"),
    ]
    assert steps(chain, "date", "order_id", "net_credit", "kind", "direction") == [
        ("2024-01-18", "A2", "50.00", "credit", "down and out"),
        ("2024-02-15", None, "30.00", "credit", "down and out"),
        ("2024-03-14", "A4", "20.00", "credit", "out"),
        ("2024-04-18", "A5", "40.00", "credit", "down and out"),
    ]


def test_partial_rolls_keep_the_chain_and_say_so(journal: Journal, write_csv) -> None:
    # ABC: 3 written at 1.00 (300), all 3 bought back at 0.50 (150), 2 reopened at 1.20 (240), which expire.
    #   net_credit = 300 - 150 + 240 = 390.00 ; the roll 240 - 150 = 90.00 credit.
    # DEF: 3 written at 1.00 (300), 2 bought back at 0.40 (80) and 2 reopened a month out at 0.90 (180) the
    #   same day without order id; the third expires, the new two are still open.
    #   net_credit = 300 - 80 + 180 = 400.00 ; the roll 180 - 80 = 100.00 credit.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-03-01,STO,ABC240315P40,3,1.00,1.95,
        2024-03-01,STO,DEF240315P30,3,1.00,1.95,
        2024-03-14,BTC,ABC240315P40,3,0.50,1.95,P1
        2024-03-14,STO,ABC240419P38,2,1.20,1.30,P1
        2024-03-14,BTC,DEF240315P30,2,0.40,1.30,
        2024-03-14,STO,DEF240419P30,2,0.90,1.30,
        2024-03-15,EXPIRE,DEF240315P30,1,,,
        2024-04-19,EXPIRE,ABC240419P38,2,,,
        """,
    )
    abc, def_ = found
    assert (abc.underlying, abc.status, roll_record(abc)["net_credit"]) == ("ABC", "closed", "390.00")
    assert legs(abc) == [
        ("ABC   240315P00040000", "2024-03-01", "2024-03-14", "-3", "rolled"),
        ("ABC   240419P00038000", "2024-03-14", "2024-04-19", "-2", "expired"),
    ]
    assert steps(abc, "closed_quantity", "opened_quantity", "net_credit", "direction", "partial", "note") == [
        ("3", "2", "90.00", "down and out", True, "partial: 3 closed, 2 reopened")
    ]
    assert (def_.underlying, def_.status, roll_record(def_)["net_credit"]) == ("DEF", "open", "400.00")
    assert legs(def_) == [
        ("DEF   240315P00030000", "2024-03-01", "2024-03-14", "-2", "rolled"),
        ("DEF   240315P00030000", "2024-03-01", "2024-03-15", "-1", "expired"),
        ("DEF   240419P00030000", "2024-03-14", None, "-2", "open"),
    ]
    assert steps(
        def_, "closed_quantity", "opened_quantity", "net_credit", "direction", "partial", "note"
    ) == [("2", "2", "100.00", "out", True, "1 contract of the old position not rolled")]


def test_bull_put_spreads_opened_and_closed_in_one_order_are_no_roll(journal: Journal, write_csv) -> None:
    # Scenario wheel/04: STO + BTO in one order opens a spread; BTC + STC in one order closes it. No roll:
    # a roll needs a close and an open of the same side.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-04-01,STO,SPY240419P450,1,3.00,0,S1
        2024-04-01,BTO,SPY240419P445,1,1.00,0,S1
        2024-04-19,EXPIRE,SPY240419P450,1,,,
        2024-04-19,EXPIRE,SPY240419P445,1,,,
        2024-05-01,STO,SPY240517P440,1,2.50,0,S2
        2024-05-01,BTO,SPY240517P435,1,0.80,0,S2
        2024-05-16,BTC,SPY240517P440,1,5.20,0,S3
        2024-05-16,STC,SPY240517P435,1,0.20,0,S3
        """,
    )
    assert found == []


def test_what_is_not_a_roll(journal: Journal, write_csv) -> None:
    # A put closed and a call opened in one order (another right); a close in one account and a sale in
    # another on the same day; an option bought back and never replaced; a day trade (opened and closed in
    # one order, then something else opened): none is a roll.
    found = chains(
        journal,
        write_csv,
        """
        date,account,action,symbol,quantity,price,fees,order_id
        2024-02-01,A,STO,KO240216P60,1,0.80,0,
        2024-02-09,A,BTC,KO240216P60,1,0.30,0,K1
        2024-02-09,A,STO,KO240315C65,1,0.90,0,K1
        2024-02-01,A,STO,PEP240216P160,1,1.50,0,
        2024-02-09,A,BTC,PEP240216P160,1,0.50,0,
        2024-02-09,B,STO,PEP240315P155,1,1.60,0,
        2024-02-12,A,STO,MO240315P40,1,0.50,0,D1
        2024-02-12,A,BTC,MO240315P40,1,0.40,0,D1
        2024-02-12,A,STO,MO240315P39,1,0.30,0,D1
        """,
    )
    assert found == []


def test_roll_for_a_debit_up_and_out_call(journal: Journal, write_csv) -> None:
    # Covered call 52 written at 1.00 (100); the stock runs: bought back at 3.00 (300) and rolled up and out
    # to the 55 call at 2.50 (250), a 50.00 debit; the 55 call is assigned.
    # net_credit = 100 - 300 + 250 = 50.00.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-05-01,BUY,XYZ,100,50,0,B1
        2024-05-01,STO,XYZ240517C52,1,1.00,0.65,C1
        2024-05-15,BTC,XYZ240517C52,1,3.00,0.65,C2
        2024-05-15,STO,XYZ240621C55,1,2.50,0.65,C2
        2024-06-21,ASSIGN,XYZ240621C55,1,,,
        """,
    )
    (chain,) = found
    assert (chain.right, chain.status, roll_record(chain)["net_credit"]) == ("call", "closed", "50.00")
    assert legs(chain) == [
        ("XYZ   240517C00052000", "2024-05-01", "2024-05-15", "-1", "rolled"),
        ("XYZ   240621C00055000", "2024-05-15", "2024-06-21", "-1", "assigned"),
    ]
    assert steps(chain, "net_credit", "kind", "direction", "partial") == [
        ("-50.00", "debit", "up and out", False)
    ]
    assert chain.rolls[0].net_credit == Decimal(-50)


def test_open_chain(journal: Journal, write_csv) -> None:
    # 2 puts at 0.50 (100); rolled out at 0.30 -> 0.70 (-60 + 140); rolled down and out at 1.10 -> 1.40
    # (-220 + 280). net_credit = 100 - 60 + 140 - 220 + 280 = 240.00 ; the last leg is still open.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-06-03,STO,GHI240621P20,2,0.50,1.30,G1
        2024-06-20,BTC,GHI240621P20,2,0.30,1.30,G2
        2024-06-20,STO,GHI240719P20,2,0.70,1.30,G2
        2024-07-18,BTC,GHI240719P20,2,1.10,1.30,G3
        2024-07-18,STO,GHI240816P19,2,1.40,1.30,G3
        """,
    )
    (chain,) = found
    record = roll_record(chain)
    assert (record["status"], record["closed"], record["rolls"], record["net_credit"]) == (
        "open",
        None,
        2,
        "240.00",
    )
    assert legs(chain) == [
        ("GHI   240621P00020000", "2024-06-03", "2024-06-20", "-2", "rolled"),
        ("GHI   240719P00020000", "2024-06-20", "2024-07-18", "-2", "rolled"),
        ("GHI   240816P00019000", "2024-07-18", None, "-2", "open"),
    ]
    assert steps(chain, "net_credit", "kind", "direction") == [
        ("80.00", "credit", "out"),
        ("60.00", "credit", "down and out"),
    ]


def test_rolled_long_call_counts_sales_less_purchases(journal: Journal, write_csv) -> None:
    # A bought call (500) sold to close at 8.00 (800) and replaced up and out at 6.00 (600) in one order.
    # Mirror of a written chain: net_credit = 800 - 500 - 600 = -300.00 ; the roll 800 - 600 = 200.00 credit.
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-05-01,BTO,SPY240621C500,1,5.00,0.65,L0
        2024-06-03,STC,SPY240621C500,1,8.00,0.65,L1
        2024-06-03,BTO,SPY240920C520,1,6.00,0.65,L1
        """,
    )
    (chain,) = found
    record = roll_record(chain)
    assert (record["side"], record["right"], record["status"], record["net_credit"]) == (
        "long",
        "call",
        "open",
        "-300.00",
    )
    assert legs(chain) == [
        ("SPY   240621C00500000", "2024-05-01", "2024-06-03", "1", "rolled"),
        ("SPY   240920C00520000", "2024-06-03", None, "1", "open"),
    ]
    assert steps(chain, "net_credit", "kind", "direction") == [("200.00", "credit", "up and out")]


def test_spread_rolled_in_one_order_is_a_chain_per_side(journal: Journal, write_csv) -> None:
    # Keep it simple: closes and opens pair by side and right, so a rolled spread is two chains.
    # Short: 300 - 200 + 320 = 420.00 (roll 320 - 200 = 120.00) ; long: 50 - 100 - 130 = -180.00
    # (roll 50 - 130 = -80.00, a debit).
    found = chains(
        journal,
        write_csv,
        """
        date,action,symbol,quantity,price,fees,order_id
        2024-04-01,STO,SPY240419P450,1,3.00,0,S1
        2024-04-01,BTO,SPY240419P445,1,1.00,0,S1
        2024-04-18,BTC,SPY240419P450,1,2.00,0,S2
        2024-04-18,STC,SPY240419P445,1,0.50,0,S2
        2024-04-18,STO,SPY240517P440,1,3.20,0,S2
        2024-04-18,BTO,SPY240517P435,1,1.30,0,S2
        """,
    )
    summary = [
        (c.side, roll_record(c)["net_credit"], steps(c, "net_credit", "kind", "direction")) for c in found
    ]
    assert summary == [
        ("short", "420.00", [("120.00", "credit", "down and out")]),
        ("long", "-180.00", [("-80.00", "debit", "down and out")]),
    ]
