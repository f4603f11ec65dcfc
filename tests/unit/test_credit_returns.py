"""Money paid by an earlier credit is never silently lost: it comes back as credit.

The use cases run on the fake store and card provider (tests/support/fakes.py). A client
first cancels late under a 50 % tier, which leaves a credit of 30.00; the next booking's
60.00 deposit is then paid half by that credit, half by card (or not at all).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from keepslot.domain.booking import BookingStatus, DepositStatus
from keepslot.service import admin, clients, manage
from keepslot.service.confirm import confirm
from keepslot.service.context import Context
from keepslot.service.jobs import run_jobs
from tests.support.consistency import check_items
from tests.support.fakes import FakeGateway, FakeStore, fake_context
from tests.support.flows import booked, pay
from tests.unit.factories import config

EMAIL = "ada@example.com"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FIRST = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Rome
SECOND = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00 in Rome
LATE = FIRST - timedelta(hours=21)  # inside the 48 hours: half the deposit is kept


def context(mode: str = "stripe", **policy: Any) -> tuple[Context, FakeGateway]:
    cfg = config(
        payments={"mode": mode},
        policy={"late_tiers": [{"under_hours": 48, "forfeit_percent": 50}], **policy},
    )
    gateway = FakeGateway()
    return fake_context(cfg, gateway if mode == "stripe" else None), gateway


def half_paid_by_credit(ctx: Context) -> str:
    """A held booking whose deposit an earlier credit paid half of."""
    first = booked(ctx, EMAIL, FIRST, NOW)
    pay(ctx, first, NOW)
    manage.cancel(ctx, first, LATE)
    second = booked(ctx, EMAIL, SECOND, LATE)
    confirm(ctx, second, LATE)  # the client's press on the emailed link spends the credit
    booking, _ = ctx.store.get_booking(second)
    assert (booking.status, booking.deposit.paid, booking.deposit.from_credit) == (
        BookingStatus.HELD,
        3000,
        3000,
    )
    return second


def ledger(ctx: Context, booking_id: str) -> Counter[str]:
    store = ctx.store
    assert isinstance(store, FakeStore)
    rows: Counter[str] = Counter()
    for it in store.items():
        if it["PK"] == f"BOOKING#{booking_id}" and it["SK"].startswith("LEDGER#"):
            rows[it["kind"]] += it["amount"]
    return rows


def credits(ctx: Context) -> dict[str, int]:
    return {c.source_booking_id: c.amount for c in ctx.store.client_snapshot(EMAIL).credits}


def consistent(ctx: Context) -> None:
    store = ctx.store
    assert isinstance(store, FakeStore)
    assert check_items(store.items(), ctx.config.schedule()) == []


def test_an_expired_hold_gives_back_the_credit_that_paid_part_of_it() -> None:
    ctx, _ = context()
    second = half_paid_by_credit(ctx)
    assert credits(ctx) == {}
    run_jobs(ctx, LATE + timedelta(hours=1))  # the 30-minute card hold has run out
    booking, _ = ctx.store.get_booking(second)
    assert booking.status is BookingStatus.EXPIRED
    assert booking.deposit.status is DepositStatus.CREDIT
    assert credits(ctx) == {second: 3000}
    assert ledger(ctx, second) == {"credit_applied": 3000, "credit_issued": 3000}
    consistent(ctx)


def test_a_freelancer_cancel_refunds_the_card_part_and_gives_back_the_credit_part() -> None:
    ctx, gateway = context()
    second = half_paid_by_credit(ctx)
    pay(ctx, second, LATE)
    admin.freelancer_cancel(ctx, second, LATE + timedelta(hours=2))
    run_jobs(ctx, LATE + timedelta(hours=2))  # the clock makes the refund
    assert [(c.amount, c.refunded) for c in gateway.charges.values()] == [(6000, 0), (3000, 3000)]
    assert credits(ctx) == {second: 3000}
    rows = ledger(ctx, second)
    assert (rows["refund_due"], rows["refunded"], rows["credit_issued"]) == (3000, 3000, 3000)
    store = ctx.store
    assert isinstance(store, FakeStore)
    reminders = [
        json.loads(it["context"])["credit_amount"]
        for it in store.items()
        if it["SK"] == "OUTBOX" and it["template"] == "client/credit_reminder"
    ]
    assert reminders[-1] == 3000  # "your credit expires on ..." names the credit part
    consistent(ctx)


def test_an_early_cancel_under_a_refund_policy_gives_back_the_credit_part_as_credit() -> None:
    ctx, _ = context(mode="offline", early_cancel="refund")
    second = half_paid_by_credit(ctx)
    pay(ctx, second, LATE)
    changed = manage.cancel(ctx, second, LATE + timedelta(hours=2))  # days ahead: in time
    assert changed.outcome.returned is not None
    assert changed.outcome.returned.amount == 6000
    assert credits(ctx) == {second: 3000}
    rows = ledger(ctx, second)
    assert (rows["refund_due"], rows["credit_issued"]) == (3000, 3000)
    consistent(ctx)


def test_a_waiver_credit_that_lapses_is_written_in_the_ledger() -> None:
    ctx, _ = context(mode="offline", late_tiers=[{"under_hours": 48, "forfeit_percent": 100}])
    first = booked(ctx, EMAIL, FIRST, NOW)
    pay(ctx, first, NOW)
    manage.cancel(ctx, first, LATE)  # all 60.00 kept
    clients.waive(ctx, first, LATE + timedelta(hours=1))  # given back as a credit
    assert credits(ctx) == {f"{first}#waiver": 6000}
    run_jobs(ctx, FIRST + timedelta(days=3, minutes=1))  # nobody booked by its deadline
    assert credits(ctx) == {}
    rows = ledger(ctx, first)
    assert rows["credit_expired"] == 6000
    booking, _ = ctx.store.get_booking(first)
    assert booking.deposit.kept == 6000  # kept again, as the lapsed credit's money
    consistent(ctx)


def test_the_expired_hold_email_tells_the_client_their_credit_is_back() -> None:
    from keepslot.adapters.email.links import Links
    from keepslot.adapters.tokens import TokenSigner
    from keepslot.service.letters import Letters

    ctx, _ = context()
    second = half_paid_by_credit(ctx)
    run_jobs(ctx, LATE + timedelta(hours=1))
    store = ctx.store
    assert isinstance(store, FakeStore)
    mail = next(
        it
        for it in store.items()
        if it["SK"] == "OUTBOX" and it["template"] == "client/hold_expired"
    )
    assert mail["booking_id"] == second
    links = Links("https://example.com", lambda: TokenSigner([b"k" * 32]))
    postman = Letters(lambda: None, ctx.config, links, lambda: LATE)  # type: ignore[arg-type,return-value]
    text = postman.render(mail["template"], "client", second, json.loads(mail["context"])).text
    assert "€30.00" in text and "comes back to you as a credit" in text, text


def test_a_waiver_in_the_same_second_as_the_late_cancel_it_forgives_is_recorded() -> None:
    ctx, gateway = context(late_remainder="refund", waiver_returns_as="refund")
    first = booked(ctx, EMAIL, FIRST, NOW)
    pay(ctx, first, NOW)
    manage.cancel(ctx, first, LATE)  # half kept, half owed back to the card
    clients.waive(ctx, first, LATE)  # the same second: the half kept goes back too
    run_jobs(ctx, LATE)
    assert ledger(ctx, first) == {"paid": 6000, "forfeited": 3000, "waived": 3000} | {
        "refund_due": 6000,
        "refunded": 6000,
    }
    assert [c.refunded for c in gateway.charges.values()] == [6000]
    consistent(ctx)
