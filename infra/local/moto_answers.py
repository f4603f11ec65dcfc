"""moto's DynamoDB answers, with each item's attributes written as they already are.

moto 5.2.5 writes every response through a generic serializer that walks the service
model: for each attribute of each item it tries the ten members an AttributeValue may
have (S, N, B, SS, …), each under two spellings. A query that returns a booking's
partition walks thousands of them, and that walk was the largest part of the local
stack's time for the clock's runs.

The backend's items are already in DynamoDB's JSON form (`{"S": "…"}`, `{"M": {…}}`),
which is what the serializer ends up writing for a string, number, boolean, null, set
of strings or numbers, map or list. So an attribute value made only of those is
copied as it is; anything else (a binary value, which the serializer base64-encodes)
still goes through moto's own code. A test compares both ways on every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.serialize import BaseJSONSerializer

_MARK = "_keepslot_plain_attributes"
NOT_PLAIN = object()
_SCALARS = {"S": str, "N": str, "BOOL": bool, "NULL": bool}
_SETS = {"SS", "NS"}


def plain(value: Any) -> Any:
    """A copy of the AttributeValue `value` as the serializer would write it, or
    NOT_PLAIN when it holds anything the serializer changes (or might)."""
    if not isinstance(value, dict) or len(value) != 1:
        return NOT_PLAIN
    ((kind, inner),) = value.items()
    if kind in _SCALARS:
        return {kind: inner} if isinstance(inner, _SCALARS[kind]) else NOT_PLAIN
    if kind in _SETS:
        ok = isinstance(inner, list) and all(isinstance(v, str) for v in inner)
        return {kind: list(inner)} if ok else NOT_PLAIN
    if kind == "M" and isinstance(inner, dict):
        # moto writes a member named "" into the map around it: leave that to moto.
        members = {k: plain(v) for k, v in inner.items() if isinstance(k, str) and k}
        ok = len(members) == len(inner) and NOT_PLAIN not in members.values()
        return {"M": members} if ok else NOT_PLAIN
    if kind == "L" and isinstance(inner, list):
        items = [plain(v) for v in inner]
        return {"L": items} if not any(v is NOT_PLAIN for v in items) else NOT_PLAIN
    return NOT_PLAIN


def _with_plain_attributes(original: Callable[..., None]) -> Callable[..., None]:
    def _serialize_type_structure(
        self: BaseJSONSerializer, serialized: Any, value: Any, shape: Any, key: str
    ) -> None:
        if key and shape.name == "AttributeValue":
            copied = plain(value)
            if copied is not NOT_PLAIN:
                serialized[self.get_serialized_name(shape, key)] = copied
                return
        original(self, serialized, value, shape, key)

    setattr(_serialize_type_structure, _MARK, True)
    _serialize_type_structure.__wrapped__ = original  # type: ignore[attr-defined]
    return _serialize_type_structure


def install() -> None:
    """Write plain attribute values as they are, in this process (idempotent)."""
    current = BaseJSONSerializer._serialize_type_structure
    if getattr(current, _MARK, False):
        return
    BaseJSONSerializer._serialize_type_structure = _with_plain_attributes(current)  # type: ignore[method-assign]
