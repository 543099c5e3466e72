"""Property: any journal made of fixture files, with voids of files and of single events and restores, comes
back whole from both exports (SQLite and PostgreSQL). A few examples here; `bench/export_round_trip.py`
runs many."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.export.journals import check_round_trip, random_journal

T = TypeVar("T")


class _Drawn:
    """Choices drawn by hypothesis, so that a failing journal shrinks."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def flag(self) -> bool:
        return self.data.draw(st.booleans())

    def one(self, items: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(items))

    def some(self, items: Sequence[T], low: int, high: int) -> list[T]:
        return self.data.draw(st.lists(st.sampled_from(items), min_size=low, max_size=high, unique=True))


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_journal_of_fixtures_and_voids_survives_both_exports(
    fresh_db: Callable[[], str], tmp_path_factory, data: st.DataObject
) -> None:
    original = fresh_db()
    random_journal(original, _Drawn(data))
    check_round_trip(original, fresh_db, tmp_path_factory.mktemp("export"))
