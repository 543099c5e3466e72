"""The journal's facts: immutable, past-tense events with exact money, a natural key and their source.

Everything the journal knows is one of these records; every figure it shows is a fold over them.
A correction is a new event (`EventVoided`), never an edit.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from json.encoder import encode_basestring_ascii as _json_str
from operator import attrgetter
from typing import Any, ClassVar

from journal.instruments import (
    STANDARD_MULTIPLIER,
    AnyOption,
    Instrument,
    OptionContract,
    Stock,
    from_json,
    to_json,
)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a fact came from: the file's name and content hash, and the line (or OFX record) in it."""

    file: str
    sha256: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class TradeAction(StrEnum):
    BUY = "BUY"  # stock
    SELL = "SELL"
    STO = "STO"  # options: sell to open, buy to close, buy to open, sell to close
    BTC = "BTC"
    BTO = "BTO"
    STC = "STC"

    # Plain attributes of each member, set below (the folds read them on every trade: as properties looking
    # up the members they cost 0.6 us a read, as attributes 0.03):
    is_buy: bool
    opens: bool | None  # True/False for an option's declared effect; None for stock (it depends on holdings)


_OPENS = {"STO": True, "BTO": True, "BTC": False, "STC": False}
for _member in TradeAction:
    _member.is_buy = _member.value in ("BUY", "BTC", "BTO")
    _member.opens = _OPENS.get(_member.value)
del _member


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """What every fact has: the account, its economic time, its natural key and its source."""

    type_name: ClassVar[str] = "Event"
    account: str
    time: datetime
    key: str = ""
    source: SourceRef | None = field(default=None, compare=False)
    broker_id: str | None = None
    note: str = ""

    @property
    def underlying(self) -> str | None:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class TradeExecuted(Event):
    type_name: ClassVar[str] = "TradeExecuted"
    action: TradeAction
    instrument: Instrument
    quantity: Decimal
    price: Decimal
    fees: Decimal = Decimal(0)
    order_id: str | None = None
    lot_ref: str | None = None  # a sale naming the lot it sells (specific identification): the lot's `id`
    lot_method: str | None = None  # a sale choosing its lots otherwise than the account's method
    # The currency of `price` and `fees` ("" is USD, the journal's) and the rate that converts them to USD on
    # the trade date (USD per unit), as the broker gives it: the folds read the USD amounts
    # (`journal.currency.in_usd`), the event keeps what the file says.
    currency: str = ""
    fx_rate: Decimal | None = None

    @property
    def underlying(self) -> str:
        return self.instrument.underlying

    @property
    def gross(self) -> Decimal:
        """Price × quantity × multiplier: the trade's value before fees."""
        return self.price * self.quantity * self.instrument.multiplier


@dataclass(frozen=True, slots=True, kw_only=True)
class _OptionEnded(Event):
    option: AnyOption
    quantity: Decimal
    fees: Decimal = Decimal(0)

    @property
    def underlying(self) -> str:
        return self.option.underlying

    @property
    def shares(self) -> Decimal:
        return self.quantity * self.option.multiplier


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionExpired(_OptionEnded):
    type_name: ClassVar[str] = "OptionExpired"


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionAssigned(_OptionEnded):
    """A written option was assigned: the stock leg (buy for a put, sell for a call) is implied."""

    type_name: ClassVar[str] = "OptionAssigned"


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionExercised(_OptionEnded):
    """A bought option was exercised: the stock leg (buy for a call, sell for a put) is implied."""

    type_name: ClassVar[str] = "OptionExercised"


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionCashSettled(_OptionEnded):
    """A cash-settled option (SPX, XSP, NDX, RUT) ended at expiry or exercise: it closes at its intrinsic
    value against the `settlement` value of the index (IBKR OptionEAE "Cash Settlement"); nothing is
    delivered."""

    type_name: ClassVar[str] = "OptionCashSettled"
    settlement: Decimal

    @property
    def value(self) -> Decimal:
        """The intrinsic value the contracts settle at: what a holder receives and a writer pays."""
        option = self.option
        per_unit = self.settlement - option.strike if option.right == "C" else option.strike - self.settlement
        return max(per_unit, Decimal(0)) * self.quantity * option.multiplier


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionAdjusted(Event):
    """An open option's terms changed by a corporate action, not by a trade: a special dividend lowers the
    strike, a merger turns the contract into an adjusted one delivering the acquirer's shares (OCC memos;
    brokers write a close and an open of equal value). The position carries on: premium and dates kept,
    nothing realized; `new_quantity` when the number of contracts changes too."""

    type_name: ClassVar[str] = "OptionAdjusted"
    option: OptionContract
    adjusted: OptionContract
    quantity: Decimal  # contracts of `option`, positive, long or short as held
    new_quantity: Decimal | None = None
    reason: str = ""  # "special dividend", "merger", "symbol change", "split", ...

    @property
    def underlying(self) -> str:
        return self.option.underlying


