"""A realistic, deterministic trading history: years of weekly wheel trading in several accounts.

Why: benchmarks and property tests need histories that look like a real option seller's, at any size, the
same for the same seed, and consistent, so that whatever the journal rejects or warns about is a bug in the
journal (or here), never noise. `bench/import_rate.py`'s generator is only shaped like one: its prices do not
decide assignments, it never splits or spreads. Here a random walk (market, sector and stock factors, a rare
crash day) moves every stock each trading day, options are priced with Black-Scholes, and each account runs
"lanes" of the wheel per underlying, every lane a small state machine:

- no shares: a cash-secured put (only with the cash for it), or a bull put spread (two legs, one order; the
  choice for a stock too dear for the position's budget), now and then shares bought outright;
- shares: covered calls on them, at or above their basis when that still pays;
- halfway to expiry: bought back at half the credit, often; the day before: an option in the money is rolled
  (buy to close + sell to open in one order, down/up and out, for a credit), assigned early, or left to be
  assigned; one nearly worthless is sometimes bought back for a nickel; a tested spread is closed;
- at expiry: ASSIGN when the stock is through the strike (a spread's long put EXERCISEd when it is too), else
  EXPIRE, on the expiration date: the week's last trading day (Thursday when Friday is a holiday, as Good
  Friday is), third Fridays for the monthly lanes (and for all before 2010: no weeklies then); strikes on
  realistic increments;
- quarterly dividends on shares held on the pay date, monthly interest on cash, fees (platform, ADR custody),
  deposits (opening, and contributions);
- splits: 2:1 or 3:1 forward once a stock has doubled to over $100 (two years apart at least; open options
  adjusted as OCC does: contracts x ratio, strike / ratio, only when every strike divides), and a rare 1:10
  reverse split of a stock under $1, once no option on it is open anywhere (new trades in it wait) and every
  holding divides.

Position-consistent by construction: a lane only closes, expires, assigns or sells what it holds, an account's
holdings are the sum of its lanes', an account never holds one contract both long and short, and the trades of
a day are stamped in the order they were decided. Rows stream out one trading day at a time in time order
(a day's date-only rows first, its expiries last), each with an id unique in the file (`SEED-N`); only open
positions and one day's rows are in memory. The calendar is the NYSE's (holidays, Good Friday, closures).

    python -m bench.generate --events 1000000 -o /tmp/gen.csv          # journal CSV (CONTRACT.md)
    python -m bench.generate --format ofx -o /tmp/gen.ofx               # OFX 2 statements, one per account
    python -m bench.generate --format ofx -o '/tmp/gen-{account}.ofx'   # ... or a file per account
    python -m bench.generate --format beancount -o /tmp/gen.beancount   # the same trades, for bean-check

`--events N` stops after exactly N journal rows and, unless `--lanes` is given, runs as many lanes per account
and underlying (on average, at least 1) as it takes for N rows to fill most of `--years`. From Python,
`generate(seed, accounts, underlyings, years, max_rows)` yields the journal-CSV rows (lists of 11 strings in
`COLUMNS` order; no header).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from math import erfc, exp, log, sqrt
from typing import IO, NamedTuple, TextIO

from importers.recorded import CONTRACT_COLUMNS

# The journal CSV's first eleven columns, in the importer's order (the generator fills no others).
COLUMNS = CONTRACT_COLUMNS[: CONTRACT_COLUMNS.index("note") + 1]
FORMATS = ("journal-csv", "ofx", "beancount")
LAST_YEAR = 2024  # the history ends on the last trading day of this year, whatever today is
# Journal rows one lane makes in a year (measured): how many lanes --events N needs to span --years.
ROWS_PER_LANE_YEAR = 52.0

# -- the market ------------------------------------------------------------------------------------------

ETF = "Broad market ETF"
TECH, COMM, DISC, STAPLES = (
    "Information Technology",
    "Communication Services",
    "Consumer Discretionary",
    "Consumer Staples",
)
ENERGY, FIN, HEALTH, INDUSTRIAL = "Energy", "Financials", "Health Care", "Industrials"
MATERIALS, UTIL, REIT, COMMODITY = "Materials", "Utilities", "Real Estate", "Commodity ETF"
SECTORS = (ETF, TECH, COMM, DISC, STAPLES, ENERGY, FIN, HEALTH, INDUSTRIAL, MATERIALS, UTIL, REIT, COMMODITY)


class Ticker(NamedTuple):
    symbol: str
    name: str
    sector: str
    price: float  # around the start of 2015, as quoted then (before later splits)
    vol: float  # annual volatility
    dividend_yield: float  # annual; 0 pays none
    adr: bool = False  # pays a depositary (ADR) fee once a year


# The first 40 (the default) mix sectors, price levels and volatility; the rest extend --underlyings.
TICKERS: tuple[Ticker, ...] = (
    Ticker("SPY", "SPDR S&P 500 ETF Trust", ETF, 205.0, 0.16, 0.019),
    Ticker("AAPL", "Apple Inc.", TECH, 110.0, 0.28, 0.017),
    Ticker("KO", "Coca-Cola Co.", STAPLES, 42.0, 0.16, 0.031),
    Ticker("JPM", "JPMorgan Chase & Co.", FIN, 62.0, 0.24, 0.026),
    Ticker("XOM", "Exxon Mobil Corp.", ENERGY, 92.0, 0.24, 0.030),
    Ticker("JNJ", "Johnson & Johnson", HEALTH, 104.0, 0.16, 0.027),
    Ticker("MSFT", "Microsoft Corp.", TECH, 46.0, 0.25, 0.025),
    Ticker("QQQ", "Invesco QQQ Trust", ETF, 103.0, 0.20, 0.008),
    Ticker("HD", "Home Depot Inc.", DISC, 105.0, 0.22, 0.020),
    Ticker("PG", "Procter & Gamble Co.", STAPLES, 91.0, 0.16, 0.028),
    Ticker("AMD", "Advanced Micro Devices Inc.", TECH, 2.7, 0.55, 0.0),
    Ticker("BAC", "Bank of America Corp.", FIN, 17.9, 0.30, 0.011),
    Ticker("CVX", "Chevron Corp.", ENERGY, 112.0, 0.26, 0.038),
    Ticker("PFE", "Pfizer Inc.", HEALTH, 31.0, 0.20, 0.036),
    Ticker("CAT", "Caterpillar Inc.", INDUSTRIAL, 91.0, 0.27, 0.031),
    Ticker("NEE", "NextEra Energy Inc.", UTIL, 106.0, 0.18, 0.029),
    Ticker("O", "Realty Income Corp.", REIT, 48.0, 0.20, 0.046),
    Ticker("FCX", "Freeport-McMoRan Inc.", MATERIALS, 23.0, 0.45, 0.050),
    Ticker("T", "AT&T Inc.", COMM, 33.6, 0.20, 0.056),
    Ticker("DIS", "Walt Disney Co.", COMM, 94.0, 0.24, 0.012),
    Ticker("TSLA", "Tesla Inc.", DISC, 220.0, 0.55, 0.0),
    Ticker("NVDA", "NVIDIA Corp.", TECH, 20.0, 0.40, 0.017),
    Ticker("INTC", "Intel Corp.", TECH, 36.0, 0.28, 0.027),
    Ticker("WFC", "Wells Fargo & Co.", FIN, 55.0, 0.24, 0.026),
    Ticker("MRK", "Merck & Co. Inc.", HEALTH, 57.0, 0.20, 0.031),
    Ticker("F", "Ford Motor Co.", DISC, 15.5, 0.32, 0.039),
    Ticker("VZ", "Verizon Communications Inc.", COMM, 47.0, 0.17, 0.047),
    Ticker("OXY", "Occidental Petroleum Corp.", ENERGY, 80.0, 0.35, 0.037),
    Ticker("IWM", "iShares Russell 2000 ETF", ETF, 119.0, 0.20, 0.014),
    Ticker("BA", "Boeing Co.", INDUSTRIAL, 130.0, 0.30, 0.028),
    Ticker("DUK", "Duke Energy Corp.", UTIL, 84.0, 0.17, 0.038),
    Ticker("SBUX", "Starbucks Corp.", DISC, 82.0, 0.24, 0.016),
    Ticker("PEP", "PepsiCo Inc.", STAPLES, 95.0, 0.16, 0.028),
    Ticker("C", "Citigroup Inc.", FIN, 54.0, 0.30, 0.001),
    Ticker("ABBV", "AbbVie Inc.", HEALTH, 65.0, 0.28, 0.031),
    Ticker("GE", "General Electric Co.", INDUSTRIAL, 25.0, 0.30, 0.036),
    Ticker("SPG", "Simon Property Group Inc.", REIT, 182.0, 0.25, 0.030),
    Ticker("NEM", "Newmont Corp.", MATERIALS, 19.0, 0.40, 0.008),
    Ticker("CSCO", "Cisco Systems Inc.", TECH, 28.0, 0.24, 0.030),
    Ticker("AMZN", "Amazon.com Inc.", DISC, 310.0, 0.32, 0.0),
    Ticker("MO", "Altria Group Inc.", STAPLES, 49.0, 0.18, 0.042),
    Ticker("GOOGL", "Alphabet Inc.", COMM, 530.0, 0.27, 0.0),
    Ticker("META", "Meta Platforms Inc.", COMM, 78.0, 0.35, 0.0),
    Ticker("NFLX", "Netflix Inc.", COMM, 340.0, 0.45, 0.0),
    Ticker("ORCL", "Oracle Corp.", TECH, 45.0, 0.24, 0.012),
    Ticker("IBM", "International Business Machines", TECH, 160.0, 0.22, 0.028),
    Ticker("QCOM", "Qualcomm Inc.", TECH, 74.0, 0.30, 0.023),
    Ticker("TXN", "Texas Instruments Inc.", TECH, 53.0, 0.24, 0.025),
    Ticker("ADBE", "Adobe Inc.", TECH, 73.0, 0.30, 0.0),
    Ticker("CRM", "Salesforce Inc.", TECH, 59.0, 0.33, 0.0),
    Ticker("MU", "Micron Technology Inc.", TECH, 35.0, 0.42, 0.0),
    Ticker("AMAT", "Applied Materials Inc.", TECH, 25.0, 0.33, 0.016),
    Ticker("GS", "Goldman Sachs Group Inc.", FIN, 190.0, 0.27, 0.012),
    Ticker("MS", "Morgan Stanley", FIN, 39.0, 0.30, 0.010),
    Ticker("SCHW", "Charles Schwab Corp.", FIN, 30.0, 0.30, 0.008),
    Ticker("V", "Visa Inc.", FIN, 262.0, 0.22, 0.007),
    Ticker("MA", "Mastercard Inc.", FIN, 86.0, 0.23, 0.007),
    Ticker("AXP", "American Express Co.", FIN, 93.0, 0.25, 0.012),
    Ticker("USB", "U.S. Bancorp", FIN, 44.0, 0.24, 0.022),
    Ticker("COP", "ConocoPhillips", ENERGY, 69.0, 0.32, 0.042),
    Ticker("SLB", "Schlumberger Ltd.", ENERGY, 85.0, 0.33, 0.019),
    Ticker("HAL", "Halliburton Co.", ENERGY, 40.0, 0.40, 0.018),
    Ticker("UNH", "UnitedHealth Group Inc.", HEALTH, 101.0, 0.22, 0.015),
    Ticker("LLY", "Eli Lilly & Co.", HEALTH, 69.0, 0.24, 0.029),
    Ticker("BMY", "Bristol-Myers Squibb Co.", HEALTH, 59.0, 0.23, 0.025),
    Ticker("AMGN", "Amgen Inc.", HEALTH, 159.0, 0.24, 0.020),
    Ticker("GILD", "Gilead Sciences Inc.", HEALTH, 94.0, 0.28, 0.0),
    Ticker("CVS", "CVS Health Corp.", HEALTH, 96.0, 0.24, 0.015),
    Ticker("MMM", "3M Co.", INDUSTRIAL, 164.0, 0.19, 0.025),
    Ticker("HON", "Honeywell International Inc.", INDUSTRIAL, 100.0, 0.20, 0.021),
    Ticker("UPS", "United Parcel Service Inc.", INDUSTRIAL, 111.0, 0.21, 0.024),
    Ticker("LMT", "Lockheed Martin Corp.", INDUSTRIAL, 193.0, 0.19, 0.031),
    Ticker("DE", "Deere & Co.", INDUSTRIAL, 88.0, 0.26, 0.027),
    Ticker("UNP", "Union Pacific Corp.", INDUSTRIAL, 119.0, 0.23, 0.018),
    Ticker("WMT", "Walmart Inc.", STAPLES, 86.0, 0.18, 0.022),
    Ticker("COST", "Costco Wholesale Corp.", STAPLES, 142.0, 0.18, 0.010),
    Ticker("TGT", "Target Corp.", STAPLES, 76.0, 0.25, 0.027),
    Ticker("CL", "Colgate-Palmolive Co.", STAPLES, 69.0, 0.16, 0.021),
    Ticker("MDLZ", "Mondelez International Inc.", STAPLES, 36.0, 0.20, 0.017),
    Ticker("NKE", "Nike Inc.", DISC, 96.0, 0.24, 0.010),
    Ticker("MCD", "McDonald's Corp.", DISC, 94.0, 0.17, 0.036),
    Ticker("LOW", "Lowe's Companies Inc.", DISC, 69.0, 0.25, 0.013),
    Ticker("GM", "General Motors Co.", DISC, 35.0, 0.32, 0.036),
    Ticker("CMCSA", "Comcast Corp.", COMM, 58.0, 0.22, 0.017),
    Ticker("TMUS", "T-Mobile US Inc.", COMM, 27.0, 0.30, 0.0),
    Ticker("SO", "Southern Co.", UTIL, 49.0, 0.16, 0.043),
    Ticker("D", "Dominion Energy Inc.", UTIL, 77.0, 0.17, 0.034),
    Ticker("EXC", "Exelon Corp.", UTIL, 37.0, 0.21, 0.034),
    Ticker("AMT", "American Tower Corp.", REIT, 99.0, 0.22, 0.015),
    Ticker("PLD", "Prologis Inc.", REIT, 43.0, 0.24, 0.031),
    Ticker("NUE", "Nucor Corp.", MATERIALS, 49.0, 0.32, 0.030),
    Ticker("AA", "Alcoa Corp.", MATERIALS, 16.0, 0.50, 0.0),
    Ticker("CLF", "Cleveland-Cliffs Inc.", MATERIALS, 7.1, 0.70, 0.0),
    Ticker("X", "United States Steel Corp.", MATERIALS, 27.0, 0.55, 0.007),
    Ticker("GLD", "SPDR Gold Shares", COMMODITY, 114.0, 0.15, 0.0),
    Ticker("SLV", "iShares Silver Trust", COMMODITY, 15.7, 0.25, 0.0),
    Ticker("GDX", "VanEck Gold Miners ETF", COMMODITY, 18.9, 0.38, 0.005),
    Ticker("XLE", "Energy Select Sector SPDR", ENERGY, 79.0, 0.25, 0.030),
    Ticker("XLF", "Financial Select Sector SPDR", FIN, 24.0, 0.22, 0.017),
    Ticker("EEM", "iShares MSCI Emerging Markets ETF", ETF, 39.0, 0.21, 0.022),
    Ticker("TLT", "iShares 20+ Year Treasury Bond ETF", ETF, 125.0, 0.14, 0.026),
    Ticker("BABA", "Alibaba Group Holding Ltd. ADR", DISC, 104.0, 0.38, 0.0, adr=True),
    Ticker("TSM", "Taiwan Semiconductor Mfg. ADR", TECH, 22.5, 0.28, 0.020, adr=True),
    Ticker("BP", "BP p.l.c. ADR", ENERGY, 38.0, 0.27, 0.062, adr=True),
    Ticker("BIDU", "Baidu Inc. ADR", COMM, 228.0, 0.40, 0.0, adr=True),
    Ticker("PBR", "Petroleo Brasileiro ADR", ENERGY, 7.3, 0.60, 0.0, adr=True),
    Ticker("VALE", "Vale S.A. ADR", MATERIALS, 8.2, 0.50, 0.050, adr=True),
    Ticker("NOK", "Nokia Oyj ADR", TECH, 7.9, 0.35, 0.030, adr=True),
    Ticker("UAL", "United Airlines Holdings Inc.", INDUSTRIAL, 67.0, 0.35, 0.0),
    Ticker("DAL", "Delta Air Lines Inc.", INDUSTRIAL, 49.0, 0.30, 0.010),
    Ticker("CCL", "Carnival Corp.", DISC, 45.0, 0.28, 0.026),
    Ticker("MGM", "MGM Resorts International", DISC, 21.0, 0.33, 0.0),
    Ticker("WYNN", "Wynn Resorts Ltd.", DISC, 149.0, 0.38, 0.040),
    Ticker("SIRI", "Sirius XM Holdings Inc.", COMM, 3.5, 0.30, 0.0),
    Ticker("PLUG", "Plug Power Inc.", INDUSTRIAL, 3.0, 0.80, 0.0),
    Ticker("RIG", "Transocean Ltd.", ENERGY, 18.0, 0.55, 0.0),
    Ticker("MRVL", "Marvell Technology Inc.", TECH, 14.5, 0.40, 0.017),
)


def ticker_list(count: int) -> list[Ticker]:
    """The first `count` tickers; past the real ones, made-up ones (`ZBA`, `ZBB`, ...) of every sector."""
    found = list(TICKERS[:count])
    n = 0
    while len(found) < count:
        a, b = divmod(n, 26)
        real = TICKERS[n % len(TICKERS)]
        symbol = f"Z{chr(66 + a % 24)}{chr(65 + b)}" + ("" if a < 24 else chr(65 + a // 24))
        found.append(real._replace(symbol=symbol, name=f"{symbol} Holdings Inc.", price=real.price * 0.8))
        n += 1
    return found


class Broker(NamedTuple):
    """An account and its broker's charges."""

    account: str
    org: str
    domain: str
    open_fee: float  # per contract, opening
    close_fee: float  # per contract, closing
    leg_cap: float  # most a leg pays (0: no cap)
    stock_fee: float  # per stock trade
    assign_fee: float  # per assignment or exercise
    monthly_fee: float  # platform / data fee, as a FEE row
    contribution: float  # a DEPOSIT every `every` months
    every: int


