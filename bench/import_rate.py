"""Whether importing a decade of several busy wheel accounts stays a matter of seconds (>= 100k rows/s on
SQLite), and how far the journal import is from a raw sqlite3 executemany of the same rows. Run on demand."""

from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import json
import math
import os
import pstats
import random
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from importers import journal_csv
from importers.bounds import checked
from journal.api import Journal
from journal.events import Event, payload_json
from journal.store import _CACHE_KIB, GENESIS, SQLITE_PAGE_SIZE, EventStore

TARGET_ROWS_PER_S = 100_000
TARGET_CSV_ROWS_PER_S = 50_000  # broker CSV importers (issue 5)
TARGET_OFX_PER_S = 5_000
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COLUMNS = (
    "date", "account", "action", "symbol", "quantity", "price", "fees", "amount", "order_id", "id", "note",
)
EVENT_COLUMNS = (
    "seq", "natural_key", "owner", "account", "type", "underlying", "economic_time", "recorded_time",
    "payload", "source", "prev_hash", "hash",
)
PLAIN_DDL = f"CREATE TABLE events ({', '.join(EVENT_COLUMNS)})"
INSERT_SQL = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
# What the store itself runs (see EventStore._write_sqlite): no statement of an import can abort alone.
STORE_INSERT_SQL = INSERT_SQL.replace("INSERT INTO", "INSERT OR ROLLBACK INTO")

# -- the synthetic journal -------------------------------------------------------------------------------

# Ticker, price at the start, annual dividend yield (0: pays none).
UNDERLYINGS: tuple[tuple[str, float, float], ...] = (
    ("SPY", 205.0, 0.019), ("QQQ", 102.0, 0.008), ("IWM", 118.0, 0.014), ("DIA", 178.0, 0.021),
    ("AAPL", 27.0, 0.016), ("MSFT", 46.0, 0.025), ("AMD", 2.7, 0.0), ("INTC", 36.0, 0.027),
    ("KO", 42.0, 0.031), ("PEP", 95.0, 0.028), ("T", 33.0, 0.056), ("VZ", 46.0, 0.047),
    ("XOM", 92.0, 0.030), ("CVX", 110.0, 0.038), ("JPM", 62.0, 0.026), ("BAC", 17.0, 0.011),
    ("WFC", 54.0, 0.026), ("F", 15.0, 0.039), ("GM", 34.0, 0.036), ("DIS", 94.0, 0.012),
    ("NKE", 48.0, 0.011), ("SBUX", 41.0, 0.016), ("PFE", 31.0, 0.036), ("MRK", 57.0, 0.031),
    ("ABBV", 65.0, 0.031), ("CSCO", 27.0, 0.031), ("ORCL", 45.0, 0.011), ("TSLA", 14.0, 0.0),
    ("NVDA", 5.0, 0.004), ("AMZN", 15.0, 0.0),
)
# Account id, and whether its rows carry the broker's transaction id (a broker export) or not (typed by hand).
ACCOUNTS: dict[str, bool] = {
    "IBKR-U1234567": True, "SCHWAB-IRA": True, "TASTY-5WT": False, "FIDELITY-ROTH": False,
}
START_MONDAY = date(2013, 1, 7)
PLANNED_YEARS = 12
ROWS_PER_TRADE = 2.7  # the opening fills, the closing row, and a share of the dividend and interest rows


