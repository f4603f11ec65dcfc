"""Every port the use cases depend on, with its errors and the values it carries.

Adapters implement these and import nothing else of the service layer (ARCHITECTURE.md);
tests/support/fakes.py stands in for them. One module per kind of port:

- `store`: the table (reads, the one Change per use case, a few narrow writes), the clock;
- `changes`: a Change and what it holds (jobs, outbox messages, ledger rows...);
- `snapshots`: what the store reads back (a client's snapshot, due items, an agenda);
- `gateway`: the card provider, its errors and values;
- `postman`: sending mail, and the signed links a letter carries;
- `busy_times`: the freelancer's other calendars and the busy times kept for them;
- `claims`: what a signed link grants;
- `report_counters`: what a Change adds to the reliability report's counters.
"""

# `X as X`: each name is re-exported on purpose (mypy --strict, ruff).
from keepslot.service.ports.busy_times import BusyTable as BusyTable
from keepslot.service.ports.busy_times import CalendarState as CalendarState
from keepslot.service.ports.busy_times import Expander as Expander
from keepslot.service.ports.busy_times import FeedFailed as FeedFailed
from keepslot.service.ports.busy_times import FeedSource as FeedSource
from keepslot.service.ports.busy_times import Fetched as Fetched
from keepslot.service.ports.busy_times import StateChanged as StateChanged
from keepslot.service.ports.changes import Change as Change
from keepslot.service.ports.changes import ClientEvent as ClientEvent
from keepslot.service.ports.changes import EventSeen as EventSeen
from keepslot.service.ports.changes import Hold as Hold
from keepslot.service.ports.changes import Idempotency as Idempotency
from keepslot.service.ports.changes import IdempotencyTaken as IdempotencyTaken
from keepslot.service.ports.changes import Job as Job
from keepslot.service.ports.changes import JobKind as JobKind
from keepslot.service.ports.changes import LedgerEntry as LedgerEntry
from keepslot.service.ports.changes import Message as Message
from keepslot.service.ports.changes import NetworkDay as NetworkDay
from keepslot.service.ports.claims import Claim as Claim
from keepslot.service.ports.claims import Purpose as Purpose
from keepslot.service.ports.gateway import NOTHING_DUE as NOTHING_DUE
from keepslot.service.ports.gateway import BadEvent as BadEvent
from keepslot.service.ports.gateway import CardNotSaved as CardNotSaved
from keepslot.service.ports.gateway import CardSetup as CardSetup
from keepslot.service.ports.gateway import Intent as Intent
from keepslot.service.ports.gateway import PaymentDeclined as PaymentDeclined
from keepslot.service.ports.gateway import PaymentGateway as PaymentGateway
from keepslot.service.ports.gateway import PaymentRefused as PaymentRefused
from keepslot.service.ports.gateway import PaymentStep as PaymentStep
from keepslot.service.ports.gateway import PaymentUnavailable as PaymentUnavailable
from keepslot.service.ports.gateway import Refund as Refund
from keepslot.service.ports.gateway import WebhookNotReady as WebhookNotReady
from keepslot.service.ports.postman import DeliveryFailed as DeliveryFailed
from keepslot.service.ports.postman import Postman as Postman
from keepslot.service.ports.report_counters import ReportCounters as ReportCounters
from keepslot.service.ports.report_counters import increments as increments
from keepslot.service.ports.snapshots import Agenda as Agenda
from keepslot.service.ports.snapshots import ClientSnapshot as ClientSnapshot
from keepslot.service.ports.snapshots import DueItem as DueItem
from keepslot.service.ports.store import AdminReads as AdminReads
from keepslot.service.ports.store import ClientRecords as ClientRecords
from keepslot.service.ports.store import Clock as Clock
from keepslot.service.ports.store import Customers as Customers
from keepslot.service.ports.store import DigestReads as DigestReads
from keepslot.service.ports.store import JobAttempts as JobAttempts
from keepslot.service.ports.store import Outbox as Outbox
from keepslot.service.ports.store import Profiles as Profiles
from keepslot.service.ports.store import Store as Store
