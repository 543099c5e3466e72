"""Recorded events as journal-CSV rows and back: the rows `tj export journal-csv` writes, which the
journal-CSV importer reads as the very facts they were (same natural key, payload and source).

A row with a `key` is such a recorded fact. It may use the extension columns and actions below, and it is
read as it was recorded rather than as a user types a row: its texts as written (not stripped), a trade's
fees as booked (a broker's rebate is negative), a dividend without a symbol (a money-market fund's), an
expiry at its own time. Its bounds are every event's (importers/bounds.py).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from importers.base import RowError
from journal.events import (
    AccountConfigured,
    CashKind,
    CashMoved,
    CashReported,
    CurrencyConverted,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    PositionReported,
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
    Unresolved,
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
    from_json,
    instrument_from_name,
    parse_future_option,
    to_json,
)
from journal.tax import BASIS_REPORTING, LOT_METHODS

# The contract's columns, then the extension's: every column `tj export journal-csv` writes, in its order.
CONTRACT_COLUMNS = (
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
    # Corporate actions, adjusted options, other assets and currencies (README, docs/journal-csv.md).
    "new_symbol",  # SYMBOL_CHANGE, MERGER, SPINOFF: the new stock; ADJUST: the new option
    "ratio",  # MERGER, SPINOFF: new:old shares; ADJUST: new:old contracts
    "cash",  # MERGER: cash per old share; an adjusted option's cash deliverable per contract
    "allocation",  # SPINOFF: percent of the parent's basis that goes to the new shares
    "deliverable",  # an adjusted option's shares per contract: `11 GREE`, `50 ABC + 20 XYZ`
    "currency",  # of a trade's price and fees or a cash amount (default USD); CONVERT: the one received
    "fx_rate",  # USD per unit of `currency` on the row's date
    "settlement",  # CASH_SETTLE: the index value the option settles against
    "asset",  # stock fund warrant bill note bond future future-option
    "expiry",  # a future's expiry, a bond's maturity (YYYY-MM-DD)
)
EXTENSION_COLUMNS = (
    "key",  # the natural key as recorded: a row with one is a recorded fact, re-imported as that fact
    "description",  # a cash row's own words from the broker
    "opening",  # true: a transfer in (or out, short) that opened the journal (`tj import --opening`)
    "reason",  # UNRESOLVED: why tj kept the row without modelling it
    "raw",  # UNRESOLVED: the row as the broker's file wrote it
    "owner",  # ACCOUNT: whose account
    "tax_advantaged",  # ACCOUNT: true for an IRA
    "basis_reporting",  # ACCOUNT: reported, not-reported or no-1099
    "source",  # where the fact came from first: file:line (empty: no file, e.g. `tj account set`)
    "source_sha256",  # that file's SHA-256
    "paid_currency",  # CONVERT: the currency given, when not USD
    "old_option",  # ADJUST: the old option as stored (JSON), when its symbol and `multiplier` do not say it
)
COLUMNS = CONTRACT_COLUMNS + EXTENSION_COLUMNS
# Facts the contract's actions do not express, written by `tj export` only (rows with a key).
EXTENSION_ACTIONS = ("POSITION", "BALANCE", "ACCOUNT", "UNRESOLVED", "RESOLVE")
_ENDS: dict[str, type[OptionExpired | OptionAssigned | OptionExercised]] = {
    "EXPIRE": OptionExpired,
    "ASSIGN": OptionAssigned,
    "EXERCISE": OptionExercised,
}
_END_ACTIONS = {cls: action for action, cls in _ENDS.items()}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_TRUE, _FALSE = "true", "false"
_BONDS = ("bill", "note", "bond")
_SHARES = ("stock", "fund", "warrant")


def deliverable_text(deliverable: tuple[tuple[str, Decimal], ...]) -> str:
    """An adjusted option's deliverable as the journal CSV writes it: `11 GREE`, `50 ABC + 20 XYZ`."""
    return " + ".join(f"{shares} {symbol}" for symbol, shares in deliverable)


def read_deliverable(text: str, number: Callable[[str], Decimal]) -> tuple[tuple[str, Decimal], ...]:
    """The deliverable `deliverable_text` writes, each part's shares read by `number`: ValueError (with
    its words) when it is not one."""
    parts = []
    for part in text.split("+"):
        words = part.split()
        if len(words) != 2:
            raise ValueError(
                "a deliverable is shares and a symbol per security, joined by + (11 GREE, 50 ABC + 20 XYZ)"
            )
        parts.append((words[1].upper(), number(words[0])))
    symbols = [symbol for symbol, _ in parts]
    if len(set(symbols)) != len(symbols):
        raise ValueError("a deliverable names each security once")
    return tuple(parts)


