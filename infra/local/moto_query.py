"""moto's Query, without sorting the whole table on every call.

moto 5.2.5's `Table.query` starts from `Table.all_items()`, which sorts every
item of the table by key (each comparison decoding both values), then keeps
the ones that match and sorts those again. So each Query costs O(n log n) in
the size of the table: after a few hundred bookings the local stack spent most
of every request sorting items it then threw away.

`install()` keeps moto's own query code (key conditions, filters, paging,
projections) and changes only what `all_items()` hands it while it runs:

- a query on the table's key gets the items of that one partition, unsorted;
- a query on an index gets, unsorted, the items whose index keys meet its key
  conditions, plus the nearest item on each side of them that does not: moto
  looks one item past a full page to decide whether to return a
  LastEvaluatedKey, and that item may be one it would then drop.

moto then checks the conditions again and sorts the candidates itself, so every
page, LastEvaluatedKey and count is the one it gave before (the tests compare
the two). Conditions are checked with moto's own comparison functions, on the
raw value for strings, which is the value moto compares for them. Where a key
is not a string, moto gets every candidate and decides alone. Scans still see
every item, sorted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.comparisons import get_comparison_func
from moto.dynamodb.models.table import Table

_query = threading.local()
_MARK = "_keepslot_partition_query"


class _IndexQuery:
    """One query on an index: which items moto needs to see to answer it."""

    def __init__(self, table: Table, index_name: str, hash_conds: Any, range_conds: Any) -> None:
        self._equal: list[tuple[str, Any]] = list(hash_conds or [])
        schema = table.get_index(index_name).schema
        hash_keys = [k["AttributeName"] for k in schema if k["KeyType"] == "HASH"]
        range_keys = [k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"]
        self._range: tuple[str, str, list[Any]] | None = None
        if range_keys and range_conds and len(range_conds) == 1:
            self._range = range_conds[0]
            # The order moto sorts an index query's candidates in (Table.sorted_items).
            self._order = table._generate_attr_to_sort_by(
                [*hash_keys, table.hash_key_attr], [*range_keys, table.range_key_attr]
            )

    def candidates(self, items: list[Any]) -> list[Any]:
        found = [item for item in items if self._hash_met(item.attrs)]
        if self._range is None:
            return found
        name, comparison, operands = self._range
        if any(o.type != "S" for o in operands):
            return found
        meets = get_comparison_func(comparison)
        raw = [o.value for o in operands]
        matched: list[Any] = []
        others: list[Any] = []
        for item in found:
            value = item.attrs.get(name)
            if not value:
                continue  # moto skips an item without the index's range key too
            if value.type != "S":
                return found
            (matched if meets(value.value, *raw) else others).append(item)
        return matched + self._neighbours(matched, others)

    def _hash_met(self, attrs: dict[str, Any]) -> bool:
        for name, expected in self._equal:
            value = attrs.get(name)
            if value is None:
                return False
            if value.type == expected.type == "S":
                if value.value != expected.value:
                    return False
            elif value != expected:
                return False
        return True

    def _neighbours(self, matched: list[Any], others: list[Any]) -> list[Any]:
        """The non-matching items moto would meet right before and right after the matches
        (in either direction of the scan); all of them when a key is not a string."""
        if not matched or not others:
            return []
        keys = [k for k in (self._key(item) for item in matched) if k is not None]
        if len(keys) < len(matched):
            return others
        low, high = min(keys), max(keys)
        before: tuple[tuple[str, ...], Any] | None = None
        after: tuple[tuple[str, ...], Any] | None = None
        for item in others:
            key = self._key(item)
            if key is None:
                return others
            if key < low and (before is None or key > before[0]):
                before = (key, item)
            elif key > high and (after is None or key < after[0]):
                after = (key, item)
        return [found[1] for found in (before, after) if found is not None]

    def _key(self, item: Any) -> tuple[str, ...] | None:
        values = [item.attrs.get(name) for name in self._order]
        if any(v is None or v.type != "S" for v in values):
            return None
        return tuple(v.value for v in values)


def _every_item(table: Table) -> list[Any]:
    if not table.range_key_attr:
        return list(table.items.values())
    return [item for bucket in table.items.values() for item in bucket.values()]


def _items_for_query(original: Callable[[Table], list[Any]]) -> Callable[[Table], list[Any]]:
    def all_items(self: Table) -> list[Any]:
        scope = getattr(_query, "scope", None)
        if scope is None or scope[0] is not self:
            return original(self)
        _, hash_key, index_query = scope
        if index_query is not None:
            return list(index_query.candidates(_every_item(self)))
        if hash_key is None:
            return original(self)
        entry = self.items.get(hash_key)
        if entry is None:
            return []
        return list(entry.values()) if self.range_key_attr else [entry]

    all_items.__wrapped__ = original  # type: ignore[attr-defined]
    return all_items


def _one_partition(original: Callable[..., Any]) -> Callable[..., Any]:
    def query(
        self: Table,
        hash_key: Any,
        range_comparison: Any,
        range_objs: Any,
        limit: Any,
        exclusive_start_key: Any,
        scan_index_forward: Any,
        projection_expressions: Any,
        index_name: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        index_query = None
        if index_name is not None and index_name in {i.name for i in self.all_indexes()}:
            index_query = _IndexQuery(
                self,
                index_name,
                kwargs.get("hash_key_conditions"),
                kwargs.get("range_key_conditions"),
            )
        outer = getattr(_query, "scope", None)
        _query.scope = (self, hash_key, index_query)
        try:
            return original(
                self,
                hash_key,
                range_comparison,
                range_objs,
                limit,
                exclusive_start_key,
                scan_index_forward,
                projection_expressions,
                index_name,
                *args,
                **kwargs,
            )
        finally:
            _query.scope = outer

    setattr(query, _MARK, True)
    query.__wrapped__ = original  # type: ignore[attr-defined]
    return query


def install() -> None:
    """Swap in the narrower candidates in this process (idempotent)."""
    if getattr(Table.query, _MARK, False):
        return
    Table.all_items = _items_for_query(Table.all_items)  # type: ignore[method-assign,assignment]
    Table.query = _one_partition(Table.query)  # type: ignore[method-assign]


def installed() -> bool:
    return bool(getattr(Table.query, _MARK, False))