class CashKind(StrEnum):
    DIVIDEND = "DIVIDEND"
    INTEREST = "INTEREST"
    FEE = "FEE"
    DEPOSIT = "DEPOSIT"
    WITHDRAW = "WITHDRAW"
    TAX = "TAX"  # tax withheld (foreign, NRA, backup) or its refund: neither income nor a trading fee
    # Cash in lieu of a fraction of a share, or the cash part of an adjusted option's deliverable paid after
    # the delivery ("Delayed Delivery"): returned basis of the symbol's shares, a gain past it.
    IN_LIEU = "IN_LIEU"
    OTHER = "OTHER"  # a cash-only row whose description names no kind tj knows: kept, with a warning


@dataclass(frozen=True, slots=True, kw_only=True)
class CashMoved(Event):
    """Cash in (positive) or out (negative) that is no trade: dividend, interest, fee, transfer.

    A dividend or fee naming a symbol belongs to that underlying (and its wheel cycle).
    """

    type_name: ClassVar[str] = "CashMoved"
    kind: CashKind
    amount: Decimal
    symbol: str | None = None
    description: str = ""  # the broker's own words for the row ("ATM Withdrawal", "Schwab ATM Rebate")
    currency: str = ""  # of `amount`; "" is USD (see TradeExecuted)
    fx_rate: Decimal | None = None  # USD per unit of `currency` on the row's date

    @property
    def underlying(self) -> str | None:
        return self.symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrencyConverted(Event):
    """Cash changed from one currency into another (IBKR `CASH` trades, `GBP.USD`): `amount` of `currency`
    received (negative: given), `paid` of `paid_currency` given (negative) or received. In USD the two sides
    cancel but for `fees`: Section 988 currency gains are not computed (docs/tax.md)."""

    type_name: ClassVar[str] = "CurrencyConverted"
    currency: str
    amount: Decimal
    paid_currency: str = "USD"
    paid: Decimal
    fees: Decimal = Decimal(0)  # in `paid_currency`
    fx_rate: Decimal | None = None  # USD per unit of `currency`, when neither side is USD


@dataclass(frozen=True, slots=True, kw_only=True)
class SymbolChanged(Event):
    """A name or ticker change (`FB` -> `META`, `NEWH` after a name change): the same holding under a new
    symbol, basis and dates unchanged; lots, open options, cycles and roll chains go on under `new_symbol`
    and the old symbol still finds them."""

    type_name: ClassVar[str] = "SymbolChanged"
    symbol: str
    new_symbol: str

    @property
    def underlying(self) -> str:
        return self.symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class StockMerged(Event):
    """`symbol` was acquired: each old share became `new`/`old` shares of `new_symbol` plus `cash` (per old
    share). Stock for stock carries basis and holding period over (IRC 354, 358); with cash, gain is
    recognised up to the cash ("boot", Pub 550), which needs `price`, the new shares' value per share;
    all cash (no `new_symbol`) is a sale. `in_lieu`: cash paid for a fraction of a new share, a sale of that
    fraction."""

    type_name: ClassVar[str] = "StockMerged"
    symbol: str
    new_symbol: str | None = None
    new: Decimal = Decimal(0)
    old: Decimal = Decimal(1)
    cash: Decimal = Decimal(0)
    price: Decimal | None = None
    in_lieu: Decimal = Decimal(0)

    @property
    def underlying(self) -> str:
        return self.symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class SpunOff(Event):
    """`symbol` spun off `new_symbol`: `new`/`old` new shares per share held, `allocation` percent of the
    parent's basis moving to them (IRS Form 8937), holding period carried (IRC 355, 358); `in_lieu` cash
    for a fraction of a new share is a sale of that fraction."""

    type_name: ClassVar[str] = "SpunOff"
    symbol: str
    new_symbol: str
    new: Decimal
    old: Decimal = Decimal(1)
    allocation: Decimal  # percent, 0-100
    in_lieu: Decimal = Decimal(0)

    @property
    def underlying(self) -> str:
        return self.symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitApplied(Event):
    """A forward or reverse split of `symbol`: `new` shares for every `old`."""

    type_name: ClassVar[str] = "SplitApplied"
    symbol: str
    new: Decimal
    old: Decimal

    @property
    def underlying(self) -> str:
        return self.symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceMarked(Event):
    """A price observed for an instrument on a date (year-end marks, market values)."""

    type_name: ClassVar[str] = "PriceMarked"
    instrument: Instrument
    price: Decimal

    @property
    def underlying(self) -> str:
        return self.instrument.underlying


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionReported(Event):
    """What the broker says the account held at `time` (OFX INVPOSLIST, IBKR OpenPositions): not a fact
    of trading, but what `tj reconcile` compares the books with."""

    type_name: ClassVar[str] = "PositionReported"
    instrument: Instrument
    quantity: Decimal  # signed: negative for a written option or short stock

    @property
    def underlying(self) -> str:
        return self.instrument.underlying


