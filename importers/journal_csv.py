"""The journal CSV: the project's own import format, one row per event (../shared/CONTRACT.md).

Column names are case-insensitive and in any order; unknown columns are an error, as is any row this
importer cannot read exactly. Optional `multiplier` extends the contract for non-standard contracts; a row
with a `key` is a recorded fact written back by `tj export journal-csv` (importers/recorded.py). Corporate
actions, adjusted options, other assets and currencies have their own actions and columns
(docs/journal-csv.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from importers import bounds, recorded
from importers.base import FileInfo, ImportProblem, KeyMaker, ParseResult, RowError, maker, utf8_text
from importers.bounds import (
    ALLOCATION,
    AMOUNT,
    CASH_PER_UNIT,
    FX_RATE,
    MULTIPLIER,
    PRICE,
    QUANTITY,
    RATIO_PART,
    SETTLEMENT,
    SPLIT_PART,
    Bound,
)
from journal.events import (
    CashKind,
    CashMoved,
    CurrencyConverted,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    PriceMarked,
    Resolved,
    SecurityTransferred,
    SourceRef,
    SplitApplied,
    SpunOff,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
    broker_key,
    paused_gc,
)
from journal.instruments import (
    ASSET_KINDS,
    STANDARD_MULTIPLIER,
    Bond,
    Future,
    FutureOption,
    Instrument,
    InvalidOption,
    OptionContract,
    Stock,
    future_root,
    is_cusip,
    parse_future_option,
    parse_option,
    parse_stock,
)
from journal.money import ZERO, OutOfBounds
from journal.tax import LOT_METHODS

name = "journal-csv"
description = "theta-journal's own CSV (date, action, symbol, quantity, price, fees, ...)"

COLUMNS = recorded.COLUMNS  # the contract's, then the extension of recorded rows
# Other spellings of a column, read as the column itself (the words: "a lot id on the sell row").
ALIASES = {"lot_id": "lot"}
REQUIRED = ("date", "action")
STOCK_TRADES = ("BUY", "SELL")
OPTION_TRADES = ("STO", "BTC", "BTO", "STC")
OPTION_ENDS = {"EXPIRE": OptionExpired, "ASSIGN": OptionAssigned, "EXERCISE": OptionExercised}
CASH = tuple(k.value for k in CashKind)
TRANSFERS = {"TRANSFER_IN": 1, "TRANSFER_OUT": -1}
# Corporate actions, an option's cash settlement and a currency conversion (docs/journal-csv.md).
CORPORATE = ("SYMBOL_CHANGE", "MERGER", "SPINOFF", "ADJUST", "CASH_SETTLE", "CONVERT")
ACTIONS = (*STOCK_TRADES, *OPTION_TRADES, *OPTION_ENDS, *CASH, "SPLIT", "MARK", *TRANSFERS, *CORPORATE)
# The columns of corporate actions, adjusted options, other assets and currencies.
NEW_COLUMNS = recorded.CONTRACT_COLUMNS[recorded.CONTRACT_COLUMNS.index("new_symbol") :]
# The columns holding a row's figures (the rest name it: date, account, action, symbol, ids, note, resolves).
VALUES = (
    "quantity",
    "price",
    "fees",
    "amount",
    "multiplier",
    "lot",
    "lot_method",
    "basis",
    "acquired",
    *NEW_COLUMNS,
)
_INSTRUMENT = ("asset", "expiry", "deliverable", "cash")
_CURRENCY = ("currency", "fx_rate")
# What each action reads: of the new columns for the contract's actions (which keep their old tolerance of
# the others), of every figure for the new actions; a cell it does not read is an error, not ignored.
USES: dict[str, frozenset[str]] = {
    **dict.fromkeys(STOCK_TRADES, frozenset(("asset", "expiry", *_CURRENCY))),
    **dict.fromkeys(OPTION_TRADES, frozenset(("asset", "deliverable", "cash", *_CURRENCY))),
    **dict.fromkeys(OPTION_ENDS, frozenset(("asset", "deliverable", "cash"))),
    **dict.fromkeys(CASH, frozenset(("asset", *_CURRENCY))),
    "SPLIT": frozenset(),
    "MARK": frozenset(_INSTRUMENT),
    **dict.fromkeys(TRANSFERS, frozenset(_INSTRUMENT)),
    "SYMBOL_CHANGE": frozenset(("new_symbol",)),
    "MERGER": frozenset(("new_symbol", "ratio", "cash", "price", "amount")),
    "SPINOFF": frozenset(("new_symbol", "ratio", "allocation", "amount")),
    "ADJUST": frozenset(("new_symbol", "quantity", "ratio", "deliverable", "cash", "multiplier")),
    "CASH_SETTLE": frozenset(("quantity", "settlement", "fees", "multiplier")),
    "CONVERT": frozenset(("currency", "quantity", "amount", "fees")),
}
_BONDS = ("bill", "note", "bond")
_SHARES = ("stock", "fund", "warrant")
_TRADE_ACTIONS = {a.value: a for a in TradeAction}  # STOCK_TRADES and OPTION_TRADES
_KNOWN_ACTIONS = frozenset(ACTIONS)
_CASH_KINDS = {k.value: k for k in CashKind}
DEFAULT_ACCOUNT = "default"
# An expiry happens at the close: after any trade of its day, whatever file brought the trade.
END_OF_DAY = time(23, 59, 59)
_MOST_PRICE = PRICE.most
# The events a row makes most, and its source, built by their slots (importers.base.maker): the same objects.
_TRADE = maker(TradeExecuted)
_ENDS = {action: maker(cls) for action, cls in OPTION_ENDS.items()}
_CASH_MOVED = maker(CashMoved)
_SOURCE = maker(SourceRef)


def _header(text: str) -> list[str] | None:
    lines = text.lstrip("\ufeff").splitlines()  # none in a file of a byte-order mark alone
    first = lines[0] if lines else ""
    try:
        cells = next(csv.reader([first]))
    except (StopIteration, csv.Error):
        return None
    return [c.strip().lower() for c in cells]


def _known(header: list[str]) -> tuple[str, ...]:
    """The columns a header may name: the extension's only beside a `key` (a file `tj export` wrote), so
    that a broker's export with a Description column is no journal CSV."""
    return COLUMNS if "key" in header else recorded.CONTRACT_COLUMNS


