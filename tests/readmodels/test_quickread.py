"""A fresh SQLite journal is read without SQLAlchemy (`journal.quickread`): the same bytes as the normal path
for every small query and report, and a stale journal (events imported since the read models were written,
a checkpoint of another projection version or year) still gets fresh figures, through the normal path.

On a real SQLite file built from the example journal (examples/*.csv) by the real `tj`."""

from __future__ import annotations

import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from journal.api import Journal
from journal.partition import APPENDED, BY_MONTH, CURRENT
from journal.projections.lots import RealizedRow
from journal.quickread import QuickRead, sqlite_path
from journal.readmodels import ALL, PROJECTION_VERSION, version_tag
from journal.store import EventStore
from tests.conftest import TJ

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.csv"))
QUERIES = [
    ["lots"],
    ["lots", "--account", "brokerage", "--format", "json"],
    ["cycles"],
    ["cycles", "--format", "json"],
    ["realized"],
    ["realized", "--year", "2024", "--format", "csv"],
    ["realized", "--format", "json"],
    ["washes"],
    ["rolls"],
    ["rolls", "--format", "json"],
    ["covered-calls"],
    ["positions"],
    ["lots", "--as-of", "2024-06-30"],
    ["positions", "--as-of", "2024-09-30", "--format", "json"],
    ["imports"],
    ["imports", "--format", "json"],
]
REPORTS = [
    ["report", "monthly", "2024-06"],
    ["report", "monthly", "2024-06", "--format", "md"],
    ["report", "monthly", "2024-06", "--format", "json"],
    ["report", "year", "2024"],
    ["report", "year", "2024", "--format", "md"],
    ["report", "year", "2024", "--format", "json"],
    ["report", "weekly", "--as-of", "2024-06-14"],
    ["report", "weekly", "--as-of", "2024-06-14", "--format", "json"],
]
# Runs the CLI in this interpreter, then says on stderr whether SQLAlchemy was loaded; with NORMAL set, the
# quick path is never offered (the journal opens its store as a PostgreSQL one does).
_RUN = """
import os, sys
if os.environ.get("NORMAL"):
    import journal.quickread
    journal.quickread.QuickRead.open = classmethod(lambda cls, url: None)
from journal.cli import app
try:
    app(sys.argv[1:], prog_name="tj")
except SystemExit as exc:
    code = exc.code
print("SQLALCHEMY" if "sqlalchemy" in sys.modules else "QUICK", file=sys.stderr)
sys.exit(code)
"""


