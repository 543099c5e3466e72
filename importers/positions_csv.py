"""A broker positions CSV (`date, account, symbol, quantity`): what the broker says the account holds, to
reconcile the journal against (`tj reconcile`). A `CASH` symbol row gives the cash balance in `quantity`.

Any broker's positions page can be saved in this shape; the rows become `PositionReported` events.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from importers.base import FileInfo, ImportProblem, KeyMaker, ParseResult
from importers.common import money, read_csv_table
from journal.events import CashReported, PositionReported
from journal.instruments import parse_instrument

name = "positions-csv"
description = "a broker's positions: date, account, symbol, quantity (CASH for the cash balance)"
COLUMNS = {"date", "account", "symbol", "quantity"}
REQUIRED = {"date", "symbol", "quantity"}


def _is_header(cells: list[str]) -> bool:
    names = {c.lower() for c in cells if c}
    return REQUIRED <= names <= COLUMNS


def identify(path: Path, head: str) -> bool:
    first = head.lstrip("\ufeff").splitlines()[:1]
    return bool(first) and _is_header([c.strip() for c in first[0].split(",")])


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()
    keys = KeyMaker()
    try:
        _, _, rows = read_csv_table(info.data.decode("utf-8-sig"), _is_header)
    except (UnicodeDecodeError, ValueError) as exc:
        result.errors.append(ImportProblem(info.name, 1, None, None, f"not a positions CSV: {exc}"))
        return result
    for row in rows:

        def problem(column: str, message: str, row=row) -> None:  # noqa: B023 - bound per row
            result.errors.append(ImportProblem(info.name, row.line, column, row.get(column), message))

        try:
            day = datetime.combine(datetime.strptime(row.get("date"), "%Y-%m-%d").date(), time(23, 59, 59))
        except ValueError:
            problem("date", "not a date (YYYY-MM-DD)")
            continue
        try:
            quantity = money(row.get("quantity"))
        except ValueError:
            problem("quantity", "not a number")
            continue
        owner = row.get("account") or account or "default"
        symbol = row.get("symbol")
        content = f"{row.get('date')}\x1f{symbol}\x1f{quantity}"
        common: dict[str, Any] = {
            "account": owner,
            "time": day,
            "source": info.source(row.line),
            "key": keys.key(owner, None, content),
        }
        if symbol.upper() == "CASH":
            result.events.append(CashReported(amount=quantity, **common))
            continue
        instrument = parse_instrument(symbol)
        if instrument is None:
            problem("symbol", "not a stock or option symbol")
            continue
        result.events.append(PositionReported(instrument=instrument, quantity=quantity, **common))
    return result
