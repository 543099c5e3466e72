"""What broker CSV importers share: reading money and dates the way brokers write them, finding the header
under a preamble, and merging an assignment's option row with the stock row the broker writes apart.

Every reader here raises `ValueError` with a short message; the importer turns it into an `ImportProblem`
naming file, line, column and value (`bounds.why`: the bound a readable value broke, else its own words).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from importers import bounds
from importers.base import FileInfo, ImportProblem, ParseResult, RowError, utf8_text
from importers.bounds import AMOUNT, Bound
from journal.events import CashKind

_MONEY_JUNK = str.maketrans("", "", "$,\u00a0 ")
_MONEY = re.compile(r"-?(\d+(\.\d*)?|\.\d+)", re.ASCII)


def money(text: str, bound: Bound = AMOUNT) -> Decimal:
    """A broker's number: `$1,259.59`, `-$1,281.30`, `($123.45)` (accounting negative), `1,000`, `+5`;
    within `bound` (an amount's unless said: OutOfBounds beyond it)."""
    raw = text.strip()
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = raw[1:-1]
    cleaned = raw.translate(_MONEY_JUNK)
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if not cleaned or not _MONEY.fullmatch(cleaned):
        raise ValueError("not an amount")
    value = bound.read(cleaned)
    return -value if negative and value else value


def money_or(
    text: str, default: Decimal | None, *, blanks: Sequence[str] = ("", "--"), bound: Bound = AMOUNT
) -> Decimal | None:
    """`money`, or `default` for an empty cell (brokers write `--` or nothing for "none")."""
    return default if text.strip() in blanks else money(text, bound)


_AS_OF = re.compile(r"^\s*(\S+)\s+as of\s+(\S+)\s*$", re.IGNORECASE)


def us_date(text: str) -> date:
    """`M/D/YYYY` or `MM/DD/YY`; `MM/DD/YYYY as of MM/DD/YYYY` gives the "as of" (trade) date. Within the
    bounds of every event's date (OutOfBounds beyond them)."""
    raw = text.strip()
    if m := _AS_OF.match(raw):
        raw = m[2]
    for fmt in ("%m/%d/%Y", "%m/%d/%y"):
        try:
            read = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return bounds.day(read)
    raise ValueError("not a date (MM/DD/YYYY)")


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: its first line in the file and its cells by (lower-cased) column name."""

    line: int
    cells: dict[str, str]
    raw: list[str]

    def get(self, column: str) -> str:
        return self.cells.get(column.lower(), "").strip()


def read_csv_table(
    text: str,
    is_header: Callable[[list[str]], bool],
    *,
    is_footer: Callable[[list[str]], bool] = lambda cells: False,
) -> tuple[int, list[str], Iterator[CsvRow]]:
    """Find the header (the first row `is_header` accepts, after any preamble) and read the rows under it,
    stopping at the first `is_footer` row. Rows keep the number of the line they start on, also when a
    quoted cell spans several lines. Raises ValueError when no header is found."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    previous_end = 0
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        stripped = [c.strip() for c in cells]
        if is_header(stripped):
            header = [c.lower() for c in stripped]
            return start, header, _rows(reader, header, previous_end, is_footer)
    raise ValueError("no header line found")


def _rows(
    reader: Any, header: list[str], previous_end: int, is_footer: Callable[[list[str]], bool]
) -> Iterator[CsvRow]:
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        stripped = [c.strip() for c in cells]
        if not any(stripped):
            continue
        if is_footer(stripped):
            return
        yield CsvRow(start, dict(zip(header, cells, strict=False)), cells)


@dataclass(frozen=True, slots=True)
class StockLeg:
    """A stock trade row that may be the stock side of an assignment or exercise."""

    index: int  # the importer's own index of the row, to drop it once merged
    account: str
    symbol: str
    day: date
    buy: bool
    shares: Decimal
    price: Decimal
    fees: Decimal


def match_stock_leg(
    legs: Sequence[StockLeg],
    used: set[int],
    *,
    account: str,
    underlying: str,
    day: date,
    buy: bool,
    shares: Decimal,
    strike: Decimal,
    days_after: int = 5,
) -> StockLeg | None:
    """The stock row a broker wrote for an assignment or exercise: same account and underlying, the option's
    shares at its strike, on the option row's day or a few days after (settlement rows come later)."""
    for leg in legs:
        if (
            leg.index not in used
            and leg.account == account
            and leg.symbol == underlying
            and leg.buy == buy
            and leg.shares == shares
            and leg.price == strike
            and day <= leg.day <= day + timedelta(days=days_after)
        ):
            used.add(leg.index)
            return leg
    return None


def day_offsets(days: list[date]) -> list[int]:
    """Seconds to add to each row's date so that the rows of one date keep the order they happened in.

    Brokers that give no time of day list the newest rows first (then a put sold and bought back the same
    day reads back to front); a file whose first date is before its last is read oldest first."""
    newest_first = not days or days[0] >= days[-1]
    count, seen = Counter(days), Counter[date]()
    offsets = []
    for day in days:
        offsets.append(count[day] - 1 - seen[day] if newest_first else seen[day])
        seen[day] += 1
    return offsets


def read_table(
    info: FileInfo, result: ParseResult, is_header: Callable[[list[str]], bool], no_header: str
) -> tuple[list[str], list[CsvRow]] | None:
    """A broker CSV's header and rows, or None with the problem recorded in `result`: not UTF-8 text, no
    header line (`no_header` says what was looked for), or not valid CSV."""
    text = utf8_text(info, result)
    if text is None:
        return None
    try:
        _, header, rows = read_csv_table(text, is_header)
        return header, list(rows)
    except ValueError:
        result.errors.append(ImportProblem(info.name, 1, None, None, no_header))
    except csv.Error as exc:
        result.errors.append(ImportProblem(info.name, 1, None, None, f"not valid CSV: {exc}"))
    return None


def cash_amount(amount: Decimal | None, column: str) -> Decimal:
    """A cash row's amount (a dividend, interest, a fee): present and not zero."""
    if amount is None:
        raise RowError(column, None, "missing")
    if amount == 0:
        raise RowError(column, str(amount), "must not be zero")
    return amount


# -- cash-only rows of any description --------------------------------------------------------------------

# Words in a broker's description of a cash-only row (no security, no quantity) and the kind they mean,
# tried in order: the first match wins. A transfer's direction is the sign of its amount.
_CASH_WORDS: tuple[tuple[re.Pattern[str], CashKind | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (
            r"\b(tax|nra|w-?8|backup)\b.*\b(withh|paid|adj|w/h)|foreign tax|withholding|tax withheld|\bnra\b",
            CashKind.TAX,
        ),
        (r"stock ?loan|securities lending|lending (income|payment)|\bslip\b", CashKind.INTEREST),
        (r"interest|\bint\b|credit int|margin int", CashKind.INTEREST),
        (r"dividend|\bdiv\b|cap(ital)? gain|in lieu|\bpil\b|distribution", CashKind.DIVIDEND),
        (r"rebate|\bfee|commission|charge|adr mgmt|service", CashKind.FEE),
        (
            r"\batm\b|withdraw|deposit|transfer|\bwire|\bach\b|journal|moneylink|check|cheque|funds|"
            r"contribution|bank|\beft\b|electronic|direct (deposit|debit)|payment|remittance|"
            r"cash in|cash out",
            None,
        ),
        (r"\bmisc|adjust|\badj\b|correction|credit|debit|other", CashKind.OTHER),
    )
)


def cash_kind(description: str, amount: Decimal) -> tuple[CashKind, bool]:
    """The kind of a cash-only row from the broker's words, and whether tj knew them: an unknown
    description is OTHER (the caller warns), never an error and never unresolved."""
    for pattern, kind in _CASH_WORDS:
        if pattern.search(description):
            if kind is None:
                return (CashKind.DEPOSIT if amount >= 0 else CashKind.WITHDRAW), True
            return kind, True
    return CashKind.OTHER, False
