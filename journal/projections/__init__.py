"""Projections: pure folds of the time-ordered event stream into books (lots, cycles, rolls, cash).

They do no I/O; `economic_order` is the one place that decides in what order facts happened, and `cancelled`
the one that decides which facts a void took back; it also gives every event in USD
(`journal.currency.in_usd`, at the rate the row gives), so that no fold reads an amount in another currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from journal.currency import in_usd
from journal.events import Event, EventVoided, Resolved

if TYPE_CHECKING:
    from journal.store import StoredEvent


def _order_key(stored: StoredEvent) -> tuple:
    # DESIGN: economic time, then the broker's own sequence (the file and its line), never import order;
    # the store sequence only breaks ties between otherwise identical positions.
    ev = stored.event
    src = ev.source
    return (ev.time, src.sha256 if src else "", src.line if src else 0, stored.seq)


def cancelled(events: Iterable[Event]) -> set[str]:
    """The keys that no longer count, given events in the order they were recorded (only their voids
    matter): a void counts unless a void that counts names it (a void of a void restores its event). The
    latest decide first, since a void can only name what was recorded before it."""
    gone: set[str] = set()
    for void in reversed([e for e in events if isinstance(e, EventVoided)]):
        if void.key not in gone:
            gone.add(void.voided_key)
    return gone


def _voids_in_recorded_order(stored: Iterable[StoredEvent]) -> list[Event]:
    found = [s for s in stored if isinstance(s.event, EventVoided)]
    found.sort(key=lambda s: s.seq)
    return [s.event for s in found]


def live(stored: Iterable[StoredEvent]) -> list[StoredEvent]:
    """The events that count, in the order given: those no void took back, without the voids themselves."""
    stored = list(stored)
    gone = cancelled(_voids_in_recorded_order(stored))
    return [s for s in stored if not isinstance(s.event, EventVoided) and s.event.key not in gone]


def economic_order(stored: Iterable[StoredEvent]) -> list[Event]:
    """The events in the order they happened, without those a void took back (and the voids) and without
    the unresolved rows that journal-CSV rows resolved, each in USD (`in_usd`: the same object when it is).
    A void and a `Resolved` share the partition and time of the event they name, so any window that reads the
    one reads the other."""
    ordered = sorted(stored, key=_order_key)
    voids: list[StoredEvent] = []
    resolutions: list[Resolved] = []
    for s in ordered:
        if isinstance(s.event, EventVoided):
            voids.append(s)
        elif isinstance(s.event, Resolved):
            resolutions.append(s.event)
    if not voids and not resolutions:
        return [in_usd(s.event) for s in ordered]
    gone = cancelled(_voids_in_recorded_order(voids))
    gone.update(r.resolved_key for r in resolutions if r.key not in gone)
    return [
        in_usd(s.event) for s in ordered if s.event.key not in gone and not isinstance(s.event, EventVoided)
    ]
