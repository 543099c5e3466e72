"""Wash sales (Pub 550 "Wash Sales"; IRC 1091): a loss is disallowed when substantially identical stock or
securities are acquired within 30 days before or after the sale, across all accounts of one owner.

The disallowed loss moves into the replacement lot's basis and the sold lot's holding period is tacked onto
it (the replacement's `opened` moves back by the days the sold lot was held), so the loss is deferred, never
lost, except when the replacement is bought in a tax-advantaged account (Rev. Rul. 2008-5): then it is gone.

Policy (DOMAIN.md): an option is identical only to the same series; stock is not identical to options on it;
writing an option is not acquiring one; stock received by put assignment or call exercise is a purchase;
replacement shares are matched in order of acquisition and a partial replacement disallows the loss pro rata
(26 CFR 1.1091-1(b),(c)). Not modelled: shares of the sold lot itself that stay held, and replacement lots
already sold before the loss sale; losses on short sales and written options.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from journal.money import ZERO

if TYPE_CHECKING:
    from journal.projections.lots import Lot, RealizedRow

WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class WashSale:
    """One wash: the loss row, the replacement lot, how much was disallowed and where it went."""

    loss_row: int  # index of the realized row whose loss was disallowed
    account: str
    instrument: str
    sold: date
    quantity: Decimal  # units of the loss replaced
    disallowed: Decimal
    replacement_account: str
    replacement_lot: str
    replacement_acquired: date
    basis_added: Decimal  # 0 when the replacement is in a tax-advantaged account
    adjusted_opened: date


@dataclass(slots=True)
class PendingLoss:
    row: int
    owner: str
    account: str
    instrument: str
    sold: date
    sold_opened: date
    left: Decimal  # units not yet replaced
    loss_per_unit: Decimal


class WashSaleTracker:
    """Watches losses and acquisitions as the lots fold runs, matching them within the 61-day window."""

    def __init__(
        self,
        owner_of: Callable[[str], str],
        tax_advantaged: Callable[[str], bool],
        split: Callable[[Lot, Decimal], Lot],
    ) -> None:
        self.owner_of = owner_of
        self.tax_advantaged = tax_advantaged
        self.split = split  # splits units off an open lot into a lot of their own, returned
        self.pending: list[PendingLoss] = []
        self.used: dict[str, Decimal] = {}  # lot id -> units already serving as a replacement
        self.washes: list[WashSale] = []

    def on_loss(
        self, realized: list[RealizedRow], index: int, open_lots: Iterable[Lot], sold_lot: str
    ) -> None:
        """A loss was realized: replace it from lots bought in the 30 days before (still held), and keep the
        rest pending for acquisitions in the 30 days after."""
        row = realized[index]
        if self.tax_advantaged(row.account):
            return
        loss = row.cost_basis - row.proceeds - row.adjustment
        pending = PendingLoss(
            index,
            self.owner_of(row.account),
            row.account,
            row.instrument.name,
            row.closed,
            row.opened,
            row.quantity,
            loss / row.quantity,
        )
        candidates = sorted(
            (
                lot
                for lot in open_lots
                if lot.lot_id != sold_lot
                and lot.quantity > 0
                and row.closed - WINDOW <= lot.acquired <= row.closed
                and self.owner_of(lot.account) == pending.owner
            ),
            key=lambda lot: lot.acquired,
        )
        for lot in candidates:
            if pending.left <= 0:
                break
            self._replace(realized, pending, lot)
        if pending.left > 0:
            self.pending.append(pending)

    def on_acquire(self, realized: list[RealizedRow], lot: Lot) -> None:
        """Shares (or contracts) acquired replace pending losses of the last 30 days, oldest first."""
        self.pending = [p for p in self.pending if p.left > 0 and lot.acquired - p.sold <= WINDOW]
        owner = self.owner_of(lot.account)
        for pending in self.pending:
            if (
                pending.owner == owner
                and pending.instrument == lot.instrument.name
                and pending.sold <= lot.acquired
            ):
                self._replace(realized, pending, lot)

    def renamed(self, old: str, new: str) -> None:
        """A symbol change (`FB` -> `META`): the stock is the same security under its new name, so a loss on
        it still pending is replaced by the new name's acquisitions (IRC 1091)."""
        for pending in self.pending:
            if pending.instrument == old:
                pending.instrument = new

    def _replace(self, realized: list[RealizedRow], pending: PendingLoss, lot: Lot) -> None:
        free = lot.quantity - self.used.get(lot.lot_id, ZERO)
        units = min(free, pending.left)
        if units <= 0:
            return
        disallowed = pending.loss_per_unit * units
        pending.left -= units
        row = realized[pending.row]
        realized[pending.row] = replace(row, adjustment=row.adjustment + disallowed, wash_sale=True)
        added = ZERO if self.tax_advantaged(lot.account) else disallowed
        # The replacement units carry the loss and the tacked holding period; other units keep theirs.
        part = self.split(lot, units) if units < lot.quantity else lot
        self.used[part.lot_id] = self.used.get(part.lot_id, ZERO) + units
        part.basis += added
        part.opened = part.held_from = part.acquired - (pending.sold - pending.sold_opened)
        self.washes.append(
            WashSale(
                pending.row,
                pending.account,
                pending.instrument,
                pending.sold,
                units,
                disallowed,
                part.account,
                part.lot_id,
                part.acquired,
                added,
                part.opened,
            )
        )
