"""The intake over HTTP: a request without `answers` is told every question in a 422.

The rules themselves run on the fakes in tests/unit/test_intake_rules.py."""

from __future__ import annotations

from tests.support.api import Api, body
from tests.support.clients import THU, z


def test_a_first_request_without_answers_lists_every_question_optional_ones_too(api: Api) -> None:
    payload = body(api, start=z(THU), email="nuova@example.com")
    del payload["answers"]
    r = api.post("/api/bookings", payload)
    assert r.status == 422 and r.body["error"]["code"] == "intake_needed"
    assert r.body["error"]["fields"] == {
        "answers.business": "required",
        "answers.goal": "required",
        "answers.availability": "optional",
    }
    payload["answers"] = {"business": "Panificio", "goal": "Altro"}  # the optional one skipped
    assert api.post("/api/bookings", payload).status == 201
