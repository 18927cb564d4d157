"""Rows whose documents decide their route (R6): what a claimant's document changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from evaluation.dataset import texts as t
from evaluation.dataset.builder import TYPES, Builder, in_split, split_of


def _document(name: str, text: str) -> dict[str, str]:
    return {"name": name, "text": text}


def with_documents(b: Builder) -> Iterator[dict[str, Any]]:
    """What documents change (R6): a crime report clears a theft; a note that says a report was
    made, or that none was, or a receipt, does not; a document can show cash, a contradiction,
    or damage older than the policy."""

    # Thefts that say nothing of the police: the document alone must tell. (Filtered after
    # the split, so a text keeps the split it has everywhere else.)
    def thefts(split: str) -> list[tuple[str, str]]:
        texts = in_split(t.THEFT_NO_REFERENCE, split)
        return [(c, x) for c, x in texts if "polic" not in x and "report" not in x]

    def ordinary(split: str) -> list[tuple[str, str]]:
        return [(c, x) for c in TYPES for x in in_split(t.ORDINARY[c], split)]

    def crime_report() -> dict[str, str]:
        ref = f"{b.rng.randint(10, 99)}/{b.rng.randint(10000, 99999)}/26"
        return _document("police-report.txt", b.rng.choice(t.CRIME_REPORTS).format(ref=ref))

    def pick(items: Sequence[str]) -> str:
        return b.rng.choice(list(items)).format(
            amount=f"{b.rng.randint(700, 4000)}.00 USD", n=b.rng.randint(1, 9999)
        )

    groups: list[
        tuple[
            int,
            Callable[[str], list[tuple[str, str]]],
            Callable[[], dict[str, str]],
            str,
            list[str],
        ]
    ]
    groups = [
        (12, thefts, crime_report, "auto_approve", []),
        (
            6,
            thefts,
            lambda: _document("note.txt", pick(t.REPORT_WITHOUT_REFERENCE)),
            "human_review",
            ["theft_without_police_report"],
        ),
        (
            6,
            thefts,
            lambda: _document("note.txt", pick(t.NO_REPORT)),
            "human_review",
            ["theft_without_police_report"],
        ),
        (
            6,
            thefts,
            lambda: _document("receipt.txt", pick(t.RECEIPTS)),
            "human_review",
            ["theft_without_police_report"],
        ),
        (10, ordinary, lambda: _document("invoice.txt", pick(t.INVOICES)), "auto_approve", []),
        (
            6,
            ordinary,
            lambda: _document("payment.txt", pick(t.CASH_NOTES)),
            "human_review",
            ["cash_only_repairs"],
        ),
        (
            5,
            ordinary,
            lambda: _document("invoice.txt", pick(t.CONTRADICTING)),
            "human_review",
            ["inconsistent_story"],
        ),
        (
            5,
            ordinary,
            lambda: _document("survey.txt", pick(t.SURVEYOR)),
            "human_review",
            ["incident_before_policy_start"],
        ),
    ]
    whys = {
        "auto_approve": "R6/R7: the documents bear the claim out",
        "human_review": "R6/R2: the documents do not clear the claim, or raise a flag",
    }
    for count, texts, document, route, reasons in groups:
        for i in range(count):
            split = split_of(i)
            claim_type, text = b.rng.choice(texts(split))
            yield b.row(
                "documents",
                split=split,
                claim_type=claim_type,
                description=text,
                documents=[document()],
                route=route,
                reasons=reasons,
                why=whys[route],
            )
