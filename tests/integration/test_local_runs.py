"""When the local stack runs the clock and the dispatcher (infra/local/gateway.py): after
a request that changed the table, as the stream does in AWS, and once a minute of the
dev clock, as the scheduler does; never after a read within the minute. And moto's
server counts only the calls that changed the table (infra/local/moto_server.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from werkzeug.serving import make_server
from werkzeug.test import Client

from infra.local.clock import DevClock
from infra.local.gateway import GatewayRequestHandler
from infra.local.moto_server import MotoServer
from tests.support.gateway import dev_gateway

pytestmark = pytest.mark.slow


class Table:
    """Stands in for the functions and the table: the API writes when asked to."""

    def __init__(self) -> None:
        self.writes = 0
        self.runs = 0
        self.write_next = False
        self.on_tick: Callable[[], None] = lambda: None  # what else the run does

    def api(self, event: dict[str, Any], context: Any) -> Any:
        if self.write_next:
            self.writes += 1
            self.write_next = False
        return {"statusCode": 200, "headers": {}, "body": ""}

    def tick(self, event: dict[str, Any], context: Any) -> Any:
        self.runs += 1
        self.on_tick()
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


def written_outside(table: Table, clock: DevClock) -> None:
    """`keepslot block`, `erase` or a script write to the table directly."""
    table.writes += 1


def a_minute_later(table: Table, clock: DevClock) -> None:
    """Real time passes, or a hold's deadline."""
    clock.advance(timedelta(seconds=61))


@pytest.mark.parametrize("meanwhile", [written_outside, a_minute_later])
def test_the_next_request_runs_what_the_stream_or_the_scheduler_would(
    client: Client,
    table: Table,
    dev_clock: DevClock,
    meanwhile: Callable[[Table, DevClock], None],
) -> None:
    client.get("/api/slots")
    read_outbox(client)
    meanwhile(table, dev_clock)
    client.get("/api/slots")
    read_outbox(client)
    assert table.runs == 2


def test_a_run_reads_the_dev_calendar_without_waiting_for_itself(
    table: Table, dev_clock: DevClock, tmp_path: Path
) -> None:
    """The run a request owes may sync the calendars, fetching the calendar `dev` from
    this same gateway: the feed answers at once, it never waits for the runs owed."""
    gateway = dev_gateway(tmp_path, dev_clock, table.api, table.tick)
    server = make_server(
        "127.0.0.1", 0, gateway, threaded=True, request_handler=GatewayRequestHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    fetched: list[tuple[int, float]] = []

    def read_the_feed() -> None:
        began = time.monotonic()
        r = requests.get(f"{base}/_dev/calendar.ics", timeout=5)  # the functions' timeout
        fetched.append((r.status_code, time.monotonic() - began))

    table.on_tick = read_the_feed
    try:
        requests.post(f"{base}/api/bookings", json={}, timeout=10)
        requests.get(f"{base}/_dev/outbox", timeout=10)  # returns once the owed run is done
    finally:
        server.shutdown()
        server.server_close()
    ((status, seconds),) = fetched
    assert status == 200 and seconds < 2


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
