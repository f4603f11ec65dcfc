"""keepslot.yaml's `calendars`: the freelancer's other calendars, read for busy times.

Only an id, a name and how all-day events count live here: a feed's address is
the calendar's secret, kept in SSM (`keepslot calendar set <id>`), never in this file.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from keepslot.config.fields import OneLine
from keepslot.config.sections import Strict

CALENDAR_ID = re.compile(r"^[a-z0-9-]{1,40}$")


class CalendarFeed(Strict):
    id: str
    name: OneLine = Field(min_length=1, max_length=80)  # it reaches alert subjects
    all_day: Literal["busy", "free"] = "busy"

    @model_validator(mode="before")
    @classmethod
    def _no_address_here(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and {"url", "address", "feed"} & raw.keys():
            raise ValueError(
                "url: a calendar's address is a secret and does not belong in keepslot.yaml; "
                "remove it and run `keepslot calendar set <id>` (it reads the address from stdin)"
            )
        return raw

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not CALENDAR_ID.fullmatch(v):
            raise ValueError(
                f"must be 1-40 lowercase letters, digits or dashes (a-z, 0-9, -), got {v!r}"
            )
        return v


def check_unique(calendars: list[CalendarFeed]) -> None:
    ids = [c.id for c in calendars]
    if len(set(ids)) != len(ids):
        raise ValueError(f"calendars: ids must be unique, got {ids}")
