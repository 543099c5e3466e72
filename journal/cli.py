"""The `tj` command: a thin Typer layer over `journal.api`.

Exit codes (CONTRACT.md): 0 ok; 1 bad input (file, line and what is wrong; nothing written); 2 usage.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from journal.crash import GuardedGroup, guard
from journal.output import Format, emit, emit_object
from journal.reports.render import ReportFormat
from journal.tax import DEFAULT_POLICY

if TYPE_CHECKING:
    from journal.api import Journal


# -- Typer's parameter coercion without pydantic ------------------------------------------------------------
# Typer coerces every parameter through a pydantic TypeAdapter: importing pydantic and building the adapters
# costs ~0.1 s of a command's start-up, more than most queries. The CLI's parameters are plain: str, int,
# bool, Path, a StrEnum, or a list of those, with no constraints. `_LightCoercion` gives such a value what
# the adapter would give it (the enum member, the Path through Typer's own path checks, the int) and hands
# anything else to the adapter Typer would have built: a value it refuses is refused by Typer itself, with
# Typer's message (tests/cli/test_coercion.py compares the two on every parameter of every command).

_SLOW = object()  # this value is not for the light path: the adapter's


class _LightCoercion:
    """Stands for typer._coercion's RuntimeParam (Typer calls only `coerce` on it)."""

    __slots__ = ("descriptor", "build", "real")

    def __init__(self, descriptor: Any, build: Any) -> None:
        self.descriptor, self.build = descriptor, build
        self.real: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:  # as RuntimeParam.coerce: no value is no value, whatever the type
            return () if multiple else None
        if not (multiple and isinstance(value, str)):
            annotation = self.descriptor.annotation
            if getattr(annotation, "__origin__", None) is list:
                if isinstance(value, list | tuple):
                    (item,) = annotation.__args__
                    items = [self._leaf(v, item, param, ctx) for v in value]
                    if all(v is not _SLOW for v in items):
                        return items
            else:
                done = self._leaf(value, annotation, param, ctx)
                if done is not _SLOW:
                    return done
        if self.real is None:
            self.real = self.build(self.descriptor)
        return self.real.coerce(value, param=param, ctx=ctx)

    def _leaf(self, value: Any, annotation: Any, param: Any, ctx: Any) -> Any:
        from enum import Enum

        kind = type(value)
        if annotation is str:
            return value if kind is str else _SLOW
        if annotation is bool:
            return value if kind is bool else _SLOW
        if annotation is int:
            if kind is int:
                return value
            if kind is str and value.isascii() and value.isdigit() and str(int(value)) == value:
                return int(value)
            return _SLOW
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            from typer._param_types import coerce_cli_choice

            try:
                return coerce_cli_choice(
                    value,
                    choices=tuple(annotation),
                    case_sensitive=self.descriptor.parameter_info.case_sensitive,
                    ctx=ctx,
                )
            except ValueError:
                return _SLOW
        info = self.descriptor.parameter_info
        if annotation is Path and info.path_type is None and kind is str and value:
            from typer._param_types import coerce_cli_path

            # What the adapter does after pydantic has made the Path: Typer's checks, Typer's messages.
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        return _SLOW


def _light_coercion() -> None:
    """Have Typer build a `_LightCoercion` for each plain parameter (none when Typer is not the Typer this
    was written for: its own coercion then runs, only slower)."""
    try:
        from typer import core as typer_core
        from typer._coercion import build_runtime_param
        from typer._param_types import coerce_cli_choice, coerce_cli_path  # noqa: F401  (both are used)
    except ImportError:
        return
    if getattr(typer_core, "build_runtime_param", None) is not build_runtime_param:
        return

    def build(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        plain = (
            descriptor.file_annotation is None
            and info.parser is None
            and info.min is None
            and info.max is None
            and not info.clamp
        )
        return _LightCoercion(descriptor, build_runtime_param) if plain else build_runtime_param(descriptor)

    typer_core.build_runtime_param = build  # type: ignore[assignment]


_light_coercion()

app = typer.Typer(
    name="tj",
    help="theta-journal: an event-sourced trade journal and tax ledger for option sellers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=GuardedGroup,  # an unexpected exception: one line and a crash file, never a traceback
)

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AccountOption = Annotated[str | None, typer.Option("--account", help="Only this account.")]


class CycleStatus(StrEnum):
    open = "open"
    closed = "closed"


class LotMethod(StrEnum):
    fifo = "fifo"
    lifo = "lifo"
    hifo = "hifo"


class BasisReporting(StrEnum):
    reported = "reported"
    not_reported = "not-reported"
    no_1099 = "no-1099"


class _State:
    db: str | None = None
    journal: Journal | None = None


_state = _State()


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def journal() -> Journal:
    """The journal named by --db / $TJ_DB, opened (and migrated) once per command."""
    if _state.journal is None:
        from journal.api import Journal
        from journal.stored import StoreError

        try:
            _state.journal = Journal(_state.db)
        except StoreError as exc:
            fail(f"tj: {exc}")
    return _state.journal


def warn_problems(problems: list[str]) -> None:
    """Each problem once per command, however many partitions or years repeat it."""
    for p in dict.fromkeys(problems):
        typer.echo(f"warning: {p}", err=True)


def note_incomplete(
    account: str | None, underlyings: Iterable[str] | None, until: date | None = None
) -> list[dict[str, Any]]:
    """Say first (stderr) which of these underlyings unresolved rows touch, by `until`; returns them as
    `incomplete` records for a JSON object (empty when none)."""
    from journal import gaps

    touched = gaps.touching(journal().incomplete(account), underlyings, until)
    if touched:
        typer.echo(f"note: {gaps.notice(touched)}", err=True)
    return gaps.mark({}, touched).get("incomplete", [])


def emit_listing(
    records: list[dict[str, Any]],
    columns: tuple[str, ...],
    format: Format,
    account: str | None,
    day_field: str | None = None,
    until: date | None = None,
) -> None:
    """`emit`, with the gaps that touch the records: each affected record flagged `incomplete` (JSON, CSV)
    and one line said first (on stderr, so a table's reader sees it at the top and JSON stays pure)."""
    from journal import gaps

    incomplete = gaps.touching(journal().incomplete(account), None, until)
    if incomplete and gaps.flag(records, incomplete, day_field):
        touched = {r.get("underlying") or "" for r in records if r.get("incomplete")}
        typer.echo(
            "note: " + (gaps.notice({s: incomplete[s] for s in touched if s in incomplete}) or ""), err=True
        )
        if format is not Format.table:
            columns = (*columns, "incomplete")
    emit(records, columns, format)


def _progress_to(method: Any, advance: Any) -> dict[str, Any]:
    """`on_progress=advance` for a journal method that reports its progress (rows done since its last call),
    nothing for one that does not yet: the store's append and the read models' rebuild take the callback
    (issue 16), and the API passes it on as they get it."""
    import inspect

    return {"on_progress": advance} if "on_progress" in inspect.signature(method).parameters else {}


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"tj: {option}: not a date, write YYYY-MM-DD (got {value!r})", 2)


