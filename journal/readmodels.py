"""Read models: each projection's results stored per partition, with a checkpoint, so that a query reads rows
instead of folding the whole journal, and an import recomputes only the partitions it touched.

A partition is an underlying across all accounts (wash sales cross accounts); "" holds the events that name
no underlying (deposits, interest, account settings). A corporate action links partitions (a symbol change,
a merger or spin-off, an option adjusted onto another underlying, an adjusted option delivering several
securities: `links_of`): the linked partitions are
one *group*, folded as one unit and stored under its first member's name (`partition_groups`). Groups are
independent, so a full rebuild folds them in parallel processes. A new projection version (or a new
calendar year, which changes Section 1256 year-end marks) rebuilds everything by itself.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select, update

from journal import schema, voids
from journal.codec import decode_many
from journal.events import (
    AccountConfigured,
    Event,
    EventVoided,
    OptionAdjusted,
    Resolved,
    SpunOff,
    StockMerged,
    SymbolChanged,
    event_from_row,
    paused_gc,
)
from journal.instruments import OptionContract
from journal.partition import (
    APPENDED,
    BY_MONTH,
    CURRENT,
    KEPT_STATES,
    OWNER,
    STATE,
    DayFlows,
    MonthIncome,
    PartitionFold,
    Replacing,
    Row,
    TooFarBack,
    day_flows,
    fold_states,
    month_flows,
    month_income,
    no_underlying_rows,
    pending_expiries,
    project_partition,
    state_ord,
)
from journal.projections import economic_order
from journal.projections.cycles import Cycle
from journal.projections.lots import ASSUMED_EXPIRY_DAYS, Lot, RealizedRow
from journal.projections.wash_sales import WashSale
from journal.store import EventStore
from journal.tax import AccountPolicy

# The projection version and the checkpoint's name live where `journal.quickread` reads them without
# SQLAlchemy; a new projection version is written there.
from journal.versions import ALL, PROJECTION_VERSION, version_tag  # noqa: F401 (re-exported)

_PARALLEL_FROM = 8  # partitions: fewer are folded in the importing process itself


# -- linked partitions --------------------------------------------------------------------------------------

# The events that carry a holding from one underlying to another: their histories fold together.
LINK_TYPES: tuple[type[Event], ...] = (SymbolChanged, StockMerged, SpunOff, OptionAdjusted)


def links_of(event: Event) -> list[tuple[str, str]]:
    """The pairs of partitions an event links (old, new): a symbol change's, a stock merger's and a
    spin-off's two symbols, an option adjusted onto another underlying; and an adjusted option delivering
    securities besides its underlying (`50 ABC + 20 XYZ`), whose delivery opens lots of each (an all-cash
    merger, a special dividend's adjustment link nothing)."""
    pairs: list[tuple[str, str]] = []
    if isinstance(event, SymbolChanged | SpunOff):
        pairs.append((event.symbol, event.new_symbol))
    elif isinstance(event, StockMerged):
        pairs.append((event.symbol, event.new_symbol or ""))
    elif isinstance(event, OptionAdjusted):
        pairs.append((event.option.underlying, event.adjusted.underlying))
    for option in _options_of(event):
        pairs += [(option.underlying, symbol) for symbol, _ in option.deliverable]
    return [(old, new) for old, new in pairs if old and new and old != new]


def _options_of(event: Event) -> list[OptionContract]:
    found = [getattr(event, name, None) for name in ("instrument", "option", "adjusted")]
    return [o for o in found if isinstance(o, OptionContract) and o.deliverable]


def partition_groups(events: Iterable[Event], known: Mapping[str, str] | None = None) -> dict[str, str]:
    """Union-find over the link events: each linked partition and its group's name (its first member in
    order of name). Partitions that no event links are not in it: each is its own group, as before.

    A voided link still links: folding two partitions together is never wrong (one fold of the whole
    journal is what every partition's rows must equal), and groups that never split keep refreshes simple.
    `known`: groups worked out before (member -> name), that the events may join further."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = [(m, name) for m, name in (known or {}).items()]
    links += [link for ev in events for link in links_of(ev)]
    for old, new in links:
        a, b = find(old), find(new)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {member: find(member) for member in parent}


def grouped(partitions: Iterable[str], groups: Mapping[str, str]) -> list[list[str]]:
    """`partitions` as the groups they belong to, each with every member (the group's name first), in order
    of the groups' names."""
    members: dict[str, set[str]] = defaultdict(set)
    for member, name in groups.items():
        members[name].add(member)
    out: dict[str, list[str]] = {}
    for partition in partitions:
        name = groups.get(partition, partition)
        if name not in out:
            out[name] = [name, *sorted(members.get(name, set()) - {name})]
    return [out[name] for name in sorted(out)]


# A group's members, its rows, what of the stored rows they replace (None: all of the members'), its states
# (ord, text), and how many stored events it read (a progress bar's count)
Batch = tuple[list[str], list[Row], Replacing | None, list[tuple[int, str]], int]
# Every projection stored per partition (the rest, "groups" and "horizon", are the whole journal's: ALL).
PER_PARTITION = (*APPENDED, *BY_MONTH, *CURRENT, STATE)


def _project_in_worker(
    url: str,
    groups: list[list[str]],
    policies: dict[str, AccountPolicy],
    today: date,
    horizons: dict[str, date],
    last: int,
    resume: Mapping[str, datetime] | None,
) -> list[Batch]:
    store = EventStore(url)
    try:
        return _project(store, groups, policies, today, horizons, last, resume)
    finally:
        store.close()


def _project(
    store: EventStore,
    groups: Sequence[Sequence[str]],
    policies: Mapping[str, AccountPolicy],
    today: date,
    horizons: Mapping[str, date],
    last: int,
    resume: Mapping[str, datetime] | None = None,
) -> list[Batch]:
    """Each group's rows, its members' events folded as one partition named after the group's first: going
    on from the group's state where it can (`resume`: the first economic time of the events recorded since
    the checkpoint, by partition), else from its first event."""
    out: list[Batch] = []
    for members in groups:
        # A group's fold makes many long-lived objects and no cycles: the collector's passes over them are
        # pure cost (a 10^5 rebuild's CPU 13.3-14.0 -> 12.0-12.9 s paused). Paused a group at a time, so
        # what a group left is collected before the next grows.
        with paused_gc():
            out.append(_project_group(store, members, policies, today, horizons, last, resume))
    return out


def _project_group(
    store: EventStore,
    members: Sequence[str],
    policies: Mapping[str, AccountPolicy],
    today: date,
    horizons: Mapping[str, date],
    last: int,
    resume: Mapping[str, datetime] | None,
) -> Batch:
    """One group's rows: going on from its state where it can, else from its first event."""
    name = members[0]
    if not name:
        stored = store.read(partitions=members)
        return (list(members), no_underlying_rows(economic_order(stored)), None, [], len(stored))
    batch = None if resume is None else _resumed(store, members, policies, today, horizons, last, resume)
    if batch is not None:
        return batch
    stored = store.read(partitions=members)
    fold = PartitionFold(name, policies, horizons)
    states = fold_states(fold, economic_order(stored), last, members)
    rows, _ = fold.finish(today)
    return (list(members), rows, None, states, len(stored))


def _resumed(
    store: EventStore,
    members: Sequence[str],
    policies: Mapping[str, AccountPolicy],
    today: date,
    horizons: Mapping[str, date],
    last: int,
    firsts: Mapping[str, datetime],
) -> Batch | None:
    """The group's rows going on from the latest of its states before the events recorded since the
    checkpoint (`firsts`: the first economic time of each partition's), if it has one they can follow: the
    group's events after that state's last day, old and new, are folded again. They are read by the
    (underlying, economic_time) index from there on, not among all of the group's."""
    rm = schema.read_models
    first = min((firsts[m] for m in members if m in firsts), default=None)
    query = select(rm.c.payload).where(rm.c.projection == STATE, rm.c.partition == members[0])
    if first is not None:
        query = query.where(rm.c.ord < state_ord(first.date()))
    with store.engine.connect() as conn:
        found = conn.execute(query.order_by(rm.c.ord.desc()).limit(1)).first()
    fold = PartitionFold.load(found[0], policies, horizons) if found else None
    if fold is None or fold.last_day is None or fold.members != list(members) or fold.seq > last:
        return None
    if first is not None and first.date() <= fold.last_day:  # a state not at its place: from the first event
        return None
    after = datetime.combine(fold.last_day + timedelta(days=1), time.min)
    since = store.read(partitions=members, seqs=(1, last), between=(after, datetime.max))
    if any(isinstance(s.event, EventVoided | Resolved | AccountConfigured) for s in since):
        return None
    events = economic_order(since)
    if not fold.can_take(events):
        return None
    states = fold_states(fold, events, last, members)
    try:
        rows, replacing = fold.finish(today)
    except TooFarBack:
        return None
    return (list(members), rows, replacing, states, len(since))


# -- keeping them current -----------------------------------------------------------------------------------


class ReadModels:
    """The read models of one store: brought up to date before a query, rebuilt in parallel when asked."""

    def __init__(self, store: EventStore, policies: Any) -> None:
        self.store = store
        self._policies = policies  # a callable returning the accounts' policies (they are events too)
        self._groups: tuple[int, dict[str, str]] | None = None  # (last seq read, groups)
        self.resumed = 0  # groups the last refresh carried on from their state (`journal.partition`)

    def groups(self) -> dict[str, str]:
        """Each linked partition and its group's name (`partition_groups`): the groups the read models were
        last written with (a row) joined by the link events recorded since their checkpoint (a range of
        sequence numbers), else every link event (read by type); kept until an event is recorded."""
        last = self.store.last_seq()
        if self._groups is None or self._groups[0] != last:
            current, stored = self.checkpoint(), self._stored_groups()
            if current is not None and stored is not None:
                since = current[1]
                found = partition_groups(self._linking(since, last) if last > since else (), stored)
            else:
                found = partition_groups(self._linking(0, last))
            self._groups = (last, found)
        return self._groups[1]

    def _linking(self, since: int, last: int) -> list[Event]:
        """The events recorded after `since` up to `last` that may link partitions (`links_of`): those of the
        link types and those naming an adjusted option with a deliverable, found by the database (few rows
        of many)."""
        t = schema.events
        names = sorted(cls.type_name for cls in LINK_TYPES)
        query = select(t.c.type, t.c.account, t.c.payload).where(
            t.c.seq > since,
            t.c.seq <= last,
            t.c.type.in_(names) | t.c.payload.contains('"deliverable"'),
        )
        with self.store.engine.connect() as conn:
            rows = list(conn.execute(query))
        return [
            event_from_row(kind, account, datetime.min, "", json.loads(data), None)
            for kind, account, data in rows
        ]

    def _stored_groups(self) -> dict[str, str] | None:
        rm = schema.read_models
        query = select(rm.c.payload).where(rm.c.projection == "groups", rm.c.partition == ALL)
        with self.store.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else dict(json.loads(row[0]))

    def members(self, partitions: Iterable[str]) -> list[str]:
        """`partitions` with every partition linked to them (the groups they belong to)."""
        return sorted({m for group in grouped(partitions, self.groups()) for m in group})

    def checkpoint(self) -> tuple[str, int] | None:
        t = schema.read_model_checkpoints
        with self.store.engine.connect() as conn:
            row = conn.execute(select(t.c.version, t.c.last_seq).where(t.c.projection == ALL)).first()
        return (row[0], int(row[1])) if row else None

    def refresh(self, today: date | None = None) -> set[str] | None:
        """Bring the read models up to the last event: the partitions touched since the checkpoint, or all of
        them after a new version or new account settings. Returns the partitions recomputed (None: all)."""
        today = today or date.today()
        last = self.store.last_seq()
        current = self.checkpoint()
        if current is not None and current[0] == version_tag(today) and current[1] == last:
            return set()
        if current is None or current[0] != version_tag(today) or self._settings_changed(current[1]):
            self.rebuild(today)
            return None
        # The partitions touched since (a void's too: it lands in its event's partition), each with its first
        # economic time: where its group goes on from.
        firsts = self._first_times(current[1], last)
        touched = set(firsts)
        horizons = self.horizons()
        voided = self._voided_since(current[1], last)
        if voided:
            # A void may take back an account's last events, a restore give them back: the horizons anew,
            # and the partitions whose assumed (or pending) expiries depend on a horizon that moved.
            found = voids.horizons(self.store, self.store.horizons())
            moved = {a for a in horizons.keys() | found.keys() if horizons.get(a) != found.get(a)}
            touched |= {
                r.partition for p in ("assumed", "pending") for r in self._rows_of(p) if r.account in moved
            }
            horizons = found
        else:
            for account, day in self.store.horizons(current[1]).items():
                horizons[account] = max(day, horizons.get(account, day))
        touched |= self._expiring(horizons)
        # A group is folded whole, its rows replaced whole: a new link joins two groups into one.
        touched = set(self.members(touched))
        # Each group goes on from its state (`journal.partition`) unless a void moved what came before.
        self._recompute(sorted(touched), touched, last, today, horizons, resume=None if voided else firsts)
        return touched

    def horizons(self) -> dict[str, date]:
        """Each account's horizon as the read models were last folded with (see `lots.horizons_of`)."""
        return {r.account: r.day for r in self._rows_of("horizon")}

    def _expiring(self, horizons: Mapping[str, date]) -> set[str]:
        """The partitions holding an option that the accounts' new horizons pass: an expiry to assume."""
        return {
            r.partition
            for r in self._rows_of("pending")
            if (horizons.get(r.account, date.min) - r.day).days > ASSUMED_EXPIRY_DAYS
        }

    def _rows_of(self, projection: str) -> list[Any]:
        rm = schema.read_models
        query = select(rm.c.partition, rm.c.account, rm.c.day).where(rm.c.projection == projection)
        with self.store.engine.connect() as conn:
            return list(conn.execute(query))

    def rebuild(
        self,
        today: date | None = None,
        workers: int | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Recompute every partition, in parallel processes when there are many; returns the row count.
        `on_progress`: called with the number of events each group read, as its rows are written."""
        today = today or date.today()
        last = self.store.last_seq()
        horizons = voids.horizons(self.store, self.store.horizons())
        partitions = self.members(self.store.partitions_since(0))
        return self._recompute(partitions, None, last, today, horizons, workers, on_progress=on_progress)

    def _recompute(
        self,
        partitions: list[str],
        replacing: set[str] | None,
        last: int,
        today: date,
        horizons: dict[str, date],
        workers: int | None = None,
        resume: Mapping[str, datetime] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Project `partitions` and write their rows in place of those of `replacing` (None: all rows).

        Groups of linked partitions are projected one by one (each its own task, in parallel processes when
        there are many: a month's import touches most of them) and written as they come, in one
        transaction: memory holds a group's events and rows at a time, not the journal's."""
        policies = self._policies()
        workers = workers or os.cpu_count() or 1
        groups = grouped(partitions, self.groups())
        if len(groups) < _PARALLEL_FROM or workers == 1 or self.store.url.endswith(":memory:"):
            batches = (
                b for g in groups for b in _project(self.store, [g], policies, today, horizons, last, resume)
            )
            return self._write(batches, replacing, last, today, horizons, on_progress)
        # Loaded only here: multiprocessing costs ~40 ms of every command's start-up otherwise.
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=workers) as pool:
            # Largest first would balance better; alphabetical is deterministic and close enough.
            finished = as_completed(
                [
                    pool.submit(
                        _project_in_worker, self.store.url, [g], policies, today, horizons, last, resume
                    )
                    for g in groups
                ]
            )
            # No list of the futures is kept: each one, with its partition's rows, is let go once written
            # (holding them all would hold every row of the journal at the end).
            written = (b for f in finished for b in f.result())
            return self._write(written, replacing, last, today, horizons, on_progress)

    def _first_times(self, since: int, last: int) -> dict[str, datetime]:
        """Each partition's first economic time among the events recorded after `since` up to `last` (a
        range of the sequence: the import's rows only)."""
        t = schema.events
        query = (
            select(t.c.underlying, func.min(t.c.economic_time))
            .where(t.c.seq > since, t.c.seq <= last)
            .group_by(t.c.underlying)
        )
        with self.store.engine.connect() as conn:
            return {underlying or "": first for underlying, first in conn.execute(query)}

    def _voided_since(self, since: int, last: int) -> bool:
        """Whether a void (or a restore) was recorded since the checkpoint."""
        return bool(self.store.read(types=(EventVoided,), seqs=(since + 1, last)))

    def _settings_changed(self, since: int) -> bool:
        """Whether account settings were recorded since the checkpoint, or voided or restored (a void of a
        setting, or of such a void, is in the "" partition with it)."""
        settings: set[str] = set()
        for s in self.store.read(partitions=[""]):  # in recorded order: a void follows what it names
            ev = s.event
            if isinstance(ev, AccountConfigured) or isinstance(ev, EventVoided) and ev.voided_key in settings:
                if s.seq > since:
                    return True
                settings.add(ev.key)
        return False

    def _write(
        self,
        batches: Iterable[Batch],
        partitions: set[str] | None,
        last: int,
        today: date,
        horizons: Mapping[str, date],
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replace the rows of `partitions` (None: all) by the batches' rows; checkpoint each batch's members
        (every partition of its group, whatever partition its rows are stored under) at `last`, with the
        accounts' horizons they were folded with."""
        rm, ck = schema.read_models, schema.read_model_checkpoints
        names = ("projection", "partition", "owner", "account", "day", "ord", "payload")
        written, done = 0, set(partitions or ())
        groups = json.dumps(sorted(self.groups().items()))  # read before the write transaction begins
        with self.store.writing() as conn:
            if conn.dialect.name == "postgresql":
                # Two sessions catching up at once would each delete the old rows and both insert theirs;
                # one writer at a time (SQLite serialises its writers by itself).
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7104385)")
            if partitions is None:
                conn.execute(delete(rm))
                conn.execute(delete(ck))
            else:
                conn.execute(delete(rm).where(rm.c.partition == ALL))
                conn.execute(
                    delete(ck).where(ck.c.partition.in_(sorted(partitions)) | (ck.c.projection == ALL))
                )
            # The driver's executemany: SQLAlchemy's per-row parameter work would cost more than the insert.
            sqlite = conn.dialect.name == "sqlite"
            mark = "?" if sqlite else "%s"
            sql = f"INSERT INTO read_models ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
            self.resumed = 0
            for members, rows, replaces, states, read in batches:
                self.resumed += replaces is not None
                if partitions is not None:
                    rows = _replace(conn, members, rows, replaces)
                rows = [*rows, *((STATE, members[0], OWNER, None, None, o, text) for o, text in states)]
                for start in range(0, len(rows), 20_000):
                    chunk: list[tuple[Any, ...]] = list(rows[start : start + 20_000])
                    if sqlite:  # SQLAlchemy's SQLite storage format for Date: ISO text
                        chunk = [(*r[:4], r[4].isoformat() if r[4] else None, *r[5:]) for r in chunk]
                    conn.exec_driver_sql(sql, chunk)
                if replaces is not None:  # the latest KEPT_STATES + 1 states are kept
                    conn.execute(_PRUNE_STATES, {"g": members[0], "n": KEPT_STATES})
                if rows:
                    done.update(members)
                written += len(rows)
                if on_progress is not None:
                    on_progress(read)
            # The groups these rows were folded in, for the next `groups` (a row, not a scan of the events).
            conn.execute(
                insert(rm),
                [
                    {
                        "projection": "groups",
                        "partition": ALL,
                        "owner": "default",
                        "account": None,
                        "day": None,
                        "ord": 0,
                        "payload": groups,
                    }
                ],
            )
            if horizons:
                conn.execute(
                    insert(rm),
                    [
                        {
                            "projection": "horizon",
                            "partition": ALL,
                            "owner": "default",
                            "account": account,
                            "day": day,
                            "ord": 0,
                            "payload": "{}",
                        }
                        for account, day in sorted(horizons.items())
                    ],
                )
            tag = version_tag(today)
            checkpoints = [
                {"projection": "all", "partition": p, "owner": "default", "version": tag, "last_seq": last}
                for p in sorted(done)
            ]
            checkpoints.append(
                {"projection": ALL, "partition": "", "owner": "default", "version": tag, "last_seq": last}
            )
            conn.execute(insert(ck), checkpoints)
        return written

    # -- queries ----------------------------------------------------------------------------------------

    def snapshots(self, day: date, partitions: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """Each partition's (or some partitions') latest snapshot of the books on or before `day`."""
        rm = schema.read_models
        latest = select(rm.c.partition, func.max(rm.c.day)).where(
            rm.c.projection == "snapshots", rm.c.day <= day
        )
        if partitions is not None:
            latest = latest.where(rm.c.partition.in_(partitions))
        latest = latest.group_by(rm.c.partition)
        with self.store.engine.connect() as conn:
            pairs = [tuple(r) for r in conn.execute(latest)]
            if not pairs:
                return []
            # By the (projection, day) index on the few days the latest snapshots fall on (most partitions
            # share the last month end): a search by (partition, day) pairs would visit every snapshot row.
            wanted = set(pairs)  # (partition, day): max() keeps the column's type, a date
            query = select(rm.c.partition, rm.c.day, rm.c.payload).where(
                rm.c.projection == "snapshots", rm.c.day.in_(sorted({last for _, last in wanted}))
            )
            return [(r[0], r[2]) for r in conn.execute(query) if (r[0], r[1]) in wanted]

    def partitions(self) -> list[str]:
        """Every partition the read models hold ("" for the events of no underlying)."""
        ck = schema.read_model_checkpoints
        with self.store.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(ck.c.partition).where(ck.c.projection == "all"))]

    def rows(
        self,
        projection: str,
        cls: type | None = None,
        *,
        account: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[Any]:
        rm = schema.read_models
        query = _payloads(projection, account, start, end).order_by(rm.c.partition, rm.c.ord)
        with self.store.engine.connect() as conn:
            payloads = [r[0] for r in conn.execute(query)]
        return decode_many(cls, payloads)

    def rows_by_day(
        self,
        projection: str,
        cls: type,
        *,
        account: str | None = None,
        start: date | None = None,
        end: date | None = None,
        batch: int = 2_000,
    ) -> Generator[Any, None, None]:
        """A projection's rows in order of their day, decoded a batch at a time as they are read: for a
        caller that wants the first few of many (a page's first lines of a year). Close it when done."""
        rm = schema.read_models
        query = _payloads(projection, account, start, end).order_by(rm.c.day, rm.c.partition, rm.c.ord)
        with self.store.engine.connect() as conn:
            result = conn.execution_options(yield_per=batch).execute(query)
            for chunk in result.partitions():
                yield from decode_many(cls, [r[0] for r in chunk])


def _replace(conn: Any, members: Sequence[str], rows: list[Row], replaces: Replacing | None) -> list[Row]:
    """Delete the stored rows that a group's new rows replace, and number the new rows of the monthly
    projections after those kept: all of the members' rows for a fold from the first event; for a fold that
    went on, what `Replacing` says (and every row of what is open now)."""
    rm = schema.read_models
    if replaces is None:
        # By the index (projection first): the partition alone would scan the whole table per group.
        conn.execute(delete(rm).where(rm.c.projection.in_(PER_PARTITION), rm.c.partition.in_(list(members))))
        return rows
    # A few statements for the whole group, each run over its projections at once (the driver's
    # executemany): each delete is a range of the (projection, partition, ord) index.
    group = members[0]
    from_ords = [*((p, replaces.from_ord[p]) for p in APPENDED), (STATE, replaces.states_from)]
    conn.execute(_DELETE_FROM_ORD, [{"p": p, "g": group, "o": o} for p, o in from_ords])
    remade = [{"p": p, "g": group, "o": o} for p, ords in replaces.ords.items() for o in sorted(ords)]
    if remade:
        conn.execute(_DELETE_ORD, remade)
    conn.execute(_DELETE_FROM_DAY, [{"p": p, "g": group, "d": replaces.from_month} for p in BY_MONTH])
    conn.execute(_DELETE_ALL, [{"p": p, "g": group} for p in CURRENT])
    counted = select(rm.c.projection, func.count()).where(
        rm.c.projection.in_(BY_MONTH), rm.c.partition == group
    )
    kept: dict[str, int] = {p: n for p, n in conn.execute(counted.group_by(rm.c.projection))}
    mine = (rm.c.partition == group,)
    # Roll chains kept whose id numbers moved (a chain formed since from an earlier piece of the same id)
    chains = rm.c.projection == "rolls"
    for ord, chain_id in sorted(replaces.renamed.items()):
        found = conn.execute(select(rm.c.payload).where(chains, *mine, rm.c.ord == ord)).scalar_one_or_none()
        if found is not None and (record := json.loads(found))["id"] != chain_id:
            record["id"] = chain_id
            payload = json.dumps(record)
            conn.execute(update(rm).where(chains, *mine, rm.c.ord == ord).values(payload=payload))
    return [(*r[:5], r[5] + kept.get(r[0], 0), r[6]) if r[0] in BY_MONTH else r for r in rows]


_RM = schema.read_models
_THIS = (_RM.c.projection == bindparam("p"), _RM.c.partition == bindparam("g"))
_DELETE_FROM_ORD = delete(_RM).where(*_THIS, _RM.c.ord >= bindparam("o"))
_DELETE_ORD = delete(_RM).where(*_THIS, _RM.c.ord == bindparam("o"))
_DELETE_FROM_DAY = delete(_RM).where(*_THIS, _RM.c.day >= bindparam("d"))
_DELETE_ALL = delete(_RM).where(*_THIS)
_STATES = (_RM.c.projection == STATE, _RM.c.partition == bindparam("g"))
_KEPT_STATE = select(_RM.c.ord).where(*_STATES).order_by(_RM.c.ord.desc()).limit(1).offset(bindparam("n"))
_PRUNE_STATES = delete(_RM).where(*_STATES, _RM.c.ord < _KEPT_STATE.scalar_subquery())


def _payloads(projection: str, account: str | None, start: date | None, end: date | None) -> Select[Any]:
    """The payloads of a projection's rows, of one account and from `start` to `end` where given."""
    rm = schema.read_models
    query = select(rm.c.payload).where(rm.c.projection == projection)
    if account is not None:
        query = query.where(rm.c.account == account)
    if start is not None:
        query = query.where(rm.c.day >= start)
    if end is not None:
        query = query.where(rm.c.day <= end)
    return query


__all__ = [
    "Cycle",
    "DayFlows",
    "Lot",
    "MonthIncome",
    "ReadModels",
    "RealizedRow",
    "WashSale",
    "day_flows",
    "month_flows",
    "month_income",
    "pending_expiries",
    "project_partition",
]
