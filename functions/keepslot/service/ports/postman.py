"""Sending mail: the dispatcher hands each outbox message to a Postman.

The Postman the wiring builds (service/letters.py) writes the letter, with links signed
by a SignedLinks, and hands its bytes to a Sender (adapters/email/ses.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Protocol

# The freelancer's links can move money (refund, forfeit, block): a mailbox read by
# someone else a month later must not be able to. The email says until when.
ADMIN_LINK_LIFETIME = timedelta(days=7)


class Postman(Protocol):
    def deliver(self, template: str, to: str, booking_id: str, context: dict[str, Any]) -> None:
        """Render and send one message; raise DeliveryFailed when it did not go."""
        ...


class DeliveryFailed(Exception):
    pass


class Sender(Protocol):
    def send(self, sender: str, recipient: str, raw: bytes) -> None:
        """Send one raw MIME message (ASCII addresses); DeliveryFailed when it did not go."""
        ...


class SignedLinks(Protocol):
    site: str

    def manage(self, booking_id: str, start: datetime, action: str = "") -> str: ...
    def admin(self, booking_id: str, mailed_at: datetime, action: str = "") -> str: ...
    def dashboard(self, nonce: str, until: datetime) -> str: ...
    def waitlist(self, entry_id: str, last_day: date) -> str: ...
    def offer(self, service: str, start: datetime) -> str: ...
    def book(self) -> str: ...