def _decimal(value: str, option: str) -> Decimal:
    from journal.money import parse_decimal

    try:
        return parse_decimal(value)
    except ValueError:
        fail(f"tj: {option}: not a number (got {value!r})", 2)


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="TJ_DB",
            help="SQLAlchemy URL of the journal (default: a SQLite file in your data directory).",
        ),
    ] = None,
) -> None:
    _state.db = db


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Broker exports or journal CSV files.")],
    format: Annotated[
        str | None,
        typer.Option("--format", help="Force an importer (see `tj formats`); or json for machine output."),
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="Account for rows that name none.")] = None,
    keep_lookalikes: Annotated[
        bool,
        typer.Option(
            "--keep-lookalikes", help="Also record facts that another file already recorded under another id."
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse a file with any row tj does not model (write nothing)."),
    ] = False,
    opening: Annotated[
        str | None,
        typer.Option(
            "--opening",
            metavar="YYYY-MM-DD",
            help="Read a positions CSV (symbol, quantity, basis, acquired) as opening positions on this day.",
        ),
    ] = None,
) -> None:
    """Import files; re-importing the same or an overlapping export adds nothing. Rows tj does not model yet
    are kept as unresolved (see `tj unresolved`); --strict refuses them instead."""
    from journal.api import ImportFailed
    from journal.progress import progress

    output = Format.json if format == "json" else Format.table
    importer = None if format in (None, "json") else format
    try:
        with progress(None, "importing") as advance:
            done = journal().import_files(
                files,
                importer,
                account,
                keep_lookalikes,
                strict,
                _date(opening, "--opening"),
                **_progress_to(journal().import_files, advance),
            )
    except ImportFailed as exc:
        for p in exc.problems:
            typer.echo(str(p), err=True)
        fail("tj import: nothing was written")
    records = [
        {
            "file": d.file,
            "format": d.format,
            "events_added": d.events_added,
            "duplicates": d.duplicates,
            "unresolved": d.unresolved,
            "restored": d.restored,
            "import_id": d.import_id,
            "warnings": d.warnings,
            "lookalikes": [
                {"new": str(new.source), "recorded": str(old.source)} for new, old in d.lookalikes
            ],
        }
        for d in done
    ]
    for d in done:
        for warning in d.warnings:
            typer.echo(f"warning: {warning}", err=True)
        unresolved = (
            f", {d.unresolved} unresolved (see `tj unresolved`)" if d.unresolved else ", 0 unresolved"
        )
        restored = f", {d.restored} restored (a void had taken them back)" if d.restored else ""
        recorded = f" (import {d.import_id})" if d.import_id is not None else ""
        typer.echo(
            f"{d.file}: {d.events_added} events added, {d.duplicates} duplicates{restored}{unresolved}"
            f"{recorded}",
            err=True,
        )
    for d in done:
        verb = "recorded anyway" if keep_lookalikes else "left out (--keep-lookalikes to record them)"
        for new, old in d.lookalikes:
            typer.echo(
                f"{new.source}: looks like {old.source}, recorded from another file under another id: {verb}",
                err=True,
            )
    if output is Format.json:
        emit_object({"files": records}, Format.json)
    else:
        columns = ("file", "format", "import_id", "events_added", "duplicates", "restored", "unresolved")
        emit(records, columns, Format.table)


