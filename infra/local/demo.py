"""`make demo`: a year of realistic history in the running local stack (`make serve`).

Everything goes through the real API, as clients and the freelancer would use it:
bookings, deposits (the card through the local Stripe, or a transfer the freelancer
confirms), "I'll be there" presses, early and late cancellations, no-shows, arrivals and
waiver requests, while the dev clock moves a year forward and runs every job on the
way. The dashboard then has a year to show, and today's agenda and "needs you" items.

    make serve          # one terminal
    make demo           # another: 2 bookings a week for 52 weeks, well under a minute

`--weeks` and `--per-week` make it shorter or fuller.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from keepslot.cli.local_stack import find

CLIENTS = [
    "Anna Bianchi", "Marco Verdi", "Sara Neri", "Luca Romano", "Giulia Costa", "Paolo Greco",
    "Elena Rizzo", "Davide Conti", "Chiara Gallo", "Matteo Fontana", "Francesca Moretti",
    "Andrea Marino", "Laura Ricci", "Stefano Bruno", "Valentina Colombo", "Simone Lombardi",
    "Marta Ferrari", "Alessio Barbieri", "Irene Mancini", "Federico Villa",
]  # fmt: skip
# A handful of clients are less reliable than the rest: the report shows why it matters.
FLAKY = {"Davide Conti", "Irene Mancini", "Simone Lombardi"}
TOKEN = re.compile(r"#([A-Za-z0-9_-]{1,64})\.(manage|admin)\.([0-9a-z]+)\.([A-Za-z0-9_-]{43})")
ANSWERS = {"business": "Negozio", "goal": "Altro"}


class DemoError(RuntimeError):
    pass


@dataclass
class Booked:
    id: str
    start: datetime
    client: str
    view: str  # the booking answer's token


class Stack:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.http = requests.Session()
        self.tokens: dict[tuple[str, str], str] = {}
        self._seen = 0
        self._at: datetime | None = None  # the dev clock as last moved here

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = self.http.request(method, self.url + path, json=body, headers=headers, timeout=30)
        if r.status_code >= 400:
            raise DemoError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def get(self, path: str, token: str | None = None) -> Any:
        return self.call("GET", path, token=token)

    def post(self, path: str, body: Any = None, token: str | None = None) -> Any:
        return self.call("POST", path, body if body is not None else {}, token)

    def now(self) -> datetime:
        return _instant(self.get("/_dev/clock")["now"])

    def move_to(self, at: datetime) -> None:
        """Forward to `at` (every job due on the way runs); never back."""
        if self._at is None:
            self._at = self.now()
        if at <= self._at:
            return
        try:
            self._at = _instant(self.post("/_dev/clock", {"now": at.isoformat()})["now"])
        except DemoError:  # real time passed `at` meanwhile: already there
            self._at = self.now()

    def token(self, booking_id: str, purpose: str, fresh: bool = False) -> str:
        """The emailed link of `purpose` for the booking (read from the dev outbox); `fresh`:
        the latest one (the freelancer's links last a week: an old one may have expired)."""
        key = (booking_id, purpose)
        if fresh or key not in self.tokens:
            mails = self.get(f"/_dev/outbox?since={self._seen}")  # the new mail only
            for mail in mails:
                for m in TOKEN.finditer(mail.get("text", "")):
                    self.tokens[(m[1], m[2])] = ".".join(m.groups())
            self._seen += len(mails)
        if key not in self.tokens:
            raise DemoError(f"no emailed {purpose} link for booking {booking_id}")
        return self.tokens[key]


def _instant(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


class Demo:
    def __init__(self, stack: Stack, seed: int) -> None:
        self.s = stack
        self.rnd = random.Random(seed)
        config = stack.get("/api/config")
        self.version = config["policy_version"]
        self.service = next(s for s in config["services"] if s["deposit"]["amount"] > 0)
        self.stripe = self._stripe()
        self.counts: dict[str, int] = {}

    def _stripe(self) -> dict[str, Any] | None:
        r = self.s.http.get(self.s.url + "/_dev/stripe", timeout=10)
        return dict(r.json()) if r.status_code == 200 else None

    def note(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    # ---- one booking ------------------------------------------------------------

    def free(self, first: datetime, days: int) -> list[dict[str, str]]:
        """The free slots of `days` days from `first`: one read for the week's bookings."""
        sid, last = self.service["id"], first + timedelta(days=days - 1)
        path = f"/api/slots?service={sid}&from={first.date()}&to={last.date()}"
        return list(self.s.get(path)["slots"])

    def book(
        self, name: str, day: datetime, approve: bool = True, slots: list[Any] | None = None
    ) -> Booked | None:
        sid = self.service["id"]
        slots = self.free(day, 1) if slots is None else slots
        if not slots:
            return None
        slot = slots.pop(self.rnd.randrange(len(slots)))
        email = name.lower().replace(" ", ".") + "@example.com"
        body = {
            "service": sid,
            "start": slot["start"],
            "mode": self.rnd.choice(self.service["modes"]),
            "name": name,
            "email": email,
            "policy_version": self.version,
            "answers": ANSWERS,
        }
        try:
            res = self.s.post("/api/bookings", body)
        except DemoError:
            return None  # a cap, a taken slot: a real week has those too
        b = res["booking"]
        booked = Booked(b["id"], _instant(b["start"]), name, res["manage_url"].split("#", 1)[1])
        if b["status"] == "pending_approval":
            if not approve:  # left for the dashboard's "needs you"
                self.note("waiting for approval")
                return booked
            self.s.post("/api/admin/approve", token=self.s.token(b["id"], "admin"))
            self.note("approved")
        self.pay(booked, res.get("payment") or {})
        self.note("booked")
        return booked

    def pay(self, b: Booked, payment: dict[str, Any]) -> None:
        if self.stripe and payment.get("client_secret"):
            secret = payment["client_secret"]
            seti = secret.split("_secret_")[0]
            card: dict[str, Any] = {
                "number": "4242424242424242",
                "exp_month": 12,
                "exp_year": 2031,
                "cvc": "123",
            }
            requests.post(
                f"{self.stripe['api_base']}/v1/setup_intents/{seti}/confirm",
                json={
                    "key": self.stripe["publishable_key"],
                    "use_stripe_sdk": True,
                    "client_secret": secret,
                    "payment_method_data": {"type": "card", "card": card},
                },
                timeout=10,
            ).raise_for_status()
            self.s.post("/api/manage/payment", token=b.view)
        else:
            self.s.post("/api/admin/confirm-deposit", token=self.s.token(b.id, "admin"))

    # ---- what happens to it -----------------------------------------------------

    def fate(self, b: Booked) -> list[tuple[datetime, str, Booked]]:
        """When and what: most clients come, some cancel early or late, a few do not show."""
        flaky = b.client in FLAKY
        roll = self.rnd.random()
        late, no_show, early = (0.25, 0.15, 0.1) if flaky else (0.05, 0.03, 0.08)
        steps: list[tuple[datetime, str, Booked]] = []
        if roll < late:
            return [(b.start - timedelta(hours=self.rnd.choice([3, 10, 20, 30])), "late", b)]
        if roll < late + early:
            return [(b.start - timedelta(days=self.rnd.choice([3, 4, 5])), "early", b)]
        if self.rnd.random() < 0.6:
            steps.append((b.start - timedelta(hours=30), "confirm", b))
        if roll < late + early + no_show:
            return [*steps, (b.start + timedelta(minutes=25), "no_show", b)]
        # The others come; nobody presses "arrived": the clock completes the appointment.
        return steps

    def do(self, what: str, b: Booked) -> None:
        try:
            if what == "late" or what == "early":
                self.s.post("/api/manage/cancel", {}, token=self.s.token(b.id, "manage"))
                if what == "late" and self.rnd.random() < 0.2:
                    reason = {"reason": "Un'emergenza in famiglia"}
                    self.s.post("/api/manage/waiver", reason, token=self.s.token(b.id, "manage"))
                    self.note("waiver requested")
            elif what == "confirm":
                self.s.post("/api/manage/confirm", token=self.s.token(b.id, "manage"))
            elif what == "no_show":  # from the no-show check's fresh link
                self.s.post("/api/admin/no-show", token=self.s.token(b.id, "admin", fresh=True))
            self.note(what)
        except DemoError:
            self.note(f"{what} refused")

    # ---- a year -----------------------------------------------------------------

    def run(self, weeks: int, per_week: int) -> datetime:
        now = self.s.now()
        self.s.move_to(now)
        monday = (now + timedelta(days=7 - now.weekday())).replace(
            hour=7, minute=0, second=0, microsecond=0
        )
        for week in range(weeks):
            start = monday + timedelta(weeks=week)
            self.s.move_to(start)
            plan: list[tuple[datetime, str, Booked]] = []
            free = self.free(start + timedelta(days=7), 5)  # next week, Monday to Friday
            for _ in range(per_week):
                b = self.book(self.rnd.choice(CLIENTS), start, slots=free)
                if b:
                    plan += self.fate(b)
            for at, what, b in sorted(plan, key=lambda p: p[0]):
                self.s.move_to(at)
                self.do(what, b)
        return self.s.now()

    def today(self) -> None:
        """Leave something for the dashboard's agenda and "needs you"."""
        now = self.s.now()
        for n in range(6):
            self.book(self.rnd.choice(CLIENTS), now + timedelta(days=1 + n * 2))
        for name in sorted(FLAKY):  # the unreliable ones now wait for approval
            self.book(name, now + timedelta(days=3), approve=False)
        # One appointment that has just happened: the dashboard asks whether they came.
        soon = self.book(self.rnd.choice(CLIENTS), now + timedelta(days=1))
        if soon:
            self.s.move_to(soon.start + timedelta(minutes=30))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make demo", description=__doc__.split("\n")[0])
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--per-week", type=int, default=2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--url", help="the local stack (default: from .local/stack.json)")
    args = p.parse_args(argv)
    url = args.url
    if not url:
        found = find(Path.cwd())
        if not found:
            print("make demo: no local stack; start `make serve` first", file=sys.stderr)
            return 2
        url = found.site
    began = time.monotonic()
    demo = Demo(Stack(url), args.seed)
    try:
        end = demo.run(args.weeks, args.per_week)
        demo.today()
    except (DemoError, requests.RequestException) as e:
        print(f"make demo: {e}", file=sys.stderr)
        return 1
    took = time.monotonic() - began
    done = ", ".join(f"{k} {v}" for k, v in sorted(demo.counts.items()))
    print(f"{args.weeks} weeks of history, up to {end:%Y-%m-%d} ({took:.0f} s): {done}.")
    print(f"Sign in at {url}/dashboard/ with business.alerts (the link: {url}/_dev/outbox.html)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
