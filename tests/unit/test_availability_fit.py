"""Availability fit and a change of pattern: what the freelancer's alert says about a client."""

from __future__ import annotations

from datetime import time, timedelta

from keepslot.domain.availability import Window
from keepslot.domain.patterns import Part, Verdict, availability_fit, pattern_change
from keepslot.domain.reliability import Kind
from tests.unit.factories import START, event

# Giulia's week: mornings Mon-Fri, afternoons except Wednesday, nothing at weekends.
AM, PM = Window(time(9), time(13)), Window(time(14, 30), time(18, 30))
WEEK = {0: (AM, PM), 1: (AM, PM), 2: (AM,), 3: (AM, PM), 4: (AM, PM)}
DAY = timedelta(days=1)


def test_days_and_times_inside_the_hours_fit_well() -> None:
    fit = availability_fit("Lunedì mattina o giovedì pomeriggio", WEEK)
    assert fit.verdict is Verdict.GOOD
    assert fit.matches == ((0, Part.MORNING), (3, Part.AFTERNOON))
    assert fit.misses == ()


def test_a_closed_afternoon_makes_the_fit_partial_and_names_it() -> None:
    fit = availability_fit("wednesday afternoons, tuesday mornings", WEEK)
    assert fit.verdict is Verdict.PARTIAL
    assert fit.misses == ((2, Part.AFTERNOON),)


def test_weekends_and_evenings_do_not_fit_at_all() -> None:
    assert availability_fit("il fine settimana", WEEK).verdict is Verdict.NONE
    assert availability_fit("sabato sera", WEEK).verdict is Verdict.NONE
    assert availability_fit("evenings", WEEK).verdict is Verdict.NONE


def test_a_day_alone_fits_when_that_day_is_open_at_all() -> None:
    assert availability_fit("venerdi", WEEK).verdict is Verdict.GOOD


def test_a_time_of_day_alone_fits_when_some_day_has_it() -> None:
    assert availability_fit("di mattina", WEEK).verdict is Verdict.GOOD


def test_an_answer_without_days_or_times_is_unknown() -> None:
    assert availability_fit("quando vuoi tu", WEEK).verdict is Verdict.UNKNOWN


def test_a_late_cancel_after_months_of_reliability_is_a_change_of_pattern() -> None:
    kept = [event(Kind.COMPLETED, START - n * 30 * DAY, f"b{n}") for n in (1, 2, 3)]
    assert pattern_change(kept, START)


def test_a_recent_strike_means_no_change_of_pattern() -> None:
    kept = [event(Kind.COMPLETED, START - n * 30 * DAY, f"b{n}") for n in (1, 2, 3)]
    assert not pattern_change([*kept, event(Kind.NO_SHOW, START - 20 * DAY, "b9")], START)


def test_a_waived_strike_does_not_spoil_the_record() -> None:
    kept = [event(Kind.COMPLETED, START - n * 30 * DAY, f"b{n}") for n in (1, 2, 3)]
    late = [event(Kind.LATE_CANCEL, START - 20 * DAY, "b9"), event(Kind.WAIVER, START - DAY, "b9")]
    assert pattern_change([*kept, *late], START)


def test_a_new_client_has_no_pattern_to_change() -> None:
    assert not pattern_change([event(Kind.COMPLETED, START - DAY, "b1")], START)
