"""The tastytrade transaction-history CSV (the site launched 2023-09) in its three header variants, and the
mapping of tastytrade's Type / Sub Type vocabulary to journal events, shared with importers/tastyworks.py.

Why one core for two formats: the legacy tastyworks export writes the same transaction codes and subcodes
(Trade, Receive Deliver, Money Movement; Sell to Open, Expiration, Assignment, ...), only in other columns.
Each module reads its own columns into `TastyRow`s; `events_from_rows` turns them into events: it merges an
assignment's option row with the stock row written at the same time, derives split ratios, pairs the Close
and Open rows of a corporate action into one event, and keeps what the journal does not model (futures, a
corporate-action row without its pair, an unknown Type or Sub Type naming a security, non-USD rows) as
Unresolved events with the cash the broker booked (issue 13). Only a row that cannot be read is an error.

Deliberate mappings (FORMATS.md section 2; the fixtures' README says where each fact comes from):
- times: the local wall time the file gives, offset dropped; expiry, assignment, exercise and cash-settlement
  rows carry a synthetic after-close time, so they use their date at 23:59:59 (an expiry the option's
  expiration date): the OCC assigns after the close, so the event follows every trade of its day, also an
  option sold that same day.
- option premium: Average Price is per contract; the price is per share: |Value| / (Quantity × Multiplier),
  which is Average Price / Multiplier whenever that reproduces Value (Average Price is rounded to cents, so
  a fill at 44.6797 shows 44.68; Value is the cash that moved).
- Cash Settled Assignment / Exercise (index options): no stock moves, so the option is closed (BTC for an
  assignment, STC for an exercise) at the settlement cash per share, |Value| / (Quantity × Multiplier).
- Corporate actions written as a Close row and an Open row of equal and opposite value (the cost carried
  over, no cash; the two rows anywhere in the file, on one day, paired by `_pairs`): one event per pair,
  keyed by both rows' content, sourced at the first of them in the file (issue 15):
  Symbol Change → one SymbolChanged per old → new symbol and day (shares and options alike; an option
  re-issued with other terms → OptionAdjusted "symbol change"); Stock Merger (and Stock Merger Removal)
  → OptionAdjusted "merger" for an option (SPRT puts → GREE1 puts), StockMerged new:old from the
  quantities for shares; Special Dividend → OptionAdjusted "special dividend" (TSLL calls re-issued at
  an adjusted strike), long or short as held. A row without its pair stays unresolved.
- Cash Merger (`Cash merger: Close 100.0 SGEN`, 22,900.00): a sale of the shares at Value / Quantity.
- Adjusted options (`GREE1`): the deliverable per contract from the file's own evidence, the stock row of
  the contract's assignment or exercise (66 GREE for 6 contracts: 11 GREE a contract; `_with_deliverables`);
  every row of the root then names it with that deliverable. Its cash part is the later "Delayed
  Delivery_<root>_Assignment" balance adjustment → CashMoved IN_LIEU of the delivered symbol. A file
  without that evidence names the contract with no deliverable (nothing is guessed): the exports of one
  account should then be imported whole, or the contract's deliverable given in a journal CSV (`ADJUST`).
- Futures options (`./MESZ5EXV5  251031P5400`, Instrument Type `Future Option`): FutureOption(future from
  Underlying Symbol, expiry, right, strike) traded and expired like any option; the file's Multiplier
  column says 1 and Average Price is per contract, so the product's multiplier is a fill's Value / price
  in points (its Description's `@ 21.0`) / quantity (210 / 21 / 2 = 5 for /MES), learnt from any fill of
  the product in the file; none (or fills that disagree) leaves the product's rows unresolved.
- Forward / Reverse Split: SplitApplied new:old from the share rows (Open quantity : Close quantity), at
  the time of the action's last row; the option rows of a whole split are the standard OCC adjustment the
  books apply themselves, those of any other split are re-issued contracts (each pair an OptionAdjusted,
  reason "reverse split" / "forward split").
- Assignment / Exercise: one OptionAssigned / OptionExercised from the option's removal row and the stock
  row at the strike (same moment preferred, else common.match_stock_leg); the stock row's fee is the
  assignment fee. A removal with no such stock row is an error; a stock delivery with no removal row is
  the stock trade it is (BUY / SELL, noted). Quantity is unsigned and Action is never read for direction.
- Account: the export names none, so the `account` argument, else "default". Keys: no row has a broker id,
  so the row's content keys it, built from the cells every header variant shares (an overlapping export in
  another variant repeats the same keys).
- Money Movement (any sub type, and an unknown Type naming no security): cash. Credit / Debit Interest and
  Fully Paid Stock Lending Income → INTEREST; Dividend → DIVIDEND (negative = withholding); Balance
  Adjustment (regulatory fee adjustment, fee correction) and Fee → FEE; Mark to Market → OTHER; Deposit /
  Withdrawal / Transfer → DEPOSIT or WITHDRAW by the sign of the cash, or INTEREST when the description is
  tastyworks' interest wording. A Deposit naming a holding is dividend withholding paid back → DIVIDEND of
  that symbol; anything else the kind `common.cash_kind` reads in its words (OTHER with a warning). A
  "Delayed Delivery_<root>_Assignment" balance adjustment is IN_LIEU cash (see adjusted options above).
- Cash: the broker's (Total, else Value + Commissions + Fees; tastyworks: Amount − Fees) is the truth: a
  trade whose Total is a cent off takes its fees from it with a warning (`base.booked_fees`); every row's
  cash is booked for the file's self-check. ACAT / Transfer of shares → SecurityTransferred without basis.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from pathlib import Path

from importers import bounds
from importers.base import (
    UNKNOWN_CASH,
    FileInfo,
    ImportProblem,
    KeyMaker,
    NotModelled,
    ParseResult,
    booked_fees,
    unresolved,
)
from importers.bounds import AMOUNT, MULTIPLIER, QUANTITY, Bound
from importers.common import CsvRow, StockLeg, cash_kind, match_stock_leg, money_or, read_csv_table, us_date
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAdjusted,
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
    INDEX_ROOT_UNDERLYING,
    STANDARD_MULTIPLIER,
    FutureOption,
    InvalidOption,
    OptionContract,
    Stock,
    parse_option,
    parse_stock,
)
from journal.money import CENT, EXACT, ZERO, OutOfBounds

name = "tastytrade-csv"
description = (
    "tastytrade transaction history CSV (Date,Type,[Sub Type,]Action,Symbol,...,Order #[,Total][,Currency])"
)

DEFAULT_ACCOUNT = "default"
END_OF_DAY = time(23, 59, 59)

# The columns every variant has (2023-09, 2024 with Sub Type and Currency, 2025 with Total): identify and
# read by these names, in any order; other columns are read where known and otherwise ignored.
REQUIRED = (
    "date",
    "type",
    "action",
    "symbol",
    "instrument type",
    "description",
    "value",
    "quantity",
    "average price",
    "commissions",
    "fees",
    "multiplier",
    "root symbol",
    "underlying symbol",
    "expiration date",
    "strike price",
    "call or put",
    "order #",
)

TRADE, RECEIVE_DELIVER, MONEY_MOVEMENT = "Trade", "Receive Deliver", "Money Movement"
TYPES = (TRADE, RECEIVE_DELIVER, MONEY_MOVEMENT)
OPENING_CLOSING = ("Buy to Open", "Sell to Close", "Sell to Open", "Buy to Close")
ACTION_SUB = {s.upper().replace(" ", "_"): s for s in OPENING_CLOSING}  # SELL_TO_OPEN -> Sell to Open
OPTION_TRADE = {
    "Sell to Open": TradeAction.STO,
    "Buy to Close": TradeAction.BTC,
    "Buy to Open": TradeAction.BTO,
    "Sell to Close": TradeAction.STC,
}
EXPIRATION, ASSIGNMENT, EXERCISE = "Expiration", "Assignment", "Exercise"
CASH_SETTLED = {"Cash Settled Assignment": TradeAction.BTC, "Cash Settled Exercise": TradeAction.STC}
SYMBOL_CHANGE = "Symbol Change"
SPLITS = ("Forward Split", "Reverse Split")
POSITION_TRANSFERS = ("ACAT", "Transfer")
RESOLVE = "record its effect in a journal CSV with `resolves`"
NOT_SUPPORTED = {
    "Futures Settlement": f"a futures settlement: futures are not modelled yet; {RESOLVE}",
}
# Corporate actions the broker writes as a Close row of the old position and an Open row of the new one, of
# equal and opposite value (the cost carried over, no cash): the reason each pair's event gives.
CORPORATE = {
    SYMBOL_CHANGE: "symbol change",
    "Stock Merger": "merger",
    "Stock Merger Removal": "merger",
    "Special Dividend": "special dividend",
}
CASH_MERGER = "Cash Merger"
RECEIVE_DELIVER_SUBS = (
    *OPENING_CLOSING,
    EXPIRATION,
    ASSIGNMENT,
    EXERCISE,
    *CASH_SETTLED,
    *CORPORATE,
    CASH_MERGER,
    *SPLITS,
    *POSITION_TRANSFERS,
    *NOT_SUPPORTED,
)
INTEREST_SUBS = ("Credit Interest", "Debit Interest", "Fully Paid Stock Lending Income")
MONEY_SUBS = (
    *INTEREST_SUBS,
    "Dividend",
    "Balance Adjustment",
    "Fee",
    "Deposit",
    "Withdrawal",
    "Transfer",
    "Mark to Market",
)
EQUITY, EQUITY_OPTION = "Equity", "Equity Option"
FUTURES_TYPES = ("Future", "Future Option", "Futures Option")
FUTURE_OPTION_TYPES = ("Future Option", "Futures Option")
# The price of a fill as its Description writes it (`Sold 2 /MESZ5 EXX5 11/28/25 Put 6300.00 @ 21.0`): for a
# futures option the price in points, where Average Price is already times the contract's multiplier.
_AT_PRICE = re.compile(r"@\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*$")
# tastyworks' own wording of interest rows that older history labels Deposit or Withdrawal.
_CREDIT_INTEREST = re.compile(r"^INTEREST ON CREDIT BALANCE", re.IGNORECASE)
_DEBIT_INTEREST = re.compile(r"^FROM \d\d/\d\d THRU \d\d/\d\d @", re.IGNORECASE)
_FEE_ADJUSTMENT = re.compile(r"^(REGULATORY FEE ADJUSTMENT|FEE CORRECTION)", re.IGNORECASE)
_OPEN_CLOSE_WORD = re.compile(r"\b(Open|Close)\b", re.IGNORECASE)
# The cash of an adjusted option's assignment settled later (`Delayed Delivery_GREE1_Assignment_SEP_17`).
_DELAYED_DELIVERY = re.compile(r"^DELAYED DELIVERY_([A-Z]+?)\d*_", re.IGNORECASE)
# The Money Movement sub types whose cash kind the sub type itself says.
MONEY_KINDS = {"Fee": CashKind.FEE, "Mark to Market": CashKind.OTHER, "Dividend": CashKind.DIVIDEND}


class RowError(Exception):
    """A cell this importer cannot read exactly: its column (as the header spells it), value and why."""

    def __init__(self, column: str | None, value: str | None, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.column, self.value, self.message, self.line = column, value, message, line


@dataclass(frozen=True, slots=True)
class TastyRow:
    """One transaction row in terms both tastytrade formats share; `columns` spells the fields the way this
    file's header does (`value` is "Value" here, "Amount" in a tastyworks file) for error messages."""

    line: int
    account: str
    when: datetime  # local wall time, naive
    instant: str  # the moment as written (UTC when the file gives an offset): rows written together share it
    kind: str  # Trade, Receive Deliver, Money Movement
    sub: str  # Sub Type (derived from Action or Description where the file has no Sub Type column)
    side: str | None  # BUY or SELL where the row says it (Action, Buy/Sell), else None
    opens: bool | None  # True / False where the row says open or close, else None
    symbol: str
    description: str
    value: Decimal  # the cash that moved, signed, before commissions and fees
    quantity: Decimal  # unsigned: shares or contracts
    fees: Decimal  # commissions plus fees, positive
    cash: Decimal  # what the broker booked, signed: Total, else Value less commissions and fees
    unit_price: Decimal | None  # per share as the broker rounds it
    option: OptionContract | None
    stock: Stock | None
    underlying: str  # the underlying stock symbol (Underlying Symbol column, or the stock itself)
    order_id: str | None
    content: str  # what the row says, for its natural key
    columns: dict[str, str] = field(compare=False)
    unsupported: str | None = None  # why this row's instrument cannot be recorded yet
    raw: tuple[str, ...] = field(default=(), compare=False)  # the row's cells as written
    # A futures option (`./MESZ5EXV5  251031P5400`); its multiplier is 0 until known (a fill's Value over its
    # price in points, learnt for the whole product from any fill of the file: `events_from_rows`).
    future_option: FutureOption | None = None

    def col(self, key: str) -> str:
        return self.columns.get(key, key)

    @property
    def multiplier(self) -> Decimal:
        if self.option:
            return self.option.multiplier
        return self.future_option.multiplier if self.future_option else Decimal(1)

    @property
    def any_option(self) -> OptionContract | FutureOption | None:
        return self.option or self.future_option

    @property
    def is_buy(self) -> bool:
        """The direction of a trade or a delivery row: its words, else the sign of the cash."""
        if self.sub in OPTION_TRADE:
            return self.sub.startswith("Buy")
        if self.side is not None:
            return self.side == "BUY"
        return self.value < 0


