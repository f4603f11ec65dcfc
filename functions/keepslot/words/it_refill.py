"""Italian strings of the waitlist, offers, refills and the reminder's buttons (keys mirror
`en_refill.py`; joined to `it.py` by the catalogue)."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "title.waitlist": "Lista d'attesa",
    "policy.refill.heading": "Se qualcun altro prende il tuo orario",
    "policy.refill.body": (
        "Quello che conta è che l'orario non resti vuoto. Se cancelli tardi e un'altra "
        "persona prende quell'orario, quando la sua prenotazione è confermata ti torna il "
        "{percent} di quanto era stato trattenuto, una volta sola."
    ),
    "policy.refill.as_credit": (
        "Ti torna come credito, usato quando confermi dall'email una nuova prenotazione "
        "entro {days} dall'inizio dell'appuntamento originale."
    ),
    "policy.refill.as_refund": "Ti viene rimborsato.",
    "policy.waitlist.heading": "Lista d'attesa",
    "policy.waitlist.body": (
        "Se gli orari che cerchi sono pieni, puoi chiedere di essere avvisato quando se ne "
        "libera uno: l'avviso va a poche persone alla volta, in ordine di iscrizione, e "
        "l'orario è di chi prenota per primo. L'avviso non dice mai chi ha cancellato. "
        "Puoi uscire dalla lista quando vuoi con il link dell'email."
    ),
    "ex.title.refill": "Cancellazione tardiva, poi l'orario viene preso",
    "ex.story.refill": (
        "Il tuo appuntamento è {start}; cancelli {lead} prima, e un'altra persona prende "
        "quell'orario e lo conferma {at}."
    ),
    "err.wait_order": "Il giorno finale non può venire prima di quello iniziale.",
    "err.wait_past": "Il giorno iniziale è già passato: scegline uno da oggi in poi.",
    "err.wait_range": "Puoi chiedere al massimo {days} giorni alla volta.",
    "err.wait_horizon": "Le prenotazioni si aprono al massimo {days} giorni prima.",
    "err.wait_full": (
        "Con questo indirizzo sei già in lista per {n} richieste: esci da una di esse "
        "con il link della sua email, poi riprova."
    ),
    "manage.refill": "Se qualcun altro prende questo orario, ti torna {amount}.",
}
