"""Write an outbox message as a letter: text + HTML in the site's language, an `.ics` when
it changes the calendar, as raw MIME. A Sender (adapters/email/ses.py) only sends the bytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from jinja2 import TemplateError

from keepslot.config.email_address import ascii_address
from keepslot.config.fields import is_one_line
from keepslot.config.meetings import meeting
from keepslot.config.model import KeepslotConfig
from keepslot.domain.instants import parse_iso
from keepslot.service.ports.postman import ADMIN_LINK_LIFETIME, DeliveryFailed, Sender, SignedLinks
from keepslot.words import Words, format_money, format_time, format_when
from keepslot.words.email import ics
from keepslot.words.email.render import Rendered, Renderer

# Client messages that put the appointment in the calendar, and those that take it out.
INVITES = frozenset({"client/booking_confirmed", "client/deposit_confirmed", "client/rescheduled"})
CANCELS = frozenset({"client/cancelled", "client/cancelled_by_freelancer"})


class Letters:
    """The Postman the dispatcher is given: builds each message, then hands it to `sender`."""

    def __init__(
        self,
        sender: Sender,
        config: KeepslotConfig,
        links: SignedLinks,
        now: Callable[[], datetime],
    ) -> None:
        self._sender = sender
        self._config = config
        self._links = links
        self._now = now  # the app's clock: links expire by the time that checks them
        self._renderer = Renderer()

    def deliver(self, template: str, to: str, booking_id: str, context: dict[str, Any]) -> None:
        try:
            raw, address = self.build(template, to, booking_id, context)
        except (KeyError, ValueError, TypeError, IndexError, TemplateError) as e:
            # A message that cannot be built (a template error, data saved before a check
            # existed) is retried, then reported in the digest; it must not stop the rest
            # of the outbox. Only the error's kind is kept: its text may quote a client.
            raise DeliveryFailed(f"{template}: cannot build ({type(e).__name__})") from e
        self._sender.send(ascii_address(str(self._config.business.sender)), address, raw)

    def build(
        self, template: str, to: str, booking_id: str, context: dict[str, Any]
    ) -> tuple[bytes, str]:
        """The raw MIME message and its recipient (Punycode domain), or an error."""
        b = self._config.business
        rendered = self.render(template, to, booking_id, context)
        if to == "client":
            client = context["waiter"] if "waiter" in context else context["booking"]["client"]
            address, name = client["email"], client["name"]
        else:
            address, name = str(b.alerts), b.sender_name or b.name
        files = self._attachments(template, booking_id, context)
        address = ascii_address(address)
        return self._mime(address, name, rendered, files), address

    def render(self, template: str, to: str, booking_id: str, ctx: dict[str, Any]) -> Rendered:
        name = f"{self._config.business.locale}/{template}"
        if not self._renderer.exists(name):
            raise DeliveryFailed(f"no template {name}")
        return self._renderer.render(name, self.view(to, booking_id, ctx))

    def view(self, to: str, booking_id: str, context: dict[str, Any]) -> dict[str, Any]:
        """Everything a template may use; times in the reader's time zone."""
        b, cfg = self._config.business, self._config
        locale = b.locale
        booking = context.get("booking")
        tz = b.timezone
        if to == "client" and booking and booking.get("timezone"):
            tz = booking["timezone"]

        def when(raw: str | None) -> str:
            return format_when(parse_iso(raw), locale, tz) if raw else ""

        def time_of(raw: str) -> str:
            return format_time(parse_iso(raw), locale, tz)

        view: dict[str, Any] = {
            "reason": "",
            "history": None,
            "explanation": "",  # the outcome's words, kept with the message (service/mail.py)
            **context,
            "business": b,
            "config": cfg,
            "to": to,
            "locale": locale,
            "tz": tz,
            "money": lambda amount: format_money(int(amount), b.currency, locale),
            "at": when,
            "time_of": time_of,
            "mode_label": lambda mode: Words(locale)(f"mode.{mode}"),
            "book_url": self._links.book(),
            "policy_url": f"{self._links.site}/policy/",
            "sender": b.sender_name or b.name,
        }
        login = context.get("login")
        if login:  # the dashboard's sign-in: the link is signed now, never stored
            until = parse_iso(login["until"])
            view |= {
                "login_url": self._links.dashboard(login["nonce"], until),
                "login_until": format_time(until, locale, tz),
            }
        if "waiter" in context:
            from keepslot.service.waitlist_view import waiter_view

            view |= waiter_view(self._links, cfg, context)
        if booking:
            start, mailed = parse_iso(booking["start"]), self._now()
            hours = int(context.get("free_change_hours") or cfg.policy.free_change_hours)
            deadline = start - timedelta(hours=hours)
            service = cfg.service(booking["service"])
            view |= {
                "name": booking["client"]["name"],
                "first_name": (booking["client"]["name"].split() or [""])[0],
                "service_name": service.name if service else booking["service"],
                "when": format_when(start, locale, tz),
                "manage_url": self._links.manage(booking_id, start),
                "confirm_url": self._links.manage(booking_id, start, "confirm"),
                # The reminder's buttons: each opens the manage page, which acts on a press.
                "attend_url": self._links.manage(booking_id, start, "attend"),
                "move_url": self._links.manage(booking_id, start, "reschedule"),
                "cancel_url": self._links.manage(booking_id, start, "cancel"),
                "admin_url": self._links.admin(booking_id, mailed),
                "admin_action": lambda action: self._links.admin(booking_id, mailed, action),
                "admin_until": format_when(mailed + ADMIN_LINK_LIFETIME, locale, tz),
                "free_until": format_when(deadline, locale, tz),
                # Decided by the job at send time; the hours are a fallback for old items.
                "free_open": context.get("free_open", (context.get("hours") or 0) > hours),
                "meeting": meeting(self._config.modes, booking["mode"]),
            }
        return view

    def _attachments(
        self, template: str, booking_id: str, context: dict[str, Any]
    ) -> list[tuple[str, bytes, str]]:
        """(filename, bytes, METHOD): a request for the appointment, or its withdrawal."""
        if template not in INVITES | CANCELS:
            return []
        booking = context["booking"]
        if template in CANCELS:
            return [("cancel.ics", self._ics(booking_id, booking, cancel=True), "CANCEL")]
        files = [("invite.ics", self._ics(booking_id, booking, cancel=False), "REQUEST")]
        if context.get("old_id") and context.get("old_start"):
            # A move: the old appointment leaves the calendar under its own UID.
            old = booking | {"start": context["old_start"], "end": context["old_start"]}
            files.append(("cancel.ics", self._ics(context["old_id"], old, cancel=True), "CANCEL"))
        return files

    def _ics(self, booking_id: str, booking: dict[str, Any], *, cancel: bool) -> bytes:
        cfg = self._config
        start = parse_iso(booking["start"])
        end = max(start, parse_iso(booking["end"])) if booking.get("end") else start
        how = meeting(self._config.modes, booking["mode"])
        service = cfg.service(booking["service"])
        location = how.get("address") or how.get("link") or how.get("number") or ""
        return ics.invite(
            booking_id=booking_id,
            site_url=self._links.site,
            start=start,
            end=end,
            summary=f"{service.name if service else booking['service']} · {cfg.business.name}",
            organizer=str(cfg.business.sender),
            now=self._now(),
            location=location,
            url=how.get("link") or self._links.manage(booking_id, start),
            description=self._links.manage(booking_id, start),
            cancel=cancel,
        )

    def _mime(self, to: str, name: str, r: Rendered, files: list[tuple[str, bytes, str]]) -> bytes:
        b = self._config.business
        if not all(is_one_line(v) for v in (to, name, r.subject)):
            raise ValueError("a header value holds a line break or a control character")
        msg = EmailMessage(policy=policy.SMTP)
        msg["From"] = Address(b.sender_name or b.name, addr_spec=ascii_address(str(b.sender)))
        msg["To"] = Address(name, addr_spec=to)
        msg.set_raw("Subject", folded_subject(r.subject))
        msg["Date"] = formatdate(usegmt=True)
        msg.set_content(r.text)
        msg.add_alternative(r.html, subtype="html")
        for filename, data, method in files:
            msg.add_attachment(
                data,
                maintype="text",
                subtype="calendar",
                filename=filename,
                params={"method": method},
            )
        return msg.as_bytes()


def folded_subject(subject: str) -> str:
    """The Subject value, folded so that every reader unfolds it to exactly `subject`.

    The standard library's own folding can leave a space at the end of a line before
    an encoded word, or move the whole value to a line of its own: unfolded, that reads
    "Anna Bianchi,  lunedì" or " Your booking". `Header` folds between encoded words
    (whose separating spaces readers drop) or at a space it keeps.
    """
    plain = subject.isascii() and "=?" not in subject
    return Header(subject, "us-ascii" if plain else "utf-8", header_name="Subject").encode("\n")
