"""What the journal knows it does not know, said wherever it may touch a figure.

An unresolved row marks the underlyings it names as incomplete from its date (a row naming no security, the
account's cash). A listing flags its affected records (`"incomplete": true` in JSON, a notice at the top of a
table); a report carries `incomplete` (the underlyings, each from its date) and `incomplete_notice`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from journal.events import Resolved, Unresolved


@dataclass(frozen=True, slots=True)
class Gap:
    """An unresolved row and, once journal-CSV rows said what it meant, the resolution."""

    event: Unresolved
    resolution: Resolved | None = None


CASH = ""  # the partition of rows naming no security: they touch the account's cash


def touching(
    incomplete: Mapping[str, date], underlyings: Iterable[str] | None, end: date | None
) -> dict[str, date]:
    """The incomplete underlyings among `underlyings` (None: all) whose gap began by `end` (None: ever);
    a gap that began before a period still touches it, since what it changed carries forward."""
    wanted = None if underlyings is None else set(underlyings) | {CASH}
    return {
        symbol: since
        for symbol, since in sorted(incomplete.items())
        if (wanted is None or symbol in wanted) and (end is None or since <= end)
    }


def notice(touched: Mapping[str, date]) -> str | None:
    """One line for the top of a page, or None when nothing is touched."""
    if not touched:
        return None
    named = ", ".join(f"{s or 'cash'} from {d.isoformat()}" for s, d in touched.items())
    return (
        f"Incomplete: unresolved rows may change these figures ({named}); "
        "see `tj unresolved` for each row and how to resolve it."
    )


def mark(data: dict[str, Any], touched: Mapping[str, date]) -> dict[str, Any]:
    """A report's data with its gaps: `incomplete` (JSON) and `incomplete_notice` (every format's top)."""
    if touched:
        data["incomplete"] = [{"underlying": s or None, "from": d.isoformat()} for s, d in touched.items()]
        data["incomplete_notice"] = notice(touched)
    return data


def flag(records: list[dict[str, Any]], incomplete: Mapping[str, date], day_field: str | None = None) -> int:
    """Set `"incomplete": true` on each record whose underlying is incomplete (by its `day_field` date or
    later, when given: a lot closed before the gap began is not touched by it); returns how many."""
    count = 0
    for record in records:
        since = incomplete.get(record.get("underlying") or "")
        if since is None:
            continue
        day = record.get(day_field) if day_field else None
        if day is None or date.fromisoformat(str(day)[:10]) >= since:
            record["incomplete"] = True
            count += 1
    return count