def identify(path: Path, head: str) -> bool:
    cells = _header(head)
    if not cells:
        return False
    known = _known(cells)
    return all(r in cells for r in REQUIRED) and all(c in known or c in ALIASES for c in cells if c)


class _File:
    """Where each column sits in this file's rows, and the header's own spelling of it for errors.

    A row is read as its cells stripped once, plus one empty cell past the end: a column the file lacks
    points there, so it reads as empty, like a blank cell.
    """

    __slots__ = (
        "columns",
        "names",
        "key",
        "content",
        "date",
        "account",
        "action",
        "symbol",
        "quantity",
        "price",
        "fees",
        "amount",
        "order_id",
        "id",
        "note",
        "multiplier",
        "lot",
        "lot_method",
        "resolves",
        "basis",
        "acquired",
        "new_symbol",
        "ratio",
        "cash",
        "allocation",
        "deliverable",
        "currency",
        "fx_rate",
        "settlement",
        "asset",
        "expiry",
        "new_present",
        "values",
    )

    def __init__(self, keys: list[str], columns: dict[str, str]) -> None:
        where = {k: i for i, k in enumerate(keys)}
        absent = len(keys)
        self.columns = columns
        (
            self.date,
            self.account,
            self.action,
            self.symbol,
            self.quantity,
            self.price,
            self.fees,
            self.amount,
            self.order_id,
            self.id,
            self.note,
            self.multiplier,
            self.lot,
            self.lot_method,
            self.resolves,
            self.basis,
            self.acquired,
            self.new_symbol,
            self.ratio,
            self.cash,
            self.allocation,
            self.deliverable,
            self.currency,
            self.fx_rate,
            self.settlement,
            self.asset,
            self.expiry,
        ) = (where.get(c, absent) for c in recorded.CONTRACT_COLUMNS)
        # The new columns this file has, and its figures' columns: a row's cells its action does not read.
        self.new_present = tuple((c, where[c]) for c in NEW_COLUMNS if c in where)
        self.values = tuple((c, where[c]) for c in VALUES if c in where)
        self.names, self.key = keys, where.get("key", absent)
        # The row's content for its key: `column=value` of its non-empty cells in column-name order,
        # without the account column (keyed apart, so that --account and an account column naming the
        # same account give the same key).
        self.content = tuple((where[k], f"{k}=") for k in sorted(keys) if k != "account")

    def col(self, key: str) -> str:
        return self.columns.get(key, key)

    def missing(self, key: str, action: str) -> RowError:
        return RowError(self.col(key), None, f"missing: {action} needs a {key}")


# Decimals by their text: a journal repeats its quantities, prices and fees, and a Decimal is immutable.
# Quantities apart: they are read within their own bound (fewer decimal places); every other number within
# the widest (an amount's), its own narrower magnitude checked on each use.
_NUMBERS: dict[str, Decimal] = {}
_QUANTITIES: dict[str, Decimal] = {}
_NUMBERS_MAX = 100_000


def _number(f: _File, raw: str, key: str, bound: Bound = AMOUNT) -> Decimal:
    """The decimal a non-empty cell holds, within `bound` (importers/bounds.py)."""
    cache = _QUANTITIES if bound is QUANTITY else _NUMBERS
    value = cache.get(raw)
    try:
        if value is None:
            value = bound.read(raw)
            if len(cache) >= _NUMBERS_MAX:
                cache.clear()
            cache[raw] = value
        elif bound.most < AMOUNT.most:
            bound.check(value)
    except ValueError as exc:
        raise RowError(f.col(key), raw, bounds.why(exc, "not a number")) from None
    return value


def _positive(f: _File, cells: list[str], i: int, key: str, action: str, bound: Bound = AMOUNT) -> Decimal:
    raw = cells[i]
    if not raw:
        raise f.missing(key, action)
    value = _number(f, raw, key, bound)
    if value <= 0:
        raise RowError(f.col(key), raw, "must be positive")
    return value


def _non_negative(
    f: _File, cells: list[str], i: int, key: str, action: str, *, required: bool, bound: Bound = AMOUNT
) -> Decimal:
    raw = cells[i]
    if not raw:
        if required:
            raise f.missing(key, action)
        return ZERO
    value = _number(f, raw, key, bound)
    if value < 0:
        raise RowError(f.col(key), raw, "must not be negative")
    return value


def _day(f: _File, key: str, raw: str, value: date) -> None:
    """A date within the bounds every event's date keeps (importers/bounds.py)."""
    try:
        bounds.day(value)
    except OutOfBounds as exc:
        raise RowError(f.col(key), raw, str(exc)) from None


def _text(f: _File, key: str, raw: str, bound: bounds.TextBound) -> str:
    """A text cell within its bound (the error shows the start of a longer one)."""
    try:
        return bound.check(raw)
    except OutOfBounds as exc:
        raise RowError(f.col(key), bounds.shown(raw), str(exc)) from None


def _ids(f: _File, cells: list[str]) -> None:
    """The row's ids within their bounds: a broker's id and an order id, a key it resolves."""
    _text(f, "id", cells[f.id], bounds.IDENTIFIER)
    _text(f, "order_id", cells[f.order_id], bounds.IDENTIFIER)
    _text(f, "resolves", cells[f.resolves], bounds.RESOLVES)


