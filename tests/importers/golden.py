"""Golden-file testing of importers, the way beangulp tests them: each fixture sits beside its expected
events (`<fixture>.golden.json`); `make golden` (TJ_REGEN_GOLDEN=1) rewrites them when a change is
intended, and the diff is reviewed like code.

Also the fuzz harness: mutated fixtures must give a parse result (events or errors with a place), never
an exception.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from types import ModuleType
from typing import Any

from importers.base import ImportProblem, ParseResult
from journal.events import Event, payload

FIXTURES = Path(__file__).parent / "fixtures"
REGENERATE = bool(os.environ.get("TJ_REGEN_GOLDEN"))


def event_json(event: Event) -> dict[str, Any]:
    return {
        "type": event.type_name,
        "account": event.account,
        "time": event.time.isoformat(),
        "source": str(event.source) if event.source else None,
        "key": event.key,
        **payload(event),
    }


def result_json(result: ParseResult) -> dict[str, Any]:
    """As the golden file holds it: JSON values only (an unresolved row's symbols are a list there)."""
    out = {"events": [event_json(e) for e in result.events], "errors": [str(e) for e in result.errors]}
    loaded: dict[str, Any] = json.loads(json.dumps(out))
    return loaded


def check_golden(importer: ModuleType, fixture: Path, account: str | None = None) -> dict[str, Any]:
    head = fixture.read_bytes()[:8192].decode("utf-8", errors="replace")
    assert importer.identify(fixture, head), f"{importer.name} does not recognise {fixture.name}"
    actual = result_json(importer.parse(fixture, account))
    golden = fixture.with_name(fixture.name + ".golden.json")
    if REGENERATE:
        golden.write_text(json.dumps(actual, indent=1) + "\n")
    assert golden.exists(), f"no {golden.name}: run `make golden` to write it, then review it"
    assert actual == json.loads(golden.read_text())
    return actual


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random edit of the kind a broken download or a hand edit makes."""
    if not data:
        return data
    i, j = sorted(rng.randrange(len(data) + 1) for _ in range(2))
    lines = data.splitlines(keepends=True)
    k = rng.randrange(len(lines))
    choice = rng.randrange(7)
    if choice == 0:
        return data[:i]  # truncated
    if choice == 1:
        return data[:i] + data[j:]  # a piece lost
    if choice == 2:
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]  # a byte changed
    if choice == 3:
        return b"".join(lines[:k] + [lines[k]] + lines[k:])  # a line twice
    if choice == 4:
        return b"".join(lines[:k] + lines[k + 1 :])  # a line lost
    if choice == 5:
        junk = rng.choice([b",", b'"', b"\n", b"-", b"$", b"(", b"<", b">", b"\xff", b"0", b"Z", b"\t", b";"])
        return data[:i] + junk + data[i:]
    cells = lines[k].split(b",")
    rng.shuffle(cells)
    return b"".join(lines[:k] + [b",".join(cells)] + lines[k + 1 :])


def fuzz_once(importer: ModuleType, fixture: Path, tmp: Path, seed: int) -> ParseResult:
    rng = random.Random(seed)
    data = fixture.read_bytes()
    for _ in range(rng.randint(1, 3)):
        data = mutate(data, rng)
    path = tmp / fixture.name
    path.write_bytes(data)
    head = data[:8192].decode("utf-8", errors="replace")
    importer.identify(path, head)  # must not raise either
    result = importer.parse(path, None)
    assert isinstance(result, ParseResult)
    for problem in result.errors:
        assert isinstance(problem, ImportProblem) and str(problem).startswith(f"{fixture.name}:")
    return result
