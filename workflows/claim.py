"""ClaimWorkflow: one claim from submission to a terminal state, however long that takes.

Orchestration only: side effects are activities (`workflows/steps.py` and its siblings), decisions
pure code from `claims`; all of it runs in Temporal's sandbox (`workflows/sandbox.py`).

The claim's whole state is one `ClaimState`: the query returns it, continue-as-new hands it on
whole. Only the main flow changes the status, so status writes are ordered by the step counter;
updates reach it through mailboxes (`workflows/mailbox.py`), which always answer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NoReturn

from temporalio import workflow
from temporalio.common import VersioningBehavior

from claims.lifecycle import ClaimStatus
from claims.models import DecidedBy
from claims.routing import ReviewReason, Route, RoutingDecision
from contracts import (
    ADD_DOCUMENT_UPDATE,
    CANCEL_UPDATE,
    CHECK_BUILD_SIGNAL,
    PAYEE_UPDATE,
    RETRY_UPDATE,
    REVIEW_UPDATE,
    STATE_QUERY,
    WORKFLOW_NAME,
    CancelInput,
    ClaimState,
    ClaimWorkflowInput,
    DocumentAdded,
    PayeeCorrection,
    RetryInput,
    ReviewDecision,
    ReviewInput,
)
from workflows import admission
from workflows.assessment import Assessment
from workflows.build_watch import BuildWatch
from workflows.mailbox import Mailbox
from workflows.parking import ClaimCancelledError, Parking
from workflows.payment import PaymentSteps
from workflows.recording import Recorder
from workflows.status import StatusBoard
from workflows.steps import ClaimSteps
from workflows.waits import PeopleWaits


# Pinned: a claim runs on the build that started it, and moves to a new build only at a wait
# for a person (workflows/build_watch.py); docs/decisions/0001-worker-versioning.md says why.
@workflow.defn(name=WORKFLOW_NAME, versioning_behavior=VersioningBehavior.PINNED)
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
        # Built here and handed to each group of steps: none reaches through another.
        self._board = StatusBoard(input, self._claim)
        self._recorder = Recorder(input, self._claim, self._parking, self._board)
        bound = (input, self._claim, self._recorder, self._board)
        self._steps = ClaimSteps(*bound)
        self._watch = BuildWatch(
            timedelta(seconds=input.config.version_check_s),
            can_move=self._can_move,
            move=self._continue_as_new_now,
        )
        self._waits = PeopleWaits(
            input,
            self._claim,
            self._board,
            self._steps,
            self._watch,
            busy=lambda: self._busy,
            cancelling=lambda: self._cancels.pending is not None,
            checkpoint=self._checkpoint,
        )
        self._assessment = Assessment(*bound, ask=self._waits.ask_claimant)
        self._payments = PaymentSteps(*bound)

    # --- queries and updates --------------------------------------------------------------

    @workflow.query(name=STATE_QUERY)
    def state(self) -> ClaimState:
        return self._claim

    @workflow.signal(name=CHECK_BUILD_SIGNAL)
    def check_build(self) -> None:
        self._watch.wake()

    @workflow.update(name=REVIEW_UPDATE)
    async def review(self, review: ReviewInput) -> ClaimState:
        # Answered once the decision is recorded, so the caller reads a consistent claim.
        await self._reviews.post(review)
        return self._claim.model_copy(deep=True)

    @review.validator
    def validate_review(self, review: ReviewInput) -> None:
        admission.check_review(self._claim, review, self._pending, self._input.submitted_by)

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

    @workflow.update(name=PAYEE_UPDATE)
    async def correct_payee(self, correction: PayeeCorrection) -> ClaimState:
        await self._steps.correct_payee(correction)
        return self._claim.model_copy(deep=True)

    @correct_payee.validator
    def validate_correct_payee(self, correction: PayeeCorrection) -> None:
        admission.check_payee(self._claim, cancelling=self._cancels.pending is not None)

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
    def _pending(self) -> ReviewInput | CancelInput | None:
        """The review or cancel already on its way to the main flow (its validator names it)."""
        return self._reviews.pending or self._cancels.pending

    @property
    def _busy(self) -> bool:
        return self._pending is not None

    # --- main flow ------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: ClaimWorkflowInput) -> ClaimState:
        try:
            if input.state is None:
                routing = await self._first_assessment()
            else:
                routing = await self._resume()
            if routing is not None:
                await self._decide(routing)
        except ClaimCancelledError:
            self._claim.committed_to(ClaimStatus.CANCELLED)
            with self._cancels.take() as request:
                await self._steps.record_cancellation(request)
        await self._recorder.flush()  # nothing decided goes unwritten
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._claim

    async def _resume(self) -> RoutingDecision:
        """A continued run: it moved to a new build at a wait, or bounded its history."""
        self._board.refresh()
        if self._claim.status is ClaimStatus.AWAITING_REVIEW:
            return RoutingDecision(route=Route.HUMAN_REVIEW, reasons=self._claim.review_reasons)
        if self._claim.status is ClaimStatus.AWAITING_INFO:
            await self._waits.resume_information()
        return await self._assess()

    async def _first_assessment(self) -> RoutingDecision | None:
        """Submission, policy rules, then the model; None when a hard rule rejected the claim."""
        checked = await self._steps.admit()
        self._checkpoint()
        check = checked.check
        self._claim.admitted(
            payable_amount=check.payable_amount,
            policy=checked.policy,
            risk_rules=list(check.risk_rules),
            shadows=list(checked.shadows),
            agent=checked.agent,
        )
        if not check.passed:
            self._claim.committed_to(ClaimStatus.REJECTED)
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
                    await self._waits.for_requested_information()
                    if self._should_continue_as_new():
                        await self._continue_as_new()
                    routing = await self._assess()
                    continue
            if await self._payments.pay_approved(self._checkpoint):
                return
            # The rail refused the payment and it was compensated: a human decides again.
            self._claim.reopened()
            routing = RoutingDecision(
                route=Route.HUMAN_REVIEW, reasons=[ReviewReason.PAYMENT_FAILED]
            )

    async def _human_review(self, reasons: list[str]) -> ReviewDecision:
        """Wait for an adjuster, then record and act on their decision."""
        await self._waits.for_review(reasons)
        with self._reviews.take() as review:
            # Leaving this block answers the review update, on every path.
            await self._steps.record_review(review)
            if review.decision is ReviewDecision.REJECT:
                self._claim.committed_to(ClaimStatus.REJECTED)
                await self._steps.reject_by_adjuster(review)
            elif review.decision is ReviewDecision.REQUEST_INFO:
                self._claim.information_requested(self._waits.info_due())
                self._board.wait_on("documents from the claimant")
                await self._steps.request_information(review, due_at=self._claim.info_due_at)
            else:
                amount = review.approved_amount or self._claim.payable_amount
                await self._steps.approve(amount, by=DecidedBy.ADJUSTER)
            # The review is answered once its steps are written (parked, if they cannot be).
            await self._recorder.flush()
            return review.decision

    # --- waiting --------------------------------------------------------------------------

    def _checkpoint(self) -> None:
        if self._cancels.pending is not None:
            raise ClaimCancelledError

    async def _assess(self) -> RoutingDecision:
        return await self._assessment.assess(lambda: self._cancels.pending is not None)

    # --- continue-as-new --------------------------------------------------------------------

    def _should_continue_as_new(self) -> bool:
        per_run = self._input.config.info_rounds_per_run
        suggested = workflow.info().is_continue_as_new_suggested()
        return self._claim.info_rounds % per_run == 0 or suggested

    async def _continue_as_new(self) -> None:
        # Updates still answering (a document just added) must finish in this run.
        await self._recorder.flush()
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._continue_as_new_now()

    def _can_move(self) -> bool:
        """Nothing half done: no update on its way, no step parked or held, no handler running."""
        idle = not self._busy and self._parking.parked == 0 and not self._recorder.holding
        return idle and workflow.all_handlers_finished()

    def _continue_as_new_now(self) -> NoReturn:
        # The next run starts on the deployment's target build (the same one, unless a new
        # build was promoted), then is pinned there.
        workflow.continue_as_new(
            self._input.model_copy(update={"state": self._claim}),
            initial_versioning_behavior=workflow.ContinueAsNewVersioningBehavior.AUTO_UPGRADE,
        )
