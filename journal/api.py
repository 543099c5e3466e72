"""The Python API: everything `tj` does, as methods of a `Journal` opened on a database URL.

The CLI only parses arguments and prints what these methods return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from importers import ImportProblem, ParseResult
from journal.events import AccountConfigured, content_digest, payload_json
from journal.money import ZERO
from journal.projections import economic_order
from journal.projections.cycles import Cycle, build_cycles, flow_of
from journal.projections.lots import Books, Lot, RealizedRow, fold
from journal.projections.positions import Position, open_positions
from journal.projections.reconcile import AccountBooks, Reconciliation, latest_reports, reconcile
from journal.projections.risk import RiskReport, assess
from journal.projections.rolls import RollChain, roll_chains
from journal.projections.wash_sales import WashSale
from journal.store import EventStore, StoredEvent, VerifyReport
from journal.tax import BASIS_REPORTING, DEFAULT_POLICY, LOT_METHODS, AccountPolicy


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


def parse_file(path: Path, format: str | None = None, account: str | None = None) -> tuple[str, ParseResult]:
    """Parse one file with the importer named by `format`, else the one that recognises its content."""
    import importers

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
    return importer.name, importer.parse(path, account)


class Journal:
    """One journal: an event store and the books projected from it."""

    def __init__(self, url: str | None = None) -> None:
        self.store = EventStore(url)

    def close(self) -> None:
        self.store.close()

    # -- writing ----------------------------------------------------------------------------------

    def import_files(
        self, paths: Sequence[Path], format: str | None = None, account: str | None = None
    ) -> list[FileImport]:
        """Import files: every file is parsed first, and if any has an error nothing at all is written;
        then each file lands in its own transaction, adding only facts not already recorded."""
        parsed = [(path, *parse_file(path, format, account)) for path in paths]
        problems = [p for _, _, result in parsed for p in result.errors]
        if problems:
            raise ImportFailed(problems)
        done = []
        for path, name, result in parsed:
            appended = self.store.append(result.events)
            done.append(FileImport(path.name, name, appended.added, appended.duplicates))
        return done

    # -- reading ----------------------------------------------------------------------------------

    def events(self, account: str | None = None) -> list[StoredEvent]:
        return self.store.read(account)

    def policies(self) -> dict[str, AccountPolicy]:
        """Each account's tax settings: the latest `tj account set` of it."""
        out: dict[str, AccountPolicy] = {}
        for stored in self.store.read():
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
        count = sum(1 for s in self.store.read(account) if isinstance(s.event, AccountConfigured))
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

    def books(self, account: str | None = None, until: date | None = None) -> Books:
        """The tax books at the end of `until`. Folded over every account, since wash sales cross an owner's
        accounts; `account` then keeps that account's lots and rows only."""
        books = fold(economic_order(self.store.read()), until, self.policies())
        if account is not None:
            books.open_lots = {k: q for k, q in books.open_lots.items() if k[0] == account}
            books.realized = [r for r in books.realized if r.account == account]
        return books

    def washes(
        self, year: int | None = None, account: str | None = None
    ) -> list[tuple[WashSale, RealizedRow]]:
        """Each wash sale with the loss row it disallowed (by the year the loss was realized)."""
        books = self.books()
        return [
            (w, books.realized[w.loss_row])
            for w in books.washes.washes
            if (year is None or w.sold.year == year) and account in (None, w.account, w.replacement_account)
        ]

    def lots(self, as_of: date | None = None, account: str | None = None) -> list[Lot]:
        return self.books(account, as_of).lots()

    def realized(self, year: int | None = None, account: str | None = None) -> list[RealizedRow]:
        rows = self.books(account).realized
        return [r for r in rows if year is None or r.closed.year == year]

    def cycles(
        self, account: str | None = None, underlying: str | None = None, status: str | None = None
    ) -> list[Cycle]:
        """Wheel cycles, in the order they opened; `status` is "open" or "closed"."""
        cycles = build_cycles(economic_order(self.store.read(account)), self.policies())
        return [
            c
            for c in cycles
            if (underlying is None or c.underlying == underlying.upper())
            and (status is None or c.status == status)
        ]

    def cycle(self, cycle_id: str) -> Cycle | None:
        return next((c for c in self.cycles() if c.id.upper() == cycle_id.upper()), None)

    def rolls(self, account: str | None = None) -> list[RollChain]:
        """Roll chains: options closed and reopened in one order (or on one day), through every roll."""
        return roll_chains(economic_order(self.store.read(account)))

    def positions(self, as_of: date | None = None, account: str | None = None) -> list[Position]:
        """Open positions at the end of `as_of` (default: everything recorded), grouped into strategies."""
        return open_positions(self.lots(as_of, account))

    def cash(self, as_of: date | None = None, account: str | None = None) -> Decimal:
        """Cash from the journal alone: deposits, trades, fees, dividends, interest, up to `as_of`."""
        events = economic_order(self.store.read(account))
        return sum((flow_of(e).cash for e in events if as_of is None or e.time.date() <= as_of), ZERO)

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
        if equity is None:
            equity = self.book_equity(as_of, account)
        return assess(self.positions(as_of, account), equity, max_position_pct, sectors or {})

    def reconcile(self, as_of: date | None = None, account: str | None = None) -> Reconciliation:
        """Each account's positions (and cash, where the broker reported a balance) beside the broker's
        last report up to `as_of`, at the end of that report's day."""
        events = economic_order(self.store.read(account))
        last, reported = latest_reports(events, as_of)
        books = {}
        for name, day in last.items():
            mine = [e for e in events if e.account == name]
            cash = sum((flow_of(e).cash for e in mine if e.time.date() <= day), ZERO)
            books[name] = AccountBooks(day, self.books(name, day).lots(), cash)
        return reconcile(books, reported)

    def report_monthly(self, month: str, account: str | None = None) -> dict[str, Any]:
        from journal.reports.statements import monthly_statement

        return monthly_statement(economic_order(self.store.read(account)), self.books(account), month)

    def report_year(self, year: int, account: str | None = None) -> dict[str, Any]:
        from journal.reports.statements import year_summary

        return year_summary(economic_order(self.store.read(account)), self.books(account), year)

    def verify(self) -> VerifyReport:
        return self.store.verify()
