"""The listings of `tj serve`: cycles and a cycle's story, rolls, positions, lots, realized rows and wash
sales, each the records `tj <command> --format json` prints (`journal.records`), filtered by query
parameters and paginated on the server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from journal.reports.views import CYCLE_TIMELINE, DATE, INT, MONEY, PRICE, Card, Column, View
from journal.web.common import (
    PER_PAGE,
    Table,
    choice_param,
    cycle_href,
    day_param,
    event_href,
    int_param,
    notice_of,
    page_of,
    paginate,
    text_param,
)

if TYPE_CHECKING:
    from markupsafe import Markup

    from journal.api import Journal
    from journal.projections.cycles import Cycle
    from journal.projections.lots import Lot
    from journal.projections.positions import Position
    from journal.projections.wash_sales import WashSale
    from journal.web.app import Site
    from journal.web.pages import RouteSpec

TERMS = ("short", "long", "1256")
BOXES = ("A", "B", "C", "D", "E", "F")


# -- filters shared by the listings ----------------------------------------------------------------------


def accounts(site: Site) -> list[str]:
    return site.memo(("accounts",), site.journal.accounts)


def last_day(site: Site) -> date:
    """The last day any account's files reach (today for an empty journal): a listing's default period."""
    horizons = site.memo(("horizons",), site.journal.store.horizons)
    return max(horizons.values(), default=date.today())


def account_param(site: Site, request: Request) -> str | None:
    return choice_param(request, "account", accounts(site))


def account_filter(site: Site, request: Request) -> dict[str, Any]:
    options = [("", "All accounts"), *((a, a) for a in accounts(site))]
    return {
        "name": "account",
        "label": "Account",
        "type": "select",
        "value": text_param(request, "account"),
        "options": options,
    }


def select_filter(
    request: Request, name: str, label: str, choices: Any, every: str = "Any"
) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "select",
        "value": text_param(request, name),
        "options": [("", every), *((c, c) for c in choices)],
    }


def text_filter(request: Request, name: str, label: str, kind: str = "text", **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "type": kind, "value": text_param(request, name), **extra}


def symbol_param(request: Request, name: str = "underlying") -> str | None:
    value = text_param(request, name)
    return value.upper() if value else None


def lot_key(lot_id: str) -> str:
    """The natural key of the event that opened a lot: its id is that key, `/N` added to a part split off."""
    head, _, tail = lot_id.rpartition("/")
    return head if head and tail.isdigit() else lot_id


# -- what the listings read, kept per state of the journal (`Site.memo`) ----------------------------------


def cycles_of(
    site: Site, account: str | None = None, underlying: str | None = None, status: str | None = None
) -> list[Cycle]:
    return site.journal.cycles(account, underlying, status)  # kept: `journal.web.kept`


def rolls_of(site: Site, account: str | None = None) -> list[dict[str, Any]]:
    return site.memo(("rolls", account), lambda: site.journal.rolls(account))


def positions_of(site: Site, as_of: date | None = None, account: str | None = None) -> list[Position]:
    return site.memo(("positions", as_of, account), lambda: site.journal.positions(as_of, account))


def lots_of(site: Site, as_of: date | None = None, account: str | None = None) -> list[Lot]:
    return site.journal.lots(as_of, account)  # kept: `journal.web.kept`


def washes_of(site: Site, year: int | None = None, account: str | None = None) -> list[WashSale]:
    return site.memo(("washes", year, account), lambda: site.journal.washes(year, account))


def realized_records(site: Site, year: int | None, account: str | None) -> list[dict[str, Any]]:
    """`tj realized --year --format json`'s records, each with the links to the events that opened and
    closed its lot."""
    from journal.records import realized_record
    from journal.tax import DEFAULT_POLICY

    def records() -> list[dict[str, Any]]:
        policies = site.journal.policies()
        return [
            {
                **realized_record(r, policies.get(r.account, DEFAULT_POLICY)),
                "_open": event_href(lot_key(r.opened_by)) if r.opened_by else None,
                "_close": event_href(r.closed_by) if r.closed_by else None,
            }
            for r in site.journal.realized(year, account)
        ]

    return site.memo(("realized", year, account), records)


# -- cycles ---------------------------------------------------------------------------------------------

CYCLE_LIST = [
    Column("id", "Cycle", nowrap=True),
    Column("account", "Account", optional=True),
    Column("underlying", "Underlying"),
    Column("opened", "Opened", DATE),
    Column("closed", "Closed", DATE),
    Column("status", "Status"),
    Column("net_premium", "Net premium", MONEY),
    Column("fees", "Fees", MONEY, optional=True),
    Column("dividends", "Dividends", MONEY, optional=True),
    Column("shares", "Shares", INT, optional=True),
    Column("net_cash", "Net cash", MONEY),
    Column("break_even", "Break-even", PRICE),
]


def _wheel_filters(site: Site, request: Request) -> list[dict[str, Any]]:
    """The cycles and roll chains pages' filters: status, underlying, account."""
    return [
        select_filter(request, "status", "Status", ("open", "closed")),
        text_filter(request, "underlying", "Underlying", size=8),
        account_filter(site, request),
    ]


