"""Signed links to the manage and admin pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from keepslot.adapters.tokens import Purpose, TokenSigner

LINK_LIFETIME = timedelta(weeks=6)  # links keep working this long after the appointment


class Links:
    def __init__(self, site_url: str, signer: Callable[[], TokenSigner]) -> None:
        self.site = site_url.rstrip("/")
        self._signer = signer

    def manage(self, booking_id: str, start: datetime) -> str:
        token = self._signer().sign(booking_id, Purpose.MANAGE, start + LINK_LIFETIME)
        return f"{self.site}/manage/#{token}"

    def admin(self, booking_id: str, start: datetime, action: str = "") -> str:
        """`action` only names the button pressed in the email; the page still asks (POST)."""
        token = self._signer().sign(booking_id, Purpose.ADMIN, start + LINK_LIFETIME)
        query = f"?do={action}" if action else ""
        return f"{self.site}/admin/{query}#{token}"

    def book(self) -> str:
        return f"{self.site}/book/"
