"""Card deposits through a payment provider (Stripe): the use cases (the port is
service/ports/gateway.py; what counts as paid, service/deposits.py).

Money moves only on the server, and only while the booking can still take it:
the page saves the card (a SetupIntent), then the server charges the deposit
(a PaymentIntent) and confirms the booking in one transaction. The webhook
does the same on its own, whichever comes first; the booking's version
condition lets exactly one of them write the ledger entry.

Every call that creates something at the provider carries an idempotency key
that names one attempt: a network retry of that attempt reuses it (the provider
answers as the first time: no double charge), while a new card after a decline
is a new attempt, with a SetupIntent and keys of its own.

A deposit is confirmed only by the PaymentIntent as the provider reports it: its
status, amount, currency and booking are checked, whatever the page said.

When the provider fails, the use cases raise PaymentUnavailable (HTTP 503):
nothing was decided against the client, and the same request completes it. When it
refuses for good, PaymentRefused: asking again would get the same answer. The
one exception is the card form of a booking just saved (`payment_step`): the
booking stands, and the failure is reported inside the answer.

Refunds are decided inside the change that settles an outcome (a `refund` job
due at once) and made by the clock with an idempotency key, then recorded: a
crash between the provider's call and the write is repaired by the next run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import DomainError, NotAllowedNow
from keepslot.service.context import Context, gateway, require_gateway
from keepslot.service.deposits import (
    give_back,
    mismatch,
    paid_change,
    refund_job,
    report_mismatch,
    returned,
)
from keepslot.service.ports.changes import Change, Job, LedgerEntry
from keepslot.service.ports.gateway import (
    NOTHING_DUE,
    CardNotSaved,
    CardSetup,
    PaymentDeclined,
    PaymentGateway,
    PaymentRefused,
    PaymentStep,
    PaymentUnavailable,
    known_refunds,
    with_ref,
)
from keepslot.service.ports.snapshots import DueItem

# ---- booking: the payment step and the saved card ---------------------------


def payment_step(
    ctx: Context,
    booking: Booking,
    version: int | None = None,
    *,
    prepare: Callable[[Context, Booking], CardSetup | None] | None = None,
) -> PaymentStep:
    """How the client pays `booking` now; only a held booking with a deposit due takes one.

    By card this prepares the SetupIntent the page confirms (`prepare`; by default `start`,
    which records it on the booking, at `version` when the caller knows it). It is asked
    after the booking is saved (a new booking, a reschedule, the page asking for a card
    form), so a provider failure never fails the request: it comes back inside the step,
    and the booking's manage page offers the card form again later.
    """
    if not _deposit_due(booking):
        return NOTHING_DUE
    if ctx.config.payments.mode != "stripe":
        return PaymentStep("offline", instructions=ctx.config.payments.offline_instructions)
    gw = gateway(ctx)
    try:
        setup = (prepare or (lambda c, b: start(c, b, version)))(ctx, booking)
    except PaymentUnavailable as e:
        return PaymentStep("stripe", unavailable=e.message)
    if setup is None or gw is None:
        return NOTHING_DUE
    return _card_form(gw, setup.client_secret)


def shown_step(ctx: Context, booking: Booking) -> PaymentStep:
    """The payment step as the booking holds it, for a page that only looks (GET): the card
    form of the SetupIntent already recorded, else `prepare` (the page asks for one with a
    POST). Nothing is created or written."""
    if not _deposit_due(booking):
        return NOTHING_DUE
    if ctx.config.payments.mode != "stripe":
        return PaymentStep("offline", instructions=ctx.config.payments.offline_instructions)
    gw = gateway(ctx)
    last = _usable_setup(booking)
    if gw is None:
        return NOTHING_DUE
    if not last:
        return PaymentStep("stripe", prepare=True)
    try:
        return _card_form(gw, gw.client_secret(last))
    except PaymentUnavailable as e:
        return PaymentStep("stripe", unavailable=e.message)


def card_form(ctx: Context, booking_id: str) -> tuple[Booking, PaymentStep]:
    """POST /api/manage/card: the card form of a held booking, made (and recorded) now when
    the booking holds none: after an approval, a declined card, or a provider outage."""
    booking, version = ctx.store.get_booking(booking_id)
    step = payment_step(ctx, booking, version)
    return booking, step


def _deposit_due(booking: Booking) -> bool:
    return booking.status is BookingStatus.HELD and booking.deposit.status is DepositStatus.PENDING


def _card_form(gw: PaymentGateway, client_secret: str) -> PaymentStep:
    return PaymentStep(
        "stripe",
        client_secret=client_secret,
        publishable_key=gw.publishable_key,
        js_url=gw.js_url,
    )


def _usable_setup(booking: Booking) -> str:
    """The SetupIntent recorded for this booking whose card was not declined, or "".
    A booking moved here from another (a late reschedule) carries that one's ids."""
    ref = booking.payment_ref
    last = ref.get("setup_intent", "") if ref.get("setup_for") == booking.id else ""
    return last if last and last != ref.get("declined_setup") else ""


