"""Send a letter's raw MIME bytes through SES v2 (the letter is written by service/letters.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from keepslot.service.ports.postman import DeliveryFailed

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client


class SesSender:
    def __init__(self, ses: Callable[[], SESV2Client]) -> None:
        self._ses = ses

    def send(self, sender: str, recipient: str, raw: bytes) -> None:
        try:
            self._ses().send_email(
                FromEmailAddress=sender,
                Destination={"ToAddresses": [recipient]},
                Content={"Raw": {"Data": raw}},
            )
        except (ClientError, BotoCoreError) as e:
            raise DeliveryFailed(str(e)) from e
