"""Rendering: one function for every report and format; JSON is the data, CSV its headline figures, and the
HTML escapes whatever a broker file or a note holds. Rendering stays out of the CLI's start-up."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from journal.api import Journal
from journal.reports.cycle import cycle_report
from journal.reports.monthly import monthly_report
from journal.reports.render import KINDS, ReportFormat, md_cell, render, templates_dir
from journal.reports.weekly import weekly_report
from journal.reports.year import year_report
from tests.reports.conftest import REPO, check_golden

HOSTILE = """
date,account,action,symbol,quantity,price,fees,note
2024-03-04,<b>acct</b>,STO,AAPL240419P160,1,2.00,0.65,"<script>alert('pwned')</script> | pipes"
2024-03-20,<b>acct</b>,BTC,AAPL240419P160,1,0.50,0.65,<img src=x onerror=alert(1)>
"""


def reports(journal: Journal) -> dict[str, dict]:
    return {
        "monthly": monthly_report(journal, "2024-04", target=Decimal(2000)),
        "year": year_report(journal, 2024),
        "cycle": cycle_report(journal, "KO-20240318"),
        "weekly": weekly_report(journal, date(2024, 11, 15), target=Decimal(2000)),
    }


@pytest.fixture(scope="module")
def example_reports(example: Journal) -> dict[str, dict]:
    return reports(example)


@pytest.mark.parametrize("kind", KINDS)
def test_json_is_the_data(example_reports: dict[str, dict], kind: str) -> None:
    assert json.loads(render(kind, example_reports[kind], "json")) == example_reports[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_csv_is_one_header_and_one_row_of_headline_figures(
    example_reports: dict[str, dict], kind: str
) -> None:
    rows = list(csv.DictReader(io.StringIO(render(kind, example_reports[kind], "csv"))))
    assert len(rows) == 1
    data = example_reports[kind]
    assert all(
        rows[0][k] == ("" if v is None else str(v)) for k, v in data.items() if not isinstance(v, list | dict)
    )


def test_monthly_csv_is_the_golden_file(example_reports: dict[str, dict]) -> None:
    check_golden("monthly-2024-04.csv", render("monthly", example_reports["monthly"], "csv"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_every_report_renders_in_every_format(example_reports: dict[str, dict], kind: str, fmt: str) -> None:
    text = render(kind, example_reports[kind], fmt)
    assert text.endswith("\n")
    if fmt == "html":
        assert text.startswith("<!doctype html>")
        assert "http://" not in text and "https://" not in text  # self-contained: nothing to fetch
        assert "<script" not in text


def test_markdown_tables_are_well_formed(example_reports: dict[str, dict]) -> None:
    text = render("year", example_reports["year"], "md")
    assert text.startswith("# Year-end summary \u00b7 2024\n")
    table = [line for line in text.splitlines() if line.startswith("| Box | (a) Description")]
    assert table, "the Form 8949 lines table is there"
    for line in text.splitlines():
        if line.startswith("|"):
            assert line.endswith("|") and not line.endswith(" |  ")


def test_the_text_table_shows_the_figures(example_reports: dict[str, dict]) -> None:
    text = render("monthly", example_reports["monthly"], "table")
    assert "Income                513.75" in text
    assert "== Lots closed ==" in text


def test_html_escapes_broker_text_and_notes(tmp_path: Path, write_csv) -> None:
    journal = Journal(f"sqlite:///{tmp_path / 'hostile.sqlite'}")
    try:
        journal.import_files([write_csv(HOSTILE)])
        data = monthly_report(journal, "2024-03")
    finally:
        journal.close()
    html = render("monthly", data, ReportFormat.html)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>acct</b>" not in html
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;acct&lt;/b&gt;" in html
    md = render("monthly", data, "md")
    assert "<script>" not in md and "\\| pipes" in md


def test_md_cell_keeps_a_table_a_table() -> None:
    assert md_cell("a | b\nc <i>") == "a \\| b c &lt;i&gt;"


def test_unknown_report_or_format() -> None:
    with pytest.raises(ValueError, match="unknown report 'daily'"):
        render("daily", {}, "html")
    with pytest.raises(ValueError):
        render("monthly", {}, "pdf")


def test_templates_are_found_in_the_repository() -> None:
    assert templates_dir() == REPO / "templates"
    for kind in KINDS:
        assert (REPO / "templates" / f"{kind}.html.j2").exists()
        assert (REPO / "templates" / f"{kind}.md.j2").exists()


def test_the_cli_and_report_modules_import_neither_pandas_nor_jinja2() -> None:
    code = (
        "import sys, journal.cli, journal.config, journal.reports.render, journal.reports.monthly, "
        "journal.reports.year, journal.reports.cycle, journal.reports.weekly; "
        "print(sorted(m for m in ('pandas', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md", "html"])
def test_an_empty_journal_renders_every_report_but_a_cycle(tmp_path: Path, fmt: str) -> None:
    journal = Journal(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        built = {
            "monthly": monthly_report(journal, "2024-01", today=date(2024, 6, 1)),
            "year": year_report(journal, 2024),
            "weekly": weekly_report(journal, date(2024, 6, 1)),
        }
    finally:
        journal.close()
    for kind, data in built.items():
        assert render(kind, data, fmt)
    assert built["monthly"]["income"] == "0.00" and built["monthly"]["return_on_capital_pct"] is None


@pytest.mark.parametrize("fmt", ["html", "md", "table"])
def test_a_page_lists_at_most_the_limit_and_says_where_every_row_is(
    example_reports: dict[str, dict], fmt: str, monkeypatch
) -> None:
    import journal.reports.views as views

    year = example_reports["year"]
    lines = len(year["form_8949_lines"])
    assert lines > 3
    monkeypatch.setattr(views, "LIST_LIMIT", 3)
    text = render("year", year, fmt)
    shown = [line["description"] for line in year["form_8949_lines"]]
    assert all(d in text for d in shown[:3])
    assert f"{lines - 3:,} more rows not shown here; the Form 8949 CSV (--form8949 FILE)" in text
    # The totals still count every line.
    assert views.money_text(year["form_8949"]["gain_or_loss"]) in text
