"""The importers' fuzz run: every importer's fixtures mutated with structure (cells by column kind, rows,
columns, elements, attributes, bytes), each case parsed in process as `tj import` parses it and judged by
`tests.fuzzing.oracle`; a sample also imported into a real SQLite journal and listed (`--sample`), a
smaller one by the real `tj import` and then every read command and report in every format (`--sweep`).
Never a test: it prints, per format, the cases run, parsed, refused, unresolved rows produced, failures
and the rate.

    python bench/fuzz.py --cases 10000 [--format NAME ...] [--seed N] [--sample 0.01] [--sweep 0.001]
                         [--jobs 2]

Each failure is saved under /tmp/tj-fuzz/<format>/<case>.<ext> (with <case>.txt: its mutations, the
failure and its traceback), and the first of each kind also minimized (<case>.min.<ext>).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzzing.corpus import Case, formats, make_case  # noqa: E402
from tests.fuzzing.oracle import (  # noqa: E402
    Verdict,
    check_commands,
    check_file,
    check_import,
    minimize,
    template_journal,
)

OUT = Path(os.environ.get("TJ_FUZZ_OUT", "/tmp/tj-fuzz"))


@dataclass
class Found:
    """One kind of failure: how often, and the first case that showed it."""

    count: int
    case: int
    reason: str
    reproducer: Path
    minimal: Path | None = None


@dataclass
class Tally:
    format: str
    cases: int = 0
    ok: int = 0
    refused: int = 0
    unresolved: int = 0  # unresolved rows produced by the cases parsed ok
    imported: int = 0  # cases also imported into a real journal
    swept: int = 0  # cases also imported by `tj import` and read by every `tj` command
    failures: int = 0
    seconds: float = 0.0
    found: dict[str, Found] = field(default_factory=dict)


def _save(case: Case, verdict: Verdict, out: Path, via: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    reproducer = out / f"{case.number}{case.extension}"
    reproducer.write_bytes(case.data)
    note = [
        f"format: {case.format}",
        f"made from: {case.seed}",
        f"found by: {via}",
        "mutations:",
        *(f"  - {m}" for m in case.mutations),
        f"failure: {verdict.reason}",
        verdict.trace,
    ]
    (out / f"{case.number}.txt").write_text("\n".join(note) + "\n")
    return reproducer


def _minimal(case: Case, verdict: Verdict, work: Path, out: Path, today: date, template: Path | None) -> Path:
    """The reproducer cut to the fewest lines that still fail the same way."""
    probe = work / f"min{case.extension}"

    def still_fails(data: bytes) -> bool:
        probe.write_bytes(data)
        if template:
            again = check_import(probe, case.format, template, today)
        else:
            again = check_file(probe, case.format, today)
        return again.signature == verdict.signature

    smallest = minimize(case.data, still_fails, budget=150 if template else 400)
    path = out / f"{case.number}.min{case.extension}"
    path.write_bytes(smallest)
    return path


def run_format(name: str, cases: int, seed: int, sample: float, sweep: float, shrink: bool) -> Tally:
    fmt = formats()[name]
    tally = Tally(name)
    today = date.today()
    every = round(1 / sample) if sample > 0 else 0
    sweep_every = round(1 / sweep) if sweep > 0 else 0
    out = OUT / name
    with tempfile.TemporaryDirectory(prefix=f"tj-fuzz-{name}-") as tmp:
        work = Path(tmp)
        template = template_journal(work) if every else None
        start = time.perf_counter()
        for number in range(cases):
            case = make_case(fmt, seed, number)
            path = work / f"case{case.extension}"
            path.write_bytes(case.data)
            verdict, via = check_file(path, name, today), "parse and fold in memory"
            if not verdict.failed and template and number % every == 0:
                tally.imported += 1
                verdict, via = check_import(path, name, template, today), "import into SQLite"
            if not verdict.failed and sweep_every and number % sweep_every == sweep_every // 2:
                tally.swept += 1
                verdict, via = check_commands(path, name), "tj import and every tj command"
            tally.cases += 1
            if verdict.outcome == "ok":
                tally.ok += 1
                tally.unresolved += verdict.unresolved
            elif verdict.outcome == "refused":
                tally.refused += 1
            else:
                tally.failures += 1
                reproducer = _save(case, verdict, out, via)
                found = tally.found.get(verdict.signature)
                if found:
                    found.count += 1
                    continue
                found = tally.found[verdict.signature] = Found(1, number, verdict.reason, reproducer)
                if shrink and not via.startswith("tj"):  # a sweep takes seconds a try: saved as found
                    by_import = template if via.startswith("import") else None
                    found.minimal = _minimal(case, verdict, work, out, today, by_import)
        tally.seconds = time.perf_counter() - start
    return tally


def _table(tallies: list[Tally]) -> str:
    head = (
        "format",
        "cases",
        "parsed ok",
        "refused",
        "unresolved rows",
        "failures",
        "imported",
        "swept",
        "cases/s",
    )
    rows = [
        (
            t.format,
            str(t.cases),
            str(t.ok),
            str(t.refused),
            str(t.unresolved),
            str(t.failures),
            str(t.imported),
            str(t.swept),
            f"{t.cases / t.seconds:.0f}" if t.seconds else "-",
        )
        for t in tallies
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        " | ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in [head, *rows]
    ]
    lines.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per format")
    parser.add_argument("--format", action="append", help="only this importer (repeatable)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=float, default=0.01, help="share of cases also imported into SQLite")
    parser.add_argument(
        "--sweep", type=float, default=0.001, help="share of cases also run through every tj command"
    )
    parser.add_argument("--jobs", type=int, default=1, help="formats fuzzed at once")
    parser.add_argument("--no-minimize", action="store_true", help="save failures as found, unshrunk")
    args = parser.parse_args(argv)
    names = args.format or list(formats())
    unknown = [n for n in names if n not in formats()]
    if unknown:
        parser.error(f"unknown format {unknown[0]!r} (known: {', '.join(formats())})")
    jobs = [(n, args.cases, args.seed, args.sample, args.sweep, not args.no_minimize) for n in names]
    tallies = []
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        for tally in pool.map(run_format, *zip(*jobs, strict=True)):
            tallies.append(tally)
            done = f"{tally.format}: {tally.cases} cases, {tally.failures} failures"
            print(done, file=sys.stderr, flush=True)
    print(
        f"seed {args.seed}, {args.cases} cases per format; {args.sample:.1%} also imported into SQLite, "
        f"{args.sweep:.1%} through every tj command\n"
    )
    print(_table(tallies))
    for t in tallies:
        for signature, found in t.found.items():
            print(f"\n{t.format}: {found.count}x {signature}\n  {found.reason}")
            print(f"  first: {found.reproducer} (see {found.reproducer.with_suffix('.txt')})")
            if found.minimal:
                print(f"  minimal: {found.minimal}")
    return 1 if any(t.failures for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
