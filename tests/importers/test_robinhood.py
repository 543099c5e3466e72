"""The Robinhood activity-report importer: golden files with and without the Account Type column, every
Trans Code mapped or refused by name, fuzzing, and a wheel imported end to end on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import importers
from importers import fidelity, journal_csv, robinhood
from importers.base import ParseResult
from journal.api import ImportFailed, Journal
from journal.events import (
    CashKind,
    CashMoved,
    OptionAssigned,
    OptionExercised,
    SecurityTransferred,
    SplitApplied,
    TradeExecuted,
    Unresolved,
)
from journal.money import ZERO, cents
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

HERE = FIXTURES / "robinhood"
EVERY_CODE = HERE / "Robinhood_activity_2024.csv"
WHEEL = HERE / "Robinhood_activity_2025-03-01_2025-05-04.csv"
WHEEL_LATER = HERE / "Robinhood_activity_2025-04-28_2025-05-31.csv"
ALL_FIXTURES = [EVERY_CODE, WHEEL, WHEEL_LATER]

HEADER = (
    '"Activity Date","Process Date","Settle Date","Instrument","Description","Trans Code","Quantity",'
    '"Price","Amount"\n'
)
STO = '"1/8/2024","1/8/2024","1/9/2024","TSLA","TSLA 1/19/2024 Put $220.00","STO","1","$2.15","$214.95"\n'


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The importer as `tj import` finds it (whether or not importers/__init__.py lists it yet)."""
    if robinhood not in importers.IMPORTERS:
        monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, robinhood))
    yield


def realized_rows(journal: Journal) -> list[str]:
    """`tj realized` as text: instrument, quantity, opened, closed, proceeds, cost basis, gain, term."""
    return [
        f"{r.instrument.name} {r.quantity} {r.opened} {r.closed} {cents(r.proceeds)} {cents(r.cost_basis)} "
        f"{cents(r.gain)} {r.term}"
        for r in journal.realized()
    ]


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "activity.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body)
    return path


def row(
    day: str, instrument: str, description: str, code: str, quantity: str, price: str, amount: str
) -> str:
    cells = [day, day, day, instrument, description, code, quantity, price, amount]
    return ",".join(f'"{c}"' for c in cells) + "\n"


def errors(path: Path) -> list[str]:
    result = robinhood.parse(path, None)
    assert result.events == [] or not result.errors
    return [str(e) for e in result.errors]


# -- golden files ------------------------------------------------------------------------------------


def test_golden_every_trans_code_without_account_type() -> None:
    result = check_golden(robinhood, EVERY_CODE)
    assert result["errors"] == []
    assert len(result["events"]) == 30


def test_golden_wheel_with_account_type() -> None:
    result = check_golden(robinhood, WHEEL)
    assert result["errors"] == []
    assert len(result["events"]) == 8


def test_golden_overlapping_later_export() -> None:
    result = check_golden(robinhood, WHEEL_LATER)
    assert result["errors"] == []
    assert len(result["events"]) == 4


# -- recognising the file ----------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_identifies_with_and_without_account_type_and_no_other_importer_claims_it(fixture: Path) -> None:
    head = fixture.read_bytes()[:8192].decode("utf-8", errors="replace")
    assert robinhood.identify(fixture, head)
    assert not journal_csv.identify(fixture, head)
    assert not fidelity.identify(fixture, head)


def test_does_not_claim_other_formats() -> None:
    for path in [FIXTURES / "journal_csv" / "wheel.csv", *sorted((FIXTURES / "fidelity").glob("*.csv"))]:
        assert not robinhood.identify(path, path.read_text()[:8192]), path.name
    assert not robinhood.identify(Path("x.csv"), "")
    assert not robinhood.identify(Path("x.csv"), '"Activity Date","Instrument"\n')


def test_detect_picks_robinhood_by_content(registered: None, tmp_path: Path) -> None:
    assert importers.detect(write(tmp_path, "", header=WHEEL.read_text(), name="report.csv")) is robinhood


# -- what each code becomes ---------------------------------------------------------------------------


