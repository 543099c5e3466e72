"""The long run of the property test (tests/robustness/test_any_journal.py): many more random journal-CSV
files within the bounds, each imported and read by every command in every format; prints how many ran, how
many broke a command (grouped by where), and the time. Never a test: it prints.

    python bench/property_run.py --examples 2000 [--engine sqlite|postgresql|both] [--seed N]

Each journal that broke a command is written to bench/out/property/ (its CSV, its account settings and the
first failure) to replay by hand: `tj import` it into an empty journal and run the command named.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.robustness.journals import (  # noqa: E402
    Example,
    JournalInput,
    check_journal,
    journal_inputs,
    postgresql_database,
    sqlite_database,
)

OUT = HERE / "out" / "property"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BATCH = 100


@dataclass
class Tally:
    examples: int = 0
    refused: int = 0  # files the importer refused (exit 1, nothing written): fine, counted apart
    commands: int = 0
    broken_examples: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # where it broke -> examples
    seconds: float = 0.0


def signature(example: Example) -> str:
    """Where the first broken command broke: the exception and the last frame of the project's code."""
    outcome, why = example.broken[0]
    lines = [line.strip() for line in why.splitlines() if line.strip()]
    frames = [line for line in lines if line.startswith('File "') and "/site-packages/" not in line]
    last = lines[-1] if lines else "?"
    return f"tj {outcome.args[0]}: {last[:120]} at {frames[-1] if frames else '?'}"


def save(example: Example, given_journal: JournalInput, engine: str, number: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    base = OUT / f"{engine}-{number:05d}"
    base.with_suffix(".csv").write_text(given_journal.csv, encoding="utf-8", newline="")
    base.with_suffix(".txt").write_text(
        f"settings: {given_journal.settings!r}\n\n{example.failure()}\n", encoding="utf-8"
    )
    return base


def run(engine: str, examples: int, random_seed: int | None, postgres_url: str) -> Tally:
    tally = Tally()
    seen: set[str] = set()

    def one(given_journal: JournalInput) -> None:
        database = sqlite_database() if engine == "sqlite" else postgresql_database(postgres_url)
        with database as (url, folder):
            example = check_journal(given_journal, url, folder)
        tally.examples += 1
        tally.commands += example.outcomes
        if example.imported.exit_code == 1 and not example.broken:
            tally.refused += 1
        if example.broken:
            tally.broken_examples += 1
            where = signature(example)
            tally.failures[where] += 1
            if where not in seen:
                seen.add(where)
                path = save(example, given_journal, engine, tally.examples)
                print(f"  new failure ({path.name}): {where}", flush=True)
        if tally.examples % 100 == 0:
            print(f"  {engine}: {tally.examples} examples, {tally.broken_examples} broke", flush=True)

    started = time.perf_counter()
    # In runs of BATCH examples: hypothesis keeps what it generated for the whole of one run (gigabytes
    # over thousands of journals).
    for first in range(0, examples, BATCH):
        batch = settings(
            max_examples=min(BATCH, examples - first),
            deadline=None,
            database=None,
            phases=[Phase.generate],  # nothing fails: every example is kept, none shrunk
            suppress_health_check=list(HealthCheck),
        )(given(given_journal=journal_inputs())(one))
        if random_seed is not None:
            batch = seed(random_seed + first)(batch)
        batch()
    tally.seconds = time.perf_counter() - started
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=2000, help="journals per engine (default 2000)")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed, to repeat a run")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("TJ_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    rows = []
    for engine in engines:
        print(f"{engine}: {args.examples} random journals, every read command in every format", flush=True)
        tally = run(engine, args.examples, args.seed, args.postgres_url)
        rows.append((engine, tally))
    print()
    print("engine      examples  refused  commands  broke  distinct  seconds  s/example")
    for engine, t in rows:
        print(
            f"{engine:<10}  {t.examples:>8}  {t.refused:>7}  {t.commands:>8}  {t.broken_examples:>5}  "
            f"{len(t.failures):>8}  {t.seconds:>7.0f}  {t.seconds / max(t.examples, 1):>9.2f}"
        )
    for engine, t in rows:
        for where, count in t.failures.most_common():
            print(f"{engine}: {count} examples: {where}")
    if any(t.failures for _, t in rows):
        print(f"journals that broke a command: {OUT}")


if __name__ == "__main__":
    main()
