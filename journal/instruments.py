"""What is traded: stocks and option contracts, and the parsing of broker option symbols.

OCC/OSI symbols (`AAPL  240119P00150000`) and the compact form (`AAPL240119P150`, `BRKB240119C412.5`)
both name one contract; the OCC form, root padded to six, is the canonical name used everywhere in output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from journal.money import OutOfBounds

STANDARD_MULTIPLIER = Decimal(100)
# The highest strike an option may have: the journal stores a contract by its OCC name, whose eight digits
# of thousandths stop at 99,999.999 (a higher strike would read back as another contract). No listed option
# comes near: index strikes run to five digits (NDX 25,000). Importers check options built from separate
# columns against it too.
MAX_STRIKE = Decimal("99999.999")

# Weekly / PM-settled index roots trade under another root than their index (DOMAIN.md: SPXW -> SPX).
INDEX_ROOT_UNDERLYING = {"SPXW": "SPX", "NDXP": "NDX", "RUTW": "RUT", "VIXW": "VIX", "XSPW": "XSP"}

_STOCK = re.compile(r"^[A-Z][A-Z0-9]{0,7}(?:[./-][A-Z0-9]{1,4})?$")
# Root (letters, maybe an adjustment digit), yymmdd, right, strike: OCC has an 8-digit strike in
# thousandths; the compact form writes the strike as a plain decimal.
_OPTION = re.compile(
    r"^(?P<root>[A-Z][A-Z0-9.]{0,5}?)\s*(?P<ymd>[0-9]{6})(?P<right>[CP])(?P<strike>[0-9]+(?:\.[0-9]+)?)$"
)


@dataclass(frozen=True, slots=True)
class Stock:
    symbol: str

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
    # The OCC symbol: root padded to six, yymmdd, right, strike in thousandths over eight digits.
    name: str = field(init=False, repr=False, compare=False)
    # The index a weekly/PM root settles on (SPXW -> SPX), else the root: computed once, read on every fold.
    underlying: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        thousandths = int(self.strike * 1000)
        expiry = self.expiry  # yymmdd as `%y%m%d` writes it, without strftime's cost
        yymmdd = f"{expiry.year % 100:02d}{expiry.month:02d}{expiry.day:02d}"
        object.__setattr__(self, "name", f"{self.root:<6}{yymmdd}{self.right}{thousandths:08d}")
        object.__setattr__(self, "underlying", INDEX_ROOT_UNDERLYING.get(self.root, self.root))

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


Instrument = Stock | OptionContract


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


def _is_cusip(text: str) -> bool:
    """Whether a nine-character text is a CUSIP (a foreign issuer's starts with a letter: `G123456C7` has
    the shape of a compact option, its check digit says it is none)."""
    return (
        len(text) == 9
        and text.isalnum()
        and text[8].isdigit()
        and _cusip_check_digit(text[:8]) == int(text[8])
    )


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
        expiry = date(2000 + int(ymd[:2]), int(ymd[2:4]), int(ymd[4:]))
    except ValueError:
        if _is_cusip(symbol):
            return None
        raise InvalidOption("not an option symbol") from None  # its yymmdd is no date
    strike = Decimal(strike_text)  # digits and a point: the pattern admits nothing else
    if len(strike_text) == 8 and "." not in strike_text:
        strike = strike / 1000  # OCC: strike in thousandths of a dollar
    if strike <= 0 or strike > MAX_STRIKE or strike * 1000 != int(strike * 1000):
        if _is_cusip(symbol):
            return None
        if strike <= 0:
            raise InvalidOption("not an option symbol: its strike is zero")
        if strike > MAX_STRIKE:
            raise InvalidOption(f"not an option symbol: a strike is at most {MAX_STRIKE:,}")
        raise InvalidOption("not an option symbol: a strike has at most three decimal places")
    return OptionContract(m["root"].rstrip("."), expiry, m["right"], strike.normalize() + 0, multiplier)


@lru_cache(maxsize=65536)
def parse_stock(text: str) -> Stock | None:
    symbol = text.strip().upper()
    return Stock(symbol) if _STOCK.match(symbol) else None


def parse_instrument(text: str, multiplier: Decimal = STANDARD_MULTIPLIER) -> Instrument | None:
    """A stock or an option from a symbol, or None when it names neither."""
    return parse_option(text, multiplier) or parse_stock(text)


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
