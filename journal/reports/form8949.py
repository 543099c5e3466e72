"""Form 8949 lines from realized rows, and their CSV export: one line per `tj realized` row that goes on the
form, with the form's columns (a)-(h) and its box.

Rows go on Form 8949 by `journal.tax.form_8949_box`: Section 1256 contracts go on Form 6781 instead and a
tax-advantaged account's rows on no form, so those are left out here (the year report shows them apart).
Figures are the cent-rounded ones of `tj realized`, so (h) = (d) - (e) + (g) holds on every line and the
lines add up to the `tj realized` totals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from journal.money import cents, plain
from journal.projections.income import RealizedTotals, added_up, rounded
from journal.projections.lots import RealizedRow
from journal.tax import AccountPolicy, form_8949_box

BOXES = "ABCDEF"
WASH_SALE_CODE = "W"  # Form 8949 instructions, column (f): W for a wash sale loss disallowed
CSV_COLUMNS = (
    "box",
    "description",
    "date_acquired",
    "date_sold",
    "proceeds",
    "cost_basis",
    "code",
    "adjustment",
    "gain_or_loss",
)


def describe_row(row: RealizedRow) -> str:
    """Column (a), "Description of property", in the form's own style: `100 sh. KO`,
    `1 AAPL 150 put 19 Jan 24`."""
    if row.instrument.is_option:
        return f"{plain(row.quantity)} {row.instrument.describe()}"
    return f"{plain(row.quantity)} sh. {row.instrument.describe()}"


@dataclass(frozen=True, slots=True)
class Form8949Line:
    box: str  # A, B, C (Part I, short term) or D, E, F (Part II, long term)
    description: str  # (a)
    acquired: date  # (b): the wash-sale-adjusted acquisition date, as `tj realized` shows `opened`
    sold: date  # (c)
    proceeds: Decimal  # (d)
    cost_basis: Decimal  # (e)
    code: str  # (f)
    adjustment: Decimal  # (g)
    account: str
    instrument: str
    term: str
    basis_missing: bool = False  # (e) left blank: the lot came in by transfer without a basis

    @property
    def gain(self) -> Decimal:
        """(h) = (d) - (e) + (g), of the rounded figures, as the form's instructions compute it."""
        return self.proceeds - self.cost_basis + self.adjustment

    @property
    def part(self) -> str:
        return "I" if self.box in "ABC" else "II"


def form_8949_lines(
    rows: Iterable[RealizedRow], policy_of: Callable[[str], AccountPolicy]
) -> list[Form8949Line]:
    """The rows that go on Form 8949, by box and then date sold (the form is filed box by box)."""
    lines = []
    for row in rows:
        box = form_8949_box(row.term, policy_of(row.account), row.basis_missing)
        if box is None:
            continue
        lines.append(
            Form8949Line(
                box=box,
                description=describe_row(row),
                acquired=row.opened,
                sold=row.closed,
                proceeds=rounded(row.proceeds),
                cost_basis=rounded(row.cost_basis),
                code=row.codes,
                adjustment=rounded(row.adjustment),
                account=row.account,
                instrument=row.instrument.name,
                term=row.term,
                basis_missing=row.basis_missing,
            )
        )
    return sorted(lines, key=lambda line: (line.box, line.sold, line.acquired, line.description))


def line_record(line: Form8949Line) -> dict[str, Any]:
    return {
        "box": line.box,
        "description": line.description,
        "date_acquired": line.acquired.isoformat(),
        "date_sold": line.sold.isoformat(),
        "proceeds": cents(line.proceeds),
        "cost_basis": "" if line.basis_missing else cents(line.cost_basis),
        "code": line.code,
        "adjustment": cents(line.adjustment),
        "gain_or_loss": "" if line.basis_missing else cents(line.gain),
        "account": line.account,
        "instrument": line.instrument,
        "term": line.term,
    }


def box_totals(
    totals: Iterable[RealizedTotals], policy_of: Callable[[str], AccountPolicy]
) -> list[dict[str, Any]]:
    """Per box the totals that go to Schedule D (lines 1b-3 and 8b-10): rows, (d), (e), (g), (h), from the
    realized totals (the lines' own rounded figures, added up)."""
    by_box: dict[str, list[RealizedTotals]] = {}
    for t in totals:
        box = form_8949_box(t.term, policy_of(t.account), t.basis_missing)
        if box is not None:
            by_box.setdefault(box, []).append(t)
    boxes = []
    for box in BOXES:
        sums = added_up(by_box.get(box, ()))
        if sums.rows:
            boxes.append(
                {
                    "box": box,
                    "part": "I" if box in "ABC" else "II",
                    "term": "short" if box in "ABC" else "long",
                    "rows": sums.rows,
                    "proceeds": cents(sums.proceeds),
                    "cost_basis": cents(sums.cost_basis),
                    "adjustment": cents(sums.adjustment),
                    "gain_or_loss": cents(sums.gain),
                }
            )
    return boxes


def form_8949_csv(lines: Iterable[Form8949Line]) -> str:
    """The lines as CSV: the box, then columns (a) to (h) of the form; dates ISO, amounts exact cents."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(line_record(line) for line in lines)
    return out.getvalue()
