"""Refusals read in the site's language: the domain says why in codes and values, and
the API words them as the site speaks (Italian here, English on an English site)."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepslot.bootstrap import App
from keepslot.config.environment import Env
from tests.support.api import Api, confirmed, serving
from tests.support.configs import english, write_config


def test_a_second_cancel_is_refused_in_italian(api: Api) -> None:
    token = confirmed(api)
    assert api.post("/api/manage/cancel", {}, token=token).status == 200
    again = api.post("/api/manage/cancel", {}, token=token)
    assert again.status == 409
    assert again.body["error"] == {
        "code": "not_allowed_now",
        "message": "Questa prenotazione è stata cancellata.",
    }


def test_a_move_to_a_past_time_is_refused_in_italian_naming_the_field(api: Api) -> None:
    token = confirmed(api)
    r = api.post("/api/manage/reschedule", {"start": "2026-11-30T07:00:00Z"}, token=token)
    assert r.status == 422
    said = "Quell'orario è già passato: scegline un altro."
    assert r.body["error"]["message"] == said
    assert r.body["error"]["fields"] == {"start": said}


def test_an_english_site_words_the_same_refusal_in_english(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = confirmed(api)
    data = english()
    data["payments"] = {**data.get("payments", {}), "mode": "offline"}
    monkeypatch.setenv("KEEPSLOT_CONFIG", str(write_config(tmp_path, "en", data)))
    with serving(App(Env.from_environ(), api.clock)):
        r = api.post("/api/manage/reschedule", {"start": "2026-11-30T07:00:00Z"}, token=token)
    assert r.status == 422
    assert r.body["error"]["message"] == "That time has already passed: please pick another."
