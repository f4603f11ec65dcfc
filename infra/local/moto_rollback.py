"""moto's TransactWriteItems, rolled back from copies of the items it touches.

moto 5.2.5's `DynamoDBBackend.transact_write_items` deep-copies each table a
transaction names, once per action, before running it, and restores those
copies when an action fails. The copy covers every item (and, with a stream,
every stream record): each booking would copy the whole history of the table
about twenty times, and the local stack would slow down with every booking.

`install()` keeps moto's own transaction code (conditions, errors, the order of
the actions) and changes only its rollback copy:

1. before the transaction runs, the items its actions name are copied (one
   deep copy each, `None` for an item that does not exist yet);
2. moto runs it with its whole-table copy turned off: `copy.deepcopy` of a
   `Table` returns the table itself while a transaction runs, so moto's own
   "restore" puts the same table back and changes nothing;
3. if moto raises, each named item is put back as it was (or removed again).

A transaction can only change the items its actions name, so restoring those
leaves every item as it was. Items written by other calls are never touched:
nothing but the transaction's own items is copied or restored. Calls into moto
must still run one at a time (infra/local/moto_server.py's lock): moto's
backend is not thread-safe, with or without this.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

from infra.local import moto_precheck
from infra.local.moto_index import refresh_item, stored

_running = threading.local()
_MARK = "_keepslot_item_rollback"


class _TableCopyOff:
    """What `moto.dynamodb.models` sees as its `copy` module once installed: the real
    one, except that a Table is not deep-copied while a transaction runs here."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(x: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(x, Table) and getattr(_running, "transaction", False):
            return x
        return copy.deepcopy(x, memo)


@dataclass(frozen=True)
class _Saved:
    """One item a transaction names, as it was before it ran (`item` None: absent)."""

    table: Table
    hash_key: Any
    range_key: Any
    item: Any

    def restore(self) -> None:
        items = self.table.items
        if self.range_key is None:
            if self.item is None:
                items.pop(self.hash_key, None)
            else:
                items[self.hash_key] = self.item
        elif self.item is not None:
            items[self.hash_key][self.range_key] = self.item
        elif (bucket := items.get(self.hash_key)) is not None:
            bucket.pop(self.range_key, None)
            if not bucket:
                del items[self.hash_key]
        refresh_item(self.table, self.hash_key, self.range_key)  # its index entries too


def _saved_items(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[_Saved]:
    saved: dict[tuple[int, Any, Any], _Saved] = {}
    for action in transact_items:
        for op_type, op in action.items():
            found = _item_key(backend, op_type, op)
            if found is None:
                continue  # moto rejects it before anything is written
            table, hash_key, range_key = found
            slot = (id(table), hash_key, range_key)
            if slot not in saved:  # the first copy is the state before the transaction
                saved[slot] = _Saved(
                    table, hash_key, range_key, copy.deepcopy(stored(table, hash_key, range_key))
                )
    return list(saved.values())


def _item_key(
    backend: DynamoDBBackend, op_type: str, op: dict[str, Any]
) -> tuple[Table, Any, Any] | None:
    table = backend.tables.get(op.get("TableName", ""))
    if table is None:
        return None
    attrs = op.get("Item") if op_type == "Put" else op.get("Key")
    if not isinstance(attrs, dict):
        return None
    try:
        hash_key, range_key = backend.get_keys_value(table, attrs)
    except Exception:
        return None  # a malformed key: moto raises its own error for it
    return table, hash_key, range_key


@contextmanager
def _table_copy_off() -> Iterator[None]:
    _running.transaction = True
    try:
        yield
    finally:
        _running.transaction = False


def _with_item_rollback(
    original: Callable[[DynamoDBBackend, list[dict[str, Any]]], None],
) -> Callable[[DynamoDBBackend, list[dict[str, Any]]], None]:
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = _saved_items(self, transact_items)
        try:
            with _table_copy_off():
                original(self, transact_items)
        except BaseException:
            for item in saved:
                item.restore()
            raise

    setattr(transact_write_items, _MARK, True)
    transact_write_items.__wrapped__ = original  # type: ignore[attr-defined]
    return transact_write_items


def install() -> None:
    """Swap moto's rollback for the per-item one in this process (idempotent)."""
    current = DynamoDBBackend.transact_write_items
    if installed():
        return
    dynamodb_models.copy = _TableCopyOff()  # type: ignore[attr-defined,assignment]
    DynamoDBBackend.transact_write_items = _with_item_rollback(current)  # type: ignore[method-assign,assignment]
    moto_precheck.install()  # outermost: a failing condition refuses before any copy or write


def installed() -> bool:
    """True when the per-item rollback is among the wrappers of moto's transaction."""
    layer: Any = DynamoDBBackend.transact_write_items
    while layer is not None:
        if getattr(layer, _MARK, False):
            return True
        layer = getattr(layer, "__wrapped__", None)
    return False
