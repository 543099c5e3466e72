"""What the pages share: query parameters read strictly (a bad one is a 400 naming it), links that keep a
page's filters, server-side pagination, and tables whose cells may link to another page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request

from journal.reports.views import Column

if TYPE_CHECKING:
    from journal.api import Journal

T = TypeVar("T")

# No page lists more rows than this: the rest are on the next pages (`?page=N`).
PER_PAGE = 100


def query_with(request: Request, **changes: Any) -> str:
    """The request's query string with some parameters changed (None or "" drops one): a pagination or sort
    link keeps the page's filters."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else request.url.path


def text_param(request: Request, name: str) -> str | None:
    """A query parameter, stripped; None when absent or empty."""
    value = (request.query_params.get(name) or "").strip()
    return value or None


def day_param(request: Request, name: str) -> date | None:
    """A `YYYY-MM-DD` query parameter, or None; anything else is a 400 naming it."""
    value = text_param(request, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: not a date, write YYYY-MM-DD (got {value!r})") from None


def int_param(request: Request, name: str, low: int = 1, high: int = 10**9) -> int | None:
    value = text_param(request, name)
    if value is None:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise HTTPException(400, f"{name}: a whole number from {low} to {high} (got {value!r})")
    return int(value)


def choice_param(request: Request, name: str, choices: Iterable[str]) -> str | None:
    value = text_param(request, name)
    allowed = list(choices)
    if value is not None and value not in allowed:
        raise HTTPException(400, f"{name}: one of {', '.join(allowed)} (got {value!r})")
    return value


def income_target() -> Decimal | None:
    """The configured monthly income target (`tj config set income_target`), None when unset or unreadable."""
    from journal import config

    try:
        return config.income_target()
    except config.ConfigError:
        return None


def event_href(key: str) -> str:
    """An event's page: its natural key in the path (stable across rebuilds, unlike nothing else)."""
    return "/events/" + quote(key, safe=":")


def cycle_href(cycle_id: str) -> str:
    return "/cycles/" + quote(cycle_id, safe="")


@dataclass
class Pager:
    """Where a page is in a listing: page `page` of `pages`, `total` rows in all."""

    page: int
    pages: int
    total: int
    first_row: int  # 1-based number of the page's first row (0 when there is none)
    last_row: int
    prev_href: str | None
    next_href: str | None


def paginate(request: Request, items: Sequence[T], per_page: int = PER_PAGE) -> tuple[list[T], Pager]:
    """The rows of `?page=N` (default 1) and the pager that links the pages around it."""
    return page_of(request, len(items), lambda start, stop: list(items[start:stop]), per_page)


def page_of(
    request: Request, total: int, rows: Callable[[int, int], list[T]], per_page: int = PER_PAGE
) -> tuple[list[T], Pager]:
    """`rows(start, stop)` of `?page=N` out of `total` (for a listing the database pages itself)."""
    pages = max(1, -(-total // per_page))
    page = int_param(request, "page") or 1
    if page > pages:
        raise HTTPException(404, f"page {page}: there are {pages} pages of {total} rows")
    start = (page - 1) * per_page
    stop = min(start + per_page, total)
    return rows(start, stop), Pager(
        page,
        pages,
        total,
        start + 1 if total else 0,
        stop,
        query_with(request, page=page - 1 if page > 2 else None) if page > 1 else None,
        query_with(request, page=page + 1) if page < pages else None,
    )


@dataclass
class Table:
    """A table of a page: columns as the reports' (`journal.reports.views.Column`), rows as records, and
    for some columns the row field holding a link (`links`: column key -> row field)."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    pager: Pager | None = None
    links: dict[str, str] = field(default_factory=dict)
    empty: str = "None."
    sortable: Sequence[str] = ()  # column keys a header click sorts by (`?sort=KEY&dir=asc|desc`)
    sort: str | None = None
    descending: bool = False
    total: dict[str, Any] | None = None  # a footer row

    def sort_href(self, request: Request, key: str) -> str:
        descending = not self.descending if key == self.sort else False
        return query_with(request, sort=key, dir="desc" if descending else "asc", page=None)


def notice_of(journal: Journal, underlyings: Iterable[str] | None, until: date | None) -> str | None:
    """The line a page says first when unresolved rows may change its figures (as `tj` says it on stderr)."""
    from journal import gaps

    return gaps.notice(gaps.touching(journal.incomplete(), underlyings, until))
