"""The journal as the web app asks it: `journal.api.Journal` itself, with the answers that several pages
and the API's own methods ask again (the lots of a day, the cycles, a year's realized rows, the incomplete
underlyings) kept per state of the journal (`Site.memo`). `risk(as_of)` reads the lots of that day for its
positions and for the book equity, `cycle(id)` every cycle to find one: each is read once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from journal.api import Journal

if TYPE_CHECKING:
    from journal.projections.cycles import Cycle
    from journal.projections.lots import Lot, RealizedRow

T = TypeVar("T")
Memo = Callable[[tuple[Any, ...], Callable[[], Any]], Any]


class KeptJournal(Journal):
    """A `Journal` whose repeated questions are answered from `memo` (same answers: the API's own)."""

    def __init__(self, url: str, memo: Memo) -> None:
        super().__init__(url)
        self._kept = memo

    def lots(self, as_of: date | None = None, account: str | None = None) -> list[Lot]:
        found: list[Lot] = self._kept(
            ("lots", as_of, account), lambda: super(KeptJournal, self).lots(as_of, account)
        )
        return found

    def cycles(
        self, account: str | None = None, underlying: str | None = None, status: str | None = None
    ) -> list[Cycle]:
        """Every cycle read once; a filter picks among them as `Journal.cycles` does (same order: tested
        against it for every filter), instead of reading them all again."""
        every: list[Cycle] = self._kept(
            ("cycles", None, None, None), lambda: super(KeptJournal, self).cycles()
        )
        if account is None and underlying is None and status is None:
            return every
        symbol = None if underlying is None else underlying.upper()
        found: list[Cycle] = self._kept(
            ("cycles", account, underlying, status),
            lambda: [
                c
                for c in every
                if (account is None or c.account == account)
                and (symbol is None or symbol in c.symbols)
                and (status is None or c.status == status)
            ],
        )
        return found

    def realized(
        self,
        year: int | None = None,
        account: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[RealizedRow]:
        """A year's rows read once for the realized page sorted, the Form 8949 CSV and TXF and the year's
        JSON (at 10^6 events a year's 20,827 rows take 0.25 s to decode). Callers only read the list."""
        found: list[RealizedRow] = self._kept(
            ("realized-rows", year, account, start, end),
            lambda: super(KeptJournal, self).realized(year, account, start, end),
        )
        return found

    def incomplete(self, account: str | None = None) -> dict[str, date]:
        found: dict[str, date] = self._kept(
            ("incomplete", account), lambda: super(KeptJournal, self).incomplete(account)
        )
        return found
