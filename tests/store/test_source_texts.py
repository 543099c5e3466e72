"""The journal keeps each file it imports (migration 0006), so every event shows the row it was read from,
as the file has it, after the file is gone: a CSV record (a quoted cell may span lines), an OFX element from
its tag to its closing tag. A file is kept once; one imported by a tj that did not keep files is kept when
imported again; the kept text is append-only like the events."""

from __future__ import annotations

import json
import shutil
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError

from journal import schema
from journal.api import Journal, _origin, parse_file
from journal.sources import BLOCK_LINES, block_lines, blocks
from journal.stored import ImportOrigin
from tests.store.test_bulk import _alembic

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.csv"))
ETRADE = ROOT / "tests/importers/fixtures/ofx/etrade_2024-05.qfx"
HEADER = "date,account,action,symbol,quantity,price,fees,amount,order_id,id,note\n"


def _blocks(journal: Journal) -> list[tuple[str, int, int]]:
    with journal.store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT sha256, first_line, lines FROM source_texts ORDER BY sha256, first_line")
        )
        return [tuple(r) for r in rows]


def _deposits(path: Path, count: int, note_at: int | None = None) -> list[str]:
    """A journal CSV of `count` deposits (line 1 the header); the one on line `note_at` has a note over two
    lines. Returns the file's lines as a reader numbers them."""
    rows = [HEADER]
    for i in range(count):
        line = len(rows) + 1
        note = '"first half\nsecond half"' if line == note_at else ""
        rows.append(f"2024-01-02,A,DEPOSIT,,,,,{i + 1}.00,,D{i},{note}\n")
    path.write_text("".join(rows))
    return path.read_text().splitlines()


def test_every_event_shows_its_line_as_the_file_has_it(db_url: str, tmp_path: Path) -> None:
    journal = Journal(db_url)
    try:
        journal.import_files(EXAMPLES)
        checked = 0
        for stored in journal.events():
            source = stored.event.source
            assert source is not None
            lines = (ROOT / "examples" / source.file).read_text().splitlines()
            row = journal.source_row(source)
            assert row is not None
            assert (row.file, row.line, row.kind, row.cut) == (source.file, source.line, "csv", False)
            assert row.lines == ((source.line, lines[source.line - 1]),)
            checked += 1
        assert checked == 113  # 50 + 55 + 8 events, each a line of its own
        # One block a file (each is under 1,000 lines): 51, 56 and 9 lines.
        assert sorted(lines for _, _, lines in _blocks(journal)) == [9, 51, 56]
    finally:
        journal.close()


def test_an_ofx_element_is_shown_from_its_tag_through_its_closing_tag(db_url: str) -> None:
    journal = Journal(db_url)
    try:
        journal.import_files([ETRADE])
        lines = ETRADE.read_bytes().decode("cp1252").splitlines()  # CHARSET:1252
        bought = next(s.event for s in journal.events() if s.event.source and s.event.source.line == 48)
        assert bought.source is not None
        row = journal.source_row(bought.source)
        assert row is not None
        assert row.kind == "markup" and not row.cut
        # <BUYOPT> on line 48 through </BUYOPT> on line 69: the whole element, as the file writes it.
        assert [n for n, _ in row.lines] == list(range(48, 70))
        assert [t for _, t in row.lines] == lines[47:69]
        assert (row.lines[0][1], row.lines[-1][1]) == ("<BUYOPT>", "</BUYOPT>")
        assert "<UNIQUEID>KO240621C00063000" in row.text
    finally:
        journal.close()


