"""A wheel's whole story through corporate actions in `tj cycle show` and `tj report cycle` (issue 15): a
short SPRT put turned by the SPRT -> GREE merger into the adjusted GREE1 put (11 GREE a contract) and
assigned; a wheel through a symbol change. The real `tj` on SQLite and PostgreSQL; figures by hand."""

from __future__ import annotations

import json

from journal.reports.render import render

# 2021-08-16 2 SPRT 10 puts sold @ 1.50, fees 1.30: premium 2 x 1.50 x 100 = 300.00, cash +298.70.
# 2021-09-14 merger: OCC adjusts them to GREE1 211015P10 delivering 11 GREE a contract (no cash, no roll).
# 2021-10-15 assigned: 2 x 11 = 22 GREE bought for 2 x 10 x 100 = 2000.00: cash -2000.00.
# Cycle (carried from SPRT to GREE): net_cash = 298.70 - 2000.00 = -1701.30; 22 sh held:
#   break-even 1701.30 / 22 = 77.33181818... -> 77.3318; tax basis 2000 - 300 + 1.30 = 1701.30 (77.3318 a
#   share, the same here: no call expired). The shares' price: 2000.00 / 22 = 90.90909... -> 90.9091.
SPRT = """\
date,action,symbol,quantity,price,fees,amount,new_symbol,deliverable,note
2021-08-16,STO,SPRT211015P10,2,1.50,1.30,,,,
2021-09-14,ADJUST,SPRT211015P10,2,,,,GREE1 211015P00010000,11 GREE,merger SPRT into GREE
2021-10-15,ASSIGN,GREE1 211015P00010000,2,,,,,11 GREE,
"""

STORY = [
    ("2021-08-16", "sold 2 SPRT 10 put 15 Oct 21 for 1.50", "298.70", "0", "298.70", None),
    (
        "2021-09-14",
        "adjusted (merger SPRT into GREE): 2 SPRT 10 put 15 Oct 21 -> GREE1 211015P00010000 "
        "delivering 11 GREE a contract",
        "0.00",
        "0",
        "298.70",
        None,
    ),
    (
        "2021-10-15",
        "assigned 2 GREE1 211015P00010000: bought 22 GREE for 2000.00",
        "-2000.00",
        "22",
        "-1701.30",
        "77.3318",
    ),
]


def _story(timeline: list[dict]) -> list[tuple]:
    return [(t["date"], t["what"], t["cash"], t["shares"], t["net_cash"], t["break_even"]) for t in timeline]


def test_an_adjusted_put_assigned_tells_its_whole_story(db_url: str, tmp_path, tj) -> None:
    trades = tmp_path / "sprt.csv"
    trades.write_text(SPRT)
    tj("import", str(trades), db=db_url, check=True)

    [listed] = json.loads(tj("cycles", "--format", "json", db=db_url, check=True).stdout)
    assert (listed["id"], listed["underlying"], listed["formerly"]) == ("GREE-20210816", "GREE", ["SPRT"])
    assert (listed["net_cash"], listed["shares"], listed["break_even"]) == ("-1701.30", "22", "77.3318")
    assert listed["tax_basis_per_share"] == "77.3318"
    # The merged-away symbol finds it: the listing and the id it had.
    by_old = json.loads(
        tj("cycles", "--underlying", "SPRT", "--format", "json", db=db_url, check=True).stdout
    )
    assert [c["id"] for c in by_old] == ["GREE-20210816"]

    shown = json.loads(tj("cycle", "show", "SPRT-20210816", "--format", "json", db=db_url, check=True).stdout)
    assert (shown["id"], shown["formerly"]) == ("GREE-20210816", ["SPRT"])
    assert _story(shown["timeline"]) == STORY
    table = tj("cycle", "show", "GREE-20210816", db=db_url, check=True).stdout
    assert "GREE-20210816  default  GREE  open  (formerly SPRT)" in table
    assert "adjusted (merger SPRT into GREE)" in table and "bought 22 GREE for 2000.00" in table

    report = json.loads(
        tj("report", "cycle", "GREE-20210816", "--format", "json", db=db_url, check=True).stdout
    )
    assert report["currency"] == "USD"
    assert report["formerly"] == ["SPRT"]
    assert _story(report["timeline"]) == STORY
    assert [t.get("kind") for t in report["timeline"]] == [None, "adjustment", None]
    assert report["share_trades"] == [
        {"date": "2021-10-15", "side": "bought", "price": "90.9091", "shares": "22"}
    ]
    assert [(s["right"], s["strike"], s["premium"]) for s in report["strikes"]] == [
        ("put", "10.0000", "300.00")
    ]
    assert (report["net_cash"], report["profit"], report["days"]) == ("-1701.30", None, 60)

    for fmt in ("table", "md", "html"):
        page = render("cycle", report, fmt)
        assert "GREE (formerly SPRT)" in page, fmt
        assert "amounts in USD" in page, fmt
        assert "adjusted (merger SPRT into GREE)" in page, fmt
        assert "bought 22 GREE for 2000.00" in page, fmt
    csv = tj("report", "cycle", "GREE-20210816", "--format", "csv", db=db_url, check=True).stdout
    header, row = csv.splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["currency"] == "USD"


