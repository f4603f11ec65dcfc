"""The functions, invoked the way Lambda invokes them: an event and a context.

One invocation at a time. Lambda runs each invocation in its own container;
in-process, the handlers share module state that is not thread-safe
(Powertools' resolver keeps the current event in a class attribute, and the
app creates boto3 clients lazily), so concurrent requests queue here, as they
would on a function with reserved concurrency 1.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.local.clock import DevClock
from infra.local.environment import ACCOUNT_ID, REGION

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that Powertools and handlers read."""

    function_name: str
    timeout_ms: int
    memory_limit_in_mb: int = 256
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    identity: Any = None
    client_context: Any = None
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_ms / 1000

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[{self.function_version}]{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def scheduled_event(clock: DevClock) -> dict[str, Any]:
    """What EventBridge Scheduler sends the clock function every minute."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT_ID,
        "time": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule/default/keepslot-clock"],
        "detail": {},
    }


class Functions:
    def __init__(
        self,
        clock: DevClock,
        api: Handler,
        tick: Handler,
        webhook: Handler | None = None,
        dispatcher: Handler | None = None,
    ) -> None:
        self._clock = clock
        self._api = api
        self._tick = tick
        self._dispatcher = dispatcher
        self._webhook = webhook
        self._lock = threading.Lock()

    def invoke_webhook(self, event: dict[str, Any]) -> Any:
        """POST /api/payments/stripe: its own function in AWS (without one, the API's)."""
        if self._webhook is None:
            return self.invoke_api(event)
        with self._lock:
            return self._webhook(event, LambdaContext("keepslot-webhook", timeout_ms=10_000))

    def invoke_api(self, event: dict[str, Any]) -> Any:
        with self._lock:
            return self._api(event, LambdaContext("keepslot-api", timeout_ms=10_000))

    def run_clock(self, calendars: bool = False) -> Any:
        """Every job now due, then pending mail: the scheduler's run, on demand.
        `calendars`: every calendar synced now, not only on the 5-minute marks."""
        event = scheduled_event(self._clock)
        if calendars:
            event["detail"] = {"sync_calendars": True}
        with self._lock:
            result = self._tick(event, LambdaContext("keepslot-clock", 60_000))
            if self._dispatcher is not None:
                # What the table's stream does in AWS: new outbox mail goes out at once.
                self._dispatcher({"Records": []}, LambdaContext("keepslot-dispatcher", 60_000))
            return result


def load_functions(clock: DevClock) -> Functions:
    """Import the real handlers and give the app the dev clock.

    Call only once the environment is set: keepslot.bootstrap reads it.
    """
    from keepslot import bootstrap

    bootstrap.use_clock(clock)
    from keepslot.handlers import api, dispatcher, webhook
    from keepslot.handlers import tick as clock_function

    return Functions(
        clock, api.handler, clock_function.handler, webhook.handler, dispatcher.handler
    )
