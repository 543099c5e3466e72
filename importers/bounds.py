"""What an importer may store: the bounds of every number, date and text a broker or a user writes, why
each is what it is (docs/bounds.md), and the checks that apply them.

The cell readers apply them as they read (so an error names the file's own column), and `check_events`
is the net under every parse (`journal.api.parse_file`): it checks every field of every event a parse
gives and reports `file:line: field:` for anything out of bounds, whatever the format. An event that
passes cannot make a fold, a rounding or a database column fail later: `1e400` once did, for good.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from importers.base import ImportProblem, ParseResult, RowError
from journal.events import (
    CurrencyConverted,
    Event,
    OptionAdjusted,
    OptionAssigned,
    OptionCashSettled,
    OptionExercised,
    OptionExpired,
    SecurityTransferred,
    SplitApplied,
    StockMerged,
    TradeExecuted,
)
from journal.instruments import (
    MAX_STRIKE,
    STANDARD_MULTIPLIER,
    Bond,
    Future,
    FutureOption,
    Instrument,
    InvalidOption,
    OptionContract,
    Stock,
    future_root,
    parse_future_option,
    parse_option,
)
from journal.money import MAX_MAGNITUDE, MAX_PLACES, OutOfBounds, parse_decimal

# -- numbers --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """A kind of figure's largest magnitude and most decimal places as written (the sign is the importer's
    business: a quantity must be positive, a cash amount may be either)."""

    what: str  # in a message: "out of bounds: a quantity is at most 1,000,000,000"
    most: Decimal
    places: int

    def read(self, text: str) -> Decimal:
        """The number a cell holds, within this bound: ValueError (OutOfBounds when beyond the bound)."""
        return parse_decimal(text, most=self.most, places=self.places, what=self.what)

    def check(self, value: Decimal) -> Decimal:
        """A number already read (or computed) within this bound's magnitude, else OutOfBounds."""
        if not value.is_finite():
            raise OutOfBounds(f"not a finite number: {self.what} is at most {self.most:,}")
        if -self.most <= value <= self.most:
            return value
        raise OutOfBounds(f"out of bounds: {self.what} is at most {self.most:,}")

    def check_places(self, value: Decimal) -> Decimal:
        """`check`, and no more decimal places than the bound allows."""
        self.check(value)
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            raise OutOfBounds(f"more than {self.places} decimal places for {self.what}")
        return value


# Shares, contracts or face value of one row. A billion shares is more than the float of most companies
# and ten thousand times any retail fill; eight places is the finest fraction brokers sell (crypto-style
# fractional shares: six at Schwab and Robinhood, eight at some).
QUANTITY = Bound("a quantity", Decimal(1_000_000_000), 8)
# A price per share or an option premium per share. Ten million is above any listed share (BRK.A trades
# near 700,000); a negative price is no broker's: none of the fixtures writes one, so they are refused.
PRICE = Bound("a price", Decimal(10_000_000), MAX_PLACES)
# Cash: amounts, fees, commissions, proceeds, basis, balances. A trillion dollars is no account's.
AMOUNT = Bound("an amount", MAX_MAGNITUDE, MAX_PLACES)
# An option's strike (journal.instruments.MAX_STRIKE: what an OCC name can hold), in thousandths of a dollar.
STRIKE = Bound("a strike", MAX_STRIKE, 3)
# Shares per contract: 100 standard, 10 mini, 1,000 for some index and adjusted contracts; 100,000 leaves
# room for any adjustment (a 1:1000 reverse split's contract) without admitting nonsense.
MULTIPLIER = Bound("a multiplier", Decimal(100_000), MAX_PLACES)
# Each side of a split or exchange ratio (new:old): the largest real ones are 1:1000 reverse splits and
# mergers at 2.3234 for 1; a million either way is beyond them.
SPLIT_PART = Bound("a split ratio's part", Decimal(1_000_000), MAX_PLACES)
# Each side of a merger's, spin-off's or option adjustment's ratio (new:old): the same reasons as a split's.
RATIO_PART = Bound("a ratio's part", Decimal(1_000_000), MAX_PLACES)
# Percent of a parent's basis that goes to a spun-off company's shares (IRS Form 8937): a share of the whole.
ALLOCATION = Bound("an allocation", Decimal(100), MAX_PLACES)
# USD per unit of another currency. The dearest currency (KWD) is near 3.3 USD and the cheapest in use
# (IRR, VND) near 0.00002: a million either way, with ten places, holds every rate a broker writes.
FX_RATE = Bound("an exchange rate", Decimal(1_000_000), MAX_PLACES)
# The index value a cash-settled option settles against: a price (SPX near 6,000; NDX near 25,000).
SETTLEMENT = Bound("a settlement value", PRICE.most, MAX_PLACES)
# Cash per old share of a merger, per contract of an adjusted option's deliverable: no more than a price.
CASH_PER_UNIT = Bound("cash per share or contract", PRICE.most, MAX_PLACES)

