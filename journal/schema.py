"""The store's tables, as SQLAlchemy Core objects: one append-only `events` table.

The migrations in `migrations/` create exactly this; `SCHEMA_REVISION` names the newest one so that an
open can tell, without loading Alembic, whether the database is already current.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

# The newest migration, in `journal.versions` (read there without SQLAlchemy); a new migration is named there.
from journal.versions import SCHEMA_REVISION  # noqa: F401 (re-exported)

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("natural_key", String(80), nullable=False, unique=True),
    Column("owner", String(64), nullable=False),
    Column("account", String(64), nullable=False),
    Column("type", String(32), nullable=False),
    Column("underlying", String(32)),
    Column("economic_time", DateTime, nullable=False),
    Column("recorded_time", DateTime, nullable=False),
    Column("payload", Text, nullable=False),
    Column("source", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

Index("ix_events_underlying", events.c.underlying, events.c.economic_time)

# Projection results, one row per output record (a realized row, an open lot, a cycle, ...), JSON payload with
# decimals as strings; `partition` is the underlying (all of an owner's accounts), "" for account-level cash.
read_models = Table(
    "read_models",
    metadata,
    Column("projection", String(32), nullable=False),
    Column("partition", String(64), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("account", String(64)),
    Column("day", Date),
    Column("ord", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Index("ix_read_models_ord", "projection", "partition", "ord"),
    Index("ix_read_models_day", "projection", "day"),
)

# How far each projection of each partition has read the events, and with which projection version.
read_model_checkpoints = Table(
    "read_model_checkpoints",
    metadata,
    Column("projection", String(32), primary_key=True),
    Column("partition", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("version", String(32), nullable=False),
    Column("last_seq", BigInteger, nullable=False),
)

# One row per import that added events (their contiguous sequence numbers), append-only: `tj void --import`.
imports = Table(
    "imports",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("owner", String(64), nullable=False),
    Column("recorded_time", DateTime, nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("added", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("file", Text),
    Column("sha256", String(64)),
    Column("format", String(32)),
)

# The files imports read, by their SHA-256, in blocks of lines compressed apart (`journal.sources`):
# an event's source row is read from the one block that holds its line. Append-only (migration 0006).
source_texts = Table(
    "source_texts",
    metadata,
    Column("owner", String(64), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("first_line", Integer, primary_key=True),
    Column("lines", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
)
