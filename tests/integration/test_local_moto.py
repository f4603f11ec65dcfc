"""The local stack's moto at scale: a transaction whose condition fails is refused before
it writes (infra/local/moto_precheck.py), a failed transaction rolls back from copies of the
items it names (infra/local/moto_rollback.py), a query reads its partition
(infra/local/moto_query.py), and the local table keeps no stream.

Rollbacks are checked against the whole table before and after; queries against
moto's own, unchanged query code on the same items.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

from infra.local import moto_query, moto_rollback
from infra.local.moto_server import MotoServer
from infra.local.provision import provision
from keepslot.config.model import load_config
from tests.support.configs import FIXTURE

pytestmark = pytest.mark.slow

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Item = dict[str, Any]


def key(pk: str, sk: str) -> Item:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def everything(client: DynamoDBClient, table: str) -> list[Item]:
    """Every item, in key order, whatever order moto keeps them in."""
    items: list[Item] = []
    page: dict[str, Any] = {"TableName": table}
    while True:
        res = client.scan(**page)
        items += res["Items"]
        if "LastEvaluatedKey" not in res:
            return sorted(items, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))
        page["ExclusiveStartKey"] = res["LastEvaluatedKey"]


def backend_table(name: str) -> Table:
    from moto.backends import get_backend
    from moto.core.models import DEFAULT_ACCOUNT_ID

    table: Table = get_backend("dynamodb")[DEFAULT_ACCOUNT_ID]["eu-south-1"].tables[name]
    return table


@pytest.fixture
def filled(dynamodb: DynamoDBClient, table: str) -> str:
    """Three bookings' worth of items, one of them already due."""
    for n in range(3):
        dynamodb.put_item(TableName=table, Item=key(f"BOOKING#{n}", "BOOKING") | {"v": {"N": "1"}})
        dynamodb.put_item(
            TableName=table,
            Item=key(f"BOOKING#{n}", "JOB#remind")
            | {"GSI2PK": {"S": "DUE"}, "GSI2SK": {"S": f"2026-12-0{n + 1}"}},
        )
    return table


# ---- a failed transaction -------------------------------------------------------


