"""Each page of `tj serve` over the example journal, from the real server on a loopback port: it answers
200 and shows its key figures, the very ones `tj ... --format json` (the API) gives."""

from __future__ import annotations

import re
from decimal import Decimal

from journal.api import Journal
from journal.reports.monthly import monthly_report
from journal.reports.views import money_text
from tests.web.server import Served


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def test_home_shows_the_months_income_as_the_monthly_report_has_it(
    site: Served, example_journal: Journal
) -> None:
    reply = site.get("/?as_of=2024-04-30")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    expected = monthly_report(example_journal, "2024-04", today=__import__("datetime").date(2024, 4, 30))
    page = text_of(reply.text)
    assert Decimal(expected["income"]) == Decimal("513.75")
    assert money_text(expected["income"]) in page
    assert "Income, last 12 months" in page


def test_a_bad_date_is_a_400_page_naming_the_parameter(site: Served) -> None:
    reply = site.get("/?as_of=2024-13-01")
    assert reply.status == 400
    assert "as_of: not a date" in text_of(reply.text)
    assert "Traceback" not in reply.text


def test_an_unknown_page_is_a_404_page(site: Served) -> None:
    reply = site.get("/no-such-page")
    assert reply.status == 404
    assert "Error 404" in reply.text
