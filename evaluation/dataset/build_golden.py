"""Write claims.jsonl (beside this script): the golden set, from the rubric in README.md.

Seeded, so the same script always writes the same file (a test checks it):

    .venv/bin/python -m evaluation.dataset.build_golden > evaluation/dataset/claims.jsonl

Each row's label is the rubric rule the row was written to illustrate, applied here by the
builder from what the row is (a theft with no crime reference, a lapsed policy, a payable amount
one cent over the limit); nothing of the service's own code decides a label, so a wrong rule
in the service shows up as a disagreement instead of being copied into the labels. The texts
are in texts/. A quarter of the texts (and of the rows) is held out: the offline
assessor's code is never tuned against those, and the report shows them apart.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from evaluation.dataset import texts as t
from evaluation.dataset.builder import (
    AUTO_APPROVE_LIMIT,
    DEDUCTIBLE,
    EARLY_CLAIM_DAYS,
    SEED,
    TYPES,
    Builder,
    claimant_answer,
    in_split,
    split_of,
)
from evaluation.dataset.documented_rows import with_documents
from evaluation.dataset.file_rows import FILES, with_files

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
            row = b.row(
                "red_flags",
                split=split_of(i),
                claim_type=claim_type,
                description=text,
                route="human_review",
                reasons=[flag],
                why=why,
            )
            yield claimant_answer(row, i) if flag == "theft_without_police_report" else row
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


def build(files: dict[str, bytes] | None = None) -> list[dict[str, Any]]:
    """Every row; the documents that are files go into `files` (path under the set -> bytes)."""
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
    # Last: the rows before keep the draws they had before files existed.
    rows.extend(with_files(b, files if files is not None else {}))
    return rows


if __name__ == "__main__":
    made: dict[str, bytes] = {}
    for row in build(made):
        sys.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    if "--write-files" in sys.argv:
        FILES.mkdir(exist_ok=True)
        for path, data in made.items():
            (FILES.parent / path).write_bytes(data)
