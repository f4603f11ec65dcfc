"""The one place environment variables are read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGED_CONFIG = Path(__file__).parent.parent / "keepslot.yaml"  # keepslot/keepslot.yaml


@dataclass(frozen=True, slots=True)
class Env:
    table_name: str
    config_path: Path
    token_key_param: str
    stripe_secret_param: str
    stripe_webhook_param: str
    stripe_publishable_key: str
    stripe_api_base: str | None
    feed_token_param: str
    site_url: str | None  # overrides keepslot.yaml's business.site_url (local stack)
    # CloudFront sends it on every origin request: only then is its viewer header believed.
    edge_secret: str | None = None
    # Each calendar's feed address is the SecureString <prefix><calendar id>.
    calendar_param_prefix: str = "/keepslot/calendar/"
    calendar_loopback_http: bool = False  # the local stack serves its feed over loopback http

    @classmethod
    def from_environ(cls) -> Env:
        e = os.environ
        default_config = PACKAGED_CONFIG if PACKAGED_CONFIG.exists() else Path("keepslot.yaml")
        return cls(
            table_name=e.get("TABLE_NAME", "keepslot"),
            config_path=Path(e.get("KEEPSLOT_CONFIG", str(default_config))),
            token_key_param=e.get("TOKEN_KEY_PARAM", "/keepslot/token-key"),
            stripe_secret_param=e.get("STRIPE_SECRET_PARAM", "/keepslot/stripe-secret"),
            stripe_webhook_param=e.get("STRIPE_WEBHOOK_PARAM", "/keepslot/stripe-webhook-secret"),
            stripe_publishable_key=e.get("STRIPE_PUBLISHABLE_KEY", ""),
            stripe_api_base=e.get("STRIPE_API_BASE") or None,
            feed_token_param=e.get("FEED_TOKEN_PARAM", "/keepslot/feed-token"),
            site_url=e.get("SITE_URL") or None,
            edge_secret=e.get("EDGE_SECRET") or None,
            calendar_param_prefix=e.get("CALENDAR_PARAM_PREFIX") or "/keepslot/calendar/",
            calendar_loopback_http=e.get("CALENDAR_LOOPBACK_HTTP", "") == "1",
        )
