"""The whole journal written out, as the user's backup and way out: importing the export into an empty
journal gives the same books.

Two formats: journal JSON lines (every field of every stored event, voids included; `importers/journal_jsonl`)
and the journal CSV (the facts that count, one row each, in the contract's format and its extension for
recorded rows; `importers/recorded`). Both keep each event's natural key, so importing either into the
journal it came from adds nothing.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from journal import schema
from journal.events import Resolved
from journal.projections import live
from journal.store import EventStore

FORMATS = ("journal-csv", "jsonl")
FILE_NAMES = {"journal-csv": "journal.csv", "jsonl": "journal.jsonl"}
_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: the file, its format, the events in it and those it left out (journal CSV:
    the events voids took back, the voids, and resolutions of rows voided since)."""

    path: Path
    format: str
    events: int
    left_out: int


def export(store: EventStore, folder: Path, format: str) -> Exported:
    """Write the journal into `folder` (made if need be) as `journal.csv` or `journal.jsonl`; a file of
    that name is replaced only once the new one is whole."""
    if format not in FORMATS:
        raise ValueError(f"an export is one of {', '.join(FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAMES[format]
    if format == "jsonl":
        last = store.last_seq()
        written = _write_whole(path, lambda fh: _write_jsonl(store, last, fh))
        return Exported(path, format, written, 0)
    stored = store.read()  # one query: the journal as it is now, whatever an import does meanwhile
    written = _write_whole(path, lambda fh: _write_journal_csv(stored, fh))
    return Exported(path, format, written, len(stored) - written)


def _write_whole(path: Path, write: Callable[[IO[str]], int]) -> int:
    """Write to a file beside `path`, then put it in its place: an export cut short leaves no half file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as fh:
            written = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _stored_rows(store: EventStore, last: int) -> Iterator[dict[str, Any]]:
    """Every stored row up to sequence `last`, in order, as the table holds it. Events are appended one
    import at a time and never change, so the rows up to the last one read are the journal at that point."""
    t = schema.events
    query = select(t).where(t.c.seq <= last).order_by(t.c.seq)
    with store.engine.connect() as conn:
        for chunk in conn.execution_options(yield_per=_BATCH).execute(query).partitions():
            for row in chunk:
                yield row._asdict()


def _write_jsonl(store: EventStore, last: int, fh: IO[str]) -> int:
    from importers import journal_jsonl

    fh.write(
        journal_jsonl.header(last, datetime.now(UTC).replace(tzinfo=None), schema.SCHEMA_REVISION) + "\n"
    )
    written = 0
    for row in _stored_rows(store, last):
        fh.write(journal_jsonl.line(row) + "\n")
        written += 1
    return written


def _write_journal_csv(stored: list[Any], fh: IO[str]) -> int:
    """The facts that count, in the order they were recorded (so a re-import numbers them alike): the
    events voids took back and the voids themselves are left out, as is a resolution of a row voided since
    (it resolves nothing that counts)."""
    from importers import recorded

    counting = [s.event for s in live(stored)]
    keys = {e.key for e in counting}
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(recorded.COLUMNS)
    written = 0
    for event in counting:
        if isinstance(event, Resolved) and event.resolved_key not in keys:
            continue
        cells = recorded.row(event)
        writer.writerow([cells.get(column, "") for column in recorded.COLUMNS])
        written += 1
    return written
