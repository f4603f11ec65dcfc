"""Domain errors -> HTTP, mapped once."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from keepslot.domain import errors as e

STATUS: dict[type[e.DomainError], int] = {
    e.InvalidInput: 422,
    e.IdempotencyMismatch: 422,
    e.NotFound: 404,
    e.BadToken: 401,
    e.WrongPurpose: 403,
    e.ClientBlocked: 403,
    e.TooManyHolds: 429,
    e.Unavailable: 503,  # an upstream (Stripe) failed: nothing decided, the same request may retry
}
RETRY_AFTER = "2"  # seconds; the pages retry a 503 once on their own


def error(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> Response[Any]:
    payload: dict[str, Any] = {"code": code, "message": message}
    if fields:
        payload["fields"] = fields
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": payload}),
        headers={"Retry-After": RETRY_AFTER} if status == 503 else None,
    )


def domain_error(err: e.DomainError) -> Response[Any]:
    status = next((s for cls, s in STATUS.items() if isinstance(err, cls)), 409)
    return error(status, err.code, err.message, err.fields or None)