# -- dates ----------------------------------------------------------------------------------------------

# Every event's date, an option's expiry, a lot's acquisition date. No statement predates 1900 (and the
# store's datetimes and `%y` need no earlier); 2199 is far past any listed expiry (OCC's yymmdd ends in
# 2099) while leaving room for a bond-like date.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
_FIRST_TIME = datetime.combine(FIRST_DAY, datetime.min.time())
_LAST_TIME = datetime.combine(LAST_DAY, datetime.max.time())
# How far a row's date may be from its option's expiry: LEAPS run at most three years out, and no trade,
# assignment or mark of an option comes years after it expired; ten years either way is nonsense.
EXPIRY_WINDOW = timedelta(days=3653)

# -- text -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextBound:
    """A text field's most characters (the database column's width where it has one)."""

    what: str
    most: int

    def check(self, text: str) -> str:
        if len(text) > self.most:
            raise OutOfBounds(f"too long: {len(text):,} characters, {self.what} has at most {self.most:,}")
        return text


# The `account`, `owner`, `underlying` and `natural_key` columns of `journal/schema.py`: PostgreSQL
# enforces their widths, so a longer value would be a database error after the whole parse.
ACCOUNT = TextBound("an account", 64)
SYMBOL = TextBound("a symbol", 32)
KEY = TextBound("a key", 80)
# A broker's transaction id, order id, a lot reference: OFX allows 255 characters for a FITID.
IDENTIFIER = TextBound("an id", 255)
# Free text kept with an event: a note, the broker's description.
NOTE = TextBound("a note or description", 1_000)
# Why a row is unresolved: tj's words around the broker's description.
REASON = TextBound("a reason", 2_000)
# An unresolved row as the file writes it: kept whole (IBKR Flex elements run to 1,500 characters).
RAW = TextBound("a kept row", 10_000)
# A journal-CSV `resolves` cell: a key that `resolve:` prefixes to make the Resolved event's own key.
RESOLVES = TextBound("a key", KEY.most - len("resolve:"))
# A currency: ISO 4217's three letters (USD, EUR, CHF); an event's "" is USD.
CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)


def why(exc: ValueError, default: str) -> str:
    """The message for a cell that failed to read: the bound it broke, else the reader's own `default`
    ("not a number"): importers keep their wording for unreadable text."""
    return str(exc) if isinstance(exc, OutOfBounds) else default


def day(value: date) -> date:
    """A date (or datetime) within FIRST_DAY..LAST_DAY, else OutOfBounds."""
    if isinstance(value, datetime):
        value = value.date()
    if FIRST_DAY <= value <= LAST_DAY:
        return value
    raise OutOfBounds(f"out of bounds: a date is between {FIRST_DAY} and {LAST_DAY}")


def when(value: datetime) -> datetime:
    """`day` for a datetime, returning it whole."""
    day(value)
    return value


