"""The built-in deterministic assessor behind the `offline/claims-assessor` model.

It reads the same delimited claim data a real model reads and answers in the same format, so
`make dev` and the tests exercise the real litellm call path without a network. It is a
keyword heuristic, not intelligence: it exists so the service works anywhere.
"""

from __future__ import annotations

import re

from claims.assessment import ClaimFacts, ModelAnswer, Recommendation

_THEFT = re.compile(r"\b(stolen|theft|burglar\w*|robbed|robbery)\b", re.IGNORECASE)
_POLICE_REPORT = re.compile(r"\bpolice (report|reference|case)\b", re.IGNORECASE)
_NO_POLICE_REPORT = re.compile(
    r"\b(no|without( a)?|did not file( a)?|didn't file( a)?) police report\b", re.IGNORECASE
)
_CASH_ONLY = re.compile(r"\bcash[- ]only\b|\bpaid (in|with) cash\b", re.IGNORECASE)
_INTENTIONAL = re.compile(r"\b(on purpose|intentionally|deliberately)\b", re.IGNORECASE)
_PRE_EXISTING = re.compile(r"\b(pre-?existing|before (the|my) policy)\b", re.IGNORECASE)


def _names_a_report(text: str) -> bool:
    """A police report named, and not denied, in this text."""
    return bool(_POLICE_REPORT.search(text)) and not _NO_POLICE_REPORT.search(text)


def _has_police_report(facts: ClaimFacts) -> bool:
    """A report named, without being denied, in a document or in the description."""
    return any(_names_a_report(text) for text in (*facts.documents, facts.description))


def red_flags(facts: ClaimFacts) -> list[str]:
    """Named risk flags found in the claim facts, in a stable order."""
    text = " ".join([facts.description, *facts.documents])
    flags: list[str] = []
    if _THEFT.search(text) and not _has_police_report(facts):
        flags.append("theft_without_police_report")
    if _CASH_ONLY.search(text):
        flags.append("cash_only_repairs")
    if _PRE_EXISTING.search(text) or (
        facts.policy_effective_from is not None
        and facts.incident_date < facts.policy_effective_from
    ):
        flags.append("incident_before_policy_start")
    return flags


def assess(facts: ClaimFacts) -> ModelAnswer:
    """Approve ordinary claims with high confidence; ask for review when red flags appear."""
    if _INTENTIONAL.search(facts.description):
        return ModelAnswer(
            recommendation=Recommendation.REJECT,
            confidence=0.9,
            rationale="The description says the damage was caused deliberately.",
            risk_flags=["intentional_damage"],
        )
    flags = red_flags(facts)
    if flags:
        return ModelAnswer(
            recommendation=Recommendation.REVIEW,
            confidence=0.7,
            rationale="The claim carries red flags a human should check: " + ", ".join(flags) + ".",
            risk_flags=flags,
        )
    return ModelAnswer(
        recommendation=Recommendation.APPROVE,
        confidence=0.95,
        rationale="An ordinary claim consistent with the policy; nothing suspicious found.",
        risk_flags=[],
    )
