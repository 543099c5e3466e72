"""Robinhood's account activity report CSV (Account → Reports and statements) read into events.

Every row has a Trans Code (BTO, OASGN, CDIV, ...) mapped here one by one; Robinhood gives no fees, so a
trade's fees are what its Amount differs from quantity × price; an assignment is an OASGN row plus a
Buy/Sell row at the strike, merged into one OptionAssigned. Issue 15: SXCH (security exchange) rows of
one day, the old shares out (quantity ending in S) and the new in, are one SymbolChanged (as many
shares) or StockMerged new:old (other quantities); the report holds no Treasuries or bonds. Issue 13: an
unknown Trans Code naming a security, an SXCH row without its pair, a split without its ratio, an
assignment without its stock row (or the reverse), a cash-settled expiry and a trade whose Amount strays
beyond tolerance are Unresolved (with the Amount); REC, T/A, ITRF and ACATS of shares are
SecurityTransferred (no basis); any code naming no security is cash, of the kind its description says
(`common.cash_kind`, OTHER with a warning); DTAX/NRAT are TAX.
Format facts and their sources:
../shared/FORMATS.md section 5 and tests/importers/fixtures/robinhood/README.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
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
    unresolved,
)
from importers.bounds import AMOUNT, PRICE, QUANTITY, SPLIT_PART, Bound
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
    SplitApplied,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import InvalidOption, OptionContract, Stock, parse_option, parse_stock
from journal.money import ZERO

name = "robinhood-csv"
description = "Robinhood account activity report CSV (Activity Date, Trans Code, ...)"

DEFAULT_ACCOUNT = "default"
# An expiry, assignment or exercise is settled by the OCC after the close: after every trade of its day.
END_OF_DAY = time(23, 59, 59)
LEG_DAYS = 5
HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")
MULTIPLIER = Decimal(100)

COLUMNS = (
    "activity date",
    "process date",
    "settle date",
    "account type",
    "instrument",
    "description",
    "trans code",
    "quantity",
    "price",
    "amount",
    "suppressed",
)
REQUIRED = ("activity date", "instrument", "description", "trans code", "quantity", "price", "amount")
# How the header names each column in an error message.
SHOWN = {c: c.title() for c in COLUMNS}

OPTION_TRADES = {
    "BTO": TradeAction.BTO,
    "STO": TradeAction.STO,
    "BTC": TradeAction.BTC,
    "STC": TradeAction.STC,
}
STOCK_TRADES = {"BUY": TradeAction.BUY, "SELL": TradeAction.SELL}
ENDINGS = ("OEXP", "OASGN", "OEXCS")
# Cash rows: (kind, whether the Instrument names the holding it belongs to, note). Amount keeps its sign.
CASH: dict[str, tuple[CashKind, bool, str]] = {
    "CDIV": (CashKind.DIVIDEND, True, ""),
    "MDIV": (CashKind.DIVIDEND, True, "payment in lieu of a dividend (shares lent)"),
    # A tax withheld from a dividend is a fee on the holding, so that DIVIDEND stays the gross a
    # 1099-DIV reports (box 1a; the tax is box 7).
    "DTAX": (CashKind.TAX, True, "dividend tax withheld"),
    "NRAT": (CashKind.TAX, True, "non-resident alien tax withheld"),
    "AFEE": (CashKind.FEE, True, "ADR fee"),
    "DFEE": (CashKind.FEE, True, "depositary fee"),
    "SLIP": (CashKind.INTEREST, False, "stock lending income"),
    "INT": (CashKind.INTEREST, False, ""),
    "MINT": (CashKind.INTEREST, False, "margin interest"),
    "GOLD": (CashKind.FEE, False, "Robinhood Gold subscription"),
    "GMPC": (CashKind.FEE, False, "Robinhood Gold charge (GMPC)"),
}
# Money in or out of the account, by the sign of Amount: bank transfers (ACH, RTP instant), sweeps to the
# futures/event-contracts account (FUTSWP), transfers between one's Robinhood accounts (ITRF, cash only).
TRANSFERS = {
    "ACH": "",
    "RTP": "instant bank transfer",
    "FUTSWP": "futures sweep",
    "ITRF": "internal transfer",
}
# Shares in or out without a price (received, transferred): a transfer whose cost basis is not in the file.
SHARE_TRANSFERS = ("REC", "T/A", "ITRF", "ACATI", "ACATO")
# A security exchanged for another (FORMATS.md section 5: `SXCH` = security exchange): the old shares out
# (a quantity ending in S), the new in, one day.
EXCHANGE = "SXCH"
RESOLVE = "record its effect in a journal CSV with `resolves`"

_OPTION = re.compile(
    r"^(?:Option (?:Expiration|Assignment|Exercise) for )?(?P<root>[A-Z][A-Z0-9.]{0,5}) "
    r"(?P<expiry>\d{1,2}/\d{1,2}/\d{4}) (?P<right>Call|Put) \$(?P<strike>[\d,]+(?:\.\d+)?)$",
    re.IGNORECASE | re.ASCII,
)
_QUANTITY = re.compile(r"^(\d[\d,]*(?:\.\d+)?|\.\d+)(S?)$", re.ASCII)
# The stock row of an assignment or exercise says so in its description ("1 TSLA Option Assigned").
_LEG_NOTE = re.compile(r"\boption (?:assign|exercis)", re.IGNORECASE)
_RATIO = re.compile(r"\b(\d+)\s*(?:-\s*)?(?:for|:)\s*(?:-\s*)?(\d+)\b", re.IGNORECASE | re.ASCII)


def _is_header(cells: list[str]) -> bool:
    found = {c.lower() for c in cells}
    return all(r in found for r in REQUIRED)


def identify(path: Path, head: str) -> bool:
    lines = [line for line in head.lstrip("\ufeff").splitlines() if line.strip()][:1]
    try:
        return any(_is_header([c.strip() for c in cells]) for cells in csv.reader(lines))
    except csv.Error:
        return False


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row, read; quantities unsigned (`removed` for a quantity written with a trailing S)."""

    index: int
    line: int
    code: str
    day: date
    instrument: str
    description: str  # lines joined by spaces
    quantity: Decimal | None
    removed: bool
    price: Decimal | None
    price_text: str
    amount: Decimal | None
    content: str
    raw: tuple[str, ...] = ()


