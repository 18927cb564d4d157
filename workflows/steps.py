"""The activity calls that record and act on a claim: one method per recorded step.

ClaimWorkflow owns the flow (which step comes next); this module knows how each step is
recorded: which activity, its timeout and retry policy, and its summary in the Web UI. It
reads and advances the workflow's one `ClaimState`, and runs inside the workflow sandbox.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from activities import contracts as c
from claims.assessment import ClaimFacts
from claims.decisions import DecisionRecord
from claims.lifecycle import ClaimStatus, ErrorType, EventType, NotificationKind
from claims.models import DecidedBy, DecisionOutcome
from claims.routing import Route, RoutingDecision
from claims.rules import PolicyCheck
from workflows import policies
from workflows import search_attributes as sa
from workflows.contracts import (
    CancelInput,
    ClaimState,
    ClaimWorkflowInput,
    ReviewDecision,
    ReviewInput,
)


class PaymentRefusedError(Exception):
    """The rail refused the payment for a business reason (retrying cannot help)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_REVIEW_OUTCOME = {
    ReviewDecision.APPROVE: DecisionOutcome.APPROVE,
    ReviewDecision.REJECT: DecisionOutcome.REJECT,
    ReviewDecision.REQUEST_INFO: DecisionOutcome.REQUEST_INFO,
}


