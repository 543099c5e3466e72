"""The Python API: everything `tj` does, as methods of a `Journal` opened on a database URL.

The CLI only parses arguments and prints what these methods return.

A query of an existing SQLite journal whose read models are fresh reads them without SQLAlchemy
(`journal.quickread`); the store (and the read models' refresh) open on the first query that needs them, and
any other journal is opened, and migrated, by `Journal(url)` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.events import (
    AccountConfigured,
    CashReported,
    Event,
    EventVoided,
    PositionReported,
    Resolved,
    SecurityTransferred,
    SourceRef,
    Unresolved,
    content_digest,
    paused_gc,
    payload_json,
)
from journal.gaps import Gap
from journal.money import ZERO
from journal.projections import economic_order, live
from journal.projections.covered_calls import CoveredCall
from journal.projections.lots import AssumedExpiry, Lot, RealizedRow
from journal.projections.wash_sales import WashSale
from journal.quickread import QuickRead
from journal.stored import ImportOrigin, default_url
from journal.tax import BASIS_REPORTING, DEFAULT_POLICY, LOT_METHODS, AccountPolicy

# What a query of a fresh journal does not need is loaded by the methods that need it (SQLAlchemy and the
# store, the read models' refresh, the replay, the folds): `tj lots` loads only the lots' classes.
if TYPE_CHECKING:
    from importers import ImportProblem, ParseResult
    from journal import voids
    from journal.export import Exported
    from journal.partition import DayFlows, MonthIncome
    from journal.projections.capital import CapitalStep
    from journal.projections.cycles import Cycle
    from journal.projections.income import RealizedTotals
    from journal.projections.lots import Books
    from journal.projections.positions import Position
    from journal.projections.reconcile import Reconciliation
    from journal.projections.risk import RiskReport
    from journal.readmodels import ReadModels
    from journal.replay import Replay
    from journal.sources import SourceRow
    from journal.store import AppendResult, EventStore, ImportRecord, StoredEvent, VerifyReport
    from journal.voids import VoidPlan


class ImportFailed(Exception):
    """Input the importers could not read exactly; nothing was written."""

    def __init__(self, problems: Sequence[ImportProblem | str]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class FileImport:
    file: str
    format: str
    events_added: int
    duplicates: int
    lookalikes: list[tuple[Event, Event]] = field(default_factory=list)
    unresolved: int = 0  # rows of the file kept as Unresolved events (new or already recorded)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None  # the import's id (`tj imports`, `tj void --import`); None: nothing added
    restored: int = 0  # facts of the file a void had taken back, given back by this import (`journal.voids`)


@dataclass(slots=True)
class ImportPreview:
    """What importing one file would do (`Journal.import_preview`): nothing written."""

    file: str
    format: str | None  # the importer that reads it; None: none does
    read: int = 0  # events the file gives
    new: list[Event] = field(default_factory=list)  # those the import would add, in the file's order
    duplicates: int = 0  # recorded already (or by an earlier file of the same import)
    lookalikes: int = 0  # recorded from another file under other keys: left out
    restores: int = 0  # facts a void had taken back, given back
    unresolved: list[Unresolved] = field(default_factory=list)  # rows kept as unresolved events
    errors: list[ImportProblem | str] = field(default_factory=list)  # any: the import is refused whole
    warnings: list[str] = field(default_factory=list)


def cash_check(file: str, result: ParseResult) -> list[ImportProblem]:
    """The file checks itself: per account, the broker's amounts added up over the file beside the cash
    its events move in the journal. They are equal when every row was read for what the broker booked; a
    difference is said (never refused), naming the account and both sums."""
    from importers import ImportProblem
    from journal.projections.cycles import flow_of

    if result.booked is None:
        return []
    held = _held_flows(result.events)
    moved: dict[str, Decimal] = {}
    for ev in result.events:
        moved[ev.account] = moved.get(ev.account, ZERO) + (held.get(id(ev)) or flow_of(ev)).cash
    return [
        ImportProblem(
            file,
            0,
            None,
            None,
            f"account {account}: the file's amounts add up to {booked} but its events move "
            f"{moved.get(account, ZERO)} in the journal; please report this with the file",
        )
        for account, booked in sorted(result.booked.items())
        if booked != moved.get(account, ZERO)
    ]


def _deltas(on_progress: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """The store's append tells the rows written so far in its file; a progress bar takes the rows since."""
    if on_progress is None:
        return None
    done = 0

    def tell(total: int) -> None:
        nonlocal done
        on_progress(total - done)
        done = total

    return tell


