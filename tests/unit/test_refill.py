"""A late cancel's hour filled by someone else gives part of what was kept back, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keepslot.domain.booking import BookingStatus, DepositStatus
from keepslot.domain.policy import Action, Reason, apply_outcome, decide
from keepslot.domain.refill import refill
from keepslot.domain.terms import Returned
from keepslot.service import manage
from keepslot.service.dispatch import deliver_pending
from keepslot.service.jobs import run_jobs
from tests.support.consistency import check_items
from tests.support.fakes import FakeGateway, FakeStore, RecordingPostman, fake_context
from tests.support.flows import booked, pay
from tests.unit import emails
from tests.unit import factories as f

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Rome: 25 h ahead
ADA, BRUNO, CARLA = "ada@example.com", "bruno@example.com", "carla@example.com"


def setup(
    mode: str = "offline", *extra_services: dict[str, Any], **policy: Any
) -> tuple[Any, FakeStore, RecordingPostman]:
    sections: dict[str, Any] = (
        {"services": [*f.config().model_dump(mode="json")["services"], *extra_services]}
        if extra_services
        else {}
    )
    cfg = f.config(
        payments={"mode": mode},
        hours={"weekly": {"mon": ["09:00-13:00"], "tue": ["09:00-13:00"]}, "notice_hours": 1},
        policy=policy,
        **sections,
    )
    store = FakeStore()
    ctx = fake_context(cfg, FakeGateway() if mode == "stripe" else None, store)
    return ctx, store, RecordingPostman()


def tick(ctx: Any, store: FakeStore, postman: RecordingPostman, now: datetime) -> None:
    for _ in range(3):
        due = store.due(now, limit=200)
        run_jobs(ctx, now, due)
        deliver_pending(ctx, store, postman, now, due)


def late_cancelled(ctx: Any) -> str:
    """Ada books and pays, then cancels 25 h before (late): her 60.00 are kept."""
    ada = booked(ctx, ADA, START, NOW - timedelta(days=5))
    pay(ctx, ada, NOW - timedelta(days=5))
    manage.cancel(ctx, ada, NOW)
    return ada


def late_cancel_then_fill(
    ctx: Any, store: FakeStore, postman: RecordingPostman, filler: str = BRUNO
) -> str:
    """Ada cancels late, then `filler` books the hour and pays."""
    ada = late_cancelled(ctx)
    other = booked(ctx, filler, START, NOW + timedelta(minutes=5))
    pay(ctx, other, NOW + timedelta(minutes=6))
    tick(ctx, store, postman, NOW + timedelta(minutes=7))
    return ada


def refill_mail(postman: RecordingPostman, booking_id: str) -> list[dict[str, Any]]:
    return [c for t, _, b, c in postman.sent if t == "client/refill" and b == booking_id]


def test_a_filled_late_cancel_gives_half_the_deposit_back_as_credit() -> None:
    ctx, store, postman = setup()
    ada = late_cancel_then_fill(ctx, store, postman)
    credits = store.client_snapshot(ADA).credits
    assert [(c.amount, c.source_booking_id) for c in credits] == [(3000, f"{ada}#refill")]
    cancelled, _ = store.get_booking(ada)
    assert cancelled.deposit.kept == 3000 and cancelled.refilled_by is not None
    rows = [it for it in store.items() if it["SK"].startswith("LEDGER#") and ada in it["PK"]]
    assert {"refilled", "credit_issued"} <= {r["kind"] for r in rows}
    [mail] = refill_mail(postman, ada)
    assert mail["outcome"]["returned"] == {"as": "credit", "amount": 3000}
    assert check_items(store.items(), ctx.config.schedule()) == []


def test_a_refill_is_given_once_even_when_the_filler_cancels_and_someone_books_again() -> None:
    ctx, store, postman = setup()
    ada = late_cancel_then_fill(ctx, store, postman)
    bruno = next(b for b in store.items() if b["SK"] == "BOOKING" and b["status"] == "confirmed")
    later = NOW + timedelta(minutes=30)
    manage.cancel(ctx, bruno["id"], later)
    carla = booked(ctx, CARLA, START, later)
    pay(ctx, carla, later)
    tick(ctx, store, postman, later + timedelta(minutes=1))
    assert len(refill_mail(postman, ada)) == 1
    assert sum(c.amount for c in store.client_snapshot(ADA).credits) == 3000
    assert check_items(store.items(), ctx.config.schedule()) == []


def test_a_refill_goes_back_to_the_card_when_the_remainder_is_refunded() -> None:
    ctx, store, postman = setup("stripe", late_remainder="refund")
    ada = late_cancel_then_fill(ctx, store, postman)
    tick(ctx, store, postman, NOW + timedelta(minutes=10))  # the refund job runs
    gateway = ctx.payments
    assert gateway.net()[ADA] == 3000  # 60.00 paid, 30.00 back
    assert store.client_snapshot(ADA).credits == []
    assert refill_mail(postman, ada)[0]["outcome"]["returned"]["as"] == "refund"
    assert check_items(store.items(), ctx.config.schedule()) == []


def test_the_same_client_rebooking_their_hour_earns_no_refill() -> None:
    ctx, store, postman = setup()
    ada = late_cancel_then_fill(ctx, store, postman, filler=ADA)
    assert refill_mail(postman, ada) == []
    assert store.get_booking(ada)[0].deposit.kept == 6000


def test_an_early_cancel_files_no_hour_for_a_refill() -> None:
    ctx, store, _ = setup()
    ada = booked(ctx, ADA, START, NOW - timedelta(days=5))
    pay(ctx, ada, NOW - timedelta(days=5))
    manage.cancel(ctx, ada, NOW - timedelta(days=3))  # 4 days before: in time
    assert not [it for it in store.items() if it["SK"] == "FREED"]


def test_zero_percent_gives_nothing_back() -> None:
    ctx, store, postman = setup(refill_returns_percent=0)
    ada = late_cancel_then_fill(ctx, store, postman)
    assert refill_mail(postman, ada) == []
    assert store.get_booking(ada)[0].deposit.kept == 6000


@pytest.mark.parametrize(
    ("percent", "kept_pct", "back"), [(50, 100, 3000), (100, 50, 3000), (25, 50, 750)]
)
def test_refill_returns_its_percent_of_what_was_kept(
    percent: int, kept_pct: int, back: int
) -> None:
    terms = f.terms(refill_returns_percent=percent, late_tiers=[(48, kept_pct)])
    ada = f.booking(terms=terms)
    cancel = decide(ada, Action.CANCEL, ada.start - timedelta(hours=10))
    cancelled = apply_outcome(ada, cancel, BookingStatus.CANCELLED)
    bruno = f.booking(id="b2", email="bruno@example.com")
    outcome = refill(cancelled, bruno, ada.start - timedelta(hours=9))
    assert outcome is not None and outcome.reason is Reason.REFILL
    assert outcome.returned is not None and outcome.returned.amount == back
    assert outcome.returned.as_ is Returned.CREDIT
    after = apply_outcome(cancelled, outcome)
    assert after.deposit.kept == cancelled.deposit.kept - back
    assert after.deposit.status is DepositStatus.FORFEITED


def test_no_refill_once_the_hour_has_started() -> None:
    terms = f.terms(refill_returns_percent=50)
    ada = f.booking(terms=terms)
    cancelled = apply_outcome(
        ada, decide(ada, Action.CANCEL, ada.start - timedelta(hours=1)), BookingStatus.CANCELLED
    )
    assert refill(cancelled, f.booking(id="b2", email="b@example.com"), ada.start) is None


def test_two_short_bookings_filling_one_hour_give_one_refill() -> None:
    short = {"id": "breve", "name": "Short", "minutes": 30, "price": "40", "modes": ["video"]}
    ctx, store, postman = setup("offline", short | {"deposit": {"amount": "20"}})
    ada = late_cancelled(ctx)
    for email, at in ((BRUNO, START), (CARLA, START + timedelta(minutes=30))):
        other = booked(ctx, email, at, NOW + timedelta(minutes=5), service="breve")
        pay(ctx, other, NOW + timedelta(minutes=6))
    jobs = [it for it in store.items() if it["SK"].startswith("JOB#filled#")]
    fillers = [j for j in jobs if j["PK"] != f"BOOKING#{ada}"]
    assert len(fillers) == 2  # each filler asks; the cancelled booking answers once
    tick(ctx, store, postman, NOW + timedelta(minutes=7))
    assert len(refill_mail(postman, ada)) == 1
    assert sum(c.amount for c in store.client_snapshot(ADA).credits) == 3000
    assert check_items(store.items(), ctx.config.schedule()) == []


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("it", "Se un'altra persona prende questo orario, ti torna 30,00 €"),
        ("en", "If someone else takes this time, you get back €30.00"),
    ],
)
def test_the_late_cancel_email_says_what_a_refill_would_give(locale: str, said: str) -> None:
    ctx, store, postman = setup()
    ada = late_cancelled(ctx)
    tick(ctx, store, postman, NOW)
    [context] = [c for t, _, b, c in postman.sent if t == "client/cancelled" and b == ada]
    assert context["refill_may"] == 3000
    text = emails.postman(locale).render("client/cancelled", "client", ada, context).text
    assert said in " ".join(text.split())  # money carries a no-break space
