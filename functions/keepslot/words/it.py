"""Every client-facing string in Italian. Keys and `{placeholders}` mirror `en.py`.

Tone (from the source article): professional, firm about the freelancer's time,
always kind; emergencies happen; always invite to pick a new time.
"""

from __future__ import annotations

STRINGS: dict[str, str] = {
    # A day and a time together (their patterns: words/formats.py), and units.
    "fmt.at": "{day} alle {time}",
    "unit.minute.one": "{n} minuto",
    "unit.minute.other": "{n} minuti",
    "unit.hour.one": "{n} ora",
    "unit.hour.other": "{n} ore",
    "unit.day.one": "{n} giorno",
    "unit.day.other": "{n} giorni",
    "unit.times.one": "una volta",
    "unit.times.other": "{n} volte",
    "unit.hours_minutes": "{hours} e {minutes}",
    "mode.video": "videochiamata",
    "mode.phone": "telefono",
    "mode.in_person": "di persona",
    "mode.to.video": "alla videochiamata",
    "mode.to.phone": "al telefono",
    # The freelancer's calendar feed (their own calendar app shows these).
    "feed.summary": "{client} · {service} ({mode})",
    "feed.summary.waiting": "{client} · {service} ({mode}, {status})",
    "feed.line.status": "Stato: {status}",
    "feed.line.client": "Cliente: {name}, {email}",
    "feed.line.phone": "Telefono: {phone}",
    "feed.line.where": "Dove: {where}",
    "feed.line.you_call": "Al telefono: chiami tu",
    "feed.line.they_call": "Al telefono: {name} ti chiama al {number}",
    "feed.status.held": "in attesa dell'acconto",
    "feed.status.pending_approval": "da approvare",
    "feed.status.confirmed": "confermata",
    "feed.status.cancelled": "cancellata",
    "feed.status.rescheduled": "spostata a un altro orario",
    "feed.status.declined": "rifiutata",
    "feed.status.completed": "svolta",
    "feed.status.no_show": "mancata presentazione",
    "feed.status.expired": "scaduta, acconto non arrivato",
    # Navigation and page titles.
    "nav.home": "Inizio",
    "nav.policy": "Politica di cancellazione",
    "nav.book": "Prenota",
    "title.book": "Prenota un appuntamento",
    "title.manage": "La tua prenotazione",
    "title.admin": "Amministrazione della prenotazione",
    "title.dashboard": "Bacheca",
    # Outcomes (explain): present tense, for the preview and for the result alike.
    "out.head.nothing_paid": (
        "Non risulta alcun acconto versato, quindi non c'è nulla da trattenere."
    ),
    "out.head.early_cancel": "La cancellazione arriva in tempo: nessuna penale.",
    "out.head.late_cancel": "È una cancellazione tardiva.",
    "out.head.early_reschedule": "Lo spostamento arriva in tempo: nessuna penale.",
    "out.head.late_reschedule": (
        "È uno spostamento tardivo: il nuovo appuntamento richiede un nuovo acconto."
    ),
    "out.head.mode_switch_free": (
        "Cambiare modalità è sempre gratuito e non è una cancellazione: "
        "l'appuntamento resta confermato all'orario previsto."
    ),
    "out.head.no_show": "L'appuntamento risulta come mancata presentazione.",
    "out.head.waiver": (
        "Le emergenze capitano: per questa volta la trattenuta viene annullata "
        "e non conta nel tuo storico di affidabilità."
    ),
    "out.head.freelancer_cancel": (
        "Sono io a dover cancellare l'appuntamento, e me ne scuso: per te non ci sono conseguenze."
    ),
    "out.head.hold_expired": "Quanto avevi già pagato con un credito non va perso.",
    "out.head.credit_expired": (
        "Il credito di {amount} non è stato usato entro il termine previsto, quindi decade."
    ),
    "out.head.refill": (
        "Quando un'altra persona prende un orario cancellato tardi, una parte di quanto "
        "era stato trattenuto torna a chi l'aveva liberato."
    ),
    "out.what.refill": "Questa parte, {amount},",
    "out.money.carried": "L'acconto di {amount} passa al nuovo appuntamento.",
    "out.money.forfeited_all": "L'acconto di {amount} viene trattenuto per intero.",
    "out.money.forfeited_part": (
        "Dell'acconto di {amount} viene trattenuta una parte, pari a {forfeited}."
    ),
    "out.money.no_deposit": "Non risulta alcun acconto versato da trattenere.",
    "out.what.deposit": "L'acconto di {amount}",
    "out.what.rest": "Il resto, {amount},",
    "out.what.kept": "L'importo trattenuto, {amount},",
    "out.back.credit_until": (
        "{what} ti torna come credito, usato quando confermi dall'email una nuova "
        "prenotazione entro {until}; altrimenti decade."
    ),
    "out.back.credit": (
        "{what} ti torna come credito, usato quando confermi dall'email la tua prossima "
        "prenotazione."
    ),
    "out.back.refund": "{what} ti viene rimborsato.",
    "out.back.refund_split": (
        "{what} ti torna così: {card} come rimborso e {credit}, pagati con un credito "
        "precedente, come credito, applicato automaticamente se prenoti un nuovo "
        "appuntamento entro {until}; altrimenti decade."
    ),
    "out.fee": "Viene inoltre addebitata una penale di {fee} sulla carta salvata.",
    "out.fee_due": "È inoltre dovuta una penale di {fee}.",
    "out.strike": "Conta nel tuo storico di affidabilità.",
    "out.emergency": "Se si tratta di un'emergenza, scrivimi: le emergenze capitano.",
    "out.invite": (
        "Quando vuoi, scegli un nuovo orario: sarò felice di trovarne uno che vada bene per te."
    ),
    # Home page.
    "home.services": "Servizi",
    "home.duration": "Durata: {minutes}",
    "home.price": "Prezzo: {price}",
    "home.price_free": "Prezzo: gratuito",
    "home.deposit_percent": "Acconto alla prenotazione: {deposit} ({percent} del prezzo)",
    "home.deposit_amount": "Acconto alla prenotazione: {deposit}",
    "home.deposit_none": "Nessun acconto",
    "home.modes": "Modalità: {modes}",
    "home.book_service": "Prenota",
    "home.where": "Dove trovarmi",
    "home.phone": "Telefono: {phone}",
    "home.how": "Come funziona",
    "home.how_book": (
        "Scegli il servizio e l'orario che preferisci: la conferma arriva via email, "
        "con il link per gestire la prenotazione."
    ),
    "home.how_free": ("Puoi cancellare o spostare gratuitamente fino a {free} prima dell'inizio."),
    "home.how_switch": (
        "Se all'ultimo momento non riesci a venire, puoi passare {to} in qualsiasi momento, "
        "senza costi."
    ),
    "home.book_button": "Prenota un appuntamento",
    "home.policy_button": "Leggi la politica di cancellazione",
    # Policy page.
    "policy.title": "Politica di cancellazione",
    "policy.intro": (
        "Ogni appuntamento è tempo che preparo apposta per te. Queste regole proteggono "
        "quel tempo e ti lasciano margine per cambiare programma. Non sono solo un testo: "
        "il sistema di prenotazione le applica esattamente come sono scritte qui, e prima "
        "di cancellare o spostare ti mostra sempre cosa succederà al tuo acconto."
    ),
    "policy.deposit.heading": "L'acconto",
    "policy.deposit.intro": "Per confermare una prenotazione è richiesto un acconto:",
    "policy.deposit.percent": "{service} ({price}): acconto di {deposit}, il {percent} del prezzo",
    "policy.deposit.amount": "{service} ({price}): acconto di {deposit}",
    "policy.deposit.none": "{service} ({price}): nessun acconto",
    "policy.deposit.free": "{service}: servizio gratuito, nessun acconto",
    "policy.hold.offline": (
        "Dopo la prenotazione, l'orario resta riservato per {hours} in attesa del bonifico "
        "dell'acconto; se il bonifico non arriva in tempo, l'orario torna disponibile."
    ),
    "policy.hold.card": (
        "Dopo la prenotazione, l'orario resta riservato per {minutes} in attesa del "
        "pagamento con carta; poi torna disponibile."
    ),
    "policy.hold.credit": (
        "Se una parte dell'acconto era già stata pagata con un credito e l'orario torna "
        "disponibile, quella parte ti torna come credito."
    ),
    "policy.acceptance": (
        "Prenotando accetti questa politica. La prenotazione registra la versione che hai "
        "accettato: se in futuro la politica cambia, per la tua prenotazione vale quella."
    ),
    "policy.early.heading": "Cambiare programma in tempo",
    "policy.early.window": (
        "Puoi cancellare o spostare un appuntamento senza alcuna penale fino a {free} "
        "prima dell'inizio."
    ),
    "policy.early.cancel_credit": (
        "Se cancelli in tempo, l'acconto diventa un credito a tuo nome. Il credito resta "
        "valido se fai una nuova prenotazione entro {days} dall'inizio dell'appuntamento "
        "originale (il nuovo appuntamento può anche essere più avanti): prenota con la "
        "stessa email, poi premi Conferma nell'email che ti invio, e il credito paga "
        "quell'acconto. Se non lo usi entro quel termine, il credito decade."
    ),
    "policy.early.cancel_refund": (
        "Se cancelli in tempo, l'acconto ti viene rimborsato per intero."
    ),
    "policy.early.reschedule": (
        "Se sposti l'appuntamento in tempo, l'acconto passa al nuovo appuntamento."
    ),
    "policy.late.heading": "Cambiare programma all'ultimo momento",
    "policy.late.intro": (
        "Con meno di {free} di preavviso, cancellare o spostare è un cambiamento tardivo, "
        "perché quel tempo difficilmente può essere offerto a qualcun altro:"
    ),
    "policy.late.tier_range": "tra {upper} e {lower} prima dell'inizio: {keep}",
    "policy.late.tier_under": "a meno di {upper} dall'inizio: {keep}",
    "policy.late.keep": "viene trattenuto il {percent} dell'acconto",
    "policy.late.keep_all": "viene trattenuto l'intero acconto",
    "policy.late.keep_none": "nessuna trattenuta",
    "policy.late.rest_credit": (
        "La parte non trattenuta ti torna come credito, usato quando confermi dall'email "
        "una nuova prenotazione entro {days} dall'inizio dell'appuntamento originale."
    ),
    "policy.late.rest_refund": "La parte non trattenuta ti viene rimborsata.",
    "policy.late.reschedule": "Se sposti tardi, il nuovo appuntamento richiede un nuovo acconto.",
    "policy.switch.heading": "Puoi ancora esserci?",
    "policy.switch.body": (
        "Prima di cancellare all'ultimo momento, chiediti se puoi esserci in un altro modo: "
        "puoi passare {to} in qualsiasi momento, anche poco prima dell'inizio. È sempre "
        "gratuito e non è mai una cancellazione: l'appuntamento e il tuo acconto restano "
        "quelli."
    ),
    "policy.noshow.heading": "Se non ti presenti",
    "policy.noshow.body": (
        "Se non arrivi e non avvisi, trascorsi {grace} dall'inizio l'appuntamento può "
        "essere registrato come mancata presentazione e l'acconto viene trattenuto. Ricevi "
        "subito un messaggio con il link per fissare un nuovo orario."
    ),
    "policy.noshow.fee": (
        "Viene inoltre addebitata una penale di {fee} sulla carta salvata al momento "
        "della prenotazione."
    ),
    "policy.noshow.fee_offline": (
        "È inoltre dovuta una penale di {fee}: ti scriverò per dirti come saldarla."
    ),
    "policy.noshow.no_fee": "Non è previsto alcun addebito oltre all'acconto.",
    "policy.emergency.heading": "Emergenze",
    "policy.emergency.body": (
        "Le emergenze capitano, e nessuno può prevederle. Se ti succede qualcosa di serio, "
        "scrivimi: posso rinunciare alla trattenuta, anche senza che tu me lo chieda, fino "
        "a {times} all'anno per ciascun cliente."
    ),
    "policy.emergency.back_credit": (
        "In quel caso l'importo trattenuto ti torna come credito e l'evento non conta nel "
        "tuo storico di affidabilità."
    ),
    "policy.emergency.back_refund": (
        "In quel caso l'importo trattenuto ti viene rimborsato e l'evento non conta nel "
        "tuo storico di affidabilità."
    ),
    "policy.emergency.none": (
        "Le emergenze capitano. Questa politica non prevede deroghe alla trattenuta, ma se "
        "ti succede qualcosa scrivimi comunque: troveremo insieme un nuovo orario."
    ),
    "policy.reliability.heading": "Affidabilità",
    "policy.reliability.body": (
        "Per le prenotazioni successive contano le cancellazioni e gli spostamenti tardivi "
        "e le mancate presentazioni degli ultimi {days}:"
    ),
    "policy.reliability.prepay": "con {n} o più: l'acconto è pari al prezzo intero",
    "policy.reliability.approval": (
        "con {n} o più: le nuove prenotazioni richiedono la mia approvazione"
    ),
    "policy.reliability.never": (
        "Le deroghe per emergenza e le cancellazioni fatte da me non contano mai."
    ),
    "policy.reliability.own": (
        "Il tuo livello vale quando prenoti: la pagina di prenotazione mostra l'acconto "
        "richiesto e se confermo io personalmente la prenotazione; l'email che ti invio "
        "spiega il perché."
    ),
    "policy.reliability.new_clients": (
        "Le prenotazioni dei nuovi clienti richiedono la mia approvazione."
    ),
    "policy.reminders.heading": "Promemoria",
    "policy.reminders.body": "Ricevi un promemoria via email {hours} prima dell'appuntamento.",
    "policy.reminders.before_deadline": (
        "Il primo arriva prima della scadenza per le modifiche gratuite ({free} prima), "
        "così hai ancora tempo per cambiare programma senza penali."
    ),
    "policy.reminders.after_deadline": (
        "Ricorda che le modifiche gratuite sono possibili solo fino a {free} prima."
    ),
    "policy.reminders.video": (
        "Per gli appuntamenti in videochiamata, il promemoria contiene il link e le "
        "istruzioni per provarlo in anticipo."
    ),
    "policy.reminders.none": (
        "Non vengono inviati promemoria: l'email di conferma contiene un file da aggiungere "
        "al tuo calendario."
    ),
    "policy.freelancer.heading": "Se sono io a cancellare",
    "policy.freelancer.body": (
        "Se sono io a dover cancellare, ti restituisco l'acconto per intero (come rimborso, "
        "o come credito se lo avevi pagato con un credito) e la cancellazione non conta "
        "mai contro di te."
    ),
    "policy.refund.credit_part": (
        "Ogni volta che è previsto un rimborso, quanto hai pagato con carta o bonifico ti "
        "viene rimborsato, e quanto hai pagato con un credito precedente ti torna come "
        "credito: non va mai perso."
    ),
    "policy.privacy.heading": "I tuoi dati",
    "policy.privacy.body": (
        "Conservo il tuo nome, la tua email, il tuo telefono e le tue risposte per {days} "
        "dopo il tuo ultimo appuntamento; poi vengono cancellati automaticamente. Puoi "
        "chiedermi di cancellarli prima, in qualsiasi momento: restano solo le registrazioni "
        "dei pagamenti, senza il tuo nome."
    ),
    "policy.privacy.stranger": (
        "Conoscere il tuo indirizzo email non basta per agire al posto tuo. Chi lo scrive "
        "nella pagina di prenotazione non vede i tuoi appuntamenti, la tua storia o il tuo "
        "credito, e non può sapere se puoi prenotare online con me: un indirizzo da cui non "
        "accetto più prenotazioni online riceve la stessa risposta di tutti gli altri, non "
        "viene prenotato nulla e chi lo possiede riceve una mia email. Può sapere solo ciò "
        "che chiederebbe una nuova prenotazione con il tuo indirizzo:"
    ),
    "policy.privacy.stranger_intake": (
        "se vengono fatte le domande per la prima prenotazione, quindi se hai già avuto un "
        "appuntamento con me;"
    ),
    "policy.privacy.stranger_tier": (
        "l'acconto richiesto dal tuo livello di affidabilità, e se confermo io personalmente "
        "la prenotazione (mai il perché);"
    ),
    "policy.privacy.stranger_none": "nient'altro.",
    "policy.confirm.heading": "La conferma via email",
    "policy.confirm.body": (
        "Dopo la prenotazione ti invio un'email con un link che è solo tuo: solo quel link "
        "permette di confermare, spostare o cancellare la prenotazione, cambiare modalità, "
        "chiedere un'eccezione per un'emergenza o usare un credito. Il link mostrato sulla "
        "pagina subito dopo la prenotazione serve solo a vederla e a pagarne l'acconto."
    ),
    "policy.confirm.press": (
        "Una prenotazione che qui non paga nulla (un servizio gratuito, o un acconto coperto "
        "dal tuo credito) si conferma quando premi Conferma in quell'email, e il credito "
        "viene usato solo allora. Finché non lo premi, l'orario resta riservato per {hold}; "
        "poi viene liberato."
    ),
    "policy.examples.heading": "Esempi",
    "policy.examples.intro": (
        "Gli esempi che seguono sono calcolati con le stesse regole che il sistema applica "
        "alle prenotazioni. In tutti si tratta di un appuntamento per «{service}» ({mode}) "
        "fissato per {start}, con un acconto versato di {deposit}."
    ),
    "policy.examples.none": (
        "Tutti i servizi sono gratuiti, quindi non c'è alcun acconto in gioco; le "
        "cancellazioni tardive e le mancate presentazioni contano comunque nel tuo "
        "storico di affidabilità."
    ),
    "policy.version.heading": "Versione",
    "policy.version.body": "Versione di questa politica: {version}.",
    # Worked examples.
    "ex.title.early_cancel": "Cancellazione in tempo",
    "ex.title.late_cancel": "Cancellazione tardiva, {lead} prima",
    "ex.title.early_reschedule": "Spostamento in tempo",
    "ex.title.late_reschedule": "Spostamento tardivo, {lead} prima",
    "ex.title.mode_switch": "Cambio di modalità",
    "ex.title.no_show": "Mancata presentazione",
    "ex.title.waiver": "Un'emergenza",
    "ex.story.cancel": "Il tuo appuntamento è {start}; cancelli {at}, {lead} prima.",
    "ex.story.reschedule": (
        "Il tuo appuntamento è {start}; {at}, {lead} prima, lo sposti a un altro giorno."
    ),
    "ex.story.mode_switch": (
        "Il tuo appuntamento è {start} ({mode}); {at} ti accorgi che non riesci a esserci "
        "come previsto e passi {to}."
    ),
    "ex.story.no_show": (
        "Il tuo appuntamento è {start}; non arrivi e non avvisi, e {at}, {lead} dopo "
        "l'inizio, viene registrata la mancata presentazione."
    ),
    "ex.story.waiver": (
        "Il tuo appuntamento era {start}; un'emergenza ti ha impedito di venire e di "
        "avvisare, e me lo scrivi {at}."
    ),
    # Affidabilità, alla prenotazione e nella pagina di gestione.
    "tier.prepay": (
        "Grazie di aver prenotato di nuovo. Per questo appuntamento ti chiedo il prezzo "
        "intero in anticipo, come prevede la politica di cancellazione; l'email che ti ho "
        "inviato spiega il perché."
    ),
    "tier.approval": (
        "Grazie della richiesta. Come prevede la politica di cancellazione, confermo io "
        "personalmente questo appuntamento: ti scrivo a breve, via email."
    ),
    "waiver.why.not_eligible": (
        "L'esonero per emergenza vale per una cancellazione tardiva o un appuntamento mancato."
    ),
    "waiver.why.limit": (
        "L'esonero per emergenza di quest'anno è già stato usato: se è successo qualcosa "
        "di serio, scrivimi direttamente."
    ),
    "waiver.why.requested": "Ho ricevuto la tua richiesta: ti rispondo a breve.",
    "waiver.why.waived": "Per questo appuntamento l'esonero è già stato concesso.",
    "waiver.why.declined": "A questa richiesta ho già risposto.",
    "fit.good": "Giorni e orari preferiti: dentro il tuo orario.",
    "fit.partial": "Giorni e orari preferiti: solo in parte nel tuo orario (fuori: {misses}).",
    "fit.none": "Giorni e orari preferiti: fuori dal tuo orario ({misses}).",
    "fit.part.morning": "mattina",
    "fit.part.afternoon": "pomeriggio",
    "fit.part.evening": "sera",
}
