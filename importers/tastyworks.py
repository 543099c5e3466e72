"""The legacy tastyworks transaction-history CSV (the old site, shut down 2024-02-01): the same transaction
codes as today's tastytrade export in other columns, read into importers.tastytrade's rows and events.

What differs from the new export (FORMATS.md section 2b): `Date/Time` is `MM/DD/YYYY h:mm AM|PM` with no
offset (kept as the local wall time it is); Symbol is the underlying only, an option is named by the
Expiration Date / Strike / Call/Put columns (its root from an OCC symbol in the description when one is
there, e.g. an adjusted `USO1`); Price is per share; Fees is positive (commissions and fees together);
Amount is the signed cash before fees; there is no order number and no multiplier (100 is assumed for
equity options); `Account Reference` (`Individual...60`) names the account.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from importers import bounds
from importers.base import FileInfo, ParseResult
from importers.bounds import PRICE, QUANTITY, STRIKE
from importers.common import CsvRow, us_date
from importers.tastytrade import (
    CORPORATE,
    DEFAULT_ACCOUNT,
    MONEY_MOVEMENT,
    RECEIVE_DELIVER,
    RESOLVE,
    TYPES,
    RowError,
    TastyRow,
    amount,
    finish,
    header_cells,
    key_number,
    option_symbol,
    read_table,
    squash,
)
from journal.instruments import OptionContract, Stock, parse_stock
from journal.money import ZERO

name = "tastyworks-csv"
description = "legacy tastyworks transaction history CSV (Date/Time,Transaction Code,Transaction Subcode,...)"

REQUIRED = (
    "date/time",
    "transaction code",
    "transaction subcode",
    "symbol",
    "buy/sell",
    "open/close",
    "quantity",
    "expiration date",
    "strike",
    "call/put",
    "price",
    "fees",
    "amount",
    "description",
)
COLUMNS = {
    "date": "Date/Time",
    "type": "Transaction Code",
    "sub": "Transaction Subcode",
    "action": "Buy/Sell",
    "symbol": "Symbol",
    "description": "Description",
    "value": "Amount",
    "quantity": "Quantity",
    "price": "Price",
    "fees": "Fees",
}
# An OCC symbol written in a description (`Reverse split: Open 6 USO1  200717P00002000`).
_OCC_IN_TEXT = re.compile(r"\b([A-Z][A-Z0-9]{0,5})\s+(\d{6}[CP]\d{8})\b", re.ASCII)
_OPEN_CLOSE_WORD = re.compile(r"\b(Open|Close)\b", re.IGNORECASE)


def identify(path: Path, head: str) -> bool:
    cells = header_cells(head)
    return cells is not None and all(c in cells for c in REQUIRED)


def _is_header(cells: list[str]) -> bool:
    lowered = [c.lower() for c in cells]
    return all(c in lowered for c in REQUIRED)


def _time(raw: str) -> datetime:
    try:
        return bounds.when(datetime.strptime(squash(raw), "%m/%d/%Y %I:%M %p"))
    except ValueError as exc:
        raise RowError(
            "Date/Time", raw, bounds.why(exc, "not a date: expected MM/DD/YYYY h:mm AM|PM")
        ) from None


def _option(row: CsvRow, symbol: str, text: str) -> OptionContract:
    """The option of a row: Symbol is only the underlying, so the contract is built from the Expiration
    Date / Strike / Call/Put columns, under the root an OCC symbol in the description names."""
    raw_expiry, raw_strike, raw_right = row.get("expiration date"), row.get("strike"), row.get("call/put")
    if not (raw_expiry and raw_strike and raw_right):
        raise RowError(
            "Expiration Date", raw_expiry, "an option row needs Expiration Date, Strike and Call/Put"
        )
    try:
        expiry = us_date(raw_expiry)
    except ValueError as exc:
        raise RowError("Expiration Date", raw_expiry, bounds.why(exc, "not a date (MM/DD/YYYY)")) from None
    strike = amount(raw_strike, "Strike")
    if strike > STRIKE.most:
        raise RowError("Strike", raw_strike, f"out of bounds: a strike is at most {STRIKE.most:,}")
    right = raw_right.upper()
    if right not in ("P", "C", "PUT", "CALL") or strike <= 0:
        raise RowError(
            "Call/Put" if strike > 0 else "Strike", raw_right if strike > 0 else raw_strike, "not an option"
        )
    if strike * 1000 != int(strike * 1000):
        raise RowError("Strike", raw_strike, "not a strike an option series has (thousandths of a dollar)")
    occ = f"{expiry:%y%m%d}{right[0]}{int(strike * 1000):08d}"
    root = symbol
    for m in _OCC_IN_TEXT.finditer(text):
        if m[2] == occ:
            root = m[1]
    option = option_symbol(f"{root:<6}{occ}", "Symbol")
    if option is None:
        raise RowError("Symbol", symbol, "not an option underlying")
    return option


def _legacy_row(row: CsvRow, account: str) -> TastyRow:
    get = row.get
    when = _time(get("date/time"))
    kind = get("transaction code")
    sub = get("transaction subcode")
    symbol = squash(get("symbol"))
    text = get("description")
    value = amount(get("amount"), "Amount", default=ZERO)
    quantity = abs(amount(get("quantity"), "Quantity", blanks=("",), default=ZERO, bound=QUANTITY))
    raw_fees = get("fees")
    fees = amount(raw_fees, "Fees", default=ZERO)
    if fees < 0:
        raise RowError("Fees", raw_fees, "must not be negative (tastyworks writes fees paid as positive)")
    price = abs(amount(get("price"), "Price", default=ZERO, bound=PRICE))
    option: OptionContract | None = None
    stock: Stock | None = None
    unsupported: str | None = None
    if kind not in TYPES and symbol:
        unsupported = f"a {kind} row: not modelled yet; {RESOLVE}"
    elif kind != MONEY_MOVEMENT and kind in TYPES:
        if symbol.startswith(("/", "./")) or "/" in symbol:
            what = "futures" if "/USD" not in symbol else "crypto"
            unsupported = f"{what}: not modelled yet; {RESOLVE}"
        elif get("expiration date") or get("strike") or get("call/put"):
            option = _option(row, symbol, text)
        elif symbol:
            stock = parse_stock(symbol)
            if stock is None:
                raise RowError("Symbol", symbol, "not a stock symbol")
        elif kind != RECEIVE_DELIVER:
            raise RowError("Symbol", None, "missing: a trade needs a symbol")
    raw_side, raw_open = get("buy/sell").upper(), get("open/close").upper()
    side = raw_side if raw_side in ("BUY", "SELL") else None
    opens = {"OPEN": True, "CLOSE": False}.get(raw_open)
    if opens is None and kind == RECEIVE_DELIVER and (m := _OPEN_CLOSE_WORD.search(text)):
        opens = m[1].lower() == "open"
    content = "\x1f".join(
        [
            when.isoformat(),
            kind,
            sub,
            symbol,
            get("expiration date"),
            key_number(amount(get("strike"), "Strike", default=ZERO), Decimal("0.001")),
            get("call/put").upper(),
            key_number(quantity, Decimal("0.00001")),
            key_number(value),
            squash(text).upper() if kind == MONEY_MOVEMENT else "",
        ]
    )
    return TastyRow(
        line=row.line,
        account=account,
        when=when,
        instant=when.isoformat(),
        kind=kind,
        sub=sub,
        side=side,
        opens=opens,
        symbol=symbol,
        description=text,
        value=value,
        quantity=quantity,
        fees=fees,
        cash=value - fees,  # Amount is the cash before fees
        unit_price=price if (option or stock) and get("price") else None,
        option=option,
        stock=stock,
        underlying=symbol,
        order_id=None,
        content=content,
        columns=COLUMNS,
        unsupported=unsupported,
        raw=tuple(row.raw),
    )


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)

    def read_row(row: CsvRow, _width: int) -> TastyRow:
        # The account: the file's Account Reference when it names one, else the one given, else "default".
        named = row.get("account reference")
        return _legacy_row(row, named or account or DEFAULT_ACCOUNT)

    rows, problems = read_table(info, _is_header, read_row)
    return finish(info, _adjusted_roots(rows), problems)


def _adjusted_roots(rows: list[TastyRow]) -> list[TastyRow]:
    """The rows that name an adjusted option by its underlying only. A legacy row gives the option's root
    only where its description writes the OCC symbol (`Stock merger Open 6.0 GREE1 210917P00022000`); the
    later removal row of that contract says `Removal of option due to assignment` under Symbol `GREE`. So a
    row of an option named by its underlying, of the expiry, right and strike of an adjusted contract a
    corporate action opened in this file for that underlying before it, is that adjusted contract."""
    opened: dict[tuple[str, str, date, str, Decimal], tuple[datetime, str]] = {}
    for row in rows:
        option = row.option
        if row.sub in CORPORATE and row.opens and option is not None and option.root != row.underlying:
            series = (row.account, row.underlying, option.expiry, option.right, option.strike)
            if series not in opened or row.when < opened[series][0]:
                opened[series] = (row.when, option.root)
    if not opened:
        return rows
    out: list[TastyRow] = []
    for row in rows:
        option = row.option
        if option is not None and option.root == row.underlying:
            series = (row.account, row.underlying, option.expiry, option.right, option.strike)
            found = opened.get(series)
            if found is not None and row.when >= found[0]:
                row = replace(row, option=replace(option, root=found[1]))
        out.append(row)
    return out
