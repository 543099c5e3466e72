"""The pages of `tj serve`: each a handler `(site, request) -> response` at a stable URL, its figures read
from `journal.api.Journal` and the reports (`journal.reports.*`), rendered by the templates of
templates/web/ (which extend the reports' layout, so a page looks like the report it shows).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from journal.web.app import Handler, Site

# (path, handler, route name, methods): the app's routing table (`journal.web.app.create_app`).
RouteSpec = tuple[str, "Handler", str, Sequence[str]]

# The navigation bar: (route name, label), in the order a trader's week goes.
NAVIGATION: list[tuple[str, str]] = [
    ("home", "Home"),
]


def query_with(request: Request, **changes: Any) -> str:
    """The request's query string with some parameters changed (None drops one): a pagination or sort link
    keeps the page's filters."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def day_param(request: Request, name: str) -> date | None:
    """A `YYYY-MM-DD` query parameter, or None; anything else is a 400 naming it."""
    value = request.query_params.get(name) or None
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: not a date, write YYYY-MM-DD (got {value!r})") from None


def income_target() -> Decimal | None:
    """The configured monthly income target (`tj config set income_target`), None when unset or unreadable."""
    from journal import config

    try:
        return config.income_target()
    except config.ConfigError:
        return None


def home(site: Site, request: Request) -> Response:
    """This month's income against the target and the last twelve months."""
    from journal.reports.monthly import monthly_report
    from journal.reports.views import monthly_view

    today = day_param(request, "as_of") or date.today()
    month = today.strftime("%Y-%m")
    data = monthly_report(site.journal, month, target=income_target(), today=today, listed=0)
    view = monthly_view(data)
    view.title, view.kind = "Home", "home"
    view.subtitle = f"{view.subtitle} \u00b7 as of {today.isoformat()}"
    return site.render(request, "web/home.html.j2", view=view, data=data, today=today)


ROUTES: list[RouteSpec] = [
    ("/", home, "home", ["GET"]),
]
