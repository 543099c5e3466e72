"""The fuzz oracle: what `tj import` must make of any file, judged in process.

A file gives either errors, each an `ImportProblem` naming the file and a line of it (and a column when it
names a value), or events that pass the importers' bounds and then survive what the journal does with them:
stored and read back (their JSON payload), placed (resolutions), folded by every projection of every
partition (`readmodels.project_partition`, the read models' own fold) and written out as every listing's
records. Anything else, an exception above all, is a failure. `check_import` does the same through a real
SQLite journal, for a sample of the cases.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import traceback
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import importers
from importers.base import ImportProblem, ParseResult
from journal.api import ImportFailed, Journal, cash_check, parse_file
from journal.events import Event, Unresolved, event_from_row, payload_json
from journal.gaps import Gap
from journal.projections import economic_order
from journal.projections.cycles import fold_with_cycles
from journal.projections.lots import horizons_of
from journal.projections.positions import open_positions
from journal.projections.risk import assess
from journal.projections.rolls import roll_chains, roll_record
from journal.readmodels import project_partition
from journal.records import (
    assumed_record,
    cycle_record,
    event_record,
    gap_records,
    lot_record,
    position_record,
    realized_record,
    risk_record,
    wash_record,
)
from journal.reports.statements import monthly_statement, year_summary
from journal.store import StoredEvent

ROOT = Path(__file__).resolve().parents[2]
RECORDED = datetime(2026, 1, 1)


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str  # "ok", "refused" (errors, each with its place) or "failure"
    events: int = 0
    unresolved: int = 0
    reason: str = ""  # a failure in one line: the exception, or the error that names no place
    signature: str = ""  # what makes two failures the same bug: the exception's type and innermost frame
    trace: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome == "failure"


class Failure(Exception):
    """The oracle's own finding (an error without a place, an event that does not survive storage)."""


def _lines(data: bytes) -> int:
    return len(re.findall(rb"\r\n|\r|\n", data)) + 1


def placeless(problems: Sequence[object], file: str, data: bytes) -> str | None:
    """What is wrong with the first error that does not name the file and a line of it (or has no message);
    None when every error does. (Whether a cell's error names its column is the importers' own tests'
    business: from outside, an error about a cell cannot be told from one about the file's layout.)"""
    last = _lines(data)
    for problem in problems:
        if not isinstance(problem, ImportProblem):
            return f"an error that names no file and line: {problem!s:.200}"
        if problem.file != file:
            return f"an error naming file {problem.file!r}, not {file!r}: {problem!s:.200}"
        if not 1 <= problem.line <= last:
            return f"an error naming line {problem.line} of a file of {last} lines: {problem!s:.200}"
        if not problem.message.strip():
            return f"an error without a message: {problem!s:.200}"
    return None


def _signature(exc: BaseException) -> str:
    """The exception's type and the innermost frame in tj's own code (journal/, importers/)."""
    where = "?"
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] in ("journal", "importers"):
            where = f"{path.relative_to(ROOT)}:{frame.name}"
    return f"{type(exc).__name__} in {where}"


def _normal(message: str) -> str:
    """A message with its values taken out, to tell one failure from another."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|-?\d[\d.,:E+-]*", "…", message)[:120]


def _trace(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-4:]
    return "".join(traceback.format_list(frames)) + f"{type(exc).__name__}: {str(exc)[:300]}"


def _failure_of(exc: BaseException) -> Verdict:
    if isinstance(exc, Failure):
        return Verdict("failure", reason=str(exc), signature=_normal(str(exc)))
    return Verdict(
        "failure",
        reason=f"{type(exc).__name__}: {str(exc)[:200]}",
        signature=_signature(exc),
        trace=_trace(exc),
    )


# -- the checks ------------------------------------------------------------------------------------------


def _bounds() -> Callable[[str, Sequence[Event]], list[ImportProblem]] | None:
    """The importers' final check of every parsed event (`importers.bounds.check_events`), where it exists
    (`parse_file` applies it too: checking twice costs little and keeps the oracle honest)."""
    try:
        from importers import bounds  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(bounds, "check_events", None)


def _refused(problems: Sequence[object], path: Path, data: bytes) -> Verdict:
    wrong = placeless(problems, path.name, data)
    if wrong:
        return Verdict("failure", reason=wrong, signature="placeless: " + _normal(wrong))
    return Verdict("refused")


def _placed(result: ParseResult) -> list[ImportProblem]:
    """`Journal._place_resolutions` as on an empty journal: only the file's own events can be resolved."""
    nothing = SimpleNamespace(store=SimpleNamespace(read=lambda **_: []))
    return Journal._place_resolutions(nothing, result)  # type: ignore[arg-type]


