"""localstripe (a stateful fake Stripe, PyPI) in this process, on loopback only.

Its own `localstripe --port N` binds every interface ('::'), so it is run here
through its aiohttp app on 127.0.0.1, in a thread with its own event loop. Its
habit of pickling the whole store to /tmp/localstripe.pickle after every write
is switched off: the state lives in memory, like moto's.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import requests

SECRET_KEY = "sk_test_keepslot_local"
PUBLISHABLE_KEY = "pk_test_keepslot_local"
WEBHOOK_SECRET = "whsec_keepslot_local"


class LocalStripe:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalStripe:
        from aiohttp import web
        from localstripe import server
        from localstripe.resources import store

        store.dump_to_disk = lambda: None
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failed: list[BaseException] = []

        async def serve() -> None:
            self._runner = web.AppRunner(server.app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, self.port)
            await site.start()
            self.port = int(self._runner.addresses[0][1])

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(serve())
            except BaseException as err:  # surfaced to start()'s caller
                failed.append(err)
                ready.set()
                return
            ready.set()
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="localstripe", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failed:
            raise RuntimeError(f"localstripe did not start: {failed[0]!r}") from failed[0]
        return self

    def register_webhook(
        self, name: str, url: str, secret: str = WEBHOOK_SECRET, events: list[str] | None = None
    ) -> None:
        """Point localstripe's event deliveries at `url`, signed with `secret`."""
        body: dict[str, Any] = {"url": url, "secret": secret}
        if events is not None:
            body["events"] = events
        r = requests.post(f"{self.url}/_config/webhooks/{name}", json=body, timeout=10)
        r.raise_for_status()

    def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