def _held_flows(events: Sequence[Event]) -> dict[int, Any]:
    """The flows of a file's events whose cash depends on what was held (a cash merger, a cash settlement:
    `cycles.flow_of`), from the file's own events folded in order; none to fold in most files."""
    from journal.events import OptionCashSettled, StockMerged
    from journal.projections.cycles import CycleFold

    if not any(isinstance(e, OptionCashSettled) or isinstance(e, StockMerged) and e.cash for e in events):
        return {}
    fold = CycleFold(horizons={})
    for ev in sorted(events, key=lambda e: (e.time, e.source.line if e.source else 0)):
        if not isinstance(ev, Unresolved | Resolved | EventVoided):
            fold.apply(ev)
    return dict(fold.flows)


def _origin(path: Path, format: str, events: Sequence[Event]) -> ImportOrigin:
    """The file an import came from: its SHA-256 as its events' sources give it (the importer hashed it),
    and its bytes to keep, read again here: when they no longer hash to what was parsed (the file changed on
    the disk meanwhile), the text is not kept rather than kept wrong."""
    from importers.base import FileInfo

    now = FileInfo.read(path)
    sha256 = next((e.source.sha256 for e in events if e.source and e.source.file == path.name), now.sha256)
    return ImportOrigin(path.name, sha256, format, now.data if now.sha256 == sha256 else None)


def parse_file(
    path: Path, format: str | None = None, account: str | None = None, opening: date | None = None
) -> tuple[str, ParseResult]:
    """Parse one file with the importer named by `format`, else the one that recognises its content; with
    `opening`, a positions file as the journal's opening positions on that day."""
    import importers
    from importers import ImportProblem
    from importers.bounds import checked

    if not path.is_file():
        raise ImportFailed([ImportProblem(str(path), 0, None, None, "no such file")])
    if format is not None:
        importer = importers.by_name(format)
        if importer is None:
            raise ImportFailed([f"unknown format {format!r} (known: {', '.join(importers.names())})"])
    else:
        importer = importers.detect(path)
        if importer is None:
            raise ImportFailed(
                [
                    ImportProblem(
                        path.name,
                        1,
                        None,
                        None,
                        f"no importer recognises this file (tried: {', '.join(importers.names())})",
                    )
                ]
            )
    if opening is not None:
        from importers import positions_csv

        if importer is not positions_csv:
            raise ImportFailed([f"{path.name}: --opening reads a positions CSV (see `tj formats`)"])
        return importer.name, checked(path.name, positions_csv.parse_opening(path, account, opening))
    # The net under every importer: every field of every event within its bound (importers/bounds.py).
    return importer.name, checked(path.name, importer.parse(path, account))


def _former_ids(cycle: Cycle) -> set[str]:
    """The ids the cycle would have under the symbols it had (`XYZ-20240102` once it is `XYZN-20240102`)."""
    suffix = cycle.id[len(cycle.underlying) :].upper()
    return {f"{symbol}{suffix}".upper() for symbol in cycle.formerly}


