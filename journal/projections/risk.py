"""Capital at risk against account equity: per position, per underlying and per sector, with the
positions that break the per-position limit (the seed's rule: 1-3% of the portfolio per position)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from journal.instruments import OptionContract, Stock
from journal.money import ZERO
from journal.projections.positions import Position

UNCLASSIFIED = "unclassified"


@dataclass(frozen=True, slots=True)
class Exposure:
    name: str  # a position's label, an underlying or a sector
    capital_at_risk: Decimal
    pct_of_equity: Decimal


@dataclass(frozen=True, slots=True)
class RiskReport:
    equity: Decimal
    max_position_pct: Decimal
    positions: list[tuple[Position, Exposure]]
    underlyings: list[Exposure]
    sectors: list[Exposure]
    breaches: list[tuple[Position, Exposure]]
    unlimited: list[Position]  # positions whose loss has no bound (naked calls, short stock): no percentage


def _pct(amount: Decimal, equity: Decimal) -> Decimal:
    return amount * 100 / equity if equity else ZERO


def label(position: Position) -> str:
    legs = " / ".join(" ".join(leg.instrument.name.split()) for leg in position.legs)
    return f"{position.account} {position.strategy}: {legs}"


def assess(
    positions: Iterable[Position], equity: Decimal, max_position_pct: Decimal, sectors: Mapping[str, str]
) -> RiskReport:
    rows: list[tuple[Position, Exposure]] = []
    unlimited: list[Position] = []
    by_underlying: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_sector: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for pos in positions:
        if not all(isinstance(leg.instrument, Stock | OptionContract) for leg in pos.legs):
            continue  # bonds, futures and futures options: not the wheel's risk (the wheel views skip them)
        if pos.capital_at_risk is None:
            unlimited.append(pos)
            continue
        rows.append((pos, Exposure(label(pos), pos.capital_at_risk, _pct(pos.capital_at_risk, equity))))
        by_underlying[pos.underlying] += pos.capital_at_risk
        by_sector[sectors.get(pos.underlying, UNCLASSIFIED)] += pos.capital_at_risk

    def exposures(totals: dict[str, Decimal]) -> list[Exposure]:
        items = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        return [Exposure(name, amount, _pct(amount, equity)) for name, amount in items]

    breaches = [(pos, e) for pos, e in rows if e.pct_of_equity > max_position_pct]
    return RiskReport(
        equity, max_position_pct, rows, exposures(by_underlying), exposures(by_sector), breaches, unlimited
    )


def load_sectors(text: str) -> dict[str, str]:
    """A sectors file: TOML, `TICKER = "Sector"` lines (or the same under a `[sectors]` table)."""
    import tomllib

    data = tomllib.loads(text)
    table = data.get("sectors", data)
    out = {}
    for ticker, sector in table.items():
        if not isinstance(sector, str):
            raise ValueError(f"{ticker}: the sector must be a string (got {sector!r})")
        out[ticker.upper()] = sector
    return out
