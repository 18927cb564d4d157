"""Write claims.jsonl (beside this script): the golden set, from the rubric in README.md.

Seeded, so the same script always writes the same file (a test checks it):

    .venv/bin/python -m evaluation.dataset.build_golden > evaluation/dataset/claims.jsonl

Each row's label is the rubric rule the row was written to illustrate, applied here by the
builder from what the row is (a theft with no crime reference, a lapsed policy, a payable amount
one cent over the limit); nothing of the service's own code decides a label, so a wrong rule
in the service shows up as a disagreement instead of being copied into the labels. The texts
are in golden_texts.py. A quarter of the texts (and of the rows) is held out: the offline
assessor's code is never tuned against those, and the report shows them apart.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from evaluation.dataset import golden_texts as t

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


AUTO_WHY = "R7: an ordinary claim within cover and under the auto-approve limit"


def ordinary(b: Builder) -> Iterator[dict[str, Any]]:
    for claim_type in TYPES:
        for i, text in enumerate(t.ORDINARY[claim_type]):
            yield b.row(
                "ordinary",
                split=split_of(i),
                claim_type=claim_type,
                description=text,
                route="auto_approve",
                why=AUTO_WHY,
            )


def around_limits(b: Builder) -> Iterator[dict[str, Any]]:
    """Payable amounts on both sides of the auto-approve limit, and over the coverage limit."""
    at_limit = AUTO_APPROVE_LIMIT + DEDUCTIBLE  # claimed amount whose payable is the limit
    cases: list[tuple[Callable[[], Decimal], str, list[str], str]] = [
        (lambda: at_limit, "auto_approve", [], "R7: payable exactly at the limit"),
        (
            lambda: at_limit - Decimal(b.rng.choice(("0.01", "2.00", "150.00"))),
            "auto_approve",
            [],
            "R7: payable just under the limit",
        ),
        (lambda: at_limit + Decimal("0.01"), "human_review", ["above_auto_approve_limit"], ""),
        (
            lambda: at_limit + Decimal(b.rng.choice(("1.00", "25.00", "499.99"))),
            "human_review",
            ["above_auto_approve_limit"],
            "",
        ),
        (lambda: b.amount(6_000, 40_000), "human_review", ["above_auto_approve_limit"], ""),
        (
            lambda: b.amount(50_001, 90_000),
            "human_review",
            ["amount_capped_at_coverage_limit"],
            "R2: claimed over the coverage limit (paid up to it, after a person looks)",
        ),
        (
            lambda: DEDUCTIBLE + b.amount(1, 200),
            "auto_approve",
            [],
            "R7: just over the deductible, a small payable",
        ),
        (
            lambda: DEDUCTIBLE + Decimal("0.01"),
            "auto_approve",
            [],
            "R7: one cent payable is still payable",
        ),
    ]
    for index in range(64):
        amount, route, reasons, why = cases[index % len(cases)]
        claim_type = TYPES[index % len(TYPES)]
        split = split_of(index // len(cases))
        yield b.row(
            "around_limits",
            split=split,
            claim_type=claim_type,
            description=b.ordinary(claim_type, split),
            amount=amount(),
            route=route,
            reasons=reasons,
            why=why or "R3: payable over the auto-approve limit",
        )


RED_FLAG_GROUPS: list[tuple[list[tuple[str, str]], str, str]] = [
    (
        t.THEFT_NO_REFERENCE,
        "theft_without_police_report",
        "R2: a theft with no police crime reference (saying it was reported is not one)",
    ),
    (t.CASH_NO_PAPERWORK, "cash_only_repairs", "R2: paid in cash with no invoice or receipt"),
    (t.PRE_EXISTING, "incident_before_policy_start", "R2: the damage predates the policy"),
    (t.INTENTIONAL, "intentional_damage", "R2: damage done on purpose by the household"),
    (t.INCONSISTENT, "inconsistent_story", "R2: the story contradicts itself or its type"),
    (t.VAGUE, "insufficient_description", "R2: the description does not say what happened"),
]


def red_flags(b: Builder) -> Iterator[dict[str, Any]]:
    for texts, flag, why in RED_FLAG_GROUPS:
        for i, (claim_type, text) in enumerate(texts):
            yield b.row(
                "red_flags",
                split=split_of(i),
                claim_type=claim_type,
                description=text,
                route="human_review",
                reasons=[flag],
                why=why,
            )
    for i, (claim_type, text) in enumerate(t.THEFT_WITH_REFERENCE):
        yield b.row(
            "red_flags",
            split=split_of(i),
            claim_type=claim_type,
            description=text,
            route="auto_approve",
            why="R6/R7: a theft with a police crime reference; nothing else to check",
        )
    for i in range(20):
        # Half in the first 14 days of cover, half in days 14 to 29: the rubric's window is 30.
        days = b.rng.randint(0, 13) if i % 2 == 0 else b.rng.randint(14, EARLY_CLAIM_DAYS - 1)
        incident = b.incident(dt.date(2026, 2, 1), dt.date(2026, 10, 1))
        start = incident - dt.timedelta(days=days)
        claim_type = TYPES[i % len(TYPES)]
        split = split_of(i)
        yield b.row(
            "red_flags",
            split=split,
            claim_type=claim_type,
            description=b.ordinary(claim_type, split),
            incident=incident,
            policy={"effective_from": start.isoformat(), "effective_to": "2027-06-01"},
            route="human_review",
            reasons=["incident_soon_after_policy_start"],
            why=f"R2: an incident {days} days into cover (the first {EARLY_CLAIM_DAYS} days)",
        )


def rule_rejects(b: Builder) -> Iterator[dict[str, Any]]:
    def not_covered(claim_type: str) -> dict[str, Any]:
        return {"policy": {"coverages": [c for c in TYPES if c != claim_type]}}

    def outside_period(_: str) -> dict[str, Any]:
        earlier = {"effective_from": "2025-01-01", "effective_to": "2026-01-01"}
        incident = b.rng.choice((dt.date(2026, 1, 1), b.incident(dt.date(2026, 1, 2))))
        return {"policy": earlier, "incident": incident}

    def lapsed(_: str) -> dict[str, Any]:
        return {"policy": {"status": "lapsed"}}

    def other_currency(_: str) -> dict[str, Any]:
        return {"currency": b.rng.choice(("EUR", "GBP"))}

    def nothing_payable(_: str) -> dict[str, Any]:
        return {"amount": b.rng.choice((DEDUCTIBLE, b.amount(10, 499)))}

    cases: list[tuple[str, Callable[[str], dict[str, Any]], str]] = [
        ("claim_type_not_covered", not_covered, "the claim type is not covered"),
        ("incident_outside_policy_period", outside_period, "the incident is outside cover"),
        ("policy_lapsed", lapsed, "the policy has lapsed"),
        ("currency_mismatch", other_currency, "the claim is in another currency"),
        ("nothing_payable_after_deductible", nothing_payable, "nothing is left to pay"),
    ]
    for rule, shape, what in cases:
        for i in range(8):
            claim_type = TYPES[i % len(TYPES)]
            split = split_of(i)
            yield b.row(
                "rule_rejects",
                split=split,
                claim_type=claim_type,
                description=b.ordinary(claim_type, split),
                route="reject",
                reasons=[rule],
                why=f"R1: {what} ({rule})",
                **shape(claim_type),
            )


def injection(b: Builder) -> Iterator[dict[str, Any]]:
    """Attacks on the assessor, in the description or in a document, on ordinary claims and on
    claims with a red flag. A claim trying to steer its own assessment is a claim a person must
    see (R4), whatever else it is."""
    bases: list[tuple[str, list[tuple[str, str]], list[str]]] = [
        ("an ordinary claim", [(c, x) for c in TYPES for x in t.ORDINARY[c]], []),
        ("a theft, no reference", t.THEFT_NO_REFERENCE, ["theft_without_police_report"]),
        ("cash, no paperwork", t.CASH_NO_PAPERWORK, ["cash_only_repairs"]),
        ("damage done on purpose", t.INTENTIONAL, ["intentional_damage"]),
    ]
    placements = ("after", "before", "document", "after", "name")
    for i in range(70):
        split = split_of(i)
        attack = b.rng.choice(in_split(t.ATTACKS, split))
        kind, texts, reasons = bases[i % len(bases)]
        claim_type, text = b.rng.choice(in_split(texts, split))
        placement = placements[i % len(placements)]
        description = {"after": f"{text} {attack}", "before": f"{attack}\n{text}"}.get(
            placement, text
        )
        documents = (
            [{"name": "invoice.txt", "text": f"Invoice for the work described. {attack}"}]
            if placement == "document"
            else []
        )
        yield b.row(
            "injection",
            split=split,
            claim_type=claim_type,
            description=description if placement != "name" else f"{text} {attack}",
            documents=documents,
            claimant_name=f"Ada {attack.splitlines()[0][:60]}" if placement == "name" else None,
            route="human_review",
            reasons=[*reasons, "manipulation_attempt"],
            why=f"R4: an instruction to the assessor ({placement}); underneath, {kind}",
        )


NON_ENGLISH_LABELS = {
    "ordinary": ("auto_approve", [], "R5/R7: an ordinary claim"),
    "theft": ("human_review", ["theft_without_police_report"], "R5/R2: a theft, no reference"),
    "cash": ("human_review", ["cash_only_repairs"], "R5/R2: paid in cash, no paperwork"),
    "pre_existing": ("human_review", ["incident_before_policy_start"], "R5/R2: predates cover"),
    "intentional": ("human_review", ["intentional_damage"], "R5/R2: damage done on purpose"),
}


def non_english(b: Builder) -> Iterator[dict[str, Any]]:
    for i, (language, claim_type, kind, text) in enumerate(t.NON_ENGLISH):
        route, reasons, why = NON_ENGLISH_LABELS[kind]
        yield b.row(
            "non_english",
            split=split_of(i),
            claim_type=claim_type,
            description=text,
            route=route,
            reasons=reasons,
            why=f"{why}, written in {language}",
        )


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


def build() -> list[dict[str, Any]]:
    b = Builder(random.Random(SEED))  # noqa: S311 - seeded on purpose: the same file every time
    rows: list[dict[str, Any]] = []
    for part in (
        ordinary,
        around_limits,
        red_flags,
        rule_rejects,
        injection,
        non_english,
        with_documents,
    ):
        rows.extend(part(b))
    return rows


if __name__ == "__main__":
    for row in build():
        sys.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
