"""Signed links to the manage and admin pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from keepslot.adapters.tokens import TokenSigner
from keepslot.service.ports.claims import Purpose, offer_subject
from keepslot.service.ports.postman import ADMIN_LINK_LIFETIME

LINK_LIFETIME = timedelta(weeks=6)  # client links keep working this long after the appointment


class Links:
    def __init__(self, site_url: str, signer: Callable[[], TokenSigner]) -> None:
        self.site = site_url.rstrip("/")
        self._signer = signer

    def manage(self, booking_id: str, start: datetime, action: str = "") -> str:
        """The link only emails carry: whoever opens it can read the client's inbox.
        `action` names the button pressed in the email; the page still asks (POST)."""
        token = self._signer().sign(booking_id, Purpose.MANAGE, start + LINK_LIFETIME)
        query = f"?do={action}" if action else ""
        return f"{self.site}/manage/{query}#{token}"

    def view(self, booking_id: str, start: datetime) -> str:
        """The link in the booking answer: whoever typed the address gets it, so it only
        shows the booking and takes its deposit."""
        token = self._signer().sign(booking_id, Purpose.VIEW, start + LINK_LIFETIME)
        return f"{self.site}/manage/#{token}"

    def admin(self, booking_id: str, mailed_at: datetime, action: str = "") -> str:
        """Valid for ADMIN_LINK_LIFETIME from `mailed_at`. `action` only names the button
        pressed in the email; the page still asks (POST)."""
        expires = mailed_at + ADMIN_LINK_LIFETIME
        token = self._signer().sign(booking_id, Purpose.ADMIN, expires)
        query = f"?do={action}" if action else ""
        return f"{self.site}/admin/{query}#{token}"

    def dashboard(self, nonce: str, until: datetime) -> str:
        """The dashboard's sign-in link: signed when the email is built, so no token is
        ever stored (the outbox keeps only the nonce, useless without the key)."""
        return f"{self.site}/dashboard/#{self._signer().sign(nonce, Purpose.LOGIN, until)}"

    def book(self) -> str:
        return f"{self.site}/book/"

    def waitlist(self, entry_id: str, last_day: date) -> str:
        """The leave link of a waitlist entry: valid until some weeks after its last day."""
        until = datetime.combine(last_day, time.min, UTC) + LINK_LIFETIME
        return f"{self.site}/waitlist/#{self._signer().sign(entry_id, Purpose.WAITLIST, until)}"

    def offer(self, service: str, start: datetime) -> str:
        """The book page preset to a freed time; the token names the time, not who freed it."""
        subject = offer_subject(service, start)
        return f"{self.site}/book/#offer={self._signer().sign(subject, Purpose.OFFER, start)}"
