"""Fidelity's account history CSV (`Accounts_History.csv`, `History_for_Account_X.csv`) read into events.

Fidelity writes free-text actions (`YOU SOLD OPENING TRANSACTION PUT (SPY) ...`), matched here by prefix,
has changed its columns several times (mapped by name), and writes an assignment as an option row plus a
stock row, merged here into one OptionAssigned. Format facts and their sources: ../shared/FORMATS.md
section 4 and tests/importers/fixtures/fidelity/README.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path

from importers.base import FileInfo, ImportProblem, KeyMaker, ParseResult, RowError
from importers.common import CsvRow, StockLeg, cash_amount, day_offsets, match_stock_leg, money, read_table
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import STANDARD_MULTIPLIER, OptionContract, Stock, parse_option, parse_stock
from journal.money import ZERO

name = "fidelity-csv"
description = "Fidelity account history CSV (Accounts_History / History_for_Account: Run Date, Action, ...)"

DEFAULT_ACCOUNT = "default"
# An expiry, assignment or exercise is settled by the OCC after the close: after every trade of its day.
END_OF_DAY = time(23, 59, 59)
# Fidelity posts the stock row of an assignment up to a few business days after the option row.
LEG_DAYS = 5
# A price written to the cent is off by at most half a cent a share; the cash is off by that much.
HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")


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
    "PURCHASE INTO CORE ACCOUNT": _Kind.SWEEP,
    "REDEMPTION FROM CORE ACCOUNT": _Kind.SWEEP,
}
_PREFIXES = sorted(ACTIONS, key=len, reverse=True)

# Actions seen in real exports that change holdings without a trade price: refused deliberately, with
# the reason, rather than reported as unknown. `MERGER MER FROM ...` / `MERGER MER PAYOUT ...` rows
# (shares in, old shares or cash out; redstreet/beancount_reds_importers fidelity fixtures).
NOT_SUPPORTED: dict[str, str] = {
    "MERGER": "a merger changes holdings without a trade price",
}

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
# Money-market funds (five-letter tickers ending in XX, and Fidelity's FCASH) hold the account's cash.
_MONEY_MARKET = re.compile(r"^(?:[A-Z]{3}XX|FCASH)$")


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
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date (MM/DD/YYYY)")


def _as_of(action: str) -> date | None:
    """The effective date Fidelity writes into some actions: `as of Feb-01-2025`, `AS OF 09-02-22`."""
    m = _AS_OF.search(action)
    if not m:
        return None
    for fmt in ("%b-%d-%Y", "%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%m-%d-%y"):
        try:
            return datetime.strptime(m[1].title(), fmt).date()
        except ValueError:
            continue
    raise RowError("Action", m[0], "not a date after 'as of'")


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row, read and checked; quantities are unsigned (the action says the direction)."""

    index: int
    line: int
    account: str
    kind: _Kind
    action: str
    day: date  # the "as of" date where the action gives one, else the run date
    symbol: str
    description: str
    quantity: Decimal | None
    price: Decimal | None
    fees: Decimal  # commission plus fees
    accrued: Decimal
    amount: Decimal | None
    content: str


def _kind(action: str) -> _Kind | None:
    upper = " ".join(action.split()).upper()
    return next((ACTIONS[p] for p in _PREFIXES if upper.startswith(p)), None)


def _number(cols: _Columns, column: str, text: str) -> Decimal | None:
    if text in ("", "--"):
        return None
    try:
        return money(text)
    except ValueError:
        raise RowError(cols.col(column), text, "not a number") from None


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
    kind = _kind(action)
    if kind is None:
        upper = action.upper()
        reason = next((why for prefix, why in NOT_SUPPORTED.items() if upper.startswith(prefix)), None)
        if reason:
            raise RowError(
                cols.col("action"),
                action,
                f"not supported yet: {reason}; remove the row and record its effect in a journal CSV",
            )
        raise RowError(cols.col("action"), action, "unknown action")
    quantity_text, price_text, currency, quantity_col, price_col = _quantity_and_price(cols, row)
    if currency and currency != "USD":
        raise RowError(cols.col("currency"), currency, "only USD amounts are supported")
    quantity = _number(cols, quantity_col, quantity_text)
    price = _number(cols, price_col, price_text)
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
        kind=kind,
        action=action,
        day=day,
        symbol=symbol,
        description=cols.get(row, "description"),
        quantity=None if quantity is None else abs(quantity),
        price=price,
        fees=charges[0] + charges[1],
        accrued=accrued,
        amount=amount,
        content=content,
    )


def _option(cols: _Columns, r: _Row) -> OptionContract:
    shares = _SHARES_PER_CONTRACT.search(r.description)
    multiplier = Decimal(shares[1]) if shares and int(shares[1]) > 0 else STANDARD_MULTIPLIER
    option = parse_option(r.symbol.lstrip("-").strip(), multiplier)
    if option is None:
        raise RowError(cols.col("symbol"), r.symbol, "not an option symbol (-ROOTYYMMDDC|PSTRIKE)")
    return option