def option_symbol(
    text: str, column: str | None, multiplier: Decimal = STANDARD_MULTIPLIER
) -> OptionContract | None:
    """`parse_option` in an importer: an option symbol whose expiry or strike makes no sense is an error
    naming the column, None when the text is no option symbol at all."""
    try:
        return parse_option(text, multiplier)
    except InvalidOption as exc:
        raise RowError(column, text, str(exc)) from None


def option_in_window(option: OptionContract | FutureOption | Future, on: date) -> None:
    """An option (or a futures contract) named by a row dated `on`: its expiry within EXPIRY_WINDOW of the
    row, else OutOfBounds."""
    if abs(option.expiry - on) > EXPIRY_WINDOW:
        what = "future" if isinstance(option, Future) else "option"
        raise OutOfBounds(
            f"out of bounds: the {what} expires {option.expiry}, more than 10 years from the row's date {on}"
        )


def currency(code: str) -> str:
    """A currency as ISO 4217 writes it (three capital letters), else OutOfBounds."""
    if not CURRENCY.fullmatch(code):
        raise OutOfBounds("not a currency: three letters (USD, EUR, CHF)")
    return code


# What the store's OCC name of a contract reads back as the same contract (journal.instruments.parse_option):
# a root of one letter and up to five letters, digits or points (not ending in one), a year of this century.
_OCC_ROOT = re.compile(r"[A-Z][A-Z0-9.]{0,5}", re.ASCII)


def option_fields(option: OptionContract) -> None:
    """An option built from separate fields (OFX, IBKR, a broker's own symbol form): strike, multiplier and
    expiry within bounds, and an OCC name the store reads back as this very contract."""
    strike, multiplier = option.strike, option.multiplier
    if strike <= 0:
        raise OutOfBounds("out of bounds: a strike is more than 0")
    STRIKE.check(strike)
    if strike * 1000 != int(strike * 1000):
        raise OutOfBounds("more than 3 decimal places for a strike (OCC's thousandths)")
    if multiplier <= 0:
        raise OutOfBounds("out of bounds: a multiplier is more than 0")
    MULTIPLIER.check(multiplier)
    day(option.expiry)
    root = option.root
    if not (_OCC_ROOT.fullmatch(root) and root[-1] != "." and 2000 <= option.expiry.year <= 2099):
        raise OutOfBounds(f"not an option the journal can store: its OCC name {option.name!r} says another")


def stock_fields(stock: Stock) -> None:
    """A stock's symbol within bounds and not one the store would read back as an option (`A240119P5`)."""
    _no_option(stock.symbol)
    if stock.kind not in ("stock", "fund", "warrant"):
        raise OutOfBounds(f"not a kind of share: {stock.kind!r} (stock, fund or warrant)")


def share_symbol(symbol: str) -> str:
    """A symbol of shares (a stock's, a merger's or spin-off's new one, a deliverable's): within bounds,
    not empty, and not one the store would read back as an option."""
    if not symbol:
        raise OutOfBounds("empty: a symbol")
    _no_option(symbol)
    return symbol


def _no_option(symbol: str) -> None:
    SYMBOL.check(symbol)
    try:
        as_option = parse_option(symbol)
    except InvalidOption:
        as_option = None
    if as_option is not None:
        raise OutOfBounds(f"not a stock the journal can store: {symbol!r} reads as an option symbol")


def deliverable_fields(option: OptionContract) -> None:
    """An adjusted option's deliverable: each security a share symbol once, its shares per contract like a
    quantity (more than 0), and the cash per contract not negative, within CASH_PER_UNIT."""
    seen: set[str] = set()
    for symbol, shares in option.deliverable:
        share_symbol(symbol)
        if symbol in seen:
            raise OutOfBounds(f"{symbol} twice in a deliverable")
        seen.add(symbol)
        QUANTITY.check_places(shares)
        if shares <= 0:
            raise OutOfBounds("a deliverable's shares must be positive")
    CASH_PER_UNIT.check(option.cash)
    if option.cash < 0:
        raise OutOfBounds("an option's cash deliverable must not be negative")


