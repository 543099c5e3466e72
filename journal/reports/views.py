"""What each report page shows, derived from the report's data: a title, headline cards, charts and the
tables with their columns, in the order a reader meets them. HTML, Markdown and the text table render the
same view, so every format shows the same figures.

Values stay the data's exact strings; the renderers only format them (thousands separators, signs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from journal.money import cents
from journal.reports.charts import Bar, PriceMark, bar_chart, price_chart

MONEY, PCT, INT, TEXT, DATE, PRICE = "money", "pct", "int", "text", "date", "price"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    optional: bool = False  # hidden on a phone's narrow screen
    nowrap: bool = False
    wide: bool = False  # free text that needs room: the table scrolls on a phone rather than squeeze it
    css: str = field(init=False, default="")  # the cell's classes, worked out once: tables have many cells

    def __post_init__(self) -> None:
        # Numbers right-aligned, optional columns dropped on a phone.
        flags = (
            ("num", self.numeric),
            ("date", self.kind == DATE or self.nowrap),
            ("opt", self.optional),
            ("wide", self.wide),
        )
        object.__setattr__(self, "css", " ".join(c for c, on in flags if on))

    @property
    def numeric(self) -> bool:
        return self.kind in (MONEY, PCT, INT, PRICE)


# A wheel's timeline, as the cycle report lays it out (`tj serve`'s story page keeps its source on a phone)
CYCLE_TIMELINE = [
    Column("date", "Date", DATE),
    Column("what", "What", wide=True),
    Column("cash", "Cash", MONEY),
    Column("shares", "Shares", INT, optional=True),
    Column("net_cash", "Net cash", MONEY),
    Column("break_even", "Break-even", PRICE),
    Column("note", "Note", optional=True),
    Column("source", "Source", optional=True, nowrap=True),
]


@dataclass(frozen=True, slots=True)
class Card:
    label: str
    value: str | None
    kind: str = MONEY
    note: str = ""
    tone: str | None = None  # a CSS class ("neg", ""); None: from the value's sign


# Rows a table of a page lists. A busy journal's month has thousands of trades: a page for people shows the
# first 500 with the count of the rest; JSON (and the Form 8949 CSV/TXF for a year's lines) has every row.
LIST_LIMIT = 500


@dataclass
class Section:
    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    empty: str = "None."
    intro: str = ""
    all_rows_in: str = "the JSON format (--format json)"  # where a list too long to show is whole
    count: int | None = None  # rows in all, when `rows` holds only the first ones (a report read for a page)

    @property
    def shown(self) -> list[dict[str, Any]]:
        """The rows a page lists: a document for people stops at LIST_LIMIT (totals count every row)."""
        return self.rows[:LIST_LIMIT]

    @property
    def more(self) -> str:
        """What the page says of the rows it leaves out, or ""."""
        left = (len(self.rows) if self.count is None else self.count) - len(self.shown)
        return f"{left:,} more rows not shown here; {self.all_rows_in} lists every one." if left > 0 else ""


@dataclass
class View:
    kind: str
    title: str
    subtitle: str
    cards: list[Card] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    progress: dict[str, Any] | None = None
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    notice: str | None = None  # said at the top: unresolved rows touch the figures of this page


def dec(text: str | None) -> Decimal:
    return Decimal(text) if text not in (None, "") else Decimal(0)


def money_text(text: str | None) -> str:
    """`-1234.5` as `−1,234.50`; None as an em dash. (Shared by the renderers as the `money` filter.)"""
    if text is None or text == "":
        return "\u2014"
    value = Decimal(text)
    body = f"{abs(value):,.2f}"
    return f"\u2212{body}" if value < 0 else body


def price_text(text: str | None) -> str:
    """A per-share price: two decimals when it is whole cents (a strike: `60.00`), else the four that
    per-share figures keep (`58.8930`), so a column lines up."""
    if text is None or text == "":
        return "\u2014"
    value = Decimal(text)
    places = 2 if Decimal(cents(value)) == value else 4  # cents() rounds a figure of any magnitude
    body = f"{abs(value):,.{places}f}"
    return f"\u2212{body}" if value < 0 else body


def pct_text(text: str | None) -> str:
    if text is None or text == "":
        return "\u2014"
    value = Decimal(text)
    body = f"{abs(value):,.2f}%"
    return f"\u2212{body}" if value < 0 else body


def month_name(month: str) -> str:
    year, number = (int(p) for p in month.split("-"))
    return date(year, number, 1).strftime("%B %Y")


def month_abbr(month: str) -> str:
    """`2024-04` as `Apr`: the label under a month's bar."""
    year, number = (int(p) for p in month.split("-"))
    return date(year, number, 1).strftime("%b")


