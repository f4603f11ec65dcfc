"""The bearer token of the manage and admin pages -> the booking it names."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from keepslot import bootstrap
from keepslot.adapters.tokens import Claim, Purpose
from keepslot.domain.errors import BadToken


def claim_of(headers: Mapping[str, str], purpose: Purpose | Collection[Purpose]) -> Claim:
    """The claim behind `Authorization: Bearer <token>` (401/403 otherwise)."""
    header = headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise BadToken("this page needs the link from your email")
    app = bootstrap.app()
    return app.signer.verify(token.strip(), purpose, app.clock.now())


def booking_of(headers: Mapping[str, str], purpose: Purpose | Collection[Purpose]) -> str:
    """The booking id behind the bearer token."""
    return claim_of(headers, purpose).booking_id
