"""The rows the CLI prints: bookings, one client's record, every client's standing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from keepslot.adapters.settings import KeepslotConfig
from keepslot.domain.booking import Booking
from keepslot.domain.instants import iso
from keepslot.domain.reliability import STRIKE_KINDS, client_tier, strikes, waivers_left
from keepslot.service.snapshots import ClientSnapshot

Row = dict[str, Any]
HISTORY_KINDS = (
    "booked",
    "completed",
    "early_cancel",
    "late_cancel",
    "reschedule",
    "late_reschedule",
    "no_show",
    "waiver",
)


def _local(dt: datetime, config: KeepslotConfig) -> str:
    return dt.astimezone(ZoneInfo(config.business.timezone)).strftime("%Y-%m-%d %H:%M")


def booking_row(b: Booking, config: KeepslotConfig) -> Row:
    return {
        "start": _local(b.start, config),
        "id": b.id,
        "status": b.status.value,
        "service": b.service,
        "mode": b.mode.value,
        "client": b.client.name,
        "email": b.client.email,
        "deposit": f"{b.deposit.amount.amount / 100:.2f} {b.deposit.amount.currency}",
        "deposit_status": b.deposit.status.value,
        "start_utc": iso(b.start),
    }


def select_bookings(
    bookings: list[Booking],
    config: KeepslotConfig,
    first: date | None,
    last: date | None,
    status: str | None,
) -> list[Booking]:
    tz = ZoneInfo(config.business.timezone)

    def keep(b: Booking) -> bool:
        day = b.start.astimezone(tz).date()
        return (
            (first is None or day >= first)
            and (last is None or day <= last)
            and (status is None or b.status.value == status)
        )

    return [b for b in bookings if keep(b)]


def _tiers(config: KeepslotConfig) -> list[tuple[int, str]]:
    return [(t.strikes, t.rule) for t in config.reliability.tiers]


def standing(snap: ClientSnapshot, config: KeepslotConfig, now: datetime) -> Row:
    """Counters, strikes, tier and waivers left, all derived from the events."""
    window = config.reliability.window_days
    tier = client_tier(snap.events, now, window, _tiers(config), blocked=snap.blocked)
    return {
        "email": snap.email,
        "name": snap.profile.get("name", ""),
        "phone": snap.profile.get("phone", ""),
        **{k: snap.count(k) for k in HISTORY_KINDS},
        "strikes": strikes(snap.events, now, window),
        "tier": tier.rule.value if tier.rule else "standard",
        "waivers_left": waivers_left(snap.events, now, config.policy.emergency_waivers_per_year),
        "blocked": snap.blocked,
    }


def client_record(snap: ClientSnapshot, config: KeepslotConfig, now: datetime) -> Row:
    forgiven = {e.booking_id for e in snap.events if e.kind == "waiver"}
    return {
        "standing": standing(snap, config, now),
        "credits": [
            {
                "amount": f"{c.amount / 100:.2f} {c.currency}",
                "until": _local(c.until, config),
                "from_booking": c.source_booking_id,
            }
            for c in snap.credits
        ],
        "history": [
            {
                "at": _local(e.at, config),
                "event": e.kind,
                "booking": e.booking_id,
                "strike": "waived"
                if e.kind in STRIKE_KINDS and e.booking_id in forgiven
                else ("yes" if e.kind in STRIKE_KINDS else ""),
            }
            for e in sorted(snap.events, key=lambda e: e.at)
        ],
    }


def at_risk(row: Row) -> bool:
    return bool(row["strikes"]) or bool(row["blocked"])
