"""Render an outbox message with Jinja2 and send it as raw MIME through SES v2."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from keepslot.adapters.dynamo.codec import parse_iso
from keepslot.adapters.email.links import Links
from keepslot.adapters.explain import explain_view
from keepslot.adapters.settings import KeepslotConfig
from keepslot.adapters.words import format_datetime, format_money
from keepslot.service.dispatch import DeliveryFailed

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

_HEADER_UNSAFE = re.compile(r"[\r\n]")


_MODE_NAMES = {
    "it": {"video": "video", "phone": "telefono", "in_person": "in presenza"},
    "en": {"video": "video", "phone": "phone", "in_person": "in person"},
}


class SesPostman:
    def __init__(
        self, ses: Callable[[], SESV2Client], config: KeepslotConfig, links: Links
    ) -> None:
        self._ses = ses
        self._config = config
        self._links = links
        self._env = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            undefined=StrictUndefined,
            autoescape=False,  # plain text; the HTML part escapes explicitly
            keep_trailing_newline=True,
        )

    def deliver(self, template: str, to: str, booking_id: str, context: dict[str, Any]) -> None:
        b = self._config.business
        booking = context["booking"]
        address = booking["client"]["email"] if to == "client" else str(b.alerts)
        start = parse_iso(booking["start"])
        locale = b.locale
        tz = booking.get("timezone") if to == "client" and booking.get("timezone") else b.timezone
        view = {
            **context,
            "business": b,
            "config": self._config,
            "to": to,
            "when": format_datetime(start, locale, tz),
            "money": lambda amount: format_money(amount, b.currency, locale),
            "manage_url": self._links.manage(booking_id, start),
            "admin_url": self._links.admin(booking_id, start),
            "book_url": self._links.book(),
            "free_until": format_datetime(
                start - timedelta(hours=self._config.policy.free_change_hours), locale, tz
            ),
            "free_open": (context.get("hours") or 0) > self._config.policy.free_change_hours,
            "mode_name": _MODE_NAMES[locale].get(booking["mode"], booking["mode"]),
            "reason": context.get("reason", ""),
            "explanation": self._explain(context.get("outcome"), tz),
        }
        text = self._env.get_template(f"{locale}/{template}.txt.j2").render(view)
        subject, _, body = text.partition("\n")
        self._send(address, subject.strip(), body.lstrip("\n"))

    def _explain(self, outcome: dict[str, Any] | None, tz: str) -> str:
        if not outcome:
            return ""
        return explain_view(outcome, self._config.business.locale, tz)

    def _send(self, to: str, subject: str, text: str) -> None:
        b = self._config.business
        if _HEADER_UNSAFE.search(to + subject):
            raise DeliveryFailed("a header value contains CR or LF")
        msg = EmailMessage()
        msg["From"] = Address(b.sender_name or b.name, addr_spec=str(b.sender))
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(usegmt=True)
        msg.set_content(text)
        try:
            self._ses().send_email(
                FromEmailAddress=str(b.sender),
                Destination={"ToAddresses": [to]},
                Content={"Raw": {"Data": msg.as_bytes()}},
            )
        except (ClientError, BotoCoreError) as e:
            raise DeliveryFailed(str(e)) from e
