"""tj under the PostgreSQL role of docs/postgresql.md, which may read and append events but never change one.

Each test runs the documented SQL blocks as written (with its own role, schema and password names), migrates
as the owner with the real `tj`, and then runs `tj` as the role. PostgreSQL only: the role is the point.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.conftest import POSTGRES_URL, RUN_ID, TJ

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "postgresql.md"
EXAMPLES = sorted(str(p) for p in (ROOT / "examples").glob("*.csv"))


def documented_sql(marker: str) -> str:
    """The SQL block that follows `<!-- test_pg_role: MARKER -->` in docs/postgresql.md."""
    doc = DOC.read_text()
    tag = f"<!-- test_pg_role: {marker} -->"
    assert tag in doc, f"docs/postgresql.md lost its block {tag}"
    return doc.split(tag, 1)[1].split("```sql\n", 1)[1].split("```", 1)[0]


def statements(sql: str, names: dict[str, str]) -> list[str]:
    """The block's statements with the documented names (roles, schema, database, passwords) replaced."""
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    )
    replaced = pattern.sub(lambda m: names[m.group(1)], sql)
    return [s.strip() for s in replaced.split(";") if s.strip()]


@dataclass(frozen=True)
class Roles:
    """A fresh schema and its two roles, set up by the superuser block of the doc."""

    names: dict[str, str]  # documented name -> this run's name
    admin: Engine

    @property
    def schema(self) -> str:
        return self.names["tj"]

    @property
    def secrets(self) -> tuple[str, str]:
        return self.names["owner-password"], self.names["app-password"]

    def url(self, role: str, schema: str | None = None) -> str:
        """URL of `tj_owner` or `tj_app`; without `schema`, the role's own search_path (set by the doc)."""
        password = self.names["owner-password" if role == "tj_owner" else "app-password"]
        url = make_url(POSTGRES_URL).set(username=self.names[role], password=password)
        url = url.difference_update_query(["options"])
        if schema:
            url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def migrate_and_grant(self, tmp_path: Path) -> None:
        """Steps 2 and 3 of the doc: the owner migrates with `tj`, then runs the grants."""
        done = tj(self, self.url("tj_owner"), "verify", tmp_path=tmp_path)
        assert (done.returncode, done.stdout) == (
            0,
            "ok: 0 events, hash chain intact; 0 kept files match their SHA-256\n",
        ), done.stderr
        owner = create_engine(self.url("tj_owner"))
        try:
            with owner.begin() as conn:
                for statement in statements(documented_sql("run as tj_owner"), self.names):
                    conn.exec_driver_sql(statement)
        finally:
            owner.dispose()


@pytest.fixture
def roles(postgres_admin: Engine) -> Iterator[Roles]:
    tag = f"{RUN_ID}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    names = {
        "tj_owner": f"tj_owner_{tag}",
        "tj_app": f"tj_app_{tag}",
        "tj": f"tj_role_{tag}",
        "journal": str(make_url(POSTGRES_URL).database),
        "owner-password": uuid.uuid4().hex,
        "app-password": uuid.uuid4().hex,
    }
    setup = Roles(names, postgres_admin)
    try:
        with postgres_admin.connect() as conn:
            for statement in statements(documented_sql("run as a superuser"), names):
                conn.exec_driver_sql(statement)
        yield setup
    finally:
        with postgres_admin.connect() as conn:
            for role in (names["tj_app"], names["tj_owner"]):
                if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                    # every schema, table and grant of the role in this database, then the role itself
                    conn.exec_driver_sql(f'DROP OWNED BY "{role}" CASCADE')
                    conn.exec_driver_sql(f'DROP ROLE "{role}"')
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{names["tj"]}" CASCADE')


