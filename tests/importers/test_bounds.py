"""Bounded input (issue 14): a value beyond importers/bounds.py is an error naming `file:line: column:`
in every importer family (journal CSV, each broker CSV, OFX, IBKR Flex), and nothing is written, through
the API and through `tj import`, on SQLite and PostgreSQL. Also the net under every parse, and the
numbers `journal.money.parse_decimal` reads or refuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import importers
from importers import bounds
from journal.api import ImportFailed, Journal, parse_file
from journal.events import (
    EVENT_TYPES,
    CashKind,
    CashMoved,
    CurrencyConverted,
    OptionAdjusted,
    OptionCashSettled,
    OptionExpired,
    PositionReported,
    SourceRef,
    SplitApplied,
    SpunOff,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
    Unresolved,
)
from journal.instruments import Bond, Future, FutureOption, OptionContract, Stock, parse_option
from journal.money import OutOfBounds, parse_decimal
from tests.importers.golden import FIXTURES

BIG_QUANTITY = "1000000001"
LONG_ACCOUNT = "x" * 65
SHOWN_ACCOUNT = "x" * 57 + "..."  # a long value is shown by its start

# -- one small valid file per family; each case changes one cell ------------------------------------------

JOURNAL_HEADER = (
    "date,account,action,symbol,quantity,price,fees,amount,multiplier,acquired,note,id,resolves\n"
)


def journal_csv(**cells: str) -> str:
    row = {
        "date": "2024-01-02",
        "account": "IRA",
        "action": "STO",
        "symbol": "AAPL240119P150",
        "quantity": "1",
        "price": "2.00",
        "fees": "0.65",
        "amount": "",
        "multiplier": "",
        "acquired": "",
        "note": "",
        "id": "",
        "resolves": "",
    } | cells
    return JOURNAL_HEADER + ",".join(row.values()) + "\n"


def deposit(amount: str) -> dict[str, str]:
    return {"action": "DEPOSIT", "symbol": "", "quantity": "", "price": "", "fees": "", "amount": amount}


def schwab(
    date: str = "06/03/2024",
    symbol: str = "DVN 06/21/2024 48.00 P",
    description: str = "PUT DEVON",
    quantity: str = "1",
    price: str = "$0.90",
    fees: str = "$0.66",
    amount: str = "$89.34",
) -> str:
    return (
        '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n'
        f'"{date}","Sell to Open","{symbol}","{description}","{quantity}","{price}","{fees}","{amount}"\n'
    )


def fidelity(
    date: str = "01/06/2025",
    symbol: str = "-KO250221P60",
    description: str = "PUT (KO) COCA COLA CO FEB 21 25 $60 (100 SHS)",
    price: str = "1.25",
    quantity: str = "-1",
    amount: str = "124.33",
) -> str:
    return (
        "Run Date,Action,Symbol,Description,Type,Price ($),Quantity,Commission ($),Fees ($),"
        "Accrued Interest ($),Amount ($),Cash Balance ($),Settlement Date\n"
        f"{date},YOU SOLD OPENING TRANSACTION PUT (KO) COCA COLA CO FEB 21 25 $60 (100 SHS) (Cash), "
        f"{symbol},{description},Cash,{price},{quantity},0.65,0.02,,{amount},20124.33,01/07/2025\n"
    )


def robinhood(
    date: str = "1/8/2024",
    description: str = "TSLA 1/19/2024 Put $220.00",
    quantity: str = "1",
    price: str = "$2.15",
    amount: str = "$214.95",
) -> str:
    return (
        '"Activity Date","Process Date","Settle Date","Instrument","Description","Trans Code","Quantity",'
        '"Price","Amount"\n'
        f'"{date}","1/8/2024","1/9/2024","TSLA","{description}","STO","{quantity}","{price}","{amount}"\n'
    )


def tastytrade(
    date: str = "2024-08-16T15:57:13+0200",
    symbol: str = "SCHG  240920C00099000",
    value: str = "370.00",
    quantity: str = "1",
    multiplier: str = "100",
    expiration: str = "9/20/24",
) -> str:
    return (
        "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,Average Price,"
        "Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,Expiration Date,Strike Price,Call or Put,"
        "Order #,Currency\n"
        f"{date},Trade,Sell to Open,SELL_TO_OPEN,{symbol},Equity Option,"
        f"Sold 1 SCHG 09/20/24 Call 99.00 @ 3.70,{value},{quantity},370.00,-1.00,-0.15,{multiplier},"
        f"SCHG,SCHG,{expiration},99,CALL,337454037,USD\n"
    )


def tastyworks(
    date: str = "01/29/2021 1:31 PM",
    quantity: str = "1",
    expiration: str = "01/29/2021",
    strike: str = "14.5",
    price: str = "0.56",
    amount: str = "56",
) -> str:
    return (
        "Date/Time,Transaction Code,Transaction Subcode,Symbol,Buy/Sell,Open/Close,Quantity,Expiration Date,"
        "Strike,Call/Put,Price,Fees,Amount,Description,Account Reference\n"
        f"{date},Trade,Sell to Open,UVXY,Sell,Open,{quantity},{expiration},{strike},P,{price},1.152,{amount},"
        "Sold 1 UVXY 01/29/21 Put 14.50 @ 0.56,Individual...60\n"
    )


def ibkr_activity(
    account: str = "U1",
    symbol: str = "KO 19APR24 60 P",
    when: str = "2024-03-15, 10:31:02",
    quantity: str = "-1",
    price: str = "0.85",
    proceeds: str = "85",
) -> str:
    return (
        "Statement,Header,Field Name,Field Value\n"
        'Statement,Data,Period,"March 1, 2024 - March 31, 2024"\n'
        "Account Information,Header,Field Name,Field Value\n"
        f"Account Information,Data,Account,{account}\n"
        "Trades,Header,DataDiscriminator,Asset Category,Currency,Symbol,Date/Time,Quantity,T. Price,C. Price,"
        "Proceeds,Comm/Fee,Basis,Realized P/L,MTM P/L,Code\n"
        f'Trades,Data,Order,Equity and Index Options,USD,{symbol},"{when}",{quantity},{price},0.8,{proceeds},'
        "-1,84,0,0,O\n"
    )


def ibkr_flex(
    account: str = "U1111111",
    symbol: str = "SOFI  260116P00015000",
    strike: str = "15",
    expiry: str = "20260116",
    multiplier: str = "100",
    when: str = "20260105 101214",
    quantity: str = "-3",
    price: str = "0.62",
    net: str = "184.05",
) -> str:
    trade = (
        f'<Trade accountId="{account}" currency="USD" assetCategory="OPT" symbol="{symbol}" '
        f'underlyingSymbol="SOFI" multiplier="{multiplier}" strike="{strike}" expiry="{expiry}" putCall="P" '
        f'tradeID="8201000001" dateTime="{when}" transactionType="ExchTrade" quantity="{quantity}" '
        f'tradePrice="{price}" proceeds="186.00" ibCommission="-1.95" netCash="{net}" buySell="SELL" '
        'ibOrderID="801001001" transactionID="29101000001" openCloseIndicator="O" />'
    )
    return (
        '<FlexQueryResponse queryName="t" type="AF">\n<FlexStatements count="1">\n'
        f'<FlexStatement accountId="{account}" fromDate="20260101" toDate="20260228">\n<Trades>\n{trade}\n'
        "</Trades>\n</FlexStatement>\n</FlexStatements>\n</FlexQueryResponse>\n"
    )


def ofx(
    account: str = "83651207",
    when: str = "20240301170000.000",
    memo: str = "PUT KO 03/15/24 60 COCA COLA CO SOLD TO OPEN @ 0.85",
    uniqueid: str = "KO240315P00060000",
    units: str = "-1",
    price: str = "0.85",
    total: str = "84.48",
    strike: str = "60",
    per_contract: str = "100",
) -> str:
    """An OFX 1 statement, one element a line: the sale is on lines 16-37, the option's OPTINFO on 43-47."""
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240315200000.000[-4:EDT]"
        "<LANGUAGE>ENG<FI><ORG>E*TRADE<FID>9999</FI></SONRS></SIGNONMSGSRSV1>\n"
        "<INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>0<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        "<INVSTMTRS><DTASOF>20240315200000.000[-4:EDT]<CURDEF>USD<INVACCTFROM><BROKERID>etrade.com"
        f"<ACCTID>{account}</INVACCTFROM>\n"
        "<INVTRANLIST><DTSTART>20240101<DTEND>20240315\n"
        f"<SELLOPT>\n<INVSELL>\n<INVTRAN>\n<FITID>240301_S_0\n<DTTRADE>{when}\n<MEMO>{memo}\n</INVTRAN>\n"
        f"<SECID>\n<UNIQUEID>{uniqueid}\n<UNIQUEIDTYPE>CUSIP\n</SECID>\n<UNITS>{units}\n<UNITPRICE>{price}\n"
        f"<COMMISSION>0.50\n<FEES>0.02\n<TOTAL>{total}\n<SUBACCTSEC>CASH\n<SUBACCTFUND>CASH\n</INVSELL>\n"
        f"<OPTSELLTYPE>SELLTOOPEN\n<SHPERCTRCT>{per_contract}\n</SELLOPT>\n"
        "</INVTRANLIST>\n<INVBAL><AVAILCASH>84.48<MARGINBALANCE>0<SHORTBALANCE>0</INVBAL>\n"
        "</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>\n<SECLISTMSGSRSV1><SECLIST>\n"
        "<STOCKINFO><SECINFO><SECID><UNIQUEID>99K0C0101<UNIQUEIDTYPE>CUSIP</SECID><SECNAME>COCA COLA"
        "<TICKER>KO</SECINFO></STOCKINFO>\n<OPTINFO>\n"
        f"<SECINFO><SECID><UNIQUEID>{uniqueid}<UNIQUEIDTYPE>CUSIP</SECID><SECNAME>KO Mar 15 '24 $60 Put"
        "</SECINFO>\n"
        f"<OPTTYPE>PUT<STRIKEPRICE>{strike}<DTEXPIRE>20240315<SHPERCTRCT>{per_contract}\n"
        "<SECID><UNIQUEID>99K0C0101<UNIQUEIDTYPE>CUSIP</SECID>\n</OPTINFO>\n"
        "</SECLIST></SECLISTMSGSRSV1>\n</OFX>\n"
    )