def _net_premium_card(data: dict[str, Any]) -> Card:
    return Card("Net premium", data["net_premium"], note=_collected_paid(data))


def _cash_income_cards(data: dict[str, Any]) -> list[Card]:
    """Dividends with interest, and fees: the same two cards on the monthly and the year report."""
    return [
        Card(
            "Dividends + interest",
            str(dec(data["dividends"]) + dec(data["interest"])),
            note=f"dividends {money_text(data['dividends'])}, interest {money_text(data['interest'])}",
        ),
        Card("Fees", data["fees"], tone="neg" if dec(data["fees"]) else ""),
    ]


def _collected_paid(data: dict[str, Any]) -> str:
    return f"collected {money_text(data['premium_collected'])}, paid {money_text(data['premium_paid'])}"


def _short_long(data: dict[str, Any]) -> str:
    return f"short {money_text(data['realized_short_term'])}, long {money_text(data['realized_long_term'])}"


def _scope(account: str | None) -> str:
    return f"Account {account}" if account else "All accounts"


def _sum(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> dict[str, str]:
    return {k: str(sum((dec(r.get(k)) for r in rows), Decimal(0))) for k in keys}


def _progress(reached_pct: str | None, text: str) -> dict[str, Any] | None:
    if reached_pct is None:
        return None
    width = min(max(Decimal(reached_pct), Decimal(0)), Decimal(100))
    return {"width": f"{width:.1f}", "text": text, "met": Decimal(reached_pct) >= 100}


INCOME_COLUMNS = [
    Column("premium_collected", "Premium collected", MONEY, optional=True),
    Column("premium_paid", "Premium paid", MONEY, optional=True),
    Column("net_premium", "Net premium", MONEY),
    Column("realized", "Realized", MONEY),
    Column("dividends", "Dividends", MONEY, optional=True),
]
INCOME_KEYS = [c.key for c in INCOME_COLUMNS]
POSITION_COLUMNS = [
    Column("account", "Account", optional=True),
    Column("underlying", "Underlying"),
    Column("strategy", "Strategy"),
    Column("legs", "Legs", optional=True, wide=True),
    Column("expiry", "Expiry", DATE),
    Column("days_to_expiry", "DTE", INT),
    Column("credit", "Credit", MONEY, optional=True),
    Column("break_even", "Break-even", TEXT, optional=True, nowrap=True),
    Column("capital_at_risk", "Capital at risk", MONEY),
]
ASSIGNMENT_COLUMNS = [
    Column("date", "Date", DATE),
    Column("account", "Account", optional=True),
    Column("kind", "What happened"),
    Column("what", "Detail", wide=True),
    Column("stock_cash", "Stock cash", MONEY),
    Column("note", "Note", optional=True),
]
TRADE_COLUMNS = [
    Column("date", "Date", DATE),
    Column("account", "Account", optional=True),
    Column("what", "Trade", wide=True),
    Column("strategy", "Strategy", optional=True),
    Column("cash", "Cash", MONEY),
    Column("note", "Note", optional=True),
]


def monthly_view(data: dict[str, Any]) -> View:
    month = data["month"]
    target = data.get("income_target")
    view = View(
        "monthly",
        f"Monthly income \u00b7 {month_name(month)}",
        f"{_scope(data['account'])} \u00b7 {data['start']} to {data['end']}",
    )
    target_note = (
        f"{pct_text(data['target_reached_pct'])} of the {money_text(target)} target"
        if target
        else "no target set"
    )
    view.cards = [
        Card("Income", data["income"], note=target_note),
        _net_premium_card(data),
        Card(
            "Realized",
            data["realized_total"],
            note=_short_long(data),
        ),
        *_cash_income_cards(data),
        Card(
            "Return on capital",
            data["return_on_capital_pct"],
            PCT,
            note=f"{pct_text(data['return_on_capital_annualized_pct'])} annualized",
        ),
        Card(
            "Capital at risk",
            data["capital_at_risk_average"],
            tone="",
            note=f"daily average; {money_text(data['capital_at_risk_end'])} on {data['as_of']}",
        ),
        Card(
            "Trades",
            str(data["trades_opened"]),
            INT,
            tone="",
            note=f"{data['trades_opened']} opened, {data['lots_closed']} lots closed, "
            f"{data['assignments']} assigned, {data['called_away']} called away",
        ),
    ]
    if target:
        view.progress = _progress(
            data["target_reached_pct"],
            f"{money_text(data['income'])} of {money_text(target)} "
            f"({money_text(data['target_remaining'])} to go)",
        )
    history = data["last_12_months"]
    bars = [
        Bar(
            label=month_abbr(h["month"]),
            value=dec(h["income"]),
            value_text=money_text(h["income"]) if dec(h["income"]) else "",
            tone="current" if h["month"] == month else ("met" if h.get("target_reached") else ""),
            title=f"{h['month']}: income {money_text(h['income'])}",
        )
        for h in history
    ]
    view.charts.append(
        {
            "kind": "bars",
            "title": "Income, last 12 months",
            "caption": "Net premium + dividends + interest \u2212 fees, by month"
            + (f"; dashed line: the {money_text(target)} target" if target else ""),
            "geometry": bar_chart(bars, dec(target) if target else None, f"target {money_text(target)}"),
        }
    )
    by_underlying, by_strategy = data["by_underlying"], data["by_strategy"]
    view.sections = [
        Section(
            "by-underlying",
            "Income by underlying",
            [Column("underlying", "Underlying"), *INCOME_COLUMNS],
            by_underlying,
            {"underlying": "Total", **_sum(by_underlying, INCOME_KEYS)} if by_underlying else None,
        ),
        Section(
            "by-strategy",
            "Income by strategy",
            [Column("strategy", "Strategy"), *INCOME_COLUMNS],
            by_strategy,
            {"strategy": "Total", **_sum(by_strategy, INCOME_KEYS)} if by_strategy else None,
        ),
        Section(
            "opened",
            "Trades opened",
            TRADE_COLUMNS,
            data["opened"],
            empty="No trade opened.",
            count=data["trades_opened"],
        ),
        Section(
            "closed",
            "Lots closed",
            [
                Column("closed", "Closed", DATE),
                Column("description", "Lot", wide=True),
                Column("opened", "Opened", DATE, optional=True),
                Column("days_held", "Days", INT, optional=True),
                Column("proceeds", "Proceeds", MONEY, optional=True),
                Column("cost_basis", "Cost", MONEY, optional=True),
                Column("gain", "Gain", MONEY),
                Column("term", "Term", optional=True),
            ],
            data["closed"],
            {"description": "Total", **data["closed_total"]} if data["closed"] else None,
            empty="No lot closed.",
            count=data["lots_closed"],
        ),
        Section(
            "assignments",
            "Assignments and call-aways",
            ASSIGNMENT_COLUMNS,
            data["assignment_events"],
            empty="No assignment.",
        ),
        Section(
            "positions",
            f"Open positions on {data['as_of']}",
            POSITION_COLUMNS,
            data["positions"],
            {"underlying": "Total", "capital_at_risk": data["capital_at_risk_end"]}
            if data["positions"]
            else None,
            empty="No open position.",
            count=data["positions_open"],
        ),
        Section(
            "history",
            "Last 12 months",
            [
                Column("month", "Month"),
                Column("income", "Income", MONEY),
                Column("net_premium", "Net premium", MONEY),
                Column("realized", "Realized", MONEY),
            ],
            history,
        ),
    ]
    view.notes = [
        "Income is the month's net premium (by trade date) plus dividends and interest, less every fee; "
        "realized gains are by closing date, as on Form 8949.",
        "Return on capital: income over the daily average capital at risk (collateral of cash-secured puts, "
        "cost of shares, max loss of spreads); annualized as \u00d7 365 / days.",
    ]
    return view


def year_view(data: dict[str, Any]) -> View:
    year = data["year"]
    view = View("year", f"Year-end summary \u00b7 {year}", _scope(data["account"]))
    f8949, f6781 = data["form_8949"], data["form_6781"]
    view.cards = [
        Card(
            "Realized",
            data["realized_total"],
            note=_short_long(data),
        ),
        Card("Form 8949", f8949["gain_or_loss"], note=f"{f8949['rows']} lines"),
        Card(
            "Wash-sale adjustments",
            data["wash_sale_adjustments"],
            tone="",
            note=f"{f8949['wash_sale_rows']} lines with code W",
        ),
        Card(
            "Section 1256",
            f6781["net"],
            note=f"Form 6781: 40% short {money_text(f6781['short_term_40'])}, "
            f"60% long {money_text(f6781['long_term_60'])}",
        ),
        _net_premium_card(data),
        *_cash_income_cards(data),
        Card(
            "Wheel cycles closed",
            data["cycles_closed_profit"],
            note=f"{len(data['cycles_closed'])} cycles, profit",
        ),
    ]
    months = data["premium_by_month"]
    bars = [
        Bar(
            label=month_abbr(m["month"]),
            value=dec(m["net_premium"]),
            value_text=money_text(m["net_premium"]) if dec(m["net_premium"]) else "",
            title=f"{m['month']}: net premium {money_text(m['net_premium'])}",
        )
        for m in months
    ]
    view.charts.append(
        {
            "kind": "bars",
            "title": f"Premium income by month, {year}",
            "caption": "Net premium (collected \u2212 paid) by trade date",
            "geometry": bar_chart(bars),
        }
    )
    terms = data["realized_by_term"]
    view.sections = [
        Section(
            "terms",
            "Realized by term",
            [Column("term", "Term"), Column("gain", "Gain or loss", MONEY)],
            [
                {"term": "Short term", "gain": terms["short"]},
                {"term": "Long term", "gain": terms["long"]},
                {"term": "Section 1256 (60/40)", "gain": terms["section_1256"]},
            ],
            {"term": "Total", "gain": data["realized_total"]},
        ),
        Section(
            "boxes",
            "Form 8949 by box",
            [
                Column("box", "Box"),
                Column("term", "Part", optional=True),
                Column("rows", "Lines", INT),
                Column("proceeds", "(d) Proceeds", MONEY),
                Column("cost_basis", "(e) Cost", MONEY),
                Column("adjustment", "(g) Adjustment", MONEY, optional=True),
                Column("gain_or_loss", "(h) Gain or loss", MONEY),
            ],
            f8949["boxes"],
            {
                "box": "Total",
                **{k: f8949[k] for k in ("rows", "proceeds", "cost_basis", "adjustment", "gain_or_loss")},
            }
            if f8949["boxes"]
            else None,
            empty="No Form 8949 line this year.",
            intro="Box A/D: basis reported to the IRS; B/E: not reported; C/F: no 1099-B. Code W: wash sale.",
        ),
    ]
    if f6781["rows"]:
        view.sections.append(
            Section(
                "form-6781",
                "Form 6781: Section 1256 contracts",
                [
                    Column("closed", "Closed", DATE),
                    Column("description", "Contract", wide=True),
                    Column("gain", "Gain", MONEY),
                ],
                f6781["lines"],
                {"description": "Net (40% short, 60% long term)", "gain": f6781["net"]},
                count=f6781["rows"],
            )
        )
    view.sections += [
        Section(
            "months",
            "Premium by month",
            [
                Column("month", "Month"),
                Column("premium_collected", "Collected", MONEY),
                Column("premium_paid", "Paid", MONEY),
                Column("net_premium", "Net premium", MONEY),
                Column("realized", "Realized", MONEY, optional=True),
            ],
            months,
            {
                "month": "Total",
                **_sum(months, ["premium_collected", "premium_paid", "net_premium", "realized"]),
            },
        ),
        Section(
            "cycles",
            f"Wheel cycles closed in {year}",
            [
                Column("id", "Cycle"),
                Column("account", "Account", optional=True),
                Column("opened", "Opened", DATE, optional=True),
                Column("closed", "Closed", DATE),
                Column("days", "Days", INT, optional=True),
                Column("net_premium", "Net premium", MONEY),
                Column("dividends", "Dividends", MONEY, optional=True),
                Column("fees", "Fees", MONEY, optional=True),
                Column("profit", "Profit", MONEY),
            ],
            data["cycles_closed"],
            {"id": "Total", **_sum(data["cycles_closed"], ["net_premium", "dividends", "fees", "profit"])}
            if data["cycles_closed"]
            else None,
            empty="No cycle closed this year.",
        ),
        Section(
            "lines",
            "Form 8949 lines",
            [
                Column("box", "Box"),
                Column("description", "(a) Description", wide=True),
                Column("date_acquired", "(b) Acquired", DATE),
                Column("date_sold", "(c) Sold", DATE),
                Column("proceeds", "(d) Proceeds", MONEY, optional=True),
                Column("cost_basis", "(e) Cost", MONEY, optional=True),
                Column("code", "(f)", optional=True),
                Column("adjustment", "(g)", MONEY, optional=True),
                Column("gain_or_loss", "(h) Gain or loss", MONEY),
            ],
            data["form_8949_lines"],
            {
                "description": "Total",
                **{k: f8949[k] for k in ("proceeds", "cost_basis", "adjustment", "gain_or_loss")},
            }
            if data["form_8949_lines"]
            else None,
            empty="No Form 8949 line this year.",
            all_rows_in="the Form 8949 CSV (--form8949 FILE) or TXF (--txf FILE)",
            count=f8949["rows"],
        ),
    ]
    if data["no_form"]["rows"]:
        view.notes.append(
            f"{data['no_form']['rows']} realized rows of tax-advantaged accounts "
            f"({', '.join(data['no_form']['accounts'])}), gain {money_text(data['no_form']['gain'])}, "
            "go on no form."
        )
    view.notes.append(
        "Export the lines with `tj report year YYYY --form8949 FILE.csv --txf FILE.txf` (TXF V042)."
    )
    return view


def cycle_view(data: dict[str, Any], chart_since: date | None = None) -> View:
    """The cycle report's view. `chart_since`: the chart starts there (where the cycle began earlier),
    from the break-even held on that day, with the strikes still open then and the trades since: what
    `tj serve` draws of a wheel too long to chart whole (its downloads draw it all)."""
    status = data["status"]
    span = f"{data['opened']} to {data['closed']}" if data["closed"] else f"open since {data['opened']}"
    # The symbols the wheel had before a symbol change or a merger carried it to its underlying.
    formerly = f" (formerly {', '.join(data['formerly'])})" if data.get("formerly") else ""
    view = View(
        "cycle",
        f"Wheel cycle {data['id']}",
        f"{data['underlying']}{formerly} \u00b7 account {data['account']} \u00b7 {span} "
        f"\u00b7 {data['days']} days",
    )
    view.cards = [
        Card(
            "Profit" if status == "closed" else "Net cash so far",
            data["net_cash"],
            note="every cash flow of the wheel" if status == "closed" else f"{data['shares']} shares held",
        ),
        _net_premium_card(data),
        Card("Dividends", data["dividends"]),
        Card("Fees", data["fees"], tone="neg" if dec(data["fees"]) else ""),
    ]
    if data["break_even"] is not None:
        view.cards += [
            Card("Break-even", data["break_even"], PRICE, tone="", note="premium-adjusted, per share"),
            Card("Tax basis", data["tax_basis_per_share"], PRICE, tone="", note="per share, for Form 8949"),
            Card("Shares held", data["shares"], INT, tone=""),
            Card(
                "Days",
                str(data["days"]),
                INT,
                tone="",
                note=f"to its last event, {data['timeline'][-1]['date']}",
            ),
        ]
    end = date.fromisoformat(data["chart_end"])
    steps = [
        (date.fromisoformat(t["date"]), dec(t["break_even"]) if t["break_even"] else None)
        for t in data["timeline"]
    ]
    marks = [
        PriceMark(
            date.fromisoformat(s["date"]),
            date.fromisoformat(s["expiry"]),
            dec(s["strike"]),
            f"{'P' if s['right'] == 'put' else 'C'} {_trim(s['strike'])}",
            s["right"],
            f"{s['right']} {_trim(s['strike'])} sold {s['date']}, expiring {s['expiry']}",
        )
        for s in data["strikes"]
    ] + [
        PriceMark(
            date.fromisoformat(t["date"]),
            None,
            dec(t["price"]),
            f"{t['side']} {t['shares']} @ {_trim(t['price'])}",
            t["side"],
            f"{t['date']}: {t['side']} {t['shares']} shares at {_trim(t['price'])}",
        )
        for t in data["share_trades"]
    ]
    start = date.fromisoformat(data["opened"])
    caption = (
        "Solid line: premium-adjusted break-even per share while shares are held; "
        "segments: strikes sold, from sale to expiry; dots: shares bought or sold."
    )
    if chart_since is not None and chart_since > start:
        start = chart_since
        held = [(day, price) for day, price in steps if day <= start]
        steps = [(start, held[-1][1])] * bool(held) + [(day, price) for day, price in steps if day > start]
        marks = [
            replace(m, start=max(m.start, start))
            for m in marks
            if (m.end if m.end is not None else m.start) >= start
        ]
        caption += f" From {start.isoformat()}: the downloads draw the whole cycle."
    view.charts.append(
        {
            "kind": "price",
            "title": "Break-even against the strikes sold",
            "caption": caption,
            "geometry": price_chart(start, end, steps, marks),
        }
    )
    view.sections = [
        Section(
            "timeline",
            "Timeline",
            CYCLE_TIMELINE,
            data["timeline"],
        ),
        Section(
            "strikes",
            "Options sold",
            [
                Column("date", "Sold", DATE),
                Column("right", "Right"),
                Column("strike", "Strike", PRICE),
                Column("expiry", "Expiry", DATE),
                Column("contracts", "Contracts", INT, optional=True),
                Column("premium", "Premium", MONEY),
            ],
            data["strikes"],
            {"date": "Total", **_sum(data["strikes"], ["premium"])} if data["strikes"] else None,
            empty="No option sold.",
        ),
    ]
    view.notes = [
        "The break-even is the wheel's premium-adjusted cost per share (\u2212net cash / shares); the tax "
        "basis of the shares is another number (Form 8949 uses it)."
    ]
    return view


def _trim(price: str) -> str:
    """`67.0000` as `67`, `167.5000` as `167.5`: strikes as traders write them."""
    value = Decimal(price).normalize()
    return format(value, "f")


def weekly_view(data: dict[str, Any]) -> View:
    view = View(
        "weekly",
        f"Weekly review \u00b7 week to {data['as_of']}",
        f"{_scope(data['account'])} \u00b7 {data['start']} to {data['end']}",
    )
    target = data.get("weekly_target")
    view.cards = [
        Card(
            "Net premium this week",
            data["net_premium"],
            note=(
                f"{pct_text(data['target_reached_pct'])} of the weekly {money_text(target)}"
                if target
                else _collected_paid(data)
            ),
        ),
        Card(
            "Premium collected",
            data["premium_collected"],
            tone="",
            note=f"paid {money_text(data['premium_paid'])}, fees {money_text(data['fees'])}",
        ),
        Card(
            "Collateral in use",
            data["collateral_in_use"],
            tone="",
            note="cash-secured puts and spreads' max loss",
        ),
        Card("Capital at risk", data["capital_at_risk"], tone="", note="including shares held"),
        Card("Expiring in 7 days", str(data["expiring_count"]), INT, tone="", note="positions"),
        Card("Short options", str(data["short_option_count"]), INT, tone="", note="open contracts"),
        Card("Assignments", str(len(data["assignment_events"])), INT, tone="", note="this week"),
        Card("Trades", str(len(data["trades"])), INT, tone="", note="this week"),
    ]
    if target:
        view.progress = _progress(
            data["target_reached_pct"],
            f"{money_text(data['net_premium'])} of the weekly share {money_text(target)} "
            f"(monthly target {money_text(data['monthly_target'])} \u00d7 12 / 52)",
        )
    view.sections = [
        Section(
            "expiring",
            "Expiring in the next 7 days",
            POSITION_COLUMNS,
            data["expiring"],
            empty="Nothing expires in the next 7 days.",
        ),
        Section(
            "short-options",
            "Short options by days to expiry",
            [
                Column("days_to_expiry", "DTE", INT),
                Column("what", "Option", wide=True),
                Column("account", "Account", optional=True),
                Column("strategy", "Strategy", optional=True),
                Column("contracts", "Contracts", INT, optional=True),
                Column("credit", "Credit", MONEY),
                Column("collateral", "Collateral", MONEY, optional=True),
            ],
            data["short_options"],
            empty="No short option open.",
        ),
        Section(
            "assignments",
            "Assignments this week",
            ASSIGNMENT_COLUMNS,
            data["assignment_events"],
            empty="No assignment this week.",
        ),
        Section("trades", "Trades this week", TRADE_COLUMNS, data["trades"], empty="No trade this week."),
    ]
    return view


VIEWS: dict[str, Callable[[dict[str, Any]], View]] = {
    "monthly": monthly_view,
    "year": year_view,
    "cycle": cycle_view,
    "weekly": weekly_view,
}
