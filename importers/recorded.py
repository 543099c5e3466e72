"""Recorded events as journal-CSV rows and back: the rows `tj export journal-csv` writes, which the
journal-CSV importer reads as the very facts they were (same natural key, payload and source).

A row with a `key` is such a recorded fact. It may use the extension columns and actions below, and it is
read as it was recorded rather than as a user types a row: its texts as written (not stripped), a trade's
fees as booked (a broker's rebate is negative), a dividend without a symbol (a money-market fund's), an
expiry at its own time. Its bounds are every event's (importers/bounds.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from importers.base import RowError
from journal.events import (
    AccountConfigured,
    CashKind,
    CashMoved,
    CashReported,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    PositionReported,
    PriceMarked,
    Resolved,
    SecurityTransferred,
    SourceRef,
    SplitApplied,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import STANDARD_MULTIPLIER, Instrument, OptionContract, Stock, instrument_from_name
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


# -- an event as a row ------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _instrument_cells(instrument: Instrument) -> dict[str, str]:
    cells = {"symbol": instrument.name}
    if isinstance(instrument, OptionContract) and instrument.multiplier != STANDARD_MULTIPLIER:
        cells["multiplier"] = str(instrument.multiplier)
    return cells


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
        }
    if isinstance(event, SplitApplied):
        return {"action": "SPLIT", "symbol": event.symbol, "quantity": f"{event.new}:{event.old}"}
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
        return instrument_from_name(symbol, multiplier)

    def option(self) -> OptionContract:
        option = self.instrument()
        if not isinstance(option, OptionContract):
            raise RowError("symbol", self.cell("symbol"), "not an option symbol")
        return option

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
            **common,
        )
    if action in _ENDS:
        return _ENDS[action](
            option=r.option(), quantity=r.decimal("quantity"), fees=r.decimal("fees"), **common
        )
    if action in CashKind.__members__:
        return CashMoved(
            kind=CashKind(action),
            amount=r.decimal("amount"),
            symbol=r.cell("symbol") or None,
            description=r.text("description"),
            **common,
        )
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
    "Instrument": ((OptionContract, Stock), "a stock or option symbol"),
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
            shown = value.name if isinstance(value, OptionContract | Stock) else str(value)
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
