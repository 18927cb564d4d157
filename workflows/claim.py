"""ClaimWorkflow: one claim from submission to a terminal state, however long that takes.

Orchestration only. Every side effect is an activity (`workflows/steps.py`); every decision is
pure code from the `claims` package. All of it runs in Temporal's sandbox: only the pure domain
and the data contracts pass through (`workflows/sandbox.py`).

The claim's whole state is one `ClaimState` object: the query returns it, continue-as-new hands
it to the next run whole. Handlers never change the claim's status: the main flow alone does,
so status writes are ordered by the step counter and idempotent under retries. Updates reach
the main flow through mailboxes (`workflows/mailbox.py`), which always answer.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from claims.assessment import ClaimFacts
from claims.lifecycle import ClaimStatus
from claims.models import DecidedBy
from claims.routing import ReviewReason, Route, RoutingDecision, route_claim
from workflows import admission
from workflows.contracts import (
    ADD_DOCUMENT_UPDATE,
    CANCEL_UPDATE,
    RETRY_UPDATE,
    REVIEW_UPDATE,
    STATE_QUERY,
    WORKFLOW_NAME,
    CancelInput,
    ClaimState,
    ClaimWorkflowInput,
    DocumentAdded,
    RetryInput,
    ReviewDecision,
    ReviewInput,
)
from workflows.mailbox import Mailbox
from workflows.parking import ClaimCancelledError, Parking
from workflows.payment import PaymentRefusedError, PaymentSteps
from workflows.steps import ClaimSteps


@workflow.defn(name=WORKFLOW_NAME)
class ClaimWorkflow:
    @workflow.init
    def __init__(self, input: ClaimWorkflowInput) -> None:
        self._input = input
        # The one state object: a continued run takes over its predecessor's whole.
        self._claim = input.state or ClaimState(claim_id=input.claim_id)
        self._reviews: Mailbox[ReviewInput] = Mailbox()
        self._cancels: Mailbox[CancelInput] = Mailbox()
        # A parked step resumes on an operator's retry, or gives way to an accepted cancel
        # (never to the cancel being recorded: that step may itself be the parked one).
        self._parking = Parking(
            lambda: (
                self._cancels.pending is not None
                and self._claim.closing is not ClaimStatus.CANCELLED
            )
        )
        self._steps = ClaimSteps(input, self._claim, self._parking)
        self._payments = PaymentSteps(input, self._claim, self._steps.recorder, self._steps.board)
        # How many documents the claim had when information was last requested (this run).
        self._documents_before_request = 0

    # --- queries and updates --------------------------------------------------------------

    @workflow.query(name=STATE_QUERY)
    def state(self) -> ClaimState:
        return self._claim

    @workflow.update(name=REVIEW_UPDATE)
    async def review(self, review: ReviewInput) -> ClaimState:
        # Answered once the decision is recorded, so the caller reads a consistent claim.
        await self._reviews.post(review)
        return self._claim.model_copy(deep=True)

    @review.validator
    def validate_review(self, review: ReviewInput) -> None:
        admission.check_review(self._claim, review, busy=self._busy)

    @workflow.update(name=CANCEL_UPDATE)
    async def cancel(self, request: CancelInput) -> ClaimState:
        await self._cancels.post(request)
        return self._claim.model_copy(deep=True)

    @cancel.validator
    def validate_cancel(self, request: CancelInput) -> None:
        admission.check_cancel(self._claim, busy=self._busy)

    @workflow.update(name=ADD_DOCUMENT_UPDATE)
    async def add_document(self, document: DocumentAdded) -> ClaimState:
        # Self-contained: it records its own event-only step and needs nothing from the flow.
        await self._steps.add_document(document)
        return self._claim.model_copy(deep=True)

    @add_document.validator
    def validate_add_document(self, document: DocumentAdded) -> None:
        admission.check_document(self._claim, cancelling=self._cancels.pending is not None)

    @workflow.update(name=RETRY_UPDATE)
    async def retry(self, request: RetryInput) -> ClaimState:
        # Answered once the parked steps have resumed and say so in the audit trail: the
        # claim is back in its old status, on the row too.
        all_back = self._parking.request_retry()
        await workflow.wait_condition(lambda: self._parking.resumed >= all_back)
        workflow.logger.info("parked step retried by %s", request.by.name)
        return self._claim.model_copy(deep=True)

    @retry.validator
    def validate_retry(self, request: RetryInput) -> None:
        admission.check_retry(self._claim, parked=self._parking.parked)

    @property
    def _busy(self) -> bool:
        """A review or a cancel is already on its way to the main flow."""
        return self._reviews.pending is not None or self._cancels.pending is not None

    # --- main flow ------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        try:
            if input.state is None:
                routing = await self._first_assessment()
            else:
                # A continued run: the previous one ended with new documents to assess.
                routing = await self._assess()
            if routing is not None:
                await self._decide(routing)
        except ClaimCancelledError:
            self._claim.closing = ClaimStatus.CANCELLED
            with self._cancels.take() as request:
                await self._steps.record_cancellation(request)
        await self._steps.flush()  # nothing decided goes unwritten
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._claim

    async def _first_assessment(self) -> RoutingDecision | None:
        """Submission, policy rules, then the model; None when a hard rule rejected the claim."""
        checked = await self._steps.admit()
        self._checkpoint()
        check = checked.check
        self._claim.payable_amount = check.payable_amount
        self._claim.policy = checked.policy
        self._claim.risk_rules = list(check.risk_rules)
        if not check.passed:
            self._claim.closing = ClaimStatus.REJECTED
            await self._steps.reject_by_rule(check)
            return None
        await self._steps.policy_passed(check)
        return await self._assess()

    async def _decide(self, routing: RoutingDecision) -> None:
        """Approve, review, ask for information, pay; loop until the claim is settled."""
        while True:
            if routing.route is Route.AUTO_APPROVE:
                await self._steps.approve(self._claim.payable_amount, by=DecidedBy.MODEL)
            else:
                decision = await self._human_review(routing.reasons)
                if decision is ReviewDecision.REJECT:
                    return
                if decision is ReviewDecision.REQUEST_INFO:
                    await self._wait_for_information()
                    if self._should_continue_as_new():
                        await self._continue_as_new()
                    routing = await self._assess()
                    continue
            if await self._pay():
                return
            # The rail refused the payment and it was compensated: a human decides again.
            self._claim.closing = None
            routing = RoutingDecision(
                route=Route.HUMAN_REVIEW, reasons=[ReviewReason.PAYMENT_FAILED]
            )

    async def _human_review(self, reasons: list[str]) -> ReviewDecision:
        """Wait for an adjuster, then record and act on their decision."""
        await self._wait_for_review(reasons)
        with self._reviews.take() as review:
            # Leaving this block answers the review update, on every path.
            await self._steps.record_review(review)
            if review.decision is ReviewDecision.REJECT:
                self._claim.closing = ClaimStatus.REJECTED
                await self._steps.reject_by_adjuster(review)
            elif review.decision is ReviewDecision.REQUEST_INFO:
                # Documents added from here on answer the request.
                self._documents_before_request = len(self._claim.document_ids)
                self._steps.wait_on("documents from the claimant")
                await self._steps.request_information(review)
            else:
                amount = review.approved_amount or self._claim.payable_amount
                await self._steps.approve(amount, by=DecidedBy.ADJUSTER)
            # The review is answered once its steps are written (parked, if they cannot be).
            await self._steps.flush()
            return review.decision

    # --- waiting --------------------------------------------------------------------------

    def _checkpoint(self) -> None:
        if self._cancels.pending is not None:
            raise ClaimCancelledError

    async def _assess(self) -> RoutingDecision:
        """Ask the model on the llm queue (cancellable), then route with deterministic code."""
        claim = self._claim
        self._steps.wait_on("assessment")
        facts = ClaimFacts.of(self._input.submission, claim.policy, claim.payable_amount)
        handle = await self._steps.start_assessment(facts)
        await workflow.wait_condition(lambda: handle.done() or self._cancels.pending is not None)
        if self._cancels.pending is not None and not handle.done():
            handle.cancel()
            raise ClaimCancelledError
        self._steps.wait_on(None)
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
        config = self._input.config
        routing = route_claim(
            answer=result.answer if result else None,
            payable_amount=claim.payable_amount,
            auto_approve_limit=config.auto_approve_limit,
            min_confidence=config.auto_approve_min_confidence,
            risk_rules=claim.risk_rules,
            unavailable_reason=unavailable,
        )
        await self._steps.record_assessment(result, routing)
        return routing

    async def _wait_for_review(self, reasons: list[str]) -> None:
        """Until an adjuster's review is in the mailbox (escalating past the SLA)."""
        self._steps.wait_on("adjuster review")
        await self._steps.request_review(reasons)
        sla = timedelta(seconds=self._input.config.review_sla_s)
        try:
            await workflow.wait_condition(lambda: self._busy, timeout=sla)
        except TimeoutError:
            await self._steps.escalate(sla)
            await workflow.wait_condition(lambda: self._busy)
        self._checkpoint()
        self._steps.wait_on(None)

    async def _wait_for_information(self) -> None:
        seen = self._documents_before_request
        await workflow.wait_condition(
            lambda: len(self._claim.document_ids) > seen or self._cancels.pending is not None
        )
        self._checkpoint()
        self._steps.wait_on(None)
        await self._steps.information_received()

    # --- outcomes ---------------------------------------------------------------------------

    async def _pay(self) -> bool:
        """Pay the approved amount; False when the rail refused and the reservation was released."""
        amount = self._claim.approved_amount
        if amount is None:  # pragma: no cover - every path here went through _approve
            raise ApplicationError("payment without an approved amount", non_retryable=True)
        # The approval is written before the claim commits to paying: a claim parked on it can
        # still be cancelled, as one parked on an earlier step can. Its status shows in
        # visibility as `paying` a moment later: one visibility write on the server, not two.
        await self._steps.flush(publish_status=False)
        self._checkpoint()
        self._claim.closing = ClaimStatus.PAYING
        try:
            await self._payments.pay(amount)
        except PaymentRefusedError as refused:
            await self._payments.compensate_payment(refused.reason)
            return False
        return True

    # --- continue-as-new --------------------------------------------------------------------

    def _should_continue_as_new(self) -> bool:
        per_run = self._input.config.info_rounds_per_run
        suggested = workflow.info().is_continue_as_new_suggested()
        return self._claim.info_rounds % per_run == 0 or suggested

    async def _continue_as_new(self) -> None:
        # Updates still answering (a document just added) must finish in this run.
        await self._steps.flush()
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self._input.model_copy(update={"state": self._claim}))
