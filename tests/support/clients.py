"""A returning client, in-process: their late cancels, their history and their
snapshot, as the reliability and screening tests build them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from keepslot.service.ports.changes import Change, ClientEvent
from tests.support.api import Api, book, emailed_token, sent_mail, token_of

EMAIL = "marco@example.com"
THU = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Rome
FRI = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
MON = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TUE = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def z(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def admin_of(booking: dict[str, Any]) -> str:
    from keepslot import bootstrap

    app = bootstrap.app()
    return token_of(app.links.admin(booking["id"], app.clock.now()))


def snapshot(email: str = EMAIL) -> Any:
    from keepslot import bootstrap

    return bootstrap.app().store.client_snapshot(email)


def history(*events: tuple[str, datetime, str], email: str = EMAIL) -> None:
    """Past events written straight into the client's partition (months of history)."""
    from keepslot import bootstrap

    bootstrap.app().store.commit(
        Change(events=[ClientEvent(email, kind, at, bid) for kind, at, bid in events])
    )


def late_cancel(api: Api, start: datetime, email: str = EMAIL) -> tuple[dict[str, Any], str]:
    """Book, pay the deposit, cancel 24 h before: a forfeited deposit and a strike."""
    r = book(api, start=z(start), email=email, name="Marco Verdi")
    assert r.status == 201, r.body
    assert api.post("/api/admin/confirm-deposit", token=admin_of(r.body["booking"])).status == 200
    manage = emailed_token(api, r.body["booking"]["id"])
    api.clock.at = start - timedelta(hours=24)
    done = api.post("/api/manage/cancel", {}, token=manage)
    assert done.body["outcome"]["reason"] == "late_cancel"
    return done.body["booking"], manage


def mail_to(who: str) -> list[dict[str, Any]]:
    return [m for m in sent_mail() if who in m["to"]]
