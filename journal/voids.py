"""Undo by appending: which events a void takes back, the keys voids get, and how a re-import restores.

A void (`EventVoided`) names the natural key of the event it takes back and is stored in that event's
partition, account and time; a void of a void (a *restore*) gives the event back. Keys are unique in the
store, so the n-th void of a key gets a key of its own, derived from (voided key, n): the voids of any key
are found by their keys, through the unique index, without scanning the journal.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from journal.events import AccountConfigured, Event, EventVoided
from journal.projections import cancelled, live

if TYPE_CHECKING:
    from journal.store import EventStore, StoredEvent

VOID_PREFIX = "void:"
_KEY_CHUNK = 500


def void_key(voided_key: str, earlier: int) -> str:
    """The natural key of a void of `voided_key` that has had `earlier` voids before it (0 for the first):
    45 characters whatever the voided key's length (keys are at most 80)."""
    return VOID_PREFIX + hashlib.sha256(f"{voided_key}\x1f{earlier}".encode()).hexdigest()[:40]


def make_void(target: Event, earlier: int, reason: str, source: Event | None = None) -> EventVoided:
    """The void of `target`, in its partition, account and time (see `EventVoided`)."""
    return EventVoided(
        account=target.account,
        time=target.time,
        key=void_key(target.key, earlier),
        source=source.source if source is not None else None,
        voided_key=target.key,
        reason=reason,
        symbol=target.underlying,
    )


def _read_keys(store: EventStore, keys: Collection[str]) -> list[StoredEvent]:
    ordered = sorted(keys)
    found: list[StoredEvent] = []
    for start in range(0, len(ordered), _KEY_CHUNK):
        found.extend(store.read(keys=ordered[start : start + _KEY_CHUNK]))
    return sorted(found, key=lambda s: s.seq)


def any_voids(store: EventStore) -> bool:
    """Whether the journal holds a void (void keys share a prefix): on SQLite one step down the natural-key
    index, whose order is the bytes'; PostgreSQL orders text by its collation, so there it asks by LIKE."""
    from sqlalchemy import ColumnElement, select

    from journal import schema

    t = schema.events
    key = t.c.natural_key
    where: ColumnElement[bool]
    if store.dialect == "sqlite":
        where = (key >= VOID_PREFIX) & (key < VOID_PREFIX[:-1] + chr(ord(VOID_PREFIX[-1]) + 1))
    else:
        where = key.startswith(VOID_PREFIX, autoescape=True)
    query = select(t.c.seq).where(where)
    with store.engine.connect() as conn:
        return conn.execute(query.limit(1)).first() is not None


def voids_of(store: EventStore, keys: Collection[str]) -> list[StoredEvent]:
    """Every void recorded of these keys, and of their voids in turn (restores), in recorded order: looked up
    by their derived keys, a round per generation (most keys have none, and one round says so)."""
    out: list[StoredEvent] = []
    if not keys or not any_voids(store):
        return out
    pending = dict.fromkeys(keys, 0)  # key -> how many of its voids were found so far
    while pending:
        wanted = {void_key(k, n): k for k, n in pending.items()}
        recorded = store.existing_keys(wanted.keys())
        if not recorded:
            break
        found = _read_keys(store, recorded)
        out.extend(found)
        following = {}
        for stored in found:
            voided = wanted[stored.event.key]
            following[voided] = pending[voided] + 1  # look for its next void
            following[stored.event.key] = 0  # and for voids of this void
        pending = following
    out.sort(key=lambda s: s.seq)
    return out


def voided_now(store: EventStore, keys: Collection[str]) -> tuple[set[str], list[StoredEvent]]:
    """Which of `keys` a void takes back now, and the voids recorded of them (and of those voids)."""
    voids = voids_of(store, keys)
    gone = cancelled(s.event for s in voids)
    return {k for k in keys if k in gone}, voids


