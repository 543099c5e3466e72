"""Import from the browser (issue 17, item 3), over HTTP on the real server (SQLite and PostgreSQL): the
preview says what `Journal.import_files` then adds, event for event, and writes nothing; a file with an
error cannot be confirmed; unresolved rows and duplicates are shown; the upload's files never stay on disk;
an upload over the limit is a 413 page."""

from __future__ import annotations

import http.client
import os
import stat
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import journal.web.imports as imports
from journal.api import Journal, parse_file
from journal.web import security
from tests.web.conftest import REPO
from tests.web.forms import Client, upload_id
from tests.web.html import column, tables, text_of
from tests.web.server import Served, serving

H1 = REPO / "examples" / "2024-h1.csv"
IRA = REPO / "examples" / "ira-2024.csv"

# A Schwab export with one option sale and two rows tj does not model (a security named by CUSIP whose
# description names no bond, an expiry that moved cash): kept as unresolved events.
SCHWAB = b"""\
"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"
"03/04/2025","Sell to Open","KO 03/21/2025 60.00 P","PUT COCA COLA","1","$1.20","$0.66","$119.34"
"03/05/2025","Buy","912797KX4","SOME FUND CLASS A","10","$10.00","","-$100.00"
"03/21/2025","Expired","KO 03/21/2025 60.00 P","PUT COCA COLA","1","$5.00","","$12.00"
"""


def broken(tmp_path: Path) -> Path:
    """The IRA example with its third line's date made unreadable."""
    lines = IRA.read_text().splitlines(keepends=True)
    lines[2] = "2024-13-45" + lines[2][len("2024-01-16") :]
    path = tmp_path / "broken.csv"
    path.write_text("".join(lines))
    return path


def count(url: str) -> int:
    journal = Journal(url)
    try:
        return journal.store.last_seq()
    finally:
        journal.close()


