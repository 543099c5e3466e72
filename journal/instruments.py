"""What is traded: stocks (and funds, warrants), option contracts (standard and adjusted), Treasuries and
bonds, futures and futures options; and the parsing of broker option symbols.

OCC/OSI symbols (`AAPL  240119P00150000`) and the compact form (`AAPL240119P150`, `BRKB240119C412.5`)
both name one contract; the OCC form, root padded to six, is the canonical name used everywhere in output.
An adjusted option (OCC non-standard deliverable, `GREE1`) keeps its OCC name and carries its deliverable.

Every instrument is stored as its name when that says all (a stock, a standard option), else as a small JSON
object (`to_json`/`from_json`): the one encoding the events and the read models share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from journal.money import OutOfBounds

STANDARD_MULTIPLIER = Decimal(100)
# The highest strike an option may have: the journal stores a contract by its OCC name, whose eight digits
# of thousandths stop at 99,999.999 (a higher strike would read back as another contract). No listed option
# comes near: index strikes run to five digits (NDX 25,000). Importers check options built from separate
# columns against it too.
MAX_STRIKE = Decimal("99999.999")

# Weekly / PM-settled index roots trade under another root than their index (DOMAIN.md: SPXW -> SPX).
INDEX_ROOT_UNDERLYING = {"SPXW": "SPX", "NDXP": "NDX", "RUTW": "RUT", "VIXW": "VIX", "XSPW": "XSP"}

# An adjusted option's root is the underlying's plus one digit (OCC: `GREE1`, `USO1`, `TSLL1`).
_ADJUSTED_ROOT = re.compile(r"^([A-Z]{1,5})[1-9]$")
ASSET_KINDS = ("stock", "fund", "warrant", "bill", "note", "bond", "future", "future-option")

_STOCK = re.compile(r"^[A-Z][A-Z0-9]{0,7}(?:[./-][A-Z0-9]{1,4})?$")
# Root (letters, maybe an adjustment digit), yymmdd, right, strike: OCC has an 8-digit strike in
# thousandths; the compact form writes the strike as a plain decimal.
_OPTION = re.compile(
    r"^(?P<root>[A-Z][A-Z0-9.]{0,5}?)\s*(?P<ymd>[0-9]{6})(?P<right>[CP])(?P<strike>[0-9]+(?:\.[0-9]+)?)$"
)


@dataclass(frozen=True, slots=True)
class Stock:
    """Shares of a stock or an ETF; `kind` says when it is a mutual fund (a money-market sweep too) or a
    warrant, which are taxed alike (capital assets, Pub 550) and shown by their kind."""

    symbol: str
    kind: str = "stock"  # stock, fund or warrant

    @property
    def underlying(self) -> str:
        return self.symbol

    @property
    def name(self) -> str:
        return self.symbol

    @property
    def multiplier(self) -> Decimal:
        return Decimal(1)

    @property
    def is_option(self) -> bool:
        return False

    def describe(self) -> str:
        return self.symbol


@dataclass(frozen=True, slots=True)
class OptionContract:
    root: str
    expiry: date
    right: str  # "P" or "C"
    strike: Decimal
    multiplier: Decimal = STANDARD_MULTIPLIER
    # An adjusted option's deliverable per contract (OCC non-standard deliverable): shares of one or more
    # securities, `(symbol, shares)`, plus `cash`. Empty for a standard option: `multiplier` shares of the
    # underlying. The strike still buys `strike × multiplier` a contract, as the OCC memo says.
    deliverable: tuple[tuple[str, Decimal], ...] = ()
    cash: Decimal = Decimal(0)
    # The OCC symbol: root padded to six, yymmdd, right, strike in thousandths over eight digits.
    name: str = field(init=False, repr=False, compare=False)
    # The index a weekly/PM root settles on (SPXW -> SPX), an adjusted option's first delivered security
    # (GREE1 -> GREE), else the root: computed once, read on every fold.
    underlying: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        thousandths = int(self.strike * 1000)
        expiry = self.expiry  # yymmdd as `%y%m%d` writes it, without strftime's cost
        yymmdd = f"{expiry.year % 100:02d}{expiry.month:02d}{expiry.day:02d}"
        object.__setattr__(self, "name", f"{self.root:<6}{yymmdd}{self.right}{thousandths:08d}")
        if self.deliverable:
            underlying = self.deliverable[0][0]
        elif self.root in INDEX_ROOT_UNDERLYING:
            underlying = INDEX_ROOT_UNDERLYING[self.root]
        else:
            adjusted = _ADJUSTED_ROOT.match(self.root)
            underlying = adjusted[1] if adjusted else self.root
        object.__setattr__(self, "underlying", underlying)

    @property
    def is_adjusted(self) -> bool:
        """Whether the contract delivers something other than `multiplier` shares of its root."""
        return (
            bool(self.deliverable)
            or self.cash != 0
            or self.underlying != INDEX_ROOT_UNDERLYING.get(self.root, self.root)
        )

    def delivers(self, contracts: Decimal) -> tuple[list[tuple[str, Decimal]], Decimal]:
        """What `contracts` deliver on exercise or assignment: shares per security, and cash."""
        if not self.deliverable:
            return [(self.underlying, contracts * self.multiplier)], contracts * self.cash
        return [(symbol, contracts * shares) for symbol, shares in self.deliverable], contracts * self.cash

    @property
    def is_option(self) -> bool:
        return True

    @property
    def is_put(self) -> bool:
        return self.right == "P"

    def describe(self) -> str:
        """Words a trader uses: `AAPL 150 put 19 Jan 24`."""
        kind = "put" if self.is_put else "call"
        return f"{self.underlying} {format(self.strike.normalize(), 'f')} {kind} {self.expiry:%d %b %y}"


@dataclass(frozen=True, slots=True)
class Bond:
    """A Treasury bill, note or bond, or another bond, by its CUSIP: `quantity` is face value and a price is
    per 100 of face (so the multiplier is 0.01), as every broker writes them."""

    cusip: str
    kind: str = "bond"  # bill, note or bond
    maturity: date | None = None
    description: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        return self.cusip

    @property
    def underlying(self) -> str:
        return self.cusip

    @property
    def multiplier(self) -> Decimal:
        return Decimal("0.01")

    @property
    def is_option(self) -> bool:
        return False

    def describe(self) -> str:
        words = f"Treasury {self.kind}" if self.kind in ("bill", "note") else "bond"
        due = f" due {self.maturity:%d %b %y}" if self.maturity else ""
        return f"{words} {self.cusip}{due}"


@dataclass(frozen=True, slots=True)
class Future:
    """A futures contract (`/ESH9`: root ES, March 2019): a Section 1256 contract, marked at each year end."""

    symbol: str  # `/` + root + month code + year digit(s): `/ESH9`, `/MESZ5`
    expiry: date
    multiplier: Decimal

    @property
    def name(self) -> str:
        return self.symbol

    @property
    def root(self) -> str:
        return future_root(self.symbol)

    @property
    def underlying(self) -> str:
        return "/" + self.root

    @property
    def is_option(self) -> bool:
        return False

    def describe(self) -> str:
        return f"{self.symbol} future {self.expiry:%d %b %y}"


@dataclass(frozen=True, slots=True)
class FutureOption:
    """An option on a futures contract (`/MESZ5 251031P5400`): Section 1256, never part of a wheel."""

    future: str  # the futures contract it delivers: `/MESZ5`
    expiry: date
    right: str  # "P" or "C"
    strike: Decimal
    multiplier: Decimal

    @property
    def name(self) -> str:
        expiry = self.expiry
        strike = format(self.strike.normalize(), "f")
        return f"{self.future} {expiry.year % 100:02d}{expiry.month:02d}{expiry.day:02d}{self.right}{strike}"

    @property
    def root(self) -> str:
        return future_root(self.future)

    @property
    def underlying(self) -> str:
        return "/" + self.root

    @property
    def is_option(self) -> bool:
        return True

    @property
    def is_put(self) -> bool:
        return self.right == "P"

    def describe(self) -> str:
        kind = "put" if self.is_put else "call"
        return f"{self.future} {format(self.strike.normalize(), 'f')} {kind} {self.expiry:%d %b %y}"


Instrument = Stock | OptionContract | Bond | Future | FutureOption
AnyOption = OptionContract | FutureOption

_FUTURE = re.compile(r"^/?([A-Z0-9]{1,5}?)([FGHJKMNQUVXZ])([0-9]{1,2})$")
_FUTURE_OPTION = re.compile(r"^(/[A-Z0-9]{2,8}) ([0-9]{6})([CP])([0-9]+(?:\.[0-9]+)?)$")


def future_root(symbol: str) -> str:
    """The product of a futures symbol: `/MESZ5` -> `MES`, `ESH9` -> `ES` (month code and year dropped)."""
    m = _FUTURE.match(symbol.strip().upper())
    return m[1] if m else symbol.lstrip("/")


class InvalidOption(OutOfBounds):
    """Text written as an option symbol (root, yymmdd, P or C, strike) whose expiry or strike makes no
    sense: an error to report, not a stock or an unknown symbol to keep."""


def _cusip_check_digit(body: str) -> int:
    """The check digit of a CUSIP's first eight characters (letters count 10 for A, 11 for B, ...)."""
    total = 0
    for i, char in enumerate(body):
        value = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        if i % 2:
            value *= 2
        total += value // 10 + value % 10
    return (10 - total % 10) % 10


