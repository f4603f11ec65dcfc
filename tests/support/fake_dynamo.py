"""An in-memory stand-in for the DynamoDB client calls DynamoStore makes, on one table.

The table's keys and indexes come from template.yaml. Requests arrive as the real
client gets them (typed JSON), and conditions and updates are evaluated as DynamoDB
evaluates them, for the expression forms keepslot writes: `attribute_exists`,
`attribute_not_exists` and comparisons joined by AND/OR; SET (with `if_not_exists`),
ADD and REMOVE. Any other form raises NotImplementedError, so a new one cannot slip
through unchecked. A transaction checks every condition against the state before it,
refuses two actions on one item or more than 100 actions, and applies all or nothing:
a failed condition raises TransactionCanceledException with its CancellationReasons,
so DynamoStore.commit raises the same domain errors (SlotTaken, version conflicts) it
raises against DynamoDB.
"""

from __future__ import annotations

import copy
import operator
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

Item = dict[str, Any]
Key = tuple[str, str]
MAX_TRANSACTION = 100
_ser, _de = TypeSerializer(), TypeDeserializer()
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_TERM = re.compile(r"^(\S+) (=|<>|<=|<|>=|>) (:\w+)$")
_FUNC = re.compile(r"^(attribute_exists|attribute_not_exists|begins_with)\((\S+?)(?:, (:\w+))?\)$")


@cache
def indexes() -> dict[str | None, tuple[str, str]]:
    """The table's (hash, range) key names, and each global index's, from template.yaml."""
    from infra.table import table_definition

    definition = table_definition()

    def keys(schema: list[dict[str, str]]) -> tuple[str, str]:
        by_type = {k["KeyType"]: k["AttributeName"] for k in schema}
        return by_type["HASH"], by_type["RANGE"]

    out: dict[str | None, tuple[str, str]] = {None: keys(definition["KeySchema"])}
    for gsi in definition.get("GlobalSecondaryIndexes", []):
        out[gsi["IndexName"]] = keys(gsi["KeySchema"])
    return out


def _error(code: str, op: str, **extra: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, **extra}, op)  # type: ignore[arg-type]


class Expr:
    """One request's expression context: its attribute names and (decoded) values."""

    def __init__(self, req: dict[str, Any]) -> None:
        self.names: dict[str, str] = req.get("ExpressionAttributeNames") or {}
        raw = req.get("ExpressionAttributeValues") or {}
        self.values = {k: _de.deserialize(v) for k, v in raw.items()}

    def path(self, token: str) -> str:
        if "." in token or "[" in token:
            raise NotImplementedError(f"nested attribute paths: {token}")
        return self.names[token] if token.startswith("#") else token

    def holds(self, condition: str | None, item: Item | None) -> bool:
        """Whether `item` (None: absent) meets `condition` (no parentheses, AND before OR)."""
        if not condition:
            return True
        if "(" in re.sub(r"\w+\([^()]*\)", "", condition):
            raise NotImplementedError(f"parentheses in a condition: {condition}")
        have = item or {}
        return any(
            all(self._term(t.strip(), have) for t in part.split(" AND "))
            for part in condition.split(" OR ")
        )

    def _term(self, term: str, item: Item) -> bool:
        f = _FUNC.match(term)
        if f:
            name, attr = f.group(1), self.path(f.group(2))
            if name == "attribute_exists":
                return attr in item
            if name == "attribute_not_exists":
                return attr not in item
            value = item.get(attr)
            return isinstance(value, str) and value.startswith(self.values[f.group(3)])
        m = _TERM.match(term)
        if not m:
            raise NotImplementedError(f"condition term: {term}")
        attr = self.path(m.group(1))
        if attr not in item:
            return False
        return _COMPARE[m.group(2)](item[attr], self.values[m.group(3)])

    def update(self, expression: str, item: Item) -> None:
        """Apply a SET / ADD / REMOVE update expression to `item` in place."""
        parts = re.split(r"\b(SET|ADD|REMOVE|DELETE)\b", expression)
        for verb, body in zip(parts[1::2], parts[2::2], strict=True):
            actions = [a.strip() for a in _top_level_commas(body) if a.strip()]
            for action in actions:
                if verb == "SET":
                    self._set(action, item)
                elif verb == "ADD":
                    attr, value = action.split()
                    add = self.values[value]
                    if not isinstance(add, Decimal):
                        raise NotImplementedError(f"ADD of a set: {action}")
                    item[self.path(attr)] = item.get(self.path(attr), Decimal(0)) + add
                elif verb == "REMOVE":
                    item.pop(self.path(action), None)
                else:
                    raise NotImplementedError(f"{verb} in an update: {expression}")

    def _set(self, action: str, item: Item) -> None:
        attr, value = (s.strip() for s in action.split("=", 1))
        f = re.match(r"^if_not_exists\((\S+), (:\w+)\)$", value)
        if f:
            current = item.get(self.path(f.group(1)))
            item[self.path(attr)] = current if current is not None else self.values[f.group(2)]
        elif re.match(r"^:\w+$", value):
            item[self.path(attr)] = self.values[value]
        else:
            raise NotImplementedError(f"SET value: {action}")


