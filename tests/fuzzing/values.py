"""Value mutators: one cell's (or element's, or attribute's) text turned into another of its kind, the way a
broker, a spreadsheet or a hand edit could write it: numbers, dates, option symbols, words.

Every function takes the `random.Random` of the case, so a case is reproduced from its seed alone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

# -- what a value looks like -----------------------------------------------------------------------------

NUMBER = re.compile(
    r"^(?P<lead>\s*)(?P<open>\()?(?P<sign>[-+])?(?P<cur>\$)?(?P<sign2>[-+])?"
    r"(?P<int>\d[\d,]*|)(?P<frac>\.\d*)?(?P<close>\))?(?P<trail>\s*)$"
)
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
US_DATE = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d)")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?=\D|\d{6}|$)")  # 20240301, 20240301;0945, OFX times
TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?")
OCC = re.compile(
    r"(?P<root>[A-Z][A-Z0-9.]{0,5}?)(?P<pad>\s*)(?P<ymd>\d{6})(?P<right>[CP])(?P<strike>\d{8})(?!\d)"
)
COMPACT_OPTION = re.compile(
    r"(?P<root>[A-Z][A-Z0-9.]{0,5}?)(?P<pad>)(?P<ymd>\d{6})(?P<right>[CP])(?P<strike>\d+(?:\.\d+)?)(?![\d.])"
)
SCHWAB_OPTION = re.compile(  # DVN 05/17/2024 52.00 C
    r"(?P<root>[A-Z][A-Z0-9./]*) (?P<mdy>\d\d/\d\d/\d{4}) (?P<strike>\d+(?:\.\d+)?) (?P<right>[CP])\b"
)


def is_number(text: str) -> bool:
    t = text.strip()
    return bool(t) and t != "--" and any(c.isdigit() for c in t) and NUMBER.match(t) is not None


def is_date(text: str) -> bool:
    t = text.strip()
    return bool(ISO_DATE.match(t) or US_DATE.match(t) or (COMPACT_DATE.match(t) and t[:2] in ("19", "20")))


def is_option(text: str) -> bool:
    t = text.strip().lstrip("-")
    return bool(OCC.search(t) or COMPACT_OPTION.fullmatch(t) or SCHWAB_OPTION.search(t))


def kind_of(values: Sequence[str], name: str = "") -> str:
    """A column's kind from its name and the values the fixtures give it: number, date, option or text."""
    filled = [v for v in values if v.strip() and v.strip() != "--"]
    lowered = name.lower()
    if filled and sum(is_option(v) for v in filled) * 10 >= len(filled):
        return "option"
    # Most, not all: a footer row (`Transactions Total`) sits under the header too.
    if filled and sum(is_date(v) for v in filled) * 5 >= len(filled) * 4:
        return "date"
    if filled and sum(is_number(v) for v in filled) * 5 >= len(filled) * 4:
        return "date" if any(w in lowered for w in ("date", "time", "expir")) else "number"
    if not filled and any(w in lowered for w in ("date", "time", "expir")):
        return "date"
    return "text"


# -- numbers ---------------------------------------------------------------------------------------------

# fmt: off
NUMBER_EXTREMES = (
    "1e400", "-1e400", "1E5", "1e-400", "-0", "0", "0.00", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-inf",
    "1_000", "(1,234.50)", "$-0.00", "-$0.00", "($0.00)", "", " ", "--", "-", ".", "$", "()", "+", "+-1",
    "--1", "9" * 400, "0." + "0" * 60 + "1", "1" + "0" * 30, "123456789012345678901234567890.123456789",
    "0.000001", "0.0000000001", "99999999999", "-99999999999", "1.2.3", "1,2,3", "1,,000", " 1 ", "1 000",
    "1'000", "1.000,50", "12,34", "\u221212.5", "\uff11\uff12\uff13", "\u0661\u0662\u0663", "\u0967\u0968",
    "\u00b2", "\u00bd", "\u221e", "0x10", "1e", "e5", "$1,259.59", "-$1,281.30", "($123.45)", "+5", "1e+06",
    "100 shares", "12.5%", "USD 10", "10 USD", "N/A", "null",
)
# fmt: on


