"""Refusals (`DomainError.reason`) in each locale, worded at the HTTP edge
(handlers/errors.py); the domain itself speaks English, for the logs."""

from __future__ import annotations

IT: dict[str, str] = {
    "err.started": "L'appuntamento è già iniziato: non si può più modificare.",
    "err.over": "L'appuntamento è già concluso.",
    "err.moved": "Questa prenotazione è stata spostata: usa il link della nuova prenotazione.",
    "err.confirmed_only": (
        "Si può spostare solo una prenotazione confermata: puoi cancellarla e prenotare di nuovo."
    ),
    "err.no_show_grace": "La mancata presentazione si può segnare {minutes} minuti dopo l'inizio.",
    "err.not_waivable": "Su questa prenotazione non c'è nulla da condonare.",
    "err.passed": "Quell'orario è già passato: scegline un altro.",
    "err.closed": "In quel giorno non ricevo: scegli un altro giorno.",
    "err.full": "Quel giorno è già al completo: scegli un altro giorno.",
    "err.taken": "Quell'orario è appena stato prenotato: scegline un altro.",
    "err.same_time": "È già l'orario della prenotazione.",
    "err.booking_is.held": "Questa prenotazione è in attesa dell'acconto.",
    "err.booking_is.pending_approval": "Questa prenotazione è in attesa di approvazione.",
    "err.booking_is.confirmed": "Questa prenotazione è già confermata.",
    "err.booking_is.cancelled": "Questa prenotazione è stata cancellata.",
    "err.booking_is.rescheduled": "Questa prenotazione è stata spostata a un altro orario.",
    "err.booking_is.declined": "Questa prenotazione non è stata accettata.",
    "err.booking_is.completed": "Questo appuntamento si è già svolto.",
    "err.booking_is.no_show": "Questo appuntamento è segnato come mancata presentazione.",
    "err.booking_is.expired": "Questa prenotazione è scaduta: l'acconto non è arrivato in tempo.",
}

EN: dict[str, str] = {
    "err.started": "The appointment has already started: it can no longer be changed.",
    "err.over": "The appointment is already over.",
    "err.moved": "This booking was moved: please use the link of the new booking.",
    "err.confirmed_only": (
        "Only a confirmed booking can be moved: you can cancel it and book again."
    ),
    "err.no_show_grace": "A no-show can be recorded {minutes} minutes after the start.",
    "err.not_waivable": "There is nothing to waive on this booking.",
    "err.passed": "That time has already passed: please pick another.",
    "err.closed": "I don't see clients on that day: please pick another day.",
    "err.full": "That day is fully booked: please pick another day.",
    "err.taken": "That time has just been taken: please pick another.",
    "err.same_time": "That is already the time of the booking.",
    "err.booking_is.held": "This booking is waiting for its deposit.",
    "err.booking_is.pending_approval": "This booking is waiting for approval.",
    "err.booking_is.confirmed": "This booking is already confirmed.",
    "err.booking_is.cancelled": "This booking was cancelled.",
    "err.booking_is.rescheduled": "This booking was moved to another time.",
    "err.booking_is.declined": "This booking was not accepted.",
    "err.booking_is.completed": "This appointment has already taken place.",
    "err.booking_is.no_show": "This appointment is recorded as a no-show.",
    "err.booking_is.expired": "This booking expired: the deposit did not arrive in time.",
}
