"""Email addresses in keepslot.yaml and in request bodies: a strict pattern, errors by field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from keepslot.config.email_address import email_address
from keepslot.handlers.models import BookingBody
from tests.unit import factories


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("anna@example.com", "anna@example.com"),
        ("  anna.bianchi+studio@mail.example.co.uk ", "anna.bianchi+studio@mail.example.co.uk"),
        ("Hoarder@Example.COM", "Hoarder@example.com"),  # the domain is case-free, the rest kept
        ("o'neil@x.it", "o'neil@x.it"),
        ("anna@example.com\n", "anna@example.com"),  # outer blanks go, as pydantic's did
        ("zoe@bücher.de", "zoe@bücher.de"),  # mailed as zoe@xn--bcher-kva.de
        ("x@xn--80ak6aa92e.com", "x@xn--80ak6aa92e.com"),
    ],
)
def test_real_addresses_pass(given: str, kept: str) -> None:
    assert email_address(given) == kept


@pytest.mark.parametrize(
    "given",
    [
        "not-an-email",
        "anna@localhost",
        "anna@@example.com",
        "anna@example..com",
        ".anna@example.com",
        "anna.@example.com",
        "anna@-example.com",
        "anna@example-.com",
        "anna@example.123",
        "anna@1.2.3.4",
        "anna@ex_ample.com",
        "Anna <anna@example.com>",
        "an na@example.com",
        '"anna"@example.com',
        "anna@example.com\r\nBcc: all@example.com",
        "zoë@example.com",  # SES has no SMTPUTF8: such a mailbox can never be reached
        "アンナ@example.jp",
        "a" * 65 + "@example.com",
        "anna@" + "a" * 250 + ".com",
        "",
    ],
)
def test_anything_else_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="must be an email address"):
        email_address(given)


def test_a_bad_booking_email_names_the_field() -> None:
    with pytest.raises(ValidationError) as exc:
        BookingBody.model_validate(
            {
                "service": "strategia",
                "start": "2026-12-03T09:00:00Z",
                "mode": "video",
                "name": "Anna",
                "email": "anna@",
                "policy_version": "x",
            }
        )
    (error,) = exc.value.errors()
    assert error["loc"] == ("email",)


def test_a_bad_sender_names_its_key() -> None:
    from keepslot.config.model import ConfigError

    with pytest.raises(ConfigError) as exc:
        factories.config(
            business=factories._CONFIG["business"] | {"sender": "bookings at example.com"}
        )
    assert (
        "business.sender: must be an email address like name@example.com, "
        "got 'bookings at example.com'"
    ) in str(exc.value)
