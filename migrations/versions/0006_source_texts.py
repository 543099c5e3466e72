"""Source texts: the broker files an import read, kept in the journal, so that every event shows the very
row it was read from (`tj serve`'s event page, `tj source`) even once the file is gone from the disk.

A file is kept once per owner, by its SHA-256 (the hash its events' sources already name), cut into blocks
of lines compressed apart (zlib): showing a row decompresses one block, never the whole file, and a block
is looked up by (owner, sha256, first_line) on the primary key. Append-only like `events` and `imports`:
the text of a file is what the file was; nothing corrects it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MESSAGE = "source texts are append-only: the text of a file is what the file was"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER source_texts_no_update BEFORE UPDATE ON source_texts
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER source_texts_no_delete BEFORE DELETE ON source_texts
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION source_texts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    """CREATE TRIGGER source_texts_no_update_delete BEFORE UPDATE OR DELETE ON source_texts
        FOR EACH ROW EXECUTE FUNCTION source_texts_append_only()""",
    """CREATE TRIGGER source_texts_no_truncate BEFORE TRUNCATE ON source_texts
        FOR EACH STATEMENT EXECUTE FUNCTION source_texts_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "source_texts",
        sa.Column("owner", sa.String(64), primary_key=True),  # the distribution key (docs/scaling.md)
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("first_line", sa.Integer, primary_key=True),
        sa.Column("lines", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE source_texts")
        op.execute("DROP FUNCTION source_texts_append_only()")
    else:
        op.drop_table("source_texts")
