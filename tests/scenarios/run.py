#!/usr/bin/env python3
# Vendored copy of ../shared/conformance/run.py (the project-wide conformance runner), kept here so that a
# clone of this repository runs its scenarios without ../shared. Everything below these header lines is the
# upstream file unchanged: update it by copying the upstream file again, not by editing it here
# (compare with `diff <(sed 1,8d tests/scenarios/run.py) <(sed 1d ../shared/conformance/run.py)`).
# `.ci/run` also runs the upstream runner on ../shared/scenarios when ../shared exists.
# ruff: noqa
# fmt: off
"""Conformance runner: feeds scenario files to the `tj` command and compares its JSON output.

A scenario is a TOML file:

    title = "what it shows"
    [[input]]                       # one or more files to import, in order
    name = "trades.csv"             # file name (its extension tells the format)
    format = "journal-csv"          # optional: passed as --format to `tj import`
    account = "IRA"                 # optional: passed as --account
    text = '''...file content...'''

    [[check]]
    args = ["realized", "--year", "2024"]   # `tj --db URL <args> --format json`
    rows = [ {instrument = "...", gain = "199.35"} ]   # expected list (order does not matter)
    # or: object = { premium_collected = "200.00" }   # expected object (only the keys given)
    # partial = true   -> the listed rows must be present; other rows may exist too

Rows are compared on the keys that the expectation names; numbers are compared as
decimals (so "199.350" equals "199.35"); the string "null" expects JSON null.

Usage: run.py [--tj COMMAND] [--commands realized,lots,...] [--keep] SCENARIO_OR_DIR...
--commands runs only the checks whose command is listed (useful while some commands do not exist yet);
a scenario with no check left is skipped. Prints one line per scenario and closes with
'N passed, N failed, N skipped'.
"""
from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path


def same(expected, actual) -> bool:
    if expected == "null":  # TOML has no null: the string "null" expects JSON null
        return actual is None
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, (int, float, str)) and isinstance(actual, (int, float, str)):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return str(expected).strip() == str(actual).strip()
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(k in actual and same(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(e, a) for e, a in zip(expected, actual))
    return expected == actual


def match_rows(expected: list[dict], actual: list[dict], partial: bool) -> list[str]:
    problems, left = [], list(actual)
    for row in expected:
        hit = next((a for a in left if same(row, a)), None)
        if hit is None:
            problems.append(f"missing row {json.dumps(row)}")
        else:
            left.remove(hit)
    if left and not partial:
        problems += [f"unexpected row {json.dumps(a)}" for a in left[:5]]
    return problems


def run_scenario(path: Path, tj: list[str], keep: bool, commands: set[str] | None = None) -> list[str] | None:
    spec = tomllib.loads(path.read_text())
    checks = [c for c in spec.get("check", []) if commands is None or c["args"][0] in commands]
    if not checks:
        return None
    work = Path(tempfile.mkdtemp(prefix="tj-conf-"))
    db = f"sqlite:///{work / 'journal.sqlite'}"
    problems: list[str] = []

    def tj_run(args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run([*tj, "--db", db, *args], capture_output=True, text=True, timeout=300)

    for item in spec.get("input", []):
        f = work / item["name"]
        f.write_text(item["text"].lstrip("\n"))
        args = ["import", str(f)]
        if "format" in item:
            args += ["--format", item["format"]]
        if "account" in item:
            args += ["--account", item["account"]]
        done = tj_run(args)
        if done.returncode != 0:
            return [f"import {item['name']} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-400:]}"]
    for check in checks:
        args = [*check["args"], "--format", "json"]
        done = tj_run(args)
        label = " ".join(check["args"])
        if done.returncode != 0:
            problems.append(f"[{label}] exited {done.returncode}: {(done.stderr or done.stdout).strip()[-400:]}")
            continue
        try:
            got = json.loads(done.stdout)
        except json.JSONDecodeError:
            problems.append(f"[{label}] did not print JSON: {done.stdout[:200]!r}")
            continue
        if "rows" in check:
            if not isinstance(got, list):
                problems.append(f"[{label}] expected a JSON list, got {type(got).__name__}")
                continue
            problems += [f"[{label}] {p}" for p in match_rows(check["rows"], got, check.get("partial", False))]
        if "object" in check:
            if not isinstance(got, dict):
                problems.append(f"[{label}] expected a JSON object, got {type(got).__name__}")
                continue
            for k, v in check["object"].items():
                if k not in got or not same(v, got[k]):
                    problems.append(f"[{label}] {k}: expected {v!r}, got {got.get(k, '<missing>')!r}")
    if keep:
        problems.append(f"(kept {work})") if problems else None
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tj", default="tj", help="the command that runs the journal CLI (default: tj)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folders of failing scenarios")
    ap.add_argument("--commands", help="comma-separated commands whose checks run (default: all)")
    ap.add_argument("paths", nargs="+", type=Path)
    ns = ap.parse_args()
    tj = shlex.split(ns.tj)
    files = sorted(p for path in ns.paths for p in ([path] if path.is_file() else path.rglob("*.toml")))
    commands = set(ns.commands.split(",")) if ns.commands else None
    passed = failed = skipped = 0
    for f in files:
        try:
            problems = run_scenario(f, tj, ns.keep, commands)
        except Exception as exc:  # a broken scenario or a crash of the command counts as a failure
            problems = [f"{type(exc).__name__}: {exc}"]
        if problems is None:
            skipped += 1
            print(f"skip {f.name}")
        elif problems:
            failed += 1
            print(f"FAIL {f.name}")
            for p in problems:
                print(f"     {p}")
        else:
            passed += 1
            print(f"ok   {f.name}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
