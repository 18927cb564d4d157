"""How a claim's steps reach Postgres, and where the claim waits when one cannot.

Every step (an audit event, a status move, a decision, a notification) takes the next step
number and is written by the `record_steps` local activity, idempotent by that number. What one
workflow task decides is held and written together, in one transaction (`hold`, `flush`); an
update handler's step is written on its own (`write_now`). `until_done` is the one place a
step's failures are handled (workflows/parking.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, Unpack

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

import contracts as c
from claims.lifecycle import ClaimStatus, ErrorType, EventType, NotificationKind
from contracts import ClaimState, ClaimWorkflowInput
from workflows import retries
from workflows.calls import run_local
from workflows.parking import ClaimCancelledError, Parking, StepFailure, classify
from workflows.status import StatusBoard

T = TypeVar("T")
In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out")


Step = c.TransitionInput | c.NotificationInput
# One try of a step; `fresh` is True on the first try after an operator's retry, when a step
# that writes events takes new step numbers (the parking events took some of their own).
Attempt = Callable[[bool], Awaitable[T]]


class Recorder:
    """The recorded steps of one claim, bound to the workflow's input and its state."""

    def __init__(
        self, input: ClaimWorkflowInput, claim: ClaimState, parking: Parking, board: StatusBoard
    ) -> None:
        self._input = input
        self._claim = claim
        self._parking = parking
        self._board = board
        self.db_retry = retries.db_retry(input.config.step_alert_attempts)
        # Steps decided and not yet written, and the status before the first of them.
        self._held: list[Step] = []
        self._held_from = claim.status

    # --- building steps ---------------------------------------------------------------------

    def event(
        self,
        event_type: EventType,
        *,
        detail: dict[str, Any] | None = None,
        **row: Unpack[c.RowChange],
    ) -> c.TransitionInput:
        """The next step: one audit event, and what it changes on the claim row."""
        return c.TransitionInput(
            claim_id=self._input.claim_id,
            step=self._claim.took_step(),
            event_type=event_type,
            at=workflow.now(),
            detail=detail or {},
            **row,
        )

    def notification(self, kind: NotificationKind, payload: dict[str, Any]) -> c.NotificationInput:
        """The next step: one message to the claimant, queued in the outbox."""
        return c.NotificationInput(
            claim_id=self._input.claim_id, step=self._claim.took_step(), kind=kind, payload=payload
        )

    # --- writing ----------------------------------------------------------------------------

    @property
    def holding(self) -> bool:
        return bool(self._held)

    async def settled(self) -> None:
        """Until no handler's step is parked: the flow never moves the claim on under one."""
        if self._parking.parked:
            await workflow.wait_condition(lambda: self._parking.parked == 0)

    def hold(self, step: Step) -> None:
        """Add a step to those written at the next `flush`; its status shows at once."""
        if not self._held:
            self._held_from = self._claim.status
        self._held.append(step)
        if isinstance(step, c.TransitionInput) and step.status is not None:
            self._board.move(step.status)

    async def flush(self, *, publish_status: bool = True) -> None:
        """Write the held steps in one local activity and one transaction.

        Without `publish_status` the ClaimStatus search attribute waits for the next flush, for
        a caller whose next step, in the same workflow task, moves the status on.
        """
        if not self._held:
            return
        batch, self._held = self._held, []
        if publish_status:
            self._board.publish()
        summary = _summary(batch)

        async def write(fresh: bool) -> None:
            nonlocal batch
            if fresh:
                batch = [self._renumbered(step) for step in batch]
                self._board.publish()
            await self._write(batch, summary)

        await self.until_done(c.WRITE_STEPS, summary, write, resume=self._held_from)

    async def write_now(self, steps: list[Step]) -> None:
        """Write an update handler's steps on their own, parking like any step."""
        summary = _summary(steps)

        async def write(fresh: bool) -> None:
            nonlocal steps
            if fresh:
                steps = [self._renumbered(step) for step in steps]
            await self._write(steps, summary)

        await self.until_done(
            c.WRITE_STEPS, summary, write, resume=self._claim.status, in_handler=True
        )

    async def transition(
        self,
        event_type: EventType,
        *,
        detail: dict[str, Any] | None = None,
        defer: bool = False,
        **row: Unpack[c.RowChange],
    ) -> None:
        """Decide one audit event (and what it changes on the row) as the next step.

        It is written now, or with `defer` at the next step that is not deferred (or `flush()`):
        a caller defers only where a written step follows before the claim waits for anything
        outside. A handler's parked step holds it back, before it takes its step number.
        """
        await self.settled()
        self.hold(self.event(event_type, detail=detail, **row))
        if not defer:
            await self.flush()

    async def notify(self, kind: NotificationKind, payload: dict[str, Any]) -> None:
        """Queue a message to the claimant as the next step, written with the held steps."""
        await self.settled()
        self.hold(self.notification(kind, payload))
        await self.flush()

    def _renumbered(self, step: Step) -> Step:
        number = self._claim.took_step()
        if isinstance(step, c.NotificationInput):
            return step.model_copy(update={"step": number})
        if step.status is not None:
            self._board.move(step.status)
        return step.model_copy(update={"step": number, "at": workflow.now()})

    async def _write(self, steps: list[Step], summary: str) -> None:
        await run_local(
            c.WRITE_STEPS,
            c.StepsInput(
                claim_id=self._input.claim_id,
                transitions=[s for s in steps if isinstance(s, c.TransitionInput)],
                notifications=[s for s in steps if isinstance(s, c.NotificationInput)],
            ),
            summary=summary,
            timeout=retries.DB_TIMEOUT,
            retry=self.db_retry,
        )

    async def db_step(
        self, ref: c.ActivityRef[In, Out], arg: In, summary: str, *, resume: ClaimStatus
    ) -> Out:
        """A Postgres step other than recording (admission, a release), run until done."""
        return await self.until_done(
            ref,
            summary,
            lambda _: run_local(
                ref, arg, summary=summary, timeout=retries.DB_TIMEOUT, retry=self.db_retry
            ),
            resume=resume,
        )

    # --- failures: retried, flagged, parked -------------------------------------------------

    async def until_done(
        self,
        step: c.ActivityRef[Any, Any],
        summary: str,
        attempt: Attempt[T],
        *,
        resume: ClaimStatus,
        in_handler: bool = False,
    ) -> T:
        """Run a step until it succeeds, however long that takes, and return its result.

        Transient failures go on being retried, in rounds; after the first round the claim is
        flagged as retrying. A permanent failure parks the claim until an operator retries,
        then the step is tried again (with `fresh=True`); a cancel while parked raises.
        """
        activity = step.name
        flagged = False
        fresh = False
        waiting_before = self._claim.waiting_on
        try:
            while True:
                try:
                    return await attempt(fresh)
                except FailureError as err:  # ActivityError; unwrapped from a local activity
                    failure = classify(err)
                    if failure is None:
                        raise
                    fresh = not failure.transient
                    if fresh:
                        await self._park(activity, summary, failure, resume, in_handler)
                    elif not flagged:
                        flagged = True
                        self._flag_retrying(activity, summary, failure)
        finally:
            if flagged:
                self._board.retrying(False)
                self._board.wait_on(waiting_before)

    def _flag_retrying(self, activity: str, summary: str, failure: StepFailure) -> None:
        workflow.logger.warning("%s still failing, retrying: %s", summary, failure.message)
        workflow.metric_meter().create_counter(
            "claims_steps_retrying", "Steps still failing after a round of retries"
        ).add(1, {"activity": activity})
        self._board.retrying(True)
        self._board.wait_on(f"{summary} to succeed (retrying after {failure.error_type})")

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
        self._board.set(ClaimStatus.NEEDS_ATTENTION)
        self._board.wait_on(f"an operator: '{summary}' failed ({failure.error_type})")
        detail: dict[str, Any] = {
            "step": summary,
            "activity": activity,
            "error_type": failure.error_type,
            "error": failure.message[:500],
            "resume_status": resume.value,
        }
        if self._claim.last_review and "reviewed" in summary:
            # The step was to record a person's decision: Retry records it and acts on it.
            detail["pending_review"] = self._claim.last_review
        await self._best_effort(
            self.event(
                EventType.NEEDS_ATTENTION, detail=detail, status=ClaimStatus.NEEDS_ATTENTION
            ),
            self.notification(NotificationKind.CLAIM_NEEDS_ATTENTION, detail),
        )
        if not await self._parking.wait_for_operator():
            if in_handler:
                raise ApplicationError("the claim was cancelled", type=ErrorType.CLAIM_CLOSED)
            raise ClaimCancelledError
        self._board.set(resume)
        self._board.wait_on(waiting_before)
        await self._best_effort(
            self.event(EventType.RETRIED, detail={"step": summary}, status=resume)
        )
        self._parking.resumed += 1

    async def _best_effort(self, *steps: Step) -> None:
        """Parking's own steps: if even they fail, the search attribute still shows the claim."""
        summary = _summary(list(steps))
        try:
            await self._write(list(steps), summary)
        except FailureError as err:  # a local activity's spent retries may arrive unwrapped
            workflow.logger.warning("could not %s: %s", summary.lower(), err)


def _summary(steps: list[Step]) -> str:
    """The Web UI's line for a write: every event and notification it writes, in order."""
    events = [s.event_type.replace("_", " ") for s in steps if isinstance(s, c.TransitionInput)]
    notes = [s.kind.replace("_", " ") for s in steps if isinstance(s, c.NotificationInput)]
    parts = [f"Record {', '.join(events)}"] if events else []
    parts += [f"Notify: {', '.join(notes)}"] if notes else []
    return "; ".join(parts)
