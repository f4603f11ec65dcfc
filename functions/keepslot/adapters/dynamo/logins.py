"""The dashboard's sign-in: rate limits and the once-only use of an emailed link.

Counters follow the per-network pattern of holds (adapters/dynamo/transaction.py):
an item per network and hour, added to under a cap, swept by TTL. A used sign-in
link leaves an item keyed by its nonce until it expires: a second use finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from keepslot.adapters.dynamo.codec import dump, values
from keepslot.domain.errors import BadToken, TooManyRequests

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ATTEMPTS_PER_HOUR = 10  # sign-in requests from one network
LINKS_PER_HOUR = 5  # sign-in emails sent at all: a flood cannot fill the freelancer's inbox


class DynamoLogins:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client
        self.table = table

    def attempt(self, network: str, now: datetime) -> None:
        if not self._count(f"LOGIN#{network}", now, ATTEMPTS_PER_HOUR):
            raise TooManyRequests("too many sign-in requests; please try again in an hour")

    def may_mail(self, now: datetime) -> bool:
        return self._count("LOGIN#mail", now, LINKS_PER_HOUR)

    def use_once(self, nonce: str, until: datetime) -> None:
        try:
            self._client().put_item(
                TableName=self.table,
                Item=dump(
                    {
                        "PK": f"LOGIN#{nonce}",
                        "SK": "USED",
                        "type": "login_used",
                        "expires_at": int(until.timestamp()) + 60,
                    }
                ),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise BadToken("this sign-in link was already used; ask for a new one") from e

    def _count(self, pk: str, now: datetime, cap: int) -> bool:
        hour = now.strftime("%Y-%m-%dT%H")
        try:
            self._client().update_item(
                TableName=self.table,
                Key=dump({"PK": pk, "SK": f"HOUR#{hour}"}),
                UpdateExpression="SET #type = :t, expires_at = :until ADD tries :one",
                ConditionExpression="attribute_not_exists(tries) OR tries < :cap",
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues=values(
                    t="login_tries",
                    until=int((now + timedelta(hours=2)).timestamp()),
                    one=1,
                    cap=cap,
                ),
            )
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True
