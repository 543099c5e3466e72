"""Fidelity's account history CSV (`Accounts_History.csv`, `History_for_Account_X.csv`) read into events.

Fidelity writes free-text actions (`YOU SOLD OPENING TRANSACTION PUT (SPY) ...`), matched here by prefix,
has changed its columns several times (mapped by name), and writes an assignment as an option row plus a
stock row, merged here into one OptionAssigned. Format facts and their sources: ../shared/FORMATS.md
section 4 and tests/importers/fixtures/fidelity/README.md.

What is refused, kept or booked (issue 13, `importers/base.py`):

- Refused (an error naming file, line and column; the file writes nothing): a cell that is not a date or a
  number, a negative price or commission (Quantity and Price swapped), a currency code in Quantity with no
  Currency column (columns shifted), a trade without its quantity, price or amount, an option action whose
  symbol is no option, an expiry dated before its expiration.
- The broker's Amount is the truth for cash: a trade (and an assignment's stock row) whose Amount differs
  from quantity × price × shares per contract ± commission and fees is booked as Fidelity booked it (the
  fees carry the difference, a warning from a cent up: `booked_fees`); beyond its tolerance it is kept
  unresolved.
- Bonds (issue 15): a row of a CUSIP whose Description (else Action) reads as a bond's (`UNITED STATES
  TREAS BILLS ZERO CPN 0.00000% 07/31/2025`, `... TREAS NTS NOTE ...`, a municipal `... REV REF BDS SER.
  05.00000% 11/15/2025`) is a TradeExecuted of `Bond(cusip, bill|note|bond, maturity)`: quantity = face,
  price per 100 (the printed price replaced by the booked one it rounds, `exact_bond_price`). The Accrued
  Interest column is an INTEREST row of its own on the bond's CUSIP (paid on a buy, received on a sale,
  whatever sign Fidelity gives it), the trade's cash being the Amount without it. `REDEMPTION PAYOUT` is a
  SELL at 100 (Fidelity writes 1 per dollar or 100 per 100). A CUSIP whose words say no bond (a CD or a
  fund without a ticker) stays unresolved.
- Mergers: `MERGER MER FROM <old CUSIP>` (+ new shares) with its `MERGER MER PAYOUT` (- old shares; the row
  whose symbol is that CUSIP, else the day's only one), neither moving cash, is one StockMerged new:old,
  the old symbol the ticker the file's other rows give that description, else the CUSIP (the note says
  which). A lone row, or one with cash, stays unresolved with what would resolve it.
- `IN LIEU OF FRX SHARE ...`: IN_LIEU cash of the row's symbol (the fraction's basis returned, a gain
  past it).
- Kept unresolved (the raw row, the reason, the Amount, the underlyings it names): CDs and funds named by
  CUSIP, a merger's lone row, a row in another currency, an expiry, assignment or exercise that moved cash
  (cash-settled), an assignment or exercise whose stock row is not in the file and a stock row whose option
  row is not, shares transferred together with cash, and any action tj does not know that names a security
  or a quantity.
- Transferred: `TRANSFERRED FROM` / `TRANSFERRED TO` (or any transfer action) of a symbol and a quantity
  moves shares without a sale: a SecurityTransferred, in for FROM, out for TO (else the quantity's sign);
  the file gives no basis, so the lot is *basis missing* until a journal-CSV row gives it.
- Cash: dividends and capital-gain distributions are DIVIDEND of their symbol, interest INTEREST, foreign
  tax withheld TAX, fees FEE, transfers, deposits, checks and debits DEPOSIT or WITHDRAW by the sign of the
  Amount; a row of an action tj does not know that names no security is cash, its kind from its words
  (`cash_kind`; OTHER with a warning when they say nothing tj knows). The action text is the description.
- The core position: a money-market fund (`SPAXX`, `FCASH`, a CUSIP described as `CASH`) is the account's
  cash, so buying, reinvesting or sweeping into it is no event, and the file's self-check books such a row
  as moving no cash (it moves cash between two forms of the account's cash).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path

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
from importers.bounds import AMOUNT, MULTIPLIER, PRICE, QUANTITY, Bound
from importers.common import (
    CsvRow,
    StockLeg,
    cash_amount,
    cash_kind,
    day_offsets,
    match_stock_leg,
    money,
    read_table,
)
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    SecurityTransferred,
    SourceRef,
    StockMerged,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import STANDARD_MULTIPLIER, Bond, OptionContract, Stock, parse_stock
from journal.money import ZERO, OutOfBounds

name = "fidelity-csv"
description = "Fidelity account history CSV (Accounts_History / History_for_Account: Run Date, Action, ...)"

DEFAULT_ACCOUNT = "default"
# An expiry, assignment or exercise is settled by the OCC after the close: after every trade of its day.
END_OF_DAY = time(23, 59, 59)
# Fidelity posts the stock row of an assignment up to a few business days after the option row.
LEG_DAYS = 5


class _Kind(Enum):
    STO = "STO"
    BTO = "BTO"
    STC = "STC"
    BTC = "BTC"
    BUY = "BUY"
    SELL = "SELL"
    REINVEST = "REINVEST"
    REDEMPTION = "REDEMPTION"
    ASSIGNED = "ASSIGNED"
    EXERCISED = "EXERCISED"
    EXPIRED = "EXPIRED"
    ASSIGNED_PUT_SHARES = "ASSIGNED_PUT_SHARES"
    ASSIGNED_CALL_SHARES = "ASSIGNED_CALL_SHARES"
    EXERCISED_CALL_SHARES = "EXERCISED_CALL_SHARES"
    EXERCISED_PUT_SHARES = "EXERCISED_PUT_SHARES"
    DIVIDEND = "DIVIDEND"
    CAPITAL_GAIN = "CAPITAL_GAIN"
    INTEREST = "INTEREST"
    FOREIGN_TAX = "FOREIGN_TAX"
    FEE = "FEE"
    DEPOSIT = "DEPOSIT"
    WITHDRAW = "WITHDRAW"
    TRANSFER = "TRANSFER"  # cash in or out by the sign of Amount
    SWEEP = "SWEEP"  # cash to or from the core money-market position: no event
    IN_LIEU = "IN_LIEU"  # cash in lieu of a fraction of a share (a merger's, a split's, a spin-off's)


# Action prefixes (upper case, runs of spaces collapsed), the longest that matches wins.
ACTIONS: dict[str, _Kind] = {
    "YOU SOLD OPENING TRANSACTION": _Kind.STO,
    "YOU BOUGHT OPENING TRANSACTION": _Kind.BTO,
    "YOU SOLD CLOSING TRANSACTION": _Kind.STC,
    "YOU BOUGHT CLOSING TRANSACTION": _Kind.BTC,
    "YOU BOUGHT ASSIGNED PUTS": _Kind.ASSIGNED_PUT_SHARES,
    "YOU SOLD ASSIGNED CALLS": _Kind.ASSIGNED_CALL_SHARES,
    # By analogy with the assignment rows (no public export with an exercise was found): see README.
    "YOU BOUGHT EXERCISED CALLS": _Kind.EXERCISED_CALL_SHARES,
    "YOU SOLD EXERCISED PUTS": _Kind.EXERCISED_PUT_SHARES,
    "ASSIGNED": _Kind.ASSIGNED,
    "EXERCISED": _Kind.EXERCISED,
    "EXPIRED": _Kind.EXPIRED,
    "YOU BOUGHT": _Kind.BUY,
    "YOU SOLD": _Kind.SELL,
    "REINVESTMENT": _Kind.REINVEST,
    "REDEMPTION PAYOUT": _Kind.REDEMPTION,
    "DIVIDEND RECEIVED": _Kind.DIVIDEND,
    "SHORT-TERM CAP GAIN": _Kind.CAPITAL_GAIN,
    "LONG-TERM CAP GAIN": _Kind.CAPITAL_GAIN,
    "INTEREST EARNED": _Kind.INTEREST,
    # Tax-exempt municipal bond interest (redstreet/beancount_reds_importers all-accounts fixture, 2025).
    "MUNI EXEMPT INT": _Kind.INTEREST,
    "FOREIGN TAX PAID": _Kind.FOREIGN_TAX,
    "FEE CHARGED": _Kind.FEE,
    "ADVISOR FEE": _Kind.FEE,
    "ELECTRONIC FUNDS TRANSFER RECEIVED": _Kind.DEPOSIT,
    "ELECTRONIC FUNDS TRANSFER PAID": _Kind.WITHDRAW,
    "DIRECT DEPOSIT": _Kind.DEPOSIT,
    "CHECK RECEIVED": _Kind.DEPOSIT,
    "DIRECT DEBIT": _Kind.WITHDRAW,
    "CHECK PAID": _Kind.WITHDRAW,
    "TRANSFERRED FROM": _Kind.TRANSFER,
    "TRANSFERRED TO": _Kind.TRANSFER,
    "WIRE TRANSFER": _Kind.TRANSFER,
    # `IN LIEU OF FRX SHARE LEU PAYOUT`, `... EU PAYOUT`, `... SPINOFF FROM:(SPGI ) ... (MBGL)`: cash for a
    # fraction of a share of the row's symbol (public Fidelity parsers' tests name these three).
    "IN LIEU OF FRX SHARE": _Kind.IN_LIEU,
    "PURCHASE INTO CORE ACCOUNT": _Kind.SWEEP,
    "REDEMPTION FROM CORE ACCOUNT": _Kind.SWEEP,
}
_PREFIXES = sorted(ACTIONS, key=len, reverse=True)

# Actions seen in real exports that change holdings without a trade price: kept unresolved with the
# reason, rather than as unknown. `MERGER MER FROM ...` / `MERGER MER PAYOUT ...` rows (shares in, old
# shares or cash out; redstreet/beancount_reds_importers fidelity fixtures).
NOT_SUPPORTED: dict[str, str] = {
    "MERGER": "a merger changes holdings without a trade price",
}
RESOLVE = "not modelled yet; resolve it with journal-CSV rows that say what happened"
# A stock-for-stock merger is two rows on one day: `MERGER MER FROM <old CUSIP>#REOR <id> ... (NEW)` adds
# the new shares, `MERGER MER PAYOUT #REOR <id> ... (OLD)` removes the old ones (a negative quantity).
_MERGER_FROM = re.compile(r"^MERGER\s+MER\s+FROM\s+([0-9A-Z]{8}[0-9])\b", re.IGNORECASE | re.ASCII)
_MERGER_PAYOUT = re.compile(r"^MERGER\s+MER\s+PAYOUT\b", re.IGNORECASE | re.ASCII)
_REOR = re.compile(r"#REOR\s*([A-Z0-9]+)", re.IGNORECASE | re.ASCII)

OPTION_TRADES = {
    _Kind.STO: TradeAction.STO,
    _Kind.BTO: TradeAction.BTO,
    _Kind.STC: TradeAction.STC,
    _Kind.BTC: TradeAction.BTC,
}
STOCK_TRADES = {
    _Kind.BUY: TradeAction.BUY,
    _Kind.SELL: TradeAction.SELL,
    _Kind.REINVEST: TradeAction.BUY,  # the dividend is its own DIVIDEND RECEIVED row; this buys shares
    _Kind.REDEMPTION: TradeAction.SELL,
}
# The stock row of an assignment or exercise: (ending that it belongs to, shares bought?)
STOCK_LEGS = {
    _Kind.ASSIGNED_PUT_SHARES: (_Kind.ASSIGNED, True),
    _Kind.ASSIGNED_CALL_SHARES: (_Kind.ASSIGNED, False),
    _Kind.EXERCISED_CALL_SHARES: (_Kind.EXERCISED, True),
    _Kind.EXERCISED_PUT_SHARES: (_Kind.EXERCISED, False),
}
NOTES = {
    _Kind.CAPITAL_GAIN: "capital gain distribution",
    _Kind.FOREIGN_TAX: "foreign tax withheld",
    _Kind.REINVEST: "dividend reinvested",
}

# Column names by what they hold; Fidelity suffixes money columns with " ($)" in some variants.
COLUMNS = {
    "run date": "date",
    "account": "account",
    "account number": "account_number",
    "action": "action",
    "symbol": "symbol",
    "description": "description",
    "security description": "description",
    "type": "type",
    "security type": "type",
    "quantity": "quantity",
    "price": "price",
    "commission": "commission",
    "fees": "fees",
    "accrued interest": "accrued",
    "amount": "amount",
    "currency": "currency",
    "cash balance": "balance",
    "settlement date": "settlement",
    "exchange quantity": "exchange_quantity",
    "exchange currency": "exchange_currency",
    "exchange rate": "exchange_rate",
}
REQUIRED = ("date", "action", "symbol", "quantity", "price", "amount")

_DATE_START = re.compile(r"^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", re.ASCII)
_AS_OF = re.compile(
    r"\bas of\s+([A-Za-z]{3}-\d{1,2}-\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[/-]\d{1,2}[/-]\d{2,4})",
    re.IGNORECASE | re.ASCII,
)
_SHARES_PER_CONTRACT = re.compile(r"\((\d+) SHS\)", re.IGNORECASE | re.ASCII)
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_ACCOUNT_NUMBER = re.compile(r"^[A-Z]?\d{5,}$", re.ASCII)
# Money-market funds (five-letter tickers ending in XX, and Fidelity's FCASH) hold the account's cash; so
# does the core position when an export names it by CUSIP with the description `CASH` (bankroll's file).
_MONEY_MARKET = re.compile(r"^(?:[A-Z]{3}XX|FCASH)$")
_CORE_DESCRIPTION = "CASH"
# A CUSIP (Treasuries, bonds, CDs, funds without a ticker; a CINS starts with a letter): no ticker tj trades.
_CUSIP = re.compile(r"^[0-9A-Z]{8}[0-9]$")


def _canonical(header_cell: str) -> str | None:
    text = " ".join(header_cell.replace("($)", " ").split()).lower()
    return COLUMNS.get(text)


def _is_header(cells: list[str]) -> bool:
    if not cells or _canonical(cells[0]) != "date":
        return False
    found = {_canonical(c) for c in cells}
    return all(r in found for r in REQUIRED)


def identify(path: Path, head: str) -> bool:
    lines = head.lstrip("\ufeff").splitlines()[:40]
    try:
        return any(_is_header([c.strip() for c in cells]) for cells in csv.reader(lines))
    except csv.Error:
        return False


class _Columns:
    """Where each known column is (by the header's lower-cased name) and how to name it in an error."""

    def __init__(self, header: list[str]) -> None:
        self.key: dict[str, str] = {}
        for lowered in header:
            canonical = _canonical(lowered)
            if canonical and canonical not in self.key:
                self.key[canonical] = lowered

    def has(self, canonical: str) -> bool:
        return canonical in self.key

    def get(self, row: CsvRow, canonical: str) -> str:
        key = self.key.get(canonical)
        return row.get(key) if key else ""

    def col(self, canonical: str) -> str:
        """The header's name of the column, capitalised as Fidelity writes it (`Price ($)`)."""
        key = self.key.get(canonical)
        return key.title() if key else canonical


def _day(text: str) -> date:
    raw = text.strip()
    for fmt in ("%m/%d/%Y", "%m-%d-%Y"):
        try:
            read = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return bounds.day(read)
    raise ValueError("not a date (MM/DD/YYYY)")


def _as_of(action: str) -> date | None:
    """The effective date Fidelity writes into some actions: `as of Feb-01-2025`, `AS OF 09-02-22`."""
    m = _AS_OF.search(action)
    if not m:
        return None
    for fmt in ("%b-%d-%Y", "%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%m-%d-%y"):
        try:
            read = datetime.strptime(m[1].title(), fmt).date()
        except ValueError:
            continue
        try:
            return bounds.day(read)
        except OutOfBounds as exc:
            raise RowError("Action", m[0], str(exc)) from None
    raise RowError("Action", m[0], "not a date after 'as of'")


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row, read and checked; quantities are unsigned (the action says the direction)."""

    index: int
    line: int
    account: str
    kind: _Kind | None  # None: an action tj does not know
    action: str
    day: date  # the "as of" date where the action gives one, else the run date
    symbol: str
    description: str
    quantity: Decimal | None
    signed_quantity: Decimal | None  # as the file signs it (out negative), for transfers
    price: Decimal | None
    fees: Decimal  # commission plus fees
    accrued: Decimal
    amount: Decimal | None
    currency: str
    content: str
    raw: list[str]

    def names_security(self) -> bool:
        """Whether the row names a security or a quantity (cash-only rows write `0.000` or nothing)."""
        return bool(self.symbol) or bool(self.quantity)

    def symbols(self) -> tuple[str, ...]:
        """The underlying the row names, for an unresolved row: an option's, else the symbol as written."""
        option = bounds.option_symbol(self.symbol.lstrip("-").strip(), "Symbol")
        return (option.underlying,) if option else (self.symbol,) if self.symbol else ()


def _kind(action: str) -> _Kind | None:
    upper = " ".join(action.split()).upper()
    return next((ACTIONS[p] for p in _PREFIXES if upper.startswith(p)), None)


def _number(cols: _Columns, column: str, text: str, bound: Bound = AMOUNT) -> Decimal | None:
    if text in ("", "--"):
        return None
    try:
        return money(text, bound)
    except ValueError as exc:
        raise RowError(cols.col(column), text, bounds.why(exc, "not a number")) from None


def _quantity_and_price(cols: _Columns, row: CsvRow) -> tuple[str, str, str, str, str]:
    """The texts of quantity, price and currency, and the columns they came from.

    Some exports (2021, FORMATS.md section 4) write the cells Currency, Price, Quantity under the header
    Quantity, Currency, Price: the Quantity column then holds `USD`. Such a row is read in that order and
    then checked like any other (a trade's amount must match quantity × price)."""
    quantity, price, currency = cols.get(row, "quantity"), cols.get(row, "price"), cols.get(row, "currency")
    if _CURRENCY_CODE.match(quantity):
        if not cols.has("currency"):
            raise RowError(cols.col("quantity"), quantity, "a currency code, not a quantity: columns shifted")
        return cols.get(row, "price"), cols.get(row, "currency"), quantity, "price", "currency"
    return quantity, price, currency, "quantity", "price"


def _account(cols: _Columns, row: CsvRow, default: str) -> str:
    number = cols.get(row, "account_number")
    if number:
        return number
    named = cols.get(row, "account")
    if named:
        # The 2019 layout names the account with its number last: "Joint WROS - TOD X30097152".
        last = named.split()[-1]
        return last if _ACCOUNT_NUMBER.match(last) else named
    return default


def _read_row(cols: _Columns, row: CsvRow, index: int, default_account: str) -> _Row:
    raw_date = cols.get(row, "date")
    try:
        run_date = _day(raw_date)
    except ValueError as exc:
        raise RowError(cols.col("date"), raw_date, str(exc)) from None
    action = " ".join(cols.get(row, "action").split())
    if not action:
        raise RowError(cols.col("action"), None, "missing: every row needs an action")
    quantity_text, price_text, currency, quantity_col, price_col = _quantity_and_price(cols, row)
    quantity = _number(cols, quantity_col, quantity_text, QUANTITY)
    price = _number(cols, price_col, price_text, PRICE)
    if price is not None and price < 0:
        raise RowError(cols.col(price_col), price_text, "a negative price: are Quantity and Price swapped?")
    charges = []
    for column in ("commission", "fees"):
        value = _number(cols, column, cols.get(row, column)) or ZERO
        if value < 0:
            raise RowError(cols.col(column), cols.get(row, column), "must not be negative")
        charges.append(value)
    accrued = _number(cols, "accrued", cols.get(row, "accrued")) or ZERO
    amount = _number(cols, "amount", cols.get(row, "amount"))
    day = _as_of(action) or run_date
    symbol = cols.get(row, "symbol")

    def shown(value: Decimal | None) -> str:
        return "" if value is None else str(value.normalize())

    content = "\x1f".join(
        (
            run_date.isoformat(),
            action,
            symbol,
            cols.get(row, "type"),
            shown(quantity),
            shown(price),
            shown(charges[0]),
            shown(charges[1]),
            shown(accrued),
            shown(amount),
        )
    )
    return _Row(
        index=index,
        line=row.line,
        account=_account(cols, row, default_account),
        kind=_kind(action),
        action=action,
        day=day,
        symbol=symbol,
        description=cols.get(row, "description"),
        quantity=None if quantity is None else abs(quantity),
        signed_quantity=quantity,
        price=price,
        fees=charges[0] + charges[1],
        accrued=accrued,
        amount=amount,
        currency=currency,
        content=content,
        raw=row.raw,
    )


# -- building events ------------------------------------------------------------------------------


class _Builder:
    """Turns read rows into events: knows the columns' names for errors and warnings, keys the rows and
    keeps what cannot be modelled as unresolved."""

    def __init__(self, info: FileInfo, cols: _Columns, result: ParseResult) -> None:
        self.info, self.cols, self.result = info, cols, result
        self.keymaker = KeyMaker()

    def problem(self, r: _Row, err: RowError) -> None:
        self.result.errors.append(ImportProblem(self.info.name, r.line, err.column, err.value, err.message))

    def warn(self, r: _Row, column: str, value: str | None, message: str) -> None:
        self.result.warnings.append(
            ImportProblem(self.info.name, r.line, self.cols.col(column), value, message)
        )

    def key(self, r: _Row) -> str:
        return self.keymaker.key(r.account, None, r.content)

    def source(self, r: _Row) -> SourceRef:
        return self.info.source(r.line)

    def unresolved(self, r: _Row, exc: NotModelled, when: datetime) -> Event:
        """The row kept as it is: its Amount (unless the reason says otherwise), the underlying it names."""
        kept = NotModelled(
            exc.reason,
            amount=r.amount if exc.amount is None else exc.amount,
            symbols=exc.symbols or r.symbols(),
        )
        return unresolved(
            kept, account=r.account, time=when, key=self.key(r), source=self.source(r), raw=r.raw
        )

    # -- cells --

    def option(self, r: _Row) -> OptionContract:
        shares = _SHARES_PER_CONTRACT.search(r.description)
        multiplier = Decimal(shares[1]) if shares and int(shares[1]) > 0 else STANDARD_MULTIPLIER
        if shares and multiplier > MULTIPLIER.most:
            bound = f"out of bounds: a multiplier is at most {MULTIPLIER.most:,}"
            raise RowError(self.cols.col("description"), shares[0], bound)
        option = bounds.option_symbol(r.symbol.lstrip("-").strip(), self.cols.col("symbol"), multiplier)
        if option is None:
            raise RowError(self.cols.col("symbol"), r.symbol, "not an option symbol (-ROOTYYMMDDC|PSTRIKE)")
        return option

    def stock(self, r: _Row) -> Stock:
        stock = parse_stock(r.symbol)
        if stock is not None:
            return stock
        if _CUSIP.match(r.symbol):
            what = "redeemed" if r.kind is _Kind.REDEMPTION else "traded"
            raise NotModelled(
                f"a CD or fund named by CUSIP {r.symbol} {what} whose description ({r.description.strip()}) "
                f"names no bond tj can read: {RESOLVE}",
                symbols=[r.symbol],
            )
        if not r.symbol:
            raise RowError(self.cols.col("symbol"), None, "missing")
        raise RowError(self.cols.col("symbol"), r.symbol, "not a stock symbol")

    def quantity(self, r: _Row) -> Decimal:
        if r.quantity is None:
            raise RowError(self.cols.col("quantity"), None, "missing")
        if r.quantity == 0:
            raise RowError(self.cols.col("quantity"), str(r.quantity), "must not be zero")
        return r.quantity

    def contracts(self, r: _Row) -> Decimal:
        quantity = self.quantity(r)
        if quantity != quantity.to_integral_value():
            raise RowError(self.cols.col("quantity"), str(quantity), "not a whole number of contracts")
        return quantity

    def booked(
        self, r: _Row, quantity: Decimal, multiplier: Decimal, *, buys: bool
    ) -> tuple[Decimal, Decimal]:
        """The row's price and the fees that make its cash what Fidelity booked (`booked_fees`), with a
        warning naming the row where those fees differ from the row's commission and fees by a cent."""
        if r.price is None:
            raise RowError(self.cols.col("price"), None, "missing")
        if r.amount is None:
            raise RowError(self.cols.col("amount"), None, "missing")
        if r.accrued:
            raise NotModelled(f"a trade with accrued interest ({r.accrued}): a bond, {RESOLVE}")
        gross = quantity * r.price * multiplier
        fees, warning = booked_fees(buys=buys, gross=gross, fees=r.fees, amount=r.amount)
        if warning:
            self.warn(r, "amount", str(r.amount), warning)
        return r.price, fees

    # -- events --

    def trade(self, r: _Row, when: datetime) -> Event | None:
        """An option or stock trade; None for a trade of the money-market core (the account's cash)."""
        if r.kind in OPTION_TRADES:
            action = OPTION_TRADES[r.kind]
            instrument: Stock | OptionContract = self.option(r)
            quantity = self.contracts(r)
        else:
            assert r.kind is not None
            action = STOCK_TRADES[r.kind]
            instrument = self.stock(r)
            quantity = self.quantity(r)
        price, fees = self.booked(r, quantity, instrument.multiplier, buys=action.is_buy)
        return TradeExecuted(
            action=action,
            instrument=instrument,
            quantity=quantity,
            price=price,
            fees=fees,
            account=r.account,
            time=when,
            key=self.key(r),
            source=self.source(r),
            note=NOTES.get(r.kind, "") if r.kind else "",
        )

    def bond(self, r: _Row) -> Bond | None:
        """The bond a CUSIP row names (its Description, else its Action's words), None for no bond."""
        if not _CUSIP.match(r.symbol.strip()):  # nine characters: never a ticker (`parse_stock`)
            return None
        cusip = r.symbol.strip()
        described, acted = bond_named(cusip, r.description.strip()), bond_named(cusip, r.action)
        return described if described and (described.maturity or not acted) else acted

    def bond_trade(self, r: _Row, bond: Bond, when: datetime) -> list[Event]:
        """A bond bought, sold or redeemed: quantity = face, price per 100 of face. Accrued interest
        (the Accrued Interest column, whatever its sign: a buy pays it, a sale receives it) is an INTEREST
        row of its own (Pub 550 "Bonds Sold Between Interest Dates"), so the trade's cost or proceeds is the
        Amount without it. A redemption is a sale at the redemption price: 100 per 100 of face, Fidelity
        writing it per dollar (`1`) or per 100 (`100`)."""
        action = STOCK_TRADES[r.kind]  # type: ignore[index]
        buys = action.is_buy
        face = self.quantity(r)
        if r.amount is None:
            raise RowError(self.cols.col("amount"), None, "missing")
        if r.price is None:
            raise RowError(self.cols.col("price"), None, "missing")
        interest = -abs(r.accrued) if buys else abs(r.accrued)
        cash = r.amount - interest  # the trade's own cash
        gross = -cash - r.fees if buys else cash + r.fees
        price = r.price
        if r.kind is _Kind.REDEMPTION:
            # Per dollar or per 100: whichever the cash says (100 per 100 when the cell says neither).
            options = [p for p in (r.price * 100, r.price) if p * face / 100 == gross] or [Decimal(100)]
            price = options[0]
        else:
            price = exact_bond_price(r.price, face, gross)
        # face × price / 100 (the multiplier 0.01 written as a division: no zeros past the cents)
        fees, warning = booked_fees(buys=buys, gross=face * price / 100, fees=r.fees, amount=cash)
        if warning:
            self.warn(r, "amount", str(r.amount), warning)
        note = "redemption" if r.kind is _Kind.REDEMPTION else ""
        events: list[Event] = [
            TradeExecuted(
                action=action,
                instrument=bond,
                quantity=face,
                price=price,
                fees=fees,
                account=r.account,
                time=when,
                key=self.key(r),
                source=self.source(r),
                note=note,
            )
        ]
        if interest:
            events.append(
                CashMoved(
                    kind=CashKind.INTEREST,
                    amount=interest,
                    symbol=bond.cusip,
                    description=f"accrued interest {'paid' if buys else 'received'}",
                    account=r.account,
                    time=when,
                    key=self.keymaker.key(r.account, None, r.content + "\x1faccrued interest"),
                    source=self.source(r),
                    note=f"accrued interest of {bond.cusip}",
                )
            )
        return events

    def merger(self, new_row: _Row, old_row: _Row, ticker: str | None = None) -> StockMerged:
        """`MERGER MER FROM` (+ new shares) with its `MERGER MER PAYOUT` (- old shares), no cash: each old
        share became new/old new shares (IRC 354/358: basis and dates carried over). The old holding is the
        payout row's symbol (its CUSIP where Fidelity names it so)."""
        new_stock = parse_stock(new_row.symbol)
        if new_stock is None:
            raise RowError(self.cols.col("symbol"), new_row.symbol, "not a stock symbol")
        named = old_row.symbol.strip().upper()
        if not named:
            raise RowError(self.cols.col("symbol"), None, "missing: the merger's old shares need a symbol")
        old_symbol = named if parse_stock(named) else ticker or named
        new_shares, old_shares = self.quantity(new_row), self.quantity(old_row)
        if old_symbol != named:
            said = f"; the old shares' CUSIP {named} is {old_symbol} by the file's other rows"
        elif not parse_stock(named):
            said = (
                f"; the old shares are named by their CUSIP {named}: no row of this file names their ticker"
            )
        else:
            said = ""
        return StockMerged(
            symbol=old_symbol,
            new_symbol=new_stock.symbol,
            new=new_shares,
            old=old_shares,
            account=new_row.account,
            time=datetime.combine(new_row.day, time()),
            key=self.key(new_row),
            source=self.source(new_row),
            note=f"merger: {old_shares.normalize():f} {old_symbol} -> {new_shares.normalize():f} "
            f"{new_stock.symbol}{said}",
        )

    def expired(self, r: _Row) -> OptionExpired:
        option = self.option(r)
        contracts = self.contracts(r)
        if r.day < option.expiry:
            raise RowError(
                self.cols.col("action"), r.action, f"before the option's expiration {option.expiry}"
            )
        if r.amount:
            raise NotModelled(f"an expiry that moved cash: a cash-settled option, {RESOLVE}")
        # CONTRACT: an expiry closes on the expiration date even when the broker posts it later.
        return OptionExpired(
            option=option,
            quantity=contracts,
            fees=r.fees,
            account=r.account,
            time=datetime.combine(option.expiry, END_OF_DAY),
            key=self.key(r),
            source=self.source(r),
        )

    def stock_leg(self, r: _Row) -> StockLeg:
        """The stock row of an assignment or exercise, its fees what Fidelity booked."""
        quantity = self.quantity(r)
        buys = STOCK_LEGS[r.kind][1] if r.kind in STOCK_LEGS else True
        stock = self.stock(r)
        price, fees = self.booked(r, quantity, Decimal(1), buys=buys)
        return StockLeg(r.index, r.account, stock.symbol, r.day, buys, quantity, price, fees)

    def ending(self, r: _Row, legs: list[tuple[_Row, StockLeg]], used: set[int]) -> Event:
        """ASSIGNED or EXERCISED: one event carrying its stock row's fees; the stock trade itself is implied
        (its cash is the stock row's), so without that row in the file the option row is unresolved."""
        option = self.option(r)
        contracts = self.contracts(r)
        if r.amount:
            raise NotModelled(f"an assignment or exercise that moved cash: a cash-settled option, {RESOLVE}")
        # An assignment or exercise happens on or before the expiration, whatever day the row is posted.
        day = min(r.day, option.expiry)
        assigned = r.kind is _Kind.ASSIGNED
        # A written put assigned and a bought call exercised buy the shares; the others sell them.
        buys = option.is_put if assigned else not option.is_put
        shares = contracts * option.multiplier
        leg = match_stock_leg(
            [leg for leg_row, leg in legs if STOCK_LEGS[leg_row.kind] == (r.kind, buys)],  # type: ignore[index]
            used,
            account=r.account,
            underlying=option.underlying,
            day=day,
            buy=buys,
            shares=shares,
            strike=option.strike,
            days_after=LEG_DAYS,
        )
        if leg is None:
            raise NotModelled(
                f"no stock row for it in this file: expected a {'buy' if buys else 'sale'} of "
                f"{shares.normalize():f} {option.underlying} at {option.strike.normalize():f} within "
                f"{LEG_DAYS} days of {day.isoformat()} (export a period that includes it)"
            )
        ended = OptionAssigned if assigned else OptionExercised
        return ended(
            option=option,
            quantity=contracts,
            fees=r.fees + leg.fees,
            account=r.account,
            time=datetime.combine(day, END_OF_DAY),
            # The option row alone: exports with and without the stock row give the event one key.
            key=self.key(r),
            source=self.source(r),
        )

    def transferred(self, r: _Row, when: datetime) -> SecurityTransferred:
        """Shares moved in or out without a sale: in for `TRANSFERRED FROM`, out for `TRANSFERRED TO`,
        else as the file signs the quantity. Fidelity gives no basis: the lot is basis missing."""
        if r.amount:
            raise NotModelled(f"a transfer that moved shares and cash at once: {RESOLVE}")
        upper = r.action.upper()
        instrument: Stock | OptionContract = self.option(r) if r.symbol.startswith("-") else self.stock(r)
        quantity = self.quantity(r)
        outward = upper.startswith("TRANSFERRED TO") or (
            not upper.startswith("TRANSFERRED FROM") and (r.signed_quantity or ZERO) < 0
        )
        return SecurityTransferred(
            instrument=instrument,
            quantity=-quantity if outward else quantity,
            account=r.account,
            time=when,
            key=self.key(r),
            source=self.source(r),
        )

    def cash(self, r: _Row, when: datetime) -> CashMoved:
        """A row that moves cash and no security: its kind from the action table, else from its words."""
        amount = cash_amount(r.amount, self.cols.col("amount"))
        held = parse_stock(r.symbol)
        symbol = held.symbol if held else None
        if r.kind in (_Kind.DIVIDEND, _Kind.CAPITAL_GAIN):
            kind = CashKind.DIVIDEND
        elif r.kind is _Kind.INTEREST:
            kind, symbol = CashKind.INTEREST, None
        elif r.kind is _Kind.FOREIGN_TAX:
            kind = CashKind.TAX  # withheld from a dividend: the DIVIDEND stays the gross a 1099-DIV reports
        elif r.kind is _Kind.FEE:
            kind = CashKind.FEE
        elif r.kind is _Kind.IN_LIEU:
            if symbol is None:
                raise NotModelled(f"cash in lieu of a fraction of a share that names no stock: {RESOLVE}")
            kind = CashKind.IN_LIEU
        elif r.kind in (_Kind.DEPOSIT, _Kind.WITHDRAW, _Kind.TRANSFER):
            kind, symbol = (CashKind.DEPOSIT if amount > 0 else CashKind.WITHDRAW), None
        else:
            kind, known = cash_kind(f"{r.action} {r.description}", amount)
            if not known:
                self.warn(r, "action", r.action, UNKNOWN_CASH)
        return CashMoved(
            kind=kind,
            amount=amount,
            symbol=symbol,
            description=r.action,
            account=r.account,
            time=when,
            key=self.key(r),
            source=self.source(r),
            note=NOTES.get(r.kind, "") if r.kind else "",
        )


def _is_core_cash(r: _Row) -> bool:
    """A row that moves cash between the account's cash and its money-market core: no event, no cash."""
    if r.kind is _Kind.SWEEP:
        return True
    core = bool(_MONEY_MARKET.match(r.symbol.upper())) or r.description.upper() == _CORE_DESCRIPTION
    return r.kind in STOCK_TRADES and core


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()
    no_header = "no Fidelity header found (Run Date, Action, Symbol, Quantity, Price, Amount)"
    table = read_table(info, result, _is_header, no_header)
    if table is None:
        return result
    header, rows = table
    cols = _Columns(header)

    # Data rows start with a date; what follows the last of them is the footer (blank lines, the
    # disclaimer paragraph, "Date downloaded ..."); anything else between data rows is an error.
    data_at = [i for i, row in enumerate(rows) if row.raw and _DATE_START.match(row.raw[0].strip())]
    last_data = data_at[-1] if data_at else -1
    parsed: list[_Row] = []
    for index, row in enumerate(rows[: last_data + 1]):
        try:
            parsed.append(_read_row(cols, row, index, account or DEFAULT_ACCOUNT))
        except RowError as err:
            result.errors.append(ImportProblem(info.name, row.line, err.column, err.value, err.message))
    for r in parsed:
        # The file's own cash, for the import's self-check; the core's rows move none of the account's.
        result.book(r.account, ZERO if _is_core_cash(r) else r.amount)
    events = _events(_Builder(info, cols, result), parsed)
    if not result.errors:
        result.events = events
    result.errors.sort(key=lambda p: p.line)
    return result


def _events(builder: _Builder, rows: list[_Row]) -> list[Event]:
    """The rows' events in file order: the stock rows of assignments and exercises merged into them, the
    rows tj does not model kept unresolved."""
    offsets = day_offsets([r.day for r in rows])
    placed: list[tuple[int, Event]] = []
    mergers, paired = _merger_pairs(rows)
    legs: list[tuple[_Row, StockLeg]] = []
    endings: list[tuple[_Row, datetime]] = []
    for r, offset in zip(rows, offsets, strict=True):
        when = datetime.combine(r.day, time()) + timedelta(seconds=offset)
        try:
            if r.currency and r.currency != "USD":
                raise NotModelled(f"a row in {r.currency}: tj keeps no currencies, {RESOLVE}")
            if r.index in paired:
                continue  # the old shares' side of a merger: part of the event of its `MERGER MER FROM` row
            if r.index in mergers:
                old = mergers[r.index]
                placed.append((r.line, builder.merger(r, old, _ticker_of(rows, old))))
            elif r.kind in STOCK_LEGS:
                legs.append((r, builder.stock_leg(r)))
            elif r.kind in (_Kind.ASSIGNED, _Kind.EXERCISED):
                endings.append((r, when))
            else:
                event = _event(builder, r, when)
                for made in event if isinstance(event, list) else [] if event is None else [event]:
                    placed.append((r.line, made))
        except RowError as err:
            builder.problem(r, err)
        except NotModelled as exc:
            placed.append((r.line, builder.unresolved(r, exc, when)))
    used: set[int] = set()
    for r, when in endings:
        try:
            placed.append((r.line, builder.ending(r, legs, used)))
        except RowError as err:
            builder.problem(r, err)
        except NotModelled as exc:
            placed.append((r.line, builder.unresolved(r, exc, when)))
    for r, leg in legs:
        if leg.index not in used:
            ending = STOCK_LEGS[r.kind][0].value  # type: ignore[index]
            reason = (
                f"the stock side of an assignment or exercise, but no {ending} row of {leg.symbol} at "
                f"{leg.price} in the {LEG_DAYS} days before it: export a period that includes it"
            )
            when = datetime.combine(r.day, time())
            placed.append((r.line, builder.unresolved(r, NotModelled(reason), when)))
    placed.sort(key=lambda pair: pair[0])
    return [event for _, event in placed]


def _event(builder: _Builder, r: _Row, when: datetime) -> Event | list[Event] | None:
    """The event of a row that is no part of an assignment or exercise (None: the core's cash moved)."""
    if _is_core_cash(r):
        return None  # the core money-market position is the account's cash
    if r.kind is None:
        upper = r.action.upper()
        lone = _MERGER_FROM.match(r.action)
        if lone:
            raise NotModelled(
                f"a merger's new shares ({(r.quantity or ZERO).normalize():f} {r.symbol.strip()} from CUSIP "
                f"{lone[1].upper()}{f', and {r.amount:f} of cash' if r.amount else ''}) without the "
                "MERGER MER PAYOUT row that removes the old shares on that day (with no cash): "
                "the ratio is not in this file; resolve it with a journal-CSV MERGER row (date,MERGER,<old "
                f"symbol>,new_symbol={r.symbol.strip()},ratio=new:old), or export a period holding both rows"
            )
        why = next((why for prefix, why in NOT_SUPPORTED.items() if upper.startswith(prefix)), None)
        if why is not None:
            raise NotModelled(f"{why}: {RESOLVE}")
        if r.names_security() or not r.amount:
            raise NotModelled(f"an action tj does not know ({r.action})")
        return builder.cash(r, when)  # a cash-only row of any description
    if r.kind in STOCK_TRADES and (bond := builder.bond(r)) is not None:
        return builder.bond_trade(r, bond, when)
    if r.kind in OPTION_TRADES or r.kind in STOCK_TRADES:
        return builder.trade(r, when)
    if r.kind is _Kind.EXPIRED:
        return builder.expired(r)
    if r.kind in (_Kind.DEPOSIT, _Kind.WITHDRAW, _Kind.TRANSFER) and r.quantity and r.symbol:
        return builder.transferred(r, when)
    return builder.cash(r, when)


def _merger_pairs(rows: list[_Row]) -> tuple[dict[int, _Row], set[int]]:
    """Each `MERGER MER FROM <CUSIP>` row (+ new shares, no cash) with the `MERGER MER PAYOUT` row of the
    same account and day removing shares (- quantity, no cash): the one whose symbol is that CUSIP, else
    the only such row that day (Fidelity numbers the two rows' `#REOR` ids apart, so they do not pair
    them). The FROM row's index -> the payout row, and the payout rows so paired. A merger with cash, or
    two candidates, is not paired: both rows stay unresolved, nothing guessed."""
    payouts = [
        r for r in rows if _MERGER_PAYOUT.match(r.action) and (r.signed_quantity or ZERO) < 0 and not r.amount
    ]
    pairs: dict[int, _Row] = {}
    used: set[int] = set()
    for r in rows:
        m = _MERGER_FROM.match(r.action)
        if not (m and (r.signed_quantity or ZERO) > 0 and not r.amount):
            continue
        day = [p for p in payouts if p.index not in used and (p.account, p.day) == (r.account, r.day)]
        named = [p for p in day if p.symbol.strip().upper() == m[1].upper()]
        fits = named or (day if len(day) == 1 and not _CUSIP.match(day[0].symbol.strip()) else [])
        if len(fits) == 1:
            pairs[r.index] = fits[0]
            used.add(fits[0].index)
    return pairs, used


def _ticker_of(rows: list[_Row], old: _Row) -> str | None:
    """The ticker the account held shares named by CUSIP under: the one ticker of the file's rows whose
    Description is the CUSIP row's (Fidelity writes one security's description alike on every row)."""
    words = " ".join(old.description.split()).upper()
    tickers = {
        stock.symbol
        for r in rows
        if r.index != old.index
        and " ".join(r.description.split()).upper() == words
        and (stock := parse_stock(r.symbol)) is not None
    }
    return tickers.pop() if words and len(tickers) == 1 else None
