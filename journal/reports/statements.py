"""The monthly income statement and the year-end summary as plain data (exact strings, CONTRACT.md fields
first), built from the events and the books; templates and formats render them."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from journal.events import Event
from journal.money import cents
from journal.projections.lots import Books, RealizedRow
from journal.reports.income import cash_income, split_realized


def month_bounds(month: str) -> tuple[date, date]:
    """`YYYY-MM` as its first and last day; ValueError otherwise."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise ValueError(f"not a month, write YYYY-MM (got {month!r})") from None
    if len(month) != 7:
        raise ValueError(f"not a month, write YYYY-MM (got {month!r})")
    return first, date(year, number, calendar.monthrange(year, number)[1])


def _period(events: list[Event], books: Books, start: date, end: date) -> dict[str, Any]:
    cash = cash_income(e for e in events if start <= e.time.date() <= end)
    rows: list[RealizedRow] = [r for r in books.realized if start <= r.closed <= end]
    realized = split_realized(rows)
    return {
        "premium_collected": cents(cash.premium_collected),
        "premium_paid": cents(cash.premium_paid),
        "net_premium": cents(cash.net_premium),
        "realized_short_term": cents(realized.short_term),
        "realized_long_term": cents(realized.long_term),
        "section_1256_net": cents(realized.section_1256),
        "wash_sale_adjustments": cents(realized.wash_sale_adjustments),
        "dividends": cents(cash.dividends),
        "interest": cents(cash.interest),
        "fees": cents(cash.fees),
        "options_opened": cash.options_opened,
        "options_closed": cash.options_closed,
        "expirations": cash.expired,
        "assignments": cash.assignments,
        "called_away": cash.called_away,
    }


def monthly_statement(events: list[Event], books: Books, month: str) -> dict[str, Any]:
    start, end = month_bounds(month)
    return {"month": month, **_period(events, books, start, end)}


def year_summary(events: list[Event], books: Books, year: int) -> dict[str, Any]:
    return {"year": str(year), **_period(events, books, date(year, 1, 1), date(year, 12, 31))}
