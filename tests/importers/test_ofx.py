"""The OFX / QFX importer: both OFX versions and their headers, every aggregate it maps, assignments merged
with their stock legs, errors with a place, and E*TRADE wheels imported end to end on both databases.

The fixtures and where each fact in them comes from: fixtures/ofx/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import importers
from importers import journal_csv, ofx
from journal.api import ImportFailed, Journal
from journal.events import (
    CashKind,
    CashMoved,
    CashReported,
    Event,
    OptionAssigned,
    OptionExercised,
    OptionExpired,
    PositionReported,
    SecurityTransferred,
    SplitApplied,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import Bond, OptionContract, Stock
from tests.importers.golden import FIXTURES

HERE = FIXTURES / "ofx"
ETRADE_MAY = HERE / "etrade_2024-05.qfx"
ETRADE_JUNE = HERE / "etrade_2024-06.qfx"
EXAMPLE_V2 = HERE / "exampletrader_v203.ofx"
OFX_FIXTURES = (ETRADE_MAY, ETRADE_JUNE, EXAMPLE_V2)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the importer visible to `Journal.import_files` (importers/__init__.py is not this module's to
    edit: registering it there is the lead's step)."""
    if ofx not in importers.IMPORTERS:
        monkeypatch.setattr(importers, "IMPORTERS", (*importers.IMPORTERS, ofx))
    yield


def head(path: Path) -> str:
    return path.read_bytes()[:8192].decode("utf-8", errors="replace")


def d(year: int, month: int, day: int) -> date:
    return date(year, month, day)


# -- a small E*TRADE-style statement to edit: one line per element, so every line number is known --------

V1_HEADER = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:{charset}
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

