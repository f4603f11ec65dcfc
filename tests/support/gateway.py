"""The dev gateway (infra/local/gateway.py) on stand-in functions, for tests of what the
gateway itself does: a one-page site, the dev clock, and an outbox over `sent`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra.local.clock import DevClock
from infra.local.gateway import Gateway
from infra.local.lambdas import Functions, Handler
from infra.local.outbox import Outbox
from infra.local.static import StaticSite


def dev_gateway(
    site: Path,
    clock: DevClock,
    api: Handler,
    tick: Handler,
    sent: Callable[[], list[Any]] = list,
    writes: Callable[[], int] | None = None,
) -> Gateway:
    (site / "index.html").write_text("<h1>home</h1>")
    outbox = Outbox(sent, clock.now)
    return Gateway(StaticSite(site), Functions(clock, api, tick), clock, outbox, writes=writes)
