"""The outbox dispatcher: every message at least once, delivery recorded on the item."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from keepslot.domain.patterns import pattern_change
from keepslot.service.context import Context
from keepslot.service.ports.postman import Postman
from keepslot.service.ports.snapshots import ClientSnapshot, DueItem
from keepslot.service.ports.store import Outbox

MAX_ATTEMPTS = 5
log = logging.getLogger("keepslot")
HISTORY_WINDOW = timedelta(days=182)  # the alert's history line: the last six months
HISTORY_KINDS = ("late_cancel", "no_show", "completed", "early_cancel", "reschedule")


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
        try:
            context = json.loads(it["context"])
            wanted = _still_wanted(ctx, context, now)  # not: e.g. the credit was used
            if wanted:
                if it["to"] == "freelancer" and "booking" in context:
                    context |= client_record(ctx, context, now)
                postman.deliver(it["template"], it["to"], it["booking_id"], context)
        except Exception as e:
            # Whatever breaks one message (SES refusing it, a bug, an item written before
            # a check existed) fails that message alone: the mail behind it still goes.
            _failed(outbox, item, now, type(e.__cause__ or e).__name__)
            continue
        # A crash right here means one repeat on the next run: at least once, never lost.
        outbox.mark_delivered(item.pk, item.sk, now)
        sent += wanted
    return sent


def _failed(outbox: Outbox, item: DueItem, now: datetime, why: str) -> None:
    """One more attempt spent: try again later, or give up after MAX_ATTEMPTS."""
    attempts = int(item.item.get("attempts", 0)) + 1
    backoff = timedelta(minutes=2**attempts)  # 2, 4, 8, 16 minutes, then give up
    failed = attempts >= MAX_ATTEMPTS
    outbox.retry_later(item.pk, item.sk, attempts, now + backoff, failed=failed)
    # Key, template and the error's kind only: an error's text may quote a client. The
    # DeliveryFailed alarm counts "delivery_failed" lines; the weekly digest lists them.
    template = item.item.get("template", "")
    if failed:
        log.error("delivery_failed %s %s after %d attempts: %s", item.pk, template, attempts, why)
    else:
        log.warning("delivery_retry %s %s attempt %d: %s", item.pk, template, attempts, why)


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
