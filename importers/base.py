"""The importer protocol: recognise a file by its content, parse it to events plus errors with a place,
and the one policy every importer follows for what it reads.

What cannot be read (a broken file, a cell that is not a date or a number, an unknown layout) is an error
naming file, line, column and value, and a file with any error writes nothing. What can be read but means
something tj does not model yet is *not* an error: the importer raises `NotModelled` and the row is kept
as an `Unresolved` event (its raw text, the reason, the broker's cash), counted and shown wherever it may
touch a figure. A real account always holds something unmodelled; refusing the whole file for it would
leave the user with nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from journal.events import Event, SourceRef, Unresolved, broker_key, content_digest, content_key


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with an input file, printed as `file:line: column: message`."""

    file: str
    line: int
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:"
        if self.column:
            where += f" {self.column}:"
        shown = f" (got {self.value!r})" if self.value not in (None, "") else ""
        return f"{where} {self.message}{shown}"


class RowError(Exception):
    """A row an importer cannot read exactly: its column, value and what is wrong (an ImportProblem)."""

    def __init__(self, column: str | None, value: str | None, message: str) -> None:
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


class NotModelled(Exception):
    """A row read cleanly whose meaning tj does not model: it becomes an `Unresolved` event.

    `amount` is the cash the broker booked for the row (it still counts in cash balances); `symbols` are
    the underlyings the row names (they are marked incomplete from the row's date)."""

    def __init__(self, reason: str, *, amount: Decimal | None = None, symbols: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.reason, self.amount, self.symbols = reason, amount, tuple(dict.fromkeys(s for s in symbols if s))


@dataclass(slots=True)
class ParseResult:
    events: list[Event] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    # Said but not refused: the broker's booked cash used where it differs from price × quantity ± fees,
    # a cash-only row of a description tj does not know. Printed by `tj import`, never stored.
    warnings: list[ImportProblem] = field(default_factory=list)
    # The file's own cash: per account, the sum of the broker's amount column over every row it read (None
    # for a format that states no amounts). The import checks the journal's cash change from the file's
    # events against it (`importers.check_cash`).
    booked: dict[str, Decimal] | None = None

    def book(self, account: str, amount: Decimal | None) -> None:
        """Add a row's broker amount to the file's own cash total of `account`."""
        if self.booked is None:
            self.booked = {}
        self.booked[account] = self.booked.get(account, Decimal(0)) + (amount or Decimal(0))

    @property
    def unresolved(self) -> int:
        return sum(1 for e in self.events if isinstance(e, Unresolved))


class Importer(Protocol):
    name: str
    description: str

    def identify(self, path: Path, head: str) -> bool:
        """Whether this importer reads the file, judged from its first few kilobytes of text."""
        ...

    def parse(self, path: Path, account: str | None) -> ParseResult: ...


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A file's identity for source references: its name and the SHA-256 of its bytes."""

    name: str
    sha256: str
    data: bytes

    @classmethod
    def read(cls, path: Path) -> FileInfo:
        data = path.read_bytes()
        return cls(path.name, hashlib.sha256(data).hexdigest(), data)

    def source(self, line: int) -> SourceRef:
        return SourceRef(self.name, self.sha256, line)


class KeyMaker:
    """Natural keys for the facts of one file: the broker's transaction id where the row has one, else
    a hash of the row's content plus its occurrence among identical rows, so that two identical fills stay
    two facts while an overlapping export of the same account maps onto the same keys."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def key(self, account: str, broker_id: str | None, content: str) -> str:
        if broker_id:
            return broker_key(account, broker_id)
        digest = content_digest(account, content)
        occurrence = self._seen[digest]
        self._seen[digest] += 1
        return content_key(digest, occurrence)


def utf8_text(info: FileInfo, result: ParseResult) -> str | None:
    """The file's text (a byte-order mark dropped), or None with the problem recorded: brokers' CSV exports
    are UTF-8; anything else is named, never guessed."""
    try:
        return info.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = info.data.count(b"\n", 0, exc.start) + 1
        result.errors.append(ImportProblem(info.name, line, None, None, f"not UTF-8 text (byte {exc.start})"))
        return None


def unresolved(
    exc: NotModelled,
    *,
    account: str,
    time: datetime,
    key: str,
    source: SourceRef,
    raw: str | Sequence[str],
    broker_id: str | None = None,
) -> Unresolved:
    """The event that keeps a row tj does not model: `raw` is the row's text (or its cells, written back
    as one CSV line), the key as the importer keys its other rows, so an overlapping export adds it once."""
    return Unresolved(
        account=account,
        time=time,
        key=key,
        source=source,
        broker_id=broker_id,
        reason=exc.reason,
        raw=raw if isinstance(raw, str) else csv_line(raw),
        amount=exc.amount if exc.amount is not None else Decimal(0),
        symbols=exc.symbols,
    )


def csv_line(cells: Sequence[str]) -> str:
    """Cells written back as one CSV line, as the file had them (quoted where needed)."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


