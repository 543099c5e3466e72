"""One partition's fold and the read-model rows it makes, able to go on from where the last fold stopped.

An import of a month into a decade of history should cost the month. The fold of a partition (an underlying,
or a group of linked ones) is kept between folds as its *state*: the books, the wheel cycles, the roll
positions, the strategy attribution and the capital figures, as they were after the last event folded, before
anything that depends on today (the expiries assumed by today, the year-end marks, the open cycles' ends).
New events that all fall on later days go on from that state. A state is also kept at each of the last
KEPT_STATES month ends: events inserted before the last state (a month imported late) go on from the latest
state before them, folding again what came after it. Anything else (a void, a resolution, an event before
every state kept) folds the partition from its first event.

Every row of a projection has a stable place (`ord`, its index within the projection and partition, the same
whatever fold made it), so a fold that goes on replaces only what it can have changed:

- rows appended as the fold goes (the unresolved rows, the daily cash, the capital steps and carries, the
  snapshots, the realized rows, the washes, the problems, the assumed expiries): those from its first new
  one, and the realized rows a pending wash-sale loss adjusted since;
- covered calls: those written since and those still open at the state (closing one changes it);
- rows by month (the monthly cash, income and realized totals, in month order): the months from the earliest
  one the new events or the re-made realized rows fall in;
- rows of what is open now (lots, pending expiries, cycles, roll chains): all of them.

The state is pickled (stdlib, exact for Decimal and dates) and read back by an unpickler that builds only
the project's own classes and a few plain types, never a callable: a journal file from elsewhere cannot run
code through it. A state that does not read is ignored and the partition folded from its first event.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import pickle
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from journal.codec import encode
from journal.events import Event, Unresolved
from journal.instruments import OptionContract
from journal.money import ZERO
from journal.periods import month_bounds, month_end, month_of, months_between
from journal.projections.capital import CapitalSteps
from journal.projections.cycles import CycleFold, Flow, flow_of
from journal.projections.income import (
    NO_UNDERLYING,
    TotalsKey,
    add_totals,
    cash_income,
    moves_income,
    rounded,
    totals_rows,
)
from journal.projections.lots import Books, RealizedLog, RealizedRow, horizons_of
from journal.projections.rolls import RollPositions, roll_record, rooted_chains
from journal.projections.snapshots import snapshot
from journal.projections.strategies import Attribution, StrategyMap
from journal.tax import AccountPolicy

Row = tuple[
    str, str, str, str | None, date | None, int, str
]  # projection, partition, owner, account, day, ord, payload

OWNER = "default"
# Projections whose rows are appended as the fold goes, in the order made: a fold that goes on keeps those
# before its first.
APPENDED = (
    "unresolved",
    "flows",
    "capital",
    "capital_carry",
    "snapshots",
    "realized",
    "washes",
    "problems",
    "assumed",
    "covered_calls",
    "cycles",
    "rolls",
)
BY_MONTH = ("month_flows", "month_income", "realized_totals")  # rows in month order: kept before a month
CURRENT = ("lots", "pending")  # what is open now: every row made again
STATE = "state"  # the projection of a partition's states: `ord` is the state's last day (its ordinal)
KEPT_STATES = 3  # month-end states a partition keeps besides its latest: a month imported up to 3 late
KEPT_MONTHS = 3  # months of monthly sums a state keeps: a wash sale reaches back 30 days
STATE_FORMAT = 6  # what a dumped state holds: a state of another format is not taken


# -- the rows' contents ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class DayFlows:
    """One account's cash of one day in one partition: what the monthly and year reports add up."""

    account: str
    day: date
    premium_collected: Decimal
    premium_paid: Decimal
    fees: Decimal
    dividends: Decimal
    interest: Decimal
    cash: Decimal
    options_opened: int
    options_closed: int
    assignments: int
    called_away: int
    expirations: int


_FLOW_FIELDS = tuple(f.name for f in dataclasses.fields(DayFlows))[2:]


def day_flows(events: Iterable[Event], flows: Mapping[int, Flow] | None = None) -> list[DayFlows]:
    """`flows`: the flows the fold worked out from what was held (`CycleFold.flows`, by id of the event)."""
    known = flows or {}
    by_day: dict[tuple[str, date], list[Event]] = defaultdict(list)
    for ev in events:
        by_day[(ev.account, ev.time.date())].append(ev)
    out = []
    for (account, day), group in sorted(by_day.items(), key=lambda item: item[0][1]):
        c = cash_income(group)
        cash = sum(((known.get(id(e)) or flow_of(e)).cash for e in group), Decimal(0))
        out.append(
            DayFlows(
                account,
                day,
                c.premium_collected,
                c.premium_paid,
                c.fees,
                c.dividends,
                c.interest,
                cash,
                c.options_opened,
                c.options_closed,
                c.assignments,
                c.called_away,
                c.expired,
            )
        )
    return out