# -- reading cells -------------------------------------------------------------------------------------


def amount(
    raw: str,
    column: str,
    *,
    blanks: Sequence[str] = ("", "--"),
    default: Decimal | None = None,
    bound: Bound = AMOUNT,
) -> Decimal:
    """A number as tastytrade writes it (`"-10,300.00"`, `--` for none), or `default` for a blank cell;
    within `bound` (importers/bounds.py)."""
    try:
        value = money_or(raw, default, blanks=blanks, bound=bound)
    except ValueError as exc:
        raise RowError(column, raw, bounds.why(exc, "not an amount")) from None
    if value is None:
        raise RowError(column, None, "missing: this row needs an amount")
    return value


def option_symbol(text: str, column: str, multiplier: Decimal = STANDARD_MULTIPLIER) -> OptionContract | None:
    """`parse_option`, a symbol whose expiry or strike makes no sense this importer's error on `column`."""
    try:
        return parse_option(text, multiplier)
    except InvalidOption as exc:
        raise RowError(column, text, str(exc)) from None


def key_number(value: Decimal, places: Decimal = CENT) -> str:
    """A number for a natural key: the same amount written `1,040.00` or `1040` keys the same."""
    with localcontext(EXACT):
        try:
            return str(value.quantize(places, rounding=ROUND_HALF_UP))
        except InvalidOperation:  # more digits than any amount has: key it as written
            return str(value)


def squash(text: str) -> str:
    return " ".join(text.split())


def fees_paid(commissions: Decimal, fees: Decimal, column: str, raw: str) -> Decimal:
    """Commissions and fees as the positive cost the journal records; tastytrade writes them negative."""
    paid = -(commissions + fees)
    if paid < 0:
        raise RowError(column, raw, "a fee the broker paid out is not a fee (expected a negative amount)")
    return paid


