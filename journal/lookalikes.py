"""Facts that arrive twice under different keys: the same trade exported by one broker as OFX and as CSV, with
no shared transaction id. They are not doubled silently: an import reports them and leaves them out unless
told to keep them.

Two events look alike when they say the same thing (type, account, day, every field but notes and ids) and
come from different files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from journal.events import Event, payload

_IDENTITY = ("note", "broker_id", "order_id", "lot_ref")


def signature(event: Event) -> tuple[Any, ...]:
    fields = tuple(sorted((k, str(v)) for k, v in payload(event).items() if k not in _IDENTITY))
    return (event.type_name, event.account, event.time.date(), fields)


def find_lookalikes(new: Sequence[Event], recorded: Iterable[Event]) -> list[tuple[Event, Event]]:
    """Pairs (new event, recorded event of another file saying the same); each recorded one used once."""
    sha = {e.source.sha256 for e in new if e.source}
    pool: dict[tuple[Any, ...], list[Event]] = defaultdict(list)
    for event in recorded:
        if event.source is None or event.source.sha256 not in sha:
            pool[signature(event)].append(event)
    if not pool:
        return []  # nothing recorded in the window from another file: no signature of the new ones is needed
    pairs = []
    for event in new:
        twins = pool.get(signature(event))
        if twins:
            pairs.append((event, twins.pop(0)))
    return pairs
