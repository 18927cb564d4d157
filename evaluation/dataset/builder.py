"""The golden set's builder: the policy every row is filed under, the held-out split, and the
row format (claims.jsonl). Seeded by build_golden.py, so the same file is written every time."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from evaluation.dataset import texts as t

SEED = 20261206
AUTO_APPROVE_LIMIT = Decimal("5000.00")
DEDUCTIBLE = Decimal("500.00")
COVERAGE_LIMIT = Decimal("50000.00")
TYPES = ("auto", "home", "health", "travel")
POLICY_START = dt.date(2026, 1, 1)
POLICY_END = dt.date(2027, 1, 1)
# The rubric's early-claim window (R2): the first 30 days of cover.
EARLY_CLAIM_DAYS = 30
LAST_INCIDENT = dt.date(2026, 11, 20)
DEV, HELD_OUT = "dev", "held_out"

T = TypeVar("T")


def split_of(index: int) -> str:
    """Every fourth text, and every fourth row of a generated group, is held out."""
    return HELD_OUT if index % 4 == 3 else DEV


def in_split(items: Sequence[T], split: str) -> list[T]:
    """The items of one split (by their position in the list)."""
    return [item for i, item in enumerate(items) if split_of(i) == split]


def claimant_answer(row: dict[str, Any], i: int) -> dict[str, Any]:
    """What the claimant of a theft with no crime reference sends when asked, and the route a
    process that asked then reaches: a reference clears the flag (R6), so the claim is approved
    unless over the limit (R3); a note that is not one leaves it with a person (R2)."""
    if i % 2 == 0:
        text = t.ANSWER_WITH_REFERENCE[(i // 2) % len(t.ANSWER_WITH_REFERENCE)]
        payable = Decimal(row["submission"]["amount"]) - DEDUCTIBLE
        answered = "auto_approve" if payable <= AUTO_APPROVE_LIMIT else "human_review"
    else:
        text = t.ANSWER_WITHOUT_REFERENCE[(i // 2) % len(t.ANSWER_WITHOUT_REFERENCE)]
        answered = "human_review"
    return row | {
        "claimant_answer": {"name": "answer.txt", "text": text},
        "answered_route": answered,
    }


class Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counts: dict[str, int] = {}

    def next_id(self, slice_name: str) -> str:
        self.counts[slice_name] = self.counts.get(slice_name, 0) + 1
        return f"{slice_name}-{self.counts[slice_name]:03d}"

    def amount(self, low: int, high: int) -> Decimal:
        return Decimal(f"{self.rng.randint(low, high)}.{self.rng.randint(0, 99):02d}")

    def incident(self, start: dt.date = POLICY_START, end: dt.date = LAST_INCIDENT) -> dt.date:
        """A date well inside cover: after the early-claim window, before the end."""
        days = (end - start).days
        return start + dt.timedelta(days=self.rng.randint(EARLY_CLAIM_DAYS + 10, days))

    def ordinary(self, claim_type: str, split: str) -> str:
        return self.rng.choice(in_split(t.ORDINARY[claim_type], split))

    def row(
        self,
        slice_name: str,
        *,
        split: str,
        description: str,
        claim_type: str,
        route: str,
        why: str,
        amount: Decimal | None = None,
        reasons: list[str] | None = None,
        policy: dict[str, Any] | None = None,
        incident: dt.date | None = None,
        documents: list[dict[str, str]] | None = None,
        currency: str = "USD",
        claimant_name: str | None = None,
    ) -> dict[str, Any]:
        claim_id = self.next_id(slice_name)
        number = int(claim_id.rsplit("-", 1)[1])
        values = {
            "policy_number": f"P-GOLD-{slice_name[:3].upper()}{number:03d}",
            "holder_name": f"Holder {claim_id}",
            "coverages": list(TYPES),
            "coverage_limit": str(COVERAGE_LIMIT),
            "deductible": str(DEDUCTIBLE),
            "currency": "USD",
            "effective_from": POLICY_START.isoformat(),
            "effective_to": POLICY_END.isoformat(),
            "status": "active",
        } | (policy or {})
        return {
            "id": claim_id,
            "slice": slice_name,
            "split": split,
            "submission": {
                "policy_number": values["policy_number"],
                "claimant": {
                    "name": claimant_name or f"Claimant {claim_id}",
                    "email": f"{claim_id}@example.com",
                },
                "claim_type": claim_type,
                "incident_date": (incident or self.incident()).isoformat(),
                "amount": str(amount if amount is not None else self.amount(700, 4500)),
                "currency": currency,
                "description": description,
            },
            "policy": values,
            "documents": documents or [],
            "expected_route": route,
            "required_reasons": reasons or [],
            "why": why,
        }