# family -> (the format's name, how to write a file of it, the file name)
FAMILIES: dict[str, tuple[str, Callable[..., str], str]] = {
    "journal-csv": ("journal-csv", journal_csv, "trades.csv"),
    "schwab": ("schwab-csv", schwab, "schwab.csv"),
    "fidelity": ("fidelity-csv", fidelity, "History_for_Account_X.csv"),
    "robinhood": ("robinhood-csv", robinhood, "robinhood.csv"),
    "tastytrade": ("tastytrade-csv", tastytrade, "tastytrade.csv"),
    "tastyworks": ("tastyworks-csv", tastyworks, "tastyworks.csv"),
    "ibkr-activity": ("ibkr-activity-csv", ibkr_activity, "activity.csv"),
    "ibkr-flex": ("ibkr-flex", ibkr_flex, "flex.xml"),
    "ofx": ("ofx", ofx, "statement.qfx"),
}


def _q(bound: str) -> str:
    return f"out of bounds: {bound}"


QUANTITY = _q("a quantity is at most 1,000,000,000")
PRICE = _q("a price is at most 10,000,000")
AMOUNT = _q("an amount is at most 1,000,000,000,000")
DATE = _q("a date is between 1900-01-01 and 2199-12-31")
MULTIPLIER = _q("a multiplier is at most 100,000")
STRIKE = _q("a strike is at most 99,999.999")
ACCOUNT = f"too long: 65 characters, an account has at most 64 (got '{SHOWN_ACCOUNT}')"


