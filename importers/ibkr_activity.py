"""Interactive Brokers Activity Statement CSV (Reports → Statements → Activity, format CSV): the default
statement download, as opposed to the Flex Query XML of `importers/ibkr_flex.py`.

Why a module of its own: the file is not one table but many. Every line starts with its section's name
and `Header`, `Data`, `SubTotal`, `Total` or `Notes` (`Trades,Data,Order,Stocks,USD,KO,"2024-03-15,
10:31:02",100,60.1,...`). A section may have several `Header` lines (the Trades columns change per asset
category: Forex writes `Comm in USD`, Futures `Notional Value`); each `Data` line is read under the latest
`Header` of its section, by column name. `SubTotal`/`Total`/`Notes` lines, and `Data` lines whose first
cell is `Total...` (`Dividends,Data,Total,,,12.5`, `Total in USD`, `Fees,Data,Total,,,,-10`), are sums,
not facts. The facts (../shared/FORMATS.md section 3b; the fixtures' README names the public sources):

- `Statement` (`Period`, for the date of positions and ending cash) and `Account Information` (`Account`,
  `Base Currency`). A row's account is its own `Account` cell (consolidated statements), else the
  statement's, else the `account` argument, else "default". Without `Base Currency`, USD.
- `Trades`: `Order` rows (or `Trade` rows, the executions, when the statement has them; `ClosedLot` rows
  repeat the lots a sale closed: not read). `Stocks` are BUY/SELL; `Equity and Index Options` (symbol
  `KO 19APR24 60 P`, or OSI `KO    240419P00060000`) open or close by the `O`/`C` in `Code`. Fees are
  `-(Comm/Fee)`; the broker's cash (`Proceeds + Comm/Fee`) is the truth (`booked_fees`). Option ends:
  `A` assignment, `Ex` exercise, `Ep` expiry; the stock row of an assignment or exercise (also coded
  `A`/`Ex`) is merged with its option row (`match_stock_leg`) into one OptionAssigned/OptionExercised.
- `Option Exercises/Assignments/Expirations` (also spelled `Option Exercises, Assignments and
  Expirations`): the same facts as the coded Trades rows; read only for an option end the Trades do not
  hold (columns by name: `Symbol`, `Date`/`Date/Time`, `Transaction Type` or `Code`, `Quantity`).
- Cash: `Dividends`, `Payment In Lieu Of Dividends` -> DIVIDEND; `Withholding Tax` -> TAX; `Interest`
  -> INTEREST; `Fees`, `Commission Adjustments` -> FEE; `Deposits & Withdrawals` -> DEPOSIT/WITHDRAW by
  sign. The symbol is the ticker before the ISIN in the description (`KO(US1912161007) Cash Dividend`).
- `Corporate Actions`: a split whose description states its ratio (`Split 4 for 1`) -> SplitApplied (the
  two rows of a reverse split are one); any other action -> Unresolved naming its tickers.
- `Open Positions` (`Summary` rows, else `Lot` rows summed) -> PositionReported; `Cash Report` `Ending
  Cash` of the base currency -> CashReported, both at the end of the statement's `Period`.

Currencies and conversions (issue 15): a row keeps its amounts in its `Currency` (TradeExecuted and
CashMoved carry `currency`, "" for USD, and `fx_rate`, USD per unit). The only rates the statement gives
are its `Base Currency Exchange Rate` section's, of its last day (base per unit: with a USD base the rate
itself, else rate(C) / rate(USD)): a row of that day takes it; a row of another day, or of a currency the
section does not list, is Unresolved with no cash (its reason says so; converting at another day's rate
would break the trade-date rule). `Forex` trades (`GBP.USD`) -> CurrencyConverted: `Quantity` of the
first currency for `Proceeds` of the second; IBKR charges the commission in the currency sold and writes
its USD value (`Comm in USD`): the fee is that over the sold currency's rate (the real export: 1.993341262
/ 1.2023 = 1.65794 GBP, as its Forex Balances show); the two sides cancel in USD, the cash booked is the
fee. An index option ended for cash (an `A`/`Ex`/`Ep` option row with proceeds and no stock row, or the
exercises section's `Cash Settlement`) -> OptionCashSettled at strike ± |proceeds| / (contracts x
multiplier).

Not modelled, kept as Unresolved (with the cash the row booked): rows of other asset categories
(Futures: only their commission is cash, the notional is not; Options On Futures, Bonds, Treasury Bills,
CFDs, ...), an option fill that closes and opens (`C;O`), an assignment or exercise without its other row
and without cash, an option end in another currency, corporate actions other than splits, and every row
of a section tj does not know.

Summaries, skipped as a whole (they restate facts read elsewhere or are not facts): see SUMMARY_SECTIONS.

What the Flex importer shares (and could live in a common IBKR module): `parse_stamp` (imported from it),
the option-end codes and events, the split-ratio reading and the stock-leg merge; the Flex importer reads
XML rows by attribute, this one CSV rows by column, so the row classes differ.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from importers import bounds
from importers.base import (
    FileInfo,
    ImportProblem,
    KeyMaker,
    NotModelled,
    ParseResult,
    RowError,
    booked_fees,
    unresolved,
    utf8_text,
)
from importers.bounds import AMOUNT, FX_RATE, MULTIPLIER, PRICE, QUANTITY, SPLIT_PART
from importers.common import StockLeg, match_stock_leg, money
from importers.ibkr_flex import (
    ASSIGNED,
    CASH_SETTLED,
    DATE_FORMATS,
    DEFAULT_ACCOUNT,
    END_EVENTS,
    END_OF_DAY,
    EXERCISED,
    EXPIRED,
    RATE_PLACES,
    _tidy,
    parse_stamp,
    settlement_of,
)
from journal.events import (
    CashKind,
    CashMoved,
    CashReported,
    CurrencyConverted,
    Event,
    OptionCashSettled,
    PositionReported,
    SplitApplied,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import (
    STANDARD_MULTIPLIER,
    Instrument,
    OptionContract,
    Stock,
    parse_stock,
)
from journal.money import ZERO, OutOfBounds

name = "ibkr-activity-csv"
description = "Interactive Brokers Activity Statement CSV (Reports → Statements → Activity, CSV)"

_FIRST_LINE = "Statement,Header,Field Name,Field Value"
LINE_KINDS = ("Header", "Data", "SubTotal", "Total", "Notes")

STOCKS = "Stocks"
OPTIONS = "Equity and Index Options"
FOREX = "Forex"
FEE_PLACES = Decimal("1E-8")  # a fee converted from its USD value into the currency it was charged in
# Categories whose trade rows give a notional value, not cash (futures settle through daily variation).
NOTIONAL_CATEGORIES = ("Futures",)

# Summaries and reference tables: restating facts read elsewhere, or not facts of the account at all.
SUMMARY_SECTIONS = frozenset(
    {
        "Net Asset Value",
        "Change in NAV",
        "Mark-to-Market Performance Summary",
        "Realized & Unrealized Performance Summary",
        "Month & Year to Date Performance Summary",
        "Forex Balances",
        "Net Stock Position Summary",
        "Complex Position Summary",
        "Change in Position Value",
        "Change in Dividend Accruals",
        "Open Dividend Accruals",
        "Interest Accruals",
        "Commission Details",
        "Codes",
        "Notes/Legal Notes",
        "Base Currency Exchange Rate",
        "Location of Customer Assets, Positions and Money",
    }
)
CASH_SECTIONS: dict[str, CashKind | None] = {
    "Dividends": CashKind.DIVIDEND,
    "Payment In Lieu Of Dividends": CashKind.DIVIDEND,
    "Withholding Tax": CashKind.TAX,
    "Interest": CashKind.INTEREST,
    "Fees": CashKind.FEE,
    "Commission Adjustments": CashKind.FEE,
    "Deposits & Withdrawals": None,  # DEPOSIT or WITHDRAW by the amount's sign
}
EAE_SECTIONS = ("Option Exercises/Assignments/Expirations", "Option Exercises, Assignments and Expirations")
# Sections read by name (beyond the cash ones); anything else is kept row by row as Unresolved.
READ_SECTIONS = frozenset(
    {
        "Statement",
        "Account Information",
        "Trades",
        "Corporate Actions",
        "Open Positions",
        "Cash Report",
        "Financial Instrument Information",
        *CASH_SECTIONS,
        *EAE_SECTIONS,
    }
)

END_CODES = {"A": ASSIGNED, "Ex": EXERCISED, "Ep": EXPIRED}
EAE_TYPES = {
    "Assignment": ASSIGNED,
    "Exercise": EXERCISED,
    "Expiration": EXPIRED,
    "Cash Settlement": CASH_SETTLED,
}
# Columns whose value depends on the statement's period end (marks), left out of the natural key so that
# the same row in two overlapping statements is one fact.
_MARK_COLUMNS = frozenset({"C. Price", "Close Price", "Value", "Unrealized P/L", "Unrealized P/L %"})


def identify(path: Path, head: str) -> bool:
    return head.lstrip("\ufeff").startswith(_FIRST_LINE)


# -- lines ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One `Data` line under its section's latest header: cells by column name, stripped."""

    section: str
    line: int
    cells: dict[str, str]
    raw: list[str]
    account: str = ""

    def get(self, *columns: str) -> str:
        for column in columns:
            value = self.cells.get(column, "").strip()
            if value:
                return value
        return ""

    def require(self, *columns: str) -> tuple[str, str]:
        for column in columns:
            value = self.cells.get(column, "").strip()
            if value:
                return column, value
        present = next((c for c in columns if c in self.cells), None)
        why = "missing" if present else "missing column in the section's header"
        raise RowError(present or columns[0], None, f"{why}: a {self.section} row needs it")

    def number(self, *columns: str) -> Decimal:
        column, raw = self.require(*columns)
        return _number(column, raw)

    def optional_number(self, column: str) -> Decimal | None:
        raw = self.get(column)
        return _number(column, raw) if raw and raw != "--" else None

    def stamp(self, *columns: str) -> datetime:
        column, raw = self.require(*columns)
        try:
            return parse_stamp(raw)
        except ValueError as exc:
            raise RowError(column, raw, bounds.why(exc, f"not a date: expected {DATE_FORMATS}")) from None

    def codes(self) -> set[str]:
        return {c.strip() for c in self.get("Code").split(";") if c.strip()}

    @property
    def is_total(self) -> bool:
        first = self.raw[2].strip() if len(self.raw) > 2 else ""
        return first.startswith("Total")