def _day(text: str) -> date:
    try:
        return bounds.day(datetime.strptime(text.strip(), "%m/%d/%Y").date())
    except ValueError as exc:
        raise RowError(SHOWN["activity date"], text, bounds.why(exc, "not a date (M/D/YYYY)")) from None


def _money(column: str, text: str, bound: Bound = AMOUNT) -> Decimal | None:
    if not text:
        return None
    try:
        return money(text, bound)
    except ValueError as exc:
        raise RowError(SHOWN[column], text, bounds.why(exc, "not an amount")) from None


def _read_row(row: CsvRow, index: int) -> _Row:
    code = row.get("trans code")
    day = _day(row.get("activity date"))
    suppressed = row.get("suppressed")
    if suppressed.lower() not in ("", "no", "false"):
        raise RowError(SHOWN["suppressed"], suppressed, "a suppressed row: not supported yet")
    quantity_text = row.get("quantity")
    quantity: Decimal | None = None
    removed = False
    if quantity_text:
        m = _QUANTITY.match(quantity_text)
        if not m:
            raise RowError(SHOWN["quantity"], quantity_text, "not a quantity")
        quantity, removed = _money("quantity", m[1], QUANTITY), m[2] == "S"
    price_text = row.get("price")
    price = _money("price", price_text, PRICE)
    if price is not None and price < 0:
        raise RowError(SHOWN["price"], price_text, "must not be negative")
    description = " ".join(row.get("description").split())
    content = "\x1f".join(
        (
            day.isoformat(),
            row.get("instrument"),
            description,
            code.upper(),
            quantity_text,
            price_text,
            row.get("amount"),
        )
    )
    return _Row(
        index=index,
        line=row.line,
        code=code.upper(),
        day=day,
        instrument=row.get("instrument"),
        description=description,
        quantity=quantity,
        removed=removed,
        price=price,
        price_text=price_text,
        amount=_money("amount", row.get("amount")),
        content=content,
        raw=tuple(row.raw),
    )


def _option(r: _Row) -> OptionContract:
    m = _OPTION.match(r.description)
    option = None
    if m:
        month, day, year = m["expiry"].split("/")
        strike = m["strike"].replace(",", "")
        compact = f"{m['root']}{year[2:]}{int(month):02d}{int(day):02d}{m['right'][0]}{strike}"
        try:
            option = parse_option(compact) if year.startswith("20") else None
        except InvalidOption as exc:
            raise RowError(SHOWN["description"], r.description, str(exc)) from None
    if option is None:
        raise RowError(SHOWN["description"], r.description, "not an option (ROOT M/D/YYYY Call|Put $STRIKE)")
    return option


