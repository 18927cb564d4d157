"""When an earlier claim looks like this one: the duplicate signal of the `prior_claims` tool.

A shared document (the same bytes, by digest) is a duplicate on its own; the same incident date
with a similar description is one too. Similar means most of the words are the same (Jaccard
similarity of their sets), which catches a resubmission with a word changed, not a paraphrase.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

SIMILAR_DESCRIPTIONS = 0.6
_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(text))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' word sets (0 when either has none)."""
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True)
class ClaimLikeness:
    same_incident_date: bool
    similar_description: bool
    shared_documents: int

    @property
    def duplicate(self) -> bool:
        return self.shared_documents > 0 or (self.same_incident_date and self.similar_description)


def likeness(
    *,
    incident_date: dt.date,
    description: str,
    digests: Collection[str],
    earlier_incident_date: dt.date,
    earlier_description: str,
    earlier_digests: Collection[str],
) -> ClaimLikeness:
    return ClaimLikeness(
        same_incident_date=incident_date == earlier_incident_date,
        similar_description=similarity(description, earlier_description) >= SIMILAR_DESCRIPTIONS,
        shared_documents=len(set(digests) & set(earlier_digests)),
    )
