"""Read models: the (projection, partition) index gains `ord`.

Why: a refresh that goes on from a group's fold state deletes each appended projection's rows from an ord
on (`journal.readmodels._replace`). With the index on (projection, partition) alone, each such delete visits
every row the partition ever had in that projection, so a month's import cost grew with the history (at
10^6 events most of the catch-up). With `ord` in the index the delete reads only the rows it removes. The old
index is a prefix of the new one, so every query it served the new one serves (and `rows`' ORDER BY ord).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_read_models_ord", "read_models", ["projection", "partition", "ord"])
    op.drop_index("ix_read_models_partition", "read_models")


def downgrade() -> None:
    op.create_index("ix_read_models_partition", "read_models", ["projection", "partition"])
    op.drop_index("ix_read_models_ord", "read_models")