# -- choosing what to void -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoidPlan:
    """What `tj void` was asked to take back: the events that count now (`targets`), those of the selection
    a void took back already, and the keys asked for that no recorded event has."""

    asked: str
    targets: list[StoredEvent]
    already_voided: list[StoredEvent]
    missing: list[str]

    def by_type(self) -> dict[str, int]:
        return dict(sorted(Counter(s.event.type_name for s in self.targets).items()))

    def files(self) -> list[tuple[str | None, str | None, int]]:
        """The source files of the targets (name, SHA-256, how many events), in order of name."""
        counts = Counter(
            (s.event.source.file, s.event.source.sha256) if s.event.source else (None, None)
            for s in self.targets
        )
        return sorted(((f, h, n) for (f, h), n in counts.items()), key=lambda x: (x[0] or "", x[1] or ""))

    def span(self) -> tuple[date, date] | None:
        """The first and last economic day of the targets."""
        if not self.targets:
            return None
        days = [s.event.time.date() for s in self.targets]
        return min(days), max(days)


def of_file(stored: Iterable[StoredEvent], name_or_sha256: str) -> list[StoredEvent]:
    """The facts (voids aside) a file brought, by its name or its SHA-256 as their sources give them."""
    wanted = name_or_sha256.strip()
    sha = wanted.lower()
    return [
        s
        for s in stored
        if not isinstance(s.event, EventVoided)
        and s.event.source is not None
        and (s.event.source.file == wanted or s.event.source.sha256 == sha)
    ]


def plan(
    asked: str, selected: Sequence[StoredEvent], gone: Collection[str], missing: Sequence[str] = ()
) -> VoidPlan:
    """Split the selected events into those to void and those a void already took back."""
    return VoidPlan(
        asked,
        [s for s in selected if s.event.key not in gone],
        [s for s in selected if s.event.key in gone],
        list(missing),
    )


def voids_for(
    targets: Sequence[StoredEvent], recorded_voids: Iterable[StoredEvent], reason: str
) -> list[EventVoided]:
    """One new void per target, each keyed by how many voids its target has had."""
    earlier = Counter(s.event.voided_key for s in recorded_voids if isinstance(s.event, EventVoided))
    return [make_void(s.event, earlier[s.event.key], reason) for s in targets]


class NothingToVoid(ValueError):
    """A void asked of nothing: an unknown import id, a file or key no recorded event has."""


def plan_for(
    store: EventStore, *, file: str | None = None, import_id: int | None = None, keys: Sequence[str] = ()
) -> VoidPlan:
    """What voiding a file's events (by name or SHA-256), an import's or some keys' would take back."""
    selected: dict[int, StoredEvent] = {}
    asked = []
    missing: list[str] = []
    if file is not None:
        asked.append(f"file {file}")
        found = of_file(store.read(), file)
        if not found:
            raise NothingToVoid(f"no recorded event comes from a file named {file!r} or with that SHA-256")
        selected.update((s.seq, s) for s in found)
    if import_id is not None:
        asked.append(f"import {import_id}")
        record = next((r for r in store.imports() if r.id == import_id), None)
        if record is None:
            raise NothingToVoid(f"no import {import_id} (see `tj imports`)")
        selected.update((s.seq, s) for s in store.read(seqs=(record.first_seq, record.last_seq)))
    if keys:
        asked.append("key " + ", ".join(keys) if len(keys) < 4 else f"{len(keys)} keys")
        found = _read_keys(store, set(keys))
        missing = sorted(set(keys) - {s.event.key for s in found})
        selected.update((s.seq, s) for s in found)
    chosen = [selected[seq] for seq in sorted(selected)]
    gone, _ = voided_now(store, [s.event.key for s in chosen])
    return plan(" and ".join(asked), chosen, gone, missing)


@dataclass(frozen=True, slots=True)
class Voided:
    """An event a void takes back now, the void that does, and when that void was recorded (UTC)."""

    stored: StoredEvent
    void: EventVoided
    voided_at: datetime


