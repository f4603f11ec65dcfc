"""`make bench`: the money state machine's longer profile (tests/unit/money_machine.py).

Runs many more random sequences than `make test` does and reports how many ran, how
many steps they took and how long: money was conserved at every one of those steps,
or this raises with the failing sequence.
"""

from __future__ import annotations

import time
from typing import Any


def measure(examples: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import invariant, run_state_machine_as_test

    from tests.unit.money_machine import STEPS, MoneyMachine

    ran = {"sequences": 0, "steps": 0}

    class Counted(MoneyMachine):
        def __init__(self) -> None:
            super().__init__()
            ran["sequences"] += 1

        @invariant()
        def counted(self) -> None:
            ran["steps"] += 1  # once after the start, then once after every step

    start = time.perf_counter()
    run_state_machine_as_test(
        Counted,
        settings=settings(
            max_examples=examples,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    seconds = time.perf_counter() - start
    return {"examples": examples, **ran, "seconds": round(seconds, 1)}
