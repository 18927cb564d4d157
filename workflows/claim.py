"""ClaimWorkflow: one claim from submission to a terminal state, however long that takes.

Orchestration only. Every side effect is an activity (see `workflows/steps.py`); every decision
is pure code from the `claims` package. Handlers never change the claim's status: the main flow
alone does, so status writes are ordered by the step counter and idempotent under retries.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from claims.assessment import ClaimFacts
    from claims.models import ClaimStatus, DecidedBy
    from claims.routing import ReviewReason, Route, RoutingDecision, route_claim
    from workflows.contracts import (
        ADD_DOCUMENT_UPDATE,
        CANCEL_UPDATE,
        REVIEW_UPDATE,
        STATE_QUERY,
        WORKFLOW_NAME,
        CancelInput,
        ClaimProgress,
        ClaimState,
        ClaimWorkflowInput,
        DocumentAdded,
        ReviewDecision,
        ReviewInput,
    )
    from workflows.steps import ClaimSteps, PaymentRefusedError

# Once the claim is on one of these, cancelling it is no longer possible.
_NOT_CANCELLABLE = frozenset(
    {ClaimStatus.PAYING, ClaimStatus.PAID, ClaimStatus.REJECTED, ClaimStatus.CANCELLED}
)


class ClaimCancelledError(Exception):
    """Raised inside the workflow at a wait or checkpoint once a cancel was accepted."""


@workflow.defn(name=WORKFLOW_NAME)
class ClaimWorkflow(ClaimSteps):
    def __init__(self) -> None:
        super().__init__()
        # The review being applied, and sequence numbers so each review update answers once
        # its own decision is recorded.
        self._review: ReviewInput | None = None
        self._reviews_received = 0
        self._reviews_applied = 0
        self._cancel: CancelInput | None = None
        self._cancel_recorded = False
        # The outcome (rejected, or paying) the flow has committed to, which a cancel must not
        # race; None while the claim can still be cancelled.
        self._closing: ClaimStatus | None = None

    # --- queries and updates --------------------------------------------------------------

    @workflow.query(name=STATE_QUERY)
    def state(self) -> ClaimState:
        return self._state()

    @workflow.update(name=REVIEW_UPDATE)
    async def review(self, review: ReviewInput) -> ClaimState:
        self._review = review
        self._reviews_received += 1
        mine = self._reviews_received
        # Answer once the decision is recorded, so the caller reads a consistent claim.
        await workflow.wait_condition(lambda: self._reviews_applied >= mine)
        return self._state()

    @review.validator
    def validate_review(self, review: ReviewInput) -> None:
        # Raising here refuses the update before anything enters the history.
        if self._status is not ClaimStatus.AWAITING_REVIEW or self._review or self._cancel:
            raise ApplicationError(
                f"claim is {self._status}, not awaiting review", type="ClaimNotAwaitingReview"
            )
        amount = review.approved_amount
        if amount is None:
            return
        if review.decision is not ReviewDecision.APPROVE:
            raise ApplicationError(
                "approved_amount only goes with decision approve", type="InvalidReview"
            )
        if amount <= 0 or amount > self._payable:
            raise ApplicationError(
                f"approved_amount must be above 0 and at most the payable {self._payable}",
                type="InvalidReview",
            )

    @workflow.update(name=CANCEL_UPDATE)
    async def cancel(self, request: CancelInput) -> ClaimState:
        self._cancel = request
        await workflow.wait_condition(lambda: self._cancel_recorded)
        return self._state()

    @cancel.validator
    def validate_cancel(self, request: CancelInput) -> None:
        if self._status in _NOT_CANCELLABLE or self._closing or self._review or self._cancel:
            status = self._status
            if status not in _NOT_CANCELLABLE and self._closing is not None:
                status = self._closing
            raise ApplicationError(
                f"claim is {status}; it can no longer be cancelled", type="ClaimNotCancellable"
            )

    @workflow.update(name=ADD_DOCUMENT_UPDATE)
    async def add_document(self, document: DocumentAdded) -> ClaimState:
        self._documents.append(document.document_id)
        await self.transition(
            "document_added",
            detail={
                "document_id": str(document.document_id),
                "name": document.name,
                "by": document.by.name,
            },
        )
        return self._state()

    @add_document.validator
    def validate_add_document(self, document: DocumentAdded) -> None:
        if self._status.is_terminal or self._closing or self._cancel:
            raise ApplicationError(
                f"claim is {self._status}; it takes no more documents", type="ClaimClosed"
            )

    # --- main flow ------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        self.begin(input)
        try:
            if input.progress is None:
                routing = await self._first_assessment()
            else:
                # A continued run: the previous one ended with new documents to assess.
                routing = await self._assess()
            if routing is not None:
                await self._decide(routing)
        except ClaimCancelledError:
            await self._record_cancellation()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state()

    async def _first_assessment(self) -> RoutingDecision | None:
        """Submission, policy rules, then the model; None when a hard rule rejected the claim."""
        await self.record_submission()
        checked = await self.check_policy()
        self._checkpoint()
        check = checked.check
        self._payable = check.payable_amount
        self._policy = checked.policy
        self._risk_rules = list(check.risk_rules)
        if not check.passed:
            self._closing = ClaimStatus.REJECTED
            await self.reject_by_rule(check)
            return None
        await self.transition(
            "policy_checked",
            status=ClaimStatus.ASSESSING,
            detail={"payable_amount": str(check.payable_amount), "reasons": check.reasons},
            payable_amount=check.payable_amount,
        )
        return await self._assess()

    async def _decide(self, routing: RoutingDecision) -> None:
        """Approve, review, ask for information, pay; loop until the claim is settled."""
        while True:
            if routing.route is Route.AUTO_APPROVE:
                paid = await self._approve_and_pay(self._payable, by=DecidedBy.MODEL)
            else:
                review = await self._wait_for_review(routing.reasons)
                if review.decision is ReviewDecision.REJECT:
                    self._closing = ClaimStatus.REJECTED
                    await self.reject_by_adjuster(review)
                    self._review_done()
                    return
                if review.decision is ReviewDecision.REQUEST_INFO:
                    await self._wait_for_information(review)
                    if self._should_continue_as_new():
                        await self._continue_as_new()
                    next_routing = await self._assess()
                    if next_routing is None:  # pragma: no cover - _assess always routes
                        return
                    routing = next_routing
                    continue
                amount = review.approved_amount or self._payable
                paid = await self._approve_and_pay(amount, by=DecidedBy.ADJUSTER)
            if paid:
                return
            # The rail refused the payment and it was compensated: a human decides again.
            self._closing = None
            routing = RoutingDecision(route=Route.HUMAN_REVIEW, reasons=["payment_failed"])

    # --- waiting --------------------------------------------------------------------------

    def _review_done(self) -> None:
        self._review = None
        self._reviews_applied = self._reviews_received

    def _checkpoint(self) -> None:
        if self._cancel is not None:
            raise ClaimCancelledError

    async def _assess(self) -> RoutingDecision:
        """Ask the model on the llm queue (cancellable), then route with deterministic code."""
        self._wait_on("assessment")
        facts = ClaimFacts.of(self._input.submission, self._policy, self._payable)
        handle = self.start_assessment(facts)
        await workflow.wait_condition(lambda: handle.done() or self._cancel is not None)
        if self._cancel is not None and not handle.done():
            handle.cancel()
            raise ClaimCancelledError
        self._wait_on(None)
        unavailable = ReviewReason.ASSESSMENT_UNAVAILABLE
        try:
            result = await handle
        except ActivityError as err:
            # No provider behaviour may fail the claim: when every attempt is spent, a human
            # decides instead.
            workflow.logger.warning("assessment unavailable: %s", err.cause or err)
            result = None
        if result is not None and result.answer is None:
            unavailable = ReviewReason.MODEL_OUTPUT_INVALID
        self._checkpoint()
        routing = route_claim(
            answer=result.answer if result else None,
            payable_amount=self._payable,
            auto_approve_limit=self._input.config.auto_approve_limit,
            risk_rules=self._risk_rules,
            unavailable_reason=unavailable,
        )
        await self.record_assessment(result, routing)
        return routing

    async def _wait_for_review(self, reasons: list[str]) -> ReviewInput:
        self._wait_on("adjuster review")
        await self.transition(
            "review_requested", status=ClaimStatus.AWAITING_REVIEW, detail={"reasons": reasons}
        )
        sla = timedelta(seconds=self._input.config.review_sla_s)
        try:
            await workflow.wait_condition(
                lambda: self._review is not None or self._cancel is not None, timeout=sla
            )
        except TimeoutError:
            await self.escalate(sla)
            await workflow.wait_condition(
                lambda: self._review is not None or self._cancel is not None
            )
        self._checkpoint()
        self._wait_on(None)
        review = self._review
        if review is None:  # pragma: no cover - the wait above guarantees one of the two
            raise ApplicationError("review missing after wait", non_retryable=True)
        await self.record_review(review)
        return review

    async def _wait_for_information(self, review: ReviewInput) -> None:
        seen = len(self._documents)
        self._wait_on("documents from the claimant")
        await self.request_information(review)
        self._review_done()
        await workflow.wait_condition(
            lambda: len(self._documents) > seen or self._cancel is not None
        )
        self._checkpoint()
        self._wait_on(None)
        self._info_rounds += 1
        await self.transition(
            "information_received",
            status=ClaimStatus.ASSESSING,
            detail={"round": self._info_rounds},
        )

    # --- outcomes ---------------------------------------------------------------------------

    async def _approve_and_pay(self, amount: Decimal, *, by: DecidedBy) -> bool:
        """Approve and pay; False when the rail refused and the reservation was released."""
        self._approved = amount
        await self.transition(
            "approved",
            status=ClaimStatus.APPROVED,
            detail={"decided_by": by.value, "approved_amount": str(amount)},
            approved_amount=amount,
        )
        # A pending review update answers now that its decision is recorded.
        self._review_done()
        self._checkpoint()
        self._closing = ClaimStatus.PAYING
        try:
            await self.pay(amount)
        except PaymentRefusedError as refused:
            await self.compensate_payment(refused.reason)
            return False
        return True

    async def _record_cancellation(self) -> None:
        request = self._cancel
        if request is None:  # pragma: no cover - only raised once a cancel was accepted
            raise ApplicationError("cancelled without a request", non_retryable=True)
        await self.record_cancellation(request)
        self._cancel_recorded = True

    # --- continue-as-new --------------------------------------------------------------------

    def _should_continue_as_new(self) -> bool:
        per_run = self._input.config.info_rounds_per_run
        return self._info_rounds % per_run == 0 or workflow.info().is_continue_as_new_suggested()

    async def _continue_as_new(self) -> None:
        # Updates still answering (a document just added) must finish in this run.
        await workflow.wait_condition(workflow.all_handlers_finished)
        progress = ClaimProgress(
            step=self._step,
            payable_amount=self._payable,
            policy=self._policy,
            risk_rules=self._risk_rules,
            document_ids=self._documents,
            info_rounds=self._info_rounds,
            payment_attempts=self._payment_attempts,
            escalated=self._escalated,
        )
        workflow.continue_as_new(self._input.model_copy(update={"progress": progress}))
