"""Issue 15 in the Fidelity CSV, Schwab CSV and OFX importers: Treasuries and other bonds (face, price per
100, accrued interest its own INTEREST row, a redemption a sale), funds named by an id, and the corporate
actions these files write (merger, name change and conversion pairs, cash in lieu). Exact events per row
kind (figures derived by hand in the comments), each remaining unresolved row of the real exports with its
reason, every real export's cash adding up, and two files through `journal.api.Journal` on SQLite and
PostgreSQL: a T-bill lot closed at its redemption, shares carried through a merger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from importers import fidelity, ofx, robinhood, schwab
from journal.api import Journal, cash_check, parse_file
from journal.events import (
    CashKind,
    CashMoved,
    Event,
    PositionReported,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import Bond, Stock
from journal.projections.cycles import flow_of
from tests.importers.golden import FIXTURES

D = Decimal


def trade(e: Event) -> tuple[object, ...]:
    assert isinstance(e, TradeExecuted), e
    return (e.action, e.instrument, e.quantity, e.price, e.fees)


def cash(e: Event) -> tuple[object, ...]:
    assert isinstance(e, CashMoved), e
    return (e.kind, e.amount, e.symbol)


def moves_what_it_books(result: object, name: str) -> None:
    """The file's own cash (its amounts added up) is the cash its events move."""
    assert cash_check(name, result) == []  # type: ignore[arg-type]


# -- Fidelity CSV ---------------------------------------------------------------------------------

FIDELITY_HEADER = (
    "Run Date,Action,Symbol,Description,Type,Price ($),Quantity,Commission ($),Fees ($),"
    "Accrued Interest ($),Amount ($),Cash Balance ($),Settlement Date\n"
)
NOTE = "UNITED STATES TREAS NTS NOTE 4.25000% 05/15/2035"
BILL = "UNITED STATES TREAS BILLS ZERO CPN 0.00000% 09/30/2025"
FIDELITY_BONDS = [
    # A bill bought at a price Fidelity prints rounded: 24780.63 × 100 / 25000 = 99.12252 (prints 99.12).
    f"06/02/2025,YOU BOUGHT {BILL} (Cash),912797QB0,{BILL},Cash,99.12,25000,,,,-24780.63,,06/03/2025\n",
    # A note bought between coupons: 10000 × 98.125 / 100 = 9812.50, plus 23.09 accrued = 9835.59 paid.
    f"06/10/2025,YOU BOUGHT {NOTE} (Cash),91282CMM0,{NOTE},Cash,98.125,10000,,,23.09,-9835.59,,06/11/2025\n",
    # Sold: 10000 × 99.5 / 100 = 9950.00, plus 52.31 accrued received = 10002.31 (the column signs it -).
    f"07/01/2025,YOU SOLD {NOTE} (Cash),91282CMM0,{NOTE},Cash,99.5,-10000,,,-52.31,10002.31,,07/02/2025\n",
    # Redeemed at maturity: Fidelity's price 1 is per dollar of face: 25000 at 100 = 25000.00.
    f"09/30/2025,REDEMPTION PAYOUT {BILL} (Cash),912797QB0,{BILL},Cash,1,-25000,,,,25000.00,,\n",
]


def fidelity_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "History_for_Account_X.csv"
    path.write_text(FIDELITY_HEADER + "".join(rows))
    return path


def test_fidelity_bonds_are_bond_trades_and_accrued_interest_is_interest(tmp_path: Path) -> None:
    result = fidelity.parse(fidelity_file(tmp_path, FIDELITY_BONDS))
    assert (result.errors, result.warnings) == ([], [])
    bill = Bond("912797QB0", "bill", date(2025, 9, 30))
    note = Bond("91282CMM0", "note", date(2035, 5, 15))
    bought_bill, bought_note, paid, sold_note, received, redeemed = result.events
    assert trade(bought_bill) == (TradeAction.BUY, bill, D(25000), D("99.12252"), D(0))
    assert trade(bought_note) == (TradeAction.BUY, note, D(10000), D("98.125"), D(0))
    assert cash(paid) == (CashKind.INTEREST, D("-23.09"), "91282CMM0")
    assert trade(sold_note) == (TradeAction.SELL, note, D(10000), D("99.5"), D(0))
    assert cash(received) == (CashKind.INTEREST, D("52.31"), "91282CMM0")
    assert trade(redeemed) == (TradeAction.SELL, bill, D(25000), D(100), D(0))
    assert redeemed.note == "redemption"
    assert (paid.time, paid.key != bought_note.key) == (bought_note.time, True)
    # The description keeps the security's words; the kind, CUSIP and maturity are the instrument.
    assert isinstance(bought_note, TradeExecuted) and bought_note.instrument.description == NOTE  # type: ignore[union-attr]
    moves_what_it_books(result, "History_for_Account_X.csv")


