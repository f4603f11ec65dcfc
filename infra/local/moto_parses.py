"""moto's parse of an expression, made once per distinct expression.

moto 5.2.5 parses each action's ConditionExpression when it validates a
TransactWriteItems request, again when it writes, and the condition precheck
(infra/local/moto_precheck.py) a third time; it parses each UpdateExpression in its
request validation too. A booking's transaction has dozens of actions whose
expressions repeat from one booking to the next (`attribute_not_exists(PK)` on every
lock cell), and a hundred clients racing for one slot send the same ones a hundred
times. Parsing was the largest part of moto's time for such a request.

A parsed condition is only read when it is evaluated (`Op.expr(item)`), so one parse
serves every call with the same expression, names and values. The update expression
trees the request validation makes are only searched (`find_clauses`); the write
itself still parses its own, which moto's validator then rewrites in place. Both
memos are bounded: a long-running stack with ever-new values does not grow.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import moto.backends
from moto.dynamodb import responses
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

_MARK = "_keepslot_memo"
_MISSING = object()
SIZE = 1024  # distinct expressions kept; a booking's transaction has about thirty


class Memo:
    """The last SIZE answers of a pure function, by key (safe across threads: tests run
    moto in-process, where calls are not serialised)."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._answers: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            answer = self._answers.get(key, _MISSING)
            if answer is not _MISSING:
                self._answers.move_to_end(key)
                return answer
        answer = make()  # an error is raised, not remembered
        with self._lock:
            self._answers[key] = answer
            if len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._answers)


conditions = Memo()
updates = Memo()


def _condition_key(parser: ConditionExpressionParser) -> tuple[str | None, str, str]:
    return (
        parser.condition_expression,
        # Plain JSON-made dicts: equal reprs mean equal contents (another order only
        # misses the memo), and repr is several times cheaper than json.dumps.
        repr(parser.expression_attribute_names),
        repr(parser.expression_attribute_values),
    )


def _memo_parse(original: Callable[[ConditionExpressionParser], Any]) -> Callable[..., Any]:
    def parse(self: ConditionExpressionParser) -> Any:
        def fresh() -> tuple[Any, list[str], list[str]]:
            # The tree keeps the values it was given: parse a copy, so that a later write
            # that changes this request's sets in place cannot change what it compares.
            own = ConditionExpressionParser(
                self.condition_expression,
                copy.deepcopy(self.expression_attribute_names),
                copy.deepcopy(self.expression_attribute_values),
            )
            tree = original(own)
            return tree, list(own.expr_attr_names_found), list(own.expr_attr_values_found)

        tree, names, values = conditions.get(_condition_key(self), fresh)
        # Callers read what the parse found (the request validation checks every name
        # given is used): each gets its own copy.
        self.expr_attr_names_found = list(names)
        self.expr_attr_values_found = list(values)
        return tree

    setattr(parse, _MARK, True)
    parse.__wrapped__ = original  # type: ignore[attr-defined]
    return parse


class _SearchedUpdates:
    """What moto's request validation calls `UpdateExpressionParser`: same trees,
    parsed once, only ever searched there."""

    @staticmethod
    def make(expression: str) -> Any:
        return updates.get(expression, lambda: UpdateExpressionParser.make(expression))


_MODULES: tuple[str, ...] = ()


def _moto_modules() -> tuple[str, ...]:
    """moto's service folders: its server lists the package's folder on every request
    to tell which service a host names; they do not change while it runs."""
    global _MODULES
    if not _MODULES:
        _MODULES = tuple(_LIST_MODULES())
    return _MODULES


_LIST_MODULES = moto.backends.list_of_moto_modules


def install() -> None:
    """Parse each distinct expression once, in this process (idempotent)."""
    if getattr(ConditionExpressionParser.parse, _MARK, False):
        return
    ConditionExpressionParser.parse = _memo_parse(ConditionExpressionParser.parse)  # type: ignore[method-assign]
    responses.UpdateExpressionParser = _SearchedUpdates  # type: ignore[attr-defined]
    moto.backends.list_of_moto_modules = _moto_modules
