"""Erasing a client for good (GDPR): their data here and their Customer at Stripe.

Stripe goes first: if it cannot be reached nothing here is touched yet, so running
the erase again finds the same client and finishes the job. What stays (credits,
ledger rows) is filed under a keyed pseudonym, which nobody can recompute from the
address without the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from keepslot.service.ports.store import ClientRecords, Customers


@dataclass(frozen=True, slots=True)
class Erased:
    counts: dict[str, int]
    # Customers left at the card provider: payments are offline now, so only the
    # freelancer can delete them (Stripe Dashboard, Customers).
    customers_left: list[str] = field(default_factory=list)


def erase_client(
    records: ClientRecords,
    payments: Customers | None,
    pseudonym: Callable[[str], str],
    email: str,
) -> Erased:
    email = email.strip().lower()
    customers = records.customers(email)
    if payments is None:
        counts = records.erase(email, pseudonym(email))
        return Erased(counts | {"stripe_customers": 0}, customers)
    for customer in customers:
        payments.delete_customer(customer)
    counts = records.erase(email, pseudonym(email))
    return Erased(counts | {"stripe_customers": len(customers)})