# -- an event as a row ------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _instrument_cells(instrument: Instrument) -> dict[str, str]:
    cells = {"symbol": instrument.name}
    if isinstance(instrument, OptionContract):
        if instrument.multiplier != STANDARD_MULTIPLIER:
            cells["multiplier"] = str(instrument.multiplier)
        if instrument.deliverable:
            cells["deliverable"] = deliverable_text(instrument.deliverable)
        if instrument.cash:
            cells["cash"] = str(instrument.cash)
    elif isinstance(instrument, Stock):
        if instrument.kind != "stock":
            cells["asset"] = instrument.kind
    elif isinstance(instrument, Bond):
        cells["asset"] = instrument.kind
        cells["expiry"] = instrument.maturity.isoformat() if instrument.maturity else ""
        cells["description"] = instrument.description
    elif isinstance(instrument, Future):
        cells.update(
            asset="future", expiry=instrument.expiry.isoformat(), multiplier=str(instrument.multiplier)
        )
    else:
        cells.update(asset="future-option", multiplier=str(instrument.multiplier))
    return cells


def _currency_cells(event: TradeExecuted | CashMoved) -> dict[str, str]:
    return {"currency": event.currency, "fx_rate": _number(event.fx_rate)}


def row(event: Event) -> dict[str, str]:
    """The journal-CSV row of a recorded event (columns left out are empty). Voids have none: an export
    leaves out what they took back, and them."""
    cells: dict[str, str] = {
        "date": event.time.isoformat(),
        "account": event.account,
        "key": event.key,
        "id": event.broker_id or "",
        "note": event.note,
    }
    if event.source is not None:
        cells["source"] = str(event.source)
        cells["source_sha256"] = event.source.sha256
    cells.update(_payload_cells(event))
    return cells


def _payload_cells(event: Event) -> dict[str, str]:
    if isinstance(event, TradeExecuted):
        return {
            "action": event.action.value,
            **_instrument_cells(event.instrument),
            "quantity": str(event.quantity),
            "price": str(event.price),
            "fees": str(event.fees),
            "order_id": event.order_id or "",
            "lot": event.lot_ref or "",
            "lot_method": event.lot_method or "",
            **_currency_cells(event),
        }
    if isinstance(event, OptionCashSettled):
        return {
            "action": "CASH_SETTLE",
            **_instrument_cells(event.option),
            "quantity": str(event.quantity),
            "fees": str(event.fees),
            "settlement": str(event.settlement),
        }
    if isinstance(event, OptionExpired | OptionAssigned | OptionExercised):
        return {
            "action": _END_ACTIONS[type(event)],
            **_instrument_cells(event.option),
            "quantity": str(event.quantity),
            "fees": str(event.fees),
        }
    if isinstance(event, CashMoved):
        return {
            "action": event.kind.value,
            "symbol": event.symbol or "",
            "amount": str(event.amount),
            "description": event.description,
            **_currency_cells(event),
        }
    if isinstance(event, SplitApplied):
        return {"action": "SPLIT", "symbol": event.symbol, "quantity": f"{event.new}:{event.old}"}
    if isinstance(event, SymbolChanged):
        return {"action": "SYMBOL_CHANGE", "symbol": event.symbol, "new_symbol": event.new_symbol}
    if isinstance(event, StockMerged):
        return {
            "action": "MERGER",
            "symbol": event.symbol,
            "new_symbol": event.new_symbol or "",
            "ratio": f"{event.new}:{event.old}",
            "cash": str(event.cash),
            "price": _number(event.price),
            "amount": str(event.in_lieu),
        }
    if isinstance(event, SpunOff):
        return {
            "action": "SPINOFF",
            "symbol": event.symbol,
            "new_symbol": event.new_symbol,
            "ratio": f"{event.new}:{event.old}",
            "allocation": str(event.allocation),
            "amount": str(event.in_lieu),
        }
    if isinstance(event, OptionAdjusted):
        return _adjusted_cells(event)
    if isinstance(event, CurrencyConverted):
        return {
            "action": "CONVERT",
            "currency": event.currency,
            "quantity": str(event.amount),
            "amount": str(event.paid),
            "paid_currency": "" if event.paid_currency == "USD" else event.paid_currency,
            "fees": str(event.fees),
            "fx_rate": _number(event.fx_rate),
        }
    if isinstance(event, PriceMarked):
        return {"action": "MARK", **_instrument_cells(event.instrument), "price": str(event.price)}
    if isinstance(event, PositionReported):
        return {"action": "POSITION", **_instrument_cells(event.instrument), "quantity": str(event.quantity)}
    if isinstance(event, CashReported):
        return {"action": "BALANCE", "amount": str(event.amount)}
    if isinstance(event, AccountConfigured):
        return {
            "action": "ACCOUNT",
            "owner": event.owner,
            "tax_advantaged": _TRUE if event.tax_advantaged else _FALSE,
            "lot_method": event.lot_method,
            "basis_reporting": event.basis_reporting,
        }
    if isinstance(event, SecurityTransferred):
        return {
            "action": "TRANSFER_IN" if event.quantity > 0 else "TRANSFER_OUT",
            **_instrument_cells(event.instrument),
            "quantity": str(abs(event.quantity)),
            "basis": _number(event.basis),
            "acquired": event.acquired.isoformat() if event.acquired else "",
            "opening": _TRUE if event.opening else "",
        }
    if isinstance(event, Unresolved):
        return {
            "action": "UNRESOLVED",
            "symbol": " ".join(event.symbols),
            "amount": str(event.amount),
            "reason": event.reason,
            "raw": event.raw,
        }
    if isinstance(event, Resolved):
        return {"action": "RESOLVE", "resolves": event.resolved_key}
    raise ValueError(f"no journal-CSV row for a {event.type_name}")


