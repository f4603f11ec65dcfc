"""Money is conserved through any sequence of bookings, payments, changes and time passing.

The state machine and what it checks after every step: tests/unit/money_machine.py.
`make bench` runs a longer profile of the same machine (bench/money.py). Marked slow:
hundreds of sequences take seconds, so `make test` runs it and `make test-fast` does not.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.unit.money_machine import STEPS, MoneyMachine

EXAMPLES = 200
pytestmark = pytest.mark.slow

TestMoneyIsConservedThroughAnySequenceOfSteps = MoneyMachine.TestCase  # a new class per access
TestMoneyIsConservedThroughAnySequenceOfSteps.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
