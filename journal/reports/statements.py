"""The monthly income statement and the year-end summary as plain data (exact strings, CONTRACT.md fields
first), built from the events and the books; templates and formats render them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.money import cents
from journal.periods import month_bounds
from journal.projections.income import split_realized

if TYPE_CHECKING:
    from journal.api import Journal
    from journal.projections.lots import RealizedRow


def _period(
    journal: Journal, start: date, end: date, account: str | None, rows: list[RealizedRow] | None
) -> dict[str, Any]:
    flows = journal.flows(account, start, end)
    realized = split_realized(journal.realized(None, account, start, end) if rows is None else rows)

    def total(name: str) -> Any:
        return sum((getattr(f, name) for f in flows), Decimal(0) if name not in COUNTS else 0)

    collected, paid = total("premium_collected"), total("premium_paid")
    return {
        "premium_collected": cents(collected),
        "premium_paid": cents(paid),
        "net_premium": cents(collected - paid),
        "realized_short_term": cents(realized.short_term),
        "realized_long_term": cents(realized.long_term),
        "section_1256_net": cents(realized.section_1256),
        "wash_sale_adjustments": cents(realized.wash_sale_adjustments),
        "dividends": cents(total("dividends")),
        "interest": cents(total("interest")),
        "fees": cents(total("fees")),
        "options_opened": total("options_opened"),
        "options_closed": total("options_closed"),
        "expirations": total("expirations"),
        "assignments": total("assignments"),
        "called_away": total("called_away"),
    }


COUNTS = {"options_opened", "options_closed", "expirations", "assignments", "called_away"}


def monthly_statement(
    journal: Journal, month: str, account: str | None = None, realized: list[RealizedRow] | None = None
) -> dict[str, Any]:
    """CONTRACT.md's monthly figures; `realized`: the month's rows when the caller has read them already."""
    start, end = month_bounds(month)
    return {"month": month, **_period(journal, start, end, account, realized)}


def year_summary(
    journal: Journal, year: int, account: str | None = None, realized: list[RealizedRow] | None = None
) -> dict[str, Any]:
    return {"year": str(year), **_period(journal, date(year, 1, 1), date(year, 12, 31), account, realized)}
