"""The scale benchmark: every figure the scale issue sets a target for, beside its reference, measured in one
run on this machine (`python bench/run.py`; `--events 100000` for a quick run). Never a test: it prints."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.import_rate import (  # noqa: E402
    DEFAULT_POSTGRES_URL,
    plain_db,
    raw_executemany,
    store_schema_db,
    store_tuples,
)
from importers import journal_csv  # noqa: E402

TJ = str(Path(sys.executable).with_name("tj"))
BEANCOUNT_VENV = HERE / ".venv-beancount"


@dataclass
class Row:
    measure: str
    value: str
    reference: str = ""
    target: str = ""
    met: str = ""


# Runs one command and reports its wall time and peak memory. A small process of its own starts the command:
# a child's peak RSS counts the process it was forked from (its pages before exec), and this benchmark
# holds a parsed journal, so measured from here every command would weigh at least that much.
_MEASURE = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.perf_counter() - start} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak memory (KiB, the command's own with its worker processes) and stdout of one
    command."""
    with tempfile.NamedTemporaryFile("r") as figures:
        proc = subprocess.run(
            [sys.executable, "-c", _MEASURE, figures.name, *argv], capture_output=True, text=True, env=env
        )
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.strip()[-500:]}")
        seconds, peak = figures.read().split()
    return float(seconds), int(peak), proc.stdout


def generate(events: int, fmt: str, path: Path, seed: int) -> float:
    seconds, _, _ = run(
        [
            sys.executable,
            str(HERE / "generate.py"),
            "--events",
            str(events),
            "--seed",
            str(seed),
            "--format",
            fmt,
            "-o",
            str(path),
        ]
    )
    return seconds


def split_last_month(path: Path, head: Path, month: Path) -> str:
    """The history without its last full month (and what follows it), and that month apart: what a monthly
    import adds."""
    lines = path.read_text().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    months = sorted({line[:7] for line in body})
    last = months[-2] if len(months) > 1 else months[-1]
    head.write_text(header + "".join(line for line in body if line[:7] < last))
    month.write_text(header + "".join(line for line in body if line[:7] == last))
    return last


def tj(url: str, *args: str) -> tuple[float, int, str]:
    return run([TJ, "--db", url, *args])


# The same command in one process whose libraries are already loaded: what the command itself costs, apart
# from starting Python and importing SQLAlchemy (with its SQLite dialect), Typer (with the pydantic it loads
# to convert arguments when a value is not plain), pandas and Jinja2 (the md and html formats): what is left
# of a command's wall time once its libraries are loaded.
IN_PROCESS = """
import contextlib, io, sys, time
import jinja2, pandas, pydantic, sqlalchemy, sqlalchemy.dialects.sqlite  # noqa: F401  (before the clock)
from journal.cli import app
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app(sys.argv[1:], standalone_mode=False)
    except SystemExit:
        pass
print(f"{time.perf_counter() - start:.6f}")
"""


RUNS = 3


