"""The monthly income statement (`tj report monthly YYYY-MM`) as plain data: CONTRACT.md's figures first
(`journal.reports.statements`), then what a trader reviews at month end: income by underlying and by
strategy, trades opened, lots closed, assignments, open positions, the month against the income target
and the last twelve months, and the return on the capital the positions tied up.

"Income" here is the month's cash income from option selling: net premium (by trade date) plus dividends
and interest, less every fee. Realized gains (by closing date) are shown beside it, never added to it.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any

from journal.events import OptionAssigned, OptionExercised, TradeExecuted
from journal.money import ZERO, cents
from journal.periods import month_bounds, months_ending
from journal.projections.income import added_up
from journal.projections.strategies import STRATEGY_ORDER, attribute
from journal.records import position_record
from journal.reports.capital import annualized_pct, capital_from_steps, return_pct, total_at_risk
from journal.reports.entries import assignment_record, opens_position, realized_line, trade_record
from journal.reports.frames import by_month, income_by, income_frame, rows_of_month
from journal.reports.statements import CURRENCY, monthly_statement

if TYPE_CHECKING:
    from journal.api import Journal

HISTORY_MONTHS = 12
HUNDRED = Decimal(100)


def income_of(figures: dict[str, Decimal]) -> Decimal:
    """The income the target is measured against: net premium + dividends + interest - fees."""
    return figures["net_premium"] + figures["dividends"] + figures["interest"] - figures["fees"]


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else cents(value)


def _money_record(record: dict[str, Any]) -> dict[str, Any]:
    return {k: cents(v) if isinstance(v, Decimal) else v for k, v in record.items()}


def target_figures(income: Decimal, target: Decimal | None) -> dict[str, Any]:
    """How far the period's income went toward its target: percent reached and what is still missing."""
    if target is None:
        return {"income_target": None, "target_reached_pct": None, "target_remaining": None}
    return {
        "income_target": cents(target),
        "target_reached_pct": _pct(income / target * HUNDRED if target > 0 else None),
        "target_remaining": cents(max(target - income, ZERO)),
    }


def monthly_report(
    journal: Journal,
    month: str,
    account: str | None = None,
    target: Decimal | None = None,
    today: date | None = None,
    listed: int | None = None,
) -> dict[str, Any]:
    """Everything `tj report monthly` shows, as exact strings. `today` (default: the real one) bounds a
    month still running: positions and capital at risk are then those of today. `listed`: how many trades
    opened, lots closed and open positions to list (None: all; a page lists its first LIST_LIMIT); the
    counts and totals are of all."""
    start, end = month_bounds(month)
    closed_totals = added_up(journal.realized_totals(account, start, end))
    if listed is None:
        month_rows = journal.realized(None, account, start, end)
    else:
        with closing(journal.realized_in_order(start, end, account)) as stream:
            month_rows = list(islice(stream, listed))
    statement = monthly_statement(journal, month, account)  # CONTRACT.md's figures
    # The income rows of the months shown (this one and the history before it), never the events behind them.
    history_months = months_ending(month, HISTORY_MONTHS)
    window, _ = month_bounds(history_months[0])
    frame = income_frame(journal.month_income(account, window, end))
    this_month = rows_of_month(frame, month)

    history = by_month(frame, history_months)
    for point in history:
        point["income"] = income_of(point)
    income = history[-1]["income"]

    # The month's trades and assignments: what a trade opened as is decided by its order's legs, all in
    # the month's whole days (the closed lots carry their strategy from the read models).
    events = journal.events_between(start, end, (TradeExecuted, OptionAssigned, OptionExercised))
    strategies = attribute(events)
    in_month = [e for e in events if account is None or e.account == account]
    opening = [e for e in in_month if isinstance(e, TradeExecuted) and opens_position(e)]
    opened = [trade_record(e, strategies) for e in opening[:listed]]
    closed = [realized_line(r, strategies) for r in month_rows]
    assignments = [assignment_record(e) for e in in_month if isinstance(e, OptionAssigned | OptionExercised)]

    as_of = min(end, today or date.today())
    report: dict[str, Any] = {
        **statement,
        "account": account,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    report["as_of"] = as_of.isoformat()
    report["income"] = cents(income)
    report["realized_total"] = cents(
        Decimal(statement["realized_short_term"]) + Decimal(statement["realized_long_term"])
    )
    report.update(target_figures(income, target))

    if as_of >= start:
        capital = capital_from_steps(journal, start, as_of, account)
        positions = capital.positions
        on_return = return_pct(income, capital.average)
        report.update(
            {
                "days": len(capital.daily),
                "capital_at_risk_average": cents(capital.average),
                "capital_at_risk_end": cents(total_at_risk(positions)),
                "return_on_capital_pct": _pct(on_return),
                "return_on_capital_annualized_pct": _pct(annualized_pct(on_return, len(capital.daily))),
                "positions_open": len(positions),
                "positions": [position_record(p, as_of) for p in positions[:listed]],
            }
        )
    else:  # a month that has not begun: nothing was at risk in it yet
        report.update(
            {
                "days": 0,
                "capital_at_risk_average": cents(ZERO),
                "capital_at_risk_end": cents(ZERO),
                "return_on_capital_pct": None,
                "return_on_capital_annualized_pct": None,
                "positions_open": 0,
                "positions": [],
            }
        )

    report["by_underlying"] = [_money_record(r) for r in income_by(this_month, "underlying")]
    report["by_strategy"] = [_money_record(r) for r in income_by(this_month, "strategy", STRATEGY_ORDER)]
    report["trades_opened"] = len(opening)
    report["lots_closed"] = closed_totals.rows
    report["closed_total"] = {
        "proceeds": cents(closed_totals.proceeds),
        "cost_basis": cents(closed_totals.cost_basis),
        "gain": cents(closed_totals.gain),
    }
    report["opened"] = opened
    report["closed"] = closed
    report["assignment_events"] = assignments
    report["last_12_months"] = [
        {
            "month": p["month"],
            "income": cents(p["income"]),
            "net_premium": cents(p["net_premium"]),
            "realized": cents(p["realized"]),
            **({"target_reached": p["income"] >= target} if target is not None else {}),
        }
        for p in history
    ]
    report["currency"] = CURRENCY
    return report
