"""Every port the use cases depend on, with its errors and the values it carries.

Adapters implement these and import nothing else of the service layer (ARCHITECTURE.md);
tests/support/fakes.py stands in for them. One module per kind of port:

- `store`: the table (reads, the one Change per use case, a few narrow writes), the clock;
- `changes`: a Change and what it holds (jobs, outbox messages, ledger rows...);
- `snapshots`: what the store reads back (a client's snapshot, due items, an agenda);
- `payments`: the card provider, its errors and values;
- `mail`: the postman;
- `calendars`: the freelancer's other calendars;
- `tokens`: what a signed link grants.
"""

from keepslot.service.ports.busy_times import (
    BusyTable,
    CalendarState,
    Expander,
    FeedFailed,
    FeedSource,
    Fetched,
    StateChanged,
)
from keepslot.service.ports.changes import (
    Change,
    ClientEvent,
    EventSeen,
    Hold,
    Idempotency,
    IdempotencyTaken,
    Job,
    JobKind,
    LedgerEntry,
    Message,
    NetworkDay,
)
from keepslot.service.ports.claims import Claim, Purpose
from keepslot.service.ports.gateway import (
    NOTHING_DUE,
    BadEvent,
    CardNotSaved,
    CardSetup,
    Intent,
    PaymentDeclined,
    PaymentGateway,
    PaymentRefused,
    PaymentStep,
    PaymentUnavailable,
    Refund,
    WebhookNotReady,
)
from keepslot.service.ports.postman import DeliveryFailed, Postman
from keepslot.service.ports.snapshots import Agenda, ClientSnapshot, DueItem
from keepslot.service.ports.store import (
    AdminReads,
    ClientRecords,
    Clock,
    Customers,
    DigestReads,
    JobAttempts,
    Outbox,
    Profiles,
    Store,
)

__all__ = [
    "NOTHING_DUE",
    "AdminReads",
    "Agenda",
    "BadEvent",
    "BusyTable",
    "CalendarState",
    "CardNotSaved",
    "CardSetup",
    "Change",
    "Claim",
    "ClientEvent",
    "ClientRecords",
    "ClientSnapshot",
    "Clock",
    "Customers",
    "DeliveryFailed",
    "DigestReads",
    "DueItem",
    "EventSeen",
    "Expander",
    "FeedFailed",
    "FeedSource",
    "Fetched",
    "Hold",
    "Idempotency",
    "IdempotencyTaken",
    "Intent",
    "Job",
    "JobAttempts",
    "JobKind",
    "LedgerEntry",
    "Message",
    "NetworkDay",
    "Outbox",
    "PaymentDeclined",
    "PaymentGateway",
    "PaymentRefused",
    "PaymentStep",
    "PaymentUnavailable",
    "Postman",
    "Profiles",
    "Purpose",
    "Refund",
    "StateChanged",
    "Store",
    "WebhookNotReady",
]
