"""Journal-CSV files a user could write, within the documented bounds (docs/bounds.md) and adversarial in
every other way, and every read command of `tj` run over what they import to: the property that no
journal the importers accept can break a command (issue 14). Shared by the test and `bench/property_run.py`.

The generator tells stories rather than rows: wheels (a put sold, assigned, calls sold, called away),
rolls in one order, splits in the middle of them; and breaks them on purpose (closing more than is open,
assigning what was never sold, expiring early, resolving the wrong key), with extreme magnitudes, tiny
decimals, same-day rows, far dates and text that a table, CSV, Markdown, HTML or a template must escape.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from importers.recorded import CONTRACT_COLUMNS
from journal.events import SourceRef, Unresolved, broker_key

# -- the bounds (docs/bounds.md, importers/bounds.py) ---------------------------------------------------

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
# An option symbol writes its expiry as yymmdd of this century; a row is at most ~10 years from it.
FIRST_EXPIRY, LAST_EXPIRY = date(2000, 1, 1), date(2099, 12, 31)
OPTION_WINDOW = timedelta(days=3650)
MAX_QUANTITY, QUANTITY_PLACES = Decimal(1_000_000_000), 8
MAX_PRICE = Decimal(10_000_000)
MAX_AMOUNT = Decimal(1_000_000_000_000)
MAX_STRIKE = Decimal("99999.999")  # what an OCC name's eight digits of thousandths hold
MAX_MULTIPLIER = Decimal(100_000)
MAX_SPLIT_PART = Decimal(1_000_000)
PLACES = 10
ACCOUNT_CHARS, NOTE_CHARS = 64, 1000

COLUMNS = CONTRACT_COLUMNS  # every column the journal CSV reads (the contract's and tj's own)

# Accounts and notes that quoting, alignment, Markdown, HTML and templates must all carry through.
ACCOUNTS = (
    "IRA",
    "taxable",
    'Joint, "quoted"',
    "konto-ü ✓",
    "a|b <b>x</b> {{ x }}",
    "A" * ACCOUNT_CHARS,
    "-1",
    "0.5",
)
NOTES = (
    "",
    "roll down and out",
    "multi\nline, with \"quotes\" and 'apostrophes'",
    "<script>alert(1)</script> & {{ 7*7 }} {% if %} | pipe |",
    "=cmd|' /C calc'!A0",
    "ünïcødé — 漢字 🚀",
    "x" * NOTE_CHARS,
)
# Tickers (stock symbols) and the option roots written for them: SPXW trades SPX (a Section 1256 index).
STOCKS = ("AAPL", "KO", "BRK.B", "SPX", "X", "ABCDEF", "GOOGL")
ROOTS = {"SPX": ("SPX", "SPXW"), "BRK.B": ("BRK.B",)}


def _text(value: Decimal, style: int) -> str:
    """A decimal as a user may write it: plain, with exponent, or with trailing zeros."""
    if style == 1:
        return str(value)  # 1E+9, 1E-8 when Decimal writes them so
    if style == 2 and value == value.to_integral_value() and abs(value) < 10**6:
        return f"{value.quantize(Decimal(1)):f}.000"
    return f"{value:f}"


def numbers(most: Decimal, places: int, *, least: Decimal = Decimal(0), typical: Sequence[str] = ()) -> Any:
    """Decimal text from `least` to `most` with at most `places` places: typical values, extremes, and
    anything between."""
    quantum = Decimal(1).scaleb(-places)
    extremes = [most, least if least > 0 else quantum, quantum, most - quantum, Decimal(1) + quantum]
    values = st.one_of(
        st.sampled_from([Decimal(t) for t in typical] or [Decimal(1)]),
        st.sampled_from([e for e in extremes if least <= e <= most and e > 0 or e == least]),
        st.decimals(min_value=least, max_value=most, places=places, allow_nan=False, allow_infinity=False),
        st.integers(min_value=int(max(least, 1)), max_value=min(int(most), 10**4)).map(Decimal),
    )
    return st.tuples(values, st.integers(0, 2)).map(lambda v: _text(*v))


QUANTITIES = numbers(
    MAX_QUANTITY, QUANTITY_PLACES, least=Decimal("1e-8"), typical=("1", "2", "5", "100", "0.5")
)
CONTRACTS = st.one_of(st.sampled_from(["1", "1", "2", "3", "10"]), QUANTITIES)
PRICES = numbers(MAX_PRICE, PLACES, typical=("0", "0.01", "1.25", "2.00", "150", "412.5", "0.05"))
FEES = st.one_of(st.just(""), numbers(MAX_AMOUNT, PLACES, typical=("0", "0.65", "1.3", "0.0001")))
AMOUNTS = st.tuples(numbers(MAX_AMOUNT, PLACES, typical=("0", "12.34", "1000", "0.01")), st.booleans()).map(
    lambda a: a[0] if a[1] or a[0].startswith("0") and set(a[0]) <= {"0", "."} else "-" + a[0]
)
STRIKES = st.one_of(
    st.sampled_from([Decimal(s) for s in ("150", "50", "412.5", "1", "0.001", "7.5", str(MAX_STRIKE))]),
    st.decimals(min_value=Decimal("0.001"), max_value=MAX_STRIKE, places=3),
)
MULTIPLIERS = st.one_of(
    st.just(""),
    st.sampled_from(["100", "10", "1000", "1", "0.0000000001", str(MAX_MULTIPLIER), "73.5"]),
)


@dataclass
class Option:
    """An option contract written in the file: its text, underlying and expiry."""

    symbol: str
    underlying: str
    expiry: date
    right: str
    strike: Decimal
    multiplier: str = ""
    root: str = ""


@dataclass
class Story:
    """What the rows so far wrote: the contracts, lots and transfers later rows may name."""

    start: date
    accounts: list[str]
    stocks: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    lot_ids: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # natural keys of rows with an id (for `resolves`)
    next_id: int = 0
    unresolved: list[Unresolved] = field(default_factory=list)  # a broker's rows tj keeps unmodelled


def _option_symbol(root: str, expiry: date, right: str, strike: Decimal, occ: bool) -> str:
    ymd = expiry.strftime("%y%m%d")
    if occ and strike * 1000 < 10**8:
        return f"{root:<6}{ymd}{right}{int(strike * 1000):08d}"
    return f"{root}{ymd}{right}{strike.normalize():f}"


def _clamp(day: date, low: date, high: date) -> date:
    return min(max(day, low), high)


@st.composite
def _day(draw: Any, story: Story, option: bool = False) -> date:
    """A row's day: near the story's start mostly (so rows meet), same-day often, far sometimes."""
    kind = draw(st.integers(0, 19))
    if kind == 0 and not option:
        return draw(st.sampled_from([FIRST_DAY, LAST_DAY, date(1969, 12, 31), date(2038, 1, 19)]))
    day = story.start + timedelta(days=draw(st.integers(0, 3 if kind < 5 else 800)))
    return _clamp(day, FIRST_EXPIRY - OPTION_WINDOW, LAST_EXPIRY + OPTION_WINDOW) if option else day


def _when(draw: Any, day: date) -> str:
    style = draw(st.integers(0, 9))
    if style == 0:
        return f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    if style == 1:
        return f"{day.isoformat()}T23:59:59"
    return day.isoformat()


def _row(draw: Any, story: Story, day: date, action: str, **cells: str) -> dict[str, str]:
    row = {"date": _when(draw, _clamp(day, FIRST_DAY, LAST_DAY)), "action": action, **cells}
    if "account" in cells:
        pass
    elif draw(st.integers(0, 2)) == 0:
        row["account"] = draw(st.sampled_from(story.accounts))
    elif len(story.accounts) > 1 or story.accounts[0] != "default":
        row["account"] = story.accounts[0]
    if draw(st.integers(0, 4)) == 0:
        row["note"] = draw(st.sampled_from(NOTES))
    if draw(st.integers(0, 2)) == 0:
        story.next_id += 1
        row["id"] = f"T{story.next_id}"
        story.keys.append(broker_key(row.get("account") or "default", row["id"]))
    if action in ("STO", "BTC", "BTO", "STC", "BUY", "SELL", "EXPIRE", "ASSIGN", "EXERCISE"):
        row.setdefault("fees", draw(FEES))
    story.rows.append(row)
    return row


def _new_option(
    draw: Any, story: Story, day: date, right: str | None = None, underlying: str | None = None
) -> Option:
    underlying = underlying or draw(st.sampled_from(story.stocks))
    root = draw(st.sampled_from(ROOTS.get(underlying, (underlying[:6],))))
    offset = draw(st.one_of(st.integers(0, 60), st.integers(-40, 400), st.sampled_from([-3650, 3650, 0])))
    expiry = _clamp(day + timedelta(days=offset), FIRST_EXPIRY, LAST_EXPIRY)
    expiry = _clamp(expiry, day - OPTION_WINDOW, day + OPTION_WINDOW)
    right = right or draw(st.sampled_from("PC"))
    strike = draw(STRIKES)
    symbol = _option_symbol(root, expiry, right, strike, draw(st.booleans()))
    option = Option(symbol, underlying, expiry, right, strike, draw(MULTIPLIERS), root)
    story.options.append(option)
    return option


def _option(draw: Any, story: Story, day: date) -> Option:
    """A contract written before (mostly: so closes, ends and rolls find something), else a new one."""
    usable = [o for o in story.options if abs(o.expiry - day) <= OPTION_WINDOW]
    if usable and draw(st.integers(0, 4)):
        return draw(st.sampled_from(usable))
    return _new_option(draw, story, day)


def _with_multiplier(option: Option, cells: dict[str, str]) -> dict[str, str]:
    if option.multiplier:
        cells["multiplier"] = option.multiplier
    return cells


@st.composite
def _stock_trade(draw: Any, story: Story) -> None:
    day = draw(_day(story))
    action = draw(st.sampled_from(["BUY", "BUY", "SELL"]))
    cells = {
        "symbol": draw(st.sampled_from(story.stocks)),
        "quantity": draw(QUANTITIES),
        "price": draw(PRICES),
    }
    if action == "SELL" and draw(st.integers(0, 3)) == 0:
        if story.lot_ids and draw(st.booleans()):
            cells["lot"] = draw(st.sampled_from(story.lot_ids))
        else:
            cells["lot_method"] = draw(st.sampled_from(["fifo", "LIFO", "hifo"]))
    row = _row(draw, story, day, action, **cells)
    if action == "BUY" and "id" in row:
        story.lot_ids.append(row["id"])


@st.composite
def _option_trade(draw: Any, story: Story) -> None:
    day = draw(_day(story, option=True))
    option = _option(draw, story, day)
    action = draw(st.sampled_from(["STO", "STO", "BTC", "BTO", "STC"]))
    cells = {"symbol": option.symbol, "quantity": draw(CONTRACTS), "price": draw(PRICES)}
    _row(draw, story, day, action, **_with_multiplier(option, cells))


@st.composite
def _option_end(draw: Any, story: Story) -> None:
    action = draw(st.sampled_from(["EXPIRE", "ASSIGN", "ASSIGN", "EXERCISE"]))
    day = draw(_day(story, option=True))
    option = _option(draw, story, day)
    if action == "EXPIRE":
        day = option.expiry + timedelta(days=draw(st.integers(0, 3)))  # the importer refuses an earlier one
    elif draw(st.booleans()):
        day = option.expiry
    cells = {"symbol": option.symbol, "quantity": draw(CONTRACTS)}
    _row(draw, story, day, action, **_with_multiplier(option, cells))


@st.composite
def _wheel(draw: Any, story: Story) -> None:
    """A put sold and assigned, calls sold against the shares, called away, expired or bought back."""
    day = draw(_day(story, option=True))
    put = _new_option(draw, story, day, right="P")
    contracts = draw(CONTRACTS)
    cells = {"symbol": put.symbol, "quantity": contracts, "price": draw(PRICES)}
    _row(draw, story, day, "STO", **_with_multiplier(put, cells))
    _row(
        draw,
        story,
        put.expiry,
        "ASSIGN",
        **_with_multiplier(put, {"symbol": put.symbol, "quantity": contracts}),
    )
    for _ in range(draw(st.integers(0, 3))):
        call_day = put.expiry + timedelta(days=draw(st.integers(0, 10)))
        call = _new_option(draw, story, call_day, right="C", underlying=put.underlying)
        if draw(st.booleans()):  # the stock's price that day: whether the call is qualified, in the money
            _row(draw, story, call_day, "MARK", symbol=put.underlying, price=draw(PRICES))
        cells = {"symbol": call.symbol, "quantity": contracts, "price": draw(PRICES)}
        _row(draw, story, call_day, "STO", **_with_multiplier(call, cells))
        end = draw(st.sampled_from(["EXPIRE", "ASSIGN", "BTC"]))
        end_cells = {"symbol": call.symbol, "quantity": contracts}
        if end == "BTC":
            end_cells["price"] = draw(PRICES)
        _row(draw, story, max(call.expiry, call_day), end, **_with_multiplier(call, end_cells))


@st.composite
def _roll(draw: Any, story: Story) -> None:
    """A written (or bought) option rolled once or more: each roll a buy to close and a sell to open of the
    same underlying and right, in one order or on one day (a few of them odd: another size, or a random
    contract closed), then ended."""
    day = draw(_day(story, option=True))
    written = draw(st.integers(0, 3)) > 0
    option = _new_option(draw, story, day)
    quantity = draw(CONTRACTS)
    opening, closing = ("STO", "BTC") if written else ("BTO", "STC")
    cells = {"symbol": option.symbol, "quantity": quantity, "price": draw(PRICES)}
    _row(draw, story, day, opening, **_with_multiplier(option, cells))
    for _ in range(draw(st.integers(1, 3))):
        day = _clamp(
            day + timedelta(days=draw(st.integers(0, 40))), FIRST_EXPIRY - OPTION_WINDOW, option.expiry
        )
        old = option if draw(st.integers(0, 5)) else _option(draw, story, day)
        option = _new_option(draw, story, day, right=old.right, underlying=old.underlying)
        order = {"order_id": f"R{len(story.rows)}"} if draw(st.booleans()) else {}
        size = quantity if draw(st.integers(0, 5)) else draw(CONTRACTS)
        for action, contract, n in ((closing, old, quantity), (opening, option, size)):
            cells = {"symbol": contract.symbol, "quantity": n, "price": draw(PRICES), **order}
            _row(draw, story, day, action, **_with_multiplier(contract, cells))
        quantity = size
    end = draw(st.sampled_from(["EXPIRE", "ASSIGN" if written else "EXERCISE", closing, None]))
    if end is not None:
        cells = {"symbol": option.symbol, "quantity": quantity}
        if end == closing:
            cells["price"] = draw(PRICES)
        _row(draw, story, max(option.expiry, day), end, **_with_multiplier(option, cells))


@st.composite
def _spread(draw: Any, story: Story) -> None:
    """Legs of one order, one expiry and one size: a vertical, a strangle or straddle, an iron condor
    (strikes in order, or not)."""
    day = draw(_day(story, option=True))
    first = _new_option(draw, story, day)
    kind = draw(st.sampled_from(["vertical", "strangle", "condor"]))
    rights = {"vertical": [first.right] * 2, "strangle": ["P", "C"], "condor": ["P", "P", "C", "C"]}[kind]
    strikes = sorted(draw(st.lists(STRIKES, min_size=len(rights), max_size=len(rights))))
    written = draw(st.booleans())
    actions = {
        "vertical": ["STO", "BTO"] if draw(st.booleans()) else ["BTO", "STO"],
        "strangle": ["STO", "STO"] if written else ["BTO", "BTO"],
        "condor": ["BTO", "STO", "STO", "BTO"],
    }[kind]
    quantity = draw(CONTRACTS)
    order = f"S{len(story.rows)}"
    for right, strike, action in zip(rights, strikes, actions, strict=True):
        symbol = _option_symbol(first.root, first.expiry, right, strike, draw(st.booleans()))
        option = Option(symbol, first.underlying, first.expiry, right, strike, first.multiplier, first.root)
        story.options.append(option)
        cells = {"symbol": symbol, "quantity": quantity, "price": draw(PRICES), "order_id": order}
        _row(draw, story, day, action, **_with_multiplier(option, cells))


@st.composite
def _wash(draw: Any, story: Story) -> None:
    """Shares bought, sold at a loss, bought again within 30 days (in the same account or another one of
    the same owner, when the settings say so)."""
    day = draw(_day(story))
    symbol = draw(st.sampled_from(story.stocks))
    price = Decimal(draw(PRICES))
    quantity = draw(QUANTITIES)
    account = draw(st.sampled_from(story.accounts))
    _row(draw, story, day, "BUY", symbol=symbol, quantity=quantity, price=str(price), account=account)
    sold = day + timedelta(days=draw(st.integers(0, 400)))
    lower = price * Decimal(draw(st.sampled_from(["0", "0.5", "0.99", "1"])))
    lower = lower.quantize(Decimal(1).scaleb(-PLACES))
    _row(draw, story, sold, "SELL", symbol=symbol, quantity=quantity, price=f"{lower:f}", account=account)
    again = sold + timedelta(days=draw(st.integers(-30, 31)))
    _row(
        draw,
        story,
        again,
        "BUY",
        symbol=symbol,
        quantity=draw(QUANTITIES),
        price=draw(PRICES),
        account=draw(st.sampled_from(story.accounts)),
    )


@st.composite
def _index_year_end(draw: Any, story: Story) -> None:
    """A Section 1256 index option (SPX, SPXW) open across a year end, marked in December (or not)."""
    year = min(max(story.start.year, FIRST_EXPIRY.year), LAST_EXPIRY.year - 1) + draw(st.integers(0, 1))
    year = min(year, LAST_EXPIRY.year - 1)
    day = date(year, 12, draw(st.integers(1, 31)))
    root = draw(st.sampled_from(["SPX", "SPXW"]))
    expiry = date(year + 1, draw(st.integers(1, 12)), draw(st.integers(1, 28)))
    right, strike = draw(st.sampled_from("PC")), draw(STRIKES)
    symbol = _option_symbol(root, expiry, right, strike, draw(st.booleans()))
    option = Option(symbol, "SPX", expiry, right, strike, root=root)
    story.options.append(option)
    action = draw(st.sampled_from(["STO", "BTO"]))
    _row(draw, story, day, action, symbol=option.symbol, quantity=draw(CONTRACTS), price=draw(PRICES))
    for _ in range(draw(st.integers(0, 2))):
        marked = date(year, 12, draw(st.integers(max(day.day - 5, 1), 31)))
        _row(draw, story, marked, "MARK", symbol=option.symbol, price=draw(PRICES))


@st.composite
def _cash(draw: Any, story: Story) -> None:
    day = draw(_day(story))
    action = draw(st.sampled_from(["DIVIDEND", "INTEREST", "FEE", "DEPOSIT", "WITHDRAW", "TAX", "OTHER"]))
    amount = draw(AMOUNTS)
    if action == "DEPOSIT":
        amount = amount.lstrip("-")
    elif action == "WITHDRAW" and not amount.startswith("-"):
        amount = "-" + amount if Decimal(amount) else amount
    cells = {"amount": amount}
    if action == "DIVIDEND" or draw(st.integers(0, 2)) == 0:
        usable = [o for o in story.options if abs(o.expiry - day) <= OPTION_WINDOW]
        if usable and action != "DIVIDEND" and draw(st.booleans()):
            cells["symbol"] = draw(st.sampled_from(usable)).symbol
        else:
            cells["symbol"] = draw(st.sampled_from(story.stocks))
    _row(draw, story, day, action, **cells)


@st.composite
def _split(draw: Any, story: Story) -> None:
    parts = st.one_of(
        st.sampled_from(["1", "2", "3", "4", "10", "1000", "1.5", str(MAX_SPLIT_PART)]),
        numbers(MAX_SPLIT_PART, PLACES, least=Decimal("1e-10")),
    )
    new, old = draw(parts), draw(parts)
    if Decimal(new) == Decimal(old):
        old = "1" if Decimal(new) != 1 else "2"
    _row(
        draw,
        story,
        draw(_day(story)),
        "SPLIT",
        symbol=draw(st.sampled_from(story.stocks)),
        quantity=f"{new}:{old}",
    )


@st.composite
def _mark(draw: Any, story: Story) -> None:
    if story.options and draw(st.booleans()):
        option = draw(st.sampled_from(story.options))
        day = _clamp(
            draw(_day(story, option=True)), option.expiry - OPTION_WINDOW, option.expiry + OPTION_WINDOW
        )
        if draw(st.booleans()):
            day = date(day.year, 12, 31)  # a year-end mark of a Section 1256 contract
            day = _clamp(day, option.expiry - OPTION_WINDOW, option.expiry + OPTION_WINDOW)
        _row(
            draw,
            story,
            day,
            "MARK",
            **_with_multiplier(option, {"symbol": option.symbol, "price": draw(PRICES)}),
        )
    else:
        _row(
            draw,
            story,
            draw(_day(story)),
            "MARK",
            symbol=draw(st.sampled_from(story.stocks)),
            price=draw(PRICES),
        )


@st.composite
def _transfer(draw: Any, story: Story) -> None:
    """Shares (or options) moved in, with or without a basis, or out; a later row may give a basis."""
    day = draw(_day(story, option=True))
    action = draw(st.sampled_from(["TRANSFER_IN", "TRANSFER_IN", "TRANSFER_OUT"]))
    if story.options and draw(st.integers(0, 3)) == 0:
        option = _option(draw, story, day)
        cells = _with_multiplier(option, {"symbol": option.symbol})
    else:
        cells = {"symbol": draw(st.sampled_from(story.stocks))}
    cells["quantity"] = draw(QUANTITIES)
    if action == "TRANSFER_IN":
        if draw(st.booleans()):
            cells["basis"] = draw(numbers(MAX_AMOUNT, PLACES, typical=("0", "1500", "0.01")))
        if draw(st.booleans()):
            acquired = draw(
                st.one_of(st.just(day), st.dates(FIRST_DAY, LAST_DAY), st.just(day + timedelta(days=1)))
            )
            cells["acquired"] = acquired.isoformat()
    _row(draw, story, day, action, **cells)


@st.composite
def _resolve(draw: Any, story: Story) -> None:
    """A row that says what another meant: a transfer's basis, or (wrongly) any row with an id."""
    if not story.keys:
        return
    target = draw(st.sampled_from(story.keys))
    day = draw(_day(story))
    cells = {
        "symbol": draw(st.sampled_from(story.stocks)),
        "quantity": draw(QUANTITIES),
        "basis": draw(numbers(MAX_AMOUNT, PLACES, typical=("100", "0"))),
        "resolves": target,
    }
    _row(draw, story, day, "TRANSFER_IN", **cells)


