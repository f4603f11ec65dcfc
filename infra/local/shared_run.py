"""One run of a job shared by every caller that asked for it while another ran.

After each API request the local stack runs the clock and the dispatcher, so the
mail that request caused is in the outbox when it returns. A run started after a
request finished covers it; a run already under way may not. So when a hundred
requests end at once, the first starts a run, the others wait for the next one
and return together when it is done, instead of queueing a hundred runs that
each find nothing new.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class SharedRun:
    def __init__(self, job: Callable[[], object]) -> None:
        self._job = job
        self._state = threading.Lock()
        self._running = threading.Lock()  # one run at a time
        self._asked = 0  # callers so far
        self._covered = 0  # every caller up to this one has had a run begun after it asked

    def __call__(self) -> None:
        """Return once a run that began after this call has finished (run it if need be).
        A run that fails raises in the caller that ran it; the others run it again."""
        with self._state:
            self._asked += 1
            mine = self._asked
        with self._running:
            with self._state:
                if self._covered >= mine:
                    return
                covers = self._asked
            self._job()
            with self._state:
                self._covered = covers