def _parse_time(f: _File, raw: str) -> datetime:
    if not raw:
        raise f.missing("date", "every row")
    when: datetime | None = None
    try:
        if len(raw) == 10:
            when = datetime.combine(date.fromisoformat(raw), time())
        elif len(raw) in (16, 19) and raw[10] == "T":
            when = datetime.fromisoformat(raw)
    except ValueError:
        pass
    # Exchange local time, no offset (stored naive), within the bounds of every event's date.
    if when is None or when.tzinfo is not None:
        raise RowError(f.col("date"), raw, "not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]")
    if not bounds.FIRST_DAY <= when.date() <= bounds.LAST_DAY:
        raise RowError(
            f.col("date"),
            raw,
            "not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] "
            f"between {bounds.FIRST_DAY} and {bounds.LAST_DAY}",
        )
    return when


def _multiplier(f: _File, cells: list[str], action: str) -> Decimal:
    if not cells[f.multiplier]:
        return STANDARD_MULTIPLIER
    return _positive(f, cells, f.multiplier, "multiplier", action, MULTIPLIER)


def _parse_option(f: _File, raw: str, multiplier: Decimal = STANDARD_MULTIPLIER) -> OptionContract | None:
    """`parse_option`, an option symbol whose expiry or strike makes no sense an error on the symbol."""
    try:
        return parse_option(raw, multiplier)
    except InvalidOption as exc:
        raise RowError(f.col("symbol"), raw, str(exc)) from None


def _option(f: _File, cells: list[str], action: str, when: datetime) -> OptionContract:
    raw = cells[f.symbol]
    if not raw:
        raise f.missing("symbol", action)
    option = _parse_option(
        f, raw, _multiplier(f, cells, action) if cells[f.multiplier] else STANDARD_MULTIPLIER
    )
    if option is None:
        hint = " (a stock: use BUY or SELL)" if parse_stock(raw) else ""
        raise RowError(f.col("symbol"), raw, f"not an option symbol{hint}")
    if abs(option.expiry - when.date()) > bounds.EXPIRY_WINDOW:
        try:
            bounds.option_in_window(option, when.date())
        except OutOfBounds as exc:
            raise RowError(f.col("symbol"), raw, str(exc)) from None
    return option


def _stock(f: _File, cells: list[str], action: str) -> Stock:
    raw = cells[f.symbol]
    if not raw:
        raise f.missing("symbol", action)
    stock = parse_stock(raw)
    if stock is None:
        hint = " (an option: use STO, BTC, BTO or STC)" if _parse_option(f, raw) else ""
        raise RowError(f.col("symbol"), raw, f"not a stock symbol{hint}")
    return stock


def _split_ratio(f: _File, cells: list[str]) -> tuple[Decimal, Decimal]:
    raw = cells[f.quantity]
    if not raw:
        raise f.missing("quantity", "SPLIT")
    parts = raw.split(":")
    try:
        new, old = (SPLIT_PART.read(p) for p in parts) if len(parts) == 2 else (None, None)
    except OutOfBounds as exc:
        raise RowError(f.col("quantity"), raw, str(exc)) from None
    except ValueError:
        new = old = None
    if new is None or old is None or new <= 0 or old <= 0 or new == old:
        raise RowError(
            f.col("quantity"), raw, "a split ratio is new:old, two different positive numbers (4:1)"
        )
    return new, old


# -- corporate actions, adjusted options, other assets and currencies ----------------------------------


def _unused(f: _File, cells: list[str], action: str) -> None:
    """A cell the row's action does not read is an error (a figure silently ignored would be a wrong one)."""
    uses = USES[action]
    for key, i in f.values if action in CORPORATE else f.new_present:
        if cells[i] and key not in uses:
            raise RowError(f.col(key), cells[i], f"{action} rows have no {key}: leave it empty")


def _asset(f: _File, cells: list[str]) -> str:
    raw = cells[f.asset]
    asset = raw.lower()
    if asset and asset not in ASSET_KINDS:
        raise RowError(f.col("asset"), raw, f"one of {', '.join(ASSET_KINDS)}")
    return asset


def _date_cell(f: _File, cells: list[str], key: str, i: int) -> date | None:
    raw = cells[i]
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise RowError(f.col(key), raw, "not a date (YYYY-MM-DD)") from None
    _day(f, key, raw, value)
    return value


def _required_multiplier(f: _File, cells: list[str], what: str) -> Decimal:
    if not cells[f.multiplier]:
        raise RowError(f.col("multiplier"), None, f"missing: a {what} needs its multiplier")
    return _positive(f, cells, f.multiplier, "multiplier", what, MULTIPLIER)


def _in_window(
    f: _File, raw: str, instrument: OptionContract | FutureOption | Future, when: datetime
) -> None:
    if abs(instrument.expiry - when.date()) > bounds.EXPIRY_WINDOW:
        try:
            bounds.option_in_window(instrument, when.date())
        except OutOfBounds as exc:
            raise RowError(f.col("symbol"), raw, str(exc)) from None


def _future(f: _File, cells: list[str], when: datetime) -> Future:
    """A futures contract: `/ESH9`, with its multiplier and expiry."""
    raw = cells[f.symbol]
    symbol = raw.upper()
    if not symbol.startswith("/") or future_root(symbol) == symbol[1:] or len(symbol) > bounds.SYMBOL.most:
        raise RowError(
            f.col("symbol"), raw, "not a futures symbol: a slash, root, month code and year (/ESH9)"
        )
    multiplier = _required_multiplier(f, cells, "future")
    expiry = _date_cell(f, cells, "expiry", f.expiry)
    if expiry is None:
        raise RowError(f.col("expiry"), None, "missing: a future needs its expiry (YYYY-MM-DD)")
    future = Future(symbol, expiry, multiplier)
    _in_window(f, raw, future, when)
    return future


