"""ClaimWorkflow end to end with real workers, a real Temporal server and a real Postgres."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from claims.lifecycle import ClaimStatus
from claims.models import PolicyStatus
from claims.routing import ReviewReason
from contracts import REVIEW_UPDATE, ClaimState, ReviewDecision, ReviewInput
from infra.tables import decision, payment
from tests.support.stack import Stack
from tools import samples as f


def review(decision_: ReviewDecision, amount: str | None = None, note: str | None = None):
    return ReviewInput(
        decision=decision_,
        approved_amount=Decimal(amount) if amount else None,
        note=note,
        adjuster_name="alice",
        adjuster_role="adjuster",
    )


async def send_review(handle: WorkflowHandle[Any, Any], request: ReviewInput) -> ClaimState:
    state: ClaimState = await handle.execute_update(REVIEW_UPDATE, request, result_type=ClaimState)
    return state


async def payments_of(stack: Stack, claim_id: uuid.UUID) -> list[dict[str, Any]]:
    async with stack.engine.connect() as conn:
        rows = await conn.execute(sa.select(payment).where(payment.c.claim_id == claim_id))
    return [dict(r) for r in rows.mappings()]


async def test_ordinary_claim_is_auto_approved_and_paid(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle = await stack.start(f.submission(policy.policy_number, amount=Decimal("1250.00")))
    state = await handle.result()
    assert state.status is ClaimStatus.PAID
    assert state.approved_amount == Decimal("750.00")
    assert await stack.event_types(state.claim_id) == [
        "submitted",
        "policy_checked",
        "assessed",
        "approved",
        "payment_started",
        "paid",
    ]
    [paid] = await payments_of(stack, state.claim_id)
    assert (paid["amount"], paid["status"]) == (Decimal("750.00"), "settled")
    row = await stack.claim_row(state.claim_id)
    assert row["status"] == "paid"


async def test_red_flag_claim_waits_for_review_then_partial_approval_pays_that(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle = await stack.start(
        f.submission(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
    )
    waiting = await stack.wait_for_status(handle, ClaimStatus.AWAITING_REVIEW)
    assert waiting.waiting_on == "adjuster review"
    after = await send_review(handle, review(ReviewDecision.APPROVE, "600.00", "receipt seen"))
    assert after.status in {ClaimStatus.APPROVED, ClaimStatus.PAYING, ClaimStatus.PAID}
    final = await handle.result()
    assert final.status is ClaimStatus.PAID
    [paid] = await payments_of(stack, final.claim_id)
    assert paid["amount"] == Decimal("600.00")
    events = await stack.event_types(final.claim_id)
    assert events[3:] == ["review_requested", "reviewed", "approved", "payment_started", "paid"]
    async with stack.engine.connect() as conn:
        adjuster = (
            await conn.execute(
                sa.select(decision.c.adjuster_name, decision.c.note).where(
                    decision.c.claim_id == final.claim_id, decision.c.decided_by == "adjuster"
                )
            )
        ).one()
    assert tuple(adjuster) == ("alice", "receipt seen")


async def test_review_rejection_rejects_without_payment(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle = await stack.start(
        f.submission(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
    )
    await stack.wait_for_status(handle, ClaimStatus.AWAITING_REVIEW)
    await send_review(handle, review(ReviewDecision.REJECT, note="fraud"))
    final = await handle.result()
    assert final.status is ClaimStatus.REJECTED
    assert await payments_of(stack, final.claim_id) == []
    assert (await stack.event_types(final.claim_id))[-2:] == ["reviewed", "rejected"]


@pytest.mark.parametrize(
    ("policy_overrides", "claim_overrides", "rule"),
    [
        ({"status": PolicyStatus.LAPSED}, {}, "policy_lapsed"),
        ({}, {"claim_type": "travel"}, "claim_type_not_covered"),
        ({}, {"amount": Decimal("100.00")}, "nothing_payable_after_deductible"),
    ],
)
async def test_hard_rule_rejects_without_asking_the_model(
    stack: Stack, policy_overrides, claim_overrides, rule
):
    policy = await stack.add_policy(f.policy(**policy_overrides))
    handle = await stack.start(f.submission(policy.policy_number, **claim_overrides))
    final = await handle.result()
    assert final.status is ClaimStatus.REJECTED
    assert await stack.event_types(final.claim_id) == ["submitted", "policy_checked", "rejected"]
    async with stack.engine.connect() as conn:
        decided = (
            await conn.execute(
                sa.select(
                    decision.c.decided_by, decision.c.rules_fired, decision.c.model_name
                ).where(decision.c.claim_id == final.claim_id)
            )
        ).one()
    assert tuple(decided) == ("rule", [rule], None)


async def test_unknown_policy_is_rejected_by_rule(stack: Stack):
    handle = await stack.start(f.submission(f.policy_number()))
    final = await handle.result()
    assert final.status is ClaimStatus.REJECTED


async def test_model_reject_goes_to_a_human_not_to_rejection(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle = await stack.start(
        f.submission(policy.policy_number, description="I drove into the wall on purpose.")
    )
    state = await stack.wait_for_status(handle, ClaimStatus.AWAITING_REVIEW)
    # The model said reject; the claim went to a human for that reason, and nothing rejected it.
    assessed = await stack.event(state.claim_id, "assessed")
    assert assessed["detail"]["recommendation"] == "reject"
    assert assessed["detail"]["route"] == "human_review"
    assert ReviewReason.MODEL_RECOMMENDS_REJECT in assessed["detail"]["reasons"]
    assert "rejected" not in await stack.event_types(state.claim_id)
    await send_review(handle, review(ReviewDecision.REJECT))
    assert (await handle.result()).status is ClaimStatus.REJECTED
    async with stack.engine.connect() as conn:
        deciders = (
            await conn.execute(
                sa.select(decision.c.decided_by, decision.c.outcome)
                .where(decision.c.claim_id == state.claim_id)
                .order_by(decision.c.step)
            )
        ).all()
    assert [tuple(d) for d in deciders] == [("model", "review"), ("adjuster", "reject")]


async def test_the_confidence_threshold_travels_in_the_claims_config(stack: Stack):
    """The offline model approves at 0.95: a claim submitted under 0.99 waits for a human."""
    policy = await stack.add_policy(f.policy())
    strict = await stack.start(f.submission(policy.policy_number), auto_approve_min_confidence=0.99)
    state = await stack.wait_for_status(strict, ClaimStatus.AWAITING_REVIEW)
    assessed = await stack.event(state.claim_id, "assessed")
    assert assessed["detail"]["reasons"] == [ReviewReason.LOW_CONFIDENCE]
    await strict.terminate("test done")
    ordinary = await stack.start(f.submission(policy.policy_number))
    assert (await ordinary.result()).status is ClaimStatus.PAID


async def test_amount_above_auto_approve_limit_needs_a_human(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle = await stack.start(f.submission(policy.policy_number, amount=Decimal("9000.00")))
    state = await stack.wait_for_status(handle, ClaimStatus.AWAITING_REVIEW)
    assert state.payable_amount == Decimal("8500.00")
    await send_review(handle, review(ReviewDecision.APPROVE))
    final = await handle.result()
    [paid] = await payments_of(stack, final.claim_id)
    assert paid["amount"] == Decimal("8500.00")


async def review_refusal(handle, request: ReviewInput) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await send_review(handle, request)
    assert isinstance(refused.value.cause, ApplicationError)
    return refused.value.cause


async def test_bad_reviews_are_refused_before_entering_history(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle = await stack.start(
        f.submission(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
    )
    await stack.wait_for_status(handle, ClaimStatus.AWAITING_REVIEW)
    too_much = await review_refusal(handle, review(ReviewDecision.APPROVE, "999999.00"))
    assert too_much.type == "InvalidReview"
    nothing = await review_refusal(handle, review(ReviewDecision.APPROVE, "0.00"))
    assert nothing.type == "InvalidReview"
    # Whoever submitted the claim never decides it, whatever their role.
    own = review(ReviewDecision.APPROVE).model_copy(
        update={"adjuster_name": stack.settings.dev_submitter.name, "adjuster_role": "admin"}
    )
    submitter_deciding = await review_refusal(handle, own)
    assert submitter_deciding.type == "OwnClaim"
    assert "submitted this claim" in submitter_deciding.message
    history = await handle.fetch_history()
    accepted = [
        e
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert accepted == []
    await send_review(handle, review(ReviewDecision.APPROVE))
    assert (await handle.result()).status is ClaimStatus.PAID


async def test_review_of_a_claim_not_awaiting_review_is_refused(stack: Stack):
    policy = await stack.add_policy(f.policy())
    handle = await stack.start(
        f.submission(policy.policy_number, description=f.RED_FLAG_DESCRIPTION)
    )
    await stack.wait_for_status(handle, ClaimStatus.AWAITING_REVIEW)
    await send_review(handle, review(ReviewDecision.REJECT))
    await handle.result()
    # The workflow has finished: a second review cannot reach it at all.
    with pytest.raises(Exception, match=r"completed|not found|already"):
        await send_review(handle, review(ReviewDecision.APPROVE))
