"""Each page of `tj serve` over the example journal, from the real server on a loopback port (SQLite and
PostgreSQL): it answers 200 and shows its key figures, the very ones the API and `tj ... --format json`
give; tables are paginated on the server; the downloads are what `tj report` writes."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest

from journal.api import Journal
from journal.events import SourceRef
from journal.records import cycle_record, lot_record, position_record, realized_record, realized_total
from journal.reports.capital import total_at_risk
from journal.reports.cycle import cycle_report
from journal.reports.monthly import monthly_report
from journal.reports.views import money_text, price_text
from journal.reports.weekly import weekly_report
from journal.tax import DEFAULT_POLICY
from tests.web.html import column, links, tables, text_of
from tests.web.server import Served

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def source_line(source: SourceRef | None) -> str:
    """The line of the example file an event was read from, read off the file itself."""
    assert source is not None
    return (EXAMPLES / source.file).read_text().splitlines()[source.line - 1]


def row_text(html: str) -> str:
    """The text of the event page's source row (its `<pre id="source-row">`), unescaped, tags dropped."""
    start = html.index('id="source-row">') + len('id="source-row">')
    return unescape(re.sub(r"<[^>]+>", "", html[start : html.index("</pre>", start)]))


def page(site: Served, path: str) -> str:
    reply = site.get(path)
    assert reply.status == 200, f"{path}: {reply.status} {text_of(reply.text)[:500]}"
    assert reply.headers["content-type"].startswith("text/html")
    return reply.text


# -- home ------------------------------------------------------------------------------------------------


def test_home_shows_the_months_income_against_the_configured_target(
    site: Served, example_journal: Journal, private_config: Path
) -> None:
    private_config.write_text("income_target = 2000\n")
    expected = monthly_report(example_journal, "2024-04", target=Decimal(2000), today=date(2024, 4, 30))
    assert (expected["income"], expected["target_reached_pct"]) == ("513.75", "25.69")
    text = text_of(page(site, "/?as_of=2024-04-30"))
    assert "Income 513.75 25.69% of the 2,000.00 target" in text
    assert f"Net premium {money_text(expected['net_premium'])}" in text
    assert "Income, last 12 months" in text


def test_home_shows_what_expires_within_a_week_and_short_options_by_days_to_expiry(
    site: Served, example_journal: Journal
) -> None:
    week = weekly_report(example_journal, date(2024, 11, 15))
    html = page(site, "/?as_of=2024-11-15")
    text = text_of(html)
    assert f"Capital at risk {money_text(week['capital_at_risk'])}" in text
    assert f"Expiring in 7 days {week['expiring_count']}" in text
    assert f"Short options {week['short_option_count']}" in text
    assert week["short_option_count"] > 0
    found = tables(html)
    short = next(t for t in found if t[0][:2] == ["DTE", "Option"])
    assert column(short, "Option") == [r["what"] for r in week["short_options"]]
    assert column(short, "Credit") == [money_text(r["credit"]) for r in week["short_options"]]


def test_home_lists_the_positions_over_the_risk_limit(site: Served, example_journal: Journal) -> None:
    risk = example_journal.risk(as_of=date(2024, 11, 15))
    html = page(site, "/?as_of=2024-11-15")
    over = next(t for t in tables(html) if t[0] == ["Position", "Capital at risk", "% of equity"])
    assert column(over, "Position") == [e.name for _, e in risk.breaches]
    assert len(risk.breaches) > 0
    assert f"Over the limit {len(risk.breaches)}" in text_of(html)


# -- cycles ----------------------------------------------------------------------------------------------


def test_cycles_lists_every_cycle_with_its_figures_and_links_its_story(
    site: Served, example_journal: Journal
) -> None:
    expected = [cycle_record(c) for c in example_journal.cycles()]
    html = page(site, "/cycles")
    table = tables(html)[0]
    assert column(table, "Cycle") == [c["id"] for c in expected]
    assert column(table, "Net cash") == [money_text(c["net_cash"]) for c in expected]
    assert column(table, "Break-even") == [price_text(c["break_even"]) for c in expected]
    assert {f"/cycles/{c['id']}" for c in expected} <= set(links(html))