def is_cusip(text: str) -> bool:
    """Whether a nine-character text is a CUSIP (a foreign issuer's starts with a letter: `G123456C7` has
    the shape of a compact option, its check digit says it is none)."""
    return (
        len(text) == 9
        and text.isalnum()
        and text[8].isdigit()
        and _cusip_check_digit(text[:8]) == int(text[8])
    )


# What parse_option read before, by its text: an expiry's yymmdd and a strike's digits repeat across the
# contracts of a journal (a week's expiry, a round strike) far more than whole symbols do. Only readings that
# made a contract are kept; a text that makes none is read (and refused, in its words) every time.
_EXPIRIES: dict[str, date] = {}
_STRIKES: dict[str, Decimal] = {}
_PARTS_LIMIT = 100_000


def _expiry(ymd: str) -> date:
    """The date of an option symbol's yymmdd (ValueError when it is no date)."""
    expiry = _EXPIRIES.get(ymd)
    if expiry is None:
        expiry = date(2000 + int(ymd[:2]), int(ymd[2:4]), int(ymd[4:]))
        if len(_EXPIRIES) >= _PARTS_LIMIT:
            _EXPIRIES.clear()
        _EXPIRIES[ymd] = expiry
    return expiry


@lru_cache(maxsize=65536)
def parse_option(text: str, multiplier: Decimal = STANDARD_MULTIPLIER) -> OptionContract | None:
    """An option contract from an OCC or compact symbol, or None when the text is not one. Raises
    InvalidOption when the text is written as one but its expiry is no date (month 13) or its strike is
    zero, beyond MAX_STRIKE or finer than a tenth of a cent (OCC's thousandths)."""
    symbol = text.strip().upper()
    m = _OPTION.match(symbol)
    if not m:
        return None
    ymd, strike_text = m["ymd"], m["strike"]
    try:
        expiry = _expiry(ymd)
    except ValueError:
        if is_cusip(symbol):
            return None
        raise InvalidOption("not an option symbol") from None  # its yymmdd is no date
    known = _STRIKES.get(strike_text)
    if known is not None:
        return OptionContract(m["root"].rstrip("."), expiry, m["right"], known, multiplier)
    strike = Decimal(strike_text)  # digits and a point: the pattern admits nothing else
    if len(strike_text) == 8 and "." not in strike_text:
        strike = strike / 1000  # OCC: strike in thousandths of a dollar
    if strike <= 0 or strike > MAX_STRIKE or strike * 1000 != int(strike * 1000):
        if is_cusip(symbol):
            return None
        if strike <= 0:
            raise InvalidOption("not an option symbol: its strike is zero")
        if strike > MAX_STRIKE:
            raise InvalidOption(f"not an option symbol: a strike is at most {MAX_STRIKE:,}")
        raise InvalidOption("not an option symbol: a strike has at most three decimal places")
    strike = strike.normalize() + 0
    if len(_STRIKES) >= _PARTS_LIMIT:
        _STRIKES.clear()
    _STRIKES[strike_text] = strike
    return OptionContract(m["root"].rstrip("."), expiry, m["right"], strike, multiplier)