def test_fidelity_a_cusip_whose_words_name_no_bond_stays_unresolved(tmp_path: Path) -> None:
    fund = "SOME PLAN FUND CL I"
    row = f"06/02/2025,YOU BOUGHT {fund} (Cash),31617H102,{fund},Cash,10,5,,,,-50.00,,\n"
    [kept] = fidelity.parse(fidelity_file(tmp_path, [row])).events
    assert isinstance(kept, Unresolved)
    assert kept.reason.startswith("a CD or fund named by CUSIP 31617H102 traded whose description")
    assert (kept.amount, kept.symbols) == (D("-50.00"), ("31617H102",))


FIDELITY_MERGER = [
    " 09/01/2021, MERGER MER FROM G8354H126#REOR M0099999990001 GINKGO BIOWORKS HOLDINGS INC CL A SHS "
    "(DNA) (Cash), DNA, GINKGO BIOWORKS HOLDINGS INC CL A SHS,Cash,,100,,,,,,\n",
    " 09/01/2021, MERGER MER PAYOUT #REOR M0099999990000 SOARING EAGLE ACQUISITION CORP COM USD0 "
    "(G8354H126) (Cash), G8354H126, SOARING EAGLE ACQUISITION CORP COM USD0,Cash,,-100,,,,,,\n",
    " 05/03/2021, YOU BOUGHT SOARING EAGLE ACQUISITION CORP COM USD0 (SRNG) (Cash), SRNG, SOARING EAGLE "
    "ACQUISITION CORP COM USD0,Cash,10,100,,,,-1000.00,,05/04/2021\n",
]


def test_fidelity_a_merger_pair_names_the_old_shares_by_the_ticker_the_file_holds(tmp_path: Path) -> None:
    """The payout row names the old shares by CUSIP; the buy row described alike names them SRNG."""
    merged, bought = fidelity.parse(fidelity_file(tmp_path, FIDELITY_MERGER)).events
    assert isinstance(merged, StockMerged)
    assert (merged.symbol, merged.new_symbol, merged.new, merged.old, merged.time) == (
        "SRNG",
        "DNA",
        D(100),
        D(100),
        datetime(2021, 9, 1),
    )
    assert "CUSIP G8354H126 is SRNG" in merged.note
    assert trade(bought)[:3] == (TradeAction.BUY, Stock("SRNG"), D(100))


def test_fidelity_cash_in_lieu_of_a_fraction_is_in_lieu_cash(tmp_path: Path) -> None:
    # A row as public Fidelity parsers' tests write it: the spun-off child's fraction paid in cash.
    row = (
        "07/06/2026,IN LIEU OF FRX SHARE SPINOFF FROM:(SPGI ) MOBILITY GLOBAL INC COM SHS (MBGL) (Cash),MBGL,"
        "MOBILITY GLOBAL INC COM SHS,Cash,,0,,,,0.88,,\n"
    )
    result = fidelity.parse(fidelity_file(tmp_path, [row]))
    [paid] = result.events
    assert cash(paid) == (CashKind.IN_LIEU, D("0.88"), "MBGL")
    moves_what_it_books(result, "History_for_Account_X.csv")


# -- Schwab CSV -----------------------------------------------------------------------------------

