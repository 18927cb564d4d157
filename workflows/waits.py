"""A claim's waits for people: an adjuster's review (escalated past its SLA), the claimant's
answer to a request for information (until its deadline), and the investigation's question.

Each wait is a BuildWatch wait, so a claim waiting days moves to a new build when its
deployment's target changes (workflows/build_watch.py). The flow (workflows/claim.py) decides
when to wait; this module says how.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow

from claims.lifecycle import ClaimStatus
from contracts import ClaimState, ClaimWorkflowInput
from workflows.build_watch import BuildWatch
from workflows.status import StatusBoard
from workflows.steps import ClaimSteps

# Claims whose adjuster asked for information wait for the answer until a deadline
# (ClaimConfig.info_wait_s); a claim whose request was made before this waits without one.
INFO_DEADLINE_PATCH = "information-request-deadline"


class PeopleWaits:
    def __init__(
        self,
        input: ClaimWorkflowInput,
        claim: ClaimState,
        board: StatusBoard,
        steps: ClaimSteps,
        watch: BuildWatch,
        *,
        busy: Callable[[], bool],
        cancelling: Callable[[], bool],
        checkpoint: Callable[[], None],
    ) -> None:
        self._input = input
        self._claim = claim
        self._board = board
        self._steps = steps
        self._watch = watch
        self._busy = busy
        self._cancelling = cancelling
        self._checkpoint = checkpoint

    async def for_review(self, reasons: list[str]) -> None:
        """Until an adjuster's review (or a cancel) is on its way (escalating past the SLA)."""
        self._board.wait_on("adjuster review")
        sla = timedelta(seconds=self._input.config.review_sla_s)
        # Already awaiting review on entry only in a run that moved builds: it resumes the wait.
        if self._claim.status is not ClaimStatus.AWAITING_REVIEW:
            self._claim.review_requested(reasons, due_at=workflow.now() + sla)
            await self._steps.request_review(reasons)
        due = self._claim.review_due_at
        if not self._claim.escalated and due is not None:
            left = due - workflow.now()
            if not await self._watch.wait(self._busy, within=left):
                await self._steps.escalate(sla)
        await self._watch.wait(self._busy)
        self._checkpoint()
        self._board.wait_on(None)

    async def for_information(self, within: timedelta | None = None) -> None:
        """Until the claimant adds a document (or the deadline passes, or a cancel comes)."""
        seen = self._claim.documents_before_request
        answered = await self._watch.wait(
            lambda: len(self._claim.document_ids) > seen or self._cancelling(),
            within=within,
        )
        self._checkpoint()
        self._board.wait_on(None)
        await self._steps.information_received(answered=answered)

    async def for_requested_information(self) -> None:
        """The adjuster's request: until its deadline, when it has one."""
        due = self._claim.info_due_at
        await self.for_information(due - workflow.now() if due else None)

    async def resume_information(self) -> None:
        """A run that moved builds resumes the wait with what is left of it: of the
        investigation's question, or of the adjuster's request (none: no end)."""
        inv = self._claim.investigation
        left = inv.answer_left(workflow.now()) if inv else None
        due = self._claim.info_due_at
        if left is None and due is not None:
            left = max(due - workflow.now(), timedelta(0))
        await self.for_information(left)

    def info_due(self) -> datetime | None:
        """When the claimant's answer is due; None on the code path of claims whose request
        was made before deadlines existed (they wait, as they always did)."""
        if not workflow.patched(INFO_DEADLINE_PATCH):
            return None
        return workflow.now() + timedelta(seconds=self._input.config.info_wait_s)

    async def ask_claimant(self, question: str, within: timedelta) -> None:
        """The investigation's question: the request-information path, then the wait."""
        self._claim.information_requested()
        self._board.wait_on("an answer from the claimant")
        await self._steps.ask_claimant(question, due_at=workflow.now() + within)
        await self.for_information(within)