def _tj(url: str, args: list[str], normal: bool = False) -> tuple[str, bool]:
    """Stdout of `tj --db url args`, and whether SQLAlchemy was loaded to answer."""
    env = {k: v for k, v in os.environ.items() if k != "NORMAL"}
    if normal:
        env["NORMAL"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "--db", url, *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last in ("QUICK", "SQLALCHEMY"), done.stderr
    return done.stdout, last == "SQLALCHEMY"


def _import(url: str, files: list[Path]) -> None:
    subprocess.run(
        [TJ, "--db", url, "import", *map(str, files)], check=True, capture_output=True, timeout=120
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example journal, with two accounts' settings, imported and its read models written (by a first
    query)."""
    path = tmp_path_factory.mktemp("quick") / "examples.sqlite"
    _import(f"sqlite:///{path}", EXAMPLES)
    for settings in (["brokerage", "--basis", "not-reported"], ["ira", "--ira"]):
        subprocess.run(
            [TJ, "--db", f"sqlite:///{path}", "account", "set", *settings], check=True, timeout=120
        )
    _tj(f"sqlite:///{path}", ["lots"])
    return path


@pytest.fixture
def example(built: Path, tmp_path: Path) -> Iterator[str]:
    """A copy of the example journal of this test's own."""
    path = tmp_path / "journal.sqlite"
    shutil.copy(built, path)
    yield f"sqlite:///{path}"


@pytest.mark.parametrize("args", QUERIES, ids=" ".join)
def test_a_fresh_journal_answers_without_sqlalchemy_and_as_the_normal_path(
    example: str, args: list[str]
) -> None:
    quick, loaded = _tj(example, args)
    assert not loaded
    normal, loaded = _tj(example, args, normal=True)
    assert loaded
    assert quick == normal
    if args != ["washes"]:  # the example journal has no wash sale
        assert quick.strip() not in ("", "(none)", "[]")


@pytest.mark.parametrize("args", REPORTS, ids=" ".join)
def test_a_report_of_a_fresh_journal_is_the_normal_paths_byte_for_byte(example: str, args: list[str]) -> None:
    quick, _ = _tj(example, args)
    normal, _ = _tj(example, args, normal=True)
    assert quick == normal


def test_events_imported_since_the_read_models_were_written_are_counted(tmp_path: Path) -> None:
    """Half the journal queried (read models written), the rest imported: the next query is stale, takes the
    normal path and gives the whole journal's figures; the one after it is quick again."""
    whole, later = f"sqlite:///{tmp_path / 'whole.sqlite'}", f"sqlite:///{tmp_path / 'later.sqlite'}"
    _import(whole, EXAMPLES)
    first, rest = EXAMPLES[:1], EXAMPLES[1:]
    _import(later, first)
    before, _ = _tj(later, ["realized"])
    _import(later, rest)
    for args in (["realized"], ["lots"], ["cycles"]):
        expected, _ = _tj(whole, args, normal=True)
        found, loaded = _tj(later, args)
        assert found == expected
        assert loaded == (args == ["realized"])  # the first query after the import refreshed
        if args == ["realized"]:
            assert before != expected


@pytest.mark.parametrize(
    "tag", [f"{int(PROJECTION_VERSION) - 1}/{date.today().year}", f"{PROJECTION_VERSION}/2020"]
)
def test_a_checkpoint_of_another_version_or_year_is_rebuilt_not_read(example: str, tag: str) -> None:
    expected, _ = _tj(example, ["cycles"])
    path = sqlite_path(example)
    assert path is not None
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE read_model_checkpoints SET version = ? WHERE projection = ?", (tag, ALL))
    reader = QuickRead.open(example)
    assert reader is not None
    assert reader.rows("cycles") is None
    found, loaded = _tj(example, ["cycles"])
    assert loaded and found == expected
    assert reader.rows("cycles") is not None  # rebuilt at this version and year: fresh again
    reader.close()


def test_the_quick_rows_are_the_read_models_rows(example: str) -> None:
    """Every stored projection, in `ReadModels.rows`' order; the realized rows by day; some events."""
    reader = QuickRead.open(example)
    assert reader is not None
    store = EventStore(example)
    journal = Journal(example)
    try:
        models = journal.read_models
        for projection in (*APPENDED, *BY_MONTH, *CURRENT):
            assert reader.rows(projection) == models.rows(projection), projection
        spring, autumn = date(2024, 3, 1), date(2024, 9, 30)
        quick = reader.rows("realized", RealizedRow, account="brokerage", start=spring, end=autumn)
        assert quick == models.rows("realized", RealizedRow, account="brokerage", start=spring, end=autumn)
        assert quick and len(quick) < len(models.rows("realized"))
        stream = reader.rows_by_day("realized", RealizedRow, start=date(2024, 1, 1))
        assert stream is not None
        assert list(stream) == list(models.rows_by_day("realized", RealizedRow, start=date(2024, 1, 1)))
        kinds = ("AccountConfigured", "EventVoided", "CashMoved")
        found = reader.events(["", "KO"], kinds)
        assert found is not None and len(found) > 1
        assert found == [s for s in store.read(partitions=["", "KO"]) if s.event.type_name in kinds]
        june = (datetime(2024, 6, 1), datetime(2024, 6, 30, 23, 59, 59, 999999))
        types = ("TradeExecuted", "OptionAssigned", "EventVoided")
        everything = reader.events(None, types, june)
        assert everything is not None and len(everything) == 5
        assert everything == [
            s for s in store.read(partitions=models.partitions(), between=june) if s.event.type_name in types
        ]
        assert reader.events(["KO"], None, june) == store.read(partitions=["KO"], between=june)
        policies = journal.policies()
        assert sorted(policies) == ["brokerage", "ira"]
        assert (
            policies["brokerage"].basis_reporting == "not-reported"
            and not policies["brokerage"].tax_advantaged
        )
        assert policies["ira"].tax_advantaged and policies["ira"].basis_reporting == "reported"
    finally:
        store.close()
        journal.close()


def test_only_an_existing_sqlite_file_at_the_current_schema_is_read_quickly(tmp_path: Path) -> None:
    assert sqlite_path("sqlite:////tmp/x.sqlite") == "/tmp/x.sqlite"
    assert sqlite_path("sqlite:///rel.sqlite") == "rel.sqlite"
    for url in ("sqlite:///:memory:", "sqlite://", "sqlite:///x.sqlite?mode=ro", "postgresql://u@h/db"):
        assert sqlite_path(url) is None, url
        assert QuickRead.open(url) is None
    assert QuickRead.open(f"sqlite:///{tmp_path / 'missing.sqlite'}") is None
    (tmp_path / "other.sqlite").write_bytes(b"")  # an empty file: no schema at all
    assert QuickRead.open(f"sqlite:///{tmp_path / 'other.sqlite'}") is None
    journal = Journal(f"sqlite:///{tmp_path / 'other.sqlite'}")  # migrated by the normal path
    assert journal.lots() == []
    journal.close()
    assert QuickRead.open(f"sqlite:///{tmp_path / 'other.sqlite'}") is not None
    with sqlite3.connect(tmp_path / "other.sqlite") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert QuickRead.open(f"sqlite:///{tmp_path / 'other.sqlite'}") is None
    assert version_tag(date(2030, 1, 1)) == f"{PROJECTION_VERSION}/2030"


def test_the_versions_checked_are_the_ones_the_store_and_read_models_write() -> None:
    """The quick path compares with `journal.versions`: the schema and the read models must not keep
    versions of their own (an old checkpoint would then pass for a fresh one)."""
    from journal import readmodels, schema, versions

    for module, names in (
        (schema, {"SCHEMA_REVISION"}),
        (readmodels, {"PROJECTION_VERSION", "ALL", "version_tag"}),
    ):
        tree = ast.parse(Path(module.__file__ or "").read_text())
        defined = {
            t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
        }
        defined |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert defined & names == set(), module.__name__
        assert all(getattr(module, name) is getattr(versions, name) for name in names)


def test_a_replay_reads_the_groups_of_linked_partitions_as_the_read_models_do(
    tmp_path: Path, write_csv
) -> None:
    """XYZ renamed XYZN: one group. The quick replay's groups, members, snapshots and horizons are the
    read models' own, and the books at a day after the rename the normal path's."""
    from tests.readmodels.test_linked_partitions import HEADER, KO, RENAMED, XYZ

    url = f"sqlite:///{tmp_path / 'linked.sqlite'}"
    journal = Journal(url)
    journal.import_files([write_csv(HEADER + "\n".join([*XYZ, *KO, *RENAMED]) + "\n")])
    normal = journal.lots(date(2024, 2, 10))  # the store open: refreshed by the normal path
    journal.close()
    quick = Journal(url)
    reader = QuickRead.open(url)
    try:
        models = quick.read_models
        assert models.groups() == {"XYZ": "XYZ", "XYZN": "XYZ"}
        day = date(2024, 2, 9)
        for partitions in (None, ["XYZN"], ["KO"]):
            assert reader is not None
            parts = reader.replay_parts(day, partitions)
            assert parts is not None
            members = None if partitions is None else models.members(partitions)
            assert parts.groups == models.groups()
            assert parts.partitions == members
            assert parts.snapshots == models.snapshots(day, members)
            assert parts.horizons == models.horizons() == {"A": date(2024, 2, 16)}
        assert Journal(url).lots(date(2024, 2, 10)) == normal and normal
    finally:
        quick.close()
        if reader is not None:
            reader.close()


def test_a_wheels_story_is_read_without_sqlalchemy_as_the_normal_path_tells_it(example: str) -> None:
    """`tj cycle show` and `tj report cycle` replay the cycle's books from the read models."""
    listed, _ = _tj(example, ["cycles", "--format", "json"])
    cycle_id = json.loads(listed)[0]["id"]
    for args in (["cycle", "show", cycle_id], ["report", "cycle", cycle_id, "--format", "json"]):
        quick, loaded = _tj(example, args)
        normal, _ = _tj(example, args, normal=True)
        assert not loaded and quick == normal and cycle_id in quick
