"""Which email goes when, on the fakes: reminders, attendance, credits, the clock run
twice, retries. The wording is the real templates' (rendered as the client reads it);
the .ics files, SES and a crowd of bookings stay in tests/integration/test_notifications.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from keepslot.domain.booking import BookingStatus, Mode
from keepslot.domain.errors import NotAllowedNow
from keepslot.service import admin, manage
from keepslot.service.confirm import confirm
from keepslot.service.ports.postman import DeliveryFailed
from tests.support.world import FRI, THU, World

CLIENT = "anna@example.com"
FREELANCER = "giulia@"


def confirmed(w: World, **over: Any) -> str:
    """Anna's booking on Thursday at 10:00, deposit confirmed, its mail sent."""
    booking_id = w.paid(CLIENT, THU, **over)
    w.tick()
    return booking_id


def subjects(w: World, to: str) -> Counter[str]:
    return Counter(m.subject for m in w.mail(to))


def test_in_person_and_phone_confirmations_name_the_place_and_who_calls() -> None:
    w = World()
    confirmed(w, mode=Mode.IN_PERSON)
    w.paid("bea@example.com", THU + timedelta(minutes=90), mode=Mode.PHONE)
    w.tick()
    [place] = w.mail(CLIENT, "Acconto ricevuto")
    assert "Via dell'Indipendenza 12" in place.text and "citofono" in place.text
    [phone] = w.mail("bea@example.com", "Acconto ricevuto")
    assert "ti chiamo io al +39 333 000 1111" in phone.text


def test_a_video_confirmation_names_the_free_change_deadline_and_the_links() -> None:
    w = World()
    confirmed(w, mode=Mode.VIDEO)
    [mail] = w.mail(CLIENT, "Acconto ricevuto")
    assert "https://meet.jit.si/test" in mail.text  # how to test the link beforehand
    assert "martedì 1 dicembre 2026 alle 10:00" in mail.text  # free until, Rome time
    assert "/manage/#" in mail.text
    [alert] = w.mail(FREELANCER, "Acconto ricevuto")
    assert "Storico: prima prenotazione." in alert.text and "/admin/#" in alert.text


def test_a_cancellation_says_the_outcome_and_invites_to_rebook() -> None:
    w = World()
    booking_id = confirmed(w)
    manage.cancel(w.ctx, booking_id, w.at)
    w.tick()
    [mail] = w.mail(CLIENT, "Prenotazione cancellata")
    assert "https://giuliarossi.it/book/" in mail.text
    assert "credito" in mail.text and "60,00" in mail.text


def test_first_reminder_lands_before_the_deadline_and_names_it() -> None:
    w = World()
    confirmed(w, mode=Mode.VIDEO)
    w.at += timedelta(hours=1)  # 72 h before Thursday 10:00 Rome
    w.tick()
    [first] = w.mail(CLIENT, "Promemoria")
    assert w.at < THU - timedelta(hours=48)
    assert "gratuitamente fino a martedì 1 dicembre 2026 alle 10:00" in first.text
    assert "https://meet.jit.si/studio-giulia-rossi" in first.text
    w.at += timedelta(hours=48)  # 24 h before
    w.tick()
    reminders = w.mail(CLIENT, "Promemoria")
    assert len(reminders) == 2
    assert "gratuitamente" not in reminders[1].text


def test_a_cancelled_booking_gets_no_reminder() -> None:
    w = World()
    booking_id = confirmed(w)
    manage.cancel(w.ctx, booking_id, w.at)
    w.at += timedelta(hours=72)
    w.tick()
    assert w.mail(CLIENT, "Promemoria") == []
    assert "reminder" not in w.jobs(booking_id)


def test_no_show_needs_the_grace_then_follows_up_once() -> None:
    w = World()
    booking_id = confirmed(w)
    w.at = THU + timedelta(minutes=5)
    with pytest.raises(NotAllowedNow):
        admin.no_show(w.ctx, booking_id, w.at)
    assert "waiting" in admin.admin_view(w.ctx, booking_id, w.at).actions
    admin.waiting(w.ctx, booking_id, w.at, 10)
    w.tick()
    assert [m.subject for m in w.mail(CLIENT, "Ti aspetto")] == ["Ti aspetto fino alle 10:15"]
    w.at = THU + timedelta(minutes=15)
    w.tick()
    [check] = w.mail(FREELANCER, "Hai visto Anna? L'appuntamento è iniziato")
    assert "?do=no-show#" in check.text and "?do=arrived#" in check.text
    changed = admin.no_show(w.ctx, booking_id, w.at)
    assert changed.booking.status is BookingStatus.NO_SHOW
    assert w.ledger(booking_id) == {"paid": 6000, "forfeited": 6000}
    w.tick()
    w.tick()
    [follow] = w.mail(CLIENT, "Non siamo riusciti")
    assert "/book/" in follow.text and "/manage/#" in follow.text and "60,00" in follow.text
    with pytest.raises(NotAllowedNow):
        admin.no_show(w.ctx, booking_id, w.at)


