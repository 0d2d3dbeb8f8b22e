"""Codes of the vocabulary as the words people read, from one place.

Hovers, tables, the bibliography, conflicts, History and the visible text of exports all call
``label``; a code with no label is shown with its underscores as spaces rather than raw.
"""

from __future__ import annotations

import datetime as dt

from validation.vocabulary import (
    ATTRIBUTION_LABELS,
    CLAIM_TYPE_LABELS,
    EVENT_KIND_LABELS,
    METRIC_LABELS,
    PERIOD_LABELS,
    RELIABILITY_LABELS,
)

VOCABULARIES: dict[str, dict[str, str]] = {
    "metric": METRIC_LABELS,
    "claim_type": CLAIM_TYPE_LABELS,
    "kind": EVENT_KIND_LABELS,
    "period": PERIOD_LABELS,
    "reliability": RELIABILITY_LABELS,
    "attribution": ATTRIBUTION_LABELS,
}


def label(vocabulary: str, code: object) -> str:
    """The word for ``code`` in ``vocabulary`` ('claim_type', 'kind', ...); '' if missing."""
    if code is None or code == "":
        return ""
    text = str(code)
    return VOCABULARIES[vocabulary].get(text, text.replace("_", " "))


def in_sentence(text: str) -> str:
    """A label inside a sentence: 'Humans back' -> 'humans back', 'Headcount' -> 'headcount',
    but 'AI workload (FTE)' and 'AI takes over work' keep their capitals."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def day(value: dt.date | dt.datetime | None) -> str:
    """A date as people write it, never a midnight time: '27 Aug 2024'; '' when missing."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {value:%b %Y}"
