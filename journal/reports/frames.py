"""The reports' tables as pandas frames: one row per event's cash effect, one per realized row, and the
group-bys that break a period's income down by underlying, strategy and month.

Amounts stay `Decimal` (object columns; pandas sums them exactly) and each event's effect comes from
`journal.reports.income.cash_income`, so a breakdown always adds up to the period's total.
pandas is imported inside the functions: the CLI must not pay for it unless a report runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.events import Event
from journal.money import ZERO
from journal.projections.lots import RealizedRow
from journal.reports.income import cash_income, rounded
from journal.reports.periods import month_of
from journal.reports.strategies import StrategyMap

if TYPE_CHECKING:
    import pandas as pd

FLOW_AMOUNTS = ("premium_collected", "premium_paid", "dividends", "interest", "fees")
NO_UNDERLYING = "(account)"  # interest and account fees: cash of the account, of no position


def flow_frame(events: Iterable[Event], strategies: StrategyMap) -> pd.DataFrame:
    """One row per event that moves premium, dividends, interest or fees, with its month, underlying and
    strategy."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for ev in events:
        cash = cash_income([ev])
        amounts = (cash.premium_collected, cash.premium_paid, cash.dividends, cash.interest, cash.fees)
        if not any(amounts):
            continue
        rows.append(
            {
                "date": ev.time.date(),
                "month": month_of(ev.time.date()),
                "account": ev.account,
                "underlying": ev.underlying or NO_UNDERLYING,
                "strategy": strategies.of_event(ev) or NO_UNDERLYING,
                **dict(zip(FLOW_AMOUNTS, amounts, strict=True)),
            }
        )
    columns = ["date", "month", "account", "underlying", "strategy", *FLOW_AMOUNTS]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def realized_frame(rows: Iterable[RealizedRow], strategies: StrategyMap) -> pd.DataFrame:
    """One row per realized row with its gain as Form 8949 shows it: (d) - (e) + (g) of the cent figures."""
    import pandas as pd

    records = [
        {
            "closed": row.closed,
            "month": month_of(row.closed),
            "account": row.account,
            "underlying": row.underlying,
            "strategy": strategies.of_row(row),
            "term": row.term,
            "realized": rounded(row.proceeds) - rounded(row.cost_basis) + rounded(row.adjustment),
        }
        for row in rows
    ]
    columns = ["closed", "month", "account", "underlying", "strategy", "term", "realized"]
    return pd.DataFrame(records, columns=columns, dtype=object)


def _sums(frame: pd.DataFrame, key: str, columns: Sequence[str]) -> dict[str, dict[str, Decimal]]:
    if frame.empty:
        return {}
    grouped = frame.groupby(key, sort=True)[list(columns)].sum()
    return {str(k): {c: Decimal(row[c]) for c in columns} for k, row in grouped.iterrows()}


def income_by(
    flows: pd.DataFrame, realized: pd.DataFrame, key: str, order: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Premium, realized gain and dividends per `key` (underlying or strategy); cash that belongs to no
    position (interest, account fees) is left out. Ordered by `order` if given, else by net premium."""
    money = _sums(flows[flows[key] != NO_UNDERLYING], key, ("premium_collected", "premium_paid", "dividends"))
    gains = _sums(realized, key, ("realized",))
    out: list[dict[str, Any]] = []
    for name in sorted(set(money) | set(gains)):
        m = money.get(name, {})
        collected, paid = m.get("premium_collected", ZERO), m.get("premium_paid", ZERO)
        out.append(
            {
                key: name,
                "premium_collected": collected,
                "premium_paid": paid,
                "net_premium": collected - paid,
                "realized": gains.get(name, {}).get("realized", ZERO),
                "dividends": m.get("dividends", ZERO),
            }
        )
    if order is not None:
        rank = {name: i for i, name in enumerate(order)}
        out.sort(key=lambda r: (rank.get(r[key], len(rank)), r[key]))
    else:
        out.sort(key=lambda r: (-r["net_premium"], r[key]))
    return out


def by_month(flows: pd.DataFrame, realized: pd.DataFrame, months: Sequence[str]) -> list[dict[str, Any]]:
    """Each of `months` (zeros where nothing happened): premiums, dividends, interest, fees, realized."""
    money = _sums(flows, "month", FLOW_AMOUNTS)
    gains = _sums(realized, "month", ("realized",))
    out = []
    for month in months:
        m = money.get(month, {})
        values = {c: m.get(c, ZERO) for c in FLOW_AMOUNTS}
        out.append(
            {
                "month": month,
                **values,
                "net_premium": values["premium_collected"] - values["premium_paid"],
                "realized": gains.get(month, {}).get("realized", ZERO),
            }
        )
    return out
