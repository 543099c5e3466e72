"""Structure-aware mutations of one broker file: a CSV's cells by column kind, its rows and columns; an OFX
file's elements (SGML or XML); an IBKR Flex statement's attributes and elements; and the byte-level damage
a download or an editor does (a BOM, other line ends, a stray quote, a file cut short).

A document is read from a fixture's bytes, mutated in place by `mutate` (which returns what it did, for
the reproducer), and written back by `data`. Text is held decoded with surrogate escapes, so that a file
that is not UTF-8 (an OFX file in cp1252) comes back byte for byte where it was not mutated.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tests.fuzzing.values import is_date, is_number, mutate_value


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def short(text: str, limit: int = 40) -> str:
    """A value as the reproducer's list of mutations shows it."""
    return repr(text if len(text) <= limit else text[:limit] + f"…(+{len(text) - limit})")


@dataclass
class Vocabulary:
    """What the fixtures of one format hold, to mutate towards: per column (or tag, or attribute) the values
    seen and the column's kind; the column names of each table; words for descriptions; whole rows (or
    elements) to splice into another file."""

    values: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # CSV: table key -> rows by column
    elements: dict[str, list[str]] = field(default_factory=dict)  # markup: element name -> its source text


# -- CSV -------------------------------------------------------------------------------------------------


@dataclass
class Table:
    key: str  # "" for a plain CSV; the section for an IBKR Activity Statement
    header: int  # the header row's index in the document's rows
    data: list[int]  # the data rows' indices


def _looks_like_header(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) >= 2 and not any(is_number(c) or is_date(c) for c in filled)