SCHWAB_HEADER = '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n'
SCHWAB_ACTIONS = (
    '"10/14/2024 as of 10/10/2024","Cash In Lieu","SCHB","SCHWAB US LARGE CAP ETF","","","","$5.49"\n'
    '"08/25/2023","Conversion","AMC","AMC ENTERTAINMENT CLASS A","34","","",""\n'
    '"08/25/2023","Conversion","00165C203","AMC ENTERTAINMEN 0% PFDPFD","-344","","",""\n'
    '"08/22/2022 as of 08/19/2022","Spin-off","APE","AMC ENTERTAINMENT 0%PFD SUBJ TO XTRO REDEMPTION",'
    '"344","","",""\n'
    '"07/26/2021","Stock Merger","LCID","LUCID GROUP INC","50","","",""\n'
    '"07/26/2021","Stock Merger","171439102","CHURCHILL CAPITAL IV XXXMANDATORY MERGER EFF: 07/26/21","-50",'
    '"","",""\n'
    '"05/03/2021","Buy","CCIV","CHURCHILL CAPITAL IV","50","$20.00","","-$1000.00"\n'
    '"04/30/2021","Name Change","NEWH","NEWHYDROGEN INC","1,000","","",""\n'
    '"04/30/2021","Name Change","BSRC","BIOSOLAR INC XXXNAME CHANGE EFF: 04/30/21","-1,000","","",""\n'
    '"03/01/2021","Sell","91282CMM0","US TREASURY NOTE 4.25% DUE 05/15/35","10,000","$99.50","","$9950.00"\n'
)


def schwab_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "Individual_XXX234_Transactions.csv"
    path.write_text(SCHWAB_HEADER + body)
    return path


def test_schwab_corporate_action_pairs_cash_in_lieu_and_a_note_sold(tmp_path: Path) -> None:
    result = schwab.parse(schwab_file(tmp_path, SCHWAB_ACTIONS))
    assert result.errors == []
    in_lieu, converted, spun_off, merged, bought, renamed, sold = result.events
    # Cash in lieu of a fraction of SCHB: IN_LIEU cash of SCHB, dated as of.
    assert cash(in_lieu) == (CashKind.IN_LIEU, D("5.49"), "SCHB")
    assert in_lieu.time == datetime(2024, 10, 10)
    # 344 of the preferred (named by CUSIP: no row of the file gives it a ticker) became 34 AMC.
    assert isinstance(converted, StockMerged)
    assert (converted.symbol, converted.new_symbol, converted.new, converted.old) == (
        "00165C203",
        "AMC",
        D(34),
        D(344),
    )
    assert "named by their CUSIP 00165C203" in converted.note
    assert isinstance(spun_off, Unresolved)
    assert spun_off.reason.startswith("a spin-off of 344 APE shares: the file gives neither the parent")
    assert (
        "(2022-08-19,SPINOFF,<parent>,new_symbol=APE,ratio=new:old,allocation=<percent>)" in spun_off.reason
    )
    # CHURCHILL CAPITAL IV's CUSIP is CCIV by the buy row described alike: 50 CCIV -> 50 LCID.
    assert isinstance(merged, StockMerged)
    assert (merged.symbol, merged.new_symbol, merged.new, merged.old, merged.time) == (
        "CCIV",
        "LCID",
        D(50),
        D(50),
        datetime(2021, 7, 26),
    )
    assert trade(bought) == (TradeAction.BUY, Stock("CCIV"), D(50), D(20), D(0))
    # As many shares under a new name: a symbol change.
    assert isinstance(renamed, SymbolChanged) and (renamed.symbol, renamed.new_symbol) == ("BSRC", "NEWH")
    note = Bond("91282CMM0", "note", date(2035, 5, 15))
    assert trade(sold) == (TradeAction.SELL, note, D(10000), D("99.50"), D(0))  # 10000 × 99.50 / 100
    moves_what_it_books(result, "Individual_XXX234_Transactions.csv")


def test_schwab_a_redemption_pair_or_row_is_one_sale_and_a_lone_row_stays_unresolved(tmp_path: Path) -> None:
    gk7, ab1 = (
        '"912797GK7","UNITED STATES TREAS BILLS 0%24 DUE 09/12/24"',
        '"912797AB1","US T BILL DUE 08/15/24"',
    )
    body = (
        f'"09/16/2024","Full Redemption Adj",{gk7},"","","","$5,000.00"\n'
        f'"09/16/2024","Full Redemption",{gk7},"-5,000","","",""\n'
        f'"08/16/2024","Full Redemption",{ab1},"-1,000","","",""\n'
        '"07/01/2024","Full Redemption","912797ZZ9","US T BILL DUE 06/27/24","-2,000","","","$2,000.00"\n'
        f'"06/14/2024","Buy",{gk7},"5,000","$98.7654","","-$4,938.27"\n'
    )
    result = schwab.parse(schwab_file(tmp_path, body))
    assert result.errors == []
    redeemed, lone, one_row, bought = result.events
    bill = Bond("912797GK7", "bill", date(2024, 9, 12))
    assert trade(redeemed) == (TradeAction.SELL, bill, D(5000), D(100), D(0))  # 5000.00 × 100 / 5000
    assert redeemed.source is not None and redeemed.source.line == 3  # the Full Redemption row's
    assert isinstance(lone, Unresolved) and lone.reason.startswith("a redemption's row without its other row")
    # A Full Redemption that writes its cash on its own row: the same sale, 2000.00 × 100 / 2000 = 100.
    assert trade(one_row) == (
        TradeAction.SELL,
        Bond("912797ZZ9", "bill", date(2024, 6, 27)),
        D(2000),
        D(100),
        D(0),
    )
    assert trade(bought) == (TradeAction.BUY, bill, D(5000), D("98.7654"), D(0))  # 5000 × 98.7654 / 100
    moves_what_it_books(result, "Individual_XXX234_Transactions.csv")


