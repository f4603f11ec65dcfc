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
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from keepslot import bootstrap
from keepslot.handlers.errors import proxy, proxy_error
from keepslot.service import payment_events
from keepslot.service.ports import BadEvent, PaymentUnavailable, WebhookNotReady

MAX_BODY = 256 * 1024  # Stripe events are small; anything bigger is not one
logger = Logger(service="keepslot-webhook")


def _raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return str(body).encode("utf-8")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    method = (event.get("requestContext") or {}).get("http", {}).get("method", "POST")
    if method != "POST":
        return proxy_error(405, "method_not_allowed", "POST only")
    raw = _raw_body(event)
    if len(raw) > MAX_BODY:
        return proxy_error(413, "too_large", "not a Stripe event")
    signature = (event.get("headers") or {}).get("stripe-signature") or ""
    app = bootstrap.app()
    try:
        verified = app.payments.parse_event(raw, signature)
    except WebhookNotReady as e:
        if app.config.payments.mode == "stripe":
            # The alarm counts this line: until Stripe's secret is stored, no event counts.
            logger.error("webhook_secret_unset: %s", e.message)
        else:  # offline payments never set it: a stray request is no reason to alarm
            logger.warning("webhook refused: %s", e.message)
        return proxy_error(503, e.code, e.message)
    except BadEvent as e:
        logger.warning("webhook refused", extra={"reason": e.message})
        return proxy_error(400, e.code, e.message)
    try:
        what = payment_events.handle_event(app.ctx, verified, app.clock.now())
    except PaymentUnavailable as e:
        logger.warning("webhook deferred", extra={"event": verified["id"], "code": e.code})
        return proxy_error(503, e.code, e.message)
    logger.info("webhook", extra={"event": verified["id"], "type": verified["type"], "did": what})
    return proxy(200, {"received": True, "result": what})


coldstart.loaded()  # last: what loaded above lives as long as the process
