"""The reports' income tables: the read models' income rows (one per account, month, underlying and
strategy), and the group-bys that break a period's income down by underlying, strategy and month.

Amounts stay `Decimal` and every row comes from `journal.projections.income.cash_income` and the realized
rows, so a breakdown adds up to the period's total. The group-bys are plain Python: a report reads a few
hundred rows here, and pandas (which did them once) cost more to import than the whole report to build.
Each group's sum is its first value plus the others in order, as pandas summed an object column, so every
`Decimal` keeps the exponent it had (tests/reports/test_frames.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.money import ZERO
from journal.projections.income import NO_UNDERLYING

if TYPE_CHECKING:
    from journal.readmodels import MonthIncome

FLOW_AMOUNTS = ("premium_collected", "premium_paid", "dividends", "interest", "fees")
COLUMNS = ("month", "account", "underlying", "strategy", *FLOW_AMOUNTS, "realized")

Frame = list["MonthIncome"]


def income_frame(rows: Iterable[MonthIncome]) -> Frame:
    """One row per account, month, underlying and strategy (`Journal.month_income`)."""
    return list(rows)


def rows_of_month(frame: Frame, month: str) -> Frame:
    """The frame's rows of one month (YYYY-MM)."""
    return [row for row in frame if row.month == month]


def _sums(frame: Iterable[Any], key: str, columns: Sequence[str]) -> dict[str, dict[str, Decimal]]:
    """Per value of `key` (sorted), each of `columns` added up in the rows' order."""
    groups: dict[str, list[Decimal]] = {}
    for row in frame:
        name = getattr(row, key)
        values = [getattr(row, c) for c in columns]
        sums = groups.get(name)
        if sums is None:
            groups[name] = values
        else:
            for i, value in enumerate(values):
                sums[i] += value
    return {str(k): dict(zip(columns, groups[k], strict=True)) for k in sorted(groups)}


def income_by(frame: Frame, key: str, order: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Premium, realized gain and dividends per `key` (underlying or strategy); cash that belongs to no
    position (interest, account fees) is left out. Ordered by `order` if given, else by net premium."""
    sums = _sums(
        (row for row in frame if getattr(row, key) != NO_UNDERLYING),
        key,
        ("premium_collected", "premium_paid", "dividends", "realized"),
    )
    out: list[dict[str, Any]] = []
    for name in sorted(sums):
        m = sums[name]
        collected, paid = m.get("premium_collected", ZERO), m.get("premium_paid", ZERO)
        out.append(
            {
                key: name,
                "premium_collected": collected,
                "premium_paid": paid,
                "net_premium": collected - paid,
                "realized": m["realized"],
                "dividends": m.get("dividends", ZERO),
            }
        )
    if order is not None:
        rank = {name: i for i, name in enumerate(order)}
        out.sort(key=lambda r: (rank.get(r[key], len(rank)), r[key]))
    else:
        out.sort(key=lambda r: (-r["net_premium"], r[key]))
    return out


def by_month(frame: Frame, months: Sequence[str]) -> list[dict[str, Any]]:
    """Each of `months` (zeros where nothing happened): premiums, dividends, interest, fees, realized."""
    sums = _sums(frame, "month", (*FLOW_AMOUNTS, "realized"))
    out = []
    for month in months:
        m = sums.get(month, {})
        values = {c: m.get(c, ZERO) for c in FLOW_AMOUNTS}
        out.append(
            {
                "month": month,
                **values,
                "net_premium": values["premium_collected"] - values["premium_paid"],
                "realized": m.get("realized", ZERO),
            }
        )
    return out