def _future_option(f: _File, cells: list[str], when: datetime) -> FutureOption:
    """A futures option: `/MESZ5 251031P5400`, with its multiplier."""
    raw = cells[f.symbol]
    multiplier = _required_multiplier(f, cells, "futures option")
    try:
        option = parse_future_option(raw, multiplier)
        if option is not None:
            bounds.future_fields(option)
    except OutOfBounds as exc:
        raise RowError(f.col("symbol"), raw, str(exc)) from None
    if option is None:
        raise RowError(f.col("symbol"), raw, "not a futures option symbol (/MESZ5 251031P5400)")
    _in_window(f, raw, option, when)
    return option


def _bond(f: _File, cells: list[str], asset: str) -> Bond:
    """A Treasury bill, note or bond by its CUSIP: quantity is face value, price per 100 of face."""
    raw = cells[f.symbol]
    cusip = raw.upper()
    if not is_cusip(cusip):
        raise RowError(
            f.col("symbol"), raw, "not a CUSIP (nine letters and digits, the last its check digit)"
        )
    if cells[f.multiplier]:
        raise RowError(
            f.col("multiplier"), cells[f.multiplier], "a bond's price is per 100 of face: leave it empty"
        )
    return Bond(cusip, asset, _date_cell(f, cells, "expiry", f.expiry))


def _deliverable(f: _File, cells: list[str], option: OptionContract) -> OptionContract:
    """The option adjusted by the row's `deliverable` and `cash` (per contract), when it gives them."""
    raw, raw_cash = cells[f.deliverable], cells[f.cash]
    if not raw and not raw_cash:
        return option

    def shares(text: str) -> Decimal:
        value = QUANTITY.read(text)
        if value <= 0:
            raise ValueError("a deliverable's shares must be positive")
        return value

    deliverable: tuple[tuple[str, Decimal], ...] = ()
    if raw:
        try:
            deliverable = recorded.read_deliverable(raw, shares)
            for symbol, _ in deliverable:
                if parse_stock(symbol) is None:
                    raise ValueError(f"not a stock symbol: {symbol}")
        except ValueError as exc:
            raise RowError(f.col("deliverable"), raw, str(exc)) from None
    cash = _non_negative(f, cells, f.cash, "cash", "", required=False, bound=CASH_PER_UNIT)
    return replace(option, deliverable=deliverable, cash=cash)


def _no_terms(f: _File, cells: list[str], what: str, *keys: str) -> None:
    for key in keys:
        i = getattr(f, key)
        if cells[i]:
            raise RowError(f.col(key), cells[i], f"{what} has no {key}: leave it empty")


def _instrument(f: _File, cells: list[str], action: str, when: datetime, options: bool | None) -> Instrument:
    """The row's instrument: `options` True an option (a futures option too), False no option, None either.
    A stock or an OCC option as the contract reads them; `asset` says a fund, a warrant or a bond (by
    CUSIP), a `/` symbol a future or a futures option; `deliverable` and `cash` adjust an OCC option."""
    raw = cells[f.symbol]
    if not raw:
        raise f.missing("symbol", action)
    asset = _asset(f, cells)
    found: Instrument
    if asset in _BONDS:
        found = _bond(f, cells, asset)
    elif asset == "future" or (not asset and raw.startswith("/") and " " not in raw.strip()):
        found = _future(f, cells, when)
    elif asset == "future-option" or (not asset and raw.startswith("/")):
        found = _future_option(f, cells, when)
    elif asset in ("fund", "warrant"):
        found = Stock(_stock(f, cells, action).symbol, asset)
    elif options is True or (options is None and not asset and _parse_option(f, raw)):
        found = _deliverable(f, cells, _option(f, cells, action, when))
    else:
        found = _stock(f, cells, action)
    if not isinstance(found, OptionContract):
        _no_terms(f, cells, found.describe(), "deliverable", "cash")
    if not isinstance(found, Future | Bond) and cells[f.expiry]:
        raise RowError(
            f.col("expiry"),
            cells[f.expiry],
            "only a future or a bond has an expiry here (an option's is in its symbol)",
        )
    if options is not None and found.is_option != options:
        hint = "use STO, BTC, BTO or STC" if found.is_option else "use BUY or SELL"
        raise RowError(f.col("symbol"), raw, f"not {'an option' if options else 'a stock'} symbol ({hint})")
    return found


def _currency(f: _File, cells: list[str], action: str) -> tuple[str, Decimal | None]:
    """The row's currency ("" for USD) and its rate, USD per unit on the row's date: a row in another
    currency must say it (the journal CSV is the user's own statement)."""
    raw, raw_rate = cells[f.currency], cells[f.fx_rate]
    code = raw.upper()
    if raw and not bounds.CURRENCY.fullmatch(code):
        raise RowError(f.col("currency"), raw, "not a currency: three letters (USD, EUR, CHF)")
    if code in ("", "USD"):
        if raw_rate:
            raise RowError(
                f.col("fx_rate"), raw_rate, "a rate converts a currency other than USD: name it in currency"
            )
        return "", None
    if not raw_rate:
        raise RowError(f.col("fx_rate"), None, f"missing: a row in {code} needs fx_rate (USD per {code})")
    return code, _positive(f, cells, f.fx_rate, "fx_rate", action, FX_RATE)


def _new_stock(f: _File, cells: list[str], action: str) -> str:
    raw = cells[f.new_symbol]
    if not raw:
        raise f.missing("new_symbol", action)
    stock = parse_stock(raw)
    if stock is None:
        raise RowError(f.col("new_symbol"), raw, "not a stock symbol")
    return stock.symbol


def _ratio(f: _File, cells: list[str], action: str) -> tuple[Decimal, Decimal]:
    raw = cells[f.ratio]
    if not raw:
        raise f.missing("ratio", action)
    parts = raw.split(":")
    try:
        new, old = (RATIO_PART.read(p) for p in parts) if len(parts) == 2 else (None, None)
    except OutOfBounds as exc:
        raise RowError(f.col("ratio"), raw, str(exc)) from None
    except ValueError:
        new = old = None
    if new is None or old is None or new <= 0 or old <= 0:
        raise RowError(f.col("ratio"), raw, "a ratio is new:old, two positive numbers (11:100, 0.1125:1)")
    return new, old


