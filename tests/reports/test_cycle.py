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


def test_a_chart_drawn_from_a_day_starts_from_the_break_even_held_then(example: Journal) -> None:
    """KO-20241021 charted from 2024-12-01: the break-even held that day (66.0130, since 18 Nov), then its
    moves; the put (expired 15 Nov) and the share purchase (15 Nov) are before it; the call sold 18 Nov
    and still open then starts at the chart's left edge; the call sold 23 Dec as it was."""
    from datetime import date

    from journal.reports.views import cycle_view

    report = cycle_report(example, "KO-20241021")
    whole = cycle_view(report).charts[0]
    assert "downloads" not in whole["caption"]
    drawn = cycle_view(report, date(2024, 12, 1)).charts[0]
    assert drawn["caption"].endswith("From 2024-12-01: the downloads draw the whole cycle.")
    geometry, full = drawn["geometry"], whole["geometry"]
    assert [level["label"] for level in full["levels"]] == ["P 67", "C 67", "C 64"]
    assert [level["label"] for level in geometry["levels"]] == ["C 67", "C 64"]
    assert geometry["levels"][0]["x1"] == geometry["left"]  # open on the chart's first day
    assert [p["label"] for p in full["points"]] == ["bought 100 @ 67"] and geometry["points"] == []
    assert geometry["break_even_label"]["text"] == full["break_even_label"]["text"] == "65.23"
    # One path: 66.0130 from the left edge, down to 65.5280 (16 Dec) and 65.2345 (23 Dec), to the end.
    assert len(geometry["break_even"]) == 1
    assert geometry["break_even"][0].startswith(f"M{float(geometry['left'])} ")
    assert geometry["break_even"][0].count("V") == 3  # 16 Dec, 20 Dec (the same level), 23 Dec
    # A day before the cycle opened changes nothing.
    assert cycle_view(report, date(2024, 1, 1)).charts[0] == whole
