"""The weekly review: what expires in the next seven days, short options by days to expiry, the week's
assignments, collateral in use, and the week's premium against the weekly share of the target."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from journal.api import Journal
from journal.reports.weekly import weekly_report
from tests.reports.conftest import check_golden_json

D = Decimal


def test_weekly_report_json_is_the_golden_file(example: Journal) -> None:
    check_golden_json("weekly-2024-11-15.json", weekly_report(example, date(2024, 11, 15), target=D(2000)))


def test_the_week_is_the_seven_days_ending_on_as_of(example: Journal) -> None:
    report = weekly_report(example, date(2024, 11, 15))
    assert (report["start"], report["end"]) == ("2024-11-09", "2024-11-15")
    # 2024-11-11: the SPY 560/550 bull put spread (2.35 sold, 1.30 bought); the KO put assigned on 11-15.
    assert (report["premium_collected"], report["premium_paid"], report["net_premium"]) == (
        "235.00",
        "130.00",
        "105.00",
    )
    assert [(a["date"], a["kind"]) for a in report["assignment_events"]] == [("2024-11-15", "assigned")]


def test_expiring_and_short_options_by_days_to_expiry(example: Journal) -> None:
    report = weekly_report(example, date(2024, 11, 15))
    assert [(p["underlying"], p["days_to_expiry"]) for p in report["expiring"]] == [("AAPL", 7)]
    shorts = report["short_options"]
    assert [s["days_to_expiry"] for s in shorts] == sorted(s["days_to_expiry"] for s in shorts)
    spread_leg = next(s for s in shorts if s["underlying"] == "SPY")
    assert spread_leg["strategy"] == "bull put spread" and spread_leg["collateral"] is None


def test_collateral_is_cash_secured_puts_plus_spreads_max_loss(example: Journal) -> None:
    report = weekly_report(example, date(2024, 11, 15))
    positions = example.positions(date(2024, 11, 15))
    csp = sum((p.collateral for p in positions if p.collateral is not None), D(0))
    spreads = sum((p.max_loss or D(0) for p in positions if p.strategy == "bull put spread"), D(0))
    assert D(report["collateral_in_use"]) == (csp + spreads).quantize(D("0.01"))


def test_weekly_share_of_the_monthly_target(example: Journal) -> None:
    report = weekly_report(example, date(2024, 11, 15), target=D(2000))
    assert report["monthly_target"] == "2000.00"
    assert report["weekly_target"] == "461.54"  # 2000 x 12 / 52
    assert report["target_reached_pct"] == "22.75"  # 105.00 of 461.54
    assert weekly_report(example, date(2024, 11, 15))["weekly_target"] is None


def test_a_quiet_week(example: Journal) -> None:
    report = weekly_report(example, date(2023, 6, 1))
    assert report["short_options"] == [] and report["expiring"] == [] and report["trades"] == []
    assert report["collateral_in_use"] == "0.00"
