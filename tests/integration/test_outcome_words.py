"""The outcome in words, in the site's language, from the outcome itself: the manage
page's preview and the emails say what the policy page says, strike included."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepslot import bootstrap
from tests.support.api import Api, confirmed, sent_mail
from tests.support.configs import english, write_config

COUNTS = {
    "it": "Conta nel tuo storico di affidabilità.",
    "en": "It counts towards your reliability record.",
}


@pytest.fixture(params=["it", "en"])
def locale(
    request: pytest.FixtureRequest, api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The site's language; the fixture config is Italian."""
    if request.param == "en":
        data = english()
        data["payments"] = {**data.get("payments", {}), "mode": "offline"}
        monkeypatch.setenv("KEEPSLOT_CONFIG", str(write_config(tmp_path, "en", data)))
        bootstrap.reset()
        bootstrap.use_clock(api.clock)
    return str(request.param)


def test_late_cancel_says_it_counts_against_the_record_on_the_page_and_in_the_email(
    api: Api, locale: str
) -> None:
    token = confirmed(api)
    api.clock.advance(hours=30)  # 43 h before the start: inside the 48 h free window
    page = api.get("/api/manage", token=token)
    assert page.status == 200, page.body
    assert COUNTS[locale] in page.body["preview"]["cancel"]["explanation"]
    before = len(sent_mail())
    done = api.post("/api/manage/cancel", {}, token=token)
    assert done.status == 200 and COUNTS[locale] in done.body["outcome"]["explanation"]
    api.tick()
    new = sent_mail()[before:]
    client = [m for m in new if "anna@example.com" in m["to"]]
    freelancer = [m for m in new if "anna@example.com" not in m["to"]]
    assert client and all(COUNTS[locale] in m["text"] for m in client)
    # The freelancer's alert tells the outcome, not the client's record in the client's voice.
    assert freelancer and not any(COUNTS[locale] in m["text"] for m in freelancer)
