"""The store's light half: its records (`StoredEvent`, `ImportRecord`, ...), its error, the default journal's
URL, and the decoding of stored event rows, without SQLAlchemy, so that a read that needs no SQLAlchemy
(`journal.quickread`) loads none. `journal.store` re-exports all of it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from json.decoder import JSONDecoder
from json.scanner import make_scanner
from pathlib import Path
from typing import Any

from journal.events import Event, SourceRef, event_from_row


class StoreError(Exception):
    """The database could not be opened or written as asked."""


@dataclass(frozen=True, slots=True)
class ImportOrigin:
    """Where an append's events come from, recorded with the import (`tj imports`, `tj void --import`)."""

    file: str | None = None
    sha256: str | None = None
    format: str | None = None
    # The file's bytes (their SHA-256 is `sha256`), kept in the journal with the import (`journal.sources`).
    content: bytes | None = None


@dataclass(frozen=True, slots=True)
class AppendResult:
    added: int
    duplicates: int
    import_id: int | None = None  # None when nothing was added: an import that added nothing is not recorded


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: int
    owner: str
    recorded_time: datetime
    first_seq: int
    last_seq: int
    added: int
    duplicates: int
    file: str | None
    sha256: str | None
    format: str | None


@dataclass(frozen=True, slots=True)
class StoredEvent:
    seq: int
    recorded_time: datetime
    event: Event


@dataclass(frozen=True, slots=True)
class VerifyReport:
    events: int
    first_broken_seq: int | None
    problem: str | None
    files: int = 0  # the files the journal keeps (`journal.sources`)
    broken_files: tuple[str, ...] = ()  # those whose kept text does not hash to their SHA-256: "name (sha)"

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.broken_files


def default_url() -> str:
    """`$TJ_DB`, else a SQLite file in the user's data directory."""
    if url := os.environ.get("TJ_DB"):
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("theta-journal", appauthor=False))
    return f"sqlite:///{folder / 'journal.sqlite'}"


_SOURCE_FILES: dict[str, tuple[str, str]] = {}  # '{"file": ..., "sha256": ..., ' -> (file, sha256)
_scan_json: Callable[[str, int], tuple[Any, int]] = make_scanner(JSONDecoder())  # type: ignore[arg-type]


def _decode_source(raw: str | None) -> SourceRef | None:
    if not raw:
        return None
    # What _encode_source writes: the file's part is the same for all its events, so it is parsed once
    # and only the line number per event (a journal is few files and many lines).
    cut = raw.rfind('"line": ')
    if cut > 0 and raw[-1] == "}":
        digits = raw[cut + 8 : -1]
        if digits.isdigit() and digits.isascii():
            head = raw[:cut]
            known = _SOURCE_FILES.get(head)
            if known is None:
                d = json.loads(f'{head}"line": 0}}')
                known = _SOURCE_FILES[head] = (sys.intern(d["file"]), sys.intern(d["sha256"]))
            return _source_ref(known[0], known[1], int(digits))
    d = json.loads(raw)
    return SourceRef(sys.intern(d["file"]), sys.intern(d["sha256"]), d["line"])


def _json_loads(text: str) -> Any:
    """`json.loads(text)`, by the decoder's C scanner directly for a payload as the store writes it (an
    object, nothing around it): a third faster; anything else goes through json.loads, which raises what it
    raises."""
    if text[:1] == "{":
        try:
            value, end = _scan_json(text, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(text):
                return value
    return json.loads(text)


def _fast_constructor(cls: type, names: tuple[str, ...]) -> Callable[..., Any]:
    """A constructor of a frozen slots dataclass whose fields are exactly `names` (in order) and that has no
    __post_init__, setting its slots directly instead of through its frozen __setattr__ (twice as fast);
    the class itself for any other."""
    fields = getattr(cls, "__dataclass_fields__", {})
    if tuple(fields) != names or hasattr(cls, "__post_init__") or "__slots__" not in cls.__dict__:
        return cls
    setters = tuple(cls.__dict__[name].__set__ for name in names)
    new = object.__new__
    if len(names) == 3:
        set_a, set_b, set_c = setters

        def make(a: Any, b: Any, c: Any) -> Any:
            made: Any = new(cls)
            set_a(made, a)
            set_b(made, b)
            set_c(made, c)
            return made

        return make
    return cls


_stored_event: Callable[[int, datetime, Event], StoredEvent] = _fast_constructor(
    StoredEvent, ("seq", "recorded_time", "event")
)
_source_ref: Callable[[str, str, int], SourceRef] = _fast_constructor(SourceRef, ("file", "sha256", "line"))


# One stored row as `read` selects it: seq, natural key, account, type, economic time, recorded time,
# payload, source.
EventRow = tuple[int, str, str, str, Any, Any, str, str | None]


def stored_events(batches: Iterable[Iterable[EventRow]], text_times: bool) -> list[StoredEvent]:
    """The events of stored rows, a batch of the driver's rows at a time. `text_times`: the times are the
    stored text (SQLite's), each distinct one parsed once (an import's events share their recorded time, a
    day's trades many of their times); else they are datetimes already (PostgreSQL's)."""
    events: list[StoredEvent] = []
    add = events.append
    loads, decode_source, new = _json_loads, _decode_source, _stored_event
    times: dict[Any, datetime] = {}
    seen = times.get
    for batch in batches:
        for seq, key, account, type_, when, recorded, data, src in batch:
            if text_times:
                when = seen(when) or times.setdefault(when, datetime.fromisoformat(when))
                recorded = seen(recorded) or times.setdefault(recorded, datetime.fromisoformat(recorded))
            add(
                new(seq, recorded, event_from_row(type_, account, when, key, loads(data), decode_source(src)))
            )
    return events
