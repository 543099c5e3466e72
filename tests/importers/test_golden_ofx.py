"""Golden files and fuzzing for the OFX / QFX importer.

The fixtures and where each fact in them comes from: fixtures/ofx/README.md.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import ofx
from journal.projections.cycles import flow_of
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

HERE = FIXTURES / "ofx"
ETRADE_MAY = HERE / "etrade_2024-05.qfx"  # OFX 1.02 SGML, CHARSET 1252, E*TRADE header, newest first, CRLF
ETRADE_JUNE = HERE / "etrade_2024-06.qfx"  # the next export of that account: repeats May's last rows
EXAMPLE_V2 = HERE / "exampletrader_v203.ofx"  # OFX 2.03 XML, stock legs as CLOSUREOPT on the shares
NOT_MODELLED = HERE / "not_modelled_v203.ofx"  # transfers, a T-bill bought, return of capital, unknown kinds
FIXTURES_OFX = (ETRADE_MAY, ETRADE_JUNE, EXAMPLE_V2, NOT_MODELLED)
EVENTS = {ETRADE_MAY: 18, ETRADE_JUNE: 10, EXAMPLE_V2: 38, NOT_MODELLED: 11}
# Real exports from public repositories (fixtures/ofx/README.md names each source and licence):
# file -> (events, of which unresolved). Each imports with no error.
REAL = {
    "etrade_09092023.QFX": (7, 0),
    # every option listed `Expired ...` with STRIKEPRICE 0.0: named by its ticker; IWM's ticker is a call, its
    # OPTTYPE a put (2 unresolved). Expiries written as TRANSFER IN `EXPIRED ...`: OptionExpired.
    "fidelity-ira.ofx": (10, 2),
    "fidelity.ofx": (24, 0),  # one TOTAL 3 cents from UNITS x UNITPRICE - fees: the broker's, with a warning
    # a Treasury bill bought (BUYDEBT) and redeemed (SELLOTHER `REDEMPTION PAYOUT` at 100), its POSDEBT
    "fidelity_treasury.ofx": (4, 0),
    "ledger-autosync_fidelity_fee.ofx": (12, 2),  # two securities missing from its SECLIST
    "td_ameritrade.ofx": (3, 0),  # with the POSDEBT of a Treasury bond
    # 401k fund units with no TICKER: a fund named by its id (VGI007743), bought, moved and reported
    "vanguard_OfxDownload-401k.qfx": (6, 0),
}


@pytest.mark.parametrize("fixture", FIXTURES_OFX, ids=lambda p: p.name)
def test_golden(fixture: Path) -> None:
    result = check_golden(ofx, fixture)
    assert result["errors"] == []
    assert len(result["events"]) == EVENTS[fixture]


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_export_imports_with_no_error(name: str) -> None:
    result = check_golden(ofx, HERE / "real" / name)
    assert result["errors"] == []
    unresolved = sum(1 for e in result["events"] if e["type"] == "Unresolved")
    assert (len(result["events"]), unresolved) == REAL[name]


@pytest.mark.parametrize(
    "fixture", [*FIXTURES_OFX, *(HERE / "real" / name for name in sorted(REAL))], ids=lambda p: p.name
)
def test_the_file_s_cash_is_the_cash_of_its_events(fixture: Path) -> None:
    """The self-check: TOTAL of every trade, income and expense, TRNAMT of every bank row (and the
    strike of shares a CLOSUREOPT delivers) added up equals the cash the file's events move."""
    result = ofx.parse(fixture)
    assert result.errors == []
    booked = sum((result.booked or {}).values(), Decimal(0))
    assert booked == sum((flow_of(e).cash for e in result.events), Decimal(0))


def _fuzz(fixture: Path, tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    fuzz_once(ofx, fixture, tmp_path_factory.mktemp("fuzz"), seed)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_sgml_qfx_gives_errors_with_a_place_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    _fuzz(ETRADE_MAY, tmp_path_factory, seed)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_xml_ofx_gives_errors_with_a_place_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    _fuzz(EXAMPLE_V2, tmp_path_factory, seed)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_mutated_overlapping_export_gives_errors_with_a_place_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    _fuzz(ETRADE_JUNE, tmp_path_factory, seed)
