"""Snapshots of the books at a month end: everything a fold needs to go on from there without the events
before it, so a report on one month reads that month's events and not the decade behind it.

What the books carry forward is small: the open lots (in their queue order, which FIFO and lot ids depend
on), the losses still waiting 30 days for a replacement (with the rows they would adjust), the units of open
lots already serving as replacements, the covered calls still open, the MARK prices a later year-end or
covered call may look up, and the year the Section 1256 marking has reached; beside them, the strategy each
held contract was opened as. History (realized rows, washes done, problems) is not carried: it is in the
read models already. A snapshot is taken after a month's last event and before any year-end marking that
the next event would trigger; `restore` then marks up to the day asked for, as `fold` would.

Partitions never share a lot, a wash or a contract, so each is resumed (and carried forward) on its own.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from journal.codec import encode, encode_value, from_plain, to_plain
from journal.projections.covered_calls import CoveredCall
from journal.projections.lots import Books, Lot, RealizedRow
from journal.projections.wash_sales import WINDOW, PendingLoss
from journal.tax import AccountPolicy

MARK_LOOKBACK = timedelta(days=7)  # `covered_calls.price_on` reads a mark up to a week old


@dataclass(frozen=True, slots=True)
class _Open:
    """What a snapshot keeps of the books at a month end, the same for both of its writers: each part looked
    up from what is open, never by walking the history (a decade has many snapshots)."""

    lots: list[Lot]
    pending: list[PendingLoss]
    used: dict[str, str]  # units of open lots already serving as replacements, by lot id
    marks: dict[str, list[list[str]]]  # the MARK prices a later year-end or covered call may look up
    covered_calls: list[CoveredCall]  # those still open
    # What each held contract was opened as: its later close or expiry inherits it. (A close of a contract
    # not held is a problem the books report; its strategy then falls back to its right.)
    holding: list[list[str]]


def _open(books: Books, holding: Mapping[tuple[str, str], str], day: date) -> _Open:
    lots = books.lots()
    open_ids = [lot.lot_id for lot in lots]
    held = dict.fromkeys((lot.account, lot.instrument.name) for lot in lots)
    keep_marks_from = min(date(books.year or day.year, 12, 1), day - MARK_LOOKBACK)
    used, calls = books.washes.used, books.covered_calls
    return _Open(
        lots,
        [p for p in books.washes.pending if p.left > 0 and day - p.sold <= WINDOW],
        {k: str(used[k]) for k in open_ids if k in used},
        {
            name: [[d.isoformat(), str(p)] for d, p in prices if d >= keep_marks_from]
            for name, prices in books.marks.items()
            if prices and max(prices)[0] >= keep_marks_from
        },
        [calls[k] for k in open_ids if k in calls],
        [[account, name, holding[(account, name)]] for account, name in held if (account, name) in holding],
    )


def snapshot(books: Books, holding: Mapping[tuple[str, str], str], day: date) -> str:
    """The books (and the strategy attribution) after the last event of `day`'s month, as JSON: the text
    `snapshot_general` writes, each record by its class's own encoder (`codec.encode`) and a realized row a
    pending loss waits on written once while it stays the same (a month end writes every open lot and
    pending loss again: a fold spends more here than on any other row)."""
    kept = _open(books, holding, day)
    return "".join(
        (
            '{"lots":[',
            ",".join([encode(lot) for lot in kept.lots]),
            '],"pending":[',
            ",".join(
                [
                    f'{encode(p, _NO_ROW)[:-1]},"row":{_row_text(books.realized[p.row])}}}'
                    for p in kept.pending
                ]
            ),
            '],"used":',
            _json(kept.used),
            ',"marks":',
            _json(kept.marks),
            ',"covered_calls":[',
            ",".join([encode(call) for call in kept.covered_calls]),
            '],"year":',
            _json(books.year),
            ',"marked_through":',
            _json(books.marked_through),
            ',"holding":',
            _json(kept.holding),
            "}",
        )
    )


_NO_ROW = ("row",)
_ROW_TEXTS: dict[int, tuple[RealizedRow, str]] = {}  # by id of the row (kept, so the id is not reused)
_ROW_TEXTS_LIMIT = 20_000


def _row_text(row: RealizedRow) -> str:
    """`encode(row)`, kept per row object (rows are frozen; a pending loss's row is written at every month
    end of its 30 days, until a wash replaces it by an adjusted one)."""
    found = _ROW_TEXTS.get(id(row))
    if found is not None and found[0] is row:
        return found[1]
    if len(_ROW_TEXTS) >= _ROW_TEXTS_LIMIT:
        _ROW_TEXTS.clear()
    text = encode(row)
    _ROW_TEXTS[id(row)] = (row, text)
    return text


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def snapshot_general(books: Books, holding: Mapping[tuple[str, str], str], day: date) -> str:
    """What `snapshot` writes, by the general path (the records as plain values, one `json.dumps`): the
    reference the tests hold it to."""
    kept = _open(books, holding, day)
    data = {
        "lots": [to_plain(lot) for lot in kept.lots],
        "pending": [
            {**to_plain(p, skip=("row",)), "row": to_plain(books.realized[p.row])} for p in kept.pending
        ],
        "used": kept.used,
        "marks": kept.marks,
        "covered_calls": [to_plain(call) for call in kept.covered_calls],
        "year": books.year,
        "marked_through": books.marked_through,
        "holding": kept.holding,
    }
    return json.dumps(data, separators=(",", ":"), default=encode_value)


def _restore_into(books: Books, data: dict[str, Any], holding: dict[tuple[str, str], str]) -> None:
    for plain in data["lots"]:
        lot = from_plain(Lot, plain)
        books.open_lots.setdefault((lot.account, lot.instrument.name), deque()).append(lot)
        books.holdings.setdefault((lot.account, lot.instrument.underlying), set()).add(lot.instrument.name)
    for plain in data["pending"]:
        books.realized.append(from_plain(RealizedRow, plain.pop("row")))
        books.washes.pending.append(from_plain(PendingLoss, {**plain, "row": len(books.realized) - 1}))
    books.washes.used.update({k: Decimal(v) for k, v in data["used"].items()})
    for name, prices in data["marks"].items():
        books.marks.setdefault(name, []).extend((date.fromisoformat(d), Decimal(p)) for d, p in prices)
    for plain in data["covered_calls"]:
        call = from_plain(CoveredCall, plain)
        books.covered_calls[call.call_lot] = call
    holding.update({(account, name): strategy for account, name, strategy in data["holding"]})


def resume(
    snapshots: Iterable[tuple[str, str]],
    policies: Mapping[str, AccountPolicy],
    day: date,
    horizons: Mapping[str, date] | None = None,
) -> tuple[dict[str, Books], dict[tuple[str, str], str]]:
    """Each partition's books at the end of `day` from its latest snapshot on or before it (with no event
    of the partition in between), and the strategy each held contract was opened as."""
    parts: dict[str, Books] = {}
    holding: dict[tuple[str, str], str] = {}
    for partition, payload in snapshots:
        data = json.loads(payload)
        books = parts[partition] = Books(policies, horizons=horizons)
        books.year, books.marked_through = data["year"], data["marked_through"]
        _restore_into(books, data, holding)
        books.close_through(day)  # the year ends passed since: marked as the fold would mark them
    return parts, holding