def _stored(ev: Event) -> None:
    """The event as the store writes it and reads it back: the same event."""
    if not ev.key:
        raise Failure(f"{ev.type_name} without a natural key")
    back = event_from_row(ev.type_name, ev.account, ev.time, ev.key, json.loads(payload_json(ev)), ev.source)
    if back != ev:
        raise Failure(f"{ev.type_name} read back from the store is not the event written: {back!r:.200}")


def fold(events: Sequence[Event], today: date) -> None:
    """Every projection of every partition, as the read models fold them, and every listing's records."""
    stored = [StoredEvent(i + 1, RECORDED, ev) for i, ev in enumerate(events)]
    ordered = economic_order(stored)
    horizons = horizons_of(ordered)
    partitions: dict[str, list[Event]] = defaultdict(list)
    for ev in ordered:
        partitions[ev.underlying or ""].append(ev)
    for partition, evs in partitions.items():
        project_partition(partition, evs, {}, today, horizons)
    books, cycles = fold_with_cycles(ordered, {}, today)
    lots = books.lots()
    records: list[Any] = [lot_record(lot) for lot in lots]
    records += [realized_record(row) for row in books.realized]
    records += [wash_record(wash) for wash in books.washes.washes]
    records += [cycle_record(cycle) for cycle in cycles]
    records += [assumed_record(assumed) for assumed in books.assumed]
    positions = open_positions(lots)
    records += [position_record(p, today) for p in positions]
    records.append(risk_record(assess(positions, Decimal(100_000), Decimal(3), {})))
    records += [event_record(s) for s in stored]
    records += [roll_record(chain) for chain in roll_chains(ordered)]
    gaps = [Gap(ev) for ev in ordered if isinstance(ev, Unresolved)]
    records += gap_records(gaps, books.assumed, [])
    json.dumps(records, default=str)


# A positions CSV is also what `tj import --opening DATE` reads, as the journal's opening positions.
OPENING = {"positions-csv": date(2020, 1, 2)}


def check_file(path: Path, format: str, today: date) -> Verdict:
    """The in-process oracle: parse as `tj import --format` does (and as `--opening` does, for a format
    that has it), then check the errors or the events."""
    verdict = _check_parse(path, format, today, None)
    if format in OPENING and not verdict.failed:
        opening = _check_parse(path, format, today, OPENING[format])
        if opening.failed:
            return replace(opening, reason=f"with --opening {OPENING[format]}: {opening.reason}")
    return verdict


