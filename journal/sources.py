"""The files imports read, kept in the journal (table `source_texts`, migration 0006), and the row of one
that an event was read from.

Why keep them: "traceable to the line of the broker file" is only true while the file exists, and the file
is gone from Downloads within the week. The journal keeps each file once, by the SHA-256 its events' sources
already name, in blocks of `BLOCK_LINES` lines compressed apart, so showing one row decompresses one block
(two when the row straddles them), never the file. A 10^6-row export (87 MB) is 18.5 MB kept, written in
the import's own transaction; a file already kept (imported again, voided and restored) is not kept twice.

What "the row" is depends on the format, and is read off the text rather than asked of the importer (so an
event imported from a file kept by an older tj shows its row as well): a CSV record is read with `csv` from
its first line (a quoted cell may span lines); an OFX element is its opening tag's line through the line
that closes it. Lines are numbered as the importers number them: split at CR, LF or CR LF.
"""

from __future__ import annotations

import csv
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

BLOCK_LINES = 1_000
MAX_ROW_LINES = 60  # an OFX element or a CSV record longer than this is shown cut, and said so
MAX_LINE_CHARS = 4_000  # an OFX file without line breaks is one line: its start is shown, cut, said so
_OPENING_TAG = re.compile(r"\s*<([A-Za-z0-9.]+)>")
_LEAF = re.compile(r"\s*<[A-Za-z0-9.]+>[^<\s]")  # `<TAG>value`: an SGML leaf, which has no closing tag

# (first line, how many) -> those lines, as stored (bytes, each with its line break).
LineReader = Callable[[int, int], list[bytes]]


# Up to a block of lines, each with its break (CR, LF or CR LF) but a file's last, which may have none.
_LINE = rb"[^\r\n]*(?:\r\n|\r|\n)"
_BLOCK = re.compile(rb"(?:%s){0,%d}(?:%s|[^\r\n]+)" % (_LINE, BLOCK_LINES - 1, _LINE))


def blocks(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """The file's text as rows of `source_texts`: (first line, how many lines, compressed body). A block
    is cut by one regex match, never the file's list of lines (10^6 small objects); zlib level 1: a 87 MB,
    10^6-row file is 18.5 MB kept in 0.5 s (level 6: 14.8 MB in 1.6 s)."""
    first, at, end = 1, 0, len(data)
    while at < end:
        match = _BLOCK.match(data, at)
        if match is None:  # a lone line break cannot fail the pattern; kept for the type checker
            break
        chunk = match[0]
        count = len(chunk.splitlines())
        yield first, count, zlib.compress(chunk, 1)
        first, at = first + count, match.end()


def block_lines(body: bytes) -> list[bytes]:
    return zlib.decompress(body).splitlines(keepends=True)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """The text an event was read from: numbered lines, as the file had them (line breaks dropped)."""

    file: str
    sha256: str
    line: int
    kind: str  # "csv", "markup" (OFX, XML) or "text"
    lines: tuple[tuple[int, str], ...]
    cut: bool  # longer than what is shown

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.lines)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def _decoded(raw: bytes, first: bool) -> str:
    """A line as text: UTF-8 (a byte-order mark dropped), else Windows-1252 (OFX's CHARSET 1252)."""
    raw = raw.rstrip(b"\r\n")
    if first and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def source_row(file: str, sha256: str, line: int, read: LineReader) -> SourceRow | None:
    """The row at `line` of the kept file, or None when the journal does not keep that file (imported
    before tj kept them) or the file has no such line."""
    raw = read(line, MAX_ROW_LINES + 1)
    if not raw:
        return None
    texts = [_decoded(r, line + i == 1) for i, r in enumerate(raw)]
    opening = _OPENING_TAG.match(texts[0])
    if opening:
        kind, count = "markup", _markup_extent(texts, opening[1])
    elif texts[0].lstrip().startswith("<"):
        kind, count = "markup", 1  # a closing tag or markup on the line of the element: the line alone
    else:
        kind, count = _csv_extent(texts)
    cut = count > MAX_ROW_LINES
    shown = []
    for i, text in enumerate(texts[: min(count, MAX_ROW_LINES)]):
        if len(text) > MAX_LINE_CHARS:
            text, cut = text[:MAX_LINE_CHARS] + " …", True
        shown.append((line + i, text))
    return SourceRow(file, sha256, line, kind, tuple(shown), cut)


def _markup_extent(texts: list[str], tag: str) -> int:
    """Lines from an element's opening tag through its closing tag (an SGML leaf: its line alone)."""
    closing = f"</{tag.upper()}>"
    if closing in texts[0].upper() or len(texts) == 1:
        return 1
    if not any(closing in t.upper() for t in texts):
        # A leaf (no closing tag in SGML OFX), or an element longer than the lines read.
        return 1 if _LEAF.match(texts[0]) else len(texts)
    return next(i for i, t in enumerate(texts) if closing in t.upper()) + 1


def _csv_extent(texts: list[str]) -> tuple[str, int]:
    """The lines of the CSV record that starts on the first line (a quoted cell may hold line breaks)."""
    reader = csv.reader(iter(t + "\n" for t in texts))
    try:
        cells = next(reader)
    except (csv.Error, StopIteration):
        return "text", 1
    return ("csv" if len(cells) > 1 else "text"), max(reader.line_num, 1)