def option_from_columns(
    row: CsvRow, option: OptionContract, *, expiration: str, strike: str, right: str
) -> None:
    """Check the Expiration / Strike / Call-or-Put columns against the option symbol: a shifted column or a
    hand edit shows up here rather than as a wrong contract."""
    raw_expiry, raw_strike, raw_right = row.get(expiration), row.get(strike), row.get(right)
    if raw_expiry:
        try:
            expiry = us_date(raw_expiry)
        except ValueError as exc:
            raise RowError(expiration, raw_expiry, bounds.why(exc, "not a date (M/D/YY)")) from None
        if expiry != option.expiry:
            raise RowError(expiration, raw_expiry, f"does not match the option symbol's {option.expiry}")
    if raw_strike and amount(raw_strike, strike) != option.strike:
        raise RowError(strike, raw_strike, f"does not match the option symbol's strike {option.strike}")
    if raw_right and raw_right.upper()[:1] != option.right:
        raise RowError(right, raw_right, f"does not match the option symbol's right {option.right}")


# -- the new tastytrade export -------------------------------------------------------------------------


def header_cells(head: str) -> list[str] | None:
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            try:
                return [c.strip().lower() for c in next(csv.reader([line]))]
            except (StopIteration, csv.Error):
                return None
    return None


def identify(path: Path, head: str) -> bool:
    cells = header_cells(head)
    return cells is not None and all(c in cells for c in REQUIRED)


def _is_header(cells: list[str]) -> bool:
    lowered = [c.lower() for c in cells]
    return all(c in lowered for c in REQUIRED)


def iso_time(raw: str, column: str) -> tuple[datetime, str]:
    """`2024-08-16T15:57:13+0200`: the wall time as written (naive) and the instant for the row's key."""
    text = raw.strip()
    try:
        if len(text) < 16 or text[10] not in "T ":
            raise ValueError
        moment = datetime.fromisoformat(text)
        local = moment.replace(tzinfo=None)
        instant = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else local
    except (ValueError, OverflowError):
        raise RowError(column, raw, "not a date: expected YYYY-MM-DDTHH:MM:SS+HHMM") from None
    try:
        bounds.day(local)
    except OutOfBounds as exc:
        raise RowError(column, raw, str(exc)) from None
    return local, instant.isoformat()


_COLUMNS_NEW = {
    "date": "Date",
    "type": "Type",
    "sub": "Sub Type",
    "action": "Action",
    "symbol": "Symbol",
    "instrument": "Instrument Type",
    "description": "Description",
    "value": "Value",
    "quantity": "Quantity",
    "price": "Average Price",
    "commissions": "Commissions",
    "fees": "Fees",
    "multiplier": "Multiplier",
    "total": "Total",
    "currency": "Currency",
}


def _derive_sub(kind: str, action: str, text: str, symbol: str) -> str:
    """The Sub Type of a 2023-09 file, which has none: trades and deliveries say it in Action, removals and
    money movements only in their Description (tastyworks' fixed wording). Words it does not know give ""
    (an unknown sub type: the row is kept unresolved, or as cash of the kind its description says)."""
    words = squash(text).upper()
    if kind == TRADE:
        return ACTION_SUB.get(action, "")
    if kind == RECEIVE_DELIVER:
        for marker, sub in (
            ("DUE TO EXPIRATION", EXPIRATION),
            ("DUE TO ASSIGNMENT", ASSIGNMENT),
            ("DUE TO EXERCISE", EXERCISE),
            ("SYMBOL CHANGE", SYMBOL_CHANGE),
            ("FORWARD SPLIT", "Forward Split"),
            ("REVERSE SPLIT", "Reverse Split"),
            ("STOCK MERGER", "Stock Merger"),
            ("SPECIAL DIVIDEND", "Special Dividend"),
            ("CASH MERGER", CASH_MERGER),
        ):
            if marker in words:
                return sub
        if "CASH SETTLE" in words and ("ASSIGN" in words or "EXERCIS" in words):
            return "Cash Settled Assignment" if "ASSIGN" in words else "Cash Settled Exercise"
        return ACTION_SUB.get(action, "")
    if _CREDIT_INTEREST.match(words):
        return "Credit Interest"
    if _DEBIT_INTEREST.match(words):
        return "Debit Interest"
    if _FEE_ADJUSTMENT.match(words):
        return "Balance Adjustment"
    if "LENDING" in words:
        return "Fully Paid Stock Lending Income"
    if symbol:
        return "Dividend"  # a company's name with its symbol: a dividend, or its withholding when negative
    if re.search(r"\bFEE\b", words):
        return "Fee"
    if re.search(r"WIRE|ACH|DEPOSIT|WITHDRAW|TRANSFER|CHECK|JOURNAL", words):
        return "Transfer"
    return ""


def _instrument(
    row: CsvRow, kind: str, instrument_type: str, symbol: str, multiplier: Decimal | None
) -> tuple[OptionContract | None, Stock | None, str | None]:
    """The option or stock a Trade or Receive Deliver row is about, or why it cannot be recorded yet."""
    if symbol.startswith("./") or instrument_type in FUTURES_TYPES:
        return None, None, f"a future: not modelled yet; {RESOLVE}"
    if instrument_type == EQUITY_OPTION:
        if multiplier is not None and multiplier <= 0:
            raise RowError("Multiplier", row.get("multiplier"), "must be positive")
        option = option_symbol(symbol, "Symbol", multiplier or STANDARD_MULTIPLIER)
        if option is None:
            raise RowError("Symbol", symbol, "not an option symbol")
        option_from_columns(
            row, option, expiration="Expiration Date", strike="Strike Price", right="Call or Put"
        )
        return option, None, None
    if instrument_type == EQUITY:
        stock = parse_stock(symbol)
        if stock is None:
            raise RowError("Symbol", symbol, "not a stock symbol")
        return None, stock, None
    if not instrument_type and kind == RECEIVE_DELIVER and not symbol:
        return None, None, None  # a cash delivery (an ACAT of cash)
    return None, None, f"an instrument of type {instrument_type!r}: not modelled yet; {RESOLVE}"


def _future_option(row: CsvRow, text: str, value: Decimal, quantity: Decimal) -> FutureOption:
    """A futures option row's contract (`./MESZ5EXV5  251031P5400`, Underlying Symbol `/MESZ5`): expiry, right
    and strike from their columns. The file's Multiplier column says 1 and Average Price is per contract, so
    the contract's multiplier is Value over the price in points its Description gives over the quantity
    (`Sold 2 ... Put 6300.00 @ 21.0`, 210.00: 210 / 21 / 2 = 5, /MES); 0 where the row gives no price (an
    expiration: learnt from the product's fills in `events_from_rows`)."""
    future = squash(row.get("underlying symbol")).upper()
    raw_expiry, raw_strike, raw_right = (
        row.get("expiration date"),
        row.get("strike price"),
        row.get("call or put"),
    )
    if not (future.startswith("/") and raw_expiry and raw_strike and raw_right):
        raise RowError(
            "Underlying Symbol",
            future or None,
            "a futures option row needs its future, expiry, strike and right",
        )
    try:
        expiry = us_date(raw_expiry)
    except ValueError as exc:
        raise RowError("Expiration Date", raw_expiry, bounds.why(exc, "not a date (M/D/YY)")) from None
    strike = amount(raw_strike, "Strike Price")
    right = raw_right.upper()[:1]
    if right not in ("P", "C") or strike <= 0:
        raise RowError("Call or Put" if strike > 0 else "Strike Price", raw_right, "not an option")
    multiplier = ZERO
    m = _AT_PRICE.search(squash(text))
    if m and quantity > 0 and value:
        price = amount(m[1], "Description")
        if price > 0:
            with localcontext(EXACT):
                found = abs(value) / (price * quantity)
            if found == found.to_integral_value() and 0 < found <= MULTIPLIER.most:
                multiplier = found.normalize() + 0
    return FutureOption(future, expiry, right, strike.normalize() + 0, multiplier)