class ClaimSteps:
    """The recorded steps of one claim, bound to the workflow's input and its state."""

    def __init__(self, input: ClaimWorkflowInput, state: ClaimState) -> None:
        self._input = input
        self._claim = state

    def wait_on(self, what: str | None) -> None:
        """Note what the claim is waiting for (the query, and the Web UI's current details)."""
        self._claim.waiting_on = what
        self._refresh_details()

    def _refresh_details(self) -> None:
        """The line operators read in the Web UI: state, what it waits for, the money."""
        claim = self._input.submission
        status = f"**{self._claim.status.value}**"
        if self._claim.waiting_on:
            status += f": waiting for {self._claim.waiting_on}"
        if self._claim.escalated:
            status += " (escalated: past the review SLA)"
        payable = self._claim.payable_amount
        money = f"payable {payable} {claim.currency}" if payable else "payable unknown"
        workflow.set_current_details(
            f"{status}\n\n{claim.claim_type} claim of {claim.amount} {claim.currency} on "
            f"policy {claim.policy_number}; {money}"
        )

    # --- recording ------------------------------------------------------------------------

    async def transition(
        self,
        event_type: EventType,
        *,
        status: ClaimStatus | None = None,
        detail: dict[str, Any] | None = None,
        decision: DecisionRecord | None = None,
        payable_amount: Decimal | None = None,
        approved_amount: Decimal | None = None,
        escalated: bool | None = None,
    ) -> None:
        """Append one audit event (and optionally move the status) as the next step."""
        self._claim.step += 1
        if status is not None:
            self._claim.status = status
            workflow.upsert_search_attributes([sa.CLAIM_STATUS.value_set(status.value)])
            self._refresh_details()
        await workflow.execute_activity(
            c.RECORD_TRANSITION,
            c.TransitionInput(
                claim_id=self._input.claim_id,
                step=self._claim.step,
                event_type=event_type,
                at=workflow.now(),
                status=status,
                detail=detail or {},
                decision=decision,
                payable_amount=payable_amount,
                approved_amount=approved_amount,
                escalated=escalated,
            ),
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=policies.DB_RETRY,
            summary=f"Record {event_type.replace('_', ' ')}",
        )

    async def notify(self, kind: NotificationKind, payload: dict[str, Any]) -> None:
        self._claim.step += 1
        await workflow.execute_activity(
            c.NOTIFY,
            c.NotificationInput(
                claim_id=self._input.claim_id, step=self._claim.step, kind=kind, payload=payload
            ),
            start_to_close_timeout=policies.NOTIFY_TIMEOUT,
            retry_policy=policies.NOTIFY_RETRY,
            summary=f"Notify: {kind.replace('_', ' ')}",
        )

    async def record_submission(self) -> None:
        claim = self._input
        self._claim.step = 1
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

    async def check_policy(self) -> c.PolicyCheckResult:
        result: c.PolicyCheckResult = await workflow.execute_activity(
            c.CHECK_POLICY,
            c.PolicyCheckInput(claim_id=self._input.claim_id, submission=self._input.submission),
            result_type=c.PolicyCheckResult,
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=policies.DB_RETRY,
            summary=f"Check claim against policy {self._input.submission.policy_number}",
        )
        return result

    async def reject_by_rule(self, check: PolicyCheck) -> None:
        rule = check.rule.value if check.rule else "unknown"
        await self.transition(
            EventType.POLICY_CHECKED,
            detail={"passed": False, "rule": rule, "reasons": check.reasons},
        )
        await self.transition(
            EventType.REJECTED,
            status=ClaimStatus.REJECTED,
            detail={"decided_by": DecidedBy.RULE.value, "rule": rule, "reasons": check.reasons},
            payable_amount=check.payable_amount,
            decision=DecisionRecord(
                outcome=DecisionOutcome.REJECT,
                decided_by=DecidedBy.RULE,
                reasons=check.reasons,
                rules_fired=[rule],
                payable_amount=check.payable_amount,
            ),
        )
        await self.notify(NotificationKind.CLAIM_REJECTED, {"rule": rule, "reasons": check.reasons})

    # --- assessment -----------------------------------------------------------------------

    def start_assessment(self, facts: ClaimFacts) -> workflow.ActivityHandle[c.AssessmentResult]:
        config = self._input.config
        return workflow.start_activity(
            c.ASSESS_CLAIM,
            c.AssessmentInput(
                claim_id=self._input.claim_id, facts=facts, document_ids=self._claim.document_ids
            ),
            result_type=c.AssessmentResult,
            task_queue=config.llm_task_queue,
            start_to_close_timeout=timedelta(seconds=config.llm_timeout_s)
            + policies.LLM_ATTEMPT_HEADROOM,
            schedule_to_close_timeout=policies.LLM_TOTAL_TIMEOUT,
            heartbeat_timeout=policies.LLM_HEARTBEAT_TIMEOUT,
            retry_policy=policies.llm_retry(config.llm_max_attempts),
            summary=f"Assess claim with {config.llm_model or 'the LLM'}",
        )

    async def record_assessment(
        self, result: c.AssessmentResult | None, routing: RoutingDecision
    ) -> None:
        answer = result.answer if result else None
        approve = routing.route is Route.AUTO_APPROVE
        await self.transition(
            EventType.ASSESSED,
            detail={
                "route": routing.route.value,
                "reasons": routing.reasons,
                "recommendation": answer.recommendation.value if answer else None,
                "model": result.model.name if result else None,
                "invalid_reason": result.invalid_reason if result else None,
                "model_faults": result.model_faults if result else [],
            },
            decision=DecisionRecord(
                outcome=DecisionOutcome.APPROVE if approve else DecisionOutcome.REVIEW,
                decided_by=DecidedBy.MODEL,
                reasons=routing.reasons,
                rules_fired=[r.value for r in self._claim.risk_rules],
                payable_amount=self._claim.payable_amount,
                approved_amount=self._claim.payable_amount if approve else None,
                model=result.model if result else None,
                answer=answer,
            ),
        )

    # --- review ---------------------------------------------------------------------------

    async def escalate(self, sla: timedelta) -> None:
        self._claim.escalated = True
        workflow.upsert_search_attributes([sa.ESCALATED.value_set(True)])
        self._refresh_details()
        waited = int(sla.total_seconds())
        await self.transition(EventType.ESCALATED, detail={"waited_s": waited}, escalated=True)
        await self.notify(NotificationKind.REVIEW_ESCALATED, {"waited_s": waited})

    async def record_review(self, review: ReviewInput) -> None:
        approve = review.decision is ReviewDecision.APPROVE
        approved = review.approved_amount or self._claim.payable_amount
        # Escalation is about the review queue; a review takes the claim out of it.
        was_escalated = self._claim.escalated
        if was_escalated:
            self._claim.escalated = False
            workflow.upsert_search_attributes([sa.ESCALATED.value_set(False)])
        await self.transition(
            EventType.REVIEWED,
            detail={
                "decision": review.decision.value,
                "approved_amount": str(approved) if approve else None,
                "adjuster": review.adjuster_name,
                "role": review.adjuster_role,
                "note": review.note,
            },
            decision=DecisionRecord(
                outcome=_REVIEW_OUTCOME[review.decision],
                decided_by=DecidedBy.ADJUSTER,
                reasons=[review.note] if review.note else [],
                payable_amount=self._claim.payable_amount,
                approved_amount=approved if approve else None,
                adjuster_name=review.adjuster_name,
                adjuster_role=review.adjuster_role,
                note=review.note,
            ),
            escalated=False if was_escalated else None,
        )

    async def reject_by_adjuster(self, review: ReviewInput) -> None:
        await self.transition(
            EventType.REJECTED,
            status=ClaimStatus.REJECTED,
            detail={"decided_by": DecidedBy.ADJUSTER.value, "note": review.note},
        )
        await self.notify(NotificationKind.CLAIM_REJECTED, {"note": review.note})

    async def request_information(self, review: ReviewInput) -> None:
        await self.transition(
            EventType.INFO_REQUESTED,
            status=ClaimStatus.AWAITING_INFO,
            detail={"note": review.note, "adjuster": review.adjuster_name},
        )
        await self.notify(NotificationKind.INFORMATION_REQUESTED, {"note": review.note})

    async def record_cancellation(self, request: CancelInput) -> None:
        await self.transition(
            EventType.CANCELLED,
            status=ClaimStatus.CANCELLED,
            detail={"by": request.by.name, "role": request.by.role, "reason": request.reason},
        )
        await self.notify(NotificationKind.CLAIM_CANCELLED, {"reason": request.reason})

    # --- payment (a saga: a refused payment is compensated) -------------------------------

    async def pay(self, amount: Decimal) -> c.PaymentResult:
        """Pay through the rail; raise PaymentRefusedError when the rail refuses the payee."""
        submission = self._input.submission
        self._claim.payment_attempts += 1
        await self.transition(
            EventType.PAYMENT_STARTED,
            status=ClaimStatus.PAYING,
            detail={
                "amount": str(amount),
                "currency": submission.currency,
                "attempt": self._claim.payment_attempts,
            },
        )
        self.wait_on("payment")
        try:
            payment: c.PaymentResult = await workflow.execute_activity(
                c.PAY_CLAIM,
                c.PaymentInput(
                    claim_id=self._input.claim_id,
                    attempt=self._claim.payment_attempts,
                    amount=amount,
                    currency=submission.currency,
                    payee=submission.claimant.email,
                ),
                result_type=c.PaymentResult,
                start_to_close_timeout=policies.PAYMENT_TIMEOUT,
                retry_policy=policies.PAYMENT_RETRY,
                summary=f"Pay {amount} {submission.currency}",
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == ErrorType.PAYMENT_REFUSED:
                raise PaymentRefusedError(cause.message) from err
            raise
        finally:
            self.wait_on(None)
        await self.transition(
            EventType.PAID,
            status=ClaimStatus.PAID,
            detail={
                "payment_id": str(payment.payment_id),
                "amount": str(payment.amount),
                "currency": payment.currency,
                "rail_reference": payment.rail_reference,
            },
        )
        await self.notify(
            NotificationKind.CLAIM_PAID,
            {"amount": str(payment.amount), "currency": payment.currency},
        )
        return payment

    async def compensate_payment(self, reason: str) -> None:
        """Release the refused attempt's reservation, then record the failure."""
        await workflow.execute_activity(
            c.RELEASE_PAYMENT,
            c.ReleaseInput(
                claim_id=self._input.claim_id, attempt=self._claim.payment_attempts, reason=reason
            ),
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=policies.DB_RETRY,
            summary="Release the refused payment's reservation",
        )
        self._claim.approved_amount = None
        await self.transition(
            EventType.PAYMENT_FAILED,
            detail={"reason": reason, "attempt": self._claim.payment_attempts},
        )
