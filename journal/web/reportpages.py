"""The reports in `tj serve`: the monthly income statement, the weekly review and the year-end summary as
pages (the reports' own views, charts and tables), and their downloads exactly as `tj report` writes
them: JSON, CSV, HTML, Markdown, and for a year the Form 8949 CSV and the TXF."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from journal.reports.views import Column, View
from journal.web.common import PER_PAGE, Table, income_target, text_param
from journal.web.listings import account_filter, account_param, download, last_day, text_filter

if TYPE_CHECKING:
    from journal.reports.form8949 import Form8949Line
    from journal.reports.views import Section
    from journal.web.app import Site
    from journal.web.pages import RouteSpec

FORMATS = ("json", "csv", "html", "md")


def _target(request: Request) -> Decimal | None:
    """`?target=` (like `tj report --target`), else the configured income target."""
    given = text_param(request, "target")
    if given is None:
        return income_target()
    try:
        value = Decimal(given.replace(",", ""))
    except InvalidOperation:
        raise HTTPException(400, f"target: not a number (got {given!r})") from None
    if not value.is_finite() or value < 0:
        raise HTTPException(400, f"target: a number of dollars, 0 or more (got {given!r})")
    return value


def _name(request: Request) -> tuple[str, str | None]:
    """A report's path name: the period, and the download's format after a dot (None: the page)."""
    name = request.path_params["name"]
    period, dot, fmt = name.partition(".")
    if dot and fmt not in (*FORMATS, "txf"):
        raise HTTPException(404, f"no {fmt!r} download (json, csv, html, md)")
    return period, fmt if dot else None


def _listed(fmt: str | None) -> int | None:
    """How many rows of a long list the report reads: every one for JSON (as `tj report`), none for the
    CSV of headline figures, a page's worth for a document, PER_PAGE for the web page."""
    from journal.reports.views import LIST_LIMIT

    return {"json": None, "csv": 0, "html": LIST_LIMIT, "md": LIST_LIMIT, None: PER_PAGE}[fmt]


def _marked(site: Site, data: dict[str, Any], end: date | None, account: str | None) -> dict[str, Any]:
    """The report's data with the gaps that touch it, as `tj report` marks them (`cli._emit_report`)."""
    from journal import gaps

    return gaps.mark(data, gaps.touching(site.journal.incomplete(account), None, end))


def _page(
    site: Site, request: Request, kind: str, data: dict[str, Any], downloads: list[tuple[str, str]]
) -> Response:
    """A report as a page of the site: its view with every table cut to PER_PAGE rows (the downloads hold
    them all)."""
    from journal.reports.render import view_of

    view = view_of(kind, data)
    view.notice = data.get("incomplete_notice")
    view.subtitle += f" \u00b7 amounts in {data.get('currency') or 'USD'}"  # as every report says it
    for section in view.sections:
        _cut(section)
    return site.render(
        request,
        "web/page.html.j2",
        view=view,
        data=data,
        cards=view.cards,
        downloads=downloads,
        filters=[account_filter(site, request), text_filter(request, "target", "Monthly target", size=8)]
        if kind != "year"
        else [account_filter(site, request)],
    )


def _cut(section: Section) -> None:
    if len(section.rows) > PER_PAGE:
        section.count = section.count if section.count is not None else len(section.rows)
        section.rows = section.rows[:PER_PAGE]
    section.all_rows_in = "the JSON download"