def test_arrived_completes_at_once_and_offer_invites_to_rebook() -> None:
    w = World()
    booking_id = confirmed(w)
    with pytest.raises(NotAllowedNow):  # not started yet
        admin.arrived(w.ctx, booking_id, w.at)
    w.at = THU + timedelta(minutes=2)
    assert admin.arrived(w.ctx, booking_id, w.at).status is BookingStatus.COMPLETED
    assert w.snapshot(CLIENT).events[-1].kind == "completed"
    with pytest.raises(NotAllowedNow):  # completed: nothing to offer
        admin.offer(w.ctx, booking_id, w.at)
    other = w.paid(CLIENT, FRI + timedelta(days=3))
    manage.cancel(w.ctx, other, w.at)
    assert "offer" in admin.admin_view(w.ctx, other, w.at).actions
    admin.offer(w.ctx, other, w.at)
    w.tick()
    [offer] = w.mail(CLIENT, "Troviamo un nuovo orario?")
    assert "/book/" in offer.text


def test_credit_reminder_a_day_before_then_expiry_once() -> None:
    w = World()
    booking_id = confirmed(w)
    changed = manage.cancel(w.ctx, booking_id, w.at)
    until = changed.outcome.credit_until
    assert until is not None
    w.at = until - timedelta(hours=23)
    w.tick()
    [reminder] = w.mail(CLIENT, "Il tuo credito scade")
    assert "60,00" in reminder.text and "/book/" in reminder.text
    w.at = until + timedelta(minutes=1)
    w.tick()
    w.tick()
    assert subjects(w, CLIENT)["Il tuo credito è scaduto"] == 1
    assert len(w.mail(CLIENT, "Il tuo credito scade")) == 1
    assert w.ledger(booking_id)["credit_expired"] == 6000
    assert w.snapshot(CLIENT).credits == []


def test_a_used_credit_gets_no_reminder() -> None:
    w = World()
    booking_id = confirmed(w)
    until = manage.cancel(w.ctx, booking_id, w.at).outcome.credit_until
    assert until is not None
    again = w.book(CLIENT, FRI)
    assert confirm(w.ctx, again, w.at).status is BookingStatus.CONFIRMED  # the credit paid it
    w.at = until - timedelta(hours=23)
    w.tick()
    assert w.mail(CLIENT, "Il tuo credito") == []


def test_the_clock_twice_sends_nothing_twice() -> None:
    w = World()
    confirmed(w)
    w.at += timedelta(hours=1)
    assert w.tick() >= 1
    assert w.tick() == 0
    assert max(Counter((m.address, m.subject, m.text) for m in w.mailbox.sent).values()) == 1


def test_a_failed_send_is_retried_with_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    w = World()
    real, calls = w.mailbox.deliver, Counter[str]()

    def flaky(template: str, *a: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise DeliveryFailed("SES throttled")
        real(template, *a)

    monkeypatch.setattr(w.mailbox, "deliver", flaky)
    w.book(CLIENT, THU)
    w.tick()
    assert len(w.mailbox.sent) == 1  # one of the two went; the other waits for its backoff
    w.tick()
    assert len(w.mailbox.sent) == 1
    w.at += timedelta(minutes=2)
    w.tick()
    assert sorted(m.address for m in w.mailbox.sent) == [CLIENT, "giulia@giuliarossi.it"]


def test_a_crash_between_send_and_record_sends_again_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = World()
    real = w.store.mark_delivered

    def crash(*a: Any) -> None:
        raise RuntimeError("the function died here")

    monkeypatch.setattr(w.store, "mark_delivered", crash)
    w.book(CLIENT, THU)
    with pytest.raises(RuntimeError):
        w.tick()
    [first] = [m.address for m in w.mailbox.sent]  # sent, not recorded
    monkeypatch.setattr(w.store, "mark_delivered", real)
    w.tick()
    w.tick()
    by_to = Counter(m.address for m in w.mailbox.sent)
    other = ({CLIENT, "giulia@giuliarossi.it"} - {first}).pop()
    assert by_to == {first: 2, other: 1}  # at least once: the one repeat, never lost
    outbox = [it for it in w.store.items() if it.get("type") == "outbox"]
    assert len(outbox) == 2 and all("delivered_at" in it for it in outbox)


def test_no_show_is_marked_by_itself_only_when_the_policy_says_so() -> None:
    for hours, marked in ((None, False), (2, True)):
        w = World(policy={"no_show_auto_mark_hours": hours})
        booking_id = confirmed(w)
        w.at = THU + timedelta(hours=2)
        w.tick()
        w.tick()
        status = w.booking(booking_id).status
        assert (status is BookingStatus.NO_SHOW) is marked, (hours, status)
        assert len(w.mail(CLIENT, "Non siamo riusciti")) == int(marked)
        auto = w.mail(FREELANCER, "Mancata presentazione")
        assert len(auto) == int(marked)
        assert all("nessuno ha risposto" in m.text for m in auto)
