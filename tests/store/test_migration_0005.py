"""Migration 0005: the read models' (projection, partition) index gains `ord`, so that a refresh's deletes
from an ord on read only what they remove. An existing journal is upgraded on open, its read models kept."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from journal import schema
from journal.api import Journal
from tests.store.test_bulk import _alembic

CSV = """date,account,action,symbol,quantity,price,fees
2024-01-02,A,STO,KO240119P60,1,1.10,0.65
2024-01-19,A,ASSIGN,KO240119P60,1,,
2024-01-22,A,STO,KO240216C62,1,0.80,0.65
2024-02-16,A,ASSIGN,KO240216C62,1,,
"""


def _indexes(journal: Journal) -> dict[str, list[str]]:
    with journal.store.engine.connect() as conn:
        found = inspect(conn).get_indexes("read_models")
    return {ix["name"]: list(ix["column_names"]) for ix in found}


def test_a_0004_journal_gets_the_ord_index_and_keeps_its_read_models(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "ko.csv"
    path.write_text(CSV)
    journal = Journal(db_url)
    journal.import_files([path])
    realized = journal.realized(year=2024)
    # Shares bought at 60 less the put's net premium (110 - 0.65), called away at 62 plus the call's
    # (80 - 0.65): 6,279.35 - 5,890.65.
    assert [str(r.gain) for r in realized] == ["388.70"]
    with journal.store.writer.begin() as conn:
        command.downgrade(_alembic(conn), "0004")
    assert _indexes(journal)["ix_read_models_partition"] == ["projection", "partition"]
    journal.close()

    upgraded = Journal(db_url)
    try:
        with upgraded.store.engine.connect() as conn:
            assert upgraded.store.schema_revision(conn) == "0006" == schema.SCHEMA_REVISION
        indexes = _indexes(upgraded)
        assert indexes["ix_read_models_ord"] == ["projection", "partition", "ord"]
        assert "ix_read_models_partition" not in indexes
        assert upgraded.read_models.refresh() == set()  # the read models were kept: nothing to fold again
        assert upgraded.realized(year=2024) == realized
    finally:
        upgraded.close()
