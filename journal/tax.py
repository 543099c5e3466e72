"""Tax classifications that depend on the instrument or the account, not on the trades.

Section 1256 (Pub 550 "Section 1256 Contracts Marked to Market"; Form 6781; IRC 1256(b)): non-equity options
on broad-based indexes, regulated futures contracts and options on them. Options on ETFs (SPY, QQQ, IWM) are
equity options and follow the ordinary rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from journal.instruments import Future, FutureOption, Instrument, OptionContract

# DOMAIN.md's list; the weekly/PM roots map to their index in journal.instruments.INDEX_ROOT_UNDERLYING.
SECTION_1256_ROOTS = frozenset(
    {
        "SPX",
        "SPXW",
        "XSP",
        "XSPW",
        "NDX",
        "NDXP",
        "RUT",
        "RUTW",
        "VIX",
        "VIXW",
        "OEX",
        "XEO",
        "DJX",
        "MNX",
        "MXEF",
    }
)


def is_section_1256(instrument: Instrument, roots: frozenset[str] = SECTION_1256_ROOTS) -> bool:
    """Index options (by root or the index a weekly root settles on), futures (IRC 1256(b)(1)(A)) and
    options on futures (nonequity options, 1256(b)(1)(C), (g)(3))."""
    if isinstance(instrument, OptionContract):
        return instrument.root in roots or instrument.underlying in roots
    return isinstance(instrument, Future | FutureOption)


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    """How one account is taxed: whose it is (wash sales span an owner's accounts), whether it is
    tax-advantaged (an IRA: no Form 8949, a loss replaced in it is lost for good), its lot method, and whether
    its broker reports basis to the IRS (Form 8949 boxes A/D versus B/E)."""

    owner: str = "default"
    tax_advantaged: bool = False
    lot_method: str = "fifo"  # fifo, lifo or hifo; a sale may name its lot whatever the method
    basis_reporting: str = "reported"  # what the 1099-B says of basis: reported, not-reported, no-1099


DEFAULT_POLICY = AccountPolicy()
LOT_METHODS = ("fifo", "lifo", "hifo")
BASIS_REPORTING = ("reported", "not-reported", "no-1099")


def form_8949_box(term: str, policy: AccountPolicy, basis_missing: bool = False) -> str | None:
    """Form 8949's box: A/B/C short term, D/E/F long term, by whether basis was reported to the IRS (or no
    1099-B came at all). Section 1256 rows go on Form 6781 and a tax-advantaged account's on no form: None.
    A lot transferred in without a basis goes in B/E (basis not reported) of a reporting account."""
    if policy.tax_advantaged or term == "1256":
        return None
    index = BASIS_REPORTING.index(policy.basis_reporting)
    if basis_missing and index == 0:
        index = 1
    return ("ABC" if term == "short" else "DEF")[index]
