"""moto's TransactWriteItems, refused before it writes when a condition fails.

moto 5.2.5 runs every action of a transaction (parsing and applying each update
expression) and only then, if any condition failed, rolls the whole thing back.
A hundred clients racing for one slot make ninety-nine transactions that fail on
their first lock cell, and each still pays for every write it would have made.

DynamoDB checks every condition before writing anything. So does this override:
it evaluates each action's condition against the items as they are, and when one
fails it raises moto's own TransactionCanceledException with moto's reasons (one
per action, in order) without running the writes. When every condition holds, or
the transaction is one moto would refuse for another reason (two actions on one
item, an unknown table, a malformed expression), moto's own code runs as before.
The actions of one transaction name distinct items, so an earlier write can never
change what a later condition sees: checking first gives moto's own answer.
Calls into moto run one at a time (infra/local/moto_server.py's lock), so the items
cannot change between the check and the writes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import ConditionalCheckFailed, TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend

_MARK = "_keepslot_condition_precheck"
Reason = tuple[str, str, dict[str, Any] | None] | tuple[None, None, None]


@functools.cache
def _failed_message() -> str:
    """moto's words for a failed condition (its exception renders XML to make them)."""
    return str(ConditionalCheckFailed().message)


def _reasons(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[Reason] | None:
    """moto's cancellation reasons if some condition fails now; None when all hold or
    when moto must judge the transaction itself."""
    reasons: list[Reason] = []
    seen: set[tuple[str, str]] = set()
    for action in transact_items:
        if len(action) != 1:
            return None
        op_type, op = next(iter(action.items()))
        table = backend.tables.get(op.get("TableName", ""))
        if table is None or op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            return None
        attrs = op.get("Item", {}) if op_type == "Put" else op.get("Key", {})
        key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attrs.get(table.range_key_attr)
        slot = (table.name, str(dict(sorted(key.items()))))
        if None in key.values() or slot in seen:
            return None
        seen.add(slot)
        expression = op.get("ConditionExpression")
        if expression is None:
            reasons.append((None, None, None))
            continue
        try:
            current = backend.get_item(table.name, key)
            condition = get_filter_expression(
                expression, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            holds = condition.expr(current)
        except Exception:
            return None  # moto words this error itself
        if holds:
            reasons.append((None, None, None))
            continue
        old = None
        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
            old = current.to_json()["Attributes"]
        reasons.append(("ConditionalCheckFailed", _failed_message(), old))
    return reasons if any(code is not None for code, _, _ in reasons) else None


def _with_precheck(
    original: Callable[[DynamoDBBackend, list[dict[str, Any]]], None],
) -> Callable[[DynamoDBBackend, list[dict[str, Any]]], None]:
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) <= 100:
            reasons = _reasons(self, transact_items)
            if reasons is not None:
                raise TransactionCanceledException(reasons)
        original(self, transact_items)

    setattr(transact_write_items, _MARK, True)
    transact_write_items.__wrapped__ = original  # type: ignore[attr-defined]
    return transact_write_items


def install() -> None:
    """Check conditions before moto's transaction runs, in this process (idempotent)."""
    current = DynamoDBBackend.transact_write_items
    if getattr(current, _MARK, False):
        return
    DynamoDBBackend.transact_write_items = _with_precheck(current)  # type: ignore[method-assign,assignment]
