"""OFX / QFX investment statements (OFX 1.x SGML and OFX 2.x XML; Quicken's QFX is OFX) to journal events.

Most US brokers offer an OFX or QFX download ("Quicken / Web Connect"), E*TRADE among them, so one
importer covers the brokers that have no usable CSV. FORMATS.md section 7 lists what is known of the files.

How the file is read, and why:

- ofxtools reads what is hard about OFX: the header (OFX 1's `CHARSET`, OFX 2's `<?OFX ...?>`), the
  decoding of the body, and OFX 1's SGML tag soup, where leaf elements are never closed, into an
  ElementTree (`OFXTree.parse`, with ofxtools' own tag regex). Our TreeBuilder (`_Builder`) also records
  the line of every element (counted while scanning: every event's source is the exact line where its
  transaction's aggregate starts) and checks the nesting, which ElementTree's builder does not: it accepts
  a truncated file and mismatched end tags without a word. ofxtools' models tell an aggregate from a leaf,
  so an empty SGML leaf (`<MEMO>` with no value) does not swallow its siblings.
- We do not call `OFXTree.convert()`: it validates the whole document as one, so one bad element anywhere
  fails the file with a message naming no line; it moves every time to UTC, which puts an evening trade
  on the next day (the journal keeps the broker's local time); and it rejects harmless deviations real
  files have (elements out of order). Each transaction is read here by the OFX element names of the
  ofxtools models (`ofxtools/models/invest/transactions.py`), times with ofxtools' `DT_REGEX`, every
  number exactly (Decimal, never float); anything wrong is an ImportProblem naming file, line and element.

What cannot be read (a broken file, a bad number or date, a missing element a modelled aggregate needs)
is an error and nothing is written. What is read but not modelled is kept as an `Unresolved` event with
the aggregate's cash, never a reason to refuse the rest (issue 13): a return of capital, an unknown
aggregate naming a security or units (SELLFUTURE, ...), a reversal (REVERSALFITID), a foreign currency
(CURSYM), a trade with MARKUP/MARKDOWN/WITHHOLDING/PENALTY, income with tax withheld, a transaction on a
security tj cannot name (a stock with no TICKER, an option listed with a strike of 0 whose ticker and
OPTTYPE disagree, a security missing from SECLIST: never guessed; such positions are not reported), an
assignment or exercise with no stock leg in the file, shares of an assignment with no option CLOSUREOPT.
Every transaction read is booked for the file's self-check
(`ParseResult.book`): TOTAL of a trade (signed by its direction), of INCOME; -|TOTAL| of INVEXPENSE and
MARGININTEREST; TRNAMT of a bank row; the shares at the strike for a CLOSUREOPT stock leg (OFX states no
amount there); a reinvestment moves none. The broker's cash is the truth: a trade whose TOTAL differs
from UNITS x UNITPRICE x SHPERCTRCT +- fees takes its fees from TOTAL (`base.booked_fees`, a warning from
a cent up, unresolved beyond the tolerance).

What each aggregate becomes. The account is INVACCTFROM's ACCTID (BROKERID is not part of it); FITID is
the broker id and natural key (one FITID twice in an account's file is an error). An event's time is the
broker's wall-clock time as written (DTTRADE, or DTPOSTED for bank rows; the `[-5:EST]` offset is dropped,
not applied). Only USD statements (CURDEF) are read. Quantities lose the zeros brokers pad them with.

- BUYSTOCK / SELLSTOCK (BUYTYPE BUY|BUYTOCOVER, SELLTYPE SELL|SELLSHORT), and BUYMF/SELLMF, BUYOTHER/
  SELLOTHER (funds and ETFs, which some brokers file there): TradeExecuted BUY / SELL of the security's
  TICKER; a fund (MFINFO) listed with no TICKER is `Stock(UNIQUEID, kind="fund")` (Vanguard 401k's
  `VGI007743`).
- Bonds (issue 15): a DEBTINFO security is `Bond(CUSIP, bill|note|bond, maturity)`: the kind from SECNAME's
  words (`UNITED STATES TREAS BILLS ...`, DEBTCLASS TREASURY), the maturity DTMAT else SECNAME's date.
  BUYDEBT / SELLDEBT, and BUYOTHER / SELLOTHER of a DEBTINFO security (Fidelity's `REDEMPTION PAYOUT` at
  100), are TradeExecuted of the bond: UNITS = face (× PARVALUE where TOTAL says UNITS counts bonds),
  UNITPRICE per 100. ACCRDINT is an INTEREST row on the CUSIP (paid on a buy, received on a sale); the OFX
  specification keeps it out of TOTAL, so its cash is booked besides TOTAL, unless TOTAL holds it (within a
  cent). POSDEBT is a PositionReported of the bond's face.
- BUYOPT (OPTBUYTYPE BUYTOOPEN|BUYTOCLOSE) / SELLOPT (OPTSELLTYPE SELLTOOPEN|SELLTOCLOSE): TradeExecuted
  BTO/BTC/STO/STC. UNITS are contracts (their sign is ignored: the aggregate gives the direction), UNITPRICE
  per share, fees = COMMISSION + FEES + TAXES + LOAD. |TOTAL| is the broker's cash: |UNITS| x UNITPRICE x
  SHPERCTRCT plus fees for a buy, minus fees for a sell; a file whose UNITPRICE is per contract (TOTAL
  matches without SHPERCTRCT) has it divided by SHPERCTRCT; any other difference is carried by the fees
  (above). MARKUP, MARKDOWN, WITHHOLDING, STATEWITHHOLDING, PENALTY other than 0: unresolved.
- The option: from SECLIST's OPTINFO (OPTTYPE, STRIKEPRICE, DTEXPIRE, SHPERCTRCT as the multiplier) and the
  underlying's ticker (OPTINFO's SECID -> its STOCKINFO TICKER). Where OPTINFO's TICKER or its UNIQUEID
  is an OCC symbol it is parsed and must agree with OPTINFO; its root names the contract (SPXW, adjusted
  roots), else the underlying's ticker does. Without an underlying SECID the OCC symbol alone serves.
  STRIKEPRICE 0 (Fidelity's `Expired CALL ...` listings, whose DTEXPIRE is not the contract's): the
  TICKER (OCC or compact, `DAL220520C42`) names the whole contract; none, or one of the other right:
  unresolved.
- CLOSUREOPT on an option: OPTACTION ASSIGN / EXERCISE / EXPIRE -> OptionAssigned / OptionExercised /
  OptionExpired of |UNITS| contracts. An expiry is dated at 23:59:59 of the option's expiration date.
  The stock leg a broker may add is merged into that one event, never counted twice: a CLOSUREOPT with the
  same OPTACTION on the shares (UNITS +-shares, aclindsa/ofxgo's broker-derived example), or a BUYSTOCK /
  SELLSTOCK of the shares at the strike, on the option's day or up to 5 days later (its fees join the
  event's). A CLOSUREOPT on shares that matches no option CLOSUREOPT, and an assignment or exercise with
  no stock leg, are unresolved.
- INCOME: INCOMETYPE DIV -> CashMoved DIVIDEND of TOTAL on the ticker; CGLONG / CGSHORT (a fund's capital
  gain distribution) -> DIVIDEND too, noted as such: cash paid on a holding, not a closed lot, so it is no
  Form 8949 row; MISC -> DIVIDEND noted "miscellaneous income"; INTEREST -> INTEREST (account-wide: no
  symbol); another INCOMETYPE: the kind its words say (`common.cash_kind`, OTHER with a warning).
  WITHHOLDING other than 0: unresolved (gross or net is not known).
- REINVEST: a CashMoved (as INCOME) plus a TradeExecuted BUY of UNITS at UNITPRICE (ids `FITID:income`,
  `FITID:buy`); UNITS x UNITPRICE + fees must equal |TOTAL| within a cent, and the income is that cost
  (not TOTAL), so that the pair moves no cash and the books match AVAILCASH to the last digit.
- INVBANKTRAN (STMTTRN): TRNTYPE INT -> INTEREST, DIV -> DIVIDEND (no symbol), FEE / SRVCHG -> FEE, the
  other transfers (CREDIT, DEBIT, DEP, XFER, DIRECTDEP, DIRECTDEBIT, ATM, POS, CHECK, PAYMENT, CASH,
  REPEATPMT, OTHER) -> DEPOSIT or WITHDRAW by the sign of TRNAMT; another TRNTYPE: the kind its words
  (NAME, MEMO) say, OTHER with a warning; dated DTPOSTED. NAME and MEMO are the event's description.
- MARGININTEREST -> INTEREST, negative (money out) whatever sign the broker writes.
- INVEXPENSE (E*TRADE's foreign tax withheld, ADR fees) -> TAX when its MEMO says tax withheld, else FEE;
  negative, on the security's ticker.
- SPLIT -> SplitApplied NUMERATOR:DENOMINATOR (NEWUNITS must be OLDUNITS x ratio, give or take a fraction).
  FRACCASH other than 0, or a split of an option: an error.
- JRNLFUND / JRNLSEC move cash or shares between sub-accounts (CASH, MARGIN, SHORT) of the same account
  (SUBACCTFROM -> SUBACCTTO): no holding changes, deliberately no event (a SecurityTransferred would move
  shares in or out of the account).
- TRANSFER (TFERACTION IN/OUT; a SHORT POSTYPE the other way) -> SecurityTransferred of UNITS, the basis
  AVGCOSTBASIS x UNITS when given (UNITPRICE is the market price at the transfer, no basis), acquired
  DTPURCHASE when given; else the lot's basis is missing until a journal-CSV row gives it.
  An option TRANSFER whose MEMO starts `EXPIRED` (Fidelity's expiries) -> OptionExpired, as above.
- Any other aggregate: naming a security or units, unresolved; with only TOTAL/TRNAMT, cash of its words.
- INVPOSLIST: POSSTOCK / POSMF / POSOTHER / POSOPT / POSDEBT -> PositionReported (UNITS, negative when
  POSTYPE is SHORT) at the statement's DTASOF. INVBAL AVAILCASH -> CashReported.
- Any other aggregate in INVPOSLIST is an error naming it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import unescape

from importers import bounds
from importers.base import (
    UNKNOWN_CASH,
    FileInfo,
    ImportProblem,
    KeyMaker,
    NotModelled,
    ParseResult,
    booked_fees,
    unresolved,
)
from importers.bonds import bond_named, exact_bond_price
from importers.bounds import AMOUNT, MULTIPLIER, PRICE, QUANTITY, SPLIT_PART, STRIKE, Bound
from importers.common import StockLeg, cash_kind, match_stock_leg
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
)
from journal.instruments import (
    INDEX_ROOT_UNDERLYING,
    Bond,
    InvalidOption,
    OptionContract,
    Stock,
    parse_option,
    parse_stock,
)
from journal.money import ZERO, OutOfBounds

name = "ofx"
description = "OFX / QFX investment statement (OFX 1 SGML or OFX 2 XML; E*TRADE and other brokers' QFX)"

DEFAULT_ACCOUNT = "default"
END_OF_DAY = time(23, 59, 59)
CENT = Decimal("0.01")
STOCK_LEG_DAYS = 5  # a stock leg of an assignment may be dated up to this many days after the option's row

_V1_HEAD = re.compile(r"\s*OFXHEADER\s*:\s*1\d\d\b")
_V2_HEAD = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?<\?OFX\b[^>]*\bOFXHEADER\s*=\s*[\"']2\d\d")
_BARE_BODY = re.compile(r"\s*<OFX>")


def identify(path: Path, head: str) -> bool:
    """An OFX file by its header (OFX 1 `OFXHEADER:100`, OFX 2 `<?OFX OFXHEADER="200" ...?>`), or a body
    that starts `<OFX>` without one (so that the user hears what is wrong with it)."""
    text = head.lstrip("\ufeff")
    return bool(_V1_HEAD.match(text) or _V2_HEAD.match(text) or _BARE_BODY.match(text))


class _Bad(Exception):
    """One problem with a place: the line, the element (column) and the value."""

    def __init__(self, line: int, column: str | None, value: str | None, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.value, self.message = line, column, value, message


class _Skip(Exception):
    """A transaction that cannot be read for a problem already reported (a broken SECLIST entry)."""


# -- the file: header, decoding and markup ---------------------------------------------------------------

# OFX 1 CHARSET values ofxtools decodes, and spellings of them seen in the wild that we rename for it.
_CHARSET_NAMES = {"1252": "Windows-1252", "ISO-8859-1": "ISO-8859-1", "NONE": "UTF-8"}
_CHARSET_ALIASES = {
    "UTF-8": "NONE",
    "UTF8": "NONE",
    "WINDOWS-1252": "1252",
    "CP1252": "1252",
    "8859-1": "ISO-8859-1",
    "LATIN1": "ISO-8859-1",
    "LATIN-1": "ISO-8859-1",
}
_ENCODINGS = ("USASCII", "UNICODE", "UTF-8")
_V1_FIELD = re.compile(rb"(?m)^[ \t]*(CHARSET|ENCODING)[ \t]*:[ \t]*([^\s<]*)")
_V2_DECLARATIONS = re.compile(rb"\s*(?:<\?xml(?P<xml>[^>]*?)\?>\s*)?<\?OFX(?P<ofx>[^>]*?)\?>")
_V2_ATTRIBUTE = re.compile(rb"(\w+)\s*=\s*[\"']([^\"']*)[\"']")
_V2_VERSIONS = (b"200", b"201", b"202", b"203", b"210", b"211", b"220")  # those ofxtools accepts
_BODY_START = re.compile(rb"<(?![?!])")


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _v1_header(data: bytes) -> bytes:
    """Check OFX 1's ENCODING and CHARSET (renaming known aliases for ofxtools) and that the body decodes."""
    body = _BODY_START.search(data)
    header_end = body.start() if body else len(data)
    charset = "NONE"
    for m in reversed(list(_V1_FIELD.finditer(data, 0, header_end))):
        field_name, raw = m[1].decode(), m[2].decode("ascii", "replace")
        value = raw.upper()
        line = _line_at(data, m.start())
        if field_name == "ENCODING":
            if value not in _ENCODINGS:
                raise _Bad(line, "ENCODING", raw, f"unknown OFX encoding (known: {', '.join(_ENCODINGS)})")
            continue
        if value in _CHARSET_ALIASES:
            value = _CHARSET_ALIASES[value]
            data = data[: m.start(2)] + value.encode() + data[m.end(2) :]
        elif value not in _CHARSET_NAMES:
            raise _Bad(line, "CHARSET", raw, "unknown character set (known: 1252, ISO-8859-1, NONE = UTF-8)")
        charset = value
    codec = {"1252": "cp1252", "ISO-8859-1": "latin_1", "NONE": "utf_8"}[charset]
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _Bad(
            _line_at(data, exc.start),
            None,
            None,
            f"not {_CHARSET_NAMES[charset]} text as the header's CHARSET:{charset} says "
            f"(byte 0x{data[exc.start]:02x}); is the CHARSET line wrong?",
        ) from None
    return data