def test_assignment_and_exercise_merge_their_stock_rows() -> None:
    events = robinhood.parse(EVERY_CODE).events
    ended = [
        (type(e).__name__, e.option.name, e.time, e.fees, e.source.line if e.source else 0)
        for e in events
        if isinstance(e, OptionAssigned | OptionExercised)
    ]
    assert ended == [
        ("OptionExercised", "SPY   240315C00500000", datetime(2024, 3, 15, 23, 59, 59), Decimal("0.00"), 28),
        ("OptionAssigned", "TSLA  240216C00190000", datetime(2024, 2, 16, 23, 59, 59), Decimal("0.17"), 35),
        ("OptionAssigned", "TSLA  240119P00220000", datetime(2024, 1, 19, 23, 59, 59), Decimal("0.00"), 43),
    ]
    tesla_shares = [e for e in events if isinstance(e, TradeExecuted) and e.instrument.name == "TSLA"]
    assert tesla_shares == []


def test_fees_are_what_the_amount_differs_from_quantity_times_price() -> None:
    trades = {
        (e.instrument.name, e.action.value): (e.price, e.fees)
        for e in robinhood.parse(EVERY_CODE).events
        if isinstance(e, TradeExecuted)
    }
    assert trades[("SPY   240315C00500000", "BTO")] == (Decimal("6.40"), Decimal("0.06"))
    assert trades[("SPY", "SELL")] == (Decimal("512.86"), Decimal("0.37"))
    # $187.45 × 0.5 = 93.725 but the Amount is 93.72: the price column is rounded; the amount is exact.
    fractional = [
        e
        for e in robinhood.parse(EVERY_CODE).events
        if isinstance(e, TradeExecuted) and e.quantity == Decimal("0.5")
    ]
    assert [(e.price, e.fees, e.gross) for e in fractional] == [(Decimal("187.44"), 0, Decimal("93.720"))]


def test_cash_codes() -> None:
    cash = [
        (e.note, e.kind, e.amount, e.symbol)
        for e in robinhood.parse(EVERY_CODE).events
        if isinstance(e, CashMoved)
    ]
    assert sorted(cash, key=str) == sorted(
        [
            ("", CashKind.DEPOSIT, Decimal("75000.00"), None),  # ACH in
            ("", CashKind.WITHDRAW, Decimal("-5000.00"), None),  # ACH out
            ("", CashKind.DIVIDEND, Decimal("2.40"), "AAPL"),  # CDIV
            ("", CashKind.DIVIDEND, Decimal("10.32"), "TSM"),  # CDIV
            ("payment in lieu of a dividend (shares lent)", CashKind.DIVIDEND, Decimal("2.50"), "AAPL"),
            ("dividend tax withheld", CashKind.TAX, Decimal("-2.17"), "TSM"),  # DTAX (issue 13: TAX)
            ("", CashKind.INTEREST, Decimal("21.37"), None),  # INT
            ("stock lending income", CashKind.INTEREST, Decimal("0.41"), None),  # SLIP
            ("Robinhood Gold subscription", CashKind.FEE, Decimal("-5.00"), None),  # GOLD
            ("Robinhood Gold charge (GMPC)", CashKind.FEE, Decimal("-1.24"), None),
            ("instant bank transfer", CashKind.WITHDRAW, Decimal("-2500.00"), None),  # RTP
            ("futures sweep", CashKind.WITHDRAW, Decimal("-300.00"), None),  # FUTSWP
            ("internal transfer", CashKind.WITHDRAW, Decimal("-1000.00"), None),  # ITRF, cash only
        ],
        key=str,
    )


def test_reverse_split_from_the_old_shares_leaving_and_the_new_arriving() -> None:
    [split] = [e for e in robinhood.parse(EVERY_CODE).events if isinstance(e, SplitApplied)]
    assert (split.symbol, split.new, split.old, split.time) == ("SIRI", 1, 10, datetime(2024, 9, 10))


def test_split_with_its_ratio_in_the_description(tmp_path: Path) -> None:
    body = row("6/10/2024", "NVDA", "NVIDIA 10 for 1 Forward Split", "SPL", "90", "", "")
    [split] = robinhood.parse(write(tmp_path, body)).events
    assert isinstance(split, SplitApplied) and (split.new, split.old) == (10, 1)


def test_account_type_column_is_not_the_account() -> None:
    assert {e.account for e in robinhood.parse(WHEEL, "rh-individual").events} == {"rh-individual"}
    assert {e.account for e in robinhood.parse(WHEEL).events} == {"default"}


def test_overlapping_exports_key_the_same_rows_alike() -> None:
    first = {e.key for e in robinhood.parse(WHEEL, "rh").events}
    later = {e.key for e in robinhood.parse(WHEEL_LATER, "rh").events}
    assert (len(later - first), len(later & first)) == (2, 2)