@pytest.mark.parametrize(("query", "status"), [("status=open", "open"), ("status=closed", "closed")])
def test_cycles_filter_by_status(site: Served, example_journal: Journal, query: str, status: str) -> None:
    expected = [c.id for c in example_journal.cycles(status=status)]
    assert expected
    assert column(tables(page(site, f"/cycles?{query}"))[0], "Cycle") == expected


def test_cycles_filter_by_underlying_and_account(site: Served, example_journal: Journal) -> None:
    expected = [c.id for c in example_journal.cycles("brokerage", "KO")]
    assert len(expected) >= 2
    assert column(tables(page(site, "/cycles?underlying=ko&account=brokerage"))[0], "Cycle") == expected


def test_a_cycles_story_shows_its_report_and_links_each_line_to_its_event_and_source(
    site: Served, example_journal: Journal
) -> None:
    report = cycle_report(example_journal, "KO-20241021")
    html = page(site, "/cycles/KO-20241021")
    text = text_of(html)
    for figure in ("Wheel cycle KO-20241021", "65.2345", "66.2565", "P 67", "C 64", "bought 100 @ 67"):
        assert figure in text
    timeline = next(t for t in tables(html) if t[0][:2] == ["Date", "What"])
    assert column(timeline, "What") == [t["what"] for t in report["timeline"]]
    assert column(timeline, "Source") == [t["source"] for t in report["timeline"]]
    cycle = example_journal.cycle("KO-20241021")
    assert cycle is not None
    steps = [f"/events/{s.event.key}" for s in cycle.steps]
    assert [unquote(h) for h in links(html) if h.startswith("/events/")][: 2 * len(steps)] == [
        h for h in steps for _ in range(2)
    ]
    # Following a line's link reaches the event and the file:line it came from.
    event = text_of(page(site, steps[0]))
    assert f"Source {report['timeline'][0]['source']}" in event
    assert cycle.steps[0].event.key in event
    # ... and shows that line as the broker's file has it.
    assert f"{source_line(cycle.steps[0].event.source)}" in event


def test_an_unknown_cycle_is_a_404(site: Served) -> None:
    reply = site.get("/cycles/NOPE-20240101")
    assert reply.status == 404
    assert "no cycle 'NOPE-20240101'" in text_of(reply.text)


def test_the_cycle_report_downloads_as_tj_writes_it(site: Served, example_db: str, tj) -> None:
    reply = site.get("/cycles/KO-20240318/report.json")
    assert reply.status == 200
    assert 'filename="cycle-KO-20240318.json"' in reply.headers["content-disposition"]
    assert (
        reply.text
        == tj("report", "cycle", "KO-20240318", "--format", "json", db=example_db, check=True).stdout
    )


# -- rolls, positions, lots, realized, wash sales ---------------------------------------------------------


def test_rolls_lists_each_chain_with_its_credit(site: Served, example_journal: Journal) -> None:
    expected = example_journal.rolls()
    table = tables(page(site, "/rolls"))[0]
    assert column(table, "Underlying") == [r["underlying"] for r in expected]
    assert column(table, "Net credit") == [money_text(r["net_credit"]) for r in expected]
    assert column(table, "Rolls") == [str(r["rolls"]) for r in expected]


def test_positions_as_of_a_day_with_their_capital_at_risk(site: Served, example_journal: Journal) -> None:
    day = date(2024, 6, 30)
    expected = example_journal.positions(day)
    html = page(site, "/positions?as_of=2024-06-30")
    table = tables(html)[0]
    assert column(table, "Legs") == [position_record(p, day)["legs"] for p in expected]
    text = text_of(html)
    assert f"Positions {len(expected)}" in text
    assert f"Capital at risk {money_text(str(total_at_risk(expected)))}" in text


def test_lots_now_and_as_of_a_day(site: Served, example_journal: Journal) -> None:
    for query, as_of in (("", None), ("?as_of=2024-06-30", date(2024, 6, 30))):
        expected = [lot_record(lot) for lot in example_journal.lots(as_of)]
        table = tables(page(site, f"/lots{query}"))[0]
        assert column(table, "Instrument") == [" ".join(r["instrument"].split()) for r in expected]
        assert column(table, "Cost basis") == [money_text(r["cost_basis"]) for r in expected]


