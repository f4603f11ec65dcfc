"""The shapes of the dashboard's answers, for the OpenAPI document (see answers.py)."""

from __future__ import annotations

from typing import Any

from keepslot.handlers.answers import Answer, BookingOut, Sometimes


class LoginAnswer(Answer):
    status: str


class SessionAnswer(Answer):
    token: str
    expires: str


class AgendaOut(BookingOut):
    strikes: int
    price: dict[str, Any]


class AtRiskOut(Answer):
    name: str
    email: str
    strikes: int
    tier: Sometimes[str]
    next: Sometimes[str]


class OverviewAnswer(Answer):
    agenda: list[AgendaOut]
    needs_you: list[dict[str, Any]]  # each kind carries its own details
    at_risk: list[AtRiskOut]


class ReportAnswer(Answer):
    months: list[dict[str, Any]]
    currency: str
    totals: dict[str, Any]
    by_policy_version: list[dict[str, Any]]
