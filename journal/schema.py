"""The store's tables, as SQLAlchemy Core objects: one append-only `events` table.

The migrations in `migrations/` create exactly this; `SCHEMA_REVISION` names the newest one so that an
open can tell, without loading Alembic, whether the database is already current.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, String, Table, Text

SCHEMA_REVISION = "0001"

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
