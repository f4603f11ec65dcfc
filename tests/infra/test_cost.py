"""infra/cost.py: DynamoDB capacity priced as AWS bills it, and the cost page is the
script's output (regenerate with `python -m infra.cost > site/cost.md`)."""

from __future__ import annotations

from typing import Any

import pytest

from infra import cost, cost_lambda
from infra.table import load_template


def _put(item: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"TableName": "t", "Item": item}}


def test_committed_cost_page_is_the_scripts_output() -> None:
    assert cost.PAGE.read_text(encoding="utf-8") == cost.render(load_template())


def test_item_size_counts_names_and_values() -> None:
    assert cost.item_size({"PK": {"S": "ab"}}) == 4
    assert cost.item_size({"n": {"N": "12345"}}) == 1 + 3
    assert cost.item_size({"m": {"M": {"a": {"BOOL": True}}}}) == 1 + 3 + 1 + 1 + 1


def test_reads_round_up_to_4_kb_and_eventual_reads_cost_half() -> None:
    small = {"Items": [{"PK": {"S": "x" * 100}}]}
    big = {"Items": [{"PK": {"S": "x" * 5000}}]}
    assert cost.capacity("Query", {}, small) == (0.5, 0)
    assert cost.capacity("Query", {}, big) == (1.0, 0)
    assert cost.capacity("GetItem", {"ConsistentRead": True}, {}) == (1.0, 0)  # a miss costs too


def test_transaction_items_cost_double_and_index_entries_extra() -> None:
    plain = _put({"PK": {"S": "LOCK#1"}})
    indexed = _put({"PK": {"S": "OUTBOX#1"}, "GSI2PK": {"S": "DUE"}})
    big = _put({"PK": {"S": "x" * 1500}})
    assert cost.capacity("TransactWriteItems", {"TransactItems": [plain]}, {}) == (0.0, 2)
    assert cost.capacity("TransactWriteItems", {"TransactItems": [indexed]}, {}) == (0.0, 4)
    assert cost.capacity("TransactWriteItems", {"TransactItems": [big]}, {}) == (0.0, 4)
    assert cost.capacity("UpdateItem", {"UpdateExpression": "REMOVE GSI2PK"}, {}) == (0.0, 2)


def test_the_clock_costs_the_same_at_any_volume() -> None:
    template = load_template()
    lines = {n: {line.service: line for line in cost.month(n, template)} for n in cost.VOLUMES}
    ticks = {lines[n]["EventBridge Scheduler"].cost for n in cost.VOLUMES}
    assert len(ticks) == 1
    assert lines[10_000]["SES"].cost == pytest.approx(100 * lines[100]["SES"].cost)


def test_alarms_and_memory_are_read_from_the_template() -> None:
    template = load_template()
    assert cost.alarm_count(template) == 14
    assert cost.log_metric_count(template) == 4
    assert cost_lambda.memory_gb("Api", template) == 1.5
    assert cost_lambda.memory_gb("Clock", template) == 0.25


def test_prices_state_their_date_and_region() -> None:
    page = cost.render(load_template())
    assert cost.PRICES_AS_OF in page and cost.PRICES_REGION in page
    for n in cost.VOLUMES:
        assert f"{n:,} bookings" in page