@dataclass(frozen=True, slots=True, kw_only=True)
class CashReported(Event):
    """The cash balance the broker reported at `time`, for reconciliation."""

    type_name: ClassVar[str] = "CashReported"
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountConfigured(Event):
    """How an account is taxed, said by its owner (`tj account set`): the latest one counts, for all time.

    `basis_reporting` is what the broker's 1099-B says of basis: "reported" (Form 8949 box A/D),
    "not-reported" (B/E) or "no-1099" (C/F)."""

    type_name: ClassVar[str] = "AccountConfigured"
    owner: str = "default"
    tax_advantaged: bool = False
    lot_method: str = "fifo"
    basis_reporting: str = "reported"


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityTransferred(Event):
    """Shares or contracts moved into (positive) or out of (negative) the account without a trade: an
    ACATS transfer, a journal between accounts, a gift, or an opening position of a journal whose broker
    history starts mid-stream. Coming in, it opens a lot with the `basis` and `acquired` date the file
    gives; without a basis the lot is *basis missing* until a journal-CSV row gives it. Going out, it
    closes lots without a gain (the basis leaves with the shares)."""

    type_name: ClassVar[str] = "SecurityTransferred"
    instrument: Instrument
    quantity: Decimal  # signed: positive in, negative out
    basis: Decimal | None = None  # the whole lot's cost basis (a written option's credit), when given
    acquired: date | None = None  # the original acquisition date, for the holding period
    opening: bool = False  # an opening position (`tj import --opening`): a negative quantity opens short

    @property
    def underlying(self) -> str:
        return self.instrument.underlying


@dataclass(frozen=True, slots=True, kw_only=True)
class Unresolved(Event):
    """A row that was read cleanly but whose meaning tj does not model (yet): kept, never dropped.

    Its cash (`amount`, what the broker booked) counts in cash balances so cash still reconciles; the
    underlyings it names are *incomplete* from its date until a journal-CSV row resolves it (`Resolved`).
    """

    type_name: ClassVar[str] = "Unresolved"
    reason: str
    raw: str  # the row as the file writes it
    amount: Decimal = Decimal(0)
    symbols: tuple[str, ...] = ()  # the underlyings the row names; the first is its partition

    @property
    def underlying(self) -> str | None:
        return self.symbols[0] if self.symbols else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved(Event):
    """Journal-CSV rows said what the unresolved row `resolved_key` meant: from now on they count and it
    does not. Stored in the unresolved row's partition (`symbol`), so that partition's books see both."""

    type_name: ClassVar[str] = "Resolved"
    resolved_key: str
    symbol: str | None = None

    @property
    def underlying(self) -> str | None:
        return self.symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class EventVoided(Event):
    """The only correction: the event with natural key `voided_key` no longer counts. Stored in the voided
    event's partition (`symbol`), account and time, so that every read of those (a partition's read models,
    a report's window) sees the void with the event. A void of a void restores the event (`journal.voids`).

    Voids recorded before `symbol` existed have none: they sit in the "" partition, and still read."""

    type_name: ClassVar[str] = "EventVoided"
    voided_key: str
    reason: str = ""
    symbol: str | None = None

    @property
    def underlying(self) -> str | None:
        return self.symbol


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type_name: cls
    for cls in (
        TradeExecuted,
        OptionExpired,
        OptionAssigned,
        OptionExercised,
        OptionCashSettled,
        OptionAdjusted,
        CashMoved,
        CurrencyConverted,
        SplitApplied,
        SymbolChanged,
        StockMerged,
        SpunOff,
        PriceMarked,
        PositionReported,
        CashReported,
        AccountConfigured,
        SecurityTransferred,
        Unresolved,
        Resolved,
        EventVoided,
    )
}

