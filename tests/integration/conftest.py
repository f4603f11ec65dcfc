"""Handlers against moto, in-process: the table from template.yaml, a movable clock;
localstripe on loopback for stripe mode; moto's server for real threads.

- `aws`: moto with the table, the token key and the fixture config's senders, the
  functions reading the fixture config with offline deposits.
- `api`: the real API handler on a FixedClock at START (tests/support/api.py).
- `localstripe`, `stripe_client`, `stripe_api`, `webhook_inbox`, `wire`, `wired`:
  stripe mode against a real localstripe (tests/support/stripe_play.py).
- `served_moto`: the app against moto's server in this process, calls serialised as
  in the local stack, for tests that race real threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import stripe
from moto import mock_aws

from infra.local.clock import DevClock
from infra.local.environment import TABLE_NAME, TOKEN_KEY_PARAM, apply, local_environment
from infra.local.localstripe import SECRET_KEY, LocalStripe
from infra.local.moto_server import MotoServer, install_overrides
from infra.local.provision import provision
from infra.table import create_table
from keepslot import bootstrap
from keepslot.config.model import load_config
from tests.support.api import START, Api, FixedClock
from tests.support.configs import FIXTURE, stripe_with_tiers, with_payments
from tests.support.stripe_play import WebhookInbox, put_stripe_secrets, stripe_env
from tests.support.stripe_wire import StripeWire


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for k, v in {
        "AWS_DEFAULT_REGION": "eu-south-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_NAME": "keepslot-test",
        "SITE_URL": "http://127.0.0.1:8000",
        "KEEPSLOT_CONFIG": str(with_payments("offline", tmp_path)),
        "POWERTOOLS_METRICS_NAMESPACE": "keepslot",
        "POWERTOOLS_DEV": "false",
    }.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    # The same moto as the local stack's (infra/local/moto_server.py).
    install_overrides()
    with mock_aws():
        create_table(boto3.client("dynamodb"), "keepslot-test")
        boto3.client("ssm").put_parameter(
            Name="/keepslot/token-key", Value="k" * 32, Type="SecureString"
        )
        ses = boto3.client("sesv2")
        for addr in ("prenotazioni@giuliarossi.it", "giulia@giuliarossi.it"):
            ses.create_email_identity(EmailIdentity=addr)
        yield


@pytest.fixture
def dev_clock() -> DevClock:
    """The local stack's clock (infra/local/clock.py): real time, only ever moved forward."""
    return DevClock()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def api(aws: None, clock: FixedClock) -> Iterator[Api]:
    bootstrap.reset()
    bootstrap.use_clock(clock)
    yield Api(clock)
    bootstrap.reset()


# ---- stripe mode ----------------------------------------------------------------


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    server = LocalStripe().start()
    yield server
    server.stop()


@pytest.fixture
def stripe_client(localstripe: LocalStripe) -> stripe.StripeClient:
    """What the test sees of Stripe: the same localstripe, with the secret key."""
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.url})


@pytest.fixture
def stripe_api(
    aws: None,
    clock: FixedClock,
    localstripe: LocalStripe,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Api]:
    """The API in stripe mode (tiers and a no-show fee), in-process against moto and
    the real localstripe."""
    env = stripe_env(localstripe, stripe_with_tiers(tmp_path))
    yield from serve_stripe_api(clock, env, monkeypatch)


def serve_stripe_api(
    clock: FixedClock, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Api]:
    """The in-process API with `env` set and the Stripe secrets in moto's SSM."""
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    put_stripe_secrets()
    bootstrap.reset()
    bootstrap.use_clock(clock)
    yield Api(clock)
    bootstrap.reset()


@pytest.fixture(scope="session")
def webhook_inbox(localstripe: LocalStripe) -> Iterator[WebhookInbox]:
    inbox = WebhookInbox()
    localstripe.register_webhook("tests", inbox.url)
    yield inbox
    inbox.close()


@pytest.fixture
def wire(localstripe: LocalStripe) -> Iterator[StripeWire]:
    """localstripe behind a hop that fails on purpose (tests/support/stripe_wire.py)."""
    w = StripeWire(localstripe.url)
    yield w
    w.close()


@pytest.fixture
def wired(
    aws: None,
    clock: FixedClock,
    localstripe: LocalStripe,
    wire: StripeWire,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Api]:
    """The API in stripe mode, reaching localstripe only through the wire."""
    env = stripe_env(localstripe, stripe_with_tiers(tmp_path)) | {"STRIPE_API_BASE": wire.url}
    yield from serve_stripe_api(clock, env, monkeypatch)


@pytest.fixture
def served_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[bootstrap.App]:
    """The app against moto's server in this process, with the fixture config: calls
    into moto serialised, as in the local stack, so real threads can race."""
    server = MotoServer()
    server.start()
    env = local_environment(
        moto_url=server.url, site_url="http://127.0.0.1:8000", config_path=FIXTURE
    )
    for k in env:
        monkeypatch.setenv(k, env[k])
    apply(env)
    provision(load_config(FIXTURE), TABLE_NAME, TOKEN_KEY_PARAM)
    bootstrap.reset()
    app = bootstrap.app()
    app.dynamodb()  # one client, shared by the threads (boto3 clients are thread-safe)
    yield app
    bootstrap.reset()
    server.stop()