def test_realized_by_year_with_the_total_tj_realized_gives(site: Served, example_journal: Journal) -> None:
    rows = example_journal.realized(2024)
    records = [realized_record(r) for r in rows]
    total = realized_total(records)
    html = page(site, "/realized?year=2024")
    table = tables(html)[0]
    gains = column(table, "Gain")
    assert gains[:-1] == [money_text(r["gain"]) for r in records][:100]
    assert gains[-1] == money_text(total["gain"])  # the footer
    assert f"Gain {money_text(total['gain'])}" in text_of(html)


def test_realized_sorts_by_a_column_and_filters_by_term(site: Served, example_journal: Journal) -> None:
    records = [realized_record(r) for r in example_journal.realized(2024)]
    table = tables(page(site, "/realized?year=2024&sort=gain&dir=desc"))[0]
    expected = sorted(records, key=lambda r: Decimal(r["gain"]), reverse=True)
    assert column(table, "Gain")[:-1] == [money_text(r["gain"]) for r in expected][:100]
    long_term = [r for r in records if r["term"] == "long"]
    table = tables(page(site, "/realized?year=2024&term=long"))
    if long_term:
        assert column(table[0], "Instrument")[:-1] == [" ".join(r["instrument"].split()) for r in long_term]
    else:
        assert table == []


@pytest.mark.parametrize("choice", ["term=short", "box=A", "account=brokerage", "year=all", "account=ira"])
def test_realized_totals_of_a_choice_are_tj_realizeds_total_of_its_rows(
    site: Served, example_journal: Journal, choice: str
) -> None:
    name, value = choice.split("=")
    policies = example_journal.policies()
    year = None if name == "year" else 2024
    records = [
        realized_record(r, policies.get(r.account, DEFAULT_POLICY))
        for r in example_journal.realized(year)
        if name in ("year",) or (name == "account" and r.account == value) or name in ("term", "box")
    ]
    records = [r for r in records if name not in ("term", "box") or r[name] == value]
    html = page(site, f"/realized?{choice}" + ("" if name == "year" else "&year=2024"))
    if not records:
        assert "No realized row." in text_of(html)
        return
    table = tables(html)[0]
    assert column(table, "Gain")[-1] == money_text(realized_total(records)["gain"])
    assert column(table, "Proceeds")[-1] == money_text(realized_total(records)["proceeds"])
    assert column(table, "Gain")[:-1] == [money_text(r["gain"]) for r in records][:100]


def test_wash_sales(site: Served, example_journal: Journal) -> None:
    expected = example_journal.washes()
    text = text_of(page(site, "/washes"))
    assert f"Wash sales {len(expected)}" in text
    if not expected:
        assert "No wash sale." in text


# -- reports ---------------------------------------------------------------------------------------------


def test_the_monthly_report_page_and_its_downloads(site: Served, example_db: str, tj) -> None:
    text = text_of(page(site, "/reports/monthly/2024-04?target=2000"))
    for figure in ("Monthly income", "513.75", "2,000.00", "25.69%", "Income by underlying", "Lots closed"):
        assert figure in text
    for fmt in ("json", "csv", "md"):
        reply = site.get(f"/reports/monthly/2024-04.{fmt}?target=2000")
        assert reply.status == 200
        cli = tj(
            "report", "monthly", "2024-04", "--target", "2000", "--format", fmt, db=example_db, check=True
        )
        assert reply.text == cli.stdout, fmt


def test_the_year_report_page_and_its_form_8949_csv_and_txf(
    site: Served, example_db: str, tj, tmp_path: Path
) -> None:
    text = text_of(page(site, "/reports/year/2024"))
    for figure in ("Year-end summary", "7,363.10", "17,019.15", "Form 8949 by box", "KO-20240318"):
        assert figure in text
    csv_out, txf_out = tmp_path / "8949.csv", tmp_path / "2024.txf"
    cli = tj(
        "report",
        "year",
        "2024",
        "--format",
        "json",
        "--form8949",
        str(csv_out),
        "--txf",
        str(txf_out),
        db=example_db,
        check=True,
    )
    assert site.get("/reports/year/2024.json").text == cli.stdout
    assert site.get("/reports/year/2024/form8949.csv").text == csv_out.read_text()
    assert site.get("/reports/year/2024.txf").text == txf_out.read_text()