# fmt: off
BROKERS: tuple[Broker, ...] = (
    Broker("IBKR-U2231847", "Interactive Brokers", "ibkr.com", 0.65, 0.65, 0.0, 1.0, 0.0, 4.5, 0.0, 0),
    Broker("SCHWAB-IRA-4419", "Charles Schwab", "schwab.com", 0.65, 0.65, 0.0, 0.0, 0.0, 0.0, 6500.0, 12),
    Broker("TASTY-5WT19833", "tastytrade", "tastytrade.com", 1.00, 0.0, 10.0, 0.0, 5.00, 0.0, 2000.0, 1),
    Broker("FIDELITY-Z7731", "Fidelity", "fidelity.com", 0.65, 0.65, 0.0, 0.0, 0.0, 0.0, 5000.0, 3),
    Broker("ETRADE-6612-0954", "E*TRADE", "etrade.com", 0.50, 0.50, 0.0, 0.0, 0.0, 0.0, 0.0, 0),
    Broker("ROBINHOOD-5JX2", "Robinhood", "robinhood.com", 0.0, 0.0, 0.0, 0.0, 0.0, 5.00, 1000.0, 1),
)
# fmt: on


def broker_list(count: int) -> list[Broker]:
    found = list(BROKERS[:count])
    for n in range(len(found), count):
        base = BROKERS[n % len(BROKERS)]
        found.append(base._replace(account=f"{base.account.split('-')[0]}-{n + 1:02d}-{7000 + 37 * n}"))
    return found


# Cash interest an account earns, per year (roughly the money-market rate).
# fmt: off
RATES = {
    2000: 6.0, 2001: 3.5, 2002: 1.6, 2003: 1.0, 2004: 1.3, 2005: 3.1, 2006: 4.8, 2007: 4.6, 2008: 1.8,
    2009: 0.1, 2010: 0.1, 2011: 0.05, 2012: 0.05, 2013: 0.05, 2014: 0.05, 2015: 0.1, 2016: 0.3, 2017: 0.8,
    2018: 1.7, 2019: 1.9, 2020: 0.3, 2021: 0.03, 2022: 1.6, 2023: 4.6, 2024: 4.8, 2025: 4.2,
}
# fmt: on

# -- the calendar ----------------------------------------------------------------------------------------

# NYSE closures that were not holidays.
# fmt: off
CLOSURES = frozenset({
    date(2001, 9, 11), date(2001, 9, 12), date(2001, 9, 13), date(2001, 9, 14), date(2004, 6, 11),
    date(2007, 1, 2), date(2012, 10, 29), date(2012, 10, 30), date(2018, 12, 5), date(2025, 1, 9),
})
# fmt: on


def easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (Monday 0) of the month; n = -1 for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    return (
        day - timedelta(days=1)
        if day.weekday() == 5
        else day + timedelta(days=1)
        if day.weekday() == 6
        else day
    )


