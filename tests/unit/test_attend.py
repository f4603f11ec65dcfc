"""Confirm-or-release: the first reminder's three buttons, "I'll be there" recorded once,
and the freelancer told at the last reminder of a booking nobody confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keepslot.service import confirm, manage
from keepslot.service.dispatch import deliver_pending
from keepslot.service.jobs import run_jobs
from tests.support.fakes import FakeStore, RecordingPostman, fake_context
from tests.support.flows import booked, pay
from tests.unit import factories as f
from tests.unit.emails import context, postman

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TEN = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Rome


def confirmed_booking() -> tuple[Any, FakeStore, RecordingPostman, str]:
    cfg = f.config(payments={"mode": "offline"}, reminders={"hours_before": [72, 24]})
    store = FakeStore()
    ctx = fake_context(cfg, None, store)
    bid = booked(ctx, "ada@example.com", TEN, NOW)
    pay(ctx, bid, NOW)
    return ctx, store, RecordingPostman(), bid


def run_until(ctx: Any, store: FakeStore, postman: RecordingPostman, now: datetime) -> None:
    due = store.due(now, limit=200)
    run_jobs(ctx, now, due)
    deliver_pending(ctx, store, postman, now, store.due(now, limit=200))


def sent(p: RecordingPostman, template: str) -> list[dict[str, Any]]:
    return [c for t, _, _, c in p.sent if t == template]


def test_only_the_first_reminder_carries_the_three_buttons() -> None:
    ctx, store, p, _ = confirmed_booking()
    run_until(ctx, store, p, TEN - timedelta(hours=72))
    run_until(ctx, store, p, TEN - timedelta(hours=24))
    assert [c["first_reminder"] for c in sent(p, "client/reminder")] == [True, False]


@pytest.mark.parametrize(
    ("locale", "words"),
    [("it", ("Ci sarò", "Sposta", "Cancella")), ("en", ("I'll be there", "Move it", "Cancel"))],
)
def test_the_first_reminder_buttons_open_the_manage_page(
    locale: str, words: tuple[str, ...]
) -> None:
    ctx = context("reminder", "video") | {"first_reminder": True}
    text = postman(locale).render("client/reminder", "client", "b1", ctx).text
    for label, action in zip(words, ("attend", "reschedule", "cancel"), strict=True):
        assert f"→ {label}: https://giuliarossi.it/manage/?do={action}#" in text


def test_ill_be_there_is_offered_recorded_once_and_shown() -> None:
    ctx, _, _, bid = confirmed_booking()
    assert manage.preview(ctx, bid, NOW).actions[0] == "attend"
    first = confirm.confirm(ctx, bid, NOW + timedelta(hours=1))
    again = confirm.confirm(ctx, bid, NOW + timedelta(hours=2))
    assert first.confirmed_at == again.confirmed_at == NOW + timedelta(hours=1)
    assert "attend" not in manage.preview(ctx, bid, NOW + timedelta(hours=3)).actions


def test_the_last_reminder_marks_an_unconfirmed_booking_for_the_freelancer() -> None:
    ctx, store, p, _ = confirmed_booking()
    run_until(ctx, store, p, TEN - timedelta(hours=72))
    assert sent(p, "freelancer/unconfirmed") == []
    run_until(ctx, store, p, TEN - timedelta(hours=24))
    assert len(sent(p, "freelancer/unconfirmed")) == 1


def test_a_client_who_said_ill_be_there_is_not_marked() -> None:
    ctx, store, p, bid = confirmed_booking()
    run_until(ctx, store, p, TEN - timedelta(hours=72))
    confirm.confirm(ctx, bid, TEN - timedelta(hours=70))
    run_until(ctx, store, p, TEN - timedelta(hours=24))
    assert sent(p, "freelancer/unconfirmed") == []
    ctx2 = context("deposit_confirmed", "video")
    ctx2["booking"]["confirmed_at"] = "2026-12-05T09:00:00Z"
    alert = postman("en").render("freelancer/deposit_confirmed", "freelancer", "b1", ctx2).text
    assert "Confirmed with “I'll be there”" in alert
