"""Every client-facing string in English. Keys and `{placeholders}` mirror `it.py`."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    # A day and a time together (their patterns: words/formats.py), and units.
    "fmt.at": "{day} at {time}",
    "unit.minute.one": "{n} minute",
    "unit.minute.other": "{n} minutes",
    "unit.hour.one": "{n} hour",
    "unit.hour.other": "{n} hours",
    "unit.day.one": "{n} day",
    "unit.day.other": "{n} days",
    "unit.times.one": "once",
    "unit.times.other": "{n} times",
    "unit.hours_minutes": "{hours} and {minutes}",
    "mode.video": "video call",
    "mode.phone": "phone",
    "mode.in_person": "in person",
    "mode.to.video": "video",
    "mode.to.phone": "phone",
    # The freelancer's calendar feed (their own calendar app shows these).
    "feed.summary": "{client} · {service} ({mode})",
    "feed.summary.waiting": "{client} · {service} ({mode}, {status})",
    "feed.line.status": "Status: {status}",
    "feed.line.client": "Client: {name}, {email}",
    "feed.line.phone": "Phone: {phone}",
    "feed.line.where": "Where: {where}",
    "feed.line.you_call": "By phone: you call",
    "feed.line.they_call": "By phone: {name} calls you on {number}",
    "feed.status.held": "awaiting the deposit",
    "feed.status.pending_approval": "awaiting your approval",
    "feed.status.confirmed": "confirmed",
    "feed.status.cancelled": "cancelled",
    "feed.status.rescheduled": "moved to another time",
    "feed.status.declined": "declined",
    "feed.status.completed": "took place",
    "feed.status.no_show": "no-show",
    "feed.status.expired": "expired, deposit not received",
    # Navigation and page titles.
    "nav.home": "Home",
    "nav.policy": "Cancellation policy",
    "nav.book": "Book",
    "title.book": "Book an appointment",
    "title.manage": "Your booking",
    "title.admin": "Booking admin",
    "title.dashboard": "Dashboard",
    # Outcomes (explain): present tense, for the preview and for the result alike.
    "out.head.nothing_paid": "No deposit has been paid, so there is nothing to keep.",
    "out.head.early_cancel": "This cancellation is in time: no penalty.",
    "out.head.late_cancel": "This is a late cancellation.",
    "out.head.early_reschedule": "This change is in time: no penalty.",
    "out.head.late_reschedule": ("This is a late change: the new appointment needs a new deposit."),
    "out.head.mode_switch_free": (
        "Switching how we meet is always free and is not a cancellation: "
        "your appointment stays confirmed at the same time."
    ),
    "out.head.no_show": "The appointment is recorded as a no-show.",
    "out.head.waiver": (
        "Emergencies happen: this time the charge is waived, and it does not count "
        "towards your reliability record."
    ),
    "out.head.freelancer_cancel": (
        "I have to cancel this appointment, and I am sorry: there are no consequences for you."
    ),
    "out.head.hold_expired": "What you already paid with a credit is not lost.",
    "out.head.credit_expired": (
        "The credit of {amount} was not used within the time allowed, so it lapses."
    ),
    "out.head.refill": (
        "When someone else takes a time that was cancelled late, part of what was kept "
        "goes back to whoever freed it."
    ),
    "out.what.refill": "This share, {amount},",
    "out.money.carried": "Your deposit of {amount} moves to the new appointment.",
    "out.money.forfeited_all": "Your deposit of {amount} is kept in full.",
    "out.money.forfeited_part": "Of your deposit of {amount}, {forfeited} is kept.",
    "out.money.no_deposit": "No deposit has been paid, so there is nothing to keep.",
    "out.what.deposit": "Your deposit of {amount}",
    "out.what.rest": "The rest, {amount},",
    "out.what.kept": "The amount kept, {amount},",
    "out.back.credit_until": (
        "{what} comes back to you as a credit, used when you confirm a new booking from "
        "its email by {until}; otherwise it lapses."
    ),
    "out.back.credit": (
        "{what} comes back to you as a credit, used when you confirm your next booking from "
        "its email."
    ),
    "out.back.refund": "{what} is refunded to you.",
    "out.back.refund_split": (
        "{what} comes back to you: {card} as a refund, and {credit}, which an earlier "
        "credit paid, as a credit, applied automatically if you book a new appointment "
        "by {until}; otherwise it lapses."
    ),
    "out.fee": "A no-show fee of {fee} is also charged to your saved card.",
    "out.fee_due": "A no-show fee of {fee} is also due.",
    "out.strike": "It counts towards your reliability record.",
    "out.emergency": "If this is an emergency, write to me: emergencies happen.",
    "out.invite": (
        "Whenever you are ready, pick a new time: I will be glad to find one that works for you."
    ),
    # Home page.
    "home.services": "Services",
    "home.duration": "Duration: {minutes}",
    "home.price": "Price: {price}",
    "home.price_free": "Price: free",
    "home.deposit_percent": "Deposit when booking: {deposit} ({percent} of the price)",
    "home.deposit_amount": "Deposit when booking: {deposit}",
    "home.deposit_none": "No deposit",
    "home.modes": "How we meet: {modes}",
    "home.book_service": "Book",
    "home.where": "Where to find me",
    "home.phone": "Phone: {phone}",
    "home.how": "How it works",
    "home.how_book": (
        "Choose the service and the time that suit you: the confirmation arrives by email, "
        "with a link to manage your booking."
    ),
    "home.how_free": "You can cancel or reschedule free of charge up to {free} before the start.",
    "home.how_switch": (
        "If at the last minute you cannot come, you can switch to {to} at any time, at no cost."
    ),
    "home.book_button": "Book an appointment",
    "home.policy_button": "Read the cancellation policy",
    # Policy page.
    "policy.title": "Cancellation policy",
    "policy.intro": (
        "Every appointment is time I prepare especially for you. These rules protect that "
        "time and still leave you room to change your plans. They are not just words: the "
        "booking system applies them exactly as written here, and before you cancel or "
        "reschedule it always shows you what will happen to your deposit."
    ),
    "policy.deposit.heading": "The deposit",
    "policy.deposit.intro": "A deposit confirms your booking:",
    "policy.deposit.percent": "{service} ({price}): a deposit of {deposit}, {percent} of the price",
    "policy.deposit.amount": "{service} ({price}): a deposit of {deposit}",
    "policy.deposit.none": "{service} ({price}): no deposit",
    "policy.deposit.free": "{service}: free of charge, no deposit",
    "policy.hold.offline": (
        "After you book, the time is held for {hours} while the bank transfer of the deposit "
        "arrives; if it does not arrive in time, the time becomes available again."
    ),
    "policy.hold.card": (
        "After you book, the time is held for {minutes} while you pay by card; then it "
        "becomes available again."
    ),
    "policy.hold.credit": (
        "If part of the deposit was already paid with a credit and the time is released, "
        "that part comes back to you as a credit."
    ),
    "policy.acceptance": (
        "By booking you accept this policy. Your booking records the version you accepted: "
        "if the policy changes later, your booking keeps that version."
    ),
    "policy.early.heading": "Changing your plans in time",
    "policy.early.window": (
        "You can cancel or reschedule an appointment without any penalty up to {free} "
        "before the start."
    ),
    "policy.early.cancel_credit": (
        "If you cancel in time, your deposit becomes a credit in your name. The credit is "
        "kept if you make a new booking within {days} of the original appointment's start "
        "(the new appointment itself may be later): book with the same email, then press "
        "Confirm in the email I send you, and the credit pays that deposit. If you do not "
        "use it by then, it lapses."
    ),
    "policy.early.cancel_refund": "If you cancel in time, your deposit is refunded in full.",
    "policy.early.reschedule": (
        "If you reschedule in time, your deposit moves to the new appointment."
    ),
    "policy.late.heading": "Changing your plans at the last minute",
    "policy.late.intro": (
        "Less than {free} before the start, a cancellation or a reschedule is late, because "
        "that time can rarely be offered to someone else:"
    ),
    "policy.late.tier_range": "between {upper} and {lower} before the start: {keep}",
    "policy.late.tier_under": "less than {upper} before the start: {keep}",
    "policy.late.keep": "{percent} of the deposit is kept",
    "policy.late.keep_all": "the whole deposit is kept",
    "policy.late.keep_none": "nothing is kept",
    "policy.late.rest_credit": (
        "The part not kept comes back to you as a credit, used when you confirm a new "
        "booking from its email within {days} of the original appointment's start."
    ),
    "policy.late.rest_refund": "The part not kept is refunded to you.",
    "policy.late.reschedule": "If you reschedule late, the new appointment needs a new deposit.",
    "policy.switch.heading": "Can you still make it?",
    "policy.switch.body": (
        "Before cancelling at the last minute, ask yourself whether you can still make it "
        "another way: you can switch to {to} at any time, even shortly before the start. It is "
        "always free and never a cancellation: your appointment and your deposit stay as "
        "they are."
    ),
    "policy.noshow.heading": "If you do not show up",
    "policy.noshow.body": (
        "If you do not arrive and do not let me know, once {grace} have passed after the "
        "start the appointment can be recorded as a no-show and the deposit is kept. You "
        "then receive a message straight away with a link to pick a new time."
    ),
    "policy.noshow.fee": (
        "A no-show fee of {fee} is also charged to the card saved when you booked."
    ),
    "policy.noshow.fee_offline": (
        "A no-show fee of {fee} is also due: I will write to tell you how to pay it."
    ),
    "policy.noshow.no_fee": "Nothing is charged beyond the deposit.",
    "policy.emergency.heading": "Emergencies",
    "policy.emergency.body": (
        "Emergencies happen, and nobody can foresee them. If something serious comes up, "
        "write to me: I can waive the charge, even without being asked, up to {times} a "
        "year for each client."
    ),
    "policy.emergency.back_credit": (
        "The amount kept then comes back to you as a credit, and the event does not count "
        "towards your reliability record."
    ),
    "policy.emergency.back_refund": (
        "The amount kept is then refunded to you, and the event does not count towards "
        "your reliability record."
    ),
    "policy.emergency.none": (
        "Emergencies happen. This policy has no waivers of the charge, but if something "
        "comes up, write to me anyway: we will find a new time together."
    ),
    "policy.reliability.heading": "Reliability",
    "policy.reliability.body": (
        "For future bookings, late cancellations, late reschedules and no-shows in the "
        "last {days} count:"
    ),
    "policy.reliability.prepay": "with {n} or more: the deposit equals the full price",
    "policy.reliability.approval": "with {n} or more: new bookings need my approval",
    "policy.reliability.never": "Emergency waivers and cancellations made by me never count.",
    "policy.reliability.own": (
        "Your tier applies when you book: the booking page shows the deposit it asks and "
        "whether I confirm the booking personally; the email I send you says why."
    ),
    "policy.reliability.new_clients": "Bookings from new clients need my approval.",
    "policy.reminders.heading": "Reminders",
    "policy.reminders.body": "You receive an email reminder {hours} before the appointment.",
    "policy.reminders.before_deadline": (
        "The first arrives before the free change deadline ({free} before), so you still "
        "have time to change your plans without a penalty."
    ),
    "policy.reminders.after_deadline": (
        "Remember that free changes are possible only up to {free} before."
    ),
    "policy.reminders.video": (
        "For video calls, the reminder carries the link and how to test it beforehand."
    ),
    "policy.reminders.none": (
        "No reminders are sent: the confirmation email carries a file to add to your calendar."
    ),
    "policy.freelancer.heading": "If I cancel",
    "policy.freelancer.body": (
        "If I have to cancel, I give your deposit back in full (as a refund, or as a credit "
        "if you paid it with a credit), and the cancellation never counts against you."
    ),
    "policy.refund.credit_part": (
        "Whenever a refund is due, what you paid by card or bank transfer is refunded, and "
        "what you paid with an earlier credit comes back to you as a credit: it is never lost."
    ),
    "policy.privacy.heading": "Your data",
    "policy.privacy.body": (
        "I keep your name, email, phone and answers for {days} after your last appointment; "
        "then they are deleted automatically. You can ask me to delete them sooner, at any "
        "time: only the payment records stay, without your name."
    ),
    "policy.privacy.stranger": (
        "Knowing your email address is not enough to act for you. Someone who types it on "
        "the booking page never sees your appointments, your history or your credit, and "
        "cannot tell whether you can book online with me: an address I no longer take "
        "online bookings from gets the same answer as any other, nothing is booked, and its "
        "owner hears from me by email. What they can learn is only what a new booking with "
        "your address would ask:"
    ),
    "policy.privacy.stranger_intake": (
        "whether the questions for a first booking are asked, so whether you have had an "
        "appointment with me before;"
    ),
    "policy.privacy.stranger_tier": (
        "the deposit your reliability tier asks, and whether I confirm the booking "
        "personally (never why);"
    ),
    "policy.privacy.stranger_none": "nothing else.",
    "policy.confirm.heading": "Confirming by email",
    "policy.confirm.body": (
        "After you book, I send you an email with a link that is yours alone: only that link "
        "can confirm, move or cancel the booking, switch how we meet, ask for an emergency "
        "waiver or use a credit. The link shown on the booking page right after you book "
        "can only show the booking and take its deposit."
    ),
    "policy.confirm.press": (
        "A booking that pays nothing here (a free service, or a deposit your credit covers) "
        "is confirmed when you press Confirm in that email, and a credit is used only then. "
        "Until you press it, the time is held for {hold}; then it is released."
    ),
    "policy.examples.heading": "Examples",
    "policy.examples.intro": (
        "The examples below are computed with the same rules the system applies to "
        "bookings. Each concerns an appointment for “{service}” ({mode}) on {start}, with "
        "a deposit of {deposit} paid."
    ),
    "policy.examples.none": (
        "All services are free, so there is no deposit at stake; late cancellations and "
        "no-shows still count towards your reliability record."
    ),
    "policy.version.heading": "Version",
    "policy.version.body": "Version of this policy: {version}.",
    # Worked examples.
    "ex.title.early_cancel": "Cancelling in time",
    "ex.title.late_cancel": "Cancelling late, {lead} before",
    "ex.title.early_reschedule": "Rescheduling in time",
    "ex.title.late_reschedule": "Rescheduling late, {lead} before",
    "ex.title.mode_switch": "Switching how we meet",
    "ex.title.no_show": "A no-show",
    "ex.title.waiver": "An emergency",
    "ex.story.cancel": "Your appointment is on {start}; you cancel on {at}, {lead} before.",
    "ex.story.reschedule": (
        "Your appointment is on {start}; on {at}, {lead} before, you move it to another day."
    ),
    "ex.story.mode_switch": (
        "Your appointment is on {start} ({mode}); on {at} you realise you cannot make it as "
        "planned, so you switch to {to}."
    ),
    "ex.story.no_show": (
        "Your appointment is on {start}; you neither arrive nor let me know, and on {at}, "
        "{lead} after the start, the no-show is recorded."
    ),
    "ex.story.waiver": (
        "Your appointment was on {start}; an emergency kept you from coming and from letting "
        "me know, and you write to me on {at}."
    ),
    # Reliability, at booking time and on the manage page.
    "tier.prepay": (
        "Thank you for booking again. For this appointment I ask for the full price in "
        "advance, as the cancellation policy provides; the email I have sent you says why."
    ),
    "tier.approval": (
        "Thank you for your request. As the cancellation policy provides, I confirm this "
        "appointment personally: you will hear from me soon, by email."
    ),
    "waiver.why.not_eligible": (
        "An emergency waiver applies to a late cancellation or a missed appointment."
    ),
    "waiver.why.limit": (
        "The emergency waiver of this year has already been used: if something serious "
        "happened, please write to me directly."
    ),
    "waiver.why.requested": "Your request has been received: I will answer you soon.",
    "waiver.why.waived": "This appointment has already been waived.",
    "waiver.why.declined": "This request has already been answered.",
    "fit.good": "Preferred days and times: within your hours.",
    "fit.partial": "Preferred days and times: only partly within your hours (not: {misses}).",
    "fit.none": "Preferred days and times: outside your hours ({misses}).",
    "fit.part.morning": "morning",
    "fit.part.afternoon": "afternoon",
    "fit.part.evening": "evening",
}