REASONS = ("a stock merger: not modelled yet", "<b>odd</b> | row {{ x }}", "r" * 2000)


@st.composite
def _unresolved(draw: Any, story: Story) -> None:
    """A row of a broker's file that tj kept unresolved (a merger, a spin-off): with its cash and the
    underlyings it names, recorded before the journal CSV so that its rows may resolve it."""
    day = draw(_day(story))
    n = len(story.unresolved) + 1
    symbols = draw(st.lists(st.sampled_from([*story.stocks, "GREE", "SPX"]), max_size=3, unique=True))
    event = Unresolved(
        account=draw(st.sampled_from(story.accounts)),
        time=datetime.combine(day, time(12, 0)),
        key=f"row:broker-unresolved-{n}",
        source=SourceRef("broker.csv", "b" * 64, n + 1),
        reason=draw(st.sampled_from(REASONS)),
        raw=draw(st.sampled_from(NOTES)) or "03/15/2024,Receive Deliver,Stock Merger",
        amount=Decimal(draw(AMOUNTS)),
        symbols=tuple(symbols),
    )
    story.unresolved.append(event)
    story.keys.append(event.key)


STEPS = (
    _unresolved,
    _stock_trade,
    _option_trade,
    _option_trade,
    _option_end,
    _wheel,
    _wheel,
    _roll,
    _roll,
    _spread,
    _wash,
    _index_year_end,
    _cash,
    _split,
    _mark,
    _transfer,
    _resolve,
)


