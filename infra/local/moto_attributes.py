"""moto's DynamoDB requests and answers, with each item's plain attributes taken as
they are.

moto 5.2.5 reads every request and writes every response through generic code that
walks the service model: for each attribute of each item it tries the ten members an
AttributeValue may have (S, N, B, SS, …), looking each up under two spellings. A
booking's transaction names about thirty items, and a query that returns a booking's
partition holds thousands of attributes: those walks were the largest part of the
local stack's time after the expressions' parsing (infra/local/moto_parses.py).

On the wire and in the backend, items are in DynamoDB's JSON form (`{"S": "…"}`,
`{"M": {…}}`). For a string, number, boolean, null, set of strings or numbers, map or
list, that form is exactly what moto's parser reads and its serializer writes. So an
attribute value made only of those is copied as it is; anything else (a binary value,
which moto base64-decodes and encodes) still goes through moto's own code. Tests
compare both ways on every kind, nested or not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.parse import BaseJSONParser
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


def _reading_plain_attributes(original: Callable[..., Any]) -> Callable[..., Any]:
    def _parse_structure(self: BaseJSONParser, shape: Any, value: Any) -> Any:
        if shape.name == "AttributeValue":
            copied = plain(value)
            if copied is not NOT_PLAIN:
                return copied
        return original(self, shape, value)

    setattr(_parse_structure, _MARK, True)
    _parse_structure.__wrapped__ = original  # type: ignore[attr-defined]
    return _parse_structure


def install() -> None:
    """Read and write plain attribute values as they are, in this process (idempotent)."""
    if not getattr(BaseJSONSerializer._serialize_type_structure, _MARK, False):
        BaseJSONSerializer._serialize_type_structure = _with_plain_attributes(  # type: ignore[method-assign]
            BaseJSONSerializer._serialize_type_structure
        )
    if not getattr(BaseJSONParser._parse_structure, _MARK, False):
        BaseJSONParser._parse_structure = _reading_plain_attributes(  # type: ignore[method-assign]
            BaseJSONParser._parse_structure
        )
