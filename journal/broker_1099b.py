"""A broker's 1099-B beside `tj realized`: the sales the broker reported (proceeds, basis, the wash-sale loss
it disallowed) compared per instrument and sale date, so that every difference is seen and explained.

The broker sees one account: a wash sale whose replacement was bought in another account (or an IRA) is
disallowed by tj and not by the 1099-B (Pub 550 "Wash Sales"; DOMAIN.md), and that is said, not hidden.
The file is a CSV with, in any order and case, `symbol` (or `description`), `date_sold`, `proceeds`,
`cost_basis`, and optionally `wash_sale` (or `adjustment`), `quantity`, `date_acquired`, `account`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from importers.common import money, read_csv_table
from journal.instruments import parse_instrument
from journal.money import CENT, ZERO
from journal.projections.lots import RealizedRow
from journal.projections.wash_sales import WashSale

_ALIASES = {
    "description": "symbol",
    "adjustment": "wash_sale",
    "wash_sale_loss_disallowed": "wash_sale",
    "closed": "date_sold",
    "opened": "date_acquired",
    "cost": "cost_basis",
}
_REQUIRED = {"symbol", "date_sold", "proceeds", "cost_basis"}


class Form1099Error(ValueError):
    """A 1099-B file line that cannot be read: `file:line: column: message`."""


@dataclass(frozen=True, slots=True)
class Sale:
    account: str | None
    instrument: str
    sold: date
    proceeds: Decimal
    cost_basis: Decimal
    wash_sale: Decimal


@dataclass(frozen=True, slots=True)
class SaleDifference:
    instrument: str
    sold: date
    field: str
    journal: Decimal | None
    broker: Decimal | None
    why: str


def _day(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date (YYYY-MM-DD or MM/DD/YYYY)")


def _column(header_cell: str) -> str:
    key = "_".join(header_cell.lower().replace("-", " ").split())
    return _ALIASES.get(key, key)


def read_1099b(name: str, text: str) -> list[Sale]:
    def is_header(cells: list[str]) -> bool:
        return {_column(c) for c in cells} >= _REQUIRED

    try:
        _, header, rows = read_csv_table(text, is_header)
    except ValueError as exc:
        raise Form1099Error(f"{name}:1: {exc} (needs {', '.join(sorted(_REQUIRED))})") from None
    sales = []
    for row in rows:
        cells = {_column(k): v.strip() for k, v in row.cells.items()}
        column = ""
        try:
            column = "symbol"
            instrument = parse_instrument(cells["symbol"])
            if instrument is None:
                raise ValueError("not a stock or option symbol")
            column = "date_sold"
            sold = _day(cells["date_sold"])
            column = "proceeds"
            proceeds = money(cells["proceeds"])
            column = "cost_basis"
            cost = money(cells["cost_basis"])
            column = "wash_sale"
            wash = money(cells["wash_sale"]) if cells.get("wash_sale") else ZERO
        except ValueError as exc:
            raise Form1099Error(f"{name}:{row.line}: {column}: {exc} (got {cells.get(column)!r})") from None
        sales.append(Sale(cells.get("account") or None, instrument.name, sold, proceeds, cost, abs(wash)))
    return sales


def compare(
    rows: Iterable[RealizedRow], sales: Iterable[Sale], washes: Iterable[WashSale]
) -> list[SaleDifference]:
    """Differences per (instrument, sale date) in proceeds, basis and wash-sale adjustment, to the cent."""
    ours: dict[tuple[str, date], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for r in rows:
        if r.term == "1256":
            continue  # Form 6781, not 1099-B sales lines
        total = ours[(r.instrument.name, r.closed)]
        total[0] += r.proceeds
        total[1] += r.cost_basis
        total[2] += r.adjustment
    theirs: dict[tuple[str, date], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for s in sales:
        total = theirs[(s.instrument, s.sold)]
        total[0] += s.proceeds
        total[1] += s.cost_basis
        total[2] += s.wash_sale
    elsewhere = {(w.instrument, w.sold) for w in washes if w.replacement_account != w.account}
    out = []
    for key in sorted(set(ours) | set(theirs), key=lambda k: (k[1], k[0])):
        mine, broker = ours.get(key), theirs.get(key)
        for i, field in enumerate(("proceeds", "cost_basis", "wash_sale")):
            a = None if mine is None else mine[i].quantize(CENT)
            b = None if broker is None else broker[i].quantize(CENT)
            if a == b:
                continue
            why = ""
            if mine is None:
                why = "the broker reports a sale tj has not recorded"
            elif broker is None:
                why = "a sale tj recorded that the 1099-B does not list"
            elif field == "wash_sale" and key in elsewhere:
                why = "replacement bought in another account: only tj sees it"
            out.append(SaleDifference(key[0], key[1], field, a, b, why))
    return out
