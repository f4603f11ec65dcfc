"""The freelancer's weekly digest: a singleton job per week that the clock creates itself.

It lists the coming week, open holds, credits about to expire, mail given up on,
jobs that stopped (a refund or a fee Stripe refused, an outage that outlasted every
retry: money the freelancer must settle by hand), clients who crossed a reliability
tier, and the clients whose payment terms are due for their six-monthly review.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.domain.errors import NotFound
from keepslot.domain.instants import iso
from keepslot.domain.reliability import client_tier
from keepslot.service.context import Context
from keepslot.service.ports.changes import Change, Job, JobKind, Message
from keepslot.service.ports.snapshots import ClientSnapshot, DueItem
from keepslot.service.ports.store import DigestReads

DIGEST_ID = "DIGEST"  # the job lives at BOOKING#DIGEST, one item per week
DIGEST_AT = time(7, 0)  # Monday morning, the business's time zone
WEEK = timedelta(days=7)
REVIEW_EVERY = timedelta(days=182)
HOLD_HORIZON = timedelta(days=62)

# Per store: a warm container skips the read once a week's digest is known to exist.
_ensured: WeakKeyDictionary[object, set[str]] = WeakKeyDictionary()


def next_digest(tz: str, now: datetime) -> datetime:
    """The first Monday DIGEST_AT (local) at or after `now`, in UTC."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    for week in (0, 1):
        at = datetime.combine(monday + timedelta(weeks=week), DIGEST_AT, zone)
        if at >= now:
            return at.astimezone(now.tzinfo)
    raise AssertionError("unreachable")


def ensure_digest(ctx: Context, now: datetime) -> None:
    due = next_digest(ctx.config.business.timezone, now)
    year, week, _ = due.isocalendar()
    job = Job(DIGEST_ID, JobKind.DIGEST, due, {"week": f"{year}-W{week:02d}"})
    seen = _ensured.setdefault(ctx.store, set())
    if job.key in seen:
        return
    cast(DigestReads, ctx.store).ensure_job(job)  # conditional: two clocks create one
    seen.add(job.key)


def digest_change(ctx: Context, item: DueItem, now: datetime) -> Change:
    store = cast(DigestReads, ctx.store)
    week = str(item.item.get("data") or "")
    upcoming = store.bookings_between(now, now + HOLD_HORIZON)
    coming = [b for b in upcoming if b.start < now + WEEK]
    holds = [b for b in upcoming if b.status is BookingStatus.HELD and b.hold_until]
    snaps: dict[str, ClientSnapshot] = {}
    given_up = store.due_between(now - WEEK, now, part="FAILED")

    def snap(email: str) -> ClientSnapshot:
        if email not in snaps:
            snaps[email] = ctx.store.client_snapshot(email)
        return snaps[email]

    data: dict[str, Any] = {
        "week": _week_label(week),
        "coming": [_row(ctx, b) for b in coming],
        "holds": [_row(ctx, b) | {"hold_until": iso(b.hold_until or now)} for b in holds],
        "credits": _credits(ctx, store, now, snap),
        "failed": [_failed(f) for f in given_up if f.is_mail],
        "failed_jobs": [_failed_job(ctx, f) for f in given_up if not f.is_mail],
        "tiers": [],
        "reviews": [],
    }
    for b in {b.client.key: b for b in coming}.values():
        s = snap(b.client.key)
        data["tiers"] += _tier_crossed(ctx, b, s, now)
        data["reviews"] += _review(b, s, now)
    message = Message(
        ctx.new_id(), "freelancer/digest", "freelancer", DIGEST_ID, {"digest": data}, now
    )
    return Change(outbox=[message])


def _week_label(data: str) -> str:
    import json

    return str(json.loads(data or "{}").get("week", ""))


def _row(ctx: Context, b: Booking) -> dict[str, Any]:
    service = ctx.config.service(b.service)
    return {
        "start": iso(b.start),
        "name": b.client.name,
        "email": b.client.email,
        "service": service.name if service else b.service,
        "mode": b.mode.value,
        "status": b.status.value,
        "deposit": b.deposit.amount.amount,
        "attending": b.confirmed_at is not None,  # the client pressed "I'll be there"
    }


def _credits(ctx: Context, store: DigestReads, now: datetime, snap: Any) -> list[dict[str, Any]]:
    out = []
    for job in store.due_between(now, now + WEEK):
        if job.item.get("kind") != JobKind.CREDIT_EXPIRY.value:
            continue
        booking, _ = ctx.store.get_booking(job.item["booking_id"])
        for c in snap(booking.client.key).credits:
            if c.source_booking_id.startswith(booking.id):
                out.append({"name": booking.client.name, "amount": c.amount, "until": iso(c.until)})
    return out


def _failed(f: DueItem) -> dict[str, Any]:
    it = f.item
    return {
        "template": it.get("template", ""),
        "to": it.get("to", ""),
        "booking_id": it.get("booking_id", ""),
        "attempts": int(it.get("attempts", 0)),
    }


def _failed_job(ctx: Context, f: DueItem) -> dict[str, Any]:
    """A job the clock gave up on, with the booking it was for (if it is still there)."""
    it = f.item
    row = {
        "kind": it.get("kind", ""),
        "booking_id": it.get("booking_id", ""),
        "attempts": int(it.get("attempts", 0)),
        "error": it.get("last_error", ""),
        "name": "",
        "start": "",
    }
    try:
        booking, _ = ctx.store.get_booking(row["booking_id"])
    except NotFound:
        return row
    return row | {"name": booking.client.name, "start": iso(booking.start)}


def _tier_crossed(ctx: Context, b: Booking, s: ClientSnapshot, now: datetime) -> list[Any]:
    rel = ctx.config.reliability
    tiers = rel.rules()
    before = client_tier(s.events, now - WEEK, rel.window_days, tiers)
    after = client_tier(s.events, now, rel.window_days, tiers)
    if after.rule is None or after.rule == before.rule:
        return []
    return [
        {
            "name": b.client.name,
            "email": b.client.email,
            "strikes": after.strikes,
            "rule": after.rule.value,
        }
    ]


def _review(b: Booking, s: ClientSnapshot, now: datetime) -> list[Any]:
    """Due when a six-month anniversary of the first appointment falls in the past week."""
    firsts = [e.at for e in s.events]
    if not firsts:
        return []
    since = min(firsts)
    age = now - since
    if age < REVIEW_EVERY:
        return []
    if age % REVIEW_EVERY >= WEEK:
        return []
    return [{"name": b.client.name, "email": b.client.email, "since": iso(since)}]
