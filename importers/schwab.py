"""Charles Schwab transaction history CSV (schwab.com → Accounts → History → Export → CSV).

Why an importer of its own: Schwab writes one fact over several rows (an assignment is an "Assigned" option
row plus a stock "Buy"/"Sell" row at the strike, with no id linking them), dates rows "MM/DD/YYYY as of
MM/DD/YYYY", writes money as `$1,259.59` / `-$1,281.30` / `($123.45)`, and has changed the file's frame
three times (../shared/FORMATS.md section 1):

- up to mid-2022: a title line `"Transactions  for account ... as of ..."`, a trailing comma on the header
  and every row (a ninth, empty column), and a closing `"Transactions Total",...` line;
- 2022–2023: the same title and total line, no trailing comma;
- 2023-12 onward (after the TD Ameritrade merger; TD accounts moved to Schwab export this same format):
  no title and no total, the file starts with the header.

All three share the eight column names, which are mapped by name (one report saw Quantity and Price
swapped). Rows come newest first; that order is kept, the books order facts by their dates.

Decisions, each deliberate (the report and tests/importers/fixtures/schwab/README.md list them):

- Account: the files do not name it (the masked name in the old title line is not an id, and the new
  files have none), so the `account` argument, else "default". The file name is never read.
- Natural key: Schwab has no transaction id, so the key is the row's content, normalised (dates as ISO,
  numbers as plain decimals, an option as its OCC name, the Description left out), plus its occurrence
  among identical rows (KeyMaker). The same row from an old-format and a new-format export, or from two
  overlapping exports, gets the same key; two identical fills in one file stay two facts.
- The event date is the "as of" date when the row has one. An expiry is dated on the option's expiration
  at 23:59:59; an assignment or exercise on the option row's ("as of") date, even when Schwab posts the
  stock row days later.
- Assigned / Exchange or Exercise: merged with the stock "Buy"/"Sell" row of the same underlying, shares =
  100 × contracts, price = strike, dated on the option row's day or up to `SETTLEMENT_DAYS` after; the
  stock row's fees are added to the event's. No such row: the option row is kept unresolved, never guessed.
- The broker's Amount is the truth for cash: a trade whose Amount differs from quantity × price ± fees is
  booked as Schwab booked it (the fees carry the difference; a warning from a cent up), beyond the
  tolerance of `importers.base.booked_fees` it is unresolved.
- Income and cash: dividends and fund capital-gain distributions are DIVIDEND (of their symbol); bank,
  credit, bond and margin interest are INTEREST (margin interest negative, as written); fees are FEE and
  foreign or NRA tax withheld is TAX (negative, of their symbol if any); transfers are DEPOSIT or WITHDRAW
  by the sign of Amount.
- Journaled Shares, Security Transfer and a Journal with a symbol and a quantity move shares in or out
  without a sale: `SecurityTransferred` (the row gives no basis: basis missing until one is given). The
  same actions with an amount and no quantity are cash (an ACAT fee, a journal of cash); with shares and
  cash at once, or neither stated, they are unresolved.
- Bonds (issue 15): a Buy or Sell of a CUSIP whose Description reads as a bond's (`US TREASURY BILL19U S T
  BILL DUE 06/02/18`, `UNITED STATES TREAS BILLS 0%24 DUE 09/12/24`) is a TradeExecuted of
  `Bond(cusip, bill|note|bond, maturity)` (`importers.bonds.bond_named`): quantity = face, price per
  100. A Full Redemption (the face, negative, no cash) with the Full Redemption Adj of its CUSIP on its day
  (the cash, no quantity) is one SELL of the face at cash × 100 / face, the bond as the file's buy named
  it; the Adj row makes no event of its own. A Full Redemption with its face and its cash on one row is
  that sale too.
- Corporate actions (issue 15) Schwab writes as two rows of one action on one day, the old shares out (-,
  often by CUSIP: `171439102 CHURCHILL CAPITAL IV XXXMANDATORY MERGER`) and the new in (+, a ticker):
  Stock Merger and Conversion are one StockMerged of new:old from the quantities (AMC preferred 344 -> 34
  AMC), Name Change of as many shares a SymbolChanged (else a StockMerged). The old symbol is its ticker
  where the row gives one, else the one ticker of the file's rows described alike, else the CUSIP (the
  event's note says which). Cash In Lieu of a stock is IN_LIEU cash of it. Kept unresolved, each reason
  naming the journal-CSV row that resolves it: a Spin-off (the file gives neither the parent, the ratio
  nor the basis allocation of Form 8937), a Stock Split, Reverse Split or Stock Div Dist that gives the
  shares added, not the ratio (the ratio would need the holding, and cash in lieu makes the rows' shares
  inexact), a lone row of a pair.
- Rows that change holdings in ways tj does not model yet (Stock Plan Activity, a CUSIP that names no
  bond), any action not in these tables that names a security or a quantity, and a cash-settled option's
  expiry are kept as unresolved events with their Amount (a CUSIP row names the CUSIP as its symbol).
  A row that names no security and no quantity but has an Amount is cash whatever its action (ATM
  Withdrawal, Schwab ATM Rebate, a Full Redemption credited as cash), its kind from its words
  (`cash_kind`; unknown words: OTHER, with a warning).
- A Stock Split or Reverse Split row gives the shares added or removed, not the ratio: it is a
  SplitApplied only when its Description states the ratio (`2 FOR 1`), else unresolved, naming the
  journal-CSV SPLIT row to resolve it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from importers import bounds
from importers.base import (
    UNKNOWN_CASH,
    FileInfo,
    ImportProblem,
    KeyMaker,
    NotModelled,
    ParseResult,
    RowError,
    booked_fees,
    unresolved,
)
from importers.bonds import bond_named, exact_bond_price
from importers.bounds import AMOUNT, PRICE, QUANTITY, SPLIT_PART, Bound
from importers.common import CsvRow, StockLeg, cash_kind, match_stock_leg, money, read_csv_table, us_date
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    SecurityTransferred,
    SourceRef,
    SplitApplied,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import (
    STANDARD_MULTIPLIER,
    Bond,
    InvalidOption,
    OptionContract,
    Stock,
    parse_option,
    parse_stock,
)
from journal.money import ZERO, OutOfBounds

name = "schwab-csv"
description = (
    "Charles Schwab transaction history CSV (Date, Action, Symbol, Description, Quantity, Price, "
    "Fees & Comm, Amount), old and new layouts"
)

DEFAULT_ACCOUNT = "default"
COLUMNS = ("date", "action", "symbol", "description", "quantity", "price", "fees & comm", "amount")
# How many days after the option row Schwab may post the stock row of an assignment or exercise
# (cgt-calc PR #1012's tests have it three and four days later, across a weekend; a holiday adds one).
SETTLEMENT_DAYS = 5
END_OF_DAY = time(23, 59, 59)

_TITLE = re.compile(r"^\s*transactions\s+for\s+account\b", re.IGNORECASE)
_FOOTER = re.compile(r"^\s*transactions\s+total\b", re.IGNORECASE)
_DATE = re.compile(r"^\s*(\S+)(?:\s+as\s+of\s+(\S+))?\s*$", re.IGNORECASE)
# Schwab's readable option symbol: `SPY 03/31/2020 284.00 P` (the OSI form goes to parse_option).
_SCHWAB_OPTION = re.compile(
    r"^(?P<root>[A-Z][A-Z0-9./]{0,7})\s+(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\s+"
    r"(?P<strike>\d+(?:\.\d+)?)\s+(?P<right>[CP])$",
    re.ASCII,
)
# A split ratio stated in words in a Description: `2 FOR 1`, `1-FOR-10`.
_RATIO = re.compile(r"\b(\d+(?:\.\d+)?)\s*-?\s*FOR\s*-?\s*(\d+(?:\.\d+)?)\b", re.IGNORECASE | re.ASCII)


# -- the action vocabulary ------------------------------------------------------------------------

OPTION_TRADES = {
    "buy to open": TradeAction.BTO,
    "sell to open": TradeAction.STO,
    "buy to close": TradeAction.BTC,
    "sell to close": TradeAction.STC,
}
EXPIRED = "expired"
ASSIGNED = "assigned"
EXERCISED = "exchange or exercise"
# "Buy"/"Sell" may be the stock leg of an assignment or exercise; the others never are.
STOCK_LEG_ACTIONS = {"buy": True, "sell": False}
STOCK_TRADES = {
    "buy": TradeAction.BUY,
    "sell": TradeAction.SELL,
    "sell short": TradeAction.SELL,  # the books see a sale with no shares held as a short sale
    # Shares bought with a reinvested dividend; the dividend itself is the "Reinvest Dividend" row.
    "reinvest shares": TradeAction.BUY,
}
SPLITS = {"stock split": True, "reverse split": False}  # action -> whether the split is forward
DIVIDENDS = {
    "cash dividend",
    "qualified dividend",
    "non-qualified div",
    "special dividend",
    "special non qual div",
    "special qual div",
    "reinvest dividend",  # the dividend credited; the shares it buys are the "Reinvest Shares" row
    "qual div reinvest",
    "pr yr cash div",
    "pr yr div reinvest",
    "pr yr special div",
    "pr yr non qual div",
    # A fund's capital-gain distribution is cash income from the fund: DIVIDEND of its symbol.
    "long term cap gain",
    "short term cap gain",
    "long term cap gain reinvest",
    "short term cap gain reinvest",
}
INTEREST = {
    "bank interest",
    "bank interest adj",
    "credit interest",
    "bond interest",
    "margin interest",  # interest paid: a negative INTEREST, as Schwab writes it
}
FEES = {
    "service fee",
    "adr mgmt fee",
    "advisor fee",
    "foreign tax paid",  # tax withheld on a foreign dividend: money out, kept with its symbol
    # US tax withheld from a non-resident's interest (or its refund), written `$-0.88`
    # (KapJI/capital-gains-calculator tests/schwab/data/interest_tax/transactions.csv).
    "nra tax adj",
}
# Money in or out of the account: DEPOSIT when Amount is positive, WITHDRAW when negative.
TRANSFERS = {
    "journal",
    "moneylink transfer",
    "moneylink deposit",
    "moneylink adj",
    "wire funds",
    "wire funds received",
    "wire funds adj",
    "wire sent",
    "funds received",
    "internal transfer",
    "bank transfer",
    "misc cash entry",
    "promotional award",  # a cash bonus: money in that no trade made
}
# Shares or contracts moved into or out of the account without a sale (a signed Quantity): transfers.
SHARE_TRANSFERS = {"security transfer", "journaled shares", "journal", "internal transfer"}
# Rows read cleanly whose meaning tj does not model yet: kept as unresolved events, with their cash.
NOT_SUPPORTED = {
    "stock merger": "a stock merger's row without its other row (the old shares out, the new in, on one day)",
    "name change": "a name change's row without its other row (the old symbol out, the new in, on one day)",
    "conversion": "a conversion's row without its other row (the old shares out, the new in, on one day)",
    "stock plan activity": "stock plan shares come with a basis the row does not give",
    "full redemption": "a redemption's row without its other row (Full Redemption: the face redeemed; Full "
    "Redemption Adj: its cash; on one day)",
    "full redemption adj": "a redemption's row without its other row (Full Redemption: the face redeemed; "
    "Full Redemption Adj: its cash; on one day)",
}
# Corporate actions Schwab writes as two rows of one action on one day: the new shares (+, a ticker) and
# the old ones (-, often by CUSIP). A name change of as many shares is a SymbolChanged; otherwise (a stock
# merger, a conversion, a name change of other quantities) a StockMerged of new:old from the quantities.
PAIRED = {"stock merger", "name change", "conversion"}
REDEMPTION, REDEMPTION_CASH = "full redemption", "full redemption adj"
CASH_IN_LIEU = "cash in lieu"
SPIN_OFF = "spin-off"
STOCK_DIVIDEND = "stock div dist"
# Schwab appends its own words to the description of a corporate action's old security: `CHURCHILL CAPITAL
# IV XXXMANDATORY MERGER EFF: 07/26/21`.
_SCHWAB_SUFFIX = re.compile(r"\s*XXX.*$")
# A CUSIP (Treasuries, bonds, CDs, funds and old names after a corporate action): not a ticker tj trades.
_CUSIP = re.compile(r"^[0-9]{3}[0-9A-Z]{5}[0-9]$")


_OptionEnd = OptionAssigned | OptionExercised


class _Common(TypedDict):
    """What every event of a row carries besides its own fields and time."""

    account: str
    key: str
    source: SourceRef
    note: str


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def _named(cells: list[str]) -> list[str]:
    """The header's column names, lower-cased, without the empty column a trailing comma makes."""
    names = [_normal(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    return names


def _is_header(cells: list[str]) -> bool:
    return sorted(_named(cells)) == sorted(COLUMNS)


def _is_footer(cells: list[str]) -> bool:
    return bool(cells) and bool(_FOOTER.match(cells[0]))


def identify(path: Path, head: str) -> bool:
    """The header on the first line, or under Schwab's `Transactions  for account` title line."""
    lines = [line for line in head.lstrip("\ufeff").splitlines() if line.strip()][:2]
    for i, line in enumerate(lines):
        try:
            cells = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            return False
        if _is_header(cells):
            return True
        if not (i == 0 and cells and _TITLE.match(cells[0])):
            return False
    return False


# -- reading one row ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row, read: its dates, action and numbers, and the normalised content its key hashes."""

    line: int
    date_text: str
    action: str  # normalised (lower case, single spaces)
    action_text: str  # as written, for messages
    posted: date
    day: date  # the "as of" date when there is one, else the posted date
    symbol: str
    description: str
    quantity: Decimal | None
    price: Decimal | None
    fees: Decimal | None
    amount: Decimal | None
    instrument: Stock | OptionContract | None

    def content(self) -> str:
        def num(value: Decimal | None) -> str:
            return "" if value is None else format(value.normalize(), "f")

        symbol = self.instrument.name if self.instrument is not None else self.symbol.upper()
        return "\x1f".join(
            (
                f"date={self.posted.isoformat()}",
                f"as_of={self.day.isoformat()}",
                f"action={self.action}",
                f"symbol={symbol}",
                f"quantity={num(self.quantity)}",
                f"price={num(self.price)}",
                f"fees={num(self.fees)}",
                f"amount={num(self.amount)}",
            )
        )


class _Columns:
    """Where each named column sits, and the header's own spelling of it for error messages."""

    def __init__(self, header: list[str], spelled: list[str]) -> None:
        header = [_normal(c) for c in header]  # as `_is_header` accepted it (`Fees  &  Comm` too)
        self.index = {c: header.index(c) for c in COLUMNS}
        self.spelling = {c: spelled[header.index(c)] for c in COLUMNS}
        self.width = len(_named(header))

    def cell(self, row: CsvRow, column: str) -> str:
        i = self.index[column]
        return row.raw[i].strip() if i < len(row.raw) else ""


def _schwab_option(text: str) -> OptionContract | None:
    """`SPY 03/31/2020 284.00 P`, None when the text is not of that form; InvalidOption when its expiry
    or strike makes no sense."""
    m = _SCHWAB_OPTION.match(" ".join(text.split()).upper())
    if not m:
        return None
    try:
        expiry = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise InvalidOption("not an option symbol") from None
    strike = Decimal(m["strike"])
    option = OptionContract(m["root"], expiry, m["right"], strike.normalize() + 0, STANDARD_MULTIPLIER)
    try:
        bounds.option_fields(option)
    except OutOfBounds as exc:
        raise InvalidOption(str(exc)) from None
    return option


def _option(text: str) -> OptionContract | None:
    """Either Schwab option symbol: `SPY 03/31/2020 284.00 P` or OSI `QQQ   240430C00432000` (InvalidOption
    when one whose expiry or strike makes no sense)."""
    if not text:
        return None
    return _schwab_option(text) or parse_option(text)


def _instrument(text: str) -> Stock | OptionContract | None:
    return _option(text) or (parse_stock(text) if text else None)


def _dates(raw: str) -> tuple[date, date]:
    m = _DATE.match(raw)
    if not m:
        raise ValueError
    posted = us_date(m[1])
    return posted, us_date(m[2]) if m[2] else posted


def _read_row(cols: _Columns, row: CsvRow) -> _Row:
    spelled = cols.spelling
    for i, cell in enumerate(row.raw):
        if i >= cols.width and cell.strip():
            raise RowError(None, cell.strip(), f"a value past the last column ({len(row.raw)} fields)")
    if len(row.raw) < cols.width:
        raise RowError(None, None, f"{len(row.raw)} fields where the header has {cols.width}")
    raw_date = cols.cell(row, "date")
    try:
        posted, day = _dates(raw_date)
    except ValueError as exc:
        raise RowError(
            spelled["date"],
            raw_date,
            bounds.why(exc, "not a date (MM/DD/YYYY or MM/DD/YYYY as of MM/DD/YYYY)"),
        ) from None

    def number(column: str, what: str, bound: Bound = AMOUNT) -> Decimal | None:
        raw = cols.cell(row, column)
        if raw in ("", "--"):
            return None
        try:
            return money(raw, bound)
        except ValueError as exc:
            raise RowError(spelled[column], raw, bounds.why(exc, what)) from None

    symbol = cols.cell(row, "symbol")
    try:
        instrument = _instrument(symbol)
    except InvalidOption as exc:
        raise RowError(spelled["symbol"], symbol, str(exc)) from None
    return _Row(
        line=row.line,
        date_text=raw_date,
        action=_normal(cols.cell(row, "action")),
        action_text=" ".join(cols.cell(row, "action").split()),
        posted=posted,
        day=day,
        symbol=symbol,
        description=" ".join(cols.cell(row, "description").split()),
        quantity=number("quantity", "not a number", QUANTITY),
        price=number("price", "not an amount", PRICE),
        fees=number("fees & comm", "not an amount"),
        amount=number("amount", "not an amount"),
        instrument=instrument,
    )


# -- building events ------------------------------------------------------------------------------


class _Builder:
    """Turns read rows into events; knows the column spellings for its error messages."""

    def __init__(self, info: FileInfo, cols: _Columns, account: str, result: ParseResult) -> None:
        self.info, self.cols, self.account, self.result = info, cols, account, result
        self.keymaker = KeyMaker()

    def warn(self, row: _Row, column: str, value: str | None, message: str) -> None:
        self.result.warnings.append(ImportProblem(self.info.name, row.line, self.col(column), value, message))

    def unresolved(self, row: _Row, exc: NotModelled, raw: list[str]) -> Event:
        symbols = exc.symbols or (
            (row.instrument.underlying,) if row.instrument else (row.symbol,) if row.symbol else ()
        )
        exc = NotModelled(
            exc.reason, amount=row.amount if exc.amount is None else exc.amount, symbols=symbols
        )
        return unresolved(
            exc,
            account=self.account,
            time=datetime.combine(row.day, time()),
            key=self.key(row),
            source=self.info.source(row.line),
            raw=raw,
        )

    def col(self, column: str) -> str:
        return self.cols.spelling[column]

    def key(self, row: _Row) -> str:
        return self.keymaker.key(self.account, None, row.content())

    def common(self, row: _Row) -> _Common:
        return {
            "account": self.account,
            "key": self.key(row),
            "source": self.info.source(row.line),
            "note": row.description,
        }

    # -- cells --

    def quantity(self, row: _Row, raw_column: str = "quantity") -> Decimal:
        if row.quantity is None:
            raise RowError(self.col(raw_column), None, f"missing: {self.action_name(row)} needs a quantity")
        if row.quantity == 0:
            raise RowError(self.col(raw_column), "0", "must not be zero")
        return abs(row.quantity)

    def price(self, row: _Row) -> Decimal:
        if row.price is None:
            raise RowError(self.col("price"), None, f"missing: {self.action_name(row)} needs a price")
        if row.price < 0:
            raise RowError(self.col("price"), str(row.price), "must not be negative")
        return row.price

    def fees(self, row: _Row) -> Decimal:
        if row.fees is None:
            return ZERO
        if row.fees < 0:
            raise RowError(self.col("fees & comm"), str(row.fees), "must not be negative")
        return row.fees

    def amount(self, row: _Row) -> Decimal:
        if row.amount is None:
            raise RowError(self.col("amount"), None, f"missing: {self.action_name(row)} needs an amount")
        return row.amount

    def no_cash(self, row: _Row) -> None:
        if row.amount is not None and row.amount != 0:
            raise NotModelled(f"{self.action_name(row)} of an option that moved cash: a cash-settled option")

    def option(self, row: _Row) -> OptionContract:
        if not row.symbol:
            raise RowError(self.col("symbol"), None, f"missing: {self.action_name(row)} needs an option")
        if not isinstance(row.instrument, OptionContract):
            hint = " (a stock: its action would be Buy or Sell)" if row.instrument else ""
            raise RowError(self.col("symbol"), row.symbol, f"not an option symbol{hint}")
        return row.instrument

    def bond(self, row: _Row) -> Bond | None:
        """The bond a CUSIP row names by its Description (`US TREASURY BILL19U S T BILL DUE 06/02/18`)."""
        return bond_named(row.symbol, row.description) if _CUSIP.match(row.symbol) else None

    def stock(self, row: _Row) -> Stock:
        if _CUSIP.match(row.symbol):
            raise NotModelled(
                f"{self.action_name(row)} of {row.symbol} ({row.description}): a CD, fund or security named "
                "by CUSIP whose description names no bond tj can read"
            )
        if not row.symbol:
            raise RowError(self.col("symbol"), None, f"missing: {self.action_name(row)} needs a symbol")
        if not isinstance(row.instrument, Stock):
            hint = " (an option: its action would be Buy to Open, Sell to Close...)" if row.instrument else ""
            raise RowError(self.col("symbol"), row.symbol, f"not a stock symbol{hint}")
        return row.instrument

    @staticmethod
    def action_name(row: _Row) -> str:
        return row.action_text or "the row"

    # -- events --

    def trade(
        self, row: _Row, action: TradeAction, instrument: Stock | OptionContract | Bond
    ) -> TradeExecuted:
        quantity, price, fees = self.quantity(row), self.price(row), self.fees(row)
        if isinstance(instrument, Bond) and row.amount is not None:
            # Face and price per 100: the printed price replaced by the booked one it rounds.
            paid = -row.amount - fees if action.is_buy else row.amount + fees
            price = exact_bond_price(price, quantity, paid)
        if row.amount is not None:  # the broker's cash is the truth: cost or proceeds as booked
            gross = quantity * price * instrument.multiplier
            fees, warning = booked_fees(buys=action.is_buy, gross=gross, fees=fees, amount=row.amount)
            if warning:
                self.warn(row, "amount", str(row.amount), warning)
        return TradeExecuted(
            action=action,
            instrument=instrument,
            quantity=quantity,
            price=price,
            fees=fees,
            time=datetime.combine(row.day, time()),
            **self.common(row),
        )

    def transferred(self, row: _Row, instrument: Stock | OptionContract) -> SecurityTransferred:
        """Shares or contracts moved in (+) or out (-) without a sale; the row gives no basis."""
        assert row.quantity is not None
        return SecurityTransferred(
            instrument=instrument,
            quantity=row.quantity,
            time=datetime.combine(row.day, time()),
            **self.common(row),
        )

    def other_cash(self, row: _Row) -> CashMoved:
        """A cash-only row of an action tj has no table entry for: its kind from its words."""
        amount = self.amount(row)
        kind, known = cash_kind(f"{row.action_text} {row.description}", amount)
        if not known:
            self.warn(row, "action", row.action_text, UNKNOWN_CASH)
        return CashMoved(
            kind=kind,
            amount=amount,
            description=row.action_text,
            time=datetime.combine(row.day, time()),
            **self.common(row),
        )

    def expired(self, row: _Row) -> OptionExpired:
        option = self.option(row)
        self.no_cash(row)
        if row.day < option.expiry:
            raise RowError(self.col("date"), row.date_text, f"before the option's expiration {option.expiry}")
        return OptionExpired(
            option=option,
            quantity=self.quantity(row),
            fees=self.fees(row),
            # CONTRACT: an expiry closes on the expiration date even when the broker posts it later.
            time=datetime.combine(option.expiry, END_OF_DAY),
            **self.common(row),
        )

    def cash(self, row: _Row) -> CashMoved:
        amount = self.amount(row)
        symbol: str | None = None
        if row.action in DIVIDENDS:
            kind = CashKind.DIVIDEND  # of the account when the row names no symbol
            symbol = self.underlying(row) if row.symbol else None
        elif row.action in INTEREST:
            kind = CashKind.INTEREST  # of the account, even bond interest (its symbol is a CUSIP)
        elif row.action in FEES:
            kind = CashKind.TAX if "tax" in row.action else CashKind.FEE
            symbol = self.underlying(row) if row.symbol else None
        else:
            kind = CashKind.DEPOSIT if amount >= 0 else CashKind.WITHDRAW
        return CashMoved(
            kind=kind,
            amount=amount,
            symbol=symbol,
            description=row.action_text,
            time=datetime.combine(row.day, time()),
            **self.common(row),
        )

    def underlying(self, row: _Row) -> str:
        if row.instrument is None:
            raise RowError(self.col("symbol"), row.symbol, "not a symbol")
        return row.instrument.underlying

    def split(self, row: _Row, forward: bool) -> SplitApplied:
        stock = self.stock(row)
        m = _RATIO.search(row.description)
        if m is None:
            added = "" if row.quantity is None else f" ({format(row.quantity.normalize(), 'f')} shares)"
            raise NotModelled(
                f"a split that gives the shares added or removed{added}, not the ratio: resolve it with a "
                f"journal-CSV SPLIT row ({row.day.isoformat()},SPLIT,{stock.symbol},new:old)"
            )
        try:
            new, old = SPLIT_PART.read(m[1]), SPLIT_PART.read(m[2])
        except ValueError as exc:
            message = bounds.why(exc, "not a split ratio")
            raise RowError(self.col("description"), row.description, message) from None
        if new <= 0 or old <= 0 or (new > old) != forward:
            raise RowError(
                self.col("description"),
                row.description,
                f"the ratio {m[0]} is not a {'forward' if forward else 'reverse'} split",
            )
        return SplitApplied(
            symbol=stock.symbol,
            new=new,
            old=old,
            time=datetime.combine(row.day, time()),
            **self.common(row),
        )

    def redeemed(self, row: _Row, cash_row: _Row, bond: Bond) -> TradeExecuted:
        """Full Redemption (the face, negative) with its Full Redemption Adj (the cash): one sale of the face
        at cash / face × 100 per 100 (a bond is redeemed at par unless the cash says otherwise)."""
        face, cash = self.quantity(row), self.amount(cash_row)
        price = cash * 100 / face
        if price * face / 100 != cash or price.as_tuple().exponent < -9:  # type: ignore[operator]
            price = Decimal(100)  # no short price gives that cash: at par, the fees carry the rest
        fees, warning = booked_fees(buys=False, gross=face * price / 100, fees=ZERO, amount=cash)
        if warning:
            self.warn(cash_row, "amount", str(cash_row.amount), warning)
        return TradeExecuted(
            action=TradeAction.SELL,
            instrument=bond,
            quantity=face,
            price=price.normalize() + 0,
            fees=fees,
            time=datetime.combine(row.day, time()),
            account=self.account,
            key=self.key(row),
            source=self.info.source(row.line),
            note=f"redemption ({row.description}; cash: line {cash_row.line})",
        )

    def corporate(self, old: _Row, new: _Row, old_symbol: str, found: str) -> StockMerged | SymbolChanged:
        """A Stock Merger, Name Change or Conversion pair: the old shares (-) became the new (+). As many
        shares under a new symbol in a Name Change: a SymbolChanged; else a StockMerged of new:old shares
        (basis and dates carried over, IRC 354/358). `found` says how the old symbol was named."""
        new_stock = new.instrument
        if not isinstance(new_stock, Stock):
            raise NotModelled(f"{self.action_name(new)} to {new.symbol}: the new shares name no ticker")
        old_shares, new_shares = self.quantity(old), self.quantity(new)
        when, key, source = datetime.combine(old.day, time()), self.key(old), self.info.source(old.line)
        what = f"{self.action_name(old)}: {old_symbol} ({old.description}) -> {new_stock.symbol}{found}"
        if old.action == "name change" and old_shares == new_shares:
            return SymbolChanged(
                symbol=old_symbol,
                new_symbol=new_stock.symbol,
                note=what,
                account=self.account,
                time=when,
                key=key,
                source=source,
            )
        ratio = f"{format(new_shares.normalize(), 'f')} new for {format(old_shares.normalize(), 'f')} old"
        return StockMerged(
            symbol=old_symbol,
            new_symbol=new_stock.symbol,
            new=new_shares,
            old=old_shares,
            note=f"{what}; {ratio} from the rows' quantities",
            account=self.account,
            time=when,
            key=key,
            source=source,
        )

    def in_lieu(self, row: _Row) -> CashMoved:
        """Cash In Lieu of a fraction of a share of `symbol`: IN_LIEU cash (the fraction's basis returned,
        a gain past it)."""
        stock = self.stock(row)
        return CashMoved(
            kind=CashKind.IN_LIEU,
            amount=self.amount(row),
            symbol=stock.symbol,
            description=row.action_text,
            time=datetime.combine(row.day, time()),
            **self.common(row),
        )

    def option_ended(self, row: _Row, legs: list[StockLeg], used: set[int]) -> _OptionEnd:
        """An assignment or exercise: the option row and the stock row Schwab writes apart, as one event."""
        option = self.option(row)
        self.no_cash(row)
        contracts = self.quantity(row)
        assigned = row.action == ASSIGNED
        # Assigned: a written put buys the shares, a written call sells them; exercised: the other way.
        buys = option.is_put if assigned else not option.is_put
        shares = contracts * option.multiplier
        leg = match_stock_leg(
            legs,
            used,
            account=self.account,
            underlying=option.underlying,
            day=row.day,
            buy=buys,
            shares=shares,
            strike=option.strike,
            days_after=SETTLEMENT_DAYS,
        )
        if leg is None:
            last = row.day + timedelta(days=SETTLEMENT_DAYS)
            raise NotModelled(
                f"no stock row for it in this file: expected a {'Buy' if buys else 'Sell'} of "
                f"{format(shares.normalize(), 'f')} {option.underlying} at "
                f"{format(option.strike.normalize(), 'f')} dated {row.day.isoformat()} to {last.isoformat()} "
                "(export a period that includes it)",
            )
        cls = OptionAssigned if assigned else OptionExercised
        return cls(
            option=option,
            quantity=contracts,
            fees=self.fees(row) + leg.fees,
            time=datetime.combine(row.day, time()),
            **self.common(row),
        )


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()

    def problem(line: int, column: str | None, value: str | None, message: str) -> None:
        result.errors.append(ImportProblem(info.name, line, column, value, message))

    try:
        text = info.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem(info.data.count(b"\n", 0, exc.start) + 1, None, None, f"not UTF-8 text (byte {exc.start})")
        return result

    rows: list[CsvRow] = []
    spelled: list[str] = []

    def is_header(cells: list[str]) -> bool:
        # Keep the header as the file spells it, for messages (`Fees & Comm`, not `fees & comm`).
        if _is_header(cells):
            spelled[:] = cells
            return True
        return False

    try:
        _, header, table = read_csv_table(text, is_header, is_footer=_is_footer)
        for csv_row in table:
            rows.append(csv_row)
    except ValueError:
        problem(1, None, None, f"no Schwab header line ({', '.join(COLUMNS)})")
        return result
    except csv.Error as exc:
        problem(rows[-1].line + 1 if rows else 1, None, None, f"not valid CSV: {exc}")
        return result
    cols = _Columns(header, spelled)
    builder = _Builder(info, cols, account or DEFAULT_ACCOUNT, result)

    # First every row is read; then the stock rows that may be assignment legs are set apart, so that an
    # option row can find its stock row wherever the file put it (newest first: usually above it).
    read: list[_Row | None] = []
    for csv_row in rows:
        try:
            read.append(_read_row(cols, csv_row))
        except RowError as err:
            problem(csv_row.line, err.column, err.value, err.message)
            read.append(None)

    legs: list[StockLeg] = []
    for i, row in enumerate(read):
        if row is None or row.action not in STOCK_LEG_ACTIONS or not isinstance(row.instrument, Stock):
            continue
        if row.quantity is None or row.price is None or row.quantity == 0:
            continue  # not a leg; the row's own error is reported below
        legs.append(
            StockLeg(
                index=i,
                account=builder.account,
                symbol=row.instrument.symbol,
                day=row.day,
                buy=STOCK_LEG_ACTIONS[row.action],
                shares=abs(row.quantity),
                price=row.price,
                fees=row.fees if row.fees is not None and row.fees >= 0 else ZERO,
            )
        )
    # The nearest stock row first, when several would fit.
    legs.sort(key=lambda leg: (leg.day, rows[leg.index].line))

    used: set[int] = set()
    events: dict[int, Event] = {}
    for i, row in enumerate(read):
        if row is not None:
            result.book(builder.account, row.amount)  # the file's own cash, for the import's self-check
        if row is not None and row.action in (ASSIGNED, EXERCISED):
            try:
                events[i] = builder.option_ended(row, legs, used)
            except RowError as err:
                problem(row.line, err.column, err.value, err.message)
            except NotModelled as exc:
                events[i] = builder.unresolved(row, exc, rows[i].raw)

    heads = _pairs(read)
    partners = {partner for partner in heads.values()}
    for i, row in enumerate(read):
        if row is None or i in used or row.action in (ASSIGNED, EXERCISED) or i in partners:
            continue  # a pair's second row is part of the event of its first
        try:
            if i in heads:
                other = read[heads[i]]
                assert other is not None
                events[i] = _paired(builder, read, row, other)
            else:
                events[i] = _event(builder, row)
        except RowError as err:
            problem(row.line, err.column, err.value, err.message)
        except NotModelled as exc:
            events[i] = builder.unresolved(row, exc, rows[i].raw)

    result.events.extend(events[i] for i in sorted(events))
    result.errors.sort(key=lambda p: p.line)
    return result


def _names_security(row: _Row) -> bool:
    """Whether the row names a security or a quantity: else it can only have moved cash."""
    return bool(row.symbol) or row.quantity is not None


def _share_transfer(builder: _Builder, row: _Row) -> Event:
    """Journal, Security Transfer, Journaled Shares, Internal Transfer: the same actions move shares or
    money. Shares of a symbol and no cash are a transfer (+ in, - out); an amount and no quantity is
    cash; anything else (shares and cash at once, neither stated) is kept unresolved, never guessed."""
    name = builder.action_name(row)
    if row.quantity and row.symbol and not row.amount:
        if _CUSIP.match(row.symbol) or row.instrument is None:
            raise NotModelled(f"{name} of {row.symbol}: not a stock or option tj trades")
        return builder.transferred(row, row.instrument)
    if row.quantity is None and row.amount is not None:
        return builder.other_cash(row)  # money moved (an ACAT fee, a journal of cash)
    if row.quantity and row.amount:
        raise NotModelled(f"{name} that moved shares and cash at once: not modelled yet")
    raise NotModelled(f"{name} that states neither an amount nor shares of a symbol: what moved is unknown")


def _event(builder: _Builder, row: _Row) -> Event:
    action = row.action
    if action in SHARE_TRANSFERS:
        return _share_transfer(builder, row)
    if action in OPTION_TRADES:
        return builder.trade(row, OPTION_TRADES[action], builder.option(row))
    if action in STOCK_TRADES:
        bond = builder.bond(row)
        return builder.trade(row, STOCK_TRADES[action], bond or builder.stock(row))
    if action == REDEMPTION and row.quantity and row.quantity < 0 and row.amount and _CUSIP.match(row.symbol):
        # One row with the face and its cash: the sale a pair would make.
        return builder.redeemed(
            row, row, builder.bond(row) or Bond(row.symbol.upper(), "bond", None, row.description)
        )
    if action == CASH_IN_LIEU and row.amount and row.quantity is None and isinstance(row.instrument, Stock):
        return builder.in_lieu(row)
    if action == SPIN_OFF and row.quantity:
        raise NotModelled(
            f"a spin-off of {format(abs(row.quantity).normalize(), 'f')} {row.symbol} shares: the file gives "
            "neither the parent, the ratio nor the share of the parent's basis they take (IRS Form 8937); "
            f"resolve it with a journal-CSV SPINOFF row ({row.day.isoformat()},SPINOFF,<parent>,"
            f"new_symbol={row.symbol},ratio=new:old,allocation=<percent>)"
        )
    if action == STOCK_DIVIDEND and row.quantity:
        raise NotModelled(
            f"a stock dividend of {format(abs(row.quantity).normalize(), 'f')} {row.symbol} shares: the "
            'basis of the shares held spreads over the new ones (Pub 550 "Stock Dividends"), as a split\'s '
            "would, but the row gives the shares added, not the ratio; resolve it with a journal-CSV SPLIT "
            f"row ({row.day.isoformat()},SPLIT,{row.symbol},new:old)"
        )
    if action in SPLITS and _CUSIP.match(row.symbol):
        raise NotModelled(
            f"the old shares ({row.symbol}, {row.description}) a {row.action_text} removed, the ratio not "
            "stated (the new shares' row gives whole shares, cash in lieu apart); resolve it with a "
            f"journal-CSV SPLIT row ({row.day.isoformat()},SPLIT,<symbol>,new:old)"
        )
    if action == EXPIRED:
        return builder.expired(row)
    if action in DIVIDENDS or action in INTEREST or action in FEES or action in TRANSFERS:
        return builder.cash(row)
    if action in SPLITS:
        return builder.split(row, SPLITS[action])
    if not row.action:
        raise RowError(builder.col("action"), None, "missing: every row needs an action")
    if not _names_security(row) and row.amount is not None:
        # A cash-only row of any description, also of an action that moves securities when it names one
        # (a Full Redemption credited as plain cash).
        return builder.other_cash(row)
    if action in NOT_SUPPORTED:
        raise NotModelled(
            f"{NOT_SUPPORTED[action]}: not modelled yet; resolve it with journal-CSV rows that say what "
            "happened"
        )
    raise NotModelled(f"an action tj does not know ({row.action_text})")


def _pairs(read: list[_Row | None]) -> dict[int, int]:
    """The rows Schwab writes a fact over two of, each pair as its first row's index -> the other's:
    a Stock Merger, Name Change or Conversion on one day (the old shares' row, -, first; the new shares' row
    +; neither with cash; exactly one of each that day, else none is paired), and a Full Redemption (the
    face, -, no cash) with the Full Redemption Adj (the cash, no quantity) of its CUSIP on its day."""
    pairs: dict[int, int] = {}
    rows = [(i, row) for i, row in enumerate(read) if row is not None]
    groups: dict[tuple[str, date, date], list[tuple[int, _Row]]] = {}
    for i, row in rows:
        if row.action in PAIRED and row.quantity and not row.amount:
            groups.setdefault((row.action, row.posted, row.day), []).append((i, row))
    for group in groups.values():
        old = [i for i, row in group if row.quantity is not None and row.quantity < 0]
        new = [i for i, row in group if row.quantity is not None and row.quantity > 0]
        if len(old) == 1 and len(new) == 1:
            pairs[old[0]] = new[0]
    for i, row in rows:
        if row.action != REDEMPTION or not row.quantity or row.quantity > 0 or row.amount:
            continue
        cash = [
            j
            for j, other in rows
            if other.action == REDEMPTION_CASH
            and other.symbol.upper() == row.symbol.upper()
            and other.posted == row.posted
            and other.quantity is None
            and other.amount
            and j not in pairs.values()
        ]
        if len(cash) == 1:
            pairs[i] = cash[0]
    return pairs


def _ticker_of(read: list[_Row | None], old: _Row) -> str | None:
    """The ticker of the shares a corporate action's row names by CUSIP: the one stock of the file's other
    rows described as it is (Schwab's own `XXX...` words dropped)."""
    words = _SCHWAB_SUFFIX.sub("", old.description).upper()
    tickers = {
        row.instrument.symbol
        for row in read
        if row is not None
        and row is not old
        and isinstance(row.instrument, Stock)
        and not _CUSIP.match(row.symbol)
        and _SCHWAB_SUFFIX.sub("", row.description).upper() == words
    }
    return tickers.pop() if words and len(tickers) == 1 else None


def _bond_of(builder: _Builder, read: list[_Row | None], row: _Row) -> Bond:
    """The bond a redemption names: as the file's buy or sale of its CUSIP named it (with its maturity),
    else as its own description does, else a bond of that CUSIP."""
    for other in read:
        if other is not None and other.action in STOCK_TRADES and other.symbol.upper() == row.symbol.upper():
            bond = builder.bond(other)
            if bond is not None:
                return bond
    return builder.bond(row) or Bond(row.symbol.upper(), "bond", None, row.description)


def _paired(builder: _Builder, read: list[_Row | None], first: _Row, second: _Row) -> Event:
    if first.action == REDEMPTION:
        return builder.redeemed(first, second, _bond_of(builder, read, first))
    if isinstance(first.instrument, Stock) and not _CUSIP.match(first.symbol):
        return builder.corporate(first, second, first.instrument.symbol, "")
    ticker = _ticker_of(read, first)
    if ticker is not None:
        found = f" (its CUSIP {first.symbol.upper()} is {ticker} by the file's other rows)"
        return builder.corporate(first, second, ticker, found)
    found = f" (the old shares are named by their CUSIP {first.symbol.upper()}: no row names their ticker)"
    return builder.corporate(first, second, first.symbol.upper(), found)