def window(expiry: str, day: str) -> str:
    return _q(f"the option expires {expiry}, more than 10 years from the row's date {day}")


# (family, the cells changed, the one error expected: `file:line: column: message (got value)`)
CASES: list[tuple[str, dict[str, str], str]] = [
    # the journal CSV: every bound of its columns, and numbers Decimal() reads that no broker writes
    ("journal-csv", {"quantity": "1e400"}, f"trades.csv:2: quantity: {QUANTITY} (got '1e400')"),
    ("journal-csv", {"quantity": BIG_QUANTITY}, f"trades.csv:2: quantity: {QUANTITY} (got '1000000001')"),
    (
        "journal-csv",
        {"quantity": "0.000000001"},
        "trades.csv:2: quantity: more than 8 decimal places (got '0.000000001')",
    ),
    ("journal-csv", {"price": "10000001"}, f"trades.csv:2: price: {PRICE} (got '10000001')"),
    (
        "journal-csv",
        {"price": "2.00000000001"},
        "trades.csv:2: price: more than 10 decimal places (got '2.00000000001')",
    ),
    ("journal-csv", {"fees": "1E+13"}, f"trades.csv:2: fees: {AMOUNT} (got '1E+13')"),
    ("journal-csv", deposit("1000000000001"), f"trades.csv:2: amount: {AMOUNT} (got '1000000000001')"),
    ("journal-csv", deposit("NaN"), "trades.csv:2: amount: not a number (got 'NaN')"),
    ("journal-csv", deposit("-Infinity"), "trades.csv:2: amount: not a number (got '-Infinity')"),
    ("journal-csv", deposit("sNaN"), "trades.csv:2: amount: not a number (got 'sNaN')"),
    ("journal-csv", deposit("0x10"), "trades.csv:2: amount: not a number (got '0x10')"),
    ("journal-csv", deposit("1_000"), "trades.csv:2: amount: not a number (got '1_000')"),
    ("journal-csv", deposit("١٢٣"), "trades.csv:2: amount: not a number (got '١٢٣')"),
    ("journal-csv", deposit("--5"), "trades.csv:2: amount: not a number (got '--5')"),
    (
        "journal-csv",
        {"date": "2200-01-01"},
        "trades.csv:2: date: not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] between 1900-01-01 and "
        "2199-12-31 (got '2200-01-01')",
    ),
    (
        "journal-csv",
        {"action": "TRANSFER_IN", "symbol": "AAPL", "price": "", "fees": "", "acquired": "1899-12-31"},
        f"trades.csv:2: acquired: {DATE} (got '1899-12-31')",
    ),
    ("journal-csv", {"account": LONG_ACCOUNT}, f"trades.csv:2: account: {ACCOUNT}"),
    (
        "journal-csv",
        {"note": "n" * 1001},
        "trades.csv:2: note: too long: 1,001 characters, a note or description has at most 1,000 "
        f"(got '{'n' * 57}...')",
    ),
    (
        "journal-csv",
        {"id": "i" * 256},
        f"trades.csv:2: id: too long: 256 characters, an id has at most 255 (got '{'i' * 57}...')",
    ),
    (
        "journal-csv",
        {"resolves": "r" * 73},
        f"trades.csv:2: resolves: too long: 73 characters, a key has at most 72 (got '{'r' * 57}...')",
    ),
    (
        "journal-csv",
        {"symbol": "AAPL240119P0"},
        "trades.csv:2: symbol: not an option symbol: its strike is zero (got 'AAPL240119P0')",
    ),
    (
        "journal-csv",
        {"symbol": "AAPL241319P150"},
        "trades.csv:2: symbol: not an option symbol (got 'AAPL241319P150')",
    ),
    (
        "journal-csv",
        {"symbol": "AAPL240119P100000"},
        "trades.csv:2: symbol: not an option symbol: a strike is at most 99,999.999 "
        "(got 'AAPL240119P100000')",
    ),
    (
        "journal-csv",
        {"symbol": "AAPL340119P150"},
        f"trades.csv:2: symbol: {window('2034-01-19', '2024-01-02')} (got 'AAPL340119P150')",
    ),
    ("journal-csv", {"multiplier": "100001"}, f"trades.csv:2: multiplier: {MULTIPLIER} (got '100001')"),
    (
        "journal-csv",
        {"action": "SPLIT", "symbol": "AAPL", "quantity": "2000000:1", "price": "", "fees": ""},
        "trades.csv:2: quantity: out of bounds: a split ratio's part is at most 1,000,000 (got '2000000:1')",
    ),
    # Schwab
    ("schwab", {"quantity": BIG_QUANTITY}, f"schwab.csv:2: Quantity: {QUANTITY} (got '1000000001')"),
    (
        "schwab",
        {"quantity": "1.000000001"},
        "schwab.csv:2: Quantity: more than 8 decimal places (got '1.000000001')",
    ),
    ("schwab", {"price": "$10,000,001.00"}, f"schwab.csv:2: Price: {PRICE} (got '$10,000,001.00')"),
    (
        "schwab",
        {"amount": "$1,000,000,000,001.00"},
        f"schwab.csv:2: Amount: {AMOUNT} (got '$1,000,000,000,001.00')",
    ),
    (
        "schwab",
        {"fees": "$0.66000000001"},
        "schwab.csv:2: Fees & Comm: more than 10 decimal places (got '$0.66000000001')",
    ),
    ("schwab", {"date": "06/03/2200"}, f"schwab.csv:2: Date: {DATE} (got '06/03/2200')"),
    (
        "schwab",
        {"symbol": "DVN 06/21/2024 0.00 P"},
        "schwab.csv:2: Symbol: out of bounds: a strike is more than 0 (got 'DVN 06/21/2024 0.00 P')",
    ),
    (
        "schwab",
        {"symbol": "DVN 13/21/2024 48.00 P"},
        "schwab.csv:2: Symbol: not an option symbol (got 'DVN 13/21/2024 48.00 P')",
    ),
    (  # the net: the option is read, its expiry checked against the row's date among the events
        "schwab",
        {"symbol": "DVN 06/21/2040 48.00 P"},
        f"schwab.csv:2: instrument: {window('2040-06-21', '2024-06-03')} (got 'DVN   400621P00048000')",
    ),
    (
        "schwab",
        {"description": "d" * 1001},
        "schwab.csv:2: note: too long: 1,001 characters, a note or description has at most 1,000 "
        f"(got '{'d' * 57}...')",
    ),
    # Fidelity
    (
        "fidelity",
        {"quantity": "-" + BIG_QUANTITY},
        f"History_for_Account_X.csv:2: Quantity: {QUANTITY} (got '-1000000001')",
    ),
    ("fidelity", {"price": "10000001"}, f"History_for_Account_X.csv:2: Price ($): {PRICE} (got '10000001')"),
    (
        "fidelity",
        {"amount": "1000000000001"},
        f"History_for_Account_X.csv:2: Amount ($): {AMOUNT} (got '1000000000001')",
    ),
    ("fidelity", {"date": "01/06/2200"}, f"History_for_Account_X.csv:2: Run Date: {DATE} (got '01/06/2200')"),
    (
        "fidelity",
        {"symbol": "-KO251321P60"},
        "History_for_Account_X.csv:2: Symbol: not an option symbol (got 'KO251321P60')",
    ),
    (
        "fidelity",
        {"symbol": "-KO350221P60"},
        f"History_for_Account_X.csv:2: instrument: {window('2035-02-21', '2025-01-06')} "
        "(got 'KO    350221P00060000')",
    ),
    (
        "fidelity",
        {"description": "PUT (KO) (200000 SHS)"},
        f"History_for_Account_X.csv:2: Description: {MULTIPLIER} (got '(200000 SHS)')",
    ),
    # Robinhood
    ("robinhood", {"quantity": BIG_QUANTITY}, f"robinhood.csv:2: Quantity: {QUANTITY} (got '1000000001')"),
    ("robinhood", {"price": "$10,000,001.00"}, f"robinhood.csv:2: Price: {PRICE} (got '$10,000,001.00')"),
    (
        "robinhood",
        {"amount": "$1,000,000,000,001.00"},
        f"robinhood.csv:2: Amount: {AMOUNT} (got '$1,000,000,000,001.00')",
    ),
    ("robinhood", {"date": "1/8/2200"}, f"robinhood.csv:2: Activity Date: {DATE} (got '1/8/2200')"),
    (
        "robinhood",
        {"description": "TSLA 1/19/2024 Put $0.00"},
        "robinhood.csv:2: Description: not an option symbol: its strike is zero "
        "(got 'TSLA 1/19/2024 Put $0.00')",
    ),
    (
        "robinhood",
        {"description": "TSLA 1/19/2040 Put $220.00"},
        f"robinhood.csv:2: instrument: {window('2040-01-19', '2024-01-08')} (got 'TSLA  400119P00220000')",
    ),
    # tastytrade
    ("tastytrade", {"quantity": BIG_QUANTITY}, f"tastytrade.csv:2: Quantity: {QUANTITY} (got '1000000001')"),
    (
        "tastytrade",
        {"value": "1000000000001.00"},
        f"tastytrade.csv:2: Value: {AMOUNT} (got '1000000000001.00')",
    ),
    (
        "tastytrade",
        {"date": "2200-08-16T15:57:13+0200"},
        f"tastytrade.csv:2: Date: {DATE} (got '2200-08-16T15:57:13+0200')",
    ),
    ("tastytrade", {"multiplier": "100001"}, f"tastytrade.csv:2: Multiplier: {MULTIPLIER} (got '100001')"),
    (
        "tastytrade",
        {"symbol": "SCHG  241320C00099000"},
        "tastytrade.csv:2: Symbol: not an option symbol (got 'SCHG  241320C00099000')",
    ),
    (
        "tastytrade",
        {"symbol": "SCHG  340920C00099000", "expiration": "9/20/34"},
        f"tastytrade.csv:2: instrument: {window('2034-09-20', '2024-08-16')} (got 'SCHG  340920C00099000')",
    ),
    # tastyworks
    ("tastyworks", {"quantity": BIG_QUANTITY}, f"tastyworks.csv:2: Quantity: {QUANTITY} (got '1000000001')"),
    ("tastyworks", {"price": "10000001"}, f"tastyworks.csv:2: Price: {PRICE} (got '10000001')"),
    ("tastyworks", {"amount": "1000000000001"}, f"tastyworks.csv:2: Amount: {AMOUNT} (got '1000000000001')"),
    (
        "tastyworks",
        {"date": "01/29/2200 1:31 PM"},
        f"tastyworks.csv:2: Date/Time: {DATE} (got '01/29/2200 1:31 PM')",
    ),
    ("tastyworks", {"strike": "100000"}, f"tastyworks.csv:2: Strike: {STRIKE} (got '100000')"),
    (
        "tastyworks",
        {"expiration": "01/29/2040"},
        f"tastyworks.csv:2: instrument: {window('2040-01-29', '2021-01-29')} (got 'UVXY  400129P00014500')",
    ),
    # IBKR Activity Statement CSV
    (
        "ibkr-activity",
        {"quantity": "-" + BIG_QUANTITY},
        f"activity.csv:6: Quantity: {QUANTITY} (got '-1000000001')",
    ),
    ("ibkr-activity", {"price": "10000001"}, f"activity.csv:6: T. Price: {PRICE} (got '10000001')"),
    (
        "ibkr-activity",
        {"proceeds": "1000000000001"},
        f"activity.csv:6: Proceeds: {AMOUNT} (got '1000000000001')",
    ),
    (
        "ibkr-activity",
        {"when": "2200-03-15, 10:31:02"},
        f"activity.csv:6: Date/Time: {DATE} (got '2200-03-15, 10:31:02')",
    ),
    (
        "ibkr-activity",
        {"symbol": "KO 19APR24 0 P"},
        "activity.csv:6: Symbol: out of bounds: a strike is more than 0 (got 'KO 19APR24 0 P')",
    ),
    (
        "ibkr-activity",
        {"symbol": "KO 31APR24 60 P"},
        "activity.csv:6: Symbol: not an option symbol (got 'KO 31APR24 60 P')",
    ),
    (
        "ibkr-activity",
        {"symbol": "KO 19APR40 60 P"},
        f"activity.csv:6: instrument: {window('2040-04-19', '2024-03-15')} (got 'KO    400419P00060000')",
    ),
    ("ibkr-activity", {"account": LONG_ACCOUNT}, f"activity.csv:6: account: {ACCOUNT}"),
    # IBKR Flex XML
    ("ibkr-flex", {"quantity": "-" + BIG_QUANTITY}, f"flex.xml:5: quantity: {QUANTITY} (got '-1000000001')"),
    ("ibkr-flex", {"price": "10000001"}, f"flex.xml:5: tradePrice: {PRICE} (got '10000001')"),
    ("ibkr-flex", {"net": "1000000000001"}, f"flex.xml:5: netCash: {AMOUNT} (got '1000000000001')"),
    ("ibkr-flex", {"when": "22000105 101214"}, f"flex.xml:5: dateTime: {DATE} (got '22000105 101214')"),
    ("ibkr-flex", {"multiplier": "100001"}, f"flex.xml:5: multiplier: {MULTIPLIER} (got '100001')"),
    (
        "ibkr-flex",
        {"symbol": "SOFI  261316P00015000"},
        "flex.xml:5: symbol: not an option symbol (got 'SOFI  261316P00015000')",
    ),
    ("ibkr-flex", {"symbol": "", "strike": "150000"}, f"flex.xml:5: strike: {STRIKE} (got '150000')"),
    (
        "ibkr-flex",
        {"symbol": "SOFI  400116P00015000", "expiry": "20400116"},
        f"flex.xml:5: instrument: {window('2040-01-16', '2026-01-05')} (got 'SOFI  400116P00015000')",
    ),
    ("ibkr-flex", {"account": LONG_ACCOUNT}, f"flex.xml:5: account: {ACCOUNT}"),
    # OFX
    ("ofx", {"units": "-" + BIG_QUANTITY}, f"statement.qfx:27: UNITS: {QUANTITY} (got '-1000000001')"),
    ("ofx", {"price": "10000001"}, f"statement.qfx:28: UNITPRICE: {PRICE} (got '10000001')"),
    (
        "ofx",
        {"price": "0.850000000001"},
        "statement.qfx:28: UNITPRICE: more than 10 decimal places (got '0.850000000001')",
    ),
    ("ofx", {"total": "1000000000001"}, f"statement.qfx:31: TOTAL: {AMOUNT} (got '1000000000001')"),
    ("ofx", {"when": "22000301170000.000"}, f"statement.qfx:20: DTTRADE: {DATE} (got '22000301170000.000')"),
    ("ofx", {"strike": "100000"}, f"statement.qfx:45: STRIKEPRICE: {STRIKE} (got '100000')"),
    ("ofx", {"per_contract": "100001"}, f"statement.qfx:45: SHPERCTRCT: {MULTIPLIER} (got '100001')"),
    (
        "ofx",
        {"uniqueid": "KO241315P00060000"},
        "statement.qfx:43: UNIQUEID: not an option symbol (got 'KO241315P00060000')",
    ),
    (
        "ofx",
        {"memo": "m" * 1001},
        "statement.qfx:16: note: too long: 1,001 characters, a note or description has at most 1,000 "
        f"(got '{'m' * 57}...')",
    ),
]


