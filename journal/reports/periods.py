"""The calendar periods reports cover: a month, the twelve months ending with one, a week ending on a day.

Pure date arithmetic in one place, so every report cuts time the same way.
"""

from __future__ import annotations

from datetime import date, timedelta

from journal.reports.statements import month_bounds, month_end

__all__ = ["month_bounds", "month_end", "month_of", "months_ending", "week_ending", "days", "WEEK_DAYS"]

WEEK_DAYS = 7


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_ending(month: str, count: int = 12) -> list[str]:
    """`count` months in calendar order, the last being `month` (`YYYY-MM`)."""
    first, _ = month_bounds(month)
    index = first.year * 12 + first.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def week_ending(as_of: date) -> tuple[date, date]:
    """The seven days that end on `as_of`: a weekly review looks back one full week whatever the weekday."""
    return as_of - timedelta(days=WEEK_DAYS - 1), as_of


def days(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included (empty when end is before start)."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
