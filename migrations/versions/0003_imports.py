"""One row per import that added events: what `tj void --import ID` names and `tj imports` lists.

Each import is one transaction of `EventStore.append`, so its events are the contiguous sequence numbers
`first_seq`..`last_seq`. Append-only like `events`, and refused UPDATE and DELETE the same way.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "imports are append-only: a correction is a new event"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION imports_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    """CREATE TRIGGER imports_no_update_delete BEFORE UPDATE OR DELETE ON imports
        FOR EACH ROW EXECUTE FUNCTION imports_append_only()""",
    """CREATE TRIGGER imports_no_truncate BEFORE TRUNCATE ON imports
        FOR EACH STATEMENT EXECUTE FUNCTION imports_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False
        ),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("recorded_time", sa.DateTime, nullable=False),
        sa.Column("first_seq", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("file", sa.Text),
        sa.Column("sha256", sa.String(64)),
        sa.Column("format", sa.String(32)),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE imports")
        op.execute("DROP FUNCTION imports_append_only()")
    else:
        op.drop_table("imports")