def cycles(site: Site, request: Request) -> Response:
    """`tj cycles`: filter by status, underlying and account; each cycle links to its story."""
    from journal.records import cycle_record

    status = choice_param(request, "status", ("open", "closed"))
    underlying, account = symbol_param(request), account_param(site, request)
    found = cycles_of(site, account, underlying, status)
    shown, pager = paginate(request, found)
    rows = [{**cycle_record(c), "_href": cycle_href(c.id)} for c in shown]
    view = View("cycles", "Wheel cycles", _scope(account, underlying))
    return site.render(
        request,
        "web/page.html.j2",
        view=view,
        data={"incomplete_notice": notice_of(site.journal, _symbols(underlying), None)},
        filters=_wheel_filters(site, request),
        tables=[("", Table(CYCLE_LIST, rows, pager, links={"id": "_href"}, empty="No cycle."))],
    )


# The cycle report's timeline, its source column (each line's link to its event) kept on a phone too.
TIMELINE = [replace(c, optional=False) if c.key == "source" else c for c in CYCLE_TIMELINE]


class _Fetched:
    """Hands `cycle_report` the cycle already folded (with its events' keys, which the page links by)."""

    def __init__(self, cycle: Cycle) -> None:
        self._cycle = cycle

    def cycle(self, cycle_id: str) -> Cycle:
        return self._cycle


def cycle_story(journal: Journal, cycle_id: str) -> tuple[dict[str, Any], list[str]] | None:
    """`tj report cycle ID --format json`'s data (with its gaps, as the CLI marks them) and the natural key
    of each line of its timeline; None when no cycle has that id."""
    from journal import gaps
    from journal.reports.cycle import cycle_report

    cycle = journal.cycle(cycle_id)
    if cycle is None:
        return None
    data = cycle_report(cast("Journal", _Fetched(cycle)), cycle_id)
    gaps.mark(data, gaps.touching(journal.incomplete(), [data["underlying"]], None))
    return data, [step.event.key for step in cycle.steps]


def _story(site: Site, request: Request) -> tuple[dict[str, Any], list[str]]:
    cycle_id = request.path_params["cycle_id"]
    found = site.memo(("cycle", cycle_id.upper()), lambda: cycle_story(site.journal, cycle_id))
    if found is None:
        raise HTTPException(404, f"no cycle {cycle_id!r} (see the cycles page)")
    return found


def cycle_page(site: Site, request: Request) -> Response:
    """A wheel's story (`tj report cycle ID`): its figures, break-even against the strikes sold, and its
    timeline, each line linked to its event and the file:line it came from."""
    data, keys = _story(site, request)
    view, timeline, strikes, drawn = site.memo(("cycle-view", data["id"]), lambda: _story_view(data, keys))
    shown, pager = paginate(request, timeline)
    base = cycle_href(data["id"])
    return site.render(
        request,
        "web/page.html.j2",
        view=view,
        data=data,
        cards=view.cards,
        drawn=drawn,
        tables=[
            ("Timeline", Table(TIMELINE, shown, pager, links={"what": "_href", "source": "_href"})),
            ("Options sold", strikes),
        ],
        downloads=[(f"{base}/report.{fmt}", label) for fmt, label in REPORT_FORMATS],
    )


