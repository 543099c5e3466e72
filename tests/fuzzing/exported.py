"""Seeds for the journal's own formats as `tj export` writes them: a journal built from fixtures of every
broker (trades, option ends, cash, transfers, splits, marks, positions, unresolved rows and a resolution,
account settings, a voided file), exported as JSON lines and as the journal CSV with its recorded-fact
columns. Built once per process in a temporary SQLite journal; the export's own times (when it was
written, when each event was recorded) and hashes are fixed, so a case is the same bytes on every run.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import datetime
from functools import cache
from pathlib import Path

from journal.api import Journal
from journal.events import AccountConfigured, Unresolved

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
SOURCES = (
    "journal_csv/wheel.csv",
    "schwab/individual_2024.csv",
    "tastytrade/unsupported.csv",
    "ibkr_flex/two_accounts.xml",
    "ofx/exampletrader_v203.ofx",
    "fidelity/History_for_Account_Z24681357_unmodelled.csv",
)
RECORDED = "2026-01-01T00:00:00"


def _normal_jsonl(text: str) -> str:
    """The export with its clock and hash chain fixed (the importer keeps neither: they are the record's)."""
    lines = text.rstrip("\n").split("\n")
    head = json.loads(lines[0])
    head["exported_at"] = RECORDED + "Z"
    out = [json.dumps(head)]
    for number, line in enumerate(lines[1:], start=1):
        row = json.loads(line)
        row["recorded_time"] = RECORDED
        row["prev_hash"] = hashlib.sha256(str(number - 1).encode()).hexdigest()
        row["hash"] = hashlib.sha256(str(number).encode()).hexdigest()
        out.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(out) + "\n"


@cache
def exported_seeds() -> dict[str, bytes]:
    """`journal.jsonl` and `journal.csv` of the journal built from `SOURCES` and the written seeds."""
    from tests.fuzzing.corpus import WRITTEN_SEEDS

    with tempfile.TemporaryDirectory(prefix="tj-fuzz-seeds-") as tmp:
        folder = Path(tmp)
        journal = Journal(f"sqlite:///{folder / 'seeds.sqlite'}")
        try:
            for relative in SOURCES:
                journal.import_files([FIXTURES / relative])
            for module in ("journal_csv", "positions_csv", "prices_csv"):
                for name, text in WRITTEN_SEEDS[module].items():
                    path = folder / name
                    path.write_text(text)
                    journal.import_files([path])
            unresolved = next(s.event for s in journal.events() if isinstance(s.event, Unresolved))
            resolution = folder / "resolution.csv"
            resolution.write_text(
                "date,account,action,amount,resolves\n"
                f"{unresolved.time:%Y-%m-%d},{unresolved.account},OTHER,0.01,{unresolved.key}\n"
            )
            journal.import_files([resolution])
            settings = AccountConfigured(
                account="ira", time=datetime(2024, 1, 1), key="config:fuzz:0", tax_advantaged=True
            )
            journal.store.append([settings])
            journal.void(journal.void_plan(file="prices.csv"), reason="fuzz seed")
            jsonl = journal.export(folder, "jsonl").path.read_text(encoding="utf-8")
            csv = journal.export(folder, "journal-csv").path.read_bytes()
        finally:
            journal.close()
    whole = _normal_jsonl(jsonl)
    return {
        "exported/journal.jsonl": whole.encode(),
        "exported/journal_first_40.jsonl": _first(whole, 40).encode(),
        "exported/journal.csv": csv,
    }


def _first(jsonl: str, events: int) -> str:
    """The export's first events only, its header saying so: a smaller seed, folded faster."""
    lines = jsonl.split("\n")
    head = json.loads(lines[0])
    head["events"] = events
    return "\n".join([json.dumps(head), *lines[1 : events + 1]]) + "\n"
