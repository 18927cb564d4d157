"""Webhook and e-mail relays under test: fast pacing, a second submitter, subscribing, waiting."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from temporalio.api.enums.v1 import EventType as HistoryEventType
from temporalio.client import Client

from claims.lifecycle import EventType
from claims.webhooks import WEBHOOK_EVENT_OF
from contracts import NEXT_EMAILS, NEXT_WEBHOOKS, OutboxChannel, dispatcher_id
from tests.support.stack import Stack
from tools.waiting import wait_for

ALL_EVENTS = [str(e) for e in WEBHOOK_EVENT_OF.values()]
OTHER_SUBMITTER = {"Authorization": "Bearer other-submitter-key"}
# Dispatchers sweep every 2 s and retry from 0.1 s up to 0.5 s, for 20 s, each attempt 1 s; a
# receiver's breaker opens after 5 failures in a row, for 1 s.
FAST_OUTBOX = {
    "outbox_sweep_s": 2.0,
    "outbox_breaker_cooldown_s": 1.0,
    "outbox_first_retry_s": 0.1,
    "outbox_max_retry_s": 0.5,
    "outbox_attempt_timeout_s": 1.0,
    "outbox_retry_period_s": 20.0,
}


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for `condition` (a generous deadline against a wedged test, not a speed claim)."""

    async def check() -> bool:
        return condition()

    await wait_for(check, what=what)


async def subscribe(
    stack: Stack, headers: dict[str, str], url: str, events: list[str] = ALL_EVENTS
) -> dict[str, Any]:
    response = await stack.http.post(
        "/v1/webhooks", headers=headers, json={"url": url, "events": events}
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def expected_events(stack: Stack, claim_id: str) -> set[str]:
    """The webhook event ids a claim's recorded steps call for."""
    async with stack.engine.connect() as conn:
        rows = await conn.execute(
            sa.text("SELECT step, type FROM claim_event WHERE claim_id = :c"), {"c": claim_id}
        )
        return {
            f"evt_{uuid.UUID(claim_id).hex}_{step}"
            for step, kind in rows
            if EventType(kind) in WEBHOOK_EVENT_OF
        }


async def dispatcher_looks(client: Client, channel: OutboxChannel, queue: str) -> int:
    """How many times the channel's dispatcher has looked for due rows (this run)."""
    due = (NEXT_WEBHOOKS if channel is OutboxChannel.WEBHOOK else NEXT_EMAILS).name
    history = await client.get_workflow_handle(dispatcher_id(channel, queue)).fetch_history()
    scheduled = HistoryEventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    return sum(
        1
        for event in history.events
        if event.event_type == scheduled
        and event.activity_task_scheduled_event_attributes.activity_type.name == due
    )


async def dispatchers_idle(client: Client, queue: str) -> bool:
    """Neither dispatcher has an attempt (or a look) in flight: nothing more can be sent, not
    even the retry of an attempt whose worker was killed (it stays pending until it times out)."""
    for channel in OutboxChannel:
        described = await client.get_workflow_handle(dispatcher_id(channel, queue)).describe()
        if described.raw_description.pending_activities:
            return False
    return True
