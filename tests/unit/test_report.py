"""The reliability report's counters: which month an event counts in, what each change adds,
and that they are written with the change (the use cases on the fake store)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from keepslot.adapters.dynamo.report import ReportTable, counter_updates
from keepslot.domain.report import Tally, ledger_tally, month_of, months_back, rates
from keepslot.service import admin, clients, manage
from keepslot.service.confirm import confirm
from keepslot.service.context import Context
from keepslot.service.ports.changes import Change, ClientEvent, LedgerEntry
from keepslot.service.ports.report_counters import increments
from keepslot.service.report import report
from tests.support.fakes import FakeStore, fake_context
from tests.support.flows import booked, pay
from tests.unit.factories import config

ROME = "Europe/Rome"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Rome
JAN_12 = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Rome


def offline(**policy: Any) -> Context:
    ctx = fake_context(config(payments={"mode": "offline"}, policy=policy))
    store = ctx.store
    assert isinstance(store, FakeStore)
    store.timezone = ROME  # the report counts in the freelancer's months, as bootstrap wires
    return ctx


def counted(ctx: Context, now: datetime, months: int = 3) -> dict[str, Tally]:
    store = ctx.store
    assert isinstance(store, FakeStore)
    reader = ReportTable(lambda: store.db, store.table)  # type: ignore[arg-type, return-value]
    return dict(report(reader, now, months, ROME, "EUR").months)


def test_an_appointment_counts_in_its_own_month_in_the_freelancers_time_zone() -> None:
    # 23:30 UTC on 31 January is 00:30 on 1 February in Rome.
    assert month_of(datetime(2027, 1, 31, 23, 30, tzinfo=UTC), ROME) == "2027-02"
    assert month_of(datetime(2027, 1, 31, 22, 30, tzinfo=UTC), ROME) == "2027-01"


def test_months_back_crosses_the_new_year() -> None:
    assert months_back("2027-02", 4) == ["2026-11", "2026-12", "2027-01", "2027-02"]


def test_a_waiver_takes_back_what_was_kept() -> None:
    assert ledger_tally("forfeited", 6000) + ledger_tally("waived", 6000) == Tally()
    assert ledger_tally("refund_due", 2000).refunded == 2000
    assert ledger_tally("refunded", 2000) == Tally()  # the refund decided is counted once


def test_rates_leave_an_empty_month_blank() -> None:
    assert rates(Tally()) == {"late_cancel_rate": None, "no_show_rate": None}
    assert rates(Tally(bookings=4, late_cancels=1, completed=3, no_shows=1)) == {
        "late_cancel_rate": 0.25,
        "no_show_rate": 0.25,
    }


def test_a_late_cancel_made_in_november_of_a_december_booking_counts_in_december() -> None:
    ctx = offline()
    booking_id = booked(ctx, "ada@example.com", DEC_1, NOW)
    pay(ctx, booking_id, NOW)
    late = DEC_1 - timedelta(hours=30)  # 30 November, 03:00 UTC
    manage.cancel(ctx, booking_id, late)
    months = counted(ctx, DEC_1)
    assert months["2026-12"] == Tally(bookings=1, late_cancels=1, kept=6000)
    assert months["2026-11"] == Tally() and months["2026-10"] == Tally()


def test_a_january_booking_is_not_in_a_report_that_ends_in_december() -> None:
    ctx = offline()
    booked(ctx, "ada@example.com", JAN_12, NOW)
    assert "2027-01" not in counted(ctx, DEC_1)
    assert counted(ctx, JAN_12)["2027-01"].bookings == 1


def test_attendance_confirmations_and_no_shows_are_counted() -> None:
    ctx = offline()
    came = booked(ctx, "ada@example.com", DEC_1, NOW)
    missed = booked(ctx, "bea@example.com", DEC_1 + timedelta(hours=2), NOW)
    for b in (came, missed):
        pay(ctx, b, NOW)
    confirm(ctx, came, NOW + timedelta(days=1))  # "I'll be there"
    admin.arrived(ctx, came, DEC_1 + timedelta(minutes=5))
    admin.no_show(ctx, missed, DEC_1 + timedelta(hours=2, minutes=20))
    dec = counted(ctx, DEC_1)["2026-12"]
    assert (dec.bookings, dec.completed, dec.no_shows, dec.confirmed) == (2, 1, 1, 1)
    assert dec.kept == 6000 and rates(dec)["no_show_rate"] == 0.5


def test_an_emergency_waiver_gives_back_the_kept_money_in_the_report() -> None:
    ctx = offline()
    booking_id = booked(ctx, "ada@example.com", DEC_1, NOW)
    pay(ctx, booking_id, NOW)
    manage.cancel(ctx, booking_id, DEC_1 - timedelta(hours=3))
    clients.waive(ctx, booking_id, DEC_1, "refund")
    dec = counted(ctx, DEC_1)["2026-12"]
    assert dec.late_cancels == 1 and dec.kept == 0 and dec.refunded == 6000


def test_a_change_that_records_a_refill_adds_one_refill_to_the_freed_hours_month() -> None:
    ctx = offline()
    booking_id = booked(ctx, "ada@example.com", DEC_1, NOW)
    booking, _ = ctx.store.get_booking(booking_id)
    refill = Change(
        updated=[(replace(booking, notes="refilled"), 1)],
        events=[ClientEvent(booking.client.key, "refill", NOW, booking_id)],
    )
    ctx.store.commit(refill)
    assert counted(ctx, DEC_1)["2026-12"].refills == 1


def test_two_bookings_of_one_month_add_to_different_items_but_read_as_one_month() -> None:
    ctx = offline()
    ids = [booked(ctx, f"c{n}@example.com", DEC_1 + timedelta(hours=n), NOW) for n in range(3)]
    assert counted(ctx, DEC_1)["2026-12"].bookings == len(ids)


def test_a_change_about_no_booking_writes_no_counter() -> None:
    assert counter_updates("t", Change(), ROME) == []
    entry = LedgerEntry("b1", "paid", 6000, "EUR", NOW)
    assert increments(Change(ledger=[entry]), ROME) == {}