def _top_level_commas(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    return [*out, text[start:]]


class FakeDynamo:
    """The client calls DynamoStore (and the consistency checker's scan) make, in memory."""

    def __init__(self) -> None:
        self.items: dict[Key, Item] = {}
        self.hash_key, self.range_key = indexes()[None]

    # ---- helpers -----------------------------------------------------------

    def _key(self, raw_key: dict[str, Any]) -> Key:
        key = {k: _de.deserialize(v) for k, v in raw_key.items()}
        return str(key[self.hash_key]), str(key[self.range_key])

    @staticmethod
    def _dump(item: Item) -> dict[str, Any]:
        return {k: _ser.serialize(v) for k, v in item.items()}

    def _planned(self, kind: str, req: dict[str, Any]) -> tuple[Key, Item | None, bool]:
        """(key, the item after the action or None when deleted, whether its condition held)."""
        expr = Expr(req)
        if kind == "Put":
            new = {k: _de.deserialize(v) for k, v in req["Item"].items()}
            key = (str(new[self.hash_key]), str(new[self.range_key]))
        else:
            key = self._key(req["Key"])
        old = self.items.get(key)
        ok = expr.holds(req.get("ConditionExpression"), old)
        if kind == "Put":
            return key, new, ok
        if kind == "Delete":
            return key, None, ok
        if kind == "ConditionCheck":
            return key, old, ok
        updated = copy.deepcopy(old) if old else {self.hash_key: key[0], self.range_key: key[1]}
        expr.update(req["UpdateExpression"], updated)
        return key, updated, ok

    def _apply(self, key: Key, item: Item | None) -> None:
        if item is None:
            self.items.pop(key, None)
        else:
            self.items[key] = item

    def _single(self, kind: str, req: dict[str, Any], op: str) -> dict[str, Any]:
        key, item, ok = self._planned(kind, req)
        if not ok:
            raise _error("ConditionalCheckFailedException", op)
        self._apply(key, item)
        return {}

    # ---- the client's calls ------------------------------------------------

    def get_item(self, **req: Any) -> dict[str, Any]:
        item = self.items.get(self._key(req["Key"]))
        return {"Item": self._dump(item)} if item is not None else {}

    def put_item(self, **req: Any) -> dict[str, Any]:
        return self._single("Put", req, "PutItem")

    def update_item(self, **req: Any) -> dict[str, Any]:
        return self._single("Update", req, "UpdateItem")

    def delete_item(self, **req: Any) -> dict[str, Any]:
        return self._single("Delete", req, "DeleteItem")

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:
        if len(TransactItems) > MAX_TRANSACTION:
            raise _error("ValidationException", "TransactWriteItems")
        plans = [self._planned(kind, req) for op in TransactItems for kind, req in op.items()]
        keys = [key for key, _, _ in plans]
        if len(set(keys)) != len(keys):  # DynamoDB refuses two actions on one item
            raise _error("ValidationException", "TransactWriteItems")
        if not all(ok for _, _, ok in plans):
            reasons = [{"Code": "None" if ok else "ConditionalCheckFailed"} for _, _, ok in plans]
            raise _error(
                "TransactionCanceledException", "TransactWriteItems", CancellationReasons=reasons
            )
        for key, item, _ in plans:
            self._apply(key, item)
        return {}

    def query(self, **req: Any) -> dict[str, Any]:
        hash_name, range_name = indexes()[req.get("IndexName")]
        expr = Expr(req)
        cond = req["KeyConditionExpression"]
        m = re.match(r"^(\S+) = (:\w+)(?: AND (.+))?$", cond)
        if not m or expr.path(m.group(1)) != hash_name:
            raise NotImplementedError(f"key condition: {cond}")
        want, rest = expr.values[m.group(2)], m.group(3)
        found = [it for it in self.items.values() if it.get(hash_name) == want and range_name in it]
        if rest:
            between = re.match(r"^(\S+) BETWEEN (:\w+) AND (:\w+)$", rest)
            if between:
                lo, hi = expr.values[between.group(2)], expr.values[between.group(3)]
                found = [it for it in found if lo <= it[range_name] <= hi]
            else:
                found = [it for it in found if expr.holds(rest, it)]
        found.sort(key=lambda it: it[range_name])
        if "Limit" in req:
            found = found[: req["Limit"]]
        return {"Items": [self._dump(it) for it in found]}

    def scan(self, **req: Any) -> dict[str, Any]:
        expr, wanted = Expr(req), req.get("FilterExpression")
        found = [it for it in self.items.values() if expr.holds(wanted, it)]
        return {"Items": [self._dump(it) for it in found]}
