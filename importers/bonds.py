"""Bonds as brokers describe them: which CUSIP is a Treasury bill, note or bond (or another bond), when it
matures, and the exact price per 100 behind a printed one. Shared by the Fidelity, Schwab and OFX importers,
whose descriptions are written alike.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from importers import bounds
from journal.instruments import Bond
from journal.money import OutOfBounds

# A bond's description (Fidelity `UNITED STATES TREAS BILLS ZERO CPN 0.00000% 07/31/2025`, `HOUSTON TEX UTIL
# SYS REV REF BDS SER. 05.00000% 11/15/2025 2015D`; Schwab `US TREASURY BILL19U S T BILL DUE 06/02/18`; an
# OFX SECNAME `US TREASURY BILL 0% 12/26/24`): Treasury or not, bill, note or bond, and the maturity, the
# first date after the coupon's `%` or after `DUE`.
_TREASURY = re.compile(r"\bTREAS|\bTREASURY\b|\bU\s?S\s?T\b", re.ASCII)
_BILL = re.compile(r"\bBILL?S?|\bT-BILL", re.ASCII)  # `BILXXX**MATURED**`: Schwab's cut-off `BILL`
_NOTE = re.compile(r"\bNOTES?\b|\bNTS\b", re.ASCII)
_BONDLIKE = re.compile(r"\bBDS?\b|\bBONDS?\b|\bNOTES?\b|\bNTS\b|\bDEBS?\b|\bCPN\b|\bC/?D\b|\d%", re.ASCII)
_EQUITY = re.compile(r"PFD|\bPREF|\bPREFERRED\b|\bETF\b|\bFUND\b|\bFDS?\b|\bSHS\b", re.ASCII)
_MATURITY = re.compile(r"(?:%|\bDUE)\s*(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b", re.ASCII)


def bond_maturity(text: str) -> date | None:
    """The maturity a bond's description writes after its coupon or `DUE` (None when it writes none, or a
    date that is none)."""
    m = _MATURITY.search(text.upper())
    if m is None:
        return None
    year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
    try:
        return bounds.day(date(year, int(m[1]), int(m[2])))
    except (ValueError, OutOfBounds):
        return None


def bond_named(cusip: str, description: str) -> Bond | None:
    """The bond a CUSIP and its description name, None when the words are no bond's (a fund or CD named by
    CUSIP is not guessed to be one). A Treasury's kind is bill, note or bond by its words (`BILLS`, `NTS
    NOTE`, `BDS`); any other bond (a municipal bond, a corporate bond) is a `bond`."""
    words = " ".join(description.upper().split())
    treasury = bool(_TREASURY.search(words))
    if not treasury and (not _BONDLIKE.search(words) or _EQUITY.search(words)):
        return None
    if treasury and _BILL.search(words):
        kind = "bill"
    elif treasury and _NOTE.search(words):
        kind = "note"
    else:
        kind = "bond"
    return Bond(cusip.upper(), kind, bond_maturity(words), words[: bounds.NOTE.most])


def exact_bond_price(printed: Decimal, face: Decimal, gross: Decimal) -> Decimal:
    """A bond's price per 100 as the broker booked it: brokers print it to two or three decimals
    (Fidelity's `90.67` for a booked 90.665); when the cash paid or received for the face (`gross`, accrued
    interest and fees apart) gives a price that the printed one rounds, that price is kept (cost exact, no
    fees invented); else the printed price (the fees then carry the difference: `booked_fees`)."""
    if face <= 0 or gross <= 0:
        return printed
    exact = gross * 100 / face
    if exact * face / 100 != gross or exact.as_tuple().exponent < -9:  # type: ignore[operator]
        return printed  # no price of a few decimals gives that cash
    places = max(-int(printed.normalize().as_tuple().exponent), 0)
    # The printed price is the booked one rounded to its places (half up or half even alike).
    within = abs(exact - printed) * 2 <= Decimal(1).scaleb(-places)
    return exact.normalize() + 0 if within else printed
