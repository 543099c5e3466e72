"""Property (issue 13): rows an importer does not understand never change what the rows it does understand
make. For generated Schwab exports of a wheel with random unknown rows inserted, the books (open lots,
realized rows) equal those of the same file without them, the unknown rows are kept as unresolved events,
and the journal's cash equals the sum of the file's Amount column. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.api import Journal

HEADER = '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"'
SYMBOLS = ("KO", "PEP", "XOM")


def money(value: Decimal) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def row(day: date, action: str, symbol: str, quantity: str, price: str, fees: str, amount: Decimal) -> str:
    cells = [
        day.strftime("%m/%d/%Y"),
        action,
        symbol,
        f"{action} {symbol}",
        quantity,
        price,
        fees,
        money(amount),
    ]
    return ",".join(f'"{c}"' for c in cells)


def wheel(rng: random.Random) -> list[str]:
    """Known rows, newest first as Schwab writes them: puts sold and bought back, shares bought and sold,
    dividends and interest, each Amount exactly what quantity, price and fees make."""
    rows, day = [], date(2024, 1, 2)
    for _ in range(rng.randint(3, 12)):
        symbol = rng.choice(SYMBOLS)
        kind = rng.randrange(4)
        fee = Decimal(rng.randint(0, 130)) / 100
        if kind == 0:
            expiry = day + timedelta(days=(4 - day.weekday()) % 7 + 14)
            strike = Decimal(rng.randint(40, 70))
            option = f"{symbol} {expiry:%m/%d/%Y} {strike:.2f} P"
            sold, bought = Decimal(rng.randint(50, 300)) / 100, Decimal(rng.randint(5, 100)) / 100
            rows.append(row(day, "Sell to Open", option, "1", f"${sold}", f"${fee}", sold * 100 - fee))
            rows.append(
                row(
                    day + timedelta(days=3),
                    "Buy to Close",
                    option,
                    "1",
                    f"${bought}",
                    f"${fee}",
                    -bought * 100 - fee,
                )
            )
        elif kind == 1:
            price, later = Decimal(rng.randint(4000, 7000)) / 100, Decimal(rng.randint(4000, 7000)) / 100
            shares = rng.randint(1, 200)
            rows.append(row(day, "Buy", symbol, str(shares), f"${price}", f"${fee}", -price * shares - fee))
            rows.append(
                row(
                    day + timedelta(days=2),
                    "Sell",
                    symbol,
                    str(shares),
                    f"${later}",
                    f"${fee}",
                    later * shares - fee,
                )
            )
        elif kind == 2:
            rows.append(row(day, "Cash Dividend", symbol, "", "", "", Decimal(rng.randint(1, 5000)) / 100))
        else:
            rows.append(row(day, "Credit Interest", "", "", "", "", Decimal(rng.randint(1, 999)) / 100))
        day += timedelta(days=7)
    return rows


def unknown(rng: random.Random, n: int) -> str:
    """A row Schwab could write that tj does not model: an action of its own, naming a security."""
    symbol = rng.choice((*SYMBOLS, "GREE", "912797KJ5"))
    amount = Decimal(rng.randint(-100_000, 100_000)) / 100
    day = date(2024, 1, 2) + timedelta(days=rng.randint(0, 120))
    return row(day, f"Corporate Reorganization {n}", symbol, str(rng.randint(1, 500)), "", "", amount)


def books(journal: Journal, account: str) -> tuple[list, list]:
    lots = sorted((lot.instrument.name, lot.quantity, lot.basis) for lot in journal.lots(account=account))
    realized = sorted(
        (r.instrument.name, r.opened, r.closed, r.proceeds, r.cost_basis)
        for r in journal.realized(account=account)
    )
    return lots, realized


def file_sum(lines: list[str]) -> Decimal:
    total = Decimal(0)
    for cells in csv.reader(lines):
        amount = cells[-1].replace("$", "").replace(",", "")
        total += Decimal(amount) if amount else Decimal(0)
    return total


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 100_000), extra=st.integers(1, 6))
def test_unknown_rows_change_nothing_the_known_rows_make(
    db_url: str, tmp_path_factory, seed: int, extra: int
) -> None:
    rng = random.Random(seed)
    known = wheel(rng)
    mixed = list(known)
    for n in range(extra):
        mixed.insert(rng.randint(0, len(mixed)), unknown(rng, n))
    folder: Path = tmp_path_factory.mktemp("unknown")
    results = []
    # One database for every example on PostgreSQL: each example's file goes into an account of its own,
    # of an owner of its own (wash sales cross an owner's accounts).
    account = f"A{seed}-{extra}"
    for name, lines in (("known.csv", known), ("mixed.csv", mixed)):
        path = folder / name
        path.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
        url = db_url if name == "mixed.csv" else f"sqlite:///{folder / 'known.sqlite'}"
        journal = Journal(url)
        try:
            journal.configure_account(account, owner=account)
            [done] = journal.import_files([path], account=account)
            cash = journal.cash(account=account)
            results.append((books(journal, account), cash, done.unresolved, file_sum(lines)))
        finally:
            journal.store.engine.dispose()
    (
        (known_books, known_cash, known_unresolved, known_sum),
        (mixed_books, mixed_cash, mixed_unresolved, mixed_sum),
    ) = results
    assert mixed_books == known_books
    assert (known_unresolved, mixed_unresolved) == (0, extra)
    assert (known_cash, mixed_cash) == (known_sum, mixed_sum)
