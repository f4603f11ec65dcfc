"""A state machine that books, pays, changes and lets time pass, checking money at every step.

It drives the use cases (book, pay, cancel, reschedule, switch mode, approve, decline,
no-show, waive, freelancer-cancel, another client filling a late-cancelled hour) and the
clock (holds and credits running out, refunds and fees made, mail sent) on the fake table
and card provider, under a payment mode and a policy drawn at random. After every step:

- per booking, the consistency checker's balance: paid by card + paid by credit
  (+ carried in) = kept + credited + carried + refunded (owed back) + still held, and
  its other rules (tests/support/consistency.py);
- per client, against the card provider's own books: what their cards paid, less what
  came back, equals what the freelancer kept, their open credits, what their bookings
  still hold and the refunds decided but not made yet; the same for no-show fees.

Run by tests/unit/test_money_conservation.py and, longer, by `make bench`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus, Mode
from keepslot.domain.errors import (
    IllegalTransition,
    InvalidInput,
    NotAllowedNow,
    SlotTaken,
    Superseded,
    TooManyHolds,
)
from keepslot.service import admin, clients, manage, payments
from keepslot.service.dispatch import deliver_pending
from keepslot.service.jobs import run_jobs
from keepslot.service.new_booking import book
from keepslot.service.ports.gateway import PaymentDeclined
from tests.support.consistency import check_items
from tests.support.fakes import FakeGateway, FakeStore, RecordingPostman, fake_context
from tests.support.flows import request
from tests.unit.factories import config

T = TypeVar("T")
STEPS = 30  # steps per sequence, in `make test` and `make bench` alike
START = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Rome
ROME = ZoneInfo("Europe/Rome")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EMAILS = ("ada@example.com", "bruno@example.com")
# What a step may be refused for: the use case said no, and nothing changed.
REFUSED = (
    InvalidInput,
    NotAllowedNow,
    IllegalTransition,
    SlotTaken,
    Superseded,
    TooManyHolds,
    PaymentDeclined,
)
MODES = ["video", "in_person"]
SERVICES = [
    # 60.00 of 120.00; 25.00 of 40.00; free: so credits part-pay and outlast deposits.
    {"id": "strategia", "name": "Strategy", "minutes": 60, "price": "120", "modes": MODES}
    | {"deposit": {"percent": 50}},
    {"id": "breve", "name": "Short call", "minutes": 30, "price": "40", "modes": MODES}
    | {"deposit": {"amount": "25"}},
    {"id": "intro", "name": "Intro", "minutes": 30, "price": "0", "modes": MODES},
]
OPEN = (BookingStatus.HELD, BookingStatus.PENDING_APPROVAL, BookingStatus.CONFIRMED)
WAIVABLE = (BookingStatus.CANCELLED, BookingStatus.NO_SHOW, BookingStatus.RESCHEDULED)
PICK = st.integers(0, 3)  # which of the bookings a step can act on, the latest first
BOOKING = {  # who books what, how many days ahead, which half hour from 08:00, and pays
    "email": st.sampled_from(EMAILS),
    "service": st.sampled_from([s["id"] for s in SERVICES]),
    "day": st.integers(0, 6),
    "slot": st.integers(0, 21),
    "pay": st.booleans(),
}


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    free = draw(st.sampled_from([24, 48]))
    tiers = draw(
        st.sampled_from(
            [
                None,  # everything kept inside the window
                [
                    {"under_hours": free, "forfeit_percent": 50},
                    {"under_hours": 12, "forfeit_percent": 100},
                ],
                [{"under_hours": free, "forfeit_percent": 0}],
            ]
        )
    )
    returned = st.sampled_from(["credit", "refund"])
    return {
        "free_change_hours": free,
        "late_tiers": tiers,
        "early_cancel": draw(returned),
        "late_remainder": draw(returned),
        "waiver_returns_as": draw(returned),
        "credit_rebook_days": draw(st.integers(0, 5)),
        "no_show_fee": draw(st.sampled_from(["0", "15.00"])),
        "no_show_auto_mark_hours": draw(st.sampled_from([None, 2])),
        "refill_returns_percent": draw(st.sampled_from([50, 100, 0])),
    }


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.now = START
        self.transfers: Counter[str] = Counter()  # offline deposits the freelancer confirmed
        self.postman = RecordingPostman()

    @initialize(
        mode=st.sampled_from(["stripe", "offline"]),
        policy=policies(),
        approval=st.booleans(),
        first=st.lists(st.tuples(*BOOKING.values()), min_size=1, max_size=4),
    )
    def open_the_books(
        self, mode: str, policy: dict[str, Any], approval: bool, first: list[tuple[Any, ...]]
    ) -> None:
        cfg = config(
            payments={"mode": mode},
            services=SERVICES,
            hours={
                "weekly": {d: ["08:00-20:00"] for d in DAYS},
                "notice_hours": 1,
                "horizon_days": 30,
            },
            policy=policy,
            reliability={"new_clients_require_approval": approval},
        )
        self.gateway = FakeGateway() if mode == "stripe" else None
        self.store = FakeStore()
        self.ctx = fake_context(cfg, self.gateway, self.store)
        event(f"payments: {mode}")
        for args in first:  # a few bookings from the start, for the other steps to act on
            self.book(*args)

    # ---- helpers -----------------------------------------------------------

    def _try(self, name: str, call: Callable[[], T]) -> T | None:
        try:
            done = call()
        except REFUSED as e:
            event(f"{name}: refused ({type(e).__name__})")
            return None
        event(f"{name}: done")
        return done

    def _pick(self, pick: int, *statuses: BookingStatus) -> Booking | None:
        """One of the bookings now in one of `statuses`, the latest first (None: there is none)."""
        found = [b for b in self._bookings() if b.status in statuses]
        return found[-1 - pick % len(found)] if found else None

    def _bookings(self) -> list[Booking]:
        return [self.ctx.store.get_booking(i)[0] for i in self.ids]

    def _start(self, day: int, slot: int) -> datetime:
        local = self.now.astimezone(ROME).date() + timedelta(days=day)
        at = datetime.combine(local, time(8, 0), ROME) + timedelta(minutes=30 * slot)
        return at.astimezone(UTC)

    def _advance(self, to: datetime) -> None:
        """Time passes to `to`; the clock runs every job and sends every message due by then.

        A job the clock cannot finish (it counts the error and tries again next tick) or
        gives up on fails the test: a refund or a lapse that never happens is money out of
        place.
        """
        self.now = max(self.now, to)
        for _ in range(10):
            due = self.store.due(self.now, limit=200)
            if not due:
                return
            run_jobs(self.ctx, self.now, due)
            deliver_pending(self.ctx, self.store, self.postman, self.now, due)
        stuck = [d.sk for d in self.store.due(self.now, limit=200) if not d.is_mail]
        assert not stuck, f"jobs the clock cannot finish: {stuck}"
        failed = [it["SK"] for it in self.store.items() if it.get("GSI2PK") == "FAILED"]
        assert not failed, f"jobs the clock gave up on: {failed}"

    # ---- what clients and the freelancer do -----------------------------------

    @rule(**BOOKING)
    def book(self, email: str, service: str, day: int, slot: int, pay: bool) -> None:
        req = request(self.ctx, email, self._start(day, slot), service)
        done = self._try("book", lambda: book(self.ctx, req, self.now))
        if done is not None:
            self.ids.append(done.booking.id)
            if pay and done.booking.status is BookingStatus.HELD:
                self._pay(done.booking, refused=False)

    @rule(pick=PICK, refused=st.booleans())
    def pay(self, pick: int, refused: bool) -> None:
        booking = self._pick(pick, BookingStatus.HELD)
        if booking is None:
            return event("pay: nothing held")
        self._pay(booking, refused)

    def _pay(self, booking: Booking, refused: bool) -> None:
        if self.gateway is None:
            due = booking.deposit.amount.amount - booking.deposit.paid
            if self._try("pay", lambda: admin.confirm_deposit(self.ctx, booking.id, self.now)):
                self.transfers[booking.client.key] += due
            return
        (self.gateway.declining.add if refused else self.gateway.declining.discard)(booking.id)
        if payments.start(self.ctx, booking) is None:
            return event("pay: nothing due")
        self._try("pay", lambda: payments.confirm(self.ctx, booking.id, self.now))

    @rule(pick=PICK, late=st.booleans())
    def cancel(self, pick: int, late: bool) -> None:
        booking = self._pick(pick, *OPEN)
        if booking is not None:
            self._late(booking, late)
            self._try("cancel", lambda: manage.cancel(self.ctx, booking.id, self.now))

    def _late(self, booking: Booking, late: bool) -> None:
        """When `late`, time passes into the booking's late window (its hours run meanwhile)."""
        if late:
            self._advance(booking.start - timedelta(hours=booking.terms.free_change_hours / 2))

    @rule(pick=PICK, pay=st.booleans(), day=BOOKING["day"], slot=BOOKING["slot"])
    def fill(self, pick: int, pay: bool, day: int, slot: int) -> None:
        """A confirmed booking (booked and paid here if there is none) is cancelled late,
        and the other client books its hour: a refill, once that booking is confirmed."""
        if self._pick(pick, BookingStatus.CONFIRMED) is None:
            self.book(EMAILS[pick % 2], "strategia", day, slot, pay=True)
        freed = self._pick(pick, BookingStatus.CONFIRMED)
        if freed is None:
            return event("fill: nothing confirmed")
        self._late(freed, True)
        if self._try("fill: cancel", lambda: manage.cancel(self.ctx, freed.id, self.now)) is None:
            return
        other = next(e for e in EMAILS if e != freed.client.key)
        req = request(self.ctx, other, freed.start, freed.service)
        done = self._try("fill", lambda: book(self.ctx, req, self.now))
        if done is not None:
            self.ids.append(done.booking.id)
            if pay and done.booking.status is BookingStatus.HELD:
                self._pay(done.booking, refused=False)
            self._advance(self.now + timedelta(minutes=1))
            after = self.ctx.store.get_booking(freed.id)[0]
            filler = self.ctx.store.get_booking(done.booking.id)[0].status.value
            share = after.terms.refill_returns_percent
            event(f"fill: {'refilled' if after.refilled_by else 'no refill'} ({filler}, {share}%)")

    @rule(pick=PICK, late=st.booleans(), day=st.integers(0, 6), slot=st.integers(0, 21))
    def reschedule(self, pick: int, late: bool, day: int, slot: int) -> None:
        booking = self._pick(pick, BookingStatus.CONFIRMED)
        if booking is None:
            return
        self._late(booking, late)
        start = self._start(day, slot)
        moved = self._try(
            "reschedule", lambda: manage.reschedule(self.ctx, booking.id, self.now, start)
        )
        if moved is not None and moved.new_booking is not None:
            self.ids.append(moved.new_booking.id)

    @rule(pick=PICK)
    def switch_mode(self, pick: int) -> None:
        booking = self._pick(pick, *OPEN)
        if booking is not None:
            mode = Mode.IN_PERSON if booking.mode is Mode.VIDEO else Mode.VIDEO
            self._try("mode", lambda: manage.switch_mode(self.ctx, booking.id, self.now, mode))

    @rule(pick=PICK, yes=st.booleans())
    def screen(self, pick: int, yes: bool) -> None:
        booking = self._pick(pick, BookingStatus.PENDING_APPROVAL)
        if booking is not None:
            decide = clients.approve if yes else clients.decline
            name = "approve" if yes else "decline"
            self._try(name, lambda: decide(self.ctx, booking.id, self.now))

    @rule(pick=PICK)
    def no_show(self, pick: int) -> None:
        booking = self._pick(pick, BookingStatus.CONFIRMED)
        if booking is not None:
            self._advance(booking.start + timedelta(minutes=booking.terms.grace_minutes))
            self._try("no-show", lambda: admin.no_show(self.ctx, booking.id, self.now))

    @rule(pick=PICK, as_=st.sampled_from([None, "credit", "refund"]))
    def waive(self, pick: int, as_: str | None) -> None:
        booking = self._pick(pick, *WAIVABLE)
        if booking is not None and booking.deposit.status in (
            DepositStatus.FORFEITED,
            DepositStatus.NONE,
        ):
            self._try("waive", lambda: clients.waive(self.ctx, booking.id, self.now, as_))

    @rule(pick=PICK)
    def freelancer_cancel(self, pick: int) -> None:
        booking = self._pick(pick, *OPEN)
        if booking is not None:
            self._try(
                "freelancer cancel",
                lambda: admin.freelancer_cancel(self.ctx, booking.id, self.now),
            )

    # ---- what time does ------------------------------------------------------

    @rule(pick=PICK)
    def expire_hold(self, pick: int) -> None:
        booking = self._pick(pick, BookingStatus.HELD, BookingStatus.PENDING_APPROVAL)
        if booking is not None and booking.hold_until is not None:
            self._advance(booking.hold_until)
            event(f"expire hold: {self.ctx.store.get_booking(booking.id)[0].status.value}")

    @rule()
    def expire_credit(self) -> None:
        credits = [c for e in EMAILS for c in self.store.client_snapshot(e).credits]
        if credits:
            self._advance(min(c.until for c in credits) + timedelta(minutes=1))
            event("expire credit: done")

    @rule(minutes=st.sampled_from([1, 45, 6 * 60, 26 * 60, 4 * 24 * 60]))
    def wait(self, minutes: int) -> None:
        self._advance(self.now + timedelta(minutes=minutes))

    # ---- after every step ----------------------------------------------------

    @invariant()
    def the_table_is_consistent(self) -> None:
        if not hasattr(self, "store"):
            return
        problems = check_items(self.store.items(), self.ctx.config.schedule())
        assert problems == [], "\n".join(problems)

    @invariant()
    def every_client_s_money_is_accounted_for(self) -> None:
        if not hasattr(self, "store"):
            return
        items = self.store.items()
        owed: Counter[str] = Counter()  # decided to go back to the card (or by hand)
        made: Counter[str] = Counter()  # refunds the card provider made
        fees: Counter[str] = Counter()
        holding: Counter[str] = Counter()  # kept + held by bookings + open credits
        client_of: dict[str, str] = {}
        for it in items:
            if it["SK"] == "BOOKING":
                email = it["client"]["email"].strip().lower()
                client_of[it["id"]] = email
                dep = it["deposit"]
                open_ = it["status"] in ("held", "pending_approval", "confirmed", "completed")
                held = dep["paid"] if open_ and dep["status"] in ("paid", "pending") else 0
                holding[email] += dep["kept"] + held
            elif it["SK"].startswith("CREDIT#"):
                holding[it["PK"].removeprefix("CLIENT#")] += it["amount"]
        for it in items:
            if not it["SK"].startswith("LEDGER#"):
                continue
            email, kind = client_of[it["PK"].removeprefix("BOOKING#")], it["kind"]
            if kind == "refund_due":
                owed[email] += it["amount"]
            elif kind == "refunded":
                made[email] += it["amount"]
            elif kind in ("fee_charged", "fee_refunded"):
                fees[email] += it["amount"] if kind == "fee_charged" else -it["amount"]
        for email in EMAILS:
            if self.gateway is None:  # offline, the freelancer pays back by hand
                paid_in = self.transfers[email] - owed[email]
                assert paid_in == holding[email], (email, paid_in, holding[email])
            else:
                pending = owed[email] - made[email]
                net = self.gateway.net()[email]
                assert net == holding[email] + pending, (email, net, holding[email], pending)
                assert self.gateway.net("no_show_fee")[email] == fees[email], (email, fees)
