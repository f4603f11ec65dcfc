"""The clock: run every job that is due. Each job acts only if its booking is as expected;
one that cannot run is counted, retried or stopped by service/job_failures.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from keepslot.domain.booking import WAITING, Booking, BookingStatus
from keepslot.domain.errors import DomainError
from keepslot.domain.policy import Action, apply_outcome, decide, free_change_deadline
from keepslot.service import fees, payments
from keepslot.service.admin import mark_no_show
from keepslot.service.context import Context
from keepslot.service.digest import digest_change, ensure_digest
from keepslot.service.ending import end_booking
from keepslot.service.job_failures import job_failed
from keepslot.service.mail import notify
from keepslot.service.offers import run_offer
from keepslot.service.ports.changes import Change, ClientEvent, JobKind, LedgerEntry, Message
from keepslot.service.ports.snapshots import DueItem
from keepslot.service.refill import run_filled


def run_jobs(ctx: Context, now: datetime, due: list[DueItem] | None = None) -> int:
    """Run the due jobs (not mail) of `due` (queried if not given); returns how many ran."""
    ensure_digest(ctx, now)
    ran = 0
    for item in ctx.store.due(now, limit=200) if due is None else due:
        if item.is_mail:
            continue
        try:
            ctx.store.commit(_job_change(ctx, item, now))
            ran += 1
        except DomainError as e:
            job_failed(ctx, item, e, now)  # counted: retried later, or FAILED and reported
        except Exception as e:
            job_failed(ctx, item, e, now)
            raise  # a crash stays a crash (the clock's error alarm), but counted on the job
    return ran


def _job_change(ctx: Context, item: DueItem, now: datetime) -> Change:
    kind = JobKind(item.item["kind"])
    booking_id = item.item["booking_id"]
    change = Change(jobs_done=[(booking_id, item.sk)])
    if kind is JobKind.DIGEST:
        change += digest_change(ctx, item, now)
        return change
    booking, version = ctx.store.get_booking(booking_id)
    card = (
        payments.before_expiry(ctx, booking, version, now) if kind is JobKind.HOLD_EXPIRY else None
    )
    if card is not None:
        change += card  # the card was charged after all: the payment wins over the expiry
    elif kind is JobKind.HOLD_EXPIRY:
        if booking.status in WAITING and (booking.hold_until and booking.hold_until <= now):
            change += _expire_hold(ctx, booking, version, now)
    elif kind is JobKind.REMINDER:
        if booking.status is BookingStatus.CONFIRMED and booking.start > now:
            hours = json.loads(item.item.get("data") or "{}").get("hours")
            # Said only while true at send time: a late clock never promises a past deadline.
            extra = {"hours": hours, "free_open": now < free_change_deadline(booking)}
            change.outbox += reminder_mail(ctx, booking, now, extra)
    elif kind is JobKind.NO_SHOW_CHECK:
        if booking.status is BookingStatus.CONFIRMED:
            change.outbox += notify(ctx, booking, now, "no_show_check", client=False)
    elif kind is JobKind.COMPLETE:
        if booking.status is BookingStatus.CONFIRMED:
            change.updated.append((booking.move_to(BookingStatus.COMPLETED), version))
            change.events.append(ClientEvent(booking.client.key, "completed", now, booking.id))
    elif kind is JobKind.NO_SHOW_AUTO:
        grace = booking.start + timedelta(minutes=booking.terms.grace_minutes)
        if booking.status is BookingStatus.CONFIRMED and now >= grace:
            auto, _, _ = mark_no_show(ctx, booking, version, now, auto=True)
            change += auto
    elif kind is JobKind.CREDIT_EXPIRY:
        change += _expire_credit(ctx, booking, version, item, now)
    elif kind in (JobKind.REFUND, JobKind.FEE_REFUND):
        change += payments.run_refund(ctx, booking, version, item, now)
    elif kind is JobKind.FEE:
        change += fees.run_fee(ctx, booking, version, now)
    elif kind is JobKind.FILLED:
        change += run_filled(ctx, booking, now)
    elif kind is JobKind.OFFER:
        change += run_offer(ctx, booking, item, now)
    return change


def reminder_mail(
    ctx: Context, booking: Booking, now: datetime, extra: dict[str, Any]
) -> list[Message]:
    """The client's reminder; the first carries "I'll be there", "Move it", "Cancel". At
    the last, a booking nobody said "I'll be there" to is marked for the freelancer."""
    every = ctx.config.reminders.hours_before
    hours = extra.get("hours")
    first, last = hours == max(every, default=None), hours == min(every, default=None)
    extra = extra | {"first_reminder": first}
    out = notify(ctx, booking, now, "reminder", freelancer=False, extra=extra)
    if last and not first and booking.confirmed_at is None:
        out += notify(ctx, booking, now, "unconfirmed", client=False)
    return out


def _expire_hold(ctx: Context, booking: Booking, version: int, now: datetime) -> Change:
    """The slot goes back; what an earlier credit paid of the deposit comes back as credit."""
    outcome = decide(booking, Action.EXPIRE_HOLD, now)
    change, done = end_booking(ctx, booking, version, outcome, now, BookingStatus.EXPIRED)
    told = outcome if outcome.returned else None
    # A booking nobody confirmed by email never reached the freelancer: no alert now.
    unheard = booking.awaits_click
    change.outbox += notify(
        ctx,
        done,
        now,
        "hold_expired",
        outcome=told,
        freelancer=not unheard,
        extra={"unconfirmed": unheard},
    )
    return change


def _expire_credit(
    ctx: Context, booking: Booking, version: int, item: DueItem, now: datetime
) -> Change:
    """The credit has lapsed unused: the freelancer keeps it (a waiver can still give it back)."""
    key = json.loads(item.item.get("data") or "{}").get("credit") or booking.id
    snap = ctx.store.client_snapshot(booking.client.key)
    credit = next((c for c in snap.credits if c.source_booking_id == key), None)
    change = Change()
    if credit is None or credit.until > now:
        return change  # used meanwhile
    outcome = decide(booking, Action.EXPIRE_CREDIT, now, credit_left=credit.amount)
    change.credits_used.append((credit, credit.amount))
    change.ledger.append(
        LedgerEntry(booking.id, "credit_expired", credit.amount, credit.currency, now, ref=key)
    )
    change.updated.append((apply_outcome(booking, outcome), version))
    change.outbox += notify(ctx, booking, now, "credit_expired", outcome=outcome, freelancer=False)
    return change
