"""Every rule of the consistency checker fires on a table broken in exactly its way.

One table is built by the real use cases on the fake store (tests/support/fakes.py):
credits issued, applied and lapsed, a move, a late cancel refunded by card, a waiver,
a no-show whose fee was charged, a freelancer cancel, a hold from a network. The checker
finds nothing wrong with it; then each test breaks one thing and the checker says so.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keepslot.service import admin, clients, manage
from keepslot.service.confirm import confirm
from keepslot.service.context import Context
from keepslot.service.jobs import run_jobs
from tests.support.consistency import check_items
from tests.support.fakes import FakeGateway, FakeStore, fake_context
from tests.support.flows import booked, pay
from tests.unit.factories import config

Items = list[dict[str, Any]]
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday; the bookings below are 10:00-13:00
MON, TUE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC), datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
FIRST_TUE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@dataclass
class Table:
    items: Items
    ids: dict[str, str]  # the scenario's names for its bookings -> their ids
    ctx: Context

    def booking(self, name: str) -> dict[str, Any]:
        return self.item(f"BOOKING#{self.ids[name]}", "BOOKING")

    def item(self, pk: str, sk: str) -> dict[str, Any]:
        return next(it for it in self.items if it["PK"] == pk and it["SK"] == sk)

    def rows(self, name: str, kind: str) -> list[dict[str, Any]]:
        pk = f"BOOKING#{self.ids[name]}"
        return [
            it
            for it in self.items
            if it["PK"] == pk and it["SK"].startswith("LEDGER#") and it["kind"] == kind
        ]

    def problems(self) -> list[str]:
        return check_items(self.items, self.ctx.config.schedule())


def build() -> Table:
    cfg = config(
        payments={"mode": "stripe"},
        policy={
            "late_tiers": [{"under_hours": 48, "forfeit_percent": 50}],
            "late_remainder": "refund",
            "no_show_fee": "15.00",
        },
    )
    ctx = fake_context(cfg, FakeGateway())
    ada, bruno = "ada@example.com", "bruno@example.com"
    ids: dict[str, str] = {}

    def paid(name: str, email: str, start: datetime, now: datetime = T0) -> str:
        ids[name] = booked(ctx, email, start, now)
        pay(ctx, ids[name], now)
        return ids[name]

    manage.cancel(ctx, paid("cancelled", ada, FIRST_TUE), T0)  # early: a credit of 60.00
    ids["on_credit"] = booked(ctx, ada, MON, T0)  # ... spent here in full, on Confirm
    confirm(ctx, ids["on_credit"], T0)
    paid("by_card", ada, TUE + 2 * HOUR)
    manage.cancel(ctx, paid("open_credit", ada, MON + 14 * 24 * HOUR), T0)  # still open
    moved = manage.reschedule(ctx, paid("moved", bruno, FIRST_TUE + HOUR), T0, TUE)
    assert moved.new_booking is not None
    ids["moved_to"] = moved.new_booking.id
    paid("late", bruno, FIRST_TUE + 2 * HOUR)
    admin.freelancer_cancel(ctx, paid("by_freelancer", "dora@example.com", MON + HOUR), T0)
    run_jobs(ctx, T0)  # the freelancer's refund
    missed = paid("missed", "carla@example.com", datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    admin.no_show(ctx, missed, datetime(2026, 11, 24, 9, 20, tzinfo=UTC))
    run_jobs(ctx, datetime(2026, 11, 24, 9, 20, tzinfo=UTC))  # the fee goes on the card
    late = FIRST_TUE - 21 * HOUR
    manage.cancel(ctx, ids["late"], late)  # half kept, half refunded
    run_jobs(ctx, late)
    clients.waive(ctx, ids["late"], late)  # the half kept comes back as a credit ...
    lapsed = FIRST_TUE + 3 * 24 * HOUR + 3 * HOUR
    run_jobs(ctx, lapsed)  # ... which nobody uses
    ids["held"] = booked(ctx, "eve@example.com", TUE + HOUR, lapsed, ip_hash="net-1")
    store = ctx.store
    assert isinstance(store, FakeStore)
    return Table(store.items(), ids, ctx)


_BUILT: list[Table] = []


@pytest.fixture
def table() -> Table:
    """A fresh copy of the consistent table (built once: the use cases are the slow part)."""
    if not _BUILT:
        _BUILT.append(build())
    built = _BUILT[0]
    return Table(copy.deepcopy(built.items), built.ids, built.ctx)


def test_the_table_the_use_cases_left_is_consistent(table: Table) -> None:
    kinds = {it["kind"] for it in table.items if it["SK"].startswith("LEDGER#")}
    assert kinds >= {"paid", "credit_applied", "credit_issued", "credit_expired", "carried"}
    assert kinds >= {"forfeited", "refund_due", "refunded", "waived", "fee_charged"}
    assert table.problems() == []


def test_an_erased_client_still_adds_up() -> None:
    """Erasing moves the client's credits and relabels their rows under a pseudonym."""
    from keepslot.adapters.dynamo.erasure import TableErasure

    built = build()
    store = built.ctx.store
    assert isinstance(store, FakeStore)
    counts = TableErasure(lambda: store.db, store.table).erase("ada@example.com", "p1")  # type: ignore[arg-type, return-value]
    assert counts["credits"] == 1 and counts["bookings"] == 4
    assert check_items(store.items(), built.ctx.config.schedule()) == []


