"""The reports' tables as pandas frames: the read models' income rows (one per account, month, underlying
and strategy), and the group-bys that break a period's income down by underlying, strategy and month.

Amounts stay `Decimal` (object columns; pandas sums them exactly) and every row comes from
`journal.projections.income.cash_income` and the realized rows, so a breakdown adds up to the period's total.
pandas is imported inside the functions: the CLI must not pay for it unless a report runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.money import ZERO
from journal.projections.income import NO_UNDERLYING

if TYPE_CHECKING:
    import pandas as pd

    from journal.readmodels import MonthIncome

FLOW_AMOUNTS = ("premium_collected", "premium_paid", "dividends", "interest", "fees")
COLUMNS = ("month", "account", "underlying", "strategy", *FLOW_AMOUNTS, "realized")


def income_frame(rows: Iterable[MonthIncome]) -> pd.DataFrame:
    """One row per account, month, underlying and strategy (`Journal.month_income`)."""
    import pandas as pd

    records = [tuple(getattr(row, c) for c in COLUMNS) for row in rows]
    return pd.DataFrame.from_records(records, columns=list(COLUMNS)).astype(object)


def _sums(frame: pd.DataFrame, key: str, columns: Sequence[str]) -> dict[str, dict[str, Decimal]]:
    if frame.empty:
        return {}
    grouped = frame.groupby(key, sort=True)[list(columns)].sum()
    return {str(k): {c: Decimal(row[c]) for c in columns} for k, row in grouped.iterrows()}


def income_by(frame: pd.DataFrame, key: str, order: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Premium, realized gain and dividends per `key` (underlying or strategy); cash that belongs to no
    position (interest, account fees) is left out. Ordered by `order` if given, else by net premium."""
    sums = _sums(
        frame[frame[key] != NO_UNDERLYING],
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


def by_month(frame: pd.DataFrame, months: Sequence[str]) -> list[dict[str, Any]]:
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
