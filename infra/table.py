"""Create the keepslot table from template.yaml, so tests and the local stack
use exactly the keys, indexes and stream that production gets.

`table_definition` translates the template's `Table` resource into boto3
`create_table` keyword arguments; `create_table` makes the table and turns TTL
on. Only plain values are read: if one of those properties ever becomes an
intrinsic (`!If`, `!Ref`), this fails loudly instead of guessing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TEMPLATE = Path(__file__).resolve().parent.parent / "template.yaml"
TABLE_LOGICAL_ID = "Table"

# Properties copied unchanged: CloudFormation and boto3 share their shape.
_COPIED = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")


class TemplateError(Exception):
    """template.yaml lacks something the table needs, or hides it behind an intrinsic."""


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation tags (`!Ref X` -> {"Ref": "X"}).

    A subclass, so plain `yaml.safe_load` elsewhere keeps rejecting tags.
    """


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def load_template(template_path: str | Path = TEMPLATE) -> dict[str, Any]:
    """The template as plain dicts and lists, intrinsics in their long form."""
    with Path(template_path).open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=_CfnLoader)  # safe: _CfnLoader is a SafeLoader
    if not isinstance(data, dict):
        raise TemplateError(f"{template_path}: not a CloudFormation template")
    return data


def _table_properties(template_path: str | Path) -> dict[str, Any]:
    resource = load_template(template_path).get("Resources", {}).get(TABLE_LOGICAL_ID)
    if not resource or resource.get("Type") != "AWS::DynamoDB::Table":
        raise TemplateError(f"{template_path}: no AWS::DynamoDB::Table named {TABLE_LOGICAL_ID}")
    props: dict[str, Any] = resource.get("Properties", {})
    return props


def _literal(props: dict[str, Any], key: str, template_path: str | Path) -> Any:
    if key not in props:
        raise TemplateError(f"{template_path}: {TABLE_LOGICAL_ID}.Properties.{key} is missing")
    value = props[key]
    if _has_intrinsic(value):
        raise TemplateError(
            f"{template_path}: {TABLE_LOGICAL_ID}.Properties.{key} must be a plain value "
            "(the local table is built from it)"
        )
    return value


def _has_intrinsic(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k == "Ref" or k.startswith("Fn::") for k in value) or any(
            _has_intrinsic(v) for v in value.values()
        )
    if isinstance(value, list):
        return any(_has_intrinsic(v) for v in value)
    return False


def table_definition(
    template_path: str | Path = TEMPLATE, *, stream: bool = True
) -> dict[str, Any]:
    """boto3 `create_table` kwargs (all but TableName) from the template's Table.

    `stream=False` leaves the stream out (the local stack: nothing reads it there).
    """
    props = _table_properties(template_path)
    kwargs: dict[str, Any] = {key: _literal(props, key, template_path) for key in _COPIED}
    declared = _literal(props, "StreamSpecification", template_path)
    if not stream:
        return kwargs
    # CloudFormation implies StreamEnabled; the API wants it said.
    kwargs["StreamSpecification"] = {
        "StreamEnabled": True,
        "StreamViewType": declared["StreamViewType"],
    }
    return kwargs


def ttl_attribute(template_path: str | Path = TEMPLATE) -> str:
    spec = _literal(_table_properties(template_path), "TimeToLiveSpecification", template_path)
    if spec.get("Enabled") is not True:
        raise TemplateError(f"{template_path}: TimeToLiveSpecification is not enabled")
    name: str = spec["AttributeName"]
    return name


def enable_ttl(client: DynamoDBClient, name: str, template_path: str | Path = TEMPLATE) -> None:
    client.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"AttributeName": ttl_attribute(template_path), "Enabled": True},
    )


def create_table(
    client: DynamoDBClient,
    name: str,
    template_path: str | Path = TEMPLATE,
    *,
    stream: bool = True,
) -> dict[str, Any]:
    """Create table `name` as template.yaml defines it, wait for it, enable TTL.

    Returns the DescribeTable `Table` description.
    """
    client.create_table(TableName=name, **table_definition(template_path, stream=stream))
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    enable_ttl(client, name, template_path)
    description: dict[str, Any] = dict(client.describe_table(TableName=name)["Table"])
    return description
