"""The year-end summary and its exports: the Form 8949 lines add up to `tj realized`, each row lands on one
form (8949 box, 6781 for Section 1256, none for an IRA), wash sales carry code W, and the closed wheel
cycles are those of `tj cycles` with their profit."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from journal.api import Journal
from journal.reports.form8949 import CSV_COLUMNS, form_8949_csv
from journal.reports.render import render
from journal.reports.statements import year_summary
from journal.reports.txf import txf
from journal.reports.year import form_8949_for_year, year_report
from tests.reports.conftest import check_golden, check_golden_json

D = Decimal
AMOUNTS = ("proceeds", "cost_basis", "adjustment")

# A wash sale (XYZ sold at a loss, bought back within 30 days), a long-term sale, a Section 1256 index
# option, an IRA's put (no form) and an account whose broker sends no 1099-B (box C).
TAX_YEAR = """
date,account,action,symbol,quantity,price,fees
2023-01-10,taxable,BUY,LONGCO,10,100.00,0
2024-02-01,taxable,BUY,XYZ,100,50.00,0
2024-03-01,taxable,SELL,XYZ,100,40.00,0
2024-03-15,taxable,BUY,XYZ,100,42.00,0
2024-04-01,taxable,STO,SPX240419P4000,1,10.00,1.00
2024-04-19,taxable,EXPIRE,SPX240419P4000,1,,
2024-05-01,ira,STO,F240621P11,2,0.20,1.30
2024-06-03,taxable,SELL,XYZ,100,45.00,0
2024-06-21,ira,EXPIRE,F240621P11,2,,
2024-07-01,taxable,SELL,LONGCO,10,120.00,0
2024-08-01,old,STO,T240816P15,1,0.30,0.65
2024-08-16,old,EXPIRE,T240816P15,1,,
"""


@pytest.fixture
def tax_year(tmp_path: Path, write_csv) -> tuple[str, Journal]:
    url = f"sqlite:///{tmp_path / 'tax.sqlite'}"
    journal = Journal(url)
    journal.import_files([write_csv(TAX_YEAR)])
    journal.configure_account("ira", tax_advantaged=True)
    journal.configure_account("old", basis_reporting="no-1099")
    yield url, journal
    journal.close()


def _realized(tj, url: str, year: int) -> list[dict[str, str]]:
    return json.loads(tj("realized", "--year", str(year), "--format", "json", db=url, check=True).stdout)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_year_report_keeps_every_contract_figure_of_tj_report_year(example: Journal) -> None:
    assert year_report(example, 2024).items() >= year_summary(example, 2024).items()


def test_year_report_json_is_the_golden_file(example: Journal) -> None:
    check_golden_json("year-2024.json", year_report(example, 2024))


def test_form_8949_csv_totals_equal_tj_realized_totals(example_url: str, example: Journal, tj) -> None:
    rows = _csv_rows(form_8949_csv(form_8949_for_year(example, 2024)))
    realized = _realized(tj, example_url, 2024)
    assert len(rows) == len(realized) == 47
    for csv_key, key in (*((k, k) for k in AMOUNTS), ("gain_or_loss", "gain")):
        assert sum((D(r[csv_key]) for r in rows), D(0)) == sum((D(r[key]) for r in realized), D(0))
    assert sum((D(r["gain_or_loss"]) for r in rows), D(0)) == D("7363.10")  # examples/README.md


def test_form_8949_csv_has_the_forms_columns_and_adds_up_on_each_line(example: Journal) -> None:
    text = form_8949_csv(form_8949_for_year(example, 2024))
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    for row in _csv_rows(text):
        assert D(row["gain_or_loss"]) == D(row["proceeds"]) - D(row["cost_basis"]) + D(row["adjustment"])
    check_golden("form8949-2024.csv", text)


def test_txf_of_the_example_year_is_the_golden_file(example: Journal) -> None:
    check_golden("example-2024.txf", txf(form_8949_for_year(example, 2024), date(2025, 2, 1)))


def test_every_realized_row_is_on_exactly_one_form(tax_year: tuple[str, Journal], tj) -> None:
    url, journal = tax_year
    report = year_report(journal, 2024)
    total = sum((D(r["gain"]) for r in _realized(tj, url, 2024)), D(0))
    on_forms = (
        D(report["form_8949"]["gain_or_loss"]) + D(report["form_6781"]["net"]) + D(report["no_form"]["gain"])
    )
    assert on_forms == total == D(report["realized_total"])
    assert [b["box"] for b in report["form_8949"]["boxes"]] == ["A", "C", "D"]
    assert report["no_form"] == {"rows": 1, "gain": "38.70", "accounts": ["ira"]}


def test_section_1256_goes_to_form_6781_split_60_40(tax_year: tuple[str, Journal]) -> None:
    report = year_report(tax_year[1], 2024)
    assert report["form_6781"]["net"] == "999.00"
    assert report["form_6781"]["long_term_60"] == "599.40"
    assert report["form_6781"]["short_term_40"] == "399.60"
    assert all("SPX" not in line["description"] for line in report["form_8949_lines"])
    assert report["realized_by_term"] == {"short": "-631.95", "long": "200.00", "section_1256": "999.00"}


def test_wash_sale_lines_carry_code_w_and_the_adjustment(tax_year: tuple[str, Journal]) -> None:
    report = year_report(tax_year[1], 2024)
    washed = [line for line in report["form_8949_lines"] if line["code"] == "W"]
    assert washed == [
        {
            "box": "A",
            "description": "100 sh. XYZ",
            "date_acquired": "2024-02-01",
            "date_sold": "2024-03-01",
            "proceeds": "4000.00",
            "cost_basis": "5000.00",
            "code": "W",
            "adjustment": "1000.00",
            "gain_or_loss": "0.00",
            "account": "taxable",
            "instrument": "XYZ",
            "term": "short",
        }
    ]
    assert report["form_8949"]["wash_sale_rows"] == 1
    assert report["form_8949"]["wash_sale_adjustment"] == report["wash_sale_adjustments"] == "1000.00"


def test_txf_records_by_box_with_the_wash_sale_amount(tax_year: tuple[str, Journal]) -> None:
    text = txf(form_8949_for_year(tax_year[1], 2024), date(2025, 2, 1))
    check_golden("tax-year-2024.txf", text)
    lines = text.splitlines()
    assert lines[:4] == ["V042", "Atheta-journal", "D02/01/2025", "^"]
    records: list[list[str]] = [[]]
    for line in lines[4:]:
        if line == "^":
            records.append([])
        else:
            records[-1].append(line)
    records = [r for r in records if r]
    assert [r[:2] for r in records] == [["TD", "N321"], ["TD", "N321"], ["TD", "N712"], ["TD", "N323"]]
    wash = next(r for r in records if "D03/01/2024" in r)
    assert wash[-3:] == ["$5000.00", "$4000.00", "$1000.00"]  # cost, sales net, disallowed wash sale
    assert all(r[-1] == "$" for r in records if r is not wash)


def test_cycles_closed_in_the_year_are_those_of_tj_cycles(example_url: str, example: Journal, tj) -> None:
    report = year_report(example, 2024)
    listed = json.loads(
        tj("cycles", "--status", "closed", "--format", "json", db=example_url, check=True).stdout
    )
    expected = {c["id"]: c["net_cash"] for c in listed if c["closed"].startswith("2024")}
    assert {c["id"]: c["profit"] for c in report["cycles_closed"]} == expected
    assert report["cycles_closed_profit"] == str(sum((D(v) for v in expected.values()), D(0)))
    ko = next(c for c in report["cycles_closed"] if c["id"] == "KO-20240318")
    assert ko["profit"] == "848.90"  # examples/README.md


def test_premium_by_month_adds_up_to_the_year(example: Journal) -> None:
    report = year_report(example, 2024)
    months = report["premium_by_month"]
    assert [m["month"] for m in months] == [f"2024-{i:02d}" for i in range(1, 13)]
    assert sum((D(m["net_premium"]) for m in months), D(0)) == D(report["net_premium"])
    assert sum((D(m["realized"]) for m in months), D(0)) == D(report["realized_total"])


def test_a_year_with_nothing_is_zeros(example: Journal) -> None:
    report = year_report(example, 2019)
    assert report["realized_total"] == "0.00"
    assert report["form_8949"]["boxes"] == []
    assert report["cycles_closed"] == []
    assert (
        txf(form_8949_for_year(example, 2019), date(2020, 1, 2)) == "V042\nAtheta-journal\nD01/02/2020\n^\n"
    )


def test_the_year_page_shows_form_6781_and_the_rows_on_no_form(tax_year: tuple[str, Journal]) -> None:
    html = render("year", year_report(tax_year[1], 2024), "html")
    assert "Form 6781: Section 1256 contracts" in html
    assert "1 realized rows of tax-advantaged accounts (ira), gain 38.70, go on no form." in html
    assert '<td class="">W</td>' in html or ">W<" in html
