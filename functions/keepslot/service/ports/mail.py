"""Sending mail: the dispatcher hands each outbox message to a Postman."""

from __future__ import annotations

from typing import Any, Protocol


class Postman(Protocol):
    def deliver(self, template: str, to: str, booking_id: str, context: dict[str, Any]) -> None:
        """Render and send one message; raise DeliveryFailed when it did not go."""
        ...


class DeliveryFailed(Exception):
    pass