def actions(table: str) -> list[Item]:
    """A put of a new item, an overwrite, an update, a delete and a check, all allowed."""
    return [
        {"Put": {"TableName": table, "Item": key("BOOKING#9", "BOOKING")}},
        {"Put": {"TableName": table, "Item": key("BOOKING#0", "BOOKING") | {"v": {"N": "7"}}}},
        {
            "Update": {
                "TableName": table,
                "Key": key("BOOKING#1", "BOOKING"),
                "UpdateExpression": "SET v = v + :one, added = :x REMOVE gone",
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":x": {"S": "x"}},
            }
        },
        {"Delete": {"TableName": table, "Key": key("BOOKING#2", "JOB#remind")}},
        {
            "ConditionCheck": {
                "TableName": table,
                "Key": key("BOOKING#2", "BOOKING"),
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
    ]


def refused(action: Item) -> Item:
    """The same action with a condition that fails against the table."""
    ((kind, op),) = action.items()
    return {kind: op | {"ConditionExpression": "attribute_exists(never)"}}


@pytest.mark.parametrize(
    ("broken", "error"),
    [*((n, "TransactionCanceled") for n in range(5)), ("named twice", "ValidationException")],
)
def test_a_failed_transaction_leaves_every_item_as_it_was(
    dynamodb: DynamoDBClient, filled: str, broken: int | str, error: str
) -> None:
    """One action's condition fails (each in turn), or one item is named twice."""
    before = everything(dynamodb, filled)
    plan = actions(filled)
    if isinstance(broken, int):
        plan[broken] = refused(plan[broken])
    else:
        plan.append({"Delete": {"TableName": filled, "Key": key("BOOKING#9", "BOOKING")}})
    with pytest.raises(ClientError, match=error):
        dynamodb.transact_write_items(TransactItems=plan)  # type: ignore[arg-type]
    assert everything(dynamodb, filled) == before


def test_a_transaction_that_succeeds_changes_what_it_names(
    dynamodb: DynamoDBClient, filled: str
) -> None:
    dynamodb.transact_write_items(TransactItems=actions(filled))  # type: ignore[arg-type]
    after = {(i["PK"]["S"], i["SK"]["S"]): i for i in everything(dynamodb, filled)}
    assert ("BOOKING#9", "BOOKING") in after
    assert after[("BOOKING#0", "BOOKING")]["v"] == {"N": "7"}
    assert after[("BOOKING#1", "BOOKING")]["v"] == {"N": "2"}
    assert ("BOOKING#2", "JOB#remind") not in after


def test_a_failed_transaction_copies_no_table(dynamodb: DynamoDBClient, filled: str) -> None:
    """The whole-table copy moto 5.2.5 makes per action (stream records included) is gone:
    the table is the very same object after a rollback, not a restored copy of it."""
    table = backend_table(filled)
    plan = actions(filled)
    plan[-1] = refused(plan[-1])
    for _ in range(3):
        with pytest.raises(ClientError):
            dynamodb.transact_write_items(TransactItems=plan)  # type: ignore[arg-type]
    assert backend_table(filled) is table


def cancellation(dynamodb: DynamoDBClient, plan: list[Item]) -> Any:
    with pytest.raises(ClientError) as refused_by:
        dynamodb.transact_write_items(TransactItems=plan)  # type: ignore[arg-type]
    response = refused_by.value.response
    return response["Error"], response.get("CancellationReasons")


@pytest.mark.parametrize("broken", range(5))
def test_a_refused_transaction_answers_as_moto_s_own_and_writes_nothing(
    dynamodb: DynamoDBClient, filled: str, broken: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The condition check before the writes (infra/local/moto_precheck.py): the same
    error and reasons as moto's own code, which would have run every write first."""
    plan = actions(filled)
    plan[broken] = refused(plan[broken])
    ((kind, op),) = plan[broken].items()
    plan[broken] = {kind: op | {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}

    def no_write(*_: Any, **__: Any) -> None:
        raise AssertionError("a refused transaction wrote")

    with monkeypatch.context() as writes_fail:
        for name in ("put_item", "update_item", "delete_item"):
            writes_fail.setattr(DynamoDBBackend, name, no_write)
        checked_first = cancellation(dynamodb, plan)
    monkeypatch.setattr(
        DynamoDBBackend,
        "transact_write_items",
        DynamoDBBackend.transact_write_items.__wrapped__,  # type: ignore[attr-defined]
    )
    assert checked_first == cancellation(dynamodb, plan)


OPS = st.sampled_from(["put", "update", "delete", "check"])
KEYS = st.sampled_from([("BOOKING#0", "BOOKING"), ("BOOKING#1", "JOB#remind"), ("NEW#1", "X")])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(
        st.tuples(OPS, KEYS, st.booleans()), min_size=1, max_size=3, unique_by=lambda a: a[1]
    )
)
def test_any_transaction_either_happens_or_leaves_the_table_as_it_was(
    dynamodb: DynamoDBClient, filled: str, plan: list[tuple[str, tuple[str, str], bool]]
) -> None:
    before = everything(dynamodb, filled)
    items = []
    for op, (pk, sk), holds in plan:
        cond = {"ConditionExpression": "attribute_exists(PK)" if holds else "attribute_exists(no)"}
        base = {"TableName": filled, "Key": key(pk, sk)}
        items.append(
            {
                "put": {"Put": {"TableName": filled, "Item": key(pk, sk) | {"w": {"S": "new"}}}},
                "update": {
                    "Update": base
                    | {"UpdateExpression": "SET w = :w"}
                    | {"ExpressionAttributeValues": {":w": {"S": "upd"}}}
                },
                "delete": {"Delete": base},
                "check": {"ConditionCheck": base | cond},
            }[op]
        )
        if op != "check" and not holds:
            ((kind, body),) = items[-1].items()
            items[-1] = {kind: body | cond}
    try:
        dynamodb.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
    except ClientError:
        assert everything(dynamodb, filled) == before
        return
    named = {(pk, sk) for _, (pk, sk), _ in plan}
    untouched = [i for i in before if (i["PK"]["S"], i["SK"]["S"]) not in named]
    after = everything(dynamodb, filled)
    assert [i for i in after if (i["PK"]["S"], i["SK"]["S"]) not in named] == untouched
    # Undo for the next example: the fixture's table lives for the whole test.
    for pk, sk in named:
        dynamodb.delete_item(TableName=filled, Key=key(pk, sk))  # type: ignore[arg-type]
    for item in before:
        dynamodb.put_item(TableName=filled, Item=item)  # type: ignore[arg-type]


# ---- concurrent transactions on moto's server ------------------------------------


@pytest.fixture
def served(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBClient]:
    """moto's server as the local stack runs it, with the local table provisioned."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()  # moto's state is per process: start from nothing
    server = MotoServer()
    server.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    provision(load_config(FIXTURE), "keepslot", "/keepslot/token-key")
    yield boto3.client("dynamodb")
    server.stop()
    moto_api_backend.reset()


def test_the_server_keeps_no_item_the_table_has_let_go(served: DynamoDBClient) -> None:
    """Overwritten, deleted, copied for a rollback or read by a query: an item the table
    no longer holds is freed (infra/local/moto_untracked.py), so memory follows the table."""
    from moto.dynamodb.models.dynamo_type import Item as MotoItem

    def alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, MotoItem))

    before = alive()
    for n in range(50):
        served.put_item(
            TableName="keepslot", Item=key("BOOKING#1", "BOOKING") | {"n": {"N": str(n)}}
        )
        served.transact_write_items(
            TransactItems=[{"Put": {"TableName": "keepslot", "Item": key("BOOKING#2", "BOOKING")}}]
        )
        served.delete_item(TableName="keepslot", Key=key("BOOKING#2", "BOOKING"))
        served.query(
            TableName="keepslot",
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "BOOKING#1"}},
        )
    assert alive() - before <= 2  # the one item the table still holds (and a stray read)


def test_the_local_table_keeps_no_stream(served: DynamoDBClient) -> None:
    described = served.describe_table(TableName="keepslot")["Table"]
    assert "LatestStreamArn" not in described
    assert described.get("StreamSpecification", {}).get("StreamEnabled", False) is False


def test_a_concurrent_winner_is_never_erased(served: DynamoDBClient) -> None:
    """Forty clients race for one slot while forty failing transactions roll back on
    other items: the winner's booking and lock stay, and no loser leaves a trace."""
    gate = threading.Barrier(80)

    def commits(actions: list[Item]) -> bool:
        gate.wait()
        try:
            served.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
        except ClientError:
            return False
        return True

    def claim(n: int) -> list[Item]:
        lock = key("SLOT#thu-10", "LOCK") | {"by": {"S": str(n)}}
        return [
            {"Put": {"TableName": "keepslot", "Item": key(f"BOOKING#{n}", "BOOKING")}},
            {
                "Put": {
                    "TableName": "keepslot",
                    "Item": lock,
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]

    def failing(n: int) -> list[Item]:
        nowhere = {"Key": key("NOWHERE", "X"), "ConditionExpression": "attribute_exists(PK)"}
        return [
            {"Put": {"TableName": "keepslot", "Item": key(f"OTHER#{n}", "X")}},
            {"ConditionCheck": {"TableName": "keepslot", **nowhere}},
        ]

    with ThreadPoolExecutor(max_workers=80) as pool:
        claims = {n: pool.submit(commits, claim(n)) for n in range(40)}
        fails = [pool.submit(commits, failing(n)) for n in range(40)]
        won = [str(n) for n, f in claims.items() if f.result()]
        assert not any(f.result() for f in fails)
    assert len(won) == 1, won
    winner = won[0]
    items = {(i["PK"]["S"], i["SK"]["S"]): i for i in everything(served, "keepslot")}
    assert items[("SLOT#thu-10", "LOCK")]["by"] == {"S": winner}
    assert {k for k in items if k[0].startswith(("BOOKING#", "OTHER#"))} == {
        (f"BOOKING#{winner}", "BOOKING")
    }


# ---- queries -------------------------------------------------------------------


def unchanged_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's own Query, as it was before moto_query.install()."""
    monkeypatch.setattr(Table, "query", Table.query.__wrapped__)  # type: ignore[attr-defined]
    monkeypatch.setattr(Table, "all_items", Table.all_items.__wrapped__)  # type: ignore[attr-defined]


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "C#1"}}},
    {
        "KeyConditionExpression": "PK = :p AND begins_with(SK, :s)",
        "ExpressionAttributeValues": {":p": {"S": "C#1"}, ":s": {"S": "EVENT#"}},
        "ScanIndexForward": False,
    },
    {
        "KeyConditionExpression": "PK = :p AND SK BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "C#2"}, ":a": {"S": "E"}, ":b": {"S": "F"}},
        "Limit": 2,
    },
    {
        "IndexName": "due",
        "KeyConditionExpression": "GSI2PK = :d AND GSI2SK <= :t",
        "ExpressionAttributeValues": {":d": {"S": "DUE"}, ":t": {"S": "2026-12-05"}},
        "Limit": 3,
    },
    {
        "IndexName": "due",
        "KeyConditionExpression": "GSI2PK = :d AND GSI2SK > :t",
        "ExpressionAttributeValues": {":d": {"S": "DUE"}, ":t": {"S": "2026-12-05"}},
        "FilterExpression": "attribute_exists(n)",
    },
    {
        "IndexName": "calendar",
        "KeyConditionExpression": "GSI1PK = :c",
        "ExpressionAttributeValues": {":c": {"S": "CAL"}},
        "ScanIndexForward": False,
    },
]