@lru_cache(maxsize=65536)
def parse_stock(text: str) -> Stock | None:
    symbol = text.strip().upper()
    return Stock(symbol) if _STOCK.match(symbol) else None


def parse_instrument(text: str, multiplier: Decimal = STANDARD_MULTIPLIER) -> Instrument | None:
    """A stock or an option from a symbol, or None when it names neither."""
    return parse_option(text, multiplier) or parse_stock(text)


def parse_future_option(text: str, multiplier: Decimal) -> FutureOption | None:
    """A futures option from its name (`/MESZ5 251031P5400`), or None."""
    m = _FUTURE_OPTION.match(text.strip().upper())
    if not m:
        return None
    ymd = m[2]
    try:
        expiry = date(2000 + int(ymd[:2]), int(ymd[2:4]), int(ymd[4:]))
    except ValueError:
        raise InvalidOption("not a futures option symbol: its yymmdd is no date") from None
    return FutureOption(m[1], expiry, m[3], Decimal(m[4]), multiplier)


def to_json(instrument: Instrument) -> str | dict[str, Any]:
    """How an instrument is stored: its name when that says all, else an object of what it is."""
    if type(instrument) is Stock:
        if instrument.kind == "stock":
            return instrument.symbol
        return {"symbol": instrument.symbol, "asset": instrument.kind}
    if type(instrument) is OptionContract:
        if instrument.multiplier == STANDARD_MULTIPLIER and not (instrument.deliverable or instrument.cash):
            return instrument.name
        out: dict[str, Any] = {"symbol": instrument.name, "multiplier": str(instrument.multiplier)}
        if instrument.deliverable:
            out["deliverable"] = [[symbol, str(shares)] for symbol, shares in instrument.deliverable]
        if instrument.cash:
            out["cash"] = str(instrument.cash)
        return out
    if isinstance(instrument, Bond):
        bond: dict[str, Any] = {"symbol": instrument.cusip, "asset": instrument.kind}
        if instrument.maturity is not None:
            bond["maturity"] = instrument.maturity.isoformat()
        if instrument.description:
            bond["description"] = instrument.description
        return bond
    if isinstance(instrument, Future):
        return {
            "symbol": instrument.symbol,
            "asset": "future",
            "expiry": instrument.expiry.isoformat(),
            "multiplier": str(instrument.multiplier),
        }
    assert isinstance(instrument, FutureOption)
    return {"symbol": instrument.name, "asset": "future-option", "multiplier": str(instrument.multiplier)}