# The statement's columns that hold a quantity, a price or a multiplier (any other number is an amount).
_BOUNDS = {"Quantity": QUANTITY, "T. Price": PRICE, "Mult": MULTIPLIER, "Multiplier": MULTIPLIER}


def _number(column: str, raw: str) -> Decimal:
    try:
        return money(raw, _BOUNDS.get(column, AMOUNT)) + ZERO  # `+ ZERO` turns "-0" into 0
    except ValueError as exc:
        raise RowError(column, raw, bounds.why(exc, "not a number")) from None


def read_lines(text: str, info: FileInfo, result: ParseResult) -> Iterator[Row]:
    """Each `Data` line under its section's latest header; a line that is none of the five kinds, or a
    `Data` line before any header of its section, is an error."""
    headers: dict[str, list[str]] = {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            section, kind = cells[0].strip(), cells[1].strip() if len(cells) > 1 else ""
            if kind not in LINE_KINDS:
                result.errors.append(
                    ImportProblem(
                        info.name,
                        start,
                        None,
                        kind or None,
                        "not an Activity Statement line (section, kind, ...)",
                    )
                )
                continue
            if kind == "Header":
                headers[section] = [c.strip() for c in cells[2:]]
            elif kind == "Data":
                header = headers.get(section)
                if header is None:
                    result.errors.append(
                        ImportProblem(
                            info.name, start, None, section, "a Data line before its section's Header"
                        )
                    )
                    continue
                yield Row(section, start, dict(zip(header, cells[2:], strict=False)), cells)
    except csv.Error as exc:
        result.errors.append(ImportProblem(info.name, end + 1, None, None, f"not valid CSV: {exc}"))


# -- instruments ---------------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_IB_OPTION = re.compile(
    r"^(?P<root>[A-Z][A-Z0-9.]*(?: [A-Z])?)\s+(?P<day>\d{2})(?P<mon>[A-Z]{3})(?P<yy>\d{2})\s+"
    r"(?P<strike>\d+(?:\.\d+)?)\s+(?P<right>[CP])$",
    re.ASCII,
)


