"""English strings of the waitlist, offers, refills and the reminder's buttons (keys mirror
`it_refill.py`; joined to `en.py` by the catalogue)."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "title.waitlist": "Waitlist",
    "policy.refill.heading": "If someone else takes your time",
    "policy.refill.body": (
        "What matters is that the time does not stay empty. If you cancel late and someone "
        "else takes that time, once their booking is confirmed {percent} of what was kept "
        "comes back to you, once."
    ),
    "policy.refill.as_credit": (
        "It comes back as a credit, used when you confirm a new booking from its email "
        "within {days} of the original appointment's start."
    ),
    "policy.refill.as_refund": "It is refunded to you.",
    "policy.waitlist.heading": "Waitlist",
    "policy.waitlist.body": (
        "If the times you want are full, you can ask to hear when one frees up: the notice "
        "goes to a few people at a time, in the order they joined, and the time goes to "
        "whoever books first. The notice never says who cancelled. You can leave the list "
        "at any time with the link in its email."
    ),
    "ex.title.refill": "Cancelling late, then the time is taken",
    "ex.story.refill": (
        "Your appointment is on {start}; you cancel {lead} before, and someone else takes "
        "that time and confirms it on {at}."
    ),
    "err.wait_order": "The last day cannot come before the first.",
    "err.wait_past": "The first day has already passed: pick one from today on.",
    "err.wait_range": "You can ask for at most {days} days at a time.",
    "err.wait_horizon": "Bookings open at most {days} days ahead.",
    "err.wait_full": (
        "This address is already on the list for {n} requests: leave one of them with "
        "the link in its email, then try again."
    ),
    "manage.refill": "If someone else takes this time, you get back {amount}.",
}
