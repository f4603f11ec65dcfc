"""A charge made while the client is on the page is on-session (their bank may ask them
to confirm it there); only the clock's charges, like the no-show fee, are off-session.
What keepslot asks of Stripe is read on the loopback wire in front of localstripe."""

from __future__ import annotations

from urllib.parse import parse_qs

from infra.local.localstripe import LocalStripe
from tests.support.api import Api, no_show
from tests.support.stripe_play import pay
from tests.support.stripe_wire import StripeWire


def charges(w: StripeWire) -> list[dict[str, list[str]]]:
    """The parameters of every PaymentIntent keepslot created, in order."""
    return [
        parse_qs(c.data.decode())
        for c in w.calls
        if (c.method, c.path) == ("POST", "/v1/payment_intents")
    ]


def test_deposit_is_charged_on_session_and_only_the_no_show_fee_off_session(
    wired: Api, wire: StripeWire, localstripe: LocalStripe
) -> None:
    booking_id, _ = pay(wired, localstripe)  # the page reports the card it just saved
    [deposit] = charges(wire)
    assert deposit["metadata[kind]"] == ["deposit"] and deposit["confirm"] == ["true"]
    assert "off_session" not in deposit
    no_show(wired, booking_id)
    wired.tick()  # the clock charges the fee, nobody on the page
    [_, fee] = charges(wire)
    assert fee["metadata[kind]"] == ["no_show_fee"]
    assert fee["off_session"] == ["true"]
