"""The acceptance of `tj serve` (issue 17) in headless Chromium: the real server on a loopback port over the
example journal (SQLite and PostgreSQL). Each page loads with nothing on the console and shows its key
figures, checked against `tj ... --format json`; a cycle's timeline links reach the event and its source
line; an import is previewed, refused when a file has errors, confirmed when none has (the events counted
before and after); a page opened under another host name (DNS rebinding) and a form without its CSRF token
are refused. Each page's screenshot is saved in tests/artifacts/ (web-*.png)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pytest

from journal.api import Journal
from journal.reports.views import money_text, price_text
from journal.web import security
from tests.reports.conftest import artifact
from tests.web.browser import REBIND_NAME, Tab, launched, tab
from tests.web.conftest import REPO
from tests.web.html import column, links, tables
from tests.web.server import Served, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser

H1 = REPO / "examples" / "2024-h1.csv"
IRA = REPO / "examples" / "ira-2024.csv"

Tj = Callable[..., Any]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for this module's tests (Playwright's event loop goes with it: no other test sees it)."""
    with launched() as opened:
        yield opened


@pytest.fixture
def window(browser: Browser, site: Served) -> Iterator[Tab]:
    with tab(browser, site.base) as opened:
        yield opened


def engine(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def tj_json(tj: Tj, db: str, *args: str) -> Any:
    return json.loads(tj(*args, "--format", "json", db=db, check=True).stdout)


def show(window: Tab, path: str, name: str, db: str, status: int = 200) -> str:
    """Open `path`: its status, a clean console, a screenshot; the page's visible text."""
    response = window.visit(path)
    assert response.status == status, f"{path}: {response.status} {window.text()[:500]}"
    assert window.console == [], window.console
    window.shot(artifact(f"web-{name}-{engine(db)}.png"))
    return window.text()


def words(text: str) -> str:
    return " ".join(text.split())


# -- each page, its figures as tj gives them -------------------------------------------------------------


def test_home(window: Tab, example_db: str, tj: Tj, private_config: Path) -> None:
    private_config.write_text("income_target = 2000\n")
    month = tj_json(tj, example_db, "report", "monthly", "2024-04", "--target", "2000")
    text = show(window, "/?as_of=2024-04-30", "home", example_db)
    assert (month["income"], month["target_reached_pct"]) == ("513.75", "25.69")
    assert "Income 513.75 25.69% of the 2,000.00 target" in text
    assert f"Net premium {money_text(month['net_premium'])}" in text
    week = tj_json(tj, example_db, "report", "weekly", "--as-of", "2024-11-15")
    text = show(window, "/?as_of=2024-11-15", "home-november", example_db)
    assert f"Capital at risk {money_text(week['capital_at_risk'])}" in text
    assert f"Short options {week['short_option_count']}" in text
    short = next(t for t in tables(window.html()) if t[0][:2] == ["DTE", "Option"])
    assert column(short, "Option") == [r["what"] for r in week["short_options"]]


def test_cycles(window: Tab, example_db: str, tj: Tj) -> None:
    expected = tj_json(tj, example_db, "cycles")
    show(window, "/cycles", "cycles", example_db)
    table = tables(window.html())[0]
    assert column(table, "Cycle") == [c["id"] for c in expected]
    assert column(table, "Net cash") == [money_text(c["net_cash"]) for c in expected]
    assert column(table, "Break-even") == [price_text(c["break_even"]) for c in expected]
    open_ = [c["id"] for c in expected if c["status"] == "open"]
    show(window, "/cycles?status=open", "cycles-open", example_db)
    assert column(tables(window.html())[0], "Cycle") == open_


def test_a_cycles_timeline_links_reach_the_event_and_its_source_line(
    window: Tab, example_db: str, tj: Tj
) -> None:
    report = tj_json(tj, example_db, "report", "cycle", "KO-20241021")
    show(window, "/cycles", "cycles", example_db)
    with window.page.expect_navigation():
        window.page.click("a[href='/cycles/KO-20241021']")
    assert window.page.url == window.base + "/cycles/KO-20241021"
    assert window.console == []
    window.shot(artifact(f"web-cycle-{engine(example_db)}.png"))
    text = window.text()
    for figure in ("Wheel cycle KO-20241021", "65.2345", "66.2565"):
        assert figure in text
    timeline = next(t for t in tables(window.html()) if t[0][:2] == ["Date", "What"])
    assert column(timeline, "What") == [t["what"] for t in report["timeline"]]
    assert column(timeline, "Source") == [t["source"] for t in report["timeline"]]
    # Every line links to its event; follow the first (the put sold) by its source cell.
    first = report["timeline"][0]
    events = [unquote(h) for h in links(window.html()) if h.startswith("/events/")]
    assert len(events) >= 2 * len(report["timeline"])
    with window.page.expect_navigation():
        window.page.get_by_role("link", name=first["source"], exact=True).first.click()
    assert unquote(window.page.url) == window.base + events[0]
    assert window.console == []
    window.shot(artifact(f"web-event-{engine(example_db)}.png"))
    text = window.text()
    assert f"Source {first['source']}" in text
    assert first["what"] in text
    # ... and its source line: the very row of the example file, read as tj reads it.
    file, line = first["source"].rsplit(":", 1)
    row = (REPO / "examples" / file).read_text().splitlines()[int(line) - 1]
    assert row.startswith("2024-10-21,brokerage,STO,KO241115P67,")
    # The row itself, whole, numbered, from the journal's copy of the file (what the browser shows).
    shown = window.page.inner_text("#source-row")
    assert shown.splitlines() == [f"{int(line):5d}  {row}"]
    assert f"Line {line} of {file}" in text


def test_rolls(window: Tab, example_db: str, tj: Tj) -> None:
    expected = tj_json(tj, example_db, "rolls")
    show(window, "/rolls", "rolls", example_db)
    table = tables(window.html())[0]
    assert column(table, "Underlying") == [r["underlying"] for r in expected]
    assert column(table, "Net credit") == [money_text(r["net_credit"]) for r in expected]
    assert column(table, "Rolls") == [str(r["rolls"]) for r in expected]


def test_positions(window: Tab, example_db: str, tj: Tj) -> None:
    expected = tj_json(tj, example_db, "positions", "--as-of", "2024-06-30")
    text = show(window, "/positions?as_of=2024-06-30", "positions", example_db)
    assert f"Positions {len(expected)}" in text
    total = sum(Decimal(p["capital_at_risk"]) for p in expected)
    assert f"Capital at risk {money_text(str(total))}" in text
    assert column(tables(window.html())[0], "Legs") == [p["legs"] for p in expected]


def test_lots(window: Tab, example_db: str, tj: Tj) -> None:
    expected = tj_json(tj, example_db, "lots")
    show(window, "/lots", "lots", example_db)
    table = tables(window.html())[0]
    assert column(table, "Instrument") == [words(r["instrument"]) for r in expected]
    assert column(table, "Cost basis") == [money_text(r["cost_basis"]) for r in expected]


def test_realized(window: Tab, example_db: str, tj: Tj) -> None:
    expected = tj_json(tj, example_db, "realized", "--year", "2024")
    text = show(window, "/realized?year=2024", "realized", example_db)
    total = sum(Decimal(r["gain"]) for r in expected)
    assert f"Gain {money_text(str(total))}" in text
    gains = column(tables(window.html())[0], "Gain")
    assert gains[-1] == money_text(str(total))  # the footer
    assert gains[:-1] == [money_text(r["gain"]) for r in expected][:100]


def test_wash_sales(window: Tab, example_db: str, tj: Tj) -> None:
    expected = tj_json(tj, example_db, "washes")
    text = show(window, "/washes", "washes", example_db)
    assert f"Wash sales {len(expected)}" in text
    if not expected:
        assert "No wash sale." in text


def test_reports(window: Tab, example_db: str, tj: Tj) -> None:
    show(window, "/reports", "reports", example_db)
    assert "/reports/year/2024" in links(window.html())

    month = tj_json(tj, example_db, "report", "monthly", "2024-04", "--target", "2000")
    text = show(window, "/reports/monthly/2024-04?target=2000", "report-monthly", example_db)
    for figure in (month["income"], "2,000.00", month["target_reached_pct"] + "%"):
        assert figure in text
    assert {"JSON", "CSV"} <= {a.strip() for a in window.page.locator(".downloads a").all_inner_texts()}

    week = tj_json(tj, example_db, "report", "weekly", "--as-of", "2024-11-15", "--target", "2000")
    text = show(window, "/reports/weekly/2024-11-15?target=2000", "report-weekly", example_db)
    for figure in (week["weekly_target"], week["collateral_in_use"]):
        assert money_text(figure) in text

    year = tj_json(tj, example_db, "report", "year", "2024")
    text = show(window, "/reports/year/2024", "report-year", example_db)
    for figure in (year["realized_short_term"], year["net_premium"], year["interest"]):
        assert money_text(figure) in text
    assert "Form 8949" in text


def test_events_and_an_events_page(window: Tab, example_db: str, tj: Tj) -> None:
    expected = tj_json(tj, example_db, "events")
    text = show(window, "/events", "events", example_db)
    assert f"of {len(expected):,}" in text  # the pager: rows 1-100 of N
    table = tables(window.html())[0]
    assert column(table, "Seq") == [str(e["seq"]) for e in expected][:100]
    # The next page, by its link.
    with window.page.expect_navigation():
        window.page.click("a[rel=next]")
    assert window.console == []
    assert column(tables(window.html())[0], "Seq") == [str(e["seq"]) for e in expected][100:200]
    # Searched by type and underlying.
    kos = [str(e["seq"]) for e in expected if e["type"] == "TradeExecuted" and "KO" in e["what"]]
    show(window, "/events?type=TradeExecuted&underlying=KO", "events-search", example_db)
    assert column(tables(window.html())[0], "Seq") == kos[:100]
    first = expected[0]
    text = show(window, f"/events/{first['key']}", "event-first", example_db)
    assert first["key"] in text and first["what"] in text


def test_the_import_page(window: Tab, example_db: str) -> None:
    text = show(window, "/import", "import", example_db)
    assert "Drop broker files here" in text
    assert window.page.locator("input[type=file][multiple]").count() == 1


# -- import -----------------------------------------------------------------------------------------------


@pytest.fixture
def own(db_url: str) -> Iterator[tuple[str, Served]]:
    """A journal of the test's own (the import writes) holding the first half-year, served."""
    journal = Journal(db_url)
    journal.import_files([H1])
    journal.close()
    with serving(db_url) as server:
        yield db_url, server


def events_count(tj: Tj, db: str) -> int:
    return len(tj_json(tj, db, "events"))


def test_an_import_is_previewed_refused_with_errors_and_confirmed_without(
    browser: Browser, own: tuple[str, Served], tj: Tj, tmp_path: Path
) -> None:
    url, server = own
    name = engine(url)
    bad = tmp_path / "broken.csv"
    lines = IRA.read_text().splitlines(keepends=True)
    lines[2] = "2024-13-45" + lines[2][len("2024-01-16") :]
    bad.write_text("".join(lines))
    before = events_count(tj, url)
    assert before == 50
    with tab(browser, server.base) as window:
        # A file with an error: shown with its file:line, no confirm.
        window.visit("/import")
        window.page.set_input_files("#files", [str(IRA), str(bad)])
        with window.page.expect_navigation():
            window.page.click("button[type=submit]")
        assert "/import/preview" in window.page.url
        window.shot(artifact(f"web-import-refused-{name}.png"))
        text = window.text()
        assert "A file has errors: nothing can be imported." in text
        assert "broken.csv:3 (date)" in text
        assert window.page.locator("#confirm").count() == 0
        assert window.console == []
        assert events_count(tj, url) == before

        # The same upload without the broken file: its preview, then the confirm.
        window.visit("/import")
        window.page.set_input_files("#files", [str(H1), str(IRA)])
        with window.page.expect_navigation():
            window.page.click("button[type=submit]")
        window.shot(artifact(f"web-import-preview-{name}.png"))
        text = window.text()
        assert "Files 2 New events 8 Already recorded 50 Unresolved rows 0 Errors 0" in text
        assert "Importing adds 8 events to the journal." in text
        assert window.console == []
        assert events_count(tj, url) == before  # the preview wrote nothing
        with window.page.expect_navigation():
            window.page.click("#confirm")
        window.shot(artifact(f"web-import-done-{name}.png"))
        assert "Imported 8 events added" in window.text()
        assert window.console == []
        assert events_count(tj, url) == before + 8

        # Going back and confirming again adds nothing: the upload is gone.
        window.page.go_back()
        with window.page.expect_navigation():
            window.page.click("#confirm")
        assert "no longer kept" in window.text()
        assert events_count(tj, url) == before + 8


def test_a_form_without_its_csrf_token_is_refused(browser: Browser, own: tuple[str, Served], tj: Tj) -> None:
    url, server = own
    with tab(browser, server.base) as window:
        window.visit("/import")
        window.page.set_input_files("#files", [str(IRA)])
        # What a forged form would send: the same fields without the token (removed through the DevTools
        # protocol: the page itself runs no script).
        window.page.locator("input[name=csrf_token]").evaluate("e => e.remove()")
        with window.page.expect_navigation():
            window.page.click("button[type=submit]")
        assert "security token is missing or out of date" in window.text()
        window.shot(artifact(f"web-csrf-refused-{engine(url)}.png"))
        assert events_count(tj, url) == 50

        # A form on another site posting to the server: no cookie (SameSite=Strict), no token: refused.
        window.page.set_content(
            f'<form method="post" action="{server.base}/import/confirm">'
            '<input name="upload" value="x"><button id="go">go</button></form>'
        )
        with window.page.expect_navigation():
            window.page.click("#go")
        assert "Refused" in window.text() or "security token" in window.text()
        assert events_count(tj, url) == 50


def test_a_page_opened_under_another_host_name_is_refused(browser: Browser, site: Served) -> None:
    """DNS rebinding: another name resolving to 127.0.0.1 in the browser; the server answers nothing of the
    journal to it."""
    with tab(browser, site.base) as window:
        response = window.visit("/", base=f"http://{REBIND_NAME}:{site.port}")
        assert response.status == 421
        text = window.text()
        assert "tj serve answers only requests addressed to" in text
        assert "Income" not in text
        window.shot(artifact("web-rebinding-refused.png"))
        assert window.visit("/").status == 200


def test_an_upload_over_the_limit_is_a_413_page(browser: Browser, site: Served, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (security.MAX_BODY_BYTES + 1))
    with tab(browser, site.base) as window:
        window.visit("/import")
        window.page.set_input_files("#files", [str(big)])
        with window.page.expect_navigation() as navigation:
            window.page.click("button[type=submit]")
        response = navigation.value
        assert response is not None and response.status == 413
        assert "Error 413 An import takes at most 50 MB of files at once" in window.text()
        window.shot(artifact("web-import-too-large.png"))
