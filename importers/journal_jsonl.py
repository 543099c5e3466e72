"""The journal as JSON lines (`tj export --format jsonl`): every field of every stored event, voids included,
and the importer that restores exactly those events (same natural keys, payloads and sources).

The first line says what the file is and how many events follow; then one event a line, in the order they
were recorded. Importing it into an empty journal gives the same books; into the journal it came from, nothing
(every key is recorded). Its `seq`, `recorded_time` and hashes are the originals', kept for the record: the
journal that imports it gives the events its own (and its own hash chain).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from decimal import InvalidOperation
from pathlib import Path
from typing import Any

from importers import bounds, recorded
from importers.base import FileInfo, ImportProblem, ParseResult, RowError, utf8_text
from journal.events import EVENT_TYPES, Event, Resolved, SourceRef, event_from_row, paused_gc
from journal.money import parse_decimal

name = "journal-jsonl"
description = "theta-journal's own JSON lines (tj export --format jsonl): every event as recorded"

FORMAT = "tj-journal-jsonl"
VERSION = 1


def header(events: int, exported_at: datetime, schema: str) -> str:
    """The first line: what the file is, how many events follow (a cut copy is refused), when, and which
    schema the journal had."""
    return json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "events": events,
            "exported_at": exported_at.replace(microsecond=0).isoformat() + "Z",
            "schema": schema,
        }
    )


def line(row: Mapping[str, Any]) -> str:
    """One stored event (a row of `events`) as a line: its payload and source as JSON objects."""
    source = row["source"]
    return json.dumps(
        {
            "seq": row["seq"],
            "key": row["natural_key"],
            "owner": row["owner"],
            "account": row["account"],
            "type": row["type"],
            "underlying": row["underlying"],
            "time": row["economic_time"].isoformat(),
            "recorded_time": row["recorded_time"].isoformat(),
            "payload": json.loads(row["payload"]),
            "source": json.loads(source) if source else None,
            "prev_hash": row["prev_hash"],
            "hash": row["hash"],
        },
        ensure_ascii=False,
    )


def identify(path: Path, head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    try:
        found = json.loads(first)
    except ValueError:
        return False
    return isinstance(found, dict) and found.get("format") == FORMAT


class _Bad(Exception):
    def __init__(self, column: str | None, value: str | None, message: str) -> None:
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


def _text(record: Mapping[str, Any], field: str) -> str:
    value = record.get(field)
    if not isinstance(value, str) or not value:
        raise _Bad(field, None if value is None else str(value)[:60], "missing or not a text")
    return value


def _source(raw: Any) -> SourceRef | None:
    if raw is None:
        return None
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("file"), str)
        and isinstance(raw.get("sha256"), str)
        and type(raw.get("line")) is int
    ):
        raise _Bad("source", str(raw)[:60], "not a source (file, sha256, line)")
    return SourceRef(raw["file"], raw["sha256"], raw["line"])


def _event(record: Any) -> Event:
    if not isinstance(record, dict):
        raise _Bad(None, None, "not an event (a JSON object)")
    type_name = _text(record, "type")
    if type_name not in EVENT_TYPES:
        raise _Bad("type", type_name, f"not an event type (known: {', '.join(EVENT_TYPES)})")
    raw_time = _text(record, "time")
    try:
        when = datetime.fromisoformat(raw_time)
    except ValueError:
        raise _Bad("time", raw_time, "not an ISO time") from None
    if when.tzinfo is not None:
        raise _Bad("time", raw_time, "a recorded time has no offset (exchange local time)")
    payload = record.get("payload")
    if not isinstance(payload, dict):
        raise _Bad("payload", None, "missing or not a JSON object")
    _json_kinds(type_name, payload)
    try:
        event = event_from_row(
            type_name,
            _text(record, "account"),
            when,
            _text(record, "key"),
            payload,
            _source(record.get("source")),
        )
    except (TypeError, ValueError, KeyError, InvalidOperation, AttributeError) as exc:
        raise _Bad("payload", json.dumps(payload)[:60], f"not a {type_name}: {exc}") from None
    try:
        return recorded.well_formed(event)
    except RowError as err:
        raise _Bad(f"payload.{err.column}", err.value, err.message) from None


# The JSON kind of each payload field as `line` writes it, by the field's type (decimals, dates and enums
# are strings; an instrument a string or {symbol, multiplier}): `event_from_row` would take others as
# something else (a number as an inexact Decimal, a text as a tuple of its letters).
_JSON_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "Decimal": ((str,), "a number written as a string"),
    "Decimal | None": ((str,), "a number written as a string"),
    "bool": ((bool,), "true or false"),
    "date | None": ((str,), "a date written as a string"),
    "tuple[str, ...]": ((list,), "a list of texts"),
    "Instrument": ((str, dict), "a symbol"),
    "OptionContract": ((str, dict), "an option symbol"),
    "AnyOption": ((str, dict), "an option symbol"),
}
_TEXT: tuple[tuple[type, ...], str] = ((str,), "a string")
_STORED_PLACES = 10_000


def _json_kinds(type_name: str, payload: Mapping[str, Any]) -> None:
    types = {f.name: str(f.type) for f in dataclasses.fields(EVENT_TYPES[type_name])}
    for name, raw in payload.items():
        kinds, words = _JSON_KINDS.get(types.get(name, ""), _TEXT)
        if not isinstance(raw, kinds) or (bool not in kinds and isinstance(raw, bool)):
            raise _Bad(f"payload.{name}", json.dumps(raw)[:60], f"not {words}")
        if isinstance(raw, str) and words.startswith("a number"):  # as `line` writes one: no NaN, 1_000
            try:
                # Any number of places: a price or fee an importer computed exactly (a broker's booked total
                # over a quantity) is stored with more than any file writes, and the copy keeps it.
                parse_decimal(raw, places=_STORED_PLACES)
            except ValueError as exc:
                raise _Bad(f"payload.{name}", raw[:60], bounds.why(exc, "not a number")) from None


def parse(path: Path, account: str | None = None) -> ParseResult:
    """Every event of the file as it was recorded (`account` is not used: each event names its own)."""
    info = FileInfo.read(path)
    result = ParseResult()

    def problem(number: int, column: str | None, value: str | None, message: str) -> None:
        result.errors.append(ImportProblem(info.name, number, column, value, message))

    text = utf8_text(info, result)
    if text is None:
        return result
    lines = text.lstrip("\ufeff").split("\n")
    try:
        head = json.loads(lines[0])
        expected = head["events"] if isinstance(head, dict) and head.get("format") == FORMAT else None
    except (ValueError, KeyError):
        expected = None
    if type(expected) is not int:
        problem(
            1, None, None, f"not a {FORMAT} file: its first line says what it is and how many events follow"
        )
        return result
    if head.get("version") != VERSION:
        problem(
            1, "version", str(head.get("version")), f"a version this tj does not read (it reads {VERSION})"
        )
        return result
    seen: dict[str, int] = {}
    places: dict[int, SourceRef] = {}  # id(event) -> its line here, to name it in an error
    with paused_gc():
        for number, text_line in enumerate(lines[1:], start=2):
            if not text_line.strip():
                continue
            try:
                event = _event(json.loads(text_line))
            except ValueError:
                problem(number, None, None, "not JSON")
                continue
            except _Bad as bad:
                problem(number, bad.column, bad.value, bad.message)
                continue
            if event.key in seen:
                problem(number, "key", event.key, f"the same key as line {seen[event.key]}")
                continue
            seen[event.key] = number
            places[id(event)] = SourceRef(info.name, info.sha256, number)
            result.events.append(event)
    if len(seen) != expected and not result.errors:
        problem(
            len(lines), None, None, f"{len(seen)} events where the first line says {expected}: a cut copy"
        )
    for ev in result.events if not result.errors else ():
        # An export holds every event, so a resolution names one of the same file: else the import would
        # say so at the resolution's first source, a line of another file.
        if isinstance(ev, Resolved) and ev.resolved_key not in seen:
            line = places[id(ev)].line
            problem(line, "payload.resolved_key", ev.resolved_key, "names no event of this file")
    if not result.errors:
        # Within every event's bounds, each error at its line here (the net under the parse would name the
        # fact's first source); a file with any has no events, so that nothing is said twice.
        at_lines = [replace(e, source=places[id(e)]) for e in result.events]
        result.errors.extend(bounds.check_events(info.name, at_lines))
    if result.errors:
        result.events.clear()
    return result