def test_the_weekly_report_page_and_json(site: Served, example_db: str, tj) -> None:
    text = text_of(page(site, "/reports/weekly/2024-11-15?target=2000"))
    for figure in ("Weekly review", "461.54", "22,896.30", "AAPL 220 put 22 Nov 24", "bull put spread"):
        assert figure in text
    cli = tj(
        "report", "weekly", "--as-of", "2024-11-15", "--target", "2000", "--format", "json", db=example_db
    )
    assert site.get("/reports/weekly/2024-11-15.json?target=2000").text == cli.stdout


def test_the_reports_page_picks_a_period_and_lands_on_its_url(site: Served) -> None:
    reply = site.get("/reports?kind=monthly&monthly=2024-04")
    assert reply.status == 303 and reply.headers["location"] == "/reports/monthly/2024-04"
    assert "/reports/year/2024" in links(page(site, "/reports"))


# -- events ----------------------------------------------------------------------------------------------


def test_events_are_paginated_on_the_server(site: Served, example_journal: Journal) -> None:
    every = example_journal.events()
    assert len(every) > 100
    first = tables(page(site, "/events"))[0]
    second = tables(page(site, "/events?page=2"))[0]
    assert column(first, "Seq") + column(second, "Seq") == [str(s.seq) for s in every]
    assert len(first) - 1 == 100
    assert site.get("/events?page=3").status == 404


def test_events_newest_first_page_by_page(site: Served, example_journal: Journal) -> None:
    seqs = [str(s.seq) for s in reversed(example_journal.events())]
    first = column(tables(page(site, "/events?order=newest"))[0], "Seq")
    second = column(tables(page(site, "/events?order=newest&page=2"))[0], "Seq")
    assert first + second == seqs


def test_events_search_by_type_underlying_account_date_and_file(
    site: Served, example_journal: Journal
) -> None:
    every = example_journal.events()
    expected = [
        str(s.seq)
        for s in every
        if s.event.type_name == "TradeExecuted"
        and s.event.underlying == "KO"
        and s.event.account == "brokerage"
        and date(2024, 3, 1) <= s.event.time.date() <= date(2024, 9, 30)
        and s.event.source is not None
        and s.event.source.file == "2024-h1.csv"
    ]
    assert expected
    query = (
        "type=TradeExecuted&underlying=KO&account=brokerage&from=2024-03-01&to=2024-09-30&file=2024-h1.csv"
    )
    assert column(tables(page(site, f"/events?{query}"))[0], "Seq") == expected


def test_an_events_page_shows_its_source_and_the_figures_it_feeds(
    site: Served, example_journal: Journal
) -> None:
    cycle = example_journal.cycle("KO-20240318")
    assert cycle is not None
    assignment = next(s.event for s in cycle.steps if s.event.type_name == "OptionAssigned")
    html = page(site, f"/events/{assignment.key}")
    text = text_of(html)
    assert f"Source {assignment.source}" in text
    assert "As a journal-CSV row" in text and "ASSIGN" in text
    # The row as the file has it, numbered, read from the journal's copy of the file.
    source = assignment.source
    assert source is not None
    assert f"Line {source.line} of {source.file}" in text
    assert f"{source.line:5d}  {source_line(source)}\n" in row_text(html)
    # It opened the shares (sold since: a realized row; the put's premium went into their basis, Pub 550)...
    rows = [
        r
        for r in example_journal.realized()
        if r.closed_by == assignment.key or r.opened_by == assignment.key
    ]
    realized = next(t for t in tables(html) if t[0][:2] == ["Account", "Instrument"])
    assert sorted(column(realized, "Gain")) == sorted(money_text(realized_record(r)["gain"]) for r in rows)
    assert len(rows) == 1
    # ... and belongs to the KO wheel.
    assert "/cycles/KO-20240318" in links(html)