def _add_month(sums: dict[tuple[date, str], list[Any]], flows: DayFlows) -> None:
    key = (flows.day.replace(day=1), flows.account)
    values = [getattr(flows, name) for name in _FLOW_FIELDS]
    found = sums.get(key)
    sums[key] = values if found is None else [a + b for a, b in zip(found, values, strict=True)]


def month_flows(days: Iterable[DayFlows]) -> list[DayFlows]:
    """The days' flows added up by month and account (`day` is the month's first): a month's or a year's
    statement reads a row per account and month instead of one per trading day."""
    sums: dict[tuple[date, str], list[Any]] = {}
    for flows in days:
        _add_month(sums, flows)
    return [DayFlows(account, day, *values) for (day, account), values in sorted(sums.items())]


@dataclasses.dataclass(frozen=True, slots=True)
class MonthIncome:
    """One account's income of one month from one underlying and strategy: the rows the monthly and year
    reports break down (premiums by trade date, realized gains by closing date, as Form 8949 rounds them)."""

    account: str
    month: str  # YYYY-MM
    underlying: str  # NO_UNDERLYING for cash of no position (interest, account fees)
    strategy: str  # NO_UNDERLYING likewise
    premium_collected: Decimal
    premium_paid: Decimal
    dividends: Decimal
    interest: Decimal
    fees: Decimal
    realized: Decimal


IncomeKey = tuple[str, str, str, str]  # month, account, underlying, strategy
Cash = tuple[Decimal, Decimal, Decimal, Decimal, Decimal]  # collected, paid, dividends, interest, fees


def _month_cash(events: Iterable[Event], strategies: StrategyMap) -> dict[IncomeKey, Cash]:
    moving: dict[IncomeKey, list[Event]] = defaultdict(list)
    for ev in events:
        if moves_income(ev):
            strategy = strategies.of_event(ev) or NO_UNDERLYING
            key = (month_of(ev.time.date()), ev.account, ev.underlying or NO_UNDERLYING, strategy)
            moving[key].append(ev)
    out = {}
    for key, group in moving.items():
        c = cash_income(group)
        out[key] = (c.premium_collected, c.premium_paid, c.dividends, c.interest, c.fees)
    return out


def _gain(row: RealizedRow) -> Decimal:
    return rounded(row.proceeds) - rounded(row.cost_basis) + rounded(row.adjustment)


def _income_rows(cash: Mapping[IncomeKey, Cash], gains: Mapping[IncomeKey, Decimal]) -> list[MonthIncome]:
    out = []
    for key in sorted(cash.keys() | gains.keys()):
        month, account, underlying, strategy = key
        amounts = cash.get(key, (ZERO, ZERO, ZERO, ZERO, ZERO))
        out.append(MonthIncome(account, month, underlying, strategy, *amounts, gains.get(key, ZERO)))
    return out


def month_income(
    events: Iterable[Event], realized: Iterable[RealizedRow], strategies: StrategyMap
) -> list[MonthIncome]:
    """The partition's income rows, in month order: what a report's income breakdowns and twelve-month chart
    add up, so that they read a few rows a month instead of the months' events (the same figures
    `cash_income` and the rounded Form 8949 gains give, grouped)."""
    gains: dict[IncomeKey, Decimal] = defaultdict(Decimal)
    for row in realized:
        gains[_income_key(row, strategies)] += _gain(row)
    return _income_rows(_month_cash(events, strategies), gains)


def _income_key(row: RealizedRow, strategies: StrategyMap) -> IncomeKey:
    return (month_of(row.closed), row.account, row.underlying, strategies.of_row(row))


def pending_expiries(books: Books) -> dict[str, date]:
    """Per account, the earliest expiration among its open option lots: when the account's horizon passes
    it (a later import of any underlying), the partition must be folded again to assume that expiry."""
    out: dict[str, date] = {}
    for lot in books.lots():
        if isinstance(lot.instrument, OptionContract):
            expiry = lot.instrument.expiry
            if out.get(lot.account, date.max) > expiry:
                out[lot.account] = expiry
    return out