_ENVELOPE = ("account", "time", "key", "source")
_FIELDS: dict[type, tuple[str, ...]] = {}


def _encode(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Instrument):
        return to_json(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def payload(event: Event) -> dict[str, Any]:
    """The event's own fields (not account, time, key or source) as JSON-ready values, decimals as strings."""
    cls = type(event)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name not in _ENVELOPE)
    out = {}
    for name in names:
        value = getattr(event, name)
        if value is not None and value != "":
            out[name] = _encode(value)
    return out


# Per event class: a getter of its payload fields' values in sorted name order, and each field's `"name":`.
_JSON_LAYOUT: dict[type, tuple[Callable[[Event], tuple[Any, ...]], tuple[str, ...]]] = {}


def _json_layout(cls: type) -> tuple[Callable[[Event], tuple[Any, ...]], tuple[str, ...]]:
    names = sorted(f.name for f in dataclasses.fields(cls) if f.name not in _ENVELOPE)
    getter = attrgetter(*names) if len(names) > 1 else lambda ev: tuple(getattr(ev, n) for n in names)
    layout = _JSON_LAYOUT[cls] = (getter, tuple(f"{_json_str(name)}:" for name in names))
    return layout


def _json_part(prefix: str, value: Any) -> str | None:
    """`"name":value` of one payload field as `json.dumps` of `payload` writes it, or None when the payload
    leaves the field out (None, "")."""
    kind = type(value)
    if kind is Decimal:
        return f'{prefix}"{value!s}"'  # digits, sign, point, exponent: nothing to escape
    if isinstance(value, str):  # enum members too, by their value, as `json.dumps` writes them
        return prefix + _json_str(value) if value != "" else None
    if (
        kind is OptionContract
        and type(value.name) is str
        and value.multiplier == STANDARD_MULTIPLIER
        and not value.deliverable
        and not value.cash
    ):
        return prefix + _json_str(value.name)
    if kind is Stock and type(value.symbol) is str and value.kind == "stock":
        return prefix + _json_str(value.symbol)
    if value is not None and value != "":
        return prefix + json.dumps(_encode(value), sort_keys=True, separators=(",", ":"))
    return None


def payload_json_general(event: Event) -> str:
    """`payload_json` field by field: each value's `"name":value` by `_json_part` (the class's own encoder,
    `_json_encoder`, is compiled from the same rules and tested to write the same text)."""
    getter, prefixes = _JSON_LAYOUT.get(type(event)) or _json_layout(type(event))
    parts = []
    for prefix, value in zip(prefixes, getter(event), strict=True):
        part = _json_part(prefix, value)
        if part is not None:
            parts.append(part)
    return "{" + ",".join(parts) + "}"


def _json_encoder(cls: type) -> Callable[[Event], str]:
    """A function writing `payload_json` of a `cls` event, compiled for the class: a field read by its slot,
    None left out at once, a Decimal or a plain text written inline, an enum member by its value's text
    (made once), anything else by `_json_part`."""
    names = sorted(f.name for f in dataclasses.fields(cls) if f.name not in _ENVELOPE)
    hints = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    namespace: dict[str, Any] = {
        "_Decimal": Decimal,
        "_str": str,
        "_json_str": _json_str,
        "_part": _json_part,
        "_Option": OptionContract,
        "_STANDARD": STANDARD_MULTIPLIER,
    }
    lines = ["def encode(ev):", "    parts = []", "    add = parts.append"]
    for i, name in enumerate(names):
        prefix = f"{_json_str(name)}:"
        namespace[f"_p{i}"] = prefix
        lines.append(f"    v = ev.{name}")
        lines.append("    if v is None:")
        lines.append("        pass")
        lines.append("    elif type(v) is _Decimal:")
        lines.append(f"        add(_p{i} + '\"' + v.__str__() + '\"')")
        lines.append("    elif type(v) is _str:")
        lines.append("        if v:")
        lines.append(f"            add(_p{i} + _json_str(v))")
        for enum in (TradeAction, CashKind):
            if hints[name] == enum.__name__:
                # Each member's `"name":"VALUE"`, as `_json_part` writes it.
                namespace[f"_e{i}"] = {m: _json_part(prefix, m) for m in enum}
                namespace[f"_E{i}"] = enum
                lines.append(f"    elif type(v) is _E{i}:")
                lines.append(f"        add(_e{i}[v])")
        if hints[name] in ("Instrument", "OptionContract", "AnyOption"):
            lines.append("    elif (")
            lines.append("        type(v) is _Option and type(v.name) is _str and v.multiplier == _STANDARD")
            lines.append("        and not v.deliverable and not v.cash")
            lines.append("    ):")
            lines.append(f"        add(_p{i} + _json_str(v.name))")
        lines.append("    else:")
        lines.append(f"        x = _part(_p{i}, v)")
        lines.append("        if x is not None:")
        lines.append("            add(x)")
    lines.append("    return '{' + ','.join(parts) + '}'")
    exec("\n".join(lines), namespace)  # noqa: S102 - the source is made of the class's field names only
    encode: Callable[[Event], str] = namespace["encode"]
    _ENCODERS[cls] = encode
    return encode