def all_pages(client: DynamoDBClient, table: str, query: dict[str, Any]) -> list[Any]:
    pages, page = [], {"TableName": table, **query}
    while True:
        res = client.query(**page)
        pages.append((res["Items"], res.get("LastEvaluatedKey")))
        if "LastEvaluatedKey" not in res:
            return pages
        page["ExclusiveStartKey"] = res["LastEvaluatedKey"]


def test_queries_answer_as_moto_s_own(
    dynamodb: DynamoDBClient, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert moto_query.installed() and moto_rollback.installed()
    for c in range(1, 4):
        for sk in ("PROFILE", "EVENT#2026-01", "EVENT#2026-02", "F", "E#x"):
            dynamodb.put_item(TableName=table, Item=key(f"C#{c}", sk) | {"n": {"N": str(c)}})
        for d in range(1, 9):
            due = {"GSI2PK": {"S": "DUE"}, "GSI2SK": {"S": f"2026-12-0{d}"}}
            if d % 3:
                due |= {"GSI1PK": {"S": "CAL"}, "GSI1SK": {"S": f"2026-12-0{9 - d}"}}
            dynamodb.put_item(TableName=table, Item=key(f"C#{c}", f"JOB#{d}") | due)
    ours = [all_pages(dynamodb, table, q) for q in QUERIES]
    unchanged_moto(monkeypatch)
    assert ours == [all_pages(dynamodb, table, q) for q in QUERIES]
    assert any(len(pages) > 1 for pages in ours)  # paging was exercised


STAMPS = st.sampled_from(["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"])
CONDITIONS = st.sampled_from(["<", "<=", ">", ">=", "=", "BETWEEN", "begins_with"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    jobs=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 3), st.one_of(st.none(), STAMPS)),
        min_size=4,
        max_size=14,
        unique_by=lambda j: j[:2],
    ),
    condition=CONDITIONS,
    stamp=STAMPS,
    limit=st.one_of(st.none(), st.integers(1, 3)),
    forward=st.booleans(),
    on_index=st.booleans(),
)
def test_any_key_query_answers_as_moto_s_own(
    dynamodb: DynamoDBClient,
    table: str,
    monkeypatch: pytest.MonkeyPatch,
    jobs: list[tuple[int, int, str | None]],
    condition: str,
    stamp: str,
    limit: int | None,
    forward: bool,
    on_index: bool,
) -> None:
    for old in everything(dynamodb, table):
        dynamodb.delete_item(TableName=table, Key={"PK": old["PK"], "SK": old["SK"]})
    for pk, n, due in jobs:
        item = key(f"C#{pk}", f"JOB#{due or 'x'}#{n}")
        if due:
            item |= {"GSI2PK": {"S": "DUE"}, "GSI2SK": {"S": due}}
        dynamodb.put_item(TableName=table, Item=item)
    attr, values = (
        ("GSI2SK", {":a": {"S": stamp}}) if on_index else ("SK", {":a": {"S": "JOB#" + stamp}})
    )
    sk = {
        "BETWEEN": f"{attr} BETWEEN :a AND :b",
        "begins_with": f"begins_with({attr}, :a)",
    }.get(condition, f"{attr} {condition} :a")
    if condition == "BETWEEN":
        values[":b"] = {"S": values[":a"]["S"] + "~"}
    if condition == "begins_with":
        values[":a"] = {"S": values[":a"]["S"][:-1]}
    hash_key = (
        ("GSI2PK = :h", {":h": {"S": "DUE"}}) if on_index else ("PK = :h", {":h": {"S": "C#1"}})
    )
    query: dict[str, Any] = {
        "KeyConditionExpression": f"{hash_key[0]} AND {sk}",
        "ExpressionAttributeValues": hash_key[1] | values,
        "ScanIndexForward": forward,
    }
    if on_index:
        query["IndexName"] = "due"
    if limit:
        query["Limit"] = limit
    ours = all_pages(dynamodb, table, query)
    with monkeypatch.context() as m:
        m.setattr(Table, "query", Table.query.__wrapped__)  # type: ignore[attr-defined]
        m.setattr(Table, "all_items", Table.all_items.__wrapped__)  # type: ignore[attr-defined]
        assert ours == all_pages(dynamodb, table, query)