def _drop(table: Table, item: dict[str, Any]) -> None:
    table.items.remove(item)


def _lock_deleted(t: Table) -> None:
    bid = t.ids["moved_to"]
    _drop(t, next(it for it in t.items if it["SK"] == "LOCK" and it["booking_id"] == bid))


def _lock_orphaned(t: Table) -> None:
    next(it for it in t.items if it["SK"] == "LOCK")["booking_id"] = "gone"


def _day_miscounted(t: Table) -> None:
    next(it for it in t.items if it["SK"] == "DAY")["booked"] += 1


def _hold_lost(t: Table) -> None:
    _drop(t, t.item("CLIENT#eve@example.com", f"HOLD#{t.ids['held']}"))


def _network_miscounted(t: Table) -> None:
    t.item("IP#net-1", "HOLDS")["holds"] = 0


def _mail_given_up(t: Table) -> None:
    mail = next(it for it in t.items if it["SK"] == "OUTBOX")
    del mail["GSI2PK"]


def _paid_tampered(t: Table) -> None:
    t.booking("by_card")["deposit"]["paid"] -= 100


def _kept_tampered(t: Table) -> None:
    t.booking("missed")["deposit"]["kept"] -= 100


def _credit_spent_twice(t: Table) -> None:
    """The card payment of another booking of the same client becomes the spent credit's."""
    row = t.rows("by_card", "paid")[0]
    row.update(kind="credit_applied", ref=t.ids["cancelled"])


def _card_refunded_twice(t: Table) -> None:
    row = copy.deepcopy(t.rows("by_freelancer", "refunded")[0])
    row.update(SK=row["SK"] + "-again", ref="re_again")
    t.items.append(row)


def _forfeit_unrecorded(t: Table) -> None:
    _drop(t, t.rows("late", "forfeited")[0])


def _lapse_unrecorded(t: Table) -> None:
    _drop(t, t.rows("late", "credit_expired")[0])


def _fee_never_asked(t: Table) -> None:
    _drop(t, t.rows("missed", "fee_charged")[0])


def _move_carries_more(t: Table) -> None:
    """The old booking took and carried 90.00; the new one asks (and holds) only 60.00."""
    old = t.booking("moved")
    old["deposit"].update(amount=9000, paid=9000)
    t.rows("moved", "paid")[0]["amount"] = 9000
    t.rows("moved", "carried")[0]["amount"] = 9000


def _refund_not_owed(t: Table) -> None:
    t.booking("by_freelancer")["deposit"]["refunded"] = 0


