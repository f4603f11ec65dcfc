"""Domain errors; the HTTP edge maps each to a status code once."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every rule the domain refuses."""

    code = "domain_error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        fields: dict[str, str] | None = None,
        reason: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message  # English, for logs; pages word `reason` in their language
        self.field = field
        # Which rule refused, and its values: the HTTP edge words it in the site's language.
        self.reason = reason
        self.params = dict(params or {})
        # Several fields at once (e.g. every unanswered intake question), each with its reason.
        self.fields = fields or ({field: message} if field else {})


class InvalidInput(DomainError):
    code = "invalid_input"


class IntakeNeeded(InvalidInput):
    """A new client has not answered the questions the freelancer asks first-timers."""

    code = "intake_needed"


class Conflict(DomainError):
    """Someone else changed the same booking or credit first: reading again and deciding
    again may succeed (the store raises it when a transaction's condition fails)."""

    code = "not_allowed_now"


class IllegalTransition(DomainError):
    code = "not_allowed_now"


class NotAllowedNow(DomainError):
    code = "not_allowed_now"


class SlotTaken(DomainError):
    code = "slot_taken"


class PolicyChanged(DomainError):
    code = "policy_changed"


class Superseded(DomainError):
    code = "superseded"


class NotFound(DomainError):
    code = "not_found"


class ClientBlocked(DomainError):
    code = "client_blocked"


class TooManyHolds(DomainError):
    code = "too_many_holds"


class TooManyEntries(TooManyHolds):
    """An address already waits for as many times as the waitlist allows (429)."""

    code = "too_many_entries"


class BadToken(DomainError):
    code = "bad_token"


class WrongPurpose(DomainError):
    code = "wrong_purpose"


class EmailLinkNeeded(WrongPurpose):
    """The booking answer's link can look and pay; acting needs the link sent to the address."""

    code = "email_link_needed"


class Unavailable(DomainError):
    """A provider the action depends on (the card processor) failed or did not answer.

    Nothing was decided against the caller: the same request, sent again, completes it.
    """

    code = "unavailable"


class TooManyRequests(DomainError):
    """The same request, too often from one network: asked to wait."""

    code = "too_many_requests"
