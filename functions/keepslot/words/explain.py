"""One paragraph telling the client what an `Outcome` of `decide()` means for them.

Present tense, so the same words serve the manage page's preview ("what will
happen") and the answer after the action ("what happened").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from keepslot.domain.policy import Fate, Outcome, Reason
from keepslot.domain.terms import Returned
from keepslot.words.catalog import Words
from keepslot.words.formats import Zone, format_money, format_when

if TYPE_CHECKING:
    from keepslot.config.model import KeepslotConfig
    from keepslot.domain.booking import Booking

# After these the client has no appointment left: always invite them to pick a new time.
_INVITE = frozenset(
    {
        Reason.NOTHING_PAID,
        Reason.EARLY_CANCEL,
        Reason.LATE_CANCEL,
        Reason.NO_SHOW,
        Reason.WAIVER,
        Reason.FREELANCER_CANCEL,
        Reason.CREDIT_EXPIRED,
        Reason.REFILL,
    }
)
# These sentences already say everything about the money.
_SELF_CONTAINED = frozenset({Reason.MODE_SWITCH_FREE, Reason.CREDIT_EXPIRED})


def explain_to(
    outcome: Outcome, booking: Booking, config: KeepslotConfig, *, to_client: bool = True
) -> str:
    """The outcome of a change to `booking`, in the site's language, for whoever reads it:
    the client (in their time zone) or the freelancer (in the business's)."""
    tz = booking.timezone if to_client and booking.timezone else config.business.timezone
    by_card = booking.payment_ref.get("fee") != "due"  # else the freelancer asks for it
    locale = config.business.locale
    return explain(outcome, locale, tz, fee_by_card=by_card, to_client=to_client)


def explain(
    outcome: Outcome, locale: str, tz: Zone, *, fee_by_card: bool = True, to_client: bool = True
) -> str:
    """The outcome in words, in `locale`, with dates shown in the time zone `tz`.

    `fee_by_card`: a no-show fee is charged to the saved card (stripe), else it is owed.
    `to_client`: the client also hears when it counts against their record."""
    words = Words(locale)

    def money(minor: int) -> str:
        return format_money(minor, outcome.currency, locale)

    parts = [words(f"out.head.{outcome.reason.value}", amount=money(outcome.forfeited))]
    if outcome.reason not in _SELF_CONTAINED:
        parts += _money_sentences(outcome, words, money, tz)
    if outcome.fee:
        parts.append(words("out.fee" if fee_by_card else "out.fee_due", fee=money(outcome.fee)))
    if outcome.strike and to_client:
        parts += [words("out.strike"), words("out.emergency")]
    if outcome.reason in _INVITE:
        parts.append(words("out.invite"))
    return " ".join(parts)


def _money_sentences(
    outcome: Outcome, words: Words, money: Callable[[int], str], tz: Zone
) -> list[str]:
    out: list[str] = []
    amount = money(outcome.amount)
    if outcome.fate is Fate.CARRIED:
        out.append(words("out.money.carried", amount=amount))
    elif outcome.forfeited >= outcome.amount > 0:
        out.append(words("out.money.forfeited_all", amount=amount))
    elif outcome.forfeited > 0:
        out.append(
            words("out.money.forfeited_part", amount=amount, forfeited=money(outcome.forfeited))
        )
    elif outcome.amount == 0 and outcome.reason is not Reason.NOTHING_PAID:
        out.append(words("out.money.no_deposit"))

    back = outcome.returned
    if back is None or back.amount == 0:
        return out
    if outcome.fate is Fate.WAIVED:
        what = words("out.what.kept", amount=money(back.amount))
    elif outcome.reason is Reason.REFILL:
        what = words("out.what.refill", amount=money(back.amount))
    elif outcome.forfeited == 0 and back.amount == outcome.amount:
        what = words("out.what.deposit", amount=money(back.amount))
    else:
        what = words("out.what.rest", amount=money(back.amount))
    if back.as_ is Returned.REFUND and back.credit and outcome.credit_until is not None:
        until = format_when(outcome.credit_until, words.locale, tz)
        card, credit = money(back.to_card), money(back.credit)
        out.append(words("out.back.refund_split", what=what, card=card, credit=credit, until=until))
    elif back.as_ is Returned.REFUND:
        out.append(words("out.back.refund", what=what))
    elif outcome.credit_until is not None:
        until = format_when(outcome.credit_until, words.locale, tz)
        out.append(words("out.back.credit_until", what=what, until=until))
    else:
        out.append(words("out.back.credit", what=what))
    return out
