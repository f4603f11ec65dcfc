"""The rows the CLI prints: bookings, one client's record, every client's standing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from keepslot.config.model import KeepslotConfig
from keepslot.domain.booking import Booking
from keepslot.domain.instants import iso
from keepslot.domain.reliability import STRIKE_KINDS, client_tier, strikes, waivers_left
from keepslot.domain.terms import Terms
from keepslot.service.ports.snapshots import ClientSnapshot

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


# The columns of a booking's row that each listing shows: the terminal's table (local
# times), and the export (UTC, and the client's address, for spreadsheets).
BOOKING_COLUMNS = ("start", "id", "status", "service", "mode", "client", "deposit")
EXPORT_COLUMNS = (
    "id",
    "start_utc",
    "status",
    "service",
    "mode",
    "client",
    "email",
    "deposit",
    "deposit_status",
)


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
    return config.reliability.rules()


# The columns of a standing that the list of clients shows.
CLIENT_COLUMNS = (
    "email",
    "name",
    "booked",
    "completed",
    "late_cancel",
    "no_show",
    "strikes",
    "tier",
    "blocked",
)


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


def client_record(
    snap: ClientSnapshot, config: KeepslotConfig, now: datetime, bookings: list[Booking], site: str
) -> Row:
    """Standing, bookings with the policy each accepted, credits and history; `site` is
    where the published policy page lives."""
    forgiven = {e.booking_id for e in snap.events if e.kind == "waiver"}
    return {
        "standing": standing(snap, config, now),
        "bookings": [
            {
                "start": _local(b.start, config),
                "id": b.id,
                "status": b.status.value,
                "service": b.service,
                "policy": b.terms.version,
            }
            for b in sorted(bookings, key=lambda b: b.start)
        ],
        "policies": _policies(bookings, config, site),
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


def _policies(bookings: list[Booking], config: KeepslotConfig, site: str) -> list[Row]:
    """Each policy version the client accepted: where to read it, and its stored rules."""
    seen: dict[str, Booking] = {}
    for b in bookings:
        seen.setdefault(b.terms.version, b)
    site = site.rstrip("/")
    return [
        {
            "version": version,
            "current": version == config.policy_version,
            "read": f"{site}/policy/" if version == config.policy_version else "",
            "rules": rules_text(b.terms, b.deposit.amount.currency),
        }
        for version, b in seen.items()
    ]


def rules_text(t: Terms, currency: str) -> str:
    """A booking's stored terms in one line, as the client accepted them."""
    tiers = ", ".join(f"under {x.under_hours} h {x.forfeit_percent}% kept" for x in t.late_tiers)
    fee = f"{t.no_show_fee / 100:.2f} {currency}" if t.no_show_fee else "none"
    return (
        f"free changes up to {t.free_change_hours} h before (a cancel gives a "
        f"{t.early_cancel.value}); late: {tiers}, the rest as a {t.late_remainder.value}; "
        f"a credit is kept for a booking within {t.credit_rebook_days} days; no-show after "
        f"{t.grace_minutes} min, fee {fee}; a waiver gives back a {t.waiver_returns_as.value}"
    )