def _new_row(row: CsvRow, has_sub: bool, account: str) -> TastyRow:
    get = row.get
    when, instant = iso_time(get("date"), "Date")
    kind = get("type")
    action = get("action").upper()
    symbol = get("symbol")
    text = get("description")
    instrument_type = get("instrument type")
    columns = dict(_COLUMNS_NEW)
    if not has_sub:
        columns["sub"] = "Action" if kind == TRADE else "Description"
    sub = get("sub type") if has_sub or kind not in TYPES else _derive_sub(kind, action, text, symbol)
    value = amount(get("value"), "Value")
    quantity = abs(amount(get("quantity"), "Quantity", blanks=("",), default=ZERO, bound=QUANTITY))
    raw_commissions, raw_fees = get("commissions"), get("fees")
    commissions = amount(raw_commissions, "Commissions", default=ZERO)
    fee = amount(raw_fees, "Fees", default=ZERO)
    # Each column on its own: a positive one must not hide inside the other's sum.
    fees = fees_paid(ZERO, fee, "Fees", raw_fees)
    fees += fees_paid(commissions, ZERO, "Commissions", raw_commissions)
    # The broker's cash: Total where the file has it (it may differ from Value + Commissions + Fees by the
    # cent the broker rounds its fees to: a trade takes its fees from it, with a warning).
    raw_total = get("total")
    cash = amount(raw_total, "Total") if raw_total else value + commissions + fee
    raw_multiplier = get("multiplier")
    multiplier = amount(raw_multiplier, "Multiplier", bound=MULTIPLIER) if raw_multiplier else None
    option = stock = unsupported = future_option = None
    if kind not in TYPES and symbol:
        unsupported = f"a {kind} row: not modelled yet; {RESOLVE}"
    elif kind in (TRADE, RECEIVE_DELIVER) and (
        instrument_type in FUTURE_OPTION_TYPES
        or (symbol.startswith("./") and instrument_type not in FUTURES_TYPES)
    ):
        future_option = _future_option(row, text, value, quantity)
    elif kind in (TRADE, RECEIVE_DELIVER):
        option, stock, unsupported = _instrument(row, kind, instrument_type, symbol, multiplier)
    currency = get("currency")
    if currency and currency.upper() != "USD":
        unsupported = f"a row in {currency}: the journal has no currencies yet; {RESOLVE}"
    average = amount(get("average price"), "Average Price", default=ZERO)
    unit_price = abs(average) / option.multiplier if option else abs(average) if stock else None
    side = "BUY" if action.startswith("BUY") else "SELL" if action.startswith("SELL") else None
    opens = action.endswith("_OPEN") if action.endswith(("_OPEN", "_CLOSE")) else None
    if opens is None and kind == RECEIVE_DELIVER and (m := _OPEN_CLOSE_WORD.search(text)):
        opens = m[1].lower() == "open"
    underlying = squash(get("underlying symbol")) or (option.underlying if option else symbol)
    order_id = get("order #") or None
    # The key: what the row says in every header variant alike. Not Action (2025 fills it on removals),
    # not Sub Type (a 2023-09 file has none: a delivery's kind is keyed as derived), not commissions and
    # fees (older exports give tenths of a cent), not Total or Currency.
    content = "\x1f".join(
        [
            instant,
            kind,
            sub if kind == RECEIVE_DELIVER else "",
            squash(symbol),
            key_number(value),
            key_number(quantity, Decimal("0.00001")),
            order_id or "",
            squash(text).upper() if kind == MONEY_MOVEMENT else "",
        ]
    )
    return TastyRow(
        line=row.line,
        account=account,
        when=when,
        instant=instant,
        kind=kind,
        sub=sub,
        side=side,
        opens=opens,
        symbol=symbol,
        description=text,
        value=value,
        quantity=quantity,
        fees=fees,
        cash=cash,
        unit_price=unit_price,
        option=option,
        stock=stock,
        underlying=underlying,
        order_id=order_id,
        content=content,
        columns=columns,
        unsupported=unsupported,
        raw=tuple(row.raw),
        future_option=future_option,
    )


def read_table(
    info: FileInfo,
    is_header: Callable[[list[str]], bool],
    read_row: Callable[[CsvRow, int], TastyRow],
) -> tuple[list[TastyRow], list[ImportProblem]]:
    """Rows of a tastytrade-family CSV: each row read by `read_row(row, header_width)`, or a problem."""
    problems: list[ImportProblem] = []
    rows: list[TastyRow] = []
    try:
        text = info.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return rows, [ImportProblem(info.name, 1, None, None, f"not UTF-8 text (byte {exc.start})")]
    if "\x00" in text:
        return rows, [ImportProblem(info.name, 1, None, None, "not a text file (NUL byte)")]
    line = 1
    try:
        _, header, table = read_csv_table(text, is_header)
        width = len(header)
        for row in table:
            line = row.line
            extra = [c for c in row.raw[width:] if c.strip()]
            if len(row.raw) < width or extra:
                problems.append(
                    ImportProblem(
                        info.name, row.line, None, None, f"{len(row.raw)} fields where the header has {width}"
                    )
                )
                continue
            try:
                rows.append(read_row(row, width))
            except RowError as err:
                problems.append(ImportProblem(info.name, row.line, err.column, err.value, err.message))
    except ValueError:
        problems.append(ImportProblem(info.name, 1, None, None, "no tastytrade header line found"))
    except csv.Error as exc:
        problems.append(ImportProblem(info.name, line, None, None, f"not valid CSV: {exc}"))
    return rows, problems


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    row_account = account or DEFAULT_ACCOUNT  # the export names no account
    has_sub: list[bool] = []

    def is_header(cells: list[str]) -> bool:
        if _is_header(cells):
            has_sub.append("sub type" in [c.lower() for c in cells])
            return True
        return False

    def read_row(row: CsvRow, _width: int) -> TastyRow:
        return _new_row(row, has_sub[0], row_account)

    rows, problems = read_table(info, is_header, read_row)
    return finish(info, rows, problems)


def finish(info: FileInfo, rows: list[TastyRow], problems: list[ImportProblem]) -> ParseResult:
    result = events_from_rows(info, rows)
    result.errors = sorted(problems + result.errors, key=lambda p: p.line)
    return result


# -- from rows to events -------------------------------------------------------------------------------


def unit_price(row: TastyRow) -> Decimal:
    """The price per share of a trade: the broker's rounded price when it reproduces the cash exactly,
    else the cash over the shares (exact, carried at high precision)."""
    units = row.quantity * row.multiplier
    gross = abs(row.value)
    if row.unit_price is not None and row.unit_price * units == gross:
        return row.unit_price
    with localcontext(EXACT):
        return gross / units


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY)


