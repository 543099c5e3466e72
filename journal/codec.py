"""The projections' records (lots, realized rows, cycles, snapshots of the books) as JSON and back, exactly:
Decimals as strings, dates as ISO text, an instrument as its name (with its multiplier when not standard).

The read models store these payloads; one codec keeps what is written and what is read the same.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from journal.instruments import (
    Bond,
    Future,
    FutureOption,
    Instrument,
    OptionContract,
    Stock,
    from_json,
    instrument_from_name,
    to_json,
)


def _decode_instrument(value: Any) -> Instrument:
    if isinstance(value, dict):
        return from_json(value)
    return _instrument_named(value)


@functools.lru_cache(maxsize=65536)
def _instrument_named(name: str) -> Instrument:
    """Instruments are immutable and a contract closes in many rows: parsed once per name, not per row."""
    return instrument_from_name(name)


# By exact type: a dict lookup per value instead of a chain of isinstance checks (rows are many).
_ENCODERS: dict[type, Any] = {
    Decimal: str,
    date: date.isoformat,
    datetime: datetime.isoformat,
    OptionContract: to_json,
    Stock: to_json,
    Bond: to_json,
    Future: to_json,
    FutureOption: to_json,
}
_FIELD_NAMES: dict[tuple[type, tuple[str, ...]], tuple[str, ...]] = {}


def encode_value(value: Any) -> Any:
    encoder = _ENCODERS.get(type(value))
    return value if encoder is None else encoder(value)


def to_plain(record: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A dataclass record as a dict of JSON values."""
    key = (type(record), skip)
    names = _FIELD_NAMES.get(key)
    if names is None:
        names = _FIELD_NAMES[key] = tuple(f.name for f in dataclasses.fields(record) if f.name not in skip)
    return {n: encode_value(getattr(record, n)) for n in names}


def encode(record: Any, skip: tuple[str, ...] = ()) -> str:
    return json.dumps(to_plain(record, skip), separators=(",", ":"))


def _decoder(hint: Any) -> Any:
    args = set(typing.get_args(hint))
    if hint is Decimal:
        return Decimal
    if hint is date or args == {date, type(None)}:
        return lambda v: None if v is None else date.fromisoformat(v)
    if args == {Decimal, type(None)}:
        return lambda v: None if v is None else Decimal(v)
    if Stock in args or OptionContract in args or hint in (Stock, OptionContract, FutureOption):
        return _decode_instrument
    return None


_DECODERS: dict[type, tuple[tuple[str, Any], ...]] = {}


def from_plain(cls: type, data: dict[str, Any]) -> Any:
    """The record `to_plain` made of an instance of `cls` (`data` is consumed: its values are replaced)."""
    decoders = _DECODERS.get(cls)
    if decoders is None:
        hints = typing.get_type_hints(cls)
        found = ((name, _decoder(hint)) for name, hint in hints.items())
        decoders = _DECODERS[cls] = tuple((name, fn) for name, fn in found if fn is not None)
    for name, fn in decoders:  # only the fields that need decoding: most are JSON strings as they are
        if name in data:
            data[name] = fn(data[name])
    return cls(**data)


def decode(cls: type, payload: str) -> Any:
    return from_plain(cls, json.loads(payload))


def decode_many(cls: type | None, payloads: list[str]) -> list[Any]:
    """Many payloads at once: one JSON parse of them all, then each record built."""
    if not payloads:
        return []
    plains = json.loads(f"[{','.join(payloads)}]")
    return plains if cls is None else [from_plain(cls, p) for p in plains]
