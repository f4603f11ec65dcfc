"""One email address, checked by a strict pattern (keepslot.yaml and request bodies).

A pattern, not email-validator: importing that library (and its DNS and IDNA
tables) was an eighth of the API's cold start. Nothing here proves a mailbox
exists; the confirmation email does that.

The local part is ASCII: SES has no SMTPUTF8, so `zoë@example.com` could be stored
but never mailed. A domain may be international; mail goes to its Punycode form
(`ascii_address`), so it must have one.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

MAX_LENGTH = 254  # RFC 5321: the longest address a mail path can carry
_ATOM = r"[A-Za-z0-9_!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[^\W_]|-){0,62}(?<!-)"  # a DNS label: no "_", no "-" at either end
_EMAIL = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+[^\W\d_](?:[^\W_]|-)*(?<!-))")


def email_address(value: str) -> str:
    """`local@domain`, the domain lowercased (as mail servers treat it), else ValueError."""
    value = value.strip()
    m = _EMAIL.fullmatch(value) if len(value) <= MAX_LENGTH else None
    if not m or len(m[1]) > 64:  # 64: the longest local part
        if "@" in value and not value.rpartition("@")[0].isascii():
            raise ValueError(
                "must be an email address like name@example.com; mail cannot reach"
                " accented or non-Latin letters before the @"
            )
        raise ValueError("must be an email address like name@example.com")
    domain = m[2].lower()
    try:
        ascii_domain(domain)
    except UnicodeError as e:
        raise ValueError("must be an email address like name@example.com") from e
    return f"{m[1]}@{domain}"


def ascii_domain(domain: str) -> str:
    """The domain as mail servers take it: Punycode labels (UnicodeError if it has none)."""
    return domain if domain.isascii() else domain.encode("idna").decode("ascii")


def ascii_address(address: str) -> str:
    """`local@domain` with the domain in Punycode: what SES accepts in a recipient."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{ascii_domain(domain)}"


EmailAddress = Annotated[
    str, AfterValidator(email_address), WithJsonSchema({"type": "string", "format": "email"})
]