class _Builder:
    """Turns one file's rows into events, in file order, with one natural key per fact."""

    def __init__(self, info: FileInfo) -> None:
        self.info = info
        self.keys = KeyMaker()
        self.events: list[tuple[int, int, Event]] = []  # (row index, sub-order, event)
        self.result = ParseResult()

    def source(self, row: TastyRow) -> SourceRef:
        return self.info.source(row.line)

    def key(self, row: TastyRow, *more: TastyRow) -> str:
        return self.keys.key(row.account, None, "\x1e".join(r.content for r in (row, *more)))

    def add(self, index: int, event: Event, order: int = 0) -> None:
        self.events.append((index, order, event))

    def problem(self, row: TastyRow, err: RowError) -> None:
        line = err.line if err.line is not None else row.line
        self.result.errors.append(ImportProblem(self.info.name, line, err.column, err.value, err.message))

    def keep(self, index: int, row: TastyRow, exc: NotModelled) -> None:
        """A row read cleanly but not modelled: kept as an Unresolved event with the cash the broker
        booked on it and the underlyings it names (its own, unless the reason names others)."""
        if exc.amount is None or not exc.symbols:
            exc = NotModelled(
                exc.reason,
                amount=row.cash if exc.amount is None else exc.amount,
                symbols=exc.symbols or (row.underlying,),
            )
        event = unresolved(
            exc,
            account=row.account,
            time=row.when,
            key=self.key(row),
            source=self.source(row),
            raw=row.raw or (row.description,),
        )
        self.add(index, event)

    def warn(self, row: TastyRow, message: str, column: str = "total", value: str | None = None) -> None:
        self.result.warnings.append(
            ImportProblem(self.info.name, row.line, row.col(column), value or str(row.cash), message)
        )

    def fees(self, rows: Sequence[TastyRow], *, buys: bool, gross: Decimal) -> Decimal:
        """The fees of a trade made of `rows` (a fill, or an assignment's option and stock rows): what
        makes its cash equal what the broker booked, with a warning where that is not the fees written
        (tastytrade's Total may be a cent off Value + Commissions + Fees: the broker rounds its fees)."""
        cash = sum((r.cash for r in rows), ZERO)
        fees, warning = booked_fees(
            buys=buys, gross=gross, fees=sum((r.fees for r in rows), ZERO), amount=cash
        )
        if warning:
            self.warn(rows[0], warning)
        return fees

    # -- one row, one event --

    def trade(
        self, row: TastyRow, action: TradeAction, when: datetime | None = None, note: str = ""
    ) -> Event:
        instrument = row.option or row.future_option or row.stock
        if instrument is None:
            raise RowError(row.col("symbol"), row.symbol, "missing: this row needs a stock or option symbol")
        if row.quantity <= 0:
            raise RowError(row.col("quantity"), str(row.quantity), "must be positive")
        return TradeExecuted(
            action=action,
            instrument=instrument,
            quantity=row.quantity,
            price=unit_price(row),
            fees=self.fees([row], buys=action.is_buy, gross=abs(row.value)),
            order_id=row.order_id,
            account=row.account,
            time=when or row.when,
            key=self.key(row),
            source=self.source(row),
            note=note,
        )

    def trade_row(self, row: TastyRow) -> Event:
        if row.sub not in OPTION_TRADE:
            raise NotModelled(
                f"a trade of an unknown kind ({row.sub or row.description}): not modelled yet; {RESOLVE}"
            )
        buy = row.sub.startswith("Buy")
        # Value's sign is the cash: a buy pays, a sale receives. A row that says otherwise is misread.
        if (buy and row.value > 0) or (not buy and row.value < 0):
            raise RowError(row.col("value"), str(row.value), f"the cash of a {row.sub} has the wrong sign")
        if row.option or row.future_option:
            return self.trade(row, OPTION_TRADE[row.sub])
        return self.trade(row, TradeAction.BUY if buy else TradeAction.SELL)

    def money_row(self, row: TastyRow) -> Event:
        """A cash-only row of any sub type: the kind from the sub type where it says one, else from the
        description's words (`common.cash_kind`; words tj does not know make OTHER cash and a warning)."""
        # A symbol that is no stock's (a future's mark to market) leaves the cash with no underlying.
        symbol = row.symbol if row.symbol and parse_stock(row.symbol) else None
        kind, symbol, note = self.money_kind(row, symbol)
        return CashMoved(
            kind=kind,
            amount=row.cash,
            symbol=symbol,
            description=row.description,
            account=row.account,
            time=row.when,
            key=self.key(row),
            source=self.source(row),
            note=note,
        )

    def money_kind(self, row: TastyRow, symbol: str | None) -> tuple[CashKind, str | None, str]:
        """The cash kind of a Money Movement row, the symbol it belongs to, and a note."""
        sub, text = row.sub, squash(row.description)
        if sub in INTEREST_SUBS or _CREDIT_INTEREST.match(text) or _DEBIT_INTEREST.match(text):
            return CashKind.INTEREST, None, ""
        if sub == "Balance Adjustment" and (m := _DELAYED_DELIVERY.match(text)):
            # The cash part of an adjusted option's deliverable, paid days after its assignment once the
            # agent has sold the fractions (GREE1 after the SPRT merger: 11 GREE and cash in lieu of 0.5
            # GREE a contract, $14.32, OCC memo #49251): cash in lieu of the delivered symbol's shares.
            return CashKind.IN_LIEU, m[1].upper(), "the cash part of an adjusted option's deliverable"
        if sub == "Balance Adjustment" and _FEE_ADJUSTMENT.match(text):
            return CashKind.FEE, None, ""
        if sub in MONEY_KINDS and (symbol is not None or sub != "Dividend"):
            return MONEY_KINDS[sub], symbol, ""
        if sub in ("Deposit", "Withdrawal", "Transfer"):
            if symbol is not None and sub == "Deposit" and row.value > 0:
                # A "Deposit" naming a holding is no money the owner put in: it is tax withheld from that
                # holding's dividends paid back (ICSH, `ISHARES TRUST`, avion23/tastyworksTaxes
                # test/tastytrade_transactions_history_180201_to_240817.csv). The withholding was a
                # negative DIVIDEND, so the refund is a positive one.
                return CashKind.DIVIDEND, symbol, "dividend withholding refunded"
            if symbol is None:
                return (CashKind.DEPOSIT if row.cash >= 0 else CashKind.WITHDRAW), None, ""
        kind, known = cash_kind(f"{sub} {text}", row.cash)
        if not known:
            self.warn(
                row,
                UNKNOWN_CASH,
                "description",
                row.description,
            )
        return kind, symbol, ""

    def expiry(self, row: TastyRow) -> Event:
        option = row.future_option or self.need_option(row)
        if row.when.date() < option.expiry:
            raise RowError(
                row.col("date"), row.when.isoformat(), f"before the option's expiration {option.expiry}"
            )
        if row.value:
            raise NotModelled(
                f"an expiration that moved cash (a cash-settled option): not modelled yet; {RESOLVE}"
            )
        # CONTRACT: an expiry closes on the expiration date, at its end, even when posted later.
        return OptionExpired(
            option=option,
            quantity=self.positive(row),
            fees=self.fees([row], buys=True, gross=ZERO),
            account=row.account,
            time=end_of_day(option.expiry),
            key=self.key(row),
            source=self.source(row),
        )

    def cash_settlement(self, row: TastyRow) -> Event:
        """An index option settled in cash: no stock moves, so it is closed at the settlement amount."""
        self.need_option(row)
        action = CASH_SETTLED[row.sub]
        # An assignment debits the writer, an exercise credits the holder.
        if (action is TradeAction.BTC and row.value > 0) or (action is TradeAction.STC and row.value < 0):
            raise RowError(row.col("value"), str(row.value), f"the cash of a {row.sub} has the wrong sign")
        note = f"{row.sub.lower()}: closed at the settlement cash"
        return self.trade(row, action, end_of_day(row.when.date()), note)

    @staticmethod
    def need_option(row: TastyRow) -> OptionContract:
        if row.option is None:
            raise RowError(row.col("symbol"), row.symbol, f"a {row.sub} row needs an option symbol")
        return row.option

    @staticmethod
    def positive(row: TastyRow) -> Decimal:
        if row.quantity <= 0:
            raise RowError(row.col("quantity"), str(row.quantity), "must be positive")
        return row.quantity


