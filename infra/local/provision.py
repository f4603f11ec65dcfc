"""What `sam deploy` and the freelancer's SES setup provide in AWS, made in moto:
the table (from template.yaml), the verified sender and alert addresses, the token
signing key and the calendar feed's token. Idempotent: safe against a moto that
already has them.

The local table has no stream: locally the dev clock runs the dispatcher, so
nothing reads one, and moto keeps every stream record for as long as it runs.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

import boto3

from infra.table import create_table

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

    from keepslot.config.model import KeepslotConfig


def provision(
    config: KeepslotConfig,
    table_name: str,
    token_key_param: str,
    secrets_in_ssm: dict[str, str] | None = None,
    feed_token_param: str | None = None,
) -> str:
    """Uses boto3's environment (AWS_ENDPOINT_URL and fake keys must be set already).

    Returns the calendar feed's token ("" without `feed_token_param`)."""
    dynamodb = boto3.client("dynamodb")
    if table_name not in dynamodb.list_tables()["TableNames"]:
        create_table(dynamodb, table_name, stream=False)

    sesv2 = boto3.client("sesv2")
    known = {i["IdentityName"] for i in sesv2.list_email_identities()["EmailIdentities"]}
    for address in sorted({str(config.business.sender), str(config.business.alerts)} - known):
        sesv2.create_email_identity(EmailIdentity=address)

    ssm = boto3.client("ssm")
    _generated(ssm, token_key_param, _token_key)
    # What the deploy puts in SSM for Stripe (the local stack: localstripe's keys).
    for name, value in (secrets_in_ssm or {}).items():
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    if not feed_token_param:
        return ""
    return _generated(ssm, feed_token_param, lambda: secrets.token_urlsafe(32))


def _token_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _generated(ssm: SSMClient, name: str, make: Callable[[], str]) -> str:
    """The SecureString `name`, made with `make` the first time."""
    try:
        return str(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
    except ssm.exceptions.ParameterNotFound:
        value = make()
        ssm.put_parameter(Name=name, Value=value, Type="SecureString")
        return value