def _stock(cols: _Columns, r: _Row) -> Stock:
    stock = parse_stock(r.symbol)
    if stock is None:
        hint = " (a CUSIP: bonds, CDs and funds without a ticker are not supported yet)" if r.symbol else ""
        raise RowError(cols.col("symbol"), r.symbol, f"not a stock symbol{hint}")
    return stock


def _contracts(cols: _Columns, r: _Row) -> Decimal:
    quantity = _quantity(cols, r)
    if quantity != quantity.to_integral_value():
        raise RowError(cols.col("quantity"), str(quantity), "not a whole number of contracts")
    return quantity


def _quantity(cols: _Columns, r: _Row) -> Decimal:
    if r.quantity is None:
        raise RowError(cols.col("quantity"), None, "missing")
    if r.quantity == 0:
        raise RowError(cols.col("quantity"), str(r.quantity), "must not be zero")
    return r.quantity


def _checked_price(cols: _Columns, r: _Row, quantity: Decimal, multiplier: Decimal, *, buys: bool) -> Decimal:
    """The row's price, after checking that the amount is quantity × price with fees (to the cent of a
    price written to the cent): a row whose cells were misread or shifted does not add up."""
    if r.price is None:
        raise RowError(cols.col("price"), None, "missing")
    if r.amount is None:
        raise RowError(cols.col("amount"), None, "missing")
    gross = quantity * r.price * multiplier
    expected = -(gross + r.fees + r.accrued) if buys else gross + r.accrued - r.fees
    if abs(r.amount - expected) > quantity * multiplier * HALF_CENT + CENT:
        raise RowError(
            cols.col("amount"),
            str(r.amount),
            f"does not match quantity × price and fees (expected {expected.quantize(CENT)})",
        )
    return r.price


Problem = Callable[[int, str | None, str | None, str], None]


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()

    def problem(line: int, column: str | None, value: str | None, message: str) -> None:
        result.errors.append(ImportProblem(info.name, line, column, value, message))

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
            problem(row.line, err.column, err.value, err.message)
    events = _events(cols, parsed, info, problem)
    if not result.errors:
        result.events = events
    return result


def _events(cols: _Columns, rows: list[_Row], info: FileInfo, problem: Problem) -> list[Event]:
    """The rows' events in file order: the stock rows of assignments and exercises merged into them."""
    keymaker = KeyMaker()
    offsets = day_offsets([r.day for r in rows])
    placed: list[tuple[int, Event]] = []
    legs: list[tuple[_Row, StockLeg]] = []
    endings: list[_Row] = []
    for r, offset in zip(rows, offsets, strict=True):
        try:
            if r.kind in STOCK_LEGS:
                legs.append((r, _stock_leg(cols, r)))
            elif r.kind in (_Kind.ASSIGNED, _Kind.EXERCISED):
                endings.append(r)
            else:
                when = datetime.combine(r.day, time()) + timedelta(seconds=offset)
                event = _event(cols, r, when, keymaker, info)
                if event is not None:
                    placed.append((r.line, event))
        except RowError as err:
            problem(r.line, err.column, err.value, err.message)
    used: set[int] = set()
    for r in endings:
        try:
            placed.append((r.line, _ending(cols, r, legs, used, keymaker, info)))
        except RowError as err:
            problem(r.line, err.column, err.value, err.message)
    for r, leg in legs:
        if leg.index not in used:
            ending = STOCK_LEGS[r.kind][0].value
            problem(
                r.line,
                cols.col("action"),
                r.action,
                f"the stock side of an assignment or exercise, but no {ending} row of {leg.symbol} at "
                f"{leg.price} in the {LEG_DAYS} days before it: export a period that includes it",
            )
    placed.sort(key=lambda pair: pair[0])
    return [event for _, event in placed]


def _stock_leg(cols: _Columns, r: _Row) -> StockLeg:
    quantity = _quantity(cols, r)
    buys = STOCK_LEGS[r.kind][1]
    price = _checked_price(cols, r, quantity, Decimal(1), buys=buys)
    return StockLeg(r.index, r.account, _stock(cols, r).symbol, r.day, buys, quantity, price, r.fees)


