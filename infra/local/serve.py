"""`make serve`: the whole app on http://127.0.0.1:PORT, AWS played by moto.

    python -m infra.local.serve --port 8000 [--config keepslot.yaml] [--site build/site]

Binds loopback only. Everything lives in memory: stopping the stack forgets
every booking and email. The site must have been built from the config it
serves (`make serve CONFIG=path` builds it so): a policy page written from
another config would show clients rules the functions do not enforce.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import boto3
from werkzeug.serving import BaseWSGIServer, make_server

from infra.local import environment, localstripe
from infra.local.clock import DevClock, iso
from infra.local.dev_calendar import CALENDAR_ID as DEV_CALENDAR
from infra.local.dev_calendar import PATH as DEV_CALENDAR_PATH
from infra.local.dev_calendar import with_dev_calendar
from infra.local.gateway import Gateway, GatewayRequestHandler
from infra.local.lambdas import load_functions
from infra.local.moto_server import MotoServer, ses_sent_messages
from infra.local.outbox import Outbox
from infra.local.provision import provision
from infra.local.static import StaticSite
from keepslot.cli.local_stack import STACK_FILE, LocalStack, forget

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

HOST = "127.0.0.1"


class _Stop(Exception):
    """SIGTERM during startup, turned into an exception so the servers shut down in order."""


class _OnSigterm:
    """Stop in order on SIGTERM. During startup, by raising _Stop. Once serving, by asking
    the server to stop from another thread: an exception raised there could land inside
    the server's handling of a connection, which catches it, prints it and serves on."""

    def __init__(self, server: BaseWSGIServer) -> None:
        self._server = server
        self.serving = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.serving:
            raise _Stop
        threading.Thread(target=self._server.shutdown, daemon=True).start()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infra.local.serve", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="gateway port (default 8000)")
    parser.add_argument("--config", type=Path, default=Path("keepslot.yaml"))
    parser.add_argument(
        "--site", type=Path, default=Path("build/site"), help="the built site (make site)"
    )
    parser.add_argument(
        "--stack-file",
        type=Path,
        default=STACK_FILE,
        help=f"where to tell the `keepslot` CLI this stack's address (default {STACK_FILE})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if not (args.site / "index.html").is_file():
        print(
            f"keepslot: no built site at {args.site}/index.html.\n"
            "  `make serve` builds it first; or run `make site`.",
            file=sys.stderr,
        )
        return 2

    from infra.site_hooks import site_built_from
    from keepslot.config.model import ConfigError, load_config

    workdir = Path(tempfile.mkdtemp(prefix="keepslot-serve-"))
    try:
        config = load_config(args.config)
        # The functions run with the calendar `dev` added; the file itself is not touched.
        run_config = with_dev_calendar(args.config, workdir)
        load_config(run_config)
    except (ConfigError, OSError) as err:
        print(f"keepslot: cannot use {args.config}: {err}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
        return 2
    if not site_built_from(args.site, args.config):
        print(
            f"keepslot: the site in {args.site} was not built from {args.config}: its policy\n"
            "  page would show other rules than the ones the functions enforce.\n"
            f"  `make serve CONFIG={args.config}` builds the site from that config and serves it.",
            file=sys.stderr,
        )
        return 2

    # Bound first: a busy port fails at once (werkzeug says so and exits 1), and
    # --port 0 learns its number before SITE_URL is set. Requests wait in the
    # backlog until the gateway serves.
    server = make_server(
        HOST, args.port, _starting, threaded=True, request_handler=GatewayRequestHandler
    )
    on_sigterm = _OnSigterm(server)
    signal.signal(signal.SIGTERM, on_sigterm)
    site_url = f"http://{HOST}:{server.server_port}"
    clock = DevClock()
    stack: LocalStack | None = None
    moto = MotoServer(HOST)
    stripe = localstripe.LocalStripe(HOST)
    try:
        moto.start()
        dev_stripe = _start_stripe(stripe, site_url) if config.payments.mode == "stripe" else None
        # Before any boto3 client or keepslot.bootstrap exists: both read it.
        environment.apply(
            environment.local_environment(
                moto_url=moto.url,
                site_url=site_url,
                config_path=run_config,
                stripe_api_base=stripe.url if dev_stripe else None,
                stripe_publishable_key=localstripe.PUBLISHABLE_KEY if dev_stripe else "",
            )
        )
        feed_token = provision(
            config,
            environment.TABLE_NAME,
            environment.TOKEN_KEY_PARAM,
            {
                environment.STRIPE_SECRET_PARAM: localstripe.SECRET_KEY,
                environment.STRIPE_WEBHOOK_PARAM: localstripe.WEBHOOK_SECRET,
            }
            if dev_stripe
            else None,
            feed_token_param=environment.FEED_TOKEN_PARAM,
        )
        boto3.client("ssm").put_parameter(  # what `keepslot calendar set dev` would store
            Name=f"{environment.CALENDAR_PARAM_PREFIX}{DEV_CALENDAR}",
            Value=f"{site_url}{DEV_CALENDAR_PATH}",
            Type="SecureString",
            Overwrite=True,
        )
        functions = load_functions(clock)
        outbox = Outbox(lambda: moto.read(lambda: ses_sent_messages(environment.REGION)), clock.now)
        server.app = Gateway(
            StaticSite(args.site), functions, clock, outbox, dev_stripe, writes=moto.writes
        )
        # For `keepslot` in another terminal: moto's port changes at every start.
        stack = LocalStack(moto.url, site_url, environment.TABLE_NAME, str(args.config.resolve()))
        stack.write(args.stack_file)
        _banner(site_url, moto.url, args, clock, f"{site_url}/api/feed.ics?token={feed_token}")
        if dev_stripe:
            print(f"  stripe   localstripe at {stripe.url} (test card 4242 4242 4242 4242)")
        # What startup made (modules, botocore's and moto's models, the app) lives as long
        # as the process: the collector need not walk it again on each full collection,
        # which otherwise stalls whichever request triggers one.
        gc.collect()
        gc.freeze()
        on_sigterm.serving = True
        server.serve_forever()  # returns on Ctrl-C (werkzeug swallows it) and on SIGTERM
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        print("\nkeepslot: stopping.", flush=True)
        if stack is not None:
            forget(args.stack_file, stack)
        server.server_close()
        moto.stop()
        stripe.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _start_stripe(stripe: localstripe.LocalStripe, site_url: str) -> dict[str, str]:
    """localstripe on loopback, its webhook pointed at the gateway, signed with a secret."""
    stripe.start()
    stripe.register_webhook("keepslot", f"{site_url}/api/payments/stripe")
    return {"api_base": stripe.url, "publishable_key": localstripe.PUBLISHABLE_KEY}


def _starting(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Never called: the gateway replaces it before the server serves."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


def _banner(
    site_url: str, moto_url: str, args: argparse.Namespace, clock: DevClock, feed_url: str
) -> None:
    print(
        f"""keepslot is running at {site_url}/
  site     {site_url}/  (from {args.site})
  api      {site_url}/api/config
  outbox   {site_url}/_dev/outbox.html  (JSON: /_dev/outbox): every email sent
  clock    {site_url}/_dev/clock  (now {iso(clock.now())}); move it forward with
           POST {{"advance_minutes": n}} or {{"now": "<iso>"}}
  calendar {site_url}{DEV_CALENDAR_PATH}: PUT an .ics there and its events are busy
  feed     {feed_url}
           (your bookings, for your own calendar app: README, "Your bookings in your calendar")
  aws      moto at {moto_url} (in memory: stopping forgets everything)
  cli      `keepslot bookings` in another terminal finds this stack ({args.stack_file})
  config   {args.config.resolve()}
Ctrl-C to stop.""",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