# How far a broker's booked cash may stray from price × quantity ± commissions and fees before the row is
# left unresolved rather than booked: brokers round fees per fill (Tastytrade's one cent) and per-share
# prices (Fidelity prints 2-4 decimals of a price it booked exactly). Within max($1, 1% of the trade's value)
# the broker's cash is the truth, with a warning naming the row; beyond it something else moved the cash.
CASH_TOLERANCE_FLOOR = Decimal("1.00")
CASH_TOLERANCE_SHARE = Decimal("0.01")
CENT = Decimal("0.01")  # a booked cash difference below this is a rounded price: booked, not said


def booked_fees(*, buys: bool, gross: Decimal, fees: Decimal, amount: Decimal) -> tuple[Decimal, str | None]:
    """The fees that make a trade's cash equal what the broker booked (`amount`, signed: negative is money
    out), and the warning to give for them: none when the row's own fees add up (they are kept as written)
    or differ by less than a `CENT` (the broker's rounding of a printed price). Raises NotModelled beyond
    the tolerance. Every importer books trades through this one rule.

    A buy moves -(gross + fees), a sale gross - fees: the difference is carried by the fees, so cost and
    proceeds are what the broker booked and the price stays as written."""
    booked = -amount - gross if buys else gross - amount
    difference = booked - fees
    if not difference:
        return fees, None
    if abs(difference) > max(CASH_TOLERANCE_FLOOR, abs(gross) * CASH_TOLERANCE_SHARE):
        raise NotModelled(
            f"the broker booked {amount} where price × quantity ± fees makes "
            f"{-(gross + fees) if buys else gross - fees}: something else moved the cash"
        )
    if abs(difference) < CENT:
        return booked, None
    return booked, (
        f"the broker booked {amount:f}: cost or proceeds taken from it, fees adjusted by {difference:f}"
    )


UNKNOWN_CASH = (
    "cash row of an unknown description: recorded as OTHER cash"  # the warning cash_kind's misses get
)


def maker(cls: type[Any]) -> Callable[..., Any]:
    """A function building a `cls` from the same keyword arguments as `cls(...)` (the same defaults), for
    importers making many: a frozen slotted dataclass's `__init__` sets each field by `object.__setattr__`,
    at about twice the cost of the slot's own setter used here. The instance is the one `cls(...)` makes,
    for a dataclass without `__post_init__` or default factories (every event class, `SourceRef`); for any
    other class, or one whose instances `object.__new__` does not make, `cls` itself."""
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or any(f.default_factory is not dataclasses.MISSING for f in fields):
        return cls
    try:
        object.__new__(cls)
        setters = [
            next(klass.__dict__[f.name] for klass in cls.__mro__ if f.name in klass.__dict__).__set__
            for f in fields
        ]
    except (TypeError, StopIteration, AttributeError):
        return cls
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    positional: list[str] = []
    keywords: list[str] = []
    body = ["    self = _new(_cls)"]
    for i, f in enumerate(fields):
        namespace[f"_set{i}"] = setters[i]
        params = keywords if f.kw_only else positional
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        body.append(f"    _set{i}(self, {f.name})")
    signature = ", ".join([*positional, *(["*", *keywords] if keywords else [])])
    source = "\n".join([f"def make({signature}):", *body, "    return self"])
    exec(source, namespace)  # noqa: S102 - the source is made of the class's field names only
    make: Callable[..., Any] = namespace["make"]
    return make