def _style_number(template: str, value: Decimal, rng: random.Random) -> str:
    """`value` written the way `template` writes its number: currency sign, thousands commas, places,
    parentheses or a minus."""
    m = NUMBER.match(template)
    places = len(m["frac"]) - 1 if m and m["frac"] else rng.choice((0, 0, 2, 4))
    try:
        body = f"{abs(value):,.{places}f}" if m and "," in (m["int"] or "") else f"{abs(value):.{places}f}"
    except (InvalidOperation, ValueError):
        body = str(abs(value))
    if m and m["cur"]:
        body = "$" + body
    if value < 0 or (value == 0 and value.is_signed()):
        body = f"({body})" if m and m["open"] else "-" + body
    return body


def mutate_number(text: str, rng: random.Random) -> str:
    t = text.strip()
    m = NUMBER.match(t)
    try:
        cleaned = t.replace("$", "").replace(",", "").replace("(", "-").replace(")", "").replace("--", "")
        current = Decimal(cleaned) if cleaned and m else Decimal(1)
    except InvalidOperation:
        current = Decimal(1)
    if not current.is_finite():
        current = Decimal(1)
    choice = rng.randrange(9)
    if choice == 0:
        new = current.scaleb(rng.choice((-12, -6, -3, -1, 1, 2, 3, 6, 9, 12, 15)))
    elif choice == 1:
        new = -current
    elif choice == 2:
        new = Decimal(0) if rng.random() < 0.7 else Decimal("-0")
    elif choice == 3:
        new = current + rng.choice(
            (Decimal("0.01"), Decimal("-0.01"), Decimal(1), Decimal(-1), Decimal("0.005"))
        )
    elif choice == 4:
        new = Decimal(rng.randrange(10 ** rng.randint(1, 18))).scaleb(-rng.randint(0, 10))
    elif choice == 5:
        return t + rng.choice(("0001", "9", "123456789", ".5", "e3"))  # more digits than a broker writes
    elif choice == 6:
        return rng.choice(NUMBER_EXTREMES)
    elif choice == 7:
        new = Decimal(rng.randint(-5, 5))
    else:
        return tweak_digits(t, rng)
    return _style_number(t, new, rng)


def tweak_digits(text: str, rng: random.Random) -> str:
    """A run of digits anywhere in the text replaced by another (a year, a strike, an amount's cents)."""
    runs = list(re.finditer(r"\d+", text))
    if not runs:
        return text + str(rng.randint(0, 99))
    m = rng.choice(runs)
    width = min(len(m[0]), 30)  # a run of thousands of digits (an earlier mutation's) gets a short one
    new = rng.choice(
        (
            "0" * width,
            "9" * width,
            str(rng.randrange(10**width)).zfill(width),
            str(rng.randrange(10 ** (width + rng.randint(1, 6)))),
            m[0][:-1],
            "",
        )
    )
    return text[: m.start()] + new + text[m.end() :]


# -- dates -----------------------------------------------------------------------------------------------

_FAR_YEARS = (1, 99, 999, 1000, 1582, 1899, 1900, 1969, 1970, 1999, 2038, 2068, 2069, 2099, 2100, 2999, 9999)
# fmt: off
DATE_EXTREMES = (
    "", "N/A", "--", "yesterday", "0", "00/00/0000", "0000-00-00", "99/99/9999", "2024-02-30", "02/30/2024",
    "13/01/2024", "2024-13-01", "2023-02-29", "2024-02-29", "9999-12-31", "0001-01-01", "1/1/1", "2024-1-1",
    "2024/03/01", "01.03.2024", "1 Mar 2024", "Mar 1, 2024", "2024-03-01T25:00:00", "2024-03-01 24:00:00",
    "20240230", "20241301", "99999999", "00000000", "2024-03-01T09:30:00+2500", "10000-01-01",
    "\uff12\uff10\uff12\uff14-03-01", "2024-03-01\u00a0", "12/31/1969",
)
# fmt: on


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _render(kind: str, width: int, y: int, m: int, d: int) -> str:
    """A date written as the match it replaces was: ISO, US (2- or 4-digit year) or compact."""
    if kind == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if kind == "compact":
        return f"{y:04d}{m:02d}{d:02d}"
    year = f"{y % 100:02d}" if width == 2 else f"{y:04d}"
    return f"{m:02d}/{d:02d}/{year}"