def test_every_events_page_shows_exactly_the_realized_rows_and_lots_it_feeds(
    site: Served, example_journal: Journal
) -> None:
    from journal.web.listings import lot_key

    every = example_journal.realized()
    lots = example_journal.lots()
    fed = 0
    for stored in example_journal.events():
        key = stored.event.key
        html = page(site, f"/events/{key}")
        expected = sorted(
            (
                " ".join(r.instrument.name.split()),
                r.closed.isoformat(),
                money_text(realized_record(r)["gain"]),
            )
            for r in every
            if r.closed_by == key or (r.opened_by and lot_key(r.opened_by) == key)
        )
        found = [t for t in tables(html) if t[0][:2] == ["Account", "Instrument"] and "Gain" in t[0]]
        shown = (
            sorted(
                zip(
                    column(found[0], "Instrument"),
                    column(found[0], "Closed"),
                    column(found[0], "Gain"),
                    strict=True,
                )
            )
            if found
            else []
        )
        assert shown == expected, key
        fed += bool(expected)
        opened = [lot for lot in lots if lot_key(lot.lot_id) == key]
        lot_tables = [t for t in tables(html) if "Per unit" in t[0]]
        assert len(lot_tables) == (1 if opened else 0)
    assert fed > 50


def test_an_unknown_event_is_a_404(site: Served) -> None:
    assert site.get("/events/no-such-key").status == 404


# -- the site --------------------------------------------------------------------------------------------

PAGES = [
    "/",
    "/cycles",
    "/cycles/KO-20240318",
    "/rolls",
    "/positions",
    "/lots",
    "/realized",
    "/washes",
    "/reports",
    "/reports/monthly/2024-04",
    "/reports/weekly/2024-11-15",
    "/reports/year/2024",
    "/events",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_navigation_and_the_reports_content_policy(site: Served, path: str) -> None:
    html = page(site, path)
    assert "default-src 'none'" in html and "<script" not in html
    assert {
        "/",
        "/cycles",
        "/rolls",
        "/positions",
        "/lots",
        "/realized",
        "/washes",
        "/reports",
        "/events",
    } <= set(links(html))
    assert all(len(t) <= 102 for t in tables(html))  # no table lists more than a page (+ header, footer)


def test_a_bad_date_is_a_400_page_naming_the_parameter(site: Served) -> None:
    reply = site.get("/?as_of=2024-13-01")
    assert reply.status == 400
    assert "as_of: not a date" in text_of(reply.text)
    assert "Traceback" not in reply.text


def test_an_unknown_page_is_a_404_page(site: Served) -> None:
    reply = site.get("/no-such-page")
    assert reply.status == 404
    assert "Error 404" in reply.text


def test_the_json_download_is_json(site: Served) -> None:
    reply = site.get("/reports/monthly/2024-04.json")
    assert reply.headers["content-type"].startswith("application/json")
    assert json.loads(reply.text)["month"] == "2024-04"


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/realized?year=abc", 400, "year: a whole number"),
        ("/realized?year=2024&sort=nope", 400, "sort: one of"),
        ("/cycles?status=bogus", 400, "status: one of open, closed"),
        ("/events?type=Bogus", 400, "type: one of"),
        ("/events?page=0", 400, "page: a whole number"),
        ("/lots?account=nobody", 400, "account: one of"),
        ("/positions?as_of=yesterday", 400, "as_of: not a date"),
        ("/reports/monthly/2024-04?target=-5", 400, "target: a number of dollars"),
        ("/reports/monthly/2024-13", 404, "not a month"),
        ("/reports/weekly/2024-02-30", 404, "not a day"),
        ("/reports/year/24", 404, "not a year"),
        ("/reports/monthly/2024-04.exe", 404, "no 'exe' download"),
        ("/cycles/KO-20240318/report.exe", 404, "no 'exe' download"),
    ],
)
def test_a_bad_parameter_is_an_error_page_naming_it(site: Served, path: str, status: int, says: str) -> None:
    reply = site.get(path)
    assert reply.status == status
    assert says in text_of(reply.text)
    assert "Traceback" not in reply.text


def test_home_of_today_points_to_the_last_day_the_files_reach(site: Served) -> None:
    html = page(site, "/")
    assert "The journal's files reach 2024-12-31." in text_of(html)  # the example journal ends with 2024
    assert "/?as_of=2024-12-31" in links(html)
