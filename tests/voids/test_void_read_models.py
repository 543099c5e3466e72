"""After a void or a restore the read models catch up incrementally (the partitions voids landed in, and
those whose assumed expiries hang on a horizon that moved) and equal a full rebuild; a voided setting refolds
everything (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from journal.api import Journal
from tests.readmodels.test_incremental import snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def caught_up_equals_rebuilt(journal: Journal) -> set[str] | None:
    recomputed = journal.read_models.refresh()
    incremental = snapshot(journal)
    journal.rebuild()
    assert snapshot(journal) == incremental
    return recomputed


def test_voids_and_restores_catch_up_as_a_rebuild_would(journal: Journal, tmp_path: Path) -> None:
    journal.import_files(sorted(EXAMPLES.glob("*.csv")))
    journal.rebuild()
    # The second half-year is the brokerage account's last file: its horizon moves back to June, and the
    # puts it assumed expired are open again.
    journal.void(journal.void_plan(file="2024-h2.csv"), "")
    recomputed = caught_up_equals_rebuilt(journal)
    assert recomputed is not None and "KO" in recomputed and "F" not in recomputed  # F: the IRA's
    [trade] = [s.event for s in journal.events() if s.event.underlying == "KO"][:1]
    journal.void(journal.void_plan(keys=[trade.key]), "")
    assert caught_up_equals_rebuilt(journal) == {"KO"}
    [restored] = journal.import_files([EXAMPLES / "2024-h2.csv"])
    assert restored.restored == 55
    assert caught_up_equals_rebuilt(journal) is not None


def test_a_voided_setting_refolds_everything(journal: Journal, tmp_path: Path) -> None:
    journal.import_files([EXAMPLES / "2024-h1.csv"])
    journal.configure_account("brokerage", lot_method="hifo")
    journal.rebuild()
    [setting] = [s.event for s in journal.events() if s.event.type_name == "AccountConfigured"]
    journal.void(journal.void_plan(keys=[setting.key]), "")
    assert caught_up_equals_rebuilt(journal) is None  # None: everything, with the settings before
