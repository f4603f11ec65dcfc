"""Every email the app sent, read from moto's SES in this process.

moto keeps the raw MIME of each message but not when it was sent; the stack
stamps each message with the dev clock's time when it first sees it, which is
right after the function run that sent it (the message's own Date header is
real time, not the app's).
"""

from __future__ import annotations

import email
import html
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from typing import Any

from infra.local.clock import iso

Email = dict[str, Any]


class Outbox:
    """Stamped after every clock-and-mail run (cheap: new messages only, kept as moto has them).
    A message is parsed only when someone reads it; the newest parses are kept, a
    bounded number, so the outbox never holds a second copy of every mail sent."""

    KEEP_PARSED = 1000

    def __init__(self, sent_messages: Callable[[], list[Any]], now: Callable[[], datetime]) -> None:
        self._sent_messages = sent_messages
        self._now = now
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[Any, str]] = {}  # id: (message, sent_at), in send order
        self._recipients: dict[str, str] = {}  # id: the To header, lower case
        self._parsed: OrderedDict[str, Email] = OrderedDict()

    def observe(self) -> None:
        """Stamp any message sent since the last look with the dev clock's time."""
        messages = self._sent_messages()
        with self._lock:
            # moto only appends: whatever is new is past the ones already seen.
            fresh = [m for m in messages[len(self._seen) :] if m.id not in self._seen]
            if not fresh:
                return
            sent_at = iso(self._now())
            for message in fresh:
                self._seen[message.id] = (message, sent_at)

    def emails(self, to: str = "", since: int = 0) -> list[Email]:
        """Oldest first: `to`, `subject`, `text`, `html`, `sent_at`, `attachments`, ...
        With `to`, only the mail whose To header contains it (any case); with `since`,
        only the mail sent after the first `since` messages."""
        self.observe()
        wanted = to.lower()
        with self._lock:
            sent = list(self._seen.items())[max(0, since) :]
            return [
                self._read(message_id, message, sent_at)
                for message_id, (message, sent_at) in sent
                if not wanted or wanted in self._to_header(message_id, message)
            ]

    def _to_header(self, message_id: str, message: Any) -> str:
        if message_id not in self._recipients:
            self._recipients[message_id] = recipients(message).lower()
        return self._recipients[message_id]

    def _read(self, message_id: str, message: Any, sent_at: str) -> Email:
        if message_id in self._parsed:
            self._parsed.move_to_end(message_id)
        else:
            self._parsed[message_id] = {**parse(message), "sent_at": sent_at}
            if len(self._parsed) > self.KEEP_PARSED:
                self._parsed.popitem(last=False)
        return dict(self._parsed[message_id])


def recipients(message: Any) -> str:
    """The To header alone (the headers are parsed, not the body)."""
    raw = getattr(message, "raw_data", None)
    if raw is None:
        return " ".join(getattr(message, "destinations", {}).get("ToAddresses", []))
    headers = BytesHeaderParser(policy=policy.default).parsebytes(_raw_bytes(raw))
    return str(headers["To"] or "") or " ".join(getattr(message, "destinations", []))


def parse(message: Any) -> Email:
    """One of moto's sent messages as JSON-ready fields."""
    raw = getattr(message, "raw_data", None)
    if raw is None:  # a Simple (non-raw) send: moto keeps one part only
        to = getattr(message, "destinations", {}).get("ToAddresses", [])
        body = str(getattr(message, "body", ""))
        return _fields(message.id, message.source, to, message.subject, body, "", [])
    msg = email.message_from_bytes(_raw_bytes(raw), policy=policy.default)
    assert isinstance(msg, EmailMessage)  # policy.default makes EmailMessage
    to = [a.addr_spec for a in getattr(msg["To"], "addresses", ())] or list(message.destinations)
    text = msg.get_body(preferencelist=("plain",))
    rich = msg.get_body(preferencelist=("html",))
    attachments = [
        {"filename": part.get_filename(), "content_type": part.get_content_type()}
        for part in msg.walk()
        if not part.is_multipart() and (part.get_filename() or part.is_attachment())
    ]
    return _fields(
        message.id,
        str(msg["From"] or message.source or ""),
        to,
        str(msg["Subject"] or ""),
        _content(text),
        _content(rich),
        attachments,
    )


def _raw_bytes(raw: str | bytes) -> bytes:
    """The message as sent. moto keeps it as text decoded from UTF-8; a text part sent
    8bit is parsed right only from the bytes (as text it reads "affidabilit\ufffd")."""
    return raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape")


def _content(part: Any) -> str:
    return str(part.get_content()) if part is not None else ""


def _fields(
    message_id: str,
    sender: str,
    to: list[str],
    subject: str,
    text: str,
    rich: str,
    attachments: list[dict[str, Any]],
) -> Email:
    return {
        "id": message_id,
        "from": sender,
        "to": to,
        "subject": subject,
        "text": text,
        "html": rich,
        "attachments": attachments,
    }


def render_html(emails: list[Email]) -> str:
    """A page to read the outbox. Everything is escaped; each HTML body is shown in a
    sandboxed frame (no scripts, no same-origin access)."""
    items = "\n".join(_render_one(n, e) for n, e in reversed(list(enumerate(emails, 1))))
    empty = "<p>No email sent yet.</p>" if not emails else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>keepslot outbox ({len(emails)})</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; }}
article {{ border: 1px solid #ccc; border-radius: 6px; margin: 1.5rem 0; padding: .5rem 1rem; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }}
dt {{ color: #555; }} dd {{ margin: 0; }}
pre {{ white-space: pre-wrap; background: #f6f6f6; padding: .75rem; }}
iframe {{ width: 100%; height: 28rem; border: 1px solid #ddd; }}
</style></head>
<body>
<h1>Outbox: {len(emails)} email{"" if len(emails) == 1 else "s"}, newest first</h1>
<p>JSON: <a href="/_dev/outbox">/_dev/outbox</a> (oldest first). Reload to see new mail.</p>
{empty}{items}
</body></html>
"""


def _render_one(number: int, e: Email) -> str:
    esc = html.escape
    attachments = ", ".join(
        f"{esc(str(a['filename']))} ({esc(str(a['content_type']))})" for a in e["attachments"]
    )
    frame = (
        f'<iframe sandbox title="HTML body" srcdoc="{esc(e["html"], quote=True)}"></iframe>'
        if e["html"]
        else ""
    )
    return f"""<article>
<h2>{number}. {esc(e["subject"])}</h2>
<dl>
<dt>sent</dt><dd>{esc(e["sent_at"])}</dd>
<dt>from</dt><dd>{esc(e["from"])}</dd>
<dt>to</dt><dd>{esc(", ".join(e["to"]))}</dd>
<dt>attachments</dt><dd>{attachments or "none"}</dd>
</dl>
<details open><summary>text</summary><pre>{esc(e["text"])}</pre></details>
<details><summary>HTML</summary>{frame}</details>
</article>"""
