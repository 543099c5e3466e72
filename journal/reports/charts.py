"""Chart geometry for the HTML reports: a bar chart (income by month against a target) and a price chart (a
wheel's break-even against the strikes sold), as plain numbers and labels an SVG template places.

Coordinates are floats (they are pixels, not money); values arrive as exact Decimals and leave as labels
already formatted, so the templates do no arithmetic at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from journal.money import cents

WIDTH = 720
BAR_HEIGHT = 260
PRICE_HEIGHT = 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 26, 40


def _r(x: float) -> float:
    return round(x, 1)


def nice_range(low: float, high: float, ticks: int = 4) -> tuple[float, float, float]:
    """The axis [low, high] widened to whole steps of a round size (1, 2, 2.5 or 5 times a power of ten),
    the size chosen to give the number of intervals nearest `ticks` (the finer one on a tie)."""
    if high == low:
        high, low = high + 1, low - (1 if low else 0)
    if not high > low:  # still equal: floats far from 1 (a split-scaled price of 1e25) do not move by 1
        high, low = high + abs(high) / 10, low - abs(low) / 10
    power = 10 ** math.floor(math.log10((high - low) / ticks))
    best: tuple[int, float] | None = None
    for step in (f * power * scale for scale in (0.1, 1, 10) for f in (1, 2, 2.5, 5)):
        count = math.ceil(high / step - 1e-9) - math.floor(low / step + 1e-9)
        if best is None or abs(count - ticks) < abs(best[0] - ticks):
            best = (count, step)
    assert best is not None
    step = best[1]
    step = float(f"{step:.9g}")  # 2.5 x 0.1 is 0.25, not 0.25000000000000006 (and 1e-12 is not 0)
    return math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step, step


def axis_label(value: float, step: float) -> str:
    """A tick label with thousands separators and only the decimals the step needs."""
    exponent = Decimal(f"{step:.9g}").normalize().as_tuple().exponent
    decimals = min(4, max(0, -exponent)) if isinstance(exponent, int) else 0
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text.replace("-", "\u2212")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # under the bar: "Jan"
    value: Decimal
    value_text: str  # above (or below) the bar: "1,080.80"
    tone: str = ""  # a CSS class: "current", "met", "neg"
    title: str = ""  # the tooltip: "2024-01: income 1,080.80"


def bar_chart(
    bars: Sequence[Bar], target: Decimal | None = None, target_text: str = "", height: int = BAR_HEIGHT
) -> dict[str, Any]:
    """Bars from a zero line (negative ones hang below it), y gridlines with labels, and an optional
    dashed target line."""
    values = [float(b.value) for b in bars] + ([float(target)] if target is not None else [])
    low, high, step = nice_range(min([0.0, *values]), max([0.0, *values]), 5)
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT

    def y(v: float) -> float:
        return bottom - (v - low) / (high - low) * (bottom - top)

    slot = (right - left) / max(len(bars), 1)
    width = slot * 0.62
    out_bars = []
    for i, bar in enumerate(bars):
        v = float(bar.value)
        y_top, y_bottom = y(max(v, 0.0)), y(min(v, 0.0))
        center = left + slot * (i + 0.5)
        out_bars.append(
            {
                "x": _r(center - width / 2),
                "y": _r(y_top),
                "w": _r(width),
                "h": _r(max(y_bottom - y_top, 0.5)),
                "cx": _r(center),
                "label": bar.label,
                "label_y": _r(bottom + 16),
                "value_text": bar.value_text,
                "value_y": _r(y_top - 5 if v >= 0 else y_bottom + 13),
                "tone": bar.tone or ("neg" if v < 0 else ""),
                "title": bar.title,
            }
        )
    grid = _grid(low, high, step, y, left)
    target_line = None
    if target is not None:
        ty = y(float(target))
        target_line = {
            "y": _r(ty),
            "x1": left,
            "x2": right,
            "text": target_text,
            "text_x": right,
            "text_y": _r(ty - 5),
        }
    return {
        "width": WIDTH,
        "height": height,
        "left": left,
        "right": right,
        "zero_y": _r(y(0.0)),
        "grid": grid,
        "bars": out_bars,
        "target": target_line,
    }


@dataclass(frozen=True, slots=True)
class PriceMark:
    """A level held over time (a strike from sale to expiry) or a point (shares bought at a price)."""

    start: date
    end: date | None  # None: a point
    price: Decimal
    label: str
    tone: str  # "put", "call", "bought", "sold"
    title: str = ""


def price_chart(
    start: date,
    end: date,
    steps: Sequence[tuple[date, Decimal | None]],
    marks: Sequence[PriceMark],
    height: int = PRICE_HEIGHT,
) -> dict[str, Any]:
    """The break-even as a step line (while shares are held) over `start`..`end`, with strikes as level
    segments and share trades as points."""
    if end <= start:
        end = date.fromordinal(start.toordinal() + 1)
    prices = [float(p) for _, p in steps if p is not None] + [float(m.price) for m in marks]
    if not prices:
        prices = [0.0, 1.0]
    pad = (max(prices) - min(prices)) * 0.08 or max(abs(max(prices)) * 0.02, 0.5)
    low, high, step = nice_range(min(prices) - pad, max(prices) + pad, 5)
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT - 8

    def x(day: date) -> float:
        return left + (day.toordinal() - start.toordinal()) / (end.toordinal() - start.toordinal()) * (
            right - left
        )

    def y(price: float) -> float:
        return bottom - (price - low) / (high - low) * (bottom - top)

    # The break-even path: horizontal while it holds, vertical where an event moves it, gaps with no shares.
    paths: list[str] = []
    current: list[str] = []
    last_y: float | None = None
    for day, price in steps:
        if price is None:
            if current:
                current.append(f"H{_r(x(day))}")
                paths.append(" ".join(current))
                current, last_y = [], None
            continue
        py = y(float(price))
        if not current:
            current = [f"M{_r(x(day))} {_r(py)}"]
        else:
            current.append(f"H{_r(x(day))} V{_r(py)}")
        last_y = py
    if current and last_y is not None:
        current.append(f"H{_r(x(end))}")
        paths.append(" ".join(current))
    last_price = next((p for _, p in reversed(steps) if p is not None), None) if last_y is not None else None
    placer = _LabelPlacer(left, right, top, bottom)
    levels, points = [], []
    for m in (m for m in marks if m.end is not None):  # levels first: their labels have fewer places to go
        assert m.end is not None
        my = _r(y(float(m.price)))
        x1, x2 = _r(x(m.start)), _r(x(min(m.end, end)))
        placer.block(x1, my - 3, x2, my + 3)
        lx, ly, anchor = placer.place(m.label, [(x1, my - 7, "start"), (x1, my + 15, "start")])
        levels.append(
            {
                "x1": x1,
                "x2": x2,
                "y": my,
                "label": m.label,
                "tone": m.tone,
                "title": m.title,
                "label_x": lx,
                "label_y": ly,
                "anchor": anchor,
            }
        )
    end_label = None
    if last_price is not None and last_y is not None:
        text = cents(last_price)  # half up like every figure, and at any magnitude (money.cents)
        ex = _r(x(end))
        lx, ly, anchor = placer.place(text, [(ex, last_y - 7, "end"), (ex, last_y + 15, "end")], True)
        end_label = {"x": lx, "y": ly, "anchor": anchor, "text": text}
    for m in (m for m in marks if m.end is None):
        px, my = _r(x(m.start)), _r(y(float(m.price)))
        placer.block(px - 6, my - 6, px + 6, my + 6)
        candidates = [
            (px + 8, my - 10, "start"),
            (px + 8, my + 18, "start"),
            (px - 8, my - 10, "end"),
            (px - 8, my + 18, "end"),
        ]
        lx, ly, anchor = placer.place(m.label, candidates)
        points.append(
            {
                "x": px,
                "y": my,
                "label": m.label,
                "tone": m.tone,
                "title": m.title,
                "label_x": lx,
                "label_y": ly,
                "anchor": anchor,
            }
        )
    grid = _grid(low, high, step, y, left)
    return {
        "width": WIDTH,
        "height": height,
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "grid": grid,
        "x_ticks": [
            {**t, "y1": top, "y2": bottom, "text_y": bottom + 18} for t in _month_ticks(start, end, x)
        ],
        "break_even": paths,
        "break_even_label": end_label,
        "levels": levels,
        "points": points,
    }


class _LabelPlacer:
    """Puts each label at the first of its candidate places that stays inside the plot and clear of the
    labels and marks already placed (text width estimated from its length: no font metrics here).

    Placed boxes are kept by cells of a grid over the plot, so a check looks only at the boxes sharing its
    cells: a long wheel has thousands of marks, and columns alone still held hundreds each (an 8-year cycle,
    4,970 labels: 3.8 million checks by columns, 1.4 million by cells, the same places)."""

    CHAR_WIDTH, HEIGHT = 6.6, 12.0
    CELL_WIDTH, CELL_HEIGHT = 32.0, 16.0

    def __init__(self, left: float, right: float, top: float, bottom: float) -> None:
        self.bounds = (left, top - 14, right, bottom)
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _spanned(self, box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        w, h = self.CELL_WIDTH, self.CELL_HEIGHT
        rows = range(int(box[1] // h), int(box[3] // h) + 1)
        return [(c, r) for c in range(int(box[0] // w), int(box[2] // w) + 1) for r in rows]

    def block(self, x1: float, y1: float, x2: float, y2: float) -> None:
        box = (x1, y1, x2, y2)
        for cell in self._spanned(box):
            self.cells.setdefault(cell, []).append(box)

    def _box(self, text: str, x: float, y: float, anchor: str) -> tuple[float, float, float, float]:
        width = len(text) * self.CHAR_WIDTH
        x1 = x - width if anchor == "end" else x
        return (x1, y - self.HEIGHT + 2, x1 + width, y + 2)

    def _free(self, box: tuple[float, float, float, float]) -> bool:
        left, top, right, bottom = self.bounds
        if box[0] < left - 40 or box[2] > right + 8 or box[1] < top or box[3] > bottom + 4:
            return False
        cells = self.cells
        return all(
            box[2] <= t[0] or box[0] >= t[2] or box[3] <= t[1] or box[1] >= t[3]
            for cell in self._spanned(box)
            for t in cells.get(cell, ())
        )

    def place(
        self, text: str, candidates: Sequence[tuple[float, float, str]], required: bool = False
    ) -> tuple[float | None, float | None, str]:
        """The first free candidate; none free: the first when the label is `required`, else no place (a
        crowded chart draws the mark without its label, which its hover title still gives: an 8-year
        wheel's 4,947 of 4,970 labels had no free place, drawn over each other they said nothing)."""
        chosen = next((c for c in candidates if self._free(self._box(text, *c))), None)
        if chosen is None:
            if not required:
                return None, None, candidates[0][2]
            chosen = candidates[0]
        self.block(*self._box(text, *chosen))
        return _r(chosen[0]), _r(chosen[1]), chosen[2]


def _grid(low: float, high: float, step: float, y: Any, left: float) -> list[dict[str, Any]]:
    """Horizontal gridlines at each tick, labelled left of the plot."""
    count = round((high - low) / step)
    return [
        {
            "y": _r(y(low + i * step)),
            "text": axis_label(low + i * step, step),
            "text_x": left - 8,
            "text_y": _r(y(low + i * step) + 4),
        }
        for i in range(count + 1)
    ]


def _month_ticks(start: date, end: date, x: Any) -> list[dict[str, Any]]:
    """A tick at each month's first day inside the range (every other one on long ranges), else the ends."""
    firsts = []
    year, month = start.year, start.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        day = date(year, month, 1)
        if day > end:
            break
        firsts.append(day)
    if len(firsts) > 8:
        firsts = firsts[::2]
    if len(firsts) < 2:
        firsts = [start, end]
    return [{"x": _r(x(d)), "text": f"{d:%d %b}" if d.day != 1 else f"{d:%b %y}"} for d in firsts]