# -- OFX ------------------------------------------------------------------------------------------

OFX_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="203" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>0</TRNUID>
<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<INVSTMTRS><DTASOF>20250801</DTASOF><CURDEF>USD</CURDEF>
<INVACCTFROM><BROKERID>example.com</BROKERID><ACCTID>B1</ACCTID></INVACCTFROM>
<INVTRANLIST><DTSTART>20250101</DTSTART><DTEND>20250801</DTEND>
"""
OFX_TAIL = """</INVTRANLIST>
<INVPOSLIST><POSDEBT><INVPOS><SECID><UNIQUEID>023135CF1</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>
<HELDINACCT>CASH</HELDINACCT><POSTYPE>LONG</POSTYPE><UNITS>5000</UNITS><UNITPRICE>101</UNITPRICE>
<MKTVAL>5050</MKTVAL><DTPRICEASOF>20250801</DTPRICEASOF></INVPOS></POSDEBT></INVPOSLIST>
</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>
<SECLISTMSGSRSV1><SECLIST>
<DEBTINFO><SECINFO><SECID><UNIQUEID>91282CMM0</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>
<SECNAME>UNITED STATES TREAS NTS NOTE 4.25000% 05/15/2035</SECNAME></SECINFO><PARVALUE>1000</PARVALUE>
<DEBTTYPE>COUPON</DEBTTYPE><DEBTCLASS>TREASURY</DEBTCLASS><DTMAT>20350515</DTMAT></DEBTINFO>
<DEBTINFO><SECINFO><SECID><UNIQUEID>023135CF1</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>
<SECNAME>AMAZON COM INC 3.15% 08/22/27</SECNAME></SECINFO><PARVALUE>1000</PARVALUE>
<DEBTTYPE>COUPON</DEBTTYPE><DEBTCLASS>CORPORATE</DEBTCLASS></DEBTINFO>
<MFINFO><SECINFO><SECID><UNIQUEID>PLAN00123</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>
<SECNAME>TARGET RETIREMENT 2050 TRUST</SECNAME></SECINFO></MFINFO>
</SECLIST></SECLISTMSGSRSV1></OFX>
"""


def debt(tag: str, fitid: str, day: str, uid: str, units: str, price: str, total: str, accrued: str) -> str:
    inv = "INVBUY" if tag == "BUYDEBT" else "INVSELL"
    return (
        f"<{tag}><{inv}><INVTRAN><FITID>{fitid}</FITID><DTTRADE>{day}</DTTRADE></INVTRAN>"
        f"<SECID><UNIQUEID>{uid}</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>"
        f"<UNITS>{units}</UNITS><UNITPRICE>{price}</UNITPRICE><COMMISSION>0</COMMISSION><TOTAL>{total}</TOTAL>"
        f"<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></{inv}>"
        f"<ACCRDINT>{accrued}</ACCRDINT></{tag}>\n"
    )


OFX_BONDS = (
    # OFX keeps ACCRDINT out of TOTAL: 10000 × 98.125 / 100 = 9812.50 (TOTAL), and 23.09 paid besides.
    debt("BUYDEBT", "B1", "20250610", "91282CMM0", "10000", "98.125", "-9812.50", "23.09")
    # This broker puts it in TOTAL: 9950.00 + 52.31 = 10002.31; the sale's own cash is 9950.00.
    + debt("SELLDEBT", "S1", "20250701", "91282CMM0", "-10000", "99.5", "10002.31", "52.31")
    # UNITS counts bonds of PARVALUE 1000: 5 × 1000 = 5000 face × 101.5 / 100 = 5075.00.
    + debt("BUYDEBT", "B2", "20250715", "023135CF1", "5", "101.5", "-5075.00", "0")
    + "<BUYMF><INVBUY><INVTRAN><FITID>M1</FITID><DTTRADE>20250720</DTTRADE></INVTRAN>"
    "<SECID><UNIQUEID>PLAN00123</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>"
    "<UNITS>10</UNITS><UNITPRICE>50</UNITPRICE><TOTAL>-500</TOTAL><SUBACCTSEC>CASH</SUBACCTSEC>"
    "<SUBACCTFUND>CASH</SUBACCTFUND></INVBUY><BUYTYPE>BUY</BUYTYPE></BUYMF>\n"
)


def test_ofx_bonds_accrued_interest_either_way_a_bond_count_and_a_fund_without_ticker(tmp_path: Path) -> None:
    path = tmp_path / "bonds.ofx"
    path.write_text(OFX_HEAD + OFX_BONDS + OFX_TAIL)
    result = ofx.parse(path)
    assert (result.errors, result.warnings) == ([], [])
    note = Bond("91282CMM0", "note", date(2035, 5, 15))
    amazon = Bond("023135CF1", "bond", date(2027, 8, 22))
    bought, paid, sold, received, corporate, fund, position = result.events
    assert trade(bought) == (TradeAction.BUY, note, D(10000), D("98.125"), D(0))
    assert cash(paid) == (CashKind.INTEREST, D("-23.09"), "91282CMM0")
    assert trade(sold) == (TradeAction.SELL, note, D(10000), D("99.5"), D(0))
    assert cash(received) == (CashKind.INTEREST, D("52.31"), "91282CMM0")
    assert (paid.broker_id, received.broker_id) == ("B1:accrued", "S1:accrued")
    assert trade(corporate) == (TradeAction.BUY, amazon, D(5000), D("101.5"), D(0))
    assert trade(fund) == (TradeAction.BUY, Stock("PLAN00123", kind="fund"), D(10), D(50), D(0))
    assert isinstance(position, PositionReported) and (position.instrument, position.quantity) == (
        amazon,
        5000,
    )
    # The file's cash: -9812.50 - 23.09 (besides TOTAL) + 10002.31 - 5075.00 - 500 = -5408.28.
    assert sum((result.booked or {}).values()) == D("-5408.28")
    assert sum(flow_of(e).cash for e in result.events) == D("-5408.28")
    moves_what_it_books(result, "bonds.ofx")


# -- Robinhood ------------------------------------------------------------------------------------

ROBINHOOD_HEADER = (
    '"Activity Date","Process Date","Settle Date","Instrument","Description","Trans Code","Quantity",'
    '"Price","Amount"\n'
)


def rh(day: str, instrument: str, description: str, code: str, quantity: str) -> str:
    return ",".join(f'"{c}"' for c in (day, day, day, instrument, description, code, quantity, "", "")) + "\n"


def test_robinhood_security_exchange_pairs(tmp_path: Path) -> None:
    """SXCH: the old shares out (a quantity ending in S) and the new in, one day: as many shares are a
    symbol change (FB -> META), other quantities a stock merger new:old (30 SRNG -> 3 DNA: 3 for 30)."""
    body = (
        rh("6/9/2022", "META", "Meta Platforms\nCUSIP: 30303M102", "SXCH", "10")
        + rh("6/9/2022", "FB", "Facebook\nCUSIP: 30303M102", "SXCH", "10S")
        + rh("9/16/2021", "SRNG", "Soaring Eagle", "SXCH", "30S")
        + rh("9/16/2021", "DNA", "Ginkgo Bioworks", "SXCH", "3")
        + rh("3/2/2024", "XYZ", "A lone exchange", "SXCH", "5")
    )
    path = tmp_path / "activity.csv"
    path.write_text(ROBINHOOD_HEADER + body)
    result = robinhood.parse(path)
    assert result.errors == []
    renamed, merged, lone = result.events
    assert isinstance(renamed, SymbolChanged) and (renamed.symbol, renamed.new_symbol) == ("FB", "META")
    assert renamed.time == datetime(2022, 6, 9) and renamed.source is not None and renamed.source.line == 4
    assert isinstance(merged, StockMerged)
    assert (merged.symbol, merged.new_symbol, merged.new, merged.old) == ("SRNG", "DNA", D(3), D(30))
    assert isinstance(lone, Unresolved)
    assert lone.reason.startswith("a security exchange (SXCH) of 0 row(s) out and 1 in on one day")


# -- the real exports -----------------------------------------------------------------------------

# Every real export of these formats: (format, events, the unresolved rows as (line, the reason's start)).
ANONYMISED = "the broker booked"  # bankroll's authors changed amounts far from quantity × price
# Fidelity's listing of IWM: a strike of 0, a call's ticker, OPTTYPE put: not read, never guessed.
IWM = "an option listed with the strike 0 whose ticker IWM220826C207 is a call but OPTTYPE says put"
REAL: dict[str, tuple[str, int, list[tuple[int, str]]]] = {
    "fidelity/real/History_for_Account_X8YYYYYYY.csv": ("fidelity-csv", 11, []),
    "fidelity/real/bankroll_fidelity_transactions.csv": (
        "fidelity-csv",
        20,
        # All eight: amounts anonymised beyond any fee (the T-bill bought on line 13 among them:
        # 10000 × 98.75 / 100 = 9875.00 against 10576.20 booked). The notes and the redemption are bonds.
        [(line, ANONYMISED) for line in (8, 9, 10, 13, 17, 18, 20, 22)],
    ),
    "fidelity/real/fidelity_csv_all_accounts_transactions_20251204.csv": (
        "fidelity-csv",
        22,
        # LSEGY in from CUSIP 54211N101 with 30246.04 of cash and no row removing the old shares.
        [(17, "a merger's new shares (1060 LSEGY from CUSIP 54211N101, and 30246.04 of cash) without")],
    ),
    "schwab/real/bankroll_schwab_transactions.csv": ("schwab-csv", 36, []),
    "schwab/real/schwab_csv_brokerage_XX876_Transactions_20220731.csv": ("schwab-csv", 11, []),
    "schwab/real/ghostfolio-schwab-export.csv": (
        "schwab-csv",
        116,
        [
            (108, "a split that gives the shares added or removed (9 shares), not the ratio"),  # AVGO
            (110, "a stock dividend of 4 AMC shares"),  # the ratio would need the holding
            (111, "a split that gives the shares added or removed (1 shares), not the ratio"),  # TNXP
            (112, "the old shares (890260854, TONIX PHARMA HLDGS"),  # its reverse split's other row
            (113, "a spin-off of 344 APE shares: the file gives neither the parent"),  # no Form 8937 figure
        ],
    ),
    "ofx/real/etrade_09092023.QFX": ("ofx", 7, []),
    "ofx/real/fidelity-ira.ofx": ("ofx", 10, [(115, IWM), (201, IWM)]),  # its sale and its expiry
    "ofx/real/fidelity.ofx": ("ofx", 24, []),
    "ofx/real/fidelity_treasury.ofx": ("ofx", 4, []),  # the T-bill bought, redeemed, and its POSDEBT
    "ofx/real/ledger-autosync_fidelity_fee.ofx": (
        "ofx",
        12,
        [  # what these securities are, the file does not say
            (45, "a security not listed in the file's <SECLIST> (CUSIP 929042109)"),
            (65, "a security not listed in the file's <SECLIST> (CUSIP Z9977810Z)"),
        ],
    ),
    "ofx/real/td_ameritrade.ofx": ("ofx", 3, []),
    "ofx/real/vanguard_OfxDownload-401k.qfx": ("ofx", 6, []),  # the 401k fund VGI007743's units
}


def test_every_real_export_of_these_formats_is_listed() -> None:
    found = {
        str(p.relative_to(FIXTURES))
        for folder in ("fidelity", "schwab", "ofx")
        for p in (FIXTURES / folder / "real").iterdir()
        if not p.name.endswith((".json", ".md"))
    }
    assert found == set(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_export_s_remaining_unresolved_rows_are_each_for_their_reason(name: str) -> None:
    fmt, events, kept = REAL[name]
    detected, result = parse_file(FIXTURES / name)
    assert (detected, result.errors) == (fmt, [])
    assert len(result.events) == events
    unresolved = [e for e in result.events if isinstance(e, Unresolved)]
    assert len(unresolved) == len(kept)
    for event, (line, reason) in zip(unresolved, kept, strict=True):
        assert event.source is not None and event.source.line == line
        assert event.reason.startswith(reason), event.reason
    assert cash_check(name, result) == []


# -- through the journal, on SQLite and PostgreSQL ------------------------------------------------


def test_the_schwab_t_bill_lot_closes_at_its_redemption(journal: Journal) -> None:
    """bankroll's Schwab export: 10000 face of 912586AC5 bought 2018-03-25 for 9956.80, redeemed on its
    maturity 2018-06-02 for 10000.00 (Full Redemption + Adj). The lot closes; the whole gain, the discount
    10000.00 - 9956.80 = 43.20, is interest (Pub 550, U.S. Treasury bills), so no Form 8949 row."""
    path = FIXTURES / "schwab" / "real" / "bankroll_schwab_transactions.csv"
    [done] = journal.import_files([path])
    assert (done.events_added, done.unresolved) == (36, 0)
    [held] = [lot for lot in journal.lots(as_of=date(2018, 5, 31)) if lot.instrument.name == "912586AC5"]
    assert (held.quantity, held.basis, held.opened) == (D(10000), D("9956.80"), date(2018, 3, 25))
    assert held.instrument == Bond("912586AC5", "bill", date(2018, 6, 2))
    assert [lot for lot in journal.lots() if lot.instrument.name == "912586AC5"] == []
    assert [r for r in journal.realized() if r.instrument.name == "912586AC5"] == []
    books = journal.books()
    assert [(i.amount, i.symbol, i.time.date()) for i in books.interest] == [
        (D("43.20"), "912586AC5", date(2018, 6, 2))
    ]
    june = [m for m in journal.month_income() if m.month == "2018-06" and m.underlying == "912586AC5"]
    assert [m.interest for m in june] == [D("43.20")]


def test_shares_go_on_through_the_fidelity_and_schwab_mergers(journal: Journal, tmp_path: Path) -> None:
    """100 SRNG bought for 1000.00 on 2021-05-03 become 100 DNA (Fidelity's pair); 50 CCIV bought for
    1000.00 become 50 LCID (Schwab's): basis and acquisition date carried over, nothing realized."""
    (tmp_path / "f").mkdir()
    (tmp_path / "s").mkdir()
    journal.import_files(
        [fidelity_file(tmp_path / "f", FIDELITY_MERGER), schwab_file(tmp_path / "s", SCHWAB_ACTIONS)],
        account="A1",
    )
    held = {
        lot.instrument.name: (lot.quantity, lot.basis, lot.acquired) for lot in journal.lots(account="A1")
    }
    assert held["DNA"] == (D(100), D("1000.00"), date(2021, 5, 3))
    assert held["LCID"] == (D(50), D("1000.00"), date(2021, 5, 3))
    assert "SRNG" not in held and "CCIV" not in held
    assert [
        r for r in journal.realized(account="A1") if r.underlying in ("DNA", "SRNG", "LCID", "CCIV")
    ] == []


def test_fidelity_bonds_through_the_journal(journal: Journal, tmp_path: Path) -> None:
    """The note bought for 9812.50 (+ 23.09 accrued, interest paid) and sold for 9950.00 (+ 52.31 accrued,
    interest received) is a capital sale: 9950.00 - 9812.50 = 137.50, short term. The bill bought for
    24780.63 and redeemed at maturity for 25000.00 closes with its discount 219.37 as interest, no 8949
    row. Cash: -24780.63 - 9835.59 + 10002.31 + 25000.00 = 386.09."""
    journal.import_files([fidelity_file(tmp_path, FIDELITY_BONDS)], account="F1")
    assert [
        (r.instrument.name, r.quantity, r.proceeds, r.cost_basis, r.term) for r in journal.realized()
    ] == [("91282CMM0", D(10000), D("9950.00"), D("9812.50"), "short")]
    assert [(i.amount, i.symbol) for i in journal.books().interest] == [(D("219.37"), "912797QB0")]
    assert journal.lots() == []
    income: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for m in journal.month_income():  # by month and underlying, over the strategies
        interest, realized = income.get((m.month, m.underlying), (D(0), D(0)))
        income[(m.month, m.underlying)] = (interest + m.interest, realized + m.realized)
    assert income == {
        ("2025-06", "91282CMM0"): (D("-23.09"), D(0)),
        ("2025-07", "91282CMM0"): (D("52.31"), D("137.50")),
        ("2025-09", "912797QB0"): (D("219.37"), D(0)),
    }
    assert journal.cash() == D("386.09")