def _adjusted_cells(event: OptionAdjusted) -> dict[str, str]:
    """An ADJUST row: the new option's cells (its multiplier, deliverable and cash), the old one by its
    symbol, and whole in `old_option` when that and the multiplier do not say it (itself adjusted)."""
    old, new = event.option, event.adjusted
    cells = {
        "action": "ADJUST",
        **_instrument_cells(new),
        "symbol": old.name,
        "new_symbol": new.name,
        "quantity": str(event.quantity),
        "reason": event.reason,
    }
    if event.new_quantity is not None:
        cells["ratio"] = f"{event.new_quantity}:{event.quantity}"
    if old.deliverable or old.cash or old.multiplier != new.multiplier:
        cells["old_option"] = json.dumps(to_json(old), sort_keys=True, separators=(",", ":"))
    return cells


# -- a row as an event -------------------------------------------------------------------------------------


class _Row:
    """A recorded row's cells by column name, as written (`text`) or stripped (`cell`)."""

    def __init__(self, cells: Mapping[str, str]) -> None:
        self.cells = cells

    def text(self, column: str) -> str:
        return self.cells.get(column) or ""

    def cell(self, column: str) -> str:
        return self.text(column).strip()

    def number(self, column: str, required: bool = True) -> Decimal | None:
        raw = self.cell(column)
        if not raw:
            if required:
                raise RowError(column, None, "missing")
            return None
        if not _NUMBER.fullmatch(raw):
            raise RowError(column, raw, "not a number")
        return Decimal(raw)

    def decimal(self, column: str) -> Decimal:
        value = self.number(column)
        assert value is not None
        return value

    def flag(self, column: str) -> bool:
        raw = self.cell(column).lower()
        if raw not in ("", _TRUE, _FALSE):
            raise RowError(column, raw, "true or false")
        return raw == _TRUE

    def instrument(self) -> Instrument:
        symbol = self.cell("symbol")
        if not symbol:
            raise RowError("symbol", None, "missing")
        multiplier = self.number("multiplier", required=False)
        asset = self.cell("asset")
        if asset in _BONDS:
            return Bond(symbol, asset, self.day("expiry"), self.text("description"))
        if asset in ("future", "future-option"):
            if multiplier is None:
                raise RowError("multiplier", None, f"missing: a {asset} has one")
            if asset == "future":
                expiry = self.day("expiry")
                if expiry is None:
                    raise RowError("expiry", None, "missing: a future has one")
                return Future(symbol, expiry, multiplier)
            try:
                found = parse_future_option(symbol, multiplier)
            except InvalidOption as exc:
                raise RowError("symbol", symbol, str(exc)) from None
            if found is None:
                raise RowError("symbol", symbol, "not a futures option symbol (/MESZ5 251031P5400)")
            return found
        if asset in _SHARES:
            return Stock(symbol, asset)
        if asset:
            raise RowError("asset", asset, f"one of {' '.join(ASSET_KINDS)}")
        instrument = instrument_from_name(symbol, multiplier)
        deliverable, cash = self.cell("deliverable"), self.number("cash", required=False)
        if deliverable or cash is not None:
            if not isinstance(instrument, OptionContract):
                raise RowError("deliverable" if deliverable else "cash", None, "only an option has one")
            return dataclasses.replace(
                instrument,
                deliverable=self.deliverable() if deliverable else (),
                cash=Decimal(0) if cash is None else cash,
            )
        return instrument

    def deliverable(self) -> tuple[tuple[str, Decimal], ...]:
        raw = self.cell("deliverable")

        def number(text: str) -> Decimal:
            if not _NUMBER.fullmatch(text):
                raise ValueError("not a number")
            return Decimal(text)

        try:
            return read_deliverable(raw, number)
        except ValueError as exc:
            raise RowError("deliverable", raw, str(exc)) from None

    def option(self) -> OptionContract:
        option = self.instrument()
        if not isinstance(option, OptionContract):
            raise RowError("symbol", self.cell("symbol"), "not an option symbol")
        return option

    def any_option(self) -> OptionContract | FutureOption:
        option = self.instrument()
        if not isinstance(option, OptionContract | FutureOption):
            raise RowError("symbol", self.cell("symbol"), "not an option symbol")
        return option

    def ratio(self, required: bool = True) -> tuple[Decimal, Decimal] | None:
        raw = self.cell("ratio")
        if not raw and not required:
            return None
        new, _, old = raw.partition(":")
        if not (_NUMBER.fullmatch(new) and _NUMBER.fullmatch(old)):
            raise RowError("ratio", raw or None, "a ratio is new:old")
        return Decimal(new), Decimal(old)

    def day(self, column: str) -> date | None:
        raw = self.cell(column)
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            raise RowError(column, raw, "not a date (YYYY-MM-DD)") from None


