"""The calendar periods reports cover: a month, the twelve months ending with one, a week ending on a day.

Pure date arithmetic in one place, so every report (and the read models, which keep income by month and
snapshots at month ends) cuts time the same way.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = [
    "month_bounds",
    "month_end",
    "month_of",
    "months_ending",
    "months_between",
    "week_ending",
    "days",
    "WEEK_DAYS",
]

WEEK_DAYS = 7


def month_bounds(month: str) -> tuple[date, date]:
    """`YYYY-MM` as its first and last day; ValueError otherwise."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise ValueError(f"not a month, write YYYY-MM (got {month!r})") from None
    if len(month) != 7:
        raise ValueError(f"not a month, write YYYY-MM (got {month!r})")
    return first, month_end(first)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def month_of(day: date) -> str:
    """`YYYY-MM` of a day (or of a datetime's day); kept per day, as the folds ask it of every event."""
    month = _MONTHS.get(day)
    if month is None:
        month = f"{day.year:04d}-{day.month:02d}"
        if len(_MONTHS) < 100_000:
            _MONTHS[day] = month
    return month


_MONTHS: dict[date, str] = {}


def months_ending(month: str, count: int = 12) -> list[str]:
    """`count` months in calendar order, the last being `month` (`YYYY-MM`)."""
    first, _ = month_bounds(month)
    index = first.year * 12 + first.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def months_between(after: date, through: date) -> list[date]:
    """The first days of the months after `after`'s, through `through`'s."""
    firsts = []
    year, month = after.year, after.month
    while (year, month) < (through.year, through.month):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        firsts.append(date(year, month, 1))
    return firsts


def week_ending(as_of: date) -> tuple[date, date]:
    """The seven days that end on `as_of`: a weekly review looks back one full week whatever the weekday."""
    return as_of - timedelta(days=WEEK_DAYS - 1), as_of


def days(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included (empty when end is before start)."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