def _stock(r: _Row) -> Stock:
    stock = parse_stock(r.instrument)
    if stock is None:
        raise RowError(SHOWN["instrument"], r.instrument, "not a stock symbol")
    return stock


def _quantity(r: _Row, *, whole: bool) -> Decimal:
    if r.quantity is None:
        raise RowError(SHOWN["quantity"], None, "missing")
    if r.quantity == 0:
        raise RowError(SHOWN["quantity"], str(r.quantity), "must not be zero")
    if whole and r.quantity != r.quantity.to_integral_value():
        raise RowError(SHOWN["quantity"], str(r.quantity), "not a whole number of contracts")
    return r.quantity


def _price_and_fees(
    r: _Row, quantity: Decimal, multiplier: Decimal, *, buys: bool
) -> tuple[Decimal, Decimal]:
    """The trade's price and fees. Robinhood writes no fees: they are what the Amount differs from
    quantity × price (regulatory fees on options and on sales). An Amount better than quantity × price
    means the Price column is a rounded average: then the price is the exact one the Amount gives."""
    if r.price is None:
        raise RowError(SHOWN["price"], None, "missing")
    if r.amount is None:
        raise RowError(SHOWN["amount"], None, "missing")
    if buys and r.amount > 0 or not buys and r.amount < 0:
        raise RowError(SHOWN["amount"], str(r.amount), "a purchase debits the account, a sale credits it")
    gross = quantity * r.price * multiplier
    fees = -r.amount - gross if buys else gross - r.amount
    rounding = quantity * multiplier * HALF_CENT + CENT
    if fees < 0:
        if -fees > rounding:
            raise NotModelled(
                f"an Amount of {r.amount} that does not match quantity × price ({gross.quantize(CENT)}): "
                f"something else moved the cash; {RESOLVE}"
            )
        return abs(r.amount) / (quantity * multiplier), ZERO
    if fees > rounding + gross / 100 + 1:
        raise NotModelled(
            f"an Amount of {r.amount} that implies {fees} of fees on a trade of {gross.quantize(CENT)}: "
            f"something else moved the cash; {RESOLVE}"
        )
    return r.price, fees


Problem = Callable[[int, str | None, str | None, str], None]


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()

    def problem(line: int, column: str | None, value: str | None, message: str) -> None:
        result.errors.append(ImportProblem(info.name, line, column, value, message))

    no_header = f"no Robinhood header found ({', '.join(SHOWN[c] for c in REQUIRED)})"
    table = read_table(info, result, _is_header, no_header)
    if table is None:
        return result
    _, rows = table

    # A data row has a date or a code; the rows after the last one are the footer (`""` and the
    # disclaimer, whose field count differs from the header's); a row between data rows is an error.
    data_at = [i for i, row in enumerate(rows) if row.get("activity date") or row.get("trans code")]
    last_data = data_at[-1] if data_at else -1
    parsed: list[_Row] = []
    for index, row in enumerate(rows[: last_data + 1]):
        try:
            parsed.append(_read_row(row, index))
        except RowError as err:
            problem(row.line, err.column, err.value, err.message)
    account = account or DEFAULT_ACCOUNT
    for r in parsed:
        result.book(account, r.amount)
    events = _events(parsed, account, info, problem, result)
    if not result.errors:
        result.events = events
    return result