@st.composite
def journals(draw: Any, max_steps: int = 25) -> Story:
    """The story of one journal-CSV file: its rows, and the accounts, stocks and contracts they name."""
    start = draw(
        st.one_of(
            st.dates(date(2015, 1, 1), date(2030, 12, 31)),
            st.dates(FIRST_EXPIRY - timedelta(days=400), LAST_EXPIRY),
        )
    )
    accounts = draw(
        st.one_of(
            st.just(["default"]), st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=3, unique=True)
        )
    )
    stocks = draw(st.lists(st.sampled_from(STOCKS), min_size=1, max_size=3, unique=True))
    story = Story(start, accounts, stocks)
    for _ in range(draw(st.integers(1, max_steps))):
        draw(draw(st.sampled_from(STEPS))(story))
    if not story.rows:
        _row(draw, story, story.start, "DEPOSIT", amount="1000")
    if draw(st.integers(0, 3)) == 0:
        story.rows = draw(st.permutations(story.rows))
    return story


@dataclass(frozen=True, slots=True)
class JournalInput:
    """One generated journal: its CSV; `tj account set` arguments said before reading it (lot methods, IRA,
    owners sharing wash sales across accounts); maybe a broker's positions CSV imported with it (for
    `tj reconcile`) and opening positions imported before it (`tj import --opening DAY`)."""

    csv: str
    settings: tuple[tuple[str, ...], ...] = ()
    accounts: tuple[str, ...] = ()
    positions: str = ""
    opening: tuple[str, str] | None = None  # (day, positions CSV with basis and acquired)
    unresolved: tuple[Unresolved, ...] = ()  # recorded first, as a broker file's importer would
    voids: tuple[int, ...] = ()  # events (by their place in `tj events`) voided after the import
    void_file: bool = False  # the whole file voided, then imported again (its facts come back)

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example: the files as written
        return (
            f"JournalInput(settings={self.settings!r}, opening={self.opening!r},\n"
            f"positions=\n{self.positions}\ncsv=\n{self.csv})"
        )


