"""The journal CSV: the project's own import format, one row per event (../shared/CONTRACT.md).

Column names are case-insensitive and in any order; unknown columns are an error, as is any row this
importer cannot read exactly. Optional `multiplier` extends the contract for non-standard contracts.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from importers.base import FileInfo, ImportProblem, KeyMaker, ParseResult
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    PriceMarked,
    SourceRef,
    SplitApplied,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import STANDARD_MULTIPLIER, OptionContract, Stock, parse_option, parse_stock
from journal.money import ZERO, parse_decimal

name = "journal-csv"
description = "theta-journal's own CSV (date, action, symbol, quantity, price, fees, ...)"

COLUMNS = (
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
)
REQUIRED = ("date", "action")
STOCK_TRADES = ("BUY", "SELL")
OPTION_TRADES = ("STO", "BTC", "BTO", "STC")
OPTION_ENDS = {"EXPIRE": OptionExpired, "ASSIGN": OptionAssigned, "EXERCISE": OptionExercised}
CASH = tuple(k.value for k in CashKind)
ACTIONS = (*STOCK_TRADES, *OPTION_TRADES, *OPTION_ENDS, *CASH, "SPLIT", "MARK")
DEFAULT_ACCOUNT = "default"
# An expiry happens at the close: after any trade of its day, whatever file brought the trade.
END_OF_DAY = time(23, 59, 59)


class RowError(Exception):
    def __init__(self, column: str | None, value: str | None, message: str) -> None:
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


def _header(text: str) -> list[str] | None:
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    try:
        cells = next(csv.reader([first]))
    except (StopIteration, csv.Error):
        return None
    return [c.strip().lower() for c in cells]


def identify(path: Path, head: str) -> bool:
    cells = _header(head)
    if not cells:
        return False
    return all(r in cells for r in REQUIRED) and all(c in COLUMNS for c in cells if c)


class _Row:
    """One CSV row's cells by column name, reading each as the action needs and naming the column on error."""

    __slots__ = ("cells", "columns")

    def __init__(self, cells: dict[str, str], columns: dict[str, str]) -> None:
        self.cells, self.columns = cells, columns

    def col(self, key: str) -> str:
        return self.columns.get(key, key)

    def text(self, key: str) -> str:
        return self.cells.get(key, "").strip()

    def required(self, key: str, action: str) -> str:
        value = self.text(key)
        if not value:
            raise RowError(self.col(key), None, f"missing: {action} needs a {key}")
        return value

    def decimal(self, key: str, action: str, *, required: bool = True, default: Decimal = ZERO) -> Decimal:
        raw = self.required(key, action) if required else self.text(key)
        if not raw:
            return default
        try:
            return parse_decimal(raw)
        except ValueError:
            raise RowError(self.col(key), raw, "not a number") from None

    def positive(self, key: str, action: str) -> Decimal:
        value = self.decimal(key, action)
        if value <= 0:
            raise RowError(self.col(key), self.text(key), "must be positive")
        return value

    def non_negative(self, key: str, action: str, *, required: bool) -> Decimal:
        value = self.decimal(key, action, required=required)
        if value < 0:
            raise RowError(self.col(key), self.text(key), "must not be negative")
        return value


def _parse_time(row: _Row) -> datetime:
    raw = row.required("date", "every row")
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time())
        if len(raw) in (16, 19) and raw[10] == "T":
            return datetime.fromisoformat(raw)
    except ValueError:
        pass
    raise RowError(row.col("date"), raw, "not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]")


def _multiplier(row: _Row, action: str) -> Decimal:
    if not row.text("multiplier"):
        return STANDARD_MULTIPLIER
    return row.positive("multiplier", action)


def _option(row: _Row, action: str) -> OptionContract:
    raw = row.required("symbol", action)
    option = parse_option(raw, _multiplier(row, action))
    if option is None:
        hint = " (a stock: use BUY or SELL)" if parse_stock(raw) else ""
        raise RowError(row.col("symbol"), raw, f"not an option symbol{hint}")
    return option


def _stock(row: _Row, action: str) -> Stock:
    raw = row.required("symbol", action)
    stock = parse_stock(raw)
    if stock is None:
        hint = " (an option: use STO, BTC, BTO or STC)" if parse_option(raw) else ""
        raise RowError(row.col("symbol"), raw, f"not a stock symbol{hint}")
    return stock


