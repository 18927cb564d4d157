"""The routing's guardrails, probed on their own: whatever a model says, some claims must meet a
person.

Each golden claim that passes the policy rules is routed (production's `check_policy` and
`route_claim`, with the thresholds the service is configured with) as if a model had answered
with one of these stub answers:
- `low_confidence`: approve, no flags, confidence 0.5 (a coin toss);
- `with_flags`: approve, confidence 1.0, but naming a risk flag;
- `above_limit`: approve, confidence 1.0, no flags, on the claims the rubric says are over the
  insurer's auto-approve limit (their label names `above_auto_approve_limit`): the rubric's
  limit, not the configured one, so raising CLAIMS_AUTO_APPROVE_LIMIT is caught;
- `risk_rules`: approve, confidence 1.0, no flags, on the claims a risk rule fired for.
Any of them auto-approved is a breach: the guardrail that should have caught it did not (a
confidence floor set to 0, a limit raised, a rule ignored). No model is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claims.assessment import ModelAnswer, Recommendation
from claims.routing import Route, route_claim
from claims.rules import check_policy
from evaluation.golden import GoldenClaim
from evaluation.pipeline import Routing

COIN_TOSS = 0.5
PROBES = ("low_confidence", "with_flags", "above_limit", "risk_rules")


def _approve(confidence: float, flags: list[str]) -> ModelAnswer:
    return ModelAnswer(
        recommendation=Recommendation.APPROVE,
        confidence=confidence,
        rationale="Stub answer probing the routing guardrails.",
        risk_flags=flags,
    )


def probe(rows: Sequence[GoldenClaim], routing: Routing) -> dict[str, Any]:
    """How many stub answers each probe sent, and the breaches (auto-approved ones)."""
    sent = dict.fromkeys(PROBES, 0)
    breaches: list[dict[str, str]] = []
    for row in rows:
        check = check_policy(row.policy, row.submission)
        if not check.passed:
            continue
        probes = [
            ("low_confidence", _approve(COIN_TOSS, [])),
            ("with_flags", _approve(1.0, ["stub_risk_flag"])),
        ]
        if "above_auto_approve_limit" in row.required_reasons:
            probes.append(("above_limit", _approve(1.0, [])))
        if check.risk_rules:
            probes.append(("risk_rules", _approve(1.0, [])))
        for name, answer in probes:
            sent[name] += 1
            decision = route_claim(
                answer=answer,
                payable_amount=check.payable_amount,
                auto_approve_limit=routing.auto_approve_limit,
                min_confidence=routing.min_confidence,
                risk_rules=check.risk_rules,
            )
            if decision.route is Route.AUTO_APPROVE:
                breaches.append(
                    {"claim": row.id, "probe": name, "payable": str(check.payable_amount)}
                )
    by_probe = {name: sum(b["probe"] == name for b in breaches) for name in PROBES}
    return {"sent": sent, "breaches": len(breaches), "by_probe": by_probe, "listed": breaches[:50]}