def _downloads(base: str, request: Request, extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    query = request.url.query
    suffix = f"?{query}" if query else ""
    return [
        *((f"{base}.{fmt}{suffix}", fmt.upper() if fmt != "md" else "Markdown") for fmt in FORMATS),
        *extra,
    ]


def _rendered(kind: str, data: dict[str, Any], fmt: str, filename: str) -> Response:
    from journal.reports.render import render

    return download(render(kind, data, fmt), filename)


def monthly_data(
    site: Site, month: str, end: date, account: str | None, target: Decimal | None, fmt: str | None
) -> dict[str, Any]:
    """`tj report monthly YYYY-MM`'s data for the page (`fmt` None) or a download, with its gaps, kept."""
    from journal.reports.monthly import monthly_report

    return site.memo(
        ("monthly", month, account, target, fmt),
        lambda: _marked(
            site, monthly_report(site.journal, month, account, target, listed=_listed(fmt)), end, account
        ),
    )


def monthly(site: Site, request: Request) -> Response:
    """`tj report monthly YYYY-MM`: the page, or `YYYY-MM.json|csv|html|md` as the command writes it."""
    from journal.periods import month_bounds

    month, fmt = _name(request)
    try:
        end = month_bounds(month)[1]
    except ValueError as exc:
        raise HTTPException(404, str(exc)) from None
    if fmt == "txf":
        raise HTTPException(404, "a TXF is a year's (/reports/year/YYYY.txf)")
    data = monthly_data(site, month, end, account_param(site, request), _target(request), fmt)
    if fmt is not None:
        return _rendered("monthly", dict(data), fmt, f"monthly-{month}.{fmt}")
    return _page(site, request, "monthly", data, _downloads(f"/reports/monthly/{month}", request))


def weekly_data(site: Site, day: date, account: str | None, target: Decimal | None) -> dict[str, Any]:
    """`tj report weekly --as-of DAY`'s data with its gaps, kept: the home page of that day shows it too."""
    from journal.reports.weekly import weekly_report

    return site.memo(
        ("weekly", day, account, target),
        lambda: _marked(site, weekly_report(site.journal, day, account, target), day, account),
    )


def weekly(site: Site, request: Request) -> Response:
    """`tj report weekly --as-of DAY`: the seven days ending on DAY."""
    day_text, fmt = _name(request)
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise HTTPException(404, f"not a day, write YYYY-MM-DD (got {day_text!r})") from None
    if fmt == "txf":
        raise HTTPException(404, "a TXF is a year's (/reports/year/YYYY.txf)")
    data = weekly_data(site, day, account_param(site, request), _target(request))
    if fmt is not None:
        return _rendered("weekly", dict(data), fmt, f"weekly-{day.isoformat()}.{fmt}")
    return _page(site, request, "weekly", data, _downloads(f"/reports/weekly/{day.isoformat()}", request))


def _year(request: Request, text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise HTTPException(404, f"not a year, write YYYY (got {text!r})")
    return int(text)


def _year_data(
    site: Site, year: int, account: str | None, listed: int | None
) -> tuple[dict[str, Any], list[Any]]:
    from journal.reports.year import year_report_and_lines

    def build() -> tuple[dict[str, Any], list[Any]]:
        data, lines = year_report_and_lines(site.journal, year, account, listed)
        return _marked(site, data, date(year, 12, 31), account), lines

    return site.memo(("year", year, account, listed), build)


def year(site: Site, request: Request) -> Response:
    """`tj report year YYYY`: the page, `YYYY.json|csv|html|md`, and `YYYY.txf` (`--txf`)."""
    from journal.reports.txf import txf

    year_text, fmt = _name(request)
    number, account = _year(request, year_text), account_param(site, request)
    if fmt == "txf":
        return download(txf(_lines(site, number, account), date.today()), f"{number}.txf")
    data, _ = _year_data(site, number, account, _listed(fmt))
    if fmt is not None:
        return _rendered("year", dict(data), fmt, f"year-{number}.{fmt}")
    base = f"/reports/year/{number}"
    query = f"?{request.url.query}" if request.url.query else ""
    extra = [(f"{base}/form8949.csv{query}", "Form 8949 CSV"), (f"{base}.txf{query}", "TXF")]
    return _page(site, request, "year", data, _downloads(base, request, extra))


def form8949(site: Site, request: Request) -> Response:
    """`tj report year YYYY --form8949 FILE`: every Form 8949 line of the year as CSV."""
    from journal.reports.form8949 import form_8949_csv

    number, account = _year(request, request.path_params["year"]), account_param(site, request)
    return download(form_8949_csv(_lines(site, number, account)), f"form8949-{number}.csv")


def _lines(site: Site, year: int, account: str | None) -> list[Form8949Line]:
    """Every Form 8949 line of the year, for the CSV and TXF downloads: the lines alone, not the year
    report listing them all as well (a fifth of the download's time at 10^6 events, 20,827 lines)."""
    from journal.reports.year import form_8949_for_year

    return site.memo(("8949-lines", year, account), lambda: form_8949_for_year(site.journal, year, account))


REPORT_INDEX = [Column("period", "Period"), Column("what", "Report")]


def reports(site: Site, request: Request) -> Response:
    """Every report: pick a month, a week or a year (a GET form that lands on the report's own URL), or one
    of the months and years the journal's files reach."""
    kind = text_param(request, "kind")
    if kind is not None:  # the form's answer: go to the report's bookmarkable URL
        return _go(request, kind)
    last = last_day(site)
    months = []
    first = last.replace(day=1)
    for _ in range(12):
        months.append(first.strftime("%Y-%m"))
        first = (first - timedelta(days=1)).replace(day=1)
    rows = [
        {"period": m, "what": "Monthly income statement", "_href": f"/reports/monthly/{m}"} for m in months
    ]
    rows += [
        {"period": str(y), "what": "Year-end summary, Form 8949, TXF", "_href": f"/reports/year/{y}"}
        for y in range(last.year, last.year - 3, -1)
    ]
    rows.insert(
        0,
        {
            "period": f"week to {last.isoformat()}",
            "what": "Weekly review",
            "_href": f"/reports/weekly/{last.isoformat()}",
        },
    )
    view = View("reports", "Reports", f"The journal's files reach {last.isoformat()}")
    return site.render(
        request,
        "web/reports.html.j2",
        view=view,
        last=last,
        tables=[("Recent", Table(REPORT_INDEX, rows, links={"period": "_href"}))],
    )


def _go(request: Request, kind: str) -> Response:
    value = text_param(request, kind) or ""
    account = text_param(request, "account")
    suffix = f"?account={account}" if account else ""
    if kind == "monthly" and len(value) == 7:
        return RedirectResponse(f"/reports/monthly/{value}{suffix}", 303)
    if kind == "weekly" and len(value) == 10:
        return RedirectResponse(f"/reports/weekly/{value}{suffix}", 303)
    if kind == "year" and len(value) == 4:
        return RedirectResponse(f"/reports/year/{value}{suffix}", 303)
    raise HTTPException(400, f"{kind}: pick a period (got {value!r})")


ROUTES: list[RouteSpec] = [
    ("/reports", reports, "reports", ["GET"]),
    ("/reports/monthly/{name}", monthly, "report_monthly", ["GET"]),
    ("/reports/weekly/{name}", weekly, "report_weekly", ["GET"]),
    ("/reports/year/{year}/form8949.csv", form8949, "report_form8949", ["GET"]),
    ("/reports/year/{name}", year, "report_year", ["GET"]),
]
