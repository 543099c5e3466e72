"""SQLite: the trigger that refuses `INSERT OR REPLACE` on `events` rolls the transaction back
(RAISE(ROLLBACK)) instead of aborting the statement (RAISE(ABORT)).

Why: a statement that may abort on its own after writing (a trigger that can RAISE(ABORT) makes every insert
one) runs with a statement journal, which copies each page the insert touches (the table's and both indexes')
once per row: half the cost of an import. The store inserts with `INSERT OR ROLLBACK`, so that with this
trigger no statement of an import can abort alone and none needs a journal of its own. What is refused stays
refused, with the same message; the transaction that tried it is rolled back whole. PostgreSQL is unchanged
(its triggers do not fire on INSERT).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "events are append-only: a correction is a new event"


def _no_replace(action: str) -> str:
    return f"""CREATE TRIGGER events_no_replace BEFORE INSERT ON events
        WHEN EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq)
          OR EXISTS (SELECT 1 FROM events WHERE natural_key = NEW.natural_key)
        BEGIN SELECT RAISE({action}, '{MESSAGE}'); END"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_no_replace")
        op.execute(_no_replace("ROLLBACK"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_no_replace")
        op.execute(_no_replace("ABORT"))