_ENCODERS: dict[type, Callable[[Event], str]] = {}


def payload_json(event: Event) -> str:
    """The stored form of `payload`: canonical JSON (sorted keys, no spaces).

    Byte for byte `json.dumps(payload(event), sort_keys=True, separators=(",", ":"))`, written out
    directly for the field types events have (the stored payloads are hash-chained) by an encoder compiled
    per event class (`_json_encoder`; `payload_json_general` is the same rules field by field), falling
    back to `json.dumps` for any other value.
    """
    cls = type(event)
    encode = _ENCODERS.get(cls) or _json_encoder(cls)
    return encode(event)


_DECODERS: dict[str, Any] = {
    "instrument": from_json,
    "option": from_json,
    "adjusted": from_json,
    "action": TradeAction,
    "kind": CashKind,
    "symbols": tuple,
    "acquired": date.fromisoformat,
}
_DECIMAL_FIELDS = {
    "quantity",
    "price",
    "fees",
    "amount",
    "new",
    "old",
    "basis",
    "settlement",
    "new_quantity",
    "paid",
    "cash",
    "in_lieu",
    "allocation",
    "fx_rate",
}


def _event_from_row_general(
    type_name: str, account: str, time: datetime, key: str, data: dict[str, Any], source: SourceRef | None
) -> Event:
    """`event_from_row` by the general path: each field in the payload's order, by its name."""
    cls = EVENT_TYPES[type_name]
    kwargs: dict[str, Any] = {}
    for name, raw in data.items():
        if name in _DECODERS:
            kwargs[name] = _DECODERS[name](raw)
        elif name in _DECIMAL_FIELDS:
            kwargs[name] = Decimal(raw)
        else:
            kwargs[name] = raw
    return cls(account=account, time=time, key=key, source=source, **kwargs)


# What a read of the store decodes over and over, kept: the instruments named (a contract trades, expires
# and is marked under one name; instruments are immutable) and the decimal texts (prices, fees and
# quantities repeat: "1", "0.65"); a Decimal made from one text is the same value with the same digits.
_CACHE_LIMIT = 200_000
_NAMED: dict[str, Instrument] = {}
_DECIMALS: dict[str, Decimal] = {}


def _instrument(raw: Any) -> Instrument:
    if type(raw) is not str:
        return from_json(raw)
    found = _NAMED.get(raw)
    if found is None:
        found = from_json(raw)
        if len(_NAMED) < _CACHE_LIMIT:
            _NAMED[raw] = found
    return found


def _decimal(raw: Any) -> Decimal:
    if type(raw) is not str:
        return Decimal(raw)
    found = _DECIMALS.get(raw)
    if found is None:
        found = Decimal(raw)
        if len(_DECIMALS) < _CACHE_LIMIT:
            _DECIMALS[raw] = found
    return found


_ACTIONS = {member.value: member for member in TradeAction}
_CASH_KINDS = {member.value: member for member in CashKind}


def _action(raw: Any) -> TradeAction:
    return _ACTIONS.get(raw) or TradeAction(raw)


def _cash_kind(raw: Any) -> CashKind:
    return _CASH_KINDS.get(raw) or CashKind(raw)


_FAST_DECODERS: dict[str, Any] = {
    **_DECODERS,
    **{name: _decimal for name in _DECIMAL_FIELDS},
    "instrument": _instrument,
    "option": _instrument,
    "adjusted": _instrument,
    "action": _action,
    "kind": _cash_kind,
}


def _slot_setters(cls: type) -> list[Any] | None:
    """Each field's own slot setter (a frozen dataclass's `__init__` sets each field by `object.__setattr__`,
    at twice the cost), or None when the class is not a plain slotted class (compiled, say) whose instances
    `object.__new__` makes."""
    try:
        object.__new__(cls)
        return [
            next(klass.__dict__[f.name] for klass in cls.__mro__ if f.name in klass.__dict__).__set__
            for f in dataclasses.fields(cls)
        ]
    except (TypeError, StopIteration, AttributeError):
        return None