def _corporate(f: _File, cells: list[str], action: str, when: datetime, common: dict[str, Any]) -> Event:
    """A row of a corporate action, an option's cash settlement or a currency conversion."""
    if action == "CONVERT":
        return _convert(f, cells, common)
    if action == "CASH_SETTLE":
        option = _instrument(f, cells, action, when, options=True)
        assert isinstance(option, OptionContract | FutureOption)
        if len(cells[f.date]) == 10:  # a day: settled at its close, after any trade of the day (as EXPIRE)
            common = {**common, "time": datetime.combine(when.date(), END_OF_DAY)}
        return OptionCashSettled(
            option=option,
            quantity=_positive(f, cells, f.quantity, "quantity", action, QUANTITY),
            fees=_non_negative(f, cells, f.fees, "fees", action, required=False),
            settlement=_positive(f, cells, f.settlement, "settlement", action, SETTLEMENT),
            **common,
        )
    if action == "ADJUST":
        return _adjust(f, cells, when, common)
    symbol = _stock(f, cells, action).symbol
    if action == "SYMBOL_CHANGE":
        new_symbol = _new_stock(f, cells, action)
        if new_symbol == symbol:
            raise RowError(f.col("new_symbol"), cells[f.new_symbol], "the same symbol: nothing changes")
        return SymbolChanged(symbol=symbol, new_symbol=new_symbol, **common)
    in_lieu = _non_negative(f, cells, f.amount, "amount", action, required=False)
    if action == "SPINOFF":
        new_symbol = _new_stock(f, cells, action)
        if new_symbol == symbol:
            raise RowError(
                f.col("new_symbol"), cells[f.new_symbol], "a spin-off's shares are another company's"
            )
        new, old = _ratio(f, cells, action)
        allocation = _non_negative(
            f, cells, f.allocation, "allocation", action, required=True, bound=ALLOCATION
        )
        return SpunOff(
            symbol=symbol,
            new_symbol=new_symbol,
            new=new,
            old=old,
            allocation=allocation,
            in_lieu=in_lieu,
            **common,
        )
    # MERGER: shares of new_symbol (ratio), cash per old share, or both; no new_symbol is all cash.
    cash = _non_negative(f, cells, f.cash, "cash", action, required=False, bound=CASH_PER_UNIT)
    if not cells[f.new_symbol]:
        if not cash:
            raise RowError(
                f.col("cash"), cells[f.cash] or None, "missing: an all-cash MERGER (no new_symbol) needs cash"
            )
        _no_terms(f, cells, "an all-cash MERGER (no new_symbol)", "ratio", "price", "amount")
        return StockMerged(symbol=symbol, cash=cash, **common)
    new_symbol = _new_stock(f, cells, action)
    new, old = _ratio(f, cells, action)
    price = None
    if cells[f.price] or cash:
        if not cells[f.price]:
            raise RowError(
                f.col("price"), None, "missing: a MERGER paying cash and shares needs the new shares' price"
            )
        price = _non_negative(f, cells, f.price, "price", action, required=True, bound=PRICE)
    return StockMerged(
        symbol=symbol,
        new_symbol=new_symbol,
        new=new,
        old=old,
        cash=cash,
        price=price,
        in_lieu=in_lieu,
        **common,
    )


def _adjust(f: _File, cells: list[str], when: datetime, common: dict[str, Any]) -> Event:
    """ADJUST: the open contracts of `symbol` become contracts of `new_symbol` (with the row's
    `deliverable` and `cash`; both keep the row's `multiplier`), `ratio` new:old contracts."""
    old = _option(f, cells, "ADJUST", when)
    raw = cells[f.new_symbol]
    if not raw:
        raise f.missing("new_symbol", "ADJUST")
    try:
        parsed = parse_option(raw, old.multiplier)
    except InvalidOption as exc:
        raise RowError(f.col("new_symbol"), raw, str(exc)) from None
    if parsed is None:
        raise RowError(f.col("new_symbol"), raw, "not an option symbol")
    if abs(parsed.expiry - when.date()) > bounds.EXPIRY_WINDOW:
        try:
            bounds.option_in_window(parsed, when.date())
        except OutOfBounds as exc:
            raise RowError(f.col("new_symbol"), raw, str(exc)) from None
    new = _deliverable(f, cells, parsed)
    quantity = _positive(f, cells, f.quantity, "quantity", "ADJUST", QUANTITY)
    new_quantity = None
    if cells[f.ratio]:
        n, o = _ratio(f, cells, "ADJUST")
        new_quantity = quantity * n / o
        try:
            QUANTITY.check_places(new_quantity)
        except OutOfBounds as exc:
            raise RowError(f.col("ratio"), cells[f.ratio], f"gives {new_quantity} contracts: {exc}") from None
        if new_quantity == quantity:
            new_quantity = None
    if new == old and new_quantity is None:
        raise RowError(f.col("new_symbol"), raw, "the same contract: nothing is adjusted")
    # The note says why (special dividend, merger): the adjustment's reason.
    reason, common = common["note"], {**common, "note": ""}
    return OptionAdjusted(
        option=old, adjusted=new, quantity=quantity, new_quantity=new_quantity, reason=reason, **common
    )