def start(ctx: Context, booking: Booking, version: int | None = None) -> CardSetup | None:
    """The Customer and SetupIntent the page confirms; None when no card payment is due.

    Asking again (a replayed request, the card form asked for again) gets the same
    SetupIntent until the provider declines the card it saved; then the next ask makes a
    fresh one, for the same Customer: a SetupIntent that succeeded cannot take another card.
    `version`: the booking's, when the caller has just written or read it (no read again).
    """
    gw = gateway(ctx)
    if gw is None or not _deposit_due(booking):
        return None
    ref = booking.payment_ref
    last = _usable_setup(booking)
    if last:
        return CardSetup(ref["customer"], last, gw.client_secret(last))
    mine = ref.get("setup_for") == booking.id
    after = ref.get("setup_intent", "") if mine else ""
    setup = gw.setup_card(booking, ref.get("customer") if mine else None, after=after)
    if version is None:
        booking, version = ctx.store.get_booking(booking.id)
    done = with_ref(
        booking, customer=setup.customer, setup_intent=setup.setup_intent, setup_for=booking.id
    )
    ctx.store.commit(Change(updated=[(done, version)]))
    return setup


# ---- the page reports the card saved: charge the deposit --------------------


def confirm(ctx: Context, booking_id: str, now: datetime) -> Booking:
    """POST /api/manage/payment: charge the saved card and confirm, or say why not."""
    booking, version = ctx.store.get_booking(booking_id)
    if booking.deposit.status is not DepositStatus.PENDING:
        return booking  # paid already (the webhook came first) or nothing due
    if booking.status is not BookingStatus.HELD or (
        booking.hold_until is not None and booking.hold_until <= now
    ):
        raise NotAllowedNow(f"this booking is {booking.status.value}: no payment is taken now")
    if booking.payment_ref.get("setup_for") != booking.id:
        raise NotAllowedNow("there is no card payment waiting on this booking")
    try:
        intent = require_gateway(ctx).charge_deposit(booking)
    except CardNotSaved:
        raise
    except PaymentDeclined as e:
        _declined(ctx, booking, version, e.intent_id)
        raise
    if intent.status == "processing":  # neither paid nor refused yet: the webhook will say
        ctx.store.commit(Change(updated=[(with_ref(booking, payment_intent=intent.id), version)]))
        raise PaymentUnavailable("the payment is still being processed; try again in a moment")
    if intent.status != "succeeded":
        _declined(ctx, booking, version, intent.id)
        raise PaymentDeclined("the card could not be charged; please try another card")
    wrong = mismatch(booking, intent)
    if wrong:  # the provider's answer, not the page's, decides: never confirmed on trust
        report_mismatch(booking, intent, wrong)
        if wrong != "booking" and intent.id not in returned(booking):
            ctx.store.commit(give_back(booking, version, intent, now))
        raise PaymentRefused(
            "the card payment does not match this booking's deposit, so it was not "
            "accepted; anything taken is refunded"
        )
    change, done = paid_change(ctx, booking, version, intent, now)
    try:
        ctx.store.commit(change)
    except DomainError:
        again, again_version = ctx.store.get_booking(booking_id)
        if again.deposit.status is not DepositStatus.PAID:
            raise
        mine = again.payment_ref.get("payment_intent") == intent.id
        if not mine and intent.id not in returned(again):
            # Paid meanwhile another way (the client's credit, on Confirm): this charge
            # goes back rather than sit untracked.
            ctx.store.commit(give_back(again, again_version, intent, now))
        return again  # the webhook recorded the same payment first, or the credit did
    return done