"""
V2_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    '<?OFX OFXHEADER="200" VERSION="203" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
)
# Lines 11-15 (after the OFX 1 header); the first transaction starts on line 16.
BODY_START = """<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240315200000.000[-4:EDT]<LANGUAGE>ENG<FI><ORG>E*TRADE<FID>9999</FI></SONRS></SIGNONMSGSRSV1>
<INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>0<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<INVSTMTRS><DTASOF>20240315200000.000[-4:EDT]<CURDEF>USD<INVACCTFROM><BROKERID>etrade.com<ACCTID>83651207</INVACCTFROM>
<INVTRANLIST><DTSTART>20240101<DTEND>20240315
"""
# Lines 16-37.
STO_PUT = """<SELLOPT>
<INVSELL>
<INVTRAN>
<FITID>240301_S_0
<DTTRADE>20240301170000.000
<MEMO>PUT KO 03/15/24 60 COCA COLA CO SOLD TO OPEN @ 0.85
</INVTRAN>
<SECID>
<UNIQUEID>KO240315P00060000
<UNIQUEIDTYPE>CUSIP
</SECID>
<UNITS>-1
<UNITPRICE>0.85
<COMMISSION>0.50
<FEES>0.02
<TOTAL>84.48
<SUBACCTSEC>CASH
<SUBACCTFUND>CASH
</INVSELL>
<OPTSELLTYPE>SELLTOOPEN
<SHPERCTRCT>100
</SELLOPT>
"""
ASSIGNED_PUT = """<CLOSUREOPT>
<INVTRAN>
<FITID>240315_OA_0
<DTTRADE>20240315170000.000
<MEMO>PUT KO 03/15/24 60 COCA COLA CO ASSIGNED
</INVTRAN>
<SECID>
<UNIQUEID>KO240315P00060000
<UNIQUEIDTYPE>CUSIP
</SECID>
<OPTACTION>ASSIGN
<UNITS>1
<SHPERCTRCT>100
<SUBACCTSEC>CASH
</CLOSUREOPT>
"""
SHARES_BOUGHT = """<BUYSTOCK>
<INVBUY>
<INVTRAN>
<FITID>240318_B_0
<DTTRADE>{day}170000.000
<MEMO>COCA COLA CO COM @  {price} ASSIGNED PUT
</INVTRAN>
<SECID>
<UNIQUEID>99K0C0101
<UNIQUEIDTYPE>CUSIP
</SECID>
<UNITS>100
<UNITPRICE>{price}
<FEES>{fees}
<TOTAL>{total}
<SUBACCTSEC>CASH
<SUBACCTFUND>CASH
</INVBUY>
<BUYTYPE>BUY
</BUYSTOCK>
"""
SHARES_ASSIGNED = """<CLOSUREOPT>
<INVTRAN>
<FITID>240315_OA_1
<DTTRADE>20240315170000.000
</INVTRAN>
<SECID>
<UNIQUEID>99K0C0101
<UNIQUEIDTYPE>CUSIP
</SECID>
<OPTACTION>ASSIGN
<UNITS>{units}
<SHPERCTRCT>100
<SUBACCTSEC>CASH
</CLOSUREOPT>
"""
BODY_END = """</INVTRANLIST>
<INVBAL><AVAILCASH>84.48<MARGINBALANCE>0<SHORTBALANCE>0</INVBAL>
</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>
<SECLISTMSGSRSV1><SECLIST>
<STOCKINFO><SECINFO><SECID><UNIQUEID>99K0C0101<UNIQUEIDTYPE>CUSIP</SECID><SECNAME>{name}<TICKER>KO</SECINFO></STOCKINFO>
<OPTINFO>
<SECINFO><SECID><UNIQUEID>KO240315P00060000<UNIQUEIDTYPE>CUSIP</SECID><SECNAME>KO Mar 15 '24 $60 Put</SECINFO>
<OPTTYPE>PUT<STRIKEPRICE>{strike}<DTEXPIRE>20240315<SHPERCTRCT>100
<SECID><UNIQUEID>99K0C0101<UNIQUEIDTYPE>CUSIP</SECID>
</OPTINFO>
</SECLIST></SECLISTMSGSRSV1>
</OFX>
"""


def statement(
    transactions: str = STO_PUT,
    *,
    charset: str = "1252",
    name: str = "COCA COLA CO COM",
    strike: str = "60",
    header: str | None = None,
) -> str:
    top = V1_HEADER.format(charset=charset) if header is None else header
    return top + BODY_START + transactions + BODY_END.format(name=name, strike=strike)


def write(tmp_path: Path, text: str | bytes, name: str = "DownloadTxnQFX.qfx") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252") if isinstance(text, str) else text)
    return path


def parse_text(tmp_path: Path, text: str | bytes, account: str | None = None) -> list[Event]:
    result = ofx.parse(write(tmp_path, text), account)
    assert [str(e) for e in result.errors] == []
    return result.events


def errors(tmp_path: Path, text: str | bytes) -> list[str]:
    result = ofx.parse(write(tmp_path, text))
    return [str(e) for e in result.errors]


# -- recognising the files ------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", OFX_FIXTURES, ids=lambda p: p.name)
def test_recognises_the_fixtures_and_journal_csv_does_not(fixture: Path) -> None:
    assert ofx.identify(fixture, head(fixture))
    assert not journal_csv.identify(fixture, head(fixture))


@pytest.mark.parametrize(
    "text",
    [
        statement(),  # OFX 1 SGML
        V2_HEADER + "<OFX>",  # OFX 2 XML
        '<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="203"?>\n<OFX>',  # attributes left out
        '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>',
        "\ufeff" + statement(),  # a byte-order mark
        "\r\n\r\nOFXHEADER: 100\r\nDATA: OFXSGML\r\n",  # blank lines first, a space after the colon
        "<OFX>\n<SIGNONMSGSRSV1>",  # no header: claimed, so that parse says what is missing
    ],
)
def test_recognises_ofx_by_its_header(tmp_path: Path, text: str) -> None:
    assert ofx.identify(tmp_path / "statement.txt", text)


@pytest.mark.parametrize(
    "text",
    [
        "date,action,symbol,quantity,price,fees,amount\n2024-01-02,BUY,AAPL,1,100,0,\n",
        '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n',
        '<?xml version="1.0" encoding="UTF-8"?>\n<FlexQueryResponse queryName="q" type="AF">',
        '<?xml version="1.0"?>\n<html><body>OFXHEADER:100</body></html>',
        "!Type:Invst\nD6/11'06\n",  # QIF
        "",
    ],
)
def test_does_not_claim_other_files(tmp_path: Path, text: str) -> None:
    assert not ofx.identify(tmp_path / "statement.qfx", text)


def test_claims_no_other_importers_fixture() -> None:
    others = [
        p
        for p in FIXTURES.rglob("*")
        if p.is_file()
        and "ofx" not in p.relative_to(FIXTURES).parts
        and not p.name.endswith((".json", ".md"))
    ]
    assert others, "the other importers' fixtures are where they were"
    assert [p.name for p in others if ofx.identify(p, head(p))] == []


# -- the facts, checked by hand -------------------------------------------------------------------------


def by_line(path: Path) -> dict[int, list[Event]]:
    result = ofx.parse(path)
    assert result.errors == []
    lines: dict[int, list[Event]] = {}
    for event in result.events:
        assert event.source is not None and event.source.file == path.name
        lines.setdefault(event.source.line, []).append(event)
    return lines


def test_etrade_put_assigned_with_its_share_purchase_three_days_later_is_one_event() -> None:
    events = by_line(ETRADE_MAY)
    (assigned,) = events[271]  # CLOSUREOPT 240308_OA_0; the BUYSTOCK 240311_B_0 100 KO @ 60 is merged
    assert isinstance(assigned, OptionAssigned)
    assert assigned.option == OptionContract("KO", d(2024, 3, 8), "P", Decimal(60))
    assert (assigned.quantity, assigned.fees, assigned.time) == (1, 0, datetime(2024, 3, 8, 17, 0))
    assert (assigned.account, assigned.broker_id) == ("83651207", "240308_OA_0")
    assert assigned.note.endswith("shares: FITID 240311_B_0")
    trades = [e for group in events.values() for e in group if isinstance(e, TradeExecuted)]
    assert [t.instrument for t in trades if not t.instrument.is_option] == [Stock("NSRGY")]


def test_etrade_call_assigned_takes_the_share_sales_fee() -> None:
    (assigned,) = by_line(ETRADE_MAY)[115]  # + SELLSTOCK 240517_S_0: 100 KO @ 62, FEES 0.05
    assert isinstance(assigned, OptionAssigned)
    assert assigned.option.name == "KO    240517C00062000"
    assert (assigned.quantity, assigned.fees) == (1, Decimal("0.05"))


def test_etrade_expiry_posted_on_monday_closes_on_the_expiration_date() -> None:
    (expired,) = by_line(ETRADE_MAY)[185]  # DTTRADE 2024-04-22 for the 2024-04-19 call
    assert isinstance(expired, OptionExpired)
    assert expired.time == datetime(2024, 4, 19, 23, 59, 59)


def test_etrade_option_trades_fees_are_commission_plus_fees_and_price_is_per_share() -> None:
    (sold,) = by_line(ETRADE_MAY)[307]  # UNITS -1, UNITPRICE 0.85, COMMISSION 0.50, FEES 0.02, TOTAL 84.48
    assert isinstance(sold, TradeExecuted)
    assert (sold.action, sold.quantity, sold.price, sold.fees) == (
        TradeAction.STO,
        1,
        Decimal("0.85"),
        Decimal("0.52"),
    )
    assert sold.instrument.multiplier == 100 and sold.gross == Decimal("85.00")


def test_etrade_cp1252_text_is_decoded_and_foreign_tax_is_a_fee_on_the_symbol() -> None:
    events = by_line(ETRADE_MAY)
    (dividend,) = events[131]
    (withheld,) = events[147]  # INVEXPENSE: "DIV - NESTLÉ S A Foreign Stk W/H", TOTAL -11.53
    assert isinstance(dividend, CashMoved) and isinstance(withheld, CashMoved)
    assert (dividend.kind, dividend.amount, dividend.symbol) == (CashKind.DIVIDEND, Decimal("32.95"), "NSRGY")
    assert (withheld.kind, withheld.amount, withheld.symbol) == (CashKind.FEE, Decimal("-11.53"), "NSRGY")
    assert withheld.note == "DIV - NESTLÉ S A Foreign Stk W/H"


def test_etrade_bank_transactions_by_type_and_sign() -> None:
    events = by_line(ETRADE_MAY)
    kinds = {
        line: (e.kind, e.amount)
        for line in (71, 82, 217, 330)
        for e in events[line]
        if isinstance(e, CashMoved)
    }
    assert kinds == {
        71: (CashKind.FEE, Decimal("-25.00")),  # FEE
        82: (CashKind.WITHDRAW, Decimal("-2000.00")),  # XFER, negative
        217: (CashKind.INTEREST, Decimal("1.87")),  # INT
        330: (CashKind.DEPOSIT, Decimal("10000.00")),  # DEP
    }


def test_positions_and_cash_are_reported_at_the_statement_date() -> None:
    events = by_line(ETRADE_MAY)
    (stock,), (option,), (cash,) = events[344], events[359], events[377]
    assert isinstance(stock, PositionReported) and isinstance(option, PositionReported)
    assert isinstance(cash, CashReported)
    as_of = datetime(2024, 5, 31, 19, 49, 9)
    assert (stock.instrument, stock.quantity, stock.time) == (Stock("NSRGY"), 10, as_of)
    assert (option.instrument.name, option.quantity) == ("KO    240621C00063000", 1)
    assert (cash.amount, cash.time) == (Decimal("7364.66"), as_of)


def test_xml_share_legs_as_closureopt_are_merged_for_assignment_and_exercise() -> None:
    events = by_line(EXAMPLE_V2)
    (put,) = events[151]  # option CLOSUREOPT; the shares' CLOSUREOPT (UNITS 200) is line 136, before it
    (call,) = events[247]  # option CLOSUREOPT; the shares' CLOSUREOPT (UNITS -200) follows it
    (exercised,) = events[504]  # long AAPL 190 call; shares' CLOSUREOPT UNITS 100
    assert isinstance(put, OptionAssigned) and isinstance(call, OptionAssigned)
    assert isinstance(exercised, OptionExercised)
    assert (put.option.name, put.quantity, put.time) == (
        "F     240216P00012000",
        2,
        datetime(2024, 2, 16, 16),
    )
    assert (call.option.name, call.quantity) == ("F     240419C00013000", 2)
    assert (exercised.option.name, exercised.quantity) == ("AAPL  240621C00190000", 1)
    assert 136 not in events and 262 not in events and 519 not in events


def test_xml_times_are_the_brokers_wall_clock_not_utc() -> None:
    (bought,) = by_line(EXAMPLE_V2)[188]  # DTTRADE 20240305143012.000[-5:EST]
    assert bought.time == datetime(2024, 3, 5, 14, 30, 12)


def test_xml_every_other_aggregate() -> None:
    events = by_line(EXAMPLE_V2)
    income, bought = events[231]  # REINVEST: 0.2416 SCHD @ 78.52, TOTAL -18.97
    assert isinstance(income, CashMoved) and isinstance(bought, TradeExecuted)
    assert (income.kind, income.amount, income.symbol) == (CashKind.DIVIDEND, Decimal("18.970432"), "SCHD")
    assert (bought.action, bought.instrument, bought.quantity, bought.price) == (
        TradeAction.BUY,
        Stock("SCHD"),
        Decimal("0.2416"),
        Decimal("78.52"),
    )
    assert (income.broker_id, bought.broker_id) == ("20240328-DRP-0042:income", "20240328-DRP-0042:buy")
    (short,), (cover,) = events[358], events[393]  # SELLSHORT, BUYTOCOVER
    assert isinstance(short, TradeExecuted) and isinstance(cover, TradeExecuted)
    assert (short.action, cover.action) == (TradeAction.SELL, TradeAction.BUY)
    (split,) = events[443]
    assert isinstance(split, SplitApplied) and (split.symbol, split.new, split.old) == ("NVDA", 10, 1)
    cash = {line: e for line in (378, 412, 459, 474, 489, 556, 571, 596, 606) for e in events[line]}
    assert {line: (e.kind, e.amount, e.symbol) for line, e in cash.items() if isinstance(e, CashMoved)} == {
        378: (CashKind.INTEREST, Decimal("12.40"), None),  # INCOME INTEREST on a T-bill: account-wide
        412: (CashKind.INTEREST, Decimal("-3.12"), None),  # MARGININTEREST
        459: (CashKind.DIVIDEND, Decimal("27.80"), "DODGX"),  # CGLONG
        474: (CashKind.DIVIDEND, Decimal("3.41"), "DODGX"),  # CGSHORT
        489: (CashKind.DIVIDEND, Decimal("14.35"), "DODGX"),  # DIV
        556: (CashKind.DIVIDEND, Decimal("0.42"), "SCHD"),  # MISC
        571: (CashKind.WITHDRAW, Decimal("-1000.00"), None),  # DEBIT
        596: (CashKind.INTEREST, Decimal("0.84"), None),  # INT
        606: (CashKind.FEE, Decimal("-15.00"), None),  # SRVCHG
    }
    assert cash[459].note.startswith("long-term capital gain distribution")
    # JRNLFUND (line 47) and JRNLSEC (line 581) move nothing between accounts: no event.
    assert 47 not in events and 581 not in events
    (bill,) = events[688]  # POSDEBT: the T-bill, none held (0 face) on the statement's date
    assert isinstance(bill, PositionReported) and (bill.instrument, bill.quantity) == (
        Bond("99TB1L110", "bill", date(2024, 5, 14)),
        0,
    )
    (written,) = events[674]  # POSOPT POSTYPE SHORT
    assert isinstance(written, PositionReported) and written.quantity == -1
    reported = [e for group in events.values() for e in group if isinstance(e, PositionReported)]
    assert len(reported) == 6  # SCHD, DODGX, NVDA, AAPL, the AAPL put and the T-bill's POSDEBT


def test_sgml_and_xml_forms_of_one_statement_give_the_same_events(tmp_path: Path) -> None:
    sgml = statement(
        STO_PUT + ASSIGNED_PUT + SHARES_BOUGHT.format(day="20240315", price="60", fees="0", total="-6000")
    )
    # The XML form: every leaf element closed, the OFX 2 header.
    xml = V2_HEADER + re.sub(r"<([A-Z0-9.]+)>([^<\n]+)(?=\n|<)", r"<\1>\2</\1>", sgml[sgml.index("<OFX>") :])
    assert "<UNITS>-1</UNITS>" in xml and "<CODE>0</CODE>" in xml
    from_sgml = parse_text(tmp_path, sgml)
    from_xml = ofx.parse(write(tmp_path, xml.encode(), "statement.ofx")).events
    assert len(from_sgml) == 3 and from_sgml == from_xml  # events compare without their source
    assert [e.key for e in from_sgml] == [e.key for e in from_xml]
    assert [e.source.line for e in from_sgml if e.source] == [16, 38, 74]
    assert [e.source.line for e in from_xml if e.source] == [8, 30, 66]


@pytest.mark.parametrize(
    "header",
    [
        '<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="203"?>\n',  # attributes left out
        # OFX 2.3, no <?xml?> declaration
        '<?OFX OFXHEADER="200" VERSION="230" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n\n',
        "\ufeff" + V2_HEADER,
    ],
)
def test_ofx2_header_variants(tmp_path: Path, header: str) -> None:
    xml = re.sub(r"<([A-Z0-9.]+)>([^<\n]+)(?=\n|<)", r"<\1>\2</\1>", BODY_START + STO_PUT)
    text = header + xml + BODY_END.format(name="COCA COLA CO COM", strike="60")
    (sold, _cash) = ofx.parse(write(tmp_path, text.encode(), "x.ofx")).events
    assert isinstance(sold, TradeExecuted) and sold.source is not None and sold.source.line == 8


def test_ofx2_declared_in_windows_1252(tmp_path: Path) -> None:
    header = '<?xml version="1.0" encoding="windows-1252"?>\n<?OFX OFXHEADER="200" VERSION="203"?>\n'
    xml = re.sub(r"<([A-Z0-9.]+)>([^<\n]+)(?=\n|<)", r"<\1>\2</\1>", BODY_START + STO_PUT)
    text = header + xml + BODY_END.format(name="NESTLÉ", strike="60")
    (sold, _cash) = parse_text(tmp_path, text)
    assert isinstance(sold, TradeExecuted)


@pytest.mark.parametrize("charset", ["1252", "ISO-8859-1", "WINDOWS-1252"])
def test_a_non_ascii_security_name_in_a_one_byte_charset(tmp_path: Path, charset: str) -> None:
    text = statement(charset=charset, name="SOCIÉTÉ GÉNÉRALE ADR")
    assert len(parse_text(tmp_path, text.encode("latin-1"))) == 2


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<CURDEF>USD", "<CURDEF>USD</CURDEF>"),  # closed leaves inside SGML (asgrim/ofxparser#37)
        ("SECURITY:NONE", "SECURITY:TYPE1"),
        ("OFXHEADER:100\nDATA:OFXSGML", "OFXHEADER: 100\nDATA: OFXSGML"),  # a space after the colon (ofxgo)
        ("<MEMO>PUT KO 03/15/24 60 COCA COLA CO SOLD TO OPEN @ 0.85", "<MEMO>"),  # an empty SGML leaf
        ("<TOTAL>84.48", "<TOTAL>84,48"),  # OFX allows a decimal comma
        ("<DTTRADE>20240301170000.000", "<DTTRADE>20240301"),  # a bare date
        ("<SECNAME>COCA COLA CO COM", "<SECNAME>COCA-COLA &amp; CO"),  # an entity
    ],
)
def test_harmless_deviations_real_files_have(tmp_path: Path, old: str, new: str) -> None:
    text = statement()
    assert old in text
    (sold, _cash) = parse_text(tmp_path, text.replace(old, new, 1))
    assert isinstance(sold, TradeExecuted)
    assert (sold.time.date(), sold.price, sold.fees) == (d(2024, 3, 1), Decimal("0.85"), Decimal("0.52"))


def test_account_comes_from_the_file_not_the_argument(tmp_path: Path) -> None:
    (sold, _cash) = parse_text(tmp_path, statement(), account="ira")
    assert sold.account == "83651207"


def test_stock_leg_at_the_strike_within_five_days_is_merged_with_its_fees(tmp_path: Path) -> None:
    leg = SHARES_BOUGHT.format(day="20240318", price="60.00", fees="0.08", total="-6000.08")
    assigned, _cash = parse_text(tmp_path, statement(ASSIGNED_PUT + leg))
    assert isinstance(assigned, OptionAssigned) and assigned.fees == Decimal("0.08")


@pytest.mark.parametrize(
    ("day", "price"),
    [("20240325", "60"), ("20240315", "59.50"), ("20240314", "60")],
    ids=["ten days later", "not at the strike", "the day before"],
)
def test_a_stock_purchase_that_is_not_the_assignment_stays_a_purchase(
    tmp_path: Path, day: str, price: str
) -> None:
    total = f"-{Decimal(price) * 100:.2f}"
    events = parse_text(
        tmp_path, statement(ASSIGNED_PUT + SHARES_BOUGHT.format(day=day, price=price, fees="0", total=total))
    )
    # Not the assignment's stock row: the purchase stands, and the assignment, whose shares this file
    # does not hold, is kept unresolved (never the shares twice).
    assert [type(e).__name__ for e in events] == ["Unresolved", "TradeExecuted", "CashReported"]
    assert isinstance(events[0], Unresolved) and events[0].reason == (
        "an assignment whose stock row is not in this file: not modelled; record the shares in a journal CSV "
        "with `resolves`"
    )


def test_share_leg_closureopt_is_merged_never_counted_twice(tmp_path: Path) -> None:
    events = parse_text(tmp_path, statement(SHARES_ASSIGNED.format(units="100") + ASSIGNED_PUT))
    assert [type(e).__name__ for e in events] == ["OptionAssigned", "CashReported"]
    assert (
        events[0].broker_id == "240315_OA_0" and events[0].source is not None and events[0].source.line == 30
    )


def test_unit_price_per_contract_is_recognised_by_the_total(tmp_path: Path) -> None:
    (sold, _cash) = parse_text(tmp_path, statement(STO_PUT.replace("<UNITPRICE>0.85", "<UNITPRICE>85.00")))
    assert isinstance(sold, TradeExecuted) and sold.price == Decimal("0.85")


def test_occ_ticker_gives_the_root_when_there_is_no_underlying_secid(tmp_path: Path) -> None:
    text = statement().replace(
        "<SECNAME>KO Mar 15 '24 $60 Put</SECINFO>",
        "<SECNAME>KO Mar 15 '24 $60 Put<TICKER>KO    240315P00060000</SECINFO>",
    )
    text = text.replace("<SECID><UNIQUEID>99K0C0101<UNIQUEIDTYPE>CUSIP</SECID>\n</OPTINFO>", "</OPTINFO>")
    (sold, _cash) = parse_text(tmp_path, text)
    assert isinstance(sold, TradeExecuted) and sold.instrument.name == "KO    240315P00060000"


# -- errors: exact, with file, line and element; nothing guessed, no crash ------------------------------

KNOWN = (
    "BUYSTOCK, SELLSTOCK, BUYMF, SELLMF, BUYOTHER, SELLOTHER, BUYOPT, SELLOPT, CLOSUREOPT, INCOME, REINVEST, "
    "INVBANKTRAN, MARGININTEREST, INVEXPENSE, SPLIT, JRNLFUND, JRNLSEC, TRANSFER, RETOFCAP, BUYDEBT, SELLDEBT"
)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "<UNITPRICE>0.85",
            "<UNITPRICE>0,85,0",
            "DownloadTxnQFX.qfx:28: UNITPRICE: not a number (got '0,85,0')",
        ),
        ("<TOTAL>84.48", "<TOTAL>NaN", "DownloadTxnQFX.qfx:31: TOTAL: not a number (got 'NaN')"),
        (
            "<COMMISSION>0.50",
            "<COMMISSION>-0.50",
            "DownloadTxnQFX.qfx:29: COMMISSION: must not be negative (got '-0.50')",
        ),
        (
            "<DTTRADE>20240301170000.000",
            "<DTTRADE>03/01/2024",
            "DownloadTxnQFX.qfx:20: DTTRADE: not an OFX date (YYYYMMDD, YYYYMMDDHHMMSS[.XXX][[offset:TZ]]) "
            "(got '03/01/2024')",
        ),
        (
            "<DTTRADE>20240301170000.000",
            "<DTTRADE>20240230",
            "DownloadTxnQFX.qfx:20: DTTRADE: not an OFX date (YYYYMMDD, YYYYMMDDHHMMSS[.XXX][[offset:TZ]]) "
            "(got '20240230')",
        ),
        (
            "<OPTSELLTYPE>SELLTOOPEN",
            "<OPTSELLTYPE>SELLTOCOVER",
            "DownloadTxnQFX.qfx:35: OPTSELLTYPE: unknown OPTSELLTYPE (known: SELLTOOPEN, SELLTOCLOSE) "
            "(got 'SELLTOCOVER')",
        ),
        ("<TOTAL>84.48\n", "", "DownloadTxnQFX.qfx:16: TOTAL: missing from <SELLOPT>"),
        ("<UNITS>-1\n", "<UNITS>-1\n<UNITS>-2\n", "DownloadTxnQFX.qfx:16: UNITS: appears twice in <SELLOPT>"),
        (
            "<SHPERCTRCT>100\n</SELLOPT>",
            "<SHPERCTRCT>10\n</SELLOPT>",
            "DownloadTxnQFX.qfx:36: SHPERCTRCT: disagrees with <OPTINFO> (100 shares a contract) (got '10')",
        ),
    ],
)
def test_a_bad_transaction_is_named_by_file_line_and_element(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = statement()
    assert old in text
    text = text.replace(old, new, 1)
    assert errors(tmp_path, text) == [message]


@pytest.mark.parametrize(
    ("transactions", "message"),
    [
        (
            ASSIGNED_PUT.replace("ASSIGN\n", "ROLL\n"),
            "DownloadTxnQFX.qfx:26: OPTACTION: unknown OPTACTION (known: ASSIGN, EXERCISE, EXPIRE) "
            "(got 'ROLL')",
        ),
        (
            ASSIGNED_PUT.replace("ASSIGN\n", "EXPIRE\n").replace("20240315170000", "20240308170000"),
            "DownloadTxnQFX.qfx:19: DTTRADE: before the option's expiration 2024-03-15 "
            "(got '20240308170000.000')",
        ),
        (
            STO_PUT + STO_PUT,
            "DownloadTxnQFX.qfx:41: FITID: the same FITID as the transaction at line 16 (got '240301_S_0')",
        ),
    ],
)
def test_a_transaction_the_importer_cannot_map_is_an_error(
    tmp_path: Path, transactions: str, message: str
) -> None:
    assert errors(tmp_path, statement(transactions)) == [message]


# -- read, but not modelled: kept unresolved with the broker's cash; cash rows of any kind ---------------

KEPT = (
    "<TRANSFER><INVTRAN><FITID>T1<DTTRADE>20240305<MEMO>ACATS IN</INVTRAN><SECID><UNIQUEID>99K0C0101"
    "<UNIQUEIDTYPE>CUSIP</SECID><SUBACCTSEC>CASH<UNITS>100<TFERACTION>IN<POSTYPE>LONG<AVGCOSTBASIS>52.10"
    "<UNITPRICE>58.00<DTPURCHASE>20230112</TRANSFER>\n"
)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "<UNIQUEID>KO240315P00060000\n",
            "<UNIQUEID>KO240315P00065000\n",
            "a security not listed in the file's <SECLIST> (CUSIP KO240315P00065000): not modelled",
        ),
        (
            "<FITID>240301_S_0\n",
            "<FITID>240301_S_0\n<REVERSALFITID>240229_S_3\n",
            "a reversal of the transaction 240229_S_3: not modelled yet; void it with a journal-CSV row that "
            "`resolves` this one",
        ),
        (
            "<SUBACCTFUND>CASH\n</INVSELL>",
            "<SUBACCTFUND>CASH\n<CURRENCY><CURRATE>1.35<CURSYM>CAD</CURRENCY>\n</INVSELL>",
            "an amount in CAD: currencies are not modelled yet",
        ),
        ("<SELLOPT>\n", "<SELLFUTURE>\n", "a transaction tj does not know (<SELLFUTURE>): not modelled"),
        ("<TOTAL>84.48", "<TOTAL>8448", None),  # far from UNITS x UNITPRICE x 100 - fees: not this trade
    ],
)
def test_a_transaction_tj_does_not_model_is_kept_with_its_total(
    tmp_path: Path, old: str, new: str, reason: str | None
) -> None:
    text = statement().replace(old, new, 1)
    if new == "<SELLFUTURE>\n":
        text = text.replace("</SELLOPT>", "</SELLFUTURE>")
    result = ofx.parse(write(tmp_path, text))
    assert result.errors == []
    kept = result.events[0]
    assert isinstance(kept, Unresolved) and kept.source is not None and kept.source.line == 16
    assert kept.broker_id == "240301_S_0"
    total = Decimal("8448") if new == "<TOTAL>8448" else Decimal("84.48")
    assert kept.amount == total and result.booked == {"83651207": total}
    if reason is None:
        assert kept.reason.startswith("the broker booked 8448 where price")
    else:
        assert kept.reason == reason
    assert kept.raw.startswith("<SEL") and "<FITID>240301_S_0</FITID>" in kept.raw


def test_a_total_a_dollar_off_is_the_broker_s_cash(tmp_path: Path) -> None:
    result = ofx.parse(write(tmp_path, statement().replace("<TOTAL>84.48", "<TOTAL>85.48", 1)))
    assert result.errors == []
    sold = result.events[0]
    assert isinstance(sold, TradeExecuted) and (sold.price, sold.fees) == (Decimal("0.85"), Decimal("-0.48"))
    assert [str(w) for w in result.warnings] == [
        "DownloadTxnQFX.qfx:31: TOTAL: the broker booked 85.48: cost or proceeds taken from it, fees "
        "adjusted by -1.00 (got '85.48')"
    ]


@pytest.mark.parametrize(
    ("transactions", "expected"),
    [
        (
            SHARES_ASSIGNED.format(units="-100") + ASSIGNED_PUT,  # a put's shares come in, not out
            ("Unresolved", "Unresolved"),
        ),
        (
            "<RETOFCAP><INVTRAN><FITID>R1<DTTRADE>20240305</INVTRAN><SECID><UNIQUEID>99K0C0101"
            "<UNIQUEIDTYPE>CUSIP</SECID><TOTAL>12.00<SUBACCTSEC>CASH<SUBACCTFUND>CASH</RETOFCAP>\n",
            ("Unresolved",),
        ),
        (
            "<BUYDEBT><INVBUY><INVTRAN><FITID>B1<DTTRADE>20240305</INVTRAN><SECID><UNIQUEID>99K0C0101"
            "<UNIQUEIDTYPE>CUSIP</SECID><UNITS>1000<UNITPRICE>99.5<TOTAL>-995.00<SUBACCTSEC>CASH"
            "<SUBACCTFUND>CASH</INVBUY></BUYDEBT>\n",
            ("Unresolved",),
        ),
    ],
)
def test_rows_that_move_holdings_tj_does_not_model_are_unresolved(
    tmp_path: Path, transactions: str, expected: tuple[str, ...]
) -> None:
    events = parse_text(tmp_path, statement(transactions))
    assert tuple(type(e).__name__ for e in events if not isinstance(e, CashReported)) == expected


@pytest.mark.parametrize(
    ("transaction", "kind", "symbol", "warned"),
    [
        (
            "<INVBANKTRAN><STMTTRN><TRNTYPE>HOLD<DTPOSTED>20240305<TRNAMT>-100<FITID>H1<NAME>ATM WITHDRAWAL"
            "</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN>\n",
            CashKind.WITHDRAW,
            None,
            False,
        ),
        (
            "<INVBANKTRAN><STMTTRN><TRNTYPE>HOLD<DTPOSTED>20240305<TRNAMT>-100<FITID>H1<NAME>XYZZY"
            "</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN>\n",
            CashKind.OTHER,
            None,
            True,
        ),
        (
            "<INCOME><INVTRAN><FITID>I1<DTTRADE>20240305</INVTRAN><SECID><UNIQUEID>99K0C0101"
            "<UNIQUEIDTYPE>CUSIP</SECID><INCOMETYPE>DIVIDEND<TOTAL>12.00<SUBACCTSEC>CASH<SUBACCTFUND>CASH"
            "</INCOME>\n",
            CashKind.DIVIDEND,
            "KO",
            False,
        ),
        (
            "<INVEXPENSE><INVTRAN><FITID>E1<DTTRADE>20240305<MEMO>FOREIGN TAX WITHHELD</INVTRAN><SECID>"
            "<UNIQUEID>99K0C0101<UNIQUEIDTYPE>CUSIP</SECID><TOTAL>1.80<SUBACCTSEC>CASH<SUBACCTFUND>CASH"
            "</INVEXPENSE>\n",
            CashKind.TAX,
            "KO",
            False,
        ),
    ],
)
def test_cash_rows_of_kinds_tj_does_not_know_are_cash_of_their_words(
    tmp_path: Path, transaction: str, kind: CashKind, symbol: str | None, warned: bool
) -> None:
    result = ofx.parse(write(tmp_path, statement(transaction)))
    assert result.errors == []
    moved = result.events[0]
    assert isinstance(moved, CashMoved) and (moved.kind, moved.symbol) == (kind, symbol)
    assert len(result.warnings) == (1 if warned else 0)


def test_a_transfer_in_carries_its_basis_and_acquisition_date(tmp_path: Path) -> None:
    moved = parse_text(tmp_path, statement(KEPT))[0]
    assert isinstance(moved, SecurityTransferred)
    assert (moved.instrument.name, moved.quantity, moved.basis, moved.acquired, moved.broker_id) == (
        "KO",
        100,
        Decimal("5210.00"),
        date(2023, 1, 12),
        "T1",
    )
    out = KEPT.replace("<TFERACTION>IN", "<TFERACTION>OUT").replace("<AVGCOSTBASIS>52.10", "")
    moved_out = parse_text(tmp_path, statement(out.replace("<DTPURCHASE>20230112", "")))[0]
    assert isinstance(moved_out, SecurityTransferred) and (moved_out.quantity, moved_out.basis) == (
        -100,
        None,
    )


def test_an_option_whose_occ_symbol_disagrees_with_optinfo_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, statement(strike="65")) == [
        "DownloadTxnQFX.qfx:43: UNIQUEID: this OCC symbol disagrees with <OPTINFO> (underlying KO, "
        "2024-03-15, put, strike 65) (got 'KO    240315P00060000')"
    ]


def test_every_bad_transaction_is_reported_not_just_the_first(tmp_path: Path) -> None:
    second = STO_PUT.replace("240301_S_0", "240301_S_1").replace("<UNITS>-1", "<UNITS>-1x")
    third = STO_PUT.replace("240301_S_0", "240301_S_2").replace("<DTTRADE>20240301", "<DTTRADE>2024031")
    assert [e.split(":")[1] for e in errors(tmp_path, statement(STO_PUT + second + third))] == ["49", "64"]


def test_truncated_download(tmp_path: Path) -> None:
    text = statement()
    cut = text[: text.index("<TOTAL>")]
    assert errors(tmp_path, cut) == [
        "DownloadTxnQFX.qfx:30: INVSELL: the file ends inside <INVSELL> (opened at line 17): truncated?"
    ]
    assert errors(tmp_path, text[: text.index("<TOTAL>") + 3]) == [
        "DownloadTxnQFX.qfx:31: INVSELL: the file ends inside <INVSELL> (opened at line 17), in a tag: "
        "truncated? (got '<TO')"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            statement(charset="KOI8-R"),
            "DownloadTxnQFX.qfx:6: CHARSET: unknown character set (known: 1252, ISO-8859-1, NONE = UTF-8) "
            "(got 'KOI8-R')",
        ),
        (
            statement().replace("ENCODING:USASCII", "ENCODING:EBCDIC"),
            "DownloadTxnQFX.qfx:5: ENCODING: unknown OFX encoding (known: USASCII, UNICODE, UTF-8) "
            "(got 'EBCDIC')",
        ),
        (
            statement(charset="NONE").replace("COCA COLA CO", "SOCIÉTÉ"),
            "DownloadTxnQFX.qfx:21: not UTF-8 text as the header's CHARSET:NONE says (byte 0xc9); is the "
            "CHARSET line wrong?",
        ),
        (
            statement().replace("VERSION:102", "VERSION:1O2"),
            "DownloadTxnQFX.qfx:1: not a valid OFX header: OFX header is malformed",
        ),
        (
            statement()[statement().index("<OFX>") :],
            "DownloadTxnQFX.qfx:1: no OFX header "
            '(OFXHEADER:100 ... or <?OFX OFXHEADER="200" ...?>) before <OFX>',
        ),
        ("Date,Action\n", "DownloadTxnQFX.qfx:1: not an OFX file: no OFX header"),
        (
            statement().replace("</INVSELL>", "</INVBUY>"),
            "DownloadTxnQFX.qfx:34: INVBUY: </INVBUY> closes no open <INVBUY>",
        ),
        (
            statement().replace("<UNITS>-1", "<units>-1"),
            "DownloadTxnQFX.qfx:27: not OFX markup (got '<units>-1')",
        ),
        (statement() + "<OFX>\n", "DownloadTxnQFX.qfx:50: OFX: markup after the end of the OFX document"),
        (
            statement().replace("<CURDEF>USD", "<CURDEF>CAD"),
            "DownloadTxnQFX.qfx:14: CURDEF: only USD statements are supported (got 'CAD')",
        ),
        (
            statement().replace("<INVSTMTRS>", "<STMTRS>").replace("</INVSTMTRS>", "</STMTRS>"),
            "DownloadTxnQFX.qfx:11: no investment statement (<INVSTMTRS>) in this file",
        ),
    ],
)
def test_a_file_that_is_not_readable_ofx_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    assert errors(tmp_path, text) == [message]


def test_a_file_with_errors_writes_nothing(journal: Journal, tmp_path: Path, registered: None) -> None:
    bad = write(
        tmp_path,
        statement(
            STO_PUT + STO_PUT.replace("240301_S_0", "240301_S_1").replace("<TOTAL>84.48", "<TOTAL>84,4,8")
        ),
    )
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([ETRADE_MAY, bad])
    assert [str(p) for p in failed.value.problems] == [
        "DownloadTxnQFX.qfx:53: TOTAL: not a number (got '84,4,8')"
    ]
    assert journal.store.count() == 0


# -- end to end -----------------------------------------------------------------------------------------


def test_an_etrade_wheel_end_to_end(journal: Journal, registered: None) -> None:
    """etrade_2024-05.qfx: KO 60 put sold 02/20 @ 0.85 (fees 0.52), assigned 03/08 (100 KO bought at 60, the
    row posted 03/11); 61 call sold 03/11 @ 0.62, expired 04/19 (posted 04/22); dividend 48.50; 62 call sold
    04/22 @ 0.55, assigned 05/17 (100 KO sold at 62, fee 0.05). A 63 call bought 05/24 @ 0.40 stays open."""
    (first,) = journal.import_files([ETRADE_MAY])  # detected by content
    assert (first.format, first.events_added, first.duplicates) == ("ofx", 18, 0)
    (again,) = journal.import_files([ETRADE_MAY])
    assert (again.events_added, again.duplicates) == (0, 18)

    rows = [
        (r.instrument.name, r.quantity, r.opened, r.closed, r.proceeds, r.cost_basis, r.gain, r.term)
        for r in journal.realized(2024)
    ]
    assert rows == [
        # the 61 call expired: premium 62 - 0.52
        (
            "KO    240419C00061000",
            1,
            d(2024, 3, 11),
            d(2024, 4, 19),
            Decimal("61.48"),
            0,
            Decimal("61.48"),
            "short",
        ),
        # the shares: basis 6000 - 85 + 0.52 = 5915.52; proceeds 6200 + 55 - 0.52 - 0.05 = 6254.43
        (
            "KO",
            100,
            d(2024, 3, 8),
            d(2024, 5, 17),
            Decimal("6254.43"),
            Decimal("5915.52"),
            Decimal("338.91"),
            "short",
        ),
    ]
    lots = {(lot.instrument.name, lot.quantity, lot.opened, lot.basis) for lot in journal.lots()}
    assert lots == {
        ("NSRGY", 10, d(2024, 2, 21), Decimal("1042.00")),
        ("KO    240621C00063000", 1, d(2024, 5, 24), Decimal("40.52")),
    }
    wheel = journal.cycles(underlying="KO", status="closed")
    assert [(c.opened, c.closed, c.premium_collected, c.fees, c.dividends, c.net_cash) for c in wheel] == [
        # 85 + 62 + 55 collected; 3 x 0.52 + 0.05 fees; the cycle's profit = 61.48 + 338.91 + 48.50
        (
            d(2024, 2, 20),
            d(2024, 5, 17),
            Decimal("202.00"),
            Decimal("1.61"),
            Decimal("48.50"),
            Decimal("448.89"),
        )
    ]
    assert journal.reconcile().reconciled  # INVPOSLIST and AVAILCASH agree with the books at 05/31

    # The next export repeats May 17-24 (the assignment, the wire and its fee, the call bought) and adds June.
    (later,) = journal.import_files([ETRADE_JUNE])
    assert (later.events_added, later.duplicates) == (6, 4)  # 4 new transactions + a position + the cash
    june = [
        (r.instrument.name, r.opened, r.closed, r.proceeds, r.cost_basis, r.gain)
        for r in journal.realized(2024)
        if r.closed.month == 6
    ]
    assert june == [
        # the 63 call bought at 0.40 + 0.52 and sold at 1.15 - 0.52
        (
            "KO    240621C00063000",
            d(2024, 5, 24),
            d(2024, 6, 18),
            Decimal("114.48"),
            Decimal("40.52"),
            Decimal("73.96"),
        ),
        # the 61 put sold 06/03 @ 0.70, expired 06/21 (posted 06/24)
        ("KO    240621P00061000", d(2024, 6, 3), d(2024, 6, 21), Decimal("69.48"), 0, Decimal("69.48")),
    ]
    (second,) = journal.cycles(underlying="KO", status="closed")[1:]
    assert (second.opened, second.closed, second.net_cash) == (
        d(2024, 5, 24),
        d(2024, 6, 21),
        Decimal("143.44"),
    )
    assert journal.cash() == Decimal("7550.66")
    assert journal.reconcile().reconciled


def test_the_xml_statement_reconciles_with_its_positions_and_cash(journal: Journal, registered: None) -> None:
    """exampletrader_v203.ofx: after its trades, assignments, exercise, reinvestment and split, the books hold
    what INVPOSLIST says (NVDA 30 after the 10:1 split; AAPL 100 from the exercised call) and AVAILCASH."""
    (imported,) = journal.import_files([EXAMPLE_V2])
    assert (imported.format, imported.events_added) == ("ofx", 38)
    result = journal.reconcile()
    assert result.differences == [] and result.compared == 7  # with the T-bill: 0 held, 0 reported
    # The account's files end on the statement's date, before the AAPL put's July expiry: it stays open.
    holdings = {(lot.instrument.name, lot.quantity) for lot in journal.lots()}
    assert holdings == {
        ("SCHD", 25),
        ("SCHD", Decimal("0.2416")),
        ("DODGX", 10),
        ("NVDA", 30),
        ("AAPL", 100),
        ("AAPL  240719P00180000", -1),
    }
    f_rows = [
        (r.instrument.name, r.proceeds, r.cost_basis) for r in journal.realized(2024) if r.underlying == "F"
    ]
    assert f_rows == [
        ("F     240315C00012500", Decimal("42.66"), Decimal("11.30")),  # bought back in the roll of 03/05
        # 200 F: basis 2400 - 62 + 1.34 = 2339.34; proceeds 2600 + 36 - 1.34 = 2634.66
        ("F", Decimal("2634.66"), Decimal("2339.34")),
    ]


def test_fidelity_strike_0_listing_is_named_by_its_ticker_and_its_expired_transfer_is_an_expiry() -> None:
    """Fidelity lists an expired option with STRIKEPRICE 0.0 and a wrong DTEXPIRE; the ticker names it."""
    result = ofx.parse(HERE / "real" / "fidelity-ira.ofx")
    assert result.errors == []
    by_kind: dict[str, list[Event]] = {}
    for event in result.events:
        by_kind.setdefault(type(event).__name__, []).append(event)
    wmt = OptionContract("WMT", date(2022, 6, 17), "P", Decimal(118), Decimal(100))
    sale = next(e for e in by_kind["TradeExecuted"] if getattr(e, "instrument", None) == wmt)
    assert isinstance(sale, TradeExecuted) and (sale.quantity, sale.fees) == (1, Decimal("0.69"))
    expired = next(e for e in by_kind["OptionExpired"] if getattr(e, "option", None) == wmt)
    assert isinstance(expired, OptionExpired)
    assert (expired.quantity, expired.time) == (1, datetime(2022, 6, 17, 23, 59, 59))
    # IWM's ticker is a call, its OPTTYPE a put: the sale and the expiry stay unresolved, with their cash.
    unresolved = by_kind["Unresolved"]
    assert [(u.amount, u.symbols) for u in unresolved if isinstance(u, Unresolved)] == [
        (Decimal("21.31"), ("IWM",)),
        (Decimal(0), ("IWM",)),
    ]
    first = unresolved[0]
    assert isinstance(first, Unresolved) and "is a call but OPTTYPE says put" in first.reason
