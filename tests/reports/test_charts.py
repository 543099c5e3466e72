"""Chart geometry: round axes, bars hanging below zero for a loss, a target line, labels kept apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from journal.reports.charts import Bar, PriceMark, axis_label, bar_chart, nice_range, price_chart

D = Decimal


def test_axes_are_widened_to_round_steps() -> None:
    assert nice_range(-225, 1086, 5) == (-250, 1250, 250)
    assert nice_range(60, 68, 5) == (60, 68, 2)
    low, high, _ = nice_range(0, 0)
    assert low <= 0 < high
    assert axis_label(-1000.0, 500.0) == "\u22121,000"
    assert axis_label(2.5, 2.5) == "2.5"


def test_a_loss_hangs_below_the_zero_line_and_the_target_is_drawn() -> None:
    chart = bar_chart([Bar("Jul", D(890), "890.00"), Bar("Aug", D(-225), "-225.00")], D(1000), "target")
    gain, loss = chart["bars"]
    assert gain["y"] + gain["h"] == chart["zero_y"] == loss["y"]
    assert loss["tone"] == "neg"
    assert chart["target"]["y"] < gain["y"]  # 1000 is above 890
    assert chart["grid"][0]["text"] != chart["grid"][-1]["text"]


def test_price_chart_labels_do_not_overlap() -> None:
    chart = price_chart(
        date(2024, 10, 21),
        date(2025, 1, 17),
        [
            (date(2024, 11, 15), D("66.2565")),
            (date(2024, 11, 18), D("66.013")),
            (date(2024, 12, 23), D("65.2345")),
        ],
        [
            PriceMark(date(2024, 10, 21), date(2024, 11, 15), D(67), "P 67", "put"),
            PriceMark(date(2024, 11, 18), date(2024, 12, 20), D(67), "C 67", "call"),
            PriceMark(date(2024, 11, 15), None, D(67), "bought 100 @ 67", "bought"),
        ],
    )
    boxes = [
        (item["label_x"], item["label_y"], item["label"], item["anchor"])
        for item in (*chart["levels"], *chart["points"])
    ]
    assert all(x is not None for x, _, _, _ in boxes)  # room for each
    spans = [
        (
            x - len(text) * 6.6 if anchor == "end" else x,
            y - 10,
            x if anchor == "end" else x + len(text) * 6.6,
            y,
        )
        for x, y, text, anchor in boxes
    ]
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert len(chart["break_even"]) == 1 and chart["break_even_label"]["text"] == "65.23"


def test_a_crowded_price_chart_draws_the_labels_it_has_room_for_and_always_the_break_even() -> None:
    """Forty put strikes held over the same month and forty share trades at that price on its first day:
    the first two strikes' labels take the places above and below the line; every other label's places
    overlap those or leave the plot (the trades sit at its left edge), so they go without a label, their
    marks and titles kept; the break-even's label is drawn whatever the crowd."""
    day = date(2024, 3, 1)
    chart = price_chart(
        day,
        date(2024, 3, 29),
        [(day, D("50.00")), (date(2024, 3, 15), D("49.00"))],
        [PriceMark(day, date(2024, 3, 29), D(50), f"P 50 #{i}", "put", f"put {i}") for i in range(40)]
        + [PriceMark(day, None, D(50), f"bought 100 @ 50 #{i}", "bought", f"buy {i}") for i in range(40)],
    )
    labelled = [m["label"] for m in (*chart["levels"], *chart["points"]) if m["label_x"] is not None]
    assert labelled == ["P 50 #0", "P 50 #1"]
    assert len(chart["levels"]) == len(chart["points"]) == 40
    assert [m["title"] for m in chart["points"]] == [f"buy {i}" for i in range(40)]
    assert chart["break_even_label"]["text"] == "49.00" and chart["break_even_label"]["x"] is not None
