"""Projections: pure folds of the time-ordered event stream into books (lots, cycles, rolls, cash).

They do no I/O; `economic_order` is the one place that decides in what order facts happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from journal.events import Event, EventVoided, Resolved

if TYPE_CHECKING:
    from journal.store import StoredEvent


def _order_key(stored: StoredEvent) -> tuple:
    # DESIGN: economic time, then the broker's own sequence (the file and its line), never import order;
    # the store sequence only breaks ties between otherwise identical positions.
    ev = stored.event
    src = ev.source
    return (ev.time, src.sha256 if src else "", src.line if src else 0, stored.seq)


def economic_order(stored: Iterable[StoredEvent]) -> list[Event]:
    """The events in the order they happened, without those a later `EventVoided` cancelled and without the
    unresolved rows that journal-CSV rows resolved (a `Resolved` shares its unresolved row's partition and
    time, so any window that reads the one reads the other)."""
    ordered = sorted(stored, key=_order_key)
    gone = {
        s.event.voided_key if isinstance(s.event, EventVoided) else s.event.resolved_key
        for s in ordered
        if isinstance(s.event, EventVoided | Resolved)
    }
    if not gone:
        return [s.event for s in ordered]
    return [s.event for s in ordered if s.event.key not in gone and not isinstance(s.event, EventVoided)]