def _story_view(
    data: dict[str, Any], keys: list[str]
) -> tuple[View, list[dict[str, Any]], Table, list[Markup]]:
    """The cycle report's view, its timeline with each line's link, the options sold (the first PER_PAGE,
    the total of all), and its chart drawn once (a long wheel's has thousands of marks)."""
    from journal.reports.render import environment
    from journal.reports.views import cycle_view

    marks = len(data["strikes"]) + len(data["share_trades"])
    last = date.fromisoformat(data["timeline"][-1]["date"]) if data["timeline"] else None
    # A wheel of years has thousands of strikes: its chart draws the last year (the downloads, all of it).
    view = cycle_view(data, last - timedelta(days=365) if last and marks > CHART_MARKS else None)
    timeline = [
        {**row, "_href": event_href(key), "_id": f"step-{i + 1}"}
        for i, (row, key) in enumerate(zip(data["timeline"], keys, strict=True))
    ]
    sold = next(s for s in view.sections if s.id == "strikes")
    if len(sold.rows) > PER_PAGE:  # the total counts them all; the JSON download lists them all
        view.notes.append(f"{len(sold.rows) - PER_PAGE:,} more options sold than listed here: see the JSON.")
    view.sections = []
    chart = environment().get_template("_macros.html.j2").module.chart  # type: ignore[attr-defined]
    drawn = [chart(c) for c in view.charts]
    return (
        view,
        timeline,
        Table(sold.columns, sold.rows[:PER_PAGE], total=sold.total, empty=sold.empty),
        drawn,
    )


REPORT_FORMATS = [("html", "HTML"), ("md", "Markdown"), ("json", "JSON")]
CHART_MARKS = 600  # strikes and share trades a cycle's chart draws whole; beyond, its last year


def cycle_download(site: Site, request: Request) -> Response:
    """The cycle report as `tj report cycle ID --format html|md|json` writes it."""
    from journal.reports.render import render

    fmt = request.path_params["fmt"]
    if fmt not in dict(REPORT_FORMATS):
        raise HTTPException(404, f"no {fmt!r} download (html, md, json)")
    data, _ = _story(site, request)
    return download(render("cycle", dict(data), fmt), f"cycle-{data['id']}.{fmt}")


