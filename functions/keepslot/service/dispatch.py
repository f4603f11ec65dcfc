"""The outbox dispatcher: every message at least once, delivery recorded on the item."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

from keepslot.domain.patterns import pattern_change
from keepslot.service.context import Context
from keepslot.service.snapshots import ClientSnapshot, DueItem

MAX_ATTEMPTS = 5
log = logging.getLogger("keepslot")
HISTORY_WINDOW = timedelta(days=182)  # the alert's history line: the last six months
HISTORY_KINDS = ("late_cancel", "no_show", "completed", "early_cancel", "reschedule")


class Postman(Protocol):
    def deliver(self, template: str, to: str, booking_id: str, context: dict[str, Any]) -> None:
        """Render and send one message; raise DeliveryFailed when it did not go."""
        ...


class DeliveryFailed(Exception):
    pass


class Outbox(Protocol):
    def mark_delivered(self, pk: str, sk: str, at: datetime) -> None: ...
    def retry_later(
        self, pk: str, sk: str, attempts: int, due: datetime, *, failed: bool
    ) -> None: ...


def deliver_pending(
    ctx: Context,
    outbox: Outbox,
    postman: Postman,
    now: datetime,
    due: list[DueItem] | None = None,
) -> int:
    """Send the due mail of `due` (queried if not given); returns how many went."""
    sent = 0
    for item in ctx.store.due(now, limit=200) if due is None else due:
        if not item.is_mail:
            continue
        it = item.item
        context = json.loads(it["context"])
        if not _still_wanted(ctx, context, now):
            outbox.mark_delivered(item.pk, item.sk, now)  # e.g. the credit was used meanwhile
            continue
        if it["to"] == "freelancer" and "booking" in context:
            context |= client_record(ctx, context, now)
        try:
            postman.deliver(it["template"], it["to"], it["booking_id"], context)
        except DeliveryFailed:
            attempts = int(it.get("attempts", 0)) + 1
            backoff = timedelta(minutes=2**attempts)  # 2, 4, 8, 16 minutes, then give up
            failed = attempts >= MAX_ATTEMPTS
            outbox.retry_later(item.pk, item.sk, attempts, now + backoff, failed=failed)
            if failed:  # the DeliveryFailed alarm counts these lines (the key holds no PII)
                log.warning("delivery_failed %s", item.pk)
            continue
        # A crash right here means one repeat on the next run: at least once, never lost.
        outbox.mark_delivered(item.pk, item.sk, now)
        sent += 1
    return sent


def _still_wanted(ctx: Context, context: dict[str, Any], now: datetime) -> bool:
    """A scheduled message names the condition it was written for."""
    cond = context.get("only_if") or {}
    source = cond.get("credit_open")
    if source:
        snap = ctx.store.client_snapshot(context["booking"]["client"]["email"].strip().lower())
        return any(
            c.source_booking_id.startswith(source) and c.until > now and c.amount > 0
            for c in snap.credits
        )
    return True


def client_record(ctx: Context, context: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What a freelancer's alert says of the client, read at send time (not on the request
    path, which stays at one read): the history line and, on a late cancel, whether it
    breaks a long reliable record (the cancel itself aside)."""
    booking = context["booking"]
    snap = ctx.store.client_snapshot(booking["client"]["email"].strip().lower())
    record: dict[str, Any] = {"history": history(snap, now)}
    if (context.get("outcome") or {}).get("reason") == "late_cancel":
        others = [e for e in snap.events if e.booking_id != booking["id"]]
        record["pattern_change"] = pattern_change(others, now)
    return record


def history(snap: ClientSnapshot, now: datetime) -> dict[str, int]:
    """The client's record at send time (the event itself is already committed)."""
    since = now - HISTORY_WINDOW
    counts = {k: 0 for k in HISTORY_KINDS}
    for ev in snap.events:
        if ev.kind in counts and ev.at >= since:
            counts[ev.kind] += 1
    return counts | {"months": 6, "bookings": int(snap.profile.get("bookings", 0))}
