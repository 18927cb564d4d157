"""Deterministic routing after assessment: the model recommends, this code decides (DESIGN §3).

Auto-approval needs every one of: the model recommends approve, with high confidence, no risk
flag from the model or our rules, and a payable amount within the auto-approve limit. Anything
else goes to a human. A model's "reject" also goes to a human: no adverse decision by AI alone.

This code runs inside ClaimWorkflow, and Temporal replays it for every claim in flight. Its
thresholds come from the claim's own config (fixed at submission), so changing a default only
affects new claims. A change to the *logic* changes decisions already in history: guard it with
`workflow.patched` in the workflow (README, "Changing ClaimWorkflow"), or it fails replay.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from claims.assessment import ModelAnswer, Recommendation
from claims.rules import RiskRule

# The default of CLAIMS_AUTO_APPROVE_MIN_CONFIDENCE; each claim carries the value it was given.
DEFAULT_AUTO_APPROVE_MIN_CONFIDENCE = 0.9


class Route(StrEnum):
    AUTO_APPROVE = "auto_approve"
    HUMAN_REVIEW = "human_review"


class ReviewReason(StrEnum):
    MODEL_RECOMMENDS_REVIEW = "model_recommends_review"
    MODEL_RECOMMENDS_REJECT = "model_recommends_reject"
    LOW_CONFIDENCE = "low_model_confidence"
    MODEL_RISK_FLAGS = "model_risk_flags"
    RISK_RULES = "risk_rules_fired"
    ABOVE_AUTO_APPROVE_LIMIT = "above_auto_approve_limit"
    MODEL_OUTPUT_INVALID = "model_output_invalid"
    ASSESSMENT_UNAVAILABLE = "assessment_unavailable"
    # An investigation stopped by its bounds (claims/agent.py: Bound), or one that found an
    # earlier claim like this one: a person decides.
    AGENT_TURN_LIMIT = "agent_turn_limit"
    AGENT_TOOL_CALL_LIMIT = "agent_tool_call_limit"
    AGENT_BUDGET_SPENT = "agent_budget_spent"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    # The rail refused the payment (and it was released): a human decides again.
    PAYMENT_FAILED = "payment_failed"


class RoutingDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    route: Route
    reasons: list[str]


def route_claim(
    *,
    answer: ModelAnswer | None,
    payable_amount: Decimal,
    auto_approve_limit: Decimal,
    min_confidence: float,
    risk_rules: list[RiskRule],
    unavailable_reason: ReviewReason = ReviewReason.ASSESSMENT_UNAVAILABLE,
    duplicate_suspected: bool = False,
) -> RoutingDecision:
    """Decide between auto-approval and human review; `answer` is None when no model answered.

    `duplicate_suspected`: an investigation found an earlier claim like this one (a shared
    document, or the same day and words); whatever the model makes of it, a person looks."""
    if answer is None:
        return RoutingDecision(route=Route.HUMAN_REVIEW, reasons=[unavailable_reason])
    reasons: list[str] = []
    if duplicate_suspected:
        reasons.append(ReviewReason.POSSIBLE_DUPLICATE)
    if answer.recommendation is Recommendation.REJECT:
        reasons.append(ReviewReason.MODEL_RECOMMENDS_REJECT)
    elif answer.recommendation is Recommendation.REVIEW:
        reasons.append(ReviewReason.MODEL_RECOMMENDS_REVIEW)
    elif answer.confidence < min_confidence:
        reasons.append(ReviewReason.LOW_CONFIDENCE)
    if answer.risk_flags:
        reasons.append(ReviewReason.MODEL_RISK_FLAGS)
    if risk_rules:
        reasons.append(ReviewReason.RISK_RULES)
    if payable_amount > auto_approve_limit:
        reasons.append(ReviewReason.ABOVE_AUTO_APPROVE_LIMIT)
    if reasons:
        return RoutingDecision(route=Route.HUMAN_REVIEW, reasons=reasons)
    return RoutingDecision(
        route=Route.AUTO_APPROVE,
        reasons=[f"model approves with confidence {answer.confidence:.2f}"],
    )
