"""moto's DynamoDB items, not kept alive once the table lets them go.

moto 5.2.5 appends every model object it makes to its class's `instances_tracked`
list (moto/core/common_models.py), for its dashboard's dump of all state. For an
`Item` that means every item ever written, every rollback copy and every query's
projection stays in memory for as long as the server runs: about seventy items per
booking and cancel, most of the local stack's growth. Nothing in keepslot reads that
dashboard, so the local stack's `Item` class keeps no such list.
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models.dynamo_type import Item


class _Forgets(list[Any]):
    """A list that never holds what is appended to it."""

    def append(self, _: Any) -> None:
        return None


def install() -> None:
    """Stop tracking new DynamoDB items in this process (idempotent)."""
    if not isinstance(Item.instances_tracked, _Forgets):  # type: ignore[attr-defined]
        Item.instances_tracked = _Forgets()  # type: ignore[attr-defined]