def _ending(
    cols: _Columns,
    r: _Row,
    legs: list[tuple[_Row, StockLeg]],
    used: set[int],
    keymaker: KeyMaker,
    info: FileInfo,
) -> Event:
    """ASSIGNED or EXERCISED: one event carrying its stock row's fees; the stock trade itself is implied."""
    option = _option(cols, r)
    contracts = _contracts(cols, r)
    if r.amount:
        raise RowError(cols.col("amount"), str(r.amount), "an assignment or exercise row moves no cash")
    # An assignment or exercise happens on or before the expiration, whatever day the row is posted.
    day = min(r.day, option.expiry)
    assigned = r.kind is _Kind.ASSIGNED
    # A written put assigned and a bought call exercised buy the shares; the others sell them.
    buys = option.is_put if assigned else not option.is_put
    leg = match_stock_leg(
        [leg for leg_row, leg in legs if STOCK_LEGS[leg_row.kind] == (r.kind, buys)],
        used,
        account=r.account,
        underlying=option.underlying,
        day=day,
        buy=buys,
        shares=contracts * option.multiplier,
        strike=option.strike,
        days_after=LEG_DAYS,
    )
    ended = OptionAssigned if assigned else OptionExercised
    return ended(
        option=option,
        quantity=contracts,
        fees=r.fees + (leg.fees if leg else ZERO),
        account=r.account,
        time=datetime.combine(day, END_OF_DAY),
        # The option row alone: exports with and without the stock row give the event one key.
        key=keymaker.key(r.account, None, r.content),
        source=info.source(r.line),
    )


def _event(cols: _Columns, r: _Row, when: datetime, keymaker: KeyMaker, info: FileInfo) -> Event | None:
    key = keymaker.key(r.account, None, r.content)
    source = info.source(r.line)
    if r.kind in OPTION_TRADES:
        action = OPTION_TRADES[r.kind]
        option = _option(cols, r)
        contracts = _contracts(cols, r)
        return TradeExecuted(
            action=action,
            instrument=option,
            quantity=contracts,
            price=_checked_price(cols, r, contracts, option.multiplier, buys=action.is_buy),
            fees=r.fees,
            account=r.account,
            time=when,
            key=key,
            source=source,
        )
    if r.kind in STOCK_TRADES:
        action = STOCK_TRADES[r.kind]
        stock = _stock(cols, r)
        quantity = _quantity(cols, r)
        price = _checked_price(cols, r, quantity, Decimal(1), buys=action.is_buy)
        if _MONEY_MARKET.match(stock.symbol):
            return None  # a money-market fund is the account's cash: trading it moves none
        return TradeExecuted(
            action=action,
            instrument=stock,
            quantity=quantity,
            price=price,
            fees=r.fees,
            account=r.account,
            time=when,
            key=key,
            source=source,
            note=NOTES.get(r.kind, ""),
        )
    if r.kind is _Kind.EXPIRED:
        option = _option(cols, r)
        contracts = _contracts(cols, r)
        if r.amount:
            raise RowError(cols.col("amount"), str(r.amount), "an expiry moves no cash")
        if r.day < option.expiry:
            raise RowError(cols.col("action"), r.action, f"before the option's expiration {option.expiry}")
        # CONTRACT: an expiry closes on the expiration date even when the broker posts it later.
        return OptionExpired(
            option=option,
            quantity=contracts,
            fees=r.fees,
            account=r.account,
            time=datetime.combine(option.expiry, END_OF_DAY),
            key=key,
            source=source,
        )
    if r.kind is _Kind.SWEEP:
        return None  # the core money-market position is the account's cash
    if r.kind in (_Kind.DEPOSIT, _Kind.WITHDRAW, _Kind.TRANSFER) and r.quantity and r.symbol:
        raise RowError(cols.col("action"), r.action, "a transfer of shares: not supported yet")
    amount = cash_amount(r.amount, cols.col("amount"))
    if r.kind in (_Kind.DEPOSIT, _Kind.WITHDRAW, _Kind.TRANSFER):
        if r.kind is _Kind.DEPOSIT and amount < 0 or r.kind is _Kind.WITHDRAW and amount > 0:
            raise RowError(cols.col("amount"), str(amount), "the wrong sign for this action")
        kind = CashKind.DEPOSIT if amount > 0 else CashKind.WITHDRAW
        return CashMoved(kind=kind, amount=amount, account=r.account, time=when, key=key, source=source)
    symbol: str | None
    if r.kind in (_Kind.DIVIDEND, _Kind.CAPITAL_GAIN):
        cash_kind, symbol = CashKind.DIVIDEND, _stock(cols, r).symbol
    elif r.kind is _Kind.INTEREST:
        cash_kind, symbol = CashKind.INTEREST, None
    else:
        # FOREIGN TAX PAID and fees: a tax withheld from a dividend is booked as a fee on the holding, so
        # that DIVIDEND stays the gross a 1099-DIV reports (box 1a; the tax is box 7).
        held = parse_stock(r.symbol)
        cash_kind, symbol = CashKind.FEE, held.symbol if held else None
    return CashMoved(
        kind=cash_kind,
        amount=amount,
        symbol=symbol,
        account=r.account,
        time=when,
        key=key,
        source=source,
        note=NOTES.get(r.kind, ""),
    )