def _write_csv(draw: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def _positions(draw: Any, story: Story, opening: bool) -> str:
    """A broker's positions CSV over the story's accounts and instruments (signed: written options and
    short stock negative), with a CASH row sometimes; for opening positions, basis and acquired too."""
    day = draw(_day(story, option=True))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 3))
        usable = [o for o in story.options if abs(o.expiry - day) <= OPTION_WINDOW]
        if kind == 0:
            symbol, quantity = "CASH", f"{Decimal(draw(AMOUNTS)):f}"
        else:
            symbol = (
                draw(st.sampled_from(usable)).symbol
                if usable and kind == 1
                else draw(st.sampled_from(story.stocks))
            )
            quantity = draw(st.sampled_from(["", "-"])) + f"{Decimal(draw(QUANTITIES)):f}"  # no exponent
        row = [day.isoformat(), draw(st.sampled_from(story.accounts)), symbol, quantity]
        if opening:
            basis = draw(st.one_of(st.just(""), numbers(MAX_AMOUNT, PLACES, typical=("1500", "0"))))
            basis = basis and f"{Decimal(basis):f}"
            acquired = draw(st.one_of(st.just(""), st.just(day.isoformat()), st.dates(FIRST_DAY, day)))
            row += [basis, acquired if isinstance(acquired, str) else acquired.isoformat()]
        rows.append(row)
    header = ["date", "account", "symbol", "quantity", *(["basis", "acquired"] if opening else [])]
    return _write_csv(draw, header, rows)


