"""Broker statement importers: each module knows one file format and turns it into journal events.

`detect` picks the importer by the file's content; `by_name` when the user forces one with --format.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from importers import (
    fidelity,
    ibkr_activity,
    ibkr_flex,
    journal_csv,
    journal_jsonl,
    ofx,
    positions_csv,
    prices_csv,
    robinhood,
    schwab,
    tastytrade,
    tastyworks,
)
from importers.base import ImportProblem, ParseResult

IMPORTERS: tuple[ModuleType, ...] = (
    journal_csv,
    journal_jsonl,
    schwab,
    fidelity,
    robinhood,
    tastytrade,
    tastyworks,
    ibkr_activity,
    ibkr_flex,
    ofx,
    positions_csv,
    prices_csv,
)
_HEAD_BYTES = 8192


def by_name(name: str) -> ModuleType | None:
    return next((m for m in IMPORTERS if m.name == name), None)


def names() -> list[str]:
    return [m.name for m in IMPORTERS]


def detect(path: Path) -> ModuleType | None:
    """The importer that recognises this file's content, or None."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    return next((m for m in IMPORTERS if m.identify(path, head)), None)


__all__ = ["IMPORTERS", "ImportProblem", "ParseResult", "by_name", "detect", "names"]