@pytest.fixture
def served(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Served]]:
    """A fresh journal of its own (imports write), served; the process's temporary folder is the test's."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    Journal(db_url).close()
    with serving(db_url) as server:
        yield db_url, server
    assert list(scratch.iterdir()) == [], "an upload's files stayed on disk"


def test_the_preview_says_what_the_import_adds_and_writes_nothing_until_confirmed(
    served: tuple[str, Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, server = served
    folders: list[int] = []
    on_disk = imports._on_disk

    def watched(files: list[tuple[str, bytes]]) -> tuple[Path, list[Path]]:
        folder, paths = on_disk(files)
        folders.append(stat.S_IMODE(os.stat(folder).st_mode))
        return folder, paths

    monkeypatch.setattr(imports, "_on_disk", watched)
    expected = {path.name: parse_file(path)[1].events for path in (H1, IRA)}
    kinds = Counter(e.type_name for path in (H1, IRA) for e in expected[path.name])
    client = Client(server)
    client.open_import()

    preview = client.preview([H1, IRA])
    assert preview.status == 200, text_of(preview.text)[:800]
    text = text_of(preview.text)
    new = len(expected["2024-h1.csv"]) + len(expected["ira-2024.csv"])
    assert (len(expected["2024-h1.csv"]), len(expected["ira-2024.csv"]), new) == (50, 8, 58)
    assert f"Files 2 New events {new} Already recorded 0 Unresolved rows 0 Errors 0" in text
    assert f"Importing adds {new} events to the journal." in text
    # Per file, its new events by kind: the importer's own events, counted.
    by_kind = [t for t in tables(preview.text) if t[0] == ["Kind", "Events"]]
    assert len(by_kind) == 2
    shown = Counter()
    for table in by_kind:
        for kind, n in zip(column(table, "Kind"), column(table, "Events"), strict=True):
            shown[kind] += int(n)
    assert shown == kinds
    assert count(url) == 0  # nothing written
    assert folders == [0o700]

    done = client.confirm(upload_id(preview) or "")
    assert done.status == 200, text_of(done.text)[:800]
    assert f"Imported {new} events added" in text_of(done.text)
    table = next(t for t in tables(done.text) if t[0][:3] == ["File", "Format", "Added"])
    assert table[1:] == [
        ["2024-h1.csv", "journal-csv", "50", "0", "0", "0", "1"],
        ["ira-2024.csv", "journal-csv", "8", "0", "0", "0", "2"],
    ]
    assert count(url) == new
    assert folders == [0o700, 0o700]

    # The upload is gone once imported: a second confirm of it is refused and adds nothing.
    again = client.confirm(upload_id(preview) or "")
    assert again.status == 410
    assert "no longer kept" in text_of(again.text)
    assert count(url) == new


def test_files_already_in_the_journal_are_duplicates_and_add_nothing(served: tuple[str, Served]) -> None:
    url, server = served
    journal = Journal(url)
    journal.import_files([H1])
    journal.close()
    before = count(url)
    client = Client(server)
    client.open_import()
    preview = client.preview([H1, IRA])
    assert preview.status == 200
    text = text_of(preview.text)
    assert "Files 2 New events 8 Already recorded 50 Unresolved rows 0 Errors 0" in text
    done = client.confirm(upload_id(preview) or "")
    assert done.status == 200
    table = next(t for t in tables(done.text) if t[0][:3] == ["File", "Format", "Added"])
    assert [row[:4] for row in table[1:]] == [
        ["2024-h1.csv", "journal-csv", "0", "50"],
        ["ira-2024.csv", "journal-csv", "8", "0"],
    ]
    assert count(url) == before + 8


def test_a_file_with_errors_is_shown_with_file_and_line_and_cannot_be_confirmed(
    served: tuple[str, Served], tmp_path: Path
) -> None:
    url, server = served
    bad = broken(tmp_path)
    problems = [str(p) for p in parse_file(bad)[1].errors]
    assert len(problems) == 1 and problems[0].startswith("broken.csv:3: date:")
    client = Client(server)
    client.open_import()
    preview = client.preview([H1, bad])
    assert preview.status == 200  # the preview is what was asked; the confirm is what is refused
    text = text_of(preview.text)
    assert "A file has errors: nothing can be imported." in text
    assert "Errors 1" in text
    errors = next(t for t in tables(preview.text) if t[0] == ["Where", "Problem"])
    assert column(errors, "Where") == ["broken.csv:3 (date)"]
    assert upload_id(preview) is None  # no confirm form
    assert 'action="/import/confirm"' not in preview.text
    # Nor does a confirm made up by hand go through: the upload was never kept.
    refused = client.confirm("made-up")
    assert refused.status == 410
    assert count(url) == 0


def test_a_file_no_importer_reads_is_an_error(served: tuple[str, Served]) -> None:
    url, server = served
    client = Client(server)
    client.open_import()
    preview = client.preview([("notes.txt", b"hello\nworld\n")])
    assert preview.status == 200
    errors = next(t for t in tables(preview.text) if t[0] == ["Where", "Problem"])
    assert column(errors, "Where") == ["notes.txt:1"]
    assert column(errors, "Problem")[0].startswith("no importer recognises this file")
    assert count(url) == 0


def test_unresolved_rows_are_shown_before_and_kept_by_the_import(served: tuple[str, Served]) -> None:
    url, server = served
    client = Client(server)
    client.open_import()
    preview = client.preview([("schwab.csv", SCHWAB)])
    assert preview.status == 200
    assert "Files 1 New events 3 Already recorded 0 Unresolved rows 2 Errors 0" in text_of(preview.text)
    rows = next(t for t in tables(preview.text) if t[0][:2] == ["Source", "Date"])
    assert column(rows, "Source") == ["schwab.csv:3", "schwab.csv:4"]
    assert column(rows, "Cash") == ["\u2212100.00", "12.00"]  # the reports' minus sign
    assert "912797KX4" in column(rows, "Reason")[0]
    done = client.confirm(upload_id(preview) or "")
    assert done.status == 200
    table = next(t for t in tables(done.text) if t[0][:3] == ["File", "Format", "Added"])
    assert table[1][:6] == ["schwab.csv", "schwab-csv", "3", "0", "0", "2"]
    journal = Journal(url)
    try:
        assert [g.event.source.line for g in journal.unresolved() if g.event.source] == [3, 4]
    finally:
        journal.close()


def test_an_account_and_a_format_chosen_on_the_form_are_the_imports(served: tuple[str, Served]) -> None:
    url, server = served
    client = Client(server)
    client.open_import()
    preview = client.preview([("schwab.csv", SCHWAB)], format="schwab-csv", account="roth")
    assert preview.status == 200
    done = client.confirm(upload_id(preview) or "")
    assert done.status == 200
    journal = Journal(url)
    try:
        assert journal.accounts() == ["roth"]
    finally:
        journal.close()
    unknown = client.preview([("schwab.csv", SCHWAB)], format="nope")
    assert unknown.status == 400
    assert "format: one of journal-csv" in text_of(unknown.text)


def test_another_session_cannot_confirm_an_upload(served: tuple[str, Served]) -> None:
    url, server = served
    mine, theirs = Client(server), Client(server)
    mine.open_import()
    theirs.open_import()
    preview = mine.preview([IRA])
    assert preview.status == 200
    refused = theirs.confirm(upload_id(preview) or "")
    assert refused.status == 410
    assert count(url) == 0
    assert mine.confirm(upload_id(preview) or "").status == 200
    assert count(url) == 8


def test_file_names_are_escaped_and_stripped_of_folders(served: tuple[str, Served]) -> None:
    _, server = served
    client = Client(server)
    client.open_import()
    preview = client.preview([("../../etc/<img src=x onerror=alert(1)>.csv", IRA.read_bytes())])
    assert preview.status == 200
    assert "<img src=x" not in preview.text
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in preview.text
    two = client.preview([IRA, ("sub/ira-2024.csv", IRA.read_bytes())])
    assert two.status == 400
    assert "two files are named ira-2024.csv" in text_of(two.text)


def test_an_upload_without_files_is_refused(served: tuple[str, Served]) -> None:
    _, server = served
    client = Client(server)
    client.open_import()
    reply = client.preview([])
    assert reply.status == 400
    assert "choose one or more files to import" in text_of(reply.text)


def test_an_upload_over_the_limit_is_a_413_page(served: tuple[str, Served]) -> None:
    url, server = served
    client = Client(server)
    client.open_import()
    big = security.MAX_BODY_BYTES + 1
    # Said by its Content-Length: refused before anything is parsed.
    reply = client.preview([("big.csv", b"x" * big)])
    assert reply.status == 413
    assert "Error 413 An import takes at most 50 MB of files at once" in text_of(reply.text)
    # Sent in chunks (no length said): counted as it arrives.
    conn = http.client.HTTPConnection(server.host, server.port, timeout=120)
    try:
        conn.putrequest("POST", "/import/preview")
        conn.putheader("Content-Type", "multipart/form-data; boundary=b")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader("Cookie", client.cookie)
        conn.endheaders()
        head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.csv"\r\n\r\n'
        conn.send(b"%x\r\n%s\r\n" % (len(head), head))
        chunk = b"y" * (1024 * 1024)
        for _ in range(big // len(chunk) + 2):
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        assert response.status == 413
        assert "An import takes at most 50 MB" in text_of(response.read().decode())
    finally:
        conn.close()
    assert count(url) == 0


def test_the_import_page_has_a_file_input_for_several_files_and_the_formats(site: Served) -> None:
    client = Client(site)
    page = client.open_import()
    assert '<input id="files" type="file" name="files" multiple required>' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert len(client.token) == 64
    assert "Recognise each file" in text_of(page.text)
    assert '<option value="schwab-csv">schwab-csv</option>' in page.text


def test_the_preview_is_what_import_files_then_does(db_url: str, tmp_path: Path) -> None:
    """Journal.import_preview against Journal.import_files, file by file, over imports that add, repeat,
    leave out lookalikes and restore voided facts."""
    journal = Journal(db_url)
    schwab = tmp_path / "schwab.csv"
    schwab.write_bytes(SCHWAB)
    try:
        for paths in ([H1, IRA], [H1, schwab], [IRA]):
            if paths == [IRA]:
                plan = journal.void_plan(file="ira-2024.csv")
                journal.void(plan, "test")
            before = journal.store.last_seq()
            previews = journal.import_preview(paths)
            assert journal.store.last_seq() == before
            done = journal.import_files(paths)
            assert [
                (p.file, p.format, len(p.new), p.duplicates, p.restores, len(p.unresolved)) for p in previews
            ] == [(d.file, d.format, d.events_added, d.duplicates, d.restored, d.unresolved) for d in done]
            assert all(not p.errors for p in previews)
        assert [(len(p.new), p.duplicates, p.restores) for p in previews] == [(0, 8, 8)]
    finally:
        journal.close()
