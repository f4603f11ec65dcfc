"""The mail moto's SES sent, parsed with its calendar attachments, and who got what."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from typing import Any

from icalendar import Calendar

FREELANCER = "giulia@giuliarossi.it"  # the fixture config's business.alerts


def mails() -> list[dict[str, Any]]:
    """moto's sent messages, parsed: to, subject, text, html and the parsed .ics files."""
    from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]
    from moto.ses.models import ses_backends

    out = []
    for m in ses_backends[DEFAULT_ACCOUNT_ID]["eu-south-1"].sent_messages:
        msg = email.message_from_bytes(m.raw_data.encode("utf-8"), policy=policy.default)
        assert isinstance(msg, EmailMessage)
        text, rich = msg.get_body(("plain",)), msg.get_body(("html",))
        cals = [
            Calendar.from_ical(bytes(part.get_payload(decode=True)))
            for part in msg.walk()
            if part.get_content_type() == "text/calendar"
        ]
        out.append(
            {
                "to": [a.addr_spec for a in msg["To"].addresses],
                "subject": str(msg["Subject"]),
                "text": text.get_content() if text else "",
                "html": rich.get_content() if rich else "",
                "ics": cals,
            }
        )
    return out


def to(addr: str, sent: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    return [m for m in (mails() if sent is None else sent) if addr in m["to"]]