@app.command()
def unresolved(
    all_: Annotated[
        bool, typer.Option("--all", help="Also the rows journal-CSV rows have resolved.")
    ] = False,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """What tj does not know yet: rows it kept without modelling them, options it assumed expired, lots
    transferred in without a basis; each with its file:line and how to resolve it."""
    from journal.records import GAP_COLUMNS, gap_records

    j = journal()
    records = gap_records(j.unresolved(all_, account), j.assumed_expiries(account), j.basis_missing(account))
    if format is Format.table and not records:
        typer.echo("nothing unresolved")
        return
    emit(records, GAP_COLUMNS, format)


@app.command()
def formats() -> None:
    """List the importers and what each reads."""
    import importers

    emit(
        [{"format": m.name, "reads": m.description} for m in importers.IMPORTERS],
        ("format", "reads"),
        Format.table,
    )


@app.command()
def events(
    account: AccountOption = None,
    source: Annotated[
        bool, typer.Option("--source", help="Show the file:line each event came from.")
    ] = False,
    voided: Annotated[bool, typer.Option("--voided", help="The events voids took back (`tj void`).")] = False,
    format: FormatOption = Format.table,
) -> None:
    """The recorded events that count, in the order they were recorded; then the expiries the books assumed
    (options past expiry with no row in any file), which no file recorded. --voided: the events voids took
    back instead, with each void's time and reason."""
    from journal.records import EVENT_COLUMNS, assumed_record, event_record

    if voided:
        _voided_events(account, source, format)
        return
    records = [event_record(s, with_source=source) for s in journal().events(account)]
    records += [assumed_record(a, with_source=source) for a in journal().assumed_expiries(account)]
    columns = EVENT_COLUMNS if source else tuple(c for c in EVENT_COLUMNS if c != "source")
    emit(records, columns, format)


@app.command()
def source(
    event: Annotated[
        str | None,
        typer.Argument(metavar="[EVENT]", help="The event's sequence number or natural key."),
    ] = None,
    keep: Annotated[
        list[Path] | None,
        typer.Option(
            "--keep",
            metavar="FILE",
            help="Keep the text of a file the journal's events came from, importing nothing (repeatable).",
        ),
    ] = None,
    format: FormatOption = Format.table,
) -> None:
    """The row of the broker's file an event was read from, as the file has it (the journal keeps every
    file it imports): a CSV record, or an OFX or XML element from its tag to its closing tag. --keep FILE:
    keep the text of a file an older tj imported (before it kept files), without importing it again."""
    if keep:
        _keep_sources(keep)
        return
    if event is None:
        fail("tj: name an event (its sequence number or natural key, from `tj events`) or --keep FILE", 2)
    store = journal().store
    found = store.read(seqs=(int(event), int(event))) if event.isdigit() else store.read(keys=[event])
    if not found:
        fail(f"tj: no event {event!r}: give a sequence number or natural key from `tj events`")
    stored = found[0]
    ref = stored.event.source
    if ref is None:
        fail(f"tj: event {stored.seq} was said in tj (a setting or a void), not read from a file")
    row = journal().source_row(ref)
    if row is None:
        fail(
            f"tj: the journal does not keep the text of {ref.file} (imported before tj kept the files it "
            f"reads); keep it with `tj source --keep {ref.file}` (it imports nothing)"
        )
    if format is Format.json:
        emit_object(
            {
                "seq": stored.seq,
                "key": stored.event.key,
                "file": row.file,
                "sha256": row.sha256,
                "line": row.line,
                "kind": row.kind,
                "lines": [{"line": n, "text": t} for n, t in row.lines],
                "cut": row.cut,
            },
            format,
        )
        return
    if format is Format.csv:
        emit(
            [{"file": row.file, "line": n, "text": t} for n, t in row.lines], ("file", "line", "text"), format
        )
        return
    typer.echo(f"{row.file}:{row.line}  (sha256 {row.sha256})")
    for number, text in row.lines:
        typer.echo(f"{number:>6}  {text}")
    if row.cut:
        typer.echo("(cut: the row is longer than what is shown)")


def _keep_sources(paths: list[Path]) -> None:
    refused = []
    for path in paths:
        if not path.is_file():
            fail(f"tj: {path}: no such file")
        kept = journal().keep_source(path)
        if kept is None:
            refused.append(path.name)
            typer.echo(
                f"{path.name}: no event came from this file (by its SHA-256): import it instead", err=True
            )
        else:
            typer.echo(f"{path.name}: {kept} lines kept" if kept else f"{path.name}: kept already")
    if refused:
        raise typer.Exit(1)


VOIDED_COLUMNS = ("seq", "time", "account", "type", "what", "key", "source", "voided_at", "reason")


def _utc(moment: datetime) -> str:
    """A recorded time (UTC, stored naive) as ISO seconds with its zone."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def _voided_events(account: str | None, source: bool, format: Format) -> None:
    from journal.records import event_record

    records = [
        {
            **event_record(v.stored),
            "voided_at": _utc(v.voided_at),
            "reason": v.void.reason,
            "void_key": v.void.key,
        }
        for v in journal().voided(account)
    ]
    columns = VOIDED_COLUMNS if source else tuple(c for c in VOIDED_COLUMNS if c != "source")
    if format is Format.table and not records:
        typer.echo("nothing voided")
        return
    emit(records, columns, format)


@app.command()
def imports(format: FormatOption = Format.table) -> None:
    """Every import that added events, oldest first: its id (for `tj void --import`), file, SHA-256, format
    and the events it added; a `tj void` is one too (format void)."""
    records = [
        {
            "id": r.id,
            "recorded_at": _utc(r.recorded_time),
            "format": r.format,
            "file": r.file,
            "sha256": r.sha256,
            "added": r.added,
            "duplicates": r.duplicates,
            "first_seq": r.first_seq,
            "last_seq": r.last_seq,
        }
        for r in journal().imports()
    ]
    columns = ("id", "recorded_at", "format", "file", "added", "duplicates", "first_seq", "last_seq")
    emit(records, (*columns[:4], "sha256", *columns[4:]) if format is not Format.table else columns, format)


@app.command()
def void(
    file: Annotated[
        str | None,
        typer.Option("--file", metavar="NAME|SHA256", help="The events of this file (its name or SHA-256)."),
    ] = None,
    import_id: Annotated[
        int | None, typer.Option("--import", metavar="ID", help="The events of this import (`tj imports`).")
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option("--key", metavar="KEY", help="One event by its key (`tj events`); repeatable."),
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why, kept with each void.")] = "",
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm (for scripts).")] = False,
    format: FormatOption = Format.table,
) -> None:
    """Take events back by appending a void of each: the events of a file, of an import, or single events.
    Shows what it will void and asks to confirm. Re-importing the file gives its events back; voiding a
    void (its key, or the void's own import) does too."""
    from journal.voids import NothingToVoid

    keys = key or []
    if file is None and import_id is None and not keys:
        fail("tj void: say what to void: --file NAME, --import ID or --key KEY", 2)
    try:
        plan = journal().void_plan(file, import_id, keys)
    except NothingToVoid as exc:
        fail(f"tj void: {exc}; nothing was written")
    if plan.missing:
        for k in plan.missing:
            typer.echo(f"tj void: no recorded event has the key {k!r} (see `tj events`)", err=True)
        fail("tj void: nothing was written")
    summary = _void_summary(plan)
    if not plan.targets:
        if format is Format.json:
            emit_object({**summary, "voided": 0, "import_id": None}, format)
        else:
            typer.echo(
                f"nothing to void: the {len(plan.already_voided)} events of {plan.asked} are voided already"
            )
        return
    if format is not Format.json:
        _show_void_plan(plan, summary, format)
    if not yes:
        if not sys.stdin.isatty():
            fail("tj void: asks to confirm, and this is no terminal: add --yes to void; nothing was written")
        if not typer.confirm(f"Void these {len(plan.targets)} events?", default=False, err=True):
            fail("tj void: not confirmed; nothing was written")
    done = journal().void(plan, reason)
    if format is Format.json:
        emit_object({**summary, "voided": done.added, "import_id": done.import_id}, format)
        return
    typer.echo(
        f"voided {done.added} events (import {done.import_id}); re-importing the file, or "
        f"`tj void --import {done.import_id}`, gives them back"
    )


def _void_summary(plan: Any) -> dict[str, Any]:
    from journal.records import event_record

    span = plan.span()
    return {
        "asked": plan.asked,
        "events": len(plan.targets),
        "already_voided": len(plan.already_voided),
        "by_type": plan.by_type(),
        "files": [{"file": f, "sha256": h, "events": n} for f, h, n in plan.files()],
        "from": span[0].isoformat() if span else None,
        "to": span[1].isoformat() if span else None,
        "listing": [event_record(s) for s in plan.targets],
    }


_VOID_LISTED = 20  # events listed before a confirmation: the rest are counted (`tj events --source` has them)


def _show_void_plan(plan: Any, summary: dict[str, Any], format: Format) -> None:
    from journal.records import EVENT_COLUMNS

    types = ", ".join(f"{n} {t}" for t, n in summary["by_type"].items())
    typer.echo(
        f"To void: {summary['events']} events of {plan.asked} ({types}), {summary['from']} to {summary['to']}"
    )
    for f in summary["files"]:
        typer.echo(f"  from {f['file'] or '(no file)'} ({(f['sha256'] or '')[:12]}): {f['events']} events")
    if summary["already_voided"]:
        typer.echo(f"  {summary['already_voided']} more are voided already: left as they are")
    shown = summary["listing"][:_VOID_LISTED]
    emit(shown, EVENT_COLUMNS, format)
    if len(summary["listing"]) > len(shown):
        typer.echo(f"... and {len(summary['listing']) - len(shown)} more")


@app.command()
def lots(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Lots open at the end of this day.")] = None,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Open tax lots (negative quantity: written options, short stock)."""
    from journal.records import LOT_COLUMNS, lot_record

    day = _date(as_of, "--as-of")
    warn_problems(journal().problems())
    found = journal().lots(day, account)
    emit_listing([lot_record(lot) for lot in found], LOT_COLUMNS, format, account, until=day)


@app.command()
def realized(
    year: Annotated[int | None, typer.Option("--year", help="Only rows closed in this tax year.")] = None,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Realized gains and losses, one row per closed lot (a Form 8949 line)."""
    from journal.records import REALIZED_COLUMNS, realized_record, realized_total

    warn_problems(journal().problems())
    policies = journal().policies()
    rows = journal().realized(year, account)
    records = [realized_record(r, policies.get(r.account, DEFAULT_POLICY)) for r in rows]
    if format is Format.table and rows:
        records.append(realized_total(records))
    emit_listing(records, REALIZED_COLUMNS, format, account, day_field="closed")


@app.command()
def cycles(
    underlying: Annotated[str | None, typer.Option("--underlying", help="Only this underlying.")] = None,
    status: Annotated[CycleStatus | None, typer.Option("--status", help="open or closed.")] = None,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Wheel cycles: premium, fees, dividends, net cash and the premium-adjusted break-even per share."""
    from journal.records import CYCLE_COLUMNS, cycle_record

    found = journal().cycles(account, underlying, status.value if status else None)
    records = [_with_formerly(cycle_record(c), c, format is not Format.json) for c in found]
    columns = (*CYCLE_COLUMNS, "formerly") if any(c.formerly for c in found) else CYCLE_COLUMNS
    emit_listing(records, columns, format, account, day_field="closed")


def _with_formerly(record: dict[str, Any], cycle: Any, as_text: bool) -> dict[str, Any]:
    """A cycle's record with the symbols it had before a symbol change or merger (an extension field, said
    only where there are some): a list in JSON, a text elsewhere."""
    if cycle.formerly:
        record["formerly"] = ", ".join(cycle.formerly) if as_text else list(cycle.formerly)
    return record


@app.command()
def rolls(account: AccountOption = None, format: FormatOption = Format.table) -> None:
    """Roll chains: every leg from the first sale, each roll's credit or debit and direction."""
    from journal.projections.rolls import ROLL_COLUMNS

    records = journal().rolls(account)
    note_incomplete(account, {r["underlying"] for r in records})
    if format is Format.json:
        emit(records, ROLL_COLUMNS, format)
        return
    for record in records:
        record["legs"] = " -> ".join(
            f"{' '.join(leg['instrument'].split())} {leg['outcome']}"
            + (f" ({leg['reason']})" if leg.get("reason") else "")  # adjusted (special dividend)
            for leg in record["legs"]
        )
        record["roll_details"] = "; ".join(
            [
                *(
                    f"{r['date']} {r['direction']} for a {r['kind']} {r['net_credit']}"
                    for r in record["roll_details"]
                ),
                # A corporate action's adjustment: part of the chain's story, not a roll (no credit).
                *(
                    f"{a['date']} adjusted ({a['reason'] or 'corporate action'}) "
                    f"to {' '.join(a['to'].split())}"
                    for a in record.pop("adjustments", ())
                ),
            ]
        )
    emit(records, (*ROLL_COLUMNS, "legs", "roll_details"), format)


report_app = typer.Typer(
    help="Reports: monthly income statement, year-end summary, a wheel's story, weekly review.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")

ReportFormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Output format (md and html are documents).")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.")
]
TargetOption = Annotated[
    str | None,
    typer.Option("--target", help="Monthly income target (default: `tj config get income_target`)."),
]


def _income_target(target: str | None) -> Decimal | None:
    """--target when given, else the configured income_target (None when neither is set)."""
    if target is not None:
        return _decimal(target, "--target")
    from journal import config

    try:
        return config.income_target()
    except config.ConfigError as exc:
        fail(f"tj: {exc}")


def _write(path: Path, text: str, option: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"tj: {option} {path}: {exc.strerror or exc}")
    typer.echo(f"wrote {path}", err=True)


def _emit_report(
    kind: str,
    data: dict[str, Any],
    format: ReportFormat,
    output: Path | None,
    end: date | None = None,
    underlyings: list[str] | None = None,
    account: str | None = None,
) -> None:
    """Render a report and print it, or write it to --output (an HTML report is one self-contained file).
    Unresolved rows that began by the period's `end` and touch its `underlyings` (None: any) are said at
    the top and listed in the data (`incomplete`)."""
    from journal import gaps
    from journal.reports.render import render

    gaps.mark(data, gaps.touching(journal().incomplete(account), underlyings, end))
    text = render(kind, data, format)
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output, text, "--output")


def _listed(format: ReportFormat) -> int | None:
    """How many rows of a long list (a busy month's closed lots, a year's Form 8949 lines) a report reads
    for `format`: every one for JSON, none for the CSV of headline figures, a page's worth otherwise."""
    from journal.reports.views import LIST_LIMIT

    return None if format is ReportFormat.json else 0 if format is ReportFormat.csv else LIST_LIMIT


@report_app.command("monthly")
def report_monthly(
    month: Annotated[str, typer.Argument(metavar="YYYY-MM")],
    account: AccountOption = None,
    target: TargetOption = None,
    format: ReportFormatOption = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """The month's income: premiums by trade date, realized by closing date, dividends, interest, fees; by
    underlying and strategy; trades, assignments, open positions; the month against the income target and
    the last 12 months; the return on capital at risk."""
    from journal.periods import month_bounds
    from journal.reports.monthly import monthly_report

    income_target = _income_target(target)
    try:
        last_day = month_bounds(month)[1]  # only the month's spelling is a usage error: the rest is no input
    except ValueError as exc:
        fail(f"tj report monthly: {exc}", 2)
    data = monthly_report(journal(), month, account, income_target, listed=_listed(format))
    _emit_report("monthly", data, format, output, last_day, account=account)


@report_app.command("year")
def report_year(
    year: Annotated[int, typer.Argument(metavar="YYYY")],
    account: AccountOption = None,
    form8949: Annotated[
        Path | None, typer.Option("--form8949", help="Also write the year's Form 8949 lines as CSV.")
    ] = None,
    txf: Annotated[
        Path | None, typer.Option("--txf", help="Also write them as a TXF (V042) file for tax software.")
    ] = None,
    format: ReportFormatOption = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """The year-end summary: realized by term and by Form 8949 box (code W adjustments), Section 1256 totals
    (Form 6781), dividends, interest, fees, premium by month, wheel cycles closed with their profit."""
    from journal import gaps
    from journal.reports.year import year_report_and_lines

    exporting = form8949 is not None or txf is not None  # the exports hold every line
    data, lines = year_report_and_lines(journal(), year, account, None if exporting else _listed(format))
    touched = gaps.touching(journal().incomplete(account), None, date(year, 12, 31))
    if exporting and touched:
        from journal.instruments import instrument_from_name

        affected = [
            line
            for line in lines
            if line.sold >= touched.get(instrument_from_name(line.instrument).underlying, date.max)
        ]
        typer.echo(f"note: {gaps.notice(touched)}", err=True)
        for line in affected:
            typer.echo(f"note: may be affected: box {line.box} {line.description} sold {line.sold}", err=True)
    if exporting:
        from journal.reports.form8949 import form_8949_csv
        from journal.reports.txf import txf as txf_file

        if form8949 is not None:
            _write(form8949, form_8949_csv(lines), "--form8949")
        if txf is not None:
            _write(txf, txf_file(lines, date.today()), "--txf")
    _emit_report("year", data, format, output, date(year, 12, 31), account=account)


@report_app.command("cycle")
def report_cycle(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="A cycle id from `tj cycles`.")],
    format: ReportFormatOption = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """A wheel's story as a document: its figures, its timeline, and its break-even against the strikes
    sold over time."""
    from journal.reports.cycle import CycleNotFound, cycle_report

    try:
        data = cycle_report(journal(), cycle_id)
    except CycleNotFound as exc:
        fail(f"tj: {exc}")
    _emit_report("cycle", data, format, output, underlyings=[data["underlying"]])


@report_app.command("weekly")
def report_weekly(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Review the 7 days ending on this day (default: today).")
    ] = None,
    account: AccountOption = None,
    target: TargetOption = None,
    format: ReportFormatOption = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """The weekly review: positions expiring in the next 7 days, short options by days to expiry, the week's
    assignments, collateral in use, and the week's premium against the weekly share of the target."""
    from journal.reports.weekly import weekly_report

    day = _date(as_of, "--as-of")
    data = weekly_report(journal(), day, account, _income_target(target))
    _emit_report("weekly", data, format, output, day, account=account)


config_app = typer.Typer(
    help="Your settings: a TOML file in your config directory ($TJ_CONFIG names another).",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(metavar="KEY", help="A setting, e.g. income_target.")],
    value: Annotated[str, typer.Argument(metavar="VALUE")],
) -> None:
    """Set a setting: `tj config set income_target 2000`."""
    from journal import config

    try:
        parsed = config.set_value(key, value)
    except config.ConfigError as exc:
        fail(f"tj config set: {exc}", 2)
    typer.echo(f"{key} = {parsed}  ({config.config_path()})")


@config_app.command("get")
def config_get(
    key: Annotated[str | None, typer.Argument(metavar="[KEY]", help="One setting; all when omitted.")] = None,
    format: FormatOption = Format.table,
) -> None:
    """Show a setting's value (exit 1 when it is not set, as `git config` does), or every setting."""
    from journal import config

    try:
        if key is not None:
            value = config.get(key)
        values = config.load()
    except config.ConfigError as exc:
        fail(f"tj config get: {exc}", 2)
    if key is not None and format is Format.table:
        if value is None:
            raise typer.Exit(1)
        typer.echo(str(value))
        return
    keys = [key] if key is not None else sorted(config.SETTINGS)
    shown = {k: None if values.get(k) is None else str(values[k]) for k in keys}
    if format is Format.json:
        emit_object(shown, format)
        return
    records = [{"key": k, "value": shown[k], "meaning": config.SETTINGS[k][1]} for k in keys]
    emit(records, ("key", "value", "meaning"), format)


@config_app.command("unset")
def config_unset(key: Annotated[str, typer.Argument(metavar="KEY")]) -> None:
    """Remove a setting."""
    from journal import config

    try:
        config.unset(key)
    except config.ConfigError as exc:
        fail(f"tj config unset: {exc}", 2)


cycle_app = typer.Typer(help="One wheel cycle.", no_args_is_help=True)
app.add_typer(cycle_app, name="cycle")


@cycle_app.command("show")
def cycle_show(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="A cycle id from `tj cycles`.")],
    format: FormatOption = Format.table,
) -> None:
    """A cycle's story: one line per event with cash, shares, net cash, break-even and its source."""
    from journal.records import CYCLE_STEP_COLUMNS, cycle_record

    cycle = journal().cycle(cycle_id)
    if cycle is None:
        fail(f"tj: no cycle {cycle_id!r} (see `tj cycles`)")
    from journal.reports.cycle import step_record

    steps = [step_record(s) for s in cycle.steps]
    summary = _with_formerly(cycle_record(cycle), cycle, format is not Format.json)
    incomplete = note_incomplete(cycle.account, [cycle.underlying], cycle.closed)
    if format is Format.json:
        emit_object(
            {**summary, "timeline": steps, **({"incomplete": incomplete} if incomplete else {})}, format
        )
        return
    if format in (Format.table, Format.md):
        title = f"{summary['id']}  {summary['account']}  {summary['underlying']}  {summary['status']}"
        if cycle.formerly:
            title += f"  (formerly {', '.join(cycle.formerly)})"
        figures = ", ".join(
            f"{k} {summary[k] or '-'}"
            for k in (
                "net_premium",
                "fees",
                "dividends",
                "net_cash",
                "shares",
                "break_even",
                "tax_basis_per_share",
            )
        )
        typer.echo(f"## {title}\n\n{figures}\n" if format is Format.md else f"{title}\n{figures}\n")
    emit(steps, CYCLE_STEP_COLUMNS, format)