def _ticker(symbol: str) -> str:
    # IBKR writes share classes with a space (`BRK B`); the journal's tickers use a dot (`BRK.B`).
    return re.sub(r"\s+", ".", symbol.strip())


def option_symbol(text: str, multiplier: Decimal) -> OptionContract | None:
    """`KO 19APR24 60 P` (the statement's description form) or an OSI symbol; None when neither. A symbol
    of either form whose expiry or strike makes no sense is an error on `Symbol`."""
    m = _IB_OPTION.match(text.strip().upper())
    if m is None:
        return bounds.option_symbol(text, "Symbol", multiplier)
    month = _MONTHS.get(m["mon"])
    if month is None:
        return None
    strike = Decimal(m["strike"])
    try:
        expiry = date(2000 + int(m["yy"]), month, int(m["day"]))
    except ValueError:
        raise RowError("Symbol", text, "not an option symbol") from None
    option = OptionContract(_ticker(m["root"]), expiry, m["right"], strike.normalize() + 0, multiplier)
    try:
        bounds.option_fields(option)
    except OutOfBounds as exc:
        raise RowError("Symbol", text, str(exc)) from None
    return option


def stock_symbol(row: Row) -> Stock:
    column, raw = row.require("Symbol")
    stock = parse_stock(_ticker(raw))
    if stock is None:
        raise RowError(column, raw, "not a stock symbol")
    return stock


# IBKR names a security in descriptions as `TICKER(ISIN)`, and the securities an action touches as
# `(TICKER, NAME, ISIN)`.
_NAMED = re.compile(r"^\s*([A-Z][A-Z0-9.]*(?: [A-Z])?)\s*\([A-Z]{2}[A-Z0-9]{9}\d\)")
_LISTED = re.compile(r"\(([A-Z][A-Z0-9.]*(?: [A-Z])?),\s")
_SPLIT = re.compile(
    r"\bSplit\s+(?P<new>\d+(?:\.\d+)?)\s+for\s+(?P<old>\d+(?:\.\d+)?)", re.IGNORECASE | re.ASCII
)


def named_ticker(text: str) -> str | None:
    m = _NAMED.match(text)
    return _ticker(m[1]) if m else None


def named_tickers(text: str) -> list[str]:
    first = named_ticker(text)
    return [t for t in [first, *(_ticker(m) for m in _LISTED.findall(text))] if t]


# -- the parse -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Fill:
    """One Trades row (or option-end row) read: its cash is what the broker booked for it."""

    row: Row
    when: datetime
    key: str
    instrument: Instrument
    signed: Decimal  # quantity, negative for a sale
    price: Decimal
    commission: Decimal  # as IBKR writes it: negative is a charge
    amount: Decimal  # the row's cash: Proceeds + Comm/Fee
    codes: set[str]
    end: str | None = None  # ASSIGNED / EXERCISED / EXPIRED
    leg: Fill | None = None
    leg_of: Fill | None = None
    currency: str = ""  # of price, fees and cash: "" is USD
    fx_rate: Decimal | None = None  # USD per unit of `currency`

    @property
    def is_option(self) -> bool:
        return isinstance(self.instrument, OptionContract)


@dataclass(slots=True)
class Statement:
    account: str
    base: str = "USD"
    period_end: date | None = None
    multipliers: dict[str, Decimal] = field(default_factory=dict)
    # Base Currency Exchange Rate: units of the base currency per unit of each currency, on the period's
    # last day
    rates: dict[str, Decimal] = field(default_factory=dict)


