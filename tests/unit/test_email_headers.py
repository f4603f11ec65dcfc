"""Headers survive the trip: a long subject folds so that every reader unfolds it exactly."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepslot.adapters.email.ses import SesSender
from keepslot.service.letters import folded_subject
from tests.unit.emails import context, postman


class RecordingSes:
    def __init__(self) -> None:
        self.raw: list[bytes] = []

    def send_email(self, **kwargs: Any) -> dict[str, str]:
        self.raw.append(kwargs["Content"]["Raw"]["Data"])
        return {"MessageId": "m1"}


def _ctx(template: str, name: str = "Anna Bianchi") -> dict[str, Any]:
    ctx = context(template.split("/")[1], "video", name)
    ctx["booking"] |= {"start": "2026-12-07T09:00:00Z", "end": "2026-12-07T10:00:00Z"}
    return ctx


def _sent(locale: str, template: str, to: str, name: str) -> tuple[bytes, EmailMessage]:
    ses = RecordingSes()
    p = postman(locale)
    p._sender = SesSender(lambda: ses)  # type: ignore[arg-type,return-value]
    p.deliver(template, to, "b1", _ctx(template, name))
    [raw] = ses.raw
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return raw, msg


@pytest.mark.parametrize(
    ("locale", "template", "to"),
    [
        ("it", "freelancer/booking_held", "freelancer"),
        ("it", "client/booking_held", "client"),
        ("en", "client/booking_held", "client"),
        ("en", "freelancer/booking_held", "freelancer"),
    ],
)
def test_a_long_subject_reads_back_without_stray_spaces(
    locale: str, template: str, to: str
) -> None:
    raw, msg = _sent(locale, template, to, "Anna Bianchi")
    subject = str(msg["Subject"])
    print(subject)
    assert len(subject) > 70  # long enough to be folded
    assert subject == subject.strip() and "  " not in subject
    expected = postman(locale).render(template, to, "b1", _ctx(template)).subject
    assert subject == expected
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 78 for line in lines[: lines.index(b"")])  # folded, not one long line


def test_the_italian_alert_subject_is_the_whole_sentence() -> None:
    _, msg = _sent("it", "freelancer/booking_held", "freelancer", "Anna Bianchi")
    assert str(msg["Subject"]) == (
        "Nuova prenotazione in attesa dell'acconto: Anna Bianchi, lunedì 7 dicembre 2026 alle 10:00"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab èàé€ ,:'=?_\u00a0"), min_size=1, max_size=200))
def test_any_subject_unfolds_to_itself(subject: str) -> None:
    subject = subject.strip() or "x"
    raw = f"Subject: {folded_subject(subject)}\n\nbody\n".replace("\n", "\r\n").encode()
    assert str(email.message_from_bytes(raw, policy=policy.default)["Subject"]) == subject