def download(text: str, filename: str) -> Response:
    media = {
        "json": "application/json",
        "csv": "text/csv",
        "html": "text/html",
        "md": "text/markdown",
        "txf": "text/plain",
    }[filename.rpartition(".")[2]]
    return Response(
        text.encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# -- rolls ----------------------------------------------------------------------------------------------

ROLL_LIST = [
    Column("opened", "Opened", DATE),
    Column("account", "Account", optional=True),
    Column("underlying", "Underlying"),
    Column("right", "Right"),
    Column("status", "Status"),
    Column("rolls", "Rolls", INT),
    Column("net_credit", "Net credit", MONEY),
    Column("closed", "Closed", DATE, optional=True),
    Column("legs", "Legs", wide=True),
]


def rolls(site: Site, request: Request) -> Response:
    """`tj rolls`: roll chains with every leg, filtered by account, underlying and status."""
    account, underlying = account_param(site, request), symbol_param(request)
    status = choice_param(request, "status", ("open", "closed"))
    found = [
        r
        for r in rolls_of(site, account)
        if (underlying is None or r["underlying"] == underlying) and (status is None or r["status"] == status)
    ]
    shown, pager = paginate(request, found)
    rows = [
        {
            **record,
            "legs": " \u2192 ".join(
                f"{' '.join(leg['instrument'].split())} {leg['outcome']}" for leg in record["legs"]
            ),
            "_href": f"/cycles?underlying={record['underlying']}&account={record['account']}",
        }
        for record in shown
    ]
    return site.render(
        request,
        "web/page.html.j2",
        view=View("rolls", "Roll chains", _scope(account, underlying)),
        data={"incomplete_notice": notice_of(site.journal, _symbols(underlying), None)},
        filters=_wheel_filters(site, request),
        tables=[("", Table(ROLL_LIST, rows, pager, links={"underlying": "_href"}, empty="No roll chain."))],
    )


# -- positions and lots ----------------------------------------------------------------------------------

POSITION_LIST = [
    Column("account", "Account", optional=True),
    Column("underlying", "Underlying"),
    Column("strategy", "Strategy"),
    Column("legs", "Legs", wide=True),
    Column("opened", "Opened", DATE, optional=True),
    Column("expiry", "Expiry", DATE),
    Column("days_to_expiry", "DTE", INT),
    Column("credit", "Credit", MONEY, optional=True),
    Column("collateral", "Collateral", MONEY, optional=True),
    Column("max_loss", "Max loss", MONEY, optional=True),
    Column("break_even", "Break-even", nowrap=True, optional=True),
    Column("capital_at_risk", "Capital at risk", MONEY),
]


def _holdings_scope(site: Site, request: Request) -> tuple[date | None, str | None, str | None]:
    """What the positions and lots pages hold: as of a day, of an account, of an underlying."""
    return day_param(request, "as_of"), account_param(site, request), symbol_param(request)


def _holdings_filters(site: Site, request: Request) -> list[dict[str, Any]]:
    """The positions and lots pages' filters: `_holdings_scope`'s, as a form."""
    return [
        text_filter(request, "as_of", "As of", "date"),
        text_filter(request, "underlying", "Underlying", size=8),
        account_filter(site, request),
    ]


def positions(site: Site, request: Request) -> Response:
    """`tj positions [--as-of]`: open positions by strategy, as of a day (default: everything recorded)."""
    from journal.records import position_record
    from journal.reports.capital import total_at_risk

    as_of, account, underlying = _holdings_scope(site, request)
    found = [
        p for p in positions_of(site, as_of, account) if underlying is None or p.underlying == underlying
    ]
    shown, pager = paginate(request, found)
    today = as_of or date.today()
    rows = [
        {**position_record(p, today), "_href": f"/lots?underlying={p.underlying}&account={p.account}"}
        for p in shown
    ]
    return site.render(
        request,
        "web/page.html.j2",
        view=View("positions", "Open positions", f"{_scope(account)} \u00b7 {_when(as_of)}"),
        data={"incomplete_notice": notice_of(site.journal, _symbols(underlying), as_of)},
        filters=_holdings_filters(site, request),
        cards=[
            Card("Positions", str(len(found)), INT, tone=""),
            Card("Capital at risk", _cents(total_at_risk(found)), tone="", note="of the positions listed"),
        ],
        tables=[
            ("", Table(POSITION_LIST, rows, pager, links={"underlying": "_href"}, empty="No open position."))
        ],
    )


LOT_LIST = [
    Column("account", "Account", optional=True),
    Column("instrument", "Instrument", nowrap=True),
    Column("underlying", "Underlying", optional=True),
    Column("quantity", "Quantity", INT),
    Column("opened", "Opened", DATE),
    Column("cost_basis", "Cost basis", MONEY),
    Column("basis_per_unit", "Per unit", PRICE),
]


def lots(site: Site, request: Request) -> Response:
    """`tj lots [--as-of]`: open tax lots, each linked to the event that opened it."""
    from journal.records import lot_record

    as_of, account, underlying = _holdings_scope(site, request)
    found = [
        lot
        for lot in lots_of(site, as_of, account)
        if underlying is None or lot.instrument.underlying == underlying
    ]
    shown, pager = paginate(request, found)
    rows = [{**lot_record(lot), "_href": event_href(lot_key(lot.lot_id))} for lot in shown]
    return site.render(
        request,
        "web/page.html.j2",
        view=View("lots", "Open tax lots", f"{_scope(account)} \u00b7 {_when(as_of)}"),
        data={"incomplete_notice": notice_of(site.journal, _symbols(underlying), as_of)},
        filters=_holdings_filters(site, request),
        tables=[("", Table(LOT_LIST, rows, pager, links={"opened": "_href"}, empty="No open lot."))],
    )


# -- realized and wash sales -----------------------------------------------------------------------------

REALIZED_LIST = [
    Column("account", "Account", optional=True),
    Column("instrument", "Instrument", nowrap=True),
    Column("quantity", "Qty", INT, optional=True),
    Column("opened", "Opened", DATE),
    Column("closed", "Closed", DATE),
    Column("proceeds", "Proceeds", MONEY),
    Column("cost_basis", "Cost", MONEY),
    Column("adjustment", "Adjustment", MONEY, optional=True),
    Column("gain", "Gain", MONEY),
    Column("term", "Term"),
    Column("box", "Box", optional=True),
    Column("codes", "Code", optional=True),
]
NUMERIC = {c.key for c in REALIZED_LIST if c.numeric}


def realized(site: Site, request: Request) -> Response:
    """`tj realized --year`: one row per closed lot (a Form 8949 line), by year (default: the last year the
    files reach; `all` for every year), account, term and box; sortable by any column; with the total of
    the rows chosen, as `tj realized` adds it up."""
    from journal.records import realized_total

    every_year = text_param(request, "year") == "all"
    year = None if every_year else int_param(request, "year", 1900, 9999) or last_day(site).year
    account = account_param(site, request)
    term, box = choice_param(request, "term", TERMS), choice_param(request, "box", BOXES)
    sort = choice_param(request, "sort", [c.key for c in REALIZED_LIST])
    descending = choice_param(request, "dir", ("asc", "desc")) == "desc"

    if sort is None:  # in closing order: the page's rows only, the total from the read models' totals
        count, total = _realized_total(site, year, account, term, box)
        shown, pager = page_of(
            request, count, lambda start, stop: _realized_page(site, year, account, term, box, start, stop)
        )
    else:  # sorted: every row of the choice, read once per state of the journal

        def chosen() -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
            found = [
                r
                for r in realized_records(site, year, account)
                if (term is None or r["term"] == term) and (box is None or r["box"] == box)
            ]
            found.sort(
                key=lambda r: Decimal(r[sort] or 0) if sort in NUMERIC else (r[sort] or ""),
                reverse=descending,
            )
            return found, ({**realized_total(found), "account": "Total"} if found else None)

        found, total = site.memo(("realized-sorted", year, account, term, box, sort, descending), chosen)
        count = len(found)
        shown, pager = paginate(request, found)
    return site.render(
        request,
        "web/page.html.j2",
        view=View(
            "realized",
            "Realized gains and losses",
            f"{_scope(account)} \u00b7 {'every year' if year is None else f'closed in {year}'}",
        ),
        data={
            "incomplete_notice": notice_of(site.journal, None, None if year is None else date(year, 12, 31))
        },
        filters=[
            text_filter(request, "year", "Year", placeholder=str(year or "all"), size=5),
            account_filter(site, request),
            select_filter(request, "term", "Term", TERMS),
            select_filter(request, "box", "Form 8949 box", BOXES),
        ],
        cards=[Card("Rows", str(count), INT, tone=""), Card("Gain", total["gain"] if total else "0.00")],
        tables=[
            (
                "",
                Table(
                    REALIZED_LIST,
                    shown,
                    pager,
                    links={"opened": "_open", "closed": "_close"},
                    empty="No realized row.",
                    sortable=[c.key for c in REALIZED_LIST],
                    sort=sort,
                    descending=descending,
                    total=total,
                ),
            )
        ],
    )


def _period(year: int | None) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 12, 31)) if year is not None else (date(1, 1, 1), date(9999, 12, 31))


