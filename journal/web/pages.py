"""The pages of `tj serve`: each a handler `(site, request) -> response` at a stable URL, its figures read
from `journal.api.Journal` and the reports (`journal.reports.*`), rendered by the templates of
templates/web/ (which extend the reports' layout, so a page looks like the report it shows).

This module holds the home page and the routing table; the listings, the reports and the events have
their own modules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from journal.reports.views import DATE, INT, MONEY, PCT, Card, Column, money_text
from journal.web.common import Table, event_href, income_target, notice_of, text_param

if TYPE_CHECKING:
    from journal.web.app import Handler, Site

# (path, handler, route name, methods): the app's routing table (`journal.web.app.create_app`).
RouteSpec = tuple[str, "Handler", str, Sequence[str]]

# The navigation bar: (route name, label), in the order a trader's week goes.
NAVIGATION: list[tuple[str, str]] = [
    ("home", "Home"),
    ("cycles", "Cycles"),
    ("rolls", "Rolls"),
    ("positions", "Positions"),
    ("lots", "Lots"),
    ("realized", "Realized"),
    ("washes", "Wash sales"),
    ("reports", "Reports"),
    ("events", "Events"),
]

LISTED_ON_HOME = 100  # rows of a table on the home page; the listing it links to has every one

EXPOSURE_COLUMNS = [
    Column("name", "Position"),
    Column("capital_at_risk", "Capital at risk", MONEY),
    Column("pct_of_equity", "% of equity", PCT),
]
UNRESOLVED_COLUMNS = [
    Column("date", "Date", DATE),
    Column("account", "Account", optional=True),
    Column("underlyings", "Underlyings"),
    Column("amount", "Cash", MONEY),
    Column("reason", "Reason", wide=True),
    Column("source", "Source", nowrap=True),
]


def home_data(site: Site, today: date, now: bool) -> dict[str, Any]:
    """Everything the home page shows on `today` (`now`: today is the real one, so risk is of every
    position recorded), read once per state of the journal."""
    from journal.records import exposure_record, gap_records, risk_record
    from journal.reports.monthly import monthly_report
    from journal.reports.views import monthly_view, weekly_view
    from journal.web.reportpages import weekly_data

    journal, target = site.journal, income_target()
    month = monthly_report(journal, today.strftime("%Y-%m"), target=target, today=today, listed=0)
    week = weekly_data(site, today, None, target)  # the weekly report of that day, as its page has it
    risk = journal.risk(as_of=None if now else today)
    # The rows still unresolved are those the read models mark incomplete: none marked, none to read (the
    # events' scan by type costs 50 ms at 10^5 events).
    gaps = journal.unresolved() if journal.incomplete() else []
    return {
        "month": month,
        "month_view": monthly_view(month),
        "week": week,
        "week_view": weekly_view(week),
        "risk": risk_record(risk),
        "breaches": [exposure_record(e) for _, e in risk.breaches],
        "unresolved": [
            {**record, "_href": event_href(record["key"])} for record in gap_records(gaps, [], [])
        ],
        "notice": notice_of(journal, None, today),
    }


def home(site: Site, request: Request) -> Response:
    """This month's income against the target and the last twelve months; what expires in the next seven
    days and every short option by days to expiry; capital at risk and the positions over the limit; the
    rows tj has not understood, if any. `?as_of=YYYY-MM-DD` shows another day as if it were today."""
    from journal.reports.views import View

    as_of = _as_of(request)
    today = as_of or date.today()
    found = site.memo(
        ("home", today, as_of is None, income_target()), lambda: home_data(site, today, as_of is None)
    )
    month_view, week_view, risk = found["month_view"], found["week_view"], found["risk"]
    breaches = found["breaches"]
    view = View(
        "home",
        "Home",
        f"All accounts \u00b7 {today.isoformat()}" + ("" if as_of is None else " (as of)"),
    )
    view.progress = month_view.progress
    view.charts = month_view.charts
    view.sections = [s for s in week_view.sections if s.id in ("expiring", "short-options")]
    for section in view.sections:
        if len(section.rows) > LISTED_ON_HOME:
            section.count, section.rows = len(section.rows), section.rows[:LISTED_ON_HOME]
            section.all_rows_in = "the positions page"
    week = found["week"]
    cards = [
        month_view.cards[0],  # the month's income, against the target
        month_view.cards[1],  # net premium
        Card(
            "Capital at risk",
            week["capital_at_risk"],
            tone="",
            note=f"equity {money_text(risk['equity'])} (book)",
        ),
        Card(
            "Over the limit",
            str(len(breaches)),
            INT,
            tone="neg" if breaches else "",
            note=f"positions above {risk['max_position_pct']}% of equity",
        ),
        Card("Expiring in 7 days", str(week["expiring_count"]), INT, tone="", note="positions"),
        Card("Short options", str(week["short_option_count"]), INT, tone="", note="open contracts"),
    ]
    if found["unresolved"]:
        cards.append(
            Card("Unresolved rows", str(len(found["unresolved"])), INT, tone="neg", note="see below")
        )
    tables = [
        (
            "Over the limit",
            Table(
                EXPOSURE_COLUMNS,
                breaches[:LISTED_ON_HOME],
                empty=f"No position above {risk['max_position_pct']}% of equity.",
            ),
        )
    ]
    if found["unresolved"]:
        tables.append(
            (
                "Unresolved rows",
                Table(UNRESOLVED_COLUMNS, found["unresolved"][:LISTED_ON_HOME], links={"source": "_href"}),
            )
        )
    view.notes = [
        "Income is the month's net premium plus dividends and interest, less fees; capital at risk counts "
        "the collateral of cash-secured puts, the cost of shares and the max loss of spreads."
    ]
    from journal.web.listings import last_day

    reach = last_day(site)
    lead = None
    if as_of is None and (today - reach).days > 7:  # a journal whose files end weeks ago: its last day
        lead = {
            "text": f"The journal's files reach {reach.isoformat()}.",
            "href": f"/?as_of={reach.isoformat()}",
            "link": "See the home page as of that day.",
        }
    return site.render(
        request,
        "web/page.html.j2",
        view=view,
        lead=lead,
        data={"incomplete_notice": found["notice"]},
        cards=cards,
        tables=tables,
        filters=[{"name": "as_of", "label": "As of", "type": "date", "value": text_param(request, "as_of")}],
    )


def warm_home(site: Site) -> None:
    """The home page's figures of today, read before anyone asks (`Site.warm`)."""
    today = date.today()
    site.memo(("home", today, True, income_target()), lambda: home_data(site, today, True))


