"""A wheel's story as a document: the figures of `tj cycles`, the timeline of `tj cycle show`, and the
series its chart draws (break-even against the strikes sold)."""

from __future__ import annotations

import json

import pytest

from journal.api import Journal
from journal.reports.cycle import CycleNotFound, cycle_report
from tests.reports.conftest import check_golden_json


def test_cycle_report_is_tj_cycle_show_with_the_chart_series(example_url: str, example: Journal, tj) -> None:
    report = cycle_report(example, "KO-20240318")
    shown = json.loads(
        tj("cycle", "show", "KO-20240318", "--format", "json", db=example_url, check=True).stdout
    )
    timeline = shown.pop("timeline")
    assert report.items() >= shown.items()
    assert [{k: step[k] for k in timeline[0]} for step in report["timeline"]] == timeline
    check_golden_json("cycle-KO-20240318.json", report)


def test_closed_wheel_profit_is_its_net_cash(example: Journal) -> None:
    report = cycle_report(example, "KO-20240318")
    assert report["status"] == "closed"
    assert report["profit"] == report["net_cash"] == "848.90"  # examples/README.md
    assert [(s["right"], s["strike"]) for s in report["strikes"]] == [
        ("put", "60.0000"),
        ("call", "65.0000"),
        ("call", "65.0000"),
        ("call", "66.0000"),
    ]
    assert [(t["side"], t["price"]) for t in report["share_trades"]] == [
        ("bought", "60.0000"),
        ("sold", "66.0000"),
    ]


def test_open_wheel_break_even_is_below_its_tax_basis(example: Journal) -> None:
    report = cycle_report(example, "ko-20241021")  # ids are case-insensitive, as in `tj cycle show`
    assert report["profit"] is None
    assert report["break_even"] == "65.2345"
    assert report["tax_basis_per_share"] == "66.2565"
    assert report["break_even_series"][-1] == {"date": "2024-12-23", "break_even": "65.2345"}
    assert report["chart_end"] == "2025-01-17"  # the open call's expiry


def test_unknown_cycle(example: Journal) -> None:
    with pytest.raises(CycleNotFound, match="no cycle 'NOPE-1'"):
        cycle_report(example, "NOPE-1")