class _Parser:
    def __init__(self, path: Path, account: str | None) -> None:
        self.info = FileInfo.read(path)
        self.result = ParseResult()
        self.keys = KeyMaker()
        self.out: list[tuple[int, int, Event]] = []
        self.st = Statement(account or DEFAULT_ACCOUNT)

    # -- plumbing --

    def problem(self, line: int, column: str | None, value: str | None, message: str) -> None:
        self.result.errors.append(ImportProblem(self.info.name, line, column, value, message))

    def warn(self, row: Row, column: str | None, value: str | None, message: str) -> None:
        self.result.warnings.append(ImportProblem(self.info.name, row.line, column, value, message))

    def emit(self, line: int, event: Event) -> None:
        self.out.append((line, len(self.out), event))

    def key(self, row: Row) -> str:
        """A content key: the account and the row's facts (not its marks), so that an overlapping
        statement's copy of the row is the same fact."""
        content = "\x1f".join(
            f"{column}={value.strip()}"
            for column, value in row.cells.items()
            if value.strip() and column not in _MARK_COLUMNS and not column.startswith("MTM")
        )
        return self.keys.key(row.account, None, f"{row.section}\x1f{content}")

    def keep(self, row: Row, exc: NotModelled, when: datetime, key: str) -> None:
        self.emit(
            row.line,
            unresolved(
                exc, account=row.account, time=when, key=key, source=self.info.source(row.line), raw=row.raw
            ),
        )

    def usd_rate(self, currency: str, day: date) -> Decimal | None:
        """USD per unit of `currency` on `day`: the Base Currency Exchange Rate section's, which are the
        rates of the statement's last day (base per unit: with a USD base the rate itself, else
        rate(C) / rate(USD)); None for a row of another day, or a currency the section does not list."""
        if currency == "USD":
            return Decimal(1)
        if day != self.st.period_end:
            return None
        rates = {**self.st.rates, self.st.base: Decimal(1)}
        to_base, usd = rates.get(currency), rates.get("USD")
        if to_base is None or usd is None:
            return None
        return to_base if usd == 1 else _tidy((to_base / usd).quantize(RATE_PLACES))

    def currency_of(self, row: Row, day: date, amount: Decimal | None) -> tuple[str, Decimal | None]:
        """The row's currency ("" for USD) and its USD rate; NotModelled for a row in another currency of a
        day the statement gives no rate for (its Base Currency Exchange Rate section is of its last day)."""
        currency = row.get("Currency") or self.st.base
        if currency == "USD":
            return "", None
        rate = self.usd_rate(currency, day)
        if rate is None:
            symbol = row.get("Symbol")
            end = self.st.period_end.isoformat() if self.st.period_end else "none"
            why = (
                f"its Base Currency Exchange Rate section gives the rates of its last day, {end}"
                if self.st.rates
                else "it has no Base Currency Exchange Rate section"
            )
            raise NotModelled(
                f"an amount in {currency} ({amount if amount is not None else 'none'}) with no rate to USD "
                f"for {day.isoformat()} in the statement ({why}): record it in a journal CSV with its "
                "currency and fx_rate",
                symbols=[
                    t
                    for t in [_symbol_underlying(symbol, self.st), named_ticker(row.get("Description"))]
                    if t
                ],
            )
        return currency, rate

    def base_currency(self, row: Row, amount: Decimal | None, day: date) -> tuple[str, Decimal | None]:
        """The row's currency and rate, its cash booked (in its own currency); a row in a currency without a
        rate is kept (NotModelled) with none, after it has booked none."""
        try:
            found = self.currency_of(row, day, amount)
        except NotModelled:
            self.result.book(row.account, None)
            raise
        self.result.book(row.account, amount)
        return found

    # -- the file --

    def run(self) -> ParseResult:
        text = utf8_text(self.info, self.result)
        if text is None:
            return self.result
        rows = list(read_lines(text, self.info, self.result))
        by_section: dict[str, list[Row]] = {}
        for row in rows:
            by_section.setdefault(row.section, []).append(row)
        self.statement(by_section)
        for row in rows:
            row.account = _account(row.get("Account")) or self.st.account
        self.trades(by_section.get("Trades", []), [r for s in EAE_SECTIONS for r in by_section.get(s, [])])
        for section in CASH_SECTIONS:
            for row in by_section.get(section, []):
                if not row.is_total:
                    self.guarded(row, self.cash)
        self.corporate_actions(by_section.get("Corporate Actions", []))
        self.positions(by_section.get("Open Positions", []))
        self.cash_report(by_section.get("Cash Report", []))
        for section, section_rows in by_section.items():
            if section not in READ_SECTIONS and section not in SUMMARY_SECTIONS:
                for row in section_rows:
                    if not row.is_total:
                        self.guarded(row, self.unknown_section)
        if self.result.errors:
            self.result.events = []
        else:
            self.out.sort(key=lambda item: (item[0], item[1]))
            self.result.events = [event for _, _, event in self.out]
        return self.result

    def guarded(self, row: Row, handler: Callable[[Row], None]) -> None:
        """Run a row handler; a RowError is the row's problem (the file is refused)."""
        try:
            handler(row)
        except RowError as err:
            self.problem(row.line, err.column, err.value, err.message)

    def statement(self, sections: dict[str, list[Row]]) -> None:
        """Account, base currency, the period's last day, and option multipliers."""
        for row in sections.get("Account Information", []):
            field_name, value = row.get("Field Name"), row.get("Field Value")
            if field_name == "Account" and _account(value):
                self.st.account = _account(value)
            elif field_name == "Base Currency" and value:
                self.st.base = value
        for row in sections.get("Statement", []):
            if row.get("Field Name") == "Period":
                raw = row.get("Field Value")
                try:
                    self.st.period_end = datetime.strptime(raw.split(" - ")[-1].strip(), "%B %d, %Y").date()
                except ValueError:
                    self.problem(row.line, "Field Value", raw, "not a statement period (Month D, YYYY)")
        for row in sections.get("Base Currency Exchange Rate", []):
            raw = row.get("Rate")
            if row.get("Currency") and raw and not row.is_total:
                try:
                    self.st.rates[row.get("Currency")] = _tidy(FX_RATE.read(raw))
                except ValueError as exc:
                    self.problem(row.line, "Rate", raw, bounds.why(exc, "not a rate"))
        for row in sections.get("Financial Instrument Information", []):
            raw = row.get("Multiplier")
            if row.get("Asset Category") == OPTIONS and row.get("Symbol") and raw:
                try:
                    self.st.multipliers[row.get("Symbol")] = _number("Multiplier", raw)
                except RowError as err:
                    self.problem(row.line, err.column, err.value, err.message)

    # -- trades --

    def trades(self, rows: list[Row], eae_rows: list[Row]) -> None:
        executions = any(r.get("DataDiscriminator") == "Trade" for r in rows)
        chosen = "Trade" if executions else "Order"
        fills: list[Fill] = []
        for row in rows:
            if row.get("DataDiscriminator") not in ("", chosen) or row.is_total:
                continue  # ClosedLot rows (and Order summaries of execution rows) repeat executions
            self.guarded(row, lambda r: self.fill(r, fills))
        for row in eae_rows:
            if not row.is_total:
                self.guarded(row, lambda r: self.eae_fill(r, fills))
        self.merge_legs(fills)
        for f in fills:
            try:
                self.trade_events(f)
            except NotModelled as exc:
                self.keep(f.row, exc, f.when, f.key)
            except RowError as err:
                self.problem(f.row.line, err.column, err.value, err.message)

    def fill(self, row: Row, fills: list[Fill]) -> None:
        when = row.stamp("Date/Time")
        key = self.key(row)
        _, category = row.require("Asset Category")
        proceeds = row.optional_number("Proceeds") if category not in NOTIONAL_CATEGORIES else None
        if category == FOREX:
            self.conversion(row, when, key)
            return
        commission = row.optional_number("Comm/Fee") or ZERO
        amount = (proceeds or ZERO) + commission
        try:
            currency, fx_rate = self.base_currency(row, amount, when.date())
            if category not in (STOCKS, OPTIONS):
                raise NotModelled(
                    f"a {category} row: only stocks and equity/index options are modelled; record its effect "
                    "in a journal CSV with `resolves`",
                    amount=amount,
                    symbols=[_symbol_underlying(row.get("Symbol"), self.st)] if category != "Forex" else [],
                )
            instrument = self.instrument(row, category)
            signed = row.number("Quantity")
            if signed == 0:
                raise RowError("Quantity", row.get("Quantity"), "must not be zero")
            price = row.number("T. Price")
            if proceeds is None:
                row.require("Proceeds")
            f = Fill(row, when, key, instrument, signed, price, commission, amount, row.codes())
            f.currency, f.fx_rate = currency, fx_rate
            ends = {END_CODES[c] for c in f.codes if c in END_CODES}
            if len(ends) > 1:
                raise RowError("Code", row.get("Code"), "codes of more than one option end")
            f.end = ends.pop() if ends else None
            fills.append(f)
        except NotModelled as exc:
            self.keep(row, exc, when, key)

    def conversion(self, row: Row, when: datetime, key: str) -> None:
        """A Forex trade (`GBP.USD`): `Quantity` of the first currency bought (negative: sold) for `Proceeds`
        of the second (the row's `Currency`). IBKR charges the commission in the currency sold, and writes its
        USD value (`Comm in USD`): the fee is that over the sold currency's USD rate (the real export's
        Forex Balances show it). CurrencyConverted: the bought currency received, the sold one paid with the
        fee. The two sides cancel in USD: the cash booked is the fee alone (what the journal's fold moves).
        No rate for the sold currency (or, neither side USD, for the bought one): kept unresolved."""
        try:
            column, symbol = row.require("Symbol")
            pair = re.fullmatch(r"([A-Z]{3})\.([A-Z]{3})", symbol.upper())
            if pair is None:
                raise RowError(column, symbol, "not a currency pair (GBP.USD)")
            first, second = pair[1], pair[2]
            if row.get("Currency") not in ("", second):
                raise NotModelled(f"a Forex trade of {symbol} whose amounts are in {row.get('Currency')}")
            qty = row.number("Quantity")
            if qty == 0:
                raise RowError("Quantity", row.get("Quantity"), "must not be zero")
            proceeds = row.number("Proceeds")
            if qty < 0:
                currency, amount, paid_currency, paid = second, proceeds, first, qty
            else:
                currency, amount, paid_currency, paid = first, qty, second, proceeds
            day = when.date()
            if "Comm in USD" in row.cells:
                usd = row.optional_number("Comm in USD") or ZERO
                rate = self.usd_rate(paid_currency, day)
                if rate is None:
                    raise NotModelled(
                        f"a Forex trade of {symbol} whose {paid_currency} commission has no rate to USD for "
                        f"{day.isoformat()} in the statement: record it in a journal CSV with `resolves`"
                    )
                fees = ZERO - usd if rate == 1 else _tidy((ZERO - usd / rate).quantize(FEE_PLACES))
            else:
                commission = row.optional_number("Comm/Fee") or ZERO
                if commission and paid_currency != second:
                    raise NotModelled(
                        f"a Forex trade of {symbol} whose commission is in {second}, the currency bought: "
                        "not modelled; record it in a journal CSV with `resolves`"
                    )
                fees = ZERO - commission
            fx_rate: Decimal | None = None
            if "USD" not in (currency, paid_currency):
                fx_rate = self.usd_rate(currency, day)
                if fx_rate is None:
                    raise NotModelled(
                        f"a Forex trade of {symbol}, neither side USD, with no USD rate of {currency} for "
                        f"{day.isoformat()} in the statement: record it in a journal CSV with its fx_rate"
                    )
        except NotModelled as exc:
            self.result.book(row.account, None)
            self.keep(row, exc, when, key)
            return
        self.result.book(row.account, ZERO - fees)
        self.emit(
            row.line,
            CurrencyConverted(
                currency=currency,
                amount=amount,
                paid_currency=paid_currency,
                paid=paid,
                fees=fees,
                fx_rate=fx_rate,
                account=row.account,
                time=when,
                key=key,
                source=self.info.source(row.line),
                note=symbol,
            ),
        )

    def eae_fill(self, row: Row, fills: list[Fill]) -> None:
        """An option end of the Option Exercises/Assignments/Expirations section: read only when the
        Trades do not hold it (the same contract, quantity and kind)."""
        when = row.stamp("Date", "Date/Time")
        ttype = row.get("Transaction Type")
        kinds = {END_CODES[c] for c in row.codes() if c in END_CODES}
        kind = EAE_TYPES.get(ttype) or (kinds.pop() if len(kinds) == 1 else None)
        category = row.get("Asset Category") or OPTIONS
        if kind is None or category != OPTIONS:
            key = self.key(row)
            try:
                self.base_currency(row, None, when.date())
                raise NotModelled(
                    "an option exercise, assignment or expiration row tj does not read "
                    f"({ttype or category})",
                    symbols=[_symbol_underlying(row.get("Symbol"), self.st)],
                )
            except NotModelled as exc:
                self.keep(row, exc, when, key)
            return
        instrument = self.instrument(row, OPTIONS)
        signed = row.number("Quantity")
        twin = next(
            (
                f
                for f in fills
                if f.end == kind
                and f.row.section == "Trades"
                and f.row.account == row.account
                and f.instrument == instrument
                and abs(f.signed) == abs(signed)
            ),
            None,
        )
        if twin is not None:
            return  # the Trades row says it (one source per fact): not booked twice
        key = self.key(row)
        proceeds = row.optional_number("Proceeds") or ZERO
        commission = row.optional_number("Comm/Fee") or ZERO
        try:
            currency, _ = self.base_currency(row, proceeds + commission, when.date())
            if currency:
                raise NotModelled(
                    f"an option end in {currency}: the journal's option ends carry no currency; record it "
                    "in a journal CSV with `resolves`",
                    symbols=[instrument.underlying],
                )
            amount = proceeds + commission
            fills.append(
                Fill(row, when, key, instrument, signed, ZERO, commission, amount, row.codes(), kind)
            )
        except NotModelled as exc:
            self.keep(row, exc, when, key)

    def instrument(self, row: Row, category: str) -> Instrument:
        if category == STOCKS:
            return stock_symbol(row)
        column, raw = row.require("Symbol")
        option = option_symbol(raw, self.st.multipliers.get(raw, STANDARD_MULTIPLIER))
        if option is None:
            raise RowError(column, raw, "not an option symbol (expected like `KO 19APR24 60 P`)")
        return option

    def merge_legs(self, fills: list[Fill]) -> None:
        """Each assignment or exercise with the stock row of the same shares at the strike."""
        candidates = [f for f in fills if not f.is_option and f.codes & {"A", "Ex"}]
        legs = [
            StockLeg(
                i, f.row.account, f.instrument.name, f.when.date(), f.signed > 0, abs(f.signed), f.price, ZERO
            )
            for i, f in enumerate(candidates)
        ]
        used: set[int] = set()
        for f in fills:
            if not f.is_option or f.end not in (ASSIGNED, EXERCISED):
                continue
            option = f.instrument
            assert isinstance(option, OptionContract)
            found = match_stock_leg(
                legs,
                used,
                account=f.row.account,
                underlying=option.underlying,
                day=f.when.date(),
                buy=option.is_put if f.end == ASSIGNED else not option.is_put,
                shares=abs(f.signed) * option.multiplier,
                strike=option.strike,
            )
            if found is not None:
                f.leg, candidates[found.index].leg_of = candidates[found.index], f

    def trade_events(self, f: Fill) -> None:
        if f.leg_of is not None:
            return  # merged into its option end
        if not f.is_option:
            if f.codes & {"A", "Ex"}:
                raise NotModelled(
                    "the stock row of an assignment or exercise whose option row is not in this statement: "
                    "record the option's end in a journal CSV with `resolves`",
                    amount=f.amount,
                    symbols=[f.instrument.underlying],
                )
            self.emit(f.row.line, self.trade(f, TradeAction.BUY if f.signed > 0 else TradeAction.SELL))
            return
        if f.end is not None:
            self.option_end(f)
            return
        opens, closes = "O" in f.codes, "C" in f.codes
        if opens and closes:
            raise NotModelled(
                "an option fill that closes one position and opens another (C;O): not modelled in the "
                "Activity Statement; record it in a journal CSV with `resolves`",
                amount=f.amount,
                symbols=[f.instrument.underlying],
            )
        if not (opens or closes):
            raise RowError(
                "Code", f.row.get("Code") or None, "an option trade needs O (opening) or C (closing)"
            )
        buy = f.signed > 0
        action = (
            (TradeAction.BTO if buy else TradeAction.STO)
            if opens
            else (TradeAction.BTC if buy else TradeAction.STC)
        )
        self.emit(f.row.line, self.trade(f, action))

    def trade(self, f: Fill, action: TradeAction) -> TradeExecuted:
        quantity = abs(f.signed)
        gross = quantity * f.price * f.instrument.multiplier
        fees = self.booked(f, buys=action.is_buy, gross=gross, stated=ZERO - f.commission, amount=f.amount)
        return TradeExecuted(
            action=action,
            instrument=f.instrument,
            quantity=quantity,
            price=f.price,
            fees=fees,
            account=f.row.account,
            time=f.when,
            key=f.key,
            source=self.info.source(f.row.line),
            currency=f.currency,
            fx_rate=f.fx_rate,
        )

    def booked(self, f: Fill, *, buys: bool, gross: Decimal, stated: Decimal, amount: Decimal) -> Decimal:
        """The fees that make the event's cash the broker's; a difference from the stated fees is said."""
        fees, warning = booked_fees(buys=buys, gross=gross, fees=stated, amount=amount)
        if warning:
            self.warn(f.row, "Proceeds", f.row.get("Proceeds"), warning)
        return fees

    def option_end(self, f: Fill) -> None:
        option = f.instrument
        assert isinstance(option, OptionContract)
        quantity = abs(f.signed)
        if f.currency or (f.leg is not None and f.leg.currency):
            raise NotModelled(
                f"an option end in {f.currency or (f.leg and f.leg.currency)}: the journal's option ends "
                "carry no currency; record it in a journal CSV with `resolves`",
                amount=f.amount + (f.leg.amount if f.leg is not None else ZERO),
                symbols=[option.underlying],
            )
        proceeds = f.row.optional_number("Proceeds") or ZERO
        if f.end == CASH_SETTLED or (f.leg is None and proceeds):
            self.cash_settled(f, option, proceeds)
            return
        if f.end == EXPIRED:
            when, fees = datetime.combine(option.expiry, END_OF_DAY), ZERO - f.commission
        else:
            if f.leg is None:
                what = "assignment" if f.end == ASSIGNED else "exercise"
                raise NotModelled(
                    f"an {what} whose stock row is not in this statement: record it in a journal CSV with "
                    "`resolves`",
                    amount=f.amount,
                    symbols=[option.underlying],
                )
            buys = option.is_put if f.end == ASSIGNED else not option.is_put
            stated = ZERO - f.commission - f.leg.commission
            total = f.amount + f.leg.amount
            fees = self.booked(
                f, buys=buys, gross=quantity * option.multiplier * option.strike, stated=stated, amount=total
            )
            when = f.when
        assert f.end is not None
        self.emit(
            f.row.line,
            END_EVENTS[f.end](
                option=option,
                quantity=quantity,
                fees=fees,
                account=f.row.account,
                time=when,
                key=f.key,
                source=self.info.source(f.row.line),
            ),
        )

    def cash_settled(self, f: Fill, option: OptionContract, proceeds: Decimal) -> None:
        """An index option ended for cash (no stock row, cash on the option row; an `Ep` row with proceeds,
        or an exercises section's "Cash Settlement"): OptionCashSettled at the index value the proceeds imply
        (`settlement_of`); the proceeds' sign says who paid (negative: the writer)."""
        quantity = abs(f.signed)
        settlement = settlement_of(option, quantity, f.price, proceeds)
        if settlement <= 0 or not proceeds:
            raise NotModelled(
                f"a cash settlement of {option.name} whose proceeds ({proceeds}) imply no index value: not "
                "modelled; record it in a journal CSV with `resolves`",
                amount=f.amount,
                symbols=[option.underlying],
            )
        event = OptionCashSettled(
            option=option,
            quantity=quantity,
            settlement=settlement,
            account=f.row.account,
            time=f.when,
            key=f.key,
            source=self.info.source(f.row.line),
        )
        fees = self.booked(
            f, buys=proceeds < 0, gross=event.value, stated=ZERO - f.commission, amount=f.amount
        )
        self.emit(f.row.line, replace(event, fees=fees))

    # -- cash --

    def cash(self, row: Row) -> None:
        kind = CASH_SECTIONS[row.section]
        when = row.stamp("Date", "Settle Date")
        key = self.key(row)
        amount = row.number("Amount")
        try:
            currency, fx_rate = self.base_currency(row, amount, when.date())
        except NotModelled as exc:
            self.keep(row, exc, when, key)
            return
        text = row.get("Description")
        if kind is None:
            kind = CashKind.DEPOSIT if amount >= 0 else CashKind.WITHDRAW
        subtitle = row.get("Subtitle")
        self.emit(
            row.line,
            CashMoved(
                kind=kind,
                amount=amount,
                symbol=named_ticker(text),
                description=f"{subtitle}: {text}" if subtitle and text else text or subtitle or row.section,
                currency=currency,
                fx_rate=fx_rate,
                account=row.account,
                time=when,
                key=key,
                source=self.info.source(row.line),
            ),
        )

    # -- corporate actions --

    def corporate_actions(self, rows: list[Row]) -> None:
        done: set[tuple[str, str, Decimal, Decimal, date]] = set()
        for row in rows:
            if not row.is_total:
                self.guarded(row, lambda r: self.corporate_action(r, done))

    def corporate_action(self, row: Row, done: set[tuple[str, str, Decimal, Decimal, date]]) -> None:
        when = row.stamp("Date/Time", "Report Date")
        key = self.key(row)
        proceeds = row.optional_number("Proceeds") or ZERO
        _, words = row.require("Description")
        try:
            self.base_currency(row, proceeds, when.date())
            split = _SPLIT.search(words)
            ticker = named_ticker(words)
            if row.get("Asset Category") != STOCKS or split is None or ticker is None or proceeds:
                raise NotModelled(
                    f"a corporate action ({words}): not modelled yet; record its effect in a journal CSV "
                    "with `resolves`",
                    amount=proceeds,
                    symbols=named_tickers(words),
                )
            try:
                new, old = SPLIT_PART.read(split["new"]), SPLIT_PART.read(split["old"])
            except ValueError as exc:
                raise RowError("Description", words, bounds.why(exc, "not a split ratio")) from None
            if new <= 0 or old <= 0 or new == old:
                raise RowError("Description", words, "not a split ratio")
        except NotModelled as exc:
            self.keep(row, exc, when, key)
            return
        group = (row.account, ticker, new, old, when.date())
        if group in done:
            return  # the other row of the same split (a reverse split's removal and addition)
        done.add(group)
        self.emit(
            row.line,
            SplitApplied(
                symbol=ticker,
                new=new,
                old=old,
                account=row.account,
                time=when,
                key=key,
                source=self.info.source(row.line),
                note=words,
            ),
        )

    # -- what the broker reports --

    def report_time(self, row: Row) -> datetime:
        if self.st.period_end is None:
            raise RowError(None, None, "no statement Period (Statement,Data,Period,...) to date this report")
        return datetime.combine(self.st.period_end, END_OF_DAY)

    def positions(self, rows: list[Row]) -> None:
        summary = [r for r in rows if r.get("DataDiscriminator") in ("", "Summary")]
        chosen = summary or [r for r in rows if r.get("DataDiscriminator") == "Lot"]
        totals: dict[tuple[str, str], tuple[Row, Instrument, Decimal]] = {}
        for row in chosen:
            try:
                category = row.get("Asset Category")
                if category not in (STOCKS, OPTIONS) or row.get("Currency") not in ("", self.st.base):
                    continue  # the journal books none of these, so none is reported either
                multiplier = row.optional_number("Mult") or STANDARD_MULTIPLIER
                if category == OPTIONS:
                    self.st.multipliers.setdefault(row.get("Symbol"), multiplier)
                instrument = self.instrument(row, category)
                quantity = row.number("Quantity")
                slot = (row.account, instrument.name)
                first, _, held = totals.get(slot, (row, instrument, ZERO))
                totals[slot] = (first, instrument, held + quantity)
            except RowError as err:
                self.problem(row.line, err.column, err.value, err.message)
        for (account, inst_name), (row, instrument, quantity) in totals.items():
            try:
                when = self.report_time(row)
            except RowError as err:
                self.problem(row.line, err.column, err.value, err.message)
                return
            self.emit(
                row.line,
                PositionReported(
                    instrument=instrument,
                    quantity=quantity,
                    account=account,
                    time=when,
                    key=self.keys.key(account, None, f"position\x1f{when.date().isoformat()}\x1f{inst_name}"),
                    source=self.info.source(row.line),
                ),
            )

    def cash_report(self, rows: list[Row]) -> None:
        """The base currency's ending cash: its own row, else the summary when it is the only currency."""
        ending = [r for r in rows if r.get("Currency Summary") == "Ending Cash"]
        own = [r for r in ending if r.get("Currency") == self.st.base]
        only_summary = all(r.get("Currency") == "Base Currency Summary" for r in ending)
        for row in own or (ending if only_summary else []):
            try:
                amount = row.number("Total")
                when = self.report_time(row)
            except RowError as err:
                self.problem(row.line, err.column, err.value, err.message)
                continue
            self.emit(
                row.line,
                CashReported(
                    amount=amount,
                    account=row.account,
                    time=when,
                    key=self.keys.key(row.account, None, f"cash\x1f{when.date().isoformat()}"),
                    source=self.info.source(row.line),
                ),
            )

    # -- sections tj does not know --

    def unknown_section(self, row: Row) -> None:
        dated = next((c for c in ("Date/Time", "Date", "Settle Date", "Report Date") if row.get(c)), None)
        when = row.stamp(dated) if dated else self.report_time(row)
        key = self.key(row)
        self.result.book(row.account, None)
        symbol = row.get("Symbol")
        self.keep(
            row,
            NotModelled(
                f"a row of the section {row.section!r}, which tj does not read yet: its cash is not counted; "
                "record its effect in a journal CSV with `resolves`",
                symbols=[_symbol_underlying(symbol, self.st)] + named_tickers(row.get("Description")),
            ),
            when,
            key,
        )


def _account(value: str) -> str:
    """`U1234567`, also from `U1234567 (Custom Consolidated)`."""
    return value.split()[0] if value.strip() else ""


def _symbol_underlying(symbol: str, st: Statement) -> str:
    """The underlying a row's symbol names, for marking it incomplete ("" when it names none)."""
    if not symbol:
        return ""
    option = option_symbol(symbol, st.multipliers.get(symbol, STANDARD_MULTIPLIER))
    if option is not None:
        return option.underlying
    return symbol.split()[0] if symbol.split() else ""


def parse(path: Path, account: str | None = None) -> ParseResult:
    return _Parser(path, account).run()
