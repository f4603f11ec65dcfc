"""Which network a booking request is counted under (holds.per_ip), and its pseudonym."""

from __future__ import annotations

from typing import Any

import pytest

from keepslot.adapters.tokens import TokenSigner
from keepslot.handlers.network import EDGE_HEADER, VIEWER_HEADER, client_network, network

SECRET = "per-stack-secret"


def event(source_ip: str, **headers: str) -> dict[str, Any]:
    return {"headers": headers, "requestContext": {"http": {"sourceIp": source_ip}}}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("203.0.113.7:51234", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::5]:443", "2001:db8:1:2::/64"),
        ("", None),
        ("unknown", None),
        ("999.1.1.1", None),
        ("203.0.113.7, 10.0.0.1", None),
    ],
)
def test_network_is_the_ipv4_address_or_the_ipv6_slash_64(raw: str, expected: str | None) -> None:
    assert network(raw) == expected


def test_ipv6_addresses_in_one_slash_64_are_one_network() -> None:
    assert network("2001:db8:1:2::1") == network("2001:db8:1:2:ffff::9")
    assert network("2001:db8:1:2::1") != network("2001:db8:1:3::1")


def test_without_the_edge_secret_the_source_ip_counts() -> None:
    assert client_network(event("130.176.9.9"), None) == "130.176.9.9"
    forged = event("198.51.100.20", **{VIEWER_HEADER: "203.0.113.7"})
    assert client_network(forged, SECRET) == "198.51.100.20"
    wrong = event("198.51.100.20", **{VIEWER_HEADER: "203.0.113.7", EDGE_HEADER: "guess"})
    assert client_network(wrong, SECRET) == "198.51.100.20"
    # An app deployed without a secret believes no viewer header at all.
    unset = event("198.51.100.20", **{VIEWER_HEADER: "203.0.113.7", EDGE_HEADER: ""})
    assert client_network(unset, None) == "198.51.100.20"


def test_with_the_edge_secret_the_viewer_counts_not_the_edge() -> None:
    via_edge = event("130.176.9.9", **{VIEWER_HEADER: "203.0.113.7", EDGE_HEADER: SECRET})
    assert client_network(via_edge, SECRET) == "203.0.113.7"
    garbled = event("130.176.9.9", **{VIEWER_HEADER: "??", EDGE_HEADER: SECRET})
    assert client_network(garbled, SECRET) == "130.176.9.9"


def test_an_event_without_any_address_has_no_network() -> None:
    assert client_network({"headers": None, "requestContext": {}}, SECRET) is None


def test_pseudonym_is_stable_short_keyed_and_not_the_address() -> None:
    one, other = TokenSigner([b"k" * 32]), TokenSigner([b"j" * 32])
    p = one.pseudonym("203.0.113.7")
    assert p == one.pseudonym("203.0.113.7")
    assert p != one.pseudonym("203.0.113.8")
    assert p != other.pseudonym("203.0.113.7")  # without the key it cannot be recomputed
    assert len(p) == 16 and "203" not in p
