"""The waitlist's, the offers' and the refills' strings: each key with its wording in every
locale, side by side (the catalogue joins them to `it.py` and `en.py`)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title.waitlist": {
        "it": "Lista d'attesa",
        "en": "Waitlist",
    },
    "policy.refill.heading": {
        "it": "Se qualcun altro prende il tuo orario",
        "en": "If someone else takes your time",
    },
    "policy.refill.body": {
        "it": (
            "Quello che conta è che l'orario non resti vuoto. Se cancelli tardi e un'altra "
            "persona prende quell'orario, quando la sua prenotazione è confermata ti torna il "
            "{percent} di quanto era stato trattenuto, una volta sola."
        ),
        "en": (
            "What matters is that the time does not stay empty. If you cancel late and "
            "someone else takes that time, once their booking is confirmed {percent} of what "
            "was kept comes back to you, once."
        ),
    },
    "policy.refill.as_credit": {
        "it": (
            "Ti torna come credito, usato quando confermi dall'email una nuova prenotazione "
            "entro {days} dall'inizio dell'appuntamento originale."
        ),
        "en": (
            "It comes back as a credit, used when you confirm a new booking from its email "
            "within {days} of the original appointment's start."
        ),
    },
    "policy.refill.as_refund": {
        "it": "Ti viene rimborsato.",
        "en": "It is refunded to you.",
    },
    "policy.waitlist.heading": {
        "it": "Lista d'attesa",
        "en": "Waitlist",
    },
    "policy.waitlist.body": {
        "it": (
            "Se gli orari che cerchi sono pieni, puoi chiedere di essere avvisato quando se "
            "ne libera uno: l'avviso va a poche persone alla volta, in ordine di iscrizione, "
            "e l'orario è di chi prenota per primo. L'avviso non dice mai chi ha cancellato. "
            "Puoi uscire dalla lista quando vuoi con il link dell'email."
        ),
        "en": (
            "If the times you want are full, you can ask to hear when one frees up: the "
            "notice goes to a few people at a time, in the order they joined, and the time "
            "goes to whoever books first. The notice never says who cancelled. You can leave "
            "the list at any time with the link in its email."
        ),
    },
    "ex.title.refill": {
        "it": "Cancellazione tardiva, poi l'orario viene preso",
        "en": "Cancelling late, then the time is taken",
    },
    "ex.story.refill": {
        "it": (
            "Il tuo appuntamento è {start}; cancelli {lead} prima, e un'altra persona prende "
            "quell'orario e lo conferma {at}."
        ),
        "en": (
            "Your appointment is on {start}; you cancel {lead} before, and someone else takes "
            "that time and confirms it on {at}."
        ),
    },
    "err.wait_order": {
        "it": "Il giorno finale non può venire prima di quello iniziale.",
        "en": "The last day cannot come before the first.",
    },
    "err.wait_past": {
        "it": "Il giorno iniziale è già passato: scegline uno da oggi in poi.",
        "en": "The first day has already passed: pick one from today on.",
    },
    "err.wait_range": {
        "it": "Puoi chiedere al massimo {days} giorni alla volta.",
        "en": "You can ask for at most {days} days at a time.",
    },
    "err.wait_horizon": {
        "it": "Le prenotazioni si aprono al massimo {days} giorni prima.",
        "en": "Bookings open at most {days} days ahead.",
    },
    "err.wait_full": {
        "it": (
            "Con questo indirizzo sei già in lista per {n} richieste: esci da una di esse con "
            "il link della sua email, poi riprova."
        ),
        "en": (
            "This address is already on the list for {n} requests: leave one of them with the "
            "link in its email, then try again."
        ),
    },
    "manage.refill": {
        "it": "Se qualcun altro prende questo orario, ti torna {amount}.",
        "en": "If someone else takes this time, you get back {amount}.",
    },
}


def strings(locale: str) -> dict[str, str]:
    """One locale's strings of this table."""
    return {key: wording[locale] for key, wording in TEXTS.items()}