def events_from_rows(info: FileInfo, rows: Sequence[TastyRow]) -> ParseResult:
    """The events of a tastytrade-family file: one per fact, in the file's order; a row tj does not model
    is kept as an Unresolved event, and every row's cash is booked for the file's self-check."""
    b = _Builder(info)
    rows = _with_deliverables(_with_multipliers(rows))
    legs: list[StockLeg] = []
    removals: list[int] = []
    splits: dict[tuple[str, date, str], list[int]] = {}
    corporate: list[int] = []
    together = _named_together(rows)
    for index, row in enumerate(rows):
        b.result.book(row.account, row.cash)
        try:
            if row.unsupported and row.kind != MONEY_MOVEMENT:
                raise NotModelled(row.unsupported)
            if row.future_option is not None and row.kind != TRADE and row.sub != EXPIRATION:
                # An exercise or assignment delivers a future, which the journal does not model yet.
                raise NotModelled(
                    f"a futures option's {row.sub.lower() or 'delivery'}: not modelled yet; {RESOLVE}"
                )
            if row.kind == TRADE:
                b.add(index, b.trade_row(row))
            elif row.kind == MONEY_MOVEMENT or row.kind not in TYPES:
                # An unknown Type naming no security (an Administrative Transfer) is cash like any other.
                b.add(index, b.money_row(row))
            elif row.sub in OPENING_CLOSING:
                if row.stock is None:
                    raise NotModelled(
                        "an option delivered without an assignment or exercise row: "
                        f"not modelled yet; {RESOLVE}"
                    )
                # Maybe the stock side of an assignment or exercise: merged below.
                price = unit_price(row) if b.positive(row) else ZERO
                legs.append(
                    StockLeg(
                        index,
                        row.account,
                        row.stock.symbol,
                        row.when.date(),
                        row.is_buy,
                        row.quantity,
                        price,
                        row.fees,
                    )
                )
            elif row.sub == EXPIRATION:
                b.add(index, b.expiry(row))
            elif row.sub in (ASSIGNMENT, EXERCISE):
                b.need_option(row)
                b.positive(row)
                removals.append(index)
            elif row.sub in CASH_SETTLED:
                b.add(index, b.cash_settlement(row))
            elif row.sub in CORPORATE:
                corporate.append(index)
            elif row.sub == CASH_MERGER:
                b.add(index, _cash_merger(b, row))
            elif row.sub in SPLITS:
                splits.setdefault((row.account, row.when.date(), row.underlying), []).append(index)
            elif row.sub in POSITION_TRANSFERS:
                b.add(index, _transfer(b, row))
            elif row.sub in NOT_SUPPORTED:
                raise NotModelled(NOT_SUPPORTED[row.sub], symbols=together[index])
            elif row.option or row.stock or row.symbol:
                raise NotModelled(
                    f"a delivery of an unknown kind ({row.sub or row.description}): "
                    f"not modelled yet; {RESOLVE}"
                )
            else:
                b.add(index, _cash_delivery(b, row))
        except NotModelled as exc:
            b.keep(index, row, exc)
        except RowError as err:
            b.problem(row, err)
    used: set[int] = set()
    for index in removals:
        try:
            b.add(index, _assignment(b, rows, index, legs, used))
        except NotModelled as exc:
            b.keep(index, rows[index], exc)
            _keep_delivery(b, rows, index, legs, used, exc)
        except RowError as err:
            b.problem(rows[index], err)
    for leg in legs:
        if leg.index not in used:
            # Stock delivered with no option row beside it (a promotion, a lone delivery): the trade it is.
            row = rows[leg.index]
            note = f"stock delivered ({row.sub}) without an option row"
            try:
                action = TradeAction.BUY if leg.buy else TradeAction.SELL
                b.add(leg.index, b.trade(row, action, end_of_day(row.when.date()), note))
            except NotModelled as exc:
                b.keep(leg.index, row, exc)
            except RowError as err:
                b.problem(row, err)
    for indexes in splits.values():
        _split(b, rows, indexes)
    _corporate(b, rows, corporate)
    b.events.sort(key=lambda item: (item[0], item[1]))
    b.result.events = [event for _, _, event in b.events]
    return b.result


def _named_together(rows: Sequence[TastyRow]) -> dict[int, list[str]]:
    """For each row of an action tj does not model (a stock merger), the underlyings every row of that
    action names (written at one moment): a merger of SPRT into GREE touches both."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for index, row in enumerate(rows):
        if row.sub in NOT_SUPPORTED:
            groups.setdefault((row.account, row.instant, row.sub), []).append(index)
    return {
        index: [rows[i].underlying for i in sorted(indexes, key=lambda i: rows[i].opens is not False)]
        for indexes in groups.values()
        for index in indexes
    }


def _with_multipliers(rows: Sequence[TastyRow]) -> list[TastyRow]:
    """Futures options with their product's multiplier: every fill of a product (`/MES`) that gives its price
    says it (Value / price / quantity), and it holds for the product's rows that give none (expirations).
    A product no fill prices, or whose fills disagree, stays unresolved: never a guessed multiplier."""
    found: dict[str, set[Decimal]] = {}
    for row in rows:
        if row.future_option is not None and row.future_option.multiplier:
            found.setdefault(row.future_option.root, set()).add(row.future_option.multiplier)
    out: list[TastyRow] = []
    for row in rows:
        option = row.future_option
        if option is not None and row.unsupported is None:
            known = found.get(option.root, set())
            if len(known) == 1:
                row = replace(row, future_option=replace(option, multiplier=next(iter(known))))
            else:
                why = (
                    f"its fills give different multipliers ({', '.join(str(m) for m in sorted(known))})"
                    if known
                    else "no fill of the product in this file gives its price in points"
                )
                row = replace(
                    row,
                    unsupported=f"a futures option whose multiplier the file does not say ({why}); {RESOLVE}",
                )
        out.append(row)
    return out


def _with_deliverables(rows: Sequence[TastyRow]) -> list[TastyRow]:
    """Adjusted options (`GREE1`) with their deliverable where the file shows it: the stock row of an
    assignment or exercise written with the option's removal row delivers shares of the underlying
    (`Buy to Open 66 GREE @ 200.00` for 6 GREE1 puts struck at 22: 66 × 200 = 6 × 100 × 22, the strike's
    cash, and 66 / 6 = 11 GREE a contract). Every row of that root in the file then names the contract with
    its deliverable, so the merger that opened it and its assignment name one instrument. The cash part of
    a deliverable is not in the contract: tastytrade pays it later as its own "Delayed Delivery" row (cash
    in lieu). A root the file shows no delivery of keeps no deliverable (its assignment stays unresolved)."""
    stock_rows: dict[tuple[str, str], list[TastyRow]] = {}
    for row in rows:
        if row.kind == RECEIVE_DELIVER and row.sub in OPENING_CLOSING and row.stock is not None:
            stock_rows.setdefault((row.account, row.instant), []).append(row)
    found: dict[str, set[tuple[tuple[str, Decimal], ...]]] = {}
    for row in rows:
        option = row.option
        if row.sub not in (ASSIGNMENT, EXERCISE) or option is None or row.quantity <= 0:
            continue
        if not option.is_adjusted or option.deliverable or option.root in INDEX_ROOT_UNDERLYING:
            continue
        buy = option.is_put if row.sub == ASSIGNMENT else not option.is_put
        strike_cash = option.strike * option.multiplier * row.quantity
        for leg in stock_rows.get((row.account, row.instant), []):
            assert leg.stock is not None
            if (
                # The shares of the root's letters, or of the underlying the file names (an adjusted
                # root may keep the target's letters while delivering the acquirer's shares).
                leg.stock.symbol in (option.underlying, row.underlying)
                and leg.is_buy == buy
                and leg.quantity > 0
                and abs(leg.value) == strike_cash
                and leg.quantity != row.quantity * option.multiplier
            ):
                with localcontext(EXACT):
                    per_contract = (leg.quantity / row.quantity).normalize() + 0
                found.setdefault(option.root, set()).add(((leg.stock.symbol, per_contract),))
    deliverables = {root: next(iter(seen)) for root, seen in found.items() if len(seen) == 1}
    if not deliverables:
        return list(rows)
    return [
        replace(row, option=replace(row.option, deliverable=deliverables[row.option.root]))
        if row.option is not None and row.option.root in deliverables and not row.option.deliverable
        else row
        for row in rows
    ]


def _cash_merger(b: _Builder, row: TastyRow) -> Event:
    """A cash merger (`Cash merger: Close 100.0 SGEN`, 22,900.00): every share taken for cash, a sale at the
    cash per share (IRC 1001), which the file gives as the row's Value."""
    if row.stock is None or row.opens is True or row.value <= 0:
        raise NotModelled(
            f"a cash merger of {'an option' if row.option else 'a position'} that is no sale of shares for "
            f"cash: not modelled yet; {RESOLVE}"
        )
    return b.trade(row, TradeAction.SELL, note="cash merger: the shares taken for cash (a sale)")


