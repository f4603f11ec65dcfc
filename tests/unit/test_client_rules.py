"""Knowing clients, on the fakes: tiers at booking, blocking, waivers, screening.

The sample studio's rules (tests/fixtures/keepslot.yaml): inside 48 hours the whole
deposit is kept and counts as a strike; two strikes ask the full price, three wait for
approval; one emergency waiver a year, returned as credit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from keepslot.domain.booking import BookingStatus, DepositStatus
from keepslot.domain.errors import NotAllowedNow, SlotTaken
from keepslot.domain.reliability import strikes
from keepslot.service import admin, clients, manage
from keepslot.service.confirm import confirm
from tests.support.world import FRI, MON, THU, TUE, World

EMAIL = "marco@example.com"
FREELANCER = "giulia@"


def late_cancel(w: World, start: datetime, email: str = EMAIL) -> str:
    """Book, pay the deposit, cancel 24 h before: the deposit kept, and a strike."""
    booking_id = w.paid(email, start)
    w.at = start - timedelta(hours=24)
    changed = manage.cancel(w.ctx, booking_id, w.at)
    assert changed.outcome.reason.value == "late_cancel"
    return booking_id


def test_two_late_cancels_ask_the_full_price_of_the_third_booking() -> None:
    w = World()
    late_cancel(w, THU)
    late_cancel(w, FRI)
    done = w.booked(EMAIL, MON)
    assert done.tier == "prepay"
    assert done.booking.status is BookingStatus.HELD
    assert done.booking.deposit.amount.amount == 12000  # the full price
    [(message, _)] = [m for m in w.outbox() if m[1] == done.booking.id and "client/" in m[0]]
    assert w.last_change.outbox[0].context["tier"] == "prepay"
    assert message == "client/booking_held"


def test_a_first_booking_has_no_tier_and_half_the_price_as_deposit() -> None:
    done = World().booked("nuova@example.com", THU)
    assert done.tier is None
    assert done.booking.deposit.amount.amount == 6000


def test_a_blocked_address_is_answered_like_anyone_but_nothing_is_booked() -> None:
    w = World()
    first = w.book(EMAIL, THU)
    clients.block_client(w.ctx, w.store, first, w.at, farewell=True)
    assert w.snapshot(EMAIL).blocked
    commits = len(w.store.commits)
    again = w.booked(EMAIL.upper(), FRI)
    anyone = w.booked("someone.else@example.com", MON)
    assert (again.booking.status, again.booking.deposit) == (
        anyone.booking.status,
        anyone.booking.deposit,
    )
    # Only the farewell was written: the time is still free, the client's holds unchanged.
    [turned_away] = w.store.commits[commits : commits + 1]
    assert turned_away.new_bookings == [] and turned_away.take_locks == []
    assert [m.template for m in turned_away.outbox] == ["client/farewell"]
    assert w.snapshot(EMAIL).holds == [first]
    assert w.book("other@example.com", FRI)  # FRI was never taken
    with pytest.raises(SlotTaken):  # a taken time answers as it does to anyone
        w.book(EMAIL, MON)
    assert w.booking(first).status is BookingStatus.HELD
    w.booked(EMAIL, TUE)  # a second try the same day: no second farewell
    w.tick()
    farewell = w.mail(EMAIL, "Grazie")
    assert len(farewell) == 2  # the freelancer's own, and the one answering the attempt
    assert all("auguro il meglio" in m.text for m in farewell)
    assert any("non è stato prenotato nulla" in m.text for m in farewell)


def test_a_waiver_request_reaches_the_freelancer_and_waiving_removes_the_strike() -> None:
    w = World()
    booking_id = late_cancel(w, THU)
    assert w.snapshot(EMAIL).credits == []
    page = manage.preview(w.ctx, booking_id, w.at)  # what the client's manage page offers
    assert (page.actions, page.waiver) == (["waiver"], None)
    clients.request_waiver(w.ctx, booking_id, w.at, "Mio figlio all'ospedale")
    w.tick()
    [alert] = w.mail(FREELANCER, "Richiesta di eccezione")
    assert "Mio figlio all'ospedale" in alert.text
    assert "/admin/?do=waive#" in alert.text and "/admin/?do=decline-waiver#" in alert.text
    with pytest.raises(NotAllowedNow):  # asking twice is refused, with the reason
        clients.request_waiver(w.ctx, booking_id, w.at, "again")
    waived = clients.waive(w.ctx, booking_id, w.at)  # the config's default: credit
    assert waived.outcome.returned is not None
    assert (waived.outcome.returned.as_.value, waived.outcome.returned.amount) == ("credit", 6000)
    assert waived.booking.deposit.status is DepositStatus.WAIVED
    snap = w.snapshot(EMAIL)
    assert strikes(snap.events, w.at, 365) == 0
    assert [(c.source_booking_id, c.amount) for c in snap.credits] == [
        (booking_id + "#waiver", 6000)
    ]
    assert w.ledger(booking_id)["waived"] == 6000
    w.tick()
    [decided] = w.mail(EMAIL, "Sulla tua richiesta")
    assert "le emergenze capitano" in decided.text
    page = manage.preview(w.ctx, booking_id, w.at)
    assert "waiver" not in page.actions
    assert page.waiver is not None and "già stato concesso" in page.waiver


def test_the_waiver_credit_pays_the_next_deposit_on_confirm() -> None:
    w = World()
    first = late_cancel(w, THU)
    clients.waive(w.ctx, first, w.at)
    second = w.book(EMAIL, MON)
    assert w.booking(second).status is BookingStatus.HELD  # the credit waits for Confirm
    done = confirm(w.ctx, second, w.at)
    assert (done.status, done.deposit.status) == (BookingStatus.CONFIRMED, DepositStatus.PAID)
    assert done.deposit.from_credit == 6000
    assert w.snapshot(EMAIL).credits == []
    assert w.ledger(second) == {"credit_applied": 6000}


def test_a_second_waiver_in_a_year_is_refused_with_the_reason() -> None:
    w = World()
    first = late_cancel(w, THU)
    clients.waive(w.ctx, first, w.at, "refund")  # a credit would pay the next deposit
    second = late_cancel(w, MON)
    page = manage.preview(w.ctx, second, w.at)
    assert "waiver" not in page.actions
    assert page.waiver is not None and "già stato usato" in page.waiver
    with pytest.raises(NotAllowedNow, match="già stato usato"):
        clients.request_waiver(w.ctx, second, w.at, "ancora")


def test_waiving_as_refund_offline_books_a_refund_due() -> None:
    w = World()
    booking_id = late_cancel(w, THU)
    waived = clients.waive(w.ctx, booking_id, w.at, "refund")
    assert waived.outcome.returned is not None
    assert (waived.outcome.returned.as_.value, waived.outcome.returned.amount) == ("refund", 6000)
    assert w.ledger(booking_id)["refund_due"] == 6000
    assert w.snapshot(EMAIL).credits == []


def test_declining_a_waiver_keeps_the_strike_and_writes_kindly() -> None:
    w = World()
    booking_id = late_cancel(w, THU)
    clients.request_waiver(w.ctx, booking_id, w.at, "traffico")
    clients.decline_waiver(w.ctx, booking_id, w.at)
    assert strikes(w.snapshot(EMAIL).events, w.at, 365) == 1
    assert w.ledger(booking_id)["forfeited"] == 6000
    w.tick()
    [answer] = w.mail(EMAIL, "Sulla tua richiesta")
    assert "non posso fare un'eccezione" in answer.text
    with pytest.raises(NotAllowedNow):  # declined once: nothing left to decline
        clients.decline_waiver(w.ctx, booking_id, w.at)


def test_intake_answers_and_availability_fit_reach_the_freelancer() -> None:
    w = World()
    answers = {"business": "Panificio Sole", "goal": "Altro", "availability": "sabato mattina"}
    w.book("nuovo@example.com", THU, answers=answers)
    w.tick()
    [alert] = [m for m in w.mail(FREELANCER) if "Panificio Sole" in m.text]
    assert "sabato mattina" in alert.text
    assert "fuori dal tuo orario (sabato mattina)" in alert.text


def test_a_late_cancel_after_months_of_reliability_suggests_a_conversation() -> None:
    w = World()
    w.history(EMAIL, *[("completed", w.at - timedelta(days=40 * n), f"old{n}") for n in (1, 2, 3)])
    late_cancel(w, THU)
    w.tick()
    [alert] = w.mail(FREELANCER, "Cancellazione tardiva")
    assert "cambio di abitudini" in alert.text


def test_three_strikes_wait_for_approval_then_approve_or_decline() -> None:
    w = World()
    past = w.at - timedelta(days=30)
    w.history(EMAIL, *[("late_cancel", past + timedelta(days=n), f"old{n}") for n in (1, 2, 3)])
    pending = w.booked(EMAIL, THU)
    assert (pending.booking.status, pending.tier) == (BookingStatus.PENDING_APPROVAL, "approval")
    assert pending.booking.deposit.amount.amount == 12000  # prepay applies below approval
    assert {"approve", "decline"} <= set(admin.admin_view(w.ctx, pending.booking.id, w.at).actions)
    approved = clients.approve(w.ctx, pending.booking.id, w.at)
    assert approved.status is BookingStatus.HELD  # the full price is still due
    assert "hold_expiry" in w.jobs(approved.id)  # the deposit has its deadline again
    other = w.book(EMAIL, FRI)
    declined = clients.decline(w.ctx, other, w.at)
    assert declined.status is BookingStatus.DECLINED
    assert w.book("someone@example.com", FRI)  # the slot is free again
    with pytest.raises(NotAllowedNow):
        clients.approve(w.ctx, other, w.at)