class CsvDoc:
    """A CSV file as rows of cells, with its tables: one header and the rows under it, or for an IBKR
    Activity Statement (`sectioned`) each section's latest `Header` row and its `Data`/`Total` rows."""

    def __init__(self, data: bytes, sectioned: bool = False) -> None:
        text = decode(data)
        self.bom = text.startswith("\ufeff")
        text = text.lstrip("\ufeff")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.quote_all = text.lstrip().startswith('"')
        self.final_newline = text.endswith(("\n", "\r"))
        self.sectioned = sectioned
        self.rows: list[list[str]] = list(csv.reader(io.StringIO(text, newline="")))

    def tables(self) -> list[Table]:
        tables: list[Table] = []
        if self.sectioned:
            latest: dict[str, Table] = {}
            for i, row in enumerate(self.rows):
                if len(row) >= 2 and row[1] == "Header":
                    latest[row[0]] = Table(row[0], i, [])
                    tables.append(latest[row[0]])
                elif len(row) >= 2 and row[0] in latest and row[1] in ("Data", "Total", "SubTotal"):
                    latest[row[0]].data.append(i)
            return tables
        for i, row in enumerate(self.rows):
            if _looks_like_header(row):
                data = [
                    j for j in range(i + 1, len(self.rows)) if sum(1 for c in self.rows[j] if c.strip()) >= 2
                ]
                return [Table("", i, data)]
        return []

    def column_key(self, table: Table, column: int) -> str:
        header = self.rows[table.header]
        name = header[column].strip().lower() if column < len(header) else ""
        return f"{table.key}|{name}"

    def data(self) -> bytes:
        out = io.StringIO()
        quoting: Literal[0, 1] = csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL
        writer = csv.writer(out, lineterminator=self.newline, quoting=quoting)
        writer.writerows(self.rows)
        text = out.getvalue()
        if not self.final_newline:
            text = text[: -len(self.newline)] if text.endswith(self.newline) else text
        return encode(("\ufeff" if self.bom else "") + text)

    # -- learning a format's vocabulary from its fixtures --

    def learn(self, vocab: Vocabulary) -> None:
        for table in self.tables():
            header = [c.strip() for c in self.rows[table.header]]
            names = vocab.headers.setdefault(table.key, [])
            names.extend(h for h in header if h and h not in names)
            for i in table.data:
                row = self.rows[i]
                vocab.rows.setdefault(table.key, []).append(
                    {h.lower(): row[c] for c, h in enumerate(header) if c < len(row)}
                )
                for c, cell in enumerate(row[: len(header)]):
                    key = self.column_key(table, c)
                    seen = vocab.values.setdefault(key, [])
                    if cell not in seen:
                        seen.append(cell)
                    vocab.words.extend(w for w in re.findall(r"[A-Za-z][A-Za-z&'/-]+", cell) if len(w) > 2)

    # -- mutations --

    def mutate(self, rng: random.Random, vocab: Vocabulary) -> str:
        tables = [t for t in self.tables() if t.data]
        if not tables:
            return _row_shuffle(self.rows, rng)
        table = rng.choice(tables)
        ops: list[tuple[int, Callable[[random.Random, Vocabulary, Table], str]]] = [
            (40, self._cell),
            (8, self._cells_of_a_row),
            (4, self._whole_column),
            (16, self._rows_op),
            (5, self._row_shape),
            (10, self._columns_op),
            (3, self._header_op),
        ]
        op = rng.choices([o for _, o in ops], [w for w, _ in ops])[0]
        return op(rng, vocab, table)

    def _mutate_cell(self, rng: random.Random, vocab: Vocabulary, table: Table, i: int, c: int) -> str:
        row = self.rows[i]
        while len(row) <= c:
            row.append("")
        key = self.column_key(table, c)
        old = row[c]
        row[c] = mutate_value(old, vocab.kinds.get(key, "text"), rng, vocab.values.get(key, ()), vocab.words)
        return f"record {i + 1} column {key.split('|')[-1]!r}: {short(old)} -> {short(row[c])}"

    def _cell(self, rng: random.Random, vocab: Vocabulary, table: Table) -> str:
        i = rng.choice(table.data)
        width = max(1, len(self.rows[table.header]))
        return "cell " + self._mutate_cell(rng, vocab, table, i, rng.randrange(width))

    def _cells_of_a_row(self, rng: random.Random, vocab: Vocabulary, table: Table) -> str:
        i = rng.choice(table.data)
        width = max(1, len(self.rows[table.header]))
        columns = rng.sample(range(width), min(width, rng.randint(2, 4)))
        return "cells " + "; ".join(self._mutate_cell(rng, vocab, table, i, c) for c in columns)

    def _whole_column(self, rng: random.Random, vocab: Vocabulary, table: Table) -> str:
        width = max(1, len(self.rows[table.header]))
        c = rng.randrange(width)
        if rng.random() < 0.5:
            state = rng.getstate()
            for i in table.data:  # every row the same change
                rng.setstate(state)
                self._mutate_cell(rng, vocab, table, i, c)
            return f"column {self.column_key(table, c)!r}: the same change in every row"
        for i in table.data:
            self._mutate_cell(rng, vocab, table, i, c)
        return f"column {self.column_key(table, c)!r}: every row changed"

    def _rows_op(self, rng: random.Random, vocab: Vocabulary, table: Table) -> str:
        data = table.data
        i = rng.choice(data)
        choice = rng.randrange(9)
        if choice == 0:
            del self.rows[i]
            return f"row {i + 1} dropped"
        if choice == 1:
            at = rng.choice((i, rng.choice(data)))
            self.rows.insert(at, list(self.rows[i]))
            return f"row {i + 1} duplicated at {at + 1}"
        if choice == 2:
            j = rng.choice(data)
            self.rows[i], self.rows[j] = self.rows[j], self.rows[i]
            return f"rows {i + 1} and {j + 1} swapped"
        if choice == 3:
            rows = [self.rows[k] for k in data][::-1]
            for k, row in zip(data, rows, strict=True):
                self.rows[k] = row
            return "data rows reversed"
        if choice == 4:
            rows = [self.rows[k] for k in data]
            rng.shuffle(rows)
            for k, row in zip(data, rows, strict=True):
                self.rows[k] = row
            return "data rows shuffled"
        if choice == 5:
            keep = rng.randrange(len(data) + 1)
            gone = set(data[keep:])
            self.rows = [r for k, r in enumerate(self.rows) if k not in gone]
            return f"only the first {keep} data rows kept"
        if choice == 6 and vocab.rows.get(table.key):
            donor = rng.choice(vocab.rows[table.key])
            header = [h.strip().lower() for h in self.rows[table.header]]
            new = [donor.get(h, "") for h in header]
            if table.key:
                new[:2] = [table.key, "Data"]
            at = rng.choice(data) + rng.randint(0, 1)
            self.rows.insert(at, new)
            return f"a row of another fixture inserted at {at + 1}: {short(','.join(new), 80)}"
        if choice == 7:
            self.rows.insert(i, [""] * rng.choice((0, 1, len(self.rows[i]))))
            return f"blank row inserted at {i + 1}"
        j = rng.choice(data)
        self.rows[i], self.rows[j] = list(self.rows[j]), list(self.rows[i])
        if table.key:  # a row of another section under this one's header
            others = [t for t in self.tables() if t.key != table.key and t.data]
            if others:
                k = rng.choice(rng.choice(others).data)
                self.rows[i] = list(self.rows[k])
                self.rows[i][0] = table.key
                return f"row {i + 1} replaced by row {k + 1} of another section"
        return f"rows {i + 1} and {j + 1} swapped"

    def _row_shape(self, rng: random.Random, vocab: Vocabulary, table: Table) -> str:
        i = rng.choice(table.data)
        row = self.rows[i]
        if rng.random() < 0.5 and row:
            keep = rng.randrange(len(row))
            del row[keep:]
            return f"row {i + 1} cut to {keep} cells"
        extra = [rng.choice(("", "x", "1", "$1.00", "2024-01-01")) for _ in range(rng.randint(1, 4))]
        at = rng.randrange(len(row) + 1)
        row[at:at] = extra
        return f"row {i + 1}: {len(extra)} cells inserted at {at}"

    def _columns_op(self, rng: random.Random, vocab: Vocabulary, table: Table) -> str:
        header = self.rows[table.header]
        if not header:
            return "no columns"
        c = rng.randrange(len(header))
        name = header[c]
        rows = [table.header, *table.data]
        choice = rng.randrange(7)
        if choice == 0:
            for k in rows:
                if c < len(self.rows[k]) and (not table.key or c >= 2):
                    del self.rows[k][c]
            return f"column {name!r} removed"
        if choice == 1:
            names = vocab.headers.get(table.key, [])
            new = rng.choice(
                (*names[:50], name.upper(), name.lower(), f" {name} ", name + "2", "", "Unknown")
            )
            header[c] = new
            return f"column {name!r} renamed {new!r}"
        if choice == 2:
            d = rng.randrange(len(header))
            for k in rows:
                row = self.rows[k]
                if max(c, d) < len(row):
                    row[c], row[d] = row[d], row[c]
            return f"columns {name!r} and {header[c]!r} swapped in every row"
        if choice == 3:
            d = rng.randrange(len(header))
            header[c], header[d] = header[d], header[c]
            return f"header names {name!r} and {header[c]!r} swapped (cells stay)"
        if choice == 4:
            d = rng.randrange(len(header))
            header[d] = name
            return f"column {d} renamed {name!r} (twice in the header)"
        if choice == 5:
            for k in rows:
                self.rows[k].append("Extra" if k == table.header else rng.choice(("", "1", "x")))
            return "an unknown column appended"
        for k in table.data:
            row = self.rows[k]
            if c < len(row):
                row[c] = ""
        return f"column {name!r} emptied"

    def _header_op(self, rng: random.Random, vocab: Vocabulary, table: Table) -> str:
        choice = rng.randrange(3)
        h = table.header
        if choice == 0:
            del self.rows[h]
            return "header row dropped"
        if choice == 1:
            at = rng.choice(table.data)
            self.rows.insert(at, list(self.rows[h]))
            return f"header row repeated at {at + 1}"
        row = self.rows.pop(h)
        at = min(len(self.rows), h + rng.randint(1, 3))
        self.rows.insert(at, row)
        return f"header row moved to {at + 1}"


