"""Every real broker export among the fixtures (copied from public repositories' test data; source and licence
in each folder's README) imports whole (issue 13): no error, its unresolved rows counted, and its cash
adding up to the file's own. Counts checked against the files by hand where the figure is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.api import Journal, cash_check, parse_file
from journal.events import Unresolved

FIXTURES = Path(__file__).parent / "fixtures"
# file -> (format, events, unresolved)
REAL = {
    "fidelity/real/History_for_Account_X8YYYYYYY.csv": ("fidelity-csv", 11, 0),
    # amounts anonymised by its authors far from quantity × price (a T-bill among them) stay unresolved
    "fidelity/real/bankroll_fidelity_transactions.csv": ("fidelity-csv", 20, 8),
    # an LSEGY merger whose removal of the old shares is not in the file: no ratio to read
    "fidelity/real/fidelity_csv_all_accounts_transactions_20251204.csv": ("fidelity-csv", 22, 1),
    "ibkr_activity/real/binnaculum_uk_initial_import.csv": ("ibkr-activity-csv", 7, 0),  # forex, GBP
    "ibkr_flex/real/bankroll_ibkr_activity.xml": ("ibkr-flex", 0, 0),  # accruals and a stock-loan fee only
    # a GBP stock with no rate (trade confirmations carry none), a GBP.AUD conversion with a USD commission, a
    # bond named by neither CUSIP nor ISIN, a stock row whose option row is not in the file
    "ibkr_flex/real/bankroll_ibkr_trades.xml": ("ibkr-flex", 11, 4),
    # a CHF-based account's CAD and CHF rows on days with no USD rate in the file (no ConversionRates)
    "ibkr_flex/real/testIBFlexStatementFile01.xml": ("ibkr-flex", 24, 19),
    # a EUR-based account: an option fill with no open/close indicator, EUR rows on days with no USD rate
    "ibkr_flex/real/testIBFlexStatementFile02.xml": ("ibkr-flex", 12, 7),
    "ibkr_flex/real/testIBFlexStatementFile14.xml": ("ibkr-flex", 10, 0),  # a CHF-based account, by its rates
    "ibkr_flex/real/testIBFlexStatementFile17.xml": ("ibkr-flex", 16, 0),  # positions and cash only
    "ibkr_flex/real/testIBFlexStatementFile25.xml": ("ibkr-flex", 4, 0),  # GBP base, EUR/USD dividends
    "ofx/real/etrade_09092023.QFX": ("ofx", 7, 0),
    "ofx/real/fidelity-ira.ofx": ("ofx", 10, 2),  # strike-0.0 listings named by their tickers
    "ofx/real/fidelity.ofx": ("ofx", 24, 0),
    "ofx/real/fidelity_treasury.ofx": ("ofx", 4, 0),  # a Treasury bill bought and redeemed
    "ofx/real/ledger-autosync_fidelity_fee.ofx": ("ofx", 12, 2),  # securities missing from the SECLIST
    "ofx/real/td_ameritrade.ofx": ("ofx", 3, 0),  # with a bond position
    "ofx/real/vanguard_OfxDownload-401k.qfx": ("ofx", 6, 0),  # 401k fund units with no ticker: funds by CUSIP
    "schwab/real/bankroll_schwab_transactions.csv": ("schwab-csv", 36, 0),  # a T-bill bought and redeemed
    # splits and a stock dividend given as shares added (no ratio), a spin-off with no parent or allocation
    "schwab/real/ghostfolio-schwab-export.csv": ("schwab-csv", 116, 5),
    "schwab/real/schwab_csv_brokerage_XX876_Transactions_20220731.csv": ("schwab-csv", 11, 0),
    "tastytrade/real/FutureOptions.csv": ("tastytrade-csv", 21, 0),  # /MES futures options
    "tastytrade/real/MPWImportTest.csv": ("tastytrade-csv", 173, 0),  # an ACAT transfer in
    "tastytrade/real/TsllImportTest.csv": ("tastytrade-csv", 210, 0),  # TSLL special-dividend adjustments
    # SPRT -> GREE1 merger pair, the GREE1 assignment and its stock row, the Delayed Delivery cash in lieu
    "tastytrade/real/tastytrade_transactions_history_180201_to_240817.csv": ("tastytrade-csv", 1046, 0),
    "tastyworks/real/legacy_2018-2020-05.csv": ("tastyworks-csv", 171, 0),
    "tastyworks/real/legacy_2021.csv": ("tastyworks-csv", 237, 0),
    "tastyworks/real/legacy_merged4_2018-2023.csv": ("tastyworks-csv", 962, 0),
}


def test_every_real_export_is_listed() -> None:
    found = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/real/*") if not p.name.endswith(".json")}
    assert found == set(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_export_imports_whole_and_its_cash_adds_up(name: str) -> None:
    path = FIXTURES / name
    fmt, events, unresolved = REAL[name]
    detected, result = parse_file(path)
    assert (detected, result.errors) == (fmt, [])
    assert (len(result.events), sum(isinstance(e, Unresolved) for e in result.events)) == (events, unresolved)
    assert result.booked, "the file's own cash is booked for the self-check"
    assert cash_check(path.name, result) == []


def test_a_partial_history_assumes_the_expiries_of_the_months_not_exported(journal: Journal) -> None:
    """tastyworks 2018 to May 2020, then 2021: the options open in May 2020 expired in the months between.
    Each is assumed expired (18 lots), counted once, and none stays open in 2021."""
    folder = FIXTURES / "tastyworks" / "real"
    journal.import_files([folder / "legacy_2018-2020-05.csv", folder / "legacy_2021.csv"])
    assumed = journal.assumed_expiries()
    assert len(assumed) == 18
    assert min(a.expired for a in assumed).isoformat() == "2020-06-19"
    assert all(lot.instrument.expiry.year > 2020 for lot in journal.lots() if lot.instrument.is_option)