def write(tmp_path: Path, family: str, changes: dict[str, str], name: str | None = None) -> Path:
    _, make, default_name = FAMILIES[family]
    path = tmp_path / (name or default_name)
    path.write_text(make(**changes), encoding="utf-8")
    return path


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_familys_file_is_read_without_error_as_written(tmp_path: Path, family: str) -> None:
    """The cases change one cell of a file that reads cleanly: the error is that cell's."""
    fmt, _, _ = FAMILIES[family]
    path = write(tmp_path, family, {})
    assert importers.detect(path) is importers.by_name(fmt)
    name, result = parse_file(path)
    assert (name, [str(e) for e in result.errors]) == (fmt, [])
    assert result.events


@pytest.mark.parametrize(
    ("family", "changes", "message"), CASES, ids=[f"{f}-{'-'.join(c)}" for f, c, _ in CASES]
)
def test_a_value_beyond_its_bound_is_an_error_naming_file_line_and_column(
    tmp_path: Path, family: str, changes: dict[str, str], message: str
) -> None:
    _, result = parse_file(write(tmp_path, family, changes))
    assert [str(e) for e in result.errors] == [message]


def _family_files(tmp_path: Path, family: str) -> tuple[list[Path], list[str]]:
    """Every case of a family, one file each (named after the case, so messages name them)."""
    paths, messages = [], []
    default_name = FAMILIES[family][2]
    for i, (of, changes, message) in enumerate(c for c in CASES if c[0] == family):
        assert of == family
        name = f"{i}-{default_name}"
        paths.append(write(tmp_path, family, changes, name))
        messages.append(f"{i}-{message}")
    return paths, messages