def _convert(f: _File, cells: list[str], common: dict[str, Any]) -> Event:
    """CONVERT: `quantity` of `currency` received (negative: given) for `amount` USD given (negative) or
    received; `fees` in USD."""
    raw = cells[f.currency]
    if not raw:
        raise f.missing("currency", "CONVERT")
    code = raw.upper()
    if not bounds.CURRENCY.fullmatch(code):
        raise RowError(f.col("currency"), raw, "not a currency: three letters (USD, EUR, CHF)")
    if code == "USD":
        raise RowError(f.col("currency"), raw, "a CONVERT receives or gives a currency other than USD")
    if not cells[f.quantity]:
        raise f.missing("quantity", "CONVERT")
    amount = _number(f, cells[f.quantity], "quantity", QUANTITY)
    if not cells[f.amount]:
        raise f.missing("amount", "CONVERT")
    paid = _number(f, cells[f.amount], "amount")
    if amount == 0 or paid == 0 or (amount > 0) == (paid > 0):
        raise RowError(
            f.col("amount"),
            cells[f.amount],
            f"a conversion gives one currency for the other: quantity ({code}) and amount (USD) "
            "of opposite signs",
        )
    fees = _non_negative(f, cells, f.fees, "fees", "CONVERT", required=False)
    return CurrencyConverted(currency=code, amount=amount, paid=paid, fees=fees, **common)


def _cash_symbol(f: _File, cells: list[str], action: str, when: datetime) -> str | None:
    """The underlying a cash row names: a stock's or an option's, a bond's CUSIP (`asset`), a future's
    root."""
    symbol = cells[f.symbol]
    if not symbol:
        return None
    asset = _asset(f, cells)
    if asset in _BONDS:
        return _bond(f, cells, asset).underlying
    if symbol.startswith("/") or asset in ("future", "future-option"):
        first = symbol.split()[0].upper()
        if not first.startswith("/") or future_root(first) == first[1:] or len(first) > bounds.SYMBOL.most:
            raise RowError(
                f.col("symbol"), symbol, "not a futures symbol: a slash, root, month code and year (/ESH9)"
            )
        return "/" + future_root(first)
    if asset in _SHARES:
        return _stock(f, cells, action).symbol
    if _parse_option(f, symbol):
        return _option(f, cells, action, when).underlying
    return _stock(f, cells, action).symbol


def _event(
    f: _File, cells: list[str], account: str, when: datetime, action: str, source: SourceRef, key: str
) -> Event:
    """The row's event; `cells` are stripped, with the empty cell of absent columns past the end."""
    broker_id = cells[f.id] or None
    note = cells[f.note]
    # A file without the new columns, naming no future, reads as it always did.
    plain = not f.new_present and not cells[f.symbol].startswith("/")
    if not plain:
        _unused(f, cells, action)
    if action in _TRADE_ACTIONS:  # STOCK_TRADES or OPTION_TRADES
        if plain:
            instrument: Instrument = (
                _stock(f, cells, action) if action in STOCK_TRADES else _option(f, cells, action, when)
            )
        else:
            instrument = _instrument(f, cells, action, when, options=action in OPTION_TRADES)
        # A number read before and in range is taken as is; anything else goes the full way, which
        # raises what is wrong in the order quantity, price, fees.
        quantity = _QUANTITIES.get(cells[f.quantity])
        if quantity is None or quantity <= 0:
            quantity = _positive(f, cells, f.quantity, "quantity", action, QUANTITY)
        price = _NUMBERS.get(cells[f.price])
        if price is None or price < 0 or price > _MOST_PRICE:
            price = _non_negative(f, cells, f.price, "price", action, required=True, bound=PRICE)
        fees = _NUMBERS.get(cells[f.fees])
        if fees is None or fees < 0:
            fees = _non_negative(f, cells, f.fees, "fees", action, required=False)
        lot_ref, lot_method = cells[f.lot] or None, cells[f.lot_method].lower() or None
        if lot_ref is not None:
            _text(f, "lot", lot_ref, bounds.IDENTIFIER)
        if (lot_ref or lot_method) and action not in ("SELL", "STC"):
            column = "lot" if lot_ref else "lot_method"
            raise RowError(
                f.col(column), cells[getattr(f, column)], "only a sale (SELL, STC) chooses its lots"
            )
        if lot_method is not None and lot_method not in LOT_METHODS:
            raise RowError(f.col("lot_method"), cells[f.lot_method], f"one of {', '.join(LOT_METHODS)}")
        currency, fx_rate = ("", None) if plain else _currency(f, cells, action)
        return _TRADE(
            action=_TRADE_ACTIONS[action],
            instrument=instrument,
            quantity=quantity,
            price=price,
            fees=fees,
            order_id=cells[f.order_id] or None,
            lot_ref=lot_ref,
            lot_method=lot_method,
            currency=currency,
            fx_rate=fx_rate,
            account=account,
            time=when,
            key=key,
            source=source,
            broker_id=broker_id,
            note=note,
        )
    if action in OPTION_ENDS:
        ended = (
            _option(f, cells, action, when) if plain else _instrument(f, cells, action, when, options=True)
        )
        assert isinstance(ended, OptionContract | FutureOption)
        option = ended
        if action == "EXPIRE":
            if when.date() < option.expiry:
                raise RowError(
                    f.col("date"), cells[f.date], f"before the option's expiration {option.expiry}"
                )
            # CONTRACT: an expiry closes on the expiration date even when the broker posts it later.
            when = datetime.combine(option.expiry, END_OF_DAY)
        quantity = _QUANTITIES.get(cells[f.quantity])
        if quantity is None or quantity <= 0:
            quantity = _positive(f, cells, f.quantity, "quantity", action, QUANTITY)
        fees = _NUMBERS.get(cells[f.fees])
        if fees is None or fees < 0:
            fees = _non_negative(f, cells, f.fees, "fees", action, required=False)
        return _ENDS[action](
            option=option,
            quantity=quantity,
            fees=fees,
            account=account,
            time=when,
            key=key,
            source=source,
            broker_id=broker_id,
            note=note,
        )
    common: dict[str, Any] = {
        "account": account,
        "time": when,
        "key": key,
        "source": source,
        "broker_id": broker_id,
        "note": note,
    }
    if action in CASH:
        raw = cells[f.amount]
        if not raw:
            raise f.missing("amount", action)
        amount = _number(f, raw, "amount")
        if action == "DEPOSIT" and amount < 0 or action == "WITHDRAW" and amount > 0:
            raise RowError(
                f.col("amount"),
                raw,
                f"a {action} moves money {'in: positive' if action == 'DEPOSIT' else 'out: negative'} amount",
            )
        symbol = cells[f.symbol]
        if action == "DIVIDEND" and not symbol:
            raise RowError(f.col("symbol"), None, "missing: DIVIDEND needs the symbol that paid it")
        if action == "IN_LIEU" and not symbol:
            raise RowError(
                f.col("symbol"), None, "missing: IN_LIEU needs the symbol whose shares it pays for"
            )
        if not plain:
            underlying = _cash_symbol(f, cells, action, when)
            currency, fx_rate = _currency(f, cells, action)
            return CashMoved(
                kind=_CASH_KINDS[action],
                amount=amount,
                symbol=underlying,
                currency=currency,
                fx_rate=fx_rate,
                **common,
            )
        underlying = (
            (
                _stock(f, cells, action).symbol
                if symbol and not _parse_option(f, symbol)
                else _option(f, cells, action, when).underlying
            )
            if symbol
            else None
        )
        return _CASH_MOVED(kind=_CASH_KINDS[action], amount=amount, symbol=underlying, **common)
    if action in TRANSFERS:
        raw_symbol = cells[f.symbol]
        moved: Instrument
        if plain:
            moved = (
                _option(f, cells, action, when)
                if raw_symbol and _parse_option(f, raw_symbol)
                else _stock(f, cells, action)
            )
        else:
            moved = _instrument(f, cells, action, when, options=None)
        quantity = _positive(f, cells, f.quantity, "quantity", action, QUANTITY)
        basis = _non_negative(f, cells, f.basis, "basis", action, required=False) if cells[f.basis] else None
        acquired = None
        if cells[f.acquired]:
            try:
                acquired = date.fromisoformat(cells[f.acquired])
            except ValueError:
                raise RowError(f.col("acquired"), cells[f.acquired], "not a date (YYYY-MM-DD)") from None
            _day(f, "acquired", cells[f.acquired], acquired)
        return SecurityTransferred(
            instrument=moved,
            quantity=quantity * TRANSFERS[action],
            basis=basis if action == "TRANSFER_IN" else None,
            acquired=acquired,
            **common,
        )
    if action == "SPLIT":
        new, old = _split_ratio(f, cells)
        return SplitApplied(symbol=_stock(f, cells, action).symbol, new=new, old=old, **common)
    if action in CORPORATE:
        return _corporate(f, cells, action, when, common)
    # MARK
    symbol = cells[f.symbol]
    if not symbol:
        raise f.missing("symbol", action)
    if not plain:
        return PriceMarked(
            instrument=_instrument(f, cells, action, when, options=None),
            price=_non_negative(f, cells, f.price, "price", action, required=True, bound=PRICE),
            **common,
        )
    marked: Stock | OptionContract | None = _parse_option(
        f, symbol, _multiplier(f, cells, action)
    ) or parse_stock(symbol)
    if marked is None:
        raise RowError(f.col("symbol"), symbol, "not a symbol")
    if isinstance(marked, OptionContract):
        marked = _option(f, cells, action, when)
    return PriceMarked(
        instrument=marked,
        price=_non_negative(f, cells, f.price, "price", action, required=True, bound=PRICE),
        **common,
    )


