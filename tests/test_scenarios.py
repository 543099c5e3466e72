"""The end-to-end scenarios kept in tests/scenarios/<folder>/*.toml, each folder through the real `tj`.

The folders are discovered: a new folder of scenarios is a new test, with no list to update here.
"""

from __future__ import annotations

import pytest

from tests.conformance import RUNNER, SCENARIOS, run_scenarios, scenario_folders


def test_scenarios_and_runner_live_in_the_repository() -> None:
    # a clone must not depend on ../shared: the runner and the first four folders are copied in
    assert RUNNER.is_file()
    assert {"foundation", "wheel", "reports", "tax"} <= set(scenario_folders())
    assert all(any((SCENARIOS / f).rglob("*.toml")) for f in scenario_folders())


@pytest.mark.parametrize("folder", scenario_folders())
def test_scenario_folder_passes(folder: str) -> None:
    out = run_scenarios(folder)
    assert "FAIL" not in out