def _split_ratio(row: _Row) -> tuple[Decimal, Decimal]:
    raw = row.required("quantity", "SPLIT")
    parts = raw.split(":")
    try:
        new, old = (parse_decimal(p) for p in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        new = old = None
    if new is None or old is None or new <= 0 or old <= 0 or new == old:
        raise RowError(
            row.col("quantity"), raw, "a split ratio is new:old, two different positive numbers (4:1)"
        )
    return new, old


def _event(row: _Row, account: str, when: datetime, action: str, source: SourceRef, key: str) -> Event:
    common: dict[str, Any] = {
        "account": account,
        "time": when,
        "key": key,
        "source": source,
        "broker_id": row.text("id") or None,
        "note": row.text("note"),
    }
    if action in STOCK_TRADES or action in OPTION_TRADES:
        instrument = _stock(row, action) if action in STOCK_TRADES else _option(row, action)
        return TradeExecuted(
            action=TradeAction(action),
            instrument=instrument,
            quantity=row.positive("quantity", action),
            price=row.non_negative("price", action, required=True),
            fees=row.non_negative("fees", action, required=False),
            order_id=row.text("order_id") or None,
            **common,
        )
    if action in OPTION_ENDS:
        option = _option(row, action)
        if action == "EXPIRE":
            if when.date() < option.expiry:
                raise RowError(
                    row.col("date"), row.text("date"), f"before the option's expiration {option.expiry}"
                )
            # CONTRACT: an expiry closes on the expiration date even when the broker posts it later.
            common["time"] = datetime.combine(option.expiry, END_OF_DAY)
        return OPTION_ENDS[action](
            option=option,
            quantity=row.positive("quantity", action),
            fees=row.non_negative("fees", action, required=False),
            **common,
        )
    if action in CASH:
        amount = row.decimal("amount", action)
        if action == "DEPOSIT" and amount < 0 or action == "WITHDRAW" and amount > 0:
            raise RowError(
                row.col("amount"),
                row.text("amount"),
                f"a {action} moves money {'in: positive' if action == 'DEPOSIT' else 'out: negative'} amount",
            )
        symbol = row.text("symbol")
        if action == "DIVIDEND" and not symbol:
            raise RowError(row.col("symbol"), None, "missing: DIVIDEND needs the symbol that paid it")
        underlying = (
            (
                _stock(row, action).symbol
                if symbol and not parse_option(symbol)
                else _option(row, action).underlying
            )
            if symbol
            else None
        )
        return CashMoved(kind=CashKind(action), amount=amount, symbol=underlying, **common)
    if action == "SPLIT":
        new, old = _split_ratio(row)
        return SplitApplied(symbol=_stock(row, action).symbol, new=new, old=old, **common)
    # MARK
    symbol = row.required("symbol", action)
    marked: Stock | OptionContract | None = parse_option(symbol, _multiplier(row, action)) or parse_stock(
        symbol
    )
    if marked is None:
        raise RowError(row.col("symbol"), symbol, "not a symbol")
    return PriceMarked(instrument=marked, price=row.non_negative("price", action, required=True), **common)


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()

    def problem(line: int, column: str | None, value: str | None, message: str) -> None:
        result.errors.append(ImportProblem(info.name, line, column, value, message))

    try:
        text = info.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem(1, None, None, f"not UTF-8 text (byte {exc.start})")
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        problem(1, None, None, "empty file: expected a header line")
        return result
    columns = {c.strip().lower(): c.strip() for c in header}
    keys = [c.strip().lower() for c in header]
    for raw, key in zip(header, keys, strict=True):
        if key not in COLUMNS:
            problem(1, raw.strip(), None, f"unknown column (known: {', '.join(COLUMNS)})")
    for key in REQUIRED:
        if key not in columns:
            problem(1, key, None, "missing required column")
    if len(set(keys)) != len(keys):
        problem(1, None, None, "a column appears twice")
    if result.errors:
        return result

    default_account = account or DEFAULT_ACCOUNT
    keymaker = KeyMaker()
    ids: dict[str, int] = {}
    width = len(keys)
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) != width:
                problem(line, None, None, f"{len(cells)} fields where the header has {width}")
                continue
            row = _Row(dict(zip(keys, cells, strict=True)), columns)
            action = row.text("action").upper()
            try:
                when = _parse_time(row)
                if action not in ACTIONS:
                    raise RowError(
                        row.col("action"), row.text("action"), f"unknown action (known: {', '.join(ACTIONS)})"
                    )
                row_account = row.text("account") or default_account
                broker_id = row.text("id") or None
                # The row's content without its account column (the account is keyed apart, so that
                # --account and an account column naming the same account give the same key).
                content = "\x1f".join(
                    f"{k}={c.strip()}"
                    for k, c in sorted(zip(keys, cells, strict=True))
                    if k != "account" and c.strip()
                )
                key = keymaker.key(row_account, broker_id, content)
                event = _event(row, row_account, when, action, info.source(line), key)
            except RowError as err:
                problem(line, err.column, err.value, err.message)
                continue
            if event.broker_id:
                if event.broker_id in ids:
                    problem(
                        line, row.col("id"), event.broker_id, f"the same id as line {ids[event.broker_id]}"
                    )
                    continue
                ids[event.broker_id] = line
            result.events.append(event)
    except csv.Error as exc:
        problem(reader.line_num, None, None, f"not valid CSV: {exc}")
    return result
