"""Form 8949 lines as a TXF file (Tax Exchange Format, version 042) for import into desktop tax software.

Reference: Intuit's "TXF Spec Version 042" (change date 11/30/2011), as kept in hledger's repository
(examples/TXF-spec-v042.org) and described at taxdataexchange.org/docs/txf/v042/form-1099-b.html:
- a header: `V042`, `A<program>`, `D<export date MM/DD/YYYY>`, `^`;
- per sale a detail record in Record Format 5: `TD`, `N<refnum>`, `C1`, `L1`, `P<security>`,
  `D<date acquired>`, `D<date sold>`, `$<cost basis>`, `$<sales net>`, `$<disallowed wash sale>` (left
  empty when there is none, as the spec allows), `^`;
- refnums by Form 8949 box: 321 short term box A, 711 box B, 712 box C; 323 long term box D, 713 box E,
  714 box F. TXF has no refnum for Form 6781, so Section 1256 contracts are not exported (they are not
  Form 8949 lines either).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from journal.money import cents
from journal.reports.form8949 import Form8949Line

TXF_VERSION = "042"
PROGRAM = "theta-journal"
# TXF 042 section IV: Form 8949 copy A/B/C (short term) and D/E/F (long term).
REFNUM_BY_BOX = {"A": "321", "B": "711", "C": "712", "D": "323", "E": "713", "F": "714"}


def _day(value: date) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def _ascii(text: str) -> str:
    """TXF files are ASCII, one field a line: other characters become '?', line breaks spaces."""
    flat = " ".join(text.split())
    return flat.encode("ascii", errors="replace").decode("ascii")


def _amount(value: Decimal) -> str:
    return cents(value)


def txf_record(line: Form8949Line) -> list[str]:
    wash = _amount(line.adjustment) if line.adjustment else ""
    return [
        "TD",
        f"N{REFNUM_BY_BOX[line.box]}",
        "C1",
        "L1",
        f"P{_ascii(line.description)}",
        f"D{_day(line.acquired)}",
        f"D{_day(line.sold)}",
        f"${_amount(line.cost_basis)}",
        f"${_amount(line.proceeds)}",
        f"${wash}",
        "^",
    ]


def txf(lines: Iterable[Form8949Line], exported: date, program: str = PROGRAM) -> str:
    """The whole file: header, then one Record Format 5 detail record per Form 8949 line."""
    out = [f"V{TXF_VERSION}", f"A{_ascii(program)}", f"D{_day(exported)}", "^"]
    for line in lines:
        out += txf_record(line)
    return "\n".join(out) + "\n"