# The wheel of tests/projections/test_cycles_corporate.py: XYZ put assigned, renamed XYZN, a call written and
# expired, a dividend: net_cash 199.35 - 5000 + 149.35 + 25.00 = -4626.30, 100 sh: break-even 46.2630.
XYZ = """\
date,action,symbol,quantity,price,fees,amount,new_symbol
2024-01-02,STO,XYZ240119P50,1,2.00,0.65,,
2024-01-19,ASSIGN,XYZ240119P50,1,,,,
2024-02-01,SYMBOL_CHANGE,XYZ,,,,,XYZN
2024-02-02,STO,XYZN240216C52,1,1.50,0.65,,
2024-02-16,EXPIRE,XYZN240216C52,1,,,,
2024-02-20,DIVIDEND,XYZN,,,,25.00,
"""


def test_a_wheel_through_a_symbol_change_is_one_cycle_in_its_report(db_url: str, tmp_path, tj) -> None:
    trades = tmp_path / "xyz.csv"
    trades.write_text(XYZ)
    tj("import", str(trades), db=db_url, check=True)
    report = json.loads(
        tj("report", "cycle", "XYZ-20240102", "--format", "json", db=db_url, check=True).stdout
    )
    assert (report["id"], report["underlying"], report["formerly"]) == ("XYZN-20240102", "XYZN", ["XYZ"])
    assert [t["what"] for t in report["timeline"]] == [
        "sold 1 XYZ 50 put 19 Jan 24 for 2.00",
        "assigned 100 sh at 50 (1 XYZ 50 put 19 Jan 24)",
        "symbol change XYZ -> XYZN",
        "sold 1 XYZN 52 call 16 Feb 24 for 1.50",
        "1 XYZN 52 call 16 Feb 24 expired",
        "dividend XYZN 25.00",
    ]
    assert [t["net_cash"] for t in report["timeline"]] == [
        "199.35",
        "-4800.65",
        "-4800.65",
        "-4651.30",
        "-4651.30",
        "-4626.30",
    ]
    assert (report["net_cash"], report["shares"], report["break_even"]) == ("-4626.30", "100", "46.2630")
    assert (report["premium_collected"], report["fees"], report["dividends"]) == ("350.00", "1.30", "25.00")
    md = tj("report", "cycle", "XYZN-20240102", "--format", "md", db=db_url, check=True).stdout
    assert "XYZN (formerly XYZ)" in md
    assert "symbol change XYZ -&gt; XYZN" in md  # a Markdown cell escapes the arrow's >
