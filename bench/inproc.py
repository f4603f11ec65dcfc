"""The API in this process against in-process moto (the table from template.yaml),
on a fixed clock: offline deposits, or card deposits against a local Stripe."""

from __future__ import annotations

import atexit
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@cache
def _localstripe() -> Any:
    """One localstripe for the whole bench: its app binds to the first event loop."""
    from infra.local.localstripe import LocalStripe

    server = LocalStripe().start()
    atexit.register(server.stop)
    return server


def in_process(fn: Callable[[Any], dict[str, Any]], mode: str = "offline") -> dict[str, Any]:
    """Run `fn(api)` in `mode` ("offline", or "stripe" against localstripe on loopback)."""
    import boto3
    from moto import mock_aws

    from infra.local import moto_query, moto_rollback
    from infra.table import create_table
    from keepslot import bootstrap
    from tests.support.api import Api, FixedClock
    from tests.support.configs import with_payments
    from tests.support.stripe_play import put_stripe_secrets, stripe_env

    config = with_payments(mode, Path(tempfile.mkdtemp()))  # type: ignore[arg-type]
    env = {
        "AWS_DEFAULT_REGION": "eu-south-1",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "TABLE_NAME": "keepslot-bench",
        "KEEPSLOT_CONFIG": str(config),
        "SITE_URL": "http://127.0.0.1:8000",
        "POWERTOOLS_METRICS_DISABLED": "true",  # the bench prints its own table
    }
    stripe = _localstripe() if mode == "stripe" else None
    if stripe is not None:
        env |= stripe_env(stripe, config)
    saved = dict(os.environ)
    os.environ.update(env)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    moto_rollback.install()  # the same moto as the tests' and the local stack's
    moto_query.install()
    try:
        with mock_aws():
            create_table(boto3.client("dynamodb"), "keepslot-bench")
            boto3.client("ssm").put_parameter(
                Name="/keepslot/token-key", Value="k" * 32, Type="SecureString"
            )
            if stripe is not None:
                put_stripe_secrets()
            for addr in ("prenotazioni@giuliarossi.it", "giulia@giuliarossi.it"):
                boto3.client("sesv2").create_email_identity(EmailIdentity=addr)
            bootstrap.reset()
            clock = FixedClock(NOW)
            bootstrap.use_clock(clock)
            try:
                return fn(Api(clock))
            finally:
                bootstrap.reset()
    finally:
        os.environ.clear()
        os.environ.update(saved)