def _chosen(site: Site, term: str | None, box: str | None) -> Callable[[str, str, bool], bool]:
    """Whether a row (or a total) of this account, term and basis is on the page: its term, and its Form
    8949 box as `journal.records.realized_record` gives it."""
    from journal.tax import DEFAULT_POLICY, form_8949_box

    policies = site.journal.policies()

    def wanted(account: str, row_term: str, basis_missing: bool) -> bool:
        policy = policies.get(account, DEFAULT_POLICY)
        return (term is None or row_term == term) and (
            box is None or form_8949_box(row_term, policy, basis_missing) == box
        )

    return wanted


def _realized_total(
    site: Site, year: int | None, account: str | None, term: str | None, box: str | None
) -> tuple[int, dict[str, Any] | None]:
    """How many rows are chosen and their total line, from the read models' totals (each row's figures
    rounded as on Form 8949, then added up: `tj realized`'s total line), not from the rows."""
    from journal.money import cents
    from journal.projections.income import added_up

    def total() -> tuple[int, dict[str, Any] | None]:
        wanted = _chosen(site, term, box)
        totals = site.journal.realized_totals(account, *_period(year))
        sums = added_up(t for t in totals if wanted(t.account, t.term, t.basis_missing))
        if not sums.rows:
            return 0, None
        figures = {"proceeds": sums.proceeds, "cost_basis": sums.cost_basis, "adjustment": sums.adjustment}
        return sums.rows, {
            "account": "Total",
            **{k: cents(v) for k, v in figures.items()},
            "gain": cents(sums.gain),
        }

    return site.memo(("realized-total", year, account, term, box), total)


