"""moto's Query, without sorting the whole table on every call.

moto 5.2.5's `Table.query` starts from `Table.all_items()`, which sorts every
item of the table by key (each comparison decoding both values), then keeps
the ones that match and sorts those again. So each Query cost O(n log n) in the
size of the table: after a few hundred bookings the local stack spent most of
every request sorting items it then threw away.

`install()` keeps moto's own query code (key conditions, filters, paging,
projections) and changes only what `all_items()` hands it while it runs:

- a query on the table's key gets the items of that one partition;
- a query on an index gets the entries of that index (infra/local/moto_index.py)
  that meet its key conditions, found by bisection, plus the entry right before
  and right after them: moto looks one item past a full page to decide whether
  to return a LastEvaluatedKey, and that item may be one it then drops.

moto then checks the conditions again and sorts the candidates itself, so every
page, LastEvaluatedKey and count is the one it gave before (the tests compare
the two). Conditions are checked with moto's own comparison functions on the raw
strings, which is what moto compares for strings. A query this cannot answer
exactly (keys that are not strings, several range conditions) gets moto's own
candidates. Scans still see every item, sorted.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.comparisons import get_comparison_func
from moto.dynamodb.models.table import Table

from infra.local import moto_index
from infra.local.moto_index import stored

_query = threading.local()
_MARK = "_keepslot_partition_query"
_UPPER_BOUNDS_ONLY = {"<", "<=", "LT", "LE"}  # every other key condition has a lower bound


def _index_candidates(
    table: Table, index_name: str, hash_conditions: Any, range_conditions: Any
) -> list[Any] | None:
    """The items moto needs to see to answer this index query, or None: let moto walk."""
    index = moto_index.sorted_index(table, index_name)
    if not index.complete or not hash_conditions or len(hash_conditions) != 1:
        return None
    ((hash_name, hash_value),) = hash_conditions
    if hash_name != index.hash_keys[0] or hash_value.type != "S":
        return None
    start, end = index.group(hash_value.value)
    entries = index.entries
    if not range_conditions:
        return _items(table, entries[start:end])
    if len(range_conditions) != 1 or not index.range_keys:
        return None
    name, comparison, operands = range_conditions[0]
    if name != index.range_keys[0] or any(o.type != "S" for o in operands):
        return None
    meets = get_comparison_func(comparison)
    raw = [o.value for o in operands]
    first = start
    if comparison not in _UPPER_BOUNDS_ONLY:
        first = _lower_bound(entries, start, end, hash_value.value, raw[0])
    while first < end and not meets(entries[first][0][1], *raw):
        first += 1
    last = first
    while last < end and meets(entries[last][0][1], *raw):
        last += 1
    if first == last:
        return []  # nothing matches: no page, and no LastEvaluatedKey either
    around = entries[max(start, first - 1) : first] + entries[last : min(end, last + 1)]
    return _items(table, entries[first:last] + around)


def _lower_bound(entries: list[Any], start: int, end: int, hash_value: str, low: str) -> int:
    return bisect.bisect_left(entries, (hash_value, low), lo=start, hi=end, key=lambda e: e[0][:2])


def _items(table: Table, entries: list[Any]) -> list[Any]:
    found = (stored(table, hash_key, range_key) for _, hash_key, range_key in entries)
    return [item for item in found if item is not None]


def _items_for_query(original: Callable[[Table], list[Any]]) -> Callable[[Table], list[Any]]:
    def all_items(self: Table) -> list[Any]:
        scope = getattr(_query, "scope", None)
        if scope is None or scope[0] is not self:
            return original(self)
        _, hash_key, candidates = scope
        if candidates is not None:
            return list(candidates)
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
        candidates = None
        if index_name is not None and index_name in {i.name for i in self.all_indexes()}:
            candidates = _index_candidates(
                self,
                index_name,
                kwargs.get("hash_key_conditions"),
                kwargs.get("range_key_conditions"),
            )
        outer = getattr(_query, "scope", None)
        _query.scope = (self, hash_key if index_name is None else None, candidates)
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
    moto_index.install()
    if getattr(Table.query, _MARK, False):
        return
    Table.all_items = _items_for_query(Table.all_items)  # type: ignore[method-assign,assignment]
    Table.query = _one_partition(Table.query)  # type: ignore[method-assign]


def installed() -> bool:
    return bool(getattr(Table.query, _MARK, False))
