"""The golden set's claim texts, one module per part of the rubric, written by the team as
claimants write: plainly, in slang, with typos, long and short, sometimes contradicting
themselves.

They were written from the rubric (README.md here), story by story, without looking at the
offline assessor's patterns; a test checks that these modules and the builder import nothing of
the service. Every text matches the claim type it is filed under. Nothing is copied from a
dataset.
"""

from evaluation.dataset.texts.attacks import ATTACKS
from evaluation.dataset.texts.documents import (
    CASH_NOTES,
    CONTRADICTING,
    CRIME_REPORTS,
    INVOICES,
    NO_REPORT,
    RECEIPTS,
    REPORT_WITHOUT_REFERENCE,
    SURVEYOR,
)
from evaluation.dataset.texts.non_english import NON_ENGLISH
from evaluation.dataset.texts.ordinary import ORDINARY
from evaluation.dataset.texts.red_flags import (
    ANSWER_WITH_REFERENCE,
    ANSWER_WITHOUT_REFERENCE,
    CASH_NO_PAPERWORK,
    INCONSISTENT,
    INTENTIONAL,
    PRE_EXISTING,
    THEFT_NO_REFERENCE,
    THEFT_WITH_REFERENCE,
    VAGUE,
)

__all__ = [
    "ANSWER_WITHOUT_REFERENCE",
    "ANSWER_WITH_REFERENCE",
    "ATTACKS",
    "CASH_NOTES",
    "CASH_NO_PAPERWORK",
    "CONTRADICTING",
    "CRIME_REPORTS",
    "INCONSISTENT",
    "INTENTIONAL",
    "INVOICES",
    "NON_ENGLISH",
    "NO_REPORT",
    "ORDINARY",
    "PRE_EXISTING",
    "RECEIPTS",
    "REPORT_WITHOUT_REFERENCE",
    "SURVEYOR",
    "THEFT_NO_REFERENCE",
    "THEFT_WITH_REFERENCE",
    "VAGUE",
]
