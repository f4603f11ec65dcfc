"""The table's adapters beyond the store: the calendar feed's reads and the dashboard's
(sign-in, needs-you, other calendars, report), made together on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from keepslot.adapters.dynamo.busy import DynamoBusyTable
from keepslot.adapters.dynamo.feed import FeedBookings
from keepslot.adapters.dynamo.logins import DynamoLogins
from keepslot.adapters.dynamo.needs import NeedsTable
from keepslot.adapters.dynamo.report import ReportTable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class Tables:
    feed: FeedBookings  # the freelancer's calendar feed (only the API serves it)
    logins: DynamoLogins  # the dashboard's sign-in nonces and counters
    needs: NeedsTable  # what the needs-you list reads beyond the store (waiver requests)
    busy: DynamoBusyTable  # the other calendars' states, as the dashboard shows them
    report: ReportTable  # the reliability report's counters (one Query)

    @classmethod
    def on(cls, client: Callable[[], DynamoDBClient], table: str) -> Tables:
        return cls(
            FeedBookings(client, table),
            DynamoLogins(client, table),
            NeedsTable(client, table),
            DynamoBusyTable(client, table),
            ReportTable(client, table),
        )
