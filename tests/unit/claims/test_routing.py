from decimal import Decimal

import pytest

from claims.assessment import ModelAnswer, Recommendation
from claims.routing import ReviewReason, Route, route_claim
from claims.rules import RiskRule

LIMIT = Decimal("5000")
MIN_CONFIDENCE = 0.9


def answer(
    recommendation: str = "approve", confidence: float = 0.95, flags: tuple[str, ...] = ()
) -> ModelAnswer:
    return ModelAnswer(
        recommendation=Recommendation(recommendation),
        confidence=confidence,
        rationale="because",
        risk_flags=list(flags),
    )


def test_confident_clean_approval_within_limit_is_automatic():
    decision = route_claim(
        answer=answer(),
        payable_amount=Decimal("750"),
        auto_approve_limit=LIMIT,
        min_confidence=MIN_CONFIDENCE,
        risk_rules=[],
    )
    assert decision.route is Route.AUTO_APPROVE


@pytest.mark.parametrize(
    ("model", "payable", "risks", "reason"),
    [
        (answer("reject", 0.99), "750", [], ReviewReason.MODEL_RECOMMENDS_REJECT),
        (answer("review", 0.99), "750", [], ReviewReason.MODEL_RECOMMENDS_REVIEW),
        (answer("approve", 0.89), "750", [], ReviewReason.LOW_CONFIDENCE),
        (answer("approve", 0.99, ("odd",)), "750", [], ReviewReason.MODEL_RISK_FLAGS),
        (answer(), "750", [RiskRule.AMOUNT_CAPPED_AT_LIMIT], ReviewReason.RISK_RULES),
        (answer(), "5000.01", [], ReviewReason.ABOVE_AUTO_APPROVE_LIMIT),
    ],
)
def test_anything_short_of_a_clean_approval_goes_to_a_human(model, payable, risks, reason):
    decision = route_claim(
        answer=model,
        payable_amount=Decimal(payable),
        auto_approve_limit=LIMIT,
        min_confidence=MIN_CONFIDENCE,
        risk_rules=risks,
    )
    assert decision.route is Route.HUMAN_REVIEW
    assert reason in decision.reasons


def test_limit_is_inclusive():
    decision = route_claim(
        answer=answer(),
        payable_amount=LIMIT,
        auto_approve_limit=LIMIT,
        min_confidence=MIN_CONFIDENCE,
        risk_rules=[],
    )
    assert decision.route is Route.AUTO_APPROVE


def test_a_certain_model_cannot_approve_above_the_limit():
    decision = route_claim(
        answer=answer("approve", 1.0),
        payable_amount=Decimal("1000000"),
        auto_approve_limit=LIMIT,
        min_confidence=MIN_CONFIDENCE,
        risk_rules=[],
    )
    assert decision.route is Route.HUMAN_REVIEW


@pytest.mark.parametrize(
    "reason", [ReviewReason.ASSESSMENT_UNAVAILABLE, ReviewReason.MODEL_OUTPUT_INVALID]
)
def test_no_answer_goes_to_a_human_with_the_reason(reason):
    decision = route_claim(
        answer=None,
        payable_amount=Decimal("10"),
        auto_approve_limit=LIMIT,
        min_confidence=MIN_CONFIDENCE,
        risk_rules=[],
        unavailable_reason=reason,
    )
    assert (decision.route, decision.reasons) == (Route.HUMAN_REVIEW, [reason])


@pytest.mark.parametrize(("threshold", "route"), [(0.9, Route.AUTO_APPROVE), (0.95, None)])
def test_the_claims_own_confidence_threshold_decides(threshold, route):
    """The threshold is an argument (from the claim's config), not a module constant."""
    decision = route_claim(
        answer=answer("approve", 0.93),
        payable_amount=Decimal("750"),
        auto_approve_limit=LIMIT,
        min_confidence=threshold,
        risk_rules=[],
    )
    assert decision.route is (route or Route.HUMAN_REVIEW)
    if route is None:
        assert ReviewReason.LOW_CONFIDENCE in decision.reasons
