"""`tj export` is the user's backup and way out: a journal of examples and broker fixtures (real exports,
unresolved rows, transfers, voids and a restore) exported as JSON lines and as journal CSV, each imported into
an empty journal, gives the same JSON of every listing and report, byte for byte (SQLite and PostgreSQL);
either export imported into the journal it came from adds nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from journal.api import Journal
from journal.events import SecurityTransferred, Unresolved
from tests.export.journals import EXAMPLES, FIXTURES, ROOT
from tests.export.listings import books, periods, tj_json, without, without_seq


def build(url: str) -> None:
    """Every example and fixture, then voids of a file, of an unresolved row and of a transfer, and a
    file voided and imported again (its facts restored)."""
    journal = Journal(url)
    try:
        for path in [*EXAMPLES, *FIXTURES]:
            journal.import_files([path])
        events = [s.event for s in journal.events()]
        unresolved = next(e for e in events if isinstance(e, Unresolved))
        transfer = next(e for e in events if isinstance(e, SecurityTransferred))
        journal.void(journal.void_plan(file="2024-h2.csv"), "another person's account")
        journal.void(journal.void_plan(keys=[unresolved.key, transfer.key]), "not mine")
        journal.void(journal.void_plan(file="ira-2024.csv"), "wrong --account")
        [again] = journal.import_files([ROOT / "examples" / "ira-2024.csv"])
        assert again.restored == 8
    finally:
        journal.close()


def copy(url: str, export: Path) -> None:
    journal = Journal(url)
    try:
        journal.import_files([export])
        assert journal.verify().ok
    finally:
        journal.close()


def test_both_exports_give_the_same_books_in_an_empty_journal_and_add_nothing_to_their_own(
    db_url: str, fresh_db: Callable[[], str], tmp_path: Path
) -> None:
    build(db_url)
    journal = Journal(db_url)
    try:
        jsonl = journal.export(tmp_path / "out", "jsonl")
        csv = journal.export(tmp_path / "out", "journal-csv")
        stored = journal.store.count()
    finally:
        journal.close()
    assert (jsonl.events, csv.events + csv.left_out) == (stored, stored)
    reports = periods(db_url)
    original = books(db_url, reports)
    voided = tj_json(db_url, "events", "--voided", "--source")
    assert len(json.loads(voided)) == 55 + 2  # the second half-year and the two single events

    from_jsonl = fresh_db()
    copy(from_jsonl, jsonl.path)
    assert books(from_jsonl, reports) == original
    # When each void was recorded is the copy's own time (`recorded_time` is the journal's that records it).
    assert without(tj_json(from_jsonl, "events", "--voided", "--source"), "voided_at") == without(
        voided, "voided_at"
    )

    from_csv = fresh_db()
    copy(from_csv, csv.path)
    copied = books(from_csv, reports)
    # The journal-CSV copy holds only the facts that count, numbered anew: its events differ only in `seq`.
    assert without_seq(copied.pop("events --source")) == without_seq(original.pop("events --source"))
    assert copied == original
    assert json.loads(tj_json(from_csv, "events", "--voided")) == []

    journal = Journal(db_url)
    try:
        done = journal.import_files([jsonl.path, csv.path])
        # Not even a restore: the JSON lines carry their voids, and the journal CSV leaves voided facts out.
        assert [(d.events_added, d.restored, d.import_id) for d in done] == [(0, 0, None), (0, 0, None)]
        assert journal.store.count() == stored
        assert journal.verify().ok
    finally:
        journal.close()
