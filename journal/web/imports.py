"""Import from the browser (issue 17, item 3): drop broker files, see what the import would add before
anything is written, confirm.

- `GET /import`: a form with a file input (several files; dropping files onto it works without a script).
- `POST /import/preview`: the files are read into memory (at most `security.MAX_BODY_BYTES` together) and
  looked at by `Journal.import_preview` (the parsing and the checks of `tj import`), in a private
  temporary folder (mode 0700) removed at once; the page says, per file, the events it would add by kind,
  those already in the journal (duplicates), the rows tj would keep unresolved, the errors with file:line.
  Nothing is written. The upload stays in memory (for `KEEP_SECONDS`) under a random id that the page's
  confirm form carries, with the session's CSRF token.
- `POST /import/confirm`: the same atomic `Journal.import_files` as `tj import` on the kept files (written
  again to a private folder, removed after). An upload with any error has no confirm button and is not
  kept, so a confirm of it is refused (410); should the journal have changed since the preview so that
  `import_files` refuses the files, the page says why (422) and nothing is written.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_urlsafe
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from journal.reports.views import DATE, INT, MONEY, Card, Column, View
from journal.web import security
from journal.web.common import Table
from journal.web.pages import RouteSpec

if TYPE_CHECKING:
    from journal.api import FileImport, ImportPreview
    from journal.events import Event
    from journal.web.app import Site

MAX_FILES = 50  # files of one upload
KEEP_SECONDS = 3600  # how long an upload waits for its confirm
KEPT_BYTES = 4 * security.MAX_BODY_BYTES  # all uploads waiting together; the oldest go first
LISTED = 100  # rows of a preview's tables (new events, unresolved rows, errors) shown per file

KIND_COLUMNS = [Column("kind", "Kind"), Column("count", "Events", INT)]
EVENT_COLUMNS = [
    Column("date", "Date", DATE),
    Column("kind", "Kind"),
    Column("what", "What", wide=True),
    Column("account", "Account", optional=True),
    Column("source", "Source", nowrap=True),
]
UNRESOLVED_COLUMNS = [
    Column("source", "Source", nowrap=True),
    Column("date", "Date", DATE),
    Column("amount", "Cash", MONEY),
    Column("reason", "Reason", wide=True),
]
PROBLEM_COLUMNS = [Column("where", "Where", nowrap=True), Column("message", "Problem", wide=True)]
DONE_COLUMNS = [
    Column("file", "File"),
    Column("format", "Format"),
    Column("events_added", "Added", INT),
    Column("duplicates", "Already recorded", INT),
    Column("lookalikes", "Lookalikes left out", INT),
    Column("unresolved", "Unresolved rows", INT),
    Column("import_id", "Import"),
]


# -- what an import would add (`Journal.import_preview`) -------------------------------------------------


def by_kind(preview: ImportPreview) -> list[tuple[str, int]]:
    """The events a file would add, counted by kind (most first)."""
    return sorted(Counter(e.type_name for e in preview.new).items(), key=lambda kv: (-kv[1], kv[0]))


def _problem(problem: object) -> dict[str, str]:
    """An importer's problem as a table row: its place (`file:line`, column) and what is wrong."""
    from importers import ImportProblem

    if isinstance(problem, ImportProblem):
        where = f"{problem.file}:{problem.line}" + (f" ({problem.column})" if problem.column else "")
        shown = f" (got {problem.value!r})" if problem.value not in (None, "") else ""
        return {"where": where, "message": problem.message + shown}
    return {"where": "", "message": str(problem)}


# -- the uploads waiting for their confirm ---------------------------------------------------------------


@dataclass
class Upload:
    id: str
    url: str  # the journal it was previewed against
    token: str  # the CSRF token of the session that uploaded it: only that session confirms it
    files: list[tuple[str, bytes]]
    format: str | None
    account: str | None
    confirmable: bool
    created: float = field(default_factory=time.monotonic)

    @property
    def size(self) -> int:
        return sum(len(data) for _, data in self.files)


_UPLOADS: dict[str, Upload] = {}
_LOCK = threading.Lock()


def _prune(now: float) -> None:
    for key in [k for k, u in _UPLOADS.items() if now - u.created > KEEP_SECONDS]:
        del _UPLOADS[key]
    while _UPLOADS and sum(u.size for u in _UPLOADS.values()) > KEPT_BYTES:
        del _UPLOADS[min(_UPLOADS, key=lambda k: _UPLOADS[k].created)]


def _keep(upload: Upload) -> None:
    with _LOCK:
        _UPLOADS[upload.id] = upload
        _prune(time.monotonic())


