"""The published OpenAPI document, schemathesis against every route of the real handler,
and signed events against the webhook (tests/support/fuzzing.py).

The handler runs in-process over moto behind a small WSGI shim that turns each request
into an API Gateway v2 event, as the local stack's gateway does. The run is bounded and
derandomized (the same few cases per operation on every run): it looks for 5xx and
responses that break the document. `make bench` runs a longer, random profile.
"""

from __future__ import annotations

import json

import pytest

from tests.support.api import Api, body, book
from tests.support.fuzzing import fuzz_api, fuzz_webhook, lambda_app, operations

pytestmark = pytest.mark.slow

EXAMPLES = 8  # per operation and mode: the whole run stays around a minute
WEBHOOK_EXAMPLES = 60


def test_openapi_document_is_published_and_names_the_routes(api: Api) -> None:
    r = api.get("/api/openapi.json")
    assert r.status == 200
    assert r.body["openapi"].startswith("3.")
    paths = r.body["paths"]
    for path in ("/api/config", "/api/slots", "/api/bookings", "/api/manage/cancel"):
        assert path in paths, path
    assert "/api/openapi.json" not in paths  # the document does not describe itself
    booking = paths["/api/bookings"]["post"]["requestBody"]["content"]["application/json"]
    assert booking["schema"]["$ref"].endswith("/BookingBody")


def test_every_route_with_real_tokens_finds_no_5xx_and_no_schema_violation(api: Api) -> None:
    from keepslot.handlers.api import api as resolver

    routes = [*resolver._static_routes, *resolver._dynamic_routes]
    served = {(r.method.upper(), r.path) for r in routes if r.include_in_schema}
    assert {(op.method.upper(), op.path) for op in operations()} == served  # every route
    report = fuzz_api(api, EXAMPLES, derandomize=True)
    assert report.failures == [], "\n".join(report.failures[:5])
    seen = report.seen
    # The runs reached the use cases, not only the validator and the token check.
    assert 201 in seen["POST /api/bookings positive"], seen
    assert 200 in seen["GET /api/slots positive"], seen
    assert 422 in seen["POST /api/bookings negative"], seen
    assert 200 in seen["GET /api/manage positive"], seen
    assert 200 in seen["GET /api/admin positive"], seen
    assert 200 in seen["POST /api/manage/cancel positive"], seen
    assert 200 in seen["POST /api/admin/cancel positive"], seen
    assert 200 in seen["GET /api/feed.ics positive"], seen
    assert 200 in seen["GET /api/dashboard positive"], seen
    assert 200 in seen["GET /api/dashboard/report positive"], seen


def test_signed_webhook_events_never_crash_and_reach_the_handling(stripe_api: Api) -> None:
    ids = [book(stripe_api, start=at).body["booking"]["id"] for at in ("2026-12-03T09:00:00Z",)]
    report = fuzz_webhook(ids, WEBHOOK_EXAMPLES, derandomize=True)
    assert report.failures == [], "\n".join(report.failures[:5])
    assert report.seen["POST /api/payments/stripe signed"] & {200}, report.seen


def test_fuzz_shim_passes_bodies_and_errors_through(api: Api) -> None:
    """The shim is not the thing under test, but it must not hide a 5xx or a body."""
    from werkzeug.test import Client

    client = Client(lambda_app)
    r = client.post("/api/bookings", data=json.dumps(body(api)), content_type="application/json")
    assert r.status_code == 201 and json.loads(r.data)["booking"]["status"] == "held"
    assert client.get("/api/manage").status_code == 401
