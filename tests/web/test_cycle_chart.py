"""A cycle's page charts a wheel of many strikes from its last year (`listings.CHART_MARKS`): thousands of
strikes over years draw nothing readable (an 8-year wheel at 10^6 events has 4,900); the downloads draw it
whole. Below the limit the chart is the report's own."""

from __future__ import annotations

import pytest

from journal.api import Journal
from journal.reports.views import cycle_view
from journal.web import listings


def test_a_cycle_over_the_limit_is_charted_from_a_year_before_its_last_event(
    example_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = listings.cycle_story(example_journal, "KO-20240318")
    assert found is not None
    data, keys = found
    whole = listings._story_view(data, keys)[3]
    assert whole == listings._story_view(data, keys)[3]
    # KO-20240318 sold 4 options and made 2 share trades: over a limit of 5 it is charted from a year
    # before its last event (2024-08-16), i.e. from 2023-08-17: before it opened, so whole all the same.
    monkeypatch.setattr(listings, "CHART_MARKS", 5)
    assert data["timeline"][-1]["date"] == "2024-08-16"
    assert listings._story_view(data, keys)[3] == whole
    # Its last event a year later (a late dividend, say): the chart starts a year before it.
    later = {**data, "timeline": [*data["timeline"], {**data["timeline"][-1], "date": "2025-06-30"}]}
    view, *_ = listings._story_view(later, [*keys, keys[-1]])
    assert view.charts[0]["caption"].endswith("From 2024-06-30: the downloads draw the whole cycle.")
    assert cycle_view(data).charts[0]["caption"] != view.charts[0]["caption"]
