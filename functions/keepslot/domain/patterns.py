"""A client's patterns, as a freelancer reads them before deciding anything.

Availability: how a new client's preferred days and times (free text from the
intake) overlap the weekly hours. A change of pattern: a client reliable for
months who starts cancelling late deserves a conversation before any penalty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from keepslot.domain.availability import Window
from keepslot.domain.reliability import Happened, Kind, strikes


class Part(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


PART_HOURS: dict[Part, tuple[time, time]] = {
    Part.MORNING: (time(0, 0), time(13, 0)),
    Part.AFTERNOON: (time(13, 0), time(18, 0)),
    Part.EVENING: (time(18, 0), time(23, 59, 59)),
}

# Italian and English words, without accents; 0 = Monday.
_DAY_WORDS: dict[str, tuple[int, ...]] = {
    "lunedi": (0,),
    "martedi": (1,),
    "mercoledi": (2,),
    "giovedi": (3,),
    "venerdi": (4,),
    "sabato": (5,),
    "domenica": (6,),
    "monday": (0,),
    "tuesday": (1,),
    "wednesday": (2,),
    "thursday": (3,),
    "friday": (4,),
    "saturday": (5,),
    "sunday": (6,),
    "mondays": (0,),
    "tuesdays": (1,),
    "wednesdays": (2,),
    "thursdays": (3,),
    "fridays": (4,),
    "saturdays": (5,),
    "sundays": (6,),
    "weekend": (5, 6),
    "weekdays": (0, 1, 2, 3, 4),
    "feriali": (0, 1, 2, 3, 4),
}
_PART_WORDS: dict[str, Part] = {
    "mattina": Part.MORNING,
    "mattino": Part.MORNING,
    "mattine": Part.MORNING,
    "morning": Part.MORNING,
    "mornings": Part.MORNING,
    "pomeriggio": Part.AFTERNOON,
    "pomeriggi": Part.AFTERNOON,
    "afternoon": Part.AFTERNOON,
    "afternoons": Part.AFTERNOON,
    "sera": Part.EVENING,
    "serata": Part.EVENING,
    "evening": Part.EVENING,
    "evenings": Part.EVENING,
}


class Verdict(StrEnum):
    GOOD = "good"  # every asked day and time falls in the weekly hours
    PARTIAL = "partial"
    NONE = "none"
    UNKNOWN = "unknown"  # no day or time of day recognised in the answer


@dataclass(frozen=True, slots=True)
class Fit:
    verdict: Verdict
    matches: tuple[tuple[int, Part], ...] = ()
    misses: tuple[tuple[int, Part], ...] = ()


MIN_OVERLAP_MINUTES = 60  # half an hour at the edge of a day is no real fit
_CLAUSE = re.compile(r"[,;/.]|\b(?:o|or|oppure|e|and|oder)\b")


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"[a-z]+", plain.replace("fine settimana", "weekend"))


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _overlaps(windows: Iterable[Window], part: Part) -> bool:
    lo, hi = (_minutes(t) for t in PART_HOURS[part])
    return any(
        min(_minutes(w.end), hi) - max(_minutes(w.start), lo) >= MIN_OVERLAP_MINUTES
        for w in windows
    )


Asked = tuple[int, Part]


def _clause(
    days: list[int], parts: list[Part], hours: Mapping[int, tuple[Window, ...]]
) -> tuple[set[Asked], set[Asked]]:
    """Matches and misses of one clause ("lunedi mattina")."""
    asked = [(d, p) for d in (days or range(7)) for p in (parts or list(Part))]
    matches = {a for a in asked if _overlaps(hours.get(a[0], ()), a[1])}
    misses = set(asked) - matches
    if not parts:  # "Monday" fits if Monday is open at all
        open_days = {d for d, _ in matches}
        misses = {(d, p) for d, p in misses if d not in open_days}
        misses = {(d, p) for d, p in misses if p is Part.MORNING}  # name a closed day once
    if not days:  # "mornings" fits if some day has mornings
        open_parts = {p for _, p in matches}
        misses = {(d, p) for d, p in misses if p not in open_parts}
        misses = {(d, p) for d, p in misses if d == 0}  # name a missing time of day once
        matches = {(d, p) for d, p in matches if p not in {q for _, q in misses}}
    return matches, misses


def _order(a: Asked) -> tuple[int, int]:
    return a[0], list(Part).index(a[1])


def availability_fit(answer: str, weekly: Mapping[int, Iterable[Window]]) -> Fit:
    """How the client's preferred days/times (`answer`) overlap the weekly hours.

    A keyword match, clause by clause ("Monday morning or Thursday afternoon"): days
    alone mean any time of those days, times alone any day.
    """
    hours = {d: tuple(ws) for d, ws in weekly.items()}
    matches: set[Asked] = set()
    misses: set[Asked] = set()
    plain = " ".join(_words(answer))
    for clause in _CLAUSE.split(plain):
        words = _words(clause or "")
        days = sorted({d for w in words for d in _DAY_WORDS.get(w, ())})
        parts = sorted({_PART_WORDS[w] for w in words if w in _PART_WORDS}, key=list(Part).index)
        if days or parts:
            m, x = _clause(days, parts, hours)
            matches |= m
            misses |= x
    if not matches and not misses:
        return Fit(Verdict.UNKNOWN)
    verdict = Verdict.GOOD if not misses else Verdict.PARTIAL if matches else Verdict.NONE
    return Fit(verdict, tuple(sorted(matches, key=_order)), tuple(sorted(misses, key=_order)))


RELIABLE_MONTHS = 6
RELIABLE_COMPLETED = 3


def pattern_change(
    history: Iterable[Happened],
    now: datetime,
    *,
    months: int = RELIABLE_MONTHS,
    completed: int = RELIABLE_COMPLETED,
) -> bool:
    """Whether a late change now breaks a reliable record: at least `completed`
    appointments kept and no strike in the `months` before (the current one aside)."""
    events = [e for e in history if e.at < now]
    kept = sum(1 for e in events if e.kind == Kind.COMPLETED)
    return kept >= completed and strikes(events, now, months * 30) == 0