# -- what a fold replaces ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Replacing:
    """The rows of its partition a fold that went on replaces: per appended projection, those from an ord on
    (and the realized rows and covered calls made again, by ord); per monthly projection, those of the months
    from a day on; every row of the others."""

    from_ord: Mapping[str, int]
    ords: Mapping[str, frozenset[int]]
    from_month: date
    renamed: Mapping[int, str] = dataclasses.field(default_factory=dict)  # kept roll chains' ids, by ord
    states_from: int = 0  # the states from this ord on (after the one gone on from) are taken again


# -- the fold -------------------------------------------------------------------------------------------


class PartitionFold:
    """A partition's fold: `feed` events (in economic order, on days after the last fed), `settle` the rows of
    what was fed, `dump` the state, then `finish` the rows that depend on today."""

    def __init__(
        self,
        partition: str,
        policies: Mapping[str, AccountPolicy],
        horizons: Mapping[str, date],
    ) -> None:
        self.partition = partition
        self.format = STATE_FORMAT
        self.fold = CycleFold(policies, horizons=horizons)
        self.attribution = Attribution(())
        self.capital = CapitalSteps(partition)
        self.positions = RollPositions()
        self.last_day: date | None = None
        self.day_open = False  # the last day's end (capital, snapshot) not yet taken
        self.touched: set[str] = set()  # accounts whose lots the day may have changed
        self.washes_seen = 0
        self.washes_base = 0  # washes let go of by a dumped state (the books' list holds those after)
        # Per appended projection, the rows made so far (the next row's ord), and what was emitted of the
        # lists the fold keeps whole (its own counts are these lists' lengths).
        self.counts: dict[str, int] = dict.fromkeys(APPENDED, 0)
        self.interest_seen = 0
        self.covered: dict[str, int] = {}  # covered call (call lot id) -> its ord
        # Each wheel cycle's ord (by id of the cycle: numbered as made; `counts["cycles"]` the next), and the
        # `UNDERLYING-YYYYMMDD` ids of the closed cycles a dumped state let go of (a new cycle taking one of
        # those ids would rename both: the partition is then folded from its first event)
        self._serials: dict[int, int] = {}
        self.dropped: Counter[str] = Counter()  # closed cycles let go of, by id
        self.bases: dict[int, str] = {}  # the kept cycles' ids, by ord (at the state)
        # The roll chains still going at the state: each root (its ord) with its id before numbering
        self.chain_bases: dict[int, str] = {}
        # Monthly sums of the last KEPT_MONTHS months (older months' rows are final)
        self.month_sums: dict[tuple[date, str], list[Any]] = {}
        self.cash: dict[IncomeKey, Cash] = {}  # months before the current one
        self.month_events: list[Event] = []  # the current month's events that move income
        self.gains: dict[IncomeKey, Decimal] = {}
        self.totals: dict[TotalsKey, list[Any]] = {}
        self.kept_from = date.min  # the first month the sums above hold
        self.seq = 0  # the last store sequence number folded
        self.members: list[str] = [partition]
        # This fold's bookkeeping (not state): rows made, and what of the stored rows they replace
        self.rows: list[Row] = []
        self._from_ord: dict[str, int] = dict(self.counts)
        self._remade: dict[str, set[int]] = {
            "realized": set(),
            "covered_calls": set(),
            "cycles": set(),
            "rolls": set(),
        }
        self._loaded: set[int] = set()
        self._renamed: dict[int, str] = {}
        self._from_month = date.min
        self._resumed = False
        self._states_from = 0
        self._fed: list[Event] = []

    # -- rows ------------------------------------------------------------------------------------------

    def _add(self, projection: str, account: str | None, day: date | None, payload: str, ord: int) -> None:
        self.rows.append((projection, self.partition, OWNER, account, day, ord, payload))

    def _append(self, projection: str, account: str | None, day: date | None, payload: str) -> None:
        self._add(projection, account, day, payload, self.counts[projection])
        self.counts[projection] += 1

    # -- the fold ----------------------------------------------------------------------------------------

    def feed(self, events: Sequence[Event]) -> None:
        fold, capital, attribution = self.fold, self.capital, self.attribution
        books = fold.books
        attribution.group_strategy.update(Attribution(events).group_strategy)
        for ev in events:
            day = ev.time.date()
            last = self.last_day
            if last is not None and day != last:
                if self.day_open:
                    capital.end_of_day(books, last, self._day_accounts())
                    self.touched, self.washes_seen = set(), self._washes_made()
                if (day.year, day.month) != (last.year, last.month):
                    if self.day_open:
                        self._snapshot(last)
                    self._forget_closed()
                    self._into_months(last, day)
                elif not self.day_open:
                    # Gone on from a state whose last day was not its month's last: the snapshot taken
                    # then is not a month end after all; the month's own comes when it ends.
                    self.counts["snapshots"] -= 1
                    self._from_ord["snapshots"] = min(self._from_ord["snapshots"], self.counts["snapshots"])
                self.day_open = True
            self.last_day = day
            self.day_open = True
            self.touched.add(ev.account)
            fold.apply(ev)
            attribution.apply(ev)
            self.positions.apply(ev)
        self._fed.extend(events)

    def _forget_closed(self) -> None:
        """At a month's end, the strategies of contracts no longer held are let go of (as the month-end
        snapshots keep them): a later close of a contract not held, a problem the books report, falls back
        to its right, in any fold. What a fold keeps between imports stays the size of what is open."""
        held = {(lot.account, lot.instrument.name) for lot in self.fold.books.lots()}
        holding = self.attribution.holding
        self.attribution.holding = {k: v for k, v in holding.items() if k in held}

    def _number_cycles(self) -> None:
        for cycle in self.fold.cycles:
            if id(cycle) not in self._serials:
                self._serials[id(cycle)] = self.counts["cycles"]
                self.counts["cycles"] += 1

    def _cycle_ids(self, cycles: list[Any], ords: list[int]) -> None:
        """The cycles' ids as a fold from the first event gives them (`cycles._assign_ids`), counting the
        closed cycles a state let go of; a cycle made or absorbed since, sharing an id with one of those,
        would change that one's id too: the partition is then folded from its first event."""
        made = [c for c, o in zip(cycles, ords, strict=True) if o >= self._from_ord["cycles"]]
        gone = {self.bases.get(o) for o in self._loaded - set(ords)}
        if any(_cycle_id(c) in self.dropped for c in made) or any(b in self.dropped for b in gone):
            raise TooFarBack
        live = Counter(_cycle_id(c) for c in cycles)
        for cycle in cycles:
            name = _cycle_id(cycle)
            if name in self.dropped:
                total = live[name] + self.dropped[name]
                cycle.id = name if total == 1 else f"{name}-{cycle.account}"

    def _washes_made(self) -> int:
        return self.washes_base + len(self.fold.books.washes.washes)

    def _day_accounts(self) -> set[str]:
        washes = self.fold.books.washes.washes[self.washes_seen - self.washes_base :]
        return self.touched | {w.replacement_account for w in washes}

    def _snapshot(self, day: date) -> None:
        end = month_end(day)
        self._append("snapshots", None, end, snapshot(self.fold.books, self.attribution.holding, end))

    def _into_months(self, last: date, upto: date) -> None:
        """The months begun after `last` up to `upto`'s: each year end's Section 1256 marks (which move
        capital at risk on December 31), then each month's carry."""
        books, capital = self.fold.books, self.capital
        for first in months_between(last, upto):
            if first.month == 1:
                marked = books.marked_through
                books.close_through(date(first.year - 1, 12, 31))  # what the next event's apply would do
                if books.marked_through != marked:
                    capital.end_of_day(books, date(first.year - 1, 12, 31))
            capital.carry(first)

    def settle(self) -> None:
        """End the last day fed (its capital figures and snapshot) and make the rows of what was fed."""
        books = self.fold.books
        if self.last_day is not None and self.day_open:
            self.capital.end_of_day(books, self.last_day, self._day_accounts())
            self.touched, self.washes_seen = set(), self._washes_made()
            self._snapshot(self.last_day)
            self.day_open = False
        self._number_cycles()
        self.counts["rolls"] = self.positions.made  # a chain's ord is its first piece's seq
        fed, self._fed = self._fed, []
        for ev in fed:  # the rows still unresolved (economic_order left out the resolved)
            if isinstance(ev, Unresolved):
                day = ev.time.date()
                self._append(
                    "unresolved", ev.account, day, json.dumps({"day": day.isoformat(), "symbols": ev.symbols})
                )
        earned = books.interest[self.interest_seen :]
        self.interest_seen = len(books.interest)
        no_cash = {id(ev): Flow() for ev in earned}
        for flows in day_flows([*fed, *earned], {**self.fold.flows, **no_cash}):
            self._append("flows", flows.account, flows.day, encode(flows))
            self._month_touched(flows.day)
            _add_month(self.month_sums, flows)
        self.fold.flows.clear()  # by id of this fold's events: taken
        self.month_events.extend(ev for ev in [*fed, *earned] if moves_income(ev))
        if fed:
            self._month_touched(fed[0].time.date())
        self._emit_appended()

    def track_emitted(self) -> None:
        """The fold goes on after its rows so far were made (a state taken at a month's end): a realized row
        among them that a wash sale adjusts later is made again by its ord, as in a fold gone on from a
        state (`RealizedLog.changed`)."""
        realized = self.fold.books.realized
        kept, start = (dict(realized.kept), realized.base) if isinstance(realized, RealizedLog) else ({}, 0)
        kept.update((i, realized[i]) for i in range(start, len(realized)))
        self.fold.books.realized = RealizedLog(len(realized), kept)

    def _month_touched(self, day: date) -> None:
        first = day.replace(day=1)
        if first < self._from_month or self._from_month == date.min:
            self._from_month = first

    def _emit_appended(self) -> None:
        """The rows made since the last call: capital, realized (with those made again), washes, problems,
        assumed expiries, covered calls; and the monthly sums they move."""
        books, capital, strategies = self.fold.books, self.capital, self.attribution.map
        for step in capital.steps:
            self._append("capital", step.account, step.day, encode(step))
        for step in capital.carries:
            self._append("capital_carry", step.account, step.day, encode(step))
        capital.steps, capital.carries = [], []
        realized = books.realized
        remade: dict[int, RealizedRow] = {}
        if isinstance(realized, RealizedLog):
            remade, realized.changed = realized.changed, {}
        for index, old in sorted(remade.items()):
            old = dataclasses.replace(old, strategy=strategies.of_row(old))
            self._count(old, -1)
            row = dataclasses.replace(realized[index], strategy=strategies.of_row(realized[index]))
            self._count(row, 1)
            self._add("realized", row.account, row.closed, encode(row), index)
            self._remade["realized"].add(index)
        for index in range(self.counts["realized"], len(realized)):
            row = dataclasses.replace(realized[index], strategy=strategies.of_row(realized[index]))
            self._count(row, 1)
            self._append("realized", row.account, row.closed, encode(row))
        washes = books.washes.washes
        for wash in washes[self.counts["washes"] - self.washes_base :]:
            self._append("washes", wash.account, wash.sold, encode(wash))
        for problem in books.problems[self.counts["problems"] :]:
            self._append("problems", None, None, json.dumps(problem))
        for assumed in books.assumed[self.counts["assumed"] :]:
            self._append("assumed", assumed.account, assumed.expired, encode(assumed))
        for lot_id in books.covered_calls:  # numbered in the order written; made at `finish`
            if lot_id not in self.covered:
                self.covered[lot_id] = self.counts["covered_calls"]
                self.counts["covered_calls"] += 1

    def _count(self, row: RealizedRow, sign: int) -> None:
        """A realized row into (or out of) the monthly sums: its month's income and totals are made again."""
        self._month_touched(row.closed)
        key = _income_key(row, self.attribution.map)
        self.gains[key] = self.gains.get(key, ZERO) + sign * _gain(row)
        add_totals(self.totals, row, sign)

    # -- the state -----------------------------------------------------------------------------------

    def dump(self, seq: int, members: Sequence[str]) -> str:
        """The state, as text for a read-model row: what a later fold goes on from. The fold itself is left as
        it was (its `finish` comes next)."""
        books, strategies, attribution = self.fold.books, self.attribution.map, self.attribution
        self.seq, self.members = seq, list(members)
        self._close_months()  # for good: what a fold gone on from here does (not once a state per dump)
        saved = dict(self.__dict__)
        tracker, positions = books.washes, self.positions
        saved_books = (books.realized, books.covered_calls, tracker.washes, tracker.used, tracker.pending)
        saved_map = (
            strategies.of_key,
            strategies.opened_as,
            attribution.group_strategy,
            self.capital._groups,
        )
        saved_pieces, saved_dropped = positions.pieces, {k: list(v) for k, v in positions.dropped.items()}
        cycles = self.fold.cycles
        steps = [c.steps for c in cycles]
        try:
            self._keep_months()
            # Of the history, only what a later fold reads: the realized rows a pending loss may adjust, the
            # covered calls still open, the strategies of the current month's events and openings.
            tracker.pending = [p for p in tracker.pending if p.left > 0]
            pending = {p.row for p in tracker.pending}
            kept = {i: books.realized[i] for i in pending}
            books.realized = RealizedLog(len(books.realized), kept)
            held = {lot.lot_id for lot in books.lots()}
            tracker.used = {k: v for k, v in tracker.used.items() if k in held}
            self.washes_base, tracker.washes = self._washes_made(), []
            # A realized row to come closes an open lot (or is a kept one): its opening's strategy is kept.
            openings = {k.split("/")[0] for k in held} | {r.opened_by.split("/")[0] for r in kept.values()}
            strategies.opened_as = {k: v for k, v in strategies.opened_as.items() if k in openings}
            self.chain_bases = positions.prune(self.last_day) if self.last_day is not None else {}
            books.covered_calls = {k: v for k, v in books.covered_calls.items() if k in held}
            self.covered = {k: v for k, v in self.covered.items() if k in held}
            for c in cycles:
                c.steps = []
            # The closed cycles nothing can add to any more (a late dividend goes to the key's last cycle)
            live = {id(c) for c in [*self.fold.open.values(), *self.fold.last.values()]}
            self.fold.cycles = [c for c in cycles if id(c) in live]
            self.dropped = self.dropped + Counter(_cycle_id(c) for c in cycles if id(c) not in live)
            self.bases = {self._serials[id(c)]: _cycle_id(c) for c in self.fold.cycles}
            keys = {ev.key for ev in self.month_events}
            strategies.of_key = {k: v for k, v in strategies.of_key.items() if k in keys}
            month_groups = Attribution(self.month_events).group_strategy
            attribution.group_strategy = {
                k: v for k, v in attribution.group_strategy.items() if k in month_groups
            }
            self.capital._groups = {}
            return base64.b64encode(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)).decode("ascii")
        finally:
            self.__dict__.clear()
            self.__dict__.update(saved)
            books.realized, books.covered_calls, tracker.washes, tracker.used, tracker.pending = saved_books
            strategies.of_key, strategies.opened_as, attribution.group_strategy, self.capital._groups = (
                saved_map
            )
            positions.pieces, positions.dropped = saved_pieces, saved_dropped
            self.fold.cycles = cycles
            for c, s in zip(cycles, steps, strict=True):
                c.steps = s

    def __getstate__(self) -> dict[str, Any]:
        skip = (
            "rows",
            "_from_ord",
            "_remade",
            "_from_month",
            "_resumed",
            "_fed",
            "_serials",
            "_loaded",
            "_renamed",
        )
        state = {k: v for k, v in self.__dict__.items() if k not in skip}
        state["cycle_ords"] = [self._serials[id(c)] for c in self.fold.cycles]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        ords = state.pop("cycle_ords")
        self.__dict__.update(state)
        self._serials = {id(c): o for c, o in zip(self.fold.cycles, ords, strict=True)}
        self._loaded = set(ords)  # the cycles' ords at the state: one absorbed since is deleted
        self._renamed = {}
        self.rows, self._fed = [], []
        self._from_ord = dict(self.counts)
        self._remade = {"realized": set(), "covered_calls": set(), "cycles": set(), "rolls": set()}
        self._from_month = date.max
        self._resumed = True
        self._states_from = state_ord(self.last_day) + 1

    def _close_months(self) -> None:
        """The income events of the months before the last day's, as their months' sums: a fold keeps the
        current month's events only."""
        if self.last_day is None:
            return
        current = self.last_day.replace(day=1)
        done = [ev for ev in self.month_events if ev.time.date() < current]
        if done:
            self.cash = {**self.cash, **_month_cash(done, self.attribution.map)}
            self.month_events = [ev for ev in self.month_events if ev.time.date() >= current]

    def _keep_months(self) -> None:
        """Keep the monthly sums of the last KEPT_MONTHS months only (the months before them are final)."""
        if self.last_day is None:
            return
        first = self.last_day.replace(day=1)
        for _ in range(KEPT_MONTHS - 1):
            first = (first - timedelta(days=1)).replace(day=1)
        self.kept_from = first
        month = month_of(first)
        self.month_sums = {k: v for k, v in self.month_sums.items() if k[0] >= first}
        self.cash = {k: v for k, v in self.cash.items() if k[0] >= month}
        self.gains = {k: v for k, v in self.gains.items() if k[0] >= month}
        self.totals = {k: v for k, v in self.totals.items() if k[0] >= month}

    @classmethod
    def load(
        cls, text: str, policies: Mapping[str, AccountPolicy], horizons: Mapping[str, date]
    ) -> PartitionFold | None:
        """A dumped state, with today's policies and horizons; None if it does not read."""
        try:
            state = _Unpickler(io.BytesIO(base64.b64decode(text))).load()
        except Exception:  # an older or foreign state: the partition is folded from its first event
            return None
        if not isinstance(state, PartitionFold) or getattr(state, "format", None) != STATE_FORMAT:
            return None
        books = state.fold.books
        books.policies, books.horizons = policies, horizons
        return state

    def can_take(self, events: Sequence[Event]) -> bool:
        """Whether `events` (in economic order) go on from this state: each on a later day than the last
        folded, and none opening an order the state has seen legs of."""
        if not events or self.last_day is None:
            return bool(events) or self.last_day is not None
        if events[0].time.date() <= self.last_day:
            return False
        seen = self.attribution.group_strategy.keys()
        return not any(k in seen for k in Attribution(events).group_strategy)

    # -- the rows that depend on today ------------------------------------------------------------------

    def finish(self, today: date) -> tuple[list[Row], Replacing | None]:
        """Every row this fold makes, with what of the stored rows they replace (None: all of them)."""
        books = self.fold.books
        if self.last_day is not None:
            self._into_months(self.last_day, max(today, self.last_day))
        cycles = self.fold.finish(today)
        earned = books.interest[self.interest_seen :]
        if earned:  # income of the books' own making since the fold's last day (a bill past maturity)
            for flows in day_flows(earned, {id(ev): Flow() for ev in earned}):
                self._append("flows", flows.account, flows.day, encode(flows))
                self._month_touched(flows.day)
                _add_month(self.month_sums, flows)
            self.month_events.extend(ev for ev in earned if moves_income(ev))
        self._emit_appended()
        # A fold that went on makes the months the state keeps sums of again (the last fold's rows that
        # depended on its day, an expiry assumed then, may have fallen in any of them), and any later.
        start = self.kept_from if self._resumed else date.min
        if self._resumed and self._from_month < start:
            raise TooFarBack
        month = month_of(start) if start != date.min else ""
        for day_sum in sorted(self.month_sums.items()):
            (first, account), values = day_sum
            if first >= start:
                self._add("month_flows", account, first, encode(DayFlows(account, first, *values)), 0)
        cash = {k: v for k, v in self.cash.items() if k[0] >= month}
        cash.update(_month_cash(self.month_events, self.attribution.map))
        for income in _income_rows(cash, {k: v for k, v in self.gains.items() if k[0] >= month}):
            self._add("month_income", income.account, month_bounds(income.month)[0], encode(income), 0)
        for totals in totals_rows({k: v for k, v in self.totals.items() if k[0] >= month}):
            self._add("realized_totals", totals.account, month_bounds(totals.month)[0], encode(totals), 0)
        # The covered calls written in this fold, and those open at the state (closing one changes it: the
        # state keeps only those)
        for lot_id, covered in books.covered_calls.items():
            ord = self.covered[lot_id]
            if ord < self._from_ord["covered_calls"]:
                self._remade["covered_calls"].add(ord)
            self._add("covered_calls", covered.account, covered.written, encode(covered), ord)
        for lot in books.lots():
            self._add("lots", lot.account, lot.opened, encode(lot), 0)
        for account, expiry in pending_expiries(books).items():
            self._add("pending", account, expiry, "{}", 0)
        self._number_cycles()
        ords = [self._serials[id(c)] for c in cycles]
        if self.dropped:
            self._cycle_ids(cycles, ords)
        for cycle, ord in zip(cycles, ords, strict=True):
            if ord < self._from_ord["cycles"]:
                self._remade["cycles"].add(ord)  # open (or last) at the state: made again
            self._add("cycles", cycle.account, cycle.opened, encode(cycle, skip=("steps",)), ord)
        self._remade["cycles"] |= self._loaded - set(ords)  # absorbed into another since: deleted
        rooted = rooted_chains(self.positions)
        if self._resumed:
            # Every chain still going at the state is made again (its root may have moved); a chain let go of
            # keeps its row, unless a chain new since takes an id number before it.
            loaded = set(self.chain_bases)
            self._remade["rolls"] |= loaded
            # A chain let go of keeps its row; its id is numbered again among the chains of its id that there
            # are now (a chain formed since from an earlier piece takes a number before it).
            live: dict[str, list[int]] = {base: [] for base in self.chain_bases.values()}
            for root, base, _ in rooted:
                live.setdefault(base, []).append(root)
            for base, roots in live.items():
                for dropped in self.positions.dropped.get(base, ()):
                    number = 1 + sum(1 for r in [*roots, *self.positions.dropped[base]] if r < dropped)
                    self._renamed[dropped] = base if number == 1 else f"{base}#{number}"
        for root, _, chain in rooted:
            self._add("rolls", chain.account, chain.opened, json.dumps(roll_record(chain)), root)
        rows = _numbered(_latest(self.rows))
        if not self._resumed:
            return rows, None
        return rows, Replacing(
            dict(self._from_ord),
            {k: frozenset(v) for k, v in self._remade.items()},
            start,
            dict(self._renamed),
            self._states_from,
        )


