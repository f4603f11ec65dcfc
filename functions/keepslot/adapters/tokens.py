"""Signed links: one booking, one purpose, an expiry, an HMAC.

A token reads `<booking id>.<purpose>.<expiry epoch b36>.<signature>`, only
base64url characters and dots, so it survives URLs, fragments and email.
The key comes from SSM; rotating it means adding a new key first: tokens
signed by any listed key verify, new ones are signed by the first. The first key
also makes pseudonyms: keyed hashes of what must not be stored in clear (an IP).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from keepslot.domain.errors import BadToken, EmailLinkNeeded, WrongPurpose
from keepslot.service.ports.claims import Claim, Purpose, b36

_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,64}\.[a-z]{1,16}\.[0-9a-z]{1,13}\.[A-Za-z0-9_-]{43}$")


class TokenSigner:
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys or any(len(k) < 16 for k in keys):
            raise ValueError("token keys must be at least 16 bytes")
        self._keys = list(keys)

    @classmethod
    def from_setting(cls, raw: str) -> TokenSigner:
        """The signer for the SSM parameter's value: keys comma-separated, newest first."""
        return cls([k.encode() for k in raw.split(",") if k])

    def sign(self, booking_id: str, purpose: Purpose, expires: datetime) -> str:
        body = f"{booking_id}.{purpose.value}.{b36(int(expires.timestamp()))}"
        return f"{body}.{_mac(self._keys[0], body)}"

    def verify(self, token: str, purpose: Purpose | Collection[Purpose], now: datetime) -> Claim:
        """The claim behind a valid token of (one of) `purpose`; BadToken (401) or
        WrongPurpose (403) otherwise."""
        if not _SHAPE.match(token or ""):
            raise BadToken("this link is not valid")
        body, _, mac = token.rpartition(".")
        if not any(hmac.compare_digest(mac, _mac(k, body)) for k in self._keys):
            raise BadToken("this link is not valid")
        booking_id, raw_purpose, raw_exp = body.split(".")
        expires = datetime.fromtimestamp(int(raw_exp, 36), UTC)
        if now >= expires:
            raise BadToken("this link has expired")
        allowed = {purpose} if isinstance(purpose, Purpose) else set(purpose)
        if raw_purpose not in {p.value for p in allowed}:
            if raw_purpose == Purpose.VIEW and Purpose.MANAGE in allowed:
                raise EmailLinkNeeded(
                    "this link shows the booking and takes the deposit; to confirm, change "
                    "or cancel it, use the link emailed to the booking's address"
                )
            raise WrongPurpose("this link is not meant for this page")
        return Claim(booking_id, Purpose(raw_purpose), expires)

    def pseudonym(self, value: str) -> str:
        """A short keyed hash of `value` (a client's network, an erased client): the same
        value gives the same pseudonym, and without the key nobody can recompute it from
        a guessed value (as anyone could with a plain hash of an email address)."""
        digest = hmac.new(self._keys[0], b"pseudonym\0" + value.encode(), hashlib.sha256)
        # 96 bits: collisions stay negligible; never the length of a link's signature.
        return base64.urlsafe_b64encode(digest.digest()[:12]).decode()


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
