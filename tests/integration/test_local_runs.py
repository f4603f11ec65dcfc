"""When the local stack runs the clock and the dispatcher (infra/local/gateway.py): after
a request that changed the table, as the stream does in AWS, and once a minute of the
dev clock, as the scheduler does; never after a read within the minute. And moto's
server counts only the calls that changed the table (infra/local/moto_server.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from werkzeug.test import Client

from infra.local.clock import DevClock
from infra.local.moto_server import MotoServer
from tests.support.gateway import dev_gateway

pytestmark = pytest.mark.slow


class Table:
    """Stands in for the functions and the table: the API writes when asked to."""

    def __init__(self) -> None:
        self.writes = 0
        self.runs = 0
        self.write_next = False

    def api(self, event: dict[str, Any], context: Any) -> Any:
        if self.write_next:
            self.writes += 1
            self.write_next = False
        return {"statusCode": 200, "headers": {}, "body": ""}

    def tick(self, event: dict[str, Any], context: Any) -> Any:
        self.runs += 1
        return {}


@pytest.fixture
def table() -> Table:
    return Table()


@pytest.fixture
def client(table: Table, dev_clock: DevClock, tmp_path: Path) -> Client:
    return Client(
        dev_gateway(tmp_path, dev_clock, table.api, table.tick, writes=lambda: table.writes)
    )


def read_outbox(client: Client) -> None:
    """Any outbox read waits for the runs owed (infra/local/shared_run.py)."""
    assert client.get("/_dev/outbox").status_code == 200


def test_a_request_that_writes_is_followed_by_a_run(client: Client, table: Table) -> None:
    client.get("/api/slots")  # the first request: no run has happened yet
    read_outbox(client)
    assert table.runs == 1
    table.write_next = True
    client.post("/api/bookings", json={})
    read_outbox(client)
    assert table.runs == 2


def test_reads_within_the_minute_cause_no_run(client: Client, table: Table) -> None:
    client.get("/api/slots")
    read_outbox(client)
    for _ in range(5):
        client.get("/api/slots")
        client.post("/api/bookings", json={})  # refused: wrote nothing
    read_outbox(client)
    assert table.runs == 1


def test_a_write_outside_any_request_is_run_at_the_next_one(client: Client, table: Table) -> None:
    """`keepslot block`, `erase` or a script write to the table directly: the next request
    runs what the stream would have."""
    client.get("/api/slots")
    read_outbox(client)
    table.writes += 1
    client.get("/api/slots")
    read_outbox(client)
    assert table.runs == 2


def test_a_minute_later_any_request_runs_what_the_scheduler_would(
    client: Client, table: Table, dev_clock: DevClock
) -> None:
    client.get("/api/slots")
    read_outbox(client)
    dev_clock.advance(timedelta(seconds=61))  # real time, or a hold's deadline passing
    client.get("/api/slots")
    read_outbox(client)
    assert table.runs == 2


@pytest.fixture
def moto(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoServer]:
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    server = MotoServer()
    server.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    yield server
    server.stop()
    moto_api_backend.reset()


def test_moto_counts_the_calls_that_changed_the_table(moto: MotoServer) -> None:
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    start = moto.writes()
    item = {"PK": {"S": "LOCK#1"}}
    dynamodb.put_item(TableName="t", Item=item)
    with pytest.raises(ClientError):  # refused: the lock is taken
        dynamodb.put_item(TableName="t", Item=item, ConditionExpression="attribute_not_exists(PK)")
    dynamodb.get_item(TableName="t", Key=item)
    dynamodb.query(
        TableName="t",
        KeyConditionExpression="PK = :p",
        ExpressionAttributeValues={":p": {"S": "LOCK#1"}},
    )
    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": "t",
                    "Key": item,
                    "UpdateExpression": "SET n = :n",
                    "ExpressionAttributeValues": {":n": {"N": "1"}},
                }
            }
        ]
    )
    check = {"TableName": "t", "Key": item, "ConditionExpression": "n = :n"}
    check |= {"ExpressionAttributeValues": {":n": {"N": "9"}}}
    other = {"TableName": "t", "Item": {"PK": {"S": "OTHER"}}}
    with pytest.raises(ClientError):  # cancelled: the condition fails
        dynamodb.transact_write_items(TransactItems=[{"ConditionCheck": check}, {"Put": other}])  # type: ignore[list-item]
    dynamodb.update_item(
        TableName="t",
        Key=item,
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "2"}},
    )
    dynamodb.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": {"PK": {"S": "B"}}}}]})
    dynamodb.delete_item(TableName="t", Key=item)
    # the put, the transaction, the update, the batch, the delete
    assert moto.writes() - start == 5
