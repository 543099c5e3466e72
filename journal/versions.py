"""The versions a journal's database is checked against before anything reads it, in a module that loads
nothing: the schema's migration (`journal.schema`) and the read models' projection version and checkpoint
(`journal.readmodels`). `journal.quickread` reads a fresh journal with them without loading SQLAlchemy.
"""

from __future__ import annotations

from datetime import date

# The newest migration in migrations/versions: an open can tell, without loading Alembic, whether the
# database is already current (`journal.schema` re-exports it).
SCHEMA_REVISION = "0006"
# The read models' format: a new version rebuilds them (`journal.readmodels` re-exports it).
PROJECTION_VERSION = "11"
ALL = "__all__"  # the checkpoint of the whole journal: how far every partition has read


def version_tag(today: date) -> str:
    """The read models' version as their checkpoint records it: a new calendar year changes Section 1256
    year-end marks, so it rebuilds them too."""
    return f"{PROJECTION_VERSION}/{today.year}"