def _declined(ctx: Context, booking: Booking, version: int, intent_id: str | None) -> None:
    """The provider refused the saved card. The hold stays; the refused intent is kept for
    the expiry to cancel, and the SetupIntent is spent: the next card is a new attempt."""
    ids = {"declined_setup": booking.payment_ref["setup_intent"]}
    if intent_id:
        ids["payment_intent"] = intent_id
    ctx.store.commit(Change(updated=[(with_ref(booking, **ids), version)]))


# ---- refunds and expiry, run by the clock ----------------------------------------


def card_refund(booking: Booking, amount: int, reason: str, now: datetime) -> Job | None:
    """The refund job for `amount` of a card-paid deposit (None when no card charge holds
    it: a deposit confirmed by hand is paid back by hand, like the ledger's refund_due)."""
    intent_id = booking.payment_ref.get("payment_intent")
    d = booking.deposit
    if amount > d.paid - d.from_credit - d.refunded:
        # decide() refunds only what the card paid; trimming here would lose the rest.
        raise ValueError(f"a refund of {amount} exceeds what the card paid for {booking.id}")
    if not intent_id or amount <= 0:
        return None
    cur = booking.deposit.amount.currency
    # Its own item: a late cancel's refund and a waiver's may be decided in one second.
    return refund_job(booking, intent_id, amount, cur, reason, now, tag=reason)


def run_refund(
    ctx: Context, booking: Booking, version: int, item: DueItem, now: datetime
) -> Change:
    """Make the refund (idempotently) and record it with the provider's id."""
    data = json.loads(item.item.get("data") or "{}")
    key = f"refund-{booking.id}-{data['reason']}"
    refund = require_gateway(ctx).refund(data["intent"], int(data["amount"]), key, booking.id)
    known = known_refunds(booking)
    change = Change()
    if refund.id in known:
        return change  # the charge.refunded webhook recorded it first
    row = str(data.get("row", "refunded"))
    change.ledger.append(
        LedgerEntry(booking.id, row, refund.amount, data["currency"], now, ref=refund.id)
    )
    change.updated.append((with_ref(booking, refunds=",".join([*known, refund.id])), version))
    return change


def before_expiry(ctx: Context, booking: Booking, version: int, now: datetime) -> Change | None:
    """Before an unpaid hold expires: a payment we missed wins; otherwise cancel the intent."""
    gw = gateway(ctx)
    intent_id = booking.payment_ref.get("payment_intent")
    if gw is None or not intent_id or booking.status is not BookingStatus.HELD:
        return None
    intent = gw.retrieve_intent(intent_id)
    if intent.booking_id != booking.id:
        return None  # the deposit of the booking this one was moved from: not ours to touch
    if intent.status == "succeeded":
        wrong = mismatch(booking, intent)
        if wrong is None:
            change, _ = paid_change(ctx, booking, version, intent, now)
            return change
        # Not this deposit's amount or currency: the hold expires, and the intent's own
        # webhook event records the money and gives it back.
        report_mismatch(booking, intent, wrong)
        return None
    if intent.status not in ("canceled", "processing"):
        gw.cancel_intent(intent_id)
    return None
