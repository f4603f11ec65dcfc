"""Instants as text: UTC, second precision, `Z`, so string order is time order.

The one wire format for times in keys, API answers and outbox messages.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