def recorded_time(raw: str) -> datetime:
    """A recorded row's time: ISO, to the microsecond, without an offset (exchange local time)."""
    try:
        when = datetime.fromisoformat(raw.strip())
    except ValueError:
        when = None
    if when is None or when.tzinfo is not None:
        raise RowError("date", raw, "not a recorded time (YYYY-MM-DDTHH:MM:SS[.ffffff])")
    return when


def recorded_source(cells: Mapping[str, str]) -> SourceRef | None:
    """The source a recorded row names (`source` as file:line, `source_sha256`), None when it names none."""
    where = (cells.get("source") or "").strip()
    if not where:
        return None
    file, _, line = where.rpartition(":")
    sha256 = (cells.get("source_sha256") or "").strip()
    if not file or not line.isdigit():
        raise RowError("source", where, "not file:line")
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise RowError("source_sha256", sha256, "not a SHA-256 (64 hexadecimal digits)")
    return SourceRef(file, sha256, int(line))


def event(cells: Mapping[str, str], account: str, key: str, source: SourceRef | None) -> Event:
    """The recorded event a row with a key writes back: RowError naming the column when it cannot be."""
    return well_formed(_event(cells, account, key, source))


def _event(cells: Mapping[str, str], account: str, key: str, source: SourceRef | None) -> Event:
    r = _Row(cells)
    action = r.cell("action").upper()
    common: dict[str, Any] = {
        "account": account,
        "time": recorded_time(r.text("date")),
        "key": key,
        "source": source,
        "broker_id": r.text("id") or None,
        "note": r.text("note"),
    }
    if action in TradeAction.__members__:
        return TradeExecuted(
            action=TradeAction(action),
            instrument=r.instrument(),
            quantity=r.decimal("quantity"),
            price=r.decimal("price"),
            fees=r.decimal("fees"),
            order_id=r.text("order_id") or None,
            lot_ref=r.text("lot") or None,
            lot_method=r.text("lot_method") or None,
            currency=r.cell("currency"),
            fx_rate=r.number("fx_rate", required=False),
            **common,
        )
    if action in _ENDS:
        return _ENDS[action](
            option=r.any_option(), quantity=r.decimal("quantity"), fees=r.decimal("fees"), **common
        )
    if action in CashKind.__members__:
        return CashMoved(
            kind=CashKind(action),
            amount=r.decimal("amount"),
            symbol=r.cell("symbol") or None,
            description=r.text("description"),
            currency=r.cell("currency"),
            fx_rate=r.number("fx_rate", required=False),
            **common,
        )
    if action in _CORPORATE:
        return _CORPORATE[action](r, common)
    if action == "SPLIT":
        new, _, old = r.cell("quantity").partition(":")
        if not (_NUMBER.fullmatch(new) and _NUMBER.fullmatch(old)):
            raise RowError("quantity", r.cell("quantity"), "a split ratio is new:old")
        return SplitApplied(symbol=r.cell("symbol"), new=Decimal(new), old=Decimal(old), **common)
    if action == "MARK":
        return PriceMarked(instrument=r.instrument(), price=r.decimal("price"), **common)
    if action == "POSITION":
        return PositionReported(instrument=r.instrument(), quantity=r.decimal("quantity"), **common)
    if action == "BALANCE":
        return CashReported(amount=r.decimal("amount"), **common)
    if action == "ACCOUNT":
        return AccountConfigured(
            owner=r.cell("owner"),
            tax_advantaged=r.flag("tax_advantaged"),
            lot_method=r.cell("lot_method"),
            basis_reporting=r.cell("basis_reporting"),
            **common,
        )
    if action in ("TRANSFER_IN", "TRANSFER_OUT"):
        sign = 1 if action == "TRANSFER_IN" else -1
        return SecurityTransferred(
            instrument=r.instrument(),
            quantity=sign * r.decimal("quantity"),
            basis=r.number("basis", required=False),
            acquired=r.day("acquired"),
            opening=r.flag("opening"),
            **common,
        )
    if action == "UNRESOLVED":
        return Unresolved(
            reason=r.text("reason"),
            raw=r.text("raw"),
            amount=r.decimal("amount"),
            symbols=tuple(r.cell("symbol").split()),
            **common,
        )
    if action == "RESOLVE":
        resolves = r.cell("resolves")
        if not resolves:
            raise RowError("resolves", None, "missing: RESOLVE names the key it resolves")
        # Placed in the resolved row's partition and time by the import (Journal.import_files).
        return Resolved(resolved_key=resolves, **common)
    raise RowError("action", r.cell("action"), "not an action of a recorded row")


