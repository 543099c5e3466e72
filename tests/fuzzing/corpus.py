"""The fuzz corpus: for every importer in `importers.IMPORTERS`, its seed files (its fixtures, real broker
exports included, the examples it recognises, and a few written here for formats without fixtures), what
they teach about the format (`Vocabulary`), and `make_case`, which turns (format, seed, case number) into one
mutated file, the same bytes every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

import importers
from tests.fuzzing.documents import READERS, Document, Vocabulary, damage_bytes
from tests.fuzzing.values import kind_of

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "importers" / "fixtures"
EXAMPLES = ROOT / "examples"

# The document model of each importer module (by its module name): how its files are mutated.
DOCUMENT_KINDS = {
    "journal_csv": "csv",
    "journal_jsonl": "jsonl",
    "schwab": "csv",
    "fidelity": "csv",
    "robinhood": "csv",
    "tastytrade": "csv",
    "tastyworks": "csv",
    "positions_csv": "csv",
    "prices_csv": "csv",
    "ibkr_activity": "sectioned-csv",
    "ibkr_flex": "flex",
    "ofx": "ofx",
}

# The importers of the journal's own export formats, and the ending of their seeds in `exported_seeds`.
EXPORTED = {"journal_csv": ".csv", "journal_jsonl": ".jsonl"}

# Seeds for what has no fixture directory (positions, prices) and the journal CSV's columns its fixtures
# leave out (transfers, splits, marks, lots, multipliers).
WRITTEN_SEEDS: dict[str, dict[str, str]] = {
    "positions_csv": {
        "positions_full.csv": (
            "date,account,symbol,quantity,basis,acquired\n"
            "2024-03-28,brokerage,KO,100,5850.00,2024-03-15\n"
            "2024-03-28,brokerage,KO240419C62,-1,-54.35,2024-03-20\n"
            "2024-03-28,brokerage,XYZ   240517P00050000,-2,-300.00,2024-03-01\n"
            "2024-03-28,brokerage,CASH,12345.67,,\n"
            "2024-03-28,ira,SPY,10.5,4500,2023-01-03\n"
            "2024-03-28,ira,BRK.B,3,1200.30,2019-12-31\n"
        ),
        "positions_short.csv": "date,symbol,quantity\n2024-12-31,AAPL,100\n2024-12-31,CASH,-50.25\n",
    },
    "prices_csv": {
        "prices.csv": (
            "date,symbol,price,account\n"
            "2024-12-31,XSP250117C600,7.25,\n"
            "2024-12-31,SPX   250321P05800000,41.10,brokerage\n"
            "2024-12-31,AAPL,250.42,\n"
            "2025-12-31,KO,62,ira\n"
            "2024-12-31,SPXW250117C6000,12.5,brokerage\n"
        ),
    },
    "journal_csv": {
        "every_column.csv": (
            "date,account,action,symbol,quantity,price,fees,amount,order_id,id,note,multiplier,lot,"
            "lot_method,basis,acquired\n"
            "2023-01-03,brokerage,TRANSFER_IN,MSFT,50,,,,,t1,moved in,,,,12000.00,2021-06-01\n"
            "2023-01-03,brokerage,DEPOSIT,,,,,20000,,,,,,,,\n"
            "2023-02-01T10:30,brokerage,BUY,MSFT,10,240.10,0.50,,,b1,,,,,,\n"
            "2023-03-01,brokerage,SELL,MSFT,5,250,0.5,,,s1,,,b1,,,\n"
            "2023-03-02,brokerage,SELL,MSFT,5,251,0.5,,,s2,,,,hifo,,\n"
            "2023-03-03,brokerage,STO,MSFT230421C260,2,3.10,1.30,,R1,,,,,,,\n"
            "2023-04-20,brokerage,BTC,MSFT230421C260,2,0.40,1.30,,R2,,,,,,,\n"
            "2023-04-20,brokerage,STO,MSFT230519C265,2,2.20,1.30,,R2,,,,,,,\n"
            "2023-05-19,brokerage,EXERCISE,MSFT230519C265,1,,,,,,,,,,,\n"
            "2023-05-19,brokerage,EXPIRE,MSFT230519C265,1,,,,,,,,,,,\n"
            "2023-06-01,brokerage,SPLIT,MSFT,4:1,,,,,,,,,,,\n"
            "2023-06-02,brokerage,BTO,XSP230616P400,1,1.05,0.65,,,,,,,,,\n"
            "2023-06-02,brokerage,BTO,MINI230616P40,1,1.05,0.65,,,,,10,,,,\n"
            "2023-12-29,brokerage,MARK,XSP230616P400,,0.15,,,,,,,,,,\n"
            "2023-07-01,brokerage,TRANSFER_OUT,MSFT,10,,,,,,,,,,,\n"
            "2023-07-03,brokerage,INTEREST,,,,,3.21,,,,,,,,\n"
            "2023-07-03,brokerage,FEE,MSFT,,,,-5,,,,,,,,\n"
            "2023-07-05,brokerage,WITHDRAW,,,,,-1000,,,,,,,,\n"
            "2023-07-06,brokerage,TAX,,,,,-12.40,,,,,,,,\n"
            "2023-07-07,brokerage,OTHER,,,,,1.10,,,,,,,,\n"
        ),
        # Issue 15: corporate actions, adjusted options, other assets and currencies (docs/journal-csv.md).
        "corporate.csv": (
            "date,account,action,symbol,quantity,price,fees,amount,multiplier,note,new_symbol,ratio,cash,"
            "allocation,deliverable,currency,fx_rate,settlement,asset,expiry\n"
            "2025-01-02,brokerage,DEPOSIT,,,,,100000,,,,,,,,,,,,\n"
            "2025-01-02,brokerage,STO,SPRT250321P5,2,0.40,1.30,,,,,,,,,,,,,\n"
            "2025-01-02,brokerage,BUY,FB,10,300,0,,,,,,,,,,,,,\n"
            "2025-01-03,brokerage,SYMBOL_CHANGE,FB,,,,,,,META,,,,,,,,,\n"
            "2025-01-03,brokerage,BUY,SPRT,100,2,0,,,,,,,,,,,,,\n"
            "2025-01-04,brokerage,MERGER,SPRT,,,,3.50,,,GREE,0.1125:1,,,,,,,,\n"
            "2025-01-04,brokerage,BUY,ABC,10,30,0,,,,,,,,,,,,,\n"
            "2025-01-05,brokerage,MERGER,ABC,,40.00,,,,,XYZ,1:2,5,,,,,,,\n"
            "2025-01-05,brokerage,BUY,TWTR,10,50,0,,,,,,,,,,,,,\n"
            "2025-01-06,brokerage,MERGER,TWTR,,,,,,,,,54.20,,,,,,,\n"
            "2025-01-06,brokerage,BUY,MMM,8,100,0,,,,,,,,,,,,,\n"
            "2025-01-07,brokerage,SPINOFF,MMM,,,,12.30,,,SOLV,1:4,,8.75,,,,,,\n"
            "2025-01-07,brokerage,ADJUST,SPRT250321P5,2,,,,,merger,GREE1 250321P5,,,,11 GREE,,,,,\n"
            "2025-01-08,brokerage,STO,TSLL250321C20,3,1.10,0,,,,,,,,,,,,,\n"
            "2025-01-08,brokerage,ADJUST,TSLL250321C20,3,,,,,special dividend,TSLL1 250321C20,2:1,1.25,,"
            "50 TSLL + 20 XYZ,,,,,\n"
            "2025-01-09,brokerage,CONVERT,,1000,,2,-1085.20,,,,,,,,EUR,,,,\n"
            "2025-01-09,brokerage,IN_LIEU,GREE,,,,3.50,,,,,,,,,,,,\n"
            "2025-01-10,brokerage,BUY,NESN,10,100.50,1,,,,,,,,,CHF,1.1234,,,\n"
            "2025-01-10,brokerage,DIVIDEND,NESN,,,,30,,,,,,,,CHF,1.12,,,\n"
            "2025-01-10,brokerage,BUY,912797KA4,10000,98.5,,,,,,,,,,,,,bill,2025-06-01\n"
            "2025-01-10,brokerage,INTEREST,912797KA4,,,,-12.5,,,,,,,,,,,bill,\n"
            "2025-01-10,brokerage,BUY,/ESH5,1,6000,2.25,,50,,,,,,,,,,,2025-03-21\n"
            "2025-01-10,brokerage,STO,/MESZ5 251031P5400,1,10.25,1,,5,,,,,,,,,,,\n"
            "2025-01-10,brokerage,BUY,VFIAX,3,500,,,,,,,,,,,,,fund,\n"
            "2025-01-10,brokerage,TRANSFER_IN,ABCDW,100,,,,,,,,,,,,,,warrant,\n"
            "2025-01-10,brokerage,BTO,SPX250117P5000,1,20,1,,,,,,,,,,,,,\n"
            "2025-01-17,brokerage,CASH_SETTLE,SPX250117P5000,1,,1.30,,,,,,,,,,,4900.5,,\n"
            "2025-03-21,brokerage,ASSIGN,GREE1250321P5,2,,,,,,,,,,11 GREE,,,,,\n"
        ),
    },
}


@dataclass(frozen=True, slots=True)
class Seed:
    name: str
    data: bytes


@dataclass
class Format:
    """One importer with its seeds and what they teach about its files."""

    name: str  # the importer's name (`tj import --format`)
    module: ModuleType
    document: str  # the document model: csv, sectioned-csv, ofx, flex
    seeds: list[Seed]
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    def read(self, data: bytes) -> Document:
        return READERS[self.document](data)


def module_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def _seeds(module: ModuleType) -> list[Seed]:
    short = module_name(module)
    seeds = [
        Seed(str(path.relative_to(FIXTURES)), path.read_bytes())
        for path in sorted((FIXTURES / short).rglob("*"))
        if path.is_file() and not path.name.endswith((".json", ".md"))
    ]
    for path in sorted(EXAMPLES.glob("*")):
        if path.is_file() and importers.detect(path) is module:
            seeds.append(Seed(f"examples/{path.name}", path.read_bytes()))
    seeds += [Seed(f"written/{name}", text.encode()) for name, text in WRITTEN_SEEDS.get(short, {}).items()]
    if short in EXPORTED:  # what `tj export` writes, from a journal of fixtures
        from tests.fuzzing.exported import exported_seeds

        seeds += [
            Seed(name, data) for name, data in exported_seeds().items() if name.endswith(EXPORTED[short])
        ]
    return seeds


@cache
def formats() -> dict[str, Format]:
    """Every importer's format, by importer name; one the fuzzer has no document model for is a KeyError
    here, so a new importer cannot go unfuzzed."""
    out = {}
    for module in importers.IMPORTERS:
        short = module_name(module)
        if short not in DOCUMENT_KINDS:
            raise KeyError(f"no fuzz document model for importer module {short!r}: add one to DOCUMENT_KINDS")
        fmt = Format(module.name, module, DOCUMENT_KINDS[short], _seeds(module))
        for seed in fmt.seeds:
            fmt.read(seed.data).learn(fmt.vocabulary)
        vocab = fmt.vocabulary
        vocab.kinds = {key: kind_of(values, key.rsplit("|", 1)[-1]) for key, values in vocab.values.items()}
        vocab.words = sorted(set(vocab.words))
        out[fmt.name] = fmt
    return out


@dataclass(frozen=True, slots=True)
class Case:
    format: str
    number: int
    seed: str  # the fixture it was made from
    mutations: tuple[str, ...]
    data: bytes

    @property
    def extension(self) -> str:
        return Path(self.seed).suffix or ".txt"


def make_case(fmt: Format, seed: int, number: int) -> Case:
    """Case `number` of the run `seed`: a fixture of the format, one to four structure-aware mutations,
    sometimes damage to its bytes."""
    rng = random.Random(f"{fmt.name}/{seed}/{number}")
    source = rng.choice(fmt.seeds)
    doc = fmt.read(source.data)
    done = [doc.mutate(rng, fmt.vocabulary) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4)))]
    data = doc.data()
    if rng.random() < 0.15:
        data, what = damage_bytes(data, rng)
        done.append(what)
    return Case(fmt.name, number, source.name, tuple(done), data)
