"""The monthly income statement and the year-end summary as plain data (exact strings, CONTRACT.md fields
first), built from the events and the books; templates and formats render them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.money import cents
from journal.periods import month_bounds
from journal.projections.income import RealizedTotals, split_totals

if TYPE_CHECKING:
    from journal.api import Journal

# The currency of every report's amounts: the journal folds every row in USD at the rate the broker gave it
# (`journal.currency`); each report says so (JSON and CSV `currency`, the pages' subtitle).
CURRENCY = "USD"


def _period(
    journal: Journal, start: date, end: date, account: str | None, totals: list[RealizedTotals] | None = None
) -> dict[str, Any]:
    """The figures of whole months (`start` a month's first day, `end` a month's last) from the read models'
    month rows: a row per account, underlying and month, however busy the months were."""
    flows = journal.month_flows(account, start, end)
    realized = split_totals(journal.realized_totals(account, start, end) if totals is None else totals)

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


def monthly_statement(journal: Journal, month: str, account: str | None = None) -> dict[str, Any]:
    """CONTRACT.md's monthly figures."""
    start, end = month_bounds(month)
    return {"month": month, **_period(journal, start, end, account)}


def year_summary(
    journal: Journal, year: int, account: str | None = None, totals: list[RealizedTotals] | None = None
) -> dict[str, Any]:
    """CONTRACT.md's year figures; `totals`: the year's realized totals when the caller has read them."""
    return {"year": str(year), **_period(journal, date(year, 1, 1), date(year, 12, 31), account, totals)}