def bond_fields(bond: Bond) -> None:
    """A bond's CUSIP within bounds (and no option's name), its kind one of bill, note or bond, its maturity a
    date within bounds, its description a note's length."""
    share_symbol(bond.cusip)
    if bond.kind not in ("bill", "note", "bond"):
        raise OutOfBounds(f"not a kind of bond: {bond.kind!r} (bill, note or bond)")
    if bond.maturity is not None:
        day(bond.maturity)
    NOTE.check(bond.description)


def future_fields(future: Future | FutureOption) -> None:
    """A futures contract or futures option: its symbol a future's (`/ESH9`), expiry and multiplier within
    bounds; an option's strike more than 0 and within a price's bound (futures strikes are prices: /BTC runs
    past OCC's 99,999.999), and its name read back as this very option."""
    symbol = future.symbol if isinstance(future, Future) else future.future
    SYMBOL.check(symbol)
    if not symbol.startswith("/") or future_root(symbol) == symbol.lstrip("/"):
        raise OutOfBounds(f"not a futures symbol: {symbol!r} (a slash, the root, month code and year: /ESH9)")
    day(future.expiry)
    if future.multiplier <= 0:
        raise OutOfBounds("out of bounds: a multiplier is more than 0")
    MULTIPLIER.check(future.multiplier)
    if isinstance(future, FutureOption):
        if future.strike <= 0:
            raise OutOfBounds("out of bounds: a strike is more than 0")
        PRICE.check_places(future.strike)
        try:
            again = parse_future_option(future.name, future.multiplier)
        except InvalidOption:
            again = None
        if again != future or not 2000 <= future.expiry.year <= 2099:
            raise OutOfBounds(f"not a futures option the journal can store: {future.name!r}")


def instrument_fields(instrument: Instrument) -> None:
    """Any instrument's fields within their bounds (OutOfBounds)."""
    if isinstance(instrument, OptionContract):
        option_fields(instrument)
        if instrument.deliverable or instrument.cash:
            deliverable_fields(instrument)
    elif isinstance(instrument, Stock):
        stock_fields(instrument)
    elif isinstance(instrument, Bond):
        bond_fields(instrument)
    else:
        future_fields(instrument)


# -- the net under every parse ----------------------------------------------------------------------------

_NUMBERS: dict[str, Bound] = {
    "quantity": QUANTITY,
    "price": PRICE,
    "fees": AMOUNT,
    "amount": AMOUNT,
    "basis": AMOUNT,
    "new": SPLIT_PART,
    "old": SPLIT_PART,
}
_TEXTS: dict[str, TextBound] = {
    "account": ACCOUNT,
    "owner": ACCOUNT,
    "key": KEY,
    "resolved_key": KEY,
    "voided_key": KEY,
    "symbol": SYMBOL,
    "broker_id": IDENTIFIER,
    "order_id": IDENTIFIER,
    "lot_ref": IDENTIFIER,
    "lot_method": IDENTIFIER,
    "basis_reporting": IDENTIFIER,
    "note": NOTE,
    "description": NOTE,
    "reason": REASON,
    "raw": RAW,
}
# Quantities that must be positive: a trade, an option's end; a transfer's is signed but not zero. A
# reported position may be zero (a broker lists a position it just closed).
_POSITIVE_QUANTITY = (
    TradeExecuted,
    OptionExpired,
    OptionAssigned,
    OptionExercised,
    OptionCashSettled,
    OptionAdjusted,
)
_NONZERO_QUANTITY = (SecurityTransferred,)
# The figures of corporate actions, adjusted options and currencies: each field's bound, and whether it must
# be more than 0 (else not negative). A merger's `new` may be 0 (all cash); `new`/`old` of a split keep
# SPLIT_PART (above).
_FIGURES: dict[str, tuple[Bound, bool]] = {
    "new": (RATIO_PART, True),
    "old": (RATIO_PART, True),
    "allocation": (ALLOCATION, False),
    "fx_rate": (FX_RATE, True),
    "settlement": (SETTLEMENT, False),
    "cash": (CASH_PER_UNIT, False),
    "in_lieu": (AMOUNT, False),
    "new_quantity": (QUANTITY, True),
}

