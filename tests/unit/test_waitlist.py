"""The waitlist on fakes: joining, its caps and retention, leaving, and offers of freed times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from keepslot.adapters.dynamo.busy import DynamoBusyTable
from keepslot.domain.availability import Span
from keepslot.domain.booking import Client
from keepslot.domain.errors import InvalidInput, TooManyHolds
from keepslot.domain.waitlist import Times
from keepslot.service import admin, manage, waitlist
from keepslot.service.dispatch import deliver_pending
from keepslot.service.jobs import run_jobs
from keepslot.service.ports.changes import WAITLIST_MAIL
from tests.support.consistency import check_items
from tests.support.fakes import TABLE, FakeStore, RecordingPostman, fake_context
from tests.support.flows import booked, pay
from tests.unit import factories as f

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Rome
DAY = date(2026, 12, 8)  # a Tuesday, eight days ahead
TEN = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # 10:00 in Rome
ADA, BRUNO = "ada@example.com", "bruno@example.com"


def setup(**waitlist_section: Any) -> tuple[Any, FakeStore, RecordingPostman]:
    cfg = f.config(
        payments={"mode": "offline"},
        hours={"weekly": {"mon": ["09:00-13:00"], "tue": ["09:00-13:00"]}, "notice_hours": 12},
        waitlist=waitlist_section,
    )
    store = FakeStore()
    return fake_context(cfg, None, store), store, RecordingPostman()


def join(ctx: Any, email: str, now: datetime = NOW, **kw: Any) -> str:
    req = waitlist.WaitRequest(
        service=kw.pop("service", "strategia"),
        client=Client(email.split("@")[0].title(), email),
        first=kw.pop("first", DAY),
        last=kw.pop("last", DAY),
        policy_version=ctx.config.policy_version,
        **kw,
    )
    return waitlist.join(ctx, req, now).id


def tick(ctx: Any, store: FakeStore, postman: RecordingPostman, now: datetime) -> None:
    for _ in range(3):
        due = store.due(now, limit=200)
        run_jobs(ctx, now, due)
        deliver_pending(ctx, store, postman, now, due)


def stored(store: FakeStore, entry: str) -> list[dict[str, Any]]:
    """The entry's items: the entry itself and the place it holds under its address."""
    return [it for it in store.items() if entry in it["PK"] or it.get("entry_id") == entry]


def offers(postman: RecordingPostman) -> list[tuple[str, dict[str, Any]]]:
    return [(c["waiter"]["email"], c["offer"]) for t, _, _, c in postman.sent if "offer" in t]


def paid_booking_cancelled(
    ctx: Any,
    store: FakeStore,
    postman: RecordingPostman,
    at: datetime = NOW + timedelta(hours=1),
    cancel: Callable[[Any, str, datetime], Any] = manage.cancel,
    meanwhile: Callable[[], Any] = lambda: None,
) -> None:
    """Ada's paid 10:00 booking is cancelled `at` (by `cancel`); the clock runs a minute on."""
    ada = booked(ctx, ADA, TEN, NOW)
    pay(ctx, ada, NOW)
    meanwhile()
    cancel(ctx, ada, at)
    tick(ctx, store, postman, at + timedelta(minutes=1))


def test_joining_emails_the_leave_link_and_the_entry_carries_the_retention_ttl() -> None:
    ctx, store, postman = setup()
    entry = join(ctx, BRUNO)
    tick(ctx, store, postman, NOW)
    [(template, to, _, context)] = postman.sent
    assert (template, to, context["waiter"]["id"]) == ("client/waitlist_joined", "client", entry)
    items = stored(store, entry)
    assert len(items) == 2 and all(it["expires_at"] > DAY.toordinal() for it in items)
    assert check_items(store.items(), ctx.config.schedule()) == []


def test_an_address_may_wait_for_three_times_at_once() -> None:
    ctx, _, _ = setup()
    for _ in range(3):
        join(ctx, BRUNO)
    with pytest.raises(TooManyHolds) as refused:
        join(ctx, "Bruno@Example.com")
    assert refused.value.code == "too_many_entries"


def test_an_entry_whose_days_have_passed_no_longer_counts_toward_the_cap() -> None:
    ctx, _, _ = setup()
    for _ in range(3):
        join(ctx, BRUNO)
    join(
        ctx,
        BRUNO,
        NOW + timedelta(days=9),
        first=DAY + timedelta(days=7),
        last=DAY + timedelta(days=7),
    )