def nyse_holidays(year: int) -> set[date]:
    """The NYSE's full-day holidays of a year (the rules since 2022; Juneteenth from then on)."""
    new_year = date(year, 1, 1)
    days = {
        _nth(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth(year, 2, 0, 3),  # Washington's Birthday
        easter(year) - timedelta(days=2),  # Good Friday
        _nth(year, 5, 0, -1),  # Memorial Day
        _observed(date(year, 7, 4)),
        _nth(year, 9, 0, 1),  # Labor Day
        _nth(year, 11, 3, 4),  # Thanksgiving
        _observed(date(year, 12, 25)),
    }
    if new_year.weekday() != 5:  # a Saturday New Year's Day is not moved to the Friday before
        days.add(_observed(new_year))
    if year >= 2022:
        days.add(_observed(date(year, 6, 19)))
    return days


def trading_days(first: date, last: date) -> list[date]:
    holidays: set[date] = set()
    for year in range(first.year, last.year + 1):
        holidays |= nyse_holidays(year)
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in holidays and day not in CLOSURES:
            days.append(day)
        day += timedelta(days=1)
    return days


# -- option arithmetic -----------------------------------------------------------------------------------

_HALF_SQRT2 = 1 / sqrt(2)


def put_value(s: float, k: float, t: float, vol: float) -> float:
    """Black-Scholes price of a put, rate 0 (a call is the put + s - k)."""
    sd = vol * sqrt(t)
    d1 = (log(s / k) + 0.5 * sd * sd) / sd
    return 0.5 * (k * erfc((d1 - sd) * _HALF_SQRT2) - s * erfc(d1 * _HALF_SQRT2))


def increment(price: float) -> int:
    """The strike increment near a stock price, in thousandths of a dollar."""
    if price < 25:
        return 500
    if price < 100:
        return 1000
    if price < 250:
        return 2500
    if price < 1000:
        return 5000
    return 10000


def strike_text(thousandths: int) -> str:
    whole, frac = divmod(thousandths, 1000)
    return str(whole) if not frac else f"{whole}.{frac:03d}".rstrip("0")


def cents(value: int) -> str:
    """Cents as dollars: 12345 -> "123.45", -5 -> "-0.05"."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 100)
    return f"{sign}{whole}.{frac:02d}"


# -- the simulation --------------------------------------------------------------------------------------

OPEN, MID, LATE, EXPIRY = 0, 1, 2, 3
CSP, CC, SPREAD = 0, 1, 2


class _Und:
    __slots__ = (
        "idx",
        "t",
        "symbol",
        "price",
        "vol",
        "sector",
        "pending_reverse",
        "split_at",
        "split_day",
        "lanes",
        "by_acct",
    )

    def __init__(self, idx: int, t: Ticker, sector: int, accounts: int) -> None:
        self.idx, self.t, self.symbol, self.sector = idx, t, t.symbol, sector
        self.price, self.vol = t.price, t.vol
        self.pending_reverse = False
        self.split_at = max(100.0, 2.0 * t.price)
        self.split_day = -1000  # the day of its last split: two years at least between them
        self.lanes: list[_Lane] = []
        self.by_acct: list[list[_Lane]] = [[] for _ in range(accounts)]


class _Pos:
    """A lane's open option position: a short put or call, or a bull put spread (short `strike`, long
    `long_strike`). Strikes in thousandths of a dollar; premiums in cents a share (= dollars a contract)."""

    __slots__ = (
        "kind",
        "right",
        "expiry",
        "strike",
        "long_strike",
        "contracts",
        "premium",
        "long_premium",
        "collateral",
        "symbol",
        "long_symbol",
    )

    def __init__(
        self,
        kind: int,
        right: str,
        expiry: int,
        strike: int,
        contracts: int,
        premium: int,
        collateral: float,
        symbol: str,
        long_strike: int = 0,
        long_premium: int = 0,
        long_symbol: str = "",
    ) -> None:
        self.kind, self.right, self.expiry = kind, right, expiry
        self.strike, self.contracts = strike, contracts
        self.premium, self.collateral, self.symbol = premium, collateral, symbol
        self.long_strike, self.long_premium, self.long_symbol = long_strike, long_premium, long_symbol


class _Acct:
    __slots__ = (
        "idx",
        "b",
        "name",
        "cash",
        "reserved",
        "stock_cost",
        "net",
        "positions",
        "open_fee",
        "close_fee",
        "cap",
        "stock_fee",
        "assign_fee",
    )

    def __init__(self, idx: int, broker: Broker, positions: int) -> None:
        self.idx, self.b, self.name = idx, broker, broker.account
        self.cash = self.reserved = self.stock_cost = 0.0
        # (underlying, expiry, strike) -> puts held, negative short: never both signs at once (calls are only
        # ever written, so they need no check)
        self.net: dict[tuple[int, int, int], int] = {}
        self.positions = positions  # lanes in the account: the capital is spread over them
        # fees in cents
        self.open_fee, self.close_fee = round(broker.open_fee * 100), round(broker.close_fee * 100)
        self.cap = round(broker.leg_cap * 100)
        self.stock_fee, self.assign_fee = round(broker.stock_fee * 100), round(broker.assign_fee * 100)


class _Lane:
    __slots__ = ("acct", "und", "shares", "basis", "pos", "token", "monthly")

    def __init__(self, acct: _Acct, und: _Und, monthly: bool) -> None:
        self.acct, self.und, self.monthly = acct, und, monthly
        self.shares, self.basis = 0, 0.0
        self.pos: _Pos | None = None
        self.token = 0  # bumped whenever the position changes: agenda entries of an older token are stale


Row = list[str]


class _Texts(dict[int, str]):
    """A cache of `make(n)`."""

    def __init__(self, make: Callable[[int], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: int) -> str:
        text = self[key] = self.make(key)
        return text


class Simulation:
    """The market and the accounts, advanced one trading day at a time by `days()`."""

    def __init__(self, seed: int, accounts: int, underlyings: int, years: int, lanes: float = 1.0) -> None:
        if not 1 <= years <= LAST_YEAR - 1999:
            raise ValueError(f"years must be 1 to {LAST_YEAR - 1999}")
        if accounts < 1 or underlyings < 1 or lanes < 1:
            raise ValueError("accounts and underlyings must be positive, lanes 1 or more")
        rng = self.rng = random.Random(seed)
        self.rnd = rng.random
        self.prefix = f"{seed}-"
        first, last = date(LAST_YEAR - years + 1, 1, 1), date(LAST_YEAR, 12, 31)
        cal = trading_days(first, last + timedelta(days=120))  # expiries past the end still need dates
        self.ndays = sum(1 for d in cal if d <= last)
        self.dates = cal
        self.ds = [d.isoformat() for d in cal]
        self.ords = [d.toordinal() for d in cal]
        self.yymmdd = [f"{d.year % 100:02d}{d.month:02d}{d.day:02d}" for d in cal]
        n = len(cal)
        week = [d.isocalendar()[:2] for d in cal]
        self.week_start = [i == 0 or week[i] != week[i - 1] for i in range(n)]
        self.month_start = [i == 0 or cal[i].month != cal[i - 1].month for i in range(n)]
        # Expiries: the week's last trading day, a Friday or (a holiday Friday) the Thursday; none in a week
        # cut short before that (9/11)
        weekly = [(i == n - 1 or week[i] != week[i + 1]) and cal[i].weekday() >= 3 for i in range(n)]
        monthly = [False] * n
        for i, d in enumerate(cal):
            third = _nth(d.year, d.month, 4, 3)  # the third Friday, or the day before when it is a holiday
            if d <= third and (i == n - 1 or cal[i + 1] > third):
                monthly[i] = True
        self.is_weekly_expiry = weekly
        # Weekly options on stocks came in 2010 or so: monthlies only before.
        self.weeklies_from = next((i for i, d in enumerate(cal) if d.year >= 2010), n)
        self.next_weekly = self._next(weekly, 3)
        self.next_monthly = self._next(monthly, 20)
        nxt, self.next_week = n, [n] * n
        for i in range(n - 1, -1, -1):
            self.next_week[i] = nxt
            if self.week_start[i]:
                nxt = i
        self.times = [
            f"T{h:02d}:{m:02d}:{s:02d}"
            for h in range(9, 16)
            for m in range(60)
            for s in range(60)
            if (h, m) >= (9, 30)
        ]
        # Texts cached (a history repeats its prices, fees and strikes): cents -> "1.25", 152500 -> "152.5"
        self.money, self.strikes = _Texts(cents), _Texts(strike_text)
        self.early: list[Row] = []
        self.trades: list[Row] = []
        self.late: list[Row] = []
        self.d = self.orders_today = 0
        self.row_count = self.order_count = 0
        self.splits = self.reverse_splits = 0

        self.unds = [
            _Und(i, t, SECTORS.index(t.sector), accounts) for i, t in enumerate(ticker_list(underlyings))
        ]
        self.accts = [_Acct(i, b, 0) for i, b in enumerate(broker_list(accounts))]
        self.agenda: list[list[tuple[int, _Lane, int]]] = [[] for _ in range(self.ndays)]
        pair = 0
        for acct in self.accts:
            for und in self.unds:
                # A fractional `lanes` gives some pairs one lane more than others.
                for _ in range(int((pair + 1) * lanes + 1e-9) - int(pair * lanes + 1e-9)):
                    lane = _Lane(acct, und, rng.random() < 0.35)
                    und.lanes.append(lane)
                    und.by_acct[acct.idx].append(lane)
                    acct.positions += 1
                    self._later(lane, rng.randrange(min(10, self.ndays)))
                pair += 1
        self.deposits = [round(acct.positions * 15000 * rng.uniform(0.7, 1.5), -3) for acct in self.accts]
        # Dividends: each payer's pay day in its quarter's months.
        self.div_days: dict[int, list[_Und]] = {}
        index = {d: i for i, d in enumerate(cal[: self.ndays])}
        for und in self.unds:
            if not und.t.dividend_yield:
                continue
            month0, day0 = rng.randrange(1, 4), rng.randrange(5, 26)
            for year in range(first.year, LAST_YEAR + 1):
                for month in range(month0, 13, 3):
                    day = date(year, month, day0)
                    while day not in index and day <= last:
                        day += timedelta(days=1)
                    if day in index:
                        self.div_days.setdefault(index[day], []).append(und)

    def _next(self, flags: list[bool], min_days: int) -> list[int]:
        """For each day, the first flagged day at least `min_days` calendar days later (-1: none)."""
        n, ords = len(flags), self.ords
        found = [-1] * n
        j = 0
        for i in range(n):
            j = max(j, i + 1)
            while j < n and (not flags[j] or ords[j] - ords[i] < min_days):
                j += 1
            found[i] = j if j < n else -1
        return found

    # -- rows ------------------------------------------------------------------------------------------

    def _ts(self) -> str:
        """A new trade time of the day, as a placeholder: the number of the day's order. `days()` turns them
        into sorted random times, so that the day's trades happen in the order they were decided (a lane's
        buy-back before another lane's sale of the same contract, when that sale counted on it)."""
        self.orders_today += 1
        return str(self.orders_today - 1)

    def _order(self) -> str:
        self.order_count += 1
        return f"{self.prefix}O{self.order_count}"

    def _symbol(self, und: _Und, expiry: int, right: str, strike: int) -> str:
        return f"{und.symbol}{self.yymmdd[expiry]}{right}{self.strikes[strike]}"

    def _dated(
        self, acct: _Acct, action: str, symbol: str, qty: str, fees: str, amount: str, note: str
    ) -> None:
        """A row dated by the day alone (at its start): cash, a split, an assignment or exercise."""
        self.early.append([self.ds[self.d], acct.name, action, symbol, qty, "", fees, amount, "", "", note])

    def _cash(self, acct: _Acct, action: str, amount: int, symbol: str = "", note: str = "") -> None:
        """A cash row of `amount` cents, and the account's cash."""
        acct.cash += amount / 100
        self._dated(acct, action, symbol, "", "", cents(amount), note)

    def _trade(
        self,
        ts: str,
        acct: _Acct,
        action: str,
        symbol: str,
        qty: int,
        price: int,
        fee: int,
        order: str,
        note: str,
    ) -> None:
        """A trade row; `price` and `fee` in cents."""
        money = self.money
        self.trades.append(
            [ts, acct.name, action, symbol, str(qty), money[price], money[fee], "", order, "", note]
        )

    @staticmethod
    def _option_fee(acct: _Acct, contracts: int, opening: bool) -> int:
        fee = contracts * (acct.open_fee if opening else acct.close_fee)
        return acct.cap if acct.cap and fee > acct.cap else fee

    def _later(self, lane: _Lane, day: int) -> None:
        if day < self.ndays:
            self.agenda[day].append((OPEN, lane, lane.token))

    def _schedule(self, lane: _Lane, expiry: int) -> None:
        """A new position's checks: halfway (often), the day before expiry, and at expiry."""
        lane.token += 1
        d, token, agenda, ndays = self.d, lane.token, self.agenda, self.ndays
        mid = d + (expiry - d) // 2
        if d < mid < expiry - 1 and mid < ndays and self.rnd() < 0.4:
            agenda[mid].append((MID, lane, token))
        if d < expiry - 1 < ndays:
            agenda[expiry - 1].append((LATE, lane, token))
        if expiry < ndays:
            agenda[expiry].append((EXPIRY, lane, token))

    def _reopen(self, lane: _Lane) -> None:
        """After a position closes: the next trading day, or the next week."""
        lane.pos = None
        lane.token += 1
        day = self.d + 1 if self.rnd() < 0.6 else self.next_week[self.d]
        if day < self.ndays:
            self.agenda[day].append((OPEN, lane, lane.token))

    def _net(self, acct: _Acct, key: tuple[int, int, int], change: int) -> None:
        held = acct.net.get(key, 0) + change
        if held:
            acct.net[key] = held
        else:
            del acct.net[key]

    def _years_to(self, expiry: int) -> float:
        return (self.ords[expiry] - self.ords[self.d] + 0.3) / 365.0

    # -- the day ---------------------------------------------------------------------------------------

    def days(self) -> Iterator[tuple[int, list[Row]]]:
        """Each trading day's rows, in time order, with ids."""
        prefix = self.prefix
        handlers = (self._open, self._mid, self._late, self._expiry)
        for d in range(self.ndays):
            self.d = d
            self.early, self.trades, self.late = [], [], []
            if d == 0:
                for acct, amount in zip(self.accts, self.deposits, strict=True):
                    self._cash(acct, "DEPOSIT", round(amount * 100), note="opening deposit")
            else:
                self._move_prices()
            if self.week_start[d] and d:
                self._corporate_actions()
            if self.month_start[d] and d:
                self._month()
            for und in self.div_days.get(d, ()):
                self._dividend(und)
            agenda, self.agenda[d] = self.agenda[d], []
            for kind, lane, token in agenda:
                if lane.token == token:
                    handlers[kind](lane)
            trades = self.trades
            if trades:
                day, times, rnd = self.ds[d], self.times, self.rnd
                stamps = [
                    day + times[t] for t in sorted([int(rnd() * 23400) for _ in range(self.orders_today)])
                ]
                for row in trades:
                    row[0] = stamps[int(row[0])]
            self.orders_today = 0
            rows = self.early + trades + self.late
            n = self.row_count
            for row in rows:
                n += 1
                row[9] = f"{prefix}{n}"
            self.row_count = n
            yield d, rows

    def _move_prices(self) -> None:
        """One day of the random walk: market, sector and own moves (a rare crash day)."""
        gauss, rnd = self.rng.gauss, self.rnd
        market = gauss(0.0, 1.0)
        if rnd() < 0.002:
            market -= 3.0 + 4.0 * rnd()
        sectors = [gauss(0.0, 1.0) for _ in SECTORS]
        for und in self.unds:
            daily = und.vol * 0.063  # / sqrt(252)
            z = 0.55 * market + 0.45 * sectors[und.sector] + 0.7036 * gauss(0.0, 1.0)
            price = und.price * exp(0.0003 - 0.5 * daily * daily + daily * z)
            und.price = price if price > 0.25 else 0.25 + 0.1 * rnd()

    def _month(self) -> None:
        """The first trading day of a month: interest on last month's cash, fees, contributions."""
        day = self.dates[self.d]
        rate = RATES.get(day.year, 2.0) / 100
        for acct in self.accts:
            b = acct.b
            interest = int(acct.cash * rate / 12 * 100)
            if interest > 0:
                self._cash(acct, "INTEREST", interest, note="credit interest")
            if b.monthly_fee:
                self._cash(acct, "FEE", -round(b.monthly_fee * 100), note="platform fee")
            if b.contribution and day.month % b.every == (4 % b.every if b.every > 1 else 0):
                self._cash(acct, "DEPOSIT", round(b.contribution * 100), note="contribution")
            if day.month == 3:
                for und in self.unds:
                    if not und.t.adr:
                        continue
                    shares = sum(lane.shares for lane in und.by_acct[acct.idx])
                    if shares:
                        self._cash(acct, "FEE", -max(1, 2 * shares), und.symbol, "ADR custody fee")

    def _dividend(self, und: _Und) -> None:
        per_share = max(1, round(und.price * und.t.dividend_yield / 4 * 100))  # cents
        for acct in self.accts:
            shares = sum(lane.shares for lane in und.by_acct[acct.idx])
            if shares:
                self._cash(acct, "DIVIDEND", shares * per_share, und.symbol, f"{cents(per_share)}/share")

    # -- splits ----------------------------------------------------------------------------------------

    def _corporate_actions(self) -> None:
        """Weekly: a forward split of a stock that has run up, now and then; a reverse split of one that has
        collapsed, once nothing on it is open."""
        rnd = self.rnd
        for und in self.unds:
            if und.pending_reverse:
                if all(lane.pos is None and lane.shares % 100 == 0 for lane in und.lanes):
                    self._split(und, 1, 10)
                continue
            price = und.price
            if price < 1.0 and rnd() < 0.05:
                und.pending_reverse = True  # no new trades in it until the options on it are gone
            elif price > und.split_at and self.d - und.split_day > 500 and rnd() < 0.02:
                ratio = 3 if price > 1.5 * und.split_at or rnd() < 0.25 else 2
                strikes = [
                    s for lane in und.lanes if lane.pos for s in (lane.pos.strike, lane.pos.long_strike)
                ]
                if any(s % ratio for s in strikes):
                    ratio = 2
                if not any(s % ratio for s in strikes):
                    self._split(und, ratio, 1)

    def _split(self, und: _Und, new: int, old: int) -> None:
        """A `new:old` split: shares x new/old; open options (only forward): contracts x new, strike / new."""
        for acct in self.accts:
            lanes = und.by_acct[acct.idx]
            if any(lane.shares or lane.pos for lane in lanes):
                kind = "reverse split" if new < old else "split"
                self._dated(acct, "SPLIT", und.symbol, f"{new}:{old}", "", "", f"{new}-for-{old} {kind}")
            if new > old:
                moved = [(key, acct.net.pop(key)) for key in [k for k in acct.net if k[0] == und.idx]]
                for (idx, expiry, strike), held in moved:
                    acct.net[(idx, expiry, strike // new)] = held * new
            for lane in lanes:
                lane.shares = lane.shares * new // old
                lane.basis = lane.basis * old / new
                pos = lane.pos
                if pos is not None:
                    pos.strike //= new
                    pos.long_strike //= new
                    pos.contracts *= new
                    pos.premium //= new
                    pos.long_premium //= new
                    pos.symbol = self._symbol(und, pos.expiry, pos.right, pos.strike)
                    if pos.long_strike:
                        pos.long_symbol = self._symbol(und, pos.expiry, "P", pos.long_strike)
        und.price = und.price * old / new
        und.split_day = self.d
        if new < old:
            und.pending_reverse = False
            self.reverse_splits += 1
        else:
            self.splits += 1

    # -- the lanes -------------------------------------------------------------------------------------

    def _budget(self, acct: _Acct) -> float:
        """Capital for one new position: the account's equity spread over its lanes, give or take (DOMAIN.md:
        1-3% of the portfolio a position with the default 40 underlyings)."""
        return (acct.cash + acct.stock_cost) / acct.positions * (0.4 + 0.8 * self.rnd())

    def _expiry_for(self, lane: _Lane) -> int:
        """The expiry a new position takes: the next monthly, or the week's (sometimes the next week's)."""
        d = self.d
        if lane.monthly or d < self.weeklies_from:
            return self.next_monthly[d]
        e = self.next_weekly[d]
        if e >= 0 and self.rnd() < 0.25:
            e = self.next_weekly[e]
        return e

    def _open(self, lane: _Lane) -> None:
        """An idle lane's move: covered calls on its shares, else a put or a put spread, or a pause."""
        if lane.pos is not None:
            return
        rnd, d, und, acct = self.rnd, self.d, lane.und, lane.acct
        shares = lane.shares
        odd = shares % 100
        if odd and (shares < 100 or rnd() < 0.5 or und.pending_reverse):
            self._stock(lane, "SELL", odd, "odd lot")
            shares -= odd
        if und.pending_reverse:
            self._later(lane, self.next_week[d])
            return
        x = rnd()
        if shares >= 100:
            if x < 0.02:
                self._stock(lane, "SELL", shares, "exit")
                self._reopen(lane)
            elif x < 0.08 or not self._sell_call(lane):
                self._later(lane, self.next_week[d])
            return
        budget = min(self._budget(acct), acct.cash - acct.reserved)
        if x < 0.06:
            lots = int(budget / (und.price * 100))
            if x < 0.025 and lots > 0:
                self._stock(lane, "BUY", 100 * lots)
                self._later(lane, d + 1)
            else:
                self._later(lane, self.next_week[d])
            return
        if und.price * 90 <= budget and x > 0.18:
            opened = self._sell_put(lane, budget) or self._sell_spread(lane, budget)
        else:
            opened = self._sell_spread(lane, budget)
        if not opened:
            self._later(lane, self.next_week[d])

    def _stock(self, lane: _Lane, action: str, shares: int, note: str = "") -> None:
        acct = lane.acct
        price = int(lane.und.price * 100 + 0.5)
        value, fee = shares * price / 100, acct.stock_fee
        self._trade(self._ts(), acct, action, lane.und.symbol, shares, price, fee, self._order(), note)
        if action == "BUY":
            acct.cash -= value + fee / 100
            acct.stock_cost += value
            lane.basis = price / 100
            lane.shares += shares
        else:
            acct.cash += value - fee / 100
            acct.stock_cost -= shares * lane.basis
            lane.shares -= shares

    def _sell_to_open(
        self,
        acct: _Acct,
        ts: str,
        order: str,
        symbol: str,
        contracts: int,
        premium: int,
        note: str,
        fills: bool = True,
    ) -> None:
        """The STO rows of one order: one, or (now and then) its partial fills."""
        text, per, cap, add = self.money[premium], acct.open_fee, acct.cap, self.trades.append
        parts: tuple[int, ...] | list[int] = (contracts,)
        if fills and contracts > 1 and self.rnd() < 0.12:
            rnd = self.rnd
            cut = 1 + int(rnd() * (contracts - 1))
            parts = [cut, contracts - cut]
            if contracts > 2 and rnd() < 0.4:
                second = cut + int(rnd() * (contracts - cut))
                if cut < second < contracts:
                    parts = [cut, second - cut, contracts - second]
        fees = 0
        for fill in parts:
            fee = fill * per
            if cap and fee > cap:
                fee = cap  # a broker's cap per leg (tastytrade's $10)
            fees += fee
            add([ts, acct.name, "STO", symbol, str(fill), text, self.money[fee], "", order, "", note])
        acct.cash += (premium * contracts * 100 - fees) / 100

    def _sell_put(self, lane: _Lane, budget: float) -> bool:
        """A cash-secured put some 0.3 to 1.2 standard deviations out of the money."""
        acct, und, rnd = lane.acct, lane.und, self.rnd
        e = self._expiry_for(lane)
        if e < 0:
            return False
        s, t = und.price, self._years_to(e)
        vol = und.vol * (1.0 + 0.25 * rnd())
        step = increment(s)
        k = int(s * exp(-(0.3 + 0.9 * rnd()) * vol * sqrt(t)) * 1000) // step * step
        if k >= s * 1000:
            k -= step
        if k <= 0:
            return False
        value = put_value(s, k / 1000, t, vol)
        if value < 0.05 and k + step < s * 1000:
            k += step
            value = put_value(s, k / 1000, t, vol)
        premium = int(value * 100 + 0.5)
        per_contract = k / 10
        contracts = min(int(budget / per_contract), 200)
        key = (und.idx, e, k)
        if premium < 5 or contracts < 1 or acct.net.get(key, 0) > 0:
            return False
        symbol = self._symbol(und, e, "P", k)
        self._sell_to_open(acct, self._ts(), self._order(), symbol, contracts, premium, "CSP")
        collateral = per_contract * contracts
        acct.reserved += collateral
        self._net(acct, key, -contracts)
        lane.pos = _Pos(CSP, "P", e, k, contracts, premium, collateral, symbol)
        self._schedule(lane, e)
        return True

    def _sell_spread(self, lane: _Lane, budget: float) -> bool:
        """A bull put spread: short some 0.2 to 0.9 standard deviations out, long 2-6% below, one order."""
        acct, und, rnd = lane.acct, lane.und, self.rnd
        e = self._expiry_for(lane)
        if e < 0:
            return False
        s, t = und.price, self._years_to(e)
        step = increment(s)
        width = step * max(1, round(s * (0.02 + 0.04 * rnd()) * 1000 / step))
        contracts = min(int(budget / (width / 10)), 30)
        if contracts < 1:
            return False
        vol = und.vol * (1.0 + 0.25 * rnd())
        k1 = int(s * exp(-(0.2 + 0.7 * rnd()) * vol * sqrt(t)) * 1000) // step * step
        if k1 >= s * 1000:
            k1 -= step
        k2 = k1 - width
        if k2 <= 0:
            return False
        short = int(put_value(s, k1 / 1000, t, vol) * 100 + 0.5)
        long = max(1, int(put_value(s, k2 / 1000, t, vol) * 100 + 0.5))
        credit = short - long
        key1, key2 = (und.idx, e, k1), (und.idx, e, k2)
        if credit < 5 or credit * 10 >= width * 0.9 or acct.net.get(key1, 0) > 0 or acct.net.get(key2, 0) < 0:
            return False
        ts, order = self._ts(), self._order()
        symbol, long_symbol = self._symbol(und, e, "P", k1), self._symbol(und, e, "P", k2)
        self._sell_to_open(acct, ts, order, symbol, contracts, short, "bull put spread")
        fee = self._option_fee(acct, contracts, True)
        self._trade(ts, acct, "BTO", long_symbol, contracts, long, fee, order, "bull put spread")
        acct.cash -= (long * contracts * 100 + fee) / 100
        collateral = (width / 10 - credit) * contracts
        acct.reserved += collateral
        self._net(acct, key1, -contracts)
        self._net(acct, key2, contracts)
        lane.pos = _Pos(SPREAD, "P", e, k1, contracts, short, collateral, symbol, k2, long, long_symbol)
        self._schedule(lane, e)
        return True

    def _sell_call(self, lane: _Lane) -> bool:
        """Covered calls on the lane's shares, 0.3 to 1.2 standard deviations out, at the shares' basis or
        above when that still pays a nickel (mostly)."""
        acct, und, rnd = lane.acct, lane.und, self.rnd
        e = self._expiry_for(lane)
        if e < 0:
            return False
        s, t = und.price, self._years_to(e)
        vol = und.vol * (1.0 + 0.25 * rnd())
        step = increment(s)
        k = -(-int(s * exp((0.3 + 0.9 * rnd()) * vol * sqrt(t)) * 1000) // step) * step
        if k <= s * 1000:
            k += step
        floor_k = -(-int(lane.basis * 1000) // step) * step
        if floor_k > k and rnd() < 0.7 and put_value(s, floor_k / 1000, t, vol) + s - floor_k / 1000 >= 0.05:
            k = floor_k
        premium = int((put_value(s, k / 1000, t, vol) + s - k / 1000) * 100 + 0.5)
        if premium < 5:
            return False
        contracts = lane.shares // 100
        symbol = self._symbol(und, e, "C", k)
        self._sell_to_open(acct, self._ts(), self._order(), symbol, contracts, premium, "covered call")
        lane.pos = _Pos(CC, "C", e, k, contracts, premium, 0.0, symbol)
        self._schedule(lane, e)
        return True

    def _value(self, und: _Und, right: str, strike: int, expiry: int) -> int:
        """An option's price now, in cents (at least 1)."""
        s, k = und.price, strike / 1000
        put = put_value(s, k, (self.ords[expiry] - self.ords[self.d] + 0.3) / 365.0, und.vol * 1.1)
        value = int((put if right == "P" else put + s - k) * 100 + 0.5)
        return value if value > 0 else 1

    def _buy_to_close(self, lane: _Lane, pos: _Pos, price: int, ts: str, order: str, note: str) -> None:
        acct = lane.acct
        fee = self._option_fee(acct, pos.contracts, False)
        self._trade(ts, acct, "BTC", pos.symbol, pos.contracts, price, fee, order, note)
        acct.cash -= (price * pos.contracts * 100 + fee) / 100
        if pos.right == "P":
            self._net(acct, (lane.und.idx, pos.expiry, pos.strike), pos.contracts)

    def _close(self, lane: _Lane, note: str) -> None:
        """Buy the position back (a spread: both legs in one order) and free the lane."""
        pos, acct, und = lane.pos, lane.acct, lane.und
        assert pos is not None
        ts, order = self._ts(), self._order()
        self._buy_to_close(lane, pos, self._value(und, pos.right, pos.strike, pos.expiry), ts, order, note)
        if pos.kind == SPREAD:
            long = self._value(und, "P", pos.long_strike, pos.expiry)
            fee = self._option_fee(acct, pos.contracts, False)
            self._trade(ts, acct, "STC", pos.long_symbol, pos.contracts, long, fee, order, note)
            acct.cash += (long * pos.contracts * 100 - fee) / 100
            self._net(acct, (und.idx, pos.expiry, pos.long_strike), -pos.contracts)
        acct.reserved -= pos.collateral
        self._reopen(lane)

    def _mid(self, lane: _Lane) -> None:
        """Halfway to expiry: take the profit when half the credit is made."""
        pos = lane.pos
        assert pos is not None
        value = self._value(lane.und, pos.right, pos.strike, pos.expiry)
        if pos.kind == SPREAD:
            value -= self._value(lane.und, "P", pos.long_strike, pos.expiry)
            if 2 * value <= pos.premium - pos.long_premium:
                self._close(lane, "take profit")
        elif 2 * value <= pos.premium:
            self._close(lane, "take profit")

    def _late(self, lane: _Lane) -> None:
        """The day before expiry: roll what is in the money, or let it be assigned (early, now and then)."""
        pos, und, rnd = lane.pos, lane.und, self.rnd
        assert pos is not None
        s, k = und.price * 1000, pos.strike
        if pos.kind == SPREAD:
            need = k / 10 * pos.contracts
            if s < k * 1.02 and (rnd() < 0.8 or lane.acct.cash - lane.acct.reserved + pos.collateral < need):
                self._close(lane, "close tested spread")
            return
        if s < k if pos.right == "P" else s > k:
            x = rnd()
            if x < 0.45 and self._roll(lane, pos):
                return
            if x > 0.93 and abs(s - k) > 0.02 * k:
                self._assign(lane, pos, "early assignment")
            return
        if rnd() < 0.12 and self._value(und, pos.right, pos.strike, pos.expiry) < 5:
            self._close(lane, "close for a nickel")

    def _roll(self, lane: _Lane, pos: _Pos) -> bool:
        """Buy to close and sell to open one further out (and down for a put, up for a call), one order, for a
        credit; False when no such roll pays."""
        und, acct = lane.und, lane.acct
        put = pos.right == "P"
        cost = self._value(und, pos.right, pos.strike, pos.expiry)
        step = increment(und.price)
        following = self.next_monthly if lane.monthly or self.d < self.weeklies_from else self.next_weekly
        expiry = pos.expiry
        for _ in range(2):
            expiry = following[expiry]
            if expiry < 0:
                return False
            for steps in (2, 1, 0):
                if put:
                    k = (pos.strike - steps * step) // step * step
                else:
                    k = -(-(pos.strike + steps * step) // step) * step
                if k <= 0 or (put and acct.net.get((und.idx, expiry, k), 0) > 0):
                    continue
                premium = self._value(und, pos.right, k, expiry)
                if premium - cost < 5:
                    continue
                ts, order = self._ts(), self._order()
                self._buy_to_close(lane, pos, cost, ts, order, "roll")
                symbol = self._symbol(und, expiry, pos.right, k)
                self._sell_to_open(acct, ts, order, symbol, pos.contracts, premium, "roll", fills=False)
                if put:
                    self._net(acct, (und.idx, expiry, k), -pos.contracts)
                    collateral = k / 10 * pos.contracts
                    acct.reserved += collateral - pos.collateral
                    pos.collateral = collateral
                pos.expiry, pos.strike, pos.premium, pos.symbol = expiry, k, premium, symbol
                self._schedule(lane, expiry)
                return True
        return False

    def _end_row(self, lane: _Lane, pos: _Pos, action: str, note: str) -> None:
        """An ASSIGN (of the short option) or EXERCISE (of a spread's long put) row, date only: it happened at
        the close; and the shares it moves."""
        acct, und = lane.acct, lane.und
        exercise = action == "EXERCISE"
        strike = pos.long_strike if exercise else pos.strike
        fee = acct.assign_fee
        symbol = pos.long_symbol if exercise else pos.symbol
        self._dated(acct, action, symbol, str(pos.contracts), self.money[fee] if fee else "", "", note)
        shares, value = 100 * pos.contracts, strike / 10 * pos.contracts
        if not exercise and pos.right == "P":
            acct.cash -= value + fee / 100
            acct.stock_cost += value
            cost = lane.basis * lane.shares + value - pos.premium * pos.contracts  # the wheel's basis
            lane.basis = cost / (lane.shares + shares)
            lane.shares += shares
        else:
            acct.cash += value - fee / 100
            acct.stock_cost -= lane.basis * shares
            lane.shares -= shares
        if exercise:
            self._net(acct, (und.idx, pos.expiry, strike), -pos.contracts)
        elif pos.right == "P":
            self._net(acct, (und.idx, pos.expiry, strike), pos.contracts)

    def _assign(self, lane: _Lane, pos: _Pos, note: str) -> None:
        self._end_row(lane, pos, "ASSIGN", note)
        lane.acct.reserved -= pos.collateral
        self._reopen(lane)

    def _expire_row(self, lane: _Lane, pos: _Pos, long: bool) -> None:
        acct = lane.acct
        symbol = pos.long_symbol if long else pos.symbol
        self.late.append(
            [self.ds[self.d], acct.name, "EXPIRE", symbol, str(pos.contracts), "", "", "", "", "", ""]
        )
        if pos.right == "P":
            strike = pos.long_strike if long else pos.strike
            self._net(acct, (lane.und.idx, pos.expiry, strike), -pos.contracts if long else pos.contracts)

    def _expiry(self, lane: _Lane) -> None:
        """At the close of the expiration day: assigned when in the money, else expired (both legs of a spread
        apart: the long put is exercised when it is in the money too)."""
        pos, und = lane.pos, lane.und
        assert pos is not None
        s, k = und.price * 1000, pos.strike
        if pos.kind == SPREAD:
            if s >= k:
                self._expire_row(lane, pos, False)
                self._expire_row(lane, pos, True)
            else:
                self._end_row(lane, pos, "ASSIGN", "assigned")
                if s < pos.long_strike:
                    self._end_row(lane, pos, "EXERCISE", "exercised")
                else:
                    self._expire_row(lane, pos, True)
            lane.acct.reserved -= pos.collateral
            self._reopen(lane)
        elif s < k if pos.right == "P" else s > k:
            self._assign(lane, pos, "assigned" if pos.right == "P" else "called away")
        else:
            self._expire_row(lane, pos, False)
            lane.acct.reserved -= pos.collateral
            self._reopen(lane)


def lanes_for(max_rows: int | None, accounts: int, underlyings: int, years: int) -> float:
    """Lanes per account and underlying (on average) for `max_rows` rows within `years`; 1 without a target,
    and never fewer (a small target then ends the history early). A year before weeklies (2010) makes about
    half the rows of one after."""
    if not max_rows:
        return 1.0
    span = sum(1.0 if year >= 2010 else 0.46 for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1))
    return max(1.0, round(max_rows / (ROWS_PER_LANE_YEAR * accounts * underlyings * span), 2))


def _batches(sim: Simulation, max_rows: int | None) -> Iterator[tuple[int, list[Row]]]:
    """The simulation's days, the last one cut so that exactly `max_rows` rows come out."""
    left = max_rows
    for d, rows in sim.days():
        if left is not None:
            if len(rows) >= left:
                yield d, rows[:left]
                return
            left -= len(rows)
        yield d, rows


def generate(
    seed: int,
    accounts: int = 3,
    underlyings: int = 40,
    years: int = 10,
    max_rows: int | None = None,
    *,
    lanes: float | None = None,
) -> Iterator[list[str]]:
    """Journal-CSV rows (11 strings in `COLUMNS` order, no header), in time order, the same for the same
    arguments. With `max_rows`, exactly that many: the history then runs `lanes_for(...)` lanes per account
    and underlying (unless `lanes` is given), so that they fill most of `years` (were the history to end
    first, fewer)."""
    sim = Simulation(
        seed, accounts, underlyings, years, lanes or lanes_for(max_rows, accounts, underlyings, years)
    )
    for _, rows in _batches(sim, max_rows):
        yield from rows


# -- OFX -------------------------------------------------------------------------------------------------

_COMPACT = re.compile(r"^([A-Z][A-Z0-9]*?)(\d{6})([CP])(\d+(?:\.\d+)?)$")


@cache
def _cusip(ticker: str) -> str:
    """A made-up CUSIP for a ticker (issuer from its CRC, issue 10) with a valid check digit."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    crc = zlib.crc32(ticker.encode())
    issuer = "".join(alphabet[(crc >> (5 * i)) % 34] for i in range(6))
    body = issuer + "10"
    total = 0
    for i, ch in enumerate(body):
        v = int(ch) if ch.isdigit() else ord(ch) - 55
        if i % 2:
            v *= 2
        total += v // 10 + v % 10
    return body + str((10 - total % 10) % 10)


def _dst(day: date) -> bool:
    """US daylight saving time (the rules since 2007)."""
    start = _nth(day.year, 3, 6, 2)
    end = _nth(day.year, 11, 6, 1)
    return start <= day < end


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if text else text


class _OfxAccount:
    """One account's statement so far: its transactions (in a temporary file), dates, securities, shares."""

    __slots__ = ("broker", "body", "first", "last", "stocks", "options", "shares")

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.body: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self.first = self.last = ""
        self.stocks: dict[str, None] = {}
        self.options: dict[str, tuple[str, str, str, str]] = {}
        self.shares: dict[str, int] = {}  # for a SPLIT's OLDUNITS


class OfxWriter:
    """OFX 2.2 XML investment statements, one INVSTMTRS per account, from journal-CSV rows.

    One transaction per line. An assignment or exercise is a CLOSUREOPT of the option plus its stock leg: a
    CLOSUREOPT on the shares (aclindsa/ofxgo's broker-derived form), or a BUYSTOCK / SELLSTOCK at the strike
    when the broker charges for it (the fee has no other place). The statements are buffered in temporary
    files because OFX wants each account's transactions together, and SECLIST (written last, as the
    message-set order allows) lists every security used."""

    def __init__(self, brokers: list[Broker], names: dict[str, str]) -> None:
        self.accounts = {b.account: _OfxAccount(b) for b in brokers}
        self.names = names
        self.days: dict[str, tuple[str, str]] = {}
        self.parsed: dict[str, tuple[str, str, str, str]] = {}

    def _dt(self, text: str) -> str:
        """An OFX time (the exchange's local time, with its offset) of a journal `date` cell."""
        day = self.days.get(text[:10])
        if day is None:
            when = date.fromisoformat(text[:10])
            day = self.days[text[:10]] = (f"{when:%Y%m%d}", "[-4:EDT]" if _dst(when) else "[-5:EST]")
        clock = f"{text[11:13]}{text[14:16]}{text[17:19]}" if len(text) > 10 else "000000"
        return f"{day[0]}{clock}.000{day[1]}"

    def _option(self, account: _OfxAccount, symbol: str) -> tuple[str, str, str, str]:
        """(OCC without spaces, underlying, right, strike text) of a compact symbol, listed for SECLIST."""
        found = self.parsed.get(symbol)
        if found is None:
            m = _COMPACT.match(symbol)
            if m is None:
                raise ValueError(f"not an option symbol: {symbol}")
            root, ymd, right, strike = m.groups()
            thousandths = round(Decimal(strike) * 1000)
            found = self.parsed[symbol] = (f"{root}{ymd}{right}{thousandths:08d}", root, right, strike)
        if symbol not in account.options:
            account.options[symbol] = found
            account.stocks.setdefault(found[1], None)
        return found

    def _secid(self, uid: str) -> str:
        return f"<SECID><UNIQUEID>{uid}</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>"

    def _stock_secid(self, account: _OfxAccount, ticker: str) -> str:
        account.stocks.setdefault(ticker, None)
        return self._secid(_cusip(ticker))

    def write_row(self, row: Row) -> None:
        when, name, action, symbol, qty, price, fees, amount, _, fitid, note = row
        account = self.accounts[name]
        if not account.first:
            account.first = when
        account.last = when
        dt = self._dt(when)
        memo = f"<MEMO>{_xml(note)}</MEMO>" if note else ""
        tran = f"<INVTRAN><FITID>{fitid}</FITID><DTTRADE>{dt}</DTTRADE>{memo}</INVTRAN>"
        out = account.body.write
        if action in ("STO", "BTC", "BTO", "STC"):
            occ, _, _, _ = self._option(account, symbol)
            n, fee = int(qty), round(float(fees or 0) * 100)
            gross = n * round(float(price) * 100) * 100
            buy = action[0] == "B"
            total = -(gross + fee) if buy else gross - fee
            units = n if buy else -n
            inner = (
                f"{tran}{self._secid(occ)}<UNITS>{units}</UNITS><UNITPRICE>{price}</UNITPRICE>"
                f"<COMMISSION>{cents(fee)}</COMMISSION><TOTAL>{cents(total)}</TOTAL>"
                "<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND>"
            )
            if buy:
                kind = "BUYTOOPEN" if action == "BTO" else "BUYTOCLOSE"
                out(
                    f"<BUYOPT><INVBUY>{inner}</INVBUY><OPTBUYTYPE>{kind}</OPTBUYTYPE>"
                    "<SHPERCTRCT>100</SHPERCTRCT></BUYOPT>\n"
                )
            else:
                kind = "SELLTOOPEN" if action == "STO" else "SELLTOCLOSE"
                out(
                    f"<SELLOPT><INVSELL>{inner}</INVSELL><OPTSELLTYPE>{kind}</OPTSELLTYPE>"
                    "<SHPERCTRCT>100</SHPERCTRCT></SELLOPT>\n"
                )
        elif action in ("BUY", "SELL"):
            n, fee = int(qty), round(float(fees or 0) * 100)
            self._stock_trade(account, tran, symbol, n, price, fee, action == "BUY")
        elif action in ("EXPIRE", "ASSIGN", "EXERCISE"):
            occ, root, right, strike = self._option(account, symbol)
            n = int(qty)
            out(
                f"<CLOSUREOPT>{tran}{self._secid(occ)}<OPTACTION>{action}</OPTACTION><UNITS>{n}</UNITS>"
                "<SHPERCTRCT>100</SHPERCTRCT><SUBACCTSEC>CASH</SUBACCTSEC></CLOSUREOPT>\n"
            )
            if action != "EXPIRE":
                buys = (action == "ASSIGN") == (right == "P")
                shares, fee = 100 * n, round(float(fees or 0) * 100)
                memo = f"<MEMO>{action.lower()}</MEMO>"
                leg = f"<INVTRAN><FITID>{fitid}S</FITID><DTTRADE>{dt}</DTTRADE>{memo}</INVTRAN>"
                if fee:
                    self._stock_trade(account, leg, root, shares, strike, fee, buys)
                else:
                    units = shares if buys else -shares
                    account.shares[root] = account.shares.get(root, 0) + units
                    out(
                        f"<CLOSUREOPT>{leg}{self._stock_secid(account, root)}<OPTACTION>{action}</OPTACTION>"
                        f"<UNITS>{units}</UNITS><SHPERCTRCT>100</SHPERCTRCT><SUBACCTSEC>CASH</SUBACCTSEC>"
                        "</CLOSUREOPT>\n"
                    )
        elif action == "DIVIDEND":
            out(
                f"<INCOME>{tran}{self._stock_secid(account, symbol)}<INCOMETYPE>DIV</INCOMETYPE>"
                f"<TOTAL>{amount}</TOTAL><SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></INCOME>\n"
            )
        elif action == "FEE" and symbol:
            out(
                f"<INVEXPENSE>{tran}{self._stock_secid(account, symbol)}<TOTAL>{amount}</TOTAL>"
                "<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></INVEXPENSE>\n"
            )
        elif action in ("INTEREST", "FEE", "DEPOSIT", "WITHDRAW"):
            kind = {"INTEREST": "INT", "FEE": "FEE", "DEPOSIT": "DEP", "WITHDRAW": "XFER"}[action]
            label = _xml(note or action.title())[:32]
            out(
                f"<INVBANKTRAN><STMTTRN><TRNTYPE>{kind}</TRNTYPE><DTPOSTED>{dt}</DTPOSTED><TRNAMT>{amount}</TRNAMT>"
                f"<FITID>{fitid}</FITID><NAME>{label}</NAME></STMTTRN><SUBACCTFUND>CASH</SUBACCTFUND>"
                "</INVBANKTRAN>\n"
            )
        elif action == "SPLIT":
            new, old = (int(x) for x in qty.split(":"))
            held = account.shares.get(symbol, 0)
            after = held * new // old
            account.shares[symbol] = after
            out(
                f"<SPLIT>{tran}{self._stock_secid(account, symbol)}<SUBACCTSEC>CASH</SUBACCTSEC>"
                f"<OLDUNITS>{held}</OLDUNITS><NEWUNITS>{after}</NEWUNITS><NUMERATOR>{new}</NUMERATOR>"
                f"<DENOMINATOR>{old}</DENOMINATOR></SPLIT>\n"
            )
        else:
            raise ValueError(f"no OFX for a {action} row")

    def _stock_trade(
        self, account: _OfxAccount, tran: str, ticker: str, shares: int, price: str, fee: int, buy: bool
    ) -> None:
        gross = round(Decimal(price) * shares * 100)
        total = -(gross + fee) if buy else gross - fee
        account.shares[ticker] = account.shares.get(ticker, 0) + (shares if buy else -shares)
        inner = (
            f"{tran}{self._stock_secid(account, ticker)}<UNITS>{shares if buy else -shares}</UNITS>"
            f"<UNITPRICE>{price}</UNITPRICE><COMMISSION>{cents(fee)}</COMMISSION><TOTAL>{cents(total)}</TOTAL>"
            "<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND>"
        )
        if buy:
            account.body.write(f"<BUYSTOCK><INVBUY>{inner}</INVBUY><BUYTYPE>BUY</BUYTYPE></BUYSTOCK>\n")
        else:
            account.body.write(
                f"<SELLSTOCK><INVSELL>{inner}</INVSELL><SELLTYPE>SELL</SELLTYPE></SELLSTOCK>\n"
            )

    def finish(self, out: TextIO, only: str | None = None) -> None:
        """The whole document (or one account's, `only`) to `out`."""
        chosen = [a for a in self.accounts.values() if only is None or a.broker.account == only]
        now = max((a.last for a in chosen if a.last), default="2000-01-01")
        server = self._dt(now[:10])
        org = chosen[0].broker if len(chosen) == 1 else None
        out.write(
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
            "<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
            f"<DTSERVER>{server}</DTSERVER><LANGUAGE>ENG</LANGUAGE>"
        )
        if org is not None:
            out.write(
                f"<FI><ORG>{_xml(org.org)}</ORG><FID>{zlib.crc32(org.org.encode()) % 100000}</FID></FI>"
            )
        out.write("</SONRS></SIGNONMSGSRSV1>\n<INVSTMTMSGSRSV1>\n")
        for n, account in enumerate(chosen, start=1):
            b = account.broker
            first, last = account.first or now, account.last or now
            out.write(
                f"<INVSTMTTRNRS><TRNUID>{n}</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
                f"<INVSTMTRS><DTASOF>{self._dt(last[:10])}</DTASOF><CURDEF>USD</CURDEF>"
                f"<INVACCTFROM><BROKERID>{b.domain}</BROKERID><ACCTID>{b.account}</ACCTID></INVACCTFROM>\n"
                f"<INVTRANLIST><DTSTART>{self._dt(first[:10])}</DTSTART><DTEND>{self._dt(last[:10])}</DTEND>\n"
            )
            account.body.seek(0)
            while chunk := account.body.read(1 << 20):
                out.write(chunk)
            out.write("</INVTRANLIST></INVSTMTRS></INVSTMTTRNRS>\n")
        out.write("</INVSTMTMSGSRSV1>\n<SECLISTMSGSRSV1><SECLIST>\n")
        stocks: dict[str, None] = {}
        options: dict[str, tuple[str, str, str, str]] = {}
        for account in chosen:
            stocks.update(account.stocks)
            options.update(account.options)
        for ticker in stocks:
            out.write(
                f"<STOCKINFO><SECINFO>{self._secid(_cusip(ticker))}<SECNAME>{_xml(self.names[ticker])}"
                f"</SECNAME><TICKER>{ticker}</TICKER></SECINFO><STOCKTYPE>COMMON</STOCKTYPE></STOCKINFO>\n"
            )
        for occ, root, right, strike in options.values():
            ymd = occ[len(root) : len(root) + 6]
            expiry = date(2000 + int(ymd[:2]), int(ymd[2:4]), int(ymd[4:]))
            kind = "PUT" if right == "P" else "CALL"
            padded = f"{root:<6}{occ[len(root) :]}"
            name = f"{kind} {root} {expiry:%b %d %y} {strike}".upper()
            out.write(
                f"<OPTINFO><SECINFO>{self._secid(occ)}<SECNAME>{name}"
                f"</SECNAME><TICKER>{padded}</TICKER></SECINFO><OPTTYPE>{kind}</OPTTYPE>"
                f"<STRIKEPRICE>{strike}</STRIKEPRICE><DTEXPIRE>{expiry:%Y%m%d}</DTEXPIRE>"
                f"<SHPERCTRCT>100</SHPERCTRCT>{self._secid(_cusip(root))}</OPTINFO>\n"
            )
        out.write("</SECLIST></SECLISTMSGSRSV1>\n</OFX>\n")

    def close(self) -> None:
        for account in self.accounts.values():
            account.body.close()


# -- Beancount -------------------------------------------------------------------------------------------


def _bean_component(account: str) -> str:
    text = re.sub(r"[^A-Za-z0-9-]", "-", account)
    return text if text[:1].isupper() or text[:1].isdigit() else "X" + text


def _decimal_text(value: Decimal) -> str:
    """A cost per unit after a split, to 10 places at most (1/3 of a cent is not exact anyway)."""
    return format(value.quantize(Decimal("0.0000000001")).normalize(), "f")


class _Lot:
    """A Beancount lot the writer keeps: quantity (negative: written options), cost per unit, cost date."""

    __slots__ = ("qty", "cost", "day")

    def __init__(self, qty: int, cost: str, day: str) -> None:
        self.qty, self.cost, self.day = qty, cost, day


class BeancountWriter:
    """The same trades as a Beancount v3 ledger, for timing Beancount's own load against the journal's.

    Options are commodities counted in contracts at a cost per contract (premium x 100); a written option is
    a negative lot. Buys and sales to open give the cost `{...}`; closings reduce with `{}` (FIFO booking),
    and the realized gain goes to an `Income:...:PnL` posting that Beancount interpolates. A split reduces
    every lot of the stock (and of each open option on it, renamed to the adjusted contract) and re-adds it
    scaled, keeping each lot's cost date; the rounding of 1/3 goes to `Equity:...:Splits`. For that the
    writer keeps the FIFO lots itself. Stock prices are written weekly."""

    def __init__(self, out: TextIO, brokers: list[Broker], tickers: list[Ticker], first_day: str) -> None:
        self.out = out
        self.acct = {b.account: _bean_component(b.account) for b in brokers}
        self.commodities: dict[str, None] = {}
        self.lots: dict[tuple[str, str], deque[_Lot]] = {}  # (account, commodity) -> its open lots, FIFO
        self.by_underlying: dict[tuple[str, str], dict[str, None]] = {}  # (account, ticker) -> commodities
        w = out.write
        w(
            'option "title" "theta-journal generated wheel history"\n'
            'option "operating_currency" "USD"\noption "booking_method" "FIFO"\n\n'
        )
        w(f"{first_day} commodity USD\n")
        for t in tickers:
            w(f'{first_day} commodity {t.symbol}\n  name: "{t.name}"\n')
        w("\n")
        for a in self.acct.values():
            for name in (
                "Assets:{}:Cash USD",
                "Assets:{}:Stocks",
                "Assets:{}:Options",
                "Income:{}:PnL USD",
                "Income:{}:Dividends USD",
                "Income:{}:Interest USD",
                "Expenses:{}:Fees USD",
                "Equity:{}:Contributions USD",
                "Equity:{}:Splits USD",
            ):
                w(f"{first_day} open {name.format(a)}\n")
        w("\n")

    def _declare(self, day: str, commodity: str) -> None:
        if commodity not in self.commodities:
            self.commodities[commodity] = None
            self.out.write(f"{day} commodity {commodity}\n")

    def _add(self, account: str, commodity: str, underlying: str, qty: int, cost: str, day: str) -> None:
        key = (account, commodity)
        lots = self.lots.get(key)
        if lots is None:
            lots = self.lots[key] = deque()
            self.by_underlying.setdefault((account, underlying), {})[commodity] = None
        lots.append(_Lot(qty, cost, day))

    def _reduce(self, account: str, commodity: str, underlying: str, qty: int) -> int:
        """Take `qty` (a positive count) FIFO from the lots; the sign of the lots taken."""
        key = (account, commodity)
        lots = self.lots[key]
        sign = 1 if lots[0].qty > 0 else -1
        left = qty
        while left:
            lot = lots[0]
            take = min(left, abs(lot.qty))
            lot.qty -= sign * take
            left -= take
            if not lot.qty:
                lots.popleft()
        if not lots:
            del self.lots[key]
            del self.by_underlying[(account, underlying)][commodity]
        return sign

    def write_row(self, row: Row) -> None:
        when, name, action, symbol, qty, price, fees, amount, order, rid, note = row
        day, a, w = when[:10], self.acct[name], self.out.write
        link = f" ^{order}" if order else ""
        head = f'{day} * "{action} {symbol}" "id {rid}{"; " + note if note else ""}"{link}\n'
        if action in ("DEPOSIT", "WITHDRAW", "INTEREST", "FEE", "DIVIDEND"):
            other = {
                "DEPOSIT": "Equity:{}:Contributions",
                "WITHDRAW": "Equity:{}:Contributions",
                "INTEREST": "Income:{}:Interest",
                "FEE": "Expenses:{}:Fees",
                "DIVIDEND": "Income:{}:Dividends",
            }[action].format(a)
            w(f"{head}  Assets:{a}:Cash  {amount} USD\n  {other}\n\n")
            return
        fee = round(float(fees or 0) * 100)
        fee_line = f"  Expenses:{a}:Fees  {cents(fee)} USD\n" if fee else ""
        if action in ("BUY", "SELL"):
            n = int(qty)
            gross = round(Decimal(price) * n * 100)
            if action == "BUY":
                self._add(name, symbol, symbol, n, price, day)
                w(
                    f"{head}  Assets:{a}:Stocks  {n} {symbol} {{{price} USD}}\n"
                    f"  Assets:{a}:Cash  {cents(-gross - fee)} USD\n{fee_line}\n"
                )
            else:
                self._reduce(name, symbol, symbol, n)
                w(
                    f"{head}  Assets:{a}:Stocks  -{n} {symbol} {{}} @ {price} USD\n"
                    f"  Assets:{a}:Cash  {cents(gross - fee)} USD\n{fee_line}  Income:{a}:PnL\n\n"
                )
            return
        if action in ("STO", "BTO", "BTC", "STC"):
            n = int(qty)
            m = _COMPACT.match(symbol)
            assert m is not None
            underlying = m.group(1)
            premium = round(float(price) * 100)  # cents a share: dollars a contract
            gross = premium * n * 100
            per = cents(premium * 100)
            if action in ("STO", "BTO"):
                self._declare(day, symbol)
                sign = -1 if action == "STO" else 1
                self._add(name, symbol, underlying, sign * n, per, day)
                w(
                    f"{head}  Assets:{a}:Options  {sign * n} {symbol} {{{per} USD}}\n"
                    f"  Assets:{a}:Cash  {cents(-sign * gross - fee)} USD\n{fee_line}\n"
                )
            else:
                sign = 1 if action == "BTC" else -1
                self._reduce(name, symbol, underlying, n)
                w(
                    f"{head}  Assets:{a}:Options  {sign * n} {symbol} {{}} @ {per} USD\n"
                    f"  Assets:{a}:Cash  {cents(-sign * gross - fee)} USD\n{fee_line}  Income:{a}:PnL\n\n"
                )
            return
        if action in ("EXPIRE", "ASSIGN", "EXERCISE"):
            n = int(qty)
            m = _COMPACT.match(symbol)
            assert m is not None
            underlying, right, strike = m.group(1), m.group(3), m.group(4)
            held = self._reduce(name, symbol, underlying, n)
            lines = [head, f"  Assets:{a}:Options  {-held * n} {symbol} {{}}\n"]
            if action != "EXPIRE":
                shares = 100 * n
                value = round(Decimal(strike) * shares * 100)
                if (action == "ASSIGN") == (right == "P"):
                    self._add(name, underlying, underlying, shares, strike, day)
                    lines.append(
                        f"  Assets:{a}:Stocks  {shares} {underlying} {{{strike} USD}}\n"
                        f"  Assets:{a}:Cash  {cents(-value - fee)} USD\n"
                    )
                else:
                    self._reduce(name, underlying, underlying, shares)
                    lines.append(
                        f"  Assets:{a}:Stocks  -{shares} {underlying} {{}} @ {strike} USD\n"
                        f"  Assets:{a}:Cash  {cents(value - fee)} USD\n"
                    )
                lines.append(fee_line)
            lines.append(f"  Income:{a}:PnL\n\n")
            w("".join(lines))
            return
        if action == "SPLIT":
            new, old = (int(x) for x in qty.split(":"))
            self._split(head, name, a, day, symbol, new, old)
            return
        raise ValueError(f"no Beancount for a {action} row")

    def _split(self, head: str, name: str, a: str, day: str, ticker: str, new: int, old: int) -> None:
        """Every lot of the ticker and of the options on it, taken out and put back scaled (and renamed)."""
        lines = [head]
        for commodity in list(self.by_underlying.get((name, ticker), {})):
            lots = self.lots[(name, commodity)]
            option = commodity != ticker
            target = commodity
            if option:
                m = _COMPACT.match(commodity)
                assert m is not None
                thousandths = round(Decimal(m.group(4)) * 1000) * old // new
                target = f"{m.group(1)}{m.group(2)}{m.group(3)}{strike_text(thousandths)}"
                self._declare(day, target)
            where = "Options" if option else "Stocks"
            total = sum(lot.qty for lot in lots)
            lines.append(f"  Assets:{a}:{where}  {-total} {commodity} {{}}\n")
            del self.lots[(name, commodity)]
            del self.by_underlying[(name, ticker)][commodity]
            for lot in lots:
                scaled = lot.qty * new // old
                per = _decimal_text(Decimal(lot.cost) * old / new)
                self._add(name, target, ticker, scaled, per, lot.day)
                lines.append(f"  Assets:{a}:{where}  {scaled} {target} {{{per} USD, {lot.day}}}\n")
        lines.append(f"  Equity:{a}:Splits\n\n")
        self.out.write("".join(lines))

    def prices(self, day: str, quotes: list[tuple[str, float]]) -> None:
        self.out.write("".join(f"{day} price {t} {p:.2f} USD\n" for t, p in quotes) + "\n")


# -- the command -----------------------------------------------------------------------------------------


def write_csv(sim: Simulation, max_rows: int | None, out: TextIO, counts: dict[str, int]) -> None:
    """The journal CSV. No generated cell holds a comma, a quote or a newline, so the rows joined are the
    CSV (four times faster than `csv.writer`)."""
    write, join = out.write, ",".join
    write(join(COLUMNS) + "\n")
    for _, rows in _batches(sim, max_rows):
        write("\n".join(map(join, rows)) + "\n")
        for row in rows:
            counts[row[2]] = counts.get(row[2], 0) + 1


def write_ofx(sim: Simulation, max_rows: int | None, output: str, counts: dict[str, int]) -> None:
    """One OFX document with every account's statement, or (`{account}` in `output`) one per account."""
    ofx = OfxWriter([a.b for a in sim.accts], {u.symbol: u.t.name for u in sim.unds})
    try:
        for _, rows in _batches(sim, max_rows):
            for row in rows:
                ofx.write_row(row)
                counts[row[2]] = counts.get(row[2], 0) + 1
        targets = (
            [(output.replace("{account}", a.name), a.name) for a in sim.accts]
            if "{account}" in output
            else [(output, None)]
        )
        for path, only in targets:
            with _output(path) as out:
                ofx.finish(out, only)
    finally:
        ofx.close()


def write_beancount(sim: Simulation, max_rows: int | None, out: TextIO, counts: dict[str, int]) -> None:
    """The Beancount ledger, with every stock's price on the week's last trading day."""
    bean = BeancountWriter(out, [a.b for a in sim.accts], [u.t for u in sim.unds], sim.ds[0])
    for d, rows in _batches(sim, max_rows):
        for row in rows:
            bean.write_row(row)
            counts[row[2]] = counts.get(row[2], 0) + 1
        if sim.is_weekly_expiry[d]:
            bean.prices(sim.ds[d], [(u.symbol, u.price) for u in sim.unds])


@contextmanager
def _output(path: str) -> Iterator[TextIO]:
    """The file at `path` to write, or stdout for "-"."""
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with open(path, "w", encoding="utf-8", newline="") as out:
        yield out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="A realistic, deterministic history of weekly wheel trading (see the module docstring).",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--accounts", type=int, default=3, help=f"accounts ({len(BROKERS)} named ones; default 3)"
    )
    parser.add_argument(
        "--underlyings", type=int, default=40, help=f"underlyings (default 40; past {len(TICKERS)} made up)"
    )
    parser.add_argument("--years", type=int, default=10, help=f"years of history to {LAST_YEAR} (default 10)")
    parser.add_argument(
        "--events",
        type=int,
        metavar="N",
        help="stop after exactly N journal rows (and size --lanes for them)",
    )
    parser.add_argument(
        "--lanes", type=float, help="wheels per account and underlying, on average (default 1, or --events')"
    )
    parser.add_argument("--format", choices=FORMATS, default="journal-csv", help="output format")
    parser.add_argument(
        "-o", "--output", default="-", help="file (default stdout); for ofx, {account} in it: a file each"
    )
    parser.add_argument("--sectors", metavar="PATH", help="also write `ticker = sector` TOML for tj risk")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    args = parser.parse_args(argv)
    if args.events is not None and args.events < 1:
        parser.error("--events must be positive")
    if args.lanes is not None and args.lanes < 1:
        parser.error("--lanes must be 1 or more")
    if "{account}" in args.output and args.format != "ofx":
        parser.error("{account} in --output is for --format ofx")
    lanes = args.lanes or lanes_for(args.events, args.accounts, args.underlyings, args.years)
    try:
        sim = Simulation(args.seed, args.accounts, args.underlyings, args.years, lanes)
    except ValueError as exc:
        parser.error(str(exc))
    if args.sectors:
        with open(args.sectors, "w", encoding="utf-8") as f:
            f.write("# Ticker -> sector, for `tj risk --sectors` (written by bench/generate.py).\n")
            f.writelines(f'{u.symbol} = "{u.t.sector}"\n' for u in sim.unds)

    start, cpu = time.perf_counter(), time.process_time()
    counts: dict[str, int] = {}
    if args.format == "ofx":
        write_ofx(sim, args.events, args.output, counts)
    else:
        with _output(args.output) as out:
            (write_csv if args.format == "journal-csv" else write_beancount)(sim, args.events, out, counts)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rows = sum(counts.values())
    if args.events and rows < args.events:
        print(f"the history ended after {rows:,} rows: give more --lanes or --years", file=sys.stderr)
    if not args.quiet:
        print(
            f"{rows:,} rows ({args.format}) in {seconds:.2f}s ({cpu:.2f}s CPU): "
            f"{rows / max(seconds, 1e-9):,.0f} rows/s ({rows / max(cpu, 1e-9):,.0f} a CPU second); "
            f"{len(sim.accts)} accounts x {len(sim.unds)} underlyings x {lanes:g} lanes, "
            f"{sim.ds[0]} to {sim.ds[sim.d]}; {sim.splits} forward and {sim.reverse_splits} reverse splits",
            file=sys.stderr,
        )
        print(
            "  " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])),
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
