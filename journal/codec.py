"""The projections' records (lots, realized rows, cycles, snapshots of the books) as JSON and back, exactly:
Decimals as strings, dates as ISO text, an instrument as its name (with its multiplier when not standard).

The read models store these payloads; one codec keeps what is written and what is read the same.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _json_str
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


def encode_value(value: Any) -> Any:
    encoder = _ENCODERS.get(type(value))
    return value if encoder is None else encoder(value)


def _value_json(value: Any) -> str:
    """Any field's value as `encode` writes it inside a record: the general path, which the per-class
    encoders below take for a value of a type they do not write themselves."""
    return json.dumps(encode_value(value), separators=(",", ":"))


def _instrument_json(value: Any) -> str:
    plain = to_json(value)
    return _json_str(plain) if type(plain) is str else json.dumps(plain, separators=(",", ":"))


# A date's JSON text, kept per day (a fold writes the same few thousand days over and over, and a date's
# `isoformat` costs more than a dict lookup); bounded, as a journal's days are.
_DATE_TEXT: dict[date, str] = {}
_DATE_TEXT_LIMIT = 100_000


def _date_json(value: date) -> str:
    text = f'"{value.isoformat()}"'
    if len(_DATE_TEXT) < _DATE_TEXT_LIMIT:
        _DATE_TEXT[value] = text
    return text


def _strings_json(value: Any) -> str:
    """A list of strings (a covered call's share lots, a cycle's former symbols) as JSON."""
    if all(type(item) is str for item in value):
        return f"[{','.join(map(_json_str, value))}]"
    return _value_json(value)


# The per-class encoders, made once per record class (and fields left out): one function reading each field
# and writing its JSON text straight away, checking each value's exact type against what its annotation says
# it holds and taking `_value_json` for anything else. Records are many (a rebuild encodes one per realized
# row, lot, day of cash and step of capital), and a generic walk costs a call per value plus `json.dumps`'s
# own per-value work; the text is byte for byte `json.dumps(to_plain(record), separators=(",", ":"))`
# (ASCII escapes, field order, `null`, `true`), which the tests compare on varied records.
_GLOBALS: dict[str, Any] = {
    "_s": _json_str,
    "_any": _value_json,
    "_instrument": _instrument_json,
    "_dates": _DATE_TEXT,
    "_date_json": _date_json,
    "_strings": _strings_json,
    "_list": list,
    "_encode_value": encode_value,
    "_Decimal": Decimal,
    "_date": date,
    "_str": str,
    "_int": int,
    "_bool": bool,
    "_NoneType": type(None),
    "_instruments": (OptionContract, Stock, Bond, Future, FutureOption),
}


def _kinds(hint: Any) -> set[Any]:
    """The exact types an annotation lets a field hold, the instruments as one kind."""
    args = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    out: set[Any] = set()
    for arg in args:
        if arg in _GLOBALS["_instruments"] or arg is Instrument:
            out.add("instrument")
        elif arg in (Decimal, date, str, int, bool, type(None)):
            out.add(arg)
        elif typing.get_origin(arg) is list and typing.get_args(arg) == (str,):
            out.add("strings")
    return out


def _text_of(name: str, kinds: set[Any]) -> list[str]:
    """Statements setting `{name}_` to the JSON text of the field value `{name}` (its exact types first)."""
    branches = []
    if str in kinds:
        branches.append((f"type({name}) is _str", f"_s({name})"))
    if Decimal in kinds:
        branches.append((f"type({name}) is _Decimal", f"f'\"{{{name}!s}}\"'"))  # digits, sign, point, E
    if date in kinds:
        branches.append((f"type({name}) is _date", f"_dates.get({name}) or _date_json({name})"))
    if type(None) in kinds:
        branches.append((f"{name} is None", "'null'"))
    if bool in kinds:
        branches.append((f"{name} is True", "'true'"))
        branches.append((f"{name} is False", "'false'"))
    if int in kinds:
        branches.append((f"type({name}) is _int", f"f'{{{name}!r}}'"))
    if "instrument" in kinds:
        branches.append((f"type({name}) in _instruments", f"_instrument({name})"))
    if "strings" in kinds:
        branches.append((f"type({name}) is _list", f"_strings({name})"))
    lines = []
    for i, (test, text) in enumerate(branches):
        lines.append(f"    {'if' if i == 0 else 'elif'} {test}:")
        lines.append(f"        {name}_ = {text}")
    if lines:
        lines.append("    else:")
        lines.append(f"        {name}_ = _any({name})")
    else:
        lines.append(f"    {name}_ = _any({name})")
    return lines


def _make_encoder(cls: type, skip: tuple[str, ...]) -> Callable[[Any], str]:
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):  # an annotation that does not resolve: every field by the general path
        hints = {}
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    body = ["def encode(record):"]
    for i, name in enumerate(names):
        body.append(f"    f{i} = record.{name}")
        body.extend(_text_of(f"f{i}", _kinds(hints.get(name))))
    # One f-string joins the texts: `{"name":text,...}`, the names escaped as `json.dumps` writes keys.
    joined = ",".join(f"{_json_str(name)}:{{f{i}_}}" for i, name in enumerate(names))
    escaped = joined.replace("\\", "\\\\").replace("'", "\\'")
    body.append(f"    return f'{{{{{escaped}}}}}'")
    namespace: dict[str, Any] = {}
    exec("\n".join(body), _GLOBALS, namespace)  # noqa: S102 - the source is made of field names only
    fn: Callable[[Any], str] = namespace["encode"]
    return fn


_RECORD_ENCODERS: dict[tuple[type, tuple[str, ...]], Callable[[Any], str]] = {}
_FIELD_NAMES: dict[tuple[type, tuple[str, ...]], tuple[str, ...]] = {}


def to_plain_general(record: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """What `to_plain` makes, by the general path: the reference the per-class functions equal."""
    key = (type(record), skip)
    names = _FIELD_NAMES.get(key)
    if names is None:
        names = _FIELD_NAMES[key] = tuple(f.name for f in dataclasses.fields(record) if f.name not in skip)
    return {n: encode_value(getattr(record, n)) for n in names}


_ISO_DAYS: dict[date, str] = {}


def _iso_day(value: date) -> str:
    text = value.isoformat()
    if len(_ISO_DAYS) < _DATE_TEXT_LIMIT:
        _ISO_DAYS[value] = text
    return text


def _make_plain(cls: type, skip: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    """`to_plain` of one record class: each field read once, a Decimal's text and a day's ISO text made in
    place (the days kept), a text kept as it is, anything else through `encode_value`."""
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    body = ["def plain(record):"]
    for i, name in enumerate(names):
        body.append(f"    f{i} = record.{name}")
        body.append(f"    if type(f{i}) is _Decimal:")
        body.append(f"        f{i} = f'{{f{i}!s}}'")
        body.append(f"    elif type(f{i}) is _date:")
        body.append(f"        f{i} = _iso_days.get(f{i}) or _iso_day(f{i})")
        body.append(f"    elif type(f{i}) is not _str:")
        body.append(f"        f{i} = _encode_value(f{i})")
    body.append("    return {" + ", ".join(f"{name!r}: f{i}" for i, name in enumerate(names)) + "}")
    namespace: dict[str, Any] = {}
    exec("\n".join(body), {**_GLOBALS, "_iso_days": _ISO_DAYS, "_iso_day": _iso_day}, namespace)  # noqa: S102
    fn: Callable[[Any], dict[str, Any]] = namespace["plain"]
    return fn


_PLAIN: dict[tuple[type, tuple[str, ...]], Callable[[Any], dict[str, Any]]] = {}


def to_plain(record: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A dataclass record as a dict of JSON values."""
    key = (type(record), skip)
    fn = _PLAIN.get(key)
    if fn is None:
        fn = _PLAIN[key] = _make_plain(type(record), skip)
    return fn(record)


def encode(record: Any, skip: tuple[str, ...] = ()) -> str:
    """`to_plain(record, skip)` as compact JSON text, written by the record class's own encoder."""
    key = (type(record), skip)
    fn = _RECORD_ENCODERS.get(key)
    if fn is None:
        fn = _RECORD_ENCODERS[key] = _make_encoder(type(record), skip)
    return fn(record)


def encode_general(record: Any, skip: tuple[str, ...] = ()) -> str:
    """What `encode` writes, by the general path: kept as the reference the per-class encoders equal."""
    return json.dumps(to_plain_general(record, skip), separators=(",", ":"))


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
