"""Knowing a client: emergency waivers, screening (approve/decline), letting a client go.

A freelancer allows real emergencies, screens new leads, and lets go of unreliable
clients professionally and kindly. Every change here is one Change (one transaction),
except blocking, which updates the client's profile through the Profiles port.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from keepslot.domain import actions
from keepslot.domain.actions import WAIVER_DECLINED, WAIVER_REQUESTED, Record, Who
from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import NotAllowedNow
from keepslot.domain.policy import Action, Outcome, decide
from keepslot.domain.reliability import Kind, Tier, client_tier, waivers_left
from keepslot.domain.terms import Returned
from keepslot.service import fees
from keepslot.service.confirmed import on_confirmed
from keepslot.service.context import Context
from keepslot.service.ending import end_booking
from keepslot.service.jobs_plan import jobs_for
from keepslot.service.mail import notify
from keepslot.service.ports.changes import Change, ClientEvent, Hold
from keepslot.service.ports.snapshots import ClientSnapshot
from keepslot.service.ports.store import Profiles
from keepslot.service.settle import settle

WAIVER_CREDIT = "#waiver"  # a waiver's credit key suffix: a leftover credit may hold CREDIT#<id>


@dataclass(frozen=True)
class Waived:
    booking: Booking
    outcome: Outcome


# ---- emergency waivers -------------------------------------------------------


def _kinds_for(snap: ClientSnapshot, booking_id: str) -> frozenset[str]:
    return frozenset(e.kind for e in snap.events if e.booking_id == booking_id)


def record_of(
    ctx: Context, booking: Booking, snap: ClientSnapshot, now: datetime, credit: int = 0
) -> Record:
    """What the client's history adds to the buttons of `booking` (domain/actions.py)."""
    per_year = ctx.config.policy.emergency_waivers_per_year
    return Record(
        kinds=_kinds_for(snap, booking.id),
        waivers_left=waivers_left(snap.events, now, per_year),
        credit=credit,
        blocked=snap.blocked,
    )


def waiver_block(
    ctx: Context, booking: Booking, snap: ClientSnapshot, now: datetime, *, by_client: bool = True
) -> str | None:
    """Why a waiver cannot be asked for (or granted) now, or None when it can."""
    who = Who.CLIENT if by_client else Who.FREELANCER
    return actions.waiver_block(booking, now, record_of(ctx, booking, snap, now), who)


def waiver_words(ctx: Context, code: str) -> str:
    """Why a waiver is not open, in the site's language."""
    from keepslot.words import Words

    return Words(ctx.config.business.locale)(f"waiver.why.{code}")


def request_waiver(ctx: Context, booking_id: str, now: datetime, reason: str) -> None:
    """The client asks; the freelancer gets an email with waive and decline buttons."""
    booking, _ = ctx.store.get_booking(booking_id)
    snap = ctx.store.client_snapshot(booking.client.key)
    code = waiver_block(ctx, booking, snap, now)
    if code is not None:
        raise NotAllowedNow(waiver_words(ctx, code))
    change = Change(events=[ClientEvent(booking.client.key, WAIVER_REQUESTED, now, booking.id)])
    change.outbox = notify(
        ctx, booking, now, "waiver_requested", client=False, extra={"reason": reason}
    )
    ctx.store.commit(change)


def waive(ctx: Context, booking_id: str, now: datetime, as_: str | None = None) -> Waived:
    """The freelancer forgives: the kept deposit comes back and the strike goes."""
    booking, version = ctx.store.get_booking(booking_id)
    snap = ctx.store.client_snapshot(booking.client.key)
    code = waiver_block(ctx, booking, snap, now, by_client=False)
    if code is not None:
        raise NotAllowedNow(waiver_words(ctx, code))
    outcome = decide(booking, Action.WAIVE, now, waive_as=Returned(as_) if as_ else None)
    change, done = settle(ctx, booking, outcome, now, None, credit_key=booking.id + WAIVER_CREDIT)
    fee, done = fees.on_waiver(done, now)  # a no-show's fee goes back (or is never charged)
    change += fee
    if done != booking:
        change.updated.append((done, version))
    change.events.append(ClientEvent(booking.client.key, Kind.WAIVER.value, now, booking.id))
    # The client hears that a no-show fee goes too: back to the card, or no longer owed.
    forgiven = {"fee_forgiven": booking.terms.no_show_fee} if fee.jobs or fee.ledger else {}
    if forgiven:
        forgiven["fee_refunded"] = bool(fee.jobs)
    change.outbox += notify(
        ctx, done, now, "waiver_decided", outcome=outcome, freelancer=False, extra=forgiven
    )
    ctx.store.commit(change)
    return Waived(done, outcome)


