"""The freelancer's dashboard: the agenda, what needs them, and clients at risk.

Reads: one Query of open bookings (the calendar index) from a week back to the booking
horizon, one of open waiver requests, one of what failed, the calendars' states, and
one snapshot per client on the agenda (their strikes). The actions are the admin
page's use cases; the page asks before any that moves money.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import InvalidInput, NotAllowedNow
from keepslot.service import admin, clients
from keepslot.service.context import Context
from keepslot.service.ports import CalendarState
from keepslot.service.ports.snapshots import ClientSnapshot, DueItem

AGENDA_DAYS = 15  # today and the next 14
NO_SHOW_LOOKBACK = timedelta(days=7)  # past that, the clock has completed the booking
ACTIONS = ("approve", "decline", "arrived", "no-show", "waive", "decline-waiver", "confirm-deposit")
# Keep, return, refund or record money: the page asks for a second press.
MONEY_ACTIONS = frozenset({"decline", "no-show", "waive", "confirm-deposit"})


class DashboardReads(Protocol):
    def bookings_between(self, start: datetime, end: datetime) -> list[Booking]: ...
    def due_between(self, start: datetime, end: datetime, part: str = "DUE") -> list[DueItem]: ...
    def client_snapshot(self, email: str) -> ClientSnapshot: ...
    def get_booking(self, booking_id: str) -> tuple[Booking, int]: ...


@dataclass(frozen=True)
class Entry:
    booking: Booking
    strikes: int


@dataclass(frozen=True)
class Need:
    kind: str  # approval, waiver, no_show_check, failed, calendar
    actions: tuple[str, ...] = ()
    booking: Booking | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AtRisk:
    name: str
    email: str
    strikes: int
    tier: str | None
    next_booking: Booking | None


@dataclass(frozen=True)
class Overview:
    agenda: list[Entry]
    needs: list[Need]
    at_risk: list[AtRisk]


def overview(
    ctx: Context,
    reads: DashboardReads,
    waiver_requests: Callable[[], list[str]],
    calendars: Callable[[], dict[str, CalendarState]],
    now: datetime,
) -> Overview:
    tz = ZoneInfo(ctx.config.business.timezone)
    today = datetime.combine(now.astimezone(tz).date(), time(), tz)
    end = today + timedelta(days=AGENDA_DAYS)
    horizon = now + timedelta(days=ctx.config.hours.horizon_days + 1)
    open_ = reads.bookings_between(min(today, now - NO_SHOW_LOOKBACK), max(end, horizon))
    agenda = sorted((b for b in open_ if today <= b.start < end), key=lambda b: b.start)
    snaps = {b.client.key: reads.client_snapshot(b.client.key) for b in agenda}
    tiers = {k: clients.tier_of_client(ctx, s, now) for k, s in snaps.items()}
    needs = [Need("approval", ("approve", "decline"), b) for b in open_ if _pending(b)]
    if ctx.config.payments.mode == "offline":  # a transfer only the freelancer can see arrive
        needs += [Need("deposit", ("confirm-deposit",), b) for b in open_ if _unpaid(b)]
    needs += [Need("no_show_check", ("arrived", "no-show"), b) for b in open_ if _due(b, now)]
    needs += _waivers(reads, waiver_requests())
    needs += _failed(reads, now)
    needs += _calendar_errors(calendars())
    risky = sorted((k for k, t in tiers.items() if t.strikes), key=lambda k: -tiers[k].strikes)
    at_risk = [_at_risk(k, agenda, tiers[k].strikes, tiers[k].rule) for k in risky]
    entries = [Entry(b, tiers[b.client.key].strikes) for b in agenda]
    return Overview(entries, needs, at_risk)


def _pending(b: Booking) -> bool:
    return b.status is BookingStatus.PENDING_APPROVAL


def _unpaid(b: Booking) -> bool:
    return b.status is BookingStatus.HELD and b.deposit.status is DepositStatus.PENDING


def _due(b: Booking, now: datetime) -> bool:
    """Started, past the grace, and nobody has said yet whether the client came."""
    grace = timedelta(minutes=b.terms.grace_minutes)
    return b.status is BookingStatus.CONFIRMED and b.start + grace <= now


def _waivers(reads: DashboardReads, ids: list[str]) -> list[Need]:
    out = []
    for booking_id in ids:
        booking, _ = reads.get_booking(booking_id)
        out.append(Need("waiver", ("waive", "decline-waiver"), booking))
    return out


def _failed(reads: DashboardReads, now: datetime) -> list[Need]:
    """Mail and jobs given up on (a refund or fee the card refused, a message SES refused)."""
    out = []
    for item in reads.due_between(now - timedelta(days=365), now + timedelta(days=1), "FAILED"):
        it = item.item
        what = "mail" if item.is_mail else str(it.get("kind", "job"))
        detail = {"what": what, "attempts": int(it.get("attempts") or 0)}
        detail |= {"error": str(it["last_error"])} if it.get("last_error") else {}
        booking_id = str(it.get("booking_id") or "")
        out.append(Need("failed", (), None, detail | {"booking_id": booking_id}))
    return out


def _calendar_errors(states: dict[str, CalendarState]) -> list[Need]:
    return [
        Need("calendar", (), None, {"calendar": s.calendar_id, "error": s.last_error or ""})
        for s in states.values()
        if s.failures and s.last_error
    ]


def _at_risk(email: str, agenda: list[Booking], strikes: int, rule: Any) -> AtRisk:
    theirs = [b for b in agenda if b.client.key == email]
    first = theirs[0] if theirs else None
    name = first.client.name if first else email
    return AtRisk(name, email, strikes, rule.value if rule else None, first)


def act(
    ctx: Context, booking_id: str, action: str, now: datetime, *, sure: bool, as_: str | None
) -> Booking:
    """One "needs you" button: the admin page's use case for `action` on the booking.

    Anything that keeps, returns or refunds money waits for the confirm press (`sure`)."""
    if action not in ACTIONS:
        raise InvalidInput(f"unknown action {action!r}", field="action")
    if action in MONEY_ACTIONS and not sure:
        raise NotAllowedNow("this moves money: press confirm to go ahead")
    if action == "approve":
        return clients.approve(ctx, booking_id, now)
    if action == "decline":
        return clients.decline(ctx, booking_id, now)
    if action == "arrived":
        return admin.arrived(ctx, booking_id, now)
    if action == "no-show":
        return admin.no_show(ctx, booking_id, now).booking
    if action == "waive":
        return clients.waive(ctx, booking_id, now, as_).booking
    if action == "confirm-deposit":
        return admin.confirm_deposit(ctx, booking_id, now)
    return clients.decline_waiver(ctx, booking_id, now)
