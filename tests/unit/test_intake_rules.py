"""The intake, on the fakes: a first booking needs the required answers; a client
already met is not asked; a taken time answers "slot taken" whoever asks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from keepslot.domain.booking import BookingStatus
from keepslot.domain.errors import IntakeNeeded, InvalidInput, SlotTaken
from tests.support.world import FRI, THU, World


def test_a_new_client_without_answers_is_asked_for_them_and_nothing_is_committed() -> None:
    w = World()
    with pytest.raises(IntakeNeeded) as refused:
        w.book("nuova@example.com", THU, answers={"business": "  "})
    assert set(refused.value.fields) == {"answers.business", "answers.goal"}
    assert w.store.commits == []
    assert w.snapshot("nuova@example.com").events == []
    assert w.book("altra@example.com", THU)  # the time is still free
    w.tick()
    assert w.mailbox.sent and not w.mail("nuova@example.com")


def test_an_answer_outside_the_choices_names_the_question() -> None:
    w = World()
    with pytest.raises(InvalidInput) as refused:
        w.book("nuova@example.com", THU, answers={"business": "Panificio", "goal": "Qualcos'altro"})
    assert not isinstance(refused.value, IntakeNeeded)
    assert list(refused.value.fields) == ["answers.goal"]


def test_a_client_with_a_completed_booking_books_without_answers() -> None:
    w = World()
    w.history("marco@example.com", ("completed", w.at - timedelta(days=30), "old1"))
    done = w.booked("marco@example.com", FRI, answers={})
    assert done.booking.status is BookingStatus.HELD
    assert done.booking.answers == {}


def test_a_client_not_yet_met_is_asked_again_on_a_second_booking() -> None:
    w = World()
    w.book("anna@example.com", THU)
    with pytest.raises(IntakeNeeded):
        w.book("anna@example.com", FRI, answers={})


def test_a_first_request_without_answers_lists_every_question_optional_ones_too() -> None:
    w = World()
    with pytest.raises(IntakeNeeded) as refused:
        w.book("nuova@example.com", THU, answers=None)
    assert refused.value.fields == {
        "answers.business": "required",
        "answers.goal": "required",
        "answers.availability": "optional",
    }
    done = w.booked("nuova@example.com", THU, answers={"business": "Panificio", "goal": "Altro"})
    assert done.booking.answers == {"business": "Panificio", "goal": "Altro"}


def test_a_taken_time_answers_slot_taken_whoever_asks() -> None:
    # Otherwise "intake needed" against "slot taken" would tell who is already a client.
    w = World()
    w.book("anna@example.com", THU)
    with pytest.raises(SlotTaken):
        w.book("sconosciuta@example.com", THU, answers={})
