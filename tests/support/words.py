"""Which language a text is in: the words each locale must never show in the other's
output, and the words of a locale's catalogue."""

from __future__ import annotations

import re

from keepslot.words import LOCALES


def wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common words that must never appear in the other language's output.
ENGLISH = wordlist(
    "the you your and of to is are with before after this that will not show deposit booking "
    "appointment credit refund cancel free time minutes hours days kept late policy price"
)
ITALIAN = wordlist(
    "il la le di che per una non ti della prima dopo sono puoi acconto prenotazione "
    "appuntamento ore minuti giorni credito rimborso"
)
FOREIGN = {"it": ENGLISH, "en": ITALIAN}


def tokens(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def words_of(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\b[^\W\d_]{4,}\b", text)}


def catalogue_words(locale: str) -> set[str]:
    """The words of a locale's strings, without `{placeholders}` and date patterns."""
    texts = (re.sub(r"\{[^}]*\}", " ", v) for k, v in LOCALES[locale].items() if k[:4] != "fmt.")
    return set().union(*(words_of(t) for t in texts))
