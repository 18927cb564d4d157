"""The claim workflow's state and the activity calls that record and act on it.

Split from `workflows/claim.py` to keep the flow readable: this module knows how each step is
recorded (which activity, timeout and retry policy, summary for the Web UI); the flow decides
which step comes next.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import contracts as c
    from claims.assessment import ClaimFacts
    from claims.models import ClaimStatus, DecidedBy, DecisionOutcome, Policy
    from claims.routing import Route, RoutingDecision
    from claims.rules import PolicyCheck, RiskRule
    from infra import search_attributes as sa
    from workflows import policies
    from workflows.contracts import CancelInput, ClaimState, ClaimWorkflowInput, ReviewInput


class PaymentRefusedError(Exception):
    """The rail refused the payment for a business reason (retrying cannot help)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ClaimSteps:
    """Workflow state plus one method per recorded step."""

    def __init__(self) -> None:
        self._input_value: ClaimWorkflowInput | None = None
        self._status = ClaimStatus.SUBMITTED
        self._step = 0
        self._payable = Decimal(0)
        self._approved: Decimal | None = None
        self._policy: Policy | None = None
        self._risk_rules: list[RiskRule] = []
        self._documents: list[Any] = []
        self._info_rounds = 0
        self._payment_attempts = 0
        self._escalated = False
        self._waiting_on: str | None = None

    def begin(self, input: ClaimWorkflowInput) -> None:
        """Take the input, and the progress a previous run carried over, if any."""
        self._input_value = input
        progress = input.progress
        if progress is None:
            return
        self._status = ClaimStatus.ASSESSING
        self._step = progress.step
        self._payable = progress.payable_amount
        self._policy = progress.policy
        self._risk_rules = list(progress.risk_rules)
        self._documents = list(progress.document_ids)
        self._info_rounds = progress.info_rounds
        self._payment_attempts = progress.payment_attempts
        self._escalated = progress.escalated

    @property
    def _input(self) -> ClaimWorkflowInput:
        if self._input_value is None:
            raise ApplicationError("workflow input not yet available", non_retryable=True)
        return self._input_value

    def _wait_on(self, what: str | None) -> None:
        """Note what the claim is waiting for (the query, and the Web UI's current details)."""
        self._waiting_on = what
        self._refresh_details()

    def _refresh_details(self) -> None:
        """The line operators read in the Web UI: state, what it waits for, the money."""
        claim = self._input.submission
        status = f"**{self._status.value}**"
        if self._waiting_on:
            status += f": waiting for {self._waiting_on}"
        if self._escalated:
            status += " (escalated: past the review SLA)"
        money = f"payable {self._payable} {claim.currency}" if self._payable else "payable unknown"
        workflow.set_current_details(
            f"{status}\n\n{claim.claim_type} claim of {claim.amount} {claim.currency} on "
            f"policy {claim.policy_number}; {money}"
        )

    def _state(self) -> ClaimState:
        return ClaimState(
            claim_id=self._input.claim_id,
            status=self._status,
            payable_amount=self._payable,
            approved_amount=self._approved,
            escalated=self._escalated,
            step=self._step,
            waiting_on=self._waiting_on,
            document_ids=self._documents,
        )

    # --- recording ------------------------------------------------------------------------

    async def transition(
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
            self._refresh_details()
        await workflow.execute_activity(
            c.RECORD_TRANSITION,
            c.TransitionInput(
                claim_id=self._input.claim_id,
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
            summary=f"Record {event_type.replace('_', ' ')}",
        )

    async def notify(self, kind: str, payload: dict[str, Any]) -> None:
        self._step += 1
        await workflow.execute_activity(
            c.NOTIFY,
            c.NotificationInput(
                claim_id=self._input.claim_id, step=self._step, kind=kind, payload=payload
            ),
            start_to_close_timeout=policies.NOTIFY_TIMEOUT,
            retry_policy=policies.NOTIFY_RETRY,
            summary=f"Notify: {kind.replace('_', ' ')}",
        )

    async def record_submission(self) -> None:
        claim = self._input
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
            "policy_checked", detail={"passed": False, "rule": rule, "reasons": check.reasons}
        )
        await self.transition(
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
        await self.notify("claim_rejected", {"rule": rule, "reasons": check.reasons})

    # --- assessment -----------------------------------------------------------------------

    def start_assessment(self, facts: ClaimFacts) -> workflow.ActivityHandle[c.AssessmentResult]:
        config = self._input.config
        return workflow.start_activity(
            c.ASSESS_CLAIM,
            c.AssessmentInput(
                claim_id=self._input.claim_id, facts=facts, document_ids=self._documents
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
            "assessed",
            detail={
                "route": routing.route.value,
                "reasons": routing.reasons,
                "recommendation": answer.recommendation.value if answer else None,
                "model": result.model.name if result else None,
                "invalid_reason": result.invalid_reason if result else None,
                "model_faults": result.model_faults if result else [],
            },
            decision=c.DecisionRecord(
                outcome=DecisionOutcome.APPROVE if approve else DecisionOutcome.REVIEW,
                decided_by=DecidedBy.MODEL,
                reasons=routing.reasons,
                rules_fired=[r.value for r in self._risk_rules],
                payable_amount=self._payable,
                approved_amount=self._payable if approve else None,
                model=result.model if result else None,
                answer=answer,
            ),
        )

    # --- review ---------------------------------------------------------------------------

    async def escalate(self, sla: timedelta) -> None:
        self._escalated = True
        workflow.upsert_search_attributes([sa.ESCALATED.value_set(True)])
        self._refresh_details()
        waited = int(sla.total_seconds())
        await self.transition("escalated", detail={"waited_s": waited}, escalated=True)
        await self.notify("review_escalated", {"waited_s": waited})

    async def record_review(self, review: ReviewInput) -> None:
        approve = review.decision.value == "approve"
        approved = review.approved_amount or self._payable
        fields: dict[str, Any] = {}
        if self._escalated:
            # Escalation is about the review queue; a review takes the claim out of it.
            self._escalated = False
            workflow.upsert_search_attributes([sa.ESCALATED.value_set(False)])
            fields["escalated"] = False
        outcome = {
            "approve": DecisionOutcome.APPROVE,
            "reject": DecisionOutcome.REJECT,
            "request_info": DecisionOutcome.REQUEST_INFO,
        }[review.decision.value]
        await self.transition(
            "reviewed",
            detail={
                "decision": review.decision.value,
                "approved_amount": str(approved) if approve else None,
                "adjuster": review.adjuster_name,
                "role": review.adjuster_role,
                "note": review.note,
            },
            decision=c.DecisionRecord(
                outcome=outcome,
                decided_by=DecidedBy.ADJUSTER,
                reasons=[review.note] if review.note else [],
                payable_amount=self._payable,
                approved_amount=approved if approve else None,
                adjuster_name=review.adjuster_name,
                adjuster_role=review.adjuster_role,
                note=review.note,
            ),
            **fields,
        )

    async def reject_by_adjuster(self, review: ReviewInput) -> None:
        await self.transition(
            "rejected",
            status=ClaimStatus.REJECTED,
            detail={"decided_by": DecidedBy.ADJUSTER.value, "note": review.note},
        )
        await self.notify("claim_rejected", {"note": review.note})

    async def request_information(self, review: ReviewInput) -> None:
        await self.transition(
            "info_requested",
            status=ClaimStatus.AWAITING_INFO,
            detail={"note": review.note, "adjuster": review.adjuster_name},
        )
        await self.notify("information_requested", {"note": review.note})

    async def record_cancellation(self, request: CancelInput) -> None:
        await self.transition(
            "cancelled",
            status=ClaimStatus.CANCELLED,
            detail={"by": request.by.name, "role": request.by.role, "reason": request.reason},
        )
        await self.notify("claim_cancelled", {"reason": request.reason})

    # --- payment (a saga: a refused payment is compensated) -------------------------------

    async def pay(self, amount: Decimal) -> c.PaymentResult:
        """Pay through the rail; raise PaymentRefusedError when the rail refuses the payee."""
        submission = self._input.submission
        self._payment_attempts += 1
        await self.transition(
            "payment_started",
            status=ClaimStatus.PAYING,
            detail={
                "amount": str(amount),
                "currency": submission.currency,
                "attempt": self._payment_attempts,
            },
        )
        self._wait_on("payment")
        try:
            payment: c.PaymentResult = await workflow.execute_activity(
                c.PAY_CLAIM,
                c.PaymentInput(
                    claim_id=self._input.claim_id,
                    attempt=self._payment_attempts,
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
            if isinstance(cause, ApplicationError) and cause.type == "PaymentRefused":
                raise PaymentRefusedError(cause.message) from err
            raise
        finally:
            self._wait_on(None)
        await self.transition(
            "paid",
            status=ClaimStatus.PAID,
            detail={
                "payment_id": str(payment.payment_id),
                "amount": str(payment.amount),
                "currency": payment.currency,
                "rail_reference": payment.rail_reference,
            },
        )
        await self.notify(
            "claim_paid", {"amount": str(payment.amount), "currency": payment.currency}
        )
        return payment

    async def compensate_payment(self, reason: str) -> None:
        """Release the refused attempt's reservation, then record the failure."""
        await workflow.execute_activity(
            c.RELEASE_PAYMENT,
            c.ReleaseInput(
                claim_id=self._input.claim_id, attempt=self._payment_attempts, reason=reason
            ),
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=policies.DB_RETRY,
            summary="Release the refused payment's reservation",
        )
        self._approved = None
        await self.transition(
            "payment_failed",
            detail={"reason": reason, "attempt": self._payment_attempts},
        )
