"""The bearer token of the manage and admin pages -> the booking it names."""

from __future__ import annotations

from collections.abc import Mapping

from keepslot import bootstrap
from keepslot.adapters.tokens import Purpose
from keepslot.domain.errors import BadToken


def booking_of(headers: Mapping[str, str], purpose: Purpose) -> str:
    """The booking id behind `Authorization: Bearer <token>` (401/403 otherwise)."""
    header = headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise BadToken("this page needs the link from your email")
    app = bootstrap.app()
    return app.signer.verify(token.strip(), purpose, app.clock.now()).booking_id
