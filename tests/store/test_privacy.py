"""A journal is a record of someone's money: its file is private and a database password is never shown."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from journal.store import EventStore, StoreError, database_problem, shown_url
from tests.conftest import POSTGRES_URL

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.csv"))
SECRET = "s3cr3t-Pa55"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_journal_is_readable_by_its_owner_only_in_a_private_folder(tmp_path: Path, tj) -> None:
    path = tmp_path / "new" / "deeper" / "journal.sqlite"
    done = tj("import", *map(str, EXAMPLES), db=f"sqlite:///{path}")
    assert done.returncode == 0, done.stderr
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(path.parent.parent) == 0o700
    # SQLite gives the write-ahead log and its index the database file's own permissions.
    store = EventStore(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM events").scalar()
        for side in ("-wal", "-shm"):
            assert _mode(path.with_name(path.name + side)) == 0o600
    store.close()


def test_an_existing_folder_and_file_keep_the_permissions_their_owner_gave(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    EventStore(f"sqlite:///{folder / 'journal.sqlite'}").close()
    assert _mode(folder) == 0o755
    assert _mode(folder / "journal.sqlite") == 0o600
    (folder / "journal.sqlite").chmod(0o640)
    EventStore(f"sqlite:///{folder / 'journal.sqlite'}").close()
    assert _mode(folder / "journal.sqlite") == 0o640


def test_a_password_in_the_url_never_appears_when_the_server_cannot_be_reached(tj) -> None:
    url = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/test"
    done = tj("lots", db=url)
    assert done.returncode == 1
    assert SECRET not in done.stdout + done.stderr
    assert done.stderr.startswith(
        "tj: cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:1/test ("
    )
    assert done.stderr.rstrip().endswith("is the server running and the URL right?")
    assert "sqlalche.me" not in done.stderr and "Traceback" not in done.stderr


def test_a_password_never_appears_when_the_driver_is_missing(tj) -> None:
    done = tj("lots", db=f"postgresql+nosuchdriver://postgres:{SECRET}@127.0.0.1/test")
    assert done.returncode == 1
    assert SECRET not in done.stdout + done.stderr
    assert "postgresql+nosuchdriver://postgres:***@127.0.0.1/test" in done.stderr


def test_a_password_is_accepted_and_hidden_on_a_reachable_server(postgres_admin, tj) -> None:
    """The local server trusts its clients, so the password is read, sent and ignored: tj works."""
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL).set(password=SECRET).render_as_string(hide_password=False)
    assert SECRET not in shown_url(url) and ":***@" in shown_url(url)
    done = tj("verify", db=url)
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_a_database_failure_is_a_sentence_without_the_password() -> None:
    url = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/test"
    with pytest.raises(StoreError) as caught:
        EventStore(url)
    message = str(caught.value)
    assert SECRET not in message
    shown = "postgresql+psycopg://postgres:***@127.0.0.1:1/test"
    assert message.startswith(f"cannot reach the database {shown} (")
    assert database_problem(RuntimeError(f"failed for {SECRET}"), url) == (
        "the database postgresql+psycopg://postgres:***@127.0.0.1:1/test failed: failed for ***"
    )
