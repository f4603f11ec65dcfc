"""The local stack's moto parses each distinct expression once (infra/local/moto_parses.py):
what it answers must not change. A remembered condition is still evaluated against the
item as it is now, a request naming an attribute it never uses is still refused, and
each update still writes its own values.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.dynamo_type import Item as MotoItem

from infra.local import moto_parses
from infra.local.moto_parses import Memo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

pytestmark = pytest.mark.slow

Item = dict[str, Any]

CONDITIONS: list[tuple[str, dict[str, str] | None, dict[str, Any] | None]] = [
    ("attribute_not_exists(PK)", None, None),
    ("attribute_exists(PK) AND v = :v", None, {":v": {"N": "1"}}),
    ("#s IN (:a, :b)", {"#s": "status"}, {":a": {"S": "held"}, ":b": {"S": "paid"}}),
    ("v < :max OR attribute_not_exists(v)", None, {":max": {"N": "3"}}),
    ("begins_with(SK, :p) AND NOT contains(tags, :t)", None, {":p": {"S": "BO"}, ":t": {"S": "x"}}),
]
ITEMS: list[Item] = [
    {"PK": {"S": "BOOKING#1"}, "SK": {"S": "BOOKING"}, "v": {"N": "1"}, "status": {"S": "held"}},
    {"PK": {"S": "BOOKING#2"}, "SK": {"S": "BOOKING"}, "v": {"N": "5"}, "tags": {"SS": ["x"]}},
    {"PK": {"S": "BOOKING#3"}, "SK": {"S": "JOB"}, "status": {"S": "cancelled"}},
]


@pytest.fixture(autouse=True)
def installed() -> None:
    moto_parses.install()


def key(pk: str, sk: str = "BOOKING") -> Item:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: c[0])
def test_a_remembered_condition_answers_as_a_fresh_parse(
    moto_aws: None, condition: tuple[str, dict[str, str] | None, dict[str, Any] | None]
) -> None:
    expression, names, values = condition
    original = ConditionExpressionParser.parse.__wrapped__  # type: ignore[attr-defined]
    fresh = original(ConditionExpressionParser(expression, names, values))
    first = ConditionExpressionParser(expression, names, values).parse()
    again = ConditionExpressionParser(expression, names, values).parse()
    for raw in [*ITEMS, None]:
        item = MotoItem(DynamoType(raw["PK"]), DynamoType(raw["SK"]), raw) if raw else None
        answers = {fresh.expr(item), first.expr(item), again.expr(item)}
        assert len(answers) == 1, f"{expression} on {raw}: {answers}"


def test_a_name_the_request_never_uses_is_refused_every_time(
    dynamodb: DynamoDBClient, table: str
) -> None:
    """moto's request validation checks every name given is used, from what the parse
    found: a remembered parse still refuses a name it never uses."""
    for _ in range(2):
        with pytest.raises(ClientError) as refused:
            dynamodb.put_item(
                TableName=table,
                Item=key("BOOKING#1"),
                ConditionExpression="attribute_not_exists(PK)",
                ExpressionAttributeNames={"#unused": "status"},
            )
        assert refused.value.response["Error"]["Code"] == "ValidationException"
        assert "#unused" in refused.value.response["Error"]["Message"]


def test_a_remembered_parse_still_finds_the_names_and_values_it_uses(
    dynamodb: DynamoDBClient, table: str
) -> None:
    """The second, remembered parse must tell the validation which names and values the
    condition uses, or it would refuse a well-formed request."""
    unique = f"never_{uuid.uuid4().hex}"  # a condition no earlier test has parsed
    condition = "attribute_not_exists(PK) OR (#s = :h AND attribute_not_exists(#u))"
    size = len(moto_parses.conditions)
    for n in range(3):
        dynamodb.put_item(
            TableName=table,
            Item=key("BOOKING#7") | {"status": {"S": "held"}, "n": {"N": str(n)}},
            ConditionExpression=condition,
            ExpressionAttributeNames={"#s": "status", "#u": unique},
            ExpressionAttributeValues={":h": {"S": "held"}},
        )
    assert len(moto_parses.conditions) - size == 1  # parsed once, remembered after
    item = dynamodb.get_item(TableName=table, Key=key("BOOKING#7"))["Item"]
    assert item["n"] == {"N": "2"}


def test_a_remembered_condition_keeps_the_values_it_was_parsed_with() -> None:
    """A write may change a request's sets in place after the parse (moto keeps them by
    reference): the remembered tree compares what the expression said."""
    values: dict[str, Any] = {":t": {"SS": ["a"]}}
    ConditionExpressionParser("tags = :t", None, values).parse()
    values[":t"]["SS"].append("b")  # what an ADD on the stored set does
    again = ConditionExpressionParser("tags = :t", None, {":t": {"SS": ["a"]}}).parse()
    item = MotoItem(DynamoType({"S": "X"}), None, {"PK": {"S": "X"}, "tags": {"SS": ["a"]}})
    assert again.expr(item) is True


def test_the_same_condition_is_judged_on_the_item_as_it_is_now(
    dynamodb: DynamoDBClient, table: str
) -> None:
    """The first claim of a lock wins, the same request again is refused: the parse is
    remembered, never the answer."""

    def claim() -> bool:
        try:
            dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": table,
                            "Item": key("SLOT#thu-10", "LOCK"),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    }
                ]
            )
        except ClientError as e:
            assert e.response["Error"]["Code"] == "TransactionCanceledException"
            return False
        return True

    assert [claim(), claim()] == [True, False]


def test_each_update_writes_its_own_values(dynamodb: DynamoDBClient, table: str) -> None:
    """moto rewrites the update tree it applies in place: the memo only serves the
    request validation, so the same expression with new values writes the new ones."""
    for n in range(1, 4):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": key("BOOKING#1"),
                        "UpdateExpression": "SET v = :v, #s = :s",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":v": {"N": str(n)}, ":s": {"S": f"s{n}"}},
                    }
                }
            ]
        )
        dynamodb.update_item(
            TableName=table,
            Key=key("BOOKING#2"),
            UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": {"N": str(10 * n)}},
        )
        one = dynamodb.get_item(TableName=table, Key=key("BOOKING#1"))["Item"]
        two = dynamodb.get_item(TableName=table, Key=key("BOOKING#2"))["Item"]
        assert (one["v"], one["status"], two["v"]) == (
            {"N": str(n)},
            {"S": f"s{n}"},
            {"N": str(10 * n)},
        )


def test_the_memo_keeps_the_latest_answers_and_no_more() -> None:
    made: list[int] = []

    def make(n: int) -> Any:
        return lambda: made.append(n) or n * n

    memo = Memo(size=3)
    for n in range(10):
        assert memo.get(n, make(n)) == n * n
    assert len(memo) == 3
    assert [memo.get(n, make(n)) for n in (9, 8, 7)] == [81, 64, 49]
    assert made == list(range(10))  # the last three were answered from memory
    memo.get(0, make(0))
    assert made[-1] == 0 and len(memo) == 3
