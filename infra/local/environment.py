"""The environment the functions run with locally, set before any boto3 client
or keepslot.bootstrap exists. Fake credentials always win over the
developer's own: nothing the local stack does can reach a real AWS account.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

REGION = "eu-south-1"
ACCOUNT_ID = "123456789012"  # moto's default account (fake keys map to it)
TABLE_NAME = "keepslot"
TOKEN_KEY_PARAM = "/keepslot/token-key"
FEED_TOKEN_PARAM = "/keepslot/feed-token"
STRIPE_SECRET_PARAM = "/keepslot/stripe-secret"
STRIPE_WEBHOOK_PARAM = "/keepslot/stripe-webhook-secret"
CALENDAR_PARAM_PREFIX = "/keepslot/calendar/"

# Anything that could point boto3 at real credentials or another endpoint.
_SCRUBBED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
)


def local_environment(
    *,
    moto_url: str,
    site_url: str,
    config_path: Path,
    stripe_api_base: str | None = None,
    stripe_publishable_key: str = "",
) -> dict[str, str]:
    stripe = {
        "STRIPE_SECRET_PARAM": STRIPE_SECRET_PARAM,
        "STRIPE_WEBHOOK_PARAM": STRIPE_WEBHOOK_PARAM,
        "STRIPE_PUBLISHABLE_KEY": stripe_publishable_key,
    }
    if stripe_api_base:  # localstripe; without it the SDK would talk to api.stripe.com
        stripe["STRIPE_API_BASE"] = stripe_api_base
    return stripe | {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TABLE_NAME": TABLE_NAME,
        "KEEPSLOT_CONFIG": str(config_path.resolve()),
        "TOKEN_KEY_PARAM": TOKEN_KEY_PARAM,
        "FEED_TOKEN_PARAM": FEED_TOKEN_PARAM,
        "SITE_URL": site_url,
        "CALENDAR_PARAM_PREFIX": CALENDAR_PARAM_PREFIX,
        "CALENDAR_LOOPBACK_HTTP": "1",  # the dev calendar's feed is served by this gateway
        "PYDANTIC_DISABLE_PLUGINS": "__all__",  # as in template.yaml: no plugin scan at start
    }


def apply(env: dict[str, str], environ: MutableMapping[str, str] = os.environ) -> None:
    for name in list(environ):
        if name in _SCRUBBED or name.startswith("AWS_ENDPOINT_URL_"):
            del environ[name]
    environ.update(env)
    environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "keepslot")