def _v2_header(data: bytes) -> bytes:
    """Rewrite OFX 2's declarations the way ofxtools reads them (it needs an `<?xml?>` declaration first and
    every attribute of `<?OFX?>`), keeping the line count; re-encode a body declared in another encoding."""
    m = _V2_DECLARATIONS.match(data)
    if m is None:
        raise _Bad(
            1, None, None, 'not a valid OFX 2 header: expected <?OFX OFXHEADER="200" VERSION="2xx" ...?>'
        )
    attributes = {k.upper(): v for k, v in _V2_ATTRIBUTE.findall(m["ofx"])}
    version = attributes.get(b"VERSION", b"")
    if not attributes.get(b"OFXHEADER", b"").startswith(b"2") or not re.fullmatch(rb"2\d\d", version):
        raise _Bad(1, None, m["ofx"].decode("ascii", "replace").strip(), "not an OFX 2 header")
    if version not in _V2_VERSIONS:
        version = b"220"  # a later OFX 2 (2.3: VERSION="230") reads like 2.2 as far as statements go
    encoding = re.search(rb"encoding\s*=\s*[\"']([\w.:-]+)[\"']", m["xml"] or b"", re.IGNORECASE)
    codec = encoding[1].decode() if encoding else "utf-8"
    try:
        text = data.decode(codecs.lookup(codec).name)
    except LookupError:
        raise _Bad(1, "encoding", codec, "unknown encoding in the <?xml?> declaration") from None
    except UnicodeDecodeError as exc:
        raise _Bad(
            _line_at(data, exc.start),
            None,
            None,
            f"not {codec} text (byte 0x{data[exc.start]:02x}): OFX 2 is UTF-8 unless <?xml?> says",
        ) from None
    if codecs.lookup(codec).name != "utf-8":
        data = text.encode("utf-8")
        m = _V2_DECLARATIONS.match(data)
        if m is None:
            raise _Bad(1, "encoding", codec, "not an OFX 2 header once decoded")
    declarations = (
        b'<?xml version="1.0" encoding="UTF-8"?><?OFX OFXHEADER="200" VERSION="' + version + b'" '
        b'SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>'
    )
    return declarations + b"\n" * data.count(b"\n", 0, m.end()) + data[m.end() :].lstrip(b" \t")


@cache
def _ofx_names() -> tuple[frozenset[str], frozenset[str]]:
    """The aggregate and leaf element names of the OFX spec, from the ofxtools models."""
    import ofxtools.models as models
    from ofxtools.models.base import Aggregate

    classes = [
        v for k, v in vars(models).items() if k.isupper() and isinstance(v, type) and issubclass(v, Aggregate)
    ]
    aggregates = frozenset(c.__name__ for c in classes)
    leaves = frozenset(attr.upper() for c in classes for attr in c.elements) - aggregates
    return aggregates, leaves


_ENTITIES = {"&quot;": '"', "&apos;": "'", "&nbsp;": "\u00a0"}