_Check = Callable[[Any], object]  # raises OutOfBounds


class _Windows:
    """The instruments of one parse checked so far, and when a row naming each may be dated: found by id
    first (the events hold them for the whole check; a parse repeats one object), then by value."""

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[datetime, datetime]] = {}
        self.by_value: dict[Instrument, tuple[datetime, datetime]] = {}

    def check(self, instrument: Instrument) -> tuple[datetime, datetime]:
        """The instrument's window, its fields checked (OutOfBounds) unless an equal one was."""
        window = self.by_value.get(instrument)
        if window is None:
            window = _FIRST_TIME, _LAST_TIME
            instrument_fields(instrument)
            if isinstance(instrument, OptionContract | FutureOption | Future):
                expiry = datetime.combine(instrument.expiry, datetime.min.time())
                window = expiry - EXPIRY_WINDOW, expiry + EXPIRY_WINDOW + _LAST_MOMENT
            self.by_value[instrument] = window
        self.by_id[id(instrument)] = window
        return window

    def fine(self, instrument: Instrument) -> tuple[datetime, datetime] | None:
        try:
            return self.check(instrument)
        except (OutOfBounds, ArithmeticError):
            return None


_LAST_MOMENT = timedelta(days=1) - timedelta.resolution


class _Rules:
    """The bounds of one event class's fields, for one parse: a check per field that says what is wrong,
    and `fine`, all of them as one expression (compiled from the same rules) that most events pass
    without a call per field. Quantities and instruments repeat: each distinct one is checked once."""

    def __init__(self, cls: type[Event], windows: _Windows) -> None:
        self.quantities: set[Decimal] = set()  # checked and within bounds, for this class
        self.windows = windows
        self.checks: list[tuple[str, _Check]] = []
        self.customs: list[_Check] = []  # checks whose term of `fine` is a call of them
        terms: list[str] = []
        for f in dataclasses.fields(cls):
            term = self._rule(cls, f.name, str(f.type))
            if term:
                terms.append(term)
        namespace = {
            "FIRST": _FIRST_TIME,
            "LAST": _LAST_TIME,
            "FIRST_DAY": FIRST_DAY,
            "LAST_DAY": LAST_DAY,
            "WINDOW": EXPIRY_WINDOW,
            "OPTION": OptionContract,
            "QUANTITIES": self.quantities,
            "QUANTITY_FINE": self._quantity_fine,
            "WINDOWS": windows.by_id,
            "INSTRUMENT_FINE": windows.fine,
            "ZERO": Decimal(0),
            "CUSTOM": self.customs,
            "PASSES": _passes,
            **{f"MOST_{n}": b.most for n, b in _NUMBERS.items()},
            **{f"LEAST_{n}": -b.most for n, b in _NUMBERS.items()},
            "MOST_AMOUNT": AMOUNT.most,
            "LEAST_AMOUNT": -AMOUNT.most,
        }
        self.fine: Callable[[Event], bool] = eval(f"lambda e: {' and '.join(terms) or 'True'}", namespace)

    def _rule(self, cls: type, name: str, kind: str) -> str:
        """Add the field's check and give its term of `fine` ("" for a field without bounds)."""
        value = f"e.{name}"
        optional = "None" in kind
        if name == "source" or kind in ("bool", "TradeAction", "CashKind"):
            return ""
        if name in ("instrument", "option"):
            self.checks.append((name, self._instrument))
            window = f"(w := WINDOWS.get(id({value})) or INSTRUMENT_FINE({value}))"
            return f"{window} is not None and w[0] <= e.time <= w[1]"
        if name == "adjusted":  # an option adjustment's new contract: as an option named by the row
            return self._custom(name, self._adjusted)
        if name == "new_symbol":
            return self._custom(name, lambda event: share_symbol(event.new_symbol), optional=True)
        if name in ("currency", "paid_currency"):
            # "" is USD on a trade or cash row; a conversion names both of its currencies.
            blank = cls is not CurrencyConverted

            def of_currency(event: Any, name: str = name) -> None:
                code = getattr(event, name)
                if code or not blank:
                    currency(code)

            return self._custom(name, of_currency)
        if name == "time":
            self.checks.append((name, lambda event: day(event.time)))
            return f"FIRST <= {value} <= LAST"
        if name == "symbols":
            self.checks.append((name, lambda event: [SYMBOL.check(s) for s in event.symbols]))
            return f"all(len(s) <= {SYMBOL.most} for s in {value})"
        if "Decimal" in kind:
            check, term = self._number(cls, name)
        elif "date" in kind:

            def check(event: Any, name: str = name) -> None:
                day(getattr(event, name))

            term = f"FIRST_DAY <= {value} <= LAST_DAY"
        elif "str" in kind:
            bound = _TEXTS.get(name, NOTE)

            def check(event: Any, name: str = name, bound: TextBound = bound) -> None:
                bound.check(getattr(event, name))

            term = f"len({value}) <= {bound.most}"
        else:
            raise TypeError(
                f"{cls.__name__}.{name}: a field of type {kind} has no bound (importers/bounds.py)"
            )
        self.checks.append((name, (lambda event: None if getattr(event, name) is None else check(event))))
        return f"({value} is None or {term})" if optional else term

    def _custom(self, name: str, check: _Check, optional: bool = False) -> str:
        """Add a check of a field (skipped when the field is None, if optional): its term calls it."""
        if optional:
            inner = check

            def check(event: Any) -> None:
                if getattr(event, name) is not None:
                    inner(event)

        self.checks.append((name, check))
        self.customs.append(check)
        return f"PASSES(CUSTOM[{len(self.customs) - 1}], e)"

    def _adjusted(self, event: Any) -> None:
        option_in_window(event.adjusted, event.time.date())
        self.windows.check(event.adjusted)

    def _number(self, cls: type, name: str) -> tuple[_Check, str]:
        value = f"e.{name}"
        bound = _NUMBERS.get(name, AMOUNT)
        most = f"MOST_{name}" if name in _NUMBERS else "MOST_AMOUNT"
        least = most.replace("MOST", "LEAST")
        if name == "quantity":
            self.positive = issubclass(cls, _POSITIVE_QUANTITY)
            self.nonzero = issubclass(cls, _NONZERO_QUANTITY)
            return self._quantity, f"({value} in QUANTITIES or QUANTITY_FINE({value}))"
        if name in _FIGURES and not (name in ("new", "old") and cls is SplitApplied):
            figure, positive = _FIGURES[name]
            positive = positive and not (name == "new" and cls is StockMerged)  # 0: an all-cash merger

            def figure_check(event: Any, name: str = name) -> None:
                number = getattr(event, name)
                if figure is QUANTITY:
                    figure.check_places(number)
                else:
                    figure.check(number)
                if number < 0 or positive and number == 0:
                    raise OutOfBounds("must be positive" if positive else "must not be negative")

            self.customs.append(figure_check)
            return figure_check, f"PASSES(CUSTOM[{len(self.customs) - 1}], e)"
        if name in ("price", "new", "old"):
            positive = name != "price"

            def signed(event: Any, name: str = name) -> None:
                number = bound.check(getattr(event, name))
                if number < 0 or positive and number == 0:
                    raise OutOfBounds("must be positive" if positive else "must not be negative")

            return signed, f"ZERO {'<' if positive else '<='} {value} <= {most}"

        def number(event: Any, name: str = name) -> None:
            bound.check(getattr(event, name))

        return number, f"{least} <= {value} <= {most}"

    def _quantity(self, event: Any) -> None:
        self._quantity_value(event.quantity)

    def _quantity_value(self, quantity: Decimal) -> None:
        QUANTITY.check_places(quantity)
        if self.positive and quantity <= 0:
            raise OutOfBounds("must be positive")
        if self.nonzero and quantity == 0:
            raise OutOfBounds("must not be zero")
        self.quantities.add(quantity)

    def _quantity_fine(self, quantity: Decimal) -> bool:
        try:
            self._quantity_value(quantity)
        except (OutOfBounds, ArithmeticError):
            return False
        return True

    def _instrument(self, event: Any) -> None:
        instrument = getattr(event, "instrument", None) or event.option
        if isinstance(instrument, OptionContract | FutureOption | Future):
            option_in_window(instrument, event.time.date())
        self.windows.check(instrument)

    def problems(self, file: str, event: Event) -> Iterator[ImportProblem]:
        for name, check in self.checks:
            try:
                check(event)
            except OutOfBounds as exc:
                source = event.source
                line = source.line if source else 0
                yield ImportProblem(
                    source.file if source else file, line, name, shown(getattr(event, name)), str(exc)
                )


