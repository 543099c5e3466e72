"""The events in `tj serve`: a search (by date, underlying, account, type, source file) paginated in the
database, and each event's page: where it came from (file:line, the file's SHA-256), the row as recorded,
and every figure it feeds (the lots it opened, the realized rows it opened or closed, its wheel cycle, its
roll chain, a wash sale whose replacement it bought)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from journal.reports.views import INT, Column, View
from journal.web.common import (
    PER_PAGE,
    Table,
    choice_param,
    cycle_href,
    day_param,
    event_href,
    page_of,
    text_param,
)
from journal.web.listings import (
    CYCLE_LIST,
    LOT_LIST,
    REALIZED_LIST,
    ROLL_LIST,
    WASH_LIST,
    account_filter,
    account_param,
    cycles_of,
    last_day,
    lot_key,
    lots_of,
    rolls_of,
    select_filter,
    symbol_param,
    text_filter,
    washes_of,
)

if TYPE_CHECKING:
    from sqlalchemy import Select

    from journal.events import Event
    from journal.projections.lots import RealizedRow
    from journal.store import EventStore
    from journal.stored import StoredEvent
    from journal.web.app import Site
    from journal.web.pages import RouteSpec

EVENT_LIST = [
    Column("seq", "Seq", INT),
    Column("time", "Time", nowrap=True),
    Column("account", "Account", optional=True),
    Column("type", "Type", optional=True),
    Column("what", "What", wide=True),
    Column("source", "Source", nowrap=True),
]
VOID = "EventVoided"


@dataclass(frozen=True, slots=True)
class EventQuery:
    """What the events page searches for: each field a filter, None for any."""

    start: date | None = None
    end: date | None = None
    underlying: str | None = None
    account: str | None = None
    type: str | None = None
    file: str | None = None
    newest_first: bool = False


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(query: Select[Any], q: EventQuery) -> Select[Any]:
    from journal import schema

    t = schema.events
    query = query.where(t.c.type != VOID)  # a void is shown on the page of the event it took back
    if q.start is not None:
        query = query.where(t.c.economic_time >= datetime.combine(q.start, time.min))
    if q.end is not None:
        query = query.where(t.c.economic_time <= datetime.combine(q.end, time.max))
    if q.underlying is not None:
        query = query.where(t.c.underlying == q.underlying)
    if q.account is not None:
        query = query.where(t.c.account == q.account)
    if q.type is not None:
        query = query.where(t.c.type == q.type)
    if q.file is not None:
        # The stored source is `{"file": NAME, "sha256": ..., "line": N}` (journal.store._encode_source).
        query = query.where(t.c.source.like(_like('{"file": ' + json.dumps(q.file) + ",") + "%", escape="\\"))
    return query


@dataclass(frozen=True, slots=True)
class Found:
    """How many events a search finds, and the sequence number each page of it starts at."""

    total: int
    starts: list[int]


def search(store: EventStore, q: EventQuery, per_page: int = PER_PAGE) -> Found:
    """The search's sequence numbers read once (the index alone, no payload), kept as each page's first: a
    page is then a range of the primary key, however deep (an OFFSET would read every row before it)."""
    from sqlalchemy import select

    from journal import schema

    t = schema.events
    query = _filtered(select(t.c.seq), q).order_by(t.c.seq.desc() if q.newest_first else t.c.seq)
    total, starts = 0, []
    with store.engine.connect() as conn:
        for (seq,) in conn.execute(query):
            if total % per_page == 0:
                starts.append(int(seq))
            total += 1
    return Found(total, starts)


def search_of(site: Site, q: EventQuery) -> Found:
    return site.memo(("event-search", q), lambda: search(site.journal.store, q))


def find_events(
    store: EventStore, q: EventQuery, first: int, last: int | None, limit: int
) -> list[StoredEvent]:
    """`limit` events of the search from sequence number `first` to `last` (None: to the end), in the
    search's order (newest first when asked), decoded as the store decodes them. Both ends bound the query:
    a filter's index then reads only the page's range, not every event it matches."""
    from sqlalchemy import select

    from journal import schema
    from journal.store import STORED_COLUMNS
    from journal.stored import stored_events

    t = schema.events
    query: Any = _filtered(select(*STORED_COLUMNS), q)
    if q.newest_first:
        query = query.where(t.c.seq <= first).order_by(t.c.seq.desc())
        if last is not None:
            query = query.where(t.c.seq >= last)
    else:
        query = query.where(t.c.seq >= first).order_by(t.c.seq)
        if last is not None:
            query = query.where(t.c.seq <= last)
    with store.engine.connect() as conn:
        rows = conn.execute(query.limit(limit)).all()
    return stored_events([[tuple(r) for r in rows]], text_times=store.dialect == "sqlite")


def voided_keys(site: Site, stored: list[StoredEvent]) -> set[str]:
    """Which of these events a void takes back now (looked up by the voids' derived keys), once the journal
    is known to hold a void at all (kept: PostgreSQL answers that by a scan of the keys)."""
    from journal import voids
    from journal.projections import live

    store = site.journal.store
    if not stored or not site.memo(("any-voids",), lambda: voids.any_voids(store)):
        return set()
    kept = {s.event.key for s in live([*stored, *voids.voids_of(store, [s.event.key for s in stored])])}
    return {s.event.key for s in stored} - kept


def event_types(site: Site) -> list[str]:
    from sqlalchemy import select

    from journal import schema

    def distinct() -> list[str]:
        t = schema.events
        with site.journal.store.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(select(t.c.type).distinct()) if r[0] != VOID)

    return site.memo(("event-types",), distinct)


def source_files(site: Site) -> list[str]:
    return site.memo(
        ("files",), lambda: sorted({i.file for i in site.journal.imports() if i.file is not None})
    )


def events(site: Site, request: Request) -> Response:
    """Every recorded event, searched by date, underlying, account, type and source file, a page at a time
    from the database; each links to its own page."""
    from journal.records import event_record

    types = event_types(site)
    q = EventQuery(
        day_param(request, "from"),
        day_param(request, "to"),
        symbol_param(request),
        account_param(site, request),
        choice_param(request, "type", types),
        text_param(request, "file"),
        choice_param(request, "order", ("newest", "oldest")) == "newest",
    )
    store = site.journal.store
    pages = search_of(site, q)

    def page_rows(start: int, stop: int) -> list[StoredEvent]:
        if not stop:
            return []
        page = start // PER_PAGE
        following = pages.starts[page + 1] if page + 1 < len(pages.starts) else None
        last = None if following is None else following + 1 if q.newest_first else following - 1
        return find_events(store, q, pages.starts[page], last, stop - start)

    found, pager = page_of(request, pages.total, page_rows)
    gone = voided_keys(site, found)
    rows = []
    for stored in found:
        record = event_record(stored)
        if stored.event.key in gone:
            record["what"] = f"(voided) {record['what']}"
        rows.append({**record, "_href": event_href(stored.event.key)})
    files = source_files(site)
    return site.render(
        request,
        "web/page.html.j2",
        view=View("events", "Events", "Every fact recorded, with the file and line it came from"),
        filters=[
            text_filter(request, "from", "From", "date"),
            text_filter(request, "to", "To", "date"),
            text_filter(request, "underlying", "Underlying", size=8),
            account_filter(site, request),
            select_filter(request, "type", "Type", types),
            select_filter(request, "file", "Source file", files),
            select_filter(request, "order", "Order", ("newest",), every="oldest first"),
        ],
        tables=[
            ("", Table(EVENT_LIST, rows, pager, links={"what": "_href", "seq": "_href"}, empty="No event."))
        ],
    )


# -- one event ------------------------------------------------------------------------------------------

FIELD = [Column("field", "Field"), Column("value", "Value", wide=True)]


def _journal_csv(stored: StoredEvent) -> str | None:
    """The event as a journal-CSV row (header and row), as `tj export journal-csv` writes it back."""
    from importers import recorded

    try:
        cells = recorded.row(stored.event)
    except Exception:  # an event the journal CSV cannot say: the stored payload still shows it
        return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [c for c in recorded.COLUMNS if cells.get(c, "") != ""]
    writer.writerow(columns)
    writer.writerow([cells.get(c, "") for c in columns])
    return out.getvalue()


def opened_quantity(event: Event) -> Decimal | None:
    """What an event opens, in the units of its lots and realized rows (contracts, shares), when it opens
    something: a buy, an opening option trade, shares bought by an assigned put or an exercised call. None
    for anything else (it is then looked for among the rows it closed only, and the lots open now)."""
    from journal.events import OptionAssigned, OptionExercised, TradeExecuted
    from journal.instruments import OptionContract

    if isinstance(event, TradeExecuted):
        opens = event.action.opens if event.instrument.is_option else event.action.is_buy
        return event.quantity if opens else None
    if (
        isinstance(event, OptionAssigned | OptionExercised)
        and isinstance(event.option, OptionContract)
        and event.option.is_put == isinstance(event, OptionAssigned)  # shares bought (`reports.cycle`)
    ):
        return sum((n for _, n in event.option.delivers(event.quantity)[0]), Decimal(0))
    return None


def realized_fed(site: Site, event: Event, open_units: Decimal) -> list[RealizedRow]:
    """The realized rows an event closed (closing on its day, or an expiry's date a few days before a late
    row), and those of the lots it opened: read a window at a time from its day (a month, then longer ones)
    until the rows and the lots still open (`open_units`) account for all it opened, by an option's expiry
    (and a month) at the latest, else by the last day the files reach."""
    from journal.events import TradeExecuted
    from journal.instruments import OptionContract

    key, day, account = event.key, event.time.date(), event.account
    found: list[RealizedRow] = []

    def read(start: date, end: date) -> None:
        for row in site.journal.realized(None, account, start, end):
            if row.closed_by == key or (row.opened_by and lot_key(row.opened_by) == key):
                found.append(row)

    read(day - timedelta(days=7), day + timedelta(days=7))
    wanted = opened_quantity(event)
    if wanted is None:
        return found
    until = last_day(site)
    if isinstance(event, TradeExecuted) and isinstance(event.instrument, OptionContract):
        until = min(until, event.instrument.expiry + timedelta(days=31))
    start, span = day + timedelta(days=8), 31
    while start <= until:
        accounted = open_units + sum(
            (r.quantity for r in found if r.opened_by and lot_key(r.opened_by) == key), Decimal(0)
        )
        if accounted >= wanted:
            break
        end = min(start + timedelta(days=span), until)
        read(start, end)
        start, span = end + timedelta(days=1), min(span * 4, 366)
    return found


def fed_by(site: Site, stored: StoredEvent) -> list[tuple[str, Table]]:
    """The figures this event feeds: lots it opened (open now), realized rows it opened or closed, its
    wheel cycle, its roll chain, a wash sale whose replacement lot it opened."""
    from journal.events import OptionAssigned, OptionExercised, OptionExpired, TradeExecuted
    from journal.instruments import OptionContract
    from journal.records import cycle_record, lot_record, realized_record, wash_record
    from journal.tax import DEFAULT_POLICY

    journal, ev = site.journal, stored.event
    key, day, account = ev.key, ev.time.date(), ev.account
    tables: list[tuple[str, Table]] = []

    opened = [lot for lot in lots_of(site, None, account) if lot_key(lot.lot_id) == key]
    if opened:
        tables.append(("Open lots it opened", Table(LOT_LIST, [lot_record(lot) for lot in opened])))

    option = getattr(ev, "instrument", None) or getattr(ev, "option", None)
    policies = journal.policies()
    rows = realized_fed(site, ev, sum((abs(lot.quantity) for lot in opened), Decimal(0)))
    if rows:
        records = [
            {
                **realized_record(r, policies.get(r.account, DEFAULT_POLICY)),
                "_open": event_href(lot_key(r.opened_by)),
                "_close": event_href(r.closed_by),
            }
            for r in sorted(rows, key=lambda r: (r.closed, r.opened))
        ]
        tables.append(
            (
                "Realized rows (Form 8949 lines)",
                Table(REALIZED_LIST, records, links={"opened": "_open", "closed": "_close"}),
            )
        )

    if ev.underlying:
        cycles = cycles_of(site, account, ev.underlying)
        around = [c for c in cycles if c.opened <= day and (c.closed is None or day <= c.closed)]
        if around:
            records = [{**cycle_record(c), "_href": cycle_href(c.id)} for c in around]
            tables.append(("Wheel cycle", Table(CYCLE_LIST, records, links={"id": "_href"})))

    if isinstance(ev, TradeExecuted | OptionAssigned | OptionExercised | OptionExpired) and isinstance(
        option, OptionContract
    ):
        name = option.name
        chains = [
            r
            for r in rolls_of(site, account)
            if any(
                leg["instrument"] == name and day.isoformat() in (leg["opened"], leg["closed"])
                for leg in r["legs"]
            )
        ]
        if chains:
            records = [
                {
                    **r,
                    "legs": " \u2192 ".join(
                        f"{' '.join(leg['instrument'].split())} {leg['outcome']}" for leg in r["legs"]
                    ),
                }
                for r in chains
            ]
            tables.append(("Roll chain", Table(ROLL_LIST, records)))

    washes = [w for w in washes_of(site) if lot_key(w.replacement_lot) == key]
    if washes:
        tables.append(
            (
                "Wash sale: this event bought the replacement",
                Table(WASH_LIST, [wash_record(w) for w in washes]),
            )
        )
    return tables


def event_page(site: Site, request: Request) -> Response:
    """One event: what it says, where it came from, the row as recorded, and the figures it feeds."""
    from journal.events import Unresolved, payload_json
    from journal.records import describe

    key = request.path_params["key"]
    store = site.journal.store
    found = store.read(keys=[key])
    if not found:
        raise HTTPException(404, f"no event has the key {key!r} (see the events page)")
    stored = found[0]
    ev = stored.event
    gone = voided_keys(site, [stored])
    source = ev.source
    fields = [
        {"field": "What", "value": describe(ev)},
        {"field": "Type", "value": ev.type_name},
        {"field": "Time", "value": ev.time.isoformat()},
        {"field": "Account", "value": ev.account},
        {"field": "Underlying", "value": ev.underlying or ""},
        {"field": "Sequence number", "value": str(stored.seq)},
        {"field": "Recorded", "value": stored.recorded_time.isoformat(timespec="seconds") + "Z"},
        {"field": "Natural key", "value": ev.key},
        {"field": "Source", "value": str(source) if source else "(none: said in tj, not read from a file)"},
    ]
    if source is not None:
        fields.append({"field": "File SHA-256", "value": source.sha256})
    if ev.key in gone:
        fields.append({"field": "Voided", "value": "yes: a void took it back; it counts in no figure"})
    if isinstance(ev, Unresolved):
        fields += [
            {"field": "Not understood", "value": ev.reason},
            {"field": "Cash booked", "value": str(ev.amount)},
        ]
    payload = json.dumps(json.loads(payload_json(ev)), indent=2, ensure_ascii=False)
    view = View(
        "event", f"Event {stored.seq}", f"{ev.type_name} \u00b7 {ev.account} \u00b7 {ev.time.isoformat()}"
    )
    return site.render(
        request,
        "web/event.html.j2",
        view=view,
        fields=Table(FIELD, fields),
        source=str(source) if source else None,
        source_file=source.file if source else None,
        source_row=site.journal.source_row(source) if source else None,
        raw=ev.raw if isinstance(ev, Unresolved) else None,
        journal_csv=_journal_csv(stored),
        payload=payload,
        tables=[] if ev.key in gone else site.memo(("fed-by", ev.key), lambda: fed_by(site, stored)),
    )


ROUTES: list[RouteSpec] = [
    ("/events", events, "events", ["GET"]),
    ("/events/{key:path}", event_page, "event", ["GET"]),
]
