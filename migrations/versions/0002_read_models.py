"""Read models: projection results per partition with their checkpoints; events indexed by partition.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "read_models",
        sa.Column("projection", sa.String(32), nullable=False),
        sa.Column("partition", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("account", sa.String(64)),
        sa.Column("day", sa.Date),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_index("ix_read_models_partition", "read_models", ["projection", "partition"])
    op.create_index("ix_read_models_day", "read_models", ["projection", "day"])
    op.create_table(
        "read_model_checkpoints",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("partition", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    # An import recomputes only the partitions it touched: their events must be found without a scan.
    op.create_index("ix_events_underlying", "events", ["underlying", "economic_time"])


def downgrade() -> None:
    op.drop_index("ix_events_underlying", "events")
    op.drop_table("read_model_checkpoints")
    op.drop_table("read_models")