def _events(
    rows: list[_Row], account: str, info: FileInfo, problem: Problem, result: ParseResult
) -> list[Event]:
    """The rows' events in file order: assignment and exercise stock rows merged, split rows paired; a row
    tj does not model kept as an Unresolved event with the cash the broker booked on it."""
    keymaker = KeyMaker()
    offsets = day_offsets([r.day for r in rows])
    placed: list[tuple[int, Event]] = []

    def keep(r: _Row, exc: NotModelled, when: datetime | None = None) -> None:
        symbols = exc.symbols or (_underlying(r),)
        kept = NotModelled(exc.reason, amount=r.amount, symbols=symbols)
        at = when or datetime.combine(r.day, time())
        key = keymaker.key(account, None, r.content)
        raw = r.raw or (r.description,)
        placed.append(
            (r.line, unresolved(kept, account=account, time=at, key=key, source=info.source(r.line), raw=raw))
        )

    def warn(r: _Row, message: str) -> None:
        result.warnings.append(ImportProblem(info.name, r.line, SHOWN["description"], r.description, message))

    stock_trades: list[tuple[_Row, datetime, StockLeg, Decimal]] = []
    endings: list[_Row] = []
    splits: dict[tuple[str, date], list[tuple[_Row, datetime]]] = {}
    exchanges: dict[date, list[tuple[_Row, datetime]]] = {}
    for r, offset in zip(rows, offsets, strict=True):
        when = datetime.combine(r.day, time()) + timedelta(seconds=offset)
        try:
            if r.code in STOCK_TRADES:
                quantity = _quantity(r, whole=False)
                buys = r.code == "BUY"
                price, fees = _price_and_fees(r, quantity, Decimal(1), buys=buys)
                leg = StockLeg(
                    r.index, account, _stock(r).symbol, r.day, buys, quantity, r.price or ZERO, fees
                )
                stock_trades.append((r, when, leg, price))
            elif r.code in ("OASGN", "OEXCS"):
                endings.append(r)
            elif r.code == "SPL":
                _quantity(r, whole=False)
                splits.setdefault((_stock(r).symbol, r.day), []).append((r, when))
            elif r.code == EXCHANGE and r.quantity and not r.amount:
                _stock(r)
                exchanges.setdefault(r.day, []).append((r, when))
            else:
                placed.append((r.line, _event(r, account, when, keymaker, info, warn)))
        except NotModelled as exc:
            keep(r, exc, when)
        except RowError as err:
            problem(r.line, err.column, err.value, err.message)
    used: set[int] = set()
    # Legs that say they are the stock side of an assignment first, then any Buy/Sell at the strike.
    legs = [leg for r, _, leg, _ in stock_trades if _LEG_NOTE.search(r.description)]
    legs += [leg for r, _, leg, _ in stock_trades if not _LEG_NOTE.search(r.description)]
    for r in endings:
        try:
            placed.append((r.line, _ending(r, account, legs, used, keymaker, info)))
        except NotModelled as exc:
            keep(r, exc)
        except RowError as err:
            problem(r.line, err.column, err.value, err.message)
    for r, when, leg, price in stock_trades:
        if leg.index in used:
            continue
        if _LEG_NOTE.search(r.description):
            reason = (
                f"the stock side of an assignment or exercise whose OASGN/OEXCS row of {leg.symbol} at "
                f"{leg.price} is not in the {LEG_DAYS} days before it: not modelled; {RESOLVE}"
            )
            keep(r, NotModelled(reason), when)
            continue
        trade = TradeExecuted(
            action=STOCK_TRADES[r.code],
            instrument=Stock(leg.symbol),
            quantity=leg.shares,
            price=price,
            fees=leg.fees,
            account=account,
            time=when,
            key=keymaker.key(account, None, r.content),
            source=info.source(r.line),
        )
        placed.append((r.line, trade))
    for (symbol, _), group in splits.items():
        try:
            placed.append((group[0][0].line, _split(symbol, group, account, keymaker, info)))
        except NotModelled as exc:
            for r, when in group:
                keep(r, exc, when)
        except RowError as err:
            problem(group[0][0].line, err.column, err.value, err.message)
    for group in exchanges.values():
        try:
            placed.append((group[0][0].line, _exchange(group, account, keymaker, info)))
        except NotModelled as exc:
            for r, when in group:
                keep(r, exc, when)
    placed.sort(key=lambda pair: pair[0])
    return [event for _, event in placed]


def _exchange(
    group: list[tuple[_Row, datetime]], account: str, keymaker: KeyMaker, info: FileInfo
) -> SymbolChanged | StockMerged:
    """The SXCH rows of one day: a security exchanged for another (a ticker change, a merger of shares),
    written as the old shares out (a quantity ending in S) and the new in. As many shares: a SymbolChanged
    of the old ticker to the new; else a StockMerged of new:old from the quantities (basis and dates
    carried over, IRC 354/358). Anything but one row of each, without cash, is not guessed at."""
    gone = [(r, when) for r, when in group if r.removed]
    came = [(r, when) for r, when in group if not r.removed]
    if len(gone) != 1 or len(came) != 1:
        raise NotModelled(
            f"a security exchange (SXCH) of {len(gone)} row(s) out and {len(came)} in on one day: not the "
            f"one row of each tj reads; {RESOLVE}"
        )
    old, new = gone[0][0], came[0][0]
    old_symbol, new_symbol = _stock(old).symbol, _stock(new).symbol
    old_shares, new_shares = old.quantity or ZERO, new.quantity or ZERO
    if old_symbol == new_symbol:
        raise NotModelled(f"a security exchange (SXCH) of {old_symbol} for itself: not modelled; {RESOLVE}")
    when, key, source = (
        datetime.combine(old.day, time()),
        keymaker.key(account, None, old.content),
        info.source(old.line),
    )
    note = f"SXCH: {old_symbol} ({old.description}) -> {new_symbol} ({new.description})"
    if old_shares == new_shares:
        return SymbolChanged(
            symbol=old_symbol,
            new_symbol=new_symbol,
            note=note,
            account=account,
            time=when,
            key=key,
            source=source,
        )
    return StockMerged(
        symbol=old_symbol,
        new_symbol=new_symbol,
        new=new_shares,
        old=old_shares,
        note=note,
        account=account,
        time=when,
        key=key,
        source=source,
    )


