"""The local stack behind `make serve`.

The first tests drive the gateway in-process with stand-in functions, to pin
the API Gateway v2 translation exactly; the rest start the real stack
(`python -m infra.local.serve`, moto and the real handlers) as a subprocess.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.test import Client

from infra.local.clock import DevClock
from infra.local.gateway import Gateway, GatewayRequestHandler
from infra.site_hooks import stamp_site
from tests.support.configs import FIXTURE, with_payments
from tests.support.gateway import dev_gateway
from tests.support.stack import ROOT, LocalStack

pytestmark = pytest.mark.slow

# -- in-process: the gateway around stand-in functions -------------------------


class Recorder:
    """Stands in for the functions: records events, answers `reply`, may send mail."""

    def __init__(self, reply: Any = None) -> None:
        self.reply = reply or {"statusCode": 200, "headers": {}, "body": ""}
        self.events: list[dict[str, Any]] = []
        self.ticks: list[dict[str, Any]] = []
        self.sent: list[Any] = []  # what moto's SES would hold
        self.mail_on_tick: list[str] = []

    def api(self, event: dict[str, Any], context: Any) -> Any:
        assert context.get_remaining_time_in_millis() > 0
        self.events.append(event)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply

    def tick(self, event: dict[str, Any], context: Any) -> Any:
        self.ticks.append(event)
        for subject in self.mail_on_tick:
            self.sent.append(_raw_mail(f"m{len(self.sent)}", subject))
        self.mail_on_tick = []
        return {"jobs": 0, "sent": 0}


def _raw_mail(message_id: str, subject: str) -> SimpleNamespace:
    msg = EmailMessage()
    msg["From"] = "Giulia Rossi <prenotazioni@giuliarossi.it>"
    msg["To"] = "anna@example.com"
    msg["Subject"] = subject
    msg.set_content("Ciao Anna")
    msg.add_alternative("<p>Ciao <b>Anna</b></p>", subtype="html")
    msg.add_attachment(b"BEGIN:VCALENDAR", maintype="text", subtype="calendar", filename="a.ics")
    return SimpleNamespace(
        id=message_id, source="prenotazioni@giuliarossi.it", destinations=[], raw_data=str(msg)
    )


@pytest.fixture
def fake() -> Recorder:
    return Recorder()


@pytest.fixture
def gateway(fake: Recorder, dev_clock: DevClock, tmp_path: Path) -> Gateway:
    return dev_gateway(tmp_path, dev_clock, fake.api, fake.tick, sent=lambda: list(fake.sent))


@pytest.fixture
def client(gateway: Gateway) -> Client:
    return Client(gateway, use_cookies=False)  # cookies go through as the browser sent them


@pytest.fixture
def served(gateway: Gateway) -> Iterator[int]:
    """The gateway behind the real HTTP server `make serve` uses; its port."""
    server = make_server(
        "127.0.0.1", 0, gateway, threaded=True, request_handler=GatewayRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def test_api_request_becomes_a_v2_event(served: int, fake: Recorder) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=10)
    conn.putrequest("POST", "/api/bookings?service=a&service=b&q=%20x")
    body = json.dumps({"name": "Anna"}).encode()
    for name, value in [
        ("Content-Type", "application/json"),
        ("X-Two", "1"),
        ("X-Two", "2"),
        ("Cookie", "a=1; b=2"),
        ("Idempotency-Key", "k1"),
        ("Content-Length", str(len(body))),
    ]:
        conn.putheader(name, value)
    conn.endheaders(body)
    assert conn.getresponse().status == 200
    conn.close()
    (event,) = fake.events
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["rawPath"] == "/api/bookings"
    assert event["rawQueryString"] == "service=a&service=b&q=%20x"
    assert event["queryStringParameters"] == {"service": "a,b", "q": " x"}
    assert event["cookies"] == ["a=1", "b=2"]
    headers = event["headers"]
    assert "cookie" not in headers and headers["x-two"] == "1,2"
    assert headers["idempotency-key"] == "k1" and headers["content-type"] == "application/json"
    assert event["body"] == '{"name": "Anna"}' and event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["http"]["method"] == "POST" and ctx["http"]["path"] == "/api/bookings"
    assert ctx["stage"] == "$default" and ctx["requestId"]
    assert "pathParameters" not in event


def test_binary_body_reaches_the_handler_base64_encoded(client: Client, fake: Recorder) -> None:
    client.post("/api/payments/stripe", data=b"\x00\xff", content_type="application/octet-stream")
    assert fake.events[0]["isBase64Encoded"] is True
    assert base64.b64decode(fake.events[0]["body"]) == b"\x00\xff"


def test_handler_result_becomes_the_http_reply(client: Client, fake: Recorder) -> None:
    fake.reply = {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"X-Many": ["a", "b"]},
        "cookies": ["s=1; Path=/", "t=2"],
        "body": base64.b64encode(b'{"ok": true}').decode(),
        "isBase64Encoded": True,
    }
    r = client.get("/api/config")
    assert r.status_code == 201
    assert r.get_json() == {"ok": True}
    assert r.headers.getlist("X-Many") == ["a", "b"]
    assert r.headers.getlist("Set-Cookie") == ["s=1; Path=/", "t=2"]


def test_handler_crash_is_api_gateway_s_500(client: Client, fake: Recorder) -> None:
    fake.reply = RuntimeError("boom")
    r = client.get("/api/config")
    assert r.status_code == 500
    assert r.get_json() == {"message": "Internal Server Error"}


def test_mail_a_request_causes_is_in_the_outbox_when_it_is_read(
    client: Client, fake: Recorder, dev_clock: DevClock
) -> None:
    fake.mail_on_tick = ["Prenotazione ricevuta"]
    client.post("/api/bookings", json={})
    (mail,) = client.get("/_dev/outbox").get_json()
    assert len(fake.ticks) == 1  # one run, owed to the booking, whoever ran it
    assert mail["to"] == ["anna@example.com"]
    assert mail["subject"] == "Prenotazione ricevuta"
    assert mail["text"].strip() == "Ciao Anna"
    assert mail["html"].strip() == "<p>Ciao <b>Anna</b></p>"
    assert mail["attachments"] == [{"filename": "a.ics", "content_type": "text/calendar"}]
    assert mail["sent_at"] <= dev_clock.now().isoformat().replace("+00:00", "Z")


def test_clock_move_runs_the_clock_function(client: Client, fake: Recorder) -> None:
    fake.mail_on_tick = ["Promemoria"]
    r = client.post("/_dev/clock", json={"advance_minutes": 60 * 24})
    assert r.status_code == 200
    assert len(fake.ticks) == 1
    assert [m["subject"] for m in client.get("/_dev/outbox").get_json()] == ["Promemoria"]


def test_outbox_page_escapes_everything(client: Client, fake: Recorder) -> None:
    fake.sent.append(_raw_mail("m0", "<script>alert(1)</script>"))
    page = client.get("/_dev/outbox.html").get_data(as_text=True)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_outbox_reads_one_address_or_only_the_newer_mail(client: Client, fake: Recorder) -> None:
    fake.sent.extend(_raw_mail(f"m{n}", f"Mail {n}") for n in range(3))
    to_marco = _raw_mail("m3", "Per Marco")
    to_marco.raw_data = to_marco.raw_data.replace("anna@example.com", "MARCO@example.com")
    fake.sent.append(to_marco)
    newer = client.get("/_dev/outbox?since=2").get_json()
    assert [m["subject"] for m in newer] == ["Mail 2", "Per Marco"]
    assert [m["subject"] for m in client.get("/_dev/outbox?to=marco@").get_json()] == ["Per Marco"]
    assert client.get("/_dev/outbox?since=-1").status_code == 422


def test_large_body_is_refused_before_the_handler(client: Client, fake: Recorder) -> None:
    r = client.post("/api/bookings", data=b"x" * (64 * 1024 + 1), content_type="application/json")
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "too_large"
    assert fake.events == []
    ok = client.post("/api/bookings", data=b"x" * (64 * 1024), content_type="application/json")
    assert ok.status_code == 200


def test_dev_clock_never_goes_back(dev_clock: DevClock) -> None:
    clock = dev_clock
    before = clock.now()
    assert clock.advance(timedelta(hours=2)) >= before + timedelta(hours=2)
    with pytest.raises(ValueError, match="never goes back"):
        clock.set(before)
    assert clock.now() >= before + timedelta(hours=2)


# -- the real stack, as a subprocess --------------------------------------------


@pytest.fixture(scope="module")
def offline_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return with_payments("offline", tmp_path_factory.mktemp("config"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, offline_config: Path) -> Path:
    """A hand-made site, stamped as built from `offline_config` (as `make site` would)."""
    root = tmp_path_factory.mktemp("site")
    (root / "book").mkdir()
    (root / "assets").mkdir()
    (root / "index.html").write_text("<!doctype html><title>keepslot</title><h1>Benvenuti</h1>")
    (root / "book" / "index.html").write_text("<!doctype html><h1>Prenota</h1>")
    (root / "404.html").write_text("<!doctype html><h1>Pagina non trovata</h1>")
    (root / "assets" / "app.js").write_text("console.log(1)")
    (root / "assets" / "site.css").write_text("body{}")
    stamp_site(root, offline_config)
    return root


@pytest.fixture(scope="module")
def stack(site: Path, offline_config: Path) -> Any:
    with LocalStack(config=offline_config, site=site) as s:
        yield s


def test_home_page_is_served(stack: LocalStack) -> None:
    r = stack.get("/")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert "Benvenuti" in r.text


def test_directory_pages_and_assets_are_served_with_their_types(stack: LocalStack) -> None:
    moved = stack.get("/book", allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/book/")
    assert "Prenota" in stack.get("/book/").text
    assert stack.get("/assets/app.js").headers["Content-Type"].startswith("text/javascript")
    assert stack.get("/assets/site.css").headers["Content-Type"].startswith("text/css")


def test_unknown_page_gets_the_sites_404_page(stack: LocalStack) -> None:
    r = stack.get("/no/such/page")
    assert r.status_code == 404
    assert "Pagina non trovata" in r.text


def test_nothing_outside_the_site_is_served(stack: LocalStack) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    conn.request("GET", "/../keepslot.yaml")  # sent as is: no client-side normalising
    assert conn.getresponse().status == 404
    conn.close()


def test_clock_moves_forward_and_answers_the_new_time(stack: LocalStack) -> None:
    before = stack.now()
    after = stack.advance(90)
    assert after >= before + timedelta(minutes=90)
    assert stack.now() >= after


def test_clock_refuses_to_go_back_with_422(stack: LocalStack) -> None:
    now = stack.now()
    r = stack.post("/_dev/clock", {"now": (now - timedelta(days=1)).isoformat()})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"
    assert stack.post("/_dev/clock", {"advance_minutes": -5}).status_code == 422
    assert stack.now() >= now


def test_body_over_64_kb_gets_413(stack: LocalStack) -> None:
    r = stack.post("/api/bookings", {"notes": "x" * 70 * 1024})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"


def test_stripe_route_is_404_in_offline_mode(stack: LocalStack) -> None:
    r = stack.get("/_dev/stripe")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_config_answers_200_json(stack: LocalStack) -> None:
    r = stack.get("/api/config")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["business"]["name"] == "Studio Giulia Rossi"


def test_a_booking_s_emails_are_in_the_outbox_when_it_returns(stack: LocalStack) -> None:
    r = stack.book(
        "conoscitiva",
        stack.first_slot("conoscitiva", days_ahead=1, days=13),
        mode="video",
        name="Anna Bianchi",
        email="anna@example.com",
        answers={"business": "Panificio", "goal": "Altro"},
    )
    assert r.status_code == 201, r.text
    [asked] = [m for m in stack.outbox() if "anna@example.com" in m["to"]]
    # A free call is confirmed from the client's email; then the freelancer hears of it.
    link = re.search(r"/manage/\?do=confirm#([A-Za-z0-9_.-]+)", asked["text"])
    assert link, asked["text"]
    done = stack.post("/api/manage/confirm", {}, headers={"Authorization": f"Bearer {link[1]}"})
    assert done.status_code == 200, done.text
    recipients = [addr for mail in stack.outbox() for addr in mail["to"]]
    assert "giulia@giuliarossi.it" in recipients


def test_fresh_stack_has_an_empty_outbox_and_stops_cleanly(
    site: Path, offline_config: Path
) -> None:
    s = LocalStack(config=offline_config, site=site).start()
    try:
        assert s.outbox() == []
        assert s.get("/_dev/outbox.html").status_code == 200
    finally:
        code = s.stop()
    assert code == 0, s.output()
    assert "stopping" in s.output()


def test_the_stack_stops_cleanly_while_requests_keep_arriving(
    site: Path, offline_config: Path
) -> None:
    """SIGTERM may land while the server is taking a new connection: the stack still
    stops in order, and at once, rather than serving on until it is killed."""
    s = LocalStack(config=offline_config, site=site).start()
    arriving = threading.Event()
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            try:
                requests.get(f"{s.url}/", timeout=2)
                arriving.set()
            except requests.RequestException:
                return  # the stack has stopped listening

    askers = [threading.Thread(target=keep_asking, daemon=True) for _ in range(8)]
    for asker in askers:
        asker.start()
    try:
        assert arriving.wait(timeout=10)
        time.sleep(0.5)  # the server busy taking connections
        began = time.monotonic()
        code = s.stop()
        took = time.monotonic() - began
    finally:
        done.set()
        for asker in askers:
            asker.join(timeout=5)
    assert code == 0, s.output()
    assert took < 5 and "stopping" in s.output()


def test_missing_site_is_reported_clearly(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "infra.local.serve",
            "--port",
            "0",
            "--config",
            str(FIXTURE),
            "--site",
            str(tmp_path / "x"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "make site" in r.stderr
