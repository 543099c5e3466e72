"""The reports' group-bys in plain Python give what pandas gave, value and exponent alike."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.projections.income import NO_UNDERLYING
from journal.readmodels import MonthIncome
from journal.reports.frames import (
    COLUMNS,
    FLOW_AMOUNTS,
    _sums,
    by_month,
    income_by,
    income_frame,
    rows_of_month,
)
from journal.reports.monthly import STRATEGY_ORDER

MONTHS = ["2024-01", "2024-02", "2024-03"]


def _pandas_sums(frame: pd.DataFrame, key: str, columns: tuple[str, ...]) -> dict[str, dict[str, Decimal]]:
    if frame.empty:
        return {}
    grouped = frame.groupby(key, sort=True)[list(columns)].sum()
    return {str(k): {c: Decimal(row[c]) for c in columns} for k, row in grouped.iterrows()}


def _frame(rows: list[MonthIncome]) -> pd.DataFrame:
    records = [tuple(getattr(row, c) for c in COLUMNS) for row in rows]
    return pd.DataFrame.from_records(records, columns=list(COLUMNS)).astype(object)


amounts = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False) | st.sampled_from(
    [Decimal("0"), Decimal("0.000"), Decimal("1E+2"), Decimal("-2.5"), Decimal("0.01")]
)
rows = st.lists(
    st.builds(
        MonthIncome,
        st.sampled_from(["IRA", "TAXABLE"]),
        st.sampled_from(MONTHS),
        st.sampled_from(["AAPL", "KO", "MSFT", NO_UNDERLYING]),
        st.sampled_from(["CSP", "CC", "wheel", "other", NO_UNDERLYING]),
        amounts,
        amounts,
        amounts,
        amounts,
        amounts,
        amounts,
    ),
    max_size=30,
)


def _exact(records: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """Each value as its repr: Decimal('1.2E+2') and Decimal('120') differ here."""
    return [[(k, repr(v)) for k, v in r.items()] for r in records]


@settings(max_examples=300, deadline=None)
@given(rows)
def test_group_bys_equal_pandas_to_the_exponent(rows: list[MonthIncome]) -> None:
    frame, reference = income_frame(rows), _frame(rows)
    for key in ("month", "underlying", "strategy"):
        for columns in (("premium_collected", "dividends", "realized"), COLUMNS[4:]):
            mine = _sums([r for r in frame if getattr(r, key) != NO_UNDERLYING], key, columns)
            theirs = _pandas_sums(reference[reference[key] != NO_UNDERLYING], key, columns)
            assert {k: {c: repr(v) for c, v in m.items()} for k, m in mine.items()} == {
                k: {c: repr(v) for c, v in m.items()} for k, m in theirs.items()
            }
    month = rows_of_month(frame, "2024-02")
    assert month == [r for r in rows if r.month == "2024-02"]
    assert _exact(by_month(frame, [*MONTHS, "2024-04"])) == _exact(
        _pandas_by_month(reference, [*MONTHS, "2024-04"])
    )
    assert _exact(income_by(month, "underlying")) == _exact(
        _pandas_income_by(reference[reference["month"] == "2024-02"], "underlying")
    )
    assert _exact(income_by(month, "strategy", STRATEGY_ORDER)) == _exact(
        _pandas_income_by(reference[reference["month"] == "2024-02"], "strategy", STRATEGY_ORDER)
    )


def _pandas_income_by(frame: pd.DataFrame, key: str, order: Any = None) -> list[dict[str, Any]]:
    """The pandas version the reports used before (journal/reports/frames.py until issue 16)."""
    zero = Decimal(0)
    sums = _pandas_sums(
        frame[frame[key] != NO_UNDERLYING],
        key,
        ("premium_collected", "premium_paid", "dividends", "realized"),
    )
    out: list[dict[str, Any]] = []
    for name in sorted(sums):
        m = sums[name]
        collected, paid = m.get("premium_collected", zero), m.get("premium_paid", zero)
        out.append(
            {
                key: name,
                "premium_collected": collected,
                "premium_paid": paid,
                "net_premium": collected - paid,
                "realized": m["realized"],
                "dividends": m.get("dividends", zero),
            }
        )
    if order is not None:
        rank = {name: i for i, name in enumerate(order)}
        out.sort(key=lambda r: (rank.get(r[key], len(rank)), r[key]))
    else:
        out.sort(key=lambda r: (-r["net_premium"], r[key]))
    return out


def _pandas_by_month(frame: pd.DataFrame, months: list[str]) -> list[dict[str, Any]]:
    zero = Decimal(0)
    sums = _pandas_sums(frame, "month", (*FLOW_AMOUNTS, "realized"))
    out = []
    for month in months:
        m = sums.get(month, {})
        values = {c: m.get(c, zero) for c in FLOW_AMOUNTS}
        out.append(
            {
                "month": month,
                **values,
                "net_premium": values["premium_collected"] - values["premium_paid"],
                "realized": m.get("realized", zero),
            }
        )
    return out


def test_the_monthly_and_year_reports_load_no_pandas() -> None:
    code = (
        "import sys, journal.reports.monthly, journal.reports.year, journal.reports.render; "
        "print(sorted(m for m in ('pandas', 'numpy', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