@pytest.mark.parametrize("family", list(FAMILIES))
def test_the_api_refuses_every_out_of_bounds_file_and_writes_nothing(
    journal: Journal, tmp_path: Path, family: str
) -> None:
    paths, messages = _family_files(tmp_path, family)
    with pytest.raises(ImportFailed) as failed:
        journal.import_files([*paths, write(tmp_path, family, {})])  # a good file beside them: not written
    assert [str(p) for p in failed.value.problems] == messages
    assert journal.store.read() == []


def test_tj_import_refuses_every_out_of_bounds_file_exits_1_and_writes_nothing(
    tj, db_url: str, tmp_path: Path
) -> None:
    """Every case of every family in one `tj import`: each error printed, exit 1, no event written, and
    the listings still answer."""
    paths, messages = [], []
    for family in FAMILIES:
        folder = tmp_path / family
        folder.mkdir()
        of_family, said = _family_files(folder, family)
        paths += of_family
        messages += said
    done = tj("import", *map(str, paths), db=db_url)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [*messages, "tj import: nothing was written"]
    assert done.stdout == ""
    assert json.loads(tj("events", "--format", "json", db=db_url, check=True).stdout) == []
    assert json.loads(tj("lots", "--format", "json", db=db_url, check=True).stdout) == []


def test_an_account_given_on_the_command_line_is_bounded_too(tj, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'j.sqlite'}"
    path = write(tmp_path, "journal-csv", {"account": ""})
    done = tj("import", str(path), "--account", LONG_ACCOUNT, db=db)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"trades.csv:2: account: {ACCOUNT}", "tj import: nothing was written"]


