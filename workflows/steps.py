"""The activity calls that record and act on a claim: one method per recorded step.

ClaimWorkflow owns the flow (which step comes next); this module knows how each step is
recorded: which activity, its timeout and retry policy, and its summary in the Web UI. It
reads and advances the workflow's one `ClaimState`, and runs inside the workflow sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

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
from workflows.parking import ClaimCancelledError, Parking, StepFailure, classify


class PaymentRefusedError(Exception):
    """The rail refused the payment for a business reason (retrying cannot help)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


T = TypeVar("T")

_REVIEW_OUTCOME = {
    ReviewDecision.APPROVE: DecisionOutcome.APPROVE,
    ReviewDecision.REJECT: DecisionOutcome.REJECT,
    ReviewDecision.REQUEST_INFO: DecisionOutcome.REQUEST_INFO,
}


# The failure handling of every recorded step (workflows/parking.py).
_PARKED_AND_RETRIED = object()


class ClaimSteps:
    """The recorded steps of one claim, bound to the workflow's input and its state."""

    def __init__(self, input: ClaimWorkflowInput, state: ClaimState, parking: Parking) -> None:
        self._input = input
        self._claim = state
        self._parking = parking
        self._db_retry = policies.db_retry(input.config.step_alert_attempts)
        # Batched claims (ClaimConfig.batched_records): steps decided and not yet written, the
        # status their last transition moved to, and the status before the first of them.
        self._pending: list[c.TransitionInput | c.NotificationInput] = []
        self._status_unpublished = False
        self._pending_resume = state.status

    @property
    def _batched(self) -> bool:
        return self._input.config.batched_records

    def _db_step(self, activity: str, arg: Any, **options: Any) -> Awaitable[Any]:
        """Run a Postgres step: as a local activity for claims submitted since issue 11.

        A local activity runs in the claims worker's own workflow task: no task-queue round
        trip and 2 history events instead of 3 plus a workflow task per step. The timeout,
        retry policy and Web UI summary are the same; claims submitted before (their input
        says `local_records=False`) replay their regular activities unchanged.
        """
        local = self._input.config.local_records
        run = workflow.execute_local_activity if local else workflow.execute_activity
        return run(activity, arg, **options)

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

    def _set_status(self, status: ClaimStatus) -> None:
        self._claim.status = status
        workflow.upsert_search_attributes([sa.CLAIM_STATUS.value_set(status.value)])
        self._refresh_details()

    # --- failures: retried, flagged, parked -----------------------------------------------

    async def _persist(
        self,
        activity: str,
        summary: str,
        call: Callable[[], Awaitable[T]],
        *,
        resume: ClaimStatus,
        in_handler: bool = False,
    ) -> T | object:
        """Run a step's activity until it succeeds.

        Transient failures go on being retried, in rounds; after the first round the claim is
        flagged as retrying. A permanent failure parks the claim until an operator retries:
        then `_PARKED_AND_RETRIED` is returned and the caller runs the step again (with a
        fresh step number, when the step writes an event).
        """
        flagged = False
        waiting_before = self._claim.waiting_on
        try:
            while True:
                try:
                    return await call()
                except FailureError as err:  # ActivityError; unwrapped from a local activity
                    failure = classify(err)
                    if failure is None:
                        raise
                    if not failure.transient:
                        await self._park(activity, summary, failure, resume, in_handler)
                        return _PARKED_AND_RETRIED
                    if not flagged:
                        flagged = True
                        self._flag_retrying(activity, summary, failure)
        finally:
            if flagged:
                workflow.upsert_search_attributes([sa.STEP_RETRYING.value_set(False)])
                self.wait_on(waiting_before)

    def _flag_retrying(self, activity: str, summary: str, failure: StepFailure) -> None:
        workflow.logger.warning("%s still failing, retrying: %s", summary, failure.message)
        workflow.metric_meter().create_counter(
            "claims_steps_retrying", "Steps still failing after a round of retries"
        ).add(1, {"activity": activity})
        workflow.upsert_search_attributes([sa.STEP_RETRYING.value_set(True)])
        self.wait_on(f"{summary} to succeed (retrying after {failure.error_type})")

    async def _park(
        self,
        activity: str,
        summary: str,
        failure: StepFailure,
        resume: ClaimStatus,
        in_handler: bool,
    ) -> None:
        """Park the claim in needs_attention until an operator retries (or it is cancelled)."""
        workflow.logger.error("%s failed permanently; claim parked: %s", summary, failure.message)
        workflow.metric_meter().create_counter(
            "claims_steps_parked", "Steps that failed permanently and parked their claim"
        ).add(1, {"activity": activity})
        waiting_before = self._claim.waiting_on
        self._set_status(ClaimStatus.NEEDS_ATTENTION)
        self.wait_on(f"an operator: '{summary}' failed ({failure.error_type})")
        detail = {
            "step": summary,
            "activity": activity,
            "error_type": failure.error_type,
            "error": failure.message[:500],
            "resume_status": resume.value,
        }
        await self._record_best_effort(
            EventType.NEEDS_ATTENTION, ClaimStatus.NEEDS_ATTENTION, detail
        )
        await self._notify_best_effort(NotificationKind.CLAIM_NEEDS_ATTENTION, detail)
        if not await self._parking.wait_for_operator():
            if in_handler:
                raise ApplicationError("the claim was cancelled", type=ErrorType.CLAIM_CLOSED)
            raise ClaimCancelledError
        self._set_status(resume)
        self.wait_on(waiting_before)
        await self._record_best_effort(EventType.RETRIED, resume, {"step": summary})
        self._parking.resumed += 1

    async def _record_best_effort(
        self, event_type: EventType, status: ClaimStatus, detail: dict[str, Any]
    ) -> None:
        """Record a parking event; if even that fails, the search attribute still shows it."""
        self._claim.step += 1
        try:
            await self._record(self._transition_input(event_type, status, detail))
        except ActivityError as err:
            workflow.logger.warning("could not record %s: %s", event_type, err.cause or err)

    async def _notify_best_effort(self, kind: NotificationKind, payload: dict[str, Any]) -> None:
        self._claim.step += 1
        try:
            await self._notify(kind, payload)
        except ActivityError as err:
            workflow.logger.warning("could not queue %s: %s", kind, err.cause or err)

    # --- recording ------------------------------------------------------------------------

    def _transition_input(
        self,
        event_type: EventType,
        status: ClaimStatus | None,
        detail: dict[str, Any] | None,
        *,
        decision: DecisionRecord | None = None,
        payable_amount: Decimal | None = None,
        approved_amount: Decimal | None = None,
        escalated: bool | None = None,
    ) -> c.TransitionInput:
        return c.TransitionInput(
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
        )

    async def _record(self, record: c.TransitionInput) -> None:
        await self._db_step(
            c.RECORD_TRANSITION,
            record,
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=self._db_retry,
            summary=f"Record {record.event_type.replace('_', ' ')}",
        )

    # --- batched steps (issue 11: one local activity per workflow task, not one per step) --

    def _hold(self, item: c.TransitionInput | c.NotificationInput) -> None:
        if not self._pending:
            self._pending_resume = self._claim.status
        self._pending.append(item)
        if isinstance(item, c.TransitionInput) and item.status is not None:
            # The search attribute follows at the flush: one upsert (one visibility write on
            # the server) for however many statuses the batch passes through.
            self._claim.status = item.status
            self._status_unpublished = True
            self._refresh_details()

    async def flush(self, *, publish_status: bool = True) -> None:
        """Write the pending steps in one local activity and one transaction (batched claims).

        A permanent failure parks the claim like any step; on the operator's retry the same
        steps are written under fresh step numbers (the parking events took steps of their own).
        Without `publish_status` the ClaimStatus search attribute waits for the next step's
        flush, for a caller whose next step, in the same workflow task, moves the status on.
        """
        while self._pending:
            batch, self._pending = self._pending, []
            if self._status_unpublished and publish_status:
                self._status_unpublished = False
                workflow.upsert_search_attributes(
                    [sa.CLAIM_STATUS.value_set(self._claim.status.value)]
                )
            summary = _batch_summary(batch)
            outcome = await self._persist(
                c.RECORD_STEPS,
                summary,
                partial(self._record_steps, batch, summary),
                resume=self._pending_resume,
            )
            if outcome is not _PARKED_AND_RETRIED:
                return
            publish_status = True  # the retry after parking: the status was put back
            for item in batch:
                self._claim.step += 1
                fresh: dict[str, Any] = {"step": self._claim.step}
                if isinstance(item, c.TransitionInput):
                    fresh["at"] = workflow.now()
                self._hold(item.model_copy(update=fresh))

    async def _record_steps(
        self, batch: list[c.TransitionInput | c.NotificationInput], summary: str
    ) -> None:
        await self._db_step(
            c.RECORD_STEPS,
            c.StepsInput(
                claim_id=self._input.claim_id,
                transitions=[item for item in batch if isinstance(item, c.TransitionInput)],
                notifications=[item for item in batch if isinstance(item, c.NotificationInput)],
            ),
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=self._db_retry,
            summary=summary,
        )

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
        in_handler: bool = False,
        defer: bool = False,
    ) -> None:
        """Append one audit event (and optionally move the status) as the next step.

        On a batched claim the step joins the pending ones and is written with them: now, or
        with `defer` at the next step that is not deferred (or `flush()`). A caller defers
        only where a written step follows before the claim waits for anything outside.
        An update handler's step is written on its own: the main flow owns the pending ones.
        """
        # Built when the step number is taken (and again for a step retried after parking).
        make_record = partial(
            self._transition_input,
            event_type,
            status,
            detail,
            decision=decision,
            payable_amount=payable_amount,
            approved_amount=approved_amount,
            escalated=escalated,
        )
        if self._batched and not in_handler:
            self._claim.step += 1
            self._hold(make_record())
            if not defer:
                await self.flush()
            return
        while True:
            resume = self._claim.status
            self._claim.step += 1
            if status is not None:
                self._set_status(status)
            record = make_record()
            outcome = await self._persist(
                c.RECORD_TRANSITION,
                f"Record {event_type.replace('_', ' ')}",
                partial(self._record, record),
                resume=resume,
                in_handler=in_handler,
            )
            if outcome is not _PARKED_AND_RETRIED:
                return

    async def _notify(self, kind: NotificationKind, payload: dict[str, Any]) -> None:
        await self._db_step(
            c.NOTIFY,
            c.NotificationInput(
                claim_id=self._input.claim_id, step=self._claim.step, kind=kind, payload=payload
            ),
            start_to_close_timeout=policies.NOTIFY_TIMEOUT,
            retry_policy=self._db_retry,
            summary=f"Notify: {kind.replace('_', ' ')}",
        )

    async def notify(self, kind: NotificationKind, payload: dict[str, Any]) -> None:
        """Queue a message to the claimant as the next step (with the pending steps, batched)."""
        if self._batched:
            self._claim.step += 1
            self._hold(
                c.NotificationInput(
                    claim_id=self._input.claim_id, step=self._claim.step, kind=kind, payload=payload
                )
            )
            await self.flush()
            return
        while True:
            self._claim.step += 1
            outcome = await self._persist(
                c.NOTIFY,
                f"Notify: {kind.replace('_', ' ')}",
                partial(self._notify, kind, payload),
                resume=self._claim.status,
            )
            if outcome is not _PARKED_AND_RETRIED:
                return

    async def admit(self) -> c.PolicyCheckResult:
        """Record the submission (step 1) and check the claim against its policy.

        One local activity on a batched claim (`admit_claim`: one transaction), two before.
        """
        if not self._batched:
            await self._record_submission()
            return await self._check_policy()
        self._claim.step = 1
        summary = f"Record submission; check against policy {self._input.submission.policy_number}"
        call = partial(
            self._db_step,
            c.ADMIT_CLAIM,
            self._submission_record(),
            result_type=c.PolicyCheckResult,
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=self._db_retry,
            summary=summary,
        )
        while True:
            result = await self._persist(c.ADMIT_CLAIM, summary, call, resume=ClaimStatus.SUBMITTED)
            if isinstance(result, c.PolicyCheckResult):
                return result

    def _submission_record(self) -> c.SubmissionRecord:
        claim = self._input
        return c.SubmissionRecord(
            claim_id=claim.claim_id,
            workflow_id=workflow.info().workflow_id,
            submission=claim.submission,
            submitted_at=claim.submitted_at,
            submitted_by=claim.submitted_by,
        )

    async def _record_submission(self) -> None:
        self._claim.step = 1
        record = self._submission_record()
        call = partial(
            self._db_step,
            c.RECORD_SUBMISSION,
            record,
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=self._db_retry,
            summary="Record submission",
        )
        # Idempotent (one row per claim id): a retried submission runs the same write again.
        while (
            await self._persist(
                c.RECORD_SUBMISSION, "Record submission", call, resume=ClaimStatus.SUBMITTED
            )
            is _PARKED_AND_RETRIED
        ):
            pass

    async def _check_policy(self) -> c.PolicyCheckResult:
        summary = f"Check claim against policy {self._input.submission.policy_number}"
        call = partial(
            self._db_step,
            c.CHECK_POLICY,
            c.PolicyCheckInput(claim_id=self._input.claim_id, submission=self._input.submission),
            result_type=c.PolicyCheckResult,
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=self._db_retry,
            summary=summary,
        )
        while True:
            result = await self._persist(c.CHECK_POLICY, summary, call, resume=self._claim.status)
            if isinstance(result, c.PolicyCheckResult):
                return result

    async def reject_by_rule(self, check: PolicyCheck) -> None:
        rule = check.rule.value if check.rule else "unknown"
        await self.transition(
            EventType.POLICY_CHECKED,
            detail={"passed": False, "rule": rule, "reasons": check.reasons},
            defer=True,
        )
        await self.transition(
            EventType.REJECTED,
            status=ClaimStatus.REJECTED,
            defer=True,
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

    async def start_assessment(
        self, facts: ClaimFacts
    ) -> workflow.ActivityHandle[c.AssessmentResult]:
        """Ask the model, on the llm queue, once the claim's steps so far are written."""
        await self.flush()
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
        # Deferred: the route's next step (approved, review requested) is written with it.
        await self.transition(
            EventType.ASSESSED,
            defer=True,
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
        await self.transition(
            EventType.ESCALATED, detail={"waited_s": waited}, escalated=True, defer=True
        )
        await self.notify(NotificationKind.REVIEW_ESCALATED, {"waited_s": waited})

    async def record_review(self, review: ReviewInput) -> None:
        approve = review.decision is ReviewDecision.APPROVE
        approved = review.approved_amount or self._claim.payable_amount
        # Escalation is about the review queue; a review takes the claim out of it.
        was_escalated = self._claim.escalated
        if was_escalated:
            self._claim.escalated = False
            workflow.upsert_search_attributes([sa.ESCALATED.value_set(False)])
        # Deferred: the decision's own step (approved, rejected, ...) is written with it.
        await self.transition(
            EventType.REVIEWED,
            defer=True,
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
            defer=True,
        )
        await self.notify(NotificationKind.CLAIM_REJECTED, {"note": review.note})

    async def request_information(self, review: ReviewInput) -> None:
        await self.transition(
            EventType.INFO_REQUESTED,
            status=ClaimStatus.AWAITING_INFO,
            detail={"note": review.note, "adjuster": review.adjuster_name},
            defer=True,
        )
        await self.notify(NotificationKind.INFORMATION_REQUESTED, {"note": review.note})

    async def record_cancellation(self, request: CancelInput) -> None:
        await self.transition(
            EventType.CANCELLED,
            status=ClaimStatus.CANCELLED,
            detail={"by": request.by.name, "role": request.by.role, "reason": request.reason},
            defer=True,
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
        summary = f"Pay {amount} {submission.currency}"
        # Idempotent by (claim, attempt): a retried payment lands on the same payment.
        call = partial(
            workflow.execute_activity,
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
            retry_policy=policies.payment_retry(self._input.config.step_alert_attempts),
            summary=summary,
        )
        try:
            while not isinstance(
                payment := await self._persist(
                    c.PAY_CLAIM, summary, call, resume=ClaimStatus.PAYING
                ),
                c.PaymentResult,
            ):
                pass
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
            defer=True,
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
        summary = "Release the refused payment's reservation"
        call = partial(
            self._db_step,
            c.RELEASE_PAYMENT,
            c.ReleaseInput(
                claim_id=self._input.claim_id, attempt=self._claim.payment_attempts, reason=reason
            ),
            start_to_close_timeout=policies.DB_TIMEOUT,
            retry_policy=self._db_retry,
            summary=summary,
        )
        while (
            await self._persist(c.RELEASE_PAYMENT, summary, call, resume=self._claim.status)
            is _PARKED_AND_RETRIED
        ):
            pass
        self._claim.approved_amount = None
        await self.transition(
            EventType.PAYMENT_FAILED,
            detail={"reason": reason, "attempt": self._claim.payment_attempts},
        )


def _batch_summary(batch: list[c.TransitionInput | c.NotificationInput]) -> str:
    """The Web UI's line for a batch: every event and notification it writes, in order."""
    events = [i.event_type.replace("_", " ") for i in batch if isinstance(i, c.TransitionInput)]
    notes = [i.kind.replace("_", " ") for i in batch if isinstance(i, c.NotificationInput)]
    parts = [f"Record {', '.join(events)}"] if events else []
    parts += [f"Notify: {', '.join(notes)}"] if notes else []
    return "; ".join(parts)
