"""The monthly income statement on the example journal: its figures agree with `tj report monthly`,
`tj realized` and `tj positions`, its breakdowns add up, and its JSON is pinned by a golden file."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from journal.api import Journal
from journal.reports import views
from journal.reports.monthly import monthly_report
from journal.reports.render import render
from journal.reports.statements import monthly_statement
from tests.reports.conftest import EXAMPLES, check_golden_json

D = Decimal


def test_monthly_report_keeps_every_contract_figure_of_tj_report_monthly(example: Journal) -> None:
    report = monthly_report(example, "2024-05")
    assert report.items() >= monthly_statement(example, "2024-05").items()


def test_monthly_report_json_is_the_golden_file(example: Journal) -> None:
    check_golden_json("monthly-2024-04.json", monthly_report(example, "2024-04", target=D(2000)))


@pytest.mark.parametrize("month", ["2024-03", "2024-08", "2024-11"])
def test_lots_closed_are_the_tj_realized_rows_of_the_month(
    example_url: str, example: Journal, tj, month: str
) -> None:
    report = monthly_report(example, month)
    rows = json.loads(tj("realized", "--year", "2024", "--format", "json", db=example_url, check=True).stdout)
    of_month = [r for r in rows if r["closed"].startswith(month)]
    assert sorted((r["instrument"], r["closed"], r["gain"]) for r in report["closed"]) == sorted(
        (r["instrument"], r["closed"], r["gain"]) for r in of_month
    )
    total = sum((D(r["gain"]) for r in of_month), D(0))
    assert D(report["realized_total"]) == total
    assert D(report["realized_short_term"]) + D(report["realized_long_term"]) == total


@pytest.mark.parametrize("month", ["2024-03", "2024-08", "2024-11"])
def test_a_page_lists_the_first_rows_and_counts_and_totals_them_all(
    example: Journal, monkeypatch, month
) -> None:
    """A page lists the first trades opened, lots closed (read only as far as listed) and open positions;
    the counts and totals are the whole month's, and the page renders as the whole report's page does."""
    whole = monthly_report(example, month)
    closed = whole["closed"]
    assert whole["lots_closed"] == len(closed) >= 2
    assert whole["closed_total"] == {
        key: str(sum((D(r[key]) for r in closed), D(0))) for key in ("proceeds", "cost_basis", "gain")
    }
    assert (whole["trades_opened"], whole["positions_open"]) == (
        len(whole["opened"]),
        len(whole["positions"]),
    )
    lists = ("closed", "opened", "positions")
    for listed in range(max(len(whole[name]) for name in lists) + 2):
        page = monthly_report(example, month, listed=listed)
        for name in lists:
            assert page[name] == whole[name][:listed]
        assert {k: v for k, v in page.items() if k not in lists} == {
            k: v for k, v in whole.items() if k not in lists
        }
    monkeypatch.setattr(views, "LIST_LIMIT", 1)
    page = monthly_report(example, month, listed=1)
    for fmt in ("md", "html", "table"):
        assert render("monthly", page, fmt) == render("monthly", whole, fmt)


def test_breakdowns_add_up_to_the_month(example: Journal) -> None:
    report = monthly_report(example, "2024-08")
    for breakdown in ("by_underlying", "by_strategy"):
        rows = report[breakdown]
        assert sum((D(r["net_premium"]) for r in rows), D(0)) == D(report["net_premium"])
        assert sum((D(r["premium_collected"]) for r in rows), D(0)) == D(report["premium_collected"])
        assert sum((D(r["realized"]) for r in rows), D(0)) == D(report["realized_total"])


def test_income_is_net_premium_plus_dividends_and_interest_less_fees(example: Journal) -> None:
    report = monthly_report(example, "2024-07")
    expected = D(report["net_premium"]) + D(report["dividends"]) + D(report["interest"]) - D(report["fees"])
    assert D(report["income"]) == expected
    assert report["last_12_months"][-1]["income"] == report["income"]


def test_last_12_months_end_with_the_month_and_match_each_months_report(example: Journal) -> None:
    history = monthly_report(example, "2024-12")["last_12_months"]
    assert [h["month"] for h in history] == [f"2024-{m:02d}" for m in range(1, 13)]
    for point in history[::4]:
        assert point["income"] == monthly_report(example, point["month"])["income"]


def test_strategies_split_puts_calls_and_spreads(example: Journal) -> None:
    # November 2024: the second bull put spread (S-241111-SPY), a KO call, puts, and KO shares assigned.
    strategies = {r["strategy"] for r in monthly_report(example, "2024-11")["by_strategy"]}
    assert {"puts", "calls", "spreads"} <= strategies


def test_assignments_and_call_aways_are_listed(example: Journal) -> None:
    april = monthly_report(example, "2024-04")["assignment_events"]
    august = monthly_report(example, "2024-08")["assignment_events"]
    assert [(a["date"], a["kind"], a["underlying"]) for a in april] == [("2024-04-19", "assigned", "KO")]
    assert [(a["date"], a["kind"], a["underlying"]) for a in august] == [("2024-08-16", "called away", "KO")]


def test_open_positions_at_month_end_are_tj_positions_of_that_day(
    example_url: str, example: Journal, tj
) -> None:
    report = monthly_report(example, "2024-11")
    listed = json.loads(
        tj("positions", "--as-of", "2024-11-30", "--format", "json", db=example_url, check=True).stdout
    )
    assert report["positions"] == listed
    assert D(report["capital_at_risk_end"]) == sum((D(p["capital_at_risk"] or 0) for p in listed), D(0))


def test_return_on_capital_is_income_over_average_capital_at_risk(example: Journal) -> None:
    report = monthly_report(example, "2024-06")
    pct = D(report["income"]) / D(report["capital_at_risk_average"]) * 100
    assert abs(D(report["return_on_capital_pct"]) - pct) < D("0.01")
    annual = D(report["return_on_capital_pct"]) * 365 / report["days"]
    assert abs(D(report["return_on_capital_annualized_pct"]) - annual) < D("0.1")
    assert report["days"] == 30


def test_month_against_the_income_target(example: Journal) -> None:
    report = monthly_report(example, "2024-01", target=D(1000))
    assert report["income_target"] == "1000.00"
    assert report["target_reached_pct"] == "108.08"  # income 1080.80
    assert report["target_remaining"] == "0.00"
    assert report["last_12_months"][-1]["target_reached"] is True
    assert monthly_report(example, "2024-01")["income_target"] is None


def test_a_month_still_running_stops_at_today(example: Journal) -> None:
    report = monthly_report(example, "2024-12", today=date(2024, 12, 10))
    assert report["as_of"] == "2024-12-10"
    assert report["days"] == 10


def test_one_account_only(example: Journal) -> None:
    ira = monthly_report(example, "2024-02", account="ira")
    assert ira["account"] == "ira"
    assert {r["underlying"] for r in ira["by_underlying"]} == {"F"}
    assert all(p["account"] == "ira" for p in ira["positions"])


def test_a_bad_month_is_a_value_error(example: Journal) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        monthly_report(example, "2024-13")


def test_the_same_report_on_sqlite_and_postgresql(journal: Journal) -> None:
    journal.import_files(EXAMPLES)
    check_golden_json("monthly-2024-04.json", monthly_report(journal, "2024-04", target=D(2000)))
