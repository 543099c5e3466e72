"""The importer protocol: recognise a file by its content, parse it to events plus errors with a place.

Like beangulp's importers, but loud: a row an importer does not understand is an error naming file, line,
column and value, never a skipped row; a file with any error writes nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from journal.events import Event, SourceRef, broker_key, content_digest, content_key


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


@dataclass(slots=True)
class ParseResult:
    events: list[Event] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)


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