def from_json(raw: str | dict[str, Any]) -> Instrument:
    """The inverse of `to_json`."""
    if isinstance(raw, str):
        return instrument_from_name(raw)
    symbol, asset = raw["symbol"], raw.get("asset")
    if asset is None:
        option = instrument_from_name(symbol, Decimal(raw["multiplier"]))
        if isinstance(option, OptionContract) and ("deliverable" in raw or "cash" in raw):
            deliverable = tuple((s, Decimal(q)) for s, q in raw.get("deliverable", ()))
            return OptionContract(
                option.root,
                option.expiry,
                option.right,
                option.strike,
                option.multiplier,
                deliverable,
                Decimal(raw.get("cash", "0")),
            )
        return option
    if asset in ("stock", "fund", "warrant"):
        return Stock(symbol, asset)
    if asset in ("bill", "note", "bond"):
        maturity = raw.get("maturity")
        return Bond(
            symbol, asset, date.fromisoformat(maturity) if maturity else None, raw.get("description", "")
        )
    if asset == "future":
        return Future(symbol, date.fromisoformat(raw["expiry"]), Decimal(raw["multiplier"]))
    if asset == "future-option":
        found = parse_future_option(symbol, Decimal(raw["multiplier"]))
        if found is not None:
            return found
    raise ValueError(f"not an instrument: {raw!r}")


def instrument_from_name(name: str, multiplier: Decimal | None = None) -> Instrument:
    """The inverse of `.name`, for instruments read back from the store (which holds no invalid option:
    should one be there all the same, it reads back as the stock-like name it was, as before)."""
    try:
        option = parse_option(name, multiplier if multiplier is not None else STANDARD_MULTIPLIER)
    except InvalidOption:
        option = None
    if option is not None:
        return option
    return Stock(name)
