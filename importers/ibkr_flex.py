"""Interactive Brokers Flex Query XML: Activity Flex (`type="AF"`) and Trade Confirmation Flex (`type="TCF"`).

Why a module of its own: a Flex file is not a table but a tree of statements (one per account) whose
sections each say one kind of fact, with an attribute set the user picks in the query. What is read, and
how (../shared/FORMATS.md section 3a; the fixtures' README names the public sources):

- Parsing uses the standard library's expat (what ElementTree is built on) so that every element keeps
  the line its start tag is on: events and errors name that line; the error's column is the attribute.
  A malformed or truncated file is one problem with the line and column expat reports. A DOCTYPE is
  refused (IBKR writes none; it is the only door to entity expansion).
- Several `<FlexStatement>` elements (several accounts) in one file: a row's account is its own
  `accountId`, else its statement's, else the `account` argument, else "default".
- Attributes may be missing: only what a row needs is required, and the error names the attribute.
  Unknown attributes are ignored. Dates: `20190212`, `20190212;031052`, `2025-10-17;16:20:00`,
  `20210312,133036`, `20260419 144528`, `2024-01-15T10:00:00`, optionally followed by a zone name
  (`20250613;202000 EDT`, dropped: times are naive exchange-local). Amounts: plain decimals; a
  thousands separator (`21,792.73`, seen in OptionEAE) is accepted.

Currencies (issue 15): a row keeps its amounts in its own `currency` (TradeExecuted and CashMoved carry
`currency`, "" for USD, and `fx_rate`, USD per unit on the row's day). The statement's base is
AccountInformation's `currency`, else the one currency its ConversionRates convert to, else its
FxTransactions' `functionalCurrency`, else USD. `fxRateToBase` converts to the base: with a USD base it is
the rate; with another base (File02 EUR, File14 CHF, File25 GBP) a USD row needs none and a row in C takes
C->USD = C->base / USD->base of the same day, the USD->base rate from the ConversionRates section first,
else any USD row's `fxRateToBase` of that day (ten places). A row without such a rate is kept unresolved
with no amount (its reason says which rate is missing; `raw` keeps the amount); so is an option end in
another currency (its events carry none) and a trade whose commission is in a second currency.

What cannot be read (not XML, a bad number or date, a missing attribute a modelled row needs) is an error
and nothing is written. What is read but not modelled is kept as an `Unresolved` event with the row's
cash (issue 13), never a reason to refuse the rest: a row in a currency with no USD rate (above), asset
categories other than STK, OPT, FUT, FOP/FSFOP, BOND/BILL and CASH, a bond with no CUSIP (nor a US ISIN)
in the row, a futures option assigned or exercised, an unknown transactionType, buySell or
openCloseIndicator, an option fill with an empty openCloseIndicator in a statement without OpenPositions,
an assignment or exercise whose stock row is not in the file and a stock row whose option row is not (a
Trade Confirmation Flex holds one day), an option BookTrade that opens, a cancellation of a trade not in
the file, the corporate actions listed below. Each row read is booked for the file's self-check
(`ParseResult.book`), in its own currency: a trade's `netCash` (TCF: `proceeds` + `commission` + `tax`;
a futures trade's `proceeds` + commission + taxes, the notional the journal folds; a bond's without its
accrued interest, booked as its own row), a conversion's commission (its two sides cancel in USD), an
OptionEAE row's `proceeds` + `commisionsAndTax` (only when OptionEAE is the source), a cash row's
`amount`, an unresolved corporate action's `proceeds` (a merger's cash is paid on the shares held: the
journal's lots say how much, the file's check books none), a transfer's `cashTransfer`. The broker's
cash is the truth: a trade whose netCash differs from quantity x price x multiplier - commission - taxes
takes its fees from netCash (`base.booked_fees`, a warning from a cent up, unresolved beyond the
tolerance); so does an assignment's pair of rows at the strike.

Other assets (issue 15): `FUT` -> TradeExecuted BUY/SELL of `Future` (the file's `symbol`, `/ESH9`, else
`underlyingSymbol` with the expiry's month code; `expiry`, `multiplier`); `FOP`/`FSFOP` -> BTO/STO/BTC/STC
of `FutureOption` (the future: `underlyingSymbol` when it is a contract, else the first word of `symbol`;
`expiry`, `putCall`, `strike`, `multiplier`), an `Ep` row OptionExpired; `BOND`/`BILL` -> BUY/SELL of
`Bond` by CUSIP (`cusip`, else a US/CA ISIN's middle), quantity face, price per 100; its kind: BILL (or a
description `B ...`) a bill, a Treasury `T ...` a note when it matures within 10 years of the trade else a
bond (IBKR does not say which it was issued as), any other a bond; maturity from `maturity`/`expiry` or
the description's date; `accruedInt` a CashMoved INTEREST in the trade's currency (Pub 550 "Bonds Sold
Between Interest Dates"). `CASH` trades (`GBP.USD`) -> CurrencyConverted: `quantity` of the first
currency for `proceeds` of the second; the side whose currency the commission is in is the side paid
(File14's CHF.USD pays francs with a CHF commission, bankroll's GBP.USD pays dollars with a USD one);
a commission in a third currency, or neither side USD without a rate, is unresolved. An index option
exercised or assigned for cash (an A/Ex option row with cash and no stock row; with no Trades section,
an OptionEAE "Cash Settlement" row) -> OptionCashSettled at strike ± |proceeds| / (contracts x
multiplier) (else the row's price per unit), a call above, a put below.

Sections:

- `<Trades>` / `<TradeConfirms>`: `<Trade>` / `<TradeConfirm>` rows at execution level only. `<Order>`
  (order summaries), `<Lot>` (closed lots), `<SymbolSummary>`/`<AssetSummary>` and rows whose
  levelOfDetail is ORDER, CLOSED_LOT, SYMBOL_SUMMARY or ASSET_SUMMARY repeat executions: not read.
  Stock (`STK`) rows are BUY/SELL. Option (`OPT`) rows open or close by `openCloseIndicator` (TCF: the
  `O`/`C` in `code`): `O` BTO/STO, `C` BTC/STC. `C;O` (one fill closing and opening) is split into a
  closing and an opening TradeExecuted by the position held before the fill, which is the statement's
  `<OpenPositions>` quantity less every later fill of the contract; the fees are split pro rata. `-` or
  no indicator is decided the same way; without OpenPositions in the statement both are errors (an
  indicator present but empty: that fill is unresolved). `FOP`/`FSFOP` rows open and close the same way;
  `FUT`, `BOND`, `BILL` and `CASH` rows are read as above; other categories are unresolved.
  Fees are `-(ibCommission) - (taxes)` (TCF: `commission`, `tax`); the commission is required (a missing
  one would silently understate the cost), taxes default to 0. A positive commission (a rebate) gives a
  negative fee, kept as IBKR wrote it. The natural key is `transactionID`, else the execution id
  (`ibExecID`, TCF `execID`), else `tradeID`.
- Option ends: an option row whose `notes`/`code` hold `A` is an assignment, `Ex` (`AEx`, `MEx`) an
  exercise, `Ep` an expiry. The stock row of an assignment or exercise (same `positionActionID`, else the
  stock row of the option's shares at its strike on that day or a few days after) is merged into ONE
  OptionAssigned/OptionExercised, its fees added. An expiry is one OptionExpired at the expiration date
  23:59:59. A stock row marked `A`/`Ex` (or a stock BookTrade) that belongs to no option row, and an
  assignment or exercise with no stock row, are unresolved.
  An option BookTrade without those codes (the query left out Notes) is classified by its OptionEAE row,
  else by a stock row sharing its `positionActionID` (closing a short: assigned; a long: exercised), else
  it is an error.
- `<OptionEAE>`: the same facts as the BookTrade rows of `<Trades>`. One source per fact: the BookTrade.
  An OptionEAE row is matched to its BookTrade (same `tradeID`, else same contract and quantity) and
  not read again; only an option end the statement's Trades do not hold (a query without the Trades
  section) is taken from OptionEAE, with its `Buy`/`Sell` stock row as the leg (fees from
  `commisionsAndTax`, IBKR's spelling).
- `<CashTransactions>`: `type` mapped deliberately (CashKind; amounts signed as IBKR writes them):
  `Dividends`, `Payment In Lieu Of Dividends` -> DIVIDEND; `Withholding Tax` -> TAX (tax withheld,
  neither income nor a fee; of the symbol it names); `Broker Interest Received`,
  `Broker Interest Paid` (margin interest, negative), `Bond Interest Received`, `Bond Interest Paid`
  -> INTEREST; `Other Fees`, `Fees` (advisor fees), `Commission Adjustments` -> FEE (naming the symbol's
  underlying when there is one); `Deposits/Withdrawals`, `Deposits & Withdrawals` -> DEPOSIT when the
  amount is >= 0, else WITHDRAW. Any other type is cash of the kind its words say (`common.cash_kind`:
  OTHER with a warning when they say none). The broker's description is the event's `description`.
  Summary rows (`levelOfDetail="SUMMARY"` or
  `accountId="-"`, IBKR's copy of each row when "Summary" is ticked) are not read when the section has
  detail rows; a section of summary rows only is read as it is.
- `<OpenPositions>` -> PositionReported at the row's `reportDate` (else the statement's `toDate`)
  23:59:59, quantity signed by `position` and `side` (`Short` negates a positive position). LOT rows
  are not read when SUMMARY rows exist; alone, they are summed per contract. Positions in categories
  other than STK and OPT (bonds, futures, futures options, ...) are not reported yet.
- `<CorporateActions>`: the rows of one action (same `actionID`, else the same day and description less
  the security each row names last) are read together; the `type` (older queries write none: then by the
  description's words, `SPLIT n FOR m`, `TENDERED TO`, `MERGED(`, `SPINOFF`, `CUSIP/ISIN CHANGE`,
  `DELISTED`): `FS`/`RS` splits -> one SplitApplied per split (IBKR may write a reverse split as a
  removal and an addition row) with the ratio from `SPLIT n FOR m`; no ratio there is an error; `IC`
  (issue change), `TO`/`TI` (tender into a contra line, File01's UUU -> UUU.TEN2) with as many new shares
  as old and no cash -> SymbolChanged (the same symbol: unresolved, nothing to change); `TC` merger ->
  StockMerged: new/old from the two rows' quantities (reduced), cash per old share from the removal's
  `proceeds`, the new shares' value per share from the addition's `value` (needed with cash), no addition
  row: all cash; merger cash in another currency is unresolved (the event carries none). `SO` spin-off
  is unresolved (IBKR gives no basis allocation: a journal-CSV SPINOFF row gives it), and so is every
  other type (`DW` delisting, `RI` rights, ...), its reason naming the type, and any action on an option.
- `<Transfers>`: a stock or option moved in or out (`direction` IN/OUT, `quantity`) with no cash is
  SecurityTransferred (IBKR states no cost basis: the lot's basis is missing until a journal-CSV row gives
  it); cash alone (`cashTransfer`) is DEPOSIT or WITHDRAW; shares and cash at once, or another asset
  category, unresolved. `<StmtFunds>` (Statement of
  Funds, a cash ledger of the same facts) is not read; in a statement with none of Trades, TradeConfirms,
  OptionEAE and CashTransactions it is an error (not supported yet), not an empty import. Every other section
  (AccountInformation, CashReport, SecuritiesInfo, NAV and performance summaries, accruals, ...) is
  a report, not a fact of trading: not read.
- Cancellations (`transactionType="TradeCancel"`, `buySell="SELL (Ca.)"`, code `Ca`) cancel the trade
  with the same `tradeID`, quantity and price in the same statement: both are dropped. A cancellation
  whose trade is not in the file is unresolved (void the earlier trade with `resolves`).
- `notes`/`code` are semicolon lists; codes that do not change what a row is (`P` partial, `FP`, `RP`,
  `IA`, `PI`, `AFx`, `RI`, `LT`/`ST`, lot-matching methods, ...) and unknown ones are ignored.
- A `transactionID` repeated in one file: an identical row is the same fact (read once); a different
  row with the same id (anonymised exports write `REDACTED` or reuse ids) is keyed by its content, with
  a warning.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import quoteattr

from importers import bounds
from importers.base import (
    UNKNOWN_CASH,
    FileInfo,
    ImportProblem,
    KeyMaker,
    NotModelled,
    ParseResult,
    RowError,
    booked_fees,
    unresolved,
)
from importers.bounds import AMOUNT, FX_RATE, MULTIPLIER, PRICE, QUANTITY, SPLIT_PART, STRIKE
from importers.common import StockLeg, cash_kind, match_stock_leg, money
from journal.events import (
    CashKind,
    CashMoved,
    CurrencyConverted,
    Event,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    PositionReported,
    SecurityTransferred,
    SplitApplied,
    StockMerged,
    SymbolChanged,
    TradeAction,
    TradeExecuted,
)
from journal.instruments import (
    STANDARD_MULTIPLIER,
    Bond,
    Future,
    FutureOption,
    Instrument,
    OptionContract,
    Stock,
    future_root,
    parse_stock,
)
from journal.money import ZERO, OutOfBounds, prorate

name = "ibkr-flex"
description = "Interactive Brokers Flex Query XML (Activity Flex AF, Trade Confirmation Flex TCF)"

DEFAULT_ACCOUNT = "default"
BASE_CURRENCY = "USD"  # the currency of a statement that names no base currency
END_OF_DAY = time(23, 59, 59)
QUERY_TYPES = ("AF", "TCF")

# -- reading the XML with line numbers ---------------------------------------------------------------


@dataclass(slots=True)
class Node:
    """One element: its tag, attributes, the line of its start tag and its child elements."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)

    def kids(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def descendants(self, tag: str) -> Iterator[Node]:
        for child in self.children:
            if child.tag == tag:
                yield child
            yield from child.descendants(tag)


class XmlError(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def read_xml(data: bytes) -> Node:
    """The element tree of `data`, each element with its line; XmlError when it is not well-formed."""
    parser = xml.parsers.expat.ParserCreate()
    roots: list[Node] = []
    stack: list[Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def doctype(*args: object) -> None:
        raise XmlError(
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber,
            "a DOCTYPE declaration is not allowed in a Flex statement",
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise XmlError(exc.lineno, exc.offset, xml.parsers.expat.ErrorString(exc.code) or str(exc)) from None
    if not roots:  # pragma: no cover - expat reports "no element found" first
        raise XmlError(1, 0, "no element found")
    return roots[0]


_ROOT = re.compile(r"<FlexQueryResponse[\s>/]")


def identify(path: Path, head: str) -> bool:
    return bool(_ROOT.search(head))


# -- attribute values --------------------------------------------------------------------------------


_STAMP = re.compile(
    r"^(?P<date>\d{8}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*[;, T]\s*(?P<time>\d{6}|\d{4}|\d{2}:\d{2}(?::\d{2})?))?"
    r"(?:\s+[A-Za-z]{1,5})?$",
    re.ASCII,
)
DATE_FORMATS = "yyyyMMdd or yyyy-MM-dd, optionally with a time HHmmss or HH:mm:ss after ';', ',', ' ' or 'T'"


def parse_stamp(raw: str) -> datetime:
    """A Flex date or date-time in any of the formats a query can be set to; ValueError otherwise
    (OutOfBounds for a date outside importers/bounds.py's)."""
    m = _STAMP.match(raw.strip())
    if not m:
        raise ValueError(raw)
    digits = m["date"].replace("-", "")
    day = bounds.day(date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
    if m["time"] is None:
        return datetime.combine(day, time())
    clock = m["time"].replace(":", "")
    return datetime.combine(day, time(int(clock[:2]), int(clock[2:4]), int(clock[4:6] or 0)))


# The attributes that hold a quantity, a price or a multiplier (any other number is an amount).
_BOUNDS = {
    "quantity": QUANTITY,
    "position": QUANTITY,
    "tradePrice": PRICE,
    "markPrice": PRICE,
    "closePrice": PRICE,
    "multiplier": MULTIPLIER,
}


class Row:
    """An element read as a row: attribute access that names the attribute in every error."""

    __slots__ = ("node", "what")

    def __init__(self, node: Node, what: str | None = None) -> None:
        self.node, self.what = node, what or node.tag

    @property
    def line(self) -> int:
        return self.node.line

    def get(self, *names: str) -> str:
        """The first non-empty value among `names` (stripped), else ""."""
        for n in names:
            value = self.node.attrs.get(n, "").strip()
            if value:
                return value
        return ""

    def has(self, name: str) -> bool:
        return name in self.node.attrs

    def require(self, *names: str, why: str = "") -> tuple[str, str]:
        for n in names:
            value = self.node.attrs.get(n, "").strip()
            if value:
                return n, value
        reason = f" ({why})" if why else ""
        raise RowError(names[0], None, f"missing attribute: a {self.what} needs {names[0]}{reason}")

    def number(self, *names: str, why: str = "") -> Decimal:
        column, raw = self.require(*names, why=why)
        return self.to_number(column, raw)

    def optional_number(self, *names: str) -> Decimal | None:
        for n in names:
            raw = self.node.attrs.get(n, "").strip()
            if raw:
                return self.to_number(n, raw)
        return None

    @staticmethod
    def to_number(column: str, raw: str) -> Decimal:
        try:
            return money(raw, _BOUNDS.get(column, AMOUNT)) + ZERO  # `+ ZERO` turns IBKR's "-0" into 0
        except ValueError as exc:
            raise RowError(column, raw, bounds.why(exc, "not a number")) from None

    def stamp(self, *names: str, why: str = "") -> datetime:
        column, raw = self.require(*names, why=why)
        try:
            return parse_stamp(raw)
        except ValueError as exc:
            raise RowError(column, raw, bounds.why(exc, f"not a date: expected {DATE_FORMATS}")) from None

    def when(self) -> datetime:
        """The row's time: `dateTime`, else `tradeDate` (with the old `tradeTime`), else `date` or
        `reportDate`."""
        if self.get("dateTime"):
            return self.stamp("dateTime")
        if self.get("tradeDate"):
            day = self.stamp("tradeDate")
            raw = self.get("tradeTime")
            if raw and day.time() == time():
                try:
                    return parse_stamp(f"{day:%Y%m%d};{raw}")
                except ValueError:
                    raise RowError("tradeTime", raw, "not a time: expected HHmmss or HH:mm:ss") from None
            return day
        return self.stamp("dateTime", "date", "reportDate")

    def codes(self) -> list[str]:
        """`notes` (AF) and `code` (TCF): semicolon lists of IBKR's codes."""
        out: list[str] = []
        for column in ("notes", "code"):
            out.extend(c.strip() for c in self.node.attrs.get(column, "").split(";") if c.strip())
        return out


# -- instruments -------------------------------------------------------------------------------------

OPTION = "OPT"
STOCK = "STK"
FUTURE = "FUT"
FUTURE_OPTIONS = ("FOP", "FSFOP")  # options on futures (FSFOP: futures-style margined)
BONDS = ("BOND", "BILL")
FOREX = "CASH"
# The categories a trade row may be (CASH trades are conversions, read apart).
TRADED = (OPTION, STOCK, FUTURE, *FUTURE_OPTIONS, *BONDS)
# Where the other categories are not modelled, what to tell the user: the row is kept unresolved.
NOT_MODELLED_CATEGORIES = {
    "FUT": "a futures contract: only its trades are modelled yet",
    "FOP": "a futures option: only its trades are modelled yet",
    "FSFOP": "a futures option: only its trades are modelled yet",
    "BOND": "a bond: only its trades are modelled yet",
    "BILL": "a Treasury bill: only its trades are modelled yet",
    "CASH": "a currency: only its conversions (CASH trades) are modelled yet",
}
# Categories whose symbol is no underlying of a stock or option (marking it incomplete would mean nothing).
NO_UNDERLYING = ("CASH", "BOND", "BILL")


def category(row: Row, allowed: tuple[str, ...] = (OPTION, STOCK)) -> str:
    """`assetCategory`; when the query left it out, an OSI option symbol says OPT, a ticker STK. A category
    not `allowed` where the row is (futures, bonds, ... outside Trades) is read but not modelled."""
    value = row.get("assetCategory")
    if value:
        if value not in allowed:
            reason = NOT_MODELLED_CATEGORIES.get(
                value, f"an instrument of asset category {value}: not modelled yet"
            )
            raise NotModelled(reason)
        return value
    symbol = row.get("symbol")
    if symbol and bounds.option_symbol(symbol, "symbol"):
        return OPTION
    if symbol and parse_stock(_ticker(symbol)):
        return STOCK
    raise RowError("assetCategory", None, f"missing attribute: a {row.what} needs assetCategory")


def _ticker(symbol: str) -> str:
    # IBKR writes share classes with a space (`BRK B`); the journal's tickers use a dot (`BRK.B`).
    return re.sub(r"\s+", ".", symbol.strip())


def named_underlyings(row: Row) -> tuple[str, ...]:
    """The underlying a row names, for an unresolved row (its symbol is then marked incomplete): the OSI
    symbol's root, else underlyingSymbol, else the ticker; none for a currency pair or a bond."""
    if row.get("assetCategory") in NO_UNDERLYING:
        return ()
    symbol = row.get("symbol")
    option = bounds.option_symbol(symbol, "symbol") if symbol else None
    if option is not None:
        return (option.underlying,)
    for raw in (row.get("underlyingSymbol"), symbol):
        stock = parse_stock(_ticker(raw)) if raw else None
        if stock is not None:
            return (stock.symbol,)
    return ()


def raw_xml(node: Node) -> str:
    """An element written back as the file had it (its attributes in order), for an unresolved row."""
    attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in node.attrs.items())
    return f"<{node.tag} {attrs} />" if attrs else f"<{node.tag} />"


def trade_cash(row: Row) -> Decimal | None:
    """The cash the broker booked for a Trade/TradeConfirm row: `netCash` (AF), else `proceeds` plus the
    commission and taxes (TCF writes no netCash); None when the query has neither."""
    net = row.optional_number("netCash")
    if net is not None:
        return net
    proceeds = row.optional_number("proceeds")
    if proceeds is None:
        return None
    commission = row.optional_number("ibCommission", "commission") or ZERO
    return proceeds + commission + (row.optional_number("taxes", "tax") or ZERO)


def fill_cash(row: Row) -> tuple[Decimal | None, Decimal]:
    """A trade row's cash as the journal folds it, and a bond's accrued interest (booked apart, as the
    INTEREST row it becomes). A futures trade is folded at its notional (the journal keeps a futures lot at
    its price, like a share's): its `proceeds` + commission + taxes, whatever `netCash` says. A bond's
    `netCash` that holds the accrued interest (it differs from proceeds + commission + taxes by exactly
    `accruedInt`) is taken without it."""
    category_ = row.get("assetCategory")
    accrued = (row.optional_number("accruedInt") or ZERO) if category_ in BONDS else ZERO
    if category_ == FUTURE and row.optional_number("proceeds") is not None:
        proceeds = row.optional_number("proceeds") or ZERO
        commission = row.optional_number("ibCommission", "commission") or ZERO
        return proceeds + commission + (row.optional_number("taxes", "tax") or ZERO), ZERO
    cash = trade_cash(row)
    if accrued and cash is not None and row.optional_number("netCash") is not None:
        stated = row.optional_number("proceeds")
        if stated is not None:
            commission = row.optional_number("ibCommission", "commission") or ZERO
            own = stated + commission + (row.optional_number("taxes", "tax") or ZERO)
            if cash - own == accrued:
                cash = own
    return cash, accrued


def eae_cash(row: Row) -> Decimal | None:
    """The cash of an OptionEAE row: `proceeds` plus `commisionsAndTax` (IBKR's spelling)."""
    proceeds = row.optional_number("proceeds")
    if proceeds is None:
        return None
    return proceeds + (row.optional_number("commisionsAndTax", "commissionsAndTax") or ZERO)


def stock_of(row: Row, *names: str) -> Stock:
    column, raw = row.require(*(names or ("symbol",)))
    stock = parse_stock(_ticker(raw))
    if stock is None:
        raise RowError(column, raw, "not a stock symbol")
    return stock


def option_of(row: Row) -> OptionContract:
    """The contract from the OSI `symbol` (checked against strike/expiry/putCall when present), else from
    underlyingSymbol + expiry + putCall + strike; `multiplier` when given, else the standard 100."""
    multiplier = row.optional_number("multiplier")
    if multiplier is None:
        multiplier = STANDARD_MULTIPLIER
    elif multiplier <= 0:
        raise RowError("multiplier", row.get("multiplier"), "must be positive")
    else:
        try:
            MULTIPLIER.check(multiplier)
        except OutOfBounds as exc:
            raise RowError("multiplier", row.get("multiplier"), str(exc)) from None
    symbol = row.get("symbol")
    option = bounds.option_symbol(symbol, "symbol", multiplier) if symbol else None
    strike = row.optional_number("strike")
    right = row.get("putCall")
    expiry_raw = row.get("expiry")
    expiry: date | None = None
    if expiry_raw:
        try:
            expiry = parse_stamp(expiry_raw).date()
        except ValueError as exc:
            raise RowError(
                "expiry", expiry_raw, bounds.why(exc, f"not a date: expected {DATE_FORMATS}")
            ) from None
    if right and right not in ("P", "C"):
        raise RowError("putCall", right, "not P or C")
    if option is not None:
        if strike is not None and strike != option.strike:
            raise RowError("strike", row.get("strike"), f"disagrees with the symbol {symbol!r}")
        if expiry is not None and expiry != option.expiry:
            raise RowError("expiry", expiry_raw, f"disagrees with the symbol {symbol!r}")
        if right and right != option.right:
            raise RowError("putCall", right, f"disagrees with the symbol {symbol!r}")
        return option
    if not (row.get("underlyingSymbol") and strike is not None and expiry is not None and right):
        if symbol:
            raise RowError(
                "symbol", symbol, "not an option symbol (and no underlyingSymbol, strike, expiry, putCall)"
            )
        row.require("symbol")
    assert strike is not None and expiry is not None
    if strike <= 0 or strike * 1000 != int(strike * 1000):
        raise RowError("strike", row.get("strike"), "not a strike price")
    if strike > STRIKE.most:
        raise RowError(
            "strike", row.get("strike"), f"out of bounds: {STRIKE.what} is at most {STRIKE.most:,}"
        )
    root = re.sub(r"\s+", "", row.get("underlyingSymbol")).upper()
    if not re.fullmatch(r"[A-Z][A-Z0-9.]{0,5}", root):
        raise RowError("underlyingSymbol", row.get("underlyingSymbol"), "not an option root")
    return OptionContract(root, expiry, right, strike.normalize() + 0, multiplier)


def _expiry(row: Row, *names: str) -> date:
    column, raw = row.require(*names)
    try:
        return parse_stamp(raw).date()
    except ValueError as exc:
        raise RowError(column, raw, bounds.why(exc, f"not a date: expected {DATE_FORMATS}")) from None


def _multiplier(row: Row) -> Decimal:
    multiplier = row.number("multiplier")
    if multiplier <= 0:
        raise RowError("multiplier", row.get("multiplier"), "must be positive")
    return multiplier


_MONTH_CODES = "FGHJKMNQUVXZ"


def _futures_symbol(text: str) -> str | None:
    """`ESH9` / `MESM4` / `/ESH9` as the journal writes it (`/ESH9`), or None when the text is no contract."""
    symbol = "/" + re.sub(r"\s+", "", text).upper().lstrip("/")
    return symbol if future_root(symbol) != symbol.lstrip("/") else None


def future_of(row: Row) -> Future:
    """A futures contract: the file's `symbol` (`ESH9`), else `underlyingSymbol` with the expiry's month
    code and year digit; `expiry` and `multiplier` from the row."""
    expiry = _expiry(row, "expiry")
    symbol = _futures_symbol(row.get("symbol"))
    if symbol is None:
        root = re.sub(r"\s+", "", row.get("underlyingSymbol")).upper()
        if not root:
            row.require("symbol")
            raise RowError("symbol", row.get("symbol"), "not a futures symbol (root, month code, year)")
        symbol = f"/{root}{_MONTH_CODES[expiry.month - 1]}{expiry.year % 10}"
    future = Future(symbol, expiry, _multiplier(row))
    try:
        bounds.future_fields(future)
    except OutOfBounds as exc:
        raise RowError("symbol", row.get("symbol"), str(exc)) from None
    return future


def future_option_of(row: Row) -> FutureOption:
    """An option on a futures contract from the attributes: the future it delivers is `underlyingSymbol`
    when that is a contract (`BPM9`), else the first word of `symbol` (`ESM4 P5000`), else the root with
    the expiry's month code; `expiry`, `putCall`, `strike`, `multiplier`."""
    expiry = _expiry(row, "expiry")
    _, right = row.require("putCall")
    if right not in ("P", "C"):
        raise RowError("putCall", right, "not P or C")
    strike = row.number("strike")
    words = row.get("symbol").split()
    future = _futures_symbol(row.get("underlyingSymbol")) or (_futures_symbol(words[0]) if words else None)
    if future is None:
        root = re.sub(r"\s+", "", row.get("underlyingSymbol")).upper()
        if not root:
            raise RowError(
                "underlyingSymbol", None, "missing attribute: a futures option needs underlyingSymbol"
            )
        future = f"/{root}{_MONTH_CODES[expiry.month - 1]}{expiry.year % 10}"
    option = FutureOption(future, expiry, right, strike.normalize() + 0, _multiplier(row))
    try:
        bounds.future_fields(option)
    except OutOfBounds as exc:
        raise RowError("strike", row.get("strike"), str(exc)) from None
    return option


_MATURITY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})\s*$")
NOTE_YEARS = 10  # a Treasury note matures within 10 years of issue; past that, a Treasury bond


def bond_of(row: Row, when: datetime) -> Bond:
    """A bond by its CUSIP (`cusip`, else a US ISIN's middle, else `securityID` of type CUSIP); a row that
    names none is not modelled (the journal keys bonds by CUSIP). Its kind: BILL (or a description `B ...`
    or naming a bill) a bill; a Treasury `T ...` a note when it matures within 10 years of the trade, else a
    bond (IBKR's description does not say which it was issued as); any other a bond. Maturity from
    `maturity`, else `expiry`, else the description's last `mm/dd/yy`."""
    cusip = row.get("cusip").upper()
    isin = row.get("isin").upper()
    if not cusip and len(isin) == 12 and isin[:2] in ("US", "CA"):
        cusip = isin[2:11]
    if not cusip and row.get("securityIDType") == "CUSIP":
        cusip = row.get("securityID").upper()
    if not cusip:
        raise NotModelled(
            "a bond with no CUSIP in the row (add CUSIP or ISIN to the Flex query): the journal keys bonds "
            "by "
            "CUSIP; record it in a journal CSV with `resolves`"
        )
    description = row.get("description")
    maturity: date | None = None
    if row.get("maturity") or row.get("expiry"):
        maturity = _expiry(row, "maturity", "expiry")
    else:
        m = _MATURITY.search(description)
        if m:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            try:
                maturity = date(year, int(m[1]), int(m[2]))
            except ValueError:
                maturity = None
    words = description.upper()
    if row.get("assetCategory") == "BILL" or words.startswith("B ") or "BILL" in words:
        kind = "bill"
    elif "NOTE" in words:
        kind = "note"
    elif words.startswith("T ") and maturity is not None:
        kind = "note" if maturity <= date(when.year + NOTE_YEARS, 12, 31) else "bond"
    else:
        kind = "bond"
    bond = Bond(cusip, kind, maturity, description[:200])
    try:
        bounds.bond_fields(bond)
    except OutOfBounds as exc:
        raise RowError("cusip", cusip, str(exc)) from None
    return bond


def instrument_of(row: Row, kind: str, when: datetime) -> Instrument:
    if kind == OPTION:
        return option_of(row)
    if kind == FUTURE:
        return future_of(row)
    if kind in FUTURE_OPTIONS:
        return future_option_of(row)
    if kind in BONDS:
        return bond_of(row, when)
    return stock_of(row)


# -- trade rows --------------------------------------------------------------------------------------

TRADE_TYPES = (
    "ExchTrade",
    "BookTrade",
    "FracShare",
    "TradeCorrect",
    "DvpTrade",
    "TradeCancel",
    "FracShareCancel",
)
CANCEL_TYPES = ("TradeCancel", "FracShareCancel")
# levelOfDetail of rows that repeat executions (orders, closed lots, summaries): not read.
SUMMARY_LEVELS = ("ORDER", "CLOSED_LOT", "SYMBOL_SUMMARY", "ASSET_SUMMARY", "SUMMARY")
ASSIGNED, EXERCISED, EXPIRED = "assigned", "exercised", "expired"
END_CODES = {"A": ASSIGNED, "Ex": EXERCISED, "AEx": EXERCISED, "MEx": EXERCISED, "Ep": EXPIRED}
END_EVENTS: dict[str, type[OptionAssigned | OptionExercised | OptionExpired]] = {
    ASSIGNED: OptionAssigned,
    EXERCISED: OptionExercised,
    EXPIRED: OptionExpired,
}


@dataclass(slots=True)
class Fill:
    """One execution row, read."""

    row: Row
    index: int
    account: str
    instrument: Instrument
    signed: Decimal  # quantity, negative for a sale
    price: Decimal
    fees: Decimal
    when: datetime
    codes: list[str]
    effect: str  # "O", "C", "CO", "?" (unknown), "" (stock)
    book: bool
    cancel: bool
    broker_id: str | None
    order_id: str | None
    trade_id: str
    position_action: str
    content: str
    cash: Decimal | None = None  # what the broker booked for the row (netCash), None when not stated
    end: str | None = None  # ASSIGNED / EXERCISED / EXPIRED for an option end; "?" when to be classified
    leg: Fill | None = None  # the stock row merged into this option end
    leg_of: Fill | None = None  # for a stock row: the option end it belongs to
    dropped: bool = False
    eae_matched: bool = False  # an OptionEAE row said the same
    before: Decimal | None = None  # the position held just before this fill, when known
    currency: str = ""  # of price, fees and cash: "" is USD
    fx_rate: Decimal | None = None  # USD per unit of `currency`
    accrued: Decimal = ZERO  # a bond's accrued interest, paid (negative) or received with the trade
    proceeds: Decimal | None = None  # as the row states them (a cash settlement's value)

    @property
    def is_option(self) -> bool:
        return isinstance(self.instrument, OptionContract)

    @property
    def is_contract(self) -> bool:
        """An equity/index option or a futures option: opened and closed, not bought and sold."""
        return self.instrument.is_option

    @property
    def is_leg_candidate(self) -> bool:
        return isinstance(self.instrument, Stock) and (
            self.book or any(c in ("A", "Ex", "AEx", "MEx") for c in self.codes)
        )

    @property
    def key_of_instrument(self) -> tuple[str, str]:
        return (self.account, self.instrument.name)


def _trade_identity(row: Row) -> tuple[str | None, str, str]:
    """A trade row's broker id (`transactionID`, else the execution id, else `tradeID`), the attribute it
    came from, and its content for a content key when it has none."""
    broker_id, broker_column = "", "tradeID"
    for column in ("transactionID", "ibExecID", "execID", "tradeID"):
        broker_id = row.get(column)
        if broker_id:
            broker_column = column
            break
    content = "\x1f".join(
        f"{n}={row.get(n)}"
        for n in (
            "symbol",
            "dateTime",
            "tradeDate",
            "tradeTime",
            "buySell",
            "quantity",
            "tradePrice",
            "price",
            "ibCommission",
            "commission",
            "transactionType",
            "notes",
            "code",
        )
        if row.get(n)
    )
    return broker_id or None, broker_column, content


def _effect(row: Row, codes: list[str]) -> str:
    if row.has("openCloseIndicator"):
        raw = row.get("openCloseIndicator")
    else:
        has_o, has_c = "O" in codes, "C" in codes
        raw = "C;O" if has_o and has_c else "O" if has_o else "C" if has_c else ""
    if raw in ("O", "C"):
        return raw
    if raw in ("C;O", "O;C"):
        return "CO"
    if raw in ("-", ""):
        return "?"
    raise NotModelled(f"an option trade whose openCloseIndicator is {raw!r}: not modelled yet")


# -- the parse ---------------------------------------------------------------------------------------


def _eae_identity(row: Row) -> tuple[str | None, str]:
    """An OptionEAE row's broker id (`eae:` and its tradeID, apart from its BookTrade's) and content."""
    trade_id = row.get("tradeID")
    content = "\x1f".join(
        f"{n}={row.get(n)}" for n in ("symbol", "date", "transactionType", "quantity") if row.get(n)
    )
    return (f"eae:{trade_id}" if trade_id else None), "eae\x1f" + content


def settlement_of(
    option: OptionContract, contracts: Decimal, price: Decimal, proceeds: Decimal | None
) -> Decimal:
    """The index value a cash settlement implies: the intrinsic value per unit is the row's proceeds over
    contracts × multiplier (the cash is the truth), else its price; a call settles that far above the
    strike, a put below."""
    per_unit = price
    if proceeds:
        per_unit = abs(proceeds) / (contracts * option.multiplier)
    return option.strike + per_unit if option.right == "C" else option.strike - per_unit


def no_stock_leg(end: str, cash: Decimal | None, price: Decimal) -> str:
    """Why an assignment or exercise without its stock row is not modelled: cash moved on the option row
    (an index option settles in cash), else its stock row is in another file."""
    word = "an assignment" if end == ASSIGNED else "an exercise"
    if cash or price:
        return f"{word} settled in cash (an index option's cash settlement): not modelled yet"
    return (
        f"{word} whose stock row is not in this file: not modelled; record the shares in a journal CSV "
        "with `resolves`"
    )


@dataclass(slots=True)
class Eae:
    """One OptionEAE row."""

    row: Row
    account: str
    kind: str  # ASSIGNED / EXERCISED / EXPIRED / "buy" / "sell"
    instrument: Instrument
    signed: Decimal
    price: Decimal | None
    fees: Decimal
    when: datetime
    trade_id: str
    cash: Decimal | None = None
    used: bool = False
    proceeds: Decimal | None = None


CASH_SETTLED = "cash settled"
EAE_TYPES = {
    "Assignment": ASSIGNED,
    "Exercise": EXERCISED,
    "Expiration": EXPIRED,
    "Cash Settlement": CASH_SETTLED,
    "Buy": "buy",
    "Sell": "sell",
}


class _Parser:
    def __init__(self, path: Path, account: str | None) -> None:
        self.info = FileInfo.read(path)
        self.result = ParseResult()
        self.default_account = account or DEFAULT_ACCOUNT
        self.keys = KeyMaker()
        self.ids: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
        self.out: list[tuple[int, int, Event]] = []
        self.base = BASE_CURRENCY  # the statement's base currency (AccountInformation), else USD
        # (currency, day) -> units of the statement's base currency per unit (fxRateToBase, ConversionRates)
        self.rates: dict[tuple[str, date], Decimal] = {}

    # -- plumbing --

    def problem(self, line: int, column: str | None, value: str | None, message: str) -> None:
        self.result.errors.append(ImportProblem(self.info.name, line, column, value, message))

    def row_problem(self, row: Row, err: RowError) -> None:
        self.problem(row.line, err.column, err.value, err.message)

    def emit(self, line: int, event: Event) -> None:
        self.out.append((line, len(self.out), event))

    def key(self, account: str, broker_id: str | None, content: str) -> str:
        return self.keys.key(account, broker_id, content)

    def warn(self, row: Row, column: str | None, value: str | None, message: str) -> None:
        self.result.warnings.append(ImportProblem(self.info.name, row.line, column, value, message))

    def keep(
        self,
        row: Row,
        exc: NotModelled,
        account: str,
        *,
        cash: Decimal | None,
        broker_id: str | None,
        content: str,
        when: datetime | None = None,
    ) -> None:
        """Keep a row tj does not model as an Unresolved event: its cash (what the broker booked, unless
        the reason says otherwise), the underlyings it names, the key it would have had."""
        exc = NotModelled(
            exc.reason,
            amount=exc.amount if exc.amount is not None else cash,
            symbols=exc.symbols or named_underlyings(row),
        )
        self.emit(
            row.line,
            unresolved(
                exc,
                account=account,
                time=when or row.when(),
                key=self.key(account, broker_id, content),
                source=self.info.source(row.line),
                raw=raw_xml(row.node),
                broker_id=broker_id,
            ),
        )

    def keep_fill(self, f: Fill, exc: NotModelled, cash: Decimal | None = None) -> None:
        """A read execution row that turned out not to be modelled (found when rows are paired)."""
        f.dropped = True
        total = f.cash if cash is None else cash
        if f.accrued:
            total = (total or ZERO) + f.accrued  # booked with the row: kept with it
        self.keep(f.row, exc, f.account, cash=total, broker_id=f.broker_id, content=f.content, when=f.when)

    def usd_rate(self, currency: str, day: date, own: Decimal | None = None) -> Decimal | None:
        """USD per unit of `currency` on `day`, from what the file says: `fxRateToBase` converts to the
        statement's base, so with a USD base it is the rate itself (`own`, the row's, else any row's or
        ConversionRate's of that currency and day); with another base it is C->base / USD->base of the same
        day (C the base itself: 1). None when the file gives no such rate."""
        if currency == "USD":
            return Decimal(1)
        if self.base == "USD":
            return own or self.rates.get((currency, day))
        to_base = Decimal(1) if currency == self.base else own or self.rates.get((currency, day))
        usd = self.rates.get(("USD", day))
        if to_base is None or usd is None:
            return None
        return _tidy((to_base / usd).quantize(RATE_PLACES))

    def currency_of(self, row: Row, day: date) -> tuple[str, Decimal | None]:
        """The currency of a row's amounts ("" for USD) and its USD rate on `day`; NotModelled (the reason
        says why) for a row in another currency whose rate the file does not give, or whose commission is in
        a third currency."""
        currency = row.get("currency") or self.base
        commission = row.get("ibCommissionCurrency", "commissionCurrency")
        if commission and commission != currency and row.get("assetCategory") != FOREX:
            raise NotModelled(
                f"a row in {currency} whose commission is in {commission}: a trade in two currencies is not "
                "modelled; record it in a journal CSV with `resolves`"
            )
        if currency == "USD":
            return "", None
        own = row.optional_number("fxRateToBase")
        rate = self.usd_rate(currency, day, own if own is not None and own > 0 else None)
        if rate is None:
            if self.base == "USD":
                why = "no fxRateToBase on the row (add it to the Flex query)"
            else:
                why = (
                    f"fxRateToBase converts to the statement's base {self.base}, and the file gives no USD "
                    "rate "
                    f"of {day.isoformat()} (no ConversionRate from USD nor USD row that day)"
                )
            raise NotModelled(
                f"an amount in {currency} with no rate to USD: {why}; record it in a journal CSV with its "
                "currency and fx_rate"
            )
        try:
            FX_RATE.check(rate)
        except OutOfBounds as exc:
            raise RowError("fxRateToBase", row.get("fxRateToBase") or None, str(exc)) from None
        return currency, rate

    def row_day(self, row: Row) -> date:
        return row.when().date()

    def base_cash(self, row: Row, cash: Decimal | None) -> Decimal | None:
        """A row's cash as booked and kept, in its own currency; None when it is in a currency without a
        USD rate in the file, so that it never counts as the account's cash (the Unresolved's reason names
        its currency, its raw cells keep the amount)."""
        try:
            self.currency_of(row, self.row_day(row))
        except NotModelled:
            return None
        return cash

    def check_currency(self, row: Row) -> tuple[str, Decimal | None]:
        return self.currency_of(row, self.row_day(row))

    def settled_fees(
        self, row: Row, *, buys: bool, gross: Decimal, fees: Decimal, cash: Decimal | None
    ) -> Decimal:
        """The fees that make the trade's cash what the broker booked (`netCash`): the broker's cash is the
        truth; a difference of a cent or more is said, one beyond the tolerance raises NotModelled."""
        if cash is None:
            return fees
        booked, warning = booked_fees(buys=buys, gross=gross, fees=fees, amount=cash)
        if warning:
            self.warn(row, "netCash" if row.get("netCash") else "proceeds", str(cash), warning)
        return booked

    def account_of(self, row: Row, statement_account: str) -> str:
        own = row.get("accountId")
        return own if own and own != "-" else statement_account

    def seen_before(
        self, row: Row, account: str, broker_id: str | None, column: str
    ) -> tuple[bool, str | None]:
        """Whether this id was already read in the file (an identical row: the same fact, read once), and
        the id to key the row by. A different row with the same id (anonymised exports write `REDACTED`
        or reuse ids) is no reason to refuse the file: it is keyed by its content, with a warning."""
        if not broker_id:
            return False, None
        earlier = self.ids.get((account, broker_id))
        if earlier is None:
            self.ids[(account, broker_id)] = (row.line, row.node.attrs)
            return False, broker_id
        if earlier[1] != row.node.attrs:
            self.warn(
                row,
                column,
                broker_id,
                f"the same id as line {earlier[0]}, with other values: the row is keyed by its content",
            )
            return False, None
        return True, broker_id

    # -- the file --

    def run(self) -> ParseResult:
        try:
            root = read_xml(self.info.data)
        except XmlError as err:
            self.problem(
                err.line,
                None,
                None,
                f"not well-formed XML: {err.message} (line {err.line}, column {err.column})",
            )
            return self.result
        if root.tag != "FlexQueryResponse":
            self.problem(
                root.line,
                None,
                root.tag,
                "not a Flex query statement: the root element is not FlexQueryResponse",
            )
            return self.result
        query_type = root.attrs.get("type", "").strip()
        if query_type and query_type not in QUERY_TYPES:
            self.problem(root.line, "type", query_type, "unknown Flex query type (known: AF, TCF)")
            return self.result
        for statement in root.descendants("FlexStatement"):
            self.statement(statement)
        if self.result.errors:
            self.result.events = []
        else:
            self.out.sort(key=lambda item: (item[0], item[1]))
            self.result.events = [event for _, _, event in self.out]
        return self.result

    def statement(self, node: Node) -> None:
        st = Row(node)
        account = st.get("accountId") or self.default_account
        to_date: date | None = None
        if st.get("toDate"):
            try:
                to_date = st.stamp("toDate").date()
            except RowError as err:
                self.row_problem(st, err)
        sections = {child.tag: child for child in node.children}
        self.result.book(account, None)  # the statement's own cash starts at 0, rows or none
        information = sections.get("AccountInformation")
        self.base = statement_base(node, information)
        self.rates = statement_rates(node, self.base)
        positions = self.open_positions(sections.get("OpenPositions"), account, to_date)
        fills: list[Fill] = []
        trades_present = False
        for tag, row_tag in (("Trades", "Trade"), ("TradeConfirms", "TradeConfirm")):
            for section in node.kids(tag):
                trades_present = True
                for child in section.kids(row_tag):
                    self.fill(Row(child), account, fills)
        eae = self.option_eae(node.kids("OptionEAE"), account, trades_present)
        self.cancel_pairs(fills)
        self.classify_ends(fills, eae, trades_present)
        self.merge_legs(fills)
        self.resolve_effects(fills, positions)
        for f in fills:
            self.trade_events(f)
        self.eae_events(eae, trades_present)
        for section in node.kids("CashTransactions"):
            self.cash(section, account)
        for section in node.kids("CorporateActions"):
            self.corporate_actions(section, account)
        for section in node.kids("Transfers"):
            self.transfers(section, account)
        # The Statement of Funds is a cash ledger of the same trades and cash rows: read alone, it would
        # give no events and no error (gabbersepp/ib-flex-reader TestFiles/StatementOfFunds.xml).
        read_sections = ("Trades", "TradeConfirms", "OptionEAE", "CashTransactions")
        if not any(node.kids(tag) for tag in read_sections):
            for section in node.kids("StmtFunds"):
                if section.kids("StatementOfFundsLine"):
                    self.problem(
                        section.line,
                        None,
                        "StmtFunds",
                        "the Statement of Funds section is not supported yet: add the Trades, Option "
                        "Exercises/Assignments/Expirations and Cash Transactions sections to the Flex query",
                    )

    # -- trades --

    def fill(self, row: Row, account: str, fills: list[Fill]) -> None:
        """Read one execution row: booked (its netCash), then a Fill, or kept unresolved when it is a
        trade tj does not model (another asset category, another currency, an unknown kind of trade)."""
        try:
            level = row.get("levelOfDetail")
            if level in SUMMARY_LEVELS:
                return  # summaries of executions, not executions
            if level and level != "EXECUTION":
                raise RowError("levelOfDetail", level, "unknown levelOfDetail for an execution row")
            acct = self.account_of(row, account)
            broker_id, broker_column, content = _trade_identity(row)
            seen, broker_id = self.seen_before(row, acct, broker_id, broker_column)
            if seen:
                return
            if row.get("assetCategory") == FOREX:
                self.conversion(row, acct, broker_id, content)
                return
            cash, accrued = fill_cash(row)
            cash = self.base_cash(row, cash)
            self.result.book(acct, cash)
            try:
                fill = self.read_fill(row, acct, len(fills), broker_id, content, cash)
            except NotModelled as exc:
                self.keep(row, exc, acct, cash=cash, broker_id=broker_id, content=content)
                return
            fill.accrued = accrued
            self.result.book(acct, accrued)
            fills.append(fill)
        except RowError as err:
            self.row_problem(row, err)

    def conversion(self, row: Row, acct: str, broker_id: str | None, content: str) -> None:
        """A `CASH` trade (`GBP.USD`): `quantity` of the first currency bought (negative: sold) for
        `proceeds` of the second (the row's `currency`). The side whose currency the commission is in is
        the one paid (CurrencyConverted's fees are in its paid currency). The two sides cancel in USD: the
        cash booked is the commission alone (what the journal's fold moves). Neither side USD: the received
        currency's USD rate is needed."""
        when = row.when()
        try:
            _, symbol = row.require("symbol")
            pair = re.fullmatch(r"([A-Z]{3})\.([A-Z]{3})", symbol.upper())
            if pair is None:
                raise RowError("symbol", symbol, "not a currency pair (GBP.USD)")
            first, second = pair[1], pair[2]
            if row.get("currency") and row.get("currency") != second:
                raise NotModelled(f"a conversion of {symbol} whose amounts are in {row.get('currency')}")
            qty = row.number("quantity")
            if qty == 0:
                raise RowError("quantity", row.get("quantity"), "must not be zero")
            price = row.number("tradePrice", "price")
            proceeds = row.optional_number("proceeds")
            if proceeds is None:
                proceeds = -(qty * price)
            commission = row.optional_number("ibCommission", "commission") or ZERO
            fee_currency = row.get("ibCommissionCurrency", "commissionCurrency") or second
            if fee_currency == second:
                currency, amount, paid_currency, paid = first, qty, second, proceeds
            elif fee_currency == first:
                currency, amount, paid_currency, paid = second, proceeds, first, qty
            else:
                raise NotModelled(
                    f"a conversion of {symbol} whose commission is in {fee_currency}, a third currency: not "
                    "modelled; record it in a journal CSV with `resolves`"
                )
            rate: Decimal | None = None
            if "USD" not in (currency, paid_currency):
                own = row.optional_number("fxRateToBase") if currency == row.get("currency") else None
                rate = self.usd_rate(currency, when.date(), own if own and own > 0 else None)
                if rate is None:
                    raise NotModelled(
                        f"a conversion of {symbol}, neither side USD, with no USD rate of {currency} on "
                        f"{when.date().isoformat()} in the file; record it in a journal CSV with its fx_rate"
                    )
        except NotModelled as exc:
            self.result.book(acct, None)
            self.keep(row, exc, acct, cash=None, broker_id=broker_id, content=content)
            return
        self.result.book(acct, commission)
        self.emit(
            row.line,
            CurrencyConverted(
                currency=currency,
                amount=amount,
                paid_currency=paid_currency,
                paid=paid,
                fees=ZERO - commission,
                fx_rate=rate,
                account=acct,
                time=when,
                key=self.key(acct, broker_id, content),
                source=self.info.source(row.line),
                broker_id=broker_id,
                note=row.get("description") or symbol,
            ),
        )

    def read_fill(
        self, row: Row, acct: str, index: int, broker_id: str | None, content: str, cash: Decimal | None
    ) -> Fill:
        kind = category(row, TRADED)
        when = row.when()
        currency, fx_rate = self.currency_of(row, when.date())
        instrument = instrument_of(row, kind, when)
        ttype = row.get("transactionType")
        if ttype and ttype not in TRADE_TYPES:
            raise NotModelled(f"a trade of the kind {ttype!r}: not modelled yet")
        codes = row.codes()
        side_raw = row.get("buySell")
        cancel = ttype in CANCEL_TYPES or side_raw.endswith("(Ca.)") or "Ca" in codes
        side = side_raw.removesuffix("(Ca.)").strip()
        if side and side not in ("BUY", "SELL"):
            raise NotModelled(f"a trade whose buySell is {side_raw!r}: not modelled yet")
        qty = row.number("quantity")
        if qty == 0:
            raise RowError("quantity", row.get("quantity"), "must not be zero")
        if not cancel and side and (qty > 0) != (side == "BUY"):
            raise RowError("quantity", row.get("quantity"), f"the sign disagrees with buySell {side}")
        price = row.number("tradePrice", "price")
        if price < 0:
            raise RowError(*row.require("tradePrice", "price"), "must not be negative")
        commission = row.number("ibCommission", "commission")
        taxes = row.optional_number("taxes", "tax") or ZERO
        order_id = row.get("ibOrderID", "orderID")
        if kind in FUTURE_OPTIONS and any(c in ("A", "Ex", "AEx", "MEx") for c in codes):
            raise NotModelled(
                "a futures option assigned or exercised (it delivers a futures position): not modelled yet; "
                "record it in a journal CSV with `resolves`"
            )
        return Fill(
            row=row,
            index=index,
            account=acct,
            instrument=instrument,
            signed=qty,  # IBKR signs quantities: a sale is negative (checked against buySell above)
            price=price,
            fees=ZERO - commission - taxes,
            when=when,
            codes=codes,
            effect=_effect(row, codes) if instrument.is_option else "",
            book=ttype == "BookTrade",
            cancel=cancel,
            broker_id=broker_id,
            order_id=order_id if order_id not in ("", "0") else None,
            trade_id=row.get("tradeID"),
            position_action=row.get("positionActionID"),
            content=content,
            cash=cash,
            currency=currency,
            fx_rate=fx_rate,
            proceeds=row.optional_number("proceeds"),
        )

    def cancel_pairs(self, fills: list[Fill]) -> None:
        for c in fills:
            if not c.cancel:
                continue
            c.dropped = True
            original = next(
                (
                    f
                    for f in fills
                    if not f.cancel
                    and not f.dropped
                    and f.account == c.account
                    and f.instrument == c.instrument
                    and abs(f.signed) == abs(c.signed)
                    and f.price == c.price
                    and (not c.trade_id or not f.trade_id or f.trade_id == c.trade_id)
                ),
                None,
            )
            if original is None:
                self.keep_fill(
                    c,
                    NotModelled(
                        "a cancellation of a trade that is not in this file: not modelled yet; void the "
                        "earlier trade with a journal-CSV row that `resolves` this one"
                    ),
                )
            else:
                original.dropped = True

    def classify_ends(self, fills: list[Fill], eae: list[Eae], trades_present: bool) -> None:
        for f in fills:
            if f.dropped or not f.is_contract:
                continue
            kinds = {END_CODES[c] for c in f.codes if c in END_CODES}
            if len(kinds) > 1:
                self.keep_fill(
                    f, NotModelled("an option row marked as more than one option end: not modelled")
                )
            elif kinds:
                f.end = kinds.pop()
            elif f.book:
                if f.effect == "O":
                    self.keep_fill(
                        f, NotModelled("an option BookTrade that opens a position: not modelled yet")
                    )
                else:
                    f.end = "?"
        ends = [f for f in fills if f.end and not f.dropped]
        # OptionEAE rows say the same as the BookTrades: match each to its BookTrade (by tradeID, then by
        # contract and quantity), so that only option ends the Trades lack are taken from OptionEAE.
        options = [e for e in eae if e.kind in END_EVENTS]
        for by_id in (True, False):
            for e in options:
                if e.used:
                    continue
                match = next((f for f in ends if self._same_end(e, f, by_id)), None)
                if match is not None:
                    e.used = match.eae_matched = True
                    if match.end == "?":
                        match.end = e.kind
        for f in ends:
            if f.end != "?":
                continue
            if self._partner(f, fills) is not None:
                # A stock row booked with the option's close: closing a short is an assignment, a long
                # an exercise.
                f.end = ASSIGNED if f.signed > 0 else EXERCISED
                continue
            self.problem(
                f.row.line,
                "notes",
                f.row.get("notes", "code") or None,
                "an option BookTrade without an A, Ex or Ep code: cannot tell an expiry from an assignment "
                "(add Notes/Codes or the Option Exercises section to the Flex query)",
            )
            f.dropped = True

    @staticmethod
    def _same_end(e: Eae, f: Fill, by_id: bool) -> bool:
        if f.eae_matched or f.account != e.account:
            return False
        if by_id:
            return bool(e.trade_id) and f.trade_id == e.trade_id
        return f.instrument == e.instrument and abs(f.signed) == abs(e.signed) and f.end in ("?", e.kind)

    @staticmethod
    def _partner(f: Fill, fills: list[Fill]) -> Fill | None:
        if not f.position_action:
            return None
        return next(
            (
                s
                for s in fills
                if not s.is_option
                and not s.dropped
                and s.leg_of is None
                and s.account == f.account
                and s.position_action == f.position_action
            ),
            None,
        )

    def merge_legs(self, fills: list[Fill]) -> None:
        candidates = [s for s in fills if s.is_leg_candidate and not s.dropped]
        legs = [
            StockLeg(
                s.index,
                s.account,
                s.instrument.name,
                s.when.date(),
                s.signed > 0,
                abs(s.signed),
                s.price,
                s.fees,
            )
            for s in candidates
        ]
        used: set[int] = set()
        for f in fills:
            if f.dropped or f.end not in (ASSIGNED, EXERCISED):
                continue
            option = f.instrument
            assert isinstance(option, OptionContract)
            buys = option.is_put if f.end == ASSIGNED else not option.is_put
            shares = abs(f.signed) * option.multiplier
            leg: Fill | None = None
            partner = self._partner(f, fills)
            if partner is not None and partner.index not in used:
                if (partner.signed > 0) != buys or abs(partner.signed) != shares:
                    self.keep_fill(
                        partner,
                        NotModelled(
                            f"the stock row of the option end on line {f.row.line} does not "
                            f"{'buy' if buys else 'sell'} its {shares} shares: not modelled"
                        ),
                    )
                    continue
                leg = partner
                used.add(partner.index)
            else:
                found = match_stock_leg(
                    legs,
                    used,
                    account=f.account,
                    underlying=option.underlying,
                    day=f.when.date(),
                    buy=buys,
                    shares=shares,
                    strike=option.strike,
                )
                leg = fills[found.index] if found is not None else None
            if leg is not None:
                f.leg, leg.leg_of = leg, f
        for s in candidates:
            if s.leg_of is None and not s.dropped:
                if any(c in END_CODES for c in s.codes):
                    reason = (
                        "the stock row of an assignment or exercise whose option row is not in this file "
                        "(a Trade Confirmation Flex holds one day): not modelled; record the assignment in "
                        "a journal CSV with `resolves`"
                    )
                else:
                    reason = "a stock BookTrade that is no assignment or exercise leg: not modelled yet"
                self.keep_fill(s, NotModelled(reason))

    def resolve_effects(self, fills: list[Fill], positions: dict[tuple[str, str], Decimal] | None) -> None:
        """The position before each option fill, from the statement's end positions walked backwards."""
        if positions is None:
            return
        by_contract: dict[tuple[str, str], list[Fill]] = defaultdict(list)
        for f in fills:
            if f.is_contract and not f.dropped:
                by_contract[f.key_of_instrument].append(f)
        for contract, rows in by_contract.items():
            held = positions.get(contract, ZERO)
            after = ZERO
            for f in sorted(rows, key=lambda r: (r.when, r.row.line), reverse=True):
                f.before = held - after - f.signed
                after += f.signed

    def trade_events(self, f: Fill) -> None:
        if f.dropped or f.leg_of is not None:
            return
        try:
            if f.end in END_EVENTS:
                self.option_end(f)
            else:
                self.trade_event(f)
        except NotModelled as exc:
            legs = [f, f.leg] if f.leg is not None else [f]
            cash = sum((x.cash for x in legs if x.cash is not None), ZERO)
            self.keep_fill(f, exc, cash)

    def option_end(self, f: Fill) -> None:
        """An assignment or exercise with its stock row (one event, both rows' fees, at the broker's cash),
        or an expiry. Without its stock row the end is not modelled: a cash-settled option when cash moved,
        else the stock row is in another file."""
        row, option, end = f.row, f.instrument, f.end
        assert isinstance(option, OptionContract | FutureOption) and end is not None
        when = datetime.combine(option.expiry, END_OF_DAY) if end == EXPIRED else f.when
        fees = f.fees + (f.leg.fees if f.leg else ZERO)
        legs = [f, f.leg] if f.leg is not None else [f]
        if any(x.currency for x in legs) and (end != EXPIRED or fees):
            raise NotModelled(
                f"an option {end} in {f.currency or f.leg and f.leg.currency}: the journal's option ends "
                "carry "
                "no currency; record it in a journal CSV with `resolves`"
            )
        if f.end != EXPIRED and f.leg is None:
            if isinstance(option, OptionContract) and (f.cash or f.price):
                self.cash_settled(f, option)
                return
            raise NotModelled(no_stock_leg(f.end or "", f.cash, f.price))
        if f.leg is not None:
            buys = option.is_put if f.end == ASSIGNED else not option.is_put
            cash = None if f.cash is None or f.leg.cash is None else f.cash + f.leg.cash
            gross = abs(f.signed) * option.multiplier * option.strike
            fees = self.settled_fees(row, buys=buys, gross=gross, fees=fees, cash=cash)
        else:
            fees = self.settled_fees(row, buys=True, gross=ZERO, fees=fees, cash=f.cash)
        self.emit(
            row.line,
            END_EVENTS[end](
                option=option,
                quantity=abs(f.signed),
                fees=fees,
                account=f.account,
                time=when,
                key=self.key(f.account, f.broker_id, f.content),
                source=self.info.source(row.line),
                broker_id=f.broker_id,
            ),
        )

    def trade_event(self, f: Fill) -> None:
        """A buy or sale: its fees are what makes its cash the broker's; an option fill that closes and
        opens (C;O, or no indicator) is split by the position held before it."""
        row = f.row
        buy = f.signed > 0
        size = abs(f.signed)
        fees = self.settled_fees(
            row, buys=buy, gross=size * f.price * f.instrument.multiplier, fees=f.fees, cash=f.cash
        )
        if f.accrued:
            self.emit(row.line, self._accrued(f))
        if not f.is_contract:
            self.emit(row.line, self._trade(f, TradeAction.BUY if buy else TradeAction.SELL, size, fees, ""))
            return
        if f.effect in ("O", "C"):
            closing = size if f.effect == "C" else ZERO
        else:
            b = f.before
            if b is None:
                column = "openCloseIndicator"
                if row.has(column) and not row.get(column) and not ("O" in f.codes or "C" in f.codes):
                    # The query has the attribute and IBKR left it empty (a real export's PAYC fill):
                    # the rest of the file is readable, this one fill is kept.
                    raise NotModelled(
                        "an option fill whose openCloseIndicator is empty, in a statement without "
                        "OpenPositions: cannot tell opening from closing; record it in a journal CSV with "
                        "`resolves`"
                    )
                if f.effect == "CO":
                    message = (
                        "a fill that closes and opens (C;O) cannot be split without OpenPositions "
                        "in the statement"
                    )
                elif row.has(column) or "O" in f.codes or "C" in f.codes:
                    message = "cannot tell opening from closing without OpenPositions in the statement"
                else:
                    message = (
                        "missing attribute: an option Trade needs openCloseIndicator "
                        "(or OpenPositions in the statement)"
                    )
                self.problem(row.line, column, row.get(column) or None, message)
                return
            closing = min(size, abs(b)) if b != 0 and (b > 0) != buy else ZERO
            if f.effect == "CO" and (closing == 0 or closing == size):
                self.problem(
                    row.line,
                    "openCloseIndicator",
                    row.get("openCloseIndicator") or None,
                    f"the fill closes and opens, but OpenPositions leaves {b} held before it",
                )
                return
        opening = size - closing
        close_fees = prorate(fees, closing, size) if closing else ZERO
        split = bool(closing and opening)
        if closing:
            action = TradeAction.BTC if buy else TradeAction.STC
            self.emit(row.line, self._trade(f, action, closing, close_fees, ":close" if split else ""))
        if opening:
            action = TradeAction.BTO if buy else TradeAction.STO
            self.emit(row.line, self._trade(f, action, opening, fees - close_fees, ":open" if split else ""))

    def _trade(
        self, f: Fill, action: TradeAction, quantity: Decimal, fees: Decimal, part: str
    ) -> TradeExecuted:
        broker_id = f"{f.broker_id}{part}" if f.broker_id else None
        return TradeExecuted(
            action=action,
            instrument=f.instrument,
            quantity=quantity,
            price=f.price,
            fees=fees,
            order_id=f.order_id,
            account=f.account,
            time=f.when,
            key=self.key(f.account, broker_id, f.content + part),
            source=self.info.source(f.row.line),
            broker_id=broker_id,
            currency=f.currency,
            fx_rate=f.fx_rate,
        )

    def _accrued(self, f: Fill) -> CashMoved:
        """A bond's accrued interest paid at purchase (negative) or received at sale: INTEREST (Pub 550,
        "Bonds Sold Between Interest Dates"), in the trade's currency."""
        broker_id = f"{f.broker_id}:accrued" if f.broker_id else None
        return CashMoved(
            kind=CashKind.INTEREST,
            amount=f.accrued,
            symbol=f.instrument.underlying,
            description="accrued interest",
            currency=f.currency,
            fx_rate=f.fx_rate,
            account=f.account,
            time=f.when,
            key=self.key(f.account, broker_id, f.content + ":accrued"),
            source=self.info.source(f.row.line),
            broker_id=broker_id,
            note=f"accrued interest on {f.instrument.name}",
        )

    def cash_settled(self, f: Fill, option: OptionContract) -> None:
        """An index option exercised or assigned for cash (no stock row, cash moved on the option row):
        OptionCashSettled at the index value the row implies: strike ± the settlement price per unit
        (|proceeds| / (contracts × multiplier), else `tradePrice`); a call above, a put below the strike."""
        settlement = settlement_of(option, abs(f.signed), f.price, f.proceeds)
        if settlement <= 0:
            raise NotModelled(f"a cash settlement whose value implies an index at {settlement}: not modelled")
        event = OptionCashSettled(
            option=option,
            quantity=abs(f.signed),
            settlement=settlement,
            account=f.account,
            time=f.when,
            key=self.key(f.account, f.broker_id, f.content),
            source=self.info.source(f.row.line),
            broker_id=f.broker_id,
        )
        # The fees that make its cash the broker's: a holder receives the value, a writer pays it.
        value = event.value
        fees = f.fees
        if f.cash is not None:
            fees = self.settled_fees(f.row, buys=f.signed > 0, gross=value, fees=fees, cash=f.cash)
        self.emit(f.row.line, replace(event, fees=fees))

    # -- OptionEAE --

    def option_eae(self, sections: list[Node], account: str, trades_present: bool) -> list[Eae]:
        """The OptionEAE rows, read. One tj does not model is kept unresolved only when the statement has
        no Trades: with Trades, its BookTrade twin is the row that is kept."""
        out: list[Eae] = []
        for section in sections:
            for node in section.kids("OptionEAE"):
                row = Row(node)
                if row.get("levelOfDetail") == "SUMMARY":
                    continue
                try:
                    acct = self.account_of(row, account)
                    try:
                        out.append(self.eae_row(row, acct))
                    except NotModelled as exc:
                        if not trades_present:
                            cash = self.base_cash(row, eae_cash(row))
                            self.result.book(acct, cash)
                            broker_id, content = _eae_identity(row)
                            when = row.stamp("date", "dateTime", "reportDate")
                            self.keep(
                                row, exc, acct, cash=cash, broker_id=broker_id, content=content, when=when
                            )
                except RowError as err:
                    self.row_problem(row, err)
        return out

    def eae_row(self, row: Row, acct: str) -> Eae:
        _, ttype = row.require("transactionType")
        kind = EAE_TYPES.get(ttype)
        if kind is None:
            raise NotModelled(f"an option {ttype.lower()} (OptionEAE {ttype!r}): not modelled yet")
        cat = category(row)
        currency, _ = self.check_currency(row)
        if currency:
            raise NotModelled(
                f"an option end in {currency}: the journal's option ends carry no currency; record it in a "
                "journal CSV with `resolves`"
            )
        option_kind = kind in END_EVENTS or kind == CASH_SETTLED
        if option_kind and cat != OPTION or not option_kind and cat != STOCK:
            raise RowError("assetCategory", cat, f"unexpected for an OptionEAE {ttype} row")
        instrument: Instrument = option_of(row) if cat == OPTION else stock_of(row)
        signed = row.number("quantity")
        if signed == 0:
            raise RowError("quantity", row.get("quantity"), "must not be zero")
        price = row.optional_number("tradePrice")
        commission = row.optional_number("commisionsAndTax", "commissionsAndTax") or ZERO
        return Eae(
            row,
            acct,
            kind,
            instrument,
            signed,
            price,
            ZERO - commission,
            row.stamp("date", "dateTime", "reportDate"),
            row.get("tradeID"),
            eae_cash(row),
            proceeds=row.optional_number("proceeds"),
        )

    def eae_events(self, eae: list[Eae], trades_present: bool) -> None:
        """Option ends only OptionEAE holds (the statement's Trades lack them), each with its stock row;
        each row read is booked (its proceeds and commissions)."""
        stock = [e for e in eae if e.kind in ("buy", "sell") and not e.used]
        legs = [
            StockLeg(
                i,
                e.account,
                e.instrument.name,
                e.when.date(),
                e.kind == "buy",
                abs(e.signed),
                e.price or ZERO,
                e.fees,
            )
            for i, e in enumerate(stock)
        ]
        used: set[int] = set()
        for e in eae:
            if e.kind == CASH_SETTLED and not e.used:
                e.used = True
                if not trades_present:  # with Trades, the option's BookTrade row is the source
                    self.eae_cash_settled(e)
                continue
            if e.used or e.kind not in END_EVENTS:
                continue
            e.used = True
            option = e.instrument
            assert isinstance(option, OptionContract)
            leg: Eae | None = None
            if e.kind != EXPIRED:
                found = match_stock_leg(
                    legs,
                    used,
                    account=e.account,
                    underlying=option.underlying,
                    day=e.when.date(),
                    buy=option.is_put if e.kind == ASSIGNED else not option.is_put,
                    shares=abs(e.signed) * option.multiplier,
                    strike=option.strike,
                )
                if found is not None:
                    leg = stock[found.index]
                    leg.used = True
            self.eae_end(e, option, leg)
        for s in stock:
            # With Trades in the statement, OptionEAE's stock rows are the twins of the BookTrade legs.
            if not s.used and not trades_present:
                self.result.book(s.account, s.cash)
                broker_id, content = _eae_identity(s.row)
                reason = (
                    "an OptionEAE stock row that belongs to no assignment or exercise in this statement: "
                    "not modelled; record it in a journal CSV with `resolves`"
                )
                self.keep(
                    s.row,
                    NotModelled(reason),
                    s.account,
                    cash=s.cash,
                    broker_id=broker_id,
                    content=content,
                    when=s.when,
                )

    def eae_cash_settled(self, e: Eae) -> None:
        """An OptionEAE "Cash Settlement" row (an index option exercised, assigned or expired in the money
        for cash): OptionCashSettled at the index value its price or proceeds imply (`settlement_of`)."""
        option = e.instrument
        assert isinstance(option, OptionContract)
        self.result.book(e.account, e.cash)
        broker_id, content = _eae_identity(e.row)
        settlement = settlement_of(option, abs(e.signed), e.price or ZERO, e.proceeds)
        if settlement <= 0:
            exc = NotModelled(f"a cash settlement whose value implies an index at {settlement}: not modelled")
            self.keep(e.row, exc, e.account, cash=e.cash, broker_id=broker_id, content=content, when=e.when)
            return
        event = OptionCashSettled(
            option=option,
            quantity=abs(e.signed),
            settlement=settlement,
            account=e.account,
            time=e.when,
            key=self.key(e.account, broker_id, content),
            source=self.info.source(e.row.line),
            broker_id=broker_id,
        )
        fees = e.fees
        try:
            if e.cash is not None:
                # A holder receives the value (the row's quantity closes a long: negative), a writer pays it.
                fees = self.settled_fees(e.row, buys=e.signed > 0, gross=event.value, fees=fees, cash=e.cash)
        except NotModelled as exc:
            self.keep(e.row, exc, e.account, cash=e.cash, broker_id=broker_id, content=content, when=e.when)
            return
        self.emit(e.row.line, replace(event, fees=fees))

    def eae_end(self, e: Eae, option: OptionContract, leg: Eae | None) -> None:
        """One option end from OptionEAE, booked with its stock row; without one (an assignment or exercise)
        it is kept unresolved, like a BookTrade's."""
        cash = e.cash
        self.result.book(e.account, e.cash)
        if leg is not None:
            self.result.book(leg.account, leg.cash)
            cash = None if e.cash is None or leg.cash is None else e.cash + leg.cash
        broker_id, content = _eae_identity(e.row)
        try:
            if e.kind != EXPIRED and leg is None:
                raise NotModelled(no_stock_leg(e.kind, e.cash, e.price or ZERO))
            fees = e.fees + (leg.fees if leg is not None else ZERO)
            if leg is not None:
                buys = option.is_put if e.kind == ASSIGNED else not option.is_put
                gross = abs(e.signed) * option.multiplier * option.strike
                fees = self.settled_fees(e.row, buys=buys, gross=gross, fees=fees, cash=cash)
            else:
                fees = self.settled_fees(e.row, buys=True, gross=ZERO, fees=fees, cash=cash)
        except NotModelled as exc:
            self.keep(e.row, exc, e.account, cash=cash, broker_id=broker_id, content=content, when=e.when)
            return
        when = datetime.combine(option.expiry, END_OF_DAY) if e.kind == EXPIRED else e.when
        self.emit(
            e.row.line,
            END_EVENTS[e.kind](
                option=option,
                quantity=abs(e.signed),
                fees=fees,
                account=e.account,
                time=when,
                key=self.key(e.account, broker_id, content),
                source=self.info.source(e.row.line),
                broker_id=broker_id,
            ),
        )

    # -- cash --

    def cash(self, section: Node, account: str) -> None:
        rows = [Row(n) for n in section.kids("CashTransaction")]
        detail = [r for r in rows if not _is_summary(r)]
        for row in detail or rows:
            try:
                self.cash_row(row, account)
            except RowError as err:
                self.row_problem(row, err)

    def cash_row(self, row: Row, account: str) -> None:
        """A cash transaction: booked, then CashMoved of the kind its type says (an unknown type: the kind
        its words say, OTHER with a warning when they say none), or unresolved in another currency."""
        acct = self.account_of(row, account)
        _, kind_raw = row.require("type")
        amount = row.number("amount")
        when = row.stamp("dateTime", "date", "reportDate", "settleDate")
        broker_id = row.get("transactionID") or None
        seen, broker_id = self.seen_before(row, acct, broker_id, "transactionID")
        if seen:
            return
        self.result.book(acct, self.base_cash(row, amount))
        content = "cash\x1f" + "\x1f".join(
            f"{n}={row.get(n)}"
            for n in ("type", "dateTime", "date", "reportDate", "amount", "symbol", "description")
            if row.get(n)
        )
        try:
            currency, fx_rate = self.currency_of(row, when.date())
        except NotModelled as exc:
            self.keep(row, exc, acct, cash=None, broker_id=broker_id, content=content, when=when)
            return
        kind, symbol = self.cash_kind(row, kind_raw, amount)
        text = row.get("description")
        self.emit(
            row.line,
            CashMoved(
                kind=kind,
                amount=amount,
                symbol=symbol,
                description=text or kind_raw,
                currency=currency,
                fx_rate=fx_rate,
                account=acct,
                time=when,
                key=self.key(acct, broker_id, content),
                source=self.info.source(row.line),
                broker_id=broker_id,
                note=f"{kind_raw}: {text}" if text else kind_raw,
            ),
        )

    def cash_kind(self, row: Row, kind_raw: str, amount: Decimal) -> tuple[CashKind, str | None]:
        """The kind of a cash transaction and the underlying it belongs to: by IBKR's `type` where tj knows
        it, else by its words (`common.cash_kind`)."""
        mapping = CASH_TYPES.get(kind_raw)
        symbol_raw = row.get("symbol")
        if mapping is None:
            kind, known = cash_kind(f"{kind_raw} {row.get('description')}", amount)
            if not known:
                self.warn(row, "type", kind_raw, UNKNOWN_CASH)
            symbols = named_underlyings(row)
            return kind, (symbols[0] if symbols else None)
        if mapping == "TRANSFER":
            return (CashKind.DEPOSIT if amount >= 0 else CashKind.WITHDRAW), None
        kind = CashKind(mapping)
        if kind is CashKind.DIVIDEND:
            if not symbol_raw:
                raise RowError("symbol", None, "missing attribute: a dividend names the stock that paid it")
            return kind, self.underlying(symbol_raw)
        if kind in (CashKind.FEE, CashKind.TAX) and symbol_raw:
            return kind, self.underlying(symbol_raw)
        return kind, None

    @staticmethod
    def underlying(raw: str) -> str:
        option = bounds.option_symbol(raw, "symbol")
        if option is not None:
            return option.underlying
        stock = parse_stock(_ticker(raw))
        if stock is None:
            raise RowError("symbol", raw, "not a stock or option symbol")
        return stock.symbol

    # -- positions --

    def open_positions(
        self, section: Node | None, account: str, to_date: date | None
    ) -> dict[tuple[str, str], Decimal] | None:
        """Emit PositionReported events; return the end positions (None when the statement has none)."""
        if section is None:
            return None
        rows = [Row(n) for n in section.kids("OpenPosition")]
        summary = [r for r in rows if r.get("levelOfDetail") in ("", "SUMMARY")]
        chosen = summary or [r for r in rows if r.get("levelOfDetail") == "LOT"]
        totals: dict[tuple[str, str, date], tuple[Row, Instrument, Decimal]] = {}
        for row in chosen:
            try:
                acct = self.account_of(row, account)
                if row.get("assetCategory") not in ("", OPTION, STOCK):
                    continue  # a bond, future, ...: the journal books none, so none is reported either
                kind = category(row)
                instrument: Instrument = option_of(row) if kind == OPTION else stock_of(row)
                quantity = row.number("position")
                side = row.get("side")
                if side == "Short" and quantity > 0:
                    quantity = -quantity
                elif side == "Long" and quantity < 0:
                    raise RowError("position", row.get("position"), "negative for a Long side")
                elif side not in ("", "Long", "Short"):
                    raise RowError("side", side, "unknown side (known: Long, Short)")
                if row.get("reportDate"):
                    day = row.stamp("reportDate").date()
                elif to_date is not None:
                    day = to_date
                else:
                    raise RowError(
                        "reportDate",
                        None,
                        "missing attribute: an OpenPosition needs reportDate (or the statement toDate)",
                    )
                slot = (acct, instrument.name, day)
                first, _, held = totals.get(slot, (row, instrument, ZERO))
                totals[slot] = (first, instrument, held + quantity)
            except RowError as err:
                self.row_problem(row, err)
        ends: dict[tuple[str, str], Decimal] = {}
        for (acct, inst_name, day), (row, instrument, quantity) in totals.items():
            ends[(acct, inst_name)] = quantity
            self.emit(
                row.line,
                PositionReported(
                    instrument=instrument,
                    quantity=quantity,
                    account=acct,
                    time=datetime.combine(day, END_OF_DAY),
                    key=self.key(acct, None, f"position\x1f{day.isoformat()}\x1f{inst_name}"),
                    source=self.info.source(row.line),
                ),
            )
        return ends

    # -- corporate actions --

    def corporate_actions(self, section: Node, account: str) -> None:
        """Each action's rows read together (IBKR writes one row per security an action touches: the old
        shares removed, the new ones added): splits, symbol changes (issue changes and tenders into a contra
        line), mergers (stock for stock, cash and stock, all cash); every other action (a spin-off, whose
        basis allocation IBKR does not give, a delisting, a rights issue, ...) is booked with its proceeds
        and kept unresolved, its reason naming the type."""
        rows = [Row(n) for n in section.kids("CorporateAction")]
        detail = [r for r in rows if not _is_summary(r)]
        groups: dict[tuple[str, str], list[tuple[Row, str, datetime, str | None]]] = {}
        for row in detail or rows:
            try:
                acct = self.account_of(row, account)
                when = row.stamp("dateTime", "date", "reportDate")
                action_id = row.get("actionID")
                broker_id = f"action:{action_id}" if action_id else row.get("transactionID") or None
                group = action_id or f"{when.date().isoformat()}\x1f{_action_core(row)}"
                groups.setdefault((acct, group), []).append((row, acct, when, broker_id))
            except RowError as err:
                self.row_problem(row, err)
        done: set[tuple[str, str, Decimal, Decimal, date]] = set()
        for members in groups.values():
            for row, acct, when, broker_id in members:
                try:
                    self.corporate_row(row, acct, when, broker_id, members, done)
                except RowError as err:
                    self.row_problem(row, err)

    def corporate_row(
        self,
        row: Row,
        acct: str,
        when: datetime,
        broker_id: str | None,
        members: list[tuple[Row, str, datetime, str | None]],
        done: set[tuple[str, str, Decimal, Decimal, date]],
    ) -> None:
        cash = self.base_cash(row, row.optional_number("proceeds"))
        try:
            event = self.corporate_action(row, acct, when, broker_id, [m[0] for m in members], done)
        except NotModelled as exc:
            self.result.book(acct, cash)
            content = "action\x1f" + "\x1f".join(
                f"{n}={row.get(n)}"
                for n in ("type", "symbol", "dateTime", "date", "reportDate", "quantity", "description")
                if row.get(n)
            )
            self.keep(row, exc, acct, cash=cash, broker_id=broker_id, content=content, when=when)
            return
        # A merger's cash per share is paid on the shares held, which the journal's lots know: its event
        # moves it there, so the file's own check books none of it.
        self.result.book(acct, ZERO)
        if event is not None:
            self.emit(row.line, event)

    def corporate_action(
        self,
        row: Row,
        acct: str,
        when: datetime,
        broker_id: str | None,
        group: list[Row],
        done: set[tuple[str, str, Decimal, Decimal, date]],
    ) -> Event | None:
        """The event of one row of an action (None: the action's event came with another of its rows)."""
        code = action_type(row)
        words = row.get("actionDescription", "description")
        if row.get("assetCategory") not in ("", STOCK):
            raise NotModelled(
                f"{REORG.get(code, 'a corporate action')} on {row.get('assetCategory')} "
                f"{row.get('symbol')}: not modelled yet; record it in a journal CSV with `resolves`"
            )
        if code in ("FS", "RS"):
            return self.split(row, acct, when, broker_id, words, done)
        others = [r for r in group if r is not row]
        if code in ("TC", "IC", "TO", "TI"):
            return self.reorganisation(row, code, acct, when, broker_id, words, others)
        what = REORG.get(code, "a corporate action of no type" if not code else "an unknown corporate action")
        if code == "SO":
            parent = _SPLIT_SYMBOL.match(words)
            into = f"{_ticker(parent[1])} into {row.get('symbol')}" if parent else row.get("symbol")
            raise NotModelled(
                f"{what} ({code}) of {into}: IBKR gives no allocation of the parent's basis "
                "(Form "
                "8937); record it as a SPINOFF row of a journal CSV with its allocation and `resolves`"
            )
        label = f" ({code})" if code else ""
        raise NotModelled(
            f"{what}{label}: not modelled yet; record its effect in a journal CSV with `resolves`"
        )

    def split(
        self,
        row: Row,
        acct: str,
        when: datetime,
        broker_id: str | None,
        words: str,
        done: set[tuple[str, str, Decimal, Decimal, date]],
    ) -> Event | None:
        m = _SPLIT.search(words)
        if not m:
            raise RowError(
                "actionDescription" if row.get("actionDescription") else "description",
                words or None,
                "no split ratio ('SPLIT n FOR m') in the description",
            )
        try:
            new, old = SPLIT_PART.read(m["new"]), SPLIT_PART.read(m["old"])
        except ValueError as exc:
            raise RowError("description", words, bounds.why(exc, "not a split ratio")) from None
        if new <= 0 or old <= 0 or new == old:
            raise RowError("description", words, "not a split ratio")
        if row.optional_number("proceeds"):
            self.check_currency(row)
            raise NotModelled("a split that paid cash (in lieu of a fraction): not modelled yet")
        ticker = _SPLIT_SYMBOL.match(words)
        symbol = (parse_stock(_ticker(ticker[1])) if ticker else None) or stock_of(row)
        group = (acct, symbol.symbol, new, old, when.date())
        if group in done:
            return None  # the other row of the same split (a reverse split's removal and addition)
        done.add(group)
        return SplitApplied(
            symbol=symbol.symbol,
            new=new,
            old=old,
            account=acct,
            time=when,
            key=self.key(acct, broker_id, f"split\x1f{symbol.symbol}\x1f{new}:{old}\x1f{when.date()}"),
            source=self.info.source(row.line),
            broker_id=broker_id,
            note=words,
        )

    def reorganisation(
        self,
        row: Row,
        code: str,
        acct: str,
        when: datetime,
        broker_id: str | None,
        words: str,
        others: list[Row],
    ) -> Event | None:
        """A merger, issue change or tender read from its rows: the removal row (negative quantity) carries
        the event; the addition row (the new shares) is read with it. Old and new shares in equal number
        and no cash: a symbol change (a tender's contra line `UUU.TEN2` too: the same holding, its basis and
        dates kept). A merger: new shares per old from the two quantities, cash per old share from the
        removal's proceeds, the new shares' value per share from the addition's `value` (needed with cash);
        no addition row: all cash."""
        qty = row.number("quantity")
        if qty > 0:
            removals = [r for r in others if (r.optional_number("quantity") or ZERO) < 0]
            if len(removals) == 1:
                return None  # read with its removal row
            raise NotModelled(
                f"{REORG[code]} ({code}) adding {row.get('symbol')} with no one row removing the old shares: "
                "not modelled; record it in a journal CSV with `resolves`"
            )
        if qty == 0:
            raise NotModelled(f"{REORG[code]} ({code}) of no shares: not modelled")
        old_stock = stock_of(row)
        additions = [r for r in others if (r.optional_number("quantity") or ZERO) > 0]
        if len(additions) > 1:
            raise NotModelled(
                f"{REORG[code]} ({code}) of {old_stock.symbol} into several securities: not modelled yet; "
                "record it in a journal CSV with `resolves`"
            )
        proceeds = row.optional_number("proceeds") or ZERO
        if proceeds:
            currency, _ = self.check_currency(row)
            if currency:
                raise NotModelled(
                    f"{REORG[code]} ({code}) of {old_stock.symbol} paying {currency}: the journal's merger "
                    "cash carries no currency; record it in a journal CSV with `resolves`"
                )
        old = abs(qty)
        source = self.info.source(row.line)
        if not additions:
            if code != "TC" or not proceeds:
                raise NotModelled(
                    f"{REORG[code]} ({code}) removing {old_stock.symbol} with neither new shares nor cash in "
                    "the file: not modelled; record it in a journal CSV with `resolves`"
                )
            return StockMerged(
                symbol=old_stock.symbol,
                cash=proceeds / old,
                account=acct,
                time=when,
                key=self.key(acct, broker_id, f"merger\x1f{old_stock.symbol}\x1f{when.date()}"),
                source=source,
                broker_id=broker_id,
                note=words,
            )
        added = additions[0]
        new_stock = stock_of(added)
        new = added.number("quantity")
        if code != "TC" and not proceeds and new == old:
            if new_stock.symbol == old_stock.symbol:
                raise NotModelled(
                    f"{REORG[code]} ({code}) that keeps the symbol {old_stock.symbol} (its CUSIP, ISIN or "
                    "name "
                    "changed): nothing for the journal to change; resolve it with `resolves`"
                )
            return SymbolChanged(
                symbol=old_stock.symbol,
                new_symbol=new_stock.symbol,
                account=acct,
                time=when,
                key=self.key(acct, broker_id, f"rename\x1f{old_stock.symbol}\x1f{new_stock.symbol}"),
                source=source,
                broker_id=broker_id,
                note=words,
            )
        if code != "TC":
            raise NotModelled(
                f"{REORG[code]} ({code}) of {old} {old_stock.symbol} into {new} {new_stock.symbol}"
                f"{' and cash' if proceeds else ''}: not modelled yet; record it in a journal CSV with "
                "`resolves`"
            )
        price: Decimal | None = None
        if proceeds:
            value = added.optional_number("value")
            if not value:
                raise NotModelled(
                    f"a cash-and-stock merger of {old_stock.symbol} whose new shares' value is not in the "
                    "file "
                    "(no `value` on the addition row): record it as a MERGER row with its price"
                )
            price = abs(value) / new
        ratio_new, ratio_old = _ratio(new, old)
        return StockMerged(
            symbol=old_stock.symbol,
            new_symbol=new_stock.symbol,
            new=ratio_new,
            old=ratio_old,
            cash=proceeds / old,
            price=price,
            account=acct,
            time=when,
            key=self.key(
                acct, broker_id, f"merger\x1f{old_stock.symbol}\x1f{new_stock.symbol}\x1f{when.date()}"
            ),
            source=source,
            broker_id=broker_id,
            note=words,
        )

    # -- position transfers --

    def transfers(self, section: Node, account: str) -> None:
        """Positions moved in or out (ACATS, internal transfers): a stock or option with a quantity and no
        cash is SecurityTransferred (IBKR states no cost basis: the lot's basis is missing until given);
        cash alone is a deposit or withdrawal; anything else is kept unresolved."""
        for node in section.kids("Transfer"):
            row = Row(node)
            if _is_summary(row):
                continue
            try:
                acct = self.account_of(row, account)
                when = row.stamp("dateTime", "date", "reportDate")
                broker_id = row.get("transactionID") or None
                seen, broker_id = self.seen_before(row, acct, broker_id, "transactionID")
                if seen:
                    continue
                cash = self.base_cash(row, row.optional_number("cashTransfer"))
                self.result.book(acct, cash)
                content = "transfer\x1f" + "\x1f".join(
                    f"{n}={row.get(n)}"
                    for n in ("type", "direction", "symbol", "dateTime", "date", "quantity", "cashTransfer")
                    if row.get(n)
                )
                try:
                    event = self.transfer(row, acct, when, cash)
                except NotModelled as exc:
                    self.keep(row, exc, acct, cash=cash, broker_id=broker_id, content=content, when=when)
                    continue
                self.emit(
                    row.line, replace(event, key=self.key(acct, broker_id, content), broker_id=broker_id)
                )
            except RowError as err:
                self.row_problem(row, err)

    def transfer(self, row: Row, acct: str, when: datetime, cash: Decimal | None) -> Event:
        quantity = row.optional_number("quantity") or ZERO
        direction = row.get("direction").upper()
        if direction not in ("", "IN", "OUT"):
            raise NotModelled(f"a position transfer of direction {direction!r}: not modelled yet")
        what = row.get("type") or "a position transfer"
        source = self.info.source(row.line)
        currency, fx_rate = self.currency_of(row, when.date())
        if quantity == 0:
            if not cash:
                raise NotModelled(f"{what} that states neither shares nor cash: what moved is unknown")
            return CashMoved(
                kind=CashKind.DEPOSIT if cash > 0 else CashKind.WITHDRAW,
                amount=cash,
                currency=currency,
                fx_rate=fx_rate,
                description=what,
                account=acct,
                time=when,
                source=source,
                note=what,
            )
        if cash:
            raise NotModelled(f"{what} that moved shares and cash at once: not modelled yet")
        asset = category(row)
        instrument: Instrument = option_of(row) if asset == OPTION else stock_of(row)
        signed = -abs(quantity) if direction == "OUT" else abs(quantity) if direction == "IN" else quantity
        return SecurityTransferred(
            instrument=instrument, quantity=signed, account=acct, time=when, source=source, note=what
        )


def _is_summary(row: Row) -> bool:
    return row.get("levelOfDetail") == "SUMMARY" or row.get("accountId") == "-"


CASH_TYPES: dict[str, str] = {
    "Dividends": "DIVIDEND",
    "Payment In Lieu Of Dividends": "DIVIDEND",
    "Withholding Tax": "TAX",
    "Broker Interest Received": "INTEREST",
    "Broker Interest Paid": "INTEREST",
    "Bond Interest Received": "INTEREST",
    "Bond Interest Paid": "INTEREST",
    "Other Fees": "FEE",
    "Fees": "FEE",
    "Commission Adjustments": "FEE",
    "Deposits/Withdrawals": "TRANSFER",
    "Deposits & Withdrawals": "TRANSFER",
}

# IBKR's corporate action codes (csingley/ibflex enums.Reorg), for the error message.
REORG: dict[str, str] = {
    "BC": "a bond conversion",
    "BM": "a bond maturity",
    "CA": "a contract soulte",
    "CC": "a contract consolidation",
    "CD": "a cash dividend",
    "CH": "a choice dividend",
    "CI": "a convertible issue",
    "CO": "a contract spin-off",
    "CP": "a coupon payment",
    "CS": "a contract split",
    "CT": "a CFD termination",
    "DI": "a dividend rights issue",
    "DW": "a delisting (worthless)",
    "ED": "an expired dividend right",
    "FA": "a fee allocation",
    "FI": "a forward split issue",
    "GV": "a generic voluntary action",
    "HD": "a choice dividend delivery",
    "HI": "a choice dividend issue",
    "IC": "an issue change (CUSIP/ISIN or name)",
    "OR": "an asset purchase",
    "PI": "a purchase issue",
    "PV": "a proxy vote",
    "RI": "a rights issue",
    "SD": "a stock dividend",
    "SO": "a spin-off",
    "SR": "a subscribe rights",
    "TC": "a merger",
    "TI": "a tender issue",
    "TO": "a tender",
}


def _action_core(row: Row) -> str:
    """An action's words without the security each row names last (`... (UUU.TEN2, NAME, ISIN)`): the same
    for every row of one action."""
    words = row.get("actionDescription", "description")
    return re.sub(r"\s*\([^()]*,[^()]*\)\s*$", "", words).strip()


_INFERRED_TYPES = (
    (re.compile(r"\bSPLIT\s+\d", re.IGNORECASE), "FS"),
    (re.compile(r"\bTENDERED\s+TO\b", re.IGNORECASE), "TO"),
    (re.compile(r"\bMERGED\s*\(", re.IGNORECASE), "TC"),
    (re.compile(r"\bSPINOFF\b|\bSPIN-OFF\b", re.IGNORECASE), "SO"),
    (re.compile(r"\bCUSIP/ISIN CHANGE\b|\bNAME CHANGE\b|\bSYMBOL CHANGE\b", re.IGNORECASE), "IC"),
    (re.compile(r"\bDELISTED\b", re.IGNORECASE), "DW"),
)


def action_type(row: Row) -> str:
    """IBKR's corporate-action `type`; a query without it (older exports) by the description's words:
    `SPLIT n FOR m`, `TENDERED TO`, `MERGED(...)`, `SPINOFF`, `CUSIP/ISIN CHANGE`, `DELISTED`."""
    code = row.get("type")
    if code:
        return code
    words = row.get("actionDescription", "description")
    return next((c for pattern, c in _INFERRED_TYPES if pattern.search(words)), "")


def _ratio(new: Decimal, old: Decimal) -> tuple[Decimal, Decimal]:
    """New and old shares as IBKR's quantities give them, reduced when whole (1200 for 12000: 1 for 10)."""
    if new == new.to_integral_value() and old == old.to_integral_value():
        from math import gcd

        d = gcd(int(new), int(old))
        return (new / d).normalize() + 0, (old / d).normalize() + 0
    return new, old


_SPLIT = re.compile(
    r"\bSPLIT\s+(?P<new>\d+(?:\.\d+)?)\s+FOR\s+(?P<old>\d+(?:\.\d+)?)", re.IGNORECASE | re.ASCII
)
_SPLIT_SYMBOL = re.compile(r"^\s*([^\s(]+(?:\s[A-Z])?)\s*\(")


RATE_PLACES = Decimal("1E-10")  # a rate derived by division: ten places, as importers/bounds.py's FX_RATE


def _tidy(value: Decimal) -> Decimal:
    """A derived rate without trailing zeros (and never in exponent form)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def statement_base(node: Node, information: Node | None) -> str:
    """The statement's base currency: AccountInformation's `currency`; else the one currency its
    ConversionRates convert to; else its FxTransactions' `functionalCurrency`; else USD."""
    if information is not None and Row(information).get("currency"):
        return Row(information).get("currency")
    for tag, column in (("ConversionRate", "toCurrency"), ("FxTransaction", "functionalCurrency")):
        found = {n.attrs.get(column, "").strip() for n in node.descendants(tag)} - {""}
        if len(found) == 1:
            return found.pop()
    return BASE_CURRENCY


def statement_rates(node: Node, base: str) -> dict[tuple[str, date], Decimal]:
    """Every rate to the base currency the statement states: its ConversionRates (`fromCurrency` to the
    base on `reportDate`), then each row's `fxRateToBase` for its currency and day (the first of a day)."""
    rates: dict[tuple[str, date], Decimal] = {}

    def add(currency: str, day_raw: str, rate_raw: str) -> None:
        try:
            day = parse_stamp(day_raw).date()
            rate = FX_RATE.read(rate_raw)
        except ValueError:
            return  # the row's own reading says what is wrong with it
        if currency and rate > 0:
            rates.setdefault((currency, day), rate)

    for n in node.descendants("ConversionRate"):
        if n.attrs.get("toCurrency", "").strip() == base:
            add(
                n.attrs.get("fromCurrency", "").strip(),
                n.attrs.get("reportDate", ""),
                n.attrs.get("rate", ""),
            )
    for n in _walk(node):
        a = n.attrs
        if a.get("fxRateToBase", "").strip() and a.get("currency", "").strip():
            day = next(
                (a[c] for c in ("tradeDate", "dateTime", "date", "reportDate") if a.get(c, "").strip()), ""
            )
            add(a["currency"].strip(), day.strip(), a["fxRateToBase"].strip())
    return rates


def _walk(node: Node) -> Iterator[Node]:
    for child in node.children:
        yield child
        yield from _walk(child)


def parse(path: Path, account: str | None = None) -> ParseResult:
    return _Parser(path, account).run()
