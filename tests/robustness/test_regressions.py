"""What the property test (test_any_journal.py) found, each pinned with its exact output: journals within
the bounds that once broke a command."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from journal.api import Journal
from journal.instruments import OptionContract
from journal.money import cents, per_unit, plain
from journal.projections.lots import Lot
from journal.projections.positions import capital_total, open_positions
from journal.reports.charts import nice_range
from journal.reports.views import price_text

# Four 1:1,000,000 splits of one share bought at 497: 1e-24 of a share at 4.97e26 a share.
SPLIT_FOUR_TIMES = "date,action,symbol,quantity,price\n2024-01-02,BUY,KO,1,497\n" + "".join(
    f"2024-01-0{n},SPLIT,KO,1:1000000,\n" for n in range(3, 7)
)


def test_a_long_and_a_short_lot_of_one_contract_that_net_to_nothing_are_no_position() -> None:
    call = OptionContract("KO", date(2024, 1, 19), "C", Decimal(60))
    flat = [
        Lot("a", "IRA", call, date(2024, 1, 2), Decimal(1), Decimal("100.65")),
        Lot("b", "IRA", call, date(2024, 1, 2), Decimal(-1), Decimal("-149.35")),
    ]
    assert open_positions(flat) == []
    assert capital_total(flat) == (Decimal(0), False)


def test_a_contract_bought_and_sold_to_open_on_one_day_lists_its_lots_and_no_position(
    journal: Journal, write_csv
) -> None:
    journal.import_files(
        [
            write_csv(
                "date,action,symbol,quantity,price,fees\n"
                "2024-01-02,BTO,KO240119C60,1,1.00,0.65\n"
                "2024-01-02,STO,KO240119C60,1,1.50,0.65\n"
            )
        ]
    )
    assert [(lot.quantity, lot.basis) for lot in journal.lots()] == [
        (Decimal(1), Decimal("100.65")),
        (Decimal(-1), Decimal("149.35")),
    ]
    assert journal.positions() == []
    assert journal.positions(date(2024, 1, 5)) == []


def test_figures_of_any_magnitude_round_for_output() -> None:
    # Four 1:1,000,000 splits leave 1e-24 of a share: its basis per share needs 31 digits at four places.
    per_share = Decimal("497") / Decimal("1E-24")
    assert per_unit(per_share) == "497000000000000000000000000.0000"
    assert cents(Decimal("-1E+25")) == "-10000000000000000000000000.00"
    assert plain(Decimal("1E+30")) == "1000000000000000000000000000000"
    assert plain(Decimal("1E-24")) == "0.000000000000000000000001"
    assert (cents(Decimal("0.005")), per_unit(Decimal("-0.00005")), plain(Decimal("0E-10"))) == (
        "0.01",
        "-0.0001",
        "0",
    )


def test_a_lot_split_down_to_a_trillionth_of_a_trillionth_of_a_share_is_listed(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(SPLIT_FOUR_TIMES)), db=db_url, check=True)

    done = tj("lots", "--format", "json", db=db_url, check=True)

    [lot] = json.loads(done.stdout)
    assert (lot["quantity"], lot["cost_basis"], lot["basis_per_unit"]) == (
        "0.000000000000000000000001",
        "497.00",
        "497000000000000000000000000.0000",
    )


def test_a_per_share_price_of_any_magnitude_is_shown_with_separators() -> None:
    assert price_text("497000000000000000000000000") == "497,000,000,000,000,000,000,000,000.00"
    assert (price_text("58.893"), price_text("60"), price_text(None)) == ("58.8930", "60.00", "\u2014")


def test_a_chart_axis_spans_tiny_and_huge_prices() -> None:
    assert nice_range(1e-10, 2e-10) == (1e-10, 2e-10, 2.5e-11)
    assert nice_range(0.0, 1e-12) == (0.0, 1e-12, 2.5e-13)
    assert nice_range(1e25, 1e25) == (8.999999999999999e24, 1.1e25, 5e23)
    assert nice_range(55.5, 60.0) == (55.0, 60.0, 1.0)  # as before


def test_the_story_of_a_wheel_split_down_to_nothing_is_told(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(SPLIT_FOUR_TIMES)), db=db_url, check=True)

    done = tj("report", "cycle", "KO-20240102", "--format", "md", db=db_url, check=True)

    assert (
        "| Break-even | 497,000,000,000,000,000,000,000,000.00 | premium-adjusted, per share |" in done.stdout
    )
    html = tj("report", "cycle", "KO-20240102", "--format", "html", db=db_url, check=True).stdout
    assert ">497000000000000000000000000.00<" in html  # the break-even's label at the chart's end


def test_an_option_struck_at_100000_or_more_is_refused(tj, tmp_path, write_csv) -> None:
    # It once imported, and its name (more than OCC's eight digits) read back as a stock: every listing broke.
    db = f"sqlite:///{tmp_path / 'j.sqlite'}"
    path = write_csv("date,action,symbol,quantity,price\n2024-01-02,STO,NDX240119P150000,1,2\n")

    done = tj("import", str(path), db=db)

    assert (done.returncode, done.stderr) == (
        1,
        "trades.csv:2: symbol: not an option symbol: a strike is at most 99,999.999 "
        "(got 'NDX240119P150000')\ntj import: nothing was written\n",
    )
    assert tj("lots", "--format", "json", db=db, check=True).stdout == "[]\n"
