"""The SSM SecureString parameters the functions read, made by `make deploy`.

They live outside the template on purpose: CloudFormation cannot create a
SecureString, and a secret in a template or an output is a secret in the clear.
Values are never printed.

- the token signing key and the feed token: generated on the first run, kept after;
- the edge secret CloudFront sends the API: generated likewise, but a plain String,
  because CloudFormation resolves `{{resolve:ssm:...}}` into a Lambda environment and
  a CloudFront origin header only from a String (it lands in both configs anyway);
- Stripe's secret key and webhook secret: taken from STRIPE_SECRET_KEY and
  STRIPE_WEBHOOK_SECRET when set (and then overwritten), else a placeholder the
  freelancer replaces once Stripe is set up (offline payments never read them).
  A value that does not look like Stripe's (`sk_`/`rk_`, `whsec_`) is refused, and
  one already stored that way counts as unset: a webhook secret anyone could guess
  would let anyone sign an event.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from keepslot.adapters.payments.stripe_gateway import WEBHOOK_SECRET

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

PLACEHOLDER = "unset"  # SSM refuses empty values
STRIPE_KEY = re.compile(r"[sr]k_(live|test)_[A-Za-z0-9_]{8,}")


class BadSecret(ValueError):
    """A value supplied for a Stripe secret that is not one; the message names it."""


@dataclass(frozen=True)
class Secret:
    template_parameter: str  # the template parameter that names it
    generate: Callable[[], str] | None  # None: the value comes from Stripe
    env: str | None  # the environment variable that supplies it, if any
    kind: Literal["SecureString", "String"] = "SecureString"
    shape: re.Pattern[str] | None = None  # what a real value looks like

    def is_set(self, value: str | None) -> bool:
        return (
            bool(value)
            and value != PLACEHOLDER
            and (self.shape is None or bool(self.shape.fullmatch(value or "")))
        )


SECRETS = (
    Secret("TokenKeyParam", lambda: secrets.token_urlsafe(48), None),
    Secret("FeedTokenParam", lambda: secrets.token_urlsafe(32), None),
    Secret("EdgeSecretParam", lambda: secrets.token_urlsafe(32), None, "String"),
    Secret("StripeSecretParam", None, "STRIPE_SECRET_KEY", shape=STRIPE_KEY),
    Secret("StripeWebhookParam", None, "STRIPE_WEBHOOK_SECRET", shape=WEBHOOK_SECRET),
)
STRIPE_SECRETS = ("StripeSecretParam", "StripeWebhookParam")


def _exists(ssm: SSMClient, name: str) -> bool:
    try:
        ssm.get_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        return False
    return True


def ensure_secrets(
    ssm: SSMClient, names: Mapping[str, str], environ: Mapping[str, str]
) -> list[str]:
    """Create what is missing, write what the environment supplies.

    `names` maps each template parameter (TokenKeyParam, ...) to its SSM name.
    Returns the SSM names still unset (the placeholder, or not a Stripe value), for the
    freelancer to fill. Raises BadSecret, before writing anything, for a supplied value
    that is not what Stripe gives.
    """
    for secret in SECRETS:
        supplied = environ.get(secret.env, "") if secret.env else ""
        if supplied and not secret.is_set(supplied):
            raise BadSecret(f"{secret.env} does not look like a Stripe value; nothing was written")
    pending = []
    for secret in SECRETS:
        name = names[secret.template_parameter]
        supplied = environ.get(secret.env, "") if secret.env else ""
        if supplied:
            ssm.put_parameter(Name=name, Value=supplied, Type="SecureString", Overwrite=True)
            continue
        if _exists(ssm, name):
            value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"].get("Value")
            if not secret.is_set(value):
                pending.append(name)
            continue
        value = secret.generate() if secret.generate else PLACEHOLDER
        ssm.put_parameter(
            Name=name,
            Value=value,
            Type=secret.kind,  # SecureString: encrypted with the account's aws/ssm key
            Description="keepslot: made by make deploy; never in the template or its outputs",
        )
        if value == PLACEHOLDER:
            pending.append(name)
    return pending


def calendar_env(calendar_id: str) -> str:
    """The variable `make deploy` reads a calendar's address from: KEEPSLOT_CALENDAR_<ID>."""
    return "KEEPSLOT_CALENDAR_" + calendar_id.upper().replace("-", "_")


def store_calendar_addresses(
    ssm: SSMClient, prefix: str, calendar_ids: list[str], environ: Mapping[str, str]
) -> list[str]:
    """Each calendar's secret address from its variable, when set (then overwritten);
    returns the ids that have no address in SSM yet, for the freelancer to set."""
    missing = []
    for cid in calendar_ids:
        name = f"{prefix}{cid}"
        supplied = environ.get(calendar_env(cid), "").strip()
        if supplied:
            ssm.put_parameter(
                Name=name,
                Value=supplied,
                Type="SecureString",
                Overwrite=True,
                Description="keepslot: a calendar's secret feed address (make deploy)",
            )
        elif not _exists(ssm, name):
            missing.append(cid)
    return missing