def in_process(url: str, *args: str) -> tuple[float, float, float]:
    """Wall seconds of the command run as a process, the first time and the best of RUNS (the first after
    a rebuild reads pages the system has not cached yet), and its own seconds inside a process whose
    libraries are loaded (best of RUNS)."""
    walls = [tj(url, *args)[0] for _ in range(RUNS)]
    own = [run([sys.executable, "-c", IN_PROCESS, "--db", url, *args])[2] for _ in range(RUNS)]
    return walls[0], min(walls), min(float(out.split()[-1]) for out in own)


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def postgres_url() -> tuple[str, str] | None:
    base = make_url(os.environ.get("TJ_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    schema = f"tj_bench_{secrets.token_hex(4)}"
    try:
        with create_engine(base, connect_args={"connect_timeout": 3}).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # unreachable: the PostgreSQL rows say so
        print(f"postgresql unreachable: {type(exc).__name__}")
        return None
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    return url, schema


def drop_schema(schema: str) -> None:
    base = make_url(os.environ.get("TJ_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    with create_engine(base).begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def beancount_python() -> Path | None:
    """Beancount v3 in the benchmark's own environment (never in the project's)."""
    python = BEANCOUNT_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BEANCOUNT_VENV)], check=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "beancount>=3"], capture_output=True
        )
        if done.returncode != 0:
            print("beancount could not be installed: skipped")
            return None
    return python


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000, help="size of the big journal (default 10^6)")
    ap.add_argument("--small", type=int, default=100_000, help="size of the small journal (default 10^5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-beancount", action="store_true")
    ns = ap.parse_args(argv)
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="tj-bench-"))
    print(f"working in {work}; {os.cpu_count()} cores")

    # -- the histories ---------------------------------------------------------------------------------
    big, small = work / "big.csv", work / "small.csv"
    seconds = generate(ns.events, "journal-csv", big, ns.seed)
    generate(ns.small, "journal-csv", small, ns.seed)
    head, month_file = work / "head.csv", work / "month.csv"
    month = split_last_month(big, head, month_file)
    n_big = sum(1 for _ in big.open()) - 1
    n_month = sum(1 for _ in month_file.open()) - 1
    print(f"generated {n_big:,} events in {seconds:.1f} s; last month {month}: {n_month:,} events")

    # -- import rate vs raw executemany (the small journal) ----------------------------------------------
    parsed = journal_csv.parse(small)
    assert not parsed.errors, parsed.errors[:3]
    values = store_tuples(parsed.events)
    raw_store = raw_executemany(store_schema_db(work / "raw-store.sqlite"), values)
    raw_plain = raw_executemany(plain_db(work / "raw-plain.sqlite"), values)
    small_url = f"sqlite:///{work / 'small.sqlite'}"
    t_import, mem_import, _ = tj(small_url, "import", str(small))
    n_small = len(parsed.events)
    rows.append(
        Row(
            f"import {n_small:,} journal-CSV rows, SQLite (events + read models)",
            f"{n_small / t_import:,.0f} rows/s",
            f"raw executemany: store table {n_small / raw_store:,.0f}, plain {n_small / raw_plain:,.0f}",
            ">= 100,000 rows/s",
            verdict(n_small / t_import >= 100_000),
        )
    )

    # -- full rebuild: time per event should stay flat ----------------------------------------------------
    t_small, _, _ = tj(small_url, "rebuild")
    rows.append(
        Row(
            f"full rebuild, {n_small:,} events",
            f"{t_small:.2f} s",
            f"{t_small / n_small * 1e6:.1f} us/event",
            "<= 10 us/event",
            verdict(t_small / n_small <= 10e-6),
        )
    )
    big_url = f"sqlite:///{work / 'big.sqlite'}"
    t_head_import, mem_big_import, _ = tj(big_url, "import", str(head))
    t_big, mem_rebuild, _ = tj(big_url, "rebuild")  # (the import left the read models to the next query)
    rows.append(
        Row(
            f"full rebuild, {n_big - n_month:,} events",
            f"{t_big:.2f} s",
            f"{t_big / (n_big - n_month) * 1e6:.1f} us/event; issue 16 found 54.8 s",
            "<= 10 s at 10^6",
            verdict(t_big <= 10 * (n_big - n_month) / 1e6),
        )
    )

    # -- one month into the small journal: the cost grows with the month, not with the history ------------
    small_head, small_month_file = work / "small-head.csv", work / "small-month.csv"
    small_month = split_last_month(small, small_head, small_month_file)
    n_small_month = sum(1 for _ in small_month_file.open()) - 1
    inc_url = f"sqlite:///{work / 'small-inc.sqlite'}"
    tj(inc_url, "import", str(small_head))
    tj(inc_url, "lots", "--format", "json")  # the read models built, as a user's journal has them
    t_small_month, _, _ = tj(inc_url, "import", str(small_month_file))
    t_small_catch_up, _, _ = tj(inc_url, "lots", "--format", "json")
    rows.append(
        Row(
            f"one month ({small_month}, {n_small_month:,} events) into {n_small - n_small_month:,}: "
            "import + first query",
            f"{t_small_month + t_small_catch_up:.2f} s",
            f"import {t_small_month:.2f} s + first query {t_small_catch_up:.2f} s;"
            f" full rebuild {t_small:.2f} s",
            "<= 2 s",
            verdict(t_small_month + t_small_catch_up <= 2),
        )
    )

    # -- a month imported late (two months before the last): goes on from the month-end state before it ------
    months = sorted({line[:7] for line in small.read_text().splitlines()[1:]})
    late = months[-3]
    late_rest, late_file = work / "late-rest.csv", work / "late.csv"
    header, *body = small.read_text().splitlines(keepends=True)
    late_rest.write_text(header + "".join(line for line in body if line[:7] != late))
    late_file.write_text(header + "".join(line for line in body if line[:7] == late))
    late_url = f"sqlite:///{work / 'small-late.sqlite'}"
    tj(late_url, "import", str(late_rest))
    tj(late_url, "lots", "--format", "json")
    t_late, _, _ = tj(late_url, "import", str(late_file))
    t_late_catch_up, _, _ = tj(late_url, "lots", "--format", "json")
    n_late = len(body) - sum(1 for _ in late_rest.open()) + 1
    rows.append(
        Row(
            f"a month imported late ({late}, {n_late:,} events, before {months[-2]} and {months[-1]}) into "
            f"{n_small - n_late:,}: import + first query",
            f"{t_late + t_late_catch_up:.2f} s",
            f"import {t_late:.2f} s + first query {t_late_catch_up:.2f} s; full rebuild {t_small:.2f} s",
            "<= 2 s",
            verdict(t_late + t_late_catch_up <= 2),
        )
    )

    # -- one month into the big journal ------------------------------------------------------------------
    t_month, _, _ = tj(big_url, "import", str(month_file))
    t_catch_up, _, _ = tj(big_url, "lots", "--format", "json")
    rows.append(
        Row(
            f"one month ({month}, {n_month:,} events) into {n_big - n_month:,}: import + first query",
            f"{t_month + t_catch_up:.2f} s",
            f"import {t_month:.2f} s + first query (catch-up of the touched partitions) {t_catch_up:.2f} s;"
            f" full rebuild {t_big:.2f} s; issue 16 found 0.92 + 57 s",
            "<= 2 s",
            verdict(t_month + t_catch_up <= 2),
        )
    )

    # -- reports and queries at the big journal ---------------------------------------------------------
    year = int(month[:4])
    _, _, cycles = tj(big_url, "cycles", "--status", "closed", "--format", "csv")
    cycle_id = cycles.splitlines()[-1].split(",")[0] if len(cycles.splitlines()) > 1 else ""
    startup = min(run([TJ, "--help"])[0] for _ in range(RUNS))
    rows.append(Row("tj --help (Python, Typer and its help)", f"{startup:.2f} s", f"best of {RUNS}"))
    # (name, arguments, target in seconds or None): small queries <= 0.2 s, each report <= 0.5 s, in the
    # formats for people (table, the default; html) and for programs (json).
    queries: list[tuple[str, list[str], float | None]] = [
        ("lots", ["lots"], 0.2),
        ("lots --format json", ["lots", "--format", "json"], 0.2),
        ("positions", ["positions"], 0.2),
        ("cycles --status open", ["cycles", "--status", "open"], 0.2),
        ("accounts", ["accounts"], 0.2),
        ("imports", ["imports"], 0.2),
        (f"realized --year {year} (all lines)", ["realized", "--year", str(year), "-f", "json"], None),
    ]
    reports = [
        ("report monthly", ["report", "monthly", month]),
        (f"report year {year} (to {month})", ["report", "year", str(year)]),
        (f"report year {year - 1} (a whole year)", ["report", "year", str(year - 1)]),
        ("report weekly", ["report", "weekly", "--as-of", f"{month}-15"]),
        ("report cycle", ["report", "cycle", cycle_id]),
    ]
    for name, args in reports:
        for fmt in ("table", "json", "md", "html"):
            queries.append((f"{name} --format {fmt}", [*args, "--format", fmt], 0.5))
    for name, args, target in queries:
        t_first, t_query, t_own = in_process(big_url, *args)
        rows.append(
            Row(
                f"{name} at {n_big:,} events (wall, best of {RUNS})",
                f"{t_query:.2f} s",
                f"first run {t_first:.2f} s; itself, libraries loaded: {t_own:.2f} s",
                f"<= {target} s" if target is not None else "",
                verdict(t_query <= target) if target is not None else "",
            )
        )
    rows.append(
        Row(
            "peak memory (rebuild of the big journal)",
            f"{mem_rebuild / 1024:,.0f} MiB",
            f"import of {n_small:,}: {mem_import / 1024:,.0f} MiB",
            "<= 1 GiB",
            verdict(mem_rebuild <= 1024 * 1024),
        )
    )
    rows.append(
        Row(
            f"peak memory (import of {n_big - n_month:,} rows in one file)",
            f"{mem_big_import / 1024:,.0f} MiB",
            f"{t_head_import:.1f} s; a file is parsed whole before anything is written",
            "<= 1 GiB",
            verdict(mem_big_import <= 1024 * 1024),
        )
    )

    # -- PostgreSQL ------------------------------------------------------------------------------------------
    if not ns.no_postgres and (pg := postgres_url()):
        url, schema = pg
        try:
            t_pg_import, _, _ = tj(url, "import", str(small))
            t_pg_rebuild, _, _ = tj(url, "rebuild")
            t_pg_report, _, _ = tj(url, "report", "monthly", month, "--format", "json")
            rows.append(Row(f"PostgreSQL: import {n_small:,}", f"{n_small / t_pg_import:,.0f} rows/s"))
            rows.append(
                Row(
                    f"PostgreSQL: full rebuild {n_small:,}",
                    f"{t_pg_rebuild:.2f} s",
                    f"{t_pg_rebuild / n_small * 1e6:.1f} us/event",
                )
            )
            rows.append(Row(f"PostgreSQL: report monthly at {n_small:,}", f"{t_pg_report:.2f} s"))
        finally:
            drop_schema(schema)

    # -- Beancount v3 on the same trades ---------------------------------------------------------------------
    if not ns.no_beancount and (python := beancount_python()):
        ledger = work / "small.beancount"
        generate(ns.small, "beancount", ledger, ns.seed)
        load = "from beancount import loader; e, errors, o = loader.load_file(__import__('sys').argv[1])"
        t_bean, _, _ = run([str(python), "-c", load, str(ledger)])
        t_query, _, _ = tj(small_url, "realized", "--format", "json")
        rows.append(
            Row(
                f"Beancount v3 load of the same {n_small:,} trades",
                f"{t_bean:.2f} s",
                f"tj rebuild {t_small:.2f} s ({t_bean / t_small:.1f}x); tj realized {t_query:.2f} s "
                f"({t_bean / t_query:.1f}x); issue 16 found 2.9x",
                "rebuild >= 10x faster",
                verdict(t_bean / t_small >= 10),
            )
        )

    width = max(len(r.measure) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'value':>16}  {'target':<18} met  reference")
    for r in rows:
        print(f"{r.measure.ljust(width)}  {r.value:>16}  {r.target:<18} {r.met:<4} {r.reference}")
    print(f"\n(rows of {date.today()}, {os.cpu_count()} cores; files in {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
