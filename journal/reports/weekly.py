"""The weekly review (`tj report weekly [--as-of DATE]`) as plain data: what expires in the next seven days,
every short option by days to expiry, the week's assignments, the collateral in use, and the week's
premium against the weekly share of the monthly income target (target x 12 / 52).

The week is the seven days ending on `as_of`, so a review on any weekday looks back one full week.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from journal.events import OptionAssigned, OptionExercised, TradeExecuted
from journal.instruments import OptionContract
from journal.money import ZERO, cents
from journal.periods import WEEK_DAYS, week_ending
from journal.projections.income import cash_income
from journal.projections.lots import Lot
from journal.projections.positions import open_positions
from journal.records import position_record
from journal.reports.capital import total_at_risk
from journal.reports.entries import assignment_record, short_option_record, trade_record
from journal.reports.monthly import target_figures
from journal.reports.statements import CURRENCY

if TYPE_CHECKING:
    from journal.api import Journal

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
# Defined-risk spreads tie up their maximum loss at the broker, as a cash-secured put ties up its strike.
DEFINED_RISK = frozenset(
    {"bull put spread", "bear call spread", "bear put spread", "bull call spread", "iron condor"}
)


def weekly_report(
    journal: Journal,
    as_of: date | None = None,
    account: str | None = None,
    target: Decimal | None = None,
) -> dict[str, Any]:
    """Everything `tj report weekly` shows, as exact strings; `target` is the monthly income target."""
    as_of = as_of or date.today()
    start, end = week_ending(as_of)
    replay = journal.replay(start, end)  # the books at the week's start, and the week's events
    strategies = replay.strategies
    week = [e for e in replay.events if account is None or e.account == account]
    cash = cash_income(week)

    open_lots = replay.lots_at(as_of, account)
    positions = open_positions(open_lots)
    expiring = [
        position_record(p, as_of)
        for p in positions
        if p.expiry is not None and 0 <= (p.expiry - as_of).days <= WEEK_DAYS
    ]
    written: dict[tuple[str, str], list[Lot]] = defaultdict(list)
    for lot in open_lots:
        if isinstance(lot.instrument, OptionContract) and lot.quantity < 0:
            written[(lot.account, lot.instrument.name)].append(lot)
    strategy_of = {
        (p.account, leg.instrument.name): p.strategy for p in positions for leg in p.legs if leg.quantity < 0
    }
    short_options = sorted(
        (short_option_record(group, as_of, strategy_of.get(key)) for key, group in written.items()),
        key=lambda r: (r["days_to_expiry"], r["underlying"], r["instrument"]),
    )
    collateral = sum(
        (
            p.collateral if p.collateral is not None else (p.capital_at_risk or ZERO)
            for p in positions
            if p.collateral is not None or p.strategy in DEFINED_RISK
        ),
        ZERO,
    )
    weekly_target = None if target is None else target / WEEKS_PER_MONTH
    against_target = target_figures(cash.net_premium, weekly_target)
    against_target["weekly_target"] = against_target.pop("income_target")
    return {
        "as_of": as_of.isoformat(),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "account": account,
        "premium_collected": cents(cash.premium_collected),
        "premium_paid": cents(cash.premium_paid),
        "net_premium": cents(cash.net_premium),
        "fees": cents(cash.fees),
        "monthly_target": cents(target) if target is not None else None,
        **against_target,
        "collateral_in_use": cents(collateral),
        "capital_at_risk": cents(total_at_risk(positions)),
        "expiring_count": len(expiring),
        "short_option_count": len(short_options),
        "expiring": expiring,
        "short_options": short_options,
        "assignment_events": [
            assignment_record(e) for e in week if isinstance(e, OptionAssigned | OptionExercised)
        ],
        "trades": [trade_record(e, strategies) for e in week if isinstance(e, TradeExecuted)],
        "currency": CURRENCY,
    }