class _Builder(ET.TreeBuilder):
    """ofxtools' OFX tag scan, plus the line of every element (attribute `@`) and nesting checks.

    `OFXTree.parse` calls `feed` once with the whole body, then `close`."""

    def __init__(self, first_line: int, regex: re.Pattern[str]) -> None:
        super().__init__()
        self.line = first_line
        self.regex = regex
        self.aggregates, self.leaves = _ofx_names()
        self.stack: list[tuple[str, int]] = []
        self.done = False  # the root element is closed

    def feed(self, data: str) -> None:
        line, last, expected = self.line, 0, 0
        stack, start, end = self.stack, self.start, self.end
        aggregates, leaves = self.aggregates, self.leaves
        for m in self.regex.finditer(data):
            at = m.start()
            if at != expected and data[expected:at].strip():
                gap = data[expected:at].strip()
                raise _Bad(line + data.count("\n", last, expected), None, gap[:40], "not OFX markup")
            line += data.count("\n", last, at)
            last, expected = at, m.end()
            tag, cdata, text, closetag, tail = m.group("tag", "cdata", "text", "closetag", "tail")
            if cdata:
                text = cdata
            if text is not None:
                text = text.strip() or None
            if tail and tail.strip():
                raise _Bad(line, tag.lstrip("/"), tail.strip()[:40], "text after a closing tag")
            try:
                if tag[0] == "/":
                    if text:
                        raise _Bad(line, tag[1:], text[:40], f"text after <{tag}>")
                    self._close(tag[1:], line)
                    continue
                if self.done:
                    raise _Bad(line, tag, None, "markup after the end of the OFX document")
                if tag[-1] == "/":  # XML's empty element <MEMO/>
                    start(tag[:-1].strip(), {"@": str(line)})
                    end(tag[:-1].strip())
                elif text is not None:
                    if "&" in text:
                        text = unescape(text, _ENTITIES)
                    start(tag, {"@": str(line)})
                    self.data(text)
                    end(tag)
                elif closetag or (tag in leaves and tag not in aggregates):
                    start(tag, {"@": str(line)})  # an empty element (an SGML leaf with no value)
                    end(tag)
                else:
                    start(tag, {"@": str(line)})
                    stack.append((tag, line))
            except ET.ParseError as exc:
                raise _Bad(line, tag, None, f"not valid OFX markup: {exc}") from None
        rest = data[expected:].strip()
        if rest:
            where = line + data.count("\n", last, expected)
            if stack and rest[0] == "<" and ">" not in rest:
                tag, opened = stack[-1]
                message = f"the file ends inside <{tag}> (opened at line {opened}), in a tag: truncated?"
                raise _Bad(where, tag, rest[:40], message)
            raise _Bad(where, None, rest[:40], "not OFX markup")
        self.line = line + data.count("\n", last, len(data.rstrip()))  # the last line with text

    def _close(self, tag: str, line: int) -> None:
        """`</TAG>` closes TAG and, as in SGML, any element left open inside it."""
        stack = self.stack
        if stack and stack[-1][0] == tag:
            stack.pop()
            self.end(tag)
            if not stack:
                self.done = True
            return
        if all(open_tag != tag for open_tag, _ in self.stack):
            raise _Bad(line, tag, None, f"</{tag}> closes no open <{tag}>")
        while True:
            open_tag, _ = self.stack.pop()
            self.end(open_tag)
            if open_tag == tag:
                break
        if not self.stack:
            self.done = True

    def close(self) -> ET.Element:
        if self.stack:
            tag, opened = self.stack[-1]
            raise _Bad(
                self.line, tag, None, f"the file ends inside <{tag}> (opened at line {opened}): truncated?"
            )
        if not self.done:
            raise _Bad(self.line, None, None, "no OFX body: the file has no <OFX> element")
        return super().close()


def _read_tree(info: FileInfo) -> ET.Element:
    """The OFX body as an ElementTree whose elements carry their line (attribute `@`)."""
    from ofxtools.header import OFXHeaderError
    from ofxtools.Parser import OFXTree, TreeBuilder

    data = info.data
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    start = data.lstrip()[:5]
    if start in (b"<?xml", b"<?OFX"):
        data = _v2_header(data)
    elif re.match(rb"\s*OFXHEADER", data):
        data = _v1_header(data)
    elif start == b"<OFX>":
        raise _Bad(
            1, None, None, 'no OFX header (OFXHEADER:100 ... or <?OFX OFXHEADER="200" ...?>) before <OFX>'
        )
    else:
        raise _Bad(1, None, None, "not an OFX file: no OFX header")
    body = _BODY_START.search(data)
    builder = _Builder(_line_at(data, body.start()) if body else 1, TreeBuilder.regex)
    try:
        root = OFXTree().parse(io.BytesIO(data), parser=builder)
    except OFXHeaderError as exc:
        message = (str(exc).splitlines() or ["malformed"])[0].rstrip(":")
        raise _Bad(1, None, None, f"not a valid OFX header: {message}") from None
    except (ValueError, SyntaxError, UnicodeError, KeyError) as exc:
        raise _Bad(builder.line, None, None, f"not valid OFX: {exc}") from None
    if root.tag != "OFX":
        raise _Bad(_element_line(root), root.tag, None, "the document's root is not <OFX>")
    return root


# -- reading elements --------------------------------------------------------------------------------------


def _element_line(element: ET.Element) -> int:
    return int(element.get("@", "0"))