def state_ord(day: date | None) -> int:
    """A state's place among its partition's: its last day."""
    return day.toordinal() if day is not None else 0


def fold_states(
    fold: PartitionFold, events: Sequence[Event], seq: int, members: Sequence[str]
) -> list[tuple[int, str]]:
    """Feed `events` (in economic order) to `fold` and settle it, dumping a state (its ord and text) at each
    of the last KEPT_STATES month ends they cross and after the last: what a later import of an earlier
    month goes on from. A settle at a month's end is what going on from a state there does: the rows are
    the same."""
    cuts = [i for i in range(1, len(events)) if _month(events[i - 1]) != _month(events[i])]
    states, start = [], 0
    for cut in cuts[max(0, len(cuts) - KEPT_STATES) :]:
        fold.feed(events[start:cut])
        fold.settle()
        fold.track_emitted()
        states.append((state_ord(fold.last_day), fold.dump(seq, members)))
        start = cut
    fold.feed(events[start:])
    fold.settle()
    states.append((state_ord(fold.last_day), fold.dump(seq, members)))
    return states


def _month(ev: Event) -> tuple[int, int]:
    return ev.time.year, ev.time.month


def _cycle_id(cycle: Any) -> str:
    return f"{cycle.underlying}-{cycle.opened:%Y%m%d}"