def _row_shuffle(rows: list[list[str]], rng: random.Random) -> str:
    rng.shuffle(rows)
    return "rows shuffled (no table found)"


# -- markup: OFX (SGML and XML) and IBKR Flex XML --------------------------------------------------------

TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=<>/]+\s*=\s*\"[^\"]*\")*)\s*(/?)>")
ATTRIBUTE = re.compile(r"([^\s=<>/]+)\s*=\s*\"([^\"]*)\"")


def xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def xml_unescape(value: str) -> str:
    return value.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class MarkupDoc:
    """An OFX or Flex file as text with its tags found by a regular expression: an element is an open tag
    to its matching close (or, an SGML leaf, to the next tag), a self-closing tag alone."""

    def __init__(self, data: bytes, flavour: str) -> None:
        self.text = decode(data)
        self.flavour = flavour  # "ofx" or "flex"

    def data(self) -> bytes:
        return encode(self.text)

    def tags(self) -> list[re.Match[str]]:
        return list(TAG.finditer(self.text))

    def span(self, tags: Sequence[re.Match[str]], i: int) -> tuple[int, int]:
        """Where element i (an open or self-closing tag) starts and ends."""
        m = tags[i]
        if m[4]:
            return m.start(), m.end()
        depth = 0
        for j in range(i + 1, len(tags)):
            t = tags[j]
            if t[2] == m[2] and not t[4]:
                if t[1]:
                    if depth == 0:
                        return m.start(), t.end()
                    depth -= 1
                else:
                    depth += 1
        end = tags[i + 1].start() if i + 1 < len(tags) else len(self.text)
        return m.start(), end

    def value_span(self, tags: Sequence[re.Match[str]], i: int) -> tuple[int, int] | None:
        """The text an OFX leaf holds (`<UNITS>100`), without the whitespace after it; None for an
        aggregate."""
        m = tags[i]
        end = tags[i + 1].start() if i + 1 < len(tags) else len(self.text)
        raw = self.text[m.end() : end]
        if not raw.strip():
            return None
        return m.end(), m.end() + len(raw.rstrip())

    # -- learning --

    def learn(self, vocab: Vocabulary) -> None:
        tags = self.tags()
        for i, m in enumerate(tags):
            if m[1]:
                continue
            if self.flavour == "flex":
                for a in ATTRIBUTE.finditer(m[3]):
                    seen = vocab.values.setdefault(a[1], [])
                    value = xml_unescape(a[2])
                    if value not in seen and len(seen) < 400:
                        seen.append(value)
                    vocab.words.extend(w for w in re.findall(r"[A-Za-z][A-Za-z&'/-]+", value) if len(w) > 2)
            else:
                span = self.value_span(tags, i)
                if span:
                    value = self.text[span[0] : span[1]]
                    seen = vocab.values.setdefault(m[2], [])
                    if value not in seen and len(seen) < 400:
                        seen.append(value)
                    vocab.words.extend(w for w in re.findall(r"[A-Za-z][A-Za-z&'/-]+", value) if len(w) > 2)
            names = vocab.headers.setdefault("", [])
            if m[2] not in names:
                names.append(m[2])
            start, end = self.span(tags, i)
            if end - start < 4000:
                pieces = vocab.elements.setdefault(m[2], [])
                if len(pieces) < 60:
                    pieces.append(self.text[start:end])

    # -- mutations --

    def mutate(self, rng: random.Random, vocab: Vocabulary) -> str:
        tags = self.tags()
        opens = [i for i, m in enumerate(tags) if not m[1]]
        if not opens:
            return _cut(self, rng)
        ops: list[tuple[int, Callable[[random.Random, Vocabulary, list[re.Match[str]], list[int]], str]]] = [
            (50, self._value),
            (10, self._drop),
            (8, self._duplicate),
            (4, self._swap),
            (3, self._move),
            (4, self._rename),
            (3, self._drop_close),
            (5, self._splice),
            (4, self._header),
        ]
        if self.flavour == "flex":
            ops.append((12, self._attribute_shape))
        op = rng.choices([o for _, o in ops], [w for w, _ in ops])[0]
        return op(rng, vocab, tags, opens)

    def _replace(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]

    def _value(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        if self.flavour == "flex":
            with_attributes = [i for i in opens if ATTRIBUTE.search(tags[i][3])]
            if not with_attributes:
                return "no attributes"
            m = tags[rng.choice(with_attributes)]
            a = rng.choice(list(ATTRIBUTE.finditer(m[3])))
            old = xml_unescape(a[2])
            new = mutate_value(
                old, vocab.kinds.get(a[1], "text"), rng, vocab.values.get(a[1], ()), vocab.words
            )
            written = xml_escape(new) if rng.random() < 0.95 else new
            start = m.start(3) + a.start(2)
            self._replace(start, start + len(a[2]), written)
            return f"<{m[2]}> at {self._where(start)} {a[1]}: {short(old)} -> {short(written)}"
        leaves = [(i, s) for i in opens if (s := self.value_span(tags, i))]
        if not leaves:
            return "no leaves"
        i, (start, end) = rng.choice(leaves)
        name, old = tags[i][2], self.text[start:end]
        new = mutate_value(old, vocab.kinds.get(name, "text"), rng, vocab.values.get(name, ()), vocab.words)
        if self.text.startswith("<?xml") and rng.random() < 0.95:
            new = new.replace("&", "&amp;").replace("<", "&lt;")
        else:
            new = new.replace("<", "")  # an SGML value cannot hold a tag's start; a raw one is a tag
        self._replace(start, end, new)
        return f"<{name}> at {self._where(start)}: {short(old)} -> {short(new)}"

    def _element(
        self, rng: random.Random, tags: list[re.Match[str]], opens: list[int]
    ) -> tuple[int, int, str]:
        i = rng.choice(opens)
        start, end = self.span(tags, i)
        return start, end, tags[i][2]

    def _where(self, start: int) -> str:
        return f"line {self.text.count(chr(10), 0, start) + 1}"

    def _drop(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        start, end, name = self._element(rng, tags, opens)
        where = self._where(start)
        self._replace(start, end, "")
        return f"<{name}> at {where} dropped"

    def _duplicate(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        start, end, name = self._element(rng, tags, opens)
        where = self._where(start)
        self._replace(end, end, self.text[start:end])
        return f"<{name}> at {where} duplicated"

    def _swap(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        start, end, name = self._element(rng, tags, opens)
        same = [i for i in opens if tags[i][2] == name and tags[i].start() >= end]
        if not same:
            return self._duplicate(rng, vocab, tags, opens)
        s2, e2 = self.span(tags, rng.choice(same))
        if s2 < end:
            return "overlapping elements"
        a, b = self.text[start:end], self.text[s2:e2]
        self.text = self.text[:start] + b + self.text[end:s2] + a + self.text[e2:]
        return f"two <{name}> swapped"

    def _move(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        start, end, name = self._element(rng, tags, opens)
        piece = self.text[start:end]
        self._replace(start, end, "")
        others = [m.start() for m in TAG.finditer(self.text)]
        at = rng.choice(others) if others else 0
        self._replace(at, at, piece)
        return f"<{name}> moved to {self._where(at)}"

    def _rename(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        i = rng.choice(opens)
        m = tags[i]
        start, end = self.span(tags, i)
        names = vocab.headers.get("", [])
        new = rng.choice((*names, m[2].lower(), m[2] + "X", "UNKNOWN"))
        piece = self.text[start:end]
        inner = piece[len(m[0]) :]
        closing = f"</{m[2]}>"
        if inner.endswith(closing) and rng.random() < 0.8:
            inner = inner[: -len(closing)] + f"</{new}>"
        self._replace(start, end, f"<{m[1]}{new}{m[3]}{m[4]}>" + inner)
        return f"<{m[2]}> at {self._where(start)} renamed <{new}>"

    def _drop_close(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        closes = [m for m in tags if m[1]]
        if not closes:
            return self._drop(rng, vocab, tags, opens)
        m = rng.choice(closes)
        where = self._where(m.start())
        self._replace(m.start(), m.end(), "")
        return f"</{m[2]}> at {where} dropped"

    def _splice(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        """An element of any fixture of the format put beside one of the same name (a trade from another
        statement, a transaction of another account)."""
        i = rng.choice(opens)
        pieces = vocab.elements.get(tags[i][2])
        if not pieces:
            return self._duplicate(rng, vocab, tags, opens)
        start, end = self.span(tags, i)
        at = end if rng.random() < 0.7 else start
        self._replace(at, at, rng.choice(pieces))
        return f"a <{tags[i][2]}> of another fixture inserted at {self._where(at)}"

    def _header(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        head_end = self.text.find("<OFX>") if self.flavour == "ofx" else self.text.find("<", 1)
        head = self.text[: max(0, head_end)]
        if self.flavour == "ofx" and ":" in head:  # SGML: KEY:VALUE lines
            lines = head.split("\n")
            k = rng.randrange(len(lines))
            line = lines[k]
            if ":" in line and rng.random() < 0.8:
                key, _, value = line.partition(":")
                new = rng.choice(
                    ("", "999", "UTF-8", "USASCII", "1252", "NONE", "UNICODE", "OFXSGML", "XML", value + "x")
                )
                lines[k] = f"{key}:{new}" + ("\r" if value.endswith("\r") and not new.endswith("\r") else "")
                what = f"header {key}: {short(value.strip())} -> {short(new)}"
            else:
                del lines[k]
                what = f"header line {k + 1} dropped"
            self.text = "\n".join(lines) + self.text[len(head) :]
            return what
        pi = list(
            re.finditer(
                r'(\w+)="([^"]*)"', self.text[: self.text.find("<OFX>") if "<OFX>" in self.text else 200]
            )
        )
        if pi:
            a = rng.choice(pi)
            new = rng.choice(("", "999", "100", "102", "200", "220", "NONE", "UTF-16", "x"))
            self._replace(a.start(2), a.end(2), new)
            return f"header {a[1]}: {short(a[2])} -> {short(new)}"
        if rng.random() < 0.5:
            self.text = '<?xml version="1.0" encoding="UTF-8"?>\n' + self.text
            return "an XML declaration put in front"
        return _cut(self, rng)

    def _attribute_shape(
        self, rng: random.Random, vocab: Vocabulary, tags: list[re.Match[str]], opens: list[int]
    ) -> str:
        with_attributes = [i for i in opens if ATTRIBUTE.search(tags[i][3])]
        if not with_attributes:
            return "no attributes"
        m = tags[rng.choice(with_attributes)]
        attributes = list(ATTRIBUTE.finditer(m[3]))
        a = rng.choice(attributes)
        start, end = m.start(3) + a.start(), m.start(3) + a.end()
        choice = rng.randrange(4)
        if choice == 0:
            self._replace(start - 1, end, "")  # the space before it too
            return f"<{m[2]}> attribute {a[1]} dropped"
        if choice == 1:
            self._replace(end, end, " " + a[0])
            return f"<{m[2]}> attribute {a[1]} written twice"
        if choice == 2:
            names = list(vocab.values)
            new = rng.choice((*names[:200], a[1].lower(), a[1] + "X"))
            self._replace(start, start + len(a[1]), new)
            return f"<{m[2]}> attribute {a[1]} renamed {new}"
        # every attribute of the element but the one chosen dropped
        kept = f"<{m[2]} {a[0]}{' /' if m[4] else ''}>"
        self._replace(m.start(), m.end(), kept)
        return f"<{m[2]}> stripped to its {a[1]}"


def _cut(doc: MarkupDoc, rng: random.Random) -> str:
    at = rng.randrange(len(doc.text) + 1)
    doc.text = doc.text[:at]
    return f"text cut at {at}"


# -- JSON lines: the journal's own export ---------------------------------------------------------

_JSON_ODD: tuple[object, ...] = (
    None,
    "",
    0,
    -1,
    1.5,
    True,
    [],
    {},
    "NaN",
    float("nan"),
    float("inf"),
    10**30,
    -(2**63),
    "1e400",
    "x" * 5000,
)


def _leaves(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], object]]:
    """Every (path, value) under a JSON value, containers included (a whole payload can be replaced too)."""
    out: list[tuple[tuple[str | int, ...], object]] = [(path, value)] if path else []
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _leaves(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out += _leaves(inner, (*path, index))
    return out


def _name(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path if isinstance(p, str))


class JsonlDoc:
    """A `tj export --format jsonl` file: a header object (format, version, how many events follow), then
    one event object a line. A line that is not JSON is kept as its text."""

    def __init__(self, data: bytes) -> None:
        text = decode(data)
        self.bom = text.startswith("\ufeff")
        self.final_newline = text.endswith("\n")
        self.lines: list[object] = []
        for raw in text.lstrip("\ufeff").rstrip("\n").split("\n"):
            try:
                self.lines.append(json.loads(raw))
            except ValueError:
                self.lines.append(_Raw(raw))

    def data(self) -> bytes:
        text = "\n".join(
            line.text if isinstance(line, _Raw) else json.dumps(line, ensure_ascii=False)
            for line in self.lines
        )
        return encode(("\ufeff" if self.bom else "") + text + ("\n" if self.final_newline else ""))

    def learn(self, vocab: Vocabulary) -> None:
        for line in self.lines[1:]:
            if isinstance(line, _Raw):
                continue
            vocab.elements.setdefault("line", []).append(json.dumps(line, ensure_ascii=False))
            for path, value in _leaves(line):
                name = _name(path)
                if isinstance(value, str):
                    seen = vocab.values.setdefault(name, [])
                    if value not in seen and len(seen) < 400:
                        seen.append(value)
                    vocab.words.extend(w for w in re.findall(r"[A-Za-z][A-Za-z&'/-]+", value) if len(w) > 2)
                pieces = vocab.elements.setdefault(name, [])
                if len(pieces) < 100:
                    pieces.append(json.dumps(value, ensure_ascii=False))

    def _recount(self, rng: random.Random) -> str:
        """Most of the time the header is told the new number of events, so the events are read on."""
        head = self.lines[0] if self.lines else None
        if isinstance(head, dict) and rng.random() < 0.8:
            head["events"] = sum(
                1 for line in self.lines[1:] if not (isinstance(line, _Raw) and not line.text)
            )
            return ", header recounted"
        return ""

    def mutate(self, rng: random.Random, vocab: Vocabulary) -> str:
        events = [i for i, line in enumerate(self.lines) if i and isinstance(line, dict)]
        roll = rng.random()
        if not events or roll < 0.05:
            return self._header(rng)
        i = rng.choice(events)
        event = self.lines[i]
        assert isinstance(event, dict)
        if roll < 0.70:
            leaves = _leaves(event)
            if rng.random() < 0.9:  # what the importer reads, mostly: not the record's seq, times and hashes
                leaves = [leaf for leaf in leaves if leaf[0][0] not in _KEPT_FOR_THE_RECORD] or leaves
            path, old = rng.choice(leaves)
            new = self._value(path, old, rng, vocab)
            _put(event, path, new)
            return f"line {i + 1} {_name(path) or path}: {short(json.dumps(old))} -> {short(json.dumps(new))}"
        if roll < 0.80:
            path, _ = rng.choice(_leaves(event))
            _put(event, path, _DELETE)
            return f"line {i + 1}: {_name(path)} removed"
        if roll < 0.83:
            path, value = rng.choice(
                [(p, v) for p, v in _leaves(event) if isinstance(v, dict)] or [((), event)]
            )
            target = event if not path else value
            assert isinstance(target, dict)
            target[rng.choice(("extra", "quantity", "kind", "unknown_field"))] = rng.choice(_JSON_ODD)
            return f"line {i + 1}: a field added under {_name(path) or 'the event'}"
        choice = rng.randrange(5)
        if choice == 0:
            del self.lines[i]
            return f"line {i + 1} dropped" + self._recount(rng)
        if choice == 1:
            self.lines.insert(rng.choice(events), json.loads(json.dumps(event)))
            return f"line {i + 1} duplicated" + self._recount(rng)
        if choice == 2:
            j = rng.choice(events)
            self.lines[i], self.lines[j] = self.lines[j], self.lines[i]
            return f"lines {i + 1} and {j + 1} swapped"
        if choice == 3 and vocab.elements.get("line"):
            self.lines.insert(i, json.loads(rng.choice(vocab.elements["line"])))
            return f"an event of another export inserted at line {i + 1}" + self._recount(rng)
        self.lines[i] = _Raw(json.dumps(event)[: rng.randrange(1, 200)])
        return f"line {i + 1} cut short"

    def _value(
        self, path: tuple[str | int, ...], old: object, rng: random.Random, vocab: Vocabulary
    ) -> object:
        name = _name(path)
        if rng.random() < 0.15:
            return rng.choice(_JSON_ODD)
        if rng.random() < 0.2 and vocab.elements.get(name):
            return json.loads(rng.choice(vocab.elements[name]))  # another event's value of this field
        if isinstance(old, bool):
            return not old
        if isinstance(old, int):
            return rng.choice((0, -1, old + 1, old * 1000, 10**12, str(old)))
        if isinstance(old, str):
            return mutate_value(
                old, vocab.kinds.get(name, "text"), rng, vocab.values.get(name, ()), vocab.words
            )
        if old is None:
            return rng.choice(("", "x", 0, "2024-01-01T00:00:00", "AAPL"))
        return rng.choice(_JSON_ODD)

    def _header(self, rng: random.Random) -> str:
        head = self.lines[0] if self.lines else None
        if not isinstance(head, dict):
            self.lines.insert(0, {"format": "tj-journal-jsonl", "version": 1, "events": len(self.lines)})
            return "a header put in front"
        field_name = rng.choice(("format", "version", "events", "schema", "exported_at"))
        old = head.get(field_name)
        new = rng.choice(
            (
                None,
                "",
                0,
                -1,
                2,
                "1",
                1.0,
                (old + 1) if isinstance(old, int) and not isinstance(old, bool) else "x",
                True,
                "tj-journal-csv",
                10**20,
            )
        )
        head[field_name] = new
        return f"header {field_name}: {short(json.dumps(old))} -> {short(json.dumps(new))}"


@dataclass(frozen=True, slots=True)
class _Raw:
    text: str


_DELETE = object()
_KEPT_FOR_THE_RECORD = ("seq", "recorded_time", "prev_hash", "hash", "owner")


def _put(container: object, path: tuple[str | int, ...], value: object) -> None:
    """Set (or with `_DELETE`, remove) the value at `path`."""
    for step in path[:-1]:
        container = container[step]  # type: ignore[index]
    last = path[-1]
    if value is _DELETE:
        del container[last]  # type: ignore[attr-defined]
    else:
        container[last] = value  # type: ignore[index]


# -- the bytes -------------------------------------------------------------------------------------------


def damage_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """What a download, an editor or a spreadsheet does to a file's bytes."""
    choice = rng.randrange(14)
    at = rng.randrange(len(data) + 1)
    lines = data.split(b"\n")
    if choice == 0:
        return b"\xef\xbb\xbf" + data, "a BOM in front"
    if choice == 1:
        k = rng.randrange(len(lines))
        lines[k] = b"\xef\xbb\xbf" + lines[k]
        return b"\n".join(lines), f"a BOM at the start of line {k + 1}"
    if choice == 2:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), "CRLF line ends"
    if choice == 3:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"), "CR line ends"
    if choice == 4:
        plain = data.replace(b"\r\n", b"\n").split(b"\n")
        return b"".join(line + rng.choice((b"\n", b"\r\n", b"\r")) for line in plain), "mixed line ends"
    if choice == 5:
        return data[:at], f"cut at byte {at}"
    if choice == 6:
        return data[:at] + b'"' + data[at:], f"a stray quote at byte {at}"
    if choice == 7:
        junk = rng.choice(
            (b"\x00", b"\x1a", b"\x0c", b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\x80", b"\t", b"\\")
        )
        return data[:at] + junk + data[at:], f"{junk!r} at byte {at}"
    if choice == 8:
        return ("\ufeff" + decode(data)).encode("utf-16", "surrogatepass"), "UTF-16"
    if choice == 9:
        return data + rng.choice(
            (b"\n\n\n", b"garbage", b",,,,\n", b"\x00" * 8, b"<", b'"')
        ), "junk at the end"
    if choice == 10:
        return data.rstrip(b"\r\n"), "no final line end"
    if choice == 11:
        return data + data, "the file twice"
    if choice == 12:
        k = rng.randrange(len(lines))
        lines[k] = lines[k].replace(b",", rng.choice((b";", b"\t", b"|")))
        return b"\n".join(lines), f"line {k + 1} with another delimiter"
    k = rng.randrange(len(lines))
    del lines[k]
    return b"\n".join(lines), f"line {k + 1} dropped"


Document = CsvDoc | MarkupDoc | JsonlDoc
Reader = Callable[[bytes], Document]
READERS: Mapping[str, Reader] = {
    "csv": lambda data: CsvDoc(data),
    "sectioned-csv": lambda data: CsvDoc(data, sectioned=True),
    "ofx": lambda data: MarkupDoc(data, "ofx"),
    "flex": lambda data: MarkupDoc(data, "flex"),
    "jsonl": JsonlDoc,
}
