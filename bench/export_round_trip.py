"""The long run of the export round-trip property (tests/export/test_round_trip_property.py): many random
journals of fixture files with voids and restores, each exported as JSON lines and as journal CSV and
imported into empty journals, their books compared. Prints how many ran, how many failed (with what was done
to the first few) and the time. Never a test: it prints.

    python bench/export_round_trip.py --examples 200 [--engine sqlite|postgresql|both] [--seed N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.export.journals import check_round_trip, random_journal  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
T = TypeVar("T")
_schemas = itertools.count()


class Seeded:
    """The choices of a random journal from a seeded Random: reproducible by its seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def flag(self) -> bool:
        return self.rng.random() < 0.5

    def one(self, items: Sequence[T]) -> T:
        return self.rng.choice(list(items))

    def some(self, items: Sequence[T], low: int, high: int) -> list[T]:
        return self.rng.sample(list(items), self.rng.randint(low, min(high, len(items))))


@contextmanager
def databases(engine: str, folder: Path) -> Iterator[Callable[[], str]]:
    """A factory of empty journal URLs on `engine`, cleaned up afterwards."""
    if engine == "sqlite":
        numbers = itertools.count()
        yield lambda: f"sqlite:///{folder / f'j{next(numbers)}.sqlite'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get("TJ_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        schema = f"tj_export_{os.getpid()}_{next(_schemas)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as conn:
            for schema in made:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run(engine: str, examples: int, seed: int) -> tuple[int, list[tuple[int, list[str], str]]]:
    failures: list[tuple[int, list[str], str]] = []
    for n in range(examples):
        example_seed = seed + n
        with (
            tempfile.TemporaryDirectory(prefix="tj-export-") as folder,
            databases(engine, Path(folder)) as fresh,
        ):
            done: list[str] = []
            try:
                original = fresh()
                done = random_journal(original, Seeded(random.Random(example_seed)))
                check_round_trip(original, fresh, Path(folder) / "out")
            except Exception:
                failures.append((example_seed, done, traceback.format_exc(limit=3)))
    return examples, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    for engine in engines:
        started = time.perf_counter()
        ran, failures = run(engine, args.examples, args.seed)
        elapsed = time.perf_counter() - started
        print(
            f"{engine}: {ran} journals, {len(failures)} failed, {elapsed:.0f} s ({elapsed / ran:.1f} s each)"
        )
        for example_seed, done, trace in failures[:5]:
            print(f"  seed {example_seed}: {'; '.join(done)}\n{trace}")


if __name__ == "__main__":
    main()