def _pairs(rows: Sequence[TastyRow], group: Sequence[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """The Close / Open pairs of one corporate action (rows of one account, kind and day, anywhere in the
    file): each Close row with an Open row of the same kind of instrument and equal and opposite value and
    cash (the cost carried over), preferring one written at the same moment, then the same expiry and
    right, then the same quantity, then the nearest. Rows left without a pair come back alone."""
    closes = [i for i in group if rows[i].opens is False]
    opens = [i for i in group if rows[i].opens is True]
    alone = [i for i in group if rows[i].opens is None]
    pairs: list[tuple[int, int]] = []
    for close in closes:
        old = rows[close]

        def rank(index: int, old: TastyRow = old, close: int = close) -> tuple[bool, bool, bool, int]:
            new = rows[index]
            same_series = (
                old.option is not None
                and new.option is not None
                and (old.option.expiry, old.option.right) == (new.option.expiry, new.option.right)
            )
            return (
                new.instant != old.instant,
                not same_series,
                new.quantity != old.quantity,
                abs(index - close),
            )

        candidates = [
            i
            for i in opens
            if (rows[i].option is None) == (old.option is None)
            and (rows[i].stock is None) == (old.stock is None)
            and rows[i].value == -old.value
            and rows[i].cash == -old.cash
        ]
        if candidates:
            best = min(candidates, key=rank)
            opens.remove(best)
            pairs.append((close, best))
        else:
            alone.append(close)
    return pairs, sorted(alone + opens)


def _renamed(old: TastyRow, new: TastyRow) -> bool:
    """Whether an option pair of a symbol change is the same contract under the new symbol (which the
    SymbolChanged of the underlying carries), not a contract with other terms."""
    a, b = old.option, new.option
    return (
        a is not None
        and b is not None
        and old.quantity == new.quantity
        and a.root == old.underlying
        and b.root == new.underlying
        and (a.expiry, a.right, a.strike, a.multiplier, a.deliverable, a.cash)
        == (b.expiry, b.right, b.strike, b.multiplier, b.deliverable, b.cash)
    )


def _corporate(
    b: _Builder, rows: Sequence[TastyRow], indexes: Sequence[int], reason: str | None = None
) -> None:
    """The Close / Open pairs of symbol changes, stock mergers and special dividends (and the re-issued
    options of a split that is not whole, `reason` given): one event each, no cash moving (the pair's values
    cancel, the broker's carried cost).

    - option pair: OptionAdjusted (the contract re-issued under new terms: premium and dates kept, nothing
      realized; the OCC adjustment is no closing transaction), its `reason` the action's. In a symbol change
      the pair that is the same contract under the new symbol is carried by the SymbolChanged instead.
    - shares, symbol change: one SymbolChanged per old → new symbol and day (its rows may be seconds apart:
      VGAC → ME, shares at 12:48:05, the call at 12:48:09), at the last of its rows' moments.
    - shares, stock merger (or a symbol change whose quantity changes): StockMerged new:old from the
      quantities (the account's shares: a fraction paid in lieu comes as its own row).
    - anything else (a row without its pair, a pair of an option and shares): unresolved, with the
      underlyings it names."""
    groups: dict[tuple[str, str, date], list[int]] = {}
    for index in indexes:
        row = rows[index]
        groups.setdefault((row.account, reason or CORPORATE[row.sub], row.when.date()), []).append(index)
    for (account, why, _), group in groups.items():
        pairs, alone = _pairs(rows, group)
        for index in alone:
            side = "Open" if rows[index].opens is False else "Close"
            b.keep(
                index,
                rows[index],
                NotModelled(
                    f"a {rows[index].sub.lower()} row without its {side} row of equal and opposite value: "
                    f"not modelled yet; {RESOLVE}",
                ),
            )
        renames: dict[tuple[str, str], list[int]] = {}
        for close, open_ in pairs:
            old, new = rows[close], rows[open_]
            first = min(close, open_)
            both = sorted((close, open_))
            try:
                if old.option is not None and new.option is not None:
                    if why == "symbol change" and _renamed(old, new):
                        renames.setdefault((old.underlying, new.underlying), []).extend(both)
                        continue
                    b.add(
                        first,
                        OptionAdjusted(
                            option=old.option,
                            adjusted=new.option,
                            quantity=b.positive(old),
                            new_quantity=new.quantity if new.quantity != old.quantity else None,
                            reason=why,
                            account=account,
                            time=max(old.when, new.when),
                            key=b.key(*(rows[i] for i in both)),
                            source=b.source(rows[first]),
                        ),
                    )
                elif old.stock is not None and new.stock is not None and why in ("symbol change", "merger"):
                    if why == "symbol change" and old.quantity == new.quantity:
                        renames.setdefault((old.stock.symbol, new.stock.symbol), []).extend(both)
                        continue
                    ratio = Fraction(b.positive(new)) / Fraction(b.positive(old))
                    b.add(
                        first,
                        StockMerged(
                            symbol=old.stock.symbol,
                            new_symbol=new.stock.symbol,
                            new=Decimal(ratio.numerator),
                            old=Decimal(ratio.denominator),
                            account=account,
                            time=max(old.when, new.when),
                            key=b.key(*(rows[i] for i in both)),
                            source=b.source(rows[first]),
                        ),
                    )
                else:
                    raise NotModelled(
                        f"a {old.sub.lower()} of {'shares' if old.stock else 'an option'} into "
                        f"{'shares' if new.stock else 'an option'}: not modelled yet; {RESOLVE}",
                        symbols=list(dict.fromkeys((old.underlying, new.underlying))),
                    )
            except NotModelled as exc:
                b.keep(close, old, exc)
                b.keep(open_, new, exc)
            except RowError as err:
                b.problem(old, err)
        for (old_symbol, new_symbol), members in renames.items():
            members.sort()
            b.add(
                members[0],
                SymbolChanged(
                    symbol=old_symbol,
                    new_symbol=new_symbol,
                    account=account,
                    # The last moment of the action (after an option of the old symbol re-issued with other
                    # terms is adjusted): the shares and options renamed together.
                    time=max(
                        rows[i].when
                        for i in group
                        if i in members or rows[i].underlying in (old_symbol, new_symbol)
                    ),
                    key=b.key(*(rows[i] for i in members)),
                    source=b.source(rows[members[0]]),
                ),
            )


def _cash_delivery(b: _Builder, row: TastyRow) -> Event:
    """A Receive Deliver row naming no security: cash moved in or out (an ACAT of cash)."""
    kind = CashKind.DEPOSIT if row.cash >= 0 else CashKind.WITHDRAW
    return CashMoved(
        kind=kind,
        amount=row.cash,
        description=row.description,
        account=row.account,
        time=row.when,
        key=b.key(row),
        source=b.source(row),
    )


def _transfer(b: _Builder, row: TastyRow) -> Event:
    """An ACAT or transfer: cash, or shares moved in or out with no basis (the file gives neither the cost
    basis nor the acquisition date: the lot waits for a journal-CSV row that `resolves` it)."""
    if not (row.option or row.stock or row.symbol):
        return _cash_delivery(b, row)
    if row.stock is None or row.cash:
        raise NotModelled(
            f"{'an option' if row.option else 'a position'} transferred in or out"
            f"{' with cash' if row.cash else ''}: not modelled yet; {RESOLVE}"
        )
    quantity = b.positive(row)
    return SecurityTransferred(
        instrument=row.stock,
        quantity=quantity if row.is_buy else -quantity,
        account=row.account,
        time=row.when,
        key=b.key(row),
        source=b.source(row),
        note=squash(row.description),
    )


def _assignment(
    b: _Builder, rows: Sequence[TastyRow], index: int, legs: list[StockLeg], used: set[int]
) -> Event:
    """One OptionAssigned / OptionExercised from the option's removal row and the stock row at the strike
    (its fee is the assignment fee), preferring the stock row written at the same moment. Without such a
    stock row (an adjusted option delivers other shares, or the file lacks the row) it is not modelled."""
    row = rows[index]
    option = b.need_option(row)
    assigned = row.sub == ASSIGNMENT
    # A put assigned or a call exercised buys the shares; a call assigned or a put exercised sells them.
    buy = option.is_put if assigned else not option.is_put
    shares = row.quantity * option.multiplier
    # The strike's cash: strike × multiplier a contract, for an adjusted option too (whose stock row gives
    # the shares it delivers at that cash over the shares: 66 GREE @ 200.00 for 6 GREE1 puts struck at 22).
    strike_cash = option.strike * shares
    delivered, _ = option.delivers(row.quantity)
    if option.deliverable and len(delivered) == 1:
        underlying, shares = delivered[0]
    else:
        underlying = row.underlying

    def match(candidates: Sequence[StockLeg]) -> StockLeg | None:
        if not option.deliverable:
            return match_stock_leg(
                candidates,
                used,
                account=row.account,
                underlying=underlying,
                day=row.when.date(),
                buy=buy,
                shares=shares,
                strike=option.strike,
            )
        day = row.when.date()
        for leg in candidates:
            value = abs(rows[leg.index].value)
            if (
                leg.index not in used
                and leg.account == row.account
                and leg.symbol == underlying
                and leg.buy == buy
                and leg.shares == shares
                and value == strike_cash
                and day <= leg.day <= day + timedelta(days=5)
            ):
                used.add(leg.index)
                return leg
        return None

    leg = match([leg for leg in legs if rows[leg.index].instant == row.instant]) or match(legs)
    if leg is None:
        adjusted = option.root != row.underlying and INDEX_ROOT_UNDERLYING.get(option.root) != row.underlying
        if adjusted:
            why = (
                f"the {row.sub.lower()} of an adjusted option ({option.root}: its deliverable is not "
                f"{shares} {row.underlying})"
            )
        else:
            why = (
                f"an {row.sub.lower()} whose stock row is not in the file (a "
                f"{'purchase' if buy else 'sale'} of {shares} {row.underlying} at {option.strike})"
            )
        raise NotModelled(f"{why}: not modelled yet; {RESOLVE}", symbols=[row.underlying])
    stock_row = rows[leg.index]
    cls = OptionAssigned if assigned else OptionExercised
    return cls(
        option=option,
        quantity=row.quantity,
        fees=b.fees([row, stock_row], buys=buy, gross=strike_cash),
        account=row.account,
        # The option row's date; the event follows every trade of that day (an option sold that day too).
        time=end_of_day(row.when.date()),
        key=b.key(row, stock_row),
        source=b.source(row),
    )


def _keep_delivery(
    b: _Builder, rows: Sequence[TastyRow], index: int, legs: list[StockLeg], used: set[int], exc: NotModelled
) -> None:
    """The stock row written at the same moment as an assignment tj could not model (66 GREE for 6 GREE1
    puts): part of that delivery, so kept unresolved beside it rather than booked as a trade."""
    row = rows[index]
    for leg in legs:
        other = rows[leg.index]
        if leg.index not in used and other.instant == row.instant and leg.symbol == row.underlying:
            used.add(leg.index)
            b.keep(leg.index, other, NotModelled(exc.reason, symbols=exc.symbols))
            return


def _split(b: _Builder, rows: Sequence[TastyRow], indexes: list[int]) -> None:
    """One split of one underlying: SplitApplied from the share rows (Open : Close quantity); the option rows
    are the standard adjustment when the ratio is whole (the books apply it), else re-issued contracts."""
    group = [rows[i] for i in indexes]
    shares = [(i, r) for i, r in zip(indexes, group, strict=True) if r.option is None]
    options = [(i, r) for i, r in zip(indexes, group, strict=True) if r.option is not None]
    first = shares[0][1] if shares else group[0]
    ratio: Fraction | None = None
    try:
        if shares:
            if any(r.opens is None for _, r in shares):
                bad = next(r for _, r in shares if r.opens is None)
                raise RowError(
                    bad.col("description"),
                    bad.description,
                    "cannot tell whether this row opens or closes",
                    bad.line,
                )
            old = sum((r.quantity for _, r in shares if not r.opens), ZERO)
            new = sum((r.quantity for _, r in shares if r.opens), ZERO)
            if old <= 0 or new <= 0:
                raise RowError(
                    first.col("sub"),
                    first.sub,
                    f"cannot derive the split ratio of {first.underlying}: the file needs both the Close row "
                    "of the old shares and the Open row of the new ones",
                )
            ratio = Fraction(new) / Fraction(old)
            if ratio == 1 or max(ratio.numerator, ratio.denominator) > 1000:
                raise RowError(
                    first.col("quantity"),
                    f"{new}:{old}",
                    f"cannot derive the split ratio of {first.underlying} "
                    f"from {new} new for {old} old shares",
                )
            stock_rows = [r for _, r in shares]
            b.add(
                shares[0][0],
                SplitApplied(
                    symbol=first.underlying,
                    new=Decimal(ratio.numerator),
                    old=Decimal(ratio.denominator),
                    account=first.account,
                    # The last moment of the action: options it re-issues are renamed before shares scale.
                    time=max(r.when for r in group),
                    key=b.key(*stock_rows),
                    source=b.source(first),
                ),
            )
        if ratio is not None and ratio.denominator == 1:
            _standard_adjustment(options, int(ratio.numerator))
            return
    except RowError as err:
        b.problem(first, err)
        return
    # Re-issued contracts (USO -> USO1 in a 1:8 reverse split): each Close / Open pair one OptionAdjusted.
    _corporate(b, rows, [index for index, _ in options], reason=first.sub.lower())


def _standard_adjustment(options: list[tuple[int, TastyRow]], ratio: int) -> None:
    """Check that the option rows of a whole n:1 split are the OCC's standard adjustment (n times the
    contracts at 1/n the strike), which SplitApplied makes in the books; anything else is refused."""
    closes = [r for _, r in options if r.opens is False]
    opens = [r for _, r in options if r.opens is True]
    for old in closes:
        assert old.option is not None
        match = next(
            (
                r
                for r in opens
                if r.option is not None
                and (r.option.root, r.option.expiry, r.option.right)
                == (old.option.root, old.option.expiry, old.option.right)
                and r.option.strike * ratio == old.option.strike
                and r.quantity == old.quantity * ratio
            ),
            None,
        )
        if match is None:
            raise RowError(
                old.col("symbol"),
                old.symbol,
                f"this option was not adjusted the standard way for a {ratio}:1 split: not supported yet",
                old.line,
            )
        opens.remove(match)
    if opens or any(r.opens is None for _, r in options):
        extra = next(iter(opens), None) or next(r for _, r in options if r.opens is None)
        raise RowError(
            extra.col("symbol"),
            extra.symbol,
            f"an option row of a {ratio}:1 split with no matching Close row",
            extra.line,
        )
