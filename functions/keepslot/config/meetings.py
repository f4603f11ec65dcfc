"""How a meeting happens, from keepslot.yaml's `modes`: for emails, invitations and the feed."""

from __future__ import annotations

from typing import Any

from keepslot.config.sections import Modes


def meeting(modes: Modes, mode: str) -> dict[str, Any]:
    """`kind` plus the mode's details: link (video), number (phone), address (in person)."""
    if mode == "video" and modes.video:
        return {"kind": mode, "link": modes.video.link, "test_link": modes.video.test_link or ""}
    if mode == "phone" and modes.phone:
        return {"kind": mode, "number": modes.phone.number, "who_calls": modes.phone.who_calls}
    if mode == "in_person" and modes.in_person:
        return {
            "kind": mode,
            "address": modes.in_person.address,
            "directions": modes.in_person.directions,
        }
    return {"kind": mode}
