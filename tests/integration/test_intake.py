"""The intake: a first booking needs the required answers; a returning client is not asked."""

from __future__ import annotations

from datetime import timedelta

from tests.support.api import Api, body, book, sent_mail
from tests.support.clients import FRI, THU, history, snapshot, z


def test_a_new_client_without_answers_is_asked_for_them_and_nothing_is_booked(api: Api) -> None:
    r = book(api, start=z(THU), email="nuova@example.com", answers={"business": "  "})
    assert r.status == 422
    assert r.body["error"]["code"] == "intake_needed"
    assert set(r.body["error"]["fields"]) == {"answers.business", "answers.goal"}
    assert snapshot("nuova@example.com").events == []
    assert book(api, start=z(THU), email="altra@example.com").status == 201  # slot still free
    api.tick()
    assert sent_mail() and not any("nuova@example.com" in str(m["to"]) for m in sent_mail())


def test_an_answer_outside_the_choices_names_the_question(api: Api) -> None:
    r = book(api, start=z(THU), answers={"business": "Panificio", "goal": "Qualcos'altro"})
    assert r.status == 422
    assert r.body["error"]["code"] == "invalid_input"
    assert list(r.body["error"]["fields"]) == ["answers.goal"]


def test_a_client_with_a_completed_booking_books_without_answers(api: Api) -> None:
    history(("completed", api.clock.now() - timedelta(days=30), "old1"))
    r = book(api, start=z(FRI), email="marco@example.com", answers={})
    assert r.status == 201, r.body
    assert r.body["booking"]["status"] == "held"


def test_a_client_not_yet_met_is_asked_again_on_a_second_booking(api: Api) -> None:
    assert book(api, start=z(THU), email="anna@example.com").status == 201
    again = book(api, start=z(FRI), email="anna@example.com", answers={})
    assert again.status == 422 and again.body["error"]["code"] == "intake_needed"


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


def test_a_taken_time_answers_slot_taken_whoever_asks(api: Api) -> None:
    # Otherwise "intake needed" against "slot taken" would tell who is already a client.
    assert book(api, start=z(THU), email="anna@example.com").status == 201
    r = book(api, start=z(THU), email="sconosciuta@example.com", answers={})
    assert r.status == 409 and r.body["error"]["code"] == "slot_taken"
