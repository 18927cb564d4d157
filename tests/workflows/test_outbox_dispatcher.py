"""OutboxDispatcher on the time-skipping test server, its two activities mocked by name.

The outbox is a dict of row statuses; `due` hands out the pending rows not in flight, as the
store does; `deliver` records what the test scripts. Auto time-skipping stays off (no test waits
on the workflow's result), so the dispatcher's hour-long safety sweep really is an hour: a row
handed out again within seconds was handed out because the dispatcher knew to, not by a sweep.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

import contracts as c
from tools.waiting import wait_for
from workflows.outbox import OutboxDispatcher
from workflows.sandbox import claim_workflow_runner

HOUR_S = 3600.0
T = TypeVar("T")


@dataclass
class Outbox:
    """Rows by id ("pending", "failed", "delivered"), and what the activities were asked."""

    rows: dict[int, str] = field(default_factory=dict)
    looks: list[list[int]] = field(default_factory=list)  # each look's `exclude`
    attempts: list[int] = field(default_factory=list)
    # The first attempt at each id in here dead-letters its row, then waits to be let go.
    hold: dict[int, asyncio.Event] = field(default_factory=dict)

    def activities(self) -> list[Callable[..., Any]]:
        @activity.defn(name=c.NEXT_WEBHOOKS.name)
        async def due(request: c.DueInput) -> c.DueResult:
            self.looks.append(list(request.exclude))
            pending = [i for i, s in sorted(self.rows.items()) if s == "pending"]
            ids = [i for i in pending if i not in request.exclude][: request.limit]
            return c.DueResult(ids=ids)

        @activity.defn(name=c.DELIVER.name)
        async def deliver(item: c.OutboxItem) -> c.AttemptResult:
            self.attempts.append(item.id)
            if item.id in self.hold and self.attempts.count(item.id) == 1:
                self.rows[item.id] = "failed"  # recorded; the dispatcher has not heard yet
                await self.hold[item.id].wait()
                return c.AttemptResult()
            self.rows[item.id] = "delivered"
            return c.AttemptResult()

        return [due, deliver]


@asynccontextmanager
async def dispatcher(client: Client, outbox: Outbox) -> AsyncIterator[WorkflowHandle[Any, None]]:
    queue = f"outbox-tier-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client,
        task_queue=queue,
        workflows=[OutboxDispatcher],
        activities=outbox.activities(),
        workflow_runner=claim_workflow_runner(),
    ):
        relay = c.OutboxRelayInput(channel=c.OutboxChannel.WEBHOOK, relay=queue, sweep_s=HOUR_S)
        handle = await client.start_workflow(
            OutboxDispatcher.run, relay, id=f"outbox-webhook-{queue}", task_queue=queue
        )
        try:
            yield handle
        finally:
            await handle.terminate()


async def test_a_row_redelivered_while_its_last_attempt_is_still_in_flight_is_sent_again(
    client: Client,
) -> None:
    # The API dead-letters nothing itself: an attempt records "failed", and before the
    # dispatcher hears that attempt end, an admin redelivers the row. The look the redelivery
    # wakes skips the row (it is in flight); the dispatcher must look again when it lands.
    outbox = Outbox(rows={1: "pending"}, hold={1: asyncio.Event()})
    async with dispatcher(client, outbox) as handle:
        await wait_for(lambda: _value(outbox.attempts), [1].__eq__, what="the first attempt")
        looks_before = len(outbox.looks)
        outbox.rows[1] = "pending"  # redelivered
        await handle.signal(c.REQUEUE_SIGNAL, c.Requeued(ids=[1]))
        await wait_for(
            lambda: _value(outbox.looks[looks_before:]),
            lambda looks: [1] in looks,
            what="the look the redelivery woke, skipping the row in flight",
        )
        outbox.hold[1].set()  # the dead-lettering attempt ends
        await wait_for(
            lambda: _value(outbox.attempts),
            [1, 1].__eq__,
            what="the redelivered row sent again (not at the hour's sweep)",
            timeout_s=20,
        )
        assert outbox.rows[1] == "delivered"


async def test_new_rows_are_handed_out_when_a_wake_arrives(client: Client) -> None:
    outbox = Outbox()
    async with dispatcher(client, outbox) as handle:
        await wait_for(lambda: _value(len(outbox.looks)), (1).__le__, what="the first look")
        outbox.rows |= {1: "pending", 2: "pending"}
        await handle.signal(c.WAKE_SIGNAL)
        await wait_for(
            lambda: _value(sorted(outbox.attempts)), [1, 2].__eq__, what="both rows sent"
        )


async def _value(value: T) -> T:
    return value
