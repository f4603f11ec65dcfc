"""Reading the local stack's outbox in the browser tests: a client's or the freelancer's
latest mail about something, and the manage or admin link in it."""

from __future__ import annotations

import re

from tests.support.stack import LocalStack


def link(mail: dict[str, str], kind: str) -> str:
    found = re.search(rf"(https?://\S+/{kind}/#[A-Za-z0-9_.-]+)", mail["text"])
    assert found, f"no {kind} link in {mail['subject']!r}"
    return found.group(1)


def mail_to(stack: LocalStack, who: str, subject: str) -> dict[str, str]:
    found = [
        m for m in stack.outbox() if any(who in t for t in m["to"]) and subject in m["subject"]
    ]
    assert found, f"no mail to {who} about {subject!r}: {[m['subject'] for m in stack.outbox()]}"
    return found[-1]