@app.command()
def positions(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Positions open at the end of this day.")
    ] = None,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Open positions by strategy: expiry, days to expiry, credit, collateral or max loss, break-even."""
    from journal.records import POSITION_COLUMNS, position_record

    day = _date(as_of, "--as-of")
    found = journal().positions(day, account)
    today = day or date.today()
    emit_listing([position_record(p, today) for p in found], POSITION_COLUMNS, format, account, until=day)


@app.command()
def risk(
    max_position_pct: Annotated[
        str, typer.Option("--max-position-pct", help="Limit per position, % of equity.")
    ] = "3",
    sectors: Annotated[Path | None, typer.Option("--sectors", help='TOML file: TICKER = "Sector".')] = None,
    equity: Annotated[
        str | None,
        typer.Option(
            "--equity",
            help="Account equity (default: book value from "
            "the journal: cash plus the cost of open positions).",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Positions open at the end of this day.")
    ] = None,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Capital at risk per position, underlying and sector as a share of equity; breaches of the limit."""
    from journal.projections.risk import load_sectors
    from journal.records import RISK_COLUMNS, exposure_record, risk_record

    limit = _decimal(max_position_pct, "--max-position-pct")
    given_equity = _decimal(equity, "--equity") if equity is not None else None
    mapping: dict[str, str] = {}
    if sectors is not None:
        try:
            mapping = load_sectors(sectors.read_text())
        except (OSError, ValueError) as exc:
            fail(f"{sectors}: {exc}")
    day = _date(as_of, "--as-of")
    report = journal().risk(limit, mapping, given_equity, day, account)
    incomplete = note_incomplete(account, None, day)  # equity is the account's cash: any gap touches it
    if format is Format.json:
        emit_object({**risk_record(report), **({"incomplete": incomplete} if incomplete else {})}, format)
        return
    record = risk_record(report)
    if format is Format.table:
        typer.echo(f"equity {record['equity']}, limit {record['max_position_pct']}% per position\n")
    for title, rows in (("positions", report.positions), ("breaches", report.breaches)):
        if format is Format.table:
            typer.echo(f"== {title} ==")
        emit([exposure_record(e) for _, e in rows], RISK_COLUMNS, format)
    for title, exposures in (("underlyings", report.underlyings), ("sectors", report.sectors)):
        if format is Format.table:
            typer.echo(f"\n== {title} ==")
        emit([exposure_record(e) for e in exposures], RISK_COLUMNS, format)
    if report.unlimited and format is Format.table:
        typer.echo("\n== unlimited loss (no percentage) ==\n" + "\n".join(record["unlimited"]))