@st.composite
def journal_inputs(draw: Any) -> JournalInput:
    """A journal CSV (header in any case and order, only the columns its rows use, plus some empty),
    settings for some of its accounts, and sometimes a positions file and opening positions."""
    story = draw(journals())
    rows = story.rows
    used = [c for c in COLUMNS if any(c in r for r in rows)]
    extra = [c for c in COLUMNS if c not in used and draw(st.integers(0, 5)) == 0]
    columns = draw(st.permutations(used + extra))
    header = [c.upper() if draw(st.integers(0, 5)) == 0 else c for c in columns]
    text = _write_csv(draw, header, [[row.get(c, "") for c in columns] for row in rows])
    accounts = tuple(dict.fromkeys(r.get("account") or "default" for r in rows))
    settings = []
    for account in accounts:
        if draw(st.integers(0, 3)):
            continue
        options = ["--owner", draw(st.sampled_from(["ann", "bob", account]))]
        options.append(draw(st.sampled_from(["--ira", "--taxable"])))
        options += ["--lot-method", draw(st.sampled_from(["fifo", "lifo", "hifo"]))]
        options += ["--basis", draw(st.sampled_from(["reported", "not-reported", "no-1099"]))]
        settings.append(("account", "set", *options, "--", account))
    positions = draw(_positions(story, False)) if draw(st.integers(0, 2)) == 0 else ""
    opening = None
    if draw(st.integers(0, 4)) == 0:
        day = story.start - timedelta(days=draw(st.integers(0, 30)))
        opening = (day.isoformat(), draw(_positions(story, True)))
    voids = tuple(draw(st.lists(st.integers(0, 200), max_size=3)))
    void_file = draw(st.integers(0, 9)) == 0
    return JournalInput(
        text, tuple(settings), accounts, positions, opening, tuple(story.unresolved), voids, void_file
    )


