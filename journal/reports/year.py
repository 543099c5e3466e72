"""The year-end summary (`tj report year YYYY`) as plain data: CONTRACT.md's figures first, then what goes
on the tax forms (realized by term, Form 8949 lines and box totals with code W adjustments, Section 1256
totals for Form 6781), premium income by month, and the wheel cycles closed in the year with their profit.

Every realized row of the year is on exactly one of: a Form 8949 box, Form 6781 (Section 1256), or no
form (a tax-advantaged account), so the three add up to the `tj realized --year` total.

Every total comes from the read models' realized totals (a row per account, underlying, month and term),
never from the year's rows one by one: a busy year has tens of thousands of lines. The lines themselves
are read whole for the JSON form and the exports, and only as far as a page lists them otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING, Any

from journal.money import ZERO, cents
from journal.projections.income import RealizedTotals, added_up, split_totals
from journal.projections.lots import RealizedRow
from journal.projections.strategies import StrategyMap
from journal.reports.entries import closed_cycle_record, realized_line
from journal.reports.form8949 import BOXES, Form8949Line, box_totals, form_8949_lines, line_record
from journal.reports.frames import by_month, income_frame
from journal.reports.statements import CURRENCY, year_summary
from journal.tax import DEFAULT_POLICY, AccountPolicy, form_8949_box

if TYPE_CHECKING:
    from journal.api import Journal

PolicyOf = Callable[[str], AccountPolicy]


def _policy_of(journal: Journal) -> PolicyOf:
    """Each account's tax settings, read once: which Form 8949 box, or no form, its rows go on."""
    policies = journal.policies()
    return lambda account: policies.get(account, DEFAULT_POLICY)


def year_report(
    journal: Journal, year: int, account: str | None = None, listed: int | None = None
) -> dict[str, Any]:
    """Everything `tj report year` shows, as exact strings. `listed`: how many Form 8949 and Form 6781
    lines to list (None: every one; a page lists its first LIST_LIMIT); the totals count every row."""
    return year_report_and_lines(journal, year, account, listed)[0]


def year_report_and_lines(
    journal: Journal, year: int, account: str | None = None, listed: int | None = None
) -> tuple[dict[str, Any], list[Form8949Line]]:
    """The year report and the Form 8949 lines it lists: with `listed` None every line, what --form8949
    and --txf export, from one reading of the year's realized rows."""
    totals = journal.realized_totals(account, date(year, 1, 1), date(year, 12, 31))
    policy = _policy_of(journal)
    boxes = box_totals(totals, policy)
    if listed is None:
        rows = journal.realized(year, account)
        lines = form_8949_lines(rows, policy)
        section_1256 = [r for r in rows if r.term == "1256"]
    else:
        counts = {b["box"]: b["rows"] for b in boxes}
        counts["1256"] = added_up(t for t in totals if t.term == "1256").rows
        lines, section_1256 = _first_lines(journal, year, account, policy, counts, listed)
    return _report(journal, year, account, policy, totals, boxes, lines, section_1256), lines


def _first_lines(
    journal: Journal,
    year: int,
    account: str | None,
    policy: PolicyOf,
    counts: dict[str, int],
    listed: int,
) -> tuple[list[Form8949Line], list[RealizedRow]]:
    """The first `listed` Form 8949 lines (in the form's order: box, then date sold) and Section 1256 rows,
    reading the year's rows by closing date only until they are known: each box's share of the list
    (the earliest boxes first, by `counts`: rows per box, and "1256") is in, and so is every row of the
    last day any of them needs, since lines of one day sort by date acquired and description."""
    quota, left = {}, listed
    for box in BOXES:
        quota[box] = min(counts.get(box, 0), left)
        left -= quota[box]
    quota["1256"] = min(counts["1256"], listed)

    wanted: dict[str, list[RealizedRow]] = {key: [] for key, q in quota.items() if q > 0}
    if not wanted:
        return [], []
    last_day: date | None = None  # the day by which every share was filled, once it is
    with closing(journal.realized_in_order(date(year, 1, 1), date(year, 12, 31), account)) as stream:
        for row in stream:
            if last_day is not None and row.closed > last_day:
                break
            key = (
                "1256"
                if row.term == "1256"
                else form_8949_box(row.term, policy(row.account), row.basis_missing)
            )
            if key not in wanted:
                continue
            wanted[key].append(row)
            if last_day is None and all(len(found) >= quota[k] for k, found in wanted.items()):
                last_day = row.closed
    lines = form_8949_lines([r for k, found in wanted.items() if k != "1256" for r in found], policy)
    taken = {box: 0 for box in BOXES}
    first = []
    for line in lines:
        if taken[line.box] < quota[line.box]:
            taken[line.box] += 1
            first.append(line)
    return first, wanted.get("1256", [])[:listed]


def _report(
    journal: Journal,
    year: int,
    account: str | None,
    policy: PolicyOf,
    totals: list[RealizedTotals],
    boxes: list[dict[str, Any]],
    lines: list[Form8949Line],
    section_1256: list[RealizedRow],
) -> dict[str, Any]:
    summary = year_summary(journal, year, account, totals)  # CONTRACT.md's figures, as `tj report year` has
    strategies = StrategyMap()  # the read models' realized rows carry what their lots were opened as

    on_form = added_up(
        t for t in totals if form_8949_box(t.term, policy(t.account), t.basis_missing) is not None
    )
    no_form = [t for t in totals if t.term != "1256" and policy(t.account).tax_advantaged]
    split = split_totals(totals)  # Form 6781 lines 8/9: the Section 1256 net 40/60, rounded once
    net_1256 = split.section_1256

    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    by_months = by_month(
        income_frame(journal.month_income(account, date(year, 1, 1), date(year, 12, 31))), months
    )

    cycles = [
        c for c in journal.cycles(account, status="closed") if c.closed is not None and c.closed.year == year
    ]

    report: dict[str, Any] = {**summary, "account": account}
    report["realized_total"] = cents(added_up(totals).gain)
    report["realized_by_term"] = {
        "short": cents(added_up(t for t in totals if t.term == "short").gain),
        "long": cents(added_up(t for t in totals if t.term == "long").gain),
        "section_1256": cents(net_1256),
    }
    report["form_8949"] = {
        "boxes": boxes,
        "rows": on_form.rows,
        "proceeds": cents(on_form.proceeds),
        "cost_basis": cents(on_form.cost_basis),
        "adjustment": cents(on_form.adjustment),
        "gain_or_loss": cents(on_form.gain),
        "wash_sale_rows": on_form.wash_rows,
        "wash_sale_adjustment": cents(on_form.wash_adjustment),
    }
    report["form_6781"] = {
        "rows": added_up(t for t in totals if t.term == "1256").rows,
        "net": cents(net_1256),
        "short_term_40": cents(net_1256 - split.section_1256_long),
        "long_term_60": cents(split.section_1256_long),
        "lines": [realized_line(r, strategies) for r in section_1256],
    }
    no_form_sums = added_up(no_form)
    report["no_form"] = {
        "rows": no_form_sums.rows,
        "gain": cents(no_form_sums.gain),
        "accounts": sorted({t.account for t in no_form}),
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
    report["currency"] = CURRENCY
    return report


def form_8949_for_year(journal: Journal, year: int, account: str | None = None) -> list[Form8949Line]:
    """The year's Form 8949 lines, for the --form8949 CSV and --txf exports."""
    return form_8949_lines(journal.realized(year, account), _policy_of(journal))
