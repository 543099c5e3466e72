"""The shared end-to-end scenarios (../shared/scenarios), each folder through the real `tj`.

Folders whose issue is not done yet run only the checks of commands that exist (`--commands`).
"""

from __future__ import annotations

import pytest

from tests.conformance import run_scenarios


@pytest.mark.parametrize(
    ("folder", "commands"),
    [
        ("foundation", None),
        ("wheel", None),
        ("reports", None),
        ("tax", None),
    ],
)
def test_shared_scenarios_pass(folder: str, commands: str | None) -> None:
    out = run_scenarios(folder, commands)
    assert " passed" in out