# -- every read command over a journal -----------------------------------------------------------------

FORMATS = ("table", "json", "csv", "md")
REPORT_FORMATS = ("table", "json", "csv", "md", "html")
LISTINGS = (
    ("events",),
    ("events", "--source"),
    ("events", "--voided"),
    ("imports",),
    ("lots",),
    ("realized",),
    ("cycles",),
    ("rolls",),
    ("positions",),
    ("risk",),
    ("washes",),
    ("covered-calls",),
    ("accounts",),
    ("unresolved",),
    ("unresolved", "--all"),
    ("verify",),
    ("reconcile",),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One command's end: its exit code and what it printed (the crash file's text when it crashed)."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    crash: str | None = None

    def broken(self) -> str | None:
        """Why this outcome breaks the property, or None: exit 0, or exit 1 with a message and no traceback;
        JSON that parses."""
        if self.crash is not None or self.exit_code not in (0, 1):
            return f"exit {self.exit_code}\n{self.stderr}\n{self.crash or ''}"
        if "Traceback" in self.stderr or "Traceback" in self.stdout:
            return f"a traceback was printed\n{self.stderr}"
        if self.exit_code == 1 and not self.stderr.strip() and self.args[0] not in ("verify",):
            return "exit 1 without a message"
        if (
            self.exit_code == 0
            and "json" in self.args
            and not any(a.startswith("--output") for a in self.args)
        ):
            try:
                json.loads(self.stdout)
            except ValueError as exc:
                return f"not JSON: {exc}\n{self.stdout[:2000]}"
        return None


