"""A page of the year report reads the year's realized rows only as far as it lists them: its totals come
from the read models' realized totals and its first lines are those of the whole listing, whatever the
count, on both engines; the page renders the same as the page of the whole report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from journal.api import Journal
from journal.projections.income import RealizedTotals, realized_totals, split_realized, split_totals
from journal.reports import views
from journal.reports.render import render
from journal.reports.statements import monthly_statement, year_summary
from journal.reports.year import year_report

# Every box but B and E, Form 6781 and no form; lines sold on one day that sort by date acquired and then
# description (three puts expiring together), a wash sale (code W), rows in three months.
ROWS = """
date,account,action,symbol,quantity,price,fees
2022-06-01,old,BUY,OLDCO,10,30.00,0
2023-01-10,taxable,BUY,LONGCO,10,100.00,0
2024-01-02,taxable,STO,KO240119P50,1,0.50,0.65
2024-01-03,taxable,STO,AAPL240119P150,1,1.00,0.65
2024-01-02,taxable,STO,PEP240119P150,1,1.20,0.65
2024-01-05,old,STO,T240119P15,1,0.30,0.65
2024-01-19,taxable,EXPIRE,KO240119P50,1,,
2024-01-19,taxable,EXPIRE,AAPL240119P150,1,,
2024-01-19,taxable,EXPIRE,PEP240119P150,1,,
2024-01-19,old,EXPIRE,T240119P15,1,,
2024-02-01,old,SELL,OLDCO,10,25.00,0
2024-02-01,taxable,BUY,XYZ,100,50.00,0
2024-02-05,taxable,STO,KO240216P50,1,0.80,0.65
2024-02-10,taxable,BTC,KO240216P50,1,0.20,0.65
2024-03-01,taxable,SELL,XYZ,100,40.00,0
2024-03-01,old,STO,T240315P15,1,0.25,0.65
2024-03-15,taxable,BUY,XYZ,100,42.00,0
2024-03-15,old,EXPIRE,T240315P15,1,,
2024-04-01,futures,STO,SPX240419P4000,1,10.00,1.00
2024-04-19,futures,EXPIRE,SPX240419P4000,1,,
2024-05-01,futures,STO,SPX240517P4000,1,8.00,1.00
2024-05-01,ira,STO,F240621P11,2,0.20,1.30
2024-05-17,futures,EXPIRE,SPX240517P4000,1,,
2024-06-03,taxable,SELL,XYZ,100,45.00,0
2024-06-21,ira,EXPIRE,F240621P11,2,,
2024-07-01,taxable,SELL,LONGCO,10,120.00,0
"""


@pytest.fixture
def year(journal: Journal, write_csv) -> Journal:
    journal.import_files([write_csv(ROWS)])
    journal.configure_account("ira", tax_advantaged=True)
    journal.configure_account("old", basis_reporting="no-1099")
    return journal


def _without_lines(report: dict) -> dict:
    rest = {k: v for k, v in report.items() if k != "form_8949_lines"}
    rest["form_6781"] = {k: v for k, v in report["form_6781"].items() if k != "lines"}
    return rest


def test_the_first_lines_of_a_page_are_those_of_the_whole_listing(year: Journal) -> None:
    whole = year_report(year, 2024)
    lines = whole["form_8949_lines"]
    assert [line["box"] for line in lines] == ["A"] * 6 + ["C", "C", "D", "F"]
    assert [line["description"] for line in lines[:3]] == [
        "1 KO 50 put 19 Jan 24",
        "1 PEP 150 put 19 Jan 24",
        "1 AAPL 150 put 19 Jan 24",
    ]  # sold the same day: by date acquired, then description (not the order they are read in)
    assert len(whole["form_6781"]["lines"]) == 2 and whole["no_form"]["rows"] == 1
    assert whole["form_8949"]["wash_sale_rows"] == 1
    for account in (None, "taxable", "old", "ira", "futures"):
        whole = year_report(year, 2024, account)
        lines, lines_6781 = whole["form_8949_lines"], whole["form_6781"]["lines"]
        for listed in range(len(lines) + 2):
            page = year_report(year, 2024, account, listed=listed)
            assert page["form_8949_lines"] == lines[:listed]
            assert page["form_6781"]["lines"] == lines_6781[:listed]
            assert _without_lines(page) == _without_lines(whole)


def test_a_page_renders_as_the_page_of_the_whole_report(year: Journal, monkeypatch) -> None:
    monkeypatch.setattr(views, "LIST_LIMIT", 4)
    whole, page = year_report(year, 2024), year_report(year, 2024, listed=4)
    for fmt in ("md", "html", "table"):
        assert render("year", page, fmt) == render("year", whole, fmt)
    assert "6 more rows not shown here" in render("year", page, "md")


def _figures(t: RealizedTotals) -> tuple:
    return (t.rows, t.proceeds, t.cost_basis, t.adjustment, t.wash_rows, t.wash_adjustment)


def test_totals_of_month_rows_are_those_of_the_rows_and_days(year: Journal) -> None:
    """The statements read month rows (realized totals, month flows); they add up what the realized rows
    and the daily flows they replace add up."""
    rows = year.realized(2024)
    assert split_totals(year.realized_totals()) == split_realized(rows)
    merged: dict[tuple[str, str, str], list] = {}  # the stored rows are per underlying too
    for t in year.realized_totals():
        sums = merged.setdefault((t.account, t.month, t.term), [0, 0, 0, 0, 0, 0])
        for i, value in enumerate(_figures(t)):
            sums[i] += value
    assert merged == {(t.account, t.month, t.term): list(_figures(t)) for t in realized_totals(rows)}
    figures = ("premium_collected", "premium_paid", "fees", "dividends", "interest", "cash", "expirations")
    for name in figures:
        by_day = sum((getattr(f, name) for f in year.flows()), Decimal(0))
        assert sum((getattr(f, name) for f in year.month_flows()), Decimal(0)) == by_day
    january = monthly_statement(year, "2024-01")
    assert (january["premium_collected"], january["fees"], january["expirations"]) == ("300.00", "2.60", 4)
    # LONGCO +200 and OLDCO -50, and 60% of the SPX puts' 999 + 799 (Section 1256, in "futures")
    assert year_summary(year, 2024)["realized_long_term"] == "1228.80"


def test_cash_added_up_by_month_is_cash_added_up_by_day(year: Journal) -> None:
    """`Journal.cash` adds whole months from the month rows and the days of `as_of`'s own month."""
    for as_of in (
        None,
        date(2022, 5, 31),
        date(2024, 1, 1),
        date(2024, 2, 29),
        date(2024, 3, 15),
        date(2030, 1, 1),
    ):
        for account in (None, "taxable", "old"):
            by_day = sum((f.cash for f in year.flows(account, end=as_of)), Decimal(0))
            assert year.cash(as_of, account) == by_day, (as_of, account)
    assert year.cash(date(2024, 3, 15), "taxable") != year.cash(date(2024, 2, 29), "taxable")