def _realized_page(
    site: Site,
    year: int | None,
    account: str | None,
    term: str | None,
    box: str | None,
    start: int,
    stop: int,
) -> list[dict[str, Any]]:
    """Rows `start`..`stop` of the choice in closing order, read only as far as the page (a busy year has
    tens of thousands)."""
    from contextlib import closing
    from itertools import islice

    from journal.records import realized_record
    from journal.tax import DEFAULT_POLICY

    def rows() -> list[dict[str, Any]]:
        wanted, policies = _chosen(site, term, box), site.journal.policies()
        with closing(site.journal.realized_in_order(*_period(year), account)) as stream:
            chosen = (r for r in stream if wanted(r.account, r.term, r.basis_missing))
            return [
                {
                    **realized_record(r, policies.get(r.account, DEFAULT_POLICY)),
                    "_open": event_href(lot_key(r.opened_by)) if r.opened_by else None,
                    "_close": event_href(r.closed_by) if r.closed_by else None,
                }
                for r in islice(chosen, start, stop)
            ]

    return site.memo(("realized-page", year, account, term, box, start), rows)


def warm_realized(site: Site) -> None:
    """The realized page as it first opens: the last year's count, total and first page; then the year's
    rows, which the page sorted by a column and the year's Form 8949 and TXF downloads read."""
    year = last_day(site).year
    count, _ = _realized_total(site, year, None, None, None)
    _realized_page(site, year, None, None, None, 0, min(count, PER_PAGE))
    site.journal.realized(year)


WASH_LIST = [
    Column("sold", "Loss sold", DATE),
    Column("account", "Account", optional=True),
    Column("instrument", "Instrument", nowrap=True),
    Column("quantity", "Qty", INT),
    Column("loss_disallowed", "Loss disallowed", MONEY),
    Column("replacement_account", "Replacement account", optional=True),
    Column("replacement_acquired", "Replacement bought", DATE),
    Column("basis_added", "Basis added", MONEY),
    Column("adjusted_opened", "Adjusted opened", DATE, optional=True),
]


def washes(site: Site, request: Request) -> Response:
    """`tj washes`: each disallowed loss, the replacement lot (linked to the event that opened it) and the
    basis moved into it."""
    from journal.records import wash_record

    year, account = int_param(request, "year", 1900, 9999), account_param(site, request)
    found = washes_of(site, year, account)
    shown, pager = paginate(request, found)
    rows = [{**wash_record(w), "_href": event_href(lot_key(w.replacement_lot))} for w in shown]
    disallowed = sum((w.disallowed for w in found), Decimal(0))
    return site.render(
        request,
        "web/page.html.j2",
        view=View("washes", "Wash sales", f"{_scope(account)} \u00b7 {year or 'every year'}"),
        data={"incomplete_notice": notice_of(site.journal, None, None)},
        filters=[text_filter(request, "year", "Year", "number", size=5), account_filter(site, request)],
        cards=[
            Card("Wash sales", str(len(found)), INT, tone=""),
            Card("Loss disallowed", _cents(disallowed), tone=""),
        ],
        tables=[
            (
                "",
                Table(WASH_LIST, rows, pager, links={"replacement_acquired": "_href"}, empty="No wash sale."),
            )
        ],
    )


# -- helpers ---------------------------------------------------------------------------------------------


def _scope(account: str | None, underlying: str | None = None) -> str:
    whose = f"Account {account}" if account else "All accounts"
    return f"{whose} \u00b7 {underlying}" if underlying else whose


def _when(as_of: date | None) -> str:
    return f"at the end of {as_of.isoformat()}" if as_of else "now (everything recorded)"


def _symbols(underlying: str | None) -> list[str] | None:
    return None if underlying is None else [underlying]


def _cents(value: Decimal) -> str:
    from journal.money import cents

    return cents(value)


ROUTES: list[RouteSpec] = [
    ("/cycles", cycles, "cycles", ["GET"]),
    ("/cycles/{cycle_id}", cycle_page, "cycle", ["GET"]),
    ("/cycles/{cycle_id}/report.{fmt}", cycle_download, "cycle_download", ["GET"]),
    ("/rolls", rolls, "rolls", ["GET"]),
    ("/positions", positions, "positions", ["GET"]),
    ("/lots", lots, "lots", ["GET"]),
    ("/realized", realized, "realized", ["GET"]),
    ("/washes", washes, "washes", ["GET"]),
]