def _recorded(f: _File, row: list[str], cells: list[str], default_account: str) -> Event:
    """A row with a key: the recorded fact `tj export` wrote, read as recorded (importers/recorded.py)."""
    named = dict(zip(f.names, row, strict=True))
    key = _text(f, "key", cells[f.key], bounds.KEY)
    account = _text(f, "account", cells[f.account] or default_account, bounds.ACCOUNT)
    try:
        return recorded.event(named, account, key, recorded.recorded_source(named))
    except RowError as err:
        raise RowError(f.col(err.column or ""), err.value, err.message) from None


def _check_recorded(result: ParseResult, places: dict[int, SourceRef]) -> None:
    """Recorded rows within every event's bounds, each error at its row of this file (the net under the parse
    would name the fact's first source, another file); a file with any error has no events, so that the net
    says nothing of them, twice or at that other file's line."""
    at_rows = [replace(e, source=places[id(e)]) for e in result.events if id(e) in places]
    result.errors.extend(bounds.check_events("", at_rows))
    # An export writes the rows its resolutions name (and leaves out those of rows voided since), so a
    # recorded resolution names a row of its file: else the import would say so at the resolution's first
    # source, a line of another file.
    keys = {e.key for e in result.events}
    for e in at_rows:
        if isinstance(e, Resolved) and e.resolved_key not in keys and e.source:
            result.errors.append(
                ImportProblem(
                    e.source.file, e.source.line, "resolves", e.resolved_key, "names no row of this file"
                )
            )
    if result.errors:
        result.events.clear()


def _lines(text: str) -> Iterator[str]:
    """The text's lines, ends kept, as csv.reader wants them: cut at each "\n" without copying the text
    (a StringIO holds four bytes a character; a million-row file is 87 MB of text)."""
    start = 0
    find = text.find
    while (end := find("\n", start)) >= 0:
        yield text[start : end + 1]
        start = end + 1
    if start < len(text):
        yield text[start:]


