"""ClaimWorkflow: one claim from submission to a terminal state.

Orchestration only. Every side effect is an activity; every decision is pure code from the
`claims` package; every state change is recorded through `record_transition` with a step number
from this workflow, which makes each write idempotent under retries and replays.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import contracts as c
    from claims.assessment import ClaimFacts
    from claims.models import ClaimStatus, DecidedBy, DecisionOutcome
    from claims.routing import ReviewReason, Route, RoutingDecision, route_claim
    from claims.rules import PolicyCheck
    from infra import search_attributes as sa
    from workflows import policies
    from workflows.contracts import (
        REVIEW_UPDATE,
        STATE_QUERY,
        WORKFLOW_NAME,
        ClaimState,
        ClaimWorkflowInput,
        ReviewDecision,
        ReviewInput,
    )


@workflow.defn(name=WORKFLOW_NAME)
class ClaimWorkflow:
    def __init__(self) -> None:
        self._input: ClaimWorkflowInput | None = None
        self._status = ClaimStatus.SUBMITTED
        self._step = 0
        self._payable: Any = None
        self._approved: Any = None
        self._escalated = False
        self._waiting_on: str | None = None
        self._review: ReviewInput | None = None
        self._review_applied = False

    # --- handlers -------------------------------------------------------------------------

    @workflow.query(name=STATE_QUERY)
    def state(self) -> ClaimState:
        return ClaimState(
            claim_id=self._claim_input.claim_id,
            status=self._status,
            payable_amount=self._payable,
            approved_amount=self._approved,
            escalated=self._escalated,
            step=self._step,
            waiting_on=self._waiting_on,
        )

    @workflow.update(name=REVIEW_UPDATE)
    async def review(self, review: ReviewInput) -> ClaimState:
        self._review = review
        # Answer once the decision is recorded, so the caller reads a consistent claim.
        await workflow.wait_condition(lambda: self._review_applied)
        return self.state()

    @review.validator
    def validate_review(self, review: ReviewInput) -> None:
        # Raising here refuses the update before anything enters the history.
        if self._status is not ClaimStatus.AWAITING_REVIEW or self._review is not None:
            raise ApplicationError(
                f"claim is {self._status}, not awaiting review", type="ClaimNotAwaitingReview"
            )
        if review.decision is ReviewDecision.REQUEST_INFO:
            raise ApplicationError(
                "request_info is not supported yet", type="InvalidReview", non_retryable=True
            )
        amount = review.approved_amount
        if amount is not None:
            if review.decision is not ReviewDecision.APPROVE:
                raise ApplicationError(
                    "approved_amount only goes with decision approve", type="InvalidReview"
                )
            if amount <= 0 or amount > self._payable:
                raise ApplicationError(
                    f"approved_amount must be above 0 and at most the payable {self._payable}",
                    type="InvalidReview",
                )

    # --- main flow ------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        self._input = input
        await self._record_submission()

        checked = await workflow.execute_activity(
            c.CHECK_POLICY,
            c.PolicyCheckInput(claim_id=input.claim_id, submission=input.submission),
            result_type=c.PolicyCheckResult,
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=policies.DB_RETRY,
            summary="Check claim against its policy",
        )
        check = checked.check
        self._payable = check.payable_amount
        if not check.passed:
            await self._reject_by_rule(check)
        else:
            await self._transition(
                "policy_checked",
                status=ClaimStatus.ASSESSING,
                detail={"payable_amount": str(check.payable_amount), "reasons": check.reasons},
                payable_amount=check.payable_amount,
            )
            facts = ClaimFacts.of(input.submission, checked.policy, check.payable_amount)
            routing = await self._assess(facts, check)
            if routing.route is Route.AUTO_APPROVE:
                await self._approve(check.payable_amount, by=DecidedBy.MODEL)
            else:
                await self._wait_for_review(routing)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    @property
    def _claim_input(self) -> ClaimWorkflowInput:
        if self._input is None:
            raise ApplicationError("workflow input not yet available", non_retryable=True)
        return self._input

    async def _record_submission(self) -> None:
        claim = self._claim_input
        self._step = 1
        await workflow.execute_activity(
            c.RECORD_SUBMISSION,
            c.SubmissionRecord(
                claim_id=claim.claim_id,
                workflow_id=workflow.info().workflow_id,
                submission=claim.submission,
                submitted_at=claim.submitted_at,
            ),
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=policies.DB_RETRY,
            summary="Record submission",
        )

    async def _transition(
        self,
        event_type: str,
        *,
        status: ClaimStatus | None = None,
        detail: dict[str, Any] | None = None,
        decision: c.DecisionRecord | None = None,
        **claim_fields: Any,
    ) -> None:
        """Append one audit event (and optionally move the status) as the next step."""
        self._step += 1
        if status is not None:
            self._status = status
            workflow.upsert_search_attributes([sa.CLAIM_STATUS.value_set(status.value)])
        await workflow.execute_activity(
            c.RECORD_TRANSITION,
            c.TransitionInput(
                claim_id=self._claim_input.claim_id,
                step=self._step,
                event_type=event_type,
                at=workflow.now(),
                status=status,
                detail=detail or {},
                decision=decision,
                **claim_fields,
            ),
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=policies.DB_RETRY,
            summary=f"Record {event_type}",
        )

    async def _notify(self, kind: str, payload: dict[str, Any]) -> None:
        self._step += 1
        await workflow.execute_activity(
            c.NOTIFY,
            c.NotificationInput(
                claim_id=self._claim_input.claim_id, step=self._step, kind=kind, payload=payload
            ),
            start_to_close_timeout=policies.NOTIFY_TIMEOUT,
            retry_policy=policies.NOTIFY_RETRY,
            summary=f"Notify claimant: {kind}",
        )

    async def _reject_by_rule(self, check: PolicyCheck) -> None:
        rule = check.rule.value if check.rule else "unknown"
        await self._transition(
            "policy_checked", detail={"passed": False, "rule": rule, "reasons": check.reasons}
        )
        await self._transition(
            "rejected",
            status=ClaimStatus.REJECTED,
            detail={"decided_by": DecidedBy.RULE.value, "rule": rule, "reasons": check.reasons},
            payable_amount=check.payable_amount,
            decision=c.DecisionRecord(
                outcome=DecisionOutcome.REJECT,
                decided_by=DecidedBy.RULE,
                reasons=check.reasons,
                rules_fired=[rule],
                payable_amount=check.payable_amount,
            ),
        )
        await self._notify("claim_rejected", {"rule": rule, "reasons": check.reasons})

    async def _assess(self, facts: ClaimFacts, check: PolicyCheck) -> RoutingDecision:
        """Ask the model (on the llm task queue), then route with deterministic code."""
        config = self._claim_input.config
        self._waiting_on = "assessment"
        result: c.AssessmentResult | None = None
        try:
            result = await workflow.execute_activity(
                c.ASSESS_CLAIM,
                c.AssessmentInput(claim_id=self._claim_input.claim_id, facts=facts),
                result_type=c.AssessmentResult,
                task_queue=config.llm_task_queue,
                start_to_close_timeout=timedelta(seconds=config.llm_timeout_s)
                + policies.LLM_ATTEMPT_HEADROOM,
                schedule_to_close_timeout=policies.LLM_TOTAL_TIMEOUT,
                retry_policy=policies.LLM_RETRY,
                summary="Assess claim with the LLM",
            )
        except ActivityError as err:
            # No provider behaviour may fail the claim: when every attempt is spent, a human
            # decides instead.
            workflow.logger.warning("assessment unavailable: %s", err.cause or err)
        self._waiting_on = None

        answer = result.answer if result else None
        unavailable = (
            ReviewReason.MODEL_OUTPUT_INVALID
            if result is not None and result.answer is None
            else ReviewReason.ASSESSMENT_UNAVAILABLE
        )
        routing = route_claim(
            answer=answer,
            payable_amount=check.payable_amount,
            auto_approve_limit=config.auto_approve_limit,
            risk_rules=check.risk_rules,
            unavailable_reason=unavailable,
        )
        outcome = (
            DecisionOutcome.APPROVE
            if routing.route is Route.AUTO_APPROVE
            else DecisionOutcome.REVIEW
        )
        await self._transition(
            "assessed",
            detail={
                "route": routing.route.value,
                "reasons": routing.reasons,
                "recommendation": answer.recommendation.value if answer else None,
                "model": result.model.name if result else None,
            },
            decision=c.DecisionRecord(
                outcome=outcome,
                decided_by=DecidedBy.MODEL,
                reasons=routing.reasons,
                rules_fired=[r.value for r in check.risk_rules],
                payable_amount=check.payable_amount,
                approved_amount=check.payable_amount
                if outcome is DecisionOutcome.APPROVE
                else None,
                model=result.model if result else None,
                answer=answer,
            ),
        )
        return routing

    async def _wait_for_review(self, routing: RoutingDecision) -> None:
        config = self._claim_input.config
        await self._transition(
            "review_requested",
            status=ClaimStatus.AWAITING_REVIEW,
            detail={"reasons": routing.reasons},
        )
        self._waiting_on = "adjuster review"
        sla = timedelta(seconds=config.review_sla_s)
        try:
            await workflow.wait_condition(lambda: self._review is not None, timeout=sla)
        except TimeoutError:
            await self._escalate(sla)
            await workflow.wait_condition(lambda: self._review is not None)
        self._waiting_on = None
        review = self._review
        if review is None:  # pragma: no cover - the condition above guarantees it
            raise ApplicationError("review missing after wait", non_retryable=True)
        await self._apply_review(review)

    async def _escalate(self, sla: timedelta) -> None:
        self._escalated = True
        workflow.upsert_search_attributes([sa.ESCALATED.value_set(True)])
        await self._transition(
            "escalated",
            detail={"waited_s": int(sla.total_seconds())},
            escalated=True,
        )
        await self._notify("review_escalated", {"waited_s": int(sla.total_seconds())})

    async def _apply_review(self, review: ReviewInput) -> None:
        payable = self._payable
        approved = review.approved_amount if review.approved_amount is not None else payable
        approve = review.decision is ReviewDecision.APPROVE
        await self._transition(
            "reviewed",
            detail={
                "decision": review.decision.value,
                "approved_amount": str(approved) if approve else None,
                "adjuster": review.adjuster_name,
                "role": review.adjuster_role,
                "note": review.note,
            },
            decision=c.DecisionRecord(
                outcome=DecisionOutcome.APPROVE if approve else DecisionOutcome.REJECT,
                decided_by=DecidedBy.ADJUSTER,
                reasons=[review.note] if review.note else [],
                payable_amount=payable,
                approved_amount=approved if approve else None,
                adjuster_name=review.adjuster_name,
                adjuster_role=review.adjuster_role,
                note=review.note,
            ),
        )
        if approve:
            await self._approve(approved, by=DecidedBy.ADJUSTER)
        else:
            await self._transition(
                "rejected",
                status=ClaimStatus.REJECTED,
                detail={"decided_by": DecidedBy.ADJUSTER.value, "note": review.note},
            )
            self._review_applied = True
            await self._notify("claim_rejected", {"note": review.note})

    async def _approve(self, amount: Any, *, by: DecidedBy) -> None:
        claim = self._claim_input
        self._approved = amount
        await self._transition(
            "approved",
            status=ClaimStatus.APPROVED,
            detail={"decided_by": by.value, "approved_amount": str(amount)},
            approved_amount=amount,
        )
        # A pending review update answers now that its decision is recorded.
        self._review_applied = True
        await self._transition(
            "payment_started",
            status=ClaimStatus.PAYING,
            detail={"amount": str(amount), "currency": claim.submission.currency},
        )
        self._waiting_on = "payment"
        payment = await workflow.execute_activity(
            c.PAY_CLAIM,
            c.PaymentInput(
                claim_id=claim.claim_id, amount=amount, currency=claim.submission.currency
            ),
            result_type=c.PaymentResult,
            start_to_close_timeout=policies.PAYMENT_TIMEOUT,
            retry_policy=policies.PAYMENT_RETRY,
            summary=f"Pay {amount} {claim.submission.currency}",
        )
        self._waiting_on = None
        await self._transition(
            "paid",
            status=ClaimStatus.PAID,
            detail={
                "payment_id": str(payment.payment_id),
                "amount": str(payment.amount),
                "currency": payment.currency,
                "rail_reference": payment.rail_reference,
            },
        )
        await self._notify(
            "claim_paid", {"amount": str(payment.amount), "currency": payment.currency}
        )