@dataclass(slots=True)
class _Generator:
    """Weekly wheel trading: short puts until assigned, then covered calls until called away."""

    rng: random.Random
    rows: list[tuple[str, ...]] = field(default_factory=list)
    prices: dict[str, float] = field(default_factory=dict)
    shares: dict[tuple[str, str], int] = field(default_factory=dict)
    ids: int = 0
    orders: int = 0

    def row(self, when: str, account: str, action: str, symbol: str = "", quantity: str = "", price: str = "",
            fees: str = "", amount: str = "", order_id: str = "", note: str = "") -> None:
        broker_id = ""
        if ACCOUNTS[account]:
            self.ids += 1  # brokers number transactions uniquely, and the importer refuses a repeated id
            broker_id = f"{7_100_000_000 + self.ids}"
        self.rows.append(
            (when, account, action, symbol, quantity, price, fees, amount, order_id, broker_id, note)
        )

    def stamp(self, day: date) -> str:
        minute = self.rng.randrange(9 * 60 + 30, 16 * 60)
        return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:{self.rng.randrange(60):02d}"

    def new_order(self) -> str:
        self.orders += 1
        return f"O{self.orders}"

    def sell_option(self, account: str, ticker: str, monday: date, right: str, contracts: int) -> None:
        """Open a short option, in one to three fills, and close it: expiry, buy-back (maybe a roll) or
        assignment."""
        rng, price = self.rng, self.prices[ticker]
        expiry = monday + timedelta(days=4 if rng.random() < 0.7 else 11)
        otm = 1 - rng.uniform(0.0, 0.06) if right == "P" else 1 + rng.uniform(0.0, 0.06)
        strike = _strike(price * otm)
        symbol = _compact(ticker, expiry, right, strike)
        premium = max(0.05, price * rng.uniform(0.003, 0.015))
        opened = monday + timedelta(days=rng.randrange(2))
        order, filled = self.new_order(), self.stamp(opened)
        for fill in _split(contracts, rng):
            self.row(filled, account, "STO", symbol, str(fill), f"{premium:.2f}",
                     f"{0.65 * fill:.2f}", order_id=order)
        fate = rng.random()
        assigned = 0.80 if right == "P" else 0.75
        if fate < 0.65:
            posted = expiry + timedelta(days=0 if rng.random() < 0.8 else 1)
            self.row(posted.isoformat(), account, "EXPIRE", symbol, str(contracts))
        elif fate < assigned:
            closed = opened + timedelta(days=rng.randrange(1, (expiry - opened).days + 1))
            roll = rng.random() < 0.3
            order = self.new_order() if roll else ""
            self.row(self.stamp(closed), account, "BTC", symbol, str(contracts),
                     f"{premium * rng.uniform(0.1, 0.6):.2f}", f"{0.65 * contracts:.2f}", order_id=order)
            if roll:
                later = _compact(ticker, expiry + timedelta(days=7), right, strike)
                self.row(self.stamp(closed), account, "STO", later, str(contracts), f"{premium * 1.1:.2f}",
                         f"{0.65 * contracts:.2f}", order_id=order, note="roll")
                self.row((expiry + timedelta(days=7)).isoformat(), account, "EXPIRE", later, str(contracts))
        else:
            self.row(expiry.isoformat(), account, "ASSIGN", symbol, str(contracts))
            held = self.shares.get((account, ticker), 0)
            self.shares[account, ticker] = held + 100 * contracts if right == "P" else 0

    def trade(self, account: str, ticker: str, monday: date) -> None:
        """One wheel step: a short put without shares, a covered call with; now and then stock outright."""
        rng, held = self.rng, self.shares.get((account, ticker), 0)
        price = f"{self.prices[ticker]:.2f}"
        if held == 0 and rng.random() < 0.03:
            bought = 100 * rng.randint(1, 3)
            self.row(self.stamp(monday), account, "BUY", ticker, str(bought), price, "1.00")
            self.shares[account, ticker] = bought
        elif held and rng.random() < 0.04:
            self.row(self.stamp(monday), account, "SELL", ticker, str(held), price, "1.00")
            self.shares[account, ticker] = 0
        elif held:
            self.sell_option(account, ticker, monday, "C", held // 100)
        else:
            self.sell_option(account, ticker, monday, "P", rng.randint(1, 5))

    def week(self, monday: date, activity: float) -> None:
        """`activity`: the expected number of trades per account and underlying in a week."""
        rng = self.rng
        for ticker, _, _ in UNDERLYINGS:
            self.prices[ticker] *= math.exp(rng.gauss(0.002, 0.035))
        for account in ACCOUNTS:
            if monday.day <= 7:
                self.row(monday.isoformat(), account, "INTEREST", amount=f"{rng.uniform(1, 40):.2f}")
            for ticker, _, dividend_yield in UNDERLYINGS:
                held = self.shares.get((account, ticker), 0)
                if dividend_yield and held and monday.day <= 7 and monday.month % 3 == 0:
                    cash = held * self.prices[ticker] * dividend_yield / 4
                    self.row((monday + timedelta(days=3)).isoformat(), account, "DIVIDEND", ticker,
                             amount=f"{cash:.2f}")
                for _ in range(int(activity) + (rng.random() < activity % 1)):
                    self.trade(account, ticker, monday)


def _strike(level: float) -> float:
    step = 0.5 if level < 25 else 1.0 if level < 200 else 5.0
    return max(step, round(level / step) * step)


def _compact(ticker: str, expiry: date, right: str, strike: float) -> str:
    return f"{ticker}{expiry:%y%m%d}{right}{strike:g}"


def _split(contracts: int, rng: random.Random) -> list[int]:
    """One order's fills: often one, sometimes two or three partial fills."""
    fills = 1 if contracts == 1 or rng.random() < 0.6 else min(contracts, rng.randint(2, 3))
    cuts = sorted(rng.sample(range(1, contracts), fills - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, contracts], strict=True)]