def _symbol_changed(r: _Row, common: dict[str, Any]) -> Event:
    return SymbolChanged(symbol=r.cell("symbol"), new_symbol=r.cell("new_symbol"), **common)


def _merged(r: _Row, common: dict[str, Any]) -> Event:
    ratio = r.ratio()
    assert ratio is not None
    return StockMerged(
        symbol=r.cell("symbol"),
        new_symbol=r.cell("new_symbol") or None,
        new=ratio[0],
        old=ratio[1],
        cash=r.decimal("cash"),
        price=r.number("price", required=False),
        in_lieu=r.decimal("amount"),
        **common,
    )


def _spun_off(r: _Row, common: dict[str, Any]) -> Event:
    ratio = r.ratio()
    assert ratio is not None
    return SpunOff(
        symbol=r.cell("symbol"),
        new_symbol=r.cell("new_symbol"),
        new=ratio[0],
        old=ratio[1],
        allocation=r.decimal("allocation"),
        in_lieu=r.decimal("amount"),
        **common,
    )


def _adjusted(r: _Row, common: dict[str, Any]) -> Event:
    """An ADJUST row as `_adjusted_cells` writes it: the new option in the instrument's cells."""
    new = _Row({**r.cells, "symbol": r.cell("new_symbol")}).option()
    raw_old = r.cell("old_option")
    if raw_old:
        try:
            old = from_json(json.loads(raw_old))
        except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError):
            raise RowError("old_option", raw_old[:60], "not an option as the journal stores one") from None
        if not isinstance(old, OptionContract):
            raise RowError("old_option", raw_old[:60], "not an option symbol")
    else:
        old = instrument_from_name(r.cell("symbol"), r.number("multiplier", required=False))
        if not isinstance(old, OptionContract):
            raise RowError("symbol", r.cell("symbol"), "not an option symbol")
    quantity = r.decimal("quantity")
    ratio = r.ratio(required=False)
    new_quantity = None
    if ratio is not None:
        if ratio[1] != quantity:
            raise RowError("ratio", r.cell("ratio"), "a recorded ratio is new_quantity:quantity")
        new_quantity = ratio[0]
    return OptionAdjusted(
        option=old,
        adjusted=new,
        quantity=quantity,
        new_quantity=new_quantity,
        reason=r.text("reason"),
        **common,
    )


