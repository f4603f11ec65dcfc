"""The published OpenAPI document, and schemathesis against the real handler.

The handler runs in-process over moto behind a small WSGI shim that turns each
request into an API Gateway v2 event, as the local stack's gateway does. The run
is bounded (a few examples per operation): it looks for 5xx and responses that
break the document, never for exhaustive coverage.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.support.api import Api, body
from tests.support.apigw import LambdaContext, http_event

pytestmark = pytest.mark.slow

EXAMPLES = 20  # per operation and mode: the whole run stays well under a minute
FUZZED = {("GET", "/api/config"), ("GET", "/api/slots"), ("POST", "/api/bookings")}
FUZZED |= {("GET", "/api/manage"), ("GET", "/api/admin")}  # no token: 401, never 5xx
CONTEXT: Any = LambdaContext()
# Real values, so that positive cases reach the use cases and not only the validator.
HINTS: dict[str, Callable[[Api], dict[str, Any]]] = {
    "/api/bookings": lambda api: {"body": body(api)},
    "/api/slots": lambda api: {"query": {"service": "strategia"}},
}


def lambda_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """WSGI -> the API handler as API Gateway would call it -> WSGI."""
    from keepslot.handlers import api

    size = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(size).decode("utf-8", "replace") if size else None
    headers = {
        k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    query = environ.get("QUERY_STRING", "")
    url = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
    result = api.handler(http_event(environ["REQUEST_METHOD"], url, raw, headers), CONTEXT)
    status = int(result["statusCode"])
    start_response(f"{status} X", list((result.get("headers") or {}).items()))
    return [(result.get("body") or "").encode()]


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


def test_schemathesis_finds_no_5xx_and_no_schema_violation(api: Api) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", lambda_app)
    every = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    operations = [op for op in every if (op.method.upper(), op.path) in FUZZED]
    assert {(op.method.upper(), op.path) for op in operations} == FUZZED
    failures: list[str] = []
    seen: dict[str, set[int]] = {}
    for op in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategy = op.as_strategy(generation_mode=mode)
            hint = HINTS.get(op.path) if mode is schemathesis.GenerationMode.POSITIVE else None
            if hint is not None:  # real values next to random ones
                strategy = st.one_of(strategy, op.as_strategy(generation_mode=mode, **hint(api)))
            label = f"{op.method.upper()} {op.path} {mode.value}"
            failures += _run(strategy, label, seen.setdefault(label, set()))
    assert failures == [], "\n".join(failures[:5])
    # The run reached the use cases, not only the validator: it can find a 5xx there.
    assert 201 in seen["POST /api/bookings positive"], seen
    assert 200 in seen["GET /api/slots positive"], seen
    assert 422 in seen["POST /api/bookings negative"], seen


def _run(strategy: Any, label: str, statuses: set[int]) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run: CI is not a lottery
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        try:
            r = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
            statuses.add(r.status_code)
        except Exception as e:  # collected, so one run reports every operation
            found.append(f"{label}: {type(e).__name__}: {str(e)[:400]}")

    try:
        fuzz()
    except hypothesis.errors.Unsatisfiable:
        assert "negative" in label, label  # nothing to break in a route without inputs
    return found


def test_fuzz_shim_passes_bodies_and_errors_through(api: Api) -> None:
    """The shim is not the thing under test, but it must not hide a 5xx or a body."""
    from werkzeug.test import Client

    client = Client(lambda_app)
    r = client.post("/api/bookings", data=json.dumps(body(api)), content_type="application/json")
    assert r.status_code == 201 and json.loads(r.data)["booking"]["status"] == "held"
    assert client.get("/api/manage").status_code == 401
