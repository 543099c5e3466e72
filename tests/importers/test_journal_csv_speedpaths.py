"""The journal CSV importer's fast paths beside the general ones they stand for: its reader against
csv.reader over the same lines (rows, line numbers, errors), and the events and sources it builds by their
slots (`importers.base.maker`) against the classes' own constructors."""

from __future__ import annotations

import csv
import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers.base import maker
from importers.journal_csv import _lines, _Reader
from journal.events import EVENT_TYPES, Event, SourceRef, TradeExecuted
from journal.instruments import OptionContract
from tests.test_events_decode import any_event


def _read(reader: Any) -> tuple[list[tuple[int, list[str]]], str | None, int]:
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        return rows, str(exc), reader.line_num
    return rows, None, reader.line_num


cells = st.text(st.sampled_from(["a", "b", " ", ",", '"', "é", "\x00", "\t"]), max_size=6)
lines = st.lists(st.lists(cells, max_size=4).map(",".join), max_size=8)


@settings(max_examples=1000, deadline=None)
@given(lines=lines, crlf=st.booleans(), last_end=st.booleans())
def test_the_reader_reads_as_csv_reader_reads(lines: list[str], crlf: bool, last_end: bool) -> None:
    text = ("\r\n" if crlf else "\n").join(lines) + (("\r\n" if crlf else "\n") if last_end else "")
    assert _read(_Reader(text)) == _read(csv.reader(_lines(text)))


@pytest.mark.parametrize(
    "text",
    [
        'a,"b\nc",d\ne,f\n',  # a quoted cell over two lines, then a plain line
        'a,"b\n',  # a quote never closed: csv's error at csv's line
        'x,y\n"a""b",c\r\nd,e',
        "\n\r\n,\n a , b \n",
        "a," + "x" * (csv.field_size_limit() + 1) + "\nb\n",  # past the field size limit: csv's error
        'a,b"c,d\n"e"f,g\n',
    ],
)
def test_the_reader_on_quotes_over_lines_and_errors(text: str) -> None:
    assert _read(_Reader(text)) == _read(csv.reader(_lines(text)))


def _same(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    assert a == b
    assert repr(a) == repr(b)
    assert [type(getattr(a, f.name)) for f in dataclasses.fields(a)] == [
        type(getattr(b, f.name)) for f in dataclasses.fields(b)
    ]


@settings(max_examples=400, deadline=None)
@given(event=any_event(), leave_out=st.sets(st.sampled_from(["fees", "note", "key", "source", "broker_id"])))
def test_an_event_built_by_its_slots_is_the_one_its_class_builds(event: Event, leave_out: set[str]) -> None:
    cls = type(event)
    kwargs = {
        f.name: getattr(event, f.name)
        for f in dataclasses.fields(cls)
        if f.name not in leave_out or f.default is dataclasses.MISSING
    }
    _same(maker(cls)(**kwargs), cls(**kwargs))
    assert maker(cls) is not cls  # every event class has plain slots


def test_a_source_by_position_and_what_has_a_post_init_by_its_class() -> None:
    _same(maker(SourceRef)("a.csv", "ab" * 32, 7), SourceRef("a.csv", "ab" * 32, 7))
    assert maker(OptionContract) is OptionContract  # its __post_init__ computes its name
    with pytest.raises(TypeError):
        maker(TradeExecuted)(account="A")  # a required field missing, as the class says
    assert set(EVENT_TYPES.values()) >= {TradeExecuted}
