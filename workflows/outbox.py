"""OutboxRelayWorkflow: drains one outbox (a webhook subscription's, or the claimant e-mails).

Claims never wait for a receiver: their steps only write outbox rows, in the step's own
transaction (infra/store/webhooks.py). This relay, one per subscription (`webhook-<id>`) and
one for mail (`mail-relay-<outbox queue>`), hands the rows out to a delivery activity, at most
`max_in_flight` at a time. Each delivery retries with exponential backoff for the retry period;
when that runs out the row is dead-lettered, where an operator sees it and may redeliver it.

Rows are found by polling (`poll_s`) or on a `wake` signal; an idle relay costs one query per
poll. History stays bounded: the relay continues as new every few hundred rounds, with nothing
in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from activities import contracts as c
from workflows.contracts import (
    OUTBOX_WORKFLOW_NAME,
    WAKE_SIGNAL,
    OutboxChannel,
    OutboxRelayInput,
)

ROUNDS_PER_RUN = 500
BOOKKEEPING_TIMEOUT = timedelta(seconds=30)
# Reading and settling outbox rows: Postgres may be down for a while; keep trying.
BOOKKEEPING_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))


@dataclass(frozen=True)
class _Activities:
    due: str
    deliver: str
    dead_letter: str


ACTIVITIES = {
    OutboxChannel.WEBHOOK: _Activities(c.DUE_WEBHOOKS, c.DELIVER_WEBHOOK, c.DEAD_LETTER_WEBHOOK),
    OutboxChannel.EMAIL: _Activities(c.DUE_EMAILS, c.SEND_EMAIL, c.DEAD_LETTER_EMAIL),
}


@workflow.defn(name=OUTBOX_WORKFLOW_NAME)
class OutboxRelayWorkflow:
    def __init__(self) -> None:
        self._in_flight: set[int] = set()
        self._woken = False

    @workflow.signal(name=WAKE_SIGNAL)
    def wake(self) -> None:
        """New or redelivered rows: look now instead of at the next poll."""
        self._woken = True

    @workflow.run
    async def run(self, relay: OutboxRelayInput) -> None:
        names = ACTIVITIES[relay.channel]
        for _ in range(ROUNDS_PER_RUN):
            self._woken = False
            free = relay.max_in_flight - len(self._in_flight)
            found = 0
            if free > 0:
                due = await workflow.execute_activity(
                    names.due,
                    c.DueInput(
                        subscription_id=relay.subscription_id,
                        exclude=sorted(self._in_flight),
                        limit=free,
                    ),
                    result_type=c.DueResult,
                    start_to_close_timeout=BOOKKEEPING_TIMEOUT,
                    retry_policy=BOOKKEEPING_RETRY,
                )
                if not due.active:
                    await workflow.wait_condition(lambda: not self._in_flight)
                    return
                for item in due.ids:
                    self._in_flight.add(item)
                    asyncio.create_task(self._deliver(relay, names, item))  # noqa: RUF006
                found = len(due.ids)
            if found == free:
                # Slots are full (free 0), or there may be more rows than there were slots.
                await workflow.wait_condition(
                    lambda: len(self._in_flight) < relay.max_in_flight or self._woken
                )
            else:
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(
                        lambda: self._woken, timeout=timedelta(seconds=relay.poll_s)
                    )
        await workflow.wait_condition(lambda: not self._in_flight)
        workflow.continue_as_new(relay)

    async def _deliver(self, relay: OutboxRelayInput, names: _Activities, item: int) -> None:
        try:
            give_up_at = workflow.now() + timedelta(seconds=relay.retry_period_s)
            await workflow.execute_activity(
                names.deliver,
                c.OutboxItem(id=item, give_up_at=give_up_at),
                # The attempt bounds itself (attempt_timeout_s); this catches a worker that died.
                start_to_close_timeout=timedelta(seconds=relay.attempt_timeout_s + 5),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=relay.first_retry_s),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(seconds=relay.max_retry_s),
                    non_retryable_error_types=[c.UNDELIVERABLE],
                ),
                summary=f"deliver {relay.channel} {item}",
            )
        except ActivityError as failure:
            await workflow.execute_activity(
                names.dead_letter,
                c.DeadLetterInput(id=item, reason=_reason(failure)),
                start_to_close_timeout=BOOKKEEPING_TIMEOUT,
                retry_policy=BOOKKEEPING_RETRY,
            )
        finally:
            self._in_flight.discard(item)


def _reason(failure: ActivityError) -> str:
    cause = failure.cause
    if cause is None:
        return "delivery failed"
    return f"{type(cause).__name__}: {cause}"
