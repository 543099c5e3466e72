"""What a void takes back, without a database: voids count unless voided, a void of a void restores, the
latest decide, void keys are new per void and within the store's 80 characters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from journal.events import CashKind, CashMoved, Event, EventVoided, Resolved, Unresolved, event_from_row
from journal.projections import cancelled, economic_order, live
from journal.store import StoredEvent
from journal.voids import VOID_PREFIX, make_void, restores, void_key

DAY = datetime(2024, 3, 1)


def cash(key: str, amount: str = "10", symbol: str | None = "KO") -> CashMoved:
    kind = CashKind.DIVIDEND if symbol else CashKind.DEPOSIT
    return CashMoved(account="A", time=DAY, key=key, kind=kind, amount=Decimal(amount), symbol=symbol)


def stored(*events: Event) -> list[StoredEvent]:
    return [StoredEvent(seq=i + 1, recorded_time=DAY, event=e) for i, e in enumerate(events)]


def test_a_void_takes_its_event_back_and_a_void_of_it_gives_it_back() -> None:
    fact = cash("k1")
    void = make_void(fact, 0, "wrong file")
    restore = make_void(void, 0, "restored")
    assert cancelled([fact, void]) == {"k1"}
    assert cancelled([fact, void, restore]) == {void.key}
    again = make_void(fact, 1, "wrong again")
    assert cancelled([fact, void, restore, again]) == {void.key, "k1"}


def test_a_void_lands_in_its_events_partition_account_and_time() -> None:
    fact = cash("k1", symbol="AAPL")
    void = make_void(fact, 0, "why")
    assert (void.underlying, void.account, void.time, void.voided_key) == ("AAPL", "A", DAY, "k1")
    assert make_void(cash("k2", symbol=None), 0, "").underlying is None


def test_void_keys_differ_per_void_and_fit_the_store() -> None:
    long_key = "x" * 80
    keys = {void_key(long_key, n) for n in range(3)}
    assert len(keys) == 3
    assert all(k.startswith(VOID_PREFIX) and len(k) <= 80 for k in keys)
    assert void_key("k1", 0) == void_key("k1", 0)  # derived: found again by key


def test_economic_order_and_live_leave_out_voided_events_and_the_voids() -> None:
    a, b = cash("a"), cash("b", "20")
    void = make_void(a, 0, "")
    assert economic_order(stored(a, b, void)) == [b]
    assert [s.event for s in live(stored(a, b, void))] == [b]
    assert economic_order(stored(a, b, void, make_void(void, 0, ""))) == [a, b]


def test_voiding_a_resolution_brings_its_unresolved_row_back() -> None:
    row = Unresolved(account="A", time=DAY, key="u1", reason="merger", raw="...", symbols=("KO",))
    resolution = Resolved(account="A", time=DAY, key="resolve:u1", resolved_key="u1", symbol="KO")
    assert economic_order(stored(row, resolution)) == [resolution]
    void = make_void(resolution, 0, "")
    assert economic_order(stored(row, resolution, void)) == [row]


def test_an_old_void_without_a_partition_still_reads_and_counts() -> None:
    old = event_from_row("EventVoided", "A", DAY, "void-old", {"voided_key": "k1", "reason": "x"}, None)
    assert isinstance(old, EventVoided) and old.underlying is None
    assert economic_order(stored(cash("k1"), old)) == []


def test_a_reimport_restores_what_a_void_took_unless_the_file_voids_it_too() -> None:
    fact, other = cash("k1"), cash("k2")
    void = make_void(fact, 0, "")
    recorded = stored(fact, other, void)
    voids = [s for s in recorded if isinstance(s.event, EventVoided)]
    (restore,) = restores([fact, other], {"k1", "k2"}, voids, "f.csv")
    assert (restore.voided_key, restore.key) == (void.key, void_key(void.key, 0))
    assert (restore.underlying, restore.time, restore.reason) == ("KO", DAY, "restored: f.csv imported again")
    assert restores([fact, other, void], {"k1", "k2", void.key}, voids, "copy.jsonl") == []
    assert restores([other], {"k2"}, voids, "f.csv") == []