def decline_waiver(ctx: Context, booking_id: str, now: datetime) -> Booking:
    booking, _ = ctx.store.get_booking(booking_id)
    snap = ctx.store.client_snapshot(booking.client.key)
    if "decline-waiver" not in actions.allowed(
        booking, now, Who.FREELANCER, record_of(ctx, booking, snap, now)
    ):
        raise NotAllowedNow("there is no open waiver request on this booking")
    change = Change(events=[ClientEvent(booking.client.key, WAIVER_DECLINED, now, booking.id)])
    extra = {"granted": False}
    change.outbox = notify(ctx, booking, now, "waiver_decided", freelancer=False, extra=extra)
    ctx.store.commit(change)
    return booking


# ---- screening ---------------------------------------------------------------


def _pending(ctx: Context, booking_id: str) -> tuple[Booking, int]:
    """The booking and its version, while it still waits for the freelancer's approval."""
    booking, version = ctx.store.get_booking(booking_id)
    if booking.status is not BookingStatus.PENDING_APPROVAL:
        raise NotAllowedNow(f"this booking is {booking.status.value}")
    return booking, version


def approve(ctx: Context, booking_id: str, now: datetime) -> Booking:
    """A pending booking goes ahead: held until the deposit arrives, or confirmed."""
    booking, version = _pending(ctx, booking_id)
    change = Change()
    # Nothing to pay and no Confirm pressed yet: the address has still to prove itself.
    unproven = booking.deposit.status is DepositStatus.NONE and booking.confirmed_at is None
    if booking.deposit.status is DepositStatus.PENDING or unproven:
        done = replace(
            booking.move_to(BookingStatus.HELD), hold_until=now + ctx.config.hold_length()
        )
        change.jobs = [j for j in jobs_for(done, ctx.config, now) if j.kind == "hold_expiry"]
        event = "booking_to_confirm" if unproven else "booking_held"
    else:
        done = replace(booking.move_to(BookingStatus.CONFIRMED), hold_until=None)
        change.holds_closed.append(Hold.of(booking))
        event = "booking_confirmed"
        change += on_confirmed(ctx, done, now)
    change.updated.append((done, version))
    change.outbox = notify(ctx, done, now, event, freelancer=False)
    ctx.store.commit(change)
    return done


def decline(ctx: Context, booking_id: str, now: datetime) -> Booking:
    """A pending booking is turned down kindly: the slot is freed, any credit comes back."""
    booking, version = _pending(ctx, booking_id)
    outcome = decide(booking, Action.FREELANCER_CANCEL, now)
    change, done = end_booking(ctx, booking, version, outcome, now, BookingStatus.DECLINED)
    change.outbox += notify(ctx, done, now, "booking_declined", outcome=outcome, freelancer=False)
    ctx.store.commit(change)
    return done


# ---- letting a client go -----------------------------------------------------


def block_client(
    ctx: Context, profiles: Profiles, booking_id: str, now: datetime, *, farewell: bool = False
) -> Booking:
    """Block the client of `booking_id`; their open bookings stay as they are."""
    booking, _ = ctx.store.get_booking(booking_id)
    outbox = notify(ctx, booking, now, "farewell", freelancer=False) if farewell else []
    profiles.set_blocked(booking.client.key, True, outbox)
    return booking


def tier_of_client(ctx: Context, snap: ClientSnapshot, now: datetime) -> Tier:
    rel = ctx.config.reliability
    return client_tier(snap.events, now, rel.window_days, rel.rules(), blocked=snap.blocked)


def admin_actions(ctx: Context, booking: Booking, snap: ClientSnapshot, now: datetime) -> list[str]:
    """The buttons the admin page offers on `booking`."""
    record = record_of(ctx, booking, snap, now)
    return actions.allowed(booking, now, Who.FREELANCER, record)