def _date_spans(text: str) -> list[tuple[str, int, int, int, int, int, int]]:
    """(kind, start, end, year, month, day, year width) of every date written in the text."""
    spans = []
    for m in ISO_DATE.finditer(text):
        spans.append(("iso", m.start(), m.end(), int(m[1]), int(m[2]), int(m[3]), 4))
    for m in US_DATE.finditer(text):
        y = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        spans.append(("us", m.start(), m.end(), y, int(m[1]), int(m[2]), len(m[3])))
    if c := COMPACT_DATE.match(text):
        spans.append(("compact", c.start(), c.end(), int(c[1]), int(c[2]), int(c[3]), 4))
    return spans


def mutate_date(text: str, rng: random.Random) -> str:
    spans = _date_spans(text)
    if not spans or rng.random() < 0.12:
        return rng.choice(DATE_EXTREMES)
    kind, start, end, y, m, d, width = rng.choice(spans)
    choice = rng.randrange(6)
    if choice == 0:  # another real date, near or far
        valid = _valid(y, m, d) or date(2024, 1, 1)
        days = rng.choice((1, -1, 2, 3, -3, 5, 30, -30, 365, -365, 4000, -4000, rng.randint(-20000, 20000)))
        try:
            new = valid + timedelta(days=days)
        except OverflowError:
            new = valid
        out = _render(kind, width, new.year, new.month, new.day)
    elif choice == 1:  # a date that does not exist
        ny, nm, nd = rng.choice(
            ((y, 2, 30), (y, 13, 1), (y, 0, 1), (y, 1, 0), (y, 4, 31), (y, m, 32), (2023, 2, 29))
        )
        out = _render(kind, width, ny, nm, nd)
    elif choice == 2:  # a far year
        out = _render(kind, width, rng.choice(_FAR_YEARS), m, min(d, 28) or 1)
    elif choice == 3:  # the same date in another way of writing it
        valid = _valid(y, m, d) or date(2024, 3, 1)
        out = rng.choice(
            (
                valid.isoformat(),
                f"{valid.month}/{valid.day}/{valid.year}",
                f"{valid:%m/%d/%y}",
                f"{valid:%Y%m%d}",
                f"{valid:%d/%m/%Y}",
                f"{valid:%Y/%m/%d}",
                f"{valid:%b %d, %Y}",
                f"{valid:%d-%b-%Y}",
                f"{valid:%Y-%m-%d}T00:00:00",
                f"{valid.year}-{valid.month}-{valid.day}",
            )
        )
    elif choice == 4:  # its time of day
        times = list(TIME.finditer(text))
        if times:
            t = rng.choice(times)
            new_time = rng.choice(("25:00", "24:00:00", "23:59:60", "12:61", "99:99:99", "00:00", "-1:00"))
            return text[: t.start()] + new_time + text[t.end() :]
        return text + rng.choice((" 25:00", "T12:00:00", " 4:00 PM", ";250000", "Z", "+0000", "[-5:EST]"))
    else:
        return tweak_digits(text, rng)
    return text[:start] + out + text[end:]


# -- option symbols --------------------------------------------------------------------------------------

_YMD = ("991231", "000101", "241301", "240230", "240431", "000000", "999999", "230229", "240229", "700101")
_STRIKES = ("00000000", "99999999", "00000001", "-0050000", "0", "0.0", "0.0001", "150.0001", "1e3", "150.")