def test_a_record_over_two_lines_and_rows_across_blocks(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "deposits.csv"
    # 2,500 rows: lines 1-1000, 1001-2000 and 2001-2502 are the blocks (the noted record adds a line);
    # the record starting on line 1000 ends on line 1001, in the next block.
    lines = _deposits(path, 2_500, note_at=BLOCK_LINES)
    assert len(lines) == 2_502
    journal = Journal(db_url)
    try:
        journal.import_files([path])
        sha = {s.event.source.sha256 for s in journal.events() if s.event.source}
        assert [(first, count) for _, first, count in _blocks(journal)] == [
            (1, 1000),
            (1001, 1000),
            (2001, 502),
        ]
        assert len(sha) == 1
        by_line = {s.event.source.line: s.event.source for s in journal.events() if s.event.source}
        straddling = journal.source_row(by_line[1000])
        assert straddling is not None and straddling.kind == "csv"
        assert straddling.lines == ((1000, lines[999]), (1001, lines[1000]))
        assert straddling.text == '2024-01-02,A,DEPOSIT,,,,,999.00,,D998,"first half\nsecond half"'
        after = journal.source_row(by_line[1002])
        assert after is not None and after.lines == ((1002, "2024-01-02,A,DEPOSIT,,,,,1000.00,,D999,"),)
        last = journal.source_row(by_line[2502])
        assert last is not None and last.lines == ((2502, "2024-01-02,A,DEPOSIT,,,,,2500.00,,D2499,"),)
    finally:
        journal.close()


def test_a_file_is_kept_once_and_one_an_older_tj_imported_is_kept_when_imported_again(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "h1.csv"
    shutil.copy(EXAMPLES[0], path)
    journal = Journal(db_url)
    try:
        # What an older tj did: the events and the import recorded, the file's text not kept.
        format, parsed = parse_file(path)
        journal.store.append(
            parsed.events, origin=ImportOrigin(path.name, parsed.events[0].source.sha256, format)
        )
        source = journal.events()[0].event.source
        assert source is not None
        assert journal.source_row(source) is None
        assert _blocks(journal) == []
        again = journal.import_files([path])
        assert (again[0].events_added, again[0].duplicates) == (0, 50)
        row = journal.source_row(source)
        assert row is not None and row.lines == ((2, path.read_text().splitlines()[1]),)
        kept = _blocks(journal)
        assert kept == [(source.sha256, 1, 51)]
        journal.import_files([path])  # once more: nothing new kept
        assert _blocks(journal) == kept
    finally:
        journal.close()


def test_a_file_changed_on_the_disk_after_it_was_parsed_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "h1.csv"
    shutil.copy(EXAMPLES[0], path)
    _, parsed = parse_file(path)
    path.write_text(path.read_text().replace("opening deposit", "opening deposit!"))
    origin = _origin(path, "journal-csv", parsed.events)
    assert origin.sha256 == parsed.events[0].source.sha256 and origin.content is None
    unchanged = _origin(EXAMPLES[0], "journal-csv", parse_file(EXAMPLES[0])[1].events)
    assert unchanged.content == EXAMPLES[0].read_bytes()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE source_texts SET lines = 0", "UPDATE source_texts SET body = body", "DELETE FROM source_texts"],
)
def test_the_kept_text_is_append_only(db_url: str, statement: str) -> None:
    journal = Journal(db_url)
    journal.import_files(EXAMPLES[:1])
    journal.close()
    engine = create_engine(db_url)
    try:
        with pytest.raises(DatabaseError, match="source texts are append-only"), engine.begin() as conn:
            conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM source_texts")).scalar() == 1
    finally:
        engine.dispose()


def test_a_0005_journal_gets_the_table_and_keeps_its_read_models(db_url: str) -> None:
    journal = Journal(db_url)
    journal.import_files(EXAMPLES)
    realized = journal.realized(year=2024)
    with journal.store.writer.begin() as conn:
        command.downgrade(_alembic(conn), "0005")
    with journal.store.engine.connect() as conn:
        assert not inspect(conn).has_table("source_texts")
    journal.close()

    upgraded = Journal(db_url)
    try:
        with upgraded.store.engine.connect() as conn:
            assert upgraded.store.schema_revision(conn) == "0006" == schema.SCHEMA_REVISION
            assert inspect(conn).has_table("source_texts")
        assert upgraded.read_models.refresh() == set()  # the read models were kept
        assert upgraded.realized(year=2024) == realized
        first = upgraded.events()[0].event.source
        assert first is not None and upgraded.source_row(first) is None  # the table came back empty
    finally:
        upgraded.close()


@given(st.lists(st.sampled_from([b"a", b"bc", b",", b"\r", b"\n", b"\r\n", b"\xc9"]), max_size=3_000))
@settings(max_examples=60, deadline=None)
def test_blocks_cut_the_lines_as_the_importers_number_them(parts: list[bytes]) -> None:
    """Line n of the blocks is line n of `bytes.splitlines` (CR, LF and CR LF end a line, as the CSV
    importers' readers count), and together the blocks are the file, byte for byte."""
    data = b"".join(parts)
    lines = data.splitlines(keepends=True)
    kept = list(blocks(data))
    assert [first for first, _, _ in kept] == list(range(1, len(lines) + 1, BLOCK_LINES))
    assert [line for _, _, body in kept for line in block_lines(body)] == lines
    assert all(count == len(block_lines(body)) for _, count, body in kept)


def test_verify_hashes_each_kept_file_and_names_one_changed_outside_tj(db_url: str, tj: Any) -> None:
    journal = Journal(db_url)
    journal.import_files(EXAMPLES)
    report = journal.verify()
    assert (report.ok, report.events, report.files, report.broken_files) == (True, 113, 3, ())
    sha = journal.events()[0].event.source.sha256
    journal.close()
    # A block written behind tj's back (the triggers refuse UPDATE; an INSERT of a block is what they allow).
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            schema.source_texts.insert().values(
                owner="default",
                sha256=sha,
                first_line=52,
                lines=1,
                body=zlib.compress(b"2024-12-31,brokerage,DEPOSIT\\n"),
            )
        )
    engine.dispose()
    done = tj("verify", db=db_url)
    assert done.returncode == 1
    assert done.stdout == (
        f"kept file {EXAMPLES[0].name} ({sha}): its text does not match its SHA-256 (changed outside tj: "
        "restore a backup)\n"
    )
    assert json.loads(tj("verify", "--format", "json", db=db_url).stdout)["broken_files"] == [
        f"{EXAMPLES[0].name} ({sha})"
    ]


def test_two_owners_keep_the_same_file_once_each(db_url: str, tmp_path: Path) -> None:
    """The text is kept per owner (the distribution key, docs/scaling.md): another owner's import of the
    same file keeps its own copy, and a row is read once whoever else keeps it."""
    path = tmp_path / "h1.csv"
    shutil.copy(EXAMPLES[0], path)
    journal = Journal(db_url)
    try:
        journal.import_files([path])
        format, parsed = parse_file(path)
        other = [replace(e, key=f"other:{e.key}") for e in parsed.events]
        sha = parsed.events[0].source.sha256
        journal.store.append(other, "spouse", ImportOrigin(path.name, sha, format, path.read_bytes()))
        with journal.store.engine.connect() as conn:
            owners = conn.execute(text("SELECT owner, lines FROM source_texts ORDER BY owner")).all()
        assert [tuple(r) for r in owners] == [("default", 51), ("spouse", 51)]
        row = journal.source_row(parsed.events[0].source)
        assert row is not None and row.lines == ((2, path.read_text().splitlines()[1]),)
        report = journal.verify()
        assert (report.ok, report.files) == (True, 2)
    finally:
        journal.close()