def _check_parse(path: Path, format: str, today: date, opening: date | None) -> Verdict:
    data = path.read_bytes()
    try:
        importers.detect(path)  # recognising a file must not fail either, nor its start alone
        for cut in (1, 3, 4, len(data) // 7, len(data) // 2):
            head = data[:cut].decode("utf-8", errors="replace")
            for importer in importers.IMPORTERS:
                importer.identify(path, head)
        try:
            _, result = parse_file(path, format, opening=opening)
        except ImportFailed as failed:
            return _refused(failed.problems, path, data)
        if result.errors:
            return _refused(result.errors, path, data)
        bounds = _bounds()
        if bounds is not None and (problems := bounds(path.name, result.events)):
            return _refused(problems, path, data)
        if problems := _placed(result):
            return _refused(problems, path, data)
        cash_check(path.name, result)
        for ev in result.events:
            _stored(ev)
        fold(result.events, today)
    except Exception as exc:  # the oracle's point: any exception is a finding
        return _failure_of(exc)
    return Verdict("ok", len(result.events), result.unresolved)


def template_journal(directory: Path) -> Path:
    """An empty SQLite journal, migrated once, copied for each sampled import."""
    path = directory / "template.sqlite"
    if not path.exists():
        Journal(f"sqlite:///{path}").close()
    return path


def import_and_list(journal: Journal, files: Sequence[tuple[Path, str]], today: date) -> Verdict:
    """Files (path, format) imported into a real journal, then every listing and the reports of the
    first and last events' months and years read from it, and the hash chain verified."""
    try:
        try:
            for path, format in files:
                journal.import_files([path], format=format)
        except ImportFailed as failed:
            return _refused(failed.problems, path, path.read_bytes())
        events = [s.event for s in journal.events()]
        [lot_record(lot) for lot in journal.lots()]
        [realized_record(row) for row in journal.realized()]
        [cycle_record(cycle) for cycle in journal.cycles()]
        [position_record(p, today) for p in journal.positions()]
        journal.rolls()
        for ev in events[:1] + events[-1:]:
            monthly_statement(journal, f"{ev.time:%Y-%m}")
            year_summary(journal, ev.time.year)
        if not journal.verify().ok:
            raise Failure("tj verify fails after the import")
        return Verdict("ok", len(events), sum(isinstance(e, Unresolved) for e in events))
    except Exception as exc:
        return _failure_of(exc)


def check_import(path: Path, format: str, template: Path, today: date) -> Verdict:
    """`import_and_list` of one file into a new SQLite journal (a copy of `template_journal`)."""
    db = path.with_name(path.name + ".sqlite")
    shutil.copyfile(template, db)
    journal = Journal(f"sqlite:///{db}")
    try:
        return import_and_list(journal, [(path, format)], today)
    finally:
        journal.close()
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()


def check_commands(path: Path, format: str) -> Verdict:
    """The file imported by the real `tj import` into a new SQLite journal, then every read command and
    report of `tj` in every format (`tests.robustness.journals.read_everything`): each ends with its output
    or a message, exit 0 or 1, never a crash."""
    from tests.robustness.journals import Runner, read_everything

    with tempfile.TemporaryDirectory(prefix="tj-fuzz-commands-") as tmp:
        folder = Path(tmp)
        run = Runner(f"sqlite:///{folder / 'journal.sqlite'}", folder)
        imported = run("import", str(path), "--format", format)
        outcomes = [imported] if imported.broken() else [imported, *read_everything(run, folder)]
        for outcome in outcomes:
            why = outcome.broken()
            if why:
                command = "tj " + " ".join(outcome.args)
                last = [line for line in why.splitlines() if line.strip()][-1:] or [why]
                return Verdict(
                    "failure",
                    reason=f"{command}: {why.splitlines()[0]}",
                    signature=f"tj {outcome.args[0]}: {_normal(last[0])}",
                    trace=why[-3000:],
                )
    return Verdict("ok" if imported.exit_code == 0 else "refused")


def minimize(data: bytes, still_fails: Callable[[bytes], bool], budget: int = 400) -> bytes:
    """The fewest lines (first line kept, for the header) that still fail the same way: delta debugging
    over lines, within `budget` tries."""
    lines = data.splitlines(keepends=True)
    chunk = max(1, len(lines) // 2)
    tries = 0
    while chunk >= 1 and tries < budget:
        i, removed = 1, False
        while i < len(lines) and tries < budget:
            candidate = lines[:i] + lines[i + chunk :]
            tries += 1
            if still_fails(b"".join(candidate)):
                lines, removed = candidate, True
            else:
                i += chunk
        if not removed:
            chunk //= 2
    return b"".join(lines)