def warming(site: Site) -> list[Callable[[], object]]:
    """What the server reads after the home page, one step at a time while nobody asks for a page: the
    unfiltered listings and the last year's realized rows, so that their first visit is answered warm."""
    from journal.web import events, listings

    def home_of_last_day() -> None:  # the page the home page of today links when the files end before it
        reach = listings.last_day(site)
        if (date.today() - reach).days > 7:
            site.memo(("home", reach, False, income_target()), lambda: home_data(site, reach, False))

    return [
        lambda: listings.accounts(site),
        lambda: listings.last_day(site),
        lambda: listings.cycles_of(site),
        lambda: listings.rolls_of(site),
        lambda: listings.positions_of(site),
        lambda: listings.lots_of(site),
        lambda: listings.washes_of(site),
        lambda: listings.warm_realized(site),
        lambda: events.event_types(site),
        lambda: events.source_files(site),
        lambda: events.search_of(site, events.EventQuery()),
        home_of_last_day,
        lambda: reports_of_last_month(site),
    ]


def reports_of_last_month(site: Site) -> None:
    """The monthly report the reports page lists first: the month of the last day the files reach."""
    from journal.periods import month_bounds
    from journal.web.listings import last_day
    from journal.web.reportpages import monthly_data

    month = last_day(site).strftime("%Y-%m")
    monthly_data(site, month, month_bounds(month)[1], None, income_target(), None)


def _as_of(request: Request) -> date | None:
    from journal.web.common import day_param

    return day_param(request, "as_of")


def routes() -> list[RouteSpec]:
    from journal.web import events, listings, reportpages

    return [
        ("/", home, "home", ["GET"]),
        *listings.ROUTES,
        *reportpages.ROUTES,
        *events.ROUTES,
    ]
