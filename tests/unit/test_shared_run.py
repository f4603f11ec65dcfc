"""The local stack's run after each request, shared by requests that end together
(infra/local/shared_run.py): fewer runs, and each request still sees one that began
after it ended."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from infra.local.shared_run import SharedRun


def test_requests_ending_together_share_runs_and_each_waits_for_one_begun_after_it() -> None:
    runs: list[tuple[float, float]] = []

    def job() -> None:
        began = time.monotonic()
        time.sleep(0.05)
        runs.append((began, time.monotonic()))

    shared = SharedRun(job)
    gate = threading.Barrier(20)

    def request(_: int) -> tuple[float, float]:
        gate.wait()
        asked = time.monotonic()
        shared.serve(shared.ask())
        return asked, time.monotonic()

    with ThreadPoolExecutor(max_workers=20) as pool:
        calls = list(pool.map(request, range(20)))
    assert len(runs) <= 3, runs  # not twenty
    for asked, returned in calls:
        assert any(asked <= began and ended <= returned for began, ended in runs), (asked, runs)


def test_a_run_that_fails_raises_and_the_next_caller_runs_again() -> None:
    outcomes = iter([RuntimeError("job failed"), None])
    ran = []

    def job() -> None:
        ran.append(1)
        failure = next(outcomes)
        if failure is not None:
            raise failure

    shared = SharedRun(job)
    with pytest.raises(RuntimeError, match="job failed"):
        shared.serve(shared.ask())
    shared.serve(shared.ask())
    assert len(ran) == 2


def test_a_later_reader_waits_for_the_run_owed_to_an_earlier_request() -> None:
    done: list[str] = []
    shared = SharedRun(lambda: done.append("ran"))
    shared.ask()  # a request answered; its run not begun (its response is still going out)
    shared.settled()  # the outbox is read: the owed run happens first
    assert done == ["ran"]
    shared.settled()  # nothing owed: no second run
    assert done == ["ran"]


def test_a_ticket_served_after_a_reader_ran_its_run_does_not_run_again() -> None:
    done: list[str] = []
    shared = SharedRun(lambda: done.append("ran"))
    ticket = shared.ask()
    shared.settled()
    shared.serve(ticket)  # the request's own thread, once its response is sent
    assert done == ["ran"]