def mutate_option(text: str, rng: random.Random) -> str:
    """One part of an option symbol written in the text changed: its strike, expiry, right or root."""
    matches = [m for p in (OCC, SCHWAB_OPTION, COMPACT_OPTION) for m in p.finditer(text)]
    if not matches:
        return tweak_digits(text, rng)
    m = rng.choice(matches)
    part = rng.choice([g for g in ("root", "ymd", "mdy", "right", "strike", "pad") if g in m.re.groupindex])
    old = m[part]
    if part == "strike":
        new = rng.choice(
            (
                rng.choice(_STRIKES),
                str(rng.randrange(10 ** len(old))).zfill(len(old)),
                old + rng.choice(("5", ".5", "0001")),
                tweak_digits(old, rng),
            )
        )
    elif part == "ymd":
        new = rng.choice((rng.choice(_YMD), tweak_digits(old, rng)))
    elif part == "mdy":
        new = mutate_date(old, rng)
    elif part == "right":
        new = rng.choice(("C" if old == "P" else "P", "X", old.lower(), "CP", "", "Call", "PUT"))
    elif part == "pad":
        new = rng.choice(("", " ", "   ", "\t", "  " * 5))
    else:
        new = rng.choice(
            ("", "A" * 7, "SPXW", "BRK.B", "X", old.lower(), old + "1", "1" + old, "ÄPFEL", old * 2)
        )
    return text[: m.start(part)] + new + text[m.end(part) :]


# -- words -----------------------------------------------------------------------------------------------

# fmt: off
ODD_TEXT = (
    "", " ", "\u00a0", "\t", "é", "ÄÖÜ ß", "\u65e5\u672c\u8a9e", "\u0627\u0644\u0639\u0631\u0628\u064a",
    "\u200b", "\u200f", "\ufeff", "\u2028", "\U0001f4b8", "\x00", "\x1b[31m", "\x7f", "'; DROP TABLE events;",
    '"', '""', "a,b", "line\nbreak", "cr\rhere", "{{ 7*7 }}", "<script>", "&amp;", "%s%n", "\\", "None",
    "null", "NaN", "-", "--", "N/A", "TOTAL", "Total", "Header", "Data",
)
# fmt: on


def mutate_text(text: str, rng: random.Random, vocabulary: Sequence[str], words: Sequence[str]) -> str:
    choice = rng.randrange(8)
    if choice <= 2 and vocabulary:
        return rng.choice(vocabulary)  # another value of the same column in any fixture of the broker
    if choice == 3 and words:
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
    if choice == 4:
        return rng.choice(ODD_TEXT)
    if choice == 5:
        return rng.choice((text.upper(), text.lower(), text.title(), f"  {text}  ", text[: len(text) // 2]))
    if choice == 6:
        unit = rng.choice(("X", "9", "é", "ab ", text or "Q"))
        return unit * (rng.choice((1_000, 10_000, 100_000)) // max(1, len(unit)))
    return text + rng.choice(ODD_TEXT)


def mutate_value(
    text: str, kind: str, rng: random.Random, vocabulary: Sequence[str] = (), words: Sequence[str] = ()
) -> str:
    """Another value for a cell of this kind: mostly one of its kind, sometimes anything."""
    roll = rng.random()
    if roll < 0.5:
        if kind == "number":
            return mutate_number(text, rng)
        if kind == "date":
            return mutate_date(text, rng)
        if kind == "option" and is_option(text):
            return mutate_option(text, rng)
    if roll < 0.7 and vocabulary:
        return rng.choice(vocabulary)
    if roll < 0.85:  # the value's own shape, whatever the column's kind
        if is_option(text):
            return mutate_option(text, rng)
        if _date_spans(text):
            return mutate_date(text, rng)
        if is_number(text):
            return mutate_number(text, rng)
        return (
            tweak_digits(text, rng)
            if any(c.isdigit() for c in text)
            else mutate_text(text, rng, vocabulary, words)
        )
    if kind == "number" and rng.random() < 0.5:
        return rng.choice(NUMBER_EXTREMES)
    return mutate_text(text, rng, vocabulary, words)
