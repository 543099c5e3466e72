"""What tj does not understand, in the browser: an unresolved row is counted on the home page, listed
with its reason, and its event page shows the row as the broker wrote it; every page it may touch says so
first; broker text with markup stays text. Both engines, each test its own journal and server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest

from journal.api import Journal
from journal.events import SourceRef, Unresolved
from tests.web.html import links, tables, text_of
from tests.web.server import Served, serving

TRADES = """\
date,account,action,symbol,quantity,price,fees,amount,note
2024-03-01,A,DEPOSIT,,,,,10000,
2024-03-04,A,STO,SPRT240419P5,2,0.50,1.30,,<script>document.title='pwned'</script><img src=x>
"""
MERGER = Unresolved(
    account="A",
    time=datetime(2024, 3, 15),
    key="row:merger-1",
    source=SourceRef("broker.csv", "0" * 64, 7),
    reason="a stock merger: not modelled yet",
    raw="03/15/2024,Receive Deliver,Stock Merger,SPRT,...",
    amount=Decimal("-37.50"),
    symbols=("SPRT", "GREE"),
)


@pytest.fixture
def served(db_url: str, write_csv) -> Iterator[Served]:
    journal = Journal(db_url)
    try:
        journal.import_files([write_csv(TRADES)])
        journal.store.append([MERGER])
    finally:
        journal.close()
    with serving(db_url) as site:
        yield site


def test_home_counts_and_lists_the_unresolved_rows(served: Served) -> None:
    html = served.get("/?as_of=2024-03-20").text
    text = text_of(html)
    assert "Unresolved rows 1" in text
    table = next(t for t in tables(html) if t[0][:3] == ["Date", "Account", "Underlyings"])
    assert table[1] == [
        "2024-03-15",
        "A",
        "SPRT GREE",
        "\u221237.50",
        "a stock merger: not modelled yet",
        "broker.csv:7",
    ]
    assert "/events/row:merger-1" in links(html)
    assert (
        "Incomplete: unresolved rows may change these figures (GREE from 2024-03-15, SPRT from 2024-03-15)"
        in text
    )


def test_the_unresolved_rows_page_shows_the_row_as_the_broker_wrote_it(served: Served) -> None:
    reply = served.get("/events/row:merger-1")
    assert reply.status == 200
    text = text_of(reply.text)
    assert "03/15/2024,Receive Deliver,Stock Merger,SPRT,..." in text
    assert "Not understood a stock merger: not modelled yet" in text
    assert "Source broker.csv:7" in text


def test_a_listing_of_an_incomplete_underlying_says_so_first(served: Served) -> None:
    text = text_of(served.get("/cycles?underlying=SPRT").text)
    assert text.index("Incomplete: unresolved rows may change these figures") < text.index("SPRT-20240304")
    assert "Incomplete" not in text_of(served.get("/cycles?underlying=QQQ").text)


def test_markup_in_a_note_stays_text(served: Served) -> None:
    for path in ("/events", "/reports/monthly/2024-03", "/cycles/SPRT-20240304"):
        html = served.get(path).text
        assert "<script" not in html and "<img" not in html, path
    event = next(h for h in links(served.get("/events?type=TradeExecuted").text) if h.startswith("/events/"))
    html = served.get(event).text
    assert "&lt;script&gt;document.title=" in html and "<script" not in html
    assert date(2024, 3, 4).isoformat() in text_of(html)


def test_a_voided_event_is_marked_on_the_events_page_and_feeds_nothing(db_url: str, write_csv) -> None:
    journal = Journal(db_url)
    try:
        journal.import_files([write_csv(TRADES)])
        sale = next(s.event for s in journal.events() if s.event.type_name == "TradeExecuted")
        journal.void(journal.void_plan(keys=[sale.key]), reason="wrong account")
    finally:
        journal.close()
    with serving(db_url) as site:
        listing = text_of(site.get("/events").text)
        assert "(voided) sold 2 SPRT 5 put 19 Apr 24" in listing
        page = text_of(site.get(f"/events/{sale.key}").text)
        assert "Voided yes: a void took it back; it counts in no figure" in page
        assert "No lot, realized row, cycle, roll chain or wash sale shows this event." in page
        assert "/cycles/SPRT-20240304" not in links(site.get(f"/events/{sale.key}").text)
