"""A database that fails in the middle of a command (the server stopped, a lock held too long) is a sentence
that says what to do, exit 1: not a crash file, and never the URL's password."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from journal.crash import guard

URL = "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/test"


def _real_failure() -> OperationalError:
    """What SQLAlchemy raises when the server is not there (port 1 has no PostgreSQL)."""
    try:
        with create_engine(URL).connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        return exc
    raise AssertionError("port 1 answered")


def test_a_database_lost_mid_command_is_one_sentence(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TJ_STATE_DIR", str(tmp_path / "state"))
    failure = _real_failure()
    with pytest.raises(SystemExit) as ended, guard(["tj", "--db", URL, "lots"]):
        raise failure
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "tj: cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:1/test ("
    )
    assert err.endswith("is the server running and the URL right?\n")
    assert "hunter2" not in err and "sqlalche.me" not in err
    assert not (tmp_path / "state").exists()  # no crash file: nothing unexpected happened