class _Reader:
    """`csv.reader` over the text's lines (`_lines`), its rows and `line_num` the same, faster: a line
    without a quote is cut at its commas (what csv.reader makes of it: with no quote nothing is escaped, and
    every "\r" of these lines ends one), the others go through a csv.reader, which takes the further lines
    of a quoted cell running over several; so does a line long enough to hold a cell past csv's field size
    limit, for csv's error."""

    __slots__ = ("line_num", "_lines", "_pending", "_csv", "_limit")

    def __init__(self, text: str) -> None:
        self.line_num = 0
        self._limit = csv.field_size_limit()
        self._lines = _lines(text)
        self._pending: list[str] = []
        self._csv = csv.reader(self._feed())

    def _feed(self) -> Iterator[str]:
        while True:
            if self._pending:
                line = self._pending.pop()
            else:
                found = next(self._lines, None)
                if found is None:
                    return
                line = found
            self.line_num += 1
            yield line

    def __iter__(self) -> _Reader:
        return self

    def __next__(self) -> list[str]:
        line = next(self._lines)
        if '"' in line or len(line) > self._limit:
            self._pending.append(line)
            return next(self._csv)
        self.line_num += 1
        if line[-1:] == "\n":
            line = line[:-2] if line[-2:-1] == "\r" else line[:-1]
        return line.split(",") if line else []


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()
    file_name, file_sha256 = info.name, info.sha256

    def problem(line: int, column: str | None, value: str | None, message: str) -> None:
        result.errors.append(ImportProblem(file_name, line, column, value, message))

    text = utf8_text(info, result)
    del info  # its bytes: the text is all that is read from here
    if text is None:
        return result
    # Lines end in "\n" (or "\r\n"); a file with lone "\r" line ends goes through StringIO, which cuts there.
    lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
    reader: Any = csv.reader(io.StringIO(text, newline="")) if lone_cr else _Reader(text)
    try:
        header = next(reader)
    except StopIteration:
        problem(1, None, None, "empty file: expected a header line")
        return result
    keys = [ALIASES.get(k, k) for k in (c.strip().lower() for c in header)]
    columns = {key: c.strip() for key, c in zip(keys, header, strict=True)}
    known = _known(keys)
    for raw, key in zip(header, keys, strict=True):
        if key not in known:
            problem(1, raw.strip(), None, f"unknown column (known: {', '.join(recorded.CONTRACT_COLUMNS)})")
    for key in REQUIRED:
        if key not in columns:
            problem(1, key, None, "missing required column")
    if len(set(keys)) != len(keys):
        problem(1, None, None, "a column appears twice")
    if result.errors:
        return result

    default_account = account or DEFAULT_ACCOUNT
    f = _File(keys, columns)
    content_cells = f.content
    keymaker = KeyMaker()
    ids: dict[str, int] = {}
    times: dict[str, datetime] = {}
    width = len(keys)
    events = result.events
    # One string object for an account or note that many rows repeat.
    accounts: dict[str, str] = {}
    notes: dict[str, str] = {}
    resolved: set[str] = set()
    recorded_rows: dict[str, int] = {}  # key -> line, of the rows with a key
    places: dict[int, SourceRef] = {}  # id(event) -> its row here, for the recorded rows
    make_source = _SOURCE
    with paused_gc():  # many new objects, no cycles
        try:
            last_end = 1  # the header's line
            for row in reader:
                # A row's line is where it starts (a quoted note may run over several lines).
                line, last_end = last_end + 1, reader.line_num
                if not row:
                    continue
                cells = list(map(str.strip, row))
                if not any(cells):
                    continue
                if len(cells) != width:
                    problem(line, None, None, f"{len(cells)} fields where the header has {width}")
                    continue
                cells.append("")  # what an absent column reads
                if cells[f.key]:
                    try:
                        event = _recorded(f, row, cells, default_account)
                    except RowError as err:
                        problem(line, err.column, err.value, err.message)
                        continue
                    if event.key in recorded_rows:
                        problem(
                            line, f.col("key"), event.key, f"the same key as line {recorded_rows[event.key]}"
                        )
                        continue
                    recorded_rows[event.key] = line
                    places[id(event)] = SourceRef(file_name, file_sha256, line)
                    events.append(event)
                    continue
                action = cells[f.action].upper()
                try:
                    raw_time = cells[f.date]
                    when = times.get(raw_time)
                    if when is None:
                        when = times[raw_time] = _parse_time(f, raw_time)
                    if action not in _KNOWN_ACTIONS:
                        raise RowError(
                            f.col("action"), cells[f.action], f"unknown action (known: {', '.join(ACTIONS)})"
                        )
                    raw_account = cells[f.account] or default_account
                    row_account = accounts.get(raw_account)
                    if row_account is None:  # each distinct account and note checked (and kept) once
                        row_account = accounts[raw_account] = _text(f, "account", raw_account, bounds.ACCOUNT)
                    note = cells[f.note]
                    kept_note = notes.get(note)
                    if kept_note is None:
                        kept_note = notes[note] = _text(f, "note", note, bounds.NOTE)
                    cells[f.note] = kept_note
                    broker_id = cells[f.id]
                    written = len(broker_id) + len(cells[f.order_id]) + len(cells[f.resolves])
                    if written > bounds.RESOLVES.most:  # one of them may be too long: checked only then
                        _ids(f, cells)
                    if broker_id:
                        key = broker_key(row_account, broker_id)
                    else:
                        content = "\x1f".join([name + cells[i] for i, name in content_cells if cells[i]])
                        key = keymaker.key(row_account, None, content)
                    event = _event(
                        f, cells, row_account, when, action, make_source(file_name, file_sha256, line), key
                    )
                except RowError as err:
                    problem(line, err.column, err.value, err.message)
                    continue
                if broker_id:
                    if broker_id in ids:
                        problem(line, f.col("id"), broker_id, f"the same id as line {ids[broker_id]}")
                        continue
                    ids[broker_id] = line
                events.append(event)
                resolves = cells[f.resolves]
                if resolves and resolves not in resolved:
                    # Once per key: the rows that resolve it count from now on, the row it names does not.
                    resolved.add(resolves)
                    events.append(
                        Resolved(
                            account=row_account,
                            time=when,  # the resolved row's own time once placed (Journal.import_files)
                            key=f"resolve:{resolves}",
                            source=event.source,
                            resolved_key=resolves,
                        )
                    )
        except csv.Error as exc:
            problem(reader.line_num, None, None, f"not valid CSV: {exc}")
    if places:
        _check_recorded(result, places)
    return result