def _reconcile_1099b(path: Path, account: str | None, format: Format) -> None:
    from journal.broker_1099b import Form1099Error, compare, read_1099b

    try:
        sales = read_1099b(path.name, path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, Form1099Error) as exc:
        fail(str(exc))
    j = journal()
    years = {s.sold.year for s in sales}
    rows = [r for r in j.realized(None, account) if r.closed.year in years]
    differences = compare(
        rows, [s for s in sales if account is None or s.account in (None, account)], j.washes(None, account)
    )
    records = [
        {
            "instrument": d.instrument,
            "sold": d.sold.isoformat(),
            "field": d.field,
            "journal": None if d.journal is None else str(d.journal),
            "broker": None if d.broker is None else str(d.broker),
            "why": d.why,
        }
        for d in differences
    ]
    if format is Format.json:
        emit_object({"reconciled": not records, "sales": len(sales), "differences": records}, format)
    elif not records:
        typer.echo(f"reconciled: {len(sales)} 1099-B sales agree with tj realized")
    else:
        emit(records, ("instrument", "sold", "field", "journal", "broker", "why"), format)


@app.command()
def reconcile(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Use the broker's last report up to this day.")
    ] = None,
    account: AccountOption = None,
    form_1099b: Annotated[
        Path | None,
        typer.Option(
            "--1099b",
            help="A broker's 1099-B sales as CSV, to compare "
            "with tj realized (wash-sale adjustments included).",
        ),
    ] = None,
    format: FormatOption = Format.table,
) -> None:
    """Compare the journal's positions and cash with what the broker reported (OFX, IBKR, positions CSV);
    with --1099b, its realized rows with the sales of a broker's 1099-B."""
    from journal.money import cents, plain

    if form_1099b is not None:
        _reconcile_1099b(form_1099b, account, format)
        return

    result = journal().reconcile(_date(as_of, "--as-of"), account)
    if not result.as_of:
        fail(
            "tj reconcile: no broker-reported positions recorded; import an OFX/QFX statement, an IBKR Flex "
            "query with OpenPositions, or a positions CSV (date,account,symbol,quantity) first"
        )
    records = [
        {
            "account": d.account,
            "item": d.item,
            "journal": cents(d.journal) if d.item == "cash" else plain(d.journal),
            "broker": None
            if d.broker is None
            else (cents(d.broker) if d.item == "cash" else plain(d.broker)),
            "difference": cents(d.difference) if d.item == "cash" else plain(d.difference),
        }
        for d in result.differences
    ]
    if format is Format.json:
        emit_object(
            {
                "reconciled": result.reconciled,
                "as_of": {a: d.isoformat() for a, d in result.as_of.items()},
                "compared": result.compared,
                "differences": records,
            },
            format,
        )
        return
    days = ", ".join(f"{a} {d.isoformat()}" for a, d in sorted(result.as_of.items()))
    if result.reconciled:
        typer.echo(f"reconciled: {result.compared} positions and balances agree ({days})")
        return
    typer.echo(f"{len(records)} differences ({days}):", err=format is not Format.table)
    emit(records, ("account", "item", "journal", "broker", "difference"), format)


