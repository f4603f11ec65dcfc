"""The outbox dispatcher: every message at least once, delivery recorded on the item."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Protocol

from keepslot.service.context import Context

MAX_ATTEMPTS = 5


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


def deliver_pending(ctx: Context, outbox: Outbox, postman: Postman, now: datetime) -> int:
    sent = 0
    for item in ctx.store.due(now, limit=200):
        if not item.is_mail:
            continue
        it = item.item
        try:
            postman.deliver(it["template"], it["to"], it["booking_id"], json.loads(it["context"]))
        except DeliveryFailed:
            attempts = int(it.get("attempts", 0)) + 1
            backoff = timedelta(minutes=2**attempts)  # 2, 4, 8, 16 minutes, then give up
            outbox.retry_later(
                item.pk, item.sk, attempts, now + backoff, failed=attempts >= MAX_ATTEMPTS
            )
            continue
        # A crash right here means one repeat on the next run: at least once, never lost.
        outbox.mark_delivered(item.pk, item.sk, now)
        sent += 1
    return sent