def _plain(value: Decimal) -> Decimal:
    """A quantity without the trailing zeros brokers pad it with (`2.0000` -> `2`, `0.50` -> `0.5`)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


_AMOUNT = re.compile(r"[+-]?(\d{1,15}(\.\d{0,12})?|\.\d{1,12})", re.ASCII)


# The elements that hold a quantity, a price, a multiplier or a ratio's part (any other number is an amount).
_BOUNDS = {
    "UNITS": QUANTITY,
    "NEWUNITS": QUANTITY,
    "OLDUNITS": QUANTITY,
    "UNITPRICE": PRICE,
    "STRIKEPRICE": PRICE,  # then a strike's own bound, where the option is built
    "SHPERCTRCT": MULTIPLIER,
    "NUMERATOR": SPLIT_PART,
    "DENOMINATOR": SPLIT_PART,
}


def _number(raw: str, bound: Bound = AMOUNT) -> Decimal:
    """An OFX amount: a period or (OFX allows it) a comma as decimal separator; no thousands separators,
    no exponent, at most 15 digits before the point and 12 after (anything else is no broker's amount);
    then within `bound` (OutOfBounds beyond it)."""
    text = raw.strip()
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(raw)
    return bound.read(text)


class _Fields:
    """The elements of one aggregate by tag, whatever their depth (an OFX transaction never uses one name
    twice), with the reads that name the element and line when they fail."""

    __slots__ = ("element", "tag", "line", "nodes", "twice", "reader")

    def __init__(self, element: ET.Element, reader: _Reader, *, shallow: bool = False) -> None:
        self.element = element
        self.tag = element.tag
        self.line = _element_line(element)
        self.reader = reader
        nodes: dict[str, ET.Element] = {}
        twice: set[str] = set()
        for node in element if shallow else element.iter():
            if node.tag in nodes:
                twice.add(node.tag)
            else:
                nodes[node.tag] = node
        self.nodes, self.twice = nodes, twice

    def where(self, tag: str) -> int:
        node = self.nodes.get(tag)
        return _element_line(node) if node is not None else self.line

    def text(self, tag: str) -> str:
        value = self.maybe_text(tag)
        if value is None:
            raise _Bad(self.line, tag, None, f"missing from <{self.tag}>")
        return value

    def maybe_text(self, tag: str) -> str | None:
        if tag in self.twice:
            raise _Bad(self.line, tag, None, f"appears twice in <{self.tag}>")
        node = self.nodes.get(tag)
        return node.text if node is not None and node.text else None

    def number(self, tag: str) -> Decimal:
        return self._number(tag, self.text(tag))

    def maybe_number(self, tag: str) -> Decimal | None:
        raw = self.maybe_text(tag)
        return None if raw is None else self._number(tag, raw)

    def _number(self, tag: str, raw: str) -> Decimal:
        try:
            return _number(raw, _BOUNDS.get(tag, AMOUNT))
        except ValueError as exc:
            raise _Bad(self.where(tag), tag, raw, bounds.why(exc, "not a number")) from None

    def fee(self, tag: str) -> Decimal:
        value = self.maybe_number(tag)
        if value is None:
            return ZERO
        if value < 0:
            raise _Bad(self.where(tag), tag, self.maybe_text(tag), "must not be negative")
        return value

    def when(self, tag: str) -> datetime:
        raw = self.text(tag)
        try:
            return self.reader.local_time(raw)
        except ValueError as exc:
            raise _Bad(
                self.where(tag),
                tag,
                raw,
                bounds.why(exc, "not an OFX date (YYYYMMDD, YYYYMMDDHHMMSS[.XXX][[offset:TZ]])"),
            ) from None

    def choice(self, tag: str, known: Iterable[str]) -> str:
        value = self.text(tag)
        options = tuple(known)
        if value not in options:
            raise _Bad(self.where(tag), tag, value, f"unknown {tag} (known: {', '.join(options)})")
        return value


@dataclass(slots=True)
class _Security:
    """One SECLIST entry."""

    kind: str  # STOCKINFO, OPTINFO, MFINFO, OTHERINFO, DEBTINFO
    key: tuple[str, str]  # (UNIQUEIDTYPE, UNIQUEID)
    uid: str  # "CUSIP 191216100", for messages
    ticker: str | None
    element: ET.Element

    @property
    def line(self) -> int:
        return _element_line(self.element)


@dataclass(slots=True)
class _Closure:
    """A CLOSUREOPT on an option, waiting for its stock leg."""

    index: int
    line: int
    fitid: str
    account: str
    when: datetime
    option: OptionContract
    action: str
    quantity: Decimal
    note: str
    element: ET.Element


@dataclass(slots=True)
class _ShareLeg:
    """A CLOSUREOPT on the shares: the stock side of an assignment or exercise."""

    index: int
    line: int
    fitid: str
    account: str
    day: date
    symbol: str
    action: str
    shares: Decimal  # signed: positive = shares received
    element: ET.Element


_Entry = list[Event] | _Closure | _ShareLeg

_TRADES = {  # aggregate: (buys?, the element that tells the kind of trade)
    "BUYSTOCK": (True, "BUYTYPE"),
    "SELLSTOCK": (False, "SELLTYPE"),
    "BUYMF": (True, "BUYTYPE"),
    "SELLMF": (False, "SELLTYPE"),
    "BUYOTHER": (True, None),
    "SELLOTHER": (False, None),
    "BUYOPT": (True, "OPTBUYTYPE"),
    "SELLOPT": (False, "OPTSELLTYPE"),
    "BUYDEBT": (True, None),
    "SELLDEBT": (False, None),
}
_TRADE_KINDS = {"BUYTYPE": ("BUY", "BUYTOCOVER"), "SELLTYPE": ("SELL", "SELLSHORT")}
_OPTION_TRADES = {
    "OPTBUYTYPE": {"BUYTOOPEN": TradeAction.BTO, "BUYTOCLOSE": TradeAction.BTC},
    "OPTSELLTYPE": {"SELLTOOPEN": TradeAction.STO, "SELLTOCLOSE": TradeAction.STC},
}
_NOT_SUPPORTED_AMOUNTS = ("MARKUP", "MARKDOWN", "WITHHOLDING", "STATEWITHHOLDING", "PENALTY")
_OPTION_ACTIONS = ("ASSIGN", "EXERCISE", "EXPIRE")
_INCOME = {  # INCOMETYPE: (kind, note)
    "DIV": (CashKind.DIVIDEND, ""),
    "CGLONG": (CashKind.DIVIDEND, "long-term capital gain distribution"),
    "CGSHORT": (CashKind.DIVIDEND, "short-term capital gain distribution"),
    "MISC": (CashKind.DIVIDEND, "miscellaneous income"),
    "INTEREST": (CashKind.INTEREST, ""),
}
_BANK_KINDS = {
    "INT": CashKind.INTEREST,
    "DIV": CashKind.DIVIDEND,
    "FEE": CashKind.FEE,
    "SRVCHG": CashKind.FEE,
}
_BANK_TRANSFERS = (
    "CREDIT",
    "DEBIT",
    "DEP",
    "XFER",
    "DIRECTDEP",
    "DIRECTDEBIT",
    "ATM",
    "POS",
    "CHECK",
    "PAYMENT",
    "CASH",
    "REPEATPMT",
    "OTHER",
)
_NO_EVENT = ("JRNLFUND", "JRNLSEC")  # cash or shares moved between sub-accounts of one account
_NOT_MODELLED = {  # aggregates read but not modelled: kept unresolved with their TOTAL
    "RETOFCAP": "a return of capital: not modelled yet (it lowers the shares' cost basis); record it in a "
    "journal CSV with `resolves`",
}
# A fund listed (MFINFO) with no TICKER, named by its UNIQUEID (a CUSIP, or a plan's own id: Vanguard's
# `VGI007743`): units of a fund all the same.
_FUND_ID = re.compile(r"^[A-Z0-9]{5,12}$", re.ASCII)
_TRANSACTIONS = (*_TRADES, "CLOSUREOPT", "INCOME", "REINVEST", "INVBANKTRAN", "MARGININTEREST", "INVEXPENSE")
_KNOWN_TRANSACTIONS = (*_TRANSACTIONS, "SPLIT", "TRANSFER", *_NO_EVENT, *_NOT_MODELLED)
_POSITIONS = ("POSSTOCK", "POSMF", "POSOTHER", "POSOPT", "POSDEBT")
_SECURITY_KINDS = ("STOCKINFO", "OPTINFO", "MFINFO", "OTHERINFO", "DEBTINFO")


class _Reader:
    """One file's statements, read into `result`."""

    def __init__(self, info: FileInfo, account: str | None, result: ParseResult) -> None:
        from ofxtools.Types import DT_REGEX

        self.info = info
        self.default_account = account or DEFAULT_ACCOUNT
        self.result = result
        self.keymaker = KeyMaker()
        self.dt_regex: re.Pattern[str] = DT_REGEX
        self.times: dict[str, datetime] = {}
        self.securities: dict[tuple[str, str], _Security] = {}
        self.instruments: dict[tuple[str, str], Stock | OptionContract | Bond | NotModelled | None] = {}
        self.fitids: dict[tuple[str, str], int] = {}
        self.currency = "USD"

    # -- helpers ------------------------------------------------------------------------------------------

    def problem(self, bad: _Bad) -> None:
        self.result.errors.append(ImportProblem(self.info.name, bad.line, bad.column, bad.value, bad.message))

    def local_time(self, raw: str) -> datetime:
        """The broker's wall-clock time as written (the offset in brackets dropped, not applied)."""
        when = self.times.get(raw)
        if when is None:
            m = self.dt_regex.match(raw.strip())
            if m is None:
                raise ValueError(raw)
            when = bounds.when(  # no broker's date: refused, not guessed
                datetime(
                    int(m["year"]),
                    int(m["month"]),
                    int(m["day"]),
                    int(m["hour"] or 0),
                    int(m["minute"] or 0),
                    int(m["second"] or 0),
                )
            )
            self.times[raw] = when
        return when

    def fields(self, element: ET.Element, *, shallow: bool = False) -> _Fields:
        return _Fields(element, self, shallow=shallow)

    def fitid(self, f: _Fields, account: str) -> str:
        """The transaction's FITID, checked: new in this account's file, no reversal, no foreign money."""
        fitid = f.text("FITID")
        seen = self.fitids.get((account, fitid))
        if seen is not None:
            raise _Bad(f.where("FITID"), "FITID", fitid, f"the same FITID as the transaction at line {seen}")
        self.fitids[(account, fitid)] = f.line
        if f.maybe_text("REVERSALFITID"):
            raise NotModelled(
                f"a reversal of the transaction {f.maybe_text('REVERSALFITID')}: not modelled yet; void it "
                "with a journal-CSV row that `resolves` this one"
            )
        currency = f.maybe_text("CURSYM")
        if currency is not None and currency != self.currency:
            raise NotModelled(f"an amount in {currency}: currencies are not modelled yet")
        return fitid

    def envelope(self, f: _Fields, account: str, fitid: str, when: datetime, note: str) -> dict[str, Any]:
        return {
            "account": account,
            "time": when,
            "key": self.keymaker.key(account, fitid, ""),
            "source": self.info.source(f.line),
            "broker_id": fitid,
            "note": note,
        }

    # -- securities ---------------------------------------------------------------------------------------

    def read_securities(self, root: ET.Element) -> None:
        for seclist in root.iter("SECLIST"):
            for element in seclist:
                if element.tag not in _SECURITY_KINDS:
                    self.problem(
                        _Bad(_element_line(element), "SECLIST", element.tag, "unknown kind of security")
                    )
                    continue
                try:
                    self._security(element)
                except _Bad as bad:
                    self.problem(bad)

    def _security(self, element: ET.Element) -> None:
        secinfo = element.find("SECINFO")
        secid = secinfo.find("SECID") if secinfo is not None else None
        if secinfo is None or secid is None:
            raise _Bad(_element_line(element), "SECID", None, f"missing from <{element.tag}>/<SECINFO>")
        uid, uid_type = secid.findtext("UNIQUEID"), secid.findtext("UNIQUEIDTYPE")
        if not uid or not uid_type:
            raise _Bad(_element_line(secid), "UNIQUEID", None, "a SECID needs UNIQUEID and UNIQUEIDTYPE")
        ticker = (secinfo.findtext("TICKER") or "").strip() or None
        key = (uid_type.upper(), uid)
        known = self.securities.get(key)
        if known is not None and (known.kind, known.ticker) != (element.tag, ticker):
            raise _Bad(
                _element_line(element),
                "UNIQUEID",
                uid,
                f"listed again, differently (first at line {known.line})",
            )
        self.securities[key] = _Security(element.tag, key, f"{uid_type} {uid}", ticker, element)

    def security(self, f: _Fields) -> _Security:
        uid, uid_type = f.text("UNIQUEID"), f.text("UNIQUEIDTYPE")
        security = self.securities.get((uid_type.upper(), uid))
        if security is None:  # the file does not say what it is: kept, not guessed
            raise NotModelled(
                f"a security not listed in the file's <SECLIST> ({uid_type} {uid}): not modelled"
            )
        return security

    def instrument(self, security: _Security) -> Stock | OptionContract | Bond:
        """The security as the journal names it. A broken entry is reported once, then skipped; one tj
        does not model (a stock with no ticker, an option listed without its strike) raises NotModelled for
        every row that names it."""
        key = security.key
        if key not in self.instruments:
            try:
                if security.kind == "OPTINFO":
                    self.instruments[key] = self._option(security)
                elif security.kind == "DEBTINFO":
                    self.instruments[key] = self._bond(security)
                else:
                    self.instruments[key] = self._stock(security)
            except _Bad as bad:
                self.instruments[key] = None
                self.problem(bad)
            except NotModelled as exc:
                self.instruments[key] = exc
        found = self.instruments[key]
        if found is None:
            raise _Skip
        if isinstance(found, NotModelled):
            raise NotModelled(found.reason, symbols=found.symbols)
        return found

    def _bond(self, security: _Security) -> Bond:
        """DEBTINFO: a bond by its CUSIP (UNIQUEID; else its TICKER), bill, note or bond by SECNAME's words
        (`UNITED STATES TREAS BILLS ZERO CPN 0.00000% 03/21/2023`, `importers.bonds.bond_named`), a
        Treasury's (DEBTCLASS TREASURY) kind `bond` when its words name none; maturity DTMAT, else the
        date SECNAME writes after the coupon."""
        f = self.fields(security.element)
        uid_type, uid = security.key
        cusip = (uid if uid_type == "CUSIP" or not security.ticker else security.ticker).strip().upper()
        name = (security.element.findtext("SECINFO/SECNAME") or "").strip()
        named = bond_named(cusip, name)
        treasury = (f.maybe_text("DEBTCLASS") or "").upper() == "TREASURY"
        if named is None and treasury:
            named = bond_named(cusip, f"TREASURY {name}")
        maturity = f.when("DTMAT").date() if f.maybe_text("DTMAT") else named.maturity if named else None
        bond = Bond(
            cusip, named.kind if named else "bond", maturity, " ".join(name.split())[: bounds.NOTE.most]
        )
        try:
            bounds.bond_fields(bond)
        except OutOfBounds as exc:
            raise _Bad(security.line, "DEBTINFO", security.uid, str(exc)) from None
        return bond

    @staticmethod
    def _stock(security: _Security) -> Stock:
        if security.kind == "DEBTINFO":
            raise NotModelled(f"a bond ({security.uid}) where shares are expected: not modelled")
        if security.ticker is None:
            uid = security.key[1].strip().upper()
            if security.kind == "MFINFO" and _FUND_ID.match(uid) and parse_option(uid) is None:
                return Stock(uid, kind="fund")  # units of a fund named by its id: all the same
            raise NotModelled(f"a security with no TICKER in <SECLIST> ({security.uid}): not modelled")
        stock = parse_stock(security.ticker)
        if stock is None:
            raise NotModelled(f"a security whose TICKER {security.ticker!r} is no stock ticker: not modelled")
        return stock

    def _option(self, security: _Security) -> OptionContract:
        f = self.fields(security.element)
        right = {"PUT": "P", "CALL": "C"}[f.choice("OPTTYPE", ("PUT", "CALL"))]
        strike = f.number("STRIKEPRICE")
        expiry = f.when("DTEXPIRE").date()
        multiplier = f.number("SHPERCTRCT")
        if multiplier <= 0:
            raise _Bad(f.where("SHPERCTRCT"), "SHPERCTRCT", f.text("SHPERCTRCT"), "must be positive")
        if multiplier > MULTIPLIER.most:
            bound = f"out of bounds: a multiplier is at most {MULTIPLIER.most:,}"
            raise _Bad(f.where("SHPERCTRCT"), "SHPERCTRCT", f.text("SHPERCTRCT"), bound)
        if strike <= 0 or strike * 1000 != int(strike * 1000):
            return self._option_from_ticker(security, right, multiplier)
        if strike > STRIKE.most:
            bound = f"out of bounds: a strike is at most {STRIKE.most:,}"
            raise _Bad(f.where("STRIKEPRICE"), "STRIKEPRICE", f.text("STRIKEPRICE"), bound)
        # OPTINFO's own SECID sits in SECINFO; the one directly inside OPTINFO is the underlying's.
        underlying_id = security.element.find("SECID")
        underlying: str | None = None
        if underlying_id is not None:
            uid, uid_type = underlying_id.findtext("UNIQUEID"), underlying_id.findtext("UNIQUEIDTYPE")
            found = self.securities.get(((uid_type or "").upper(), uid or ""))
            if found is None:
                raise _Bad(
                    _element_line(underlying_id), "UNIQUEID", uid, "underlying not in the file's <SECLIST>"
                )
            try:
                underlying = self._stock(found).symbol
            except NotModelled as exc:
                raise NotModelled(f"an option on a security tj cannot name: {exc.reason}") from None
        occ, occ_from = None, ""
        for element_name, text in (("TICKER", security.ticker), ("UNIQUEID", security.key[1])):
            if text and len(text.strip()) >= 15:  # shorter is no OCC symbol (a CUSIP has 9 characters)
                occ, occ_from = self._occ(security, element_name, text, multiplier), element_name
                if occ is not None:
                    break
        if occ is not None:
            root = occ.root
            trimmed = root[:-1] if root[-1].isdigit() else root  # an adjusted contract's root: XYZ1
            agrees = (occ.expiry, occ.right, occ.strike) == (expiry, right, strike) and (
                underlying is None or underlying in (root, trimmed, INDEX_ROOT_UNDERLYING.get(root))
            )
            if not agrees:
                raise _Bad(
                    security.line,
                    occ_from,
                    occ.name,
                    f"this OCC symbol disagrees with <OPTINFO> (underlying {underlying}, {expiry}, "
                    f"{'put' if right == 'P' else 'call'}, strike {strike})",
                )
        elif underlying is not None:
            root = underlying
        else:
            raise _Bad(
                security.line,
                "OPTINFO",
                security.uid,
                "the option's underlying is unknown: <OPTINFO> has no underlying <SECID> and no OCC symbol",
            )
        option = OptionContract(root, expiry, right, strike.normalize() + 0, multiplier)
        try:
            bounds.option_fields(option)
        except OutOfBounds as exc:
            raise _Bad(security.line, "OPTINFO", security.uid, str(exc)) from None
        return option

    @staticmethod
    def _occ(security: _Security, element: str, text: str, multiplier: Decimal) -> OptionContract | None:
        """An OCC or compact symbol in TICKER or UNIQUEID; one whose expiry or strike makes no sense is an
        error on that element."""
        try:
            return parse_option(text, multiplier)
        except InvalidOption as exc:
            raise _Bad(security.line, element, text, str(exc)) from None

    @classmethod
    def _option_from_ticker(cls, security: _Security, right: str, multiplier: Decimal) -> OptionContract:
        """Fidelity lists an expired option as `Expired CALL ...` with STRIKEPRICE 0.0 and a DTEXPIRE
        that is not the contract's; its TICKER (`DAL220520C42`, compact or OCC) still names the contract,
        so the ticker is taken whole. Without one the option cannot be named: NotModelled."""
        for element, text in (("TICKER", security.ticker), ("UNIQUEID", security.key[1])):
            occ = cls._occ(security, element, text, multiplier) if text else None
            if occ is not None and occ.right == right:
                return occ
            if occ is not None:
                raise NotModelled(
                    f"an option listed with the strike 0 whose ticker {text} is a "
                    f"{'put' if occ.right == 'P' else 'call'} but OPTTYPE says "
                    f"{'put' if right == 'P' else 'call'} ({security.uid}): not modelled",
                    symbols=[occ.underlying],
                )
        raise NotModelled(
            f"an option listed with the strike 0 and no OCC ticker ({security.uid}, "
            f"{security.ticker or 'no ticker'}): not modelled"
        )

    def stock_of(self, f: _Fields) -> Stock:
        instrument = self.holding_of(f)
        if isinstance(instrument, Bond):
            raise NotModelled(
                f"a bond ({instrument.cusip}) in <{f.tag}>, where shares are expected: not modelled"
            )
        return instrument

    def holding_of(self, f: _Fields) -> Stock | Bond:
        """The shares, fund units or bond a transaction names (not an option)."""
        security = self.security(f)
        if security.kind == "OPTINFO":
            raise _Bad(f.where("UNIQUEID"), "UNIQUEID", security.uid, f"an option, in <{f.tag}>")
        instrument = self.instrument(security)
        assert isinstance(instrument, Stock | Bond)
        return instrument

    def option_of(self, f: _Fields) -> OptionContract:
        security = self.security(f)
        if security.kind != "OPTINFO":
            raise _Bad(f.where("UNIQUEID"), "UNIQUEID", security.uid, f"not an option, in <{f.tag}>")
        option = self.instrument(security)
        assert isinstance(option, OptionContract)
        per_contract = f.maybe_number("SHPERCTRCT")
        if per_contract is not None and per_contract != option.multiplier:
            raise _Bad(
                f.where("SHPERCTRCT"),
                "SHPERCTRCT",
                f.maybe_text("SHPERCTRCT"),
                f"disagrees with <OPTINFO> ({option.multiplier} shares a contract)",
            )
        return option

    # -- statements ---------------------------------------------------------------------------------------

    def read(self, root: ET.Element) -> None:
        self.read_securities(root)
        statements = list(root.iter("INVSTMTRS"))
        if not statements:
            self.problem(
                _Bad(_element_line(root), None, None, "no investment statement (<INVSTMTRS>) in this file")
            )
        for statement in statements:
            try:
                self.statement(statement)
            except _Bad as bad:
                self.problem(bad)

    def statement(self, statement: ET.Element) -> None:
        f = self.fields(statement, shallow=True)
        self.currency = f.text("CURDEF")
        if self.currency != "USD":
            raise _Bad(f.where("CURDEF"), "CURDEF", self.currency, "only USD statements are supported")
        account = statement.findtext("INVACCTFROM/ACCTID") or self.default_account
        self.result.book(account, None)  # the statement's own cash starts at 0, transactions or none
        entries: list[_Entry] = []
        stock_legs: list[StockLeg] = []
        tranlist = statement.find("INVTRANLIST")
        for element in tranlist if tranlist is not None else ():
            if element.tag in ("DTSTART", "DTEND"):
                continue
            try:
                try:
                    entries.append(self.transaction(element, account, len(entries), stock_legs))
                except NotModelled as exc:
                    entries.append([self.unresolved(element, account, exc)])
            except _Bad as bad:
                self.problem(bad)
            except _Skip:
                pass
        events = self.merge(entries, stock_legs)
        positions = statement.find("INVPOSLIST")
        balance = statement.find("INVBAL/AVAILCASH")
        if positions is not None or balance is not None:
            as_of = f.when("DTASOF")
            if positions is not None:
                events.extend(self.positions(positions, account, as_of))
            if balance is not None:
                events.append(self.cash(balance, account, as_of))
        self.result.events.extend(events)

    def merge(self, entries: list[_Entry], stock_legs: list[StockLeg]) -> list[Event]:
        """Each option CLOSUREOPT with its stock leg, if the broker wrote one, as one event."""
        used: set[int] = set()
        share_legs = [e for e in entries if isinstance(e, _ShareLeg)]
        done: dict[int, list[Event]] = {}
        for entry in entries:
            if not isinstance(entry, _Closure):
                continue
            fees, note, leg_found = ZERO, entry.note, entry.action == "EXPIRE"
            if entry.action != "EXPIRE":
                option = entry.option
                buy = option.is_put if entry.action == "ASSIGN" else not option.is_put
                shares = entry.quantity * option.multiplier
                share_leg = self._share_leg(share_legs, used, entry, buy, shares)
                if share_leg is not None:
                    note = _join(note, f"shares: FITID {share_leg.fitid}")
                    # A CLOSUREOPT states no amount: the shares settle at the strike.
                    settled = shares * option.strike
                    self.result.book(entry.account, -settled if buy else settled)
                    leg_found = True
                else:
                    stock_leg = match_stock_leg(
                        stock_legs,
                        used,
                        account=entry.account,
                        underlying=option.underlying,
                        day=entry.when.date(),
                        buy=buy,
                        shares=shares,
                        strike=option.strike,
                        days_after=STOCK_LEG_DAYS,
                    )
                    if stock_leg is not None:
                        fees = stock_leg.fees
                        leg = entries[stock_leg.index]
                        assert isinstance(leg, list)
                        note = _join(note, f"shares: FITID {leg[0].broker_id}")
                        leg_found = True
            if leg_found:
                done[entry.index] = [self.closure_event(entry, fees, note)]
            else:
                word = "an assignment" if entry.action == "ASSIGN" else "an exercise"
                reason = (
                    f"{word} whose stock row is not in this file: not modelled; record the shares in a "
                    "journal CSV with `resolves`"
                )
                done[entry.index] = [self.unresolved(entry.element, entry.account, NotModelled(reason))]
        events: list[Event] = []
        for index, entry in enumerate(entries):
            if index in used:
                continue
            if isinstance(entry, _ShareLeg):
                reason = (
                    f"shares of {entry.symbol} ({entry.action}) with no option CLOSUREOPT they belong to on "
                    f"{entry.day} (or up to {STOCK_LEG_DAYS} days before): not modelled; record the "
                    "assignment in a journal CSV with `resolves`"
                )
                events.append(self.unresolved(entry.element, entry.account, NotModelled(reason, amount=ZERO)))
            elif isinstance(entry, _Closure):
                events.extend(done[index])
            else:
                events.extend(entry)
        return events

    @staticmethod
    def _share_leg(
        legs: list[_ShareLeg], used: set[int], closure: _Closure, buy: bool, shares: Decimal
    ) -> _ShareLeg | None:
        day = closure.when.date()
        for leg in legs:
            if (
                leg.index not in used
                and leg.account == closure.account
                and leg.symbol == closure.option.underlying
                and leg.action == closure.action
                and (leg.shares > 0) == buy
                and abs(leg.shares) == shares
                and day <= leg.day <= day + timedelta(days=STOCK_LEG_DAYS)
            ):
                used.add(leg.index)
                return leg
        return None

    def closure_event(self, closure: _Closure, fees: Decimal, note: str) -> Event:
        cls = {"ASSIGN": OptionAssigned, "EXERCISE": OptionExercised, "EXPIRE": OptionExpired}[closure.action]
        when = closure.when
        if closure.action == "EXPIRE":
            # CONTRACT: an expiry closes on the expiration date even when the broker posts it later.
            when = datetime.combine(closure.option.expiry, END_OF_DAY)
        return cls(
            option=closure.option,
            quantity=closure.quantity,
            fees=fees,
            account=closure.account,
            time=when,
            key=self.keymaker.key(closure.account, closure.fitid, ""),
            source=self.info.source(closure.line),
            broker_id=closure.fitid,
            note=note,
        )

    # -- transactions -------------------------------------------------------------------------------------

    def transaction(
        self, element: ET.Element, account: str, index: int, stock_legs: list[StockLeg]
    ) -> _Entry:
        tag = element.tag
        if tag in _NO_EVENT:
            return []
        f = self.fields(element)
        self.result.book(account, self.row_cash(f))
        if tag in _NOT_MODELLED:
            self.fitid(f, account)
            raise NotModelled(_NOT_MODELLED[tag])
        if tag not in _KNOWN_TRANSACTIONS:
            return self.unknown(f, account)
        if tag == "TRANSFER":
            return self.transfer(f, account, index)
        if tag in _TRADES:
            return self.trade(f, account, index, stock_legs)
        if tag == "CLOSUREOPT":
            return self.closure(f, account, index)
        if tag == "INCOME":
            return self.income(f, account)
        if tag == "REINVEST":
            return self.reinvest(f, account)
        if tag == "INVBANKTRAN":
            return self.bank(f, account)
        if tag == "MARGININTEREST":
            fitid = self.fitid(f, account)
            amount = -abs(f.number("TOTAL"))
            note = f.maybe_text("MEMO") or "margin interest"
            when = f.when("DTTRADE")
            envelope = self.envelope(f, account, fitid, when, note)
            return [CashMoved(kind=CashKind.INTEREST, amount=amount, description=note, **envelope)]
        if tag == "INVEXPENSE":
            return self.expense(f, account)
        return self.split(f, account)

    def row_cash(self, f: _Fields) -> Decimal | None:
        """The cash the broker states for a transaction, for the file's self-check: TOTAL of a trade
        (signed by its direction: OFX brokers differ on the sign), of INCOME, of an expense or margin
        interest (money out), TRNAMT of a bank row; a reinvestment moves none; None where the aggregate
        states no amount. A malformed amount is None here: the row's own reading reports it."""
        tag = f.tag
        try:
            if tag == "INVBANKTRAN":
                return f.maybe_number("TRNAMT")
            total = f.maybe_number("TOTAL")
        except _Bad:
            return None
        if total is None or tag == "REINVEST":
            return None
        if tag in _TRADES:
            return -abs(total) if _TRADES[tag][0] else abs(total)
        if tag in ("MARGININTEREST", "INVEXPENSE"):
            return -abs(total)
        return total

    def unresolved(self, element: ET.Element, account: str, exc: NotModelled) -> Event:
        """A transaction read but not modelled, kept with its raw aggregate and the broker's cash."""
        f = self.fields(element)
        fitid = f.maybe_text("FITID")
        when = f.when("DTTRADE" if "DTTRADE" in f.nodes else "DTPOSTED")
        amount = exc.amount if exc.amount is not None else self.row_cash(f)
        symbols = exc.symbols or self.named_underlyings(f)
        return unresolved(
            NotModelled(exc.reason, amount=amount, symbols=symbols),
            account=account,
            time=when,
            key=self.keymaker.key(account, fitid, "unresolved\x1f" + _raw(element)),
            source=self.info.source(f.line),
            raw=_raw(element),
            broker_id=fitid,
        )

    def named_underlyings(self, f: _Fields) -> tuple[str, ...]:
        """The underlying a transaction names, when its security is one tj can name."""
        if "UNIQUEID" not in f.nodes:
            return ()
        try:
            return (self.instrument(self.security(f)).underlying,)
        except (NotModelled, _Bad, _Skip):
            return ()

    def unknown(self, f: _Fields, account: str) -> _Entry:
        """An aggregate tj does not know: naming a security it is kept unresolved; moving cash only, it is
        cash of the kind its words say (OTHER, with a warning, when they say none)."""
        fitid = self.fitid(f, account)
        if "SECID" in f.nodes or "UNITS" in f.nodes:
            raise NotModelled(f"a transaction tj does not know (<{f.tag}>): not modelled")
        amount = self.row_cash(f)
        if amount is None:
            raise NotModelled(
                f"a transaction tj does not know (<{f.tag}>) that states no amount: not modelled"
            )
        when = f.when("DTTRADE" if "DTTRADE" in f.nodes else "DTPOSTED")
        words = _join(f.maybe_text("NAME"), f.maybe_text("MEMO")) or f.tag
        kind = self.cash_kind_of(f, f.tag, words, amount)
        return [
            CashMoved(
                kind=kind, amount=amount, description=words, **self.envelope(f, account, fitid, when, words)
            )
        ]

    def cash_kind_of(self, f: _Fields, column: str, words: str, amount: Decimal) -> CashKind:
        """The kind of a cash row from its words (`common.cash_kind`); OTHER with a warning when tj does
        not know them."""
        kind, known = cash_kind(words, amount)
        if not known:
            self.result.warnings.append(
                ImportProblem(
                    self.info.name,
                    f.line,
                    column,
                    words,
                    UNKNOWN_CASH,
                )
            )
        return kind

    def expense(self, f: _Fields, account: str) -> _Entry:
        """INVEXPENSE: money out on a security. Its words say tax withheld (E*TRADE's foreign tax) -> TAX;
        else a fee (an ADR fee)."""
        fitid = self.fitid(f, account)
        instrument = self.instrument(self.security(f))
        amount = -abs(f.number("TOTAL"))
        when = f.when("DTTRADE")
        memo = f.maybe_text("MEMO") or ""
        kind, _ = cash_kind(memo, amount)
        kind = kind if kind is CashKind.TAX else CashKind.FEE
        envelope = self.envelope(f, account, fitid, when, memo)
        return [
            CashMoved(kind=kind, amount=amount, symbol=instrument.underlying, description=memo, **envelope)
        ]

    def transfer(self, f: _Fields, account: str, index: int) -> _Entry:
        """TRANSFER: shares or contracts moved in (TFERACTION IN) or out (OUT) without a sale; a SHORT
        position moves the other way. AVGCOSTBASIS (per unit) x UNITS is the lot's basis when the file
        gives it (UNITPRICE is the market price at the transfer: no basis); DTPURCHASE its acquisition.
        Fidelity writes an option's expiry as a TRANSFER IN with MEMO `EXPIRED ...`: an expiry."""
        fitid = self.fitid(f, account)
        when = f.when("DTTRADE")
        instrument = self.instrument(self.security(f))
        units = _plain(abs(f.number("UNITS")))
        if units == 0:
            raise _Bad(f.where("UNITS"), "UNITS", f.text("UNITS"), "a transfer of zero units")
        memo = f.maybe_text("MEMO") or ""
        if isinstance(instrument, OptionContract) and memo.upper().startswith("EXPIRED"):
            return _Closure(index, f.line, fitid, account, when, instrument, "EXPIRE", units, memo, f.element)
        direction = f.choice("TFERACTION", ("IN", "OUT"))
        side = f.maybe_text("POSTYPE") or "LONG"
        if side not in ("LONG", "SHORT"):
            raise _Bad(f.where("POSTYPE"), "POSTYPE", side, "unknown POSTYPE (known: LONG, SHORT)")
        quantity = units if (direction == "IN") == (side == "LONG") else -units
        average = f.maybe_number("AVGCOSTBASIS")
        basis = average * units if average else None
        acquired = f.when("DTPURCHASE").date() if f.maybe_text("DTPURCHASE") else None
        envelope = self.envelope(f, account, fitid, when, f.maybe_text("MEMO") or "")
        return [
            SecurityTransferred(
                instrument=instrument, quantity=quantity, basis=basis, acquired=acquired, **envelope
            )
        ]

    def trade(self, f: _Fields, account: str, index: int, stock_legs: list[StockLeg]) -> _Entry:
        buy, kind_tag = _TRADES[f.tag]
        fitid = self.fitid(f, account)
        when = f.when("DTTRADE")
        units = f.number("UNITS")
        if units == 0:
            raise _Bad(f.where("UNITS"), "UNITS", f.text("UNITS"), "a trade of zero units")
        price = f.number("UNITPRICE")
        if price < 0:
            raise _Bad(f.where("UNITPRICE"), "UNITPRICE", f.text("UNITPRICE"), "must not be negative")
        fees = f.fee("COMMISSION") + f.fee("FEES") + f.fee("TAXES") + f.fee("LOAD")
        for tag in _NOT_SUPPORTED_AMOUNTS:
            if f.maybe_number(tag):
                raise NotModelled(f"a trade with {tag} {f.maybe_text(tag)}: not modelled yet")
        total = f.number("TOTAL")
        quantity = _plain(abs(units))
        instrument: Stock | OptionContract | Bond
        if kind_tag is None and isinstance(held := self.holding_of(f), Bond):
            return self.bond_trade(f, account, fitid, when, held, buy, quantity, price, fees, total)
        if kind_tag is not None and kind_tag in _OPTION_TRADES:
            instrument = self.option_of(f)
            action = _OPTION_TRADES[kind_tag][f.choice(kind_tag, _OPTION_TRADES[kind_tag])]
            price, fees = self.settle(f, quantity, price, fees, total, instrument.multiplier, buy)
        else:
            instrument = self.stock_of(f)
            if kind_tag is not None and f.maybe_text(kind_tag) is not None:
                f.choice(kind_tag, _TRADE_KINDS[kind_tag])
            action = TradeAction.BUY if buy else TradeAction.SELL
            price, fees = self.settle(f, quantity, price, fees, total, Decimal(1), buy)
        event = TradeExecuted(
            action=action,
            instrument=instrument,
            quantity=quantity,
            price=price,
            fees=fees,
            **self.envelope(f, account, fitid, when, f.maybe_text("MEMO") or ""),
        )
        if isinstance(instrument, Stock):  # perhaps the stock side of an assignment: see `merge`
            stock_legs.append(
                StockLeg(index, account, instrument.symbol, when.date(), buy, quantity, price, fees)
            )
        return [event]

    def bond_trade(
        self,
        f: _Fields,
        account: str,
        fitid: str,
        when: datetime,
        bond: Bond,
        buy: bool,
        units: Decimal,
        price: Decimal,
        fees: Decimal,
        total: Decimal,
    ) -> _Entry:
        """BUYDEBT / SELLDEBT, or BUYOTHER / SELLOTHER of a DEBTINFO security (Fidelity's `REDEMPTION
        PAYOUT`): a TradeExecuted of the bond, quantity = face (UNITS; UNITS × PARVALUE when TOTAL says UNITS
        counts bonds), UNITPRICE per 100 of face (replaced by the booked price it rounds). ACCRDINT is an
        INTEREST row on the bond's CUSIP, paid on a buy and received on a sale: the OFX specification keeps
        it out of TOTAL, so its cash moves besides TOTAL (booked for the self-check); where TOTAL holds it
        (within a cent), the trade's cash is TOTAL without it."""
        accrued = abs(f.maybe_number("ACCRDINT") or ZERO)
        interest = -accrued if buy else accrued

        def expected(face: Decimal, gross_price: Decimal) -> Decimal:
            gross = face * gross_price / 100
            return gross + fees if buy else gross - fees

        cash = abs(total)
        if accrued and abs(cash - (expected(units, price) + accrued)) <= CENT:
            cash -= accrued  # TOTAL holds the accrued interest (paid or received): the trade's cash is apart
        elif accrued:
            self.result.book(account, interest)  # paid or received besides TOTAL (OFX 2.1.1, ACCRDINT)
        face = units
        parvalue = f.maybe_number("PARVALUE") or self._par(bond)
        if (
            parvalue
            and parvalue != 1
            and abs(cash - expected(units, price)) > CENT
            and abs(cash - expected(units * parvalue, price)) <= CENT
        ):
            face = _plain(units * parvalue)  # UNITS counts bonds of PARVALUE face each
        price = exact_bond_price(price, face, cash - fees if buy else cash + fees)
        amount = -cash if buy else cash
        booked, warning = booked_fees(buys=buy, gross=face * price / 100, fees=fees, amount=amount)
        if warning:
            self.result.warnings.append(
                ImportProblem(self.info.name, f.where("TOTAL"), "TOTAL", f.text("TOTAL"), warning)
            )
        memo = f.maybe_text("MEMO") or ""
        events: list[Event] = [
            TradeExecuted(
                action=TradeAction.BUY if buy else TradeAction.SELL,
                instrument=bond,
                quantity=face,
                price=price,
                fees=booked,
                **self.envelope(f, account, fitid, when, memo),
            )
        ]
        if interest:
            words = f"accrued interest {'paid' if buy else 'received'}"
            events.append(
                CashMoved(
                    kind=CashKind.INTEREST,
                    amount=interest,
                    symbol=bond.cusip,
                    description=words,
                    **self.envelope(f, account, fitid + ":accrued", when, f"{words} on {bond.cusip}"),
                )
            )
        return events

    def _par(self, bond: Bond) -> Decimal | None:
        """The PARVALUE SECLIST gives the bond."""
        for security in self.securities.values():
            if security.kind == "DEBTINFO" and bond.cusip in (security.key[1].upper(), security.ticker):
                raw = security.element.findtext("PARVALUE")
                try:
                    return _number(raw) if raw else None
                except ValueError:
                    return None
        return None

    def settle(
        self,
        f: _Fields,
        quantity: Decimal,
        price: Decimal,
        fees: Decimal,
        total: Decimal,
        multiplier: Decimal,
        buy: bool,
    ) -> tuple[Decimal, Decimal]:
        """The per-share price and the fees that make the trade's cash the broker's TOTAL. A UNITPRICE
        per contract (TOTAL matches without SHPERCTRCT) is divided by SHPERCTRCT; any other difference is
        carried by the fees (`base.booked_fees`), said from a cent up; beyond the tolerance NotModelled."""

        def expected(gross: Decimal) -> Decimal:
            return gross + fees if buy else gross - fees

        if (
            multiplier != 1
            and abs(abs(total) - abs(expected(quantity * price * multiplier))) > CENT
            and abs(abs(total) - abs(expected(quantity * price))) <= CENT
        ):
            price = price / multiplier  # the broker wrote the price of a contract
        amount = -abs(total) if buy else abs(total)
        booked, warning = booked_fees(buys=buy, gross=quantity * price * multiplier, fees=fees, amount=amount)
        if warning:
            self.result.warnings.append(
                ImportProblem(self.info.name, f.where("TOTAL"), "TOTAL", f.text("TOTAL"), warning)
            )
        return price, booked

    def closure(self, f: _Fields, account: str, index: int) -> _Entry:
        fitid = self.fitid(f, account)
        when = f.when("DTTRADE")
        action = f.choice("OPTACTION", _OPTION_ACTIONS)
        units = f.number("UNITS")
        if units == 0:
            raise _Bad(f.where("UNITS"), "UNITS", f.text("UNITS"), "zero units")
        security = self.security(f)
        if security.kind != "OPTINFO":
            stock = self.stock_of(f)
            if action == "EXPIRE":
                raise _Bad(
                    f.where("OPTACTION"), "OPTACTION", action, "an expiry of shares: only options expire"
                )
            return _ShareLeg(
                index, f.line, fitid, account, when.date(), stock.symbol, action, _plain(units), f.element
            )
        option = self.option_of(f)
        if action == "EXPIRE":
            day, expiry = when.date(), option.expiry
            friday_before_saturday = expiry.weekday() == 5 and day == expiry - timedelta(days=1)
            if day < expiry and not friday_before_saturday:
                raise _Bad(
                    f.where("DTTRADE"),
                    "DTTRADE",
                    f.text("DTTRADE"),
                    f"before the option's expiration {expiry}",
                )
        return _Closure(
            index,
            f.line,
            fitid,
            account,
            when,
            option,
            action,
            _plain(abs(units)),
            f.maybe_text("MEMO") or "",
            f.element,
        )

    def income(self, f: _Fields, account: str) -> _Entry:
        """INCOME: TOTAL as the kind INCOMETYPE says (an unknown type: the kind its words say). Tax
        withheld from it (WITHHOLDING) is not modelled: whether TOTAL is gross or net is not known."""
        fitid = self.fitid(f, account)
        when = f.when("DTTRADE")
        income_type = f.text("INCOMETYPE")
        total = f.number("TOTAL")
        memo = f.maybe_text("MEMO")
        if income_type in _INCOME:
            kind, label = _INCOME[income_type]
        else:
            label = income_type
            kind = self.cash_kind_of(f, "INCOMETYPE", _join(income_type, memo), total)
        if f.maybe_number("WITHHOLDING"):
            raise NotModelled(
                f"income with tax withheld (WITHHOLDING {f.maybe_text('WITHHOLDING')}): not modelled yet"
            )
        symbol = self.stock_of(f).symbol if kind is CashKind.DIVIDEND else None
        note = _join(label, memo)
        envelope = self.envelope(f, account, fitid, when, note)
        return [
            CashMoved(kind=kind, amount=total, symbol=symbol, description=memo or income_type, **envelope)
        ]

    def reinvest(self, f: _Fields, account: str) -> _Entry:
        fitid = self.fitid(f, account)
        when = f.when("DTTRADE")
        kind, label = _INCOME[f.choice("INCOMETYPE", _INCOME)]
        total = abs(f.number("TOTAL"))
        units = _plain(abs(f.number("UNITS")))
        price = f.number("UNITPRICE")
        fees = f.fee("COMMISSION") + f.fee("FEES") + f.fee("TAXES") + f.fee("LOAD")
        if units == 0 or price < 0:
            raise _Bad(
                f.where("UNITS"), "UNITS", f.text("UNITS"), "a reinvestment needs units bought at a price"
            )
        spent = units * price + fees
        if abs(spent - total) > CENT:
            raise _Bad(
                f.where("TOTAL"),
                "TOTAL",
                f.text("TOTAL"),
                f"does not match UNITS x UNITPRICE + fees = {spent:.2f}",
            )
        stock = self.stock_of(f)
        memo = f.maybe_text("MEMO")
        symbol = stock.symbol if kind is CashKind.DIVIDEND else None
        # The income is what the shares cost (within a cent of TOTAL: the broker rounds UNITPRICE), so
        # that the pair moves no cash, as in the account, and the books' cash matches AVAILCASH exactly.
        income = CashMoved(
            kind=kind,
            amount=spent,
            symbol=symbol,
            **self.envelope(f, account, fitid + ":income", when, _join(_join(label, "reinvested"), memo)),
        )
        bought = TradeExecuted(
            action=TradeAction.BUY,
            instrument=stock,
            quantity=units,
            price=price,
            fees=fees,
            **self.envelope(f, account, fitid + ":buy", when, _join("reinvestment", memo)),
        )
        return [income, bought]

    def bank(self, f: _Fields, account: str) -> _Entry:
        """INVBANKTRAN: TRNAMT as the kind TRNTYPE says; a TRNTYPE tj does not know: the kind its words
        say (OTHER with a warning when they say none)."""
        fitid = self.fitid(f, account)
        trntype = f.text("TRNTYPE")
        when = f.when("DTPOSTED")
        amount = f.number("TRNAMT")
        note = _join(f.maybe_text("NAME"), f.maybe_text("MEMO"))
        if trntype in _BANK_KINDS:
            kind = _BANK_KINDS[trntype]
        elif trntype in _BANK_TRANSFERS:
            kind = CashKind.DEPOSIT if amount >= 0 else CashKind.WITHDRAW
        else:
            kind = self.cash_kind_of(f, "TRNTYPE", _join(trntype, note), amount)
        envelope = self.envelope(f, account, fitid, when, note)
        return [CashMoved(kind=kind, amount=amount, description=note or trntype, **envelope)]

    def split(self, f: _Fields, account: str) -> _Entry:
        fitid = self.fitid(f, account)
        when = f.when("DTTRADE")
        security = self.security(f)
        if security.kind == "OPTINFO":
            raise _Bad(f.line, "SPLIT", security.uid, "a split of an option: not supported yet")
        stock = self.stock_of(f)
        new, old = f.number("NUMERATOR"), f.number("DENOMINATOR")
        if new <= 0 or old <= 0 or new == old:
            raise _Bad(
                f.where("NUMERATOR"),
                "NUMERATOR",
                f"{new}:{old}",
                "a split ratio is two different positive numbers",
            )
        old_units, new_units = f.maybe_number("OLDUNITS"), f.maybe_number("NEWUNITS")
        if old_units is not None and new_units is not None and abs(new_units - old_units * new / old) >= 1:
            raise _Bad(f.where("NEWUNITS"), "NEWUNITS", f.text("NEWUNITS"), f"is not OLDUNITS x {new}/{old}")
        if f.maybe_number("FRACCASH"):
            raise _Bad(
                f.where("FRACCASH"),
                "FRACCASH",
                f.maybe_text("FRACCASH"),
                "cash in lieu of a fractional share: not supported yet",
            )
        envelope = self.envelope(f, account, fitid, when, f.maybe_text("MEMO") or "")
        return [SplitApplied(symbol=stock.symbol, new=new, old=old, **envelope)]

    # -- positions and cash ---------------------------------------------------------------------------------

    def positions(self, poslist: ET.Element, account: str, as_of: datetime) -> list[Event]:
        events: list[Event] = []
        for element in poslist:
            try:
                if element.tag not in _POSITIONS:
                    raise _Bad(_element_line(element), "INVPOSLIST", element.tag, "unknown kind of position")
                f = self.fields(element)
                instrument: Stock | OptionContract | Bond = (
                    self.option_of(f) if element.tag == "POSOPT" else self.holding_of(f)
                )
                side = f.choice("POSTYPE", ("LONG", "SHORT"))
                units = f.number("UNITS")
                if side == "LONG" and units < 0:
                    raise _Bad(f.where("UNITS"), "UNITS", f.text("UNITS"), "negative in a LONG position")
                quantity = _plain(-abs(units) if side == "SHORT" else units)
                held = f.maybe_text("HELDINACCT") or ""
                content = "\x1f".join(
                    ("position", instrument.name, str(quantity.normalize()), held, as_of.isoformat())
                )
                events.append(
                    PositionReported(
                        instrument=instrument,
                        quantity=quantity,
                        account=account,
                        time=as_of,
                        key=self.keymaker.key(account, None, content),
                        source=self.info.source(f.line),
                    )
                )
            except _Bad as bad:
                self.problem(bad)
            except (_Skip, NotModelled):
                pass  # a position in a security tj does not model (a bond, a fund with no ticker): none
        return events

    def cash(self, element: ET.Element, account: str, as_of: datetime) -> Event:
        raw = element.text or ""
        try:
            amount = _number(raw)
        except ValueError:
            raise _Bad(_element_line(element), "AVAILCASH", raw, "not a number") from None
        content = f"cash\x1f{amount.normalize()}\x1f{as_of.isoformat()}"
        return CashReported(
            amount=amount,
            account=account,
            time=as_of,
            key=self.keymaker.key(account, None, content),
            source=self.info.source(_element_line(element)),
        )


def _raw(element: ET.Element) -> str:
    """An aggregate written back as OFX 2 markup (without our line numbers), for an unresolved row."""
    children = "".join(_raw(child) for child in element)
    text = (element.text or "").strip()
    return f"<{element.tag}>{text}{children}</{element.tag}>"


def _join(first: str | None, second: str | None) -> str:
    return "; ".join(part for part in (first, second) if part)


def parse(path: Path, account: str | None = None) -> ParseResult:
    info = FileInfo.read(path)
    result = ParseResult()
    try:
        root = _read_tree(info)
    except _Bad as bad:
        result.errors.append(ImportProblem(info.name, bad.line, bad.column, bad.value, bad.message))
        return result
    _Reader(info, account, result).read(root)
    return result
