"""One email address, checked by a strict pattern (keepslot.yaml and request bodies).

A pattern, not email-validator: importing that library (and its DNS and IDNA
tables) was an eighth of the API's cold start. Nothing here proves a mailbox
exists; the confirmation email does that.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

MAX_LENGTH = 254  # RFC 5321: the longest address a mail path can carry
_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"  # \w: letters and digits of any script, and "_"
_LABEL = r"[^\W_](?:[^\W_]|-){0,62}(?<!-)"  # a DNS label: no "_", no "-" at either end
_EMAIL = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+[^\W\d_](?:[^\W_]|-)*(?<!-))")


def email_address(value: str) -> str:
    """`local@domain`, the domain lowercased (as mail servers treat it), else ValueError."""
    value = value.strip()
    m = _EMAIL.fullmatch(value) if len(value) <= MAX_LENGTH else None
    if not m or len(m[1]) > 64:  # 64: the longest local part
        raise ValueError("must be an email address like name@example.com")
    return f"{m[1]}@{m[2].lower()}"


EmailAddress = Annotated[
    str, AfterValidator(email_address), WithJsonSchema({"type": "string", "format": "email"})
]