def test_multi_line_descriptions_keep_the_line_the_record_starts_on() -> None:
    events = robinhood.parse(EVERY_CODE).events
    deposit = next(e for e in events if isinstance(e, CashMoved) and e.amount == Decimal("75000.00"))
    lines = EVERY_CODE.read_text().splitlines()
    assert deposit.source is not None and lines[deposit.source.line - 1].startswith('"1/2/2024"')


# -- errors -----------------------------------------------------------------------------------------


def outcome(result: ParseResult) -> list[tuple[int, str, Decimal | None]]:
    """Each event's line, type and the cash it carries (an unresolved row's amount, a cash row's)."""
    return [
        (e.source.line if e.source else 0, e.type_name, getattr(e, "amount", None)) for e in result.events
    ]


def test_bad_amount_and_bad_date_are_named_an_unknown_code_is_kept(tmp_path: Path) -> None:
    body = (
        row("1/5/2024", "AAPL", "Apple", "XYZ", "1", "$1.00", "$1.00")
        + STO.replace("$214.95", "$1.2.3")
        + STO.replace('"1/8/2024"', '"2024-01-08"', 1)
        + STO
    )
    assert errors(write(tmp_path, body)) == [
        "activity.csv:3: Amount: not an amount (got '$1.2.3')",
        "activity.csv:4: Activity Date: not a date (M/D/YYYY) (got '2024-01-08')",
    ]
    result = robinhood.parse(write(tmp_path, row("1/5/2024", "AAPL", "Apple", "XYZ", "1", "$1.00", "$1.00")))
    (kept,) = result.events
    assert isinstance(kept, Unresolved) and (kept.amount, kept.symbols) == (Decimal("1.00"), ("AAPL",))
    assert kept.reason.startswith("a row of Trans Code XYZ naming a security: not modelled yet")


def test_a_file_with_errors_writes_nothing(registered: None, journal: Journal, tmp_path: Path) -> None:
    path = write(tmp_path, STO + STO.replace("$214.95", "$1.2.3"))
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([path])
    assert [str(p) for p in failed.value.problems] == ["activity.csv:3: Amount: not an amount (got '$1.2.3')"]
    assert journal.store.count() == 0


def test_shares_moved_without_a_price_are_transfers_or_kept_unresolved(tmp_path: Path) -> None:
    body = (
        row("3/1/2024", "AAPL", "Apple\nCUSIP: 037833100", "REC", "10", "", "")
        + row("3/2/2024", "META", "Meta Platforms\nCUSIP: 30303M102", "SXCH", "5", "", "")
        + row("3/3/2024", "GOOG", "Alphabet", "T/A", "3S", "", "")
        + row("3/4/2024", "AMZN", "Amazon", "ITRF", "2", "", "")
        + row("3/5/2024", "", "Cash adjustment", "MISC", "", "", "$4.00")
        + row("3/6/2024", "", "Something new", "XENT", "", "", "$1.00")
        + row("6/10/2024", "NVDA", "Forward Split", "SPL", "90", "", "")
    )
    result = robinhood.parse(write(tmp_path, body))
    assert result.errors == []
    assert outcome(result) == [
        (2, "SecurityTransferred", None),
        (4, "Unresolved", ZERO),  # SXCH: an exchange of shares
        (6, "SecurityTransferred", None),
        (7, "SecurityTransferred", None),
        (8, "CashMoved", Decimal("4.00")),
        (9, "CashMoved", Decimal("1.00")),
        (10, "Unresolved", ZERO),  # a split without its ratio
    ]
    moved = [
        (e.instrument.name, e.quantity, e.basis) for e in result.events if isinstance(e, SecurityTransferred)
    ]
    assert moved == [("AAPL", 10, None), ("GOOG", -3, None), ("AMZN", 2, None)]
    cash = [e for e in result.events if isinstance(e, CashMoved)]
    assert [(e.kind, e.description) for e in cash] == [
        (CashKind.OTHER, "Cash adjustment"),
        (CashKind.OTHER, "Something new"),
    ]
    assert [str(w) for w in result.warnings] == [
        "activity.csv:9: Description: cash row of an unknown description: recorded as OTHER cash "
        "(got 'Something new')"
    ]


