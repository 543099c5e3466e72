"""Golden files and fuzzing for the OFX / QFX importer.

The fixtures and where each fact in them comes from: fixtures/ofx/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import ofx
from tests.importers.golden import FIXTURES, check_golden, fuzz_once

HERE = FIXTURES / "ofx"
ETRADE_MAY = HERE / "etrade_2024-05.qfx"  # OFX 1.02 SGML, CHARSET 1252, E*TRADE header, newest first, CRLF
ETRADE_JUNE = HERE / "etrade_2024-06.qfx"  # the next export of that account: repeats May's last rows
EXAMPLE_V2 = HERE / "exampletrader_v203.ofx"  # OFX 2.03 XML, stock legs as CLOSUREOPT on the shares
FIXTURES_OFX = (ETRADE_MAY, ETRADE_JUNE, EXAMPLE_V2)
EVENTS = {ETRADE_MAY: 18, ETRADE_JUNE: 10, EXAMPLE_V2: 37}


@pytest.mark.parametrize("fixture", FIXTURES_OFX, ids=lambda p: p.name)
def test_golden(fixture: Path) -> None:
    result = check_golden(ofx, fixture)
    assert result["errors"] == []
    assert len(result["events"]) == EVENTS[fixture]


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
