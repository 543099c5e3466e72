"""A broker positions CSV (`date, account, symbol, quantity[, basis, acquired]`): what the broker says the
account holds. A `CASH` symbol row gives the cash balance in `quantity`.

Imported as it is, the rows are `PositionReported` events to reconcile the journal against (`tj reconcile`).
Imported with `tj import --opening DATE`, they are the journal's **opening positions** (a broker history
that begins mid-stream): each row opens lots as a transfer in on DATE (`SecurityTransferred`, `opening`),
with `basis` (the whole position's cost, a written option's credit received, fees included) and `acquired`
(YYYY-MM-DD, for the holding period) where given, else marked basis missing; `CASH` is the opening cash.
Quantities are signed: a written option or short stock is negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from importers import bounds
from importers.base import FileInfo, ImportProblem, KeyMaker, ParseResult, RowError
from importers.bounds import QUANTITY
from importers.common import CsvRow, money, read_csv_table
from journal.events import CashKind, CashMoved, CashReported, PositionReported, SecurityTransferred
from journal.instruments import Instrument, parse_instrument

name = "positions-csv"
description = "a broker's positions: date, account, symbol, quantity (CASH for the cash balance)"
COLUMNS = {"date", "account", "symbol", "quantity", "basis", "acquired"}
REQUIRED = {"date", "symbol", "quantity"}


def _is_header(cells: list[str]) -> bool:
    names = {c.lower() for c in cells if c}
    return REQUIRED <= names <= COLUMNS


def identify(path: Path, head: str) -> bool:
    first = head.lstrip("\ufeff").splitlines()[:1]
    return bool(first) and _is_header([c.strip() for c in first[0].split(",")])


@dataclass(frozen=True, slots=True)
class _Position:
    common: dict[str, Any]  # account, time (the row's date, end of day), source, key
    instrument: Instrument | None  # None: the CASH row
    quantity: Decimal
    basis: Decimal | None
    acquired: date | None


def _read(path: Path, account: str | None) -> tuple[ParseResult, list[_Position]]:
    info = FileInfo.read(path)
    result = ParseResult()
    keys = KeyMaker()
    positions: list[_Position] = []
    try:
        _, _, rows = read_csv_table(info.data.decode("utf-8-sig"), _is_header)
    except (UnicodeDecodeError, ValueError) as exc:
        result.errors.append(ImportProblem(info.name, 1, None, None, f"not a positions CSV: {exc}"))
        return result, positions
    for row in rows:
        try:
            positions.append(_position(info, keys, row, account))
        except RowError as err:
            result.errors.append(ImportProblem(info.name, row.line, err.column, err.value, err.message))
    return result, positions


def _quantity(text: str) -> Decimal:
    return money(text, QUANTITY)


def _position(info: FileInfo, keys: KeyMaker, row: CsvRow, account: str | None) -> _Position:
    def cell(column: str, read: Callable[[str], Any], what: str) -> Any:
        raw = row.get(column)
        try:
            return read(raw) if raw else None
        except ValueError as exc:
            raise RowError(column, raw, bounds.why(exc, what)) from None

    def iso_day(text: str) -> date:
        return bounds.day(date.fromisoformat(text))

    day = cell("date", iso_day, "not a date (YYYY-MM-DD)")
    if day is None:
        raise RowError("date", None, "missing")
    symbol = row.get("symbol")
    cash = symbol.upper() == "CASH"
    # The CASH row's quantity is the cash balance: an amount's bound, not a quantity's.
    quantity = cell(
        "quantity",
        (lambda text: money(text)) if cash else (lambda text: money(text, QUANTITY)),
        "not a number",
    )
    if quantity is None:
        raise RowError("quantity", None, "missing")
    basis = cell("basis", money, "not an amount")
    acquired = cell("acquired", iso_day, "not a date (YYYY-MM-DD)")
    owner = row.get("account") or account or "default"
    instrument = None if cash else cell("symbol", parse_instrument, "not a stock or option symbol")
    if instrument is None and not cash:
        raise RowError("symbol", symbol, "not a stock or option symbol")
    content = f"{row.get('date')}\x1f{symbol}\x1f{quantity}"
    common = {
        "account": owner,
        "time": datetime.combine(day, time(23, 59, 59)),
        "source": info.source(row.line),
        "key": keys.key(owner, None, content),
    }
    return _Position(common, instrument, quantity, basis, acquired)


def parse(path: Path, account: str | None = None) -> ParseResult:
    """The positions as the broker reported them, for `tj reconcile`."""
    result, positions = _read(path, account)
    for p in positions:
        if p.instrument is None:
            result.events.append(CashReported(amount=p.quantity, **p.common))
        else:
            result.events.append(PositionReported(instrument=p.instrument, quantity=p.quantity, **p.common))
    return result


def parse_opening(path: Path, account: str | None, day: date) -> ParseResult:
    """The positions as the journal's opening positions on `day` (see the module's docstring)."""
    result, positions = _read(path, account)
    for p in positions:
        common = {**p.common, "time": datetime.combine(day, time()), "key": f"opening:{p.common['key']}"}
        if p.instrument is None:
            result.events.append(
                CashMoved(
                    kind=CashKind.DEPOSIT, amount=p.quantity, description="opening cash balance", **common
                )
            )
        else:
            result.events.append(
                SecurityTransferred(
                    instrument=p.instrument,
                    quantity=p.quantity,
                    basis=p.basis,
                    acquired=p.acquired,
                    opening=True,
                    **common,
                )
            )
    return result
