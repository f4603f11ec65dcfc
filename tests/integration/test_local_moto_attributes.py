"""The local stack's moto reads and writes plain attribute values as they are
(infra/local/moto_attributes.py): every request must read as moto's own parser reads
it, and every answer must be the one moto's own serializer writes, for every kind of
attribute, nested or not; a binary one still goes through moto's code.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.core.parse import BaseJSONParser, JSONParser
from moto.core.serialize import BaseJSONSerializer, JSONSerializer, XFormedAttributePicker
from moto.core.utils import get_service_model

from infra.local import moto_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Item = dict[str, Any]

EVERY_KIND: Item = {
    "PK": {"S": "BOOKING#1"},
    "empty": {"S": ""},
    "n": {"N": "-12.50"},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "nothing": {"NULL": True},
    "tags": {"SS": ["a", "b"]},
    "counts": {"NS": ["1", "2.5"]},
    "terms": {"M": {"tiers": {"L": [{"M": {"h": {"N": "24"}}}, {"S": "x"}]}, "none": {"M": {}}}},
    "empty_list": {"L": []},
    "blob": {"B": base64.b64encode(b"\x00\x01bytes").decode()},
    "blobs": {"BS": [base64.b64encode(b"one").decode()]},
    "nested_blob": {"M": {"b": {"B": base64.b64encode(b"x").decode()}}},
}

SCALARS = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=8)),
    st.builds(lambda n: {"N": str(n)}, st.integers()),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": sorted(s)}, st.sets(st.text(min_size=1, max_size=4), max_size=3)),
    st.builds(lambda b: {"B": base64.b64encode(b).decode()}, st.binary(max_size=6)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.builds(lambda m: {"M": m}, st.dictionaries(st.text(max_size=5), inner, max_size=3)),
        st.builds(lambda items: {"L": items}, st.lists(inner, max_size=3)),
    ),
    max_leaves=8,
)


def answer(operation: str, result: Item, *, as_moto: bool) -> Any:
    serializer = JSONSerializer(
        operation_model=get_service_model("dynamodb").operation_model(operation),
        value_picker=XFormedAttributePicker(),
    )
    if as_moto:
        own = BaseJSONSerializer._serialize_type_structure.__wrapped__  # type: ignore[attr-defined]
        with pytest.MonkeyPatch.context() as undone:
            undone.setattr(BaseJSONSerializer, "_serialize_type_structure", own)
            return json.loads(serializer.serialize(result)["body"])
    return json.loads(serializer.serialize(result)["body"])


def read(operation: str, request: Item, *, as_moto: bool) -> Any:
    parser = JSONParser(get_service_model("dynamodb").operation_model(operation))
    body = {"body": json.dumps(request).encode()}
    if as_moto:
        own = BaseJSONParser._parse_structure.__wrapped__  # type: ignore[attr-defined]
        with pytest.MonkeyPatch.context() as undone:
            undone.setattr(BaseJSONParser, "_parse_structure", own)
            return parser.parse(body)
    return parser.parse(body)


@pytest.fixture(autouse=True)
def installed() -> None:
    moto_attributes.install()


def test_every_kind_of_attribute_answers_as_moto_s_own() -> None:
    for operation, result in [
        ("GetItem", {"Item": EVERY_KIND}),
        ("Query", {"Items": [EVERY_KIND, {"PK": {"S": "2"}}], "Count": 2, "ScannedCount": 2}),
        ("PutItem", {"Attributes": EVERY_KIND}),
    ]:
        mine = answer(operation, result, as_moto=False)
        assert mine == answer(operation, result, as_moto=True)
        assert mine[next(iter(result))]  # the items are there, not dropped


@settings(max_examples=150, deadline=None)
@given(item=st.dictionaries(st.text(min_size=1, max_size=6), VALUES, min_size=1, max_size=5))
def test_any_item_answers_as_moto_s_own(item: Item) -> None:
    assert answer("GetItem", {"Item": item}, as_moto=False) == answer(
        "GetItem", {"Item": item}, as_moto=True
    )


def test_every_kind_of_attribute_reads_as_moto_s_own() -> None:
    put = {"TableName": "t", "Item": EVERY_KIND, "ConditionExpression": "v = :v"}
    put |= {"ExpressionAttributeValues": {":v": EVERY_KIND["terms"], ":b": EVERY_KIND["blob"]}}
    transaction = {"TransactItems": [{"Put": put}, {"Delete": {"TableName": "t", "Key": {}}}]}
    for operation, request in [("PutItem", put), ("TransactWriteItems", transaction)]:
        mine = read(operation, request, as_moto=False)
        assert mine == read(operation, request, as_moto=True)
    assert read("PutItem", put, as_moto=False)["Item"]["blob"]["B"] == b"\x00\x01bytes"


@settings(max_examples=150, deadline=None)
@given(item=st.dictionaries(st.text(min_size=1, max_size=6), VALUES, min_size=1, max_size=5))
def test_any_item_reads_as_moto_s_own(item: Item) -> None:
    request = {"TableName": "t", "Item": item}
    assert read("PutItem", request, as_moto=False) == read("PutItem", request, as_moto=True)


def test_a_binary_value_is_left_to_moto() -> None:
    for binary in ("blob", "blobs", "nested_blob"):
        assert moto_attributes.plain(EVERY_KIND[binary]) is moto_attributes.NOT_PLAIN
    assert moto_attributes.plain(EVERY_KIND["terms"]) == EVERY_KIND["terms"]


def test_an_item_written_and_read_back_is_the_same(dynamodb: DynamoDBClient, table: str) -> None:
    written = {k: v for k, v in EVERY_KIND.items() if k not in {"blob", "blobs", "nested_blob"}}
    written |= {"PK": {"S": "BOOKING#1"}, "SK": {"S": "BOOKING"}, "b": {"B": b"\x00raw"}}
    dynamodb.put_item(TableName=table, Item=written)  # type: ignore[arg-type]
    read = dynamodb.get_item(TableName=table, Key={"PK": written["PK"], "SK": written["SK"]})
    assert read["Item"] == written
