"""Exact decimal arithmetic for money and quantities, and the one place where figures are rounded.

Amounts are carried exact (fees split over contracts stay 0.66333…) and rounded half up only at output.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

ZERO = Decimal(0)
CENT = Decimal("0.01")
PER_UNIT = Decimal("0.0001")

# Enough digits that pro-rata splits of any realistic amount carry no visible error.
EXACT = Context(prec=50)

# What any number a broker or a user writes stays within (importers/bounds.py and docs/bounds.md hold the
# narrower bound of each kind of figure). A trillion is more than any account's cash; ten places more than
# any broker prints (share fractions take 6-8, FX-converted amounts 6). Within these a figure has at most
# 23 digits, so sums and products of them stay exact in Decimal's default 28 and rounding to cents
# (quantize) never fails: `1e400` once made every listing crash.
MAX_MAGNITUDE = Decimal(1_000_000_000_000)
MAX_PLACES = 10

# ASCII digits, one sign, one point, an exponent of at most four digits (then the bounds say whether the
# number is one a broker writes: `1e400` is out of bounds, `1E+5` is 100000). Decimal() alone also takes
# `1_000`, `NaN`, `Infinity` and any script's digits (`١٢٣`), none of which a broker means as a number.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


class OutOfBounds(ValueError):
    """A number (or a date, a text, an option) read cleanly but beyond what any broker writes: the message
    says the bound, for the `file:line: column:` error."""


def parse_decimal(
    text: str, *, most: Decimal = MAX_MAGNITUDE, places: int = MAX_PLACES, what: str = "a number"
) -> Decimal:
    """A decimal written in plain ASCII (`-12.50`, `.5`, `1E+5`), at most `most` in magnitude and with at
    most `places` decimal places: ValueError for anything else, OutOfBounds (a ValueError) for a number
    beyond the bounds. It comes back without exponent or negative zero (`1E+5` is 100000, `-0` is 0)."""
    raw = text.strip()
    if not _DECIMAL.fullmatch(raw):
        raise ValueError(f"not a number: {text!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise ValueError(f"not a number: {text!r}") from None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: the pattern admits no NaN or Infinity
    if -exponent > places:
        raise OutOfBounds(f"more than {places} decimal places")
    if abs(value) > most:
        raise OutOfBounds(f"out of bounds: {what} is at most {most:,}")
    if exponent > 0:
        value = value.quantize(Decimal(1))  # 1E+5 -> 100000: stored and shown as written out
    if value.is_zero() and value.is_signed():
        value = value.copy_abs()  # -0 is 0
    return value


def prorate(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """The share of `total` that `part` of `whole` carries, at high precision."""
    if part == whole:
        return total
    with localcontext(EXACT):
        return total * part / whole


_ONE = Decimal(1)
# The context of every figure of up to 28 digits, made once: a listing rounds tens of thousands of figures,
# and making a context (and reading the quantum's exponent) cost most of each.
_PREC_28 = Context(prec=28)


def _rounded(value: Decimal, quantum: Decimal) -> Decimal:
    """`value` rounded half up to `quantum`, with as many digits as that takes: splits compound (a lot
    split 1:1,000,000 twice holds 1e-12 of a share), so a per-share basis of 1e25 is a figure to show,
    which Decimal's default 28 digits would refuse to round to four places."""
    if quantum is CENT:
        exponent = -2
    elif quantum is PER_UNIT:
        exponent = -4
    elif quantum is _ONE:
        exponent = 0
    else:
        found = quantum.as_tuple().exponent
        assert isinstance(found, int)
        exponent = found
    digits = max(value.adjusted(), 0) + 1 - exponent
    context = _PREC_28 if digits <= 28 else Context(prec=digits)
    return value.quantize(quantum, rounding=ROUND_HALF_UP, context=context)


def cents(value: Decimal) -> str:
    """An amount for output: rounded half up to cents."""
    return str(_rounded(value, CENT))


def per_unit(value: Decimal) -> str:
    """A per-share figure (basis, break-even) for output: four places, half up."""
    return str(_rounded(value, PER_UNIT))


def plain(value: Decimal) -> str:
    """A quantity for output: exact, without exponent or trailing zeros (`100`, `-2`, `0.5`)."""
    if value == value.to_integral_value():
        return str(_rounded(value, _ONE))
    return format(value.normalize(), "f")
