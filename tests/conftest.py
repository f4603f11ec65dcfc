"""Fixtures shared by every test layer, and the markers every browser test carries.

- `aws_env`: fake credentials and region eu-south-1, so no test can reach a
  real AWS account or read ~/.aws.
- `moto_aws`: everything inside moto's `mock_aws` (fresh state per test), with
  the local stack's overrides of moto (`install_overrides()` in
  infra/local/moto_server.py), so tests and `make serve` run the same moto.
- `dynamodb`: a DynamoDB client inside `moto_aws`.
- `table`: the keepslot table, created from template.yaml; its name, also
  exported as TABLE_NAME.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REGION = "eu-south-1"
TABLE_NAME = "keepslot-test"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives Chromium: `e2e`, and `slow`.

    Then the files with slow tests go first, in their order, the quick ones after:
    `make test`'s two workers take whole files in this order, and they finish together
    when the long files are not left for the end."""
    e2e = Path(__file__).parent / "e2e"
    for item in items:
        if item.path.is_relative_to(e2e):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: order kept within


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and a fixed region, set before any client exists."""
    for var in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ):
        monkeypatch.delenv(var, raising=False)
    missing = tmp_path / "no-aws-config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(missing))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(missing))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def moto_aws(aws_env: None) -> Iterator[None]:
    """Every AWS call in the test goes to moto's in-memory backends."""
    from moto import mock_aws  # imported here: unit tests never pay for moto

    from infra.local.moto_server import install_overrides

    install_overrides()  # the local stack's moto
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(moto_aws: None) -> DynamoDBClient:
    import boto3

    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def table(dynamodb: DynamoDBClient, monkeypatch: pytest.MonkeyPatch) -> str:
    """The keepslot table built from template.yaml (keys, GSIs, stream, TTL)."""
    from infra.table import create_table

    create_table(dynamodb, TABLE_NAME)
    monkeypatch.setenv("TABLE_NAME", TABLE_NAME)
    return TABLE_NAME