class Runner:
    """`tj` in-process on one database, each command with a fresh journal as a new process would have; a
    crash is read back from the crash file the handler wrote. The Click command is built from the Typer app
    once (building it costs more than running a command on a small journal)."""

    _command: Any = None

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder = url, folder
        self.state = folder / "state"

    @classmethod
    def command(cls) -> Any:
        if cls._command is None:
            from typer.main import get_command

            from journal import cli

            cls._command = get_command(cli.app)
        return cls._command

    def __call__(self, *args: str) -> Outcome:
        from journal import cli

        out, err = io.StringIO(), io.StringIO()
        exit_code, crash = 0, None
        before = os.environ.get("TJ_STATE_DIR")
        os.environ["TJ_STATE_DIR"] = str(self.state)
        cli._state.journal = None
        try:
            with redirect_stdout(out), redirect_stderr(err):
                returned = self.command().main(
                    ["--db", self.url, *args], prog_name="tj", standalone_mode=False
                )
                exit_code = returned if isinstance(returned, int) else 0
        except SystemExit as exc:
            exit_code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("click", "typer") and hasattr(exc, "exit_code"):
                exit_code = exc.exit_code  # a usage error: 2
                err.write(f"usage: {exc}\n")
            else:  # outside the guard (nothing should be): the exception itself
                exit_code, crash = -1, "".join(traceback.format_exception(exc))
        finally:
            if before is None:
                del os.environ["TJ_STATE_DIR"]
            else:
                os.environ["TJ_STATE_DIR"] = before
            if cli._state.journal is not None:
                cli._state.journal.close()
                cli._state.journal = None
        if crash is None and self.state.exists():
            files = sorted(self.state.iterdir())
            if files:
                crash = "\n".join(f.read_text() for f in files)
                for f in files:
                    f.unlink()
        return Outcome(tuple(args), exit_code, out.getvalue(), err.getvalue(), crash)


