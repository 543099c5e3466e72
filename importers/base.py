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

from journal.events import Event, SourceRef, broker_key, content_digest, content_key, with_key


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
    """Gives each event of one file its natural key, counting identical rows so each stays its own fact."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def keyed(self, event: Event) -> Event:
        if event.broker_id:
            return with_key(event, broker_key(event.account, event.broker_id))
        digest = content_digest(event)
        occurrence = self._seen[digest]
        self._seen[digest] += 1
        return with_key(event, content_key(digest, occurrence))
