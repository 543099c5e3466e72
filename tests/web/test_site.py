"""The server's kept answers (`Site.memo`): kept while the journal records nothing new, read again after an
import, and bounded in number."""

from __future__ import annotations

from pathlib import Path

from journal.api import Journal
from journal.web import app
from journal.web.app import Site


def test_an_answer_is_kept_until_the_journal_records_another_event(tmp_path: Path, write_csv) -> None:
    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    Journal(url).close()
    site = Site(url, "127.0.0.1", 8421)
    try:
        asked: list[int] = []

        def count() -> int:
            asked.append(1)
            return len(site.journal.lots())

        assert site.worker.submit(site.memo, ("lots",), count).result() == 0
        assert site.worker.submit(site.memo, ("lots",), count).result() == 0
        assert len(asked) == 1
        trades = write_csv("date,action,symbol,quantity,price\n2024-03-04,BUY,KO,100,60\n")
        site.worker.submit(site.journal.import_files, [trades]).result()
        assert site.worker.submit(site.memo, ("lots",), count).result() == 1
        assert len(asked) == 2
    finally:
        site.close()


def test_the_answers_kept_are_bounded_the_oldest_asked_going_first(tmp_path: Path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    Journal(url).close()
    monkeypatch.setattr(app, "MEMO_ENTRIES", 3)
    site = Site(url, "127.0.0.1", 8421)
    try:

        def ask(key: str) -> str:
            return site.worker.submit(site.memo, (key,), lambda: key).result()

        for key in ("a", "b", "c", "a", "d"):  # "a" asked again: "b" is now the oldest
            ask(key)
        assert list(site._memo) == [("c",), ("a",), ("d",)]
    finally:
        site.close()


def test_the_kept_journal_filters_cycles_as_the_api_does(tmp_path: Path) -> None:
    from tests.web.conftest import _imported

    url = _imported(f"sqlite:///{tmp_path / 'j.sqlite'}")
    api = Journal(url)
    site = Site(url, "127.0.0.1", 8421)
    try:
        accounts = [None, *api.accounts(), "nobody"]
        symbols = [None, "KO", "ko", "SPY", "AAPL", "NONE"]
        for account in accounts:
            for symbol in symbols:
                for status in (None, "open", "closed"):
                    expected = [c.id for c in api.cycles(account, symbol, status)]
                    kept = site.worker.submit(site.journal.cycles, account, symbol, status).result()
                    assert [c.id for c in kept] == expected, (account, symbol, status)
    finally:
        site.close()
        api.close()


def test_the_kept_journal_reads_a_years_realized_rows_once_and_gives_the_apis(tmp_path: Path) -> None:
    from tests.web.conftest import _imported

    url = _imported(f"sqlite:///{tmp_path / 'j.sqlite'}")
    api = Journal(url)
    site = Site(url, "127.0.0.1", 8421)
    try:
        for args in [(2024, None), (2024, "brokerage"), (2024, "ira"), (None, None), (2023, None)]:
            kept = site.worker.submit(site.journal.realized, *args).result()
            assert kept == api.realized(*args), args
            assert site.worker.submit(site.journal.realized, *args).result() is kept  # read once
        assert len(api.realized(2024)) == 47  # the example journal: 47 Form 8949 lines in 2024 (tj realized)
    finally:
        site.close()
        api.close()