def _row_constructor(cls: type[Event], slots: bool = True) -> Callable[..., Event]:
    """A function building a `cls` from a stored envelope and payload: each field decoded as the general
    path decodes it and set in its slot (or, for a class without plain slots, passed to `cls`), the
    defaults for what the payload leaves out; the instance is the one `cls(...)` makes (no event class has
    a `__post_init__`). A missing field raises KeyError, which sends the payload the general way."""
    setters = _slot_setters(cls) if slots else None
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_MISSING": dataclasses.MISSING}
    lines = ["def construct(account, time, key, source, data):"]
    lines.append("    self = _new(_cls)" if setters is not None else "    kwargs = {}")
    for i, f in enumerate(dataclasses.fields(cls)):
        if setters is not None:
            namespace[f"_set{i}"] = setters[i]
        set_to = f"_set{i}(self, {{}})" if setters is not None else f"kwargs[{f.name!r}] = {{}}"
        if f.name in _ENVELOPE:
            lines.append(f"    {set_to.format(f.name)}")
            continue
        decode = _FAST_DECODERS.get(f.name)
        if decode is not None:
            namespace[f"_decode{i}"] = decode
        value = f"_decode{i}(v)" if decode is not None else "v"
        if f.default is dataclasses.MISSING:
            assert f.default_factory is dataclasses.MISSING, f"{cls.__name__}.{f.name}: a default factory"
            lines.append(f"    v = data[{f.name!r}]")
            lines.append(f"    {set_to.format(value)}")
        else:
            namespace[f"_default{i}"] = f.default
            lines.append(f"    v = data.get({f.name!r}, _MISSING)")
            lines.append(f"    {set_to.format(f'_default{i} if v is _MISSING else {value}')}")
    lines.append("    return self" if setters is not None else "    return _cls(**kwargs)")
    exec("\n".join(lines), namespace)  # noqa: S102 - the source is made of the class's field names only
    construct: Callable[..., Event] = namespace["construct"]
    return construct


# Per event type: its payload's field names and its constructor from a row.
_ROW_PLANS: dict[str, tuple[frozenset[str], Callable[..., Event]]] = {
    name: (
        frozenset(f.name for f in dataclasses.fields(cls) if f.name not in _ENVELOPE),
        _row_constructor(cls),
    )
    for name, cls in EVENT_TYPES.items()
}


def event_from_row(
    type_name: str, account: str, time: datetime, key: str, data: dict[str, Any], source: SourceRef | None
) -> Event:
    """Rebuild an event from its stored envelope and payload (`data` is left as it is).

    A payload naming only its type's fields is built by its type's constructor (the repeated instruments,
    decimals and enum values from a cache); anything else, or a payload that constructor cannot build,
    goes the general way, which raises what it always raised (a journal JSONL file's errors)."""
    plan = _ROW_PLANS.get(type_name)
    if plan is not None and data.keys() <= plan[0]:
        try:
            return plan[1](account, time, key, source, data)
        except Exception:  # noqa: BLE001, S110 - the general path below raises the error in its own words
            pass
    return _event_from_row_general(type_name, account, time, key, data, source)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while an import builds or stores its events: they are many long-lived
    objects and no cycles, so the collector's repeated passes over them would only cost time (a third of a
    large parse). Collection resumes afterwards, unless it was off before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            # Move what was made meanwhile straight to the oldest generation (freeze, then unfreeze into
            # it), rather than have the next collection trace it all as young objects; skipped when
            # someone else froze objects, which unfreeze would release.
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def content_digest(account: str, content: str) -> str:
    """A hash of what a row says (not where it came from): two rows saying the same hash the same."""
    return hashlib.sha256(f"{account}\x1f{content}".encode()).hexdigest()


def broker_key(account: str, broker_id: str) -> str:
    """The natural key of a fact the broker numbered: the same trade from two export formats of one
    broker is one fact."""
    return "id:" + hashlib.sha256(f"{account}\x1f{broker_id}".encode()).hexdigest()[:40]


def content_key(digest: str, occurrence: int) -> str:
    """The natural key of an unnumbered fact: its content hash plus its occurrence among identical rows
    of its file, so two identical fills stay two facts while an overlapping export maps onto the same keys."""
    return f"row:{digest[:40]}:{occurrence}"
