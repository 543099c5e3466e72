"""Each import checks itself (issue 13): per file and account, the broker's amounts added up over the file
equal the cash the file's events move in the journal. Over every broker fixture, real exports included."""

from __future__ import annotations

from pathlib import Path

import pytest

import importers
from journal.api import cash_check, parse_file

FIXTURES = Path(__file__).parent / "fixtures"
# Formats whose rows state the cash they moved (the journal CSV and the positions/prices files do not).
WITH_AMOUNTS = {
    "schwab-csv",
    "fidelity-csv",
    "robinhood-csv",
    "tastytrade-csv",
    "tastyworks-csv",
    "ibkr-flex",
    "ofx",
}
BROKER_FILES = sorted(
    p
    for p in FIXTURES.rglob("*")
    if p.is_file() and not p.name.endswith((".json", ".md")) and p.parent.name != "journal_csv"
)


@pytest.mark.parametrize("path", BROKER_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_file_s_cash_equals_its_events_cash(path: Path) -> None:
    name, result = parse_file(path)
    assert result.errors == []
    if name not in WITH_AMOUNTS:
        return
    assert result.booked, f"{name} books no amounts"
    assert cash_check(path.name, result) == []


def test_every_broker_format_states_its_amounts() -> None:
    named = {m.name for m in importers.IMPORTERS}
    assert named >= WITH_AMOUNTS
