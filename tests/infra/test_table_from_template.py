"""infra/table.py builds the table from template.yaml: what moto creates is what
CloudFormation would (keys, GSIs, stream, TTL), and the sparse indexes behave
as the template's comment block promises.

The expectations come from the template read by cfn-lint's loader, not from
infra/table.py, so a drift between the two fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cfnlint.decode.cfn_yaml import load as cfn_load  # type: ignore[import-untyped]

from infra.table import TemplateError, table_definition

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="module")
def declared() -> dict[str, Any]:
    props: dict[str, Any] = cfn_load(str(TEMPLATE))["Resources"]["Table"]["Properties"]
    return props


def test_created_table_has_the_template_keys(
    dynamodb: DynamoDBClient, table: str, declared: dict[str, Any]
) -> None:
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert described["KeySchema"] == declared["KeySchema"]
    assert sorted(described["AttributeDefinitions"], key=str) == sorted(
        declared["AttributeDefinitions"], key=str
    )
    assert described["BillingModeSummary"]["BillingMode"] == declared["BillingMode"]


def test_created_table_has_the_template_gsis(
    dynamodb: DynamoDBClient, table: str, declared: dict[str, Any]
) -> None:
    described = dynamodb.describe_table(TableName=table)["Table"]
    got = {
        g["IndexName"]: (g["KeySchema"], g["Projection"])
        for g in described["GlobalSecondaryIndexes"]
    }
    want = {
        g["IndexName"]: (g["KeySchema"], g["Projection"])
        for g in declared["GlobalSecondaryIndexes"]
    }
    assert got == want
    assert set(got) == {"calendar", "due", "feed"}


def test_created_table_streams_new_and_old_images(
    dynamodb: DynamoDBClient, table: str, declared: dict[str, Any]
) -> None:
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert described["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": declared["StreamSpecification"]["StreamViewType"],
    }
    assert described["LatestStreamArn"]


def test_created_table_expires_items_on_the_template_ttl_attribute(
    dynamodb: DynamoDBClient, table: str, declared: dict[str, Any]
) -> None:
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    assert ttl["AttributeName"] == declared["TimeToLiveSpecification"]["AttributeName"]


def test_table_fixture_exports_its_name(table: str) -> None:
    import os

    assert os.environ["TABLE_NAME"] == table


def _put(client: DynamoDBClient, table: str, **attrs: str) -> None:
    client.put_item(TableName=table, Item={k: {"S": v} for k, v in attrs.items()})


def test_due_index_holds_only_items_that_carry_its_keys(
    dynamodb: DynamoDBClient, table: str
) -> None:
    pending = "2026-12-01T08:00:00Z#BOOKING#b1#JOB#reminder#2026-12-01T08:00:00Z"
    _put(
        dynamodb,
        table,
        PK="BOOKING#b1",
        SK="JOB#reminder#2026-12-01T08:00:00Z",
        GSI2PK="DUE",
        GSI2SK=pending,
    )
    _put(dynamodb, table, PK="BOOKING#b1", SK="JOB#reminder#2026-11-28T08:00:00Z")  # done
    _put(dynamodb, table, PK="BOOKING#b1", SK="BOOKING")
    found = dynamodb.query(
        TableName=table,
        IndexName="due",
        KeyConditionExpression="GSI2PK = :due AND GSI2SK <= :now",
        ExpressionAttributeValues={":due": {"S": "DUE"}, ":now": {"S": "2026-12-01T09:00:00Z~"}},
    )["Items"]
    assert [i["SK"]["S"] for i in found] == ["JOB#reminder#2026-12-01T08:00:00Z"]


def test_calendar_index_answers_a_date_range_in_start_order(
    dynamodb: DynamoDBClient, table: str
) -> None:
    for booking, start in [
        ("b2", "2026-12-02T09:00:00Z"),
        ("b1", "2026-12-01T09:00:00Z"),
        ("b3", "2026-12-09T09:00:00Z"),
    ]:
        _put(
            dynamodb,
            table,
            PK=f"BOOKING#{booking}",
            SK="BOOKING",
            GSI1PK="CAL",
            GSI1SK=f"{start}#{booking}",
        )
    _put(dynamodb, table, PK="BOOKING#old", SK="BOOKING")  # cancelled: out of the calendar
    found = dynamodb.query(
        TableName=table,
        IndexName="calendar",
        KeyConditionExpression="GSI1PK = :cal AND GSI1SK BETWEEN :from AND :to",
        ExpressionAttributeValues={
            ":cal": {"S": "CAL"},
            ":from": {"S": "2026-12-01T00:00:00Z"},
            ":to": {"S": "2026-12-03T00:00:00Z"},
        },
    )["Items"]
    assert [i["PK"]["S"] for i in found] == ["BOOKING#b1", "BOOKING#b2"]


def test_definition_follows_edits_to_the_template(tmp_path: Path) -> None:
    edited = tmp_path / "template.yaml"
    edited.write_text(
        TEMPLATE.read_text(encoding="utf-8").replace(
            "StreamViewType: NEW_AND_OLD_IMAGES", "StreamViewType: KEYS_ONLY"
        ),
        encoding="utf-8",
    )
    assert table_definition(edited)["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "KEYS_ONLY",
    }


def test_definition_refuses_a_property_hidden_behind_an_intrinsic(tmp_path: Path) -> None:
    edited = tmp_path / "template.yaml"
    edited.write_text(
        TEMPLATE.read_text(encoding="utf-8").replace(
            "BillingMode: PAY_PER_REQUEST", "BillingMode: !Ref BillingModeParam"
        ),
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match="BillingMode must be a plain value"):
        table_definition(edited)


def test_definition_needs_a_table_resource(tmp_path: Path) -> None:
    edited = tmp_path / "template.yaml"
    edited.write_text(
        TEMPLATE.read_text(encoding="utf-8").replace("  Table:\n", "  Renamed:\n"),
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match="no AWS::DynamoDB::Table named Table"):
        table_definition(edited)
