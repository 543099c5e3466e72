"""tj realized beside a broker's 1099-B: each difference listed, a cross-account wash sale explained."""

from __future__ import annotations

TRADES = """
date,account,action,symbol,quantity,price,fees
2024-01-02,TAXABLE,BUY,XYZ,100,60,0
2024-06-03,TAXABLE,SELL,XYZ,100,50,0
2024-06-10,ROTH,BUY,XYZ,100,51,0
2024-03-01,TAXABLE,STO,KO240315P60,1,1.00,0
2024-03-15,TAXABLE,EXPIRE,KO240315P60,1,,
"""
FORM_1099B = """
Description,Date Acquired,Date Sold,Proceeds,Cost Basis,Wash Sale,Quantity
XYZ,01/02/2024,06/03/2024,"$5,000.00","$6,000.00",,100
KO    240315P00060000,03/01/2024,03/15/2024,$100.00,$0.00,,1
"""


def test_differences_name_the_cross_account_wash_sale(tj, db_url, write_csv) -> None:
    import json

    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    done = tj(
        "reconcile",
        "--1099b",
        str(write_csv(FORM_1099B, "1099b.csv")),
        "--format",
        "json",
        db=db_url,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["reconciled"] is False
    assert report["differences"] == [
        {
            "instrument": "XYZ",
            "sold": "2024-06-03",
            "field": "wash_sale",
            "journal": "1000.00",
            "broker": "0.00",
            "why": "replacement bought in another account: only tj sees it",
        }
    ]


def test_agreeing_1099b_says_reconciled(tj, db_url, write_csv) -> None:
    tj(
        "import",
        str(write_csv(TRADES.replace("ROTH", "TAXABLE").replace("06-10", "09-10"))),
        db=db_url,
        check=True,
    )
    done = tj("reconcile", "--1099b", str(write_csv(FORM_1099B, "1099b.csv")), db=db_url, check=True)
    assert done.stdout == "reconciled: 2 1099-B sales agree with tj realized\n"


def test_a_bad_1099b_line_is_named(tj, tmp_path, write_csv) -> None:
    bad = write_csv(FORM_1099B.replace("$100.00", "lots"), "1099b.csv")
    done = tj("reconcile", "--1099b", str(bad), db=f"sqlite:///{tmp_path / 'j.sqlite'}")
    assert done.returncode == 1
    assert "1099b.csv:3: proceeds: not an amount (got 'lots')" in done.stderr
