"""Signing in to the dashboard by email link.

Anyone may ask; only the freelancer's alerts address gets a link, and the answer is the
same for everyone, so the page never tells whose address it is. The link (15 minutes)
is exchanged once for a session (8 hours). Tokens are signed by the edge (handlers),
and the email's link when it is built: nothing here sees or stores one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from keepslot.domain.instants import iso
from keepslot.service.context import Context
from keepslot.service.ports.changes import Change, Message

LOGIN_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
DASHBOARD_MAIL_ID = "DASHBOARD"  # the outbox's booking id for mail about no booking
log = logging.getLogger("keepslot")


class Logins(Protocol):
    def attempt(self, network: str, now: datetime) -> None:
        """Count one request from `network`; TooManyRequests past the hourly cap."""
        ...

    def may_mail(self, now: datetime) -> bool:
        """Count one sign-in email; False past the hourly cap."""
        ...

    def use_once(self, nonce: str, until: datetime) -> None:
        """Record the link's use; BadToken if it was used before."""
        ...


def request_link(
    ctx: Context, logins: Logins, email: str, network: str | None, now: datetime
) -> None:
    logins.attempt(network or "unknown", now)
    alerts = str(ctx.config.business.alerts).strip().lower()
    if email.strip().lower() != alerts:
        return
    if not logins.may_mail(now):
        log.warning("dashboard sign-in: hourly email cap reached, no link sent")
        return
    login = {"nonce": ctx.new_id(), "until": iso(now + LOGIN_LIFETIME)}
    message = Message(
        ctx.new_id(),
        "freelancer/dashboard_login",
        "freelancer",
        DASHBOARD_MAIL_ID,
        {"event": "dashboard_login", "login": login},
        now,
    )
    ctx.store.commit(Change(outbox=[message]))


def open_session(logins: Logins, nonce: str, link_expires: datetime) -> None:
    """The link's one use: a second exchange of the same link is refused."""
    logins.use_once(nonce, link_expires)
