"""Every importer fuzzed from its fixtures, structure-aware (tests/fuzzing): each mutated file gives errors
naming the file and a line, or events within bounds that every projection folds and every listing writes.

A few hundred seeded cases per format here; `python bench/fuzz.py --cases 10000` is the long run. A failure
names its case: `python bench/fuzz.py --format NAME --cases N` writes it to /tmp/tj-fuzz/NAME/CASE.ext.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import importers
from importers.base import ImportProblem
from journal.api import Journal
from journal.events import TradeAction, TradeExecuted
from journal.instruments import OptionContract
from tests.fuzzing.corpus import formats, make_case
from tests.fuzzing.oracle import check_file, fold, import_and_list, placeless

SEED = 14  # the number: any fixed seed keeps the cases the same from run to run
CASES = 200
# The formats whose seeds hold a thousand rows (real exports) or a whole exported journal fold more a case.
FEWER = {"tastytrade-csv": 100, "tastyworks-csv": 100, "journal-jsonl": 100}
TODAY = date(2026, 1, 15)


def test_every_importer_is_fuzzed_from_seeds_of_its_own() -> None:
    assert list(formats()) == importers.names()
    for fmt in formats().values():
        assert fmt.seeds, f"{fmt.name}: no seed files to mutate"
        for seed in fmt.seeds:
            assert fmt.read(seed.data).data() is not None


def test_a_case_is_the_same_bytes_from_its_seed_and_number() -> None:
    fmt = formats()["schwab-csv"]
    first, again = make_case(fmt, SEED, 7), make_case(fmt, SEED, 7)
    assert first == again
    assert make_case(fmt, SEED, 8).data != first.data


def test_the_oracle_fails_an_error_without_its_place_and_an_event_a_listing_cannot_show() -> None:
    """The oracle can fail: an error at line 0, and an option bought as shares (what a JSON-lines file once
    let in: `tj events` could not describe it)."""
    problem = ImportProblem("x.csv", 0, None, None, "bad")
    assert (
        placeless([problem], "x.csv", b"a\nb") == "an error naming line 0 of a file of 2 lines: x.csv:0: bad"
    )
    assert placeless([ImportProblem("y.csv", 1, None, None, "bad")], "x.csv", b"a") == (
        "an error naming file 'y.csv', not 'x.csv': y.csv:1: bad"
    )
    bought = TradeExecuted(
        account="a",
        time=datetime(2024, 3, 1),
        key="k",
        action=TradeAction.BUY,
        instrument=OptionContract("XYZ", date(2024, 3, 15), "P", Decimal(50)),
        quantity=Decimal(1),
        price=Decimal("1.5"),
    )
    with pytest.raises(KeyError, match="BUY"):
        fold([bought], TODAY)


@pytest.mark.parametrize("name", list(formats()))
def test_fuzzed_files_give_errors_with_a_place_or_events_every_projection_folds(
    name: str, tmp_path: Path
) -> None:
    fmt = formats()[name]
    failures, outcomes = [], {"ok": 0, "refused": 0, "failure": 0}
    for number in range(FEWER.get(name, CASES)):
        case = make_case(fmt, SEED, number)
        path = tmp_path / f"case{case.extension}"
        path.write_bytes(case.data)
        verdict = check_file(path, name, TODAY)
        outcomes[verdict.outcome] += 1
        if verdict.failed:
            failures.append(f"case {number} ({case.seed}; {'; '.join(case.mutations)}): {verdict.reason}")
    assert failures == [], f"{len(failures)} failures (seed {SEED}):\n" + "\n".join(failures[:10])
    # The mutations must reach both sides: files still read, and files refused.
    assert outcomes["ok"] > 0 and outcomes["refused"] > 0


def test_fuzzed_files_of_every_format_import_and_list(journal: Journal, tmp_path: Path) -> None:
    """The first cases of each format that parse into one journal, on each engine: imported, listed,
    reported, verified."""
    files = []
    for name, fmt in formats().items():
        taken = 0
        for number in range(50):
            case = make_case(fmt, SEED, number)
            path = tmp_path / f"{name}-{number}{case.extension}"
            path.write_bytes(case.data)
            if check_file(path, name, TODAY).outcome == "ok":
                files.append((path, name))
                taken += 1
                if taken == 2:
                    break
    assert len(files) == 2 * len(formats())
    verdict = import_and_list(journal, files, TODAY)
    assert verdict.outcome == "ok", verdict.reason + "\n" + verdict.trace
    assert verdict.events > 100
