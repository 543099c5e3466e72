"""A prices CSV (`date, symbol, price`): prices observed on a day, e.g. the year's last closing prices of
open Section 1256 contracts, which mark them to market (Pub 550; Form 6781). Each row is a `PriceMarked`.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from importers import bounds
from importers.base import FileInfo, ImportProblem, KeyMaker, ParseResult, utf8_text
from importers.bounds import PRICE
from importers.common import money, read_csv_table
from journal.events import PriceMarked
from journal.instruments import InvalidOption, parse_instrument

name = "prices-csv"
description = "prices observed on a day: date, symbol, price (year-end marks of Section 1256 contracts)"
COLUMNS = {"date", "symbol", "price", "account"}
REQUIRED = {"date", "symbol", "price"}


def _is_header(cells: list[str]) -> bool:
    names = {c.lower() for c in cells if c}
    return REQUIRED <= names <= COLUMNS


def identify(path: Path, head: str) -> bool:
    first = head.lstrip("\ufeff").splitlines()[:1]
    return bool(first) and _is_header([c.strip() for c in first[0].split(",")])


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()
    text = utf8_text(info, result)
    if text is None:
        return result
    try:
        _, _, rows = read_csv_table(text, _is_header)
    except ValueError as exc:
        result.errors.append(ImportProblem(info.name, 1, None, None, f"not a prices CSV: {exc}"))
        return result
    keys = KeyMaker()
    for row in rows:
        raw_date, symbol, raw_price = row.get("date"), row.get("symbol"), row.get("price")
        try:
            day = bounds.day(datetime.strptime(raw_date, "%Y-%m-%d").date())
        except ValueError as exc:
            message = bounds.why(exc, "not a date (YYYY-MM-DD)")
            result.errors.append(ImportProblem(info.name, row.line, "date", raw_date, message))
            continue
        try:
            price = money(raw_price, PRICE)
        except ValueError as exc:
            message = bounds.why(exc, "not a number")
            result.errors.append(ImportProblem(info.name, row.line, "price", raw_price, message))
            continue
        if price < 0:
            result.errors.append(
                ImportProblem(info.name, row.line, "price", raw_price, "must not be negative")
            )
            continue
        try:
            instrument = parse_instrument(symbol)
        except InvalidOption as exc:
            result.errors.append(ImportProblem(info.name, row.line, "symbol", symbol, str(exc)))
            continue
        if instrument is None:
            result.errors.append(
                ImportProblem(info.name, row.line, "symbol", symbol, "not a stock or option symbol")
            )
            continue
        owner = row.get("account") or account or "default"
        common: dict[str, Any] = {
            "account": owner,
            "time": datetime.combine(day, time()),
            "source": info.source(row.line),
            "key": keys.key(owner, None, f"{day}\x1f{instrument.name}\x1f{price}"),
        }
        result.events.append(PriceMarked(instrument=instrument, price=price, **common))
    return result
