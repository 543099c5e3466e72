"""Uniform output of records: an aligned table for people, JSON and CSV for programs.

JSON goes to stdout and nothing else does; figures are already exact strings when they get here.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, TextIO


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _numeric(value: str) -> bool:
    return bool(value) and value.lstrip("-").replace(".", "", 1).isdigit()


def _texts(records: Sequence[dict[str, Any]], column: str) -> list[str]:
    """A column's cells as text (`_cell`), without a call per cell when they are texts already."""
    values: list[Any] = [r.get(column) for r in records]
    if all(type(v) is str for v in values):
        return values
    return [_cell(v) for v in values]


def _numeric_or_empty(value: str) -> bool:
    return not value or _numeric(value)


def table(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Records as an aligned text table, numbers right-aligned.

    Built a column at a time and each line by one format (a listing of tens of thousands of rows)."""
    texts = [_texts(records, c) for c in columns]
    widths = [max(len(c), max(map(len, t), default=0)) for c, t in zip(columns, texts, strict=True)]
    numeric = [bool(records) and all(map(_numeric_or_empty, t)) for t in texts]
    # Each cell padded as str.rjust / str.ljust would (a format's width pads with spaces the same way).
    line = "  ".join(f"{{:{'>' if n else '<'}{w}}}" for w, n in zip(widths, numeric, strict=True)).format
    out = [line(*columns).rstrip(), line(*("-" * w for w in widths)).rstrip()]
    rows = zip(*texts, strict=True) if texts else (() for _ in records)
    out += [line(*row).rstrip() for row in rows]
    return "\n".join(out)


def markdown(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Records as a GitHub-flavoured Markdown table (pipes in cells escaped)."""
    cells = [[_cell(r.get(c)).replace("|", "\\|") for c in columns] for r in records]
    numeric = [
        all(_numeric(row[i]) or not row[i] for row in cells) and cells != [] for i in range(len(columns))
    ]
    out = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(out)


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FLAT = json.JSONEncoder(separators=(",\n    ", ": "))  # a record's fields, one per line, indented


def json_list(records: Sequence[dict[str, Any]]) -> str:
    """The records as `json.dumps(records, indent=2)` writes them, byte for byte. A flat record is written by
    the C encoder with the indent folded into its separators: json's indenting encoder is pure Python, and
    a year of realized rows (tens of thousands) took seconds through it."""
    if not records:
        return "[]"
    parts = []
    for record in records:
        if not record:
            parts.append("  {}")
        elif not all(type(v) in _SCALARS for v in record.values()):
            parts.append("  " + json.dumps(record, indent=2).replace("\n", "\n  "))
        else:
            # The C encoder puts the separators between fields only, never inside a string.
            fields = _FLAT.encode(record)[1:-1]
            parts.append(f"  {{\n    {fields}\n  }}")
    return "[\n" + ",\n".join(parts) + "\n]"


_ENCODER = json.JSONEncoder()
_FLAT_AT: dict[int, json.JSONEncoder] = {}  # per depth: a flat container's items, one per line, indented


def json_text(value: Any) -> str:
    """`json.dumps(value, indent=2)`, byte for byte, written by the C encoder: a container whose items are
    all scalars in one call with the indent folded into its separators, a nested one item by item. json's
    indenting encoder is pure Python: a year report's JSON (every Form 8949 line) took a third of a second.
    Anything but JSON's own types (dict, list, tuple, str, int, float, bool, None: a subclass of one is
    written as json writes it) goes to json.dumps itself, which writes or refuses it as it always did."""
    try:
        return _indented(value, 0)
    except (_NotPlain, RecursionError):  # a cycle: json.dumps says so in its own words
        return json.dumps(value, indent=2)


class _NotPlain(Exception):
    pass


def _indented(value: Any, depth: int) -> str:
    kind = type(value)
    if kind in _SCALARS:
        return _ENCODER.encode(value)
    if kind is dict:
        if not value:
            return "{}"
        if not all(type(k) is str for k in value):
            raise _NotPlain  # json turns other keys into text its own way
        items = value.values()
    elif kind is list or kind is tuple:
        if not value:
            return "[]"
        items = value
    else:
        raise _NotPlain
    inner = "\n" + "  " * (depth + 1)
    if all(type(v) in _SCALARS for v in items):
        encoder = _FLAT_AT.get(depth)
        if encoder is None:
            encoder = _FLAT_AT[depth] = json.JSONEncoder(separators=("," + inner, ": "))
        # The C encoder puts the separators between items only, never inside a string.
        text = encoder.encode(value if kind is not tuple else list(value))
        return f"{text[0]}{inner}{text[1:-1]}\n{'  ' * depth}{text[-1]}"
    if kind is dict:
        parts = [f"{_ENCODER.encode(k)}: {_indented(v, depth + 1)}" for k, v in value.items()]
        return "{" + inner + ("," + inner).join(parts) + "\n" + "  " * depth + "}"
    parts = [_indented(v, depth + 1) for v in value]
    return "[" + inner + ("," + inner).join(parts) + "\n" + "  " * depth + "]"


def emit(
    records: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: Format,
    out: TextIO | None = None,
    empty: str = "(none)",
) -> None:
    out = out or sys.stdout
    if fmt is Format.json:
        out.write(json_list(records) + "\n")
    elif fmt is Format.csv:
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: _cell(r.get(c)) for c in columns} for r in records)
    elif fmt is Format.md:
        out.write(markdown(records, columns) + "\n")
    elif records:
        out.write(table(records, columns) + "\n")
    else:
        out.write(empty + "\n")


def emit_object(obj: dict[str, Any], fmt: Format, out: TextIO | None = None) -> None:
    """One record: JSON as an object; table as `key  value` lines; CSV as a header and one row."""
    out = out or sys.stdout
    if fmt is Format.json:
        json.dump(obj, out, indent=2)
        out.write("\n")
    elif fmt is Format.csv:
        emit([obj], list(obj), fmt, out)
    else:
        width = max((len(k) for k in obj), default=0)
        for k, v in obj.items():
            out.write(f"{k.ljust(width)}  {_cell(v)}\n")
