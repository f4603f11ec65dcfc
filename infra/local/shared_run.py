"""One run of a job shared by every caller that asked for it while another ran.

After an API request that wrote (or once a minute), the local stack runs the clock and
the dispatcher, as the table's stream and the scheduler do in AWS
(infra/local/gateway.py). The response goes out first (as in AWS,
where the API never waits for the stream); the run follows at once, and any later
request that could see its effects (an API call, the outbox, the dev clock) waits
for every run owed so far. So a test or a browser that reads the outbox right after
a booking still finds the booking's mail.

A run started after a request finished covers it; a run already under way may not.
So when a hundred requests end at once, the first starts a run, the others wait for
the next one and return together when it is done, instead of queueing a hundred
runs that each find nothing new.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class SharedRun:
    def __init__(self, job: Callable[[], object]) -> None:
        self._job = job
        self._state = threading.Lock()
        self._running = threading.Lock()  # one run at a time
        self._asked = 0  # tickets handed out so far
        self._covered = 0  # every ticket up to this one has had a run begun after it

    def ask(self) -> int:
        """A ticket for a run that must begin after now; `serve` it later."""
        with self._state:
            self._asked += 1
            return self._asked

    def serve(self, ticket: int) -> None:
        """Return once a run that began after `ticket` was asked has finished (run it if
        need be). A run that fails raises in the caller that ran it; the others run it
        again."""
        with self._running:
            with self._state:
                if self._covered >= ticket:
                    return
                covers = self._asked
            self._job()
            with self._state:
                self._covered = covers

    def settled(self) -> None:
        """Return once every ticket asked so far is served (serving them if need be)."""
        with self._state:
            owed = self._asked
        self.serve(owed)