def tj(roles: Roles, url: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The real `tj` on `url`, with its own config and state folders; no output may show a password."""
    env = {**os.environ, "TJ_CONFIG": str(tmp_path / "config.toml"), "TJ_STATE_DIR": str(tmp_path / "state")}
    env.pop("TJ_DB", None)
    done = subprocess.run([TJ, "--db", url, *args], capture_output=True, text=True, timeout=300, env=env)
    for secret in roles.secrets:
        assert secret not in done.stdout + done.stderr
    return done


def tj_json(roles: Roles, url: str, *args: str, tmp_path: Path) -> object:
    done = tj(roles, url, *args, "--format", "json", tmp_path=tmp_path)
    assert done.returncode == 0, f"tj {' '.join(args)}: {done.stderr}"
    return json.loads(done.stdout)


def refused(engine: Engine, statement: str) -> str:
    """The error PostgreSQL gives `statement` (which must fail), as its first line."""
    with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
        conn.exec_driver_sql(statement)
    return str(caught.value.orig).splitlines()[0]


def test_every_table_tj_creates_has_its_documented_grant_and_events_none_that_rewrites(
    roles: Roles, tmp_path: Path
) -> None:
    roles.migrate_and_grant(tmp_path)
    granted = set(re.findall(r"\btj\.(\w+)", documented_sql("run as tj_owner")))
    with roles.admin.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = :s"), {"s": roles.schema}
        ).all()
        assert {name for name, _ in tables} == granted  # a new table needs its line in docs/postgresql.md
        assert {owner for _, owner in tables} == {roles.names["tj_owner"]}
        app = roles.names["tj_app"]
        for table in ("events", "imports", "source_texts"):
            allowed = {
                privilege
                for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
                if conn.execute(
                    text("SELECT has_table_privilege(:role, :table, :privilege)"),
                    {"role": app, "table": f'"{roles.schema}".{table}', "privilege": privilege},
                ).scalar()
            }
            assert allowed == {"SELECT", "INSERT"}, table
        assert not conn.execute(
            text("SELECT has_schema_privilege(:role, :schema, 'CREATE')"),
            {"role": app, "schema": roles.schema},
        ).scalar()


def test_tj_imports_reports_and_verifies_under_the_role_with_the_owners_figures(
    roles: Roles, tmp_path: Path
) -> None:
    roles.migrate_and_grant(tmp_path)
    app = roles.url("tj_app")
    # The reference: the same files imported by the owner into a schema of its own.
    reference_schema = f"{roles.schema}_ref"
    with roles.admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{reference_schema}" AUTHORIZATION "{roles.names["tj_owner"]}"')
    owner = roles.url("tj_owner", reference_schema)

    def imported(url: str) -> list[tuple[str, int, int]]:
        out = tj_json(roles, url, "import", *EXAMPLES, tmp_path=tmp_path)
        assert isinstance(out, dict)
        return [(Path(f["file"]).name, f["events_added"], f["duplicates"]) for f in out["files"]]

    first = imported(app)
    assert first == imported(owner)
    assert [name for name, _, _ in first] == ["2024-h1.csv", "2024-h2.csv", "ira-2024.csv"]
    events = sum(added for _, added, _ in first)
    assert events > 100

    lots = tj_json(roles, app, "lots", tmp_path=tmp_path)
    assert lots == tj_json(roles, owner, "lots", tmp_path=tmp_path)
    assert isinstance(lots, list)
    ko = next(row for row in lots if row["instrument"] == "KO")
    assert (ko["quantity"], ko["cost_basis"], ko["basis_per_unit"]) == ("100", "6625.65", "66.2565")

    december = tj_json(roles, app, "report", "monthly", "2024-12", tmp_path=tmp_path)
    assert december == tj_json(roles, owner, "report", "monthly", "2024-12", tmp_path=tmp_path)
    assert isinstance(december, dict)
    figures = ("premium_collected", "premium_paid", "net_premium", "realized_short_term", "dividends", "fees")
    assert [december[k] for k in figures] == ["520.00", "85.00", "435.00", "624.80", "48.50", "3.90"]

    # The caches are the role's to rewrite; the events and imports only to append to.
    assert tj(roles, app, "rebuild", tmp_path=tmp_path).returncode == 0
    assert tj_json(roles, app, "lots", tmp_path=tmp_path) == lots
    assert imported(app) == [(name, 0, added) for name, added, _ in first]
    verified = tj_json(roles, app, "verify", tmp_path=tmp_path)
    assert verified == {
        "ok": True,
        "events": events,
        "first_broken_seq": None,
        "problem": None,
        "files": len(first),  # each example file, kept by the role's import
        "broken_files": [],
    }
    assert verified == tj_json(roles, owner, "verify", tmp_path=tmp_path)

    # A wrong import is taken back by appending: `tj void` is an INSERT as well.
    def ira_rows(url: str) -> int:
        realized = tj_json(roles, url, "realized", "--year", "2024", "--account", "ira", tmp_path=tmp_path)
        assert isinstance(realized, list)
        return len(realized)

    assert ira_rows(app) > 0
    for url in (app, owner):
        voided = tj(roles, url, "void", "--file", "ira-2024.csv", "--yes", tmp_path=tmp_path)
        assert voided.returncode == 0, voided.stderr
    assert ira_rows(app) == 0
    assert tj_json(roles, app, "lots", tmp_path=tmp_path) == tj_json(roles, owner, "lots", tmp_path=tmp_path)
    after = tj_json(roles, app, "verify", tmp_path=tmp_path)
    assert isinstance(after, dict)
    assert after["ok"] is True and after["events"] > events
    with roles.admin.connect() as conn:
        schema = roles.schema
        assert conn.exec_driver_sql(f'SELECT count(*) FROM "{schema}".events').scalar() == after["events"]
        assert conn.exec_driver_sql(f'SELECT count(*) FROM "{schema}".imports').scalar() >= 1


def test_the_role_is_refused_rewriting_events_by_privilege_and_the_owner_by_the_triggers(
    roles: Roles, tmp_path: Path
) -> None:
    roles.migrate_and_grant(tmp_path)
    assert tj(roles, roles.url("tj_app"), "import", *EXAMPLES, tmp_path=tmp_path).returncode == 0
    app = create_engine(roles.url("tj_app"))
    owner = create_engine(roles.url("tj_owner"))
    try:
        for table, column in (("events", "owner"), ("imports", "owner"), ("source_texts", "lines")):
            for statement in (
                f"UPDATE {table} SET {column} = {column}",
                f"DELETE FROM {table}",
                f"TRUNCATE {table}",
            ):
                assert refused(app, statement) == f"permission denied for table {table}", statement
        assert refused(app, "ALTER TABLE events DISABLE TRIGGER events_no_update_delete") == (
            "must be owner of table events"
        )
        assert refused(app, "CREATE TABLE events_copy (seq bigint)").startswith(
            "permission denied for schema"
        )
        # The owner has the privileges; the triggers of migrations 0001, 0003 and 0006 refuse it all the same.
        for statement in ("UPDATE events SET owner = 'other'", "DELETE FROM events", "TRUNCATE events"):
            assert refused(owner, statement) == "events are append-only: a correction is a new event"
        assert refused(owner, "DELETE FROM imports") == "imports are append-only: a correction is a new event"
        assert refused(owner, "DELETE FROM source_texts") == (
            "source texts are append-only: the text of a file is what the file was"
        )
    finally:
        app.dispose()
        owner.dispose()
    verified = tj_json(roles, roles.url("tj_app"), "verify", tmp_path=tmp_path)
    assert isinstance(verified, dict)
    assert verified["ok"] is True and verified["events"] > 100


def test_the_role_cannot_migrate_and_says_what_to_do_without_changing_anything(
    roles: Roles, tmp_path: Path
) -> None:
    roles.migrate_and_grant(tmp_path)
    version = f'"{roles.schema}".alembic_version'
    with roles.admin.connect() as conn:
        # As after installing a newer tj: the schema is behind the code.
        conn.exec_driver_sql(f"UPDATE {version} SET version_num = '0001'")
    done = tj(roles, roles.url("tj_app"), "lots", tmp_path=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("tj: cannot migrate: ") and line.endswith("check its permissions"), line
    with roles.admin.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT version_num FROM {version}").scalar() == "0001"