def generate(rows: int, seed: int) -> list[tuple[str, ...]]:
    """`rows` journal-CSV rows in date order, the same for the same seed."""
    gen = _Generator(random.Random(seed), prices={t: p for t, p, _ in UNDERLYINGS})
    for account in ACCOUNTS:
        gen.row(START_MONDAY.isoformat(), account, "DEPOSIT", amount="250000.00")
    # Spread `rows` over about PLANNED_YEARS, however many there are.
    activity = rows / (52 * PLANNED_YEARS * len(ACCOUNTS) * len(UNDERLYINGS) * ROWS_PER_TRADE)
    monday = START_MONDAY
    while len(gen.rows) < rows * 1.02 + 100:  # a margin, so the cut keeps whole weeks before it
        gen.week(monday, activity)
        monday += timedelta(days=7)
    return sorted(gen.rows, key=lambda r: r[0])[:rows]


def write_csv(path: Path, rows: Sequence[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)


# -- the measures ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def timed_import(name: str, url: str, csv_path: Path, rows: int, expect_added: int) -> Measure:
    """`Journal.import_files` alone: the journal is opened (and migrated) before the clock starts."""
    journal = Journal(url)
    try:
        start = time.perf_counter()
        (done,) = journal.import_files([csv_path])
        seconds = time.perf_counter() - start
    finally:
        journal.close()
    assert done.events_added == expect_added, done
    assert done.events_added + done.duplicates == rows, done
    return Measure(name, rows, seconds)


def store_tuples(events: Sequence[Event]) -> list[tuple[Any, ...]]:
    """The 12 values the store writes per event, in its column order, with a real 64-char hash chain."""
    recorded = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    prev, values = GENESIS, []
    for seq, ev in enumerate(events, start=1):
        payload = payload_json(ev)
        source = None if ev.source is None else json.dumps(
            {"file": ev.source.file, "sha256": ev.source.sha256, "line": ev.source.line})
        digest = hashlib.sha256("\x1f".join((prev, str(seq), ev.key, payload)).encode()).hexdigest()
        values.append((seq, ev.key, "default", ev.account, ev.type_name, ev.underlying,
                       ev.time.strftime("%Y-%m-%d %H:%M:%S.%f"), recorded, payload, source, prev, digest))
        prev = digest
    return values


def raw_executemany(db: Path, values: list[tuple[Any, ...]], sql: str = INSERT_SQL) -> float:
    """Seconds for one transaction of executemany into `db`'s events table, with the store's pragmas."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(sql, values)
        conn.execute("COMMIT")
        seconds = time.perf_counter() - start
        (count,) = conn.execute("SELECT count(*) FROM events").fetchone()
    finally:
        conn.close()
    assert count == len(values), count
    return seconds


def store_schema_db(path: Path, without: str | None = None) -> Path:
    """A fresh SQLite file with the store's own events table (unique natural_key, append-only triggers, the
    partition index), made by the store itself (so with its page size), less one piece when `without` names
    it: a trigger, an index, or "unique" (the table made again from its DDL without UNIQUE (natural_key), and
    without the trigger events_no_replace, which looks each new key up in that index)."""
    EventStore(sqlite_url(path)).close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
        assert triggers >= 1, "the store's events table has no triggers"
        if without == "unique":
            (ddl,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'events'").fetchone()
            others = [sql for (sql,) in conn.execute(
                "SELECT sql FROM sqlite_master "
                "WHERE tbl_name = 'events' AND sql IS NOT NULL AND name <> 'events'")]
            bare = re.sub(r",\s*UNIQUE \(natural_key\)", "", ddl)
            assert bare != ddl, ddl
            conn.execute("DROP TABLE events")
            conn.execute(bare)
            for sql in others:
                if "events_no_replace" not in sql:  # it would scan the table for each row's key
                    conn.execute(sql)
        elif without is not None:
            kind = "INDEX" if without.startswith("ix_") else "TRIGGER"
            conn.execute(f"DROP {kind} {without}")
    finally:
        conn.close()
    return path


def plain_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")  # as the store's own
    conn.execute(PLAIN_DDL)
    conn.commit()
    conn.close()
    return path


def schema_costs(folder: Path, values: list[tuple[Any, ...]], full: float) -> list[Measure]:
    """What each piece of the events table costs the store's insert: the same rows into the store's table less
    that piece (the seconds saved are that piece's cost), and into it by a plain INSERT (which needs a
    statement journal: every page an insert touches copied once per row)."""
    rows = len(values)
    measures = [Measure("  store schema, plain INSERT (stmt journal)", rows,
                        raw_executemany(store_schema_db(folder / "cost_plain_insert.sqlite"), values))]
    for piece in ("events_no_replace", "events_no_update", "ix_events_underlying", "unique"):
        db = store_schema_db(folder / f"cost_{piece}.sqlite", piece)
        seconds = raw_executemany(db, values, STORE_INSERT_SQL)
        name = "unique key + no_replace" if piece == "unique" else piece
        measures.append(Measure(f"  without {name} (saves {full - seconds:+.3f}s)", rows, seconds))
    return measures


def postgres_import(csv_path: Path, rows: int) -> Measure | None:
    """The journal import into a throwaway schema of the PostgreSQL server, or None when it is unreachable."""
    base = make_url(os.environ.get("TJ_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    schema = f"tj_bench_{secrets.token_hex(4)}"
    admin = create_engine(base, connect_args={"connect_timeout": 3})
    try:
        try:
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
        except Exception as exc:
            reason = (str(exc).strip().splitlines() or [""])[0]
            print(f"postgresql: unreachable, skipped\n  ({type(exc).__name__}: {reason})")
            return None
        try:
            url = base.update_query_dict({"options": f"-csearch_path={schema}"})
            return timed_import("journal import, postgresql", url.render_as_string(hide_password=False),
                                csv_path, rows, rows)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        admin.dispose()


def profile_import(url: str, csv_path: Path, rows: int) -> None:
    journal = Journal(url)
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        (done,) = journal.import_files([csv_path])
        profiler.disable()
    finally:
        journal.close()
    assert done.events_added == rows, done
    print(f"\ncProfile of the SQLite journal import ({rows:,} rows), top 25 by tottime:")
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(25)


# -- output ----------------------------------------------------------------------------------------------


def print_table(measures: Sequence[Measure], indexed: Measure, plain: Measure) -> None:
    header = f"{'measure':<40} {'rows':>9} {'seconds':>8} {'rows/s':>10} {'x raw+idx':>9} {'x raw plain':>11}"
    print(header)
    print("-" * len(header))
    for m in measures:
        print(f"{m.name:<40} {m.rows:>9,} {m.seconds:>8.3f} {m.rate:>10,.0f} "
              f"{m.seconds / indexed.seconds:>9.1f} {m.seconds / plain.seconds:>11.1f}")
    print("(x raw: the measure's seconds over those of the raw executemany reference; 2.0 = twice as slow)")


def ofx_rates(folder: Path, events: int, seed: int) -> list[Measure]:
    """OFX: parse rate (transactions/s) and import rate of a generated OFX 2 statement (bench/generate.py)."""
    from importers import ofx

    path = folder / "statement.ofx"
    generator = Path(__file__).with_name("generate.py")
    done = subprocess.run([sys.executable, str(generator), "--events", str(events), "--seed", str(seed),
                           "--format", "ofx", "-o", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"ofx: the generator failed, skipped ({done.stderr.strip()[-200:]})")
        return []
    paths = sorted(folder.glob("statement*.ofx")) or [path]
    start = time.perf_counter()
    results = [ofx.parse(p, None) for p in paths]
    seconds = time.perf_counter() - start
    errors = [e for r in results for e in r.errors]
    assert not errors, errors[:3]
    count = sum(len(r.events) for r in results)
    parse = Measure(f"ofx parse ({len(paths)} file(s), events)", count, seconds)
    journal = Journal(sqlite_url(folder / "ofx.sqlite"))
    try:
        start = time.perf_counter()
        journal.import_files(paths)
        imported = Measure("ofx import, sqlite", count, time.perf_counter() - start)
    finally:
        journal.close()
    return [parse, imported]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=200_000,
                        help="journal-CSV rows to generate (default 200000)")
    parser.add_argument("--seed", type=int, default=1,
                        help="random seed of the generated journal (default 1)")
    parser.add_argument("--profile", action="store_true",
                        help="also run the SQLite import under cProfile and print the top 25 by tottime")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be positive")

    with tempfile.TemporaryDirectory(prefix="tj-bench-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "journal.csv"
        start = time.perf_counter()
        rows = generate(args.rows, args.seed)
        write_csv(csv_path, rows)
        generated = time.perf_counter() - start
        symbols, first_day, last_day = len({r[3] for r in rows if r[3]}), rows[0][0][:10], rows[-1][0][:10]
        del rows

        start = time.perf_counter()
        parsed = journal_csv.parse(csv_path)
        parse_only = Measure("  parse alone (journal_csv.parse)", args.rows, time.perf_counter() - start)
        start = time.perf_counter()
        checked("journal.csv", parsed)
        # What an import does before its first write: the parse and the net of bounds under it.
        parse_side = Measure("  parse + bounds net (bounds.checked)", args.rows,
                             parse_only.seconds + time.perf_counter() - start)
        start = time.perf_counter()
        for ev in parsed.events:
            payload_json(ev)
        payloads = Measure("  payload_json of every event", args.rows, time.perf_counter() - start)
        assert not parsed.errors, "\n".join(str(p) for p in parsed.errors[:10])
        assert len(parsed.events) == args.rows, len(parsed.events)
        print(f"theta-journal import benchmark: Python {sys.version.split()[0]}, "
              f"SQLite {sqlite3.sqlite_version}")
        print(f"generated {args.rows:,} rows (seed {args.seed}) in {generated:.1f}s: "
              f"{csv_path.stat().st_size / 1e6:.1f} MB, {first_day} to {last_day}, {len(ACCOUNTS)} accounts, "
              f"{len(UNDERLYINGS)} underlyings, {symbols:,} distinct symbols")

        journal_db = folder / "journal.sqlite"
        url = sqlite_url(journal_db)
        first = timed_import("journal import, sqlite", url, csv_path, args.rows, args.rows)
        again = timed_import("re-import, sqlite (all duplicates)", url, csv_path, args.rows, 0)

        values = store_tuples(parsed.events)
        del parsed
        indexed = Measure("raw executemany, store schema", args.rows,
                          raw_executemany(store_schema_db(folder / "raw_indexed.sqlite"), values,
                                          STORE_INSERT_SQL))
        plain = Measure("raw executemany, plain table", args.rows,
                        raw_executemany(plain_db(folder / "raw_plain.sqlite"), values))
        costs = schema_costs(folder, values, indexed.seconds)
        del values

        postgres = postgres_import(csv_path, args.rows)
        ofx = ofx_rates(folder, min(args.rows, 20_000), args.seed)
        measures = [first, parse_only, parse_side, payloads, again, indexed, *costs, plain,
                    *([postgres] if postgres else []), *ofx]
        print()
        print_table(measures, indexed, plain)
        met = first.rate >= TARGET_ROWS_PER_S
        print(f"\ntarget: >= {TARGET_ROWS_PER_S:,} rows/s for the journal import on SQLite: "
              f"{first.rate:,.0f} rows/s, {'MET' if met else 'NOT MET'}")
        csv_met = first.rate >= TARGET_CSV_ROWS_PER_S
        print(f"target: >= {TARGET_CSV_ROWS_PER_S:,} CSV rows/s (import): {first.rate:,.0f}, "
              f"{'MET' if csv_met else 'NOT MET'}; parse alone {parse_only.rate:,.0f} rows/s, "
              f"with the bounds net {parse_side.rate:,.0f}")
        if ofx:
            ofx_met = ofx[0].rate >= TARGET_OFX_PER_S
            print(f"target: >= {TARGET_OFX_PER_S:,} OFX transactions/s (parse): {ofx[0].rate:,.0f}, "
                  f"{'MET' if ofx_met else 'NOT MET'}")

        if args.profile:
            profile_import(sqlite_url(folder / "profiled.sqlite"), csv_path, args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