def test_amount_that_does_not_add_up_is_kept_unresolved(tmp_path: Path) -> None:
    body = STO.replace("$214.95", "$21.49") + STO.replace("$214.95", "$250.00")
    result = robinhood.parse(write(tmp_path, body))
    assert result.errors == []
    assert outcome(result) == [(2, "Unresolved", Decimal("21.49")), (3, "Unresolved", Decimal("250.00"))]


def test_stock_row_of_an_assignment_without_its_option_row_is_kept_unresolved(tmp_path: Path) -> None:
    body = row(
        "1/19/2024",
        "TSLA",
        "Tesla\nCUSIP: 88160R101\n1 TSLA Option Assigned",
        "Buy",
        "100",
        "$220.00",
        "($22,000.00)",
    )
    result = robinhood.parse(write(tmp_path, body))
    assert result.errors == []
    assert outcome(result) == [(2, "Unresolved", Decimal("-22000.00"))]
    assert result.booked == {"default": Decimal("-22000.00")}


def test_option_rows_need_an_option_description(tmp_path: Path) -> None:
    body = STO.replace("TSLA 1/19/2024 Put $220.00", "TSLA Put") + row(
        "2/5/2024", "TSLA", "Option Expiration for TSLA 2/9/2024 Call $225.00", "OEXP", "1S", "", ""
    )
    assert errors(write(tmp_path, body)) == [
        "activity.csv:2: Description: not an option (ROOT M/D/YYYY Call|Put $STRIKE) (got 'TSLA Put')",
        "activity.csv:3: Activity Date: before the option's expiration 2024-02-09 (got '2024-02-05')",
    ]


def test_a_row_without_date_or_code_between_data_rows_is_an_error(tmp_path: Path) -> None:
    body = STO + '"","","","","stray note","","","",""\n' + STO
    assert errors(write(tmp_path, body)) == ["activity.csv:3: Activity Date: not a date (M/D/YYYY)"]


# -- fuzzing ----------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), fixture=st.sampled_from(ALL_FIXTURES))
def test_mutated_files_give_errors_with_a_place_never_a_crash(
    tmp_path_factory, seed: int, fixture: Path
) -> None:
    fuzz_once(robinhood, fixture, tmp_path_factory.mktemp("fuzz"), seed)


# -- end to end -------------------------------------------------------------------------------------


def test_wheel_end_to_end_and_overlapping_exports(registered: None, journal: Journal) -> None:
    [first] = journal.import_files([WHEEL], account="rh")
    assert (first.format, first.events_added, first.duplicates) == ("robinhood-csv", 8, 0)
    [again] = journal.import_files([WHEEL], account="rh")
    assert (again.events_added, again.duplicates) == (0, 8)

    assert sorted(realized_rows(journal), key=lambda row: row.split()[-5]) == [
        "SOFI  250411C00013500 2 2025-03-24 2025-04-11 61.90 0.00 61.90 short",
        # Put assigned: basis 2600 - 83.90; called away: 2600 + 49.90 - 0.06 (the Sell row's fees).
        "SOFI 200 2025-03-21 2025-05-02 2649.84 2516.10 133.74 short",
    ]
    assert journal.lots() == []
    [sofi] = journal.cycles(underlying="SOFI")
    assert (sofi.opened, sofi.closed, sofi.premium_collected, sofi.fees, sofi.net_cash, sofi.shares) == (
        date(2025, 3, 3),
        date(2025, 5, 2),
        Decimal("196.00"),
        Decimal("0.36"),
        Decimal("195.64"),
        0,
    )
    # Every Amount of the file: 5000 + 83.90 - 2600 + 61.90 + 49.90 + 3.12 + 2599.94.
    assert journal.cash() == Decimal("5198.76")

    [later] = journal.import_files([WHEEL_LATER], account="rh")
    assert (later.events_added, later.duplicates) == (2, 2)
    expired_put = [r for r in journal.realized() if r.instrument.name == "SOFI  250516P00012500"]
    assert [(r.proceeds, r.cost_basis, r.gain, r.closed) for r in expired_put] == [
        (Decimal("27.95"), 0, Decimal("27.95"), date(2025, 5, 16))
    ]
    assert [(c.opened, c.closed) for c in journal.cycles(underlying="SOFI")] == [
        (date(2025, 3, 3), date(2025, 5, 2)),
        (date(2025, 5, 5), date(2025, 5, 16)),
    ]
