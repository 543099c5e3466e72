"""The year-end summary (`tj report year YYYY`) as plain data: CONTRACT.md's figures first, then what goes
on the tax forms (realized by term, Form 8949 lines and box totals with code W adjustments, Section 1256
totals for Form 6781), premium income by month, and the wheel cycles closed in the year with their profit.

Every realized row of the year is on exactly one of: a Form 8949 box, Form 6781 (Section 1256), or no
form (a tax-advantaged account), so the three add up to the `tj realized --year` total.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.money import ZERO, cents
from journal.projections.income import LONG_SHARE_1256, rounded
from journal.projections.lots import RealizedRow
from journal.projections.strategies import StrategyMap
from journal.reports.entries import closed_cycle_record, realized_line
from journal.reports.form8949 import Form8949Line, box_totals, form_8949_lines, line_record
from journal.reports.frames import by_month, income_frame
from journal.reports.statements import year_summary
from journal.tax import DEFAULT_POLICY, AccountPolicy

if TYPE_CHECKING:
    from journal.api import Journal


def _gain(row: RealizedRow) -> Decimal:
    return rounded(row.proceeds) - rounded(row.cost_basis) + rounded(row.adjustment)


def _policy_of(journal: Journal) -> Callable[[str], AccountPolicy]:
    """Each account's tax settings, read once: which Form 8949 box, or no form, its rows go on."""
    policies = journal.policies()
    return lambda account: policies.get(account, DEFAULT_POLICY)


def year_report(journal: Journal, year: int, account: str | None = None) -> dict[str, Any]:
    """Everything `tj report year` shows, as exact strings."""
    return year_report_and_lines(journal, year, account)[0]


def year_report_and_lines(
    journal: Journal, year: int, account: str | None = None
) -> tuple[dict[str, Any], list[Form8949Line]]:
    """The year report and its Form 8949 lines, what --form8949 and --txf export: one reading of the year's
    realized rows for both (a busy year has tens of thousands)."""
    rows = journal.realized(year, account)
    summary = year_summary(journal, year, account, rows)  # CONTRACT.md's figures, as `tj report year` has
    policy = _policy_of(journal)
    strategies = StrategyMap()  # the read models' realized rows carry what their lots were opened as

    lines = form_8949_lines(rows, policy)
    # One pass over the rows (a busy year has tens of thousands): each gain rounded once, added to its term.
    by_term: dict[str, Decimal] = {"short": ZERO, "long": ZERO, "1256": ZERO}
    section_1256: list[RealizedRow] = []
    no_form: list[RealizedRow] = []
    no_form_gain = ZERO
    for row in rows:
        gain = _gain(row)
        by_term[row.term] += gain
        if row.term == "1256":
            section_1256.append(row)
        elif policy(row.account).tax_advantaged:
            no_form.append(row)
            no_form_gain += gain
    net_1256 = by_term["1256"]
    long_1256 = rounded(net_1256 * LONG_SHARE_1256)  # Form 6781 line 8/9: 60% long term, rounded once

    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    by_months = by_month(
        income_frame(journal.month_income(account, date(year, 1, 1), date(year, 12, 31))), months
    )

    cycles = [
        c for c in journal.cycles(account, status="closed") if c.closed is not None and c.closed.year == year
    ]
    wash_lines = [line for line in lines if line.code]

    report: dict[str, Any] = {**summary, "account": account}
    report["realized_total"] = cents(sum(by_term.values(), ZERO))
    report["realized_by_term"] = {
        "short": cents(by_term["short"]),
        "long": cents(by_term["long"]),
        "section_1256": cents(net_1256),
    }
    report["form_8949"] = {
        "boxes": box_totals(lines),
        "rows": len(lines),
        "proceeds": cents(sum((line.proceeds for line in lines), ZERO)),
        "cost_basis": cents(sum((line.cost_basis for line in lines), ZERO)),
        "adjustment": cents(sum((line.adjustment for line in lines), ZERO)),
        "gain_or_loss": cents(sum((line.gain for line in lines), ZERO)),
        "wash_sale_rows": len(wash_lines),
        "wash_sale_adjustment": cents(sum((line.adjustment for line in wash_lines), ZERO)),
    }
    report["form_6781"] = {
        "rows": len(section_1256),
        "net": cents(net_1256),
        "short_term_40": cents(net_1256 - long_1256),
        "long_term_60": cents(long_1256),
        "lines": [realized_line(r, strategies) for r in section_1256],
    }
    report["no_form"] = {
        "rows": len(no_form),
        "gain": cents(no_form_gain),
        "accounts": sorted({r.account for r in no_form}),
    }
    report["premium_by_month"] = [
        {
            "month": m["month"],
            "premium_collected": cents(m["premium_collected"]),
            "premium_paid": cents(m["premium_paid"]),
            "net_premium": cents(m["net_premium"]),
            "realized": cents(m["realized"]),
        }
        for m in by_months
    ]
    report["cycles_closed"] = [closed_cycle_record(c) for c in cycles]
    report["cycles_closed_profit"] = cents(sum((c.net_cash for c in cycles), ZERO))
    report["form_8949_lines"] = [line_record(line) for line in lines]
    return report, lines


def form_8949_for_year(journal: Journal, year: int, account: str | None = None) -> list[Form8949Line]:
    """The year's Form 8949 lines, for the --form8949 CSV and --txf exports."""
    return form_8949_lines(journal.realized(year, account), _policy_of(journal))
