"""The one place that wires adapters to ports. Clients are created lazily, once."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.store import DynamoStore
from keepslot.adapters.tokens import TokenSigner
from keepslot.config.environment import Env
from keepslot.config.model import KeepslotConfig, load_config
from keepslot.service.context import Context
from keepslot.service.ports import Clock

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SSMProvider
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client

    from keepslot.adapters.dynamo.tables import Tables
    from keepslot.adapters.email.links import Links
    from keepslot.adapters.payments.stripe_gateway import StripeGateway
    from keepslot.service.calendars import CalendarPorts
    from keepslot.service.letters import Letters


# Signing keys are read again this often: a key the freelancer removes from SSM (after a
# leaked link) stops working in warm functions too, not only in new ones.
KEY_TTL = timedelta(minutes=5)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def new_id() -> str:
    """Booking ids: 12 base32-ish characters, unguessable, URL- and token-safe."""
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


class App:
    def __init__(self, env: Env, clock: Clock | None = None) -> None:
        self.env = env
        self.clock: Clock = clock or SystemClock()
        self._clients: dict[str, Any] = {}
        self._signer: TokenSigner | None = None
        self._signer_read = datetime.min.replace(tzinfo=UTC)

    def _client(self, name: str) -> Any:
        if name not in self._clients:
            import boto3  # deferred: a cold start pays for it only when a call needs it
            from botocore.config import Config

            # The service validates every request itself; botocore's own check walks each
            # parameter of a transaction (thousands of calls for a booking's) before sending.
            settings = Config(parameter_validation=False)
            self._clients[name] = boto3.client(name, config=settings)  # type: ignore[call-overload]
        return self._clients[name]

    def dynamodb(self) -> DynamoDBClient:
        return self._client("dynamodb")  # type: ignore[no-any-return]

    def ses(self) -> SESV2Client:
        return self._client("sesv2")  # type: ignore[no-any-return]

    @cached_property
    def config(self) -> KeepslotConfig:
        return load_config(self.env.config_path)

    @cached_property
    def store(self) -> DynamoStore:
        retention = timedelta(days=self.config.privacy.retention_days)
        tz = self.config.business.timezone
        return DynamoStore(self.dynamodb, self.env.table_name, retention, tz)

    @cached_property
    def ctx(self) -> Context:
        card = self.payments if self.config.payments.mode == "stripe" else None
        return Context(store=self.store, config=self.config, new_id=new_id, payments=card)

    @cached_property
    def tables(self) -> Tables:
        """The table's adapters beyond the store (the calendar feed, the dashboard's reads),
        imported on first use: most requests need none of them."""
        from keepslot.adapters.dynamo.tables import Tables

        return Tables.on(self.dynamodb, self.env.table_name)

    @cached_property
    def ssm(self) -> SSMProvider:
        from aws_lambda_powertools.utilities import parameters

        return parameters.SSMProvider(boto3_client=self._client("ssm"))

    def secret(self, name: str) -> str:
        """A SecureString from SSM, cached by Powertools for 5 minutes."""
        return str(self.ssm.get(name, decrypt=True, max_age=300))

    @cached_property
    def payments(self) -> StripeGateway:
        # The SDK itself is imported by the gateway on its first call, not here.
        from keepslot.adapters.payments.stripe_gateway import StripeGateway

        return StripeGateway(
            lambda: self.secret(self.env.stripe_secret_param),
            lambda: self.secret(self.env.stripe_webhook_param),
            self.env.stripe_publishable_key,
            self.env.stripe_api_base,
        )

    @cached_property
    def calendars(self) -> CalendarPorts:
        """The clock's: feeds fetched with their secret address, busy times in the table."""
        from keepslot.adapters.calendars.expand import expand
        from keepslot.adapters.calendars.feed import HttpFeeds
        from keepslot.service.calendars import CalendarPorts

        feeds = HttpFeeds(self._calendar_address, loopback_http=self.env.calendar_loopback_http)
        return CalendarPorts(self.tables.busy, feeds, expand)

    def _calendar_address(self, calendar_id: str) -> str | None:
        ssm = self._client("ssm")
        try:
            res = ssm.get_parameter(
                Name=f"{self.env.calendar_param_prefix}{calendar_id}", WithDecryption=True
            )
        except ssm.exceptions.ParameterNotFound:
            return None
        return str(res["Parameter"]["Value"])

    @property
    def signer(self) -> TokenSigner:
        now = self.clock.now()
        if self._signer is None or not timedelta(0) <= now - self._signer_read < KEY_TTL:
            raw = self.ssm.get(self.env.token_key_param, decrypt=True, force_fetch=True)
            self._signer = TokenSigner.from_setting(str(raw))
            self._signer_read = now
        return self._signer

    @cached_property
    def links(self) -> Links:
        from keepslot.adapters.email.links import Links

        return Links(self.env.site_url or self.config.business.site_url, lambda: self.signer)

    @cached_property
    def postman(self) -> Letters:
        # Deferred: only the clock and the dispatcher send mail (Jinja2 stays out of the API).
        from keepslot.adapters.email.ses import SesSender
        from keepslot.service.letters import Letters

        return Letters(SesSender(self.ses), self.config, self.links, lambda: self.clock.now())


_app: App | None = None


def app() -> App:
    global _app
    if _app is None:
        _app = App(Env.from_environ())
    return _app


def use_clock(clock: Clock) -> None:
    """Dev only: the local stack's movable clock. Production never calls this."""
    app().clock = clock


def reset() -> None:
    global _app
    _app = None