@app.command()
def washes(
    year: Annotated[int | None, typer.Option("--year", help="Only losses realized in this year.")] = None,
    account: AccountOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Wash sales: each disallowed loss, the replacement lot and the basis moved into it."""
    from journal.records import WASH_COLUMNS, wash_record

    found = journal().washes(year, account)
    from journal.instruments import instrument_from_name

    note_incomplete(account, {instrument_from_name(w.instrument).underlying for w in found})
    emit([wash_record(w) for w in found], WASH_COLUMNS, format)


@app.command("covered-calls")
def covered_calls(account: AccountOption = None, format: FormatOption = Format.table) -> None:
    """Calls written against shares: qualified or not (IRC 1092), and what that did to the shares' holding."""
    calls = journal().covered_calls(account)
    records = [
        {
            "account": c.account,
            "call": c.call.name,
            "written": c.written.isoformat(),
            "closed": c.closed.isoformat() if c.closed else None,
            "stock_price": None if c.stock_price is None else str(c.stock_price),
            "status": c.status,
            "holding_period": "; ".join(c.adjusted) or None,
        }
        for c in calls
    ]
    note_incomplete(account, {c.call.underlying for c in calls})
    emit(records, ("account", "call", "written", "closed", "stock_price", "status", "holding_period"), format)


account_app = typer.Typer(help="An account's tax settings.", no_args_is_help=True)
app.add_typer(account_app, name="account")


@account_app.command("set")
def account_set(
    name: Annotated[str, typer.Argument(metavar="ACCOUNT")],
    owner: Annotated[
        str | None, typer.Option("--owner", help="Whose account: wash sales span an owner's.")
    ] = None,
    tax_advantaged: Annotated[
        bool | None, typer.Option("--ira/--taxable", help="Tax-advantaged (IRA).")
    ] = None,
    lot_method: Annotated[
        LotMethod | None, typer.Option("--lot-method", help="Which lots a sale takes.")
    ] = None,
    basis: Annotated[
        BasisReporting | None,
        typer.Option("--basis", help="What the 1099-B says of basis (Form 8949 box A/D, B/E, C/F)."),
    ] = None,
) -> None:
    """Record an account's owner, IRA status, lot method and basis reporting (an event; the latest counts)."""
    policy = journal().configure_account(
        name,
        owner=owner,
        tax_advantaged=tax_advantaged,
        lot_method=lot_method.value if lot_method else None,
        basis_reporting=basis.value if basis else None,
    )
    typer.echo(
        f"{name}: owner {policy.owner}, {'tax-advantaged' if policy.tax_advantaged else 'taxable'}, "
        f"lots {policy.lot_method}, basis {policy.basis_reporting}"
    )


@app.command()
def accounts(format: FormatOption = Format.table) -> None:
    """The accounts in the journal with their tax settings."""
    j = journal()
    policies = j.policies()
    names = j.accounts()
    emit(
        [
            {
                "account": n,
                "owner": p.owner,
                "tax_advantaged": p.tax_advantaged,
                "lot_method": p.lot_method,
                "basis_reporting": p.basis_reporting,
            }
            for n in names
            for p in [policies.get(n, DEFAULT_POLICY)]
        ],
        ("account", "owner", "tax_advantaged", "lot_method", "basis_reporting"),
        format,
    )


@app.command()
def rebuild() -> None:
    """Recompute every read model (lots, realized, cycles, rolls, cash) from the events, in parallel."""
    import time

    from journal.progress import progress

    started = time.perf_counter()
    with progress(journal().store.last_seq(), "rebuilding") as advance:
        rows = journal().rebuild(**_progress_to(journal().rebuild, advance))
    typer.echo(
        f"rebuilt {rows} read-model rows from {journal().store.count()} events "
        f"in {time.perf_counter() - started:.2f} s"
    )


@app.command()
def verify(format: FormatOption = Format.table) -> None:
    """Recompute the hash chain of the events; name the first broken sequence number. Then hash each file
    the journal keeps: its text must be what its SHA-256 names."""
    report = journal().verify()
    record = {
        "ok": report.ok,
        "events": report.events,
        "first_broken_seq": report.first_broken_seq,
        "problem": report.problem,
        "files": report.files,
        "broken_files": list(report.broken_files),
    }
    if format is Format.table:
        if report.first_broken_seq is not None:
            typer.echo(f"broken at seq {report.first_broken_seq}: {report.problem}")
        for name in report.broken_files:
            typer.echo(
                f"kept file {name}: its text does not match its SHA-256"
                " (changed outside tj: restore a backup)"
            )
        if report.ok:
            typer.echo(
                f"ok: {report.events} events, hash chain intact;"
                f" {report.files} kept files match their SHA-256"
            )
    else:
        emit_object(record, format)
    if not report.ok:
        raise typer.Exit(1)


class ExportFormat(StrEnum):
    journal_csv = "journal-csv"
    jsonl = "jsonl"


@app.command()
def export(
    target: Annotated[
        list[str],
        typer.Argument(
            metavar="[journal-csv|jsonl] DIR", help="The format (default journal-csv), then a folder."
        ),
    ],
    format: Annotated[
        ExportFormat | None, typer.Option("--format", help="journal-csv (the default) or jsonl.")
    ] = None,
) -> None:
    """Write the whole journal into DIR (journal.csv or journal.jsonl): importing it into an empty journal
    gives the same books, into this one nothing. jsonl holds every field of every event, voids included;
    the journal CSV the facts that count (see README, "Export")."""
    if len(target) == 2 and target[0] in ExportFormat._value2member_map_:
        named = ExportFormat(target[0])
        if format is not None and format is not named:
            fail(f"tj export: {named.value} or {format.value}? (the format is said twice)", 2)
        format, folder = named, Path(target[1])
    elif len(target) == 1 and target[0] not in ExportFormat._value2member_map_:
        folder = Path(target[0])
    else:
        fail("tj export: write `tj export [journal-csv|jsonl] DIR`", 2)
    chosen = format or ExportFormat.journal_csv
    try:
        done = journal().export(folder, chosen.value)
    except OSError as exc:
        fail(f"tj export: {folder}: {exc.strerror or exc}; nothing was written")
    left_out = f" ({done.left_out} voided or void events left out)" if done.left_out else ""
    typer.echo(f"wrote {done.path}: {done.events} events{left_out}", err=True)


@app.command()
def serve(
    db: Annotated[
        str | None, typer.Option("--db", help="SQLAlchemy URL of the journal (default: as for any command).")
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (another than 127.0.0.1 is said loudly).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8421,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the home page in your browser.")] = False,
) -> None:
    """The journal as a local web app: home page, cycles, positions, lots, realized, reports, events."""
    from journal.stored import default_url
    from journal.web.server import serve as run

    run(db or _state.db or default_url(), host, port, open_browser)


def main() -> None:
    with guard():  # what escapes the commands' own guard (closing the journal)
        try:
            app()
        finally:
            if _state.journal is not None:
                _state.journal.close()


if __name__ == "__main__":
    main()
    sys.exit(0)
