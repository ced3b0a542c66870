"""Erasing training records once their retention period ends.

``ERASERS`` lists ``(name, function)``; each function takes ``before=`` (the moment before
which a session's last date must have ended) and returns what it erased, as ``{kind: count}``
or a count. Another app's records join by appending to it.
"""

import datetime as dt
from collections.abc import Callable

from ..registrations.services import erase_expired_accessibility_needs
from ..surveys.services import erase_expired_survey_answers
from .services import attendance_erase_expired, retention_cutoff

ERASERS: list[tuple[str, Callable[..., dict[str, int] | int]]] = [
    ("attendance", attendance_erase_expired),
    ("survey_answers", erase_expired_survey_answers),
    ("accessibility_needs", erase_expired_accessibility_needs),
]

LABELS = {
    "certificates": "certificat(s) de réalisation",
    "signatures": "signature(s) d'émargement",
    "signing_openings": "ouverture(s) d'émargement en ligne",
    "survey_answers": "réponse(s) aux questionnaires de satisfaction",
    "accessibility_needs": "besoin(s) d'adaptation",
}


def erase_expired(*, now: dt.datetime | None = None) -> tuple[dt.datetime, dict[str, int]]:
    """Run every eraser; returns the cut-off and the counts by kind."""
    before = retention_cutoff(now)
    counts: dict[str, int] = {}
    for name, eraser in ERASERS:
        erased = eraser(before=before)
        if isinstance(erased, int):
            erased = {name: erased}
        for kind, count in erased.items():
            counts[kind] = counts.get(kind, 0) + count
    return before, counts
