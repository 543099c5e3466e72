"""What a report reads from the journal, read once: every event in economic order, the account's own events,
the accounts' tax settings and the realized rows exactly as `tj realized` lists them.

Reports take a `journal.api.Journal` and go through its public methods only, so their figures are the
ones the listing commands show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from journal.events import Event
from journal.projections import economic_order
from journal.projections.lots import RealizedRow
from journal.tax import DEFAULT_POLICY, AccountPolicy

if TYPE_CHECKING:
    from journal.api import Journal


@dataclass(frozen=True, slots=True)
class ReportSource:
    account: str | None
    events: list[Event]  # every account's: the books and wash sales span accounts
    account_events: list[Event]  # the account's own (all of them when no account is named)
    policies: dict[str, AccountPolicy]
    realized: list[RealizedRow]  # `tj realized --account`: every year, in closing order

    def policy(self, account: str) -> AccountPolicy:
        return self.policies.get(account, DEFAULT_POLICY)


def read_source(journal: Journal, account: str | None = None) -> ReportSource:
    events = economic_order(journal.events())
    mine = events if account is None else [e for e in events if e.account == account]
    return ReportSource(account, events, mine, journal.policies(), journal.realized(None, account))