def _passes(check: _Check, event: Event) -> bool:
    """Whether a field's check finds nothing out of bounds."""
    try:
        check(event)
    except (OutOfBounds, ArithmeticError):
        return False
    return True


def shown(value: object) -> str:
    """A value in an error: its text, cut short when long (a 10,001-character row is not printed)."""
    if isinstance(value, OptionContract | Stock | Bond | Future | FutureOption):
        text = value.name
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, tuple):
        text = " ".join(str(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_events(file: str, events: Iterable[Event]) -> list[ImportProblem]:
    """Every field of every event within its bound, else one problem per field out of bounds, at the
    event's source line (`file:line: field: message (got value)`)."""
    rules: dict[type[Event], _Rules] = {}
    windows = _Windows()
    problems: list[ImportProblem] = []
    for event in events:
        cls = type(event)
        of_class = rules.get(cls) or rules.setdefault(cls, _Rules(cls, windows))
        try:
            if of_class.fine(event):
                continue
        except ArithmeticError:  # a NaN compared: the checks say which field
            pass
        problems.extend(of_class.problems(file, event))
    return problems


def checked(file: str, result: ParseResult) -> ParseResult:
    """The parse with every out-of-bounds field of its events added to its errors (so nothing is written)."""
    result.errors.extend(check_events(file, result.events))
    return result


__all__: Sequence[str] = (
    "ACCOUNT",
    "ALLOCATION",
    "AMOUNT",
    "CASH_PER_UNIT",
    "CURRENCY",
    "EXPIRY_WINDOW",
    "FIRST_DAY",
    "FX_RATE",
    "IDENTIFIER",
    "KEY",
    "LAST_DAY",
    "MAX_MAGNITUDE",
    "MAX_PLACES",
    "MAX_STRIKE",
    "MULTIPLIER",
    "NOTE",
    "PRICE",
    "QUANTITY",
    "RATIO_PART",
    "RAW",
    "REASON",
    "RESOLVES",
    "SETTLEMENT",
    "SPLIT_PART",
    "STRIKE",
    "SYMBOL",
    "Bound",
    "InvalidOption",
    "OutOfBounds",
    "TextBound",
    "bond_fields",
    "check_events",
    "checked",
    "currency",
    "day",
    "deliverable_fields",
    "future_fields",
    "instrument_fields",
    "option_fields",
    "option_in_window",
    "option_symbol",
    "share_symbol",
    "shown",
    "stock_fields",
    "why",
)