def _ending(
    r: _Row, account: str, legs: list[StockLeg], used: set[int], keymaker: KeyMaker, info: FileInfo
) -> Event:
    """OASGN or OEXCS: one event carrying its stock row's fees; the stock trade itself is implied."""
    option = _option(r)
    contracts = _quantity(r, whole=True)
    if r.amount:
        raise NotModelled(
            f"an assignment or exercise that moved cash (a cash-settled option): not modelled yet; {RESOLVE}"
        )
    # An assignment or exercise happens on or before the expiration, whatever day the row is posted.
    day = min(r.day, option.expiry)
    assigned = r.code == "OASGN"
    # A written put assigned and a bought call exercised buy the shares; the others sell them.
    buys = option.is_put if assigned else not option.is_put
    leg = match_stock_leg(
        legs,
        used,
        account=account,
        underlying=option.underlying,
        day=day,
        buy=buys,
        shares=contracts * option.multiplier,
        strike=option.strike,
        days_after=LEG_DAYS,
    )
    if leg is None:
        raise NotModelled(
            f"an {'assignment' if assigned else 'exercise'} whose stock row "
            f"({'purchase' if buys else 'sale'} of {contracts * option.multiplier} {option.underlying} "
            f"at {option.strike}) "
            f"is not in the file: "
            f"not modelled; {RESOLVE}",
            symbols=[option.underlying],
        )
    ended = OptionAssigned if assigned else OptionExercised
    return ended(
        option=option,
        quantity=contracts,
        fees=leg.fees,
        account=account,
        time=datetime.combine(day, END_OF_DAY),
        # The option row alone: exports with and without the stock row give the event one key.
        key=keymaker.key(account, None, r.content),
        source=info.source(r.line),
    )


def _split(
    symbol: str, group: list[tuple[_Row, datetime]], account: str, keymaker: KeyMaker, info: FileInfo
) -> SplitApplied:
    """The SPL rows of one symbol and day. Robinhood writes the shares moved, not the ratio: the ratio is
    known when the description states it, or when the old shares leave (a quantity with a trailing S) and
    the new arrive in rows of their own and one count is a whole multiple of the other."""
    first = group[0][0]
    stated = next((m for r, _ in group if (m := _RATIO.search(r.description))), None)
    removed = sum((r.quantity or ZERO for r, _ in group if r.removed), ZERO)
    added = sum((r.quantity or ZERO for r, _ in group if not r.removed), ZERO)
    new = old = ZERO
    if stated:
        try:
            new, old = SPLIT_PART.read(stated[1]), SPLIT_PART.read(stated[2])
        except ValueError as exc:
            raise RowError(
                SHOWN["description"], first.description, bounds.why(exc, "not a split ratio")
            ) from None
    elif removed and added:
        if added % removed == 0:
            new, old = added / removed, Decimal(1)
        elif removed % added == 0:
            new, old = Decimal(1), removed / added
    if new <= 0 or old <= 0 or new == old:
        moved = f"{added} shares in" if added else ""
        moved += (" and " if added and removed else "") + (f"{removed} out" if removed else "")
        raise NotModelled(
            f"a split of {symbol} whose ratio the file does not give ({moved}): not modelled; "
            "write it as a SPLIT row of a journal CSV with `resolves`",
            symbols=[symbol],
        )
    content = "\x1e".join(r.content for r, _ in group)
    return SplitApplied(
        symbol=symbol,
        new=new,
        old=old,
        account=account,
        time=min(when for _, when in group),
        key=keymaker.key(account, None, content),
        source=info.source(first.line),
    )


