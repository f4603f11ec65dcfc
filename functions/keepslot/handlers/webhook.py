"""POST /api/payments/stripe: Stripe's webhook, its own Lambda (HTTP API v2 events).

The signature is checked on the raw body; each event id is applied once, in
the same transaction as the change it causes; any order is safe. A 2xx tells
Stripe to stop; a 5xx makes it retry later, which is always harmless: a 503 when
a call back to Stripe failed while applying the event, or while the webhook secret is
still the deploy's placeholder (then anyone could sign an event: every one is refused,
and in stripe mode an error line raises the alarm). With offline payments a verified
event changes no booking (service/payment_events.py finds no card gateway).
"""

from __future__ import annotations

from keepslot.handlers import coldstart  # first: no garbage collection while modules load

# isort: split
import base64
import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from keepslot import bootstrap
from keepslot.service import payment_events, payments

MAX_BODY = 256 * 1024  # Stripe events are small; anything bigger is not one
logger = Logger(service="keepslot-webhook")


def _reply(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def _raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return str(body).encode("utf-8")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    method = (event.get("requestContext") or {}).get("http", {}).get("method", "POST")
    if method != "POST":
        return _reply(405, {"error": {"code": "method_not_allowed", "message": "POST only"}})
    raw = _raw_body(event)
    if len(raw) > MAX_BODY:
        return _reply(413, {"error": {"code": "too_large", "message": "not a Stripe event"}})
    signature = (event.get("headers") or {}).get("stripe-signature") or ""
    app = bootstrap.app()
    try:
        verified = app.payments.parse_event(raw, signature)
    except payments.WebhookNotReady as e:
        if app.config.payments.mode == "stripe":
            # The alarm counts this line: until Stripe's secret is stored, no event counts.
            logger.error("webhook_secret_unset: %s", e.message)
        else:  # offline payments never set it: a stray request is no reason to alarm
            logger.warning("webhook refused: %s", e.message)
        return _reply(503, {"error": {"code": e.code, "message": e.message}})
    except payments.BadEvent as e:
        logger.warning("webhook refused", extra={"reason": e.message})
        return _reply(400, {"error": {"code": e.code, "message": e.message}})
    try:
        what = payment_events.handle_event(app.ctx, verified, app.clock.now())
    except payments.PaymentUnavailable as e:
        logger.warning("webhook deferred", extra={"event": verified["id"], "code": e.code})
        return _reply(503, {"error": {"code": e.code, "message": e.message}})
    logger.info("webhook", extra={"event": verified["id"], "type": verified["type"], "did": what})
    return _reply(200, {"received": True, "result": what})


coldstart.loaded()  # last: what loaded above lives as long as the process
