"""Journals made of fixture files with voids and restores, and the round-trip check both exports must pass:
shared by the property test and its long run (bench/export_round_trip.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from journal.api import Journal
from journal.voids import NothingToVoid
from tests.export.listings import books, periods, without_seq

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.csv"))
FIXTURES = sorted(
    p
    for p in (ROOT / "tests" / "importers" / "fixtures").rglob("*")
    if p.is_file() and not p.name.endswith((".json", ".md"))
)
# Files small enough that a random journal imports in a second or two.
SMALL_FILES = [p for p in [*EXAMPLES, *FIXTURES] if p.stat().st_size < 60_000]

T = TypeVar("T")


class Choices(Protocol):
    """Where a random journal's choices come from: hypothesis (shrinks) or a seeded Random (runs long)."""

    def integer(self, low: int, high: int) -> int: ...
    def flag(self) -> bool: ...
    def one(self, items: Sequence[T]) -> T: ...
    def some(self, items: Sequence[T], low: int, high: int) -> list[T]: ...


def random_journal(url: str, choices: Choices) -> list[str]:
    """Import a few files, then void whole files or a few events and sometimes import a file again (a
    restore); returns what was done, for a failure's report."""
    done: list[str] = []
    files = choices.some(SMALL_FILES, 1, 5)
    journal = Journal(url)
    try:
        for path in files:
            journal.import_files([path])
            done.append(f"import {path.relative_to(ROOT)}")
        for _ in range(choices.integer(0, 3)):
            keys = [s.event.key for s in journal.events()]
            if not keys:
                break
            if choices.flag():
                name = choices.one(files).name
                try:
                    plan = journal.void_plan(file=name)
                except NothingToVoid:  # every fact of it was a lookalike of another file's
                    continue
            else:
                plan = journal.void_plan(keys=choices.some(keys, 1, 5))
            journal.void(plan, "random")
            done.append(f"void {plan.asked}")
            if choices.flag():
                again = choices.one(files)
                journal.import_files([again])
                done.append(f"import again {again.name}")
        assert journal.verify().ok
    finally:
        journal.close()
    return done


def check_round_trip(original: str, fresh: Callable[[], str], folder: Path) -> None:
    """Both exports of `original`, each imported into an empty journal, give its books (the journal CSV's
    events numbered anew), with an intact hash chain."""
    journal = Journal(original)
    try:
        exports = {f: journal.export(folder, f).path for f in ("jsonl", "journal-csv")}
    finally:
        journal.close()
    reports = periods(original, monthly=False)
    expected = books(original, reports)
    for format, path in exports.items():
        url = fresh()
        copy = Journal(url)
        try:
            copy.import_files([path])
            assert copy.verify().ok
        finally:
            copy.close()
        found = books(url, reports)
        if format == "journal-csv":
            assert without_seq(found.pop("events --source")) == without_seq(expected["events --source"])
            found["events --source"] = expected["events --source"]
        assert found == expected, format
