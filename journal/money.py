"""Exact decimal arithmetic for money and quantities, and the one place where figures are rounded.

Amounts are carried exact (fees split over contracts stay 0.66333…) and rounded half up only at output.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

ZERO = Decimal(0)
CENT = Decimal("0.01")
PER_UNIT = Decimal("0.0001")

# Enough digits that pro-rata splits of any realistic amount carry no visible error.
EXACT = Context(prec=50)


def parse_decimal(text: str) -> Decimal:
    """A decimal from text, refusing NaN and infinities (which Decimal would accept)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return value


def prorate(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """The share of `total` that `part` of `whole` carries, at high precision."""
    if part == whole:
        return total
    with localcontext(EXACT):
        return total * part / whole


def cents(value: Decimal) -> str:
    """An amount for output: rounded half up to cents."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def per_unit(value: Decimal) -> str:
    """A per-share figure (basis, break-even) for output: four places, half up."""
    return str(value.quantize(PER_UNIT, rounding=ROUND_HALF_UP))


def plain(value: Decimal) -> str:
    """A quantity for output: exact, without exponent or trailing zeros (`100`, `-2`, `0.5`)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")