def _cash_settled(r: _Row, common: dict[str, Any]) -> Event:
    return OptionCashSettled(
        option=r.any_option(),
        quantity=r.decimal("quantity"),
        fees=r.decimal("fees"),
        settlement=r.decimal("settlement"),
        **common,
    )


def _converted(r: _Row, common: dict[str, Any]) -> Event:
    return CurrencyConverted(
        currency=r.cell("currency"),
        amount=r.decimal("quantity"),
        paid_currency=r.cell("paid_currency") or "USD",
        paid=r.decimal("amount"),
        fees=r.decimal("fees"),
        fx_rate=r.number("fx_rate", required=False),
        **common,
    )


_CORPORATE: dict[str, Callable[[_Row, dict[str, Any]], Event]] = {
    "SYMBOL_CHANGE": _symbol_changed,
    "MERGER": _merged,
    "SPINOFF": _spun_off,
    "ADJUST": _adjusted,
    "CASH_SETTLE": _cash_settled,
    "CONVERT": _converted,
}


# What each field of a recorded event holds (its annotation in journal/events.py), in words for an error.
_FIELD_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "a text"),
    "str | None": ((str, type(None)), "a text"),
    "Decimal": ((Decimal,), "a number"),
    "Decimal | None": ((Decimal, type(None)), "a number"),
    "bool": ((bool,), "true or false"),
    "date | None": ((date, type(None)), "a date"),
    "datetime": ((datetime,), "a time"),
    "TradeAction": ((TradeAction,), "a trade's action"),
    "CashKind": ((CashKind,), "a kind of cash"),
    "Instrument": ((OptionContract, Stock, Bond, Future, FutureOption), "a symbol"),
    "AnyOption": ((OptionContract, FutureOption), "an option symbol"),
    "OptionContract": ((OptionContract,), "an option symbol"),
    "tuple[str, ...]": ((tuple,), "a list of texts"),
}
_OPTION_TRADES = {TradeAction.STO, TradeAction.BTC, TradeAction.BTO, TradeAction.STC}


def well_formed(event: Event) -> Event:
    """A recorded fact read back (a journal-CSV row with a key, a JSON line of an export) as the importers
    write facts, else RowError naming the field: each field of its type; a required text not empty and an
    optional one absent rather than empty (the store leaves an empty text out, and would read back another
    event, or none); an option's end naming an option; a trade's action fitting its instrument; account
    settings among their choices. Found by fuzzing (tests/importers/test_fuzz_regressions.py)."""
    for f in dataclasses.fields(event):
        if f.name == "source":
            continue
        value = getattr(event, f.name)
        kinds, words = _FIELD_TYPES.get(str(f.type), ((object,), ""))
        if not isinstance(value, kinds) or (words == "a date" and isinstance(value, datetime)):
            shown = (
                value.name
                if isinstance(value, OptionContract | Stock | Bond | Future | FutureOption)
                else str(value)
            )
            raise RowError(f.name, shown[:60], f"not {words}")
        if value == "" and (f.type == "str | None" or f.default is dataclasses.MISSING):
            raise RowError(
                f.name, None, "missing" if f.default is dataclasses.MISSING else "empty: leave it out"
            )
        if isinstance(value, tuple) and not all(isinstance(v, str) and v for v in value):
            raise RowError(f.name, str(list(value))[:60], "not a list of texts")
    if isinstance(event, TradeExecuted) and (event.action in _OPTION_TRADES) != event.instrument.is_option:
        raise RowError("action", event.action.value, f"not an action of a trade in {event.instrument.name}")
    if isinstance(event, AccountConfigured):
        if event.lot_method not in LOT_METHODS:
            raise RowError("lot_method", event.lot_method, f"one of {', '.join(LOT_METHODS)}")
        if event.basis_reporting not in BASIS_REPORTING:
            raise RowError("basis_reporting", event.basis_reporting, f"one of {', '.join(BASIS_REPORTING)}")
        if not event.owner:
            raise RowError("owner", None, "missing")
    return event