WRITES = st.lists(
    st.tuples(
        st.sampled_from(["put", "set due", "undue", "delete", "failed transaction"]),
        st.integers(0, 5),
        STAMPS,
    ),
    max_size=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=WRITES, stamp=STAMPS, limit=st.integers(1, 3))
@example(  # a rolled-back move must put the item back where it was in the index
    writes=[("put", 0, "2026-12-01"), ("failed transaction", 0, "2026-12-05")],
    stamp="2026-12-02",
    limit=1,
)
def test_the_due_index_follows_every_write(
    dynamodb: DynamoDBClient,
    table: str,
    monkeypatch: pytest.MonkeyPatch,
    writes: list[tuple[str, int, str]],
    stamp: str,
    limit: int,
) -> None:
    """Puts, updates that move or drop an item's index keys, deletes and rolled-back
    transactions, after the index was built: queries still answer as moto's own."""
    query = {
        "IndexName": "due",
        "KeyConditionExpression": "GSI2PK = :d AND GSI2SK <= :t",
        "ExpressionAttributeValues": {":d": {"S": "DUE"}, ":t": {"S": stamp}},
        "Limit": limit,
    }
    all_pages(dynamodb, table, query)  # builds the index before the writes
    for op, n, due in writes:
        k = key(f"C#{n % 3}", f"JOB#{n}")
        if op == "put":
            item = k | {"GSI2PK": {"S": "DUE"}, "GSI2SK": {"S": due}}
            dynamodb.put_item(TableName=table, Item=item)
        elif op == "set due":
            dynamodb.update_item(
                TableName=table,
                Key=k,
                UpdateExpression="SET GSI2PK = :d, GSI2SK = :t",
                ExpressionAttributeValues={":d": {"S": "DUE"}, ":t": {"S": due}},
            )
        elif op == "undue":
            dynamodb.update_item(TableName=table, Key=k, UpdateExpression="REMOVE GSI2PK")
        elif op == "delete":
            dynamodb.delete_item(TableName=table, Key=k)
        else:
            moved = {"GSI2PK": {"S": "DUE"}, "GSI2SK": {"S": due}}
            with pytest.raises(ClientError):
                dynamodb.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": table, "Item": k | moved}},
                        {
                            "ConditionCheck": {
                                "TableName": table,
                                "Key": key("NOWHERE", "X"),
                                "ConditionExpression": "attribute_exists(PK)",
                            }
                        },
                    ]
                )
    ours = all_pages(dynamodb, table, query)
    with monkeypatch.context() as m:
        m.setattr(Table, "query", Table.query.__wrapped__)  # type: ignore[attr-defined]
        m.setattr(Table, "all_items", Table.all_items.__wrapped__)  # type: ignore[attr-defined]
        assert ours == all_pages(dynamodb, table, query)