def _given_up_still_holds(t: Table) -> None:
    t.booking("by_freelancer")["status"] = "cancelled"
    t.booking("by_freelancer")["deposit"]["status"] = "paid"


def _credit_filed_elsewhere(t: Table) -> None:
    key = f"CREDIT#{t.ids['open_credit']}"
    t.item("CLIENT#ada@example.com", key)["PK"] = "CLIENT#bruno@example.com"


def _credit_spent_by_another_client(t: Table) -> None:
    t.rows("late", "paid")[0].update(kind="credit_applied", ref=t.ids["open_credit"])
    _drop(t, t.item("CLIENT#ada@example.com", f"CREDIT#{t.ids['open_credit']}"))


def _refund_unnamed(t: Table) -> None:
    t.booking("by_freelancer")["payment_ref"]["refunds"] = ""


def _ledger_orphaned(t: Table) -> None:
    row = copy.deepcopy(t.rows("by_card", "paid")[0])
    row["PK"] = "BOOKING#gone"
    t.items.append(row)


def _fee_settled_twice(t: Table) -> None:
    row = copy.deepcopy(t.rows("missed", "fee_charged")[0])
    row.update(SK=row["SK"] + "-due", kind="fee_due", ref="")
    t.items.append(row)


def _fee_on_a_kept_appointment(t: Table) -> None:
    row = copy.deepcopy(t.rows("missed", "fee_charged")[0])
    row["PK"] = f"BOOKING#{t.ids['by_card']}"
    t.items.append(row)


def _fee_on_another_intent(t: Table) -> None:
    t.booking("missed")["payment_ref"]["fee_intent"] = "pi_other"


def _fee_refunded_beyond_charge(t: Table) -> None:
    row = copy.deepcopy(t.rows("missed", "fee_charged")[0])
    row.update(SK=row["SK"] + "-back", kind="fee_refunded", ref="re_fee", amount=9999)
    t.items.append(row)
    ref = t.booking("missed")["payment_ref"]
    ref["refunds"] = ",".join(r for r in [ref.get("refunds", ""), "re_fee"] if r)


BREAKS: list[tuple[Callable[[Table], None], str]] = [
    (_lock_deleted, "locks missing"),
    (_lock_orphaned, "points at a missing booking"),
    (_day_miscounted, "counter"),
    (_hold_lost, "has no open hold"),
    (_network_miscounted, "network net-1"),
    (_mail_given_up, "neither delivered nor due"),
    (_paid_tampered, "the ledger says"),
    (_kept_tampered, "kept 5900"),
    (_credit_spent_twice, "was spent"),
    (_card_refunded_twice, "12000 refunded to the card, 6000 owed back"),
    (_forfeit_unrecorded, "(forfeited 0"),
    (_lapse_unrecorded, "credit expired 0"),
    (_fee_never_asked, "its fee of 1500 was never asked for"),
    (_move_carries_more, "a move carried 9000 into a deposit of 6000"),
    (_refund_not_owed, "refunded 0, the ledger owes back 6000"),
    (_given_up_still_holds, "still holds its paid deposit"),
    (_credit_filed_elsewhere, "is filed under CLIENT#bruno@example.com"),
    (_credit_spent_by_another_client, "of bruno@example.com"),
    (_refund_unnamed, "names refunds []"),
    (_ledger_orphaned, "ledger entries for a missing booking gone"),
    (_fee_settled_twice, "want exactly once"),
    (_fee_on_a_kept_appointment, "has fee entries"),
    (_fee_on_another_intent, "for a fee of 1500"),
    (_fee_refunded_beyond_charge, "fee refunded 9999"),
]


@pytest.mark.parametrize(("breaks", "says"), BREAKS, ids=[b.__name__[1:] for b, _ in BREAKS])
def test_the_checker_finds_a_table_broken_in_one_way(
    table: Table, breaks: Callable[[Table], None], says: str
) -> None:
    breaks(table)
    problems = table.problems()
    assert any(says in p for p in problems), problems