# -- numbers Decimal() reads that are no broker's, and those read as the broker means them ---------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1E+5", "100000"),
        ("1e3", "1000"),
        ("2.5e-2", "0.025"),
        ("-0", "0"),
        ("-0.00", "0.00"),
        ("+3", "3"),
        (".5", "0.5"),
    ],
)
def test_a_number_with_a_small_exponent_or_a_signed_zero_is_read_written_out(text: str, value: str) -> None:
    read = parse_decimal(text)
    assert (str(read), read.is_signed()) == (value, False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NaN", "not a number: 'NaN'"),
        ("sNaN", "not a number: 'sNaN'"),
        ("Infinity", "not a number: 'Infinity'"),
        ("-inf", "not a number: '-inf'"),
        ("0x10", "not a number: '0x10'"),
        ("1_000", "not a number: '1_000'"),
        ("١٢٣", "not a number: '١٢٣'"),
        ("１２", "not a number: '１２'"),
        ("+-1", "not a number: '+-1'"),
        ("1.2.3", "not a number: '1.2.3'"),
        ("1e10000", "not a number: '1e10000'"),
        ("1e400", "out of bounds: a number is at most 1,000,000,000,000"),
        ("-1000000000000.1", "out of bounds: a number is at most 1,000,000,000,000"),
        ("1e-11", "more than 10 decimal places"),
        ("0.12345678901", "more than 10 decimal places"),
    ],
)
def test_parse_decimal_refuses_what_no_broker_writes(text: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_decimal(text)
    assert str(refused.value) == message
    assert isinstance(refused.value, OutOfBounds) == message.startswith(("out of bounds", "more than"))


def test_a_journal_csv_quantity_written_with_an_exponent_is_stored_written_out(
    journal: Journal, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "journal-csv", {"action": "BUY", "symbol": "AAPL", "quantity": "1E+2", "price": "150"}
    )
    journal.import_files([path])
    (stored,) = [s.event for s in journal.store.read()]
    assert isinstance(stored, TradeExecuted)
    assert (str(stored.quantity), [lot.quantity for lot in journal.lots()]) == ("100", [Decimal(100)])


# -- the net under every parse ------------------------------------------------------------------------------

SOURCE = SourceRef("made.csv", "0" * 64, 7)
WHEN = datetime(2024, 1, 2)


def trade(**fields: object) -> TradeExecuted:
    values: dict[str, object] = {
        "action": TradeAction.STO,
        "instrument": parse_option("AAPL240119P150"),
        "quantity": Decimal(1),
        "price": Decimal("2.5"),
        "fees": Decimal("0.65"),
        "account": "IRA",
        "time": WHEN,
        "key": "row:1",
        "source": SOURCE,
    } | fields
    return TradeExecuted(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (trade(quantity=Decimal("1e400")), f"made.csv:7: quantity: {QUANTITY} (got '1E+400')"),
        (
            trade(quantity=Decimal("NaN")),
            "made.csv:7: quantity: not a finite number: a quantity is at most 1,000,000,000 (got 'NaN')",
        ),
        (trade(quantity=Decimal(0)), "made.csv:7: quantity: must be positive (got '0')"),
        (
            trade(quantity=Decimal("0.123456789")),
            "made.csv:7: quantity: more than 8 decimal places for a quantity (got '0.123456789')",
        ),
        (trade(price=Decimal("-1")), "made.csv:7: price: must not be negative (got '-1')"),
        (
            trade(price=Decimal("Infinity")),
            "made.csv:7: price: not a finite number: a price is at most 10,000,000 (got 'Infinity')",
        ),
        (trade(fees=Decimal("-1E+13")), f"made.csv:7: fees: {AMOUNT} (got '-1E+13')"),
        (
            trade(action=TradeAction.BUY, instrument=Stock("KO"), time=datetime(1899, 12, 31)),
            f"made.csv:7: time: {DATE} (got '1899-12-31T00:00:00')",
        ),
        (
            trade(order_id="o" * 256),
            f"made.csv:7: order_id: too long: 256 characters, an id has at most 255 (got '{'o' * 57}...')",
        ),
        (
            trade(key="k" * 81),
            f"made.csv:7: key: too long: 81 characters, a key has at most 80 (got '{'k' * 57}...')",
        ),
        (
            trade(instrument=OptionContract("AAPL", date(2024, 1, 19), "P", Decimal(0))),
            "made.csv:7: instrument: out of bounds: a strike is more than 0 (got 'AAPL  240119P00000000')",
        ),
        (
            trade(instrument=OptionContract("TOOLONG", date(2024, 1, 19), "P", Decimal(150))),
            "made.csv:7: instrument: not an option the journal can store: its OCC name "
            "'TOOLONG240119P00150000' says another (got 'TOOLONG240119P00150000')",
        ),
        (
            trade(instrument=OptionContract("AAPL", date(2024, 1, 19), "P", Decimal(150), Decimal(0))),
            "made.csv:7: instrument: out of bounds: a multiplier is more than 0 "
            "(got 'AAPL  240119P00150000')",
        ),
        (
            trade(action=TradeAction.BUY, instrument=Stock("A240119P5")),
            "made.csv:7: instrument: not a stock the journal can store: 'A240119P5' reads as an option "
            "symbol (got 'A240119P5')",
        ),
        (
            trade(time=datetime(2034, 6, 1)),
            f"made.csv:7: instrument: {window('2024-01-19', '2034-06-01')} (got 'AAPL  240119P00150000')",
        ),
        (
            PositionReported(
                instrument=Stock("KO"), quantity=Decimal("-2e9"), account="IRA", time=WHEN, source=SOURCE
            ),
            f"made.csv:7: quantity: {QUANTITY} (got '-2E+9')",
        ),
        (
            CashMoved(
                kind=CashKind.FEE,
                amount=Decimal(-5),
                symbol="S" * 33,
                account="IRA",
                time=WHEN,
                source=SOURCE,
            ),
            f"made.csv:7: symbol: too long: 33 characters, a symbol has at most 32 (got '{'S' * 33}')",
        ),
        (
            Unresolved(reason="odd", raw="r" * 10_001, account="IRA", time=WHEN, source=SOURCE),
            "made.csv:7: raw: too long: 10,001 characters, a kept row has at most 10,000 "
            f"(got '{'r' * 57}...')",
        ),
        (
            Unresolved(
                reason="odd", raw="x", symbols=("KO", "Y" * 33), account="IRA", time=WHEN, source=SOURCE
            ),
            f"made.csv:7: symbols: too long: 33 characters, a symbol has at most 32 (got 'KO {'Y' * 33}')",
        ),
        (
            OptionExpired(
                option=parse_option("AAPL240119P150"),
                quantity=Decimal(1),
                account="a" * 65,
                time=WHEN,
                source=SOURCE,
            ),
            f"made.csv:7: account: too long: 65 characters, an account has at most 64 (got '{'a' * 57}...')",
        ),
    ],
)
def test_the_net_names_every_field_out_of_bounds_at_its_source_line(event: object, message: str) -> None:
    assert [str(p) for p in bounds.check_events("made.csv", [event])] == [message]  # type: ignore[list-item]