def _event(
    r: _Row,
    account: str,
    when: datetime,
    keymaker: KeyMaker,
    info: FileInfo,
    warn: Callable[[_Row, str], None],
) -> Event:
    key = keymaker.key(account, None, r.content)
    source = info.source(r.line)
    if r.code in OPTION_TRADES:
        action = OPTION_TRADES[r.code]
        option = _option(r)
        contracts = _quantity(r, whole=True)
        price, fees = _price_and_fees(r, contracts, option.multiplier, buys=action.is_buy)
        return TradeExecuted(
            action=action,
            instrument=option,
            quantity=contracts,
            price=price,
            fees=fees,
            account=account,
            time=when,
            key=key,
            source=source,
        )
    if r.code == "OEXP":
        option = _option(r)
        contracts = _quantity(r, whole=True)
        if r.amount:
            raise NotModelled(
                f"an expiry that moved cash (a cash-settled option): not modelled yet; {RESOLVE}"
            )
        if r.day < option.expiry:
            raise RowError(
                SHOWN["activity date"], str(r.day), f"before the option's expiration {option.expiry}"
            )
        # CONTRACT: an expiry closes on the expiration date even when the broker posts it later.
        return OptionExpired(
            option=option,
            quantity=contracts,
            account=account,
            time=datetime.combine(option.expiry, END_OF_DAY),
            key=key,
            source=source,
        )
    if r.code in SHARE_TRANSFERS and r.quantity:
        return _transfer(r, account, when, key, source)
    if r.code in CASH:
        return _cash(r, account, when, key, source)
    if r.code in TRANSFERS or not (r.instrument or r.quantity):
        return _other_cash(r, account, when, key, source, warn)
    raise NotModelled(
        f"a row of Trans Code {r.code or '(none)'} naming a security: not modelled yet; {RESOLVE}"
    )


def _underlying(r: _Row) -> str:
    """The underlying a row names: an option's root, else the Instrument."""
    m = _OPTION.match(r.description)
    return m["root"].upper() if m else r.instrument


def _transfer(r: _Row, account: str, when: datetime, key: str, source: SourceRef) -> Event:
    """Shares received or transferred (REC, T/A, ITRF, ACATS): in, or out where the quantity ends in S;
    the file gives no cost basis, so the lot waits for a journal-CSV row that `resolves` it."""
    if r.amount:
        raise NotModelled(f"shares transferred with cash ({r.code}): not modelled yet; {RESOLVE}")
    quantity = _quantity(r, whole=False)
    return SecurityTransferred(
        instrument=_stock(r),
        quantity=-quantity if r.removed else quantity,
        account=account,
        time=when,
        key=key,
        source=source,
        note=r.description,
    )


def _cash(r: _Row, account: str, when: datetime, key: str, source: SourceRef) -> Event:
    """A cash row of a code this importer knows (dividends, interest, fees, tax withheld)."""
    amount = cash_amount(r.amount, SHOWN["amount"])
    kind, names_holding, note = CASH[r.code]
    symbol = None
    if names_holding and r.instrument:
        symbol = _stock(r).symbol
    if kind is CashKind.DIVIDEND and symbol is None:
        raise RowError(SHOWN["instrument"], None, "missing: a dividend needs the symbol that paid it")
    return CashMoved(
        kind=kind,
        amount=amount,
        symbol=symbol,
        description=r.description,
        account=account,
        time=when,
        key=key,
        source=source,
        note=note,
    )


def _other_cash(
    r: _Row, account: str, when: datetime, key: str, source: SourceRef, warn: Callable[[_Row, str], None]
) -> Event:
    """A cash-only row: a bank transfer by the sign of its Amount, else any code naming no security
    (GOLD, MISC, OCC, XENT, a code new to tj) of the kind its description says, OTHER with a warning."""
    amount = cash_amount(r.amount, SHOWN["amount"])
    note = TRANSFERS.get(r.code, "")
    if r.code in TRANSFERS:
        kind = CashKind.DEPOSIT if amount > 0 else CashKind.WITHDRAW
    else:
        kind, known = cash_kind(f"{r.description} {r.code}", amount)
        if not known:
            warn(r, UNKNOWN_CASH)
    return CashMoved(
        kind=kind,
        amount=amount,
        description=r.description,
        account=account,
        time=when,
        key=key,
        source=source,
        note=note,
    )
