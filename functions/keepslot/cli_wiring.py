"""The command line's wiring: what bootstrap.py is to the functions, for cli/.

Its own module, so no function reaches the adapters only the freelancer's own
credentials may use (the whole-table scans of reports and exports, erasure).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from keepslot.adapters.dynamo.store import DynamoStore
from keepslot.adapters.tokens import TokenSigner

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from keepslot.adapters.dynamo.admin_queries import ClientAdmin
    from keepslot.adapters.dynamo.busy import DynamoBusyTable
    from keepslot.adapters.dynamo.erasure import TableErasure
    from keepslot.adapters.dynamo.report import ReportTable
    from keepslot.adapters.payments.stripe_gateway import StripeGateway


class TableTools:
    """The adapters the command line (cli/) builds on its own DynamoDB client: it reads and
    writes the table without a function's App (no SSM signer, no mail)."""

    def __init__(self, dynamodb: Callable[[], DynamoDBClient], table: str) -> None:
        self.dynamodb = dynamodb
        self.table = table

    def store(self, timezone: str | None = None) -> DynamoStore:
        return DynamoStore(self.dynamodb, self.table, timezone=timezone)

    def admin(self) -> ClientAdmin:
        from keepslot.adapters.dynamo.admin_queries import ClientAdmin

        return ClientAdmin(self.dynamodb, self.table)

    def busy(self) -> DynamoBusyTable:
        from keepslot.adapters.dynamo.busy import DynamoBusyTable

        return DynamoBusyTable(self.dynamodb, self.table)

    def report(self) -> ReportTable:
        from keepslot.adapters.dynamo.report import ReportTable

        return ReportTable(self.dynamodb, self.table)

    def erasure(self) -> TableErasure:
        from keepslot.adapters.dynamo.erasure import TableErasure

        return TableErasure(self.dynamodb, self.table)


def token_signer(setting: str) -> TokenSigner:
    """The signer of a key setting read by the command line (one key, or several)."""
    return TokenSigner.from_setting(setting)


def card_customers(secret_key: str, api_base: str | None) -> StripeGateway:
    """The card provider for erasing a client's Customer (no webhook, no page key)."""
    from keepslot.adapters.payments.stripe_gateway import StripeGateway

    return StripeGateway(lambda: secret_key, lambda: "", "", api_base)


def check_feed_address(address: str, *, loopback_http: bool) -> None:
    """FeedFailed unless `address` is a calendar feed address the clock may fetch."""
    from keepslot.adapters.calendars.feed import usable_address

    usable_address(address, loopback_http=loopback_http)