def test_the_net_checks_every_field_of_every_event_type() -> None:
    """A field of a type the net has no bound for would raise TypeError here, not in a user's import."""
    for cls in EVENT_TYPES.values():
        rules = bounds._Rules(cls, bounds._Windows())
        names = {name for name, _ in rules.checks}
        assert {"account", "time", "key", "broker_id", "note"} <= names, cls


def test_every_fixture_and_real_export_is_within_bounds() -> None:
    """The bounds hold every real file: a fixture outside them would mean a bound too narrow."""
    checked = 0
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_dir() or path.suffix in (".json", ".md"):
            continue
        importer = importers.detect(path)
        assert importer is not None, path
        result = importer.parse(path, None)
        assert [str(e) for e in result.errors] == [], path
        assert bounds.check_events(path.name, result.events) == [], path
        checked += len(result.events)
    assert checked > 3000


# -- issue 15: the fields of corporate actions, adjusted options, other assets and currencies -------------

GREE1 = OptionContract("GREE1", date(2024, 3, 15), "P", Decimal(5), Decimal(100), (("GREE", Decimal(11)),))


def at_source() -> Any:
    return {"account": "IRA", "time": WHEN, "source": SOURCE}


def test_the_net_passes_every_new_event_within_bounds() -> None:
    events = [
        SymbolChanged(symbol="FB", new_symbol="META", **at_source()),
        # An all-cash merger has no new shares: its `new` is 0 (a split's may not be).
        StockMerged(symbol="TWTR", cash=Decimal("54.20"), **at_source()),
        StockMerged(
            symbol="SPRT", new_symbol="GREE", new=Decimal("0.1125"), in_lieu=Decimal("3.5"), **at_source()
        ),
        SpunOff(
            symbol="MMM",
            new_symbol="SOLV",
            new=Decimal(1),
            old=Decimal(4),
            allocation=Decimal(100),
            **at_source(),
        ),
        OptionAdjusted(
            option=parse_option("SPRT240315P5"), adjusted=GREE1, quantity=Decimal(2), **at_source()
        ),
        OptionCashSettled(
            option=parse_option("SPX240315P5000"), quantity=Decimal(1), settlement=Decimal(0), **at_source()
        ),
        CurrencyConverted(
            currency="EUR", amount=Decimal(-1), paid_currency="CHF", paid=Decimal(1), **at_source()
        ),
        trade(action=TradeAction.BUY, instrument=Bond("912797KA4", "bill", date(2054, 1, 1), "T-BILL")),
        trade(action=TradeAction.BUY, instrument=Future("/ESH4", date(2024, 3, 15), Decimal(50))),
        trade(instrument=FutureOption("/BTCH4", date(2024, 3, 29), "C", Decimal(150000), Decimal("0.1"))),
        trade(
            action=TradeAction.BUY, instrument=Stock("VFIAX", "fund"), currency="CHF", fx_rate=Decimal("1.1")
        ),
    ]
    assert bounds.check_events("made.csv", events) == []


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            SplitApplied(symbol="KO", new=Decimal(0), old=Decimal(1), **at_source()),
            "made.csv:7: new: must be positive (got '0')",
        ),
        (
            StockMerged(symbol="A", new_symbol="B", new=Decimal(1), old=Decimal("2e6"), **at_source()),
            "made.csv:7: old: out of bounds: a ratio's part is at most 1,000,000 (got '2E+6')",
        ),
        (
            StockMerged(symbol="A", cash=Decimal(-1), in_lieu=Decimal(-2), **at_source()),
            "made.csv:7: cash: must not be negative (got '-1')\n"
            "made.csv:7: in_lieu: must not be negative (got '-2')",
        ),
        (
            SpunOff(symbol="A", new_symbol="", new=Decimal(1), allocation=Decimal(5), **at_source()),
            "made.csv:7: new_symbol: empty: a symbol",
        ),
        (
            OptionAdjusted(
                option=parse_option("SPRT240315P5"),
                adjusted=OptionContract(
                    "GREE1",
                    date(2024, 3, 15),
                    "P",
                    Decimal(5),
                    Decimal(100),
                    (("GREE", Decimal(1)), ("GREE", Decimal(2))),
                ),
                quantity=Decimal(0),
                **at_source(),
            ),
            "made.csv:7: adjusted: GREE twice in a deliverable (got 'GREE1 240315P00005000')\n"
            "made.csv:7: quantity: must be positive (got '0')",
        ),
        (
            trade(action=TradeAction.BUY, instrument=Future("ESH4", date(2024, 3, 15), Decimal(50))),
            "made.csv:7: instrument: not a futures symbol: 'ESH4' (a slash, the root, month code and year: "
            "/ESH9) (got 'ESH4')",
        ),
        (
            trade(action=TradeAction.BUY, instrument=Future("/ESH4", date(2024, 3, 15), Decimal(0))),
            "made.csv:7: instrument: out of bounds: a multiplier is more than 0 (got '/ESH4')",
        ),
        (
            trade(instrument=FutureOption("/MESZ5", date(2025, 10, 31), "P", Decimal("-5"), Decimal(5))),
            "made.csv:7: instrument: out of bounds: a strike is more than 0 (got '/MESZ5 251031P-5')",
        ),
        (
            trade(action=TradeAction.BUY, instrument=Bond("912797KA4", "bill", date(2245, 1, 1))),
            f"made.csv:7: instrument: {DATE} (got '912797KA4')",
        ),
        (
            CashMoved(kind=CashKind.DIVIDEND, amount=Decimal(1), currency="usd", **at_source()),
            "made.csv:7: currency: not a currency: three letters (USD, EUR, CHF) (got 'usd')",
        ),
        (
            CurrencyConverted(
                currency="", amount=Decimal(1), paid=Decimal(-1), fx_rate=Decimal("1e7"), **at_source()
            ),
            "made.csv:7: currency: not a currency: three letters (USD, EUR, CHF)\n"
            "made.csv:7: fx_rate: out of bounds: an exchange rate is at most 1,000,000 (got '1E+7')",
        ),
    ],
)
def test_the_net_names_each_new_field_out_of_bounds(event: object, message: str) -> None:
    assert "\n".join(str(p) for p in bounds.check_events("made.csv", [event])) == message  # type: ignore[list-item]
