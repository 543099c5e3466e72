"""The IBKR Activity Statement CSV importer: every section it reads, exactly; what it does not model kept as
unresolved with the cash the broker booked; the file's cash checking itself; an overlapping statement adding
nothing twice, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import importers
from importers import ibkr_activity
from journal.api import ImportFailed, Journal, cash_check
from journal.events import (
    CashKind,
    CashMoved,
    CashReported,
    CurrencyConverted,
    OptionAssigned,
    OptionExpired,
    PositionReported,
    SplitApplied,
    TradeExecuted,
    Unresolved,
)
from journal.projections.cycles import flow_of
from tests.importers.golden import FIXTURES

FOLDER = FIXTURES / "ibkr_activity"
OPTIONS = "Trades,Data,Order,Equity and Index Options,USD"
MERGER = (
    "a corporate action (PXD(US7237871071) Merged(Acquisition) WITH US30231G1022 2.3234 for 1 "
    "(XOM, EXXON MOBIL CORP, US30231G1022))"
)
FILES = [
    "wheel_2024.csv",
    "later_overlap.csv",
    "option_eae_section.csv",
    "real/binnaculum_uk_initial_import.csv",
]
D = Decimal


def parse(name: str):
    result = ibkr_activity.parse(FOLDER / name)
    assert result.errors == []
    return result


def of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def statement(tmp_path: Path, *lines: str, name: str = "activity.csv") -> Path:
    head = [
        "Statement,Header,Field Name,Field Value",
        'Statement,Data,Period,"March 1, 2024 - March 31, 2024"',
        "Account Information,Header,Field Name,Field Value",
        "Account Information,Data,Account,U1",
        "Trades,Header,DataDiscriminator,Asset Category,Currency,Symbol,Date/Time,Quantity,T. Price,C. Price,"
        "Proceeds,Comm/Fee,Basis,Realized P/L,MTM P/L,Code",
    ]
    path = tmp_path / name
    path.write_text("\n".join([*head, *lines]) + "\n")
    return path


# -- recognising the file --------------------------------------------------------------------------


def test_identified_by_its_first_line_with_or_without_a_byte_order_mark() -> None:
    for fixture in FILES:
        path = FOLDER / fixture
        assert importers.detect(path) is ibkr_activity, fixture
    assert ibkr_activity.identify(Path("x.csv"), "Statement,Header,Field Name,Field Value\r\n")
    assert not ibkr_activity.identify(Path("x.csv"), "Trades,Header,DataDiscriminator\n")
    assert not ibkr_activity.identify(Path("x.csv"), "Date,Action,Symbol\n")


# -- the wheel statement, by hand ------------------------------------------------------------------


def test_the_wheel_trades_and_option_ends() -> None:
    events = parse("wheel_2024.csv").events
    assert {e.account for e in events} == {"U1234567"}
    assert [
        (e.action.value, e.instrument.name, e.quantity, e.price, e.fees, e.time)
        for e in of(events, TradeExecuted)
    ] == [
        ("BUY", "MSFT", 10, D("403.78"), D("1.00"), datetime(2024, 2, 1, 10, 2, 11)),
        ("STO", "KO    240419P00060000", 1, D("0.85"), D("1.0485"), datetime(2024, 3, 15, 10, 31, 2)),
        ("STO", "KO    240517C00062500", 1, D("0.62"), D("1.0452"), datetime(2024, 4, 22, 9, 45, 10)),
        ("STO", "KO    240621C00065000", 1, D("0.3"), D("1.0433"), datetime(2024, 5, 20, 11, 2, 45)),
        ("STO", "MSFT  240517P00380000", 1, D("2.1"), D("1.0511"), datetime(2024, 4, 2, 13, 14, 15)),
        ("BTC", "MSFT  240517P00380000", 1, D("0.5"), D("1.0511"), datetime(2024, 4, 30, 10, 20, 30)),
        ("STO", "MSFT  240719P00400000", 1, D("5"), D("1.049"), datetime(2024, 6, 20, 14, 5, 6)),
    ]
    # the put assigned and the call assigned (shares called away): each one event with its stock row merged
    assert [
        (e.option.name, e.quantity, e.fees, e.time, e.source.line) for e in of(events, OptionAssigned)
    ] == [
        ("KO    240419P00060000", 1, 0, datetime(2024, 4, 19, 16, 20), 55),
        ("KO    240517C00062500", 1, 0, datetime(2024, 5, 17, 16, 20), 57),
    ]
    assert [(e.option.name, e.quantity, e.fees, e.time) for e in of(events, OptionExpired)] == [
        ("KO    240621C00065000", 1, 0, datetime(2024, 6, 21, 23, 59, 59))
    ]


def test_the_wheel_cash_rows() -> None:
    events = parse("wheel_2024.csv").events
    assert [(e.kind, e.amount, e.symbol, e.time.date(), e.description) for e in of(events, CashMoved)] == [
        (CashKind.DEPOSIT, D("10000"), None, date(2024, 1, 3), "Electronic Fund Transfer"),
        (CashKind.WITHDRAW, D("-500"), None, date(2024, 6, 10), "Disbursement Initiated by Jane Example"),
        (
            CashKind.DIVIDEND,
            D("7.5"),
            "MSFT",
            date(2024, 3, 14),
            "MSFT(US5949181045) Cash Dividend USD 0.75 per Share (Ordinary Dividend)",
        ),
        (
            CashKind.TAX,
            D("-2.25"),
            "MSFT",
            date(2024, 3, 14),
            "MSFT(US5949181045) Cash Dividend USD 0.75 per Share - US Tax",
        ),
        (
            CashKind.TAX,
            D("-0.5"),
            None,
            date(2024, 5, 3),
            "Withholding @ 20% on Credit Interest for Apr-2024",
        ),
        (CashKind.INTEREST, D("12.34"), None, date(2024, 3, 5), "USD Credit Interest for Feb-2024"),
        (CashKind.INTEREST, D("2.5"), None, date(2024, 5, 3), "USD Credit Interest for Apr-2024"),
        (CashKind.INTEREST, D("-3.21"), None, date(2024, 6, 5), "USD Debit Interest for May-2024"),
        (
            CashKind.FEE,
            D("-1.5"),
            None,
            date(2024, 2, 5),
            "Other Fees: E*****67:OPRA TOP OF BOOK NP L1 FOR JAN 2024",
        ),
        (
            CashKind.FEE,
            D("-10"),
            None,
            date(2024, 3, 4),
            "Other Fees: Balance of Monthly Minimum Fee for Feb 2024",
        ),
    ]


def test_the_wheel_unresolved_rows_keep_their_cash_and_name_their_underlyings() -> None:
    events = parse("wheel_2024.csv").events
    kept = [(e.source.line, e.amount, e.symbols, e.reason.split(":")[0]) for e in of(events, Unresolved)]
    assert kept == [
        (
            43,
            D("0"),
            ("NESN",),
            # a CHF trade; the statement gives no rates
            "an amount in CHF (-482.5) with no rate to USD for 2024-02-06 in the statement (it has no Base "
            "Currency Exchange Rate section)",
        ),
        (66, D("-0.62"), ("MESM4",), "a Futures row"),  # only the commission: the notional is no cash
        (
            69,
            D("0"),
            (),
            "an amount in CHF (1000) with no rate to USD for 2024-02-05 in the statement (it has no Base "
            "Currency Exchange Rate section)",
        ),  # a CHF deposit
        (
            96,
            D("0"),
            ("PXD", "XOM"),
            MERGER,
        ),
        (
            99,
            D("0"),
            ("AAPL",),
            "a row of the section 'Transfers', which tj does not read yet",
        ),  # an unknown section
    ]
    raw = of(events, Unresolved)[1].raw
    assert raw.startswith('Trades,Data,Order,Futures,USD,MESM4,"2024-03-04, 09:35:12",1,5150.25')


def test_the_wheel_split_positions_and_ending_cash() -> None:
    events = parse("wheel_2024.csv").events
    (split,) = of(events, SplitApplied)
    assert (split.symbol, split.new, split.old, split.time) == ("NVDA", 10, 1, datetime(2024, 6, 7, 20, 25))
    end = datetime(2024, 6, 28, 23, 59, 59)
    # the CHF position is not reported: the journal books nothing in francs
    assert [(e.instrument.name, e.quantity, e.time) for e in of(events, PositionReported)] == [
        ("MSFT", 10, end),
        ("MSFT  240719P00400000", -1, end),
    ]
    assert [(e.amount, e.time) for e in of(events, CashReported)] == [(D("6546.1718"), end)]


# -- the file checks itself ------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FILES)
def test_the_files_amounts_equal_the_cash_of_its_events(fixture: str) -> None:
    result = parse(fixture)
    assert result.booked
    assert sum(result.booked.values()) == sum(flow_of(e).cash for e in result.events)
    assert cash_check(fixture, result) == []


def test_the_wheel_cash_is_the_statements_ending_cash() -> None:
    result = parse("wheel_2024.csv")
    (reported,) = of(result.events, CashReported)
    assert result.booked == {"U1234567": D("6546.1718")} == {"U1234567": reported.amount}


# -- the option-end section, consolidated accounts, OSI symbols -------------------------------------


def test_option_ends_from_their_own_section_when_trades_lack_them() -> None:
    events = parse("option_eae_section.csv").events
    assert {e.account for e in events} == {"U7654321"}  # "U7654321 (Custom Consolidated)"
    (assigned,) = of(events, OptionAssigned)
    assert (assigned.option.name, assigned.quantity, assigned.fees, assigned.time) == (
        "AMZN  251003P00215000",
        2,
        0,
        datetime(2025, 10, 3),
    )
    (expired,) = of(events, OptionExpired)
    assert (expired.option.name, expired.quantity) == ("TSLA  251017C00470000", 1)
    kept = [(e.source.line, e.amount, e.symbols) for e in of(events, Unresolved)]
    assert kept == [
        (11, D("3597.709583"), ("TSLA",)),  # C;O: closes one position and opens another
        (13, D("10000"), ("BIDU",)),  # the stock row of an assignment without its option row
    ]
    (sale,) = [e for e in of(events, TradeExecuted) if e.instrument.name == "AMZN"]
    assert (sale.action.value, sale.quantity, sale.price, sale.fees) == ("SELL", 50, D("222.1"), D("1.0012"))


# -- the real export -----------------------------------------------------------------------------------


def test_the_real_uk_statement() -> None:
    result = parse("real/binnaculum_uk_initial_import.csv")
    # no Account row in the anonymised file: the default account
    assert {e.account for e in result.events} == {"default"}
    assert [(e.instrument.name, e.quantity, e.price) for e in of(result.events, TradeExecuted)] == [
        ("IP", D("5.4725"), D("36.546043856")),
        ("NWN", D("4.4093"), D("47.626202118")),
    ]
    # the fractional shares' printed price × quantity is a few billionths off the proceeds: booked as the
    # broker booked it, and under a cent not worth a warning
    assert [w.line for w in result.warnings] == []
    assert of(result.events, Unresolved) == []
    # The Forex row: 345 GBP sold for 417.0705 USD; `Comm in USD` -1.993341262 is the USD value of a fee
    # charged in pounds at the statement's GBP rate 1.2023: 1.993341262 / 1.2023 = 1.65794 GBP.
    (converted,) = of(result.events, CurrencyConverted)
    assert (converted.currency, converted.amount, converted.paid_currency, converted.paid) == (
        "USD",
        D("417.0705"),
        "GBP",
        D(-345),
    )
    assert (converted.fees, converted.fx_rate) == (D("1.65794"), None)
    # The GBP deposit of the statement's last day, at its Base Currency Exchange Rate (USD base): 1.2023.
    (deposit,) = of(result.events, CashMoved)
    assert (deposit.kind, deposit.amount, deposit.currency, deposit.fx_rate) == (
        CashKind.DEPOSIT,
        D("348.8"),
        "GBP",
        D("1.2023"),
    )
    # Per currency the events end where the statement does: USD 417.0705 less the two stock buys
    # (411.996438) = 5.074062, the USD Ending Cash; GBP 348.8 - 345 - 1.65794 = 2.14206, Forex Balances.
    per: dict[str, Decimal] = {}
    for e in result.events:
        if isinstance(e, TradeExecuted):
            per[e.currency or "USD"] = per.get(e.currency or "USD", D(0)) + flow_of(e).cash
        elif isinstance(e, CashMoved):
            per[e.currency or "USD"] = per.get(e.currency or "USD", D(0)) + e.amount
        elif isinstance(e, CurrencyConverted):
            per[e.currency] = per.get(e.currency, D(0)) + e.amount
            per[e.paid_currency] = per.get(e.paid_currency, D(0)) + e.paid - e.fees
    (reported,) = of(result.events, CashReported)
    assert per == {"USD": reported.amount, "GBP": D("2.14206")} and reported.amount == D("5.074062")
    # The file's own check adds what its events move, currencies unconverted (journal.api.cash_check keeps
    # one sum an account): -411.996438 + 348.8 - 1.65794
    assert result.booked == {"default": D("-64.854378")}


# -- what cannot be read is refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'Trades,Data,Order,Stocks,USD,KO,"2024-03-15, 10:31:02",abc,60,60,-6000,-1,6001,0,0,O',
            "activity.csv:6: Quantity: not a number (got 'abc')",
        ),
        (
            'Trades,Data,Order,Stocks,USD,KO,"15/03/2024",100,60,60,-6000,-1,6001,0,0,O',
            "activity.csv:6: Date/Time: not a date: expected",
        ),
        (
            f'{OPTIONS},KO 19APR24 60 P,"2024-03-15, 10:31:02",-1,0.85,0.8,85,-1,84,0,0,',
            "activity.csv:6: Code: an option trade needs O (opening) or C (closing)",
        ),
        (
            f'{OPTIONS},KO APR24 60,"2024-03-15, 10:31:02",-1,0.85,0.8,85,-1,84,0,0,O',
            "activity.csv:6: Symbol: not an option symbol",
        ),
        (
            "Dividends,Data,USD,2024-03-14,KO Cash Dividend,7.5",
            "activity.csv:6: a Data line before its section's Header",
        ),
        ("Trades,Footer,x", "activity.csv:6: not an Activity Statement line"),
    ],
)
def test_a_malformed_row_is_an_error_naming_line_and_column(tmp_path: Path, line: str, message: str) -> None:
    result = ibkr_activity.parse(statement(tmp_path, line))
    assert [str(e)[: len(message)] for e in result.errors] == [message]
    assert result.events == []


def test_an_option_end_whose_stock_row_is_missing_is_kept_unresolved(tmp_path: Path) -> None:
    path = statement(
        tmp_path,
        f'{OPTIONS},KO 19APR24 60 P,"2024-04-19, 16:20:00",1,0,0,0,0,0,0,0,A;C',
    )
    result = ibkr_activity.parse(path)
    (kept,) = result.events
    assert isinstance(kept, Unresolved) and kept.symbols == ("KO",) and kept.amount == 0
    assert kept.reason.startswith("an assignment whose stock row is not in this statement")


def test_a_broker_amount_off_the_price_is_taken_with_a_warning(tmp_path: Path) -> None:
    path = statement(
        tmp_path, 'Trades,Data,Order,Stocks,USD,KO,"2024-03-15, 10:31:02",100,60,60,-6000.40,-1,6001.40,0,0,O'
    )
    result = ibkr_activity.parse(path)
    (trade,) = result.events
    assert isinstance(trade, TradeExecuted) and trade.fees == D("1.40")
    assert [str(w) for w in result.warnings] == [
        "activity.csv:6: Proceeds: the broker booked -6001.40: cost or proceeds taken from it, fees "
        "adjusted by 0.40 (got '-6000.40')"
    ]


# -- into a journal ------------------------------------------------------------------------------------


def test_the_wheel_into_a_journal_and_an_overlapping_statement_adds_nothing_twice(journal: Journal) -> None:
    (done,) = journal.import_files([FOLDER / "wheel_2024.csv"])
    assert (done.format, done.events_added, done.duplicates, done.unresolved) == (
        "ibkr-activity-csv",
        29,
        0,
        5,
    )
    assert done.warnings == []
    realized = [
        (r.instrument.name, r.quantity, r.opened, r.closed, r.proceeds, r.cost_basis, r.gain)
        for r in journal.realized(account="U1234567")
    ]
    assert realized == [
        (
            "MSFT  240517P00380000",
            1,
            date(2024, 4, 2),
            date(2024, 4, 30),
            D("208.9489"),
            D("51.0511"),
            D("157.8978"),
        ),
        # the wheel: put premium lowers the shares' basis, call premium raises the proceeds when called away
        ("KO", 100, date(2024, 4, 19), date(2024, 5, 17), D("6310.9548"), D("5916.0485"), D("394.9063")),
        ("KO    240621C00065000", 1, date(2024, 5, 20), date(2024, 6, 21), D("28.9567"), 0, D("28.9567")),
    ]
    assert journal.cash(account="U1234567") == D("6546.1718")
    (later,) = journal.import_files([FOLDER / "later_overlap.csv"])
    assert (later.events_added, later.duplicates) == (6, 4)
    (again,) = journal.import_files([FOLDER / "wheel_2024.csv"])
    assert (again.events_added, again.duplicates) == (0, 29)
    assert journal.cash(account="U1234567") == D("6555.5318")
    assert [(lot.instrument.name, lot.quantity) for lot in journal.lots(account="U1234567")] == [("MSFT", 10)]


def test_a_file_with_an_error_writes_nothing(journal: Journal, tmp_path: Path) -> None:
    bad = statement(
        tmp_path, 'Trades,Data,Order,Stocks,USD,KO,"2024-03-15, 10:31:02",100,x,60,-6000,-1,6001,0,0,O'
    )
    with pytest.raises(ImportFailed):
        journal.import_files([FOLDER / "wheel_2024.csv", bad])
    assert journal.store.count() == 0
