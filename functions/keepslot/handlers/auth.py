"""The bearer token of the manage and admin pages -> the claim it carries."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from keepslot.domain.errors import BadToken
from keepslot.service.ports.claims import Claim, Purpose

if TYPE_CHECKING:
    from keepslot.bootstrap import App


def claim_of(app: App, headers: Mapping[str, str], purpose: Purpose | Collection[Purpose]) -> Claim:
    """The claim behind `Authorization: Bearer <token>` (401/403 otherwise)."""
    header = headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise BadToken("this page needs the link from your email")
    return app.signer.verify(token.strip(), purpose, app.clock.now())
