"""OutboxDispatcher: hands out an outbox's due rows to delivery attempts, fairly.

Claims never wait for a receiver: their steps only write outbox rows, in the step's own
transaction. One dispatcher per channel and outbox queue (`outbox-webhook-<queue>`,
`outbox-email-<queue>`) gives due rows to one-attempt activities, at most `max_in_flight` at a
time and at most `max_in_flight_per_principal` for any one principal (webhooks).

Each attempt records its own outcome: delivered; dead-lettered at once when the failure is
permanent; or scheduled for later (`next_attempt_at`) when it is transient. A row waiting for
its retry is not in flight, so it holds no slot: a receiver that keeps failing can never take
the capacity that other rows need.

Idle costs nothing: the dispatcher sleeps until a signal (the worker that committed new rows
sends `wake`), the next scheduled retry, or the slow safety sweep, whichever is first.
History stays bounded by continuing as new, with nothing in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, VersioningBehavior
from temporalio.exceptions import ActivityError

import contracts as c
from contracts import (
    OUTBOX_WORKFLOW_NAME,
    REQUEUE_SIGNAL,
    WAKE_SIGNAL,
    OutboxChannel,
    OutboxRelayInput,
)
from workflows.calls import start_remote

ROUNDS_PER_RUN = 500
BOOKKEEPING_TIMEOUT = timedelta(seconds=30)
# Reading the outbox: Postgres may be down for a while; keep trying, visibly, at most every 30 s.
BOOKKEEPING_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
# One attempt's own failures are recorded on its row; these retries only cover a worker that
# died or a database that blinked mid-attempt. After them the row keeps its schedule and the
# next look hands it out again.
ATTEMPT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
)
# Never sleep less than this between looks (a row due "now" is handed out at the next look).
MIN_WAIT_S = 0.05


@dataclass(frozen=True)
class _Activities:
    due: c.ActivityRef[c.DueInput, c.DueResult]
    deliver: c.ActivityRef[c.OutboxItem, c.AttemptResult]
    per_principal: bool


ACTIVITIES = {
    OutboxChannel.WEBHOOK: _Activities(c.NEXT_WEBHOOKS, c.DELIVER, per_principal=True),
    OutboxChannel.EMAIL: _Activities(c.NEXT_EMAILS, c.SEND, per_principal=False),
}


# Pinned like ClaimWorkflow: it moves to a new build at the end of a round, when the
# deployment's target changed (within a sweep), by continuing as new.
@workflow.defn(name=OUTBOX_WORKFLOW_NAME, versioning_behavior=VersioningBehavior.PINNED)
class OutboxDispatcher:
    def __init__(self) -> None:
        self._in_flight: set[int] = set()
        self._woken = False
        self._freed = False
        # The last look left due rows behind (slots or a principal's cap were full).
        self._capped = False
        # When the current wait ends, and whether an attempt since scheduled a retry before it.
        self._next_look: datetime | None = None
        self._retry_sooner = False
        # Requeued rows an attempt still held when they were requeued: look again as it ends.
        self._requeued_in_flight: set[int] = set()

    @workflow.signal(name=WAKE_SIGNAL)
    def wake(self) -> None:
        """New rows: look now instead of at the next timer."""
        self._woken = True

    @workflow.signal(name=REQUEUE_SIGNAL)
    def requeue(self, requeued: c.Requeued) -> None:
        """Rows queued again: look now, and again when an attempt still holding one ends (the
        attempt that dead-lettered it, say: a look skips the rows in flight)."""
        self._woken = True
        self._requeued_in_flight |= set(requeued.ids) & self._in_flight

    @workflow.run
    async def run(self, relay: OutboxRelayInput) -> None:
        names = ACTIVITIES[relay.channel]
        for _ in range(ROUNDS_PER_RUN):
            self._woken = self._freed = self._retry_sooner = False
            wait_s, self._capped = await self._hand_out(relay, names)
            self._next_look = workflow.now() + timedelta(seconds=wait_s)
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._woken or self._retry_sooner or (self._capped and self._freed),
                    timeout=timedelta(seconds=wait_s),
                )
            info = workflow.info()
            if (
                info.is_continue_as_new_suggested()
                or info.is_target_worker_deployment_version_changed()
            ):
                break
        await workflow.wait_condition(lambda: not self._in_flight)
        workflow.continue_as_new(
            relay, initial_versioning_behavior=workflow.ContinueAsNewVersioningBehavior.AUTO_UPGRADE
        )

    async def _hand_out(self, relay: OutboxRelayInput, names: _Activities) -> tuple[float, bool]:
        """Start attempts for the rows due now; return (seconds to sleep, whether capped)."""
        free = relay.max_in_flight - len(self._in_flight)
        if free <= 0:
            return relay.sweep_s, True
        due = await start_remote(
            names.due,
            c.DueInput(
                relay=relay.relay,
                exclude=sorted(self._in_flight),
                limit=free,
                per_principal=relay.max_in_flight_per_principal if names.per_principal else None,
            ),
            summary=None,
            timeout=BOOKKEEPING_TIMEOUT,
            retry=BOOKKEEPING_RETRY,
        )
        for item in due.ids:
            self._in_flight.add(item)
            asyncio.create_task(self._attempt(relay, names, item))  # noqa: RUF006
        wait_s = relay.sweep_s
        if due.next_due_in_s is not None:
            wait_s = min(wait_s, max(due.next_due_in_s, MIN_WAIT_S))
        return wait_s, due.capped

    async def _attempt(self, relay: OutboxRelayInput, names: _Activities, item: int) -> None:
        try:
            result = await start_remote(
                names.deliver,
                c.OutboxItem(id=item),
                summary=f"{relay.channel} {item}",
                # The attempt bounds itself (attempt_timeout_s); this catches a worker that died.
                timeout=timedelta(seconds=relay.attempt_timeout_s + 15),
                retry=ATTEMPT_RETRY,
            )
            # A retry due before the next look would otherwise wait for it (up to a sweep):
            # look again when it is due, so a transient failure backs off as paced, no longer.
            if result.retry_in_s is not None and self._next_look is not None:
                due = workflow.now() + timedelta(seconds=result.retry_in_s)
                self._retry_sooner = self._retry_sooner or due < self._next_look
        except ActivityError:
            # The row is still pending with its schedule: a later look takes it again.
            workflow.logger.warning("%s %d: attempt did not complete", relay.channel, item)
        finally:
            self._in_flight.discard(item)
            self._freed = True
            if item in self._requeued_in_flight:
                self._requeued_in_flight.discard(item)
                self._woken = True