def test_two_joins_at_once_cannot_both_take_the_last_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx, store, _ = setup()
    join(ctx, BRUNO)
    join(ctx, BRUNO)
    stale = store.client_snapshot(BRUNO)  # both requests read before either writes
    monkeypatch.setattr(store, "client_snapshot", lambda email: stale)
    join(ctx, BRUNO)
    with pytest.raises(TooManyHolds):
        join(ctx, BRUNO)
    assert len([it for it in store.items() if it.get("type") == "waitlist"]) == 3


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (DAY, DAY + timedelta(days=62), "to"),
        (DAY, DAY - timedelta(days=1), "to"),
        (date(2026, 11, 29), DAY, "from"),
        (DAY, DAY + timedelta(days=59), "to"),  # past the 60-day horizon
    ],
)
def test_a_bad_range_is_refused_naming_the_field(first: date, last: date, field: str) -> None:
    ctx, _, _ = setup()
    with pytest.raises(InvalidInput) as refused:
        join(ctx, BRUNO, first=first, last=last)
    assert refused.value.field == field


def test_leaving_removes_the_entry_and_leaving_again_is_harmless() -> None:
    ctx, store, postman = setup()
    entry = join(ctx, BRUNO)
    waitlist.leave(ctx, entry)
    waitlist.leave(ctx, entry)
    assert not stored(store, entry)
    paid_booking_cancelled(ctx, store, postman)
    assert offers(postman) == []


def test_a_cancelled_time_is_offered_to_the_entries_it_suits_oldest_first() -> None:
    ctx, store, postman = setup(offer_to=2)
    join(ctx, "c1@example.com", NOW)
    join(
        ctx,
        "wrong-day@example.com",
        NOW,
        first=DAY + timedelta(days=1),
        last=DAY + timedelta(days=1),
    )
    join(ctx, "afternoon@example.com", NOW, times=(Times(time(14), time(18)),))
    join(ctx, "c2@example.com", NOW + timedelta(minutes=1), times=(Times(time(9), time(13)),))
    join(ctx, "c3@example.com", NOW + timedelta(minutes=2))
    paid_booking_cancelled(ctx, store, postman)
    got = offers(postman)
    assert [email for email, _ in got] == ["c1@example.com", "c2@example.com"]
    assert got[0][1] == {
        "service": "strategia",
        "start": "2026-12-08T09:00:00Z",
        "end": "2026-12-08T10:00:00Z",
    }
    assert check_items(store.items(), ctx.config.schedule()) == []


def test_an_offer_says_nothing_of_who_cancelled() -> None:
    ctx, store, postman = setup()
    join(ctx, BRUNO)
    paid_booking_cancelled(ctx, store, postman)
    [(_, _, owner, context)] = [s for s in postman.sent if "offer" in s[0]]
    assert "ada" not in repr(context).lower() and "booking" not in context
    assert owner.startswith(WAITLIST_MAIL)


def test_no_offer_for_a_time_the_freelancer_is_busy_in_their_calendar() -> None:
    ctx, store, postman = setup()
    join(ctx, BRUNO)
    busy = DynamoBusyTable(lambda: store.db, TABLE)  # type: ignore[arg-type,return-value]
    hour = {Span(TEN, TEN + timedelta(hours=1))}
    paid_booking_cancelled(ctx, store, postman, meanwhile=lambda: busy.put_blocks("studio", hour))
    assert offers(postman) == []


def test_no_offer_once_the_start_is_inside_the_notice() -> None:
    ctx, store, postman = setup()
    join(ctx, BRUNO)
    paid_booking_cancelled(ctx, store, postman, at=TEN - timedelta(hours=11))
    assert offers(postman) == []


def test_a_freelancer_cancel_offers_the_time_too() -> None:
    ctx, store, postman = setup()
    join(ctx, BRUNO)
    paid_booking_cancelled(ctx, store, postman, at=NOW, cancel=admin.freelancer_cancel)
    assert [e for e, _ in offers(postman)] == [BRUNO]


def test_booking_that_day_ends_the_clients_entry_and_another_day_does_not() -> None:
    ctx, store, postman = setup()
    entry = join(ctx, BRUNO)
    other_day = join(ctx, BRUNO, first=DAY + timedelta(days=6), last=DAY + timedelta(days=6))
    bruno = booked(ctx, BRUNO, TEN, NOW)
    pay(ctx, bruno, NOW)
    tick(ctx, store, postman, NOW + timedelta(minutes=1))
    assert not stored(store, entry)
    assert stored(store, other_day)