class TooFarBack(Exception):
    """A fold that went on changed a month older than the state keeps sums of: fold from the first event."""


def _latest(rows: list[Row]) -> list[Row]:
    """Each realized row once, as last made: one made again in the same fold (adjusted by a wash sale after a
    state was taken) replaces the first."""
    last = {r[5]: i for i, r in enumerate(rows) if r[0] == "realized"}
    if len(last) == sum(1 for r in rows if r[0] == "realized"):
        return rows
    return [r for i, r in enumerate(rows) if r[0] != "realized" or last[r[5]] == i]


def _numbered(rows: list[Row]) -> list[Row]:
    """The rows of the projections made whole by a fold (monthly and current ones) numbered in the order
    made, after the rows of the same projection the fold keeps (`Replacing`: their ords are counted by the
    writer); the appended ones keep theirs."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for r in rows:
        if r[0] in APPENDED:
            out.append(r)
        else:
            out.append((*r[:5], seen[r[0]], r[6]))
            seen[r[0]] += 1
    return out


# -- one partition, whole -----------------------------------------------------------------------------------


def project_partition(
    partition: str,
    events: Sequence[Event],
    policies: Mapping[str, AccountPolicy],
    today: date,
    horizons: Mapping[str, date] | None = None,
) -> list[Row]:
    """Every read-model row of one partition, from its first event."""
    if not partition:
        return no_underlying_rows(events)
    fold = PartitionFold(partition, policies, horizons_of(events) if horizons is None else horizons)
    fold.feed(events)
    fold.settle()
    rows, _ = fold.finish(today)
    return rows


def no_underlying_rows(events: Sequence[Event]) -> list[Row]:
    """The rows of the events that name no underlying (deposits, interest, account fees): few, so whole."""
    attribution = Attribution(events)
    for ev in events:
        attribution.apply(ev)
    rows: list[Row] = []
    seen: dict[str, int] = defaultdict(int)

    def add(projection: str, account: str | None, day: date | None, payload: str) -> None:
        rows.append((projection, "", OWNER, account, day, seen[projection], payload))
        seen[projection] += 1

    for ev in events:
        if isinstance(ev, Unresolved):
            day = ev.time.date()
            add("unresolved", ev.account, day, json.dumps({"day": day.isoformat(), "symbols": ev.symbols}))
    days = day_flows(events)
    for flows in days:
        add("flows", flows.account, flows.day, encode(flows))
    for flows in month_flows(days):
        add("month_flows", flows.account, flows.day, encode(flows))
    for income in month_income(events, (), attribution.map):
        add("month_income", income.account, month_bounds(income.month)[0], encode(income))
    return rows


# -- reading a state back -------------------------------------------------------------------------------

_PLAIN = {
    ("builtins", name) for name in ("set", "frozenset", "list", "dict", "tuple", "bytearray", "object")
} | {
    ("decimal", "Decimal"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("collections", "deque"),
    ("collections", "defaultdict"),
    ("collections", "OrderedDict"),
    ("collections", "Counter"),
}


class _Unpickler(pickle.Unpickler):
    """Builds only the project's own classes (`journal.*`) and plain types: a state row is data, never code
    (pickle's own advice, "Restricting Globals")."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        if module == "journal" or module.startswith("journal."):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a fold's state")
