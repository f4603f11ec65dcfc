"""Domain errors -> HTTP, mapped once; every error answer's body built here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from keepslot.domain import errors as e

if TYPE_CHECKING:  # the webhook answers without the resolver, and need not load it
    from aws_lambda_powertools.event_handler import Response

STATUS: dict[type[e.DomainError], int] = {
    e.InvalidInput: 422,
    e.NotFound: 404,
    e.BadToken: 401,
    e.WrongPurpose: 403,
    e.ClientBlocked: 403,
    e.TooManyHolds: 429,
    e.TooManyRequests: 429,
    e.Unavailable: 503,  # an upstream (Stripe) failed: nothing decided, the same request may retry
}
RETRY_AFTER = "2"  # seconds; the pages retry a 503 once on their own


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """Every error answer's body: `{"error": {"code", "message", "fields"?}}`."""
    payload: dict[str, Any] = {"code": code, "message": message}
    if fields:
        payload["fields"] = fields
    return {"error": payload}


def _headers(status: int) -> dict[str, str]:
    return {"Retry-After": RETRY_AFTER} if status == 503 else {}


def error(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> Response[Any]:
    """An error answer from a route."""
    from aws_lambda_powertools.event_handler import Response, content_types

    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(error_body(code, message, fields)),
        headers=_headers(status) or None,
    )


def proxy(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """A Lambda proxy answer, for a request no resolver routes (the API's checks before
    routing, the webhook)."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"} | _headers(status),
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def proxy_error(status: int, code: str, message: str) -> dict[str, Any]:
    return proxy(status, error_body(code, message))


def domain_error(err: e.DomainError, locale: str | None = None) -> Response[Any]:
    """The refusal, worded in `locale` when the catalogue knows its reason (else the
    domain's English)."""
    status = next((s for cls, s in STATUS.items() if isinstance(err, cls)), 409)
    message = worded(err, locale) if locale else err.message
    fields = {k: message if v == err.message else v for k, v in err.fields.items()}
    return error(status, err.code, message, fields or None)


def worded(err: e.DomainError, locale: str) -> str:
    from keepslot.words import Words

    words = Words(locale)
    key = f"err.{err.reason}"
    return words(key, **err.params) if err.reason and key in words.strings else err.message