def months_and_years(events: list[dict[str, Any]]) -> tuple[list[str], list[int], list[str]]:
    """A few months, years and days the journal has events in (first, last, one between)."""
    days = sorted({e["date"][:10] for e in events if e.get("date")})
    if not days:
        return ["2024-01"], [2024], ["2024-01-01"]
    picked = sorted({days[0], days[len(days) // 2], days[-1]})
    return sorted({d[:7] for d in picked}), sorted({int(d[:4]) for d in picked}), picked


def read_everything(
    run: Callable[..., Outcome], folder: Path, accounts: Sequence[str] = ()
) -> Iterator[Outcome]:
    """Every read command and report of `tj`, in every format, over the journal `run` opens; the listings
    and reports again for each of `accounts` alone."""
    for args in LISTINGS:
        for fmt in FORMATS:
            yield run(*args, "--format", fmt)
    for account in accounts:
        for args in LISTINGS:
            if args[0] not in ("accounts", "verify", "imports"):
                yield run(*args, f"--account={account}", "--format", "json")
    events = run("events", "--format", "json")
    yield events
    recorded = json.loads(events.stdout) if events.exit_code == 0 else []
    months, years, days = months_and_years(recorded)
    for equity in ("0", "-1", "0.0000000001"):
        yield run("risk", "--equity", equity, "--max-position-pct", "0", "--format", "json")
    for day in days:
        yield run("lots", "--as-of", day, "--format", "json")
        yield run("positions", "--as-of", day)
        yield run("risk", "--as-of", day, "--format", "json")
        yield run("reconcile", "--as-of", day)
    cycles = run("cycles", "--format", "json")
    yield cycles
    ids = [c["id"] for c in json.loads(cycles.stdout)] if cycles.exit_code == 0 else []
    for cycle_id in ids:
        for fmt in FORMATS:
            yield run("cycle", "show", cycle_id, "--format", fmt)
    for fmt in REPORT_FORMATS:
        for month in months:
            yield run("report", "monthly", month, "--format", fmt)
        yield run("report", "weekly", "--as-of", days[-1], "--format", fmt)
        for year in years:
            yield run("realized", "--year", str(year), "--format", fmt if fmt != "html" else "json")
            yield run("washes", "--year", str(year))
            yield run("report", "year", str(year), "--format", fmt)
        for cycle_id in ids:
            yield run("report", "cycle", cycle_id, "--format", fmt)
    yield run("export", "journal-csv", str(folder / "export-csv"))
    yield run("export", "jsonl", str(folder / "export-jsonl"))
    for account in accounts:
        only = f"--account={account}"
        yield run("report", "monthly", months[-1], only, "--target", "2000", "--format", "json")
        yield run("report", "weekly", "--as-of", days[0], only, "--target", "0.01", "--format", "html")
        yield run("report", "year", str(years[0]), only, "--format", "md")
    for year in years:
        form8949, txf = folder / f"8949-{year}.csv", folder / f"{year}.txf"
        yield run(
            "report",
            "year",
            str(year),
            "--form8949",
            str(form8949),
            "--txf",
            str(txf),
            "--format",
            "html",
            "--output",
            str(folder / f"year-{year}.html"),
        )


@dataclass
class Example:
    """What one generated journal did: the import's outcome and each command's that broke the property."""

    imported: Outcome
    outcomes: int = 0
    broken: list[tuple[Outcome, str]] = field(default_factory=list)

    def failure(self) -> str | None:
        if not self.broken:
            return None
        outcome, why = self.broken[0]
        return f"`tj {' '.join(outcome.args)}` broke ({len(self.broken)} commands broke):\n{why}"


def check_journal(given: JournalInput, url: str, folder: Path) -> Example:
    """Import one journal CSV into the empty database at `url`, say its account settings, then run every
    read command over it."""
    path = folder / "journal.csv"
    path.write_text(given.csv, encoding="utf-8", newline="")
    run = Runner(url, folder)
    if given.unresolved:
        from journal.api import Journal

        journal = Journal(url)
        try:
            journal.store.append(given.unresolved)
        finally:
            journal.close()
    files = [str(path)]
    if given.positions:
        files.append(str(folder / "positions.csv"))
        (folder / "positions.csv").write_text(given.positions, encoding="utf-8", newline="")
    if given.opening is not None:
        day, opening_text = given.opening
        (folder / "opening.csv").write_text(opening_text, encoding="utf-8", newline="")
        opened = run("import", "--opening", day, str(folder / "opening.csv"))
        if opened.broken() is not None:
            return Example(opened, broken=[(opened, opened.broken() or "")])
    recorded_first = given.opening is not None or given.unresolved
    before = run("events", "--format", "json").stdout if recorded_first else "[]\n"
    imported = run("import", *files)
    example = Example(imported)
    why = imported.broken()
    if why is not None:
        example.broken.append((imported, why))
        return example
    if imported.exit_code == 1:
        # Refused: the message names the place and nothing was written.
        events = run("events", "--format", "json")
        if events.exit_code != 0 or events.stdout != before:
            example.broken.append(
                (imported, f"refused, but the journal holds events:\n{events.stdout[:2000]}")
            )
        return example
    for args in given.settings:
        said = run(*args)
        if said.exit_code != 0 or said.crash is not None:
            example.broken.append((said, said.broken() or f"exit {said.exit_code}\n{said.stderr}"))
    writes = []
    if given.voids:
        listed = run("events", "--format", "json")
        recorded = json.loads(listed.stdout) if listed.exit_code == 0 else []
        keys = [e["key"] for e in recorded if e.get("seq") is not None]
        chosen = dict.fromkeys(keys[i % len(keys)] for i in given.voids) if keys else {}
        if chosen:
            writes.append(run("void", *[f"--key={k}" for k in chosen], "--yes"))
    if given.void_file:
        writes.append(run("void", "--file", path.name, "--yes"))
        writes.append(run("import", *files))
    for done in writes:
        why = done.broken()
        if why is not None:
            example.broken.append((done, why))
    for outcome in read_everything(run, folder, given.accounts[:1]):
        example.outcomes += 1
        why = outcome.broken()
        if why is not None:
            example.broken.append((outcome, why))
    return example


@contextmanager
def sqlite_database() -> Iterator[tuple[str, Path]]:
    """A fresh SQLite journal in a new temporary folder (one per example: hypothesis reuses fixtures)."""
    with tempfile.TemporaryDirectory(prefix="tj-property-") as folder:
        yield f"sqlite:///{Path(folder) / 'journal.sqlite'}", Path(folder)


@contextmanager
def postgresql_database(admin_url: str) -> Iterator[tuple[str, Path]]:
    """A fresh schema on the PostgreSQL server at `admin_url`, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"tj_prop_{os.getpid()}_{next(_SCHEMAS)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
        with tempfile.TemporaryDirectory(prefix="tj-property-") as folder:
            yield url.render_as_string(hide_password=False), Path(folder)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _counter() -> Iterator[int]:
    n = 0
    while True:
        n += 1
        yield n


_SCHEMAS = _counter()
