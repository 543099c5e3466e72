"""The books of a journal as `tj` prints them in JSON: every listing and report a round trip must keep, run
in this process (the same command code as the real `tj`, without a new interpreter per listing)."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from journal import cli
from journal.api import Journal

LISTINGS: tuple[tuple[str, ...], ...] = (
    ("lots",),
    ("realized",),
    ("cycles",),
    ("positions",),
    ("rolls",),
    ("events", "--source"),
    ("unresolved", "--all"),
    ("washes",),
    ("covered-calls",),
    ("accounts",),
    ("reconcile",),
)
REFUSING = {("reconcile",)}  # exits 1 when no file reported positions: compared, exit code and words


def tj_json(url: str, *args: str, refusing: bool = False) -> str:
    """What `tj --db URL ARGS --format json` prints on stdout (it must succeed); `refusing`: its exit code
    and what it says on stderr too, whether it succeeds or not (`tj reconcile` with no broker report)."""
    result = CliRunner().invoke(cli.app, ["--db", url, *args, "--format", "json"])
    if cli._state.journal is not None:
        cli._state.journal.close()
        cli._state.journal = None
    if refusing:
        assert result.exit_code in (0, 1), (args, result.exit_code, result.stderr, result.exception)
        return f"{result.exit_code}\n{result.stdout}\n{result.stderr}"
    assert result.exit_code == 0, (args, result.exit_code, result.stderr, result.exception)
    return result.stdout


def periods(url: str, monthly: bool = True) -> list[tuple[str, ...]]:
    """A year report for every year with events, and (`monthly`) the monthly report of each year's first,
    middle and last month with events."""
    journal = Journal(url)
    try:
        months = sorted({s.event.time.strftime("%Y-%m") for s in journal.events()})
    finally:
        journal.close()
    reports: list[tuple[str, ...]] = []
    for year in sorted({m[:4] for m in months}):
        reports.append(("report", "year", year))
        of_year = [m for m in months if m.startswith(year)]
        if monthly:
            chosen = {of_year[0], of_year[len(of_year) // 2], of_year[-1]}
            reports += [("report", "monthly", m) for m in sorted(chosen)]
    return reports


def books(url: str, reports: list[tuple[str, ...]]) -> dict[str, str]:
    """Every listing's and these reports' JSON, by command."""
    return {" ".join(args): tj_json(url, *args, refusing=args in REFUSING) for args in (*LISTINGS, *reports)}


def without(records_json: str, field: str) -> list[dict[str, Any]]:
    """A listing's records without one field."""
    return [{k: v for k, v in record.items() if k != field} for record in json.loads(records_json)]


def without_seq(events_json: str) -> list[dict[str, Any]]:
    """`tj events` without its sequence numbers: a journal-CSV copy numbers its events anew (the voided ones
    are not in it)."""
    return without(events_json, "seq")
