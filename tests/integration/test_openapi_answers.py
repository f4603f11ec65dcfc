"""The OpenAPI document describes the answers too: each route names its answer's schema,
and the answers of a real booking's life match them."""

from __future__ import annotations

from typing import Any

import jsonschema

from tests.support.api import Api, admin_link, body, confirmed, token_of

# Answers that are not JSON objects of their own shape: a calendar, a spreadsheet, a bare
# acknowledgement.
UNDESCRIBED = {
    ("get", "/api/feed.ics"),
    ("get", "/api/dashboard/report.csv"),
    ("post", "/api/manage/waiver"),
}


def _schema(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    content = doc["paths"][path][method]["responses"][str(status)]["content"]
    return {**content["application/json"]["schema"], "components": doc["components"]}


def test_every_route_names_its_answer_and_its_refusals(api: Api) -> None:
    doc = api.get("/api/openapi.json").body
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            if (method, path) in UNDESCRIBED:
                continue
            ok = [s for s in op["responses"] if s.startswith("2")]
            assert ok, (method, path)
            for status in [*ok, "401", "409"]:
                schema = op["responses"][status]["content"]["application/json"]["schema"]
                assert schema["$ref"].startswith("#/components/schemas/"), (method, path)


def test_answers_of_a_booking_match_the_document(api: Api) -> None:
    doc = api.get("/api/openapi.json").body
    booked = api.post("/api/bookings", body(api, start="2026-12-03T10:30:00Z"))
    jsonschema.validate(booked.body, _schema(doc, "/api/bookings", "post", 201))
    viewer = token_of(booked.body["manage_url"])
    page = api.get("/api/manage", token=viewer)
    jsonschema.validate(page.body, _schema(doc, "/api/manage", "get", 200))
    token = confirmed(api)
    api.clock.advance(hours=30)  # a late change: the outcome carries its returned part
    page = api.get("/api/manage", token=token)
    jsonschema.validate(page.body, _schema(doc, "/api/manage", "get", 200))
    cancelled = api.post("/api/manage/cancel", {}, token=token)
    jsonschema.validate(cancelled.body, _schema(doc, "/api/manage/cancel", "post", 200))
    refused = api.post("/api/manage/cancel", {}, token=token)
    assert refused.status == 409
    jsonschema.validate(refused.body, _schema(doc, "/api/manage/cancel", "post", 409))
    admin = api.get("/api/admin", token=admin_link(cancelled.body["booking"]["id"]))
    jsonschema.validate(admin.body, _schema(doc, "/api/admin", "get", 200))
    config = api.get("/api/config")
    jsonschema.validate(config.body, _schema(doc, "/api/config", "get", 200))
