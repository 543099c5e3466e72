"""Each report of the example journal rendered to HTML and opened in headless Chromium, as a person would:
it loads with no console message (no error, no blocked fetch, no script), shows its key figures, and
leaves screenshots (desktop and phone) and a printed PDF in tests/artifacts/ to look at."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from journal.api import Journal
from journal.reports.cycle import cycle_report
from journal.reports.monthly import monthly_report
from journal.reports.render import render
from journal.reports.weekly import weekly_report
from journal.reports.year import year_report
from tests.reports import browser
from tests.reports.conftest import artifact

pytestmark = pytest.mark.skipif(
    browser.chromium() is None, reason="headless Chromium is not installed (Debian package `chromium`)"
)

# Per report: how to build it from the example journal, the figures a reader must find, the page height.
PAGES = {
    "monthly": (
        lambda j: monthly_report(j, "2024-04", target=Decimal(2000)),
        [
            "Monthly income",
            "513.75",
            "2,000.00",
            "25.69%",
            "Income by underlying",
            "Lots closed",
            "95,910.65",
        ],
        3000,
    ),
    "year": (
        lambda j: year_report(j, 2024),
        ["Year-end summary", "7,363.10", "17,019.15", "Form 8949 by box", "KO-20240318", "848.90"],
        5600,
    ),
    "cycle": (
        lambda j: cycle_report(j, "KO-20241021"),
        ["Wheel cycle KO-20241021", "65.2345", "66.2565", "P 67", "C 64", "bought 100 @ 67"],
        1900,
    ),
    "weekly": (
        lambda j: weekly_report(j, date(2024, 11, 15), target=Decimal(2000)),
        ["Weekly review", "461.54", "22,896.30", "AAPL 220 put 22 Nov 24", "bull put spread"],
        1500,
    ),
}


def _text(dom: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom)).replace("&amp;", "&")


@pytest.fixture(scope="module")
def pages(example: Journal) -> dict[str, Path]:
    out = {}
    for kind, (build, _, _) in PAGES.items():
        path = artifact(f"report-{kind}.html")
        path.write_text(render(kind, build(example), "html"), encoding="utf-8")
        out[kind] = path
    return out


@pytest.mark.parametrize("kind", PAGES)
def test_report_loads_cleanly_and_shows_its_figures(pages: dict[str, Path], kind: str) -> None:
    loaded = browser.load(pages[kind])
    assert loaded.console == []
    text = _text(loaded.dom)
    for figure in PAGES[kind][1]:
        assert figure in text, f"{figure!r} not on the {kind} page"
    assert "<svg" in loaded.dom or kind == "weekly"


@pytest.mark.parametrize("kind", PAGES)
def test_report_screenshots_at_desktop_and_phone_width(pages: dict[str, Path], kind: str) -> None:
    browser.screenshot(pages[kind], artifact(f"report-{kind}-desktop.png"), 1200, PAGES[kind][2])
    browser.screenshot(pages[kind], artifact(f"report-{kind}-phone.png"), 390, 1600)


@pytest.mark.parametrize("kind", ["monthly", "year"])
def test_report_prints_to_pdf(pages: dict[str, Path], kind: str) -> None:
    pdf = browser.print_pdf(pages[kind], artifact(f"report-{kind}.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_markup_in_a_note_stays_text_in_the_browser(tmp_path: Path, write_csv) -> None:
    trades = write_csv(
        """
        date,action,symbol,quantity,price,fees,note
        2024-03-04,STO,AAPL240419P160,1,2.00,0.65,<script>document.title='pwned'</script><img src=x>
        """
    )
    journal = Journal(f"sqlite:///{tmp_path / 'j.sqlite'}")
    try:
        journal.import_files([trades])
        page = tmp_path / "hostile.html"
        page.write_text(render("monthly", monthly_report(journal, "2024-03"), "html"), encoding="utf-8")
    finally:
        journal.close()
    loaded = browser.load(page)
    assert loaded.console == []
    assert "<script" not in loaded.dom and "<img" not in loaded.dom
    assert "<title>Monthly income" in loaded.dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in loaded.dom