class Journal:
    """One journal: an event store and the books projected from it."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self._store: EventStore | None = None
        self._read_models: ReadModels | None = None
        # An existing SQLite journal at the current schema is read without SQLAlchemy while its read models
        # are fresh (`journal.quickread`), and its store opened on the first query that needs it; any other
        # journal is opened (and migrated) now.
        self._quick = QuickRead.open(self.url)
        if self._quick is None:
            self._open()

    def _open(self) -> EventStore:
        if self._store is None:
            from journal.readmodels import ReadModels
            from journal.store import EventStore

            self._store = EventStore(self.url)
            self._read_models = ReadModels(self._store, self.policies)
        return self._store

    @property
    def store(self) -> EventStore:
        """The event store (opened, with SQLAlchemy, when first asked for)."""
        return self._open()

    @property
    def read_models(self) -> ReadModels:
        """The read models (brought up to date by each query that reads them through the store)."""
        self._open()
        assert self._read_models is not None
        return self._read_models

    def close(self) -> None:
        if self._quick is not None:
            self._quick.close()
        if self._store is not None:
            self._store.close()

    # -- writing ----------------------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path],
        format: str | None = None,
        account: str | None = None,
        keep_lookalikes: bool = False,
        strict: bool = False,
        opening: date | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[FileImport]:
        """Import files: every file is parsed first, and if any has an error nothing at all is written;
        then each file lands in its own transaction, adding only facts not already recorded. A fact that
        another file already recorded under another key (the same trade from a broker's OFX and CSV) is
        reported and left out, unless `keep_lookalikes`. Rows tj does not model are kept as unresolved
        events; `strict` refuses a file that has any (for scripts that want every row understood).
        `on_progress`: called with the number of events written since its last call (a progress bar's)."""
        from importers import ImportProblem

        parsed = [(path, *parse_file(path, format, account, opening)) for path in paths]
        problems: list[ImportProblem | str] = [p for _, _, result in parsed for p in result.errors]
        if strict:
            problems += [
                ImportProblem(
                    e.source.file if e.source else path.name,
                    e.source.line if e.source else 0,
                    None,
                    None,
                    f"not understood: {e.reason} (--strict refuses it)",
                )
                for path, _, result in parsed
                for e in result.events
                if isinstance(e, Unresolved)
            ]
        if not problems:
            problems += [p for _, _, result in parsed for p in self._place_resolutions(result)]
        if problems:
            raise ImportFailed(problems)
        done = []
        for path, name, result in parsed:
            result.warnings.extend(cash_check(path.name, result))
            # The file's keys already recorded, looked up once: for the lookalikes and the restores.
            recorded = (
                self.store.existing_keys({e.key for e in result.events}) if self.store.last_seq() else set()
            )
            events, lookalikes = result.events, self._lookalikes(result.events, recorded)
            if lookalikes and not keep_lookalikes:
                left_out = {id(new) for new, _ in lookalikes}
                events = [e for e in events if id(e) not in left_out]
            restores = self._restores(path.name, events, recorded)
            appended = self.store.append(
                [*events, *restores], origin=_origin(path, name, events), on_progress=_deltas(on_progress)
            )
            done.append(
                FileImport(
                    path.name,
                    name,
                    appended.added - len(restores),
                    appended.duplicates,
                    lookalikes,
                    result.unresolved,
                    [str(w) for w in result.warnings],
                    appended.import_id,
                    len(restores),
                )
            )
        # The read models catch up on the next query, recomputing only the partitions these files touched:
        # a bulk import of many files pays for the projections once, not once per file.
        return done

    def import_preview(
        self, paths: Sequence[Path], format: str | None = None, account: str | None = None
    ) -> list[ImportPreview]:
        """What `import_files(paths, format, account)` would do, file by file, writing nothing (the import
        page of `tj serve`): the same parsing, resolutions and cash check, the same keys looked up
        (duplicates, lookalikes left out, restores). A file that cannot be read has its errors and adds
        nothing; `import_files` would refuse every file then."""
        out: list[ImportPreview] = []
        taken: set[str] = set()  # keys that earlier files of the import would add
        anything = self.store.last_seq() > 0
        for path in paths:
            try:
                name, result = parse_file(path, format, account)
            except ImportFailed as failed:
                out.append(ImportPreview(path.name, None, errors=list(failed.problems)))
                continue
            preview = ImportPreview(path.name, name, read=len(result.events))
            preview.errors = [*result.errors] or [*self._place_resolutions(result)]
            preview.warnings = [str(w) for w in [*result.warnings, *cash_check(path.name, result)]]
            preview.unresolved = [e for e in result.events if isinstance(e, Unresolved)]
            out.append(preview)
            if preview.errors:
                continue
            recorded = self.store.existing_keys({e.key for e in result.events}) if anything else set()
            events, lookalikes = result.events, self._lookalikes(result.events, recorded)
            if lookalikes:
                left_out = {id(new) for new, _ in lookalikes}
                events = [e for e in events if id(e) not in left_out]
            preview.lookalikes = len(lookalikes)
            preview.restores = len(self._restores(path.name, events, recorded))
            seen = recorded | taken
            for ev in events:
                if ev.key not in seen:
                    seen.add(ev.key)
                    preview.new.append(ev)
            preview.duplicates = len(events) - len(preview.new)
            taken.update(e.key for e in preview.new)
        return out

    def _restores(self, file: str, events: Sequence[Event], recorded: set[str]) -> list[EventVoided]:
        """Re-importing a file gives back its facts that a void took: a void of each such void (a restore),
        appended with the file's events (`recorded`: those of their keys already recorded). Nothing to look
        up when none is."""
        from journal import voids

        recorded = {e.key for e in events if e.key in recorded and not isinstance(e, EventVoided)}
        if not recorded:
            return []
        return voids.restores(events, recorded, voids.voids_of(self.store, recorded), file)

    def _place_resolutions(self, result: ParseResult) -> list[ImportProblem]:
        """Give each `Resolved` of a parsed file the partition and time of the event it names (an unresolved
        row, a transfer whose basis was missing; the importer cannot know them), or say which key names
        nothing recorded."""
        from importers import ImportProblem

        wanted = {e.resolved_key for e in result.events if isinstance(e, Resolved)}
        if not wanted:
            return []
        found: dict[str, Event] = {s.event.key: s.event for s in self.store.read(keys=wanted)}
        found.update((e.key, e) for e in result.events if e.key in wanted)
        problems = []
        for i, ev in enumerate(result.events):
            if not isinstance(ev, Resolved):
                continue
            target = found.get(ev.resolved_key)
            if target is None:
                src = ev.source
                problems.append(
                    ImportProblem(
                        src.file if src else "?",
                        src.line if src else 0,
                        "resolves",
                        ev.resolved_key,
                        "no recorded event has this key (see `tj unresolved --all`)",
                    )
                )
                continue
            result.events[i] = replace(ev, symbol=target.underlying, time=target.time, account=target.account)
        return problems

    def unresolved(self, include_resolved: bool = False, account: str | None = None) -> list[Gap]:
        """Every unresolved row (and, with `include_resolved`, those journal-CSV rows resolved), oldest first,
        each with its resolution when it has one."""
        stored = live(self.store.read(account, types=(Unresolved, Resolved, EventVoided)))
        resolved = {s.event.resolved_key: s.event for s in stored if isinstance(s.event, Resolved)}
        gaps = [
            Gap(s.event, resolved.get(s.event.key))
            for s in stored
            if isinstance(s.event, Unresolved) and (include_resolved or s.event.key not in resolved)
        ]
        return sorted(gaps, key=lambda g: (g.event.time, g.event.key))

    def assumed_expiries(self, account: str | None = None) -> list[AssumedExpiry]:
        """Options the books expired by themselves (open past expiry, no closing row in any file)."""
        return self._rows("assumed", AssumedExpiry, account=account)

    def basis_missing(self, account: str | None = None) -> list[SecurityTransferred]:
        """Transfers in without a basis that no journal-CSV row has given one yet (open or sold since)."""
        stored = self.store.read(account, types=(SecurityTransferred, Resolved, EventVoided))
        return [
            ev
            for ev in economic_order(stored)
            if isinstance(ev, SecurityTransferred) and (ev.quantity > 0 or ev.opening) and ev.basis is None
        ]

    def incomplete(self, account: str | None = None) -> dict[str, date]:
        """The underlyings whose figures an unresolved row may make wrong, each from its first such row's
        date ("" for rows that name no security: the account's cash). Assumed expiries and lots without a
        basis are counted by `tj unresolved` but mark nothing: their figures are what tj shows, named so."""
        out: dict[str, date] = {}
        for row in self._rows("unresolved", account=account):  # a read model: no scan of the events
            day = date.fromisoformat(row["day"])
            for symbol in row["symbols"] or ("",):
                if symbol not in out or day < out[symbol]:
                    out[symbol] = day
        return out

    def _lookalikes(self, events: Sequence[Event], recorded_keys: set[str]) -> list[tuple[Event, Event]]:
        """The file's new facts that another file recorded under other keys (`recorded_keys`: the file's
        keys already recorded)."""
        from journal.lookalikes import find_lookalikes

        if not events or not self.store.last_seq():
            return []
        keys = {e.key for e in events}
        new = [e for e in events if e.key not in recorded_keys]
        if not new:
            return []
        first, last = min(e.time for e in new), max(e.time for e in new)
        recorded = self.store.read(partitions={e.underlying or "" for e in new}, between=(first, last))
        return find_lookalikes(new, [s.event for s in live(recorded) if s.event.key not in keys])

    def rebuild(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Recompute every read model from the events (in parallel); returns the number of rows written.
        `on_progress`: called with the number of events folded, a group at a time (a progress bar's)."""
        return self.read_models.rebuild(on_progress=on_progress)

    # -- reading ----------------------------------------------------------------------------------

    def events(self, account: str | None = None) -> list[StoredEvent]:
        """The events that count, in the order they were recorded: none a void took back, and no voids."""
        return live(self.store.read(account))

    def source_row(self, source: SourceRef) -> SourceRow | None:
        """The text of the file's row an event was read from, as the journal keeps the file (migration
        0006); None for a file imported before tj kept files (`keep_source` keeps it)."""
        from journal.sources import source_row

        lines = partial(self.store.source_lines, source.sha256)
        return source_row(source.file, source.sha256, source.line, lines)

    def keep_source(self, path: Path) -> int | None:
        """Keep the text of a file the journal's events came from, importing nothing (for a journal whose
        files a tj before migration 0006 imported: importing such a file again would also give back what a
        void took from it). Returns the lines kept (0: kept already), None when no event came from it."""
        from importers.base import FileInfo

        info = FileInfo.read(path)
        return self.store.keep_text(ImportOrigin(info.name, info.sha256, None, info.data))

    def voided(self, account: str | None = None) -> list[voids.Voided]:
        """Each event a void takes back now, with that void (its recorded time and reason), in the order the
        events were recorded."""
        from journal import voids

        return voids.voided(self.store, account)

    def accounts(self) -> list[str]:
        """Every account with an event that counts, in order of name (one whose events were all voided is
        gone, as they are)."""
        from journal import voids

        return voids.accounts(self.store)

    def imports(self) -> list[ImportRecord]:
        """Every import that added events (a `tj void` too), oldest first."""
        found = None if self._quick is None else self._quick.imports()
        return self.store.imports() if found is None else found

    def void_plan(
        self, file: str | None = None, import_id: int | None = None, keys: Sequence[str] = ()
    ) -> VoidPlan:
        """What voiding the events of a file (its name or SHA-256), of an import, or of some keys would take
        back; nothing is written (`void` does)."""
        from journal import voids

        return voids.plan_for(self.store, file=file, import_id=import_id, keys=keys)

    def void(self, plan: VoidPlan, reason: str = "") -> AppendResult:
        """Append a void of each event of `plan` (one import: `tj void --import` of it restores them all)."""
        from journal import voids

        new = voids.voids_for(
            plan.targets, voids.voids_of(self.store, [s.event.key for s in plan.targets]), reason
        )
        return self.store.append(new, origin=ImportOrigin(None, None, "void"))

    def events_between(
        self,
        start: date,
        end: date,
        types: Sequence[type[Event]] | None = None,
        partitions: Sequence[str] | None = None,
        account: str | None = None,
    ) -> list[Event]:
        """Every account's events from `start` to `end` (whole days) in economic order, searched by the
        (underlying, time) index; of some event types, of some partitions, or of one account (with its
        voids: a void is in its target's account), only when given."""
        between = (datetime.combine(start, time.min), datetime.combine(end, time.max))
        if types is not None:  # and the voids among them: economic_order leaves out what they took back
            types = [*types, EventVoided]
        found = None
        if self._quick is not None:
            names = None if types is None else [t.type_name for t in types]
            found = self._quick.events(partitions, names, between, account)
        if found is None:
            self.read_models.refresh()
            wanted = self.read_models.partitions() if partitions is None else partitions
            found = self.store.read(account, partitions=wanted, between=between, types=types)
        return economic_order(found)

    def policies(self) -> dict[str, AccountPolicy]:
        """Each account's tax settings: the latest `tj account set` of it."""
        # The settings and the voids of the events of no underlying: only the voids decide what counts.
        kinds = (AccountConfigured, EventVoided)
        found = None if self._quick is None else self._quick.events([""], {k.type_name for k in kinds})
        if found is None:
            found = self.store.read(partitions=[""], types=kinds)
        out: dict[str, AccountPolicy] = {}
        for stored in live(found):
            ev = stored.event
            if isinstance(ev, AccountConfigured):
                out[ev.account] = AccountPolicy(
                    ev.owner, ev.tax_advantaged, ev.lot_method, ev.basis_reporting
                )
        return out

    def configure_account(self, account: str, **settings: Any) -> AccountPolicy:
        """Record new settings for an account (unnamed settings keep their current value), as an event."""
        current = self.policies().get(account, DEFAULT_POLICY)
        policy = replace(current, **{k: v for k, v in settings.items() if v is not None})
        if policy.lot_method not in LOT_METHODS or policy.basis_reporting not in BASIS_REPORTING:
            raise ValueError(f"lot method is one of {LOT_METHODS}, basis reporting one of {BASIS_REPORTING}")
        count = sum(1 for s in self.store.read(account, [""]) if isinstance(s.event, AccountConfigured))
        event = AccountConfigured(
            account=account,
            time=datetime.now().replace(microsecond=0),
            key="",
            owner=policy.owner,
            tax_advantaged=policy.tax_advantaged,
            lot_method=policy.lot_method,
            basis_reporting=policy.basis_reporting,
        )
        key = f"config:{content_digest(account, payload_json(event))[:32]}:{count}"
        self.store.append([replace(event, key=key)])
        return policy

    def replay(
        self, start: date, end: date, partitions: Sequence[str] | None = None, account: str | None = None
    ) -> Replay:
        """The books at the end of the day before `start` and every event from `start` to `end`, to carry
        them forward (`Replay.lots_at`): a period's view without folding what came before it. Partitions
        that corporate actions link are one group, one books (keyed by the group's name). `account`: only
        that account's events are carried (the books hold every account's lots from the snapshots); what
        other accounts do after `start` is then missing from the books, wash sales included."""
        from journal.replay import replay, replay_from

        day = start - timedelta(days=1)
        parts = None if self._quick is None else self._quick.replay_parts(day, partitions)
        if (
            parts is not None
        ):  # a fresh SQLite journal: as the read models below give them, without SQLAlchemy
            groups, partitions, snapshots, horizons = parts
        else:
            self.read_models.refresh()
            groups = self.read_models.groups()
            if groups and partitions is not None:
                partitions = self.read_models.members(partitions)
            horizons = self.read_models.horizons()
            snapshots = self.read_models.snapshots(day, partitions)
        events = self.events_between(replay_from(start), end, partitions=partitions, account=account)
        policies = self.policies()
        return replay(start, events, snapshots, policies, horizons, groups)

    def books(self, account: str | None = None, until: date | None = None) -> Books:
        """The tax books at the end of `until`, folded from the first event (every realized row and problem
        up to then). Folded over every account, since wash sales cross an owner's accounts; `account` then
        keeps that account's lots and rows only. For the open lots alone, `lots(as_of)` is much faster."""
        from journal.projections.lots import fold

        books = fold(economic_order(self.store.read()), until, self.policies())  # horizons: of every event
        if account is not None:
            books.open_lots = {k: q for k, q in books.open_lots.items() if k[0] == account}
            books.realized = [r for r in books.realized if r.account == account]
        return books

    def _rows(self, projection: str, cls: type | None = None, **where: Any) -> list[Any]:
        """A projection's rows: read as they are while the read models are fresh (`journal.quickread`, a
        SQLite journal), else after bringing them up to date."""
        if self._quick is not None:
            found = self._quick.rows(projection, cls, **where)
            if found is not None:
                return found
        self.read_models.refresh()
        return self.read_models.rows(projection, cls, **where)

    def problems(self) -> list[str]:
        """What the books could not make sense of (a close of nothing, an unmarked Section 1256 contract)."""
        return [str(p) for p in self._rows("problems")]

    def washes(self, year: int | None = None, account: str | None = None) -> list[WashSale]:
        """Each wash sale (by the year the loss was realized), in either account it touched."""
        found = self._rows("washes", WashSale)
        return [
            w
            for w in found
            if (year is None or w.sold.year == year) and account in (None, w.account, w.replacement_account)
        ]

    def covered_calls(self, account: str | None = None) -> list[CoveredCall]:
        """Calls written against shares held, each classified (IRC 1092(c)(4)) with what it did to them."""
        return self._rows("covered_calls", CoveredCall, account=account)

    def lots(self, as_of: date | None = None, account: str | None = None) -> list[Lot]:
        """Open lots now (from the read model), or at the end of `as_of` (from the month-end snapshots)."""
        if as_of is not None:
            return self.replay(as_of + timedelta(days=1), as_of).lots(account=account)
        return self._rows("lots", Lot, account=account)

    def realized(
        self,
        year: int | None = None,
        account: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[RealizedRow]:
        """Realized rows (Form 8949 lines) closed in `year` (or from `start` to `end`), in closing order."""
        if year is not None:
            start, end = date(year, 1, 1), date(year, 12, 31)
        rows: list[RealizedRow] = self._rows("realized", RealizedRow, account=account, start=start, end=end)
        return sorted(rows, key=lambda r: r.closed)

    def realized_in_order(
        self, start: date, end: date, account: str | None = None
    ) -> Generator[RealizedRow, None, None]:
        """The realized rows closed from `start` to `end` in `realized`'s order, read as they are consumed:
        for the first lines of a busy year without decoding all of it. Close the iterator when done."""
        if self._quick is not None:
            found = self._quick.rows_by_day("realized", RealizedRow, account=account, start=start, end=end)
            if found is not None:
                return found
        self.read_models.refresh()
        return self.read_models.rows_by_day("realized", RealizedRow, account=account, start=start, end=end)

    def cycles(
        self, account: str | None = None, underlying: str | None = None, status: str | None = None
    ) -> list[Cycle]:
        """Wheel cycles, in the order they opened; `status` is "open" or "closed"; `underlying` finds a cycle
        by any symbol it has had (a symbol change or a merger carried it to its current one)."""
        from journal.projections.cycles import Cycle

        cycles: list[Cycle] = self._rows("cycles", Cycle, account=account)
        return sorted(
            (
                c
                for c in cycles
                if (underlying is None or underlying.upper() in c.symbols)
                and (status is None or c.status == status)
            ),
            key=lambda c: (c.opened, c.underlying, c.account),
        )

    def cycle(self, cycle_id: str) -> Cycle | None:
        """One cycle with its timeline: its underlying's books resumed from the snapshot before the cycle
        opened (the account held nothing of it then), folded with its events until the next cycle opens."""
        from journal.projections.cycles import fold_with_cycles

        everything = self.cycles()
        found = next((c for c in everything if c.id.upper() == cycle_id.upper()), None)
        if found is None:  # an id under a symbol the cycle had before a symbol change or merger
            found = next((c for c in everything if cycle_id.upper() in _former_ids(c)), None)
        if found is None:
            return None
        later = [
            c.opened
            for c in everything
            if c.account == found.account and set(c.symbols) & set(found.symbols) and c.opened > found.opened
        ]
        end = later[0] if later else date.max
        # The cycle's account's events alone: a step's cash, shares, net cash and break-even are what the
        # account's own events and lots make them (flows, quantities, holdings are per account). Only the
        # tax basis also depends on other accounts (a wash sale moves a loss into another account's lot):
        # the cycle's is taken from the read models, which folded every account. An 8-year cycle at 10^6
        # events folds its 9,283 events, not the group's 28,616 (tested equal to the fold of the group).
        resumed = self.replay(found.opened, end, partitions=found.symbols, account=found.account)
        # The groups the replay was read with (`Replay.partition_of`): the read models' own.
        books = resumed.books.get(resumed.groups.get(found.underlying, found.underlying))
        with paused_gc():  # many objects, no cycles: the collector's passes would cost a quarter
            _, cycles = fold_with_cycles(resumed.events, self.policies(), books=books)
        for cycle in cycles:
            if (cycle.account, cycle.opened, cycle.underlying) == (
                found.account,
                found.opened,
                found.underlying,
            ):
                cycle.id = found.id  # ids are given over every cycle of the journal: keep the listed one
                cycle.tax_basis = found.tax_basis
                return cycle
        return None

    def rolls(self, account: str | None = None) -> list[dict[str, Any]]:
        """Roll chains as records (`tj rolls`): every leg, each roll's credit or debit and direction."""
        records: list[dict[str, Any]] = self._rows("rolls", account=account)
        return sorted(records, key=lambda r: (r["opened"], r["id"]))

    def positions(self, as_of: date | None = None, account: str | None = None) -> list[Position]:
        """Open positions at the end of `as_of` (default: everything recorded), grouped into strategies."""
        from journal.projections.positions import open_positions

        return open_positions(self.lots(as_of, account))

    def flows(
        self, account: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[DayFlows]:
        """Each account's cash by day and underlying: premiums, fees, dividends, interest, net cash."""
        from journal.partition import DayFlows

        return self._rows("flows", DayFlows, account=account, start=start, end=end)

    def month_flows(
        self, account: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[DayFlows]:
        """`flows` added up by account, underlying and month (`day` is the month's first), of the months
        whose first day is from `start` to `end`: what a month's or a year's statement adds up."""
        from journal.partition import DayFlows

        return self._rows("month_flows", DayFlows, account=account, start=start, end=end)

    def realized_totals(
        self, account: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[RealizedTotals]:
        """The realized rows added up by account, underlying, month of closing and term (as Form 8949
        rounds them), of the months whose first day is from `start` to `end`."""
        from journal.projections.income import RealizedTotals

        return self._rows("realized_totals", RealizedTotals, account=account, start=start, end=end)

    def capital_steps(
        self,
        account: str | None = None,
        start: date | None = None,
        end: date | None = None,
        carries: bool = False,
    ) -> list[CapitalStep]:
        """Where each account's capital at risk in an underlying changed, from `start` to `end`, in the order
        taken; with `carries`, each one's figure as the months whose first day is in `start`..`end` began."""
        from journal.projections.capital import CapitalStep

        return self._rows(
            "capital_carry" if carries else "capital", CapitalStep, account=account, start=start, end=end
        )

    def month_income(
        self, account: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[MonthIncome]:
        """Income by month, underlying and strategy (premiums, dividends, interest, fees, realized gains) of
        the months from `start`'s to `end`'s: what the reports break down and chart."""
        from journal.partition import MonthIncome

        return self._rows("month_income", MonthIncome, account=account, start=start, end=end)

    def cash(self, as_of: date | None = None, account: str | None = None) -> Decimal:
        """Cash from the journal alone: deposits, trades, fees, dividends, interest, up to `as_of`; added up
        by month, and by day within `as_of`'s own month."""
        if as_of is None:
            return sum((f.cash for f in self.month_flows(account)), ZERO)
        first = as_of.replace(day=1)
        months = self.month_flows(account, end=first - timedelta(days=1))
        days = self.flows(account, start=first, end=as_of)
        return sum((f.cash for f in [*months, *days]), ZERO)

    def book_equity(self, as_of: date | None = None, account: str | None = None) -> Decimal:
        """Cash plus the cost of the open positions (a written option's credit counts against it)."""
        return self.cash(as_of, account) + sum((lot.cost_basis for lot in self.lots(as_of, account)), ZERO)

    def risk(
        self,
        max_position_pct: Decimal = Decimal(3),
        sectors: dict[str, str] | None = None,
        equity: Decimal | None = None,
        as_of: date | None = None,
        account: str | None = None,
    ) -> RiskReport:
        from journal.projections.risk import assess

        if equity is None:
            equity = self.book_equity(as_of, account)
        return assess(self.positions(as_of, account), equity, max_position_pct, sectors or {})

    def reconcile(self, as_of: date | None = None, account: str | None = None) -> Reconciliation:
        """Each account's positions (and cash, where the broker reported a balance) beside the broker's
        last report up to `as_of`, at the end of that report's day."""
        from journal.projections.reconcile import AccountBooks, latest_reports, reconcile

        stored = self.store.read(account, types=(PositionReported, CashReported, EventVoided))
        reports = [s.event for s in live(stored)]
        last, reported = latest_reports(reports, as_of)
        books = {
            name: AccountBooks(day, self.lots(day, name), self.cash(day, name)) for name, day in last.items()
        }
        return reconcile(books, reported)

    # The reports sit above the API (journal.reports.* import journal.api, never the other way round): the
    # statements are `journal.reports.statements.monthly_statement(journal, month)` and `year_summary`.

    def verify(self) -> VerifyReport:
        return self.store.verify()

    def export(self, folder: Path, format: str = "journal-csv") -> Exported:
        """Write the whole journal into `folder` (journal-csv or jsonl) so that importing it into an empty
        journal gives the same books (`journal.export`)."""
        from journal.export import export

        return export(self.store, folder, format)