def _take(upload_id: str, url: str, token: str) -> Upload:
    """The kept upload `upload_id` of this journal and session, taken out (a confirm runs once)."""
    with _LOCK:
        _prune(time.monotonic())
        found = _UPLOADS.get(upload_id)
        if found is None or found.url != url or found.token != token:
            raise HTTPException(
                410,
                "This upload is no longer kept (it was imported already, or waited more than an hour, or "
                "tj serve was restarted): choose the files again.",
            )
        del _UPLOADS[upload_id]
        return found


def _on_disk(files: Sequence[tuple[str, bytes]]) -> tuple[Path, list[Path]]:
    """The files in a new private folder (mode 0700, `tempfile.mkdtemp`), under their own names (each
    event's source names its file)."""
    folder = Path(tempfile.mkdtemp(prefix="tj-upload-"))
    paths = []
    for name, data in files:
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return folder, paths


def _with_files(files: Sequence[tuple[str, bytes]], work: Any, *args: Any) -> Any:
    folder, paths = _on_disk(files)
    try:
        return work(paths, *args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def safe_name(filename: str | None) -> str:
    """The upload's file name without any folder (a browser sends the name only; a client may send more)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    name = "".join(ch for ch in name if ch.isprintable())
    if not name:
        raise HTTPException(400, f"a file has no usable name ({filename!r}): rename it and upload it again")
    return name[:200]


# -- pages ----------------------------------------------------------------------------------------------


def _formats() -> list[tuple[str, str]]:
    import importers

    return [("", "Recognise each file"), *((n, n) for n in importers.names())]


def import_page(site: Site, request: Request) -> Response:
    """The upload form."""
    from journal.web.common import text_param

    return site.render(
        request,
        "web/import.html.j2",
        view=View(
            "import",
            "Import",
            "Broker files into the journal: see what they add before anything is written",
        ),
        formats=_formats(),
        max_mb=security.MAX_BODY_BYTES // (1024 * 1024),
        max_files=MAX_FILES,
        chosen_format=text_param(request, "format") or "",
    )


async def _form(request: Request) -> FormData:
    """The POSTed form, its CSRF token checked before anything else is looked at."""
    form = await request.form(max_files=MAX_FILES, max_fields=20)
    try:
        security.check_csrf(request, form.get(security.CSRF_FIELD))
    except HTTPException:
        await form.close()
        raise
    return form


def _options(form: FormData) -> tuple[str | None, str | None]:
    import importers

    format = str(form.get("format") or "").strip() or None
    if format is not None and format not in importers.names():
        raise HTTPException(400, f"format: one of {', '.join(importers.names())} (got {format!r})")
    account = str(form.get("account") or "").strip() or None
    return format, account


async def import_preview(site: Site, request: Request) -> Response:
    """What the uploaded files would add; the confirm form when no file has an error."""
    form = await _form(request)
    try:
        format, account = _options(form)
        files: list[tuple[str, bytes]] = []
        for item in form.getlist("files"):
            if not isinstance(item, UploadFile) or not item.filename:
                continue
            name = safe_name(item.filename)
            if any(name == other for other, _ in files):
                raise HTTPException(400, f"two files are named {name}: rename one (events name their file)")
            files.append((name, await item.read()))
    finally:
        await form.close()
    if not files:
        raise HTTPException(400, "choose one or more files to import")
    previews: list[ImportPreview] = await site.call(
        _with_files, files, lambda paths: site.journal.import_preview(paths, format, account)
    )
    confirmable = not any(p.errors for p in previews)
    upload = Upload(
        token_urlsafe(24), site.url, security.csrf_token(request), files, format, account, confirmable
    )
    if confirmable:
        _keep(upload)
    return await site.call(_preview_page, site, request, previews, upload)


def _event_row(ev: Event) -> dict[str, Any]:
    from journal.records import describe

    return {
        "date": ev.time.date(),
        "kind": ev.type_name,
        "what": describe(ev),
        "account": ev.account,
        "source": str(ev.source) if ev.source else "",
    }


def _unresolved_row(ev: Event) -> dict[str, Any]:
    return {
        "source": str(ev.source) if ev.source else "",
        "date": ev.time.date(),
        "amount": getattr(ev, "amount", None),
        "reason": getattr(ev, "reason", ""),
    }


def _preview_page(site: Site, request: Request, previews: list[ImportPreview], upload: Upload) -> Response:
    files = []
    for p in previews:
        files.append(
            {
                "preview": p,
                "kinds": Table(
                    KIND_COLUMNS, [{"kind": k, "count": n} for k, n in by_kind(p)], empty="Nothing new."
                ),
                "new": Table(EVENT_COLUMNS, [_event_row(e) for e in p.new[:LISTED]]),
                "unresolved": Table(UNRESOLVED_COLUMNS, [_unresolved_row(e) for e in p.unresolved[:LISTED]]),
                "errors": Table(PROBLEM_COLUMNS, [_problem(e) for e in p.errors[:LISTED]]),
            }
        )
    new = sum(len(p.new) for p in previews)
    cards = [
        Card("Files", str(len(previews)), INT, tone=""),
        Card("New events", str(new), INT, tone=""),
        Card("Already recorded", str(sum(p.duplicates for p in previews)), INT, tone=""),
        Card(
            "Unresolved rows",
            str(sum(len(p.unresolved) for p in previews)),
            INT,
            tone="neg" if any(p.unresolved for p in previews) else "",
        ),
        Card(
            "Errors",
            str(sum(len(p.errors) for p in previews)),
            INT,
            tone="neg" if not upload.confirmable else "",
        ),
    ]
    # A preview that found errors is still the page asked for (200): what refuses is the confirm, absent.
    return site.render(
        request,
        "web/import_preview.html.j2",
        view=View("import", "Import: preview", "Nothing is written until you confirm"),
        cards=cards,
        files=files,
        upload=upload,
        new=new,
        listed=LISTED,
    )


async def import_confirm(site: Site, request: Request) -> Response:
    """The kept upload imported by `Journal.import_files`, as `tj import` does it (all or nothing)."""
    form = await _form(request)
    upload_id = str(form.get("upload") or "")
    await form.close()
    upload = _take(upload_id, site.url, security.csrf_token(request))
    if not upload.confirmable:  # never kept; said for clarity should that change
        raise HTTPException(422, "a file of this upload has errors: nothing was imported")
    try:
        done: list[FileImport] = await site.call(_with_files, upload.files, _import, site, upload)
    except _Refused as refused:
        return await site.call(_refused_page, site, request, refused.problems)
    if any(d.events_added or d.restored for d in done):
        site.warm()  # the pages' kept answers are gone with the write: read the first ones again
    return await site.call(_done_page, site, request, done)


class _Refused(Exception):
    def __init__(self, problems: list[dict[str, str]]) -> None:
        self.problems = problems


def _import(paths: list[Path], site: Site, upload: Upload) -> list[FileImport]:
    from journal.api import ImportFailed

    try:
        return site.journal.import_files(paths, upload.format, upload.account)
    except ImportFailed as failed:  # the journal changed since the preview (a resolution's event voided)
        raise _Refused([_problem(p) for p in failed.problems]) from None


def _refused_page(site: Site, request: Request, problems: list[dict[str, str]]) -> Response:
    return site.render(
        request,
        "web/import_done.html.j2",
        422,
        view=View("import", "Import refused", "Nothing was written"),
        done=Table(DONE_COLUMNS, []),
        problems=Table(PROBLEM_COLUMNS, problems),
        added=0,
        warnings=[],
    )


def _done_page(site: Site, request: Request, done: list[FileImport]) -> Response:
    rows = [
        {
            "file": d.file,
            "format": d.format,
            "events_added": d.events_added,
            "duplicates": d.duplicates,
            "lookalikes": len(d.lookalikes),
            "unresolved": d.unresolved,
            "import_id": "" if d.import_id is None else str(d.import_id),
            "_href": "/events?" + urlencode({"file": d.file}) if d.events_added else None,
        }
        for d in done
    ]
    added = sum(d.events_added for d in done)
    return site.render(
        request,
        "web/import_done.html.j2",
        view=View("import", "Imported", f"{added:,} events added"),
        cards=[
            Card("Events added", str(added), INT, tone=""),
            Card("Already recorded", str(sum(d.duplicates for d in done)), INT, tone=""),
        ],
        done=Table(DONE_COLUMNS, rows, links={"file": "_href"}),
        problems=Table(PROBLEM_COLUMNS, []),
        added=added,
        warnings=[w for d in done for w in d.warnings],
    )


ROUTES: list[RouteSpec] = [
    ("/import", import_page, "import", ["GET"]),
    ("/import/preview", import_preview, "import_preview", ["POST"]),
    ("/import/confirm", import_confirm, "import_confirm", ["POST"]),
]
NAVIGATION: list[tuple[str, str]] = [("import", "Import")]  # (route name, label), after the pages' own
