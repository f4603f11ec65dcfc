"""Secondary indexes for moto's tables, kept sorted as DynamoDB keeps them.

moto 5.2.5 has no index structure: a query on an index walks every item of the
table. The local stack's due-jobs index holds every reminder ever scheduled, so
that walk grew with every booking. Here each index of a table gets, on its first
query, a sorted list of its entries, in the order moto sorts an index query's
results: (index hash key, index range key, table hash key, table range key).
Every write moto makes to a table (put, delete, update) refreshes that one item's
entries, so a query finds its matches by bisection (infra/local/moto_query.py).

Only string keys are kept; an index that meets any other key type is marked
incomplete and its queries go back to moto's own walk.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_REGISTRY = "_keepslot_sorted_indexes"
_MARK = "_keepslot_index_hook"

Entry = tuple[tuple[str, ...], Any, Any]  # sort key, table hash key, table range key


class SortedIndex:
    def __init__(self, table: Table, index_name: str) -> None:
        schema = table.get_index(index_name).schema
        self.hash_keys = [k["AttributeName"] for k in schema if k["KeyType"] == "HASH"]
        self.range_keys = [k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"]
        self._order: list[str] = table._generate_attr_to_sort_by(
            [*self.hash_keys, table.hash_key_attr], [*self.range_keys, table.range_key_attr]
        )
        self.complete = len(self.hash_keys) == 1 and len(self.range_keys) <= 1
        self.entries: list[Entry] = []
        self._where: dict[tuple[Any, Any], tuple[str, ...]] = {}
        for item in _every_item(table):
            self.refresh(item.hash_key, item.range_key, item)

    def refresh(self, hash_key: Any, range_key: Any, item: Any) -> None:
        """Make the entry of the item at (hash_key, range_key) match `item` (None: gone)."""
        old = self._where.pop((hash_key, range_key), None)
        if old is not None:
            del self.entries[bisect.bisect_left(self.entries, (old,))]
        if item is None or not self.complete:
            return
        values = [item.attrs.get(name) for name in self._order]
        if any(v is None for v in values[: len(self.hash_keys) + len(self.range_keys)]):
            return  # not in this sparse index
        if any(v is not None and v.type != "S" for v in values):
            self.complete = False  # moto's own comparisons decide from now on
            self.entries.clear()
            self._where.clear()
            return
        key = tuple(v.value if v is not None else "" for v in values)
        bisect.insort(self.entries, (key, hash_key, range_key), key=lambda e: e[0])
        self._where[(hash_key, range_key)] = key

    def group(self, hash_value: str) -> tuple[int, int]:
        """The entries whose index hash key is `hash_value`: [start, end)."""
        start = bisect.bisect_left(self.entries, hash_value, key=lambda e: e[0][0])
        # No string sorts between a string and itself plus "\0".
        end = bisect.bisect_left(self.entries, hash_value + "\0", key=lambda e: e[0][0])
        return start, end


def indexes(table: Table) -> dict[str, SortedIndex]:
    registry: dict[str, SortedIndex] | None = table.__dict__.get(_REGISTRY)
    if registry is None:
        registry = table.__dict__[_REGISTRY] = {}
    return registry


def sorted_index(table: Table, index_name: str) -> SortedIndex:
    registry = indexes(table)
    if index_name not in registry:
        registry[index_name] = SortedIndex(table, index_name)
    return registry[index_name]


def _every_item(table: Table) -> Iterator[Any]:
    for entry in list(table.items.values()):
        if table.range_key_attr:
            yield from list(entry.values())
        else:
            yield entry


def stored(table: Table, hash_key: Any, range_key: Any) -> Any:
    """The item at a key, without `Table.get_item`'s side effect of adding an empty
    bucket to its defaultdict for a partition key it has never seen."""
    entry = table.items.get(hash_key)
    if range_key is None or entry is None:
        return entry
    return entry.get(range_key)


def refresh_item(table: Table, hash_key: Any, range_key: Any) -> None:
    """Bring every built index of `table` in step with the item now at this key."""
    registry = table.__dict__.get(_REGISTRY)
    if registry:
        item = stored(table, hash_key, range_key)
        for index in registry.values():
            index.refresh(hash_key, range_key, item)


def _after_put(original: Callable[..., Any]) -> Callable[..., Any]:
    def put_item(self: Table, *args: Any, **kwargs: Any) -> Any:
        item = original(self, *args, **kwargs)
        refresh_item(self, item.hash_key, item.range_key)
        return item

    return put_item


def _after_delete(original: Callable[..., Any]) -> Callable[..., Any]:
    def delete_item(self: Table, hash_key: Any, range_key: Any) -> Any:
        try:
            return original(self, hash_key, range_key)
        finally:
            refresh_item(self, hash_key, range_key)

    return delete_item


def _after_update(original: Callable[..., Any]) -> Callable[..., Any]:
    """UpdateItem changes the stored item in place: refresh it whatever happened."""

    def update_item(self: DynamoDBBackend, table_name: str, key: Any, *a: Any, **k: Any) -> Any:
        try:
            return original(self, table_name, key, *a, **k)
        finally:
            table = self.tables.get(table_name)
            if table is not None:
                try:
                    hash_key, range_key = self.get_keys_value(table, key)
                except Exception:
                    pass  # a malformed key: moto refused it and changed nothing
                else:
                    refresh_item(table, hash_key, range_key)

    return update_item


def install() -> None:
    """Keep every built index current with each write, in this process (idempotent)."""
    if getattr(Table.put_item, _MARK, False):
        return
    for owner, name, hook in (
        (Table, "put_item", _after_put),
        (Table, "delete_item", _after_delete),
        (DynamoDBBackend, "update_item", _after_update),
    ):
        wrapped = hook(getattr(owner, name))
        setattr(wrapped, _MARK, True)
        wrapped.__wrapped__ = getattr(owner, name)  # type: ignore[attr-defined]
        setattr(owner, name, wrapped)