def voided(store: EventStore, account: str | None = None) -> list[Voided]:
    """Each event a void takes back now with the void that does, in the order the events were recorded."""
    voids = [
        (s, s.event) for s in store.read(account, types=(EventVoided,)) if isinstance(s.event, EventVoided)
    ]
    gone = cancelled(void for _, void in voids)
    counting = {void.voided_key: (s, void) for s, void in voids if void.key not in gone}
    targets = _read_keys(store, {k for k in counting if k in gone})
    return [
        Voided(t, counting[t.event.key][1], counting[t.event.key][0].recorded_time)
        for t in targets
        if not isinstance(t.event, EventVoided)
    ]


# -- a re-import gives back what a void took --------------------------------------------------------------


def restores(
    events: Sequence[Event], recorded: Collection[str], voids: Sequence[StoredEvent], file: str
) -> list[EventVoided]:
    """The restores a file's events call for: a fact of the file that is recorded (`recorded`: its key is
    a duplicate) and that a void took back comes back by a void of that void, unless the file itself says
    it does not count (a journal JSONL copy carries its voids)."""
    gone = cancelled(s.event for s in voids)
    if not gone:
        return []
    own = cancelled(e for e in events if isinstance(e, EventVoided))
    counting: dict[str, list[EventVoided]] = {}
    for stored in voids:
        void = stored.event
        assert isinstance(void, EventVoided)
        if void.key not in gone:
            counting.setdefault(void.voided_key, []).append(void)
    earlier = Counter(s.event.voided_key for s in voids if isinstance(s.event, EventVoided))
    out = []
    for ev in events:
        if isinstance(ev, EventVoided) or ev.key not in recorded or ev.key not in gone or ev.key in own:
            continue
        for void in counting.get(ev.key, ()):
            out.append(make_void(void, earlier[void.key], f"restored: {file} imported again", source=ev))
            earlier[void.key] += 1
    return out


# -- what voids change beyond a partition --------------------------------------------------------------------


def horizons(store: EventStore, found: dict[str, date]) -> dict[str, date]:
    """Each account's horizon (`EventStore.horizons`, given as `found`) without the events a void took
    back: an account whose last day held only voided events reaches back to its last event that counts."""
    voids = [s.event for s in store.read(types=(EventVoided,)) if isinstance(s.event, EventVoided)]
    if not voids:
        return found
    gone = cancelled(voids)
    touched = {
        v.account for v in voids if v.voided_key in gone and v.time.date() >= found.get(v.account, date.max)
    }
    if not touched:
        return found
    out = dict(found)
    for account in touched:
        last = _last_counting_day(store, account)
        if last is None:
            out.pop(account, None)
        else:
            out[account] = last
    return out


def accounts(store: EventStore) -> list[str]:
    """`EventStore.accounts` without those whose every event a void took back (their facts, counted, are
    no more than the keys voids took back in them)."""
    names = store.accounts()
    voids = [s.event for s in store.read(types=(EventVoided,))]
    gone = cancelled(voids)
    void_keys = {v.key for v in voids}
    taken: dict[str, set[str]] = {}  # account -> the keys of its facts that voids took back
    for void in voids:
        if isinstance(void, EventVoided) and void.key not in gone and void.voided_key not in void_keys:
            taken.setdefault(void.account, set()).add(void.voided_key)
    return [n for n in names if n not in taken or _facts(store, n) > len(taken[n])]


def _facts(store: EventStore, account: str) -> int:
    """How many events other than voids an account has."""
    from sqlalchemy import func, select

    from journal import schema

    t = schema.events
    query = select(func.count()).where(t.c.account == account, t.c.type != EventVoided.type_name)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def _last_counting_day(store: EventStore, account: str) -> date | None:
    """The day of the account's latest event that counts (settings and voids are no events of its files)."""
    days = [
        s.event.time.date() for s in live(store.read(account)) if not isinstance(s.event, AccountConfigured)
    ]
    return max(days) if days else None
